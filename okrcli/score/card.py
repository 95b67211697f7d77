"""The score card of a quarter: plain data for every output format (and the report).

Built from the repository (as on disk, or as at a commit), the quarter's history and the one
scoring function. Nothing here prints; :mod:`okrcli.score.formats` turns it into text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from okrcli.closing import closed_from, closing_day, zone
from okrcli.history.timeline import QuarterHistory, Timeline
from okrcli.load.files import OkrDoc, in_place
from okrcli.load.repo import Repository
from okrcli.model.config import ScoringConfig
from okrcli.model.okr import Direction, KeyResult, Objective, OkrFile
from okrcli.model.org import Unit
from okrcli.model.quarter import Period, Years
from okrcli.scoring import (
    ONE,
    ZERO,
    Band,
    band,
    committed_band,
    dec,
    dec_or_none,
    mean,
    rounded,
    score_values,
    shown,
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
    "met": (
        "What made the commitment hold, and what nearly broke it?",
        "Should it stay a commitment next quarter, or become a stretch?",
    ),
}

# asked first of a unit that missed a committed objective, whatever its score's band
COMMITMENT_PROMPTS: tuple[str, ...] = (
    "A commitment was missed: what broke it, and when did we know?",
    "Who relied on it, and were they told in time?",
)


@dataclass(slots=True)
class TargetMove:
    """A target changed after the quarter's agreement: the agreed one, the latest, when and
    by whom (the last such change), how many there were, and which one the score uses."""

    agreed: float
    latest: float
    when: date
    who: str
    commit: str | None  # None: in the working tree
    changes: int
    scored: str  # "agreed" or "current" (okr.yaml scoring.targets)

    def describe(self, ref: str) -> str:
        more = f" ({self.changes} changes)" if self.changes > 1 else ""
        other = self.latest if self.scored == "agreed" else self.agreed
        which = "the agreed" if self.scored == "agreed" else "the current"
        return (
            f"{ref}: target moved from {shown(self.agreed)} to {shown(self.latest)} on "
            f"{self.when.isoformat()} by {self.who}{more}; scored against {which} "
            f"{shown(self.agreed if self.scored == 'agreed' else self.latest)}, "
            f"{shown(other)} shown beside it."
        )


@dataclass(slots=True)
class AfterClose:
    """A key result's ``current`` changed after its quarter closed: the value at close is
    scored; the later value, its score, when and by whom (the last such change) are shown
    beside it."""

    value: float | None
    score: Decimal
    when: date
    who: str
    commit: str | None  # None: in the working tree

    def describe(
        self, ref: str, at_close: float | None, closed_on: date, word: str = "quarter"
    ) -> str:
        return (
            f"{ref}: current changed from {shown(at_close)} to {shown(self.value)} on "
            f"{self.when.isoformat()} by {self.who}, after the {word} closed on "
            f"{closed_on.isoformat()}; scored as at close, the later value shown beside it."
        )


@dataclass(slots=True, kw_only=True)
class KrRow:
    """One key result on the score card."""

    ref: str
    id: str
    title: str
    unit: str | None
    direction: str | None
    binary: bool
    baseline: float | None
    target: float | None  # the target scored against (the agreed one unless okr.yaml says)
    current: float | None
    confidence: float | None
    weight: float
    score: Decimal
    checked_in: bool  # checked in at least once after the file was written
    pace: str | None  # "on track" | "at risk" | "off track" | None
    last_checkin: date | None  # None: never checked in (the file's first commit is not one)
    checkins: int
    weekly: list[float | None]
    uncommitted: bool
    note: str | None = None  # the latest check-in's note
    moved: TargetMove | None = None
    # a threshold to hold (stay_above, stay_below): the days a value on the wrong side of
    # it was checked in (or written)
    breached: list[date] = field(default_factory=list)
    after_close: AfterClose | None = None  # a change after the quarter closed
    indicator: str | None = None  # format 1.2: leading, lagging or undeclared (None)


@dataclass(slots=True)
class ObjectiveRow:
    id: str
    title: str
    commitment: str
    aligns_to: list[str]
    score: Decimal
    band: Band  # committed: met or missed; aspirational: the bands (final once it is over)
    key_results: list[KrRow]
    pace: str | None = None  # while the quarter runs
    after_close: Decimal | None = None  # the score with the values changed after close
    shared_with: list[str] = field(default_factory=list)  # format 1.2: its other owners


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
    pace: str | None = None  # while the quarter runs
    # its committed objectives below 1.0 once the quarter is over (their ids)
    missed_commitments: list[str] = field(default_factory=list)
    after_close: Decimal | None = None  # the score with the values changed after close


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
    pace: str | None = None  # the organisation's, while the quarter runs
    moved: list[str] = field(default_factory=list)  # each moved target, named
    # committed objectives missed, as UNIT/OBJECTIVE, once the quarter is over
    missed_commitments: list[str] = field(default_factory=list)
    # the quarter's files that could not be read: their units are not in the score
    left_out: list[str] = field(default_factory=list)
    closed_on: date | None = None  # the closing day, once the quarter is closed
    after_close: Decimal | None = None  # the score with the values changed after close
    changed_after_close: list[str] = field(default_factory=list)  # each change, named
    some_units: bool = False  # only some of the quarter's units were asked for
    span: str = "quarter"  # format 1.2: "year" or "years" for annual and multi-year cards
    # format 1.2: the mix of declared indicators, {"leading": n, "lagging": n, "unset": n}
    indicators: dict[str, int] = field(default_factory=dict)
    # format 1.2: the annual and multi-year objectives the quarter aligns to (EnclosingRow)
    enclosing: list[Any] = field(default_factory=list)

    @property
    def span_word(self) -> str:
        """What the card's period is called in a sentence: quarter, year or period."""
        return {"year": "year", "years": "period"}.get(self.span, "quarter")


