"""Safe, fast YAML reading that keeps the source position of every key and value.

The reader walks libyaml's event stream (PyYAML's C parser when present, its pure-Python
parser otherwise) and builds plain dicts, lists and scalars itself, so it decides every rule
that matters for untrusted OKR files:

* strict UTF-8 (a UTF-8 byte-order mark is allowed), no NUL bytes, a size cap and a depth cap;
* one document per file, and only YAML 1.2;
* no anchors, aliases or explicit tags: alias bombs and ``!!python/...`` never get built;
* duplicate keys and non-scalar keys are errors;
* plain scalars are resolved with the YAML 1.2 core schema, so ``no`` and ``off`` stay strings
  and ``2026-10-01`` is not turned into a date.

Positions are 1-based ``(line, column)`` pairs, stored per path of keys and indexes.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from sys import intern
from types import ModuleType
from typing import Any, NamedTuple

import yaml
from yaml import SafeLoader, events

try:  # the C parser is ~10x faster; the pure-Python one gives the same events
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    CParser = SafeLoader  # type: ignore[assignment,misc]

# PyYAML's pure-Python parser (SafeLoader) gives the same events as libyaml and has no
# nesting limit of its own, so okr's limits always fire first when it reads a file again


Path = tuple[str | int, ...]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32


class Span(NamedTuple):
    """Where something stands in a file (1-based lines and columns, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


Spans = dict[Path, tuple[int, int, int, int]]


class Parsed:
    """A YAML document as plain data, with the span of every value and every mapping key.

    Positions are only needed for files with findings, so a document parsed without them
    (the fast path) walks its text again the first time a position is asked for: for the
    values alone when only a value's span is asked (most findings), for the keys too when a
    key's span is. Spans are stored as raw (line, column, end_line, end_column) tuples and
    wrapped on access.
    """

    __slots__ = ("_keys", "_values", "data", "text")

    def __init__(
        self, data: Any, values: Spans | None = None, keys: Spans | None = None, text: str = ""
    ) -> None:
        self.data = data
        self.text = text
        self._values = values
        self._keys = keys

    @property
    def values(self) -> Spans:
        if self._values is None:
            self._values = positions_of(self.text, keys=False)[0]
        return self._values

    @property
    def keys(self) -> Spans:
        if self._keys is None:
            self._values, self._keys = positions_of(self.text)
        return self._keys

    def __getstate__(self) -> tuple[Any, str]:
        return (self.data, self.text)  # positions are recomputed on demand, never shipped

    def __setstate__(self, state: tuple[Any, str]) -> None:
        self.data, self.text = state
        self._values = self._keys = None

    def span(self, path: Path) -> Span:
        """The span of the value at ``path``, or of its nearest parent that has one."""
        values = self.values
        p = path
        while True:
            found = values.get(p)
            if found is not None:
                return Span(*found)
            if not p:
                return Span(1, 1, 1, 1)
            p = p[:-1]

    def key_span(self, path: Path) -> Span:
        """The span of the key that introduces ``path`` (the value's span if it has no key)."""
        found = self.keys.get(path)
        return Span(*found) if found is not None else self.span(path)


class YamlError(Exception):
    """The file cannot be read as OKR YAML; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class LimitError(YamlError):
    """The file passes a limit okr documents (depth); always okr's own wording."""


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
MAX_DIGITS = 40  # the longest number an OKR file may hold
_MAX_DIGITS = MAX_DIGITS
# a number with a fraction or exponent is read as a float: exact up to 15 significant
# digits; a longer one is refused where the float would not be the number written (a whole
# number is exact up to MAX_DIGITS digits)
EXACT_DIGITS = 15
_NON_TEXT_START = frozenset("0123456789+-.~nNtTfF")


def resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar the way YAML 1.2's core schema does."""
    if not value:
        return None
    first = value[0]
    if first in "0123456789+-.":
        if _INT.match(value):
            if len(value) > _MAX_DIGITS:
                raise ValueError(f"the number {value[:20]}... has more than {_MAX_DIGITS} digits")
            return int(value)
        if _FLOAT.match(value):
            if len(value) > _MAX_DIGITS + 10:
                raise ValueError(f"the number {value[:20]}... is too long")
            number = float(value)
            if len(value) > EXACT_DIGITS and Decimal(repr(number)) != Decimal(value):
                raise ValueError(
                    f"the number {value} has more significant digits than okr keeps in a "
                    f"number with a fraction or exponent ({EXACT_DIGITS}): it would be read "
                    f"as {number!r}; round it, or use a smaller unit to write it whole"
                )
            return number
        if _INF.match(value):
            return -math.inf if first == "-" else math.inf
        if _NAN.match(value):
            return math.nan
        if first == "0" and _OCT.match(value):
            return int(value[2:], 8)
        if first == "0" and _HEX.match(value):
            return int(value[2:], 16)
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return value


def decode(raw: bytes) -> str:
    """Decode file bytes as strict UTF-8, with a message that says how to fix anything else."""
    if len(raw) > MAX_BYTES:
        raise YamlError(
            f"the file is {len(raw):,} bytes; OKR files may be at most {MAX_BYTES:,} bytes. "
            "Split it or remove what does not belong in an OKR file."
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError("the file is UTF-16 encoded; save it as UTF-8.")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _offset_position(raw, nul)
        raise YamlError(
            "the file contains a NUL byte, so it is binary or mis-encoded; save it as UTF-8 text.",
            line,
            col,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _offset_position(raw, exc.start)
        raise YamlError(
            f"the byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8 "
            "(it looks like another encoding such as Latin-1).",
            line,
            col,
        ) from None


def _offset_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def parse(text: str, *, max_depth: int = MAX_DEPTH, positions: bool = False) -> Parsed:
    """Parse one YAML document from ``text`` into plain data.

    With ``positions`` the span of every key and value is recorded now; without, it is
    recorded on first use (most files never need one). Raises :class:`YamlError` with a
    position for anything that is not plain, safe YAML 1.2.
    """
    if not positions:
        try:
            return _parse(text, max_depth, track=False)
        except YamlError:
            pass  # parse again with positions, for the full message
    return _parse(text, max_depth, track=True)


def _parse(text: str, max_depth: int, *, track: bool, parser_class: Any = None) -> Parsed:
    parser = (parser_class or CParser)(text)
    try:
        parsed = _build(parser, events, max_depth, track=track)
        parsed.text = text
        return parsed
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if parser_class is None:
            _raise_limit_before(text, mark, max_depth)
        line, col = _pos(mark) if mark is not None else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        lines = text.splitlines()
        advice = (
            " Check the indentation, quotes and colons on this line and the one above it "
            "(each key: value on its own line, items of a list start with '- ')."
        )
        if 0 < line <= len(lines) and "\t" in lines[line - 1][: col + 1]:
            what, advice = "a tab is used for indentation; YAML indents with spaces only", ""
        raise YamlError(f"invalid YAML: {what}.{advice}", line, col) from None
    except yaml.YAMLError as exc:
        if parser_class is None:
            _raise_limit_before(text, None, max_depth)
        raise YamlError(f"invalid YAML: {exc}.") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


_OPENERS = re.compile(r"[\[{]")


def _raise_limit_before(text: str, mark: Any, max_depth: int) -> None:
    """Raise okr's own :class:`LimitError` when the text nests deeper than ``max_depth``
    before the place where the parser gave up.

    libyaml has resource limits of its own (a nesting depth, since PyYAML 6.0.4) and looks
    ahead up to 1,024 characters in flow collections, so it can stop on deep brackets before
    okr sees the events that pass okr's much lower depth limit. Whatever the library says, the
    text before its error is read again by the pure-Python parser, which has no such limit,
    and okr's limit decides. Only where the line the parser stopped on has enough brackets
    to nest that deep is the text read again, so an ordinary syntax error costs nothing more.
    """
    index = getattr(mark, "index", None)
    prefix = text if not isinstance(index, int) else text[: max(index, 0)]
    # block nesting reaches okr's check before libyaml's (no lookahead there), and libyaml's
    # lookahead stays on one line: only many opening brackets on the line where the parser
    # stopped can hide the depth
    line = prefix[prefix.rfind("\n") + 1 :]
    if len(_OPENERS.findall(line)) < max_depth // 2:
        return
    try:
        _parse(prefix, max_depth, track=True, parser_class=SafeLoader)
    except LimitError:
        raise
    except YamlError:
        return


def _reject_node_extras(event: Any, ev: ModuleType) -> None:
    if event.anchor is not None:
        line, col = _pos(event.start_mark)
        raise YamlError(
            f"anchors (&{event.anchor}) are not allowed in OKR files; write the value out.",
            line,
            col,
        )
    tag = event.tag
    if tag is not None and not (isinstance(event, ev.ScalarEvent) and tag == "!"):
        line, col = _pos(event.start_mark)
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlError(
            f"explicit tags ({shown}) are not allowed in OKR files; remove the tag.", line, col
        )


def _open_document(get: Any, ev: ModuleType) -> bool:
    """Read the stream's opening events: False for an empty stream, True when a document
    starts (one that declares a YAML version other than 1.2 is refused)."""
    first = get()  # StreamStart
    if not isinstance(first, ev.StreamStartEvent):  # pragma: no cover - parser contract
        raise YamlError("invalid YAML stream.")
    start = get()
    if isinstance(start, ev.StreamEndEvent):
        return False
    assert isinstance(start, ev.DocumentStartEvent)
    version = getattr(start, "version", None)
    if version is not None and tuple(version) != (1, 2):
        line, col = _pos(start.start_mark)
        raise YamlError(
            f"the file declares %YAML {version[0]}.{version[1]}; okr reads YAML 1.2 only. "
            "Remove the %YAML line.",
            line,
            col,
        )
    return True


def _close_document(get: Any, ev: ModuleType) -> None:
    """After a document's end, the stream must end too: one document per file."""
    nxt = get()
    if isinstance(nxt, ev.StreamEndEvent):
        return
    line, col = _pos(nxt.start_mark)
    raise YamlError(
        "the file holds more than one YAML document; keep one document per file.", line, col
    )


def _check_key(event: Any, key: str, container: dict[str, Any], keys: Spans, path: Path) -> None:
    """Refuse a plain key that YAML reads as no text (a number, a boolean, null) and a key
    that appears twice in its mapping."""
    if (
        event.implicit[0]
        and (not key or key[0] in _NON_TEXT_START)
        and not isinstance(resolve_plain(key), str)
    ):
        raise YamlError(
            f"the key {key!r} is not a name; keys must be text.", *_pos(event.start_mark)
        )
    if key in container:
        first = keys.get((*path, key))
        raise YamlError(
            f"the key '{key}' appears twice in this mapping (first on line "
            f"{first[0] if first else '?'}); keep one.",
            *_pos(event.start_mark),
        )


def _resolved(event: Any) -> Any:
    """A plain scalar that may be no text (a number, a boolean, null), resolved by the core
    schema; a number too long for an OKR file is refused."""
    try:
        return resolve_plain(event.value)
    except ValueError as exc:
        raise YamlError(f"{exc}.", *_pos(event.start_mark)) from None


def _check_collection_start(
    event: Any, ev: ModuleType, depth: int, max_depth: int, keyless: bool
) -> None:
    """Refuse a mapping or list that carries an anchor or tag, nests too deep, or is a key."""
    sm = event.start_mark
    if event.anchor is not None or event.tag is not None:
        _reject_node_extras(event, ev)
    if depth >= max_depth:
        raise LimitError(
            f"the document nests deeper than {max_depth} levels; OKR files are shallow.",
            sm.line + 1,
            sm.column + 1,
        )
    if keyless:
        raise YamlError(
            "a mapping or list is used as a key; keys must be text.", sm.line + 1, sm.column + 1
        )


def _alias(event: Any) -> YamlError:
    line, col = _pos(event.start_mark)
    return YamlError(
        f"aliases (*{event.anchor}) are not allowed in OKR files; write the value out.", line, col
    )


def _build(parser: Any, ev: ModuleType, max_depth: int, track: bool) -> Parsed:
    """Consume the event stream into plain data. A tight loop: this is lint's hot path, so
    only the checks that pass for every well-formed file stay inline; refusing is done by
    the helpers above."""
    get = parser.get_event
    if not _open_document(get, ev):
        return Parsed(None, {}, {})
    values: Spans = {}
    keys: Spans = {}
    scalar_cls, map_start, seq_start = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end, doc_end = ev.MappingEndEvent, ev.SequenceEndEvent, ev.DocumentEndEvent

    # the container being filled: its value, its path, whether it is a mapping, the pending
    # key (None while a key is expected), and where it started; parents wait on the stack.
    container: Any = None
    path: Path = ()
    is_map = False
    pending: str | None = None
    started: tuple[int, int] = (1, 1)
    stack: list[tuple[Any, Path, bool, str | None, tuple[int, int]]] = []
    root: Any = None

    while True:
        event = get()
        cls = event.__class__
        if cls is scalar_cls:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                _reject_node_extras(event, ev)
            if track:
                sm, em = event.start_mark, event.end_mark
                span = (sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
            if is_map and pending is None:
                # keys repeat in every file (id, title, target, ...): one shared string each
                key = intern(event.value)
                if (event.implicit[0] and (not key or key[0] in _NON_TEXT_START)) or (
                    key in container
                ):
                    _check_key(event, key, container, keys, path)
                pending = key
                if track:
                    keys[(*path, key)] = span
                continue
            value = event.value
            if event.implicit[0] and (not value or value[0] in _NON_TEXT_START):
                value = _resolved(event)
            if is_map:
                container[pending] = value
                if track:
                    values[(*path, pending)] = span  # type: ignore[arg-type]
                pending = None
            elif container is not None:
                if track:
                    values[(*path, len(container))] = span
                container.append(value)
            else:
                root = value
                if track:
                    values[()] = span
        elif cls is map_start or cls is seq_start:
            if (
                len(stack) >= max_depth
                or (is_map and pending is None)
                or (event.anchor is not None or event.tag is not None)
            ):
                _check_collection_start(
                    event, ev, len(stack), max_depth, is_map and pending is None
                )
            if not track or container is None:
                child_path: Path = ()
            elif is_map:
                child_path = (*path, pending)  # type: ignore[arg-type]
            else:
                child_path = (*path, len(container))
            stack.append((container, path, is_map, pending, started))
            container = {} if cls is map_start else []
            path, is_map, pending = child_path, cls is map_start, None
            if track:
                sm = event.start_mark
                started = (sm.line + 1, sm.column + 1)
        elif cls is map_end or cls is seq_end:
            done, done_path = container, path
            if track:
                em = event.end_mark
                values[done_path] = (*started, em.line + 1, em.column + 1)
            container, path, is_map, pending, started = stack.pop()
            if container is None:
                root = done
            elif is_map:
                container[pending] = done
                pending = None
            else:
                container.append(done)
        elif cls is ev.AliasEvent:
            raise _alias(event)
        elif cls is doc_end:
            _close_document(get, ev)
            break
        else:  # pragma: no cover - the parser emits nothing else inside a document
            raise YamlError(f"unexpected YAML event {cls.__name__}.")
    return Parsed(root, values, keys) if track else Parsed(root)


def positions_of(text: str, *, keys: bool = True) -> tuple[Spans, Spans]:
    """The spans of every value and every key (none without ``keys``) of a text that has
    parsed cleanly, found again by a walk that records positions and builds no data (the data
    is at hand already). A text that does not parse cleanly after all is parsed in full,
    which says what is wrong."""
    parser = CParser(text)
    try:
        return _walk_spans(parser.get_event, events, keys)
    except yaml.YAMLError:
        pass
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    full = parse(text, positions=True)
    return full.values, full.keys


def _walk_spans(get: Any, ev: ModuleType, with_keys: bool) -> tuple[Spans, Spans]:
    """The spans :func:`_build` records with ``track``, by paths of keys and indexes, for an
    event stream it has accepted before (the keys' only ``with_keys``)."""
    values: Spans = {}
    keys: Spans = {}
    if not _open_document(get, ev):
        return values, keys
    scalar_cls, map_start, seq_start = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    # the collection being walked: its path, whether it is a mapping, the pending key (None
    # while a key is expected), how many items a list has so far, and where it started
    path: Path = ()
    is_map = False
    pending: str | None = None
    count = 0
    started: tuple[int, int] = (1, 1)
    stack: list[tuple[Path, bool, str | None, int, tuple[int, int]]] = []
    outside = True  # no collection is open: the next node is the document's root
    while True:
        event = get()
        cls = event.__class__
        if cls is scalar_cls:
            if is_map and pending is None:
                pending = event.value
                if with_keys:
                    sm, em = event.start_mark, event.end_mark
                    keys[(*path, pending)] = (
                        sm.line + 1,
                        sm.column + 1,
                        em.line + 1,
                        em.column + 1,
                    )
                continue
            sm, em = event.start_mark, event.end_mark
            span = (sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
            if is_map:
                values[(*path, pending)] = span  # type: ignore[arg-type]
                pending = None
            elif outside:
                values[()] = span
            else:
                values[(*path, count)] = span
                count += 1
        elif cls is map_start or cls is seq_start:
            if outside:
                child: Path = ()
            elif is_map:
                child = (*path, pending)  # type: ignore[arg-type]
            else:
                child = (*path, count)
            stack.append((path, is_map, pending, count, started))
            sm = event.start_mark
            path, is_map, pending, count = child, cls is map_start, None, 0
            started, outside = (sm.line + 1, sm.column + 1), False
        elif cls is map_end or cls is seq_end:
            em = event.end_mark
            values[path] = (*started, em.line + 1, em.column + 1)
            path, is_map, pending, count, started = stack.pop()
            outside = not stack
            if is_map:
                pending = None
            else:
                count += 1
        else:  # the document's end: nothing else comes from a text that parsed cleanly
            return values, keys
