"""``okr lsp``: the language server (pygls 2), a front-end over the workspace.

Every handler answers from :class:`okrcli.lsp.workspace.Workspace`; linting runs on one worker
thread (never forked), debounced after each change; a handler that fails answers with an
error or nothing, and the server carries on.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from okrcli import __version__
from okrcli.lint.diagnostics import Diagnostic
from okrcli.load.files import find_root
from okrcli.lsp.workspace import (
    Place,
    Workspace,
    at,
    from_units,
    misspelled_keys,
    parse_buffer,
    rule_help,
    spans_of,
    to_units,
)
from okrcli.model.okr import Direction
from okrcli.model.quarter import Years
from okrcli.rules.structure import SHARED

log = logging.getLogger("okrcli.lsp")

SOURCE = "okr"
FIX_ALL = "source.fixAll.okr"
DEFAULT_DOCS = "https://pypi.org/project/okrcli/#{code}"
_SEVERITY = {
    "error": t.DiagnosticSeverity.Error,
    "warning": t.DiagnosticSeverity.Warning,
    "info": t.DiagnosticSeverity.Information,
}
_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")
_ITEM = re.compile(r"^(\s*)-(\s|$)")
REF_FIELDS = ("aligns_to", "depends_on")
_RELATED = ("first", "other", "others", "children")
_ENUMS: dict[str, list[str]] = {
    "commitment": ["aspirational", "committed"],
    "direction": [d.value for d in Direction],
}


@dataclass(slots=True)
class Options:
    """What the editor asked for in ``initializationOptions``."""

    schema_errors: bool = False
    docs_url: str = DEFAULT_DOCS
    debounce: float = 0.15

    @classmethod
    def of(cls, raw: Any) -> Options:
        o = cls()
        if isinstance(raw, dict):
            if isinstance(raw.get("schemaErrors"), bool):
                o.schema_errors = raw["schemaErrors"]
            url = raw.get("ruleDocsUrl")
            if isinstance(url, str) and url.startswith(("https://", "http://", "file://")):
                o.docs_url = url
            delay = raw.get("debounceMs")
            if isinstance(delay, int | float) and not isinstance(delay, bool):
                o.debounce = max(0.0, min(float(delay), 5000.0)) / 1000
        return o


class OkrServer(LanguageServer):
    """The server, its workspace and what it last published."""

    def __init__(self) -> None:
        super().__init__("okr", __version__)
        self.options = Options()
        self.ws: Workspace | None = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="okr-lint")
        self.pending: asyncio.TimerHandle | None = None
        self.running: asyncio.Future[None] | None = None
        self.again = False
        # per open document: the text and version linted, and what was published for it
        self.linted: dict[Path, tuple[str, int | None]] = {}
        self.published: dict[str, list[Diagnostic]] = {}
        self.encoding = "utf-16"


server = OkrServer()


# --- lifecycle and text sync ---------------------------------------------------------------


def _path(uri: str) -> Path | None:
    fs = to_fs_path(uri)
    return Path(fs) if fs else None


def _ensure_workspace(ls: OkrServer, near: Path | None) -> Workspace | None:
    if ls.ws is None and near is not None:
        try:
            root = find_root(near.parent if near.suffix else near)
        except Exception:
            return None
        ls.ws = Workspace(root, ls.options.schema_errors)
    return ls.ws


@server.feature(t.INITIALIZE)
def initialize(ls: OkrServer, params: t.InitializeParams) -> None:
    ls.options = Options.of(params.initialization_options)
    enc = ls.workspace.position_encoding
    ls.encoding = str(enc.value if isinstance(enc, t.PositionEncodingKind) else enc or "utf-16")
    root_uri = params.root_uri
    if params.workspace_folders:
        root_uri = params.workspace_folders[0].uri
    folder = _path(root_uri) if root_uri else None
    if folder is not None:
        _ensure_workspace(ls, folder)


@server.feature(t.INITIALIZED)
def initialized(ls: OkrServer, params: t.InitializedParams) -> None:
    if ls.ws is not None:
        _schedule(ls, now=True)  # the repository indexed on start


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OkrServer, params: t.DidOpenTextDocumentParams) -> None:
    _buffer(ls, params.text_document.uri, params.text_document.text)
    _schedule(ls, now=True)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OkrServer, params: t.DidChangeTextDocumentParams) -> None:
    doc = ls.workspace.get_text_document(params.text_document.uri)
    _buffer(ls, doc.uri, doc.source)
    _schedule(ls)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OkrServer, params: t.DidSaveTextDocumentParams) -> None:
    if ls.ws is not None:
        ls.ws.files_changed()
    _schedule(ls)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OkrServer, params: t.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if ls.ws is not None and path is not None:
        ls.ws.close_buffer(path)
        ls.linted.pop(path, None)
    ls.published.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(
        t.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )
    _schedule(ls)


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched(ls: OkrServer, params: t.DidChangeWatchedFilesParams) -> None:
    if ls.ws is not None:
        ls.ws.files_changed()
    _schedule(ls)


def _buffer(ls: OkrServer, uri: str, text: str) -> None:
    path = _path(uri)
    ws = _ensure_workspace(ls, path)
    if ws is not None and path is not None:
        # a lone surrogate (only a hostile client sends one) cannot be read as UTF-8
        ws.set_buffer(path, text.encode("utf-8", "replace").decode("utf-8"))


# --- linting: debounced, on one worker thread --------------------------------------------


def _schedule(ls: OkrServer, now: bool = False) -> None:
    if ls.ws is None:
        return
    loop = asyncio.get_running_loop()
    if ls.pending is not None:
        ls.pending.cancel()
    delay = 0.0 if now else ls.options.debounce
    ls.pending = loop.call_later(delay, lambda: loop.create_task(_run(ls)))


async def _run(ls: OkrServer) -> None:
    ls.pending = None
    if ls.running is not None and not ls.running.done():
        ls.again = True  # lint once more when this one is done
        return
    ws = ls.ws
    if ws is None:
        return
    snapshot = {p: (d.source, d.version) for p, d in _open_docs(ls).items()}
    loop = asyncio.get_running_loop()
    ls.running = loop.run_in_executor(ls.worker, _lint, ws, ws.buffers())
    try:
        await ls.running
    except Exception:
        log.exception("okr lsp: the lint failed")
    _publish(ls, snapshot)
    if ls.again:
        ls.again = False
        _schedule(ls, now=True)


def _lint(ws: Workspace, buffers: dict[Path, str]) -> None:
    try:
        ws.lint(buffers)
    except Exception:  # a hostile buffer must never stop the server: no findings then
        log.exception("okr lsp: the lint failed")
        ws.checked = None


def _open_docs(ls: OkrServer) -> dict[Path, Any]:
    out = {}
    for uri, doc in ls.workspace.text_documents.items():
        path = _path(uri)
        if path is not None:
            out[path] = doc
    return out


def _publish(ls: OkrServer, snapshot: dict[Path, tuple[str, int | None]]) -> None:
    ws = ls.ws
    if ws is None:
        return
    checked = ws.checked
    for path, (text, version) in snapshot.items():
        uri = from_fs_path(str(path)) or ""
        rel = ws.rel(path)
        found: list[Diagnostic] = []
        if checked is not None and rel is not None:
            found = checked.findings.get(rel, [])
        error = checked.error if checked is not None and rel == "okr.yaml" else None
        if found == ls.published.get(uri) and error is None and path in ls.linted:
            continue
        ls.published[uri] = found
        ls.linted[path] = (text, version)
        lines = text.splitlines() or [""]
        diags = [_to_lsp(ls, d, lines) for d in found]
        if error is not None:
            diags.append(
                t.Diagnostic(
                    range=t.Range(t.Position(0, 0), t.Position(0, 1)),
                    message=error,
                    severity=t.DiagnosticSeverity.Error,
                    source=SOURCE,
                )
            )
        ls.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diags)
        )


def _position(lines: list[str], line: int, column: int, encoding: str) -> t.Position:
    """okr's 1-based (line, code-point column) as an LSP position, clamped to the text."""
    n = max(0, line - 1)
    if n >= len(lines):
        n = len(lines) - 1
        return t.Position(n, to_units(lines[n], len(lines[n]), encoding))
    return t.Position(n, to_units(lines[n], column - 1, encoding))