_DIRECTION_NAMES: dict[Direction | None, str] = {d: d.value for d in Direction}


def elapsed_share(quarter: Period, at: datetime, tz: tzinfo = UTC) -> Decimal:
    start = datetime.combine(quarter.start, time(0), tzinfo=tz)
    end = datetime.combine(quarter.end + timedelta(days=1), time(0), tzinfo=tz)
    share = Decimal((at - start).total_seconds()) / Decimal((end - start).total_seconds())
    return max(Decimal(0), min(Decimal(1), share))


def pace(kr: KeyResult, score: Decimal, elapsed: Decimal, ended: bool) -> str | None:
    """Progress against the time gone: only while the quarter runs, and only for key results
    that move (a threshold to hold is simply held or not)."""
    if ended:
        return None
    return _Pace(elapsed)(kr, kr.effective_direction(), score)


def pace_of(score: Decimal, elapsed: Decimal, on_track: float = 0.9, at_risk: float = 0.6) -> str:
    """The expected score is the share of the quarter gone (a straight line from baseline
    to target). On track at ``on_track`` of it or more (by default 0.9: within 10%), at
    risk at ``at_risk`` or more (0.6), else off track; a score of 1 is always on track."""
    return _Pace(elapsed, on_track, at_risk).of(score)


class _Pace:
    """:func:`pace` at one moment (its thresholds worked out once)."""

    __slots__ = ("at_risk", "on_track")

    def __init__(self, elapsed: Decimal, on_track: float = 0.9, at_risk: float = 0.6) -> None:
        self.on_track = elapsed * dec(on_track)
        self.at_risk = elapsed * dec(at_risk)

    def of(self, score: Decimal) -> str:
        # the score as shown (two places): a unit's 0.56 and its one objective's 0.56 (of
        # 0.5627) get one pace, and the reader can check it against the share gone by hand
        score = rounded(score)
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


def week_ends(quarter: Period, at: datetime, tz: tzinfo = UTC) -> list[datetime]:
    """The end of each week of the quarter that has begun by ``at`` (the last one cut at it)."""
    ends = []
    day = quarter.start
    last = quarter.end + timedelta(days=1)
    while day <= quarter.end:
        end = datetime.combine(min(day + timedelta(days=7), last), time(0), tzinfo=tz)
        if end - timedelta(days=7) > at:
            break
        ends.append(min(end, at))
        day += timedelta(days=7)
    return ends


def weekly_values(tl: Timeline | None, ends: list[datetime]) -> list[float | None]:
    """The key result's current value at each of ``ends``."""
    if tl is None:
        return []
    current = tl.currents
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
            return [*head, pick(tl.currents)]
        return [*head, *pick(tl.currents)]


