"""okr site over format 1.2: annual and multi-year period pages, the quarters laddering up to
them, shared objectives and indicators; a format 1.1 repository's site stays as it was; the
output folder is okr site's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE
from tests.conftest import Builder, commit_versions, okr

SNAPSHOT = Path(__file__).parent.parent / "snapshots" / "site-1.1"
MARKER = ".okr-site"


def _checked(text: str, conversion: str, repeat: str) -> str:
    return text.replace(
        "        target: 34\n", f"        target: 34\n        current: {conversion}\n"
    ).replace("        target: 60\n", f"        target: 60\n        current: {repeat}\n")


def _format_11_repo(make_repo: Builder) -> Path:
    """Two quarters of a format 1.1 repository, checked in on fixed days."""
    root = make_repo({"okr.yaml": "okrs_dir: okrs\n"})
    q3 = GOOD_FILE.replace("quarter: 2026-Q4", "quarter: 2026-Q3")
    commit_versions(
        root,
        "okrs/2026-Q3/checkout.yaml",
        [
            ("2026-07-01", q3),
            ("2026-07-17", _checked(q3, "31", "90")),
            ("2026-09-25", _checked(q3, "33.5", "70")),
        ],
    )
    search = GOOD_FILE.replace("unit: checkout", "unit: search")
    commit_versions(root, "okrs/2026-Q4/search.yaml", [("2026-10-01", search)])
    commit_versions(
        root,
        "okrs/2026-Q4/checkout.yaml",
        [
            ("2026-10-02", GOOD_FILE),
            ("2026-10-16", _checked(GOOD_FILE, "31", "88")),
            ("2026-11-06", _checked(GOOD_FILE, "32", "75")),
        ],
    )
    return root


def test_a_format_11_repository_gets_the_site_it_always_got(
    make_repo: Builder, tmp_path: Path
) -> None:
    """Every file of a 1.1 repository's site is as it was before format 1.2 came to the site
    (the golden copy was written by okr site before it knew periods); the marker file is
    new (okr site's claim on the folder)."""
    root = _format_11_repo(make_repo)
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-20", cwd=root)
    assert r.returncode == 0, r.stderr
    made = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.name != MARKER}
    if os.environ.get("OKR_UPDATE_GOLDEN"):
        SNAPSHOT.mkdir(parents=True, exist_ok=True)
        for old in SNAPSHOT.iterdir():
            old.unlink()
        for name, text in made.items():
            (SNAPSHOT / name).write_text(text, encoding="utf-8")
    golden = {p.name: p.read_text(encoding="utf-8") for p in SNAPSHOT.iterdir()}
    assert sorted(made) == sorted(golden)
    for name, text in golden.items():
        assert made[name] == text, f"{name} changed for a format 1.1 repository"
