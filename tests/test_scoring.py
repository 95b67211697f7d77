"""The scoring function: direction-aware, decimal, clamped, monotone; mirrored twins agree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from okrcli.model.okr import KeyResult
from okrcli.scoring import band, dec, score_kr, weighted_mean


def kr(**fields: object) -> KeyResult:
    return KeyResult.model_validate({"id": "k", "title": "t", **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"baseline": 30, "target": 34, "current": 32}, "0.5"),
        ({"baseline": 95, "target": 60, "current": 80}, "0.4285714285714285714285714286"),
        ({"baseline": 2.4, "target": 1.0, "current": 1.0}, "1"),
        ({"baseline": 30, "target": 34, "current": 40}, "1"),  # clamped
        ({"baseline": 30, "target": 34, "current": 20}, "0"),  # clamped
        ({"baseline": 0.1, "target": 0.4, "current": 0.3}, "0.6666666666666666666666666667"),
        ({"baseline": 30, "target": 34}, "0"),  # no check-in
        ({"binary": True, "current": 1}, "1"),
        ({"binary": True, "current": 0}, "0"),
        ({"direction": "stay_above", "baseline": 99.97, "target": 99.95, "current": 99.95}, "1"),
        ({"direction": "stay_above", "baseline": 99.97, "target": 99.95, "current": 99.9}, "0"),
        ({"direction": "stay_below", "baseline": 180, "target": 200, "current": 210}, "0"),
        ({"direction": "stay_below", "baseline": 180, "target": 200, "current": 200}, "1"),
    ],
)
def test_examples(fields: dict[str, object], expected: str) -> None:
    assert score_kr(kr(**fields)).score == Decimal(expected)


def test_no_binary_float_noise() -> None:
    # 0.1 + 0.2 style noise must not leak into scores
    assert score_kr(kr(baseline=0.1, target=0.3, current=0.2)).score == Decimal("0.5")


def test_weighted_mean_and_bands() -> None:
    assert weighted_mean([(Decimal("1"), Decimal(3)), (Decimal(0), Decimal(1))]) == Decimal("0.75")
    assert weighted_mean([]) == 0
    assert band(Decimal("0.59"), 0.6, 0.8) == "missed"
    assert band(Decimal("0.6"), 0.6, 0.8) == "stretch"
    assert band(Decimal("0.8"), 0.6, 0.8) == "stretch"
    assert band(Decimal("0.81"), 0.6, 0.8) == "over"
    assert dec(31.2) == Decimal("31.2")