def brier(rows: list[tuple[KeyResult, Decimal, Timeline | None]]) -> Decimal | None:
    """Mean squared gap between each confidence checked in and the outcome (1 when the key
    result reached its target, else 0). 0 is perfect; always saying 50% scores 0.25.

    A confidence counts when it is checked in: the confidence in force at each check-in
    (a commit after the file was written that changes or re-confirms the value), unless it
    is the one counted last. The confidence written at planning is not a check-in."""
    gaps = []
    for _kr, score, tl in rows:
        if tl is None:
            continue
        reached = score >= 1
        seen = _NOTHING
        confidences = tl.confidences
        for n in tl.checkin_indexes():
            conf = confidences[n]
            if conf is not None and conf != seen:
                gaps.append(_gap(conf, reached))
                seen = conf
    return mean(gaps) if gaps else None


def breaches(tl: Timeline | None, direction: Direction | None, target: float | None) -> list[date]:
    """The days a threshold to hold was broken: a value on its wrong side written or checked
    in (each day once)."""
    if tl is None or target is None:
        return []
    if direction is Direction.STAY_ABOVE:
        broken = [n for n, v in enumerate(tl.currents) if v is not None and v < target]
    elif direction is Direction.STAY_BELOW:
        broken = [n for n, v in enumerate(tl.currents) if v is not None and v > target]
    else:
        return []
    days: list[date] = []
    for n in broken:
        day = tl.whens[n].date()
        if not days or days[-1] != day:
            days.append(day)
    return days


_NOTHING: Any = object()


@lru_cache(maxsize=1024)
def _gap(confidence: float, reached: bool) -> Decimal:
    return (dec(confidence) - (ONE if reached else ZERO)) ** 2


def target_move(
    tl: Timeline | None, latest: float | None, cutoff: datetime, scored: str
) -> TargetMove | None:
    """How the target moved after ``cutoff`` (the end of the quarter's first days), or None
    when the target in force then is still the one in the file. A key result added after
    the cutoff agreed on the target it was written with."""
    if tl is None or not len(tl) or latest is None:
        return None
    whens, targets = tl.whens, tl.targets
    agreed_at = max(bisect_right(whens, cutoff) - 1, 0)
    agreed = targets[agreed_at]
    if agreed is None or agreed == latest:
        return None
    moves = [n for n in range(agreed_at + 1, len(whens)) if targets[n] != targets[n - 1]]
    if not moves:
        return None
    last = moves[-1]
    commit = tl.commits[last]
    return TargetMove(
        agreed,
        latest,
        whens[last].date(),
        commit.author if commit is not None else "an uncommitted change",
        commit.id[:8] if commit is not None else None,
        len(moves),
        scored,
    )


