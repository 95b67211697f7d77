"""okr's SARIF output against the published SARIF 2.1.0 JSON Schema (SchemaStore's
``sarif-2.1.0-rtm.5.json``, the schema GitHub code scanning documents).

No Python package ships that schema and okr must not vendor other projects' files, so the
test takes it, at test time, from an npm package that carries it (``@microsoft/jest-sarif``,
MIT): the package's tarball is downloaded from the npm registry, checked against the integrity
hash pinned below, and read in memory; nothing is written to disk. Offline, the test is
skipped with the reason; in CI (``CI=true``), where the registries are reachable, a failed
download fails the test instead, so CI always proves the output valid.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import okr, write_repo

TARBALL = "https://registry.npmjs.org/@microsoft/jest-sarif/-/jest-sarif-1.0.0-beta.0.tgz"
INTEGRITY = (
    "sha512-A1fOhPd6Ic5iDk4F9YPw1qNB4XF+7+IviR7xl8r2F6QzQkx5cpY9LsGk2rExiFIEcBbjpVnSm"
    "wWGBukASkiQ9A=="
)
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="module")
def official_schema() -> dict[str, Any]:
    try:
        with urllib.request.urlopen(TARBALL, timeout=30) as response:
            raw = response.read()
    except (urllib.error.URLError, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"cannot download the SARIF schema's package from the npm registry: {exc}")
        pytest.skip(f"the npm registry is not reachable ({exc}); CI runs this test")
    digest = "sha512-" + base64.b64encode(hashlib.sha512(raw).digest()).decode()
    assert digest == INTEGRITY, "the downloaded package is not the one pinned"
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None
        schema: dict[str, Any] = json.loads(member.read())
    assert "SARIF" in schema["title"] and "2.1.0" in schema["title"]
    return schema


def _errors(log: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def test_sarif_with_every_rule_firing_is_valid(official_schema: dict[str, Any]) -> None:
    r = okr("lint", "examples/antipatterns", "--format", "sarif")
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    assert log["runs"][0]["results"], "the anti-examples should produce results"
    assert _errors(log, official_schema) == []


def test_sarif_of_a_clean_repository_is_valid(official_schema: dict[str, Any]) -> None:
    r = okr("lint", "examples/acme", "--format", "sarif")
    assert r.returncode == 0, r.stderr
    log = json.loads(r.stdout)
    assert log["runs"][0]["results"] == []
    assert _errors(log, official_schema) == []


def test_sarif_of_unreadable_files_is_valid(
    official_schema: dict[str, Any], tmp_path: Path
) -> None:
    root = write_repo(
        tmp_path / "r",
        {
            "okrs/2026-Q4/broken.yaml": "unit: [oops\n",
            "okrs/2026-Q4/odd.yaml": "unit: 'a|b<c>@d'\nquarter: 2026-Q4\nobjectives: 3\n",
        },
    )
    r = okr("lint", "--format", "sarif", cwd=root)
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    assert {res["ruleId"] for res in log["runs"][0]["results"]} >= {"OKR001", "OKR002"}
    assert _errors(log, official_schema) == []


def test_the_schema_check_would_catch_a_broken_log(official_schema: dict[str, Any]) -> None:
    log = json.loads(okr("lint", "examples/antipatterns", "--format", "sarif").stdout)
    log["runs"][0]["results"][0]["level"] = "fatal"  # not a SARIF level
    del log["runs"][0]["tool"]["driver"]["name"]
    errors = _errors(log, official_schema)
    assert any("fatal" in e for e in errors) and any("name" in e for e in errors)
