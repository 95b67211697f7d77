"""``okr score``: the repository now or at a commit, its quarter's history, the score card."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from okrcli.errors import OkrError
from okrcli.history.git import Git, GitError
from okrcli.history.timeline import QuarterHistory, quarter_history
from okrcli.load.files import ORG_NAME, find_root
from okrcli.load.repo import Repository, load_repository, load_repository_from
from okrcli.model.quarter import QUARTER_RE, Quarter
from okrcli.score.card import ScoreCard, build

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Moment:
    """What the user asked to see: the working tree now, or the repository at a commit."""

    repo: Repository
    git: Git | None
    rev: str | None  # None: the working tree
    at: datetime
    notices: list[str] = field(default_factory=list)


def open_git(root: Path) -> tuple[Git | None, str | None]:
    """The repository's git, or None with the reason history is unavailable."""
    try:
        git = Git(root)
    except GitError as exc:
        return None, exc.message
    if not git.has_commits():
        return git, "the git repository has no commits yet, so there is no history to read."
    return git, None


def files_at(git: Git, root: Path, rev: str) -> dict[str, bytes]:
    """Every file under the OKR repository root at ``rev``, keyed relative to the root."""
    prefix = git.relpath(root)
    prefix = "" if prefix == "." else prefix + "/"
    blobs = git.list_blobs(rev, prefix or ".")
    wanted = {
        p[len(prefix) :]: oid
        for p, oid in blobs.items()
        if p.startswith(prefix) and p.endswith((".yaml", ".yml"))
    }
    contents = git.read_blobs(list(wanted.values()))
    return {rel: contents[oid] for rel, oid in wanted.items()}


def moment(root: Path, at: str | None, now: datetime | None = None) -> Moment:
    """Load the repository as it is, or as it was at ``at`` (a revision or a date)."""
    git, reason = open_git(root)
    if at is None:
        m = Moment(
            load_repository(root), git if reason is None else None, None, now or datetime.now(UTC)
        )
        if reason:
            m.notices.append(f"history is not available: {reason}")
        return m
    if git is None or reason is not None:
        raise OkrError(f"--at {at}: {reason or 'no git repository'}")
    rev = git.resolve(at)
    when = (
        (
            datetime.combine(date.fromisoformat(at) + timedelta(days=1), time(0), tzinfo=UTC)
            - timedelta(seconds=1)
        )
        if _DATE.match(at)
        else git.commit_time(rev)
    )
    files = files_at(git, root, rev)
    if ORG_NAME not in files:
        raise OkrError(f"--at {at}: the repository had no {ORG_NAME} at that commit.")
    return Moment(load_repository_from(root, files), git, rev, when)


def choose_quarter(repo: Repository, asked: str | None, at: datetime) -> Quarter:
    """The quarter asked for, else the one running at ``at``, else the latest with files."""
    start_month = repo.config.fiscal_year_start_month
    present = sorted(
        {
            d.model.quarter
            for d in repo.docs
            if d.model is not None and QUARTER_RE.match(d.model.quarter)
        }
    )
    if asked is not None:
        q = Quarter.parse(asked, start_month)
        if q is None:
            raise OkrError(f"--quarter {asked}: write the quarter as YYYY-Qn, like 2026-Q4.")
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
    running = str(Quarter.containing(at.date(), start_month))
    earlier = [q for q in present if q <= running]
    chosen = running if running in present else (earlier[-1] if earlier else present[-1])
    parsed = Quarter.parse(chosen, start_month)
    assert parsed is not None
    return parsed


def history_for(m: Moment, quarter: Quarter) -> QuarterHistory | None:
    if m.git is None:
        return None
    return quarter_history(
        m.repo.root,
        m.repo.config.okrs_dir,
        str(quarter),
        rev=m.rev or "HEAD",
        worktree=m.rev is None,
        now=m.at,
    )


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
    start = request.repo or (request.paths[0] if request.paths else request.cwd)
    root = (request.cwd / start).resolve() if request.repo else find_root(request.cwd / start)
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
    card = build(m.repo, quarter, history_for(m, quarter), m.at, units)
    card.notices[:0] = m.notices
    return card