@dataclass(slots=True)
class _Scorer:
    """What scoring one quarter as of one moment needs, and what it adds up as it goes: the
    score card is built unit by unit, objective by objective, key result by key result."""

    scoring: ScoringConfig
    ended: bool
    cutoff: datetime  # targets in force at this moment are the agreed ones
    timelines: dict[str, Timeline]
    weekly: _Weekly
    pace_now: _Pace
    tz: tzinfo = UTC  # okr.yaml's time zone: which day a commit belongs to
    closed_at: datetime | None = None  # the quarter's first closed moment, once closed
    closed_on: date | None = None  # its closing day
    word: str = "quarter"  # what the period is called in a sentence
    moved: list[str] = field(default_factory=list)
    changed_after_close: list[str] = field(default_factory=list)
    key_results: int = 0
    checked_in: int = 0

    def kr_row(
        self, ref: str, k: KeyResult, calib: list[tuple[KeyResult, Decimal, Timeline | None]]
    ) -> KrRow:
        tl = self.timelines.get(ref)
        direction = k.effective_direction()
        move = None if k.binary else target_move(tl, k.target, self.cutoff, self.scoring.targets)
        target = move.agreed if move is not None and move.scored == "agreed" else k.target
        if move is not None:
            self.moved.append(move.describe(ref))
        current, late = k.current, None
        if self.closed_at is not None:
            current, late = self._at_close(ref, tl, k, direction, target)
        s = score_values(
            direction,
            dec_or_none(k.baseline),
            dec_or_none(target),
            dec_or_none(current),
            binary=k.binary,
        )
        if tl is not None:
            count, latest = tl.checkin_summary()
            last = checkin_day(tl, latest, self.tz) if count else None
            uncommitted = tl.uncommitted
        else:
            count, last, uncommitted = 0, None, False
        if self.ended:
            calib.append((k, s.score, tl))
        self.key_results += 1
        self.checked_in += count > 0
        return KrRow(
            ref=ref,
            id=k.id,
            title=k.title,
            unit=k.unit,
            direction=_DIRECTION_NAMES.get(direction),
            binary=k.binary,
            baseline=k.baseline,
            target=target,
            current=current,
            confidence=k.confidence,
            weight=k.weight,
            score=rounded(s.score),
            checked_in=count > 0,
            pace=None if self.ended else self.pace_now(k, direction, s.score),
            last_checkin=last,
            checkins=count,
            weekly=self.weekly(tl),
            uncommitted=uncommitted,
            note=k.note,
            moved=move,
            breached=breaches(tl, direction, target),
            after_close=late,
            indicator=k.indicator,
        )

    def _at_close(
        self,
        ref: str,
        tl: Timeline | None,
        k: KeyResult,
        direction: Direction | None,
        target: float | None,
    ) -> tuple[float | None, AfterClose | None]:
        """The key result's ``current`` as the quarter closed, and its later change (None
        when there is none): a closed quarter's result stands."""
        assert self.closed_at is not None and self.closed_on is not None
        if tl is None or not len(tl):
            return k.current, None
        whens, currents = tl.whens, tl.currents
        n = bisect_left(whens, self.closed_at) - 1  # the last change before the close
        if n < 0 or currents[n] == k.current:
            return k.current, None
        later = [m for m in range(n + 1, len(whens)) if currents[m] != currents[m - 1]]
        if not later:
            return k.current, None
        commit = tl.commits[later[-1]]
        late = score_values(
            direction,
            dec_or_none(k.baseline),
            dec_or_none(target),
            dec_or_none(k.current),
            binary=k.binary,
        )
        after = AfterClose(
            k.current,
            rounded(late.score),
            whens[later[-1]].astimezone(self.tz).date(),
            commit.author if commit is not None else "an uncommitted change",
            commit.id[:8] if commit is not None else None,
        )
        self.changed_after_close.append(after.describe(ref, currents[n], self.closed_on, self.word))
        return currents[n], after

    def objective_row(
        self,
        unit: str,
        o: Objective,
        calib: list[tuple[KeyResult, Decimal, Timeline | None]],
    ) -> ObjectiveRow:
        prefix = f"{unit}/{o.id}/"
        rows = [self.kr_row(prefix + k.id, k, calib) for k in o.key_results]
        score = weighted_mean((r.score, dec(r.weight)) for r in rows)
        late = None
        if any(r.after_close is not None for r in rows):
            late = rounded(
                weighted_mean(
                    (r.after_close.score if r.after_close else r.score, dec(r.weight)) for r in rows
                )
            )
        bands = self.scoring.bands
        return ObjectiveRow(
            o.id,
            o.title,
            o.commitment,
            list(o.aligns_to),
            rounded(score),
            committed_band(score)
            if o.commitment == "committed"
            else band(score, bands.stretch, bands.over),
            rows,
            None if self.ended else self.pace_now.of(score),
            late,
            list(o.shared_with),
        )

    def unit_card(self, doc: OkrDoc, m: OkrFile, member: Unit | None) -> UnitCard:
        calib: list[tuple[KeyResult, Decimal, Timeline | None]] = []
        objectives = [self.objective_row(m.unit, o, calib) for o in m.objectives]
        score = mean([o.score for o in objectives])
        u_band = band(score, self.scoring.bands.stretch, self.scoring.bands.over)
        missed = [o.id for o in objectives if o.commitment == "committed" and o.band == "missed"]
        prompts = PROMPTS[u_band]
        if missed and self.ended:
            # never over-achieved while a commitment is missed
            u_band = "stretch" if u_band == "over" else u_band
            prompts = COMMITMENT_PROMPTS + PROMPTS[u_band]
        b = brier(calib) if self.ended else None
        return UnitCard(
            m.unit,
            member.name if member else m.unit,
            member.level if member else "team",
            doc.rel,
            rounded(score),
            u_band,
            objectives,
            rounded(b, 3) if b is not None else None,
            prompts,
            None if self.ended else self.pace_now.of(score),
            missed if self.ended else [],
            _late_mean([(o.score, o.after_close) for o in objectives]),
        )


