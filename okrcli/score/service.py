"""``okr score``: the repository now or at a commit, its quarter's history, the score card."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from okrcli.closing import local_day, zone
from okrcli.errors import OkrError
from okrcli.history.source import moment
from okrcli.load.files import resolve_root
from okrcli.load.repo import Repository
from okrcli.model.quarter import (
    QUARTER_RE,
    YEAR_FORM,
    YEARS_FORM,
    Period,
    Quarter,
    Years,
    quarter_advice,
)
from okrcli.score.card import ScoreCard, build
from okrcli.score.enclosing import enclosing_rows

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def quarters_present(repo: Repository) -> list[str]:
    """The quarters the repository has OKR files for, oldest first."""
    return sorted(
        {
            d.model.period
            for d in repo.docs
            if d.model is not None and QUARTER_RE.match(d.model.period)
        }
    )


def _unread(repo: Repository, period: str) -> str:
    """What to say of a period's files that are there but could not be read ("" if none)."""
    unread = sorted(d.rel for d in repo.docs if d.model is None and d.folder == period)
    if not unread:
        return ""
    named = ", ".join(unread[:3]) + (f" and {len(unread) - 3} more" if len(unread) > 3 else "")
    return f" that can be read: {named} cannot; `okr lint` says why."


def choose_quarter(repo: Repository, asked: str | None, at: datetime) -> Quarter:
    """The quarter asked for, else the one running at ``at``, else the latest with files."""
    start_month = repo.config.fiscal_year_start_month
    present = quarters_present(repo)
    if asked is not None:
        q = Quarter.parse(asked, start_month)
        if q is None:
            raise OkrError(f"--quarter {asked}: {quarter_advice(asked)}.")
        if asked not in present:
            raise OkrError(
                f"there are no OKR files for {asked} under {repo.config.okrs_dir}/{asked}/"
                f"{_unread(repo, asked) or '.'}"
            )
        return q
    if not present:
        raise OkrError(
            f"there are no OKR files under {repo.config.okrs_dir}/ yet; "
            "write one (see the README's quickstart)."
        )

    running = str(Quarter.containing(local_day(at, zone(repo.config)), start_month))
    earlier = [q for q in present if q <= running]
    chosen = running if running in present else (earlier[-1] if earlier else present[-1])
    parsed = Quarter.parse(chosen, start_month)
    assert parsed is not None
    return parsed


def choose_years(repo: Repository, year: str | None, years: str | None) -> Years:
    """The year (``--year 2026``) or span of years (``--years 2026-2028``) asked for, which
    must have OKR files (format 1.2)."""
    option, asked, kind = (
        ("--year", year, "year") if year is not None else ("--years", years, "years")
    )
    assert asked is not None
    span = Years.parse(asked, repo.config.fiscal_year_start_month)
    if span is not None and span.kind != kind:  # the other option's period
        what, other = ("a span of years", "--years") if kind == "year" else ("one year", "--year")
        raise OkrError(f"{option} {asked}: that is {what}; give it as {other} {asked}.")
    if span is None:
        form = YEAR_FORM if kind == "year" else YEARS_FORM
        raise OkrError(f"{option} {asked}: write it as {form}.")
    if not any(d.model is not None and d.model.period == asked for d in repo.docs):
        what = "annual" if kind == "year" else "multi-year"
        raise OkrError(
            f"there are no {what} OKR files for {asked} under {repo.config.okrs_dir}/{asked}/"
            f"{_unread(repo, asked) or f'; write one with `okr new UNIT --{kind} {asked}`.'}"
        )
    return span


def one_period(quarter: str | None, year: str | None, years: str | None, verb: str) -> None:
    """Refuse more than one of ``--quarter``, ``--year`` and ``--years`` (a usage error)."""
    asked = [
        o
        for o, v in (("--quarter", quarter), ("--year", year), ("--years", years))
        if v is not None
    ]
    if len(asked) > 1:
        raise OkrError(f"{' and '.join(asked)}: {verb} one period at a time; give one of them.")


def choose_period(
    repo: Repository, quarter: str | None, year: str | None, years: str | None, at: datetime
) -> Period:
    """The year or span asked for (:func:`choose_years`), else the quarter
    (:func:`choose_quarter`); :func:`one_period` has checked that only one was asked."""
    if year is not None or years is not None:
        return choose_years(repo, year, years)
    return choose_quarter(repo, quarter, at)


@dataclass(slots=True)
class ScoreRequest:
    paths: list[Path] = field(default_factory=list)
    quarter: str | None = None
    at: str | None = None
    repo: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    now: datetime | None = None
    year: str | None = None  # format 1.2: score a year's annual OKRs
    years: str | None = None  # format 1.2: score a span's multi-year OKRs


def score(request: ScoreRequest) -> ScoreCard:
    """The score card the user asked for."""
    start = request.paths[0] if request.paths else request.cwd
    root = resolve_root(request.repo, start, request.cwd)
    one_period(request.quarter, request.year, request.years, "score")
    m = moment(root, request.at, request.now)
    quarter = choose_period(m.repo, request.quarter, request.year, request.years, m.at)
    units = None
    if request.paths:
        wanted = [(request.cwd / p).resolve() for p in request.paths]
        for p in wanted:
            if not p.exists():
                raise OkrError(f"{p}: no such file or folder.")
        units = {
            d.model.unit
            for d in m.repo.docs
            if d.model is not None
            and any(d.path.resolve() == w or d.path.resolve().is_relative_to(w) for w in wanted)
        }

    card = build(m.repo, quarter, m.history(str(quarter)), m.at, units)
    card.notices[:0] = m.notices
    if isinstance(quarter, Quarter):
        card.enclosing = enclosing_rows(m.repo, quarter, m.at, m.history)
    return card