def _range(lines: list[str], span: tuple[int, int, int, int], encoding: str) -> t.Range:
    sl, sc, el, ec = span
    start = _position(lines, sl, sc, encoding)
    end = _position(lines, el, ec, encoding)
    if (end.line, end.character) <= (start.line, start.character):
        line = lines[start.line] if start.line < len(lines) else ""
        col = from_units(line, start.character, encoding)
        end = t.Position(start.line, to_units(line, col + 1, encoding))
    return t.Range(start, end)


def _to_lsp(ls: OkrServer, d: Diagnostic, lines: list[str]) -> t.Diagnostic:
    facts = d.facts.as_json() if d.facts is not None else {}
    href = ls.options.docs_url.replace("{code}", d.code.lower()).replace("{name}", d.name)
    return t.Diagnostic(
        range=_range(lines, (d.line, d.column, d.end_line, d.end_column), ls.encoding),
        message=d.message,
        severity=_SEVERITY.get(d.severity, t.DiagnosticSeverity.Warning),
        code=d.code,
        code_description=t.CodeDescription(href=href),
        source=SOURCE,
        related_information=_related(ls, d, facts) or None,
        data={"code": d.code, "facts": facts},
    )


def _related(
    ls: OkrServer, d: Diagnostic, facts: dict[str, Any]
) -> list[t.DiagnosticRelatedInformation]:
    """The places in other files a finding names (a duplicate, a parent, its children)."""
    ws = ls.ws
    if ws is None:
        return []
    quarter = d.rel.rsplit("/", 2)[-2] if d.rel.count("/") >= 1 else ""
    refs: list[str] = []
    for key in _RELATED:
        value = facts.get(key)
        if isinstance(value, str):
            refs.append(value)
        elif isinstance(value, list):
            refs += [v for v in value if isinstance(v, str)]
    out = []
    for ref in refs[:20]:
        place = ws.place(ref, quarter) if "/" in ref else None
        if place is None:
            continue
        loc = _location(place)
        if loc is not None:
            out.append(t.DiagnosticRelatedInformation(location=loc, message=ref))
    return out