def build(
    repo: Repository,
    quarter: Period,
    history: QuarterHistory | None,
    at: datetime,
    units: set[str] | None = None,
) -> ScoreCard:
    """The score card of ``quarter`` as of ``at``; once the quarter is closed (its last day
    plus ``scoring.close_days``), with its values as they were then."""
    tz = zone(repo.config)
    elapsed = elapsed_share(quarter, at, tz)
    scoring = repo.config.scoring
    closed_at = closed_from(quarter, repo.config)
    closed = at >= closed_at
    scorer = _Scorer(
        scoring=scoring,
        ended=elapsed >= 1,
        cutoff=datetime.combine(
            quarter.start + timedelta(days=repo.config.agreed_after_days()), time(0), tzinfo=tz
        ),
        timelines=history.timelines if history else {},
        weekly=_Weekly(week_ends(quarter, at, tz)),
        pace_now=_Pace(elapsed, scoring.pace.on_track, scoring.pace.at_risk),
        tz=tz,
        closed_at=closed_at if closed else None,
        closed_on=closing_day(quarter, repo.config) if closed else None,
        word=quarter.word,
    )
    org = {u.id: u for u in repo.org.units} if repo.org else {}
    cards: list[UnitCard] = []
    owners: list[UnitCard] = []  # other units' objectives shared with the units asked for
    misplaced: list[str] = []
    some_units = False
    for doc in sorted(repo.docs, key=lambda d: d.rel):
        m = doc.model
        if m is None or m.period != str(quarter):
            continue
        if units is not None and m.unit not in units:
            some_units = True
            shared = [o for o in m.objectives if not units.isdisjoint(o.shared_with)]
            if shared and in_place(doc):
                part = m.model_copy(update={"objectives": shared})
                owners.append(scorer.unit_card(doc, part, org.get(m.unit)))
            continue
        if not in_place(doc):
            misplaced.append(doc.rel)
            continue
        cards.append(scorer.unit_card(doc, m, org.get(m.unit)))
    if owners:  # scored once each, for the units they are shared with only
        apart = {id(c) for c in owners}
        cards = [c for c in _with_shared(scorer, cards + owners, org, units) if id(c) not in apart]
    else:
        cards = _with_shared(scorer, cards, org, units)
    card = ScoreCard(
        str(quarter),
        at,
        rounded(elapsed),
        scorer.ended,
        cards,
        rounded(mean([c.score for c in cards])),
        _band_counts(cards),
        _pace_counts(cards),
        scorer.checked_in,
        scorer.key_results,
        uncommitted=bool(history and history.uncommitted),
        moved=scorer.moved,
        missed_commitments=[f"{c.id}/{o}" for c in cards for o in c.missed_commitments],
        left_out=_broken(repo, quarter) if units is None else [],
        closed_on=scorer.closed_on,
        after_close=_late_mean([(c.score, c.after_close) for c in cards]),
        changed_after_close=scorer.changed_after_close,
        some_units=some_units,
        span=quarter.kind if isinstance(quarter, Years) else "quarter",
        indicators=_indicator_mix(repo, cards, quarter),
    )
    if not scorer.ended:
        card.pace = scorer.pace_now.of(mean([c.score for c in cards]))
    card.notices += _notices(repo, quarter, history, misplaced)
    return card


def _indicator_mix(repo: Repository, cards: list[UnitCard], period: Period) -> dict[str, int]:
    """How many of the card's key results are declared leading, lagging or neither (format
    1.2); empty when none declares one, so a 1.1 card says nothing of it."""
    scored = {c.id for c in cards}
    mix = {"leading": 0, "lagging": 0, "unset": 0}
    for d in repo.docs:
        m = d.model
        if m is None or m.period != str(period) or m.unit not in scored:
            continue
        for o in m.objectives:
            for k in o.key_results:
                mix[k.indicator or "unset"] += 1
    return mix if mix["leading"] or mix["lagging"] else {}


