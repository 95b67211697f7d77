"""Key-result timelines for a quarter, read from git history.

One ``git log --raw`` lists every commit that touched the quarter's folder with the blobs it
changed; one ``git cat-file --batch`` reads the blobs not yet in the cache; each distinct blob
is parsed once, and what matters of it (the values of each key result) is cached by blob id
inside the git directory: blobs never change, so the cache never needs invalidating.

Key results are followed by their ids (``unit/objective/kr``), not by file names, so a renamed
or moved file keeps its history. A commit's change is the difference between the key-result
values in the files it removed or changed and in the files it added or changed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from okrcli.fsutil import atomic_write
from okrcli.history.git import NULL_ID, Commit, Git
from okrcli.load.yamlsafe import YamlError, decode, parse

FIELDS = ("baseline", "target", "current", "confidence")
Values = tuple[float | None, float | None, float | None, float | None]
# what a blob holds, for the history: (quarter, {ref: values}) or None when unreadable
Extract = tuple[str, dict[str, Values]] | None

CACHE_NAME = "blobs-v1.json"
PARALLEL_BLOBS = 400


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def extract(raw: bytes) -> Extract:
    """The quarter and key-result values of one OKR file's content (None if unreadable)."""
    try:
        data = parse(decode(raw)).data
    except YamlError:
        return None
    return extract_data(data)


def extract_data(data: Any) -> Extract:
    """The quarter and key-result values of one parsed OKR file (None if it is not one)."""
    if not isinstance(data, dict):
        return None
    unit, quarter, objectives = data.get("unit"), data.get("quarter"), data.get("objectives")
    if (
        not isinstance(unit, str)
        or not isinstance(quarter, str)
        or not isinstance(objectives, list)
    ):
        return None
    krs: dict[str, Values] = {}
    for o in objectives:
        if not isinstance(o, dict) or not isinstance(o.get("id"), str):
            continue
        for k in o.get("key_results") or []:
            if isinstance(k, dict) and isinstance(k.get("id"), str):
                ref = f"{unit}/{o['id']}/{k['id']}"
                vals = (
                    _num(k.get("baseline")),
                    _num(k.get("target")),
                    _num(k.get("current")),
                    _num(k.get("confidence")),
                )
                krs.setdefault(ref, vals)
    return quarter, krs


def _extract_many(blobs: list[tuple[str, bytes]]) -> list[tuple[str, Extract]]:
    return [(oid, extract(raw)) for oid, raw in blobs]


def extract_all(blobs: dict[str, bytes]) -> dict[str, Extract]:
    """Extract many blobs, in a forked helper for half of them when there are many."""
    items = list(blobs.items())
    if len(items) < PARALLEL_BLOBS:
        return dict(_extract_many(items))
    from okrcli.load.prefetch import run_split

    return dict(run_split(_extract_many, items))


class BlobCache:
    """Parsed blob extracts kept in the git directory, keyed by blob id."""

    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / "okrcli" / CACHE_NAME
        self.data: dict[str, Any] = {}
        self.dirty = False
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.data = loaded
        except (OSError, ValueError):
            self.data = {}  # no cache yet, or a broken one: it is rebuilt

    def get(self, oid: str) -> tuple[bool, Extract]:
        if oid not in self.data:
            return False, None
        item = self.data[oid]
        if item is None:
            return True, None
        quarter, krs = item
        return True, (quarter, {ref: tuple(v) for ref, v in krs.items()})

    def put(self, oid: str, value: Extract) -> None:
        self.data[oid] = value
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is simply not kept."""
        if not self.dirty:
            return
        with contextlib.suppress(OSError):
            atomic_write(self.path, json.dumps(self.data, separators=(",", ":")))


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A change of one key result: which fields moved, by which commit (None: uncommitted)."""

    commit: Commit | None
    when: datetime
    before: Values | None  # None when the key result first appears
    after: Values

    @property
    def created(self) -> bool:
        return self.before is None

    def changed(self, name: str) -> bool:
        i = FIELDS.index(name)
        return self.before is None or self.before[i] != self.after[i]


