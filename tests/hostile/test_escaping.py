"""Control characters from the repository (newlines, terminal escapes, C1 controls, bidi
overrides) are shown escaped in every text output: they cannot forge a finding line or a
``::error`` workflow command, nor drive the terminal."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from okrcli.lint.diagnostics import LintResult
from okrcli.lint.reporters import FORMATS, step_summary
from okrcli.rules.base import GOOD_FILE
from okrcli.textsafe import safe_output, visible
from tests.conftest import diagnostic, run_lint, write_repo
from tests.hostile.test_hostile import CHECKOUT, okr

NASTY = [
    "x\n::error file=a.yaml::forged",
    "x\r::warning::forged",
    "clear\x1b[2J\x1b[H",
    "clipboard\x1b]52;c;cHduZWQ=\x07",
    "c1 csi\x9b31m",
    "bidi \u202eevil\u202c \u2066x\u2069",
    "line\u2028separator\u0085next",
    "nul\x00bell\x07del\x7f",
]
# what must never reach a text output: C0 but newline, DEL, C1, bidi controls, separators
_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _clean(out: str, lines: int | None = None) -> None:
    assert not _FORBIDDEN.search(out), repr(out)
    assert not any(line.lstrip().startswith("::") for line in out.splitlines()), out
    if lines is not None:
        assert out.count("\n") == lines, out


def _result(text: str) -> LintResult:
    d = diagnostic(path=text, rel="a.yaml", message=text)
    return LintResult([d], [text], [text])


# the formats the next test knows how to check; a new one must be added there
CHECKED_FORMATS = {"text", "concise", "github", "junit", "json", "sarif", "gitlab"}


def test_the_escaping_test_checks_every_format() -> None:
    assert set(FORMATS) == CHECKED_FORMATS, "check the new format's escaping below"


@pytest.mark.parametrize("text", NASTY)
def test_every_lint_format_escapes_control_characters(text: str) -> None:
    result = _result(text)
    _clean(FORMATS["text"](result), lines=3)  # the finding, the note, the summary
    _clean(FORMATS["concise"](result), lines=1)
    _clean(step_summary(result))
    github = FORMATS["github"](result)
    assert not _FORBIDDEN.search(github) and github.count("\n") == 1
    assert github.startswith("::error ")
    ET.fromstring(FORMATS["junit"](result).split("\n", 1)[1])  # well-formed XML
    for fmt in ("json", "sarif", "gitlab"):  # JSON escapes them itself
        assert not _FORBIDDEN.search(FORMATS[fmt](result))


@pytest.mark.parametrize("text", NASTY)
def test_visible_keeps_a_value_on_its_line_and_readable(text: str) -> None:
    shown = visible(text)
    assert "\n" not in shown and not _FORBIDDEN.search(shown)
    assert visible("Grow NPS to 40% (p95) \u2013 é ü ✓") == "Grow NPS to 40% (p95) \u2013 é ü ✓"
    assert safe_output("a\n\tb\n") == "a\n\tb\n"


@pytest.mark.parametrize("key", ["ev\nil", "a\x1b[31mb", "r\u202eto", "::error::x"])
def test_a_key_name_in_a_finding_stays_one_line(tmp_path: Path, key: str) -> None:
    text = GOOD_FILE.replace("quarter: 2026-Q4", f'quarter: 2026-Q4\n"{_yaml(key)}": 1')
    root = write_repo(tmp_path / "r", {CHECKOUT: text})
    result = run_lint(root)
    assert [d.code for d in result.diagnostics] == ["OKR002"]
    for fmt in ("text", "concise"):
        _clean(FORMATS[fmt](result))
    ET.fromstring(FORMATS["junit"](result).split("\n", 1)[1])


def _yaml(text: str) -> str:
    """``text`` inside a double-quoted YAML scalar."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


@pytest.mark.parametrize("title", NASTY)
def test_score_text_and_markdown_escape_titles(tmp_path: Path, title: str) -> None:
    from okrcli.score.formats import FORMATS as SCORE_FORMATS
    from okrcli.score.service import ScoreRequest, score

    text = GOOD_FILE.replace(
        "title: Make checkout effortless for returning customers", f'title: "{_yaml(title)}"'
    )
    root = write_repo(tmp_path / "r", {CHECKOUT: text})
    card = score(ScoreRequest([], "2026-Q4", None, root))
    for fmt in ("text", "markdown"):
        _clean(SCORE_FORMATS[fmt](card))


@pytest.mark.slow
def test_commit_messages_titles_and_errors_reach_no_output_raw(tmp_path: Path) -> None:
    from tests.conftest import git

    title = "x\n::error::forged \x1b]52;c;cHduZWQ=\x07 \u202eevil"
    text = GOOD_FILE.replace(
        "title: Raise checkout conversion of returning customers", f'title: "{_yaml(title)}"'
    )
    root = write_repo(tmp_path / "r", {CHECKOUT: text})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", when="2026-10-01")
    (root / CHECKOUT).write_text(text.replace("target: 34", "target: 34\n        current: 31"))
    git(root, "commit", "-qam", "check-in\r::error::x \x1b[2J\u202e", when="2026-10-08")
    for command in (
        ["score", "--quarter", "2026-Q4"],
        ["report", "--quarter", "2026-Q4"],
        ["diff", "HEAD~1", "HEAD"],
        ["diff", "HEAD~1", "HEAD", "--format", "markdown"],
        ["check-in", "check\x1bout/conversion", "3"],
        ["lint", "okrs/\x1b[2J.yaml"],
    ):
        run = okr(*command, cwd=root)
        assert "Traceback" not in run.stderr
        _clean(run.stdout)
        _clean(run.stderr)
