"""The score card's building blocks, against plain reference versions of each."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from okrcli.score.formats import sparkline
from okrcli.scoring import dec, dec_or_none


@dataclass
class Row:
    weekly: list[float | None]
    baseline: float | None
    target: float | None


def test_sparkline_examples() -> None:
    assert sparkline(Row([0.0, 50.0, 100.0], 0, 100)) == "▁▄█"  # type: ignore[arg-type]
    assert sparkline(Row([5, 5, 5], None, None)) == "▁▁▁"  # type: ignore[arg-type]
    assert sparkline(Row([None, 1.0, None, 3.0], 1, 3)) == " ▁ █"  # type: ignore[arg-type]
    assert sparkline(Row([-1e308, 1e308], None, None)) == "▁█"  # type: ignore[arg-type]


def test_remembered_decimals_keep_the_type_written() -> None:
    assert str(dec(1)) == "1" and str(dec(1.0)) == "1.0" and str(dec(True)) == "1"
    assert str(dec_or_none(31.2)) == "31.2" and dec_or_none(None) is None
    assert dec(Decimal("2.50")) == Decimal("2.50") and str(dec(0.1)) == "0.1"


def test_sparkline_of_values_a_whisker_apart() -> None:
    """Values that differ by the smallest float there is still draw (found by hypothesis)."""
    row = Row([0.0, 5e-324, 1e-323], None, None)
    assert sparkline(row) == "▁▄█"  # type: ignore[arg-type]
    gaps = Row([0.0, None, 1e-323], None, None)
    assert sparkline(gaps) == "▁ █"  # type: ignore[arg-type]
