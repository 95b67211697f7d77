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
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C parser is ~10x faster; the pure-Python one gives the same events
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

from yaml import events as ev

Path = tuple[str | int, ...]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Span:
    """Where something stands in a file (1-based lines and columns, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(slots=True)
class Parsed:
    """A YAML document as plain data, with the span of every value and every mapping key."""

    data: Any
    values: dict[Path, Span] = field(default_factory=dict)
    keys: dict[Path, Span] = field(default_factory=dict)

    def span(self, path: Path) -> Span:
        """The span of the value at ``path``, or of its nearest parent that has one."""
        p = path
        while True:
            found = self.values.get(p)
            if found is not None:
                return found
            if not p:
                return Span(1, 1, 1, 1)
            p = p[:-1]

    def key_span(self, path: Path) -> Span:
        """The span of the key that introduces ``path`` (the value's span if it has no key)."""
        found = self.keys.get(path)
        return found if found is not None else self.span(path)


class YamlError(Exception):
    """The file cannot be read as OKR YAML; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


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
_MAX_DIGITS = 40


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
            return float(value)
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


def _span(event: Any) -> Span:
    s, e = event.start_mark, event.end_mark
    return Span(s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def parse(text: str, *, max_depth: int = MAX_DEPTH) -> Parsed:
    """Parse one YAML document from ``text`` into plain data with positions.

    Raises :class:`YamlError` with a position for anything that is not plain, safe YAML 1.2.
    """
    parser = _Parser(text)
    try:
        return _build(parser, max_depth)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark is not None else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1][: col + 1]:
            what = "a tab is used for indentation; YAML indents with spaces only"
        raise YamlError(f"invalid YAML: {what}.", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}.") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _reject_node_extras(event: Any) -> None:
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


def _build(parser: Any, max_depth: int) -> Parsed:
    get = parser.get_event
    first = get()  # StreamStart
    if not isinstance(first, ev.StreamStartEvent):  # pragma: no cover - parser contract
        raise YamlError("invalid YAML stream.")
    start = get()
    if isinstance(start, ev.StreamEndEvent):
        return Parsed(None)
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
    out = Parsed(None)
    values = out.values
    keys = out.keys

    # An explicit stack instead of recursion: depth is bounded by max_depth, not the C stack.
    # Each frame: [container, path, pending_key or None, index, start_event]
    root: Any = None
    stack: list[list[Any]] = []

    def attach(value: Any, span: Span, key_event: Any | None = None) -> None:
        nonlocal root
        if not stack:
            root = value
            values[()] = span
            return
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            idx = len(container)
            container.append(value)
            values[(*path, idx)] = span
        else:
            key = frame[2]
            container[key] = value
            values[(*path, key)] = span
            frame[2] = None

    while True:
        event = get()
        cls = type(event)
        if cls is ev.ScalarEvent:
            _reject_node_extras(event)
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                # a mapping key
                frame = stack[-1]
                key = event.value
                if event.implicit[0]:
                    resolved = resolve_plain(key)
                    if not isinstance(resolved, str):
                        line, col = _pos(event.start_mark)
                        raise YamlError(
                            f"the key {key!r} is not a name; keys must be text.", line, col
                        )
                if key in frame[0]:
                    line, col = _pos(event.start_mark)
                    first_line = keys[(*frame[1], key)].line
                    raise YamlError(
                        f"the key '{key}' appears twice in this mapping (first on line "
                        f"{first_line}); keep one.",
                        line,
                        col,
                    )
                frame[2] = key
                keys[(*frame[1], key)] = _span(event)
                continue
            if event.implicit[0]:
                try:
                    value: Any = resolve_plain(event.value)
                except ValueError as exc:
                    line, col = _pos(event.start_mark)
                    raise YamlError(f"{exc}.", line, col) from None
            else:
                value = event.value
            attach(value, _span(event))
        elif cls is ev.MappingStartEvent or cls is ev.SequenceStartEvent:
            _reject_node_extras(event)
            if len(stack) >= max_depth:
                line, col = _pos(event.start_mark)
                raise YamlError(
                    f"the document nests deeper than {max_depth} levels; OKR files are shallow.",
                    line,
                    col,
                )
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                line, col = _pos(event.start_mark)
                raise YamlError("a mapping or list is used as a key; keys must be text.", line, col)
            container: Any = {} if cls is ev.MappingStartEvent else []
            if stack:
                parent = stack[-1]
                if isinstance(parent[0], list):
                    path: Path = (*parent[1], len(parent[0]))
                else:
                    path = (*parent[1], parent[2])
            else:
                path = ()
            stack.append([container, path, None, event])
        elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
            container, path, _pending, start_event = stack.pop()
            s = start_event.start_mark
            span = Span(
                s.line + 1, s.column + 1, event.end_mark.line + 1, event.end_mark.column + 1
            )
            attach(container, span)
        elif cls is ev.AliasEvent:
            line, col = _pos(event.start_mark)
            raise YamlError(
                f"aliases (*{event.anchor}) are not allowed in OKR files; write the value out.",
                line,
                col,
            )
        elif cls is ev.DocumentEndEvent:
            nxt = get()
            if isinstance(nxt, ev.StreamEndEvent):
                break
            line, col = _pos(nxt.start_mark)
            raise YamlError(
                "the file holds more than one YAML document; keep one document per file.",
                line,
                col,
            )
        else:  # pragma: no cover - the parser emits nothing else inside a document
            raise YamlError(f"unexpected YAML event {cls.__name__}.")
    out.data = root
    return out
