"""Heuristic rules against sentence cases kept as data in cases/heuristics.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from okrcli.model.config import WordEdit
from okrcli.rules.lexicon import Lexicon
from okrcli.rules.text import read_kr, read_objective

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "heuristics.yaml").read_text())
LEX = Lexicon()


def fired(code: str, level: str, text: str, lex: Lexicon = LEX) -> bool:
    if level == "kr":
        k = read_kr(text, lex)
        return bool({"OKR205": k.task, "OKR203": k.done, "OKR204": k.vanity}[code])
    o = read_objective(text, lex)
    return bool(
        {"OKR102": o.metric, "OKR103": o.catch_all, "OKR104": o.long_horizon, "OKR105": o.parity}[
            code
        ]
    )


PARAMS = [
    pytest.param(code, spec["level"], kind, text, id=f"{code}-{kind}-{text[:30]}")
    for code, spec in CASES.items()
    for kind in ("flag", "pass")
    for text in spec[kind]
]


@pytest.mark.parametrize(("code", "level", "kind", "text"), PARAMS)
def test_case(code: str, level: str, kind: str, text: str) -> None:
    assert fired(code, level, text) is (kind == "flag")


def test_users_extend_and_trim_word_lists() -> None:
    text = "Instrument every checkout step"
    assert not fired("OKR205", "kr", text)
    lex = Lexicon({"task-verbs": WordEdit(add=["instrument"])})
    assert fired("OKR205", "kr", text, lex)
    trimmed = Lexicon({"task-verbs": WordEdit(remove=["launch"])})
    assert not fired("OKR205", "kr", "Launch the new website", trimmed)


def test_unknown_word_list_is_a_config_error() -> None:
    from okrcli.errors import OkrError

    with pytest.raises(OkrError, match="unknown list 'verbs'"):
        Lexicon({"verbs": WordEdit(add=["x"])})
