"""``okr report``: score card, history and lint findings, rendered through a template."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrcli import forked
from okrcli.errors import OkrError
from okrcli.fsutil import UnsafePathError, atomic_write, check_output, inside
from okrcli.history.source import Moment, moment
from okrcli.load.files import resolve_root
from okrcli.score.service import choose_quarter
from okrcli.textsafe import safe_output

if TYPE_CHECKING:
    from okrcli.lint.diagnostics import Diagnostic


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


def report(request: ReportRequest) -> str:
    """The report's markdown (also written to ``request.output`` when given)."""
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
            template=_resolve(request.template, request.cwd), repo_templates=root / "templates"
        )
        report_data.add_findings(data, lint_job.result())
    finally:
        lint_job.cancel()  # only if something failed before its result was taken
    text = safe_output(renderer.render(data))
    del data
    if request.output is not None:
        try:
            atomic_write(request.cwd / request.output, text)
        except OSError as exc:
            raise OkrError(f"cannot write {request.output}: {exc.strerror or exc}.") from None
    return text


def check_output_path(path: Path, shown: Path, root: Path) -> None:
    """Refuse an output path that would overwrite the repository's own files or leave it
    through a link (see :func:`okrcli.fsutil.check_output`), before any work is done."""
    from okrcli.load.parsecache import okrcli_dir
    from okrcli.load.prefetch import _quick_okrs_dir

    try:
        check_output(path, root, _quick_okrs_dir(root))
        found = okrcli_dir(root)  # the git directory, wherever it is (a monorepo's is above)
        if found is not None and inside(os.path.realpath(path), os.path.realpath(found.parent)):
            raise UnsafePathError(path, "it is inside the git directory")
    except UnsafePathError as exc:
        raise OkrError(f"will not write {shown}: {exc.strerror}.") from None


def _data(
    request: ReportRequest, root: Path
) -> tuple[dict[str, Any], forked.Job[list[Diagnostic]]]:
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
        return report_data.build_without_findings(card, m, quarter), lint_job
    except BaseException:
        lint_job.cancel()
        raise


def _findings(m: Moment, root: Path, prefix: str, wanted: str | None) -> list[Diagnostic]:
    """The lint findings in the quarter's folder (in ``wanted`` only, when given)."""
    # imported here: in the forked child, while the main process builds the score card
    from okrcli.lint.engine import lint_repository
    from okrcli.lint.run import LintRequest

    return [
        d
        for d in lint_repository(m.repo, LintRequest(cwd=root), m).diagnostics
        if d.rel.startswith(prefix) and (wanted is None or d.rel == wanted)
    ]


def _findings_again(
    request: ReportRequest, root: Path, at: datetime, prefix: str, wanted: str | None
) -> list[Diagnostic]:
    """:func:`_findings` of the repository read again, as at the same moment."""
    return _findings(moment(root, request.at, request.now or at), root, prefix, wanted)


def _resolve(path: Path | None, cwd: Path) -> Path | None:
    return None if path is None else (cwd / path)
