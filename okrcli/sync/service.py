"""``okr sync``'s work: find the key results with a source, fetch their values in parallel,
check them in through the check-in edit, and commit them when asked.

A source that fails is an error for its key result alone: the others are still written.
Every file is written whole or not at all (the check-in edit is atomic and locked), and no
message carries a secret (each is scrubbed of every value expanded from the environment).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from okrcli.closing import refuse_closed, today
from okrcli.edit.checkin import CheckInResult, Edit, check_in
from okrcli.edit.checkin import show as shown  # a value as check-ins show it: 40, not 40.0
from okrcli.edit.service import edit_values, open_repo, pick_period, reopened_line
from okrcli.errors import OkrError
from okrcli.history.git import Git
from okrcli.load.files import OkrDoc
from okrcli.load.repo import Repository
from okrcli.model.okr import KeyResult
from okrcli.model.source import MetricSource
from okrcli.sync import command, csvfile
from okrcli.sync.check import connection_problems, source_problems
from okrcli.sync.csvfile import cell, where
from okrcli.sync.secrets import Secrets, SourceError, shown_url
from okrcli.sync.select import search
from okrcli.sync.sql import Databases
from okrcli.sync.value import number
from okrcli.sync.web import Web

Status = Literal["changed", "unchanged", "failed"]
TIMEOUT = 10.0
COMMAND_TIMEOUT = 30.0
WORKERS = 16


@dataclass(slots=True)
class SyncRequest:
    refs: list[str] = field(default_factory=list)
    quarter: str | None = None
    year: str | None = None  # format 1.2: sync an annual file's key results
    years: str | None = None  # format 1.2: a multi-year file's
    dry_run: bool = False
    commit: bool = False
    allow_commands: bool = False
    reopen: str | None = None  # why a closed quarter is synced on purpose (--reopen)
    repo: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: Callable[[int, int], None] | None = None
    workers: int = WORKERS


@dataclass(slots=True)
class Synced:
    """One key result's outcome."""

    ref: str
    file: str
    source: str
    old: str | None = None
    new: str | None = None
    status: Status = "failed"
    error: str | None = None


@dataclass(slots=True)
class SyncResult:
    quarter: str
    dry_run: bool
    items: list[Synced] = field(default_factory=list)
    commit: str | None = None

    @property
    def failed(self) -> list[Synced]:
        return [s for s in self.items if s.status == "failed"]

    def count(self, status: Status) -> int:
        return sum(1 for s in self.items if s.status == status)


@dataclass(slots=True)
class _Target:
    doc: OkrDoc
    objective: int
    kr: int
    ref: str
    model: KeyResult
    item: Synced


def describe(src: MetricSource) -> str:
    """A source as messages and commits show it (no secret: references stay references)."""
    kind = src.kind
    if kind == "sql":
        return f"sql {src.sql}"
    if kind == "http":
        return f"http {shown_url(src.http or '')} {src.select}"
    if kind == "csv":
        return f"csv {src.csv}:{src.column}"
    return "command " + " ".join(src.argv())


def sync(request: SyncRequest) -> SyncResult:
    repo = open_repo(request.repo, request.cwd)
    quarter = pick_period(repo, request.quarter, request.year, request.years)
    refuse_closed(repo.config, quarter, "sync", request.reopen)
    if request.reopen is not None and not (request.commit or request.dry_run):
        raise OkrError(
            "--reopen records why a closed quarter changes in the commit message; add --commit."
        )
    targets, broken = _targets(repo, quarter, request.refs)
    result = SyncResult(quarter, request.dry_run, [*broken, *(t.item for t in targets)])
    secrets = Secrets(request.environ)
    runnable = [t for t in targets if _ready(t, repo, request)]
    _fetch(runnable, repo, secrets, request)
    for t in targets:
        if t.item.error is not None:
            t.item.status = "failed"
            t.item.error = secrets.scrub(t.item.error)
    if not request.dry_run:
        written = _write(targets, repo, request.commit)
        if request.commit and written:
            result.commit = _commit(repo, quarter, written, targets, request.reopen)
    return result


