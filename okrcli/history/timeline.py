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

import base64
import hashlib
import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from pathlib import Path
from sys import intern
from typing import Any

from okrcli import cachefile
from okrcli.history.git import NULL_ID, Change, Commit, Git
from okrcli.load.files import okr_file
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

BLOB_KIND = "blobs-v5"  # change when extract() changes what it produces
WALK_KIND = "walk-v11"  # change when extract() or the walk change what they produce
CACHE_NAME = f"{BLOB_KIND}.json"
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
PARALLEL_BLOBS = 400


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
    """Extract many blobs, in a forked helper for half of them when there are many."""
    items = list(blobs.items())
    if len(items) < PARALLEL_BLOBS:
        return dict(_extract_many(items))
    from okrcli import forked

    return dict(forked.split(_extract_many, items))


def _values(item: Any) -> Values | None:
    """A key result's values read back from a cache (None when they are not that): four
    numbers or nulls, then the day of the check-in and its note, texts or nulls."""
    if not isinstance(item, list | tuple) or len(item) != len(FIELDS):
        return None
    for v in item[:4]:
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            return None
    for v in item[4:]:
        if v is not None and not isinstance(v, str):
            return None
    b, t, c, conf, checked, note = item
    return (b, t, c, conf, checked, note)


def checked_extract(item: Any) -> Extract | None:
    """An extract read back from a cache, rebuilt from checked parts (None if it is not one;
    an unreadable blob's extract, None, is not passed here)."""
    if not isinstance(item, list | tuple) or len(item) != 2:
        return None
    quarter, krs = item
    if not isinstance(quarter, str) or not isinstance(krs, dict):
        return None
    out: dict[str, Values] = {}
    for ref, vals in krs.items():
        checked = _values(vals)
        if checked is None:
            return None
        out[intern(ref)] = checked
    return intern(quarter), out


def _checked_extracts(data: Any) -> dict[str, Extract] | None:
    """Extracts read back from the walk cache, checked all together, a kind of part at a
    time (None if any is not one)."""
    if type(data) is not dict or not all(map(_OBJECT_ID.fullmatch, data)):
        return None
    present = [item for item in data.values() if item is not None]
    if not _all_of(present, list) or set(map(len, present)) - {2}:
        return None
    quarters, krs = [q for q, _ in present], [k for _, k in present]
    if not (_all_of(quarters, str) and _all_of(krs, dict)):
        return None
    if not _all_of([ref for k in krs for ref in k], str):
        return None
    values = [v for k in krs for v in k.values()]
    if not _all_of(values, list) or set(map(len, values)) - {len(FIELDS)}:
        return None
    numbers = chain.from_iterable(v[:_NUMBER_FIELDS] for v in values)
    texts = chain.from_iterable(v[_NUMBER_FIELDS:] for v in values)
    if not (set(map(type, numbers)) <= _NUMBERS and set(map(type, texts)) <= _TEXTS):
        return None
    return {
        oid: None
        if item is None
        else (
            intern(item[0]),
            dict(zip(map(intern, item[1]), map(tuple, item[1].values()), strict=True)),
        )
        for oid, item in data.items()
    }


