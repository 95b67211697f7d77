"""The history's two caches as declared data: what a file holds, checked on the way in.

CI may restore ``<git dir>/okrcli`` from a run that a pull request controlled, so a cache
file is hostile input. Each cache's content is declared here once, as pydantic types, and
read by parsing the JSON and checking it against the declaration: anything that is not
exactly what okr writes (a bool for a number, NaN, an object id that is no id, a column of
the wrong length, a position past the end) is a miss. A field that kept one value is
written once, as that value rather than a list, and repeated on reading, but only beside a
column written in full (see ``Row``): nothing here turns a few bytes into many objects.

A cache's kind (its name and header) carries a version derived from its declaration's JSON
Schema, so changing a declaration changes the version and old files are misses; nobody bumps
a number by hand. When what a cache *means* changes while its shape stays (``extract`` reads
another field into the same slot, say), say so in that cache's docstring below, which is
part of the schema too (``tests/test_cache_golden.py`` fails until you do).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

# a value of a key result: an integer or a finite decimal number (never a bool), or none
Number = (
    Annotated[int, Field(strict=True)] | Annotated[float, Field(strict=True, allow_inf_nan=False)]
)
# a column: an entry per change, or the one value a field kept over every change
Column = list[Number | None] | Number | None
Text = Annotated[str, Field(strict=True)]
ObjectId = Annotated[str, StringConstraints(pattern=r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")]
Count = Annotated[int, Field(strict=True, ge=0)]
Flag = Annotated[bool, Field(strict=True)]

# baseline, target, current, confidence, then the day of the latest check-in and its note
Values = tuple[Number | None, Number | None, Number | None, Number | None, Text | None, Text | None]
# what a blob holds for the history: its quarter and each key result's values, or None
Extract = tuple[Text, dict[Text, Values]] | None


class _Strict(BaseModel):
    # the scalars are strict (Number, Text, Count, Flag); containers are read from JSON
    # arrays, so a list stands for a tuple
    model_config = ConfigDict(extra="forbid", frozen=True)


class BlobFile(_Strict):
    """The values of every OKR file version read so far, by its blob id: what extract()
    gives (the quarter, and each key result's values by unit/objective/kr); null for a blob
    that is no readable OKR file."""

    blobs: dict[ObjectId, Extract]


class CommitRow(_Strict):
    id: ObjectId
    author: Text
    email: Text
    when: Annotated[datetime, Field(strict=False)]
    subject: Text
    committed: Count


TextColumn = list[Text | None] | Text | None
# One key result's timeline: its ref, which commit list it changed in (an index into
# ``positions``), then one column per field (baseline, target, current, confidence; the
# check-in day and note): a list of an entry per change, or the value itself when the field
# kept one value over every change (no list: the reader makes no object for it). The walk
# adds no entry equal to the one before, so a timeline of more than one entry has at least
# one column written in full: the values written once and repeated never make more than six
# values for each value written.
Row = tuple[Text, Count, tuple[Column, Column, Column, Column], tuple[TextColumn, TextColumn]]


class WalkFile(_Strict):
    """The walk of one folder and quarter up to ``commit``: the commits that changed a key
    result, each key result's changes in them (one value, not a list, when the field never
    changed), and the head commit's files and values."""

    key: tuple[Flag, Text, Text]  # shallow, folder, quarter
    commit: ObjectId
    commits: list[CommitRow]
    # the distinct lists of commit positions key results changed in (most share one)
    positions: list[list[Count]]
    rows: list[Row]
    last_time: Count
    head_blobs: dict[Text, ObjectId]
    head_extracts: dict[ObjectId, Extract]


def _kind(name: str, model: type[BaseModel]) -> str:
    schema = json.dumps(model.model_json_schema(), sort_keys=True)
    return f"{name}-s{hashlib.sha256(schema.encode()).hexdigest()[:12]}"


BLOB_KIND = _kind("blobs", BlobFile)
WALK_KIND = _kind("walk", WalkFile)
_BLOBS = TypeAdapter(BlobFile)
_WALK = TypeAdapter(WalkFile)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} in a cache")  # NaN and infinities are no numbers a file holds


class _Numbers(dict[str, float]):
    """The decimal numbers of one file, one object per spelling: a walk repeats few
    distinct values (a confidence of 0.7 in thousands of changes), and each would otherwise
    be an object of its own. Keyed by the spelling, so 30.0 and -0.0 stay what they are."""

    def __missing__(self, text: str) -> float:
        value = self[text] = float(text)
        return value


def _decode(adapter: TypeAdapter[Any], body: bytes | None) -> Any:
    """``body`` parsed by Python's JSON reader (whose small objects Python's allocator
    reuses: pydantic's own reader kept about 50 MB more of a 5,000-unit walk's memory),
    then checked against the declaration (which keeps the objects it was given)."""
    if body is None:
        return None
    try:
        numbers = _Numbers()
        return adapter.validate_python(
            json.loads(body, parse_constant=_no_constant, parse_float=numbers.__getitem__)
        )
    except (ValidationError, ValueError, RecursionError):
        return None


def read_blobs(body: bytes | None) -> BlobFile | None:
    """The blob cache in ``body`` (the file after its header), or None unless it is exactly
    what okr writes."""
    return _decode(_BLOBS, body)  # type: ignore[no-any-return]


def read_walk(body: bytes | None) -> WalkFile | None:
    """The walk cache in ``body``, or None unless it is exactly what okr writes and every
    position, span and column fits the rest of the file."""
    walk: WalkFile | None = _decode(_WALK, body)
    if walk is None:
        return None
    commits, positions = len(walk.commits), walk.positions
    if any(p and max(p) >= commits for p in positions):
        return None
    for _ref, span, numbers, texts in walk.rows:
        if span >= len(positions):
            return None
        size = len(positions[span])
        lengths = [len(col) for col in (*numbers, *texts) if isinstance(col, list)]
        if size == 0 or any(n != size for n in lengths) or (size > 1 and not lengths):
            return None
    return walk


def compact(column: list[Any]) -> Any:
    """A column as written: the value itself when every entry is that same value (same type
    and spelling: 30 and 30.0 stay apart), else the column."""
    first = column[0]
    same = (type(first), repr(first))
    if all((type(v), repr(v)) == same for v in column):
        return first
    return column


def expand(column: Any, size: int, repeats: dict[tuple[Any, ...], tuple[Any, ...]]) -> Any:
    """A column as read: ``size`` entries. A value written alone stands for that value
    repeated: a tuple shared by every column of one file that repeats the same value as
    often (``repeats`` keeps them; the same type and spelling, as in :func:`compact`), as
    most key results keep their baseline and target all quarter."""
    if isinstance(column, list):
        return column
    value = column
    key = (type(value), repr(value) if type(value) is float else value, size)
    shared = repeats.get(key)
    if shared is None:
        shared = repeats[key] = (value,) * size
    return shared


def write_blobs(blobs: dict[str, Any]) -> bytes:
    return json.dumps({"blobs": blobs}, ensure_ascii=False, separators=(",", ":")).encode()


def write_walk(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