def _location(place: Place) -> t.Location | None:
    text = _text_of(place.path)
    if text is None:
        return None
    lines = text.splitlines() or [""]
    uri = from_fs_path(str(place.path)) or ""
    sp = place.span
    return t.Location(
        uri=uri,
        range=_range(lines, (sp.line, sp.column, sp.end_line, sp.end_column), server.encoding),
    )


def _text_of(path: Path) -> str | None:
    ws = server.ws
    if ws is not None and path in ws.overlay:
        return ws.overlay[path]
    if ws is not None:
        for doc in ws.docs():
            if doc.path == path:
                return doc.text
        repo = ws.checked.repo if ws.checked else None
        if repo is not None and repo.org_source is not None and repo.org_source.path == path:
            return repo.org_source.text
    return None


# --- where the cursor is -----------------------------------------------------------------


@dataclass(slots=True)
class Cursor:
    path: Path
    text: str
    lines: list[str]
    line: int  # okr's 1-based
    col: int  # okr's 1-based code-point column
    quarter: str


def _cursor(ls: OkrServer, uri: str, pos: t.Position) -> Cursor | None:
    path = _path(uri)
    if path is None or ls.ws is None:
        return None
    doc = ls.workspace.get_text_document(uri)
    text = doc.source
    lines = text.splitlines() or [""]
    if pos.line >= len(lines):
        return None
    col = from_units(lines[pos.line], pos.character, ls.encoding)
    return Cursor(path, text, lines, pos.line + 1, col + 1, path.parent.name)


