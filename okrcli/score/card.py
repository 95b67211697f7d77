"""The score card of a quarter: plain data for every output format (and the report).

Built from the repository (as on disk, or as at a commit), the quarter's history and the one
scoring function. Nothing here prints; :mod:`okrcli.score.formats` turns it into text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from okrcli.history.timeline import QuarterHistory, Timeline
from okrcli.load.files import in_place
from okrcli.load.repo import Repository
from okrcli.model.okr import Direction, KeyResult
from okrcli.model.quarter import Quarter
from okrcli.scoring import (
    Band,
    band,
    dec,
    dec_or_none,
    mean,
    rounded,
    score_values,
    weighted_mean,
)

PROMPTS: dict[Band, tuple[str, ...]] = {
    "missed": (
        "What did we learn, and what would we try differently? (No blame: a missed stretch "
        "goal is information.)",
        "Which assumption behind this result turned out wrong?",
        "Did something outside our control change, and did we notice it in time?",
    ),
    "stretch": (
        "What worked, and what should we keep doing?",
        "Which initiative moved the number most, and which moved it least?",
        "What would it take to close the remaining gap?",
    ),
    "over": (
        "Was the target too low? Would we set it higher knowing what we know now?",
        "Did a tailwind outside our work carry the result?",
        "What should next quarter's target be, so that it stretches us?",
    ),
}


@dataclass(slots=True)
class KrRow:
    """One key result on the score card."""

    ref: str
    id: str
    title: str
    unit: str | None
    direction: str | None
    binary: bool
    baseline: float | None
    target: float | None
    current: float | None
    confidence: float | None
    weight: float
    score: Decimal
    checked_in: bool
    pace: str | None  # "on track" | "at risk" | "off track" | None
    last_checkin: date | None
    checkins: int
    weekly: list[float | None]
    uncommitted: bool


@dataclass(slots=True)
class ObjectiveRow:
    id: str
    title: str
    commitment: str
    aligns_to: list[str]
    score: Decimal
    band: Band
    key_results: list[KrRow]


@dataclass(slots=True)
class UnitCard:
    id: str
    name: str
    level: str
    path: str
    score: Decimal
    band: Band
    objectives: list[ObjectiveRow]
    brier: Decimal | None  # calibration of its confidence check-ins, at quarter end
    prompts: tuple[str, ...]


@dataclass(slots=True)
class ScoreCard:
    quarter: str
    at: datetime
    elapsed: Decimal  # share of the quarter gone, 0..1
    ended: bool
    units: list[UnitCard]
    score: Decimal
    bands: dict[str, int]
    paces: dict[str, int]  # key results on track, at risk, off track (running quarter)
    checked_in: int
    key_results: int
    notices: list[str] = field(default_factory=list)
    uncommitted: bool = False


_DIRECTION_NAMES: dict[Direction | None, str] = {d: d.value for d in Direction}


def elapsed_share(quarter: Quarter, at: datetime) -> Decimal:
    start = datetime.combine(quarter.start, time(0), tzinfo=UTC)
    end = datetime.combine(quarter.end + timedelta(days=1), time(0), tzinfo=UTC)
    share = Decimal((at - start).total_seconds()) / Decimal((end - start).total_seconds())
    return max(Decimal(0), min(Decimal(1), share))


def pace(kr: KeyResult, score: Decimal, elapsed: Decimal, ended: bool) -> str | None:
    """Progress against the time gone: only while the quarter runs, and only for key results
    that move (a threshold to hold is simply held or not)."""
    if ended:
        return None
    return _Pace(elapsed)(kr, kr.effective_direction(), score)


def pace_of(score: Decimal, elapsed: Decimal) -> str:
    """On track while the score keeps up with the time gone (within 10%), at risk within
    40%, else off track."""
    return _Pace(elapsed).of(score)


class _Pace:
    """:func:`pace` at one moment (its thresholds worked out once)."""

    __slots__ = ("at_risk", "on_track")

    def __init__(self, elapsed: Decimal) -> None:
        self.on_track = elapsed * Decimal("0.9")
        self.at_risk = elapsed * Decimal("0.6")

    def of(self, score: Decimal) -> str:
        if score >= 1 or score >= self.on_track:
            return "on track"
        if score >= self.at_risk:
            return "at risk"
        return "off track"

    def __call__(self, kr: KeyResult, direction: Direction | None, score: Decimal) -> str | None:
        if kr.current is None:
            return None
        if kr.binary or direction is Direction.STAY_ABOVE or direction is Direction.STAY_BELOW:
            return "on track" if score >= 1 else ("at risk" if not kr.binary else None)
        return self.of(score)


def week_ends(quarter: Quarter, at: datetime) -> list[datetime]:
    """The end of each week of the quarter that has begun by ``at`` (the last one cut at it)."""
    ends = []
    day = quarter.start
    last = quarter.end + timedelta(days=1)
    while day <= quarter.end:
        end = datetime.combine(min(day + timedelta(days=7), last), time(0), tzinfo=UTC)
        if end - timedelta(days=7) > at:
            break
        ends.append(min(end, at))
        day += timedelta(days=7)
    return ends


def weekly_values(tl: Timeline | None, ends: list[datetime]) -> list[float | None]:
    """The key result's current value at each of ``ends``."""
    if tl is None:
        return []
    current = tl.columns[2]
    return [current[n - 1] if n else None for n in _positions(tl.whens, ends)]


