"""``okr report``: score card, history and lint findings, rendered through a template."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from okrcli import runner
from okrcli.cachefile import git_dir_of
from okrcli.errors import OkrError
from okrcli.fsutil import (
    UnsafePathError,
    atomic_write,
    check_destination,
    check_output,
    inside,
    name_text,
)
from okrcli.history.source import Moment, moment
from okrcli.lint.diagnostics import Diagnostic
from okrcli.lint.engine import lint_repository
from okrcli.lint.request import LintRequest
from okrcli.load.files import resolve_root
from okrcli.load.repo import load_config
from okrcli.report import data as report_data
from okrcli.report.findings import Findings, sort_findings
from okrcli.report.render import Renderer
from okrcli.score.card import build
from okrcli.score.enclosing import aligned_rows, enclosing_rows
from okrcli.score.service import choose_period, one_period
from okrcli.textsafe import safe_output


@dataclass(slots=True)
class ReportRequest:
    quarter: str | None = None
    at: str | None = None
    output: Path | None = None
    template: Path | None = None
    unit: str | None = None
    repo: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    now: datetime | None = None
    summary: bool = False  # the short version, for a pull-request comment or job summary
    repo_url: str | None = None  # the repository's web address, for links
    year: str | None = None  # format 1.2: report a year's annual OKRs (--year 2026)
    years: str | None = None  # format 1.2: report a span's multi-year OKRs (--years 2026-2028)


@dataclass(slots=True)
class ReportResult:
    """The report's lines in UTF-8, made safe, as they are written (a large report is a
    third of its size as text, which its emoji make four bytes a character), and the
    quarter's files that could not be read (their units are left out of it)."""

    lines: list[bytes]
    left_out: list[str]


def report(request: ReportRequest) -> str:
    """The report's markdown (also written to ``request.output`` when given)."""
    return b"".join(report_result(request).lines).decode()


def report_lines(request: ReportRequest) -> list[str]:
    """:func:`report`'s markdown in pieces of whole lines, as it is written: a large
    report's text is never held as one string (its few emoji would make that four bytes a
    character)."""
    return [line.decode() for line in report_result(request).lines]


def report_result(request: ReportRequest) -> ReportResult:
    """:func:`report_lines` and the files the report had to leave out."""
    root = resolve_root(request.repo, request.cwd, request.cwd)
    if request.output is not None:
        check_output_path(request.cwd / request.output, request.output, root)
    one_period(request.quarter, request.year, request.years, "report")
    m = moment(root, request.at, request.now)
    quarter = choose_period(m.repo, request.quarter, request.year, request.years, m.at)
    units = None
    if request.unit is not None:
        present = _units_of(m, str(quarter))
        if request.unit not in present:
            raise OkrError(f"--unit {request.unit}: no such unit has OKRs for {quarter}.")
        units = {request.unit}
    history = m.history(str(quarter))
    prefix = f"{m.repo.config.okrs_dir}/{quarter}/"
    wanted = None if request.unit is None else _unit_scope(m, str(quarter), prefix, request.unit)
    # the lint pass needs nothing the score card computes: independent work
    lint_pass = runner.beside(partial(_findings, m, root, prefix, wanted))
    try:
        card = build(m.repo, quarter, history, m.at, units)
        card.notices[:0] = m.notices
        # the longer periods' objectives this one aligns to (a quarter's year, a year's span)
        card.enclosing = enclosing_rows(m.repo, quarter, m.at, m.history)
        data = report_data.build_without_findings(
            card,
            m,
            quarter,
            repo_url=request.repo_url,
            unit=request.unit,
            aligned=aligned_rows(m.repo, quarter, m.at, m.history),
        )
        left_out = list(data["organisation"]["left_out"])
        renderer = Renderer(
            template=_resolve(request.template, request.cwd),
            repo_templates=root / "templates",
            name="summary.md.j2" if request.summary else "report.md.j2",
        )
        report_data.add_findings(data, lint_pass.result())
    finally:
        lint_pass.cancel()  # only if something failed before its result was taken
    if request.summary:
        lines = [_summary(renderer, data).encode()]
    else:
        output = None if request.output is None else request.cwd / request.output
        # too big to show as one file (in UTF-8, which takes at least a byte a character)
        # goes into parts, which the whole need not be rendered to know
        limit = report_data.PREVIEW_LIMIT
        splits = output is not None and _a_file(output)
        rendered = renderer.render_bytes(data, _text, past=limit if splits else None)
        lines = [] if rendered is None else rendered
        if output is not None and (rendered is None or (splits and _size(lines) > limit)):
            return ReportResult([_split(renderer, data, output, root).encode()], left_out)
    if request.output is not None:
        _write(request.cwd / request.output, lines, request.output, root)
    return ReportResult(lines, left_out)


def _text(text: str) -> str:
    """Report text as it is written: escaped (:func:`okrcli.textsafe.safe_output`), and a
    file name's bytes that are no UTF-8 written ``\\xff`` (:func:`okrcli.fsutil.name_text`)."""
    return name_text(safe_output(text))


def _size(lines: list[bytes]) -> int:
    return sum(map(len, lines))