def _yaml_path(c: Cursor) -> tuple[str | int, ...] | None:
    spans = spans_of(c.text)
    if spans is None:
        return None
    return at(spans, c.line, c.col)


def _value(c: Cursor, path: tuple[str | int, ...]) -> Any:
    ws = server.ws
    doc = ws.doc(c.path) if ws is not None else None
    if doc is None or doc.model is None or doc.text != c.text:
        return None
    node: Any = doc.model
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part, None)
        if node is None:
            return None
    return node


# --- hover ---------------------------------------------------------------------------------


@server.feature(t.TEXT_DOCUMENT_HOVER)
def hover(ls: OkrServer, params: t.HoverParams) -> t.Hover | None:
    c = _cursor(ls, params.text_document.uri, params.position)
    if c is None or ls.ws is None:
        return None
    parts: list[str] = []
    for d in ls.published.get(params.text_document.uri, []):
        if (d.line, d.column) <= (c.line, c.col) <= (d.end_line, max(d.end_column, d.column + 1)):
            explained = rule_help(d.code)
            if explained is not None and f"```\n{explained}\n```" not in parts:
                parts.append(f"```\n{explained}\n```")
    path = _yaml_path(c)
    if (
        path
        and len(path) >= 4
        and path[0] == "objectives"
        and path[2] in ("aligns_to", "depends_on")
    ):
        ref = _value(c, path)
        if isinstance(ref, str):
            summary = ls.ws.objective_summary(ref, c.quarter)
            if summary:
                parts.append(summary)
    elif path and len(path) >= 4 and path[0] == "objectives" and path[2] == "key_results":
        doc = ls.ws.doc(c.path)
        o = _value(c, path[:2])
        kr = _value(c, path[:4])
        if doc is not None and o is not None and kr is not None:
            parts.append(ls.ws.kr_summary(doc, o, kr))
    if not parts:
        return None
    return t.Hover(
        contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value="\n\n---\n\n".join(parts))
    )


# --- completion ----------------------------------------------------------------------------


def _context_key(lines: list[str], n: int, col: int) -> str | None:
    """The mapping key whose value the cursor (0-based line ``n``, code-point ``col``) is in."""
    line = lines[n]
    m = _KEY.match(line)
    if m is not None and col > line.index(":", len(m.group(1))):
        return m.group(2)
    item = _ITEM.match(line)
    if item is None and line.strip():
        return None
    indent = len(item.group(1)) if item else len(line) - len(line.lstrip())
    for k in range(n - 1, max(-1, n - 200), -1):
        above = lines[k]
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        km = _KEY.match(above)
        width = len(above) - len(above.lstrip())
        if km is not None and width <= indent and not km.group(3).strip():
            return km.group(2)
        if width < indent:
            return None
    return None


def _sharing(c: Cursor) -> tuple[str, list[str]] | None:
    """When the cursor is in a key result of the buffer: the file's unit and the units its
    objective is ``shared_with`` (format 1.2); None elsewhere or when it does not parse."""
    parsed = parse_buffer(c.text)
    if parsed is None or not isinstance(parsed.data, dict):
        return None
    path = at(parsed.values, c.line, c.col)
    if path is None or len(path) < 4 or path[0] != "objectives" or path[2] != "key_results":
        return None
    objectives = parsed.data.get("objectives")
    n = path[1]
    o = objectives[n] if isinstance(objectives, list) and isinstance(n, int) else None
    shared = o.get("shared_with") if isinstance(o, dict) else None
    unit = parsed.data.get("unit")
    return (
        unit if isinstance(unit, str) else c.path.stem,
        [u for u in shared if isinstance(u, str)] if isinstance(shared, list) else [],
    )


