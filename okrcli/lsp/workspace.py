"""The language server's workspace: one OKR repository in memory, with the editor's unsaved
buffers laid over its files, linted in process (no fork, no forking runner).

Nothing here knows the protocol: :mod:`okrcli.lsp.server` turns what this module answers into
LSP messages. Positions here are okr's (1-based lines and code-point columns, end exclusive);
:func:`to_units` converts a column to the editor's position encoding.
"""

from __future__ import annotations

import difflib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from okrcli import markdown as md
from okrcli.cachefile import git_dir_of
from okrcli.closing import zone
from okrcli.errors import OkrError
from okrcli.history.source import Moment, open_git
from okrcli.lint.diagnostics import Diagnostic
from okrcli.lint.engine import lint_repository
from okrcli.lint.request import LintRequest
from okrcli.load.files import (
    OkrDoc,
    discover_okr_files,
    in_place,
    is_marker,
    okr_file,
    read_bytes,
    rel_path,
)
from okrcli.load.parsecache import ParseCache
from okrcli.load.repo import Repository, load_tree
from okrcli.load.yamlsafe import MAX_BYTES, Parsed, Span, YamlError, parse, positions_of
from okrcli.model.config import Config
from okrcli.model.okr import KeyResult, Objective, OkrFile
from okrcli.model.quarter import Period, Years, encloses, parse_period
from okrcli.rules.base import registry
from okrcli.rules.explain import explain
from okrcli.score.card import elapsed_share, pace, pace_of
from okrcli.scoring import score_kr, score_objective
from okrcli.wording.lexicon import Lexicon

if TYPE_CHECKING:
    from okrcli.history.git import Git
    from okrcli.history.timeline import Walk

SCHEMA_ERROR = "OKR002"
YamlPath = tuple[str | int, ...]


def to_units(line: str, column: int, encoding: str) -> int:
    """A 0-based code-point column of ``line`` in the editor's units (clamped to the line)."""
    column = max(0, min(column, len(line)))
    if encoding == "utf-32":
        return column
    head = line[:column]
    if encoding == "utf-8":
        return len(head.encode("utf-8", "surrogatepass"))
    return len(head.encode("utf-16-le", "surrogatepass")) // 2


def from_units(line: str, units: int, encoding: str) -> int:
    """The 0-based code-point column of an editor's column ``units`` on ``line``."""
    if encoding == "utf-32":
        return max(0, min(units, len(line)))
    count = 0
    for n, ch in enumerate(line):
        if count >= units:
            return n
        if encoding == "utf-8":
            count += len(ch.encode("utf-8", "surrogatepass"))
        else:
            count += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


@dataclass(frozen=True, slots=True)
class Place:
    """A range in a file of the workspace (okr's positions)."""

    path: Path
    span: Span


@dataclass(slots=True)
class Checked:
    """One lint of the workspace: the repository as loaded and its findings by file."""

    repo: Repository
    findings: dict[str, list[Diagnostic]]  # by path relative to the root
    error: str | None = None  # okr.yaml could not be read: why


class HeadWatch:
    """HEAD's commit, told apart without running git: the text of HEAD and of the ref it
    names (or packed-refs). The history is read again only when it moves."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def signature(self) -> str:
        gd = git_dir_of(self.root)
        if gd is None:
            return ""
        parts = []
        try:
            head = (gd / "HEAD").read_text("utf-8", "replace")[:1000]
            parts.append(head)
            if head.startswith("ref:"):
                ref = head[4:].strip()
                ref_path = (gd / ref).resolve()
                if ref_path.is_relative_to(gd.resolve()) and ref_path.is_file():
                    parts.append(ref_path.read_text("utf-8", "replace")[:200])
                packed = gd / "packed-refs"
                if packed.is_file():
                    parts.append(str(packed.stat().st_mtime_ns))
        except OSError:
            return ""
        return "\n".join(parts)


class ServerTree:
    """The working tree as the server reads it, again and again: like
    :class:`okrcli.load.repo.WorkingTree` (the buffers laid over the files), but the listing
    of the OKR files is kept for a moment (:data:`RELIST_AFTER` seconds, or until the editor
    says files changed) and a file's bytes until its ``lstat`` changes. A file read again
    goes through the same guarded reader, so a file swapped for a link is refused as on the
    command line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.overlay: Mapping[Path, str] = {}
        self._listing: tuple[str, float, list[Path]] | None = None
        self._bytes: dict[Path, tuple[tuple[int, int, int, int], bytes]] = {}

    def invalidate(self) -> None:
        self._listing = None

    def okr_paths(self, okrs_dir: str) -> list[Path]:
        now = time.monotonic()
        kept = self._listing
        if kept is None or kept[0] != okrs_dir or now - kept[1] > RELIST_AFTER:
            kept = self._listing = (okrs_dir, now, discover_okr_files(self.root, okrs_dir))
        known = set(kept[2])
        extra = [
            p
            for p in self.overlay
            if p not in known and okr_file(rel_path(p, self.root), okrs_dir) is not None
        ]
        return sorted([*kept[2], *extra]) if extra else list(kept[2])

    def has(self, name: str) -> bool:
        path = self.root / name
        return path in self.overlay or is_marker(path)

    def read(self, path: Path) -> bytes:
        if path in self.overlay:
            return self.overlay[path].encode("utf-8")
        try:
            st = os.lstat(path)
            key = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_mode)
        except OSError:
            self._bytes.pop(path, None)
            return read_bytes(path, self.root)  # says why it cannot be read
        kept = self._bytes.get(path)
        if kept is not None and kept[0] == key:
            return kept[1]
        raw = read_bytes(path, self.root)
        self._bytes[path] = (key, raw)
        return raw


