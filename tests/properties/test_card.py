"""The score card's building blocks, property-based, against plain reference versions of each."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrcli.history.timeline import Timeline
from okrcli.score.card import _Weekly, pace_of, weekly_values
from okrcli.score.formats import BARS, sparkline
from tests.test_card import Row

T0 = datetime(2026, 10, 1, tzinfo=UTC)


values = st.one_of(
    st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-50, 50)
)


numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**6), 10**6))


def reference_sparkline(row: Row) -> str:
    """The plain version: each week's height between the lowest and highest value shown."""
    known = [v for v in row.weekly if v is not None]
    if not known:
        return ""
    scale_values = known + [v for v in (row.baseline, row.target) if v is not None]
    lo, hi = min(scale_values) / 2, max(scale_values) / 2  # halved: no overflow
    out = ""
    for v in row.weekly:
        if v is None:
            out += " "
        else:
            share = (v / 2 - lo) / (hi - lo) if hi > lo else 0.0
            out += BARS[min(7, int(share * 8))]
    return out


@pytest.mark.slow
@given(st.lists(numbers, max_size=14), st.one_of(st.none(), numbers), st.one_of(st.none(), numbers))
def test_sparkline_without_gaps(
    weekly: list[float], baseline: float | None, target: float | None
) -> None:
    row = Row(list(weekly), baseline, target)
    got = sparkline(row)  # type: ignore[arg-type]
    assert len(got) == len(weekly) and set(got) <= set(BARS)
    # higher values never draw lower bars, and the extremes land where the reference puts them
    heights = [BARS.index(c) for c in got]
    for (a, ha), (b, hb) in pairwise(sorted(zip(weekly, heights, strict=True))):
        assert a == b or ha <= hb
    ref = reference_sparkline(row)
    assert all(abs(BARS.index(x) - BARS.index(y)) <= 1 for x, y in zip(got, ref, strict=True))


@pytest.mark.slow
@given(st.lists(values, max_size=14), st.one_of(st.none(), numbers), st.one_of(st.none(), numbers))
def test_sparkline_with_gaps(
    weekly: list[float | None], baseline: float | None, target: float | None
) -> None:
    row = Row(list(weekly), baseline, target)
    got = sparkline(row)  # type: ignore[arg-type]
    if all(v is None for v in weekly):
        assert got == ""
        return
    assert len(got) == len(weekly)
    assert [c == " " for c in got] == [v is None for v in weekly]


def timeline(times: list[int], currents: list[float | None]) -> Timeline:
    tl = Timeline("u/o/k")
    for t, c in zip(sorted(times), currents, strict=False):
        tl.add(None, T0 + timedelta(days=t), (None, None, c, None, None, None))
    return tl


@pytest.mark.slow
@given(
    st.lists(st.integers(0, 100), max_size=12),
    st.lists(st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.0])), min_size=12, max_size=12),
    st.lists(st.integers(0, 110), max_size=14),
)
def test_weekly_values_shared_and_single(
    times: list[int], currents: list[float | None], days: list[int]
) -> None:
    tl = timeline(times, currents)
    ends = [T0 + timedelta(days=d) for d in sorted(days)]
    expected = [
        tl.columns[2][n - 1] if n else None for n in (bisect_right(tl.whens, e) for e in ends)
    ]
    assert weekly_values(tl, ends) == expected
    weekly = _Weekly(ends)
    assert weekly(tl) == expected
    # a second timeline sharing the time column reads its own values through the kept positions
    twin = Timeline.from_columns(
        "u/o/j", tl.commits, tl.whens, ([], [], [c and c * 2 for c in tl.columns[2]], [], [], [])
    )
    assert weekly(twin) == [v and v * 2 for v in expected]
    assert weekly(None) == []


@pytest.mark.slow
@given(st.lists(st.one_of(st.none(), st.sampled_from([1.0, 2.0, 2, 3.5])), max_size=15))
def test_checkin_summary_counts_changes_of_current(currents: list[float | None]) -> None:
    tl = timeline(list(range(len(currents))), currents)
    # the first appearance (the file written) is not a check-in
    indexes = [n for n, (a, b) in enumerate(pairwise(currents), 1) if a != b]
    assert tl.checkin_indexes() == indexes
    assert tl.checkin_summary() == (len(indexes), indexes[-1] if indexes else -1)


@pytest.mark.slow
@given(
    st.decimals(min_value=0, max_value=1, places=3),
    st.decimals(min_value=0, max_value=1, places=3),
)
def test_pace_thresholds(score: Decimal, elapsed: Decimal) -> None:
    # the pace of the score as shown, to two places (as `f"{score:.2f}"` shows it)
    shown = Decimal(f"{score:.2f}")
    if shown >= 1 or shown >= elapsed * Decimal("0.9"):
        expected = "on track"
    elif shown >= elapsed * Decimal("0.6"):
        expected = "at risk"
    else:
        expected = "off track"
    assert pace_of(score, elapsed) == expected


@pytest.mark.slow
@given(
    st.lists(st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.5])), max_size=15),
    st.lists(st.integers(0, 40), max_size=15),
    st.integers(0, 45),
)
def test_last_checkin_by_a_time(currents: list[float | None], days: list[int], by: int) -> None:
    """The stale-kr rule's search from the newest change back equals taking every check-in
    and keeping those made by the time (change times in any order)."""
    from okrcli.rules.history import _last_checkin

    tl = Timeline("u/o/k")
    for c, d in zip(currents, days, strict=False):
        tl.add(None, T0 + timedelta(days=d), (None, None, c, None, None, None))
    when = T0 + timedelta(days=by)
    made = [tl.whens[n] for n in tl.checkin_indexes() if tl.whens[n] <= when]
    assert _last_checkin(tl, when) == (made[-1] if made else None)