def _period_choices(
    ws: Workspace, c: Cursor, typed: str
) -> list[tuple[str, str | None, t.CompletionItemKind]]:
    """After ``unit/objective@``: the enclosing periods, as whole references (those that
    hold the objective, else every enclosing period)."""
    path = typed.partition("@")[0]
    kind = t.CompletionItemKind.Reference
    periods = ws.enclosing(c.quarter)
    held: list[tuple[str, str | None, t.CompletionItemKind]] = []
    for period in periods:
        doc, where = ws.resolve(f"{path}@{period}", c.quarter)
        if doc is not None and doc.model is not None and isinstance(where, tuple):
            held.append((f"{path}@{period}", doc.model.objectives[int(where[1])].title, kind))
    if held:
        return held
    return [(f"{path}@{p}", f"{_period_kind(ws, p)} {p}", kind) for p in periods]


def _period_kind(ws: Workspace, folder: str) -> str:
    period = ws.period(folder)
    return "year" if isinstance(period, Years) and period.annual else "years"


@server.feature(
    t.TEXT_DOCUMENT_COMPLETION,
    t.CompletionOptions(trigger_characters=["/", " ", "-", "[", "@"]),
)
def completion(ls: OkrServer, params: t.CompletionParams) -> t.CompletionList | None:
    c = _cursor(ls, params.text_document.uri, params.position)
    if c is None or ls.ws is None:
        return None
    # the id being typed (``checkout/eff``, ``acme/win@20``) is replaced whole
    line = c.lines[c.line - 1]
    end = c.col - 1
    start = end
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "-/_@"):
        start -= 1
    key = _context_key(c.lines, c.line - 1, c.col - 1)
    choices: list[tuple[str, str | None, t.CompletionItemKind]]
    unit = t.CompletionItemKind.Module
    if key == "aligns_to" and "@" in line[start:end]:
        choices = _period_choices(ls.ws, c, line[start:end])
    elif key == "aligns_to":
        kind = t.CompletionItemKind.Reference
        choices = [(ref, title, kind) for ref, title in ls.ws.candidates(c.quarter)]
    elif key in ("depends_on", "unit", "parent"):
        choices = [(u, name, unit) for u, name in ls.ws.units()]
    elif key == "shared_with":
        own = _sharing_unit(c)
        choices = [(u, name, unit) for u, name in ls.ws.units() if u != own]
    elif key == "owner" and (sharing := _sharing(c)) is not None:
        names = dict(ls.ws.units())
        owners = [sharing[0], *sharing[1], SHARED]
        choices = [
            (u, names.get(u, "owned by all the sharing units" if u == SHARED else None), unit)
            for u in dict.fromkeys(owners)
        ]
    elif key in _ENUMS:
        choices = [(v, None, t.CompletionItemKind.EnumMember) for v in _ENUMS[key]]
    else:
        return None
    typed = t.Range(t.Position(c.line - 1, to_units(line, start, ls.encoding)), params.position)
    items = [
        t.CompletionItem(
            label=label,
            detail=detail,
            kind=kind,
            filter_text=label,
            text_edit=t.TextEdit(range=typed, new_text=label),
        )
        for label, detail, kind in choices
    ]
    return t.CompletionList(is_incomplete=False, items=items)


