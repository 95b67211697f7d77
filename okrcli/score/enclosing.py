"""Format 1.2: the annual and multi-year objectives a quarter's objectives align to
(``aligns_to: [acme/win-enterprise@2026]``), each with its score so far over its own period
and its pace (or, once that period is over, its band). The quarterly score card and report
name them, so a quarter is read against the longer goals it works towards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from okrcli.closing import local_day, zone
from okrcli.history.timeline import QuarterHistory
from okrcli.load.repo import Repository
from okrcli.model.quarter import Period, Years, encloses, parse_period
from okrcli.score.card import ScoreCard, build


def outer_ref(ref: str, inner: Period, start_month: int) -> tuple[str, str, Period] | None:
    """The unit, objective and enclosing period an ``aligns_to`` reference names
    (``acme/win-enterprise@2026``), or None when it names no period enclosing ``inner``
    (a same-period reference, or one OKR006 reports)."""
    path, at_sign, named = ref.partition("@")
    outer = parse_period(named, start_month) if at_sign else None
    if outer is None or not encloses(outer, inner) or path.count("/") != 1:
        return None
    unit, objective = path.split("/")
    return unit, objective, outer


@dataclass(slots=True, kw_only=True)
class EnclosingRow:
    """An annual or multi-year objective the quarter aligns to."""

    ref: str  # unit/objective@period, as the quarter's files name it
    title: str
    period: str  # 2026 or 2026-2028
    elapsed: Decimal  # the share of its period gone, 0..1
    score: Decimal  # its score so far (year to date)
    pace: str | None  # while its period runs
    band: str | None  # once it is over
    aligned_from: list[str] = field(default_factory=list)  # the quarter's objectives, u/o


def enclosing_rows(
    repo: Repository,
    quarter: Period,
    at: datetime,
    history: Callable[[str], QuarterHistory | None],
) -> list[EnclosingRow]:
    """The enclosing periods' objectives the quarter's objectives align to, in the order
    first named; each period scored once, as of ``at``."""
    start_month = repo.config.fiscal_year_start_month
    wanted: dict[str, list[str]] = {}
    for d in sorted(repo.docs, key=lambda d: d.rel):
        if d.model is None or d.model.period != str(quarter):
            continue
        for o in d.model.objectives:
            for ref in o.aligns_to:
                if outer_ref(ref, quarter, start_month) is not None:
                    wanted.setdefault(ref, []).append(f"{d.model.unit}/{o.id}")
    rows: list[EnclosingRow] = []
    cards: dict[str, ScoreCard | None] = {}
    for ref, sources in wanted.items():
        path, _, named = ref.partition("@")
        span = Years.parse(named, start_month)
        assert span is not None
        if named not in cards:
            present = any(d.model is not None and d.model.period == named for d in repo.docs)
            cards[named] = build(repo, span, history(named), at) if present else None
        card = cards[named]
        if card is None:
            continue
        unit, objective = path.split("/")
        for u in card.units:
            if u.id != unit:
                continue
            for row in u.objectives:
                if row.id == objective:
                    rows.append(
                        EnclosingRow(
                            ref=ref,
                            title=row.title,
                            period=named,
                            elapsed=card.elapsed,
                            score=row.score,
                            pace=row.pace,
                            band=None if row.pace is not None else row.band,
                            aligned_from=sources,
                        )
                    )
    return rows


@dataclass(slots=True, kw_only=True)
class AlignedRow:
    """An objective of a shorter period (a quarter of the year, a year or quarter of the
    span) that aligns to an objective of an annual or multi-year period."""

    to: str  # the period's objective it aligns to, unit/objective as the reference names it
    period: str  # 2026-Q1, or 2026 for a year of a span
    unit: str
    objective: str
    title: str
    score: Decimal  # its score as of the moment, over its own period
    pace: str | None  # while its period runs
    band: str | None  # once it is over


def aligned_rows(
    repo: Repository,
    period: Period,
    at: datetime,
    history: Callable[[str], QuarterHistory | None],
) -> list[AlignedRow]:
    """The objectives of the periods ``period`` encloses that align to one of its objectives
    (``aligns_to: [acme/win-enterprise@2026]``), in period order: each shorter period that
    has begun by ``at`` scored once, as ``okr score`` scores it at ``at``."""
    if not isinstance(period, Years):
        return []
    start_month = repo.config.fiscal_year_start_month
    today = local_day(at, zone(repo.config))
    # period -> (unit, objective) -> the period's objectives it aligns to
    wanted: dict[str, dict[tuple[str, str], list[str]]] = {}
    inner_of: dict[str, Period] = {}
    for d in repo.docs:
        m = d.model
        inner = None if m is None else parse_period(m.period, start_month)
        if m is None or inner is None or not encloses(period, inner) or inner.start > today:
            continue
        for o in m.objectives:
            for ref in o.aligns_to:
                path, at_sign, named = ref.partition("@")
                if at_sign and named == str(period) and path.count("/") == 1:
                    tos = wanted.setdefault(m.period, {}).setdefault((m.unit, o.id), [])
                    tos += [path] if path not in tos else []
                    inner_of[m.period] = inner
    rows: list[AlignedRow] = []
    # by start, the longer first: a span's years each before their quarters
    for name in sorted(wanted, key=lambda p: (inner_of[p].start, -inner_of[p].end.toordinal())):
        card = build(repo, inner_of[name], history(name), at)
        chosen = wanted[name]
        for u in card.units:
            for row in u.objectives:
                for to in chosen.get((u.id, row.id), ()):
                    rows.append(
                        AlignedRow(
                            to=to,
                            period=name,
                            unit=u.id,
                            objective=row.id,
                            title=row.title,
                            score=row.score,
                            pace=row.pace,
                            band=None if row.pace is not None else row.band,
                        )
                    )
    return rows
