"""``okr score``: the repository now or at a commit, its quarter's history, the score card."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from okrcli.errors import OkrError
from okrcli.history.source import moment
from okrcli.load.files import resolve_root
from okrcli.load.repo import Repository
from okrcli.model.quarter import QUARTER_RE, Quarter, quarter_advice

if TYPE_CHECKING:
    from okrcli.score.card import ScoreCard

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def choose_quarter(repo: Repository, asked: str | None, at: datetime) -> Quarter:
    """The quarter asked for, else the one running at ``at``, else the latest with files."""
    start_month = repo.config.fiscal_year_start_month
    present = sorted(
        {
            d.model.period
            for d in repo.docs
            if d.model is not None and QUARTER_RE.match(d.model.period)
        }
    )
    if asked is not None:
        q = Quarter.parse(asked, start_month)
        if q is None:
            raise OkrError(f"--quarter {asked}: {quarter_advice(asked)}.")
        if asked not in present:
            raise OkrError(
                f"there are no OKR files for {asked} under {repo.config.okrs_dir}/{asked}/."
            )
        return q
    if not present:
        raise OkrError(
            f"there are no OKR files under {repo.config.okrs_dir}/ yet; "
            "write one (see the README's quickstart)."
        )
    from okrcli.closing import local_day, zone

    running = str(Quarter.containing(local_day(at, zone(repo.config)), start_month))
    earlier = [q for q in present if q <= running]
    chosen = running if running in present else (earlier[-1] if earlier else present[-1])
    parsed = Quarter.parse(chosen, start_month)
    assert parsed is not None
    return parsed


@dataclass(slots=True)
class ScoreRequest:
    paths: list[Path] = field(default_factory=list)
    quarter: str | None = None
    at: str | None = None
    repo: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    now: datetime | None = None


def score(request: ScoreRequest) -> ScoreCard:
    """The score card the user asked for."""
    start = request.paths[0] if request.paths else request.cwd
    root = resolve_root(request.repo, start, request.cwd)
    m = moment(root, request.at, request.now)
    quarter = choose_quarter(m.repo, request.quarter, m.at)
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
    from okrcli.score.card import build

    card = build(m.repo, quarter, m.history(str(quarter)), m.at, units)
    card.notices[:0] = m.notices
    return card