class BlobCache:
    """Parsed blob extracts kept in the git directory, keyed by blob id."""

    def __init__(self, git_dir: Path) -> None:
        self.path = cachefile.folder(git_dir) / CACHE_NAME
        loaded = cachefile.read(self.path, BLOB_KIND)
        self.data: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        self.dirty = False

    def get(self, oid: str) -> tuple[bool, Extract]:
        if oid not in self.data:
            return False, None
        item = self.data[oid]
        if item is None:
            return True, None
        checked = checked_extract(item)
        if checked is None:  # not what okr writes: read the blob again
            return False, None
        return True, checked

    def put(self, oid: str, value: Extract) -> None:
        self.data[oid] = value
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is simply not kept."""
        if self.dirty:
            cachefile.write(self.path, BLOB_KIND, self.data)


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

    def _key(self, shallow: bool) -> tuple[Any, ...]:
        return (shallow, self.folder, self.quarter)

    def load(self, shallow: bool) -> tuple[str, Walk] | None:
        """The commit the kept walk was read at, and the walk; None unless every part of
        the file has the shape okr writes (object ids are ids, values are numbers)."""
        data = cachefile.read(self.path, WALK_KIND)
        try:
            key, commit, commit_rows, table, last, blobs, extracts = data  # type: ignore[misc]
            if list(key) != list(self._key(shallow)) or not _OBJECT_ID.fullmatch(commit):
                return None
            commits = _read_commits(commit_rows)
            if commits is None:
                return None
            timelines = _read_timelines(table, commits)
            head_extracts = _checked_extracts(extracts)
            if timelines is None or head_extracts is None or type(last) is not int:
                return None
            if not all(isinstance(o, str) and _OBJECT_ID.fullmatch(o) for o in blobs.values()):
                return None
            if not all(isinstance(p, str) for p in blobs):
                return None
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # another format or a damaged file: walk again
        head_state = _state(
            (_own(path, head_extracts.get(oid)) for path, oid in blobs.items()), self.quarter
        )
        walk = Walk(commits, timelines, head_state, last, blobs, head_extracts)
        return commit, walk

    def save(self, commit: str, shallow: bool, walk: Walk) -> None:
        index = {c.id: i for i, c in enumerate(walk.commits)}
        cachefile.write(
            self.path,
            WALK_KIND,
            (
                self._key(shallow),
                commit,
                [
                    (c.id, c.author, c.email, c.when.isoformat(), c.subject, c.committed)
                    for c in walk.commits
                ],
                _stored_timelines(walk.timelines, index),
                walk.last_time,
                walk.head_blobs,
                walk.head_extracts,
            ),
        )


def _read_commits(rows: Any) -> list[Commit] | None:
    commits = []
    for cid, author, email, when, subject, committed in rows:
        if not _OBJECT_ID.fullmatch(cid) or not isinstance(committed, int):
            return None
        if not all(isinstance(x, str) for x in (author, email, subject)):
            return None
        commits.append(Commit(cid, author, email, datetime.fromisoformat(when), subject, committed))
    return commits


# The walk's timelines are kept as a table: the key results' refs, the distinct lists of
# commit positions (most key results change in the same commits) and which one each key
# result has, and one list per field of each key result's column: its values, or its one
# value when it never changed. A number column of floats only is kept as its bytes instead:
# the column's entry is how many values it has, and its values are the next ones of its
# field's packed doubles (little-endian, base64 in the JSON), read back at C speed without a
# Python object per value. Every value of the table is checked a column of the table at a
# time, not key result by key result.
_NUMBERS = frozenset({type(None), int, float})
_TEXTS = frozenset({type(None), str})
_NUMBER_FIELDS = 4  # baseline, target, current, confidence; then the two texts
_LIST_OR_COUNT = frozenset({list, int})
_LIST = frozenset({list})


def _stored_timelines(timelines: dict[str, Timeline], index: dict[str, int]) -> dict[str, Any]:
    sets: dict[tuple[int, ...], int] = {}
    spans = []
    columns: list[list[list[Any] | int]] = [[] for _ in FIELDS]
    packed = [array("d") for _ in range(_NUMBER_FIELDS)]
    for tl in timelines.values():
        positions = tuple(index[c.id] for c in tl.commits if c is not None)
        spans.append(sets.setdefault(positions, len(sets)))
        for n, col in enumerate(tl.columns):
            values = list(col)
            if len(values) > 1 and values.count(values[0]) == len(values):
                values = values[:1]
            if n < _NUMBER_FIELDS and len(values) > 1 and all(type(v) is float for v in values):
                packed[n].extend(values)
                columns[n].append(len(values))
            else:
                columns[n].append(values)
    return {
        "refs": list(timelines),
        "positions": [list(p) for p in sets],
        "spans": spans,
        "columns": columns,
        "packed": [_pack(a) for a in packed],
    }


def _pack(values: array[float]) -> str:
    if sys.byteorder == "big":
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(text: Any) -> array[float] | None:
    """The doubles :func:`_pack` wrote, or None unless ``text`` is that (every one finite)."""
    if type(text) is not str:
        return None
    raw = base64.b64decode(text, validate=True)  # a ValueError unless base64
    if len(raw) % 8:
        return None
    values = array("d")
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    return values if all(map(math.isfinite, values)) else None


def _read_timelines(table: Any, commits: list[Commit]) -> dict[str, Timeline] | None:
    """The timelines of a table :func:`_stored_timelines` wrote, or None if it is not one."""
    refs, positions, spans, columns, packed = (
        table["refs"], table["positions"], table["spans"], table["columns"], table["packed"]
    )  # fmt: skip
    count = len(refs)
    if not (_all_of(refs, str) and _all_of(positions, list) and _all_of(spans, int)):
        return None
    if len(spans) != count or len(columns) != len(FIELDS) or len(packed) != _NUMBER_FIELDS:
        return None
    if spans and not 0 <= min(spans) <= max(spans) < len(positions):
        return None
    for p in positions:
        if not _all_of(p, int) or (p and not 0 <= min(p) <= max(p) < len(commits)):
            return None
    picked = [tuple(commits[i] for i in p) for p in positions]
    shared = [(c, tuple(x.when for x in c)) for c in picked]
    sizes = [len(picked[s]) for s in spans]
    doubles = []
    for n, cols in enumerate(columns):
        numbers = n < _NUMBER_FIELDS
        if type(cols) is not list or len(cols) != count:
            return None
        if not set(map(type, cols)) <= (_LIST_OR_COUNT if numbers else _LIST):
            return None
        lists = [c for c in cols if type(c) is list]
        kinds = set(map(type, chain.from_iterable(lists)))
        if not kinds <= (_NUMBERS if numbers else _TEXTS):
            return None
        if not all(
            (len(c) == s or (len(c) == 1 and s > 1)) if type(c) is list else c == s
            for c, s in zip(cols, sizes, strict=True)
        ):
            return None
        if numbers:
            values = _unpack(packed[n])
            if values is None or len(values) != sum(c for c in cols if type(c) is int):
                return None
            doubles.append(values)
    # the walk adds no entry equal to the one before, so a timeline of more than one entry
    # has a column of its own length: one value repeated over every commit of a crafted
    # table would make key results x commits values out of a few bytes
    changing = [s < 2 for s in sizes]
    for cols in columns:
        changing = [k or type(c) is int or len(c) > 1 for k, c in zip(changing, cols, strict=True)]
    if not all(changing):
        return None
    rows = zip(refs, spans, sizes, *columns, strict=True)
    make = Timeline.from_columns
    taken = [0] * _NUMBER_FIELDS  # how many of each field's doubles are handed out
    timelines = {}
    for ref, span, size, *cols in rows:
        whole: list[Sequence[Any]] = []
        for n, col in enumerate(cols):
            if type(col) is int:
                start = taken[n]
                taken[n] = start + col
                whole.append(doubles[n][start : start + col])
            else:
                whole.append(col if len(col) == size else col * size)
        commits_, whens = shared[span]
        timelines[intern(ref)] = make(ref, commits_, whens, tuple(whole))
    return timelines


def _all_of(values: Any, kind: type) -> bool:
    """Whether ``values`` is a list of ``kind`` only (``bool`` is no ``int`` here)."""
    return type(values) is list and set(map(type, values)) <= {kind}


def quarter_history(
    root: Path,
    okrs_dir: str,
    quarter: str,
    *,
    rev: str = "HEAD",
    worktree: Iterable[WorktreeFile] | None = None,
    now: datetime | None = None,
    git: Git | None = None,
) -> QuarterHistory:
    """Read the quarter's history up to ``rev``. ``worktree`` is the quarter's files in the
    working tree, when uncommitted edits should count (as the latest point, marked as such).
    ``git`` is the repository's, when the caller has it open."""
    git = git or Git(root)
    folder = git.relpath(root / okrs_dir) + f"/{quarter}"
    shallow = git.is_shallow()
    commit = git.commit_id(rev) if git.has_commits() else None
    if commit is None:
        walk = Walk([], {}, {})
    else:
        store = WalkCache(git.git_dir, folder, quarter)
        kept = store.load(shallow)
        if kept is not None and kept[0] == commit:
            walk = kept[1]
        else:
            carried = _carry_on(git, kept, commit, folder, quarter) if kept else None
            walk = carried or _walk(git, commit, folder, quarter)
            store.save(commit, shallow, walk)
    history = QuarterHistory(quarter, walk.commits, walk.timelines, shallow=shallow)
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
            tl.add(None, moment, vals)
            history.uncommitted = True