# --- navigation ----------------------------------------------------------------------------


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: OkrServer, params: t.DefinitionParams) -> t.Location | None:
    c = _cursor(ls, params.text_document.uri, params.position)
    if c is None or ls.ws is None:
        return None
    path = _yaml_path(c)
    if not path:
        return None
    ref: Any = None
    reference = len(path) >= 4 and path[0] == "objectives" and path[2] in REF_FIELDS
    if reference or path == ("unit",):
        ref = _value(c, path)
    if not isinstance(ref, str):
        return None
    place = ls.ws.place(ref, c.quarter)
    return _location(place) if place is not None else None


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: OkrServer, params: t.ReferenceParams) -> list[t.Location] | None:
    c = _cursor(ls, params.text_document.uri, params.position)
    if c is None or ls.ws is None:
        return None
    path = _yaml_path(c)
    if not path or len(path) < 2 or path[0] != "objectives":
        return None
    doc = ls.ws.doc(c.path)
    o = _value(c, path[:2])
    if doc is None or doc.model is None or o is None:
        return None
    places = ls.ws.references_to(doc.model.unit, o.id, c.quarter)
    if params.context.include_declaration:
        own = ls.ws.place(f"{doc.model.unit}/{o.id}", c.quarter)
        if own is not None:
            places.insert(0, own)
    return [loc for p in places if (loc := _location(p)) is not None]


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: OkrServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol] | None:
    doc = ls.workspace.get_text_document(params.text_document.uri)
    parsed = parse_buffer(doc.source)
    if parsed is None or not isinstance(parsed.data, dict):
        return None
    spans = parsed.values
    lines = doc.source.splitlines() or [""]

    def sym(path: tuple[str | int, ...], item: Any, kind: t.SymbolKind) -> t.DocumentSymbol | None:
        id_span = spans.get((*path, "id"))
        if not isinstance(item, dict) or id_span is None or not str(item.get("id") or ""):
            return None
        title = item.get("title")
        return t.DocumentSymbol(
            name=str(item["id"]),
            detail=title if isinstance(title, str) else None,
            kind=kind,
            range=_range(lines, spans.get(path, id_span), ls.encoding),
            selection_range=_range(lines, id_span, ls.encoding),
        )

    out: list[t.DocumentSymbol] = []
    objectives = parsed.data.get("objectives")
    for n, o in enumerate(objectives if isinstance(objectives, list) else []):
        found = sym(("objectives", n), o, t.SymbolKind.Class)
        if found is None:
            continue
        krs = o.get("key_results")
        found.children = [
            kr_sym
            for k, kr in enumerate(krs if isinstance(krs, list) else [])
            if (kr_sym := sym(("objectives", n, "key_results", k), kr, t.SymbolKind.Field))
        ]
        out.append(found)
    return out


# --- code actions ----------------------------------------------------------------------------


def _fixes(
    lines: list[str], d: t.Diagnostic, path: Path | None = None
) -> list[tuple[str, t.TextEdit, bool]]:
    """The edits that fix a finding: (title, edit, safe) — the did-you-mean of a broken
    reference (its ``@period`` included) or of a key result's owner outside the sharing
    units (safe when only one name is close)."""
    data = d.data if isinstance(d.data, dict) else {}
    facts = data.get("facts") if isinstance(data.get("facts"), dict) else {}
    if not isinstance(facts, dict):
        return []
    if data.get("code") == "OKR006":
        closest = [c for c in facts.get("closest") or [] if isinstance(c, str)]
    elif data.get("code") == "OKR008":
        closest = _closest_owners(facts, path)
    else:
        return []
    old = ""
    r = d.range
    if r.start.line == r.end.line and r.start.line < len(lines):
        line = lines[r.start.line]
        a = from_units(line, r.start.character, server.encoding)
        b = from_units(line, r.end.character, server.encoding)
        old = line[a:b]
    quote = old[:1] if old[:1] in ("'", '"') else ""
    return [
        (
            f"Change to '{c}'",
            t.TextEdit(range=r, new_text=f"{quote}{c}{quote}"),
            len(closest) == 1,
        )
        for c in closest
    ]


def _closest_owners(facts: dict[str, Any], path: Path | None) -> list[str]:
    """OKR008's facts of a key result's owner outside the sharing units, in the file at
    ``path``: the owners its objective allows (the file's unit, its ``shared_with``,
    ``shared``, from the loaded model) closest to the unit named, best first."""
    ws = server.ws
    doc = ws.doc(path) if ws is not None and path is not None else None
    objective, named = facts.get("objective"), facts.get("unit")
    if doc is None or doc.model is None or not isinstance(named, str):
        return []
    if facts.get("problem") != "not sharing" or not isinstance(objective, str):
        return []
    unit = doc.model.unit
    for o in doc.model.objectives:
        if f"{unit}/{o.id}" == objective:
            owners = list(dict.fromkeys([unit, *o.shared_with, SHARED]))
            return difflib.get_close_matches(named, owners, n=3, cutoff=0.6)
    return []


def _sharing_unit(c: Cursor) -> str:
    """The unit of the buffer's file (its ``unit``, else the file's name)."""
    parsed = parse_buffer(c.text)
    unit = parsed.data.get("unit") if parsed is not None and isinstance(parsed.data, dict) else None
    return unit if isinstance(unit, str) else c.path.stem