def _targets(repo: Repository, quarter: str, refs: list[str]) -> tuple[list[_Target], list[Synced]]:
    """The key results with a source that ``refs`` name (all of the quarter's when none),
    and the quarter's files that cannot be read (each a failure)."""
    wanted = [_split_ref(r) for r in refs]
    used = [False] * len(wanted)
    out: list[_Target] = []
    broken: list[Synced] = []
    for doc in repo.docs:
        if doc.model is None:
            if doc.folder == quarter and (not wanted or any(w[0] == doc.stem for w in wanted)):
                broken.append(
                    Synced(doc.stem, doc.rel, "", error=f"{doc.rel} has errors; run `okr lint`.")
                )
            continue
        if doc.model.period != quarter:
            continue
        unit = doc.model.unit
        for i, o in enumerate(doc.model.objectives):
            for j, k in enumerate(o.key_results):
                if k.source is None:
                    continue
                hits = [n for n, w in enumerate(wanted) if _matches(w, unit, o.id, k.id)]
                for n in hits:
                    used[n] = True
                if wanted and not hits:
                    continue
                ref = f"{unit}/{o.id}/{k.id}"
                item = Synced(ref, doc.rel, describe(k.source), old=shown(k.current))
                out.append(_Target(doc, i, j, ref, k, item))
    for n, ok in enumerate(used):
        if not ok:
            raise OkrError(
                f"'{refs[n]}' names no key result with a source in {quarter}; name a unit, "
                "UNIT/KR or UNIT/OBJECTIVE/KR whose key result has `source:`."
            )
    return out, broken


def _split_ref(ref: str) -> tuple[str, ...]:
    parts = tuple(ref.strip("/").split("/"))
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise OkrError(f"'{ref}' is not a key result: write UNIT, UNIT/KR or UNIT/OBJECTIVE/KR.")
    return parts


def _matches(want: tuple[str, ...], unit: str, objective: str, kr: str) -> bool:
    if want[0] != unit:
        return False
    if len(want) == 2:
        return want[1] == kr
    if len(want) == 3:
        return want[1:] == (objective, kr)
    return True


def _ready(t: _Target, repo: Repository, request: SyncRequest) -> bool:
    """Whether the source may be fetched; otherwise the item says why not."""
    src = t.model.source
    assert src is not None
    problems = source_problems(src, repo.config.sources, repo.root)
    if src.kind == "sql" and src.sql in repo.config.sources:
        problems += connection_problems(repo.config.sources[src.sql], repo.root)
    if problems:
        t.item.error = problems[0].message + " (`okr lint` shows where)"
        return False
    if src.kind == "command" and not request.allow_commands:
        t.item.error = (
            "command sources run only with --allow-commands (run only code you have "
            "reviewed: never a pull request's)."
        )
        return False
    return True


