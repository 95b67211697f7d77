"""The report is written in pieces of whole lines, never held as one string, and the files'
documents are let go before the report's data is built: the same report either way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okrcli.report import render as render_module
from okrcli.report import service
from tests.commands.test_report import NOW, organisation
from tests.conftest import git


def test_output_without_line_breaks_is_kept_whole() -> None:
    def generate(_: dict[str, Any]) -> Iterator[str]:
        yield from ["x"] * 10_000

    assert render_module._guard(generate, {}, None, str) == ["x" * 10_000]


@pytest.mark.slow
def test_a_large_report_is_written_in_pieces_the_same_as_printed(tmp_path: Path) -> None:
    root = organisation(tmp_path / "r", 60, bus=3)
    git(root, "init", "-q")
    request = service.ReportRequest(repo=root, cwd=root, now=NOW)
    printed = service.report(request)
    out = tmp_path / "report.md"
    lines = service.report_lines(service.ReportRequest(repo=root, cwd=root, now=NOW, output=out))
    assert "".join(lines) == printed
    assert out.read_text(encoding="utf-8") == printed
    assert len(lines) > 10 and max(map(len, lines)) < len(printed) / 10
    assert "### Team 59 " in printed


def test_the_whole_is_not_rendered_once_it_is_known_to_be_split() -> None:
    """Past the given length the template is stopped: a report too big for one file is
    rendered in its parts only."""
    taken = []

    def generate(_: dict[str, Any]) -> Iterator[str]:
        for n in range(100_000):
            taken.append(n)
            yield "a line\n"

    assert render_module._guard(generate, {}, 5_000, str) is None
    assert len(taken) < 1_000
    assert render_module._guard(generate, {}, 10**7, str) is not None


@pytest.mark.slow
def test_a_report_over_the_preview_limit_goes_into_parts_from_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrcli.report import data as report_data

    root = organisation(tmp_path / "r", 12, bus=3)
    git(root, "init", "-q")
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    monkeypatch.setattr(report_data, "PREVIEW_LIMIT", 2000)
    seen: list[int | None] = []
    real = render_module._guard

    def watched(*args: Any) -> list[str] | None:
        lines = real(*args)
        seen.append(None if lines is None else sum(map(len, lines)))
        return lines

    monkeypatch.setattr(render_module, "_guard", watched)
    (index,) = service.report_lines(service.ReportRequest(repo=root, cwd=root, now=NOW, output=out))
    assert out.read_text(encoding="utf-8") == index
    assert "report-bu-1.md" in index
    assert len(list(out.parent.iterdir())) == 5
    assert seen[0] is None  # the whole was given up past the limit; then the parts
    assert all(size is not None for size in seen[1:]) and len(seen) == 6