def _with_shared(
    scorer: _Scorer, cards: list[UnitCard], org: dict[str, Unit], units: set[str] | None
) -> list[UnitCard]:
    """Format 1.2: each objective shared with other units (``shared_with``) counts as an
    objective of every one of them too, scored once in its owner's file: a sharing unit's
    score is the mean of its own and its shared objectives (a unit that only shares
    objectives gets a card of its own). The organisation's counts of key results and
    check-ins take each key result once."""
    by_id = {c.id: c for c in cards}
    shared: dict[str, list[ObjectiveRow]] = {}
    paths: dict[str, str] = {}
    for c in cards:
        for o in c.objectives:
            for unit in o.shared_with:
                if unit != c.id and unit in org and (units is None or unit in units):
                    shared.setdefault(unit, []).append(o)
                    paths.setdefault(unit, c.path)
    if not shared:
        return cards
    out = list(cards)
    for unit, rows in shared.items():
        own = by_id.get(unit)
        if own is None:
            member = org[unit]
            own = UnitCard(
                unit, member.name, member.level, paths[unit], ZERO, "missed", [], None, ()
            )
            out.append(own)
        own.objectives = [*own.objectives, *rows]
        score = mean([o.score for o in own.objectives])
        own.score = rounded(score)
        own.band = band(score, scorer.scoring.bands.stretch, scorer.scoring.bands.over)
        missed = [
            o.id for o in own.objectives if o.commitment == "committed" and o.band == "missed"
        ]
        own.prompts = PROMPTS[own.band]
        if missed and scorer.ended:
            own.band = "stretch" if own.band == "over" else own.band
            own.prompts = COMMITMENT_PROMPTS + PROMPTS[own.band]
        own.missed_commitments = missed if scorer.ended else []
        own.pace = None if scorer.ended else scorer.pace_now.of(score)
    return out


def checkin_day(tl: Timeline, n: int, tz: tzinfo) -> date:
    """The day of check-in ``n``: the commit's day in okr.yaml's time zone, or the earlier
    day a late check-in names (``checked:``, written by ``okr check-in --date``)."""
    day = tl.whens[n].astimezone(tz).date()
    checked = tl.checked_days
    named = checked[n]
    if isinstance(named, str) and (n == 0 or checked[n - 1] != named):
        try:
            written = date.fromisoformat(named)
        except ValueError:
            return day
        return min(day, written)
    return day


def _late_mean(scores: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """The mean with the scores changed after close, when any changed (else None)."""
    if all(late is None for _, late in scores):
        return None
    return rounded(mean([late if late is not None else score for score, late in scores]))


def _band_counts(cards: list[UnitCard]) -> dict[str, int]:
    counts = {"missed": 0, "stretch": 0, "over": 0}
    for c in cards:
        counts[c.band] += 1
    return counts


def _pace_counts(cards: list[UnitCard]) -> dict[str, int]:
    """Key results on track, at risk and off track (all None once the quarter is over)."""
    paces = {"on track": 0, "at risk": 0, "off track": 0}
    seen: set[int] = set()  # a shared objective is on several units' cards: counted once
    for c in cards:
        for orow in c.objectives:
            if id(orow) in seen:
                continue
            seen.add(id(orow))
            for row in orow.key_results:
                if row.pace is not None:
                    paces[row.pace] += 1
    return paces


def _broken(repo: Repository, quarter: Period) -> list[str]:
    """The quarter's files that could not be read."""
    return sorted(d.rel for d in repo.docs if d.model is None and d.folder == str(quarter))


def _notices(
    repo: Repository, quarter: Period, history: QuarterHistory | None, misplaced: list[str]
) -> list[str]:
    """What the reader should know about what the card leaves out or cannot be sure of."""
    out = []
    if misplaced:
        out.append(
            f"{', '.join(misplaced)} {'is' if len(misplaced) == 1 else 'are'} left out: an OKR "
            "file holds the unit it is named after, in its quarter's folder (see `okr lint`, "
            "OKR003 and OKR004)."
        )
    broken = _broken(repo, quarter)
    if broken:
        out.append(
            f"{', '.join(broken)} could not be read and {'is' if len(broken) == 1 else 'are'} "
            "left out; run `okr lint` to see why."
        )
    if history is not None and history.shallow:
        out.append(
            "this is a shallow clone, so the history is incomplete: fetch it all "
            "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)."
        )
    if history is not None and history.uncommitted:
        out.append("values marked * are uncommitted changes in the working tree.")
    return out
