"""Fetch the files the tests read that no Python package ships, into the folder given.

Each is taken from a pinned package tarball on the npm registry, checked against the tarball's
integrity hash, and written with its licence. Run by ``scripts/setup dev``; a file already
there with the right content is not fetched again.

- ``sarif-2.1.0-rtm.5.json``: the SARIF 2.1.0 JSON Schema (SchemaStore's, the one GitHub code
  scanning documents), from ``@microsoft/jest-sarif`` (MIT).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

FILES = [
    {
        "name": "sarif-2.1.0-rtm.5.json",
        "tarball": "https://registry.npmjs.org/@microsoft/jest-sarif/-/jest-sarif-1.0.0-beta.0.tgz",
        "integrity": "sha512-A1fOhPd6Ic5iDk4F9YPw1qNB4XF+7+IviR7xl8r2F6QzQkx5cpY9LsGk2rExiFIEcBbjp"
        "VnSmwWGBukASkiQ9A==",
        "member": "package/lib/schemas/sarif-2.1.0-rtm.5.json",
        "sha256": "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8",
    },
]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        target = folder / spec["name"]
        if target.is_file() and _sha256(target.read_bytes()) == spec["sha256"]:
            continue
        with urllib.request.urlopen(spec["tarball"], timeout=60) as response:
            raw = response.read()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(raw).digest()).decode()
        if digest != spec["integrity"]:
            raise SystemExit(f"fetch_test_data: {spec['tarball']} is not the pinned package")
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            data = _member(tar, spec["member"])
            manifest = json.loads(_member(tar, "package/package.json"))
        if _sha256(data) != spec["sha256"]:
            raise SystemExit(f"fetch_test_data: {spec['name']} in the package has changed")
        # the package ships no licence file; its manifest names the licence
        note = (
            f"{spec['name']} comes from the npm package {manifest['name']} "
            f"{manifest['version']} ({spec['tarball']}), licence: {manifest['license']}.\n"
        )
        (folder / (spec["name"] + ".LICENSE")).write_text(note, encoding="utf-8")
        target.write_bytes(data)


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    member = tar.extractfile(name)
    if member is None:
        raise SystemExit(f"fetch_test_data: {name} is missing from the package")
    return member.read()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/fetch_test_data.py FOLDER")
    fetch(Path(sys.argv[1]))
