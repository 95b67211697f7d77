"""okr check-in, property-based: any sequence of check-ins round-trips on every layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrcli.edit.checkin import Edit, apply, number_text
from tests.commands.test_check_in import LAYOUTS, diff_lines, kr_values


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.decimals(
            min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False
        ),
        min_size=1,
        max_size=6,
    ),
    layout=st.sampled_from(list(LAYOUTS)),
)
def test_any_sequence_of_check_ins_round_trips(values: list[Decimal], layout: str) -> None:
    text = LAYOUTS[layout]
    first = text
    for v in values:
        written = number_text(str(v))
        text = apply(text, [Edit(0, 0, {"current": written})])
        assert Decimal(str(kr_values(text)["current"])) == Decimal(written)
    # everything but the current line is byte-identical to the start
    removed, added = diff_lines(first, text)
    assert len(added) <= 2 and len(removed) <= 1
    assert sum("current:" in line for line in added) == 1