RELIST_AFTER = 2.0


@dataclass(slots=True)
class Workspace:
    """The repository at ``root`` and the editor's open buffers (by absolute path)."""

    root: Path
    schema_errors: bool = False  # report OKR002 (off: yaml-language-server owns them)
    overlay: dict[Path, str] = field(default_factory=dict)
    checked: Checked | None = None
    _head: str | None = None
    _git: Git | None = None
    _git_reason: str | None = None
    _last_moment: Moment | None = None
    _walks: dict[tuple[str, str], Walk] = field(default_factory=dict)
    _words: tuple[Any, Lexicon] | None = None
    tree: ServerTree | None = None
    _parsed: dict[str, Any] | None = None

    # --- buffers -----------------------------------------------------------------------
    def set_buffer(self, path: Path, text: str) -> None:
        self.overlay[path] = text

    def close_buffer(self, path: Path) -> None:
        self.overlay.pop(path, None)

    def files_changed(self) -> None:
        """The editor says files were created, changed or deleted: list them again."""
        if self.tree is not None:
            self.tree.invalidate()

    def rel(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    # --- lint --------------------------------------------------------------------------
    def buffers(self) -> dict[Path, str]:
        """The buffers inside the repository, as they are now (a copy: the server takes it
        where the buffers change and lints it on its worker thread)."""
        return {p: t for p, t in self.overlay.items() if self.rel(p) is not None}

    def lint(self, buffers: dict[Path, str] | None = None) -> Checked:
        """Load the repository with the buffers (by default :meth:`buffers`) laid over it and
        lint every file."""
        overlay = self.buffers() if buffers is None else buffers
        # the files whose text did not change are taken as validated last time (``known``)
        known = {d.rel: d for d in self.docs()}
        try:
            # the parse cache is read, never written: the server writes no file
            if self.tree is None:
                self.tree = ServerTree(self.root)
            self.tree.overlay = overlay
            # the data of the texts parsed last time, in memory (okr's cache file, the first
            # time): only the buffer being typed in is parsed again
            cache = ParseCache.for_root(self.root) if self._parsed is None else ParseCache(None)
            if self._parsed is not None:
                cache.old = self._parsed
            repo = load_tree(self.tree, cache, known)
            self._parsed = cache.new
        except OkrError as exc:
            prev = self.checked
            empty = Repository(self.root, prev.repo.config, None, None, None, []) if prev else None
            if empty is None:
                empty = Repository(self.root, Config(), None, None, None, [])
            self.checked = Checked(empty, {}, exc.message)
            return self.checked
        ignore = [] if self.schema_errors else [SCHEMA_ERROR]
        request = LintRequest(ignore=ignore, cwd=self.root)
        try:
            result = lint_repository(repo, request, self._moment(repo), self._lexicon(repo))
        except OkrError as exc:
            self.checked = Checked(repo, {}, exc.message)
            return self.checked
        by_file: dict[str, list[Diagnostic]] = {}
        for d in result.diagnostics:
            by_file.setdefault(d.rel, []).append(d)
        self.checked = Checked(repo, by_file)
        return self.checked

    def _lexicon(self, repo: Repository) -> Lexicon:
        """okr.yaml's word lists, kept (with what they read of each title) while it holds
        the same lists; started afresh when the memo grows past what typing would need."""
        words = repo.config.lint.words
        kept = self._words
        if kept is None or kept[0] != words or sum(map(len, kept[1].memo.values())) > 50_000:
            kept = self._words = (words, Lexicon(words))
        return kept[1]

    def _moment(self, repo: Repository) -> Moment:
        """The moment the history rules read: git opened once per HEAD (its walk of each
        quarter is cached by commit), the buffers as the working tree."""
        sig = HeadWatch(self.root).signature()
        if (self._git is None and self._git_reason is None) or sig != self._head:
            self._head = sig
            self._git, self._git_reason = open_git(self.root)
            self._walks = {}  # each quarter's walk, read once per HEAD
        m = Moment(repo, self._git, None, datetime.now(UTC), walks=self._walks)
        if self._git_reason is not None:
            m.unavailable = self._git_reason
        self._last_moment = m
        return m

    # --- the index: objectives, key results, units, themes -------------------------------
    def docs(self) -> list[OkrDoc]:
        return self.checked.repo.docs if self.checked is not None else []

    def doc(self, path: Path) -> OkrDoc | None:
        for d in self.docs():
            if d.path == path:
                return d
        return None

    def objectives(self, quarter: str) -> Iterator[tuple[OkrDoc, int, Objective]]:
        for d in self.docs():
            if d.model is None or d.folder != quarter or not in_place(d):
                continue
            for n, o in enumerate(d.model.objectives):
                yield d, n, o

    # --- periods (format 1.2): the core's own, read with okr.yaml's fiscal year ------------
    def period(self, folder: str) -> Period | None:
        """The quarter, year or span of years a folder names (None for any other name)."""
        repo = self.checked.repo if self.checked else None
        start_month = repo.config.fiscal_year_start_month if repo is not None else 1
        return parse_period(folder, start_month)

    def enclosing(self, folder: str) -> list[str]:
        """The periods of the repository that enclose the folder's period (a quarter: its
        year and the multi-year spans holding it; a year: its spans), shortest first."""
        inner = self.period(folder)
        if inner is None:
            return []
        found: dict[str, Period] = {}
        for d in self.docs():
            if d.model is None or d.folder in found or not in_place(d):
                continue
            outer = self.period(d.folder)
            if outer is not None and encloses(outer, inner):
                found[d.folder] = outer
        return sorted(found, key=lambda p: (_length(found[p]), p))

    def resolve(self, ref: str, quarter: str) -> tuple[OkrDoc, YamlPath] | tuple[None, str]:
        """Where a reference (``unit/objective[/kr]``, a unit id, ``strategy/theme``; with
        ``@period``, an objective of that period) points, as a document and a YAML path; or
        None and what it names when it is no OKR file's (a unit or a theme of org.yaml)."""
        path, at_sign, named = ref.partition("@")
        if at_sign:
            ref, quarter = path, named
        parts = ref.split("/")
        if parts[0] == "strategy":
            return None, ref
        if len(parts) == 1:
            return None, ref
        for d, n, o in self.objectives(quarter):
            assert d.model is not None
            if d.model.unit != parts[0] or o.id != parts[1]:
                continue
            if len(parts) == 3:
                for k, kr in enumerate(o.key_results):
                    if kr.id == parts[2]:
                        return d, ("objectives", n, "key_results", k, "id")
            return d, ("objectives", n, "id")
        return None, ref

    def org_place(self, ref: str) -> Place | None:
        """Where org.yaml names a unit or a strategy theme."""
        repo = self.checked.repo if self.checked else None
        if repo is None or repo.org is None or repo.org_source is None:
            return None
        src = repo.org_source
        spans = _spans(src.text or "")
        if spans is None:
            return None
        if ref.startswith("strategy/"):
            key = ref.split("/", 1)[1]
            for n, t in enumerate(repo.org.strategy):
                if t.id == key:
                    return Place(src.path, Span(*spans[("strategy", n, "id")]))
            return None
        for n, u in enumerate(repo.org.units):
            if u.id == ref:
                return Place(src.path, Span(*spans[("units", n, "id")]))
        return None

    def place(self, ref: str, quarter: str) -> Place | None:
        doc, where = self.resolve(ref, quarter)
        if doc is None:
            return self.org_place(ref)
        spans = _spans(doc.text or "")
        if spans is None or where not in spans:
            return None
        assert isinstance(where, tuple)
        return Place(doc.path, Span(*spans[where]))

    def references_to(self, unit: str, objective: str, quarter: str) -> list[Place]:
        """Every ``aligns_to`` entry naming the objective (or one of its key results): in
        its own period without ``@``, in the periods it encloses with ``@`` its period."""
        out: list[Place] = []
        target = f"{unit}/{objective}"
        for d in self.docs():
            if d.model is None or not in_place(d):
                continue
            spans: dict[YamlPath, tuple[int, int, int, int]] | None = None
            for n, o in enumerate(d.model.objectives):
                for k, ref in enumerate(o.aligns_to):
                    path, at_sign, named = ref.partition("@")
                    if (named if at_sign else d.folder) != quarter:
                        continue
                    if path == target or path.startswith(target + "/"):
                        spans = _spans(d.text or "") if spans is None else spans
                        where = ("objectives", n, "aligns_to", k)
                        if spans is not None and where in spans:
                            out.append(Place(d.path, Span(*spans[where])))
        return out

    def candidates(self, quarter: str) -> list[tuple[str, str]]:
        """What ``aligns_to`` may name: every objective of the quarter, every objective of
        an enclosing period (with its ``@period``) and every strategy theme, with its title."""
        out: list[tuple[str, str]] = []
        for d, _, o in self.objectives(quarter):
            assert d.model is not None
            out.append((f"{d.model.unit}/{o.id}", o.title))
        for period in self.enclosing(quarter):
            for d, _, o in self.objectives(period):
                assert d.model is not None
                out.append((f"{d.model.unit}/{o.id}@{period}", o.title))
        repo = self.checked.repo if self.checked else None
        if repo is not None and repo.org is not None:
            out += [(f"strategy/{t.id}", t.title) for t in repo.org.strategy]
        return out

    def units(self) -> list[tuple[str, str]]:
        repo = self.checked.repo if self.checked else None
        if repo is None or repo.org is None:
            return []
        return [(u.id, u.name) for u in repo.org.units]

    def objective_summary(self, ref: str, quarter: str) -> str | None:
        """An objective's title, unit, owner and score so far, as markdown (the titles as
        text: no link, image or HTML of a title renders in the editor)."""
        doc, where = self.resolve(ref, quarter)
        if doc is None or doc.model is None or not isinstance(where, tuple):
            if isinstance(where, str):
                repo = self.checked.repo if self.checked else None
                if repo is not None and repo.org is not None:
                    for t in repo.org.strategy:
                        if where == f"strategy/{t.id}":
                            return f"**strategy theme {t.id}**: {md.text(t.title)}"
                    for u in repo.org.units:
                        if where == u.id:
                            return f"**unit {u.id}**: {md.text(u.name)} ({u.level})"
            return None
        o = doc.model.objectives[int(where[1])]

        name = f"{doc.model.unit}/{o.id}" + (f"@{doc.folder}" if "@" in ref else "")
        lines = [f"**{name}**: {md.text(o.title)}"]
        lines.append(f"unit: {doc.model.unit} · commitment: {o.commitment}")
        if o.shared_with:
            lines.append(f"shared with: {', '.join(o.shared_with)}")
        if o.owner:
            lines.append(f"owner: {o.owner}")
        if o.key_results:
            score = score_objective(o)
            period = self.period(doc.folder)
            so_far = "year to date" if isinstance(period, Years) and period.annual else "so far"
            lines.append(f"score {so_far}: {score:.2f}")
            if isinstance(period, Years):
                lines += self._period_pace(period, score)
        if len(where) > 3:
            kr = o.key_results[int(where[3])]
            lines.append(f"key result {kr.id}: {md.text(kr.title)}")
        return "  \n".join(lines)

    def _period_pace(self, period: Years, score: Decimal) -> list[str]:
        """An annual or multi-year objective's pace (the share of its period gone, and the
        core's pace of its score against it) while the period runs; nothing once over."""
        repo = self.checked.repo if self.checked else None
        if repo is None:
            return []
        now = datetime.now(UTC)
        tz = zone(repo.config)
        if now.astimezone(tz).date() > period.end:
            return [f"{period.kind} {period} is over"]
        elapsed = elapsed_share(period, now, tz)
        limits = repo.config.scoring.pace
        kind = "year" if period.annual else "period"
        return [
            f"pace: {pace_of(score, elapsed, limits.on_track, limits.at_risk)} "
            f"({int(elapsed * 100)}% of the {kind} gone)"
        ]

    def kr_summary(self, doc: OkrDoc, o: Objective, kr: KeyResult) -> str:
        """A key result's score, pace and last check-in (from the history), as markdown."""
        score = score_kr(kr).score
        lines = [f"**{o.id}/{kr.id}**: {md.text(kr.title)}", f"score: {score:.2f}"]
        if kr.owner:
            lines.append(f"owner: {kr.owner}")
        if kr.indicator:
            lines.append(f"indicator: {kr.indicator}")
        repo = self.checked.repo if self.checked else None
        if repo is not None:
            quarter = self.period(doc.folder)  # a quarter, a year or a span of years
            if quarter is not None:
                now = datetime.now(UTC)
                tz = zone(repo.config)
                ended = now.astimezone(tz).date() > quarter.end
                p = pace(kr, score, elapsed_share(quarter, now, tz), ended)
                if p:
                    lines.append(f"pace: {p}")
        last = self._last_checkin(doc, f"{doc.stem}/{o.id}/{kr.id}")
        if last is not None:
            lines.append(f"last check-in: {last}")
        elif kr.checked:
            lines.append(f"last check-in: {kr.checked}")
        return "  \n".join(lines)

    def _last_checkin(self, doc: OkrDoc, ref: str) -> str | None:
        """When the history last saw the key result change (read once per HEAD)."""
        m = self._last_moment
        if m is None:
            return None
        try:
            history = m.history(doc.folder)
        except Exception:  # a history that cannot be read is no hover's business
            return None
        tl = history.timelines.get(ref) if history is not None else None
        if tl is None or not tl.whens:
            return None
        return tl.whens[-1].date().isoformat()


def _length(period: Period) -> int:
    """How many years a period spans (a quarter: none), to list the shortest first."""
    return period.last - period.first + 1 if isinstance(period, Years) else 0


def _spans(text: str) -> dict[YamlPath, tuple[int, int, int, int]] | None:
    """The spans of every value of a text, or None when it does not parse."""
    if len(text) > MAX_BYTES:
        return None
    try:
        values, _ = positions_of(text, keys=False)
    except (YamlError, RecursionError, ValueError):
        return None
    return values


def parse_buffer(text: str) -> Parsed | None:
    """A buffer's data with the spans of its values, or None when it does not parse."""
    if len(text) > MAX_BYTES:
        return None
    try:
        return parse(text, positions=True)
    except (YamlError, RecursionError, ValueError):
        return None


def spans_of(text: str) -> dict[YamlPath, tuple[int, int, int, int]] | None:
    return _spans(text)


def at(spans: dict[YamlPath, tuple[int, int, int, int]], line: int, col: int) -> YamlPath | None:
    """The deepest YAML path whose value's span holds (line, col) (okr's positions)."""
    best: YamlPath | None = None
    for path, (sl, sc, el, ec) in spans.items():
        if (sl, sc) <= (line, col) <= (el, ec) and (best is None or len(path) > len(best)):
            best = path
    return best


def rule_help(code: str) -> str | None:
    """``okr rule``'s explanation of a rule, or None when no rule has the code."""
    rule = registry().get(code)
    return None if rule is None else str(explain(rule))


def misspelled_keys(parsed: Parsed) -> list[tuple[Span, str, str]]:
    """The keys of an OKR file's buffer that no field of the format has, and the field each
    most likely means, from the models' own fields: (key span, key, field). A key is
    offered only one field, and only one the mapping does not hold already."""
    out: list[tuple[Span, str, str]] = []

    def check(data: Any, path: YamlPath, model: type[BaseModel]) -> None:
        if not isinstance(data, dict):
            return
        allowed = [f.alias or name for name, f in model.model_fields.items()]
        for key in data:
            if not isinstance(key, str) or key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
            if close and close[0] not in data and (*path, key) in parsed.keys:
                out.append((Span(*parsed.keys[(*path, key)]), key, close[0]))

    data = parsed.data
    check(data, (), OkrFile)
    objectives = data.get("objectives") if isinstance(data, dict) else None
    for n, o in enumerate(objectives if isinstance(objectives, list) else []):
        check(o, ("objectives", n), Objective)
        krs = o.get("key_results") if isinstance(o, dict) else None
        for k, kr in enumerate(krs if isinstance(krs, list) else []):
            check(kr, ("objectives", n, "key_results", k), KeyResult)
    return out
