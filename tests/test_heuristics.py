"""Heuristic rules against sentence cases kept as data, in each rule's case file found by its
code: ``tests/rules/OKR205.yaml`` holds initiative-kr's (``level``, then the titles that must
``flag``, give a ``hint``, or ``pass``; its whole-file ``cases`` are read by
``tests/test_rule_cases.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from okrcli.model.config import WordEdit
from okrcli.wording.lexicon import Lexicon
from okrcli.wording.reading import KrShape, ObjectiveShape, read_kr, read_objective

RULE_CASES = Path(__file__).parent / "rules"
CASES = {
    p.stem: spec
    for p in sorted(RULE_CASES.glob("*.yaml"))
    if "level" in (spec := yaml.safe_load(p.read_text("utf-8")))
}
LEX = Lexicon()


KR_FIELDS = {"OKR205": "task", "OKR203": "done", "OKR204": "vanity"}
OBJECTIVE_FIELDS = {
    "OKR102": "metric",
    "OKR103": "catch_all",
    "OKR104": "long_horizon",
    "OKR105": "parity",
}


def verdict(code: str, level: str, text: str, lex: Lexicon = LEX) -> str:
    """'flag' when the rule warns on the title, 'hint' for a weak reading, else 'pass'."""
    shape: KrShape | ObjectiveShape
    if level == "kr":
        shape, name = read_kr(text, lex), KR_FIELDS[code]
    else:
        shape, name = read_objective(text, lex), OBJECTIVE_FIELDS[code]
    if not getattr(shape, name):
        return "pass"
    return "hint" if name in shape.hints else "flag"


def fired(code: str, level: str, text: str, lex: Lexicon = LEX) -> bool:
    return verdict(code, level, text, lex) == "flag"


PARAMS = [
    pytest.param(code, spec["level"], kind, text, id=f"{code}-{kind}-{text[:30]}")
    for code, spec in CASES.items()
    for kind in ("flag", "hint", "pass")
    for text in spec.get(kind, ())
]


@pytest.mark.parametrize(("code", "level", "kind", "text"), PARAMS)
def test_case(code: str, level: str, kind: str, text: str) -> None:
    assert verdict(code, level, text) == kind


def test_every_sentence_case_file_is_named_by_a_heuristic_rule_of_its_level() -> None:
    from okrcli.rules.base import registry

    codes = registry()
    for code, spec in CASES.items():
        assert code in codes, f"tests/rules/{code}.yaml names no rule"
        fields = KR_FIELDS if spec["level"] == "kr" else OBJECTIVE_FIELDS
        assert code in fields, f"tests/rules/{code}.yaml: {code} is no {spec['level']} heuristic"
    assert set(KR_FIELDS) | set(OBJECTIVE_FIELDS) <= set(CASES), "a heuristic rule has no cases"


def test_users_extend_and_trim_word_lists() -> None:
    text = "Instrument checkout for 90% of sessions"
    assert not fired("OKR205", "kr", text)
    lex = Lexicon({"task-verbs": WordEdit(add=["instrument"])})
    assert fired("OKR205", "kr", text, lex)
    launch = "Launch the partner portal"
    assert "starts with 'launch'" in (read_kr(launch, LEX).task or "")
    trimmed = Lexicon({"task-verbs": WordEdit(remove=["launch"])})
    assert "starts with 'launch'" not in (read_kr(launch, trimmed).task or "")


def test_unknown_word_list_is_a_config_error() -> None:
    from okrcli.errors import OkrError

    with pytest.raises(OkrError, match="unknown list 'verbs'"):
        Lexicon({"verbs": WordEdit(add=["x"])})
