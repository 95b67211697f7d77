"""Format 1.2: the annual and multi-year objectives a quarter's objectives align to
(``aligns_to: [acme/win-enterprise@2026]``), each with its score so far over its own period
and its pace (or, once that period is over, its band). The quarterly score card and report
name them, so a quarter is read against the longer goals it works towards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from okrcli.history.timeline import QuarterHistory
from okrcli.load.repo import Repository
from okrcli.model.quarter import Period, Years, encloses, parse_period
from okrcli.score.card import ScoreCard, build


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
                path, at_sign, named = ref.partition("@")
                outer = parse_period(named, start_month) if at_sign else None
                if outer is None or not encloses(outer, quarter) or path.count("/") != 1:
                    continue  # OKR006 reports it
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