def check_output_path(path: Path, shown: Path, root: Path) -> None:
    """Refuse an output path that would overwrite the repository's own files or leave it
    through a link (see :func:`okrcli.fsutil.check_output`), before any work is done."""
    try:
        check_output(path, root, load_config(root)[0].okrs_dir)
        found = git_dir_of(root)  # the git directory, wherever it is (a monorepo's is above)
        if found is not None and inside(os.path.realpath(path), os.path.realpath(found)):
            raise UnsafePathError(path, "it is inside the git directory")
    except UnsafePathError as exc:
        raise OkrError(f"will not write {shown}: {exc.strerror}.") from None
    except OSError as exc:  # a folder, or one on the way that cannot be opened
        raise OkrError(f"cannot write {shown}: {exc.strerror or exc}.") from None


def _a_file(path: Path) -> bool:
    """Whether ``path`` is a file (or none yet) that may get part files beside it: never
    a device or a pipe (``-o /dev/null`` writes nothing into /dev)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _write(path: Path, text: str | list[bytes], shown: Path | str, root: Path) -> None:
    """Write one file of the report (never through a link inside the repository)."""
    try:
        atomic_write(path, text, within=root)
    except UnsafePathError as exc:
        raise OkrError(f"will not write {shown}: {exc.strerror}.") from None
    except OSError as exc:
        raise OkrError(f"cannot write {shown}: {exc.strerror or exc}.") from None


def _summary(renderer: Renderer, data: dict[str, Any]) -> str:
    """The summary, with fewer rows until it fits a pull-request comment (and so a job
    summary); as a last resort cut at a line, saying so."""
    limit = report_data.COMMENT_LIMIT
    rows = report_data.SUMMARY_ROWS
    while True:
        # the blocks the summary leaves empty would leave runs of blank lines
        rendered = re.sub(r"\n{3,}", "\n\n", renderer.render(report_data.summary_view(data, rows)))
        text = _text(rendered)
        if len(text) <= limit or rows == 0:
            break
        rows //= 2
    if len(text) > limit:
        note = "\n\n(cut to fit a pull-request comment; run `okr report` for all of it)\n"
        text = text[: text.rfind("\n", 0, limit - len(note))] + note
    return text


def _split(renderer: Renderer, data: dict[str, Any], output: Path, root: Path) -> str:
    """Too big for GitHub to show as one file: an index (``output``: the headline, what
    needs attention, the units at a glance, the charts, the history) and one file per
    business unit beside it. Returns the index. Every part's place is checked before any
    is written (a link committed at a part's name refuses the report, not half of it)."""
    parts = report_data.parts(data, output.stem)
    for part in parts:
        try:
            check_destination(output.parent / part["file"], root)
        except UnsafePathError as exc:
            raise OkrError(f"will not write {part['file']}: {exc.strerror}.") from None
        except OSError as exc:
            raise OkrError(f"cannot write {part['file']}: {exc.strerror or exc}.") from None
    units = data["units"]
    layout = data["layout"]
    for part in parts:
        text = _text(
            renderer.render(
                {
                    **data,
                    "units": part["members"],
                    "layout": {**layout, "part": {"name": part["name"], "index": output.name}},
                }
            )
        )
        _write(output.parent / part["file"], text, part["file"], root)
    listed = [{k: v for k, v in p.items() if k != "members"} for p in parts]
    index = _text(renderer.render({**data, "units": units, "layout": {**layout, "parts": listed}}))
    _write(output, index, output.name, root)
    return index


def _units_of(m: Moment, period: str) -> set[str]:
    """The units with OKRs for ``period``: those with a file, and (format 1.2) those an
    objective there is shared with."""
    org = {u.id for u in m.repo.org.units} if m.repo.org else set()
    units = set()
    for d in m.repo.docs:
        if d.model is not None and d.model.period == period:
            units.add(d.model.unit)
            units.update(u for o in d.model.objectives for u in o.shared_with if u in org)
    return units


def _unit_scope(m: Moment, period: str, prefix: str, unit: str) -> tuple[str, frozenset[str]]:
    """What of the period's findings a unit's report shows: its own file's, and those about
    a key result of an objective shared with it (format 1.2; they are in the owner's file)."""
    shared = frozenset(
        f"{d.model.unit}/{o.id}/{k.id}"
        for d in m.repo.docs
        if d.model is not None and d.model.period == period and d.model.unit != unit
        for o in d.model.objectives
        if unit in o.shared_with
        for k in o.key_results
    )
    return f"{prefix}{unit}.yaml", shared


def _findings(
    m: Moment, root: Path, prefix: str, wanted: tuple[str, frozenset[str]] | None
) -> Findings:
    """The lint findings in the quarter's folder (only a unit's, ``wanted``: its file and
    the key results shared with it, when given), sorted as the report reads them."""

    def shown(d: Diagnostic) -> bool:
        if wanted is None or d.rel == wanted[0]:
            return True
        return getattr(d.facts, "key_result", None) in wanted[1]

    return sort_findings(
        [
            d
            for d in lint_repository(m.repo, LintRequest(cwd=root), m).diagnostics
            if d.rel.startswith(prefix) and shown(d)
        ]
    )


def _resolve(path: Path | None, cwd: Path) -> Path | None:
    return None if path is None else (cwd / path)