def _suppress(lines: list[str], d: t.Diagnostic, code: str) -> t.TextEdit:
    n = d.range.start.line
    line = lines[n] if n < len(lines) else ""
    m = re.search(r"#\s*okr:\s*disable\s*=\s*([A-Za-z0-9_,\- ]+)", line)
    end = to_units(line, len(line.rstrip()), server.encoding)
    if m is not None and "disable-file" not in m.group(0):
        listed = m.group(1).rstrip()
        pos = to_units(line, m.start(1) + len(listed), server.encoding)
        return t.TextEdit(
            range=t.Range(t.Position(n, pos), t.Position(n, pos)), new_text=f",{code}"
        )
    return t.TextEdit(
        range=t.Range(t.Position(n, end), t.Position(n, end)), new_text=f"  # okr: disable={code}"
    )


@server.feature(
    t.TEXT_DOCUMENT_CODE_ACTION,
    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL]),
)
def code_action(ls: OkrServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    lines = doc.source.splitlines() or [""]
    only = params.context.only
    actions: list[t.CodeAction] = []
    keys = _key_fixes(ls, uri, doc.source, lines)
    if not only or any(str(k).startswith("quickfix") for k in only):
        r = params.range
        for title, edit in keys:
            e = edit.range
            if (e.start.line, e.start.character) <= (r.end.line, r.end.character) and (
                r.start.line,
                r.start.character,
            ) <= (e.end.line, e.end.character):
                actions.append(
                    t.CodeAction(
                        title=title,
                        kind=t.CodeActionKind.QuickFix,
                        is_preferred=True,
                        edit=t.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
        for d in params.context.diagnostics:
            if d.source != SOURCE or not isinstance(d.code, str):
                continue
            for title, edit, safe in _fixes(lines, d, _path(uri)):
                actions.append(
                    t.CodeAction(
                        title=title,
                        kind=t.CodeActionKind.QuickFix,
                        diagnostics=[d],
                        is_preferred=safe,
                        edit=t.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
            actions.append(
                t.CodeAction(
                    title=f"Suppress {d.code} on this line",
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[d],
                    edit=t.WorkspaceEdit(changes={uri: [_suppress(lines, d, d.code)]}),
                )
            )
    if not only or any(str(k).startswith(("source", FIX_ALL)) for k in only):
        edits = []
        version = ls.linted.get(_path(uri) or Path(), ("", None))
        if version[0] == doc.source:  # the findings are the buffer's as it is now
            for finding in ls.published.get(uri, []):
                d = _to_lsp(ls, finding, lines)
                edits += [edit for _, edit, safe in _fixes(lines, d, _path(uri)) if safe]
            edits += [edit for _, edit in keys]
        if edits:
            actions.append(
                t.CodeAction(
                    title="Fix all okr findings that have a safe fix",
                    kind=FIX_ALL,
                    edit=t.WorkspaceEdit(changes={uri: edits}),
                )
            )
    return actions


def _key_fixes(
    ls: OkrServer, uri: str, text: str, lines: list[str]
) -> list[tuple[str, t.TextEdit]]:
    """The did-you-mean of each misspelled key of an OKR file's buffer (``titel``: title)."""
    path = _path(uri)
    ws = ls.ws
    if path is None or ws is None or all(d.path != path for d in ws.docs()):
        return []  # only OKR files (org.yaml and okr.yaml have fields of their own)
    parsed = parse_buffer(text)
    if parsed is None:
        return []
    return [
        (
            f"Change '{key}' to '{field}'",
            t.TextEdit(
                range=_range(lines, (sp.line, sp.column, sp.end_line, sp.end_column), ls.encoding),
                new_text=field,
            ),
        )
        for sp, key, field in misspelled_keys(parsed)
    ]


def serve() -> None:
    """Run the server on stdin and stdout until the editor ends it."""
    logging.basicConfig(level=logging.WARNING)
    server.start_io()