def _positions(whens: Sequence[datetime], ends: list[datetime]) -> list[int]:
    """How many of ``whens`` (sorted) are at or before each of ``ends``."""
    return [bisect_right(whens, end) for end in ends]


class _Weekly:
    """weekly_values for many key results: timelines read back from the cache share their
    time column, so each shared column is searched once, and its positions become one
    C-level lookup of the current values."""

    def __init__(self, ends: list[datetime]) -> None:
        self.ends = ends
        self.seen: dict[int, tuple[Sequence[datetime], int, Callable[[Any], Any], int]] = {}

    def __call__(self, tl: Timeline | None) -> list[float | None]:
        if tl is None:
            return []
        whens = tl.whens
        kept = self.seen.get(id(whens))
        if kept is None or kept[0] is not whens:
            positions = _positions(whens, self.ends)
            before = positions.count(0)  # weeks that ended before the first change
            picks = [n - 1 for n in positions[before:]]
            kept = self.seen[id(whens)] = (whens, before, itemgetter(*picks or [0]), len(picks))
        _, before, pick, size = kept
        head: list[float | None] = [None] * before
        if size == 0:
            return head
        if size == 1:
            return [*head, pick(tl.columns[2])]
        return [*head, *pick(tl.columns[2])]


def brier(rows: list[tuple[KeyResult, Decimal, Timeline | None]]) -> Decimal | None:
    """Mean squared gap between each confidence checked in and the outcome (1 when the key
    result reached its target, else 0). 0 is perfect; always saying 50% scores 0.25."""
    gaps = []
    for _kr, score, tl in rows:
        if tl is None:
            continue
        outcome = Decimal(1) if score >= 1 else Decimal(0)
        seen = None
        current, confidence = tl.columns[2], tl.columns[3]
        for n, conf in enumerate(confidence):
            moved = n == 0 or conf != confidence[n - 1] or current[n] != current[n - 1]
            if conf is not None and moved and conf != seen:
                gaps.append((dec(conf) - outcome) ** 2)
                seen = conf
    return mean(gaps) if gaps else None


