"""The scoring function, property-based: lower is better scores like its mirrored twin;
scores stay in range and are monotone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrcli.model.okr import Direction
from okrcli.scoring import score_values

D = Direction


nums = st.decimals(
    min_value=-10_000, max_value=10_000, places=3, allow_nan=False, allow_infinity=False
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(b=nums, t=nums, c=nums)
def test_lower_is_better_scores_like_its_mirrored_twin(b: Decimal, t: Decimal, c: Decimal) -> None:
    if b == t:
        return
    up = score_values(D.INCREASE if t > b else D.DECREASE, b, t, c)
    mirrored = score_values(D.DECREASE if t > b else D.INCREASE, -b, -t, -c)
    assert up.score == mirrored.score


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(b=nums, t=nums, c1=nums, c2=nums, d=st.sampled_from(list(Direction)))
def test_scores_stay_in_range_and_are_monotone(
    b: Decimal, t: Decimal, c1: Decimal, c2: Decimal, d: Direction
) -> None:
    lo, hi = sorted((c1, c2))
    s_lo, s_hi = score_values(d, b, t, lo).score, score_values(d, b, t, hi).score
    assert Decimal(0) <= s_lo <= 1 and Decimal(0) <= s_hi <= 1
    # the declared direction decides which way is better (OKR202 reports a contradiction)
    if d in (D.INCREASE, D.STAY_ABOVE):
        assert s_lo <= s_hi
    else:
        assert s_lo >= s_hi