@dataclass(slots=True)
class Timeline:
    """Every change of one key result over the quarter, oldest first."""

    ref: str
    events: list[CheckIn] = field(default_factory=list)

    def checkins(self) -> list[CheckIn]:
        """Events that count as a check-in: the first appearance, or a new ``current``."""
        return [e for e in self.events if e.created or e.changed("current")]


@dataclass(slots=True)
class QuarterHistory:
    """The quarter as git recorded it."""

    quarter: str
    commits: list[Commit]
    timelines: dict[str, Timeline]
    shallow: bool = False
    has_git: bool = True
    uncommitted: bool = False


def _state(extracts: Iterable[Extract], quarter: str) -> dict[str, Values]:
    out: dict[str, Values] = {}
    for ex in extracts:
        if ex is not None and ex[0] == quarter:
            for ref, vals in ex[1].items():
                out.setdefault(ref, vals)
    return out


def quarter_history(
    root: Path,
    okrs_dir: str,
    quarter: str,
    *,
    rev: str = "HEAD",
    worktree: Iterable[Any] | None = None,
    now: datetime | None = None,
) -> QuarterHistory:
    """Read the quarter's history up to ``rev``. ``worktree`` is the parsed content of the
    quarter's files in the working tree, when uncommitted edits should count (as the latest
    point, marked as such)."""
    git = Git(root)
    folder = git.relpath(root / okrs_dir) + f"/{quarter}"
    history = QuarterHistory(quarter, [], {}, shallow=git.is_shallow())
    if not git.has_commits():
        log: list[tuple[Commit, list[Any]]] = []
    else:
        log = git.log_changes(rev, folder + "/")
    cache = BlobCache(git.git_dir)
    ids = {c.old_id for _, changes in log for c in changes} | {
        c.new_id for _, changes in log for c in changes
    }
    ids.discard(NULL_ID)
    head_blobs = git.list_blobs(rev, folder) if worktree is not None and log else {}
    ids |= set(head_blobs.values())
    extracts: dict[str, Extract] = {}
    missing = []
    for oid in ids:
        hit, value = cache.get(oid)
        if hit:
            extracts[oid] = value
        else:
            missing.append(oid)
    if missing:
        fresh = extract_all(git.read_blobs(missing))
        for oid, value in fresh.items():
            cache.put(oid, value)
        extracts.update(fresh)
        cache.save()

    timelines = history.timelines
    for commit, changes in log:
        before = _state((extracts.get(c.old_id) for c in changes if c.old_id != NULL_ID), quarter)
        after = _state((extracts.get(c.new_id) for c in changes if c.new_id != NULL_ID), quarter)
        touched = False
        for ref, vals in after.items():
            old = before.get(ref)
            if old == vals:
                continue
            tl = timelines.get(ref)
            if tl is None:
                tl = timelines[ref] = Timeline(ref)
            prior = tl.events[-1].after if tl.events else None
            if prior == vals:
                continue  # the same values arriving again (a moved file, a re-added KR)
            tl.events.append(CheckIn(commit, commit.when, prior, vals))
            touched = True
        if touched:
            history.commits.append(commit)

    if worktree is not None:
        _add_worktree(history, worktree, head_blobs, extracts, quarter, now)
    return history


def _add_worktree(
    history: QuarterHistory,
    worktree: Iterable[Any],
    head_blobs: dict[str, str],
    extracts: dict[str, Extract],
    quarter: str,
    now: datetime | None,
) -> None:
    """Key results whose values in the working tree differ from HEAD's get an uncommitted
    check-in, dated now."""
    head_state = _state((extracts.get(oid) for oid in head_blobs.values()), quarter)
    work_state = _state((extract_data(data) for data in worktree), quarter)
    moment = now or datetime.now().astimezone()
    for ref, vals in work_state.items():
        if head_state.get(ref) == vals:
            continue
        tl = history.timelines.setdefault(ref, Timeline(ref))
        prior = tl.events[-1].after if tl.events else None
        if prior != vals:
            tl.events.append(CheckIn(None, moment, prior, vals))
            history.uncommitted = True
