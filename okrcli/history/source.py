"""The repository at a moment: the working tree now, or git's content at a commit or date,
with the history of each quarter read on demand (once per quarter)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from okrcli.closing import today as today_in_zone
from okrcli.closing import zone
from okrcli.errors import OkrError
from okrcli.history.git import Git, GitError, day_end
from okrcli.history.timeline import (
    QuarterHistory,
    Walk,
    WorktreeFile,
    blob_id,
    quarter_history,
)
from okrcli.load.files import ORG_NAME, in_place
from okrcli.load.repo import Repository, load_config, load_repository, load_repository_from
from okrcli.load.yamlsafe import Parsed
from okrcli.model.okr import OkrFile

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Moment:
    """What the user asked to see: the working tree now, or the repository at a commit."""

    repo: Repository
    git: Git | None
    rev: str | None  # None: the working tree
    at: datetime
    notices: list[str] = field(default_factory=list)
    unavailable: str | None = None  # why there is no history, when there is none
    _cache: dict[str, QuarterHistory] = field(default_factory=dict)
    # the walks read, by folder and commit, kept by a caller that asks again (okr lsp)
    walks: dict[tuple[str, str], Walk] | None = None

    def history(self, quarter: str) -> QuarterHistory | None:
        """The quarter's history up to this moment (None without git history)."""
        if self.git is None or self.unavailable is not None:
            return None
        if quarter not in self._cache:
            self._cache[quarter] = quarter_history(
                self.repo.root,
                self.repo.config.okrs_dir,
                quarter,
                rev=self.rev or "HEAD",
                worktree=self._worktree(quarter),
                now=self.at,
                git=self.git if self.git.root == self.repo.root else None,
                walks=self.walks,
            )
        return self._cache[quarter]

    def _worktree(self, quarter: str) -> list[WorktreeFile] | None:
        """The quarter folder's files as loaded (None at a commit): each with the id git
        would give its content, and its plain data on demand (a valid file's from its model,
        as its parsed data is not kept; any other's as parsed)."""
        if self.rev is not None:
            return None
        out: list[WorktreeFile] = []
        for d in self.repo.docs:
            if d.folder != quarter or not in_place(d):
                continue
            oid = blob_id(d.text) if d.text is not None else None
            if d.model is not None:
                out.append((oid, partial(_plain, d.model)))
            elif d.parsed is not None:
                out.append((oid, partial(_data, d.parsed)))
        return out


def _data(parsed: Parsed) -> Any:
    return parsed.data


def _plain(model: OkrFile) -> dict[str, Any]:
    """What the history reads of a file (unit, quarter, each key result's values)."""
    return {
        "unit": model.unit,
        model.period_field: model.year if model.year is not None else model.period,
        "objectives": [
            {
                "id": o.id,
                "key_results": [
                    {
                        "id": k.id,
                        "baseline": k.baseline,
                        "target": k.target,
                        "current": k.current,
                        "confidence": k.confidence,
                        "checked": k.checked,
                        "note": k.note,
                    }
                    for k in o.key_results
                ],
            }
            for o in model.objectives
        ],
    }


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


def moment(
    root: Path, at: str | None, now: datetime | None = None, repo: Repository | None = None
) -> Moment:
    """Load the repository as it is (or take ``repo``, already loaded), or as it was at
    ``at`` (a revision or a date)."""
    git, reason = open_git(root)
    if at is None:
        m = Moment(repo or load_repository(root), git, None, now or datetime.now(UTC))
        if reason:
            m.unavailable = reason
            m.notices.append(f"history is not available: {reason}")
        return m
    if git is None or reason is not None:
        raise OkrError(f"--at {at}: {reason or 'no git repository'}")

    config, _ = load_config(root)  # the days of --at are okr.yaml's time zone's
    tz = zone(config)
    rev = git.resolve(at, tz)
    if _DATE.match(at):
        today = today_in_zone(config, now)
        if date.fromisoformat(at) > today:
            # the newest commit would be scored as at that day: a quarter still running
            # would be judged as ended, with bands and retrospective prompts
            raise OkrError(
                f"--at {at} is after today ({today}); the history ends now. Leave --at out "
                "to see the repository as it is, or give a day up to today."
            )
    when = (day_end(at, tz) - timedelta(seconds=1)) if _DATE.match(at) else git.commit_time(rev)
    files = files_at(git, root, rev)
    if ORG_NAME not in files:
        raise OkrError(f"--at {at}: the repository had no {ORG_NAME} at that commit.")
    past = load_repository_from(root, files)
    if past.config.timezone != config.timezone:  # days are counted in today's okr.yaml's zone
        past = replace(past, config=past.config.model_copy(update={"timezone": config.timezone}))
    return Moment(past, git, rev, when)
