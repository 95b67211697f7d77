"""Key-result timelines for a quarter, read from git history.

One ``git log --raw`` lists every commit that touched the quarter's folder with the blobs it
changed; one ``git cat-file --batch`` reads the blobs not yet in the cache; each distinct blob
is parsed once, and what matters of it (the values of each key result) is cached by blob id
inside the git directory: blobs never change, so the cache never needs invalidating.

The walk's result is kept too, one file per folder and quarter, under the commit it was read
at: commits never change either, so while the branch has not moved (a report after a score, a
second report with another template) the walk is read back instead of done again.

Key results are followed by their ids (``unit/objective/kr``), not by file names, so a renamed
or moved file keeps its history. A commit's change is the difference between the key-result
values in the files it removed or changed and in the files it added or changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from sys import intern
from typing import Any

from okrcli import cachefile, runner
from okrcli.history import codec
from okrcli.history.git import NULL_ID, Change, Commit, Git
from okrcli.load.files import okr_file, period_in
from okrcli.load.yamlsafe import YamlError, decode, parse

FIELDS = ("baseline", "target", "current", "confidence", "checked", "note")
_FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
# baseline, target, current, confidence; the day of the latest check-in and its note
Values = tuple[float | None, float | None, float | None, float | None, str | None, str | None]
# what a blob holds, for the history: (quarter, {ref: values}) or None when unreadable
Extract = tuple[str, dict[str, Values]] | None

# a working-tree file for the history: the id git would give its content (None when it is
# unknown), and a function that returns its parsed data, called only when no commit had it
WorktreeFile = tuple[str | None, Callable[[], Any]]

# the caches' kinds, versioned by their declarations (see okrcli.history.codec)
BLOB_KIND = codec.BLOB_KIND
WALK_KIND = codec.WALK_KIND
CACHE_NAME = f"{BLOB_KIND}.json"
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


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
    unit, quarter, objectives = data.get("unit"), period_in(data), data.get("objectives")
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
                # one string per key result however many versions mention it: smaller caches
                ref = intern(f"{unit}/{o['id']}/{k['id']}")
                vals = (
                    _num(k.get("baseline")),
                    _num(k.get("target")),
                    _num(k.get("current")),
                    _num(k.get("confidence")),
                    _str(k.get("checked")),
                    _str(k.get("note")),
                )
                krs.setdefault(ref, vals)
    return intern(quarter), krs


def blob_id(text: str) -> str:
    """The id git gives a file whose content is ``text`` in UTF-8."""
    raw = text.encode()
    h = hashlib.sha1(b"blob %d\0" % len(raw), usedforsecurity=False)
    h.update(raw)
    return h.hexdigest()


def _extract_many(blobs: list[tuple[str, bytes]]) -> list[tuple[str, Extract]]:
    return [(oid, extract(raw)) for oid, raw in blobs]


def extract_all(blobs: dict[str, bytes]) -> dict[str, Extract]:
    """Extract many blobs (one list the runner may split, see :mod:`okrcli.runner`)."""
    return dict(runner.map_split(_extract_many, list(blobs.items())))


# the size the blob cache is trimmed to when it grows past it: well below what a cache may
# weigh to be read at all (cachefile.MAX_BYTES), so that years of history never make it a miss
TRIM_BYTES = cachefile.MAX_BYTES // 2


class BlobCache:
    """Parsed blob extracts kept in the git directory, keyed by blob id, oldest used first:
    a hit moves its entry to the end, and a cache grown past :data:`TRIM_BYTES` keeps its
    most recently used half."""

    def __init__(self, git_dir: Path) -> None:
        self.path = cachefile.folder(git_dir) / CACHE_NAME
        loaded = codec.read_blobs(cachefile.read_body(self.path, BLOB_KIND))
        self.data: dict[str, Extract] = dict(loaded.blobs) if loaded is not None else {}
        self.dirty = False

    def get(self, oid: str) -> tuple[bool, Extract]:
        if oid not in self.data:
            return False, None
        value = self.data[oid] = self.data.pop(oid)  # now the most recently used
        return True, value

    def put(self, oid: str, value: Extract) -> None:
        self.data[oid] = value
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is simply not kept.
        One grown past :data:`TRIM_BYTES` drops its least recently used entries first."""
        if not self.dirty:
            return
        body = codec.write_blobs(self.data)
        while len(body) > TRIM_BYTES and self.data:
            newest = list(self.data.items())[len(self.data) // 2 :]
            self.data = dict(newest)
            body = codec.write_blobs(self.data)
        cachefile.write_body(self.path, BLOB_KIND, body)


@dataclass(slots=True)
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
        i = _FIELD_INDEX[name]
        return self.before is None or self.before[i] != self.after[i]


class Timeline:
    """Every change of one key result over the quarter, oldest first.

    Kept as columns (the commit, the time and each of the four values, one entry per change)
    because an organisation's history holds hundreds of thousands of changes and most
    questions read one column: when was the last check-in, what was ``current`` at each week's
    end. ``events`` gives the same changes as :class:`CheckIn` objects, built when first asked.
    """

    __slots__ = ("_events", "columns", "commits", "ref", "whens")

    def __init__(self, ref: str) -> None:
        self.ref = ref
        # read back from the cache these are tuples, some shared between timelines; the
        # first add() turns this timeline's into lists of its own
        self.commits: Sequence[Commit | None] = []
        self.whens: Sequence[datetime] = []
        # baseline, target, current, confidence, checked, note: one sequence each, one entry
        # per change
        self.columns: tuple[Sequence[Any], ...] = ([], [], [], [], [], [])
        self._events: list[CheckIn] | None = None

    @classmethod
    def from_columns(
        cls,
        ref: str,
        commits: Sequence[Commit | None],
        whens: Sequence[datetime],
        columns: tuple[Sequence[Any], ...],
    ) -> Timeline:
        tl = cls.__new__(cls)  # no empty columns made only to be replaced
        tl.ref, tl.commits, tl.whens, tl.columns, tl._events = ref, commits, whens, columns, None
        return tl

    def __len__(self) -> int:
        return len(self.whens)

    # each value column by name, one entry per change (FIELDS gives their order)
    @property
    def baselines(self) -> Sequence[Any]:
        return self.columns[0]

    @property
    def targets(self) -> Sequence[Any]:
        return self.columns[1]

    @property
    def currents(self) -> Sequence[Any]:
        return self.columns[2]

    @property
    def confidences(self) -> Sequence[Any]:
        return self.columns[3]

    @property
    def checked_days(self) -> Sequence[Any]:
        """The day each change says it was checked in (``checked:``), or None."""
        return self.columns[4]

    @property
    def notes(self) -> Sequence[Any]:
        return self.columns[5]

    def add(self, commit: Commit | None, when: datetime, values: Values) -> None:
        if not isinstance(self.whens, list):  # read back (maybe shared): copy first
            self.commits, self.whens = list(self.commits), list(self.whens)
            self.columns = tuple(list(col) for col in self.columns)
        assert isinstance(self.commits, list) and isinstance(self.whens, list)
        self.commits.append(commit)
        self.whens.append(when)
        for col, value in zip(self.columns, values, strict=True):
            assert isinstance(col, list)
            col.append(value)
        self._events = None

    def values(self, n: int) -> Values:
        """The values after change ``n`` (negative counts from the end)."""
        b, t, c, conf, checked, note = self.columns
        return (b[n], t[n], c[n], conf[n], checked[n], note[n])

    def last(self) -> Values | None:
        return self.values(-1) if self.whens else None

    @property
    def uncommitted(self) -> bool:
        """Whether the latest change is in the working tree, not yet committed."""
        return bool(self.commits) and self.commits[-1] is None

    @property
    def events(self) -> list[CheckIn]:
        if self._events is None:
            out: list[CheckIn] = []
            prior: Values | None = None
            for n, (commit, when) in enumerate(zip(self.commits, self.whens, strict=True)):
                after = self.values(n)
                out.append(CheckIn(commit, when, prior, after))
                prior = after
            self._events = out
        return self._events

    def checkin_indexes(self) -> list[int]:
        """Which changes are check-ins: those after the key result first appeared that move
        ``current`` or re-confirm it (``okr check-in`` writes the day into ``checked``). The
        first appearance (the file written) starts the clock but is not a check-in."""
        current, checked = self.currents, self.checked_days
        return [
            n
            for n in range(1, len(current))
            if current[n] != current[n - 1] or checked[n] != checked[n - 1]
        ]

    def checkin_summary(self) -> tuple[int, int]:
        """How many check-ins there are, and the index of the latest (-1 for none)."""
        current, checked = self.currents, self.checked_days
        size = len(current)
        if size < 2 or (current.count(current[0]) == size and checked.count(checked[0]) == size):
            return 0, -1
        indexes = self.checkin_indexes()
        return len(indexes), indexes[-1] if indexes else -1

    def checkins(self) -> list[CheckIn]:
        """The check-ins as :class:`CheckIn` objects."""
        events = self.events
        return [events[n] for n in self.checkin_indexes()]

    def changes_of(self, field_index: int) -> list[int]:
        """The changes (after the first appearance) that moved one value."""
        column = self.columns[field_index]
        if not column or column.count(column[0]) == len(column):
            return []
        return [n for n in range(1, len(column)) if column[n] != column[n - 1]]


@dataclass(slots=True)
class QuarterHistory:
    """The quarter as git recorded it."""

    quarter: str
    commits: list[Commit]
    timelines: dict[str, Timeline]
    shallow: bool = False
    has_git: bool = True
    uncommitted: bool = False


def _own(path: str, extract: Extract) -> Extract:
    """The extract of the file at ``path`` when it holds the unit it is named after, else
    None: a file ``checkout.yaml`` saying ``unit: search`` (lint's OKR003) has no history
    of its own and must not mix its values into search's."""
    if extract is None or not extract[1]:
        return extract
    name = path.rsplit("/", 1)[-1]
    stem = name[: name.rfind(".")] if "." in name else name
    return extract if next(iter(extract[1])).startswith(stem + "/") else None


def _state(extracts: Iterable[Extract], quarter: str) -> dict[str, Values]:
    out: dict[str, Values] = {}
    for ex in extracts:
        if ex is not None and ex[0] == quarter:
            for ref, vals in ex[1].items():
                out.setdefault(ref, vals)
    return out


@dataclass(slots=True)
class Walk:
    """What the walk of one folder's history up to one commit found: the commits that
    changed a key result, each key result's timeline, and the values in that commit's files."""

    commits: list[Commit]
    timelines: dict[str, Timeline]
    head_state: dict[str, Values]
    # what a later walk needs to carry on from this one instead of starting again: the
    # latest committer time of the commits walked, and that commit's files and their values
    last_time: int = 0
    head_blobs: dict[str, str] = field(default_factory=dict)
    head_extracts: dict[str, Extract] = field(default_factory=dict)


class WalkCache:
    """The last walk of one folder and quarter, kept in the git directory with the commit it
    was read at (a damaged file is a miss)."""

    def __init__(self, git_dir: Path, folder: str, quarter: str) -> None:
        name = hashlib.sha1(f"{folder}\0{quarter}".encode()).hexdigest()[:16]
        self.path = cachefile.folder(git_dir) / f"{WALK_KIND}-{name}.json"
        self.folder, self.quarter = folder, quarter

    def _key(self, shallow: bool) -> tuple[bool, str, str]:
        return (shallow, self.folder, self.quarter)

    def load(self, shallow: bool) -> tuple[str, Walk] | None:
        """The commit the kept walk was read at, and the walk; None unless the file is
        exactly what okr writes (see :mod:`okrcli.history.codec`)."""
        kept = codec.read_walk(cachefile.read_body(self.path, WALK_KIND))
        if kept is None or kept.key != self._key(shallow):
            return None
        commits = [
            Commit(c.id, c.author, c.email, c.when, c.subject, c.committed) for c in kept.commits
        ]
        picked = [tuple(commits[i] for i in p) for p in kept.positions]
        whens = [tuple(c.when for c in p) for p in picked]
        timelines = {}
        repeats: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for ref, span, numbers, texts in kept.rows:
            size = len(picked[span])
            columns = tuple(codec.expand(col, size, repeats) for col in (*numbers, *texts))
            timelines[intern(ref)] = Timeline.from_columns(ref, picked[span], whens[span], columns)
        head_extracts = dict(kept.head_extracts)
        head_state = _state(
            (_own(path, head_extracts.get(oid)) for path, oid in kept.head_blobs.items()),
            self.quarter,
        )
        walk = Walk(
            commits, timelines, head_state, kept.last_time, dict(kept.head_blobs), head_extracts
        )
        return kept.commit, walk

    def save(self, commit: str, shallow: bool, walk: Walk) -> None:
        index = {c.id: i for i, c in enumerate(walk.commits)}
        sets: dict[tuple[int, ...], int] = {}
        rows = []
        for tl in walk.timelines.values():
            positions = tuple(index[c.id] for c in tl.commits if c is not None)
            span = sets.setdefault(positions, len(sets))
            columns = [codec.compact(list(col)) for col in tl.columns]
            rows.append((tl.ref, span, columns[:4], columns[4:]))
        content = {
            "key": self._key(shallow),
            "commit": commit,
            "commits": [
                {
                    "id": c.id,
                    "author": c.author,
                    "email": c.email,
                    "when": c.when.isoformat(),
                    "subject": c.subject,
                    "committed": c.committed,
                }
                for c in walk.commits
            ],
            "positions": [list(p) for p in sets],
            "rows": rows,
            "last_time": walk.last_time,
            "head_blobs": walk.head_blobs,
            "head_extracts": walk.head_extracts,
        }
        cachefile.write_body(self.path, WALK_KIND, codec.write_walk(content))


def quarter_history(
    root: Path,
    okrs_dir: str,
    quarter: str,
    *,
    rev: str = "HEAD",
    worktree: Iterable[WorktreeFile] | None = None,
    now: datetime | None = None,
    git: Git | None = None,
    walks: dict[tuple[str, str], Walk] | None = None,
) -> QuarterHistory:
    """Read the quarter's history up to ``rev``. ``worktree`` is the quarter's files in the
    working tree, when uncommitted edits should count (as the latest point, marked as such).
    ``git`` is the repository's, when the caller has it open. ``walks`` keeps the walks read
    in memory, by folder and commit, for a caller that asks again and again (okr lsp, which
    reads the history once per HEAD): the walk is never changed, only copied from."""
    git = git or Git(root)
    folder = git.relpath(root / okrs_dir) + f"/{quarter}"
    shallow = git.is_shallow()
    commit = git.commit_id(rev) if git.has_commits() else None
    if commit is None:
        walk = Walk([], {}, {})
    elif walks is not None and (folder, commit) in walks:
        walk = walks[(folder, commit)]
    else:
        store = WalkCache(git.git_dir, folder, quarter)
        kept = store.load(shallow)
        if kept is not None and kept[0] == commit:
            walk = kept[1]
        else:
            carried = _carry_on(git, kept, commit, folder, quarter) if kept else None
            walk = carried or _walk(git, commit, folder, quarter)
            store.save(commit, shallow, walk)
        if walks is not None:
            walks[(folder, commit)] = walk
    # the timelines the working tree changes are copied (see _add_worktree): the walk stays
    history = QuarterHistory(quarter, walk.commits, dict(walk.timelines), shallow=shallow)
    if worktree is not None:
        _add_worktree(history, worktree, walk, quarter, now)
    return history


def _is_okr_file(path: str, folder: str) -> bool:
    """Whether ``path`` (from the git top level) is an OKR file of the quarter ``folder``."""
    quarter_folder = folder.rpartition("/")[2]
    rest = path[len(folder) + 1 :] if path.startswith(folder + "/") else ""
    return okr_file(f"{quarter_folder}/{rest}", ".") is not None


def _okr_changes(
    log: list[tuple[Commit, list[Change]]], folder: str
) -> list[tuple[Commit, list[Change]]]:
    """The log with only the changes to OKR files (a draft's or an editor's file is none)."""
    kept = []
    for commit, changes in log:
        mine = []
        for c in changes:
            new, old = _is_okr_file(c.path, folder), _is_okr_file(c.old_path, folder)
            if new and old:
                mine.append(c)
            elif new:  # renamed from a draft: the OKR file is added
                mine.append(Change(NULL_ID, c.new_id, c.path, c.path))
            elif old:  # renamed to a draft: the OKR file is gone
                mine.append(Change(c.old_id, NULL_ID, c.old_path, c.old_path))
        if mine:
            kept.append((commit, mine))
    return kept


def _okr_blobs(blobs: dict[str, str], folder: str) -> dict[str, str]:
    return {p: oid for p, oid in blobs.items() if _is_okr_file(p, folder)}


def _walk(git: Git, commit: str, folder: str, quarter: str) -> Walk:
    """Walk the folder's history up to ``commit``, reading only blobs not in the blob cache."""
    log = _okr_changes(git.log_changes(commit, folder + "/"), folder)
    cache = BlobCache(git.git_dir)
    ids = {c.old_id for _, changes in log for c in changes} | {
        c.new_id for _, changes in log for c in changes
    }
    ids.discard(NULL_ID)
    head_blobs = _okr_blobs(git.list_blobs(commit, folder), folder) if log else {}
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
    walk = Walk([], {}, {})
    _extend(walk, log, extracts, quarter, head_blobs)
    return walk


def _carry_on(
    git: Git, kept: tuple[str, Walk], commit: str, folder: str, quarter: str
) -> Walk | None:
    """The kept walk carried on to ``commit``, reading only what the commits since brought;
    None when that would not give what a whole walk gives (``commit`` does not descend from
    the kept one, or a new commit sorts before one already walked)."""
    old, walk = kept
    if not git.is_ancestor(old, commit):
        return None
    log = _okr_changes(git.log_changes(f"{old}..{commit}", folder + "/"), folder)
    if any(c.committed <= walk.last_time for c, _ in log):
        return None  # git would list it among the old ones: only a whole walk orders it right
    head_blobs = (
        _okr_blobs(git.list_blobs(commit, folder), folder) if (log or walk.head_blobs) else {}
    )
    ids = {c.old_id for _, changes in log for c in changes} | {
        c.new_id for _, changes in log for c in changes
    }
    ids |= set(head_blobs.values())
    ids.discard(NULL_ID)
    extracts = {oid: walk.head_extracts[oid] for oid in ids if oid in walk.head_extracts}
    missing = [oid for oid in ids if oid not in extracts]
    if missing:
        extracts.update(extract_all(git.read_blobs(missing)))
    _extend(walk, log, extracts, quarter, head_blobs)
    return walk


def _extend(
    walk: Walk,
    log: list[tuple[Commit, list[Any]]],
    extracts: dict[str, Extract],
    quarter: str,
    head_blobs: dict[str, str],
) -> None:
    """Add the changes of ``log`` (oldest first) to ``walk``, which ends at the commit whose
    files are ``head_blobs``."""
    # new key results' columns are filled here and made into timelines at the end
    columns: dict[str, tuple[list[Any], ...]] = {}
    latest: dict[str, Values | None] = {ref: tl.last() for ref, tl in walk.timelines.items()}
    for commit_, changes in log:
        # a merge's values count wherever they differ from the latest: its parents' values
        # say nothing about which of them the history shows last
        before = (
            {}
            if commit_.merge
            else _state(
                (_own(c.old_path, extracts.get(c.old_id)) for c in changes if c.old_id != NULL_ID),
                quarter,
            )
        )
        after = _state(
            (_own(c.path, extracts.get(c.new_id)) for c in changes if c.new_id != NULL_ID),
            quarter,
        )
        touched = False
        when = commit_.when
        for ref, vals in after.items():
            if before.get(ref) == vals or latest.get(ref) == vals:
                continue  # unchanged, or the same values arriving again (a moved file)
            latest[ref] = vals
            tl = walk.timelines.get(ref)
            if tl is not None:  # a key result the earlier walk knew
                tl.add(commit_, when, vals)
            else:
                cols = columns.get(ref)
                if cols is None:
                    cols = columns[ref] = ([], [], [], [], [], [], [], [])
                cols[0].append(commit_)
                cols[1].append(when)
                for col, v in zip(cols[2:], vals, strict=True):
                    col.append(v)
            touched = True
        if touched:
            walk.commits.append(commit_)
        walk.last_time = max(walk.last_time, commit_.committed)
    for ref, (commits, whens, *values) in columns.items():
        walk.timelines[ref] = Timeline.from_columns(ref, commits, whens, tuple(values))
    walk.head_blobs = head_blobs
    walk.head_extracts = {oid: extracts.get(oid) for oid in head_blobs.values()}
    walk.head_state = _state(
        (_own(path, extracts.get(oid)) for path, oid in head_blobs.items()), quarter
    )


def _add_worktree(
    history: QuarterHistory,
    worktree: Iterable[WorktreeFile],
    walk: Walk,
    quarter: str,
    now: datetime | None,
) -> None:
    """Key results whose values in the working tree differ from HEAD's get an uncommitted
    check-in, dated now. A file whose content is one of HEAD's files is not read again."""
    known = walk.head_extracts
    extracts = (
        known[oid] if oid is not None and oid in known else extract_data(data())
        for oid, data in worktree
    )
    work_state = _state(extracts, quarter)
    head_state = walk.head_state
    moment = now or datetime.now().astimezone()
    for ref, vals in work_state.items():
        if head_state.get(ref) == vals:
            continue
        tl = history.timelines.get(ref)
        if tl is None:
            tl = history.timelines[ref] = Timeline(ref)
        if tl.last() != vals:
            if tl is walk.timelines.get(ref):  # the walk's own: added to a copy
                tl = history.timelines[ref] = Timeline.from_columns(
                    ref, list(tl.commits), list(tl.whens), tuple(list(c) for c in tl.columns)
                )
            tl.add(None, moment, vals)
            history.uncommitted = True
