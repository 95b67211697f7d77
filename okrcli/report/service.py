"""``okr report``: score card, history and lint findings, rendered through a template."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrcli import forked
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
from okrcli.load.files import resolve_root
from okrcli.score.service import choose_quarter
from okrcli.textsafe import safe_output

if TYPE_CHECKING:
    from okrcli.report.findings import Findings
    from okrcli.report.render import Renderer


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


def report(request: ReportRequest) -> str:
    """The report's markdown (also written to ``request.output`` when given)."""
    return "".join(report_lines(request))


def report_lines(request: ReportRequest) -> list[str]:
    """:func:`report`'s markdown in pieces of whole lines, as it is written: a large
    report's text is never held as one string (its few emoji would make that four bytes a
    character)."""
    root = resolve_root(request.repo, request.cwd, request.cwd)
    if request.output is not None:
        check_output_path(request.cwd / request.output, request.output, root)
    # the lint pass runs in a child process meanwhile; the repository, its history and the
    # score card are freed when _data returns (rendering reuses their memory), and the
    # template is loaded, before the lint findings are waited for
    data, lint_job = _data(request, root)
    try:
        from okrcli.report import data as report_data
        from okrcli.report.render import Renderer

        renderer = Renderer(
            template=_resolve(request.template, request.cwd),
            repo_templates=root / "templates",
            name="summary.md.j2" if request.summary else "report.md.j2",
        )
        report_data.add_findings(data, lint_job.result())
    finally:
        lint_job.cancel()  # only if something failed before its result was taken
    if request.summary:
        lines = [_summary(renderer, data)]
    else:
        output = None if request.output is None else request.cwd / request.output
        # too big to show as one file (in UTF-8, which takes at least a byte a character)
        # goes into parts, which the whole need not be rendered to know
        limit = report_data.PREVIEW_LIMIT
        splits = output is not None and _a_file(output)
        rendered = renderer.render_lines(data, past=limit if splits else None)
        if rendered is not None:
            for n, line in enumerate(rendered):
                # in place: the unsafe piece is freed at once
                rendered[n] = _text(line)
        if output is not None and (rendered is None or (splits and _size(rendered) > limit)):
            del rendered
            return [_split(renderer, data, output, root)]
        assert rendered is not None  # only a limit gives up
        lines = rendered
    del data
    if request.output is not None:
        _write(request.cwd / request.output, lines, request.output, root)
    return lines


def _text(text: str) -> str:
    """Report text as it is written: escaped (:func:`okrcli.textsafe.safe_output`), and a
    file name's bytes that are no UTF-8 written ``\\xff`` (:func:`okrcli.fsutil.name_text`)."""
    return name_text(safe_output(text))


def _size(lines: list[str]) -> int:
    """The bytes ``lines`` take in UTF-8."""
    return sum(len(line) if line.isascii() else len(line.encode()) for line in lines)


def check_output_path(path: Path, shown: Path, root: Path) -> None:
    """Refuse an output path that would overwrite the repository's own files or leave it
    through a link (see :func:`okrcli.fsutil.check_output`), before any work is done."""
    from okrcli.cachefile import git_dir_of
    from okrcli.load.prefetch import quick_okrs_dir

    try:
        check_output(path, root, quick_okrs_dir(root))
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


def _write(path: Path, text: str | list[str], shown: Path | str, root: Path) -> None:
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
    from okrcli.report import data as report_data

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
    from okrcli.report import data as report_data

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


def _data(request: ReportRequest, root: Path) -> tuple[dict[str, Any], forked.Job[Findings]]:
    """The report's data but for the lint findings, and the lint pass that finds them,
    started in a forked child (the caller takes its result, or cancels it)."""
    m = moment(root, request.at, request.now)
    quarter = choose_quarter(m.repo, request.quarter, m.at)
    units = None
    if request.unit is not None:
        present = {d.model.unit for d in m.repo.docs if d.model and d.model.quarter == str(quarter)}
        if request.unit not in present:
            raise OkrError(f"--unit {request.unit}: no such unit has OKRs for {quarter}.")
        units = {request.unit}
    history = m.history(str(quarter))
    prefix = f"{m.repo.config.okrs_dir}/{quarter}/"

    wanted = None if request.unit is None else f"{prefix}{request.unit}.yaml"
    # the lint pass needs nothing the score card computes: it runs on the other core. This
    # process keeps no reference to the loaded repository for it (should the child fail, the
    # lint pass reads the repository again here), so the repository is freed as soon as the
    # score card and the data are built, while the child still works
    lint_job = forked.start(
        partial(_findings, m, root, prefix, wanted),
        fallback=partial(_findings_again, request, root, m.at, prefix, wanted),
    )
    try:
        # what only this process needs is imported now, so the lint child starts sooner
        # (the renderer too: the Jinja2 import then overlaps the lint pass)
        import okrcli.report.render  # noqa: F401
        from okrcli.report import data as report_data
        from okrcli.score.card import build

        card = build(m.repo, quarter, history, m.at, units)
        card.notices[:0] = m.notices
        # the files' documents are let go before the data is built, which reuses their memory
        m = m.without_files()
        data = report_data.build_without_findings(
            card, m, quarter, repo_url=request.repo_url, unit=request.unit
        )
        return data, lint_job
    except BaseException:
        lint_job.cancel()
        raise


def _findings(m: Moment, root: Path, prefix: str, wanted: str | None) -> Findings:
    """The lint findings in the quarter's folder (in ``wanted`` only, when given), sorted
    as the report reads them."""
    # imported here: in the forked child, while the main process builds the score card
    from okrcli.lint.engine import lint_repository
    from okrcli.lint.run import LintRequest
    from okrcli.report.findings import sort_findings

    return sort_findings(
        [
            d
            for d in lint_repository(m.repo, LintRequest(cwd=root), m).diagnostics
            if d.rel.startswith(prefix) and (wanted is None or d.rel == wanted)
        ]
    )


def _findings_again(
    request: ReportRequest, root: Path, at: datetime, prefix: str, wanted: str | None
) -> Findings:
    """:func:`_findings` of the repository read again, as at the same moment."""
    return _findings(moment(root, request.at, request.now or at), root, prefix, wanted)


def _resolve(path: Path | None, cwd: Path) -> Path | None:
    return None if path is None else (cwd / path)