def build(
    repo: Repository,
    quarter: Quarter,
    history: QuarterHistory | None,
    at: datetime,
    units: set[str] | None = None,
) -> ScoreCard:
    """The score card of ``quarter`` as of ``at``."""
    bands_cfg = repo.config.scoring.bands
    elapsed = elapsed_share(quarter, at)
    ended = elapsed >= 1
    org = {u.id: u for u in repo.org.units} if repo.org else {}
    timelines = history.timelines if history else {}
    weekly = _Weekly(week_ends(quarter, at))
    pace_now = _Pace(elapsed)
    cards: list[UnitCard] = []
    total_krs = checked = 0
    misplaced: list[str] = []
    for doc in sorted(repo.docs, key=lambda d: d.rel):
        m = doc.model
        if m is None or m.quarter != str(quarter) or (units is not None and m.unit not in units):
            continue
        if not in_place(doc):
            misplaced.append(doc.rel)
            continue
        objectives = []
        calib: list[tuple[KeyResult, Decimal, Timeline | None]] = []
        for o in m.objectives:
            rows = []
            prefix = f"{m.unit}/{o.id}/"
            for k in o.key_results:
                ref = prefix + k.id
                tl = timelines.get(ref)
                direction = k.effective_direction()
                s = score_values(
                    direction,
                    dec_or_none(k.baseline),
                    dec_or_none(k.target),
                    dec_or_none(k.current),
                    binary=k.binary,
                )
                if tl is not None:
                    count, latest = tl.checkin_summary()
                    last = tl.whens[latest].date() if count else None
                    uncommitted = tl.uncommitted
                else:
                    count, last, uncommitted = 0, None, False
                rows.append(
                    KrRow(
                        ref,
                        k.id,
                        k.title,
                        k.unit,
                        _DIRECTION_NAMES.get(direction),
                        k.binary,
                        k.baseline,
                        k.target,
                        k.current,
                        k.confidence,
                        k.weight,
                        rounded(s.score),
                        s.checked_in,
                        None if ended else pace_now(k, direction, s.score),
                        last,
                        count,
                        weekly(tl),
                        uncommitted,
                    )
                )
                if ended:
                    calib.append((k, s.score, tl))
                total_krs += 1
                checked += s.checked_in
            o_score = weighted_mean((r.score, dec(r.weight)) for r in rows)
            objectives.append(
                ObjectiveRow(
                    o.id,
                    o.title,
                    o.commitment,
                    list(o.aligns_to),
                    rounded(o_score),
                    band(o_score, bands_cfg.stretch, bands_cfg.over),
                    rows,
                )
            )
        u_score = mean([o.score for o in objectives])
        u_band = band(u_score, bands_cfg.stretch, bands_cfg.over)
        unit = org.get(m.unit)
        b = brier(calib) if ended else None
        cards.append(
            UnitCard(
                m.unit,
                unit.name if unit else m.unit,
                unit.level if unit else "team",
                doc.rel,
                rounded(u_score),
                u_band,
                objectives,
                rounded(b, 3) if b is not None else None,
                PROMPTS[u_band],
            )
        )
    counts = {"missed": 0, "stretch": 0, "over": 0}
    for c in cards:
        counts[c.band] += 1
    paces = {"on track": 0, "at risk": 0, "off track": 0}
    for c in cards:
        for orow in c.objectives:
            for row in orow.key_results:
                if row.pace is not None:
                    paces[row.pace] += 1
    card = ScoreCard(
        str(quarter),
        at,
        rounded(elapsed),
        ended,
        cards,
        rounded(mean([c.score for c in cards])),
        counts,
        paces,
        checked,
        total_krs,
        uncommitted=bool(history and history.uncommitted),
    )
    if misplaced:
        card.notices.append(
            f"{', '.join(misplaced)} {'is' if len(misplaced) == 1 else 'are'} left out: an OKR "
            "file holds the unit it is named after, in its quarter's folder (see `okr lint`, "
            "OKR003 and OKR004)."
        )
    broken = sorted(d.rel for d in repo.docs if d.model is None and d.folder == str(quarter))
    if broken:
        card.notices.append(
            f"{', '.join(broken)} could not be read and {'is' if len(broken) == 1 else 'are'} "
            "left out; run `okr lint` to see why."
        )
    if history is not None and history.shallow:
        card.notices.append(
            "this is a shallow clone, so the history is incomplete: fetch it all "
            "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)."
        )
    if history is not None and history.uncommitted:
        card.notices.append("values marked * are uncommitted changes in the working tree.")
    return card
