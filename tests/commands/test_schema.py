"""The committed JSON Schemas match the models, and agree with okr lint on every example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from okrcli.load.yamlsafe import YamlError, decode, parse
from okrcli.model.schema import SCHEMAS, render
from tests.conftest import ROOT, run_lint


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_committed_schema_matches_the_model(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(SCHEMAS[name], name), "run `okr schema` to update schemas/"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_is_valid_draft7(name: str) -> None:
    schema = json.loads((ROOT / "schemas" / name).read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def _parseable(path: Path) -> bool:
    try:
        parse(decode(path.read_bytes()))
    except YamlError:  # unreadable files are OKR001, not schema questions
        return False
    return True


def _okr_files() -> list[Path]:
    """Every example OKR file that parses (the schema has nothing to say about the rest)."""
    return [p for p in sorted((ROOT / "examples").glob("*/okrs/*/*.yaml")) if _parseable(p)]


@pytest.mark.parametrize("path", _okr_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_independent_validator_agrees_with_schema_error(path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "okr-file.schema.json").read_text())
    data = parse(decode(path.read_bytes())).data  # _okr_files keeps only parseable files
    schema_ok = jsonschema.Draft7Validator(schema).is_valid(data)
    repo = path.parents[2]
    found = run_lint(repo, str(path.relative_to(repo)), select=["OKR002"]).diagnostics
    assert schema_ok == (not found), (schema_ok, found)


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("confidence", 0.7, True),
        ("confidence", 1, True),
        ("confidence", 1.2, False),
        ("confidence", -1, False),
        ("weight", 2, True),
        ("weight", 0.5, True),
        ("weight", 0, False),
        ("weight", -0.5, False),
    ],
)
def test_schema_bounds_are_json_schema_keywords(field: str, value: float, valid: bool) -> None:
    """Editors read the bounds too: they are JSON Schema's minimum/maximum keywords."""
    schema = json.loads((ROOT / "schemas" / "okr-file.schema.json").read_text())
    kr = {"id": "k", "title": "A key result", field: value}
    data = {
        "unit": "u",
        "quarter": "2026-Q4",
        "objectives": [{"id": "o", "title": "O", "key_results": [kr]}],
    }
    assert jsonschema.Draft7Validator(schema).is_valid(data) == valid
