"""One output escaping for every line okr prints (okrcli.textsafe): a title, file name,
CSV header, server answer or `select:` text cannot put a GitHub workflow command (``::cmd``
at a line's start, ``##[cmd]`` anywhere in a line), a terminal escape or a bidirectional
override into a CI log, through okr lint (every format), score, diff, report and sync."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrcli.lint.diagnostics import LintResult
from okrcli.lint.reporters import FORMATS as LINT_FORMATS
from okrcli.lint.reporters import step_summary
from okrcli.rules.base import GOOD_FILE
from okrcli.sync.formats import as_json as sync_json
from okrcli.sync.formats import text as sync_text
from okrcli.sync.service import Synced, SyncResult
from okrcli.textsafe import safe_line, safe_output, visible
from tests.conftest import commit_versions, diagnostic, okr, write_repo
from tests.sync_helpers import Route, Server, kr, serve, sync_repo

# what a hostile value may hold: a forged line, both command syntaxes, escapes, bidi
HOSTILE = [
    "Two\n::error file=a.yaml,line=1::forged",
    "Grow ##[error]forged, mid-line",
    "  ::stop-commands::token123",
    "##[stop-commands]token",
    "\r::add-mask::x",
    "Bidi \u202eevil\u202c and \x1b[2J clear \x9b2J",
    "\u2028::warning::after a line separator",
]


def inert(out: str, own: tuple[str, ...] = ()) -> None:
    """No line of ``out`` is read as a workflow command (except okr's own, starting with one
    of ``own``), and no terminal escape or bidirectional control is in it."""
    for line in out.split("\n"):
        if line.lstrip().startswith("::"):
            assert own and line.startswith(own), repr(line)
        assert "##[" not in line, repr(line)
    for ch in "\x1b\x9b\u202e\u202c\u2028\r":
        assert ch not in out, repr(ch)


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_output_defuses_both_command_syntaxes_and_keeps_the_lines(value: str) -> None:
    text = f"first line\n{value}\nlast line\n"
    out = safe_output(text)
    inert(out)
    assert out.startswith("first line\n") and out.endswith("\nlast line\n")
    one = safe_line(value)
    inert(one)
    assert "\n" not in one


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("::error::x", "\\x3a:error::x"),
        ("   ::stop-commands::t", "   \\x3a:stop-commands::t"),
        ("a ##[error]b ##[warning]c", "a ##\\x5berror]b ##\\x5bwarning]c"),
        ("###[x", "###\\x5bx"),
        ("a::b ##x [c]", "a::b ##x [c]"),  # neither syntax: unchanged
    ],
)
def test_safe_output_shows_the_command_escaped(value: str, shown: str) -> None:
    assert safe_output(value) == shown


@pytest.mark.parametrize("value", HOSTILE)
def test_json_output_stays_valid_json_with_the_same_values(value: str) -> None:
    text = json.dumps({"message": value, "lines": [value, "ok"]}, indent=2, ensure_ascii=False)
    out = safe_output(text, json=True)
    inert(out)
    assert json.loads(out) == {"message": value, "lines": [value, "ok"]}


def test_github_format_keeps_its_own_commands_only() -> None:
    out = safe_output("::error file=a::x ##[warning]y\n::notice::z\n", commands=True)
    assert out == "::error file=a::x ##\\x5bwarning]y\n::notice::z\n"


def _lint_result(value: str) -> LintResult:
    return LintResult(
        diagnostics=[
            diagnostic(message=value),
            diagnostic(path=f"okrs/{value}.yaml", message="a title", line=3),
        ],
        files=["a.yaml"],
        notices=[f"note {value}"],
    )


@pytest.mark.parametrize("fmt", sorted(LINT_FORMATS))
@pytest.mark.parametrize("value", HOSTILE)
def test_every_lint_format_printed_is_inert(fmt: str, value: str) -> None:
    out = safe_output(
        LINT_FORMATS[fmt](_lint_result(value)),
        commands=fmt == "github",
        json=fmt in ("json", "gitlab", "sarif"),
    )
    inert(out, own=("::error file=",) if fmt == "github" else ())
    if fmt == "github":
        assert out.count("\n::error file=") + out.startswith("::error file=") == 2
    if fmt in ("json", "gitlab", "sarif"):
        json.loads(out)
    if fmt == "junit":
        ET.fromstring(out)
    summary = safe_output(step_summary(_lint_result(value)))
    inert(summary)


def _sync_result(value: str) -> SyncResult:
    return SyncResult(
        quarter="2026-Q4",
        dry_run=True,
        items=[
            Synced(ref=f"unit/{value}", file="a.yaml", source=f"csv {value}", status="failed",
                       error=f"the CSV file has no column 'x' (it has: {value})."),
            Synced(ref="unit/kr", file="a.yaml", source=f"http select {value}",
                       status="changed", old="1", new="2"),
        ],
    )  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE)
def test_sync_text_and_json_printed_are_inert(value: str) -> None:
    result = _sync_result(value)
    text = safe_output(sync_text(result))
    inert(text)
    assert len(text.splitlines()) == 3  # two key results and the summary: nothing forged
    assert visible(value) in text or safe_line(value) in text
    raw = safe_output(sync_json(result), json=True)
    inert(raw)
    data = json.loads(raw)
    assert data["key_results"][0]["ref"] == f"unit/{value}"


# --- through okr's own commands ------------------------------------------------------


@pytest.fixture
def hostile_server() -> Iterator[Server]:
    yield from serve(
        {
            "/text": Route({"rate": "12 ##[error]forged\n::error::forged \u202e \x1b[2J"}),
            "/field": Route({"::error::x\n##[error]y": 3}),
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_okr_sync_prints_server_answers_headers_and_selects_inert(
    tmp_path: Path, hostile_server: Server, fmt: str
) -> None:
    url = hostile_server.url
    root = sync_repo(
        tmp_path / "r",
        [
            kr("answer", f"{{http: '{url}/text', select: rate}}"),
            kr("select", f"{{http: '{url}/field', select: '\"::error::x\\n##[error]y\"'}}"),
            kr("header", "{csv: metrics/h.csv, column: nps}"),
            kr("pick", f"{{http: '{url}/text', select: 'nothing ##[error]sel'}}"),
        ],
        files={"metrics/h.csv": 'week,"x\n::error::forged ##[error]h \x1b[2J"\n1,2\n'},
    )
    r = okr("sync", "--quarter", "2026-Q4", "--dry-run", "--format", fmt, cwd=root)
    assert r.returncode == 1, r.stdout + r.stderr
    inert(r.stdout)
    inert(r.stderr)
    if fmt == "json":
        data = json.loads(r.stdout)
        assert len(data["key_results"]) == 4
        assert data["summary"]["failed"] >= 3
    else:
        assert sum(line.startswith("FAILED") for line in r.stdout.splitlines()) >= 3
        assert len(r.stdout.splitlines()) == 5  # four key results and the summary


def _hostile_repo(root: Path, title: str) -> Path:
    quoted = json.dumps(title)  # a YAML double-quoted string holding every character
    text = GOOD_FILE.replace("Raise checkout conversion of returning customers", quoted)
    text = text.replace(
        "Make checkout effortless for returning customers", json.dumps(f"Objective {title}")
    )
    write_repo(root, {})
    commit_versions(
        root,
        "okrs/2026-Q4/checkout.yaml",
        [
            ("2026-10-01", text),
            ("2026-10-20", text.replace("target: 34", "target: 33\n        current: 31")),
        ],
    )
    return root


LIVE_LINK = re.compile(r"(?<!\\)\]\(")  # a ] not escaped, then (: a link's target
TITLES = [
    "Grow ##[error]forged ![img](https://evil.example/i.png) [link](https://evil.example)",
    "Two\n::error file=a.yaml::forged \u202eevil\u202c \x1b[2J",
]


@pytest.mark.slow
@pytest.mark.parametrize("title", TITLES)
def test_score_diff_and_report_print_titles_inert(tmp_path: Path, title: str) -> None:
    root = _hostile_repo(tmp_path / "r", title)
    runs = {
        "score text": okr("score", "--quarter", "2026-Q4", "--at", "2026-10-21", cwd=root),
        "score markdown": okr(
            "score", "--quarter", "2026-Q4", "--at", "2026-10-21", "--format", "markdown",
            cwd=root,
        ),
        "score json": okr(
            "score", "--quarter", "2026-Q4", "--at", "2026-10-21", "--format", "json", cwd=root
        ),
        "diff text": okr("diff", "HEAD~1", "HEAD", cwd=root),
        "diff markdown": okr("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=root),
        "report": okr("report", "--quarter", "2026-Q4", "--at", "2026-10-21", cwd=root),
        "lint text": okr("lint", cwd=root),
        "lint github": okr("lint", "--format", "github", cwd=root),
    }  # fmt: skip
    for name, r in runs.items():
        assert r.returncode in (0, 1), f"{name}: {r.stderr}"
        inert(r.stdout, own=("::error file=", "::warning file=", "::notice file="))
        inert(r.stderr)
        if name.endswith("markdown") or name == "report":
            # titles stay text: no live link or image, in every markdown output alike (a
            # chart's labels are inside a code fence: not markdown)
            prose = "".join(r.stdout.split("```")[::2])
            assert not LIVE_LINK.search(prose), name
            assert "![img]" not in prose, name
    json.loads(runs["score json"].stdout)
    assert "Objective" in runs["score markdown"].stdout


@pytest.mark.parametrize("title", TITLES)
def test_one_title_comes_out_the_same_in_every_markdown_output(title: str) -> None:
    """score markdown, diff markdown, the lint job summary and the report's md filter share
    one escaping (okrcli.markdown)."""
    from okrcli import markdown
    from okrcli.report.render import OWN_FILTERS

    shown = markdown.text(title)
    assert OWN_FILTERS["md"](title) == shown
    summary = step_summary(
        LintResult(diagnostics=[diagnostic(message=title)], files=["a.yaml"], notices=[])
    )
    assert shown in summary
    assert not LIVE_LINK.search(shown) and "\n" not in shown and "\x1b" not in shown
