"""Scoring: one direction-aware function, in decimal arithmetic.

* ``increase`` and ``decrease``: progress is ``(current - baseline) / (target - baseline)``,
  the score is that progress clamped to 0..1. The same formula serves both directions: for a
  lower-is-better key result both differences are negative, so moving down is progress. A
  decrease key result therefore scores exactly like its mirrored increase twin.
* ``stay_above`` and ``stay_below``: the target is a threshold to hold; 1 while the current
  value is on the right side of it (the threshold included), else 0.
* ``binary``: 1 when done (current >= 1), else 0.
* No check-in (no ``current``) scores 0.
* An objective's score is the weighted mean of its key results'; a unit's, the mean of its
  objectives'.

Floats from YAML are converted through their shortest repr, so 0.1 + 0.2 is 0.3 here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from okrcli.model.okr import Direction, KeyResult, Objective

ZERO = Decimal(0)
ONE = Decimal(1)

# aspirational objectives and units: missed, the stretch zone, over-achieved; committed
# objectives: met (1.0) or missed
Band = Literal["missed", "stretch", "over", "met"]


def dec(value: float | int | Decimal) -> Decimal:
    """A YAML number as the decimal a person wrote (31.2 -> Decimal('31.2'))."""
    if isinstance(value, Decimal):
        return value
    return _dec_of(value)


@lru_cache(maxsize=16_384, typed=True)
def _dec_of(value: float | int) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def dec_or_none(value: float | int | None) -> Decimal | None:
    """:func:`dec` of a YAML number, remembered (the same numbers recur across an
    organisation's files), or None."""
    return None if value is None else _dec_of(value)


def clamp(x: Decimal) -> Decimal:
    return max(ZERO, min(ONE, x))


@dataclass(frozen=True, slots=True)
class KrScore:
    """A key result's score and the progress behind it (progress is unclamped)."""

    score: Decimal
    progress: Decimal | None
    checked_in: bool


def score_values(
    direction: Direction | None,
    baseline: Decimal | None,
    target: Decimal | None,
    current: Decimal | None,
    *,
    binary: bool = False,
) -> KrScore:
    """Score one key result from its numbers. The single scoring function of okr."""
    if current is None:
        return KrScore(ZERO, None, False)
    if binary:
        done = ONE if current >= ONE else ZERO
        return KrScore(done, done, True)
    if target is None:
        return KrScore(ZERO, None, True)
    if direction == Direction.STAY_ABOVE:
        held = ONE if current >= target else ZERO
        return KrScore(held, held, True)
    if direction == Direction.STAY_BELOW:
        held = ONE if current <= target else ZERO
        return KrScore(held, held, True)
    if baseline is None or baseline == target:
        # no distance to cover (OKR202 reports it): reached or not, in the declared direction
        if direction == Direction.INCREASE:
            reached = current >= target
        elif direction == Direction.DECREASE:
            reached = current <= target
        else:
            reached = current == target
        done = ONE if reached else ZERO
        return KrScore(done, done, True)
    progress = (current - baseline) / (target - baseline)
    if direction == Direction.INCREASE and target < baseline:
        progress = -progress  # a contradictory declaration; OKR202 reports it
    if direction == Direction.DECREASE and target > baseline:
        progress = -progress
    return KrScore(clamp(progress), progress, True)


def score_kr(kr: KeyResult, current: float | int | Decimal | None = None) -> KrScore:
    """Score a key result, at its own ``current`` or at another value."""
    value = kr.current if current is None else current
    return score_values(
        kr.effective_direction(),
        None if kr.baseline is None else dec(kr.baseline),
        None if kr.target is None else dec(kr.target),
        None if value is None else dec(value),
        binary=kr.binary,
    )


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Mean of scores weighted by their weights; 0 for nothing."""
    total = weight = ZERO
    for s, w in pairs:
        total += s * w
        weight += w
    return total / weight if weight else ZERO


def score_objective(
    objective: Objective, currents: Sequence[Decimal | None] | None = None
) -> Decimal:
    """Weighted mean of the key results' scores (at ``currents`` when given)."""
    krs = objective.key_results
    values = currents if currents is not None else [None] * len(krs)
    return weighted_mean(
        (score_kr(k, v).score, dec(k.weight)) for k, v in zip(krs, values, strict=True)
    )


def mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values) if values else ZERO


def band(score: Decimal, stretch: float, over: float) -> Band:
    """missed below ``stretch``; the stretch zone up to ``over`` (inclusive); over above."""
    if score < dec(stretch):
        return "missed"
    if score <= dec(over):
        return "stretch"
    return "over"


def committed_band(score: Decimal) -> Band:
    """A committed objective is expected to be fully achieved: met at 1.0, else missed."""
    return "met" if score >= ONE else "missed"


def shown(value: object) -> str:
    """A value as a person reads it: "none" for no value, 31.0 as 31 (never Python's None)."""
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rounded(x: Decimal, places: int = 2) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places))
