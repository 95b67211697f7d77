"""The report, property-based: progress is the scoring function's score of each week."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from okrcli.model.okr import Direction
from okrcli.score.formats import progress
from okrcli.scoring import dec_or_none, score_values
from tests.commands.test_report import krs
from tests.test_history import demo  # noqa: F401 - the session fixture


@given(krs)
def test_progress_is_the_scoring_functions_score_of_each_week(kr: Any) -> None:
    direction = Direction(kr.direction) if kr.direction else None
    expected = [
        None
        if v is None
        else float(
            score_values(
                direction,
                dec_or_none(kr.baseline),
                dec_or_none(kr.target),
                dec_or_none(v),
                binary=kr.binary,
            ).score
        )
        for v in kr.weekly
    ]
    assert progress(kr) == pytest.approx(expected)