def _fetch(
    targets: list[_Target], repo: Repository, secrets: Secrets, request: SyncRequest
) -> None:
    """Fetch every source (each distinct one once), in parallel, and set each item's value."""
    if not targets:
        return

    kinds = {t.model.source.kind for t in targets if t.model.source is not None}
    databases = Databases(repo.root, repo.config.sources, secrets) if "sql" in kinds else None
    web = None
    if "http" in kinds:
        web = Web(secrets, request.workers)

    def task(src: MetricSource) -> Any:
        timeout = float(src.timeout or (COMMAND_TIMEOUT if src.kind == "command" else TIMEOUT))
        if src.kind == "sql":
            assert databases is not None and src.sql is not None and src.query is not None
            return databases.value(src.sql, src.query, timeout)
        if src.kind == "http":
            assert web is not None and src.http is not None
            return web.json(src.http, src.headers or {}, timeout)
        if src.kind == "csv":
            assert src.csv is not None
            return csvfile.last_row(repo.root, src.csv)
        return command.run(repo.root, src.argv(), timeout, secrets.scrub_environment)

    futures: dict[tuple[object, ...], Future[Any]] = {}
    waiting: dict[Future[Any], list[_Target]] = {}
    workers = max(1, min(request.workers, len(targets)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="okr-sync") as pool:
            for t in targets:
                src = t.model.source
                assert src is not None
                key = _key(src)
                fut = futures.get(key)
                if fut is None:
                    fut = futures[key] = pool.submit(task, src)
                waiting.setdefault(fut, []).append(t)
            done = 0
            for fut in as_completed(waiting):
                for t in waiting[fut]:
                    _settle(t, fut)
                done += len(waiting[fut])
                if request.progress is not None:
                    request.progress(done, len(targets))
    finally:
        if databases is not None:
            databases.close()
        if web is not None:
            web.close()


def _key(src: MetricSource) -> tuple[object, ...]:
    """What makes two sources one fetch: the same query, URL and headers, file, command."""
    kind = src.kind
    if kind == "sql":
        return (kind, src.sql, src.query, src.timeout)
    if kind == "http":
        return (kind, src.http, tuple(sorted((src.headers or {}).items())), src.timeout)
    if kind == "csv":
        return (kind, src.csv)
    return (kind, tuple(src.argv()), src.timeout)


def _settle(t: _Target, fut: Future[Any]) -> None:
    """The key result's value from its fetch, or the reason there is none."""
    src = t.model.source
    assert src is not None
    try:
        try:
            got = fut.result()
        except SourceError:
            raise
        except Exception as exc:  # a library's surprise: named, never a traceback
            raise SourceError(f"{type(exc).__name__}: {_short(str(exc))}") from None
        if src.kind == "http":
            assert src.select is not None
            picked = search(src.select, got)
            if picked is None:
                raise SourceError(f"'{src.select}' matches nothing in the answer.")
            value = number(picked, text_ok=True, what=f"'{src.select}'")
        elif src.kind == "csv":
            assert src.csv is not None and src.column is not None
            value = number(
                cell(got, src.csv, src.column),
                text_ok=True,
                what=where(got, src.csv, src.column),
            )
        elif src.kind == "sql":
            value = number(got, text_ok=False, what="the query")
        else:
            value = number(got, text_ok=True, what="the command")
        if t.model.binary and value not in ("0", "1"):
            raise SourceError(f"the key result is binary, but the source gave {value}, not 0 or 1.")
    except SourceError as exc:
        t.item.error = exc.reason
        return
    except Exception as exc:
        t.item.error = f"{type(exc).__name__}: {_short(str(exc))}"
        return
    t.item.new = value
    old = t.model.current
    same = old is not None and Decimal(str(old)) == Decimal(value)
    t.item.status = "unchanged" if same else "changed"


def _short(text: str) -> str:
    """A library's message cut to its first line and 200 characters (it may quote what a
    source answered)."""
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= 200 else first[:197] + "..."


def _write(targets: list[_Target], repo: Repository, commit: bool) -> list[Path]:
    """Check the values in, file by file (each atomic): a changed value, and an unchanged
    one re-confirmed (a check-in too: the day it was checked is written); the files
    written."""
    by_doc: dict[str, list[_Target]] = {}
    for t in targets:
        if t.item.status in ("changed", "unchanged"):
            by_doc.setdefault(t.doc.rel, []).append(t)
    written: list[Path] = []
    day = today(repo.config)
    dirty = _uncommitted(repo, [ts[0].doc for ts in by_doc.values()]) if commit else set()
    for rel, ts in by_doc.items():
        doc = ts[0].doc
        try:
            if rel in dirty:
                raise OkrError(
                    f"{rel} has changes that are not committed; commit or stash them first "
                    "(--commit commits only what sync writes)."
                )
            edits = [
                Edit(t.objective, t.kr, edit_values(t.item.new or "", None, None, day)) for t in ts
            ]
            done: CheckInResult = check_in(doc, edits)
        except OkrError as exc:
            for t in ts:
                t.item.status, t.item.error = "failed", exc.message
            continue
        if done.written:
            written.append(doc.path)
    return written


def _uncommitted(repo: Repository, docs: list[OkrDoc]) -> set[str]:
    """Which of the files differ from the last commit (or are not in it)."""
    git = Git(repo.root)
    head = git.head()
    if head is None:
        return {d.rel for d in docs}
    rels = {git.relpath(d.path): d for d in docs}
    folders = {r.rsplit("/", 1)[0] for r in rels}
    blobs: dict[str, str] = {}
    for folder in folders:
        blobs |= git.list_blobs(head, folder)
    known = {r: blobs[r] for r in rels if r in blobs}
    contents = git.read_blobs(list(known.values())) if known else {}
    dirty = set()
    for r, d in rels.items():
        blob = known.get(r)
        if blob is None or contents.get(blob) != d.path.read_bytes():
            dirty.add(d.rel)
    return dirty


def _commit(
    repo: Repository,
    quarter: str,
    paths: list[Path],
    targets: list[_Target],
    reopen: str | None = None,
) -> str:
    """One commit for the whole sync, listing each key result, old and new, and source (and
    why a closed quarter was reopened)."""
    changed = [t.item for t in targets if t.item.status == "changed"]
    same = [t.item for t in targets if t.item.status == "unchanged"]
    subject = f"check-in (sync {quarter}): " + ", ".join(
        [f"{s.ref} {s.old} -> {s.new}" for s in changed]
        + [f"{s.ref} {s.new} (unchanged)" for s in same]
    )
    if len(subject) > 200:
        subject = subject[:197] + "..."
    body = [f"{s.ref}: {s.old} -> {s.new} ({s.source})" for s in changed]
    body += [f"{s.ref}: {s.new} re-confirmed ({s.source})" for s in same]
    failed = [t.item for t in targets if t.item.status == "failed"]
    if failed:
        body += ["", "Not synced:"] + [f"{s.ref}: {s.error}" for s in failed]
    if reopen is not None:
        body = [reopened_line(reopen), "", *body]
    try:
        return Git(repo.root).commit_paths(paths, subject, "\n".join(body))
    except OkrError as exc:
        raise OkrError(
            f"the values were written but not committed: {exc.message} Commit them by hand "
            "or run `okr sync --commit` again."
        ) from None
