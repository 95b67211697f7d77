"""The ``okr`` command.

Heavy libraries are imported inside the commands that use them, so ``okr --help`` and
``okr --version`` start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from okrcli import __version__, cachefile, forked, process, runner
from okrcli.errors import OkrError

if TYPE_CHECKING:
    from datetime import date

    from okrcli.edit.checkin import CheckInResult
    from okrcli.lint.diagnostics import LintResult
    from okrcli.load.repo import Repository

# click's usage error, as whichever click typer uses raises it (typer >= 0.26 bundles one)
_UsageError: type[Exception] = typer.BadParameter.__mro__[1]


def _unknown_option(command: Any, tokens: list[str]) -> str | None:
    """The first option-like word of ``tokens`` (a command's arguments) that ``command``
    does not know, passing over option values and negative numbers; None when there is none."""
    known: dict[str, bool] = {"-h": False, "--help": False}
    for param in getattr(command, "params", []):
        takes_value = not getattr(param, "is_flag", False) and getattr(param, "nargs", 1) != 0
        for name in [*param.opts, *param.secondary_opts]:
            known[name] = takes_value
    skip = False
    for token in tokens:
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        name = token.split("=", 1)[0]
        if name in known:
            skip = known[name] and "=" not in token
            continue
        if token.startswith("-") and len(token) > 1 and not token[1].isdigit() and token[1] != ".":
            return name
    return None


class _Group(TyperGroup):
    """The command group, saying "no such option --x; did you mean --y?" for a mistyped
    option (which a command that takes negative numbers would call an extra argument)."""

    def invoke(self, ctx: Any) -> Any:
        protected = getattr(ctx, "_protected_args", None)
        tokens = [*(ctx.protected_args if protected is None else protected), *ctx.args]
        try:
            return super().invoke(ctx)
        except _UsageError as exc:
            sub = getattr(exc, "ctx", None)
            if (
                sub is None
                or sub is ctx
                or not (type(exc) is _UsageError or hasattr(exc, "option_name"))
            ):
                raise
            name = _unknown_option(sub.command, tokens[1:])
            if name is None:
                raise
            import difflib

            options = [o for p in sub.command.params for o in p.opts if o.startswith("--")]
            close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]}?"
                if close
                else f"`okr {sub.info_name} -h` lists the options."
            )
            raise _UsageError(f"no such option {name}; {hint}", sub) from None


app = typer.Typer(
    cls=_Group,
    name="okr",
    help="OKRs as code: lint, score and report objectives and key results kept in git.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class LintFormat(StrEnum):
    auto = "auto"
    text = "text"
    concise = "concise"
    json = "json"
    github = "github"
    gitlab = "gitlab"
    sarif = "sarif"
    junit = "junit"


def _is_ci() -> bool:
    return bool(os.environ.get("CI")) or not sys.stdout.isatty()


def _echo(message: str, *, err: bool = False) -> None:
    """One line of output, whatever the repository's names and titles in it hold (their
    control characters are shown escaped and no workflow command in them is obeyed, see
    :mod:`okrcli.textsafe`)."""
    from okrcli.textsafe import safe_line

    typer.echo(safe_line(message), err=err)


def _out(text: str | Iterable[str], *, commands: bool = False, json: bool = False) -> None:
    """Whole output (a format's text, or its pieces of whole lines) on stdout, with control
    characters escaped and no line read as a workflow command (unless ``commands``: the
    github format's own ``::`` lines); ``json``: the text is JSON and stays valid JSON."""
    from okrcli.textsafe import safe_output

    for piece in [text] if isinstance(text, str) else text:
        sys.stdout.write(safe_output(piece, commands=commands, json=json))


def _fail(exc: OkrError) -> typer.Exit:
    _echo(f"okr: {exc.message}", err=True)
    return typer.Exit(exc.exit_code)


_REPO_URL = typer.Option(
    "--repo-url",
    help="The repository's web address, for links to files and commits "
    "(default: from the origin remote).",
)
_ALLOW_PARTIAL = typer.Option(
    "--allow-partial",
    help="Exit 0 even when an OKR file of the period (quarter, year or span) cannot be read "
    "(its unit is left out of the score; the headline says how many units are).",
)


def _partial(left_out: list[str], allow: bool) -> None:
    """Exit 1 after a partial output: a file that cannot be read leaves its unit out of
    every score, so the number is not the organisation's."""
    if not left_out or allow:
        return
    files = ", ".join(left_out)
    whose = "its unit is" if len(left_out) == 1 else "their units are"
    _echo(
        f"okr: {files} could not be read, so {whose} "
        "left out and the output above is partial; fix the file (`okr lint` says why) "
        "or pass --allow-partial to accept a partial score.",
        err=True,
    )
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"okr {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """OKRs as code: lint, score and report objectives and key results kept in git.

    Examples:

      okr lint                       check every OKR file of the repository

      okr lint okrs/2026-Q4/checkout.yaml --format json

      okr rule vanity-kr             explain a rule
    """


@app.command()
def lint(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check.")] = None,
    select: Annotated[
        str | None,
        typer.Option(help="Rules to run, comma-separated: codes, prefixes, names or ALL."),
    ] = None,
    ignore: Annotated[
        str | None, typer.Option(help="Rules to skip, comma-separated (added to okr.yaml's).")
    ] = None,
    output_format: Annotated[
        LintFormat,
        typer.Option(
            "--format", help="Output format; auto is github in GitHub Actions, else text."
        ),
    ] = LintFormat.auto,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the format to this file; the terminal still gets the text output.",
        ),
    ] = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print how often each rule fired.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")
    ] = False,
    repo: Annotated[
        Path | None, typer.Option(help="The OKR repository root (default: found from the paths).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Lint the repository as it was at a commit, tag or date YYYY-MM-DD."),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            help="Report only on the OKR files changed since this branch or commit (its merge "
            "base with HEAD), as a pull request's check; all of them when org.yaml or okr.yaml "
            "changed. The whole repository is still the context.",
        ),
    ] = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            help="Report only on one quarter's files, like 2026-Q4 (or a year's, 2026, or a "
            "span's, 2026-2028)."
        ),
    ] = None,
) -> None:
    """Check OKR files against the format and the OKR guidance.

    Cross-file rules always see the whole repository but report only on the files given.
    Exit status: 0 clean (warnings alone do not fail unless --strict), 1 errors found,
    2 usage, configuration or internal error.

    Examples:

      okr lint

      okr lint okrs/2026-Q4 --select OKR2 --ignore vanity-kr

      okr lint --format json > findings.json

      okr lint --format sarif -o okr.sarif     (text on the terminal, SARIF in the file)

      okr lint --changed-since origin/main     what a pull request changes

      okr lint --quarter 2026-Q4               the running quarter only
    """
    try:
        from okrcli.lint.run import LintRequest
        from okrcli.lint.run import lint as run_lint

        request = LintRequest(
            paths=list(paths or []),
            select=_split(select) if select is not None else None,
            ignore=_split(ignore) if ignore else [],
            repo=repo,
            at=at,
            changed_since=changed_since,
            quarter=quarter,
        )
        result = run_lint(request)
        root = None
        if output is not None:
            from okrcli.load.files import resolve_root
            from okrcli.report.service import check_output_path

            start = request.paths[0] if request.paths else request.cwd
            root = resolve_root(request.repo, start, request.cwd)
            check_output_path(request.cwd / output, output, root)
    except OkrError as exc:
        raise _fail(exc) from None
    if strict:
        from dataclasses import replace

        result = replace(result, failing=("error", "warning"))
    _lint_output(result, output_format, output, statistics, root)
    failing = set(result.failing)
    if not exit_zero and any(d.severity in failing for d in result.diagnostics):
        raise typer.Exit(1)


def _lint_output(
    result: LintResult,
    output_format: LintFormat,
    output: Path | None,
    statistics: bool,
    root: Path | None,
) -> None:
    """Print the findings; write the chosen format to ``output`` when given; add the job
    summary inside GitHub Actions."""
    from okrcli.lint.reporters import FORMATS, step_summary
    from okrcli.lint.reporters import statistics as stats

    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    chosen = output_format.value
    if chosen == "auto":
        chosen = "github" if in_actions and output is None else "text"
    shown = chosen
    if output is not None:  # the file gets the format; the log gets annotations or text
        shown = "github" if in_actions else "text"
    if output is not None:
        from okrcli.fsutil import atomic_write

        try:
            atomic_write(output, FORMATS[chosen](result), within=root)
        except OSError as exc:
            raise _fail(OkrError(f"cannot write {output}: {exc.strerror or exc}.")) from None
    if shown == "text" and not _is_ci():
        from okrcli.cli.rich_out import print_lint

        print_lint(result)
    else:
        _out(FORMATS[shown](result), commands=shown == "github", json=shown in _JSON_FORMATS)
        if shown != "text":
            for note in result.notices:
                _echo(f"okr: note: {note}", err=True)
    if statistics:
        _out(stats(result))
    if in_actions:
        _job_summary(step_summary(result))


_JSON_FORMATS = frozenset({"json", "gitlab", "sarif"})


def _job_summary(text: str) -> None:
    """Append to the GitHub Actions job summary, when the runner offers one (escaped as
    every output is)."""
    from okrcli.textsafe import safe_output

    text = safe_output(text)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file:
        return
    try:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        _echo(f"okr: note: could not write the job summary: {exc.strerror}.", err=True)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class ScoreFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def score(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Unit files or folders to score (default: all).")
    ] = None,
    quarter: Annotated[
        str | None, typer.Option(help="The quarter, like 2026-Q4 (default: the running one).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Score the repository as it was at a commit, tag or date YYYY-MM-DD."),
    ] = None,
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", help="Output format.")
    ] = ScoreFormat.text,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
    allow_partial: Annotated[bool, _ALLOW_PARTIAL] = False,
    year: Annotated[
        str | None, typer.Option(help="Score a year's annual OKRs instead, like 2026.")
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="Score a span's multi-year OKRs instead, like 2026-2028."),
    ] = None,
) -> None:
    """Score a quarter for its retrospective: scores, bands, pace, trends and prompts.

    Each key result shows baseline, current and target, its score (0 to 1, lower-is-better
    key results included), its pace against the time gone, its last check-in and a weekly
    trend from git history. Units get the questions their band calls for and, once the
    quarter is over, how well their confidence check-ins predicted the outcome.

    Examples:

      okr score

      okr score okrs/2026-Q4/checkout.yaml --format markdown

      okr score --quarter 2026-Q3

      okr score --year 2026            the annual OKRs, paced over the year

      okr score --years 2026-2028      the multi-year OKRs

      okr score --at 2026-11-06        the repository as it was that day

      okr score --allow-partial        score even when an OKR file cannot be read

    Exit status: 0 scored, 1 an OKR file of the period could not be read (the output is
    written, marked partial; --allow-partial exits 0), 2 usage error.
    """
    try:
        from okrcli.score.formats import FORMATS as SCORE_FORMATS
        from okrcli.score.service import ScoreRequest
        from okrcli.score.service import score as run_score

        card = run_score(ScoreRequest(list(paths or []), quarter, at, repo, year=year, years=years))
    except OkrError as exc:
        raise _fail(exc) from None
    _out(SCORE_FORMATS[output_format.value](card), json=output_format is ScoreFormat.json)
    _partial(card.left_out, allow_partial)


@app.command()
def report(
    quarter: Annotated[
        str | None, typer.Option(help="The quarter, like 2026-Q4 (default: the running one).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Report the repository as it was at a commit, tag or date YYYY-MM-DD."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    template: Annotated[
        Path | None, typer.Option(help="A Jinja2 template of your own (runs in a sandbox).")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Report one unit only.")] = None,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="The short version (headline, what needs attention, the lowest units), "
            "always within a pull-request comment's 65,536 characters.",
        ),
    ] = False,
    repo_url: Annotated[str | None, _REPO_URL] = None,
    allow_partial: Annotated[bool, _ALLOW_PARTIAL] = False,
    year: Annotated[
        str | None, typer.Option(help="Report a year's annual OKRs instead, like 2026.")
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="Report a span's multi-year OKRs instead, like 2026-2028."),
    ] = None,
) -> None:
    """Render the quarterly report as GitHub-flavoured markdown, from the git history.

    A headline, what needs attention, the units at a glance (worst first), charts of the
    quarter, the alignment tree (mermaid, with a text list), every unit's key results with
    pace, progress bars and weekly trends, what the history shows (moved goalposts, stale
    key results, gaps, dependencies, lint findings), the check-in log and, once the quarter
    is over, retrospective prompts. A report too big for GitHub to show (over about 2 MB)
    written with -o is split: the file given is an index, with one file per business unit
    beside it. A templates/ folder in the OKR repository, or --template, overrides or
    extends the bundled template (docs/report.md lists the data it receives).

    --year and --years report an annual or multi-year period (format 1.2) the same way,
    paced over the whole period, each objective with the objectives of its quarters that
    align to it and their scores.

    Examples:

      okr report --quarter 2026-Q4 -o report.md

      okr report --at 2026-11-20 --unit checkout

      okr report --year 2026 -o report-2026.md       the year so far

      okr report --years 2026-2028 --at 2027-01-15   a span, as it was that day

      okr report --template my-report.md.j2

      okr report --summary >> "$GITHUB_STEP_SUMMARY"

    Exit status: 0 written, 1 an OKR file of the period could not be read (the report is
    written, marked partial; --allow-partial exits 0), 2 usage error (--quarter, --year
    and --years together; a period with no OKR files).
    """
    from okrcli.report.service import ReportRequest
    from okrcli.report.service import report_result as run_report

    try:
        request = ReportRequest(
            quarter,
            at,
            output,
            template,
            unit,
            repo,
            summary=summary,
            repo_url=repo_url,
            year=year,
            years=years,
        )
        result = run_report(request)
    except OkrError as exc:
        raise _fail(exc) from None
    if output is None:
        _out(line.decode() for line in result.lines)
    else:
        _echo(f"wrote {output}")
    _partial(result.left_out, allow_partial)


@app.command()
def site(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The folder to write the site into.")
    ],
    at: Annotated[
        str | None,
        typer.Option(help="The repository as it was at a commit, tag or date YYYY-MM-DD."),
    ] = None,
    quarters: Annotated[
        str | None,
        typer.Option(help="The quarters to show, FROM..TO (default: every quarter)."),
    ] = None,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
    repo_url: Annotated[str | None, _REPO_URL] = None,
    allow_partial: Annotated[bool, _ALLOW_PARTIAL] = False,
) -> None:
    """Build a static dashboard of every quarter: HTML pages, data.json and CSV files.

    An index (the organisation's score quarter by quarter, the running quarter's state with
    what needs attention first, the units at a glance), a page per unit (each quarter's
    objectives and key results, with score, pace or band, trend, confidence, notes and the
    check-in log), a page per quarter (the report's content and the alignment tree), and
    data.json with one CSV per quarter. With annual or multi-year OKRs (format 1.2), a page
    and a CSV per year and span too, with the quarters that align to each objective. The
    pages need no script and load nothing from outside the folder: open index.html from
    disk, or publish the folder. Every number is the one `okr score --quarter QUARTER --at
    DAY` (or `--year`, `--years`) gives.

    The folder must be new, empty, or one okr site wrote before (it leaves a .okr-site
    file there): okr site never writes over files it did not write.

    Examples:

      okr site -o site

      okr site -o site --at 2026-11-20 --quarters 2026-Q1..2026-Q4

    Exit status: 0 written, 1 an OKR file could not be read (the site is written, its
    unit left out; --allow-partial exits 0), 2 usage error.
    """
    from okrcli.site.build import SiteRequest, build_site

    # an in-process front-end on the core, as a library caller would use it: the forking
    # runner main() installed is taken back, and everything runs here, in order
    runner.install(runner.Serial())
    try:
        result = build_site(SiteRequest(output, at, quarters, repo, repo_url=repo_url))
    except OkrError as exc:
        raise _fail(exc) from None
    spans = f" and {', '.join(result.periods)}" if result.periods else ""
    counted = f"{len(result.quarters)} quarter{'' if len(result.quarters) == 1 else 's'}"
    _echo(
        f"wrote {len(result.files)} files for {counted}{spans} into "
        f"{output}; open {output / 'index.html'}"
    )
    _partial(result.left_out, allow_partial)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"


@app.command()
def diff(
    base: Annotated[
        str | None, typer.Argument(help="Compare from (default: merge base with main).")
    ] = None,
    head: Annotated[
        str | None, typer.Argument(help="Compare to (default: the working tree).")
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="text, or markdown for a pull request.")
    ] = DiffFormat.text,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
) -> None:
    """Say what a change does to the OKRs: added and removed objectives and key results,
    baselines and targets moved (easier or harder), check-ins with their score change, and
    lint findings introduced or fixed.

    Examples:

      okr diff                          this branch against where it left main

      okr diff main HEAD --format markdown > comment.md

      okr diff HEAD~1 HEAD
    """
    from okrcli.report.diff import FORMATS as DIFF_FORMATS
    from okrcli.report.diff import diff as run_diff
    from okrcli.report.diff import markdown

    try:
        result = run_diff(base, head, repo=repo, cwd=Path.cwd())
    except OkrError as exc:
        raise _fail(exc) from None
    _out(DIFF_FORMATS[output_format.value](result))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        _job_summary(markdown(result)[: 1024 * 1000])


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Where to create the repository.")] = Path("."),
    company: Annotated[
        str | None, typer.Option(help="The company's name (default: from the folder).")
    ] = None,
    quarter: Annotated[
        str | None, typer.Option(help="The first quarter (default: the running one).")
    ] = None,
    install: Annotated[
        str | None,
        typer.Option(
            help="How CI installs okrcli, a pip requirement such as "
            "git+https://github.com/acme/okrcli@v0.1.0 (default: a line marked EDIT THIS)."
        ),
    ] = None,
) -> None:
    """Start an OKR repository: config, organisation, a first quarter, CI and editor setup.

    Writes okr.yaml (every option commented), org.yaml, okrs/<quarter>/ with two example
    files, schemas/, GitHub workflows (lint and score, sync, the weekly site), a GitLab CI
    file, a pre-commit config and VS Code settings. Existing files are never overwritten:
    they are listed as skipped. Runs `git init` unless the folder is already in a git
    repository.

    Examples:

      okr init okr-repo --company "Acme Retail"

      okr init .                     add whatever is missing to an existing repository
    """
    from okrcli.edit.scaffold import init as run_init

    try:
        result = run_init(folder, company=company, quarter=quarter, install=install)
    except OkrError as exc:
        raise _fail(exc) from None
    for rel in result.written:
        _echo(f"wrote   {rel}")
    for rel in result.skipped:
        reason = "" if "(" in rel else " (it exists; okr init never overwrites)"
        _echo(f"skipped {rel}{reason}")
    if result.git_created:
        typer.echo("created a git repository")
    where = "" if folder.resolve() == Path.cwd().resolve() else f" in {folder}"
    _echo(f"Next: edit org.yaml and the files under okrs/, then run `okr lint`{where}.")
    if install is None and any(r.endswith((".yml", ".gitlab-ci.yml")) for r in result.written):
        _echo(
            "The CI files install okrcli from a placeholder repository (the lines marked "
            "EDIT THIS): point them at yours, or run okr init again with --install."
        )


@app.command()
def new(
    unit: Annotated[str, typer.Argument(help="The unit id from org.yaml.")],
    quarter: Annotated[
        str | None, typer.Option(help="The quarter to write (default: the running one).")
    ] = None,
    from_quarter: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Carry objectives and key results over from this quarter; each new baseline "
            "is the last checked-in value.",
        ),
    ] = None,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
    year: Annotated[
        str | None, typer.Option(help="Write an annual file for this year instead, like 2026.")
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="Write a multi-year file for this span instead, like 2026-2028."),
    ] = None,
) -> None:
    """Write a unit's OKR file for a quarter, a year or a span of years.

    From a template that lists the parent unit's objectives and the strategy themes as
    alignment choices, or with --from, carried over from an earlier quarter (comments and
    layout kept, baselines moved to where the key results ended, current cleared, a header
    of its own; a binary key result done then is left out, and named).

    Examples:

      okr new checkout --quarter 2027-Q1

      okr new checkout --quarter 2027-Q1 --from 2026-Q4

      okr new acme --year 2027                 an annual file, okrs/2027/acme.yaml

      okr new acme --year 2027 --from 2026     the year carried over into the next

      okr new acme --years 2026-2028           a multi-year file (the product vision's)
    """
    from okrcli.edit.service import done_milestones, new_file, open_repo, pick_period

    try:
        r = open_repo(repo, Path.cwd())
        path = new_file(r, unit, pick_period(r, quarter, year, years), from_quarter)
        done = done_milestones(r, unit, from_quarter) if from_quarter is not None else []
    except OkrError as exc:
        raise _fail(exc) from None
    for m in done:
        _echo(
            f"left out {m.objective}/{m.kr} ({m.title}): binary and done in {from_quarter}; "
            "add it back by hand if it still needs doing."
        )
    _echo(f"wrote {path.relative_to(r.root)}; fill it in and run `okr lint` on it.")


@app.command("check-in", context_settings={"ignore_unknown_options": True})
def check_in(
    target: Annotated[
        str,
        typer.Argument(help="UNIT/KR or UNIT/OBJECTIVE/KR; a UNIT alone asks for each KR."),
    ],
    value: Annotated[
        str | None, typer.Argument(help="The current value (the same value re-confirms it).")
    ] = None,
    confidence: Annotated[
        str | None, typer.Option("--confidence", "-c", help="Confidence, 0 to 1 (0.7, not 70%).")
    ] = None,
    message: Annotated[
        str | None,
        typer.Option(
            "--message",
            "-m",
            help="A note: kept in the file beside the value (until the next check-in) and in "
            "the commit message; shown by score, report and diff.",
        ),
    ] = None,
    commit: Annotated[
        bool,
        typer.Option(
            "--commit", help="Commit the check-in (refused when the file has other edits)."
        ),
    ] = False,
    quarter: Annotated[
        str | None, typer.Option(help="The quarter (default: the running one).")
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day of a late check-in, YYYY-MM-DD (written as `checked:`; not in the "
            "future, not before the previous check-in).",
        ),
    ] = None,
    reopen: Annotated[
        str | None,
        typer.Option(
            "--reopen",
            help="Change a closed quarter on purpose: the reason, recorded in the commit "
            "message (needs --commit; okr lint reports the change as OKR404).",
        ),
    ] = None,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
    year: Annotated[
        str | None, typer.Option(help="Check in an annual key result of this year, like 2026.")
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="Check in a multi-year key result of this span, like 2026-2028."),
    ] = None,
) -> None:
    """Check in a key result: its current value (and confidence, and a note) in place.

    Only those lines of the file change (plus `checked:`, the day, so that re-confirming an
    unchanged value is recorded too): comments, order, quoting and layout stay. With
    --commit the check-in is committed with a structured message that the history and the
    report read back. Without --quarter the running quarter is used (by the calendar and
    okr.yaml's fiscal year). On a terminal, `okr check-in UNIT` walks through the unit's
    key results and asks for each value and confidence.

    Examples:

      okr check-in checkout/conversion 44.5

      okr check-in checkout/effortless-checkout/conversion 44.5 -c 0.7 --commit -m "promo week"

      okr check-in checkout/conversion 44.5 --commit     the same value again: re-confirmed

      okr check-in checkout              ask for each key result (on a terminal)

      okr check-in checkout/conversion 44.5 --date 2026-09-30 --commit     a late check-in

      okr check-in checkout/conversion 44.5 --quarter 2026-Q3 --reopen "invoices came late" --commit

      okr check-in acme/loyal-customers/nrr 107 --year 2026 --commit     an annual key result

    A quarter takes check-ins until its last day plus scoring.close_days (okr.yaml, 14 by
    default); after that it is closed and only --reopen changes it.
    """
    from okrcli.closing import refuse_closed
    from okrcli.edit import service

    try:
        r = service.open_repo(repo, Path.cwd())
        q = service.pick_period(r, quarter, year, years)
        asked = quarter is not None or year is not None or years is not None
        unit = target.split("/")[0]
        refuse_closed(r.config, q, "check-in", reopen)
        if reopen is not None and not commit:
            raise OkrError(
                "--reopen records why a closed quarter changes in the commit message; add --commit."
            )
        when = service.checkin_day(r, q, day) if day is not None else None
        with service.turn(r):
            original = None
            if commit:
                service.running_doc(r, q, unit, asked)
                original = service.committable(r, q, unit)
            if "/" in target:
                result = service.check_in_one(
                    r, q, target, value, confidence, message, asked=asked, day=when
                )
            else:
                if value is not None:
                    raise OkrError(
                        f"name the key result the value is for, like `okr check-in {target}/KR "
                        f"{value}`; `okr check-in {target}` alone asks for each one."
                    )
                result = _interactive(r, q, target, confidence, message, asked, when)
            if not result.written:
                _echo(
                    "Nothing changed: it was already checked in today with these values."
                    if result.confirmed or "/" in target
                    else "Nothing changed."
                )
                return
            if commit:
                cid = service.commit(r, result, unit, message, original, reopen)
        _echo(f"{result.path.relative_to(r.root)}: {result.summary()}")
        if commit:
            typer.echo(f"committed {cid[:8]}")
    except OkrError as exc:
        raise _fail(exc) from None


def _interactive(
    r: Repository,
    quarter: str,
    unit: str,
    confidence: str | None,
    note: str | None,
    asked: bool,
    day: date | None = None,
) -> CheckInResult:
    """Ask for each key result of ``unit`` (value, then confidence); only on a terminal,
    never in CI. ``confidence`` (-c) is offered as each one's default."""
    from okrcli import closing
    from okrcli.edit import service
    from okrcli.edit.checkin import Edit, show

    if _is_ci() or not sys.stdin.isatty():
        raise OkrError(
            f"name the key result to check in, like `okr check-in {unit}/KR VALUE`; "
            "asking for each one needs a terminal."
        )
    if confidence is not None:
        service.confidence_text(confidence)  # a bad -c is refused before any question
    doc, rows = service.kr_choices(r, quarter, unit, asked)
    _echo(
        f"Checking in {unit} for {quarter}: Enter re-confirms the value in brackets, "
        "- skips a key result."
    )
    edits = []
    for row in rows:
        _echo(f"{row.ref}: {row.title}")
        _echo(f"  {row.describe()}")
        keep = show(row.current) if row.current is not None else ""
        value = _ask("  value", keep, partial(service.value_text, binary=row.binary))
        if value in ("", "-"):
            continue  # skipped, or no value to re-confirm
        offered = confidence or (show(row.confidence) if row.confidence is not None else "")
        conf = _ask("  confidence 0..1", offered, service.confidence_text)
        if conf == "-":
            conf = ""
        if day is not None:
            k = doc.model.objectives[row.objective].key_results[row.kr] if doc.model else None
            if k is not None:
                service.not_before_previous(row.ref, k, day)
        values = service.edit_values(value, conf or None, note, day or closing.today(r.config))
        edits.append(Edit(row.objective, row.kr, values))
    return service.check_in_many(doc, edits)


def _ask(label: str, default: str, check: Callable[[str], object]) -> str:
    """Ask until the answer passes ``check`` (or is empty, or -); the default is shown."""
    while True:
        answer = str(
            typer.prompt(
                f"{label} [{default}]" if default else label, default="", show_default=False
            )
        ).strip()
        if answer in ("", "-"):
            return default if answer == "" else "-"
        try:
            check(answer)
        except OkrError as exc:
            _echo(f"  {exc.message}")
            continue
        return answer


@app.command()
def rules() -> None:
    """List every rule: code, name, default severity and what it catches.

    Example:

      okr rules
    """
    from okrcli.rules.base import registry

    reg = registry()
    width = max(len(r.name) for r in reg.values())
    for code, r in reg.items():
        typer.echo(f"{code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}")


@app.command()
def rule(
    ref: Annotated[str, typer.Argument(help="A rule code (OKR204) or name (vanity-kr).")],
) -> None:
    """Explain one rule: its rationale, options, and a bad and a good example.

    Examples:

      okr rule OKR205

      okr rule initiative-kr
    """
    from okrcli.lint.select import code_of
    from okrcli.rules.base import registry
    from okrcli.rules.explain import explain

    try:
        reg = registry()
        code = code_of(ref, reg, "okr rule")
    except OkrError as exc:
        raise _fail(exc) from None
    typer.echo(explain(reg[code]))


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the schemas to.")
    ] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="Only check that the folder is up to date.")
    ] = False,
) -> None:
    """Write the JSON Schemas of okr.yaml, org.yaml and OKR files (for editors and CI).

    Examples:

      okr schema                     write schemas/*.schema.json

      okr schema --check             exit 1 when the committed schemas are stale
    """
    from okrcli.model.schema import write_schemas

    try:
        stale = write_schemas(out, check=check)
    except OkrError as exc:
        raise _fail(exc) from None
    for name in stale:
        _echo(f"{'stale' if check else 'wrote'} {out / name}")
    if check and stale:
        typer.echo("Run `okr schema` to update them.", err=True)
        raise typer.Exit(1)


@app.command()
def lsp(
    stdio: Annotated[
        bool, typer.Option("--stdio", help="Talk over stdin and stdout (the default).")
    ] = True,
) -> None:
    """Run the language server: okr lint's findings, hovers, completion and fixes while you
    type, in any editor that speaks LSP (see docs/editors.md). Needs the extra:
    pip install 'okrcli[lsp]'.

    Examples:

      okr lsp                        started by the editor, over stdin and stdout

      okr lsp --stdio                the same, for editors that pass the flag
    """
    from okrcli import lsp as lsp_server

    # an in-process front-end: everything runs here, nothing is forked (okrcli.runner); it
    # writes no file, caches included (it reads them, and keeps its own walks in memory)
    runner.install(runner.Serial())
    cachefile.write_none()
    try:
        lsp_server.main()
    except OkrError as exc:
        raise _fail(exc) from None


# --- okr sync ---------------------------------------------------------------------------


class SyncFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def sync(
    refs: Annotated[
        list[str] | None,
        typer.Argument(help="UNIT, UNIT/KR or UNIT/OBJECTIVE/KR to sync (default: all)."),
    ] = None,
    quarter: Annotated[
        str | None, typer.Option(help="The quarter (default: the running one).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit the new values in one commit.")
    ] = False,
    allow_commands: Annotated[
        bool,
        typer.Option(
            "--allow-commands",
            help="Run `command:` sources (only on code you have reviewed, never a fork's).",
        ),
    ] = False,
    output_format: Annotated[
        SyncFormat, typer.Option("--format", help="Output format.")
    ] = SyncFormat.text,
    reopen: Annotated[
        str | None,
        typer.Option(
            "--reopen",
            help="Sync a closed quarter on purpose: the reason, recorded in the commit "
            "message (needs --commit or --dry-run).",
        ),
    ] = None,
    repo: Annotated[Path | None, typer.Option(help="The OKR repository root.")] = None,
    year: Annotated[
        str | None, typer.Option(help="Sync the annual key results of this year, like 2026.")
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="Sync the multi-year key results of this span, like 2026-2028."),
    ] = None,
) -> None:
    """Check in key results from their metric sources (`source:` in the OKR files).

    Reads every source of the quarter in parallel (sql, http, csv and, with
    --allow-commands, command) and writes the values as check-ins: one-line edits, each file
    whole or not at all. A source that fails is named with its reason and the others are
    still written. Secrets come only from ${env:NAME} and appear in no output.
    Exit status: 0 all synced, 1 some source failed, 2 usage or configuration error.

    Examples:

      okr sync --dry-run

      okr sync --commit

      okr sync checkout checkout/effortless-checkout/conversion --format json

      okr sync --quarter 2026-Q3 --reopen "the September invoices came late" --commit

      okr sync --year 2026 --commit       the annual key results

    A quarter closed (its last day plus scoring.close_days) is refused unless --reopen.
    """
    from okrcli.sync.service import SyncRequest
    from okrcli.sync.service import sync as run_sync

    request = SyncRequest(
        refs=list(refs or []),
        quarter=quarter,
        year=year,
        years=years,
        dry_run=dry_run,
        commit=commit,
        allow_commands=allow_commands,
        reopen=reopen,
        repo=repo,
        cwd=Path.cwd(),
    )
    if dry_run and commit:
        raise _fail(OkrError("--dry-run writes nothing, so there is nothing to --commit."))
    try:
        if _is_ci() or output_format is SyncFormat.json:
            result = run_sync(request)
        else:
            from okrcli.cli.sync_out import progress

            with progress("syncing") as step:
                request.progress = step
                result = run_sync(request)
    except OkrError as exc:
        raise _fail(exc) from None
    from okrcli.sync.formats import FORMATS as SYNC_FORMATS

    _out(SYNC_FORMATS[output_format.value](result), json=output_format is SyncFormat.json)
    if result.failed:
        raise typer.Exit(1)


# --- end of okr sync --------------------------------------------------------------------


def main() -> None:
    """Entry point: any error not handled above is an internal error, exit 2."""
    process.prepare()
    runner.install(forked.Forking())  # the command may use the other core (okrcli.runner)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("okr: interrupted.", err=True)
        sys.exit(130)
    except SystemExit as done:
        process.leave(done)
    except Exception as exc:
        _echo(f"okr: internal error: {type(exc).__name__}: {exc}. Please report it.", err=True)
        sys.exit(2)
