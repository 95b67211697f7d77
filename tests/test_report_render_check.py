"""The report through the command line on the demo repository (--summary, links from the
remote or --repo-url), and the project's render check itself (it needs Chromium, cmark-gfm
and tools/render-check's node packages, which scripts/render-check installs)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.commands.test_report import mdcheck
from tests.conftest import ROOT, git, need_program, okr
from tests.test_history import demo  # noqa: F401 - the session fixture

AT = "2026-11-20"
TOOL = ROOT / "tools" / "render-check"

pytestmark = pytest.mark.slow


def test_summary_on_the_command_line(demo: Path) -> None:  # noqa: F811
    r = okr("report", "--at", AT, "--summary", cwd=demo)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert len(text) <= 65_536 and mdcheck().check(text, "summary", "comment") == []
    assert re.findall(r"^## (.+)$", text, re.M) == ["Needs attention", "Units at a glance"]
    assert "History: 1 moved goalpost; 1 stale key result;" in text


def test_links_from_the_remote_or_the_option(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    git(copy, "remote", "set-url", "origin", "git@github.com:acme/okrs.git")
    text = okr("report", "--at", AT, cwd=copy).stdout
    rev = git(copy, "rev-list", "-1", "--before=2026-11-21T00:00:00+00:00", "HEAD").strip()
    base = "https://github.com/acme/okrs"
    assert f"[Warehouse Systems]({base}/blob/{rev}/okrs/2026-Q4/warehouse.yaml)" in text
    found = re.search(
        rf"\[`okrs/2026-Q4/warehouse.yaml:(\d+)`\]\({base}/blob/{rev}/okrs/2026-Q4/warehouse.yaml#L(\d+)\)",
        text,
    )
    assert found and found.group(1) == found.group(2)
    commit = re.search(rf"\[`([0-9a-f]{{8}})`\]\({base}/commit/([0-9a-f]{{40}})\)", text)
    assert commit and commit.group(2).startswith(commit.group(1))
    other = okr("report", "--at", AT, "--repo-url", "https://git.example.com/x/y", cwd=copy).stdout
    assert "](https://git.example.com/x/y/commit/" in other and base not in other
    git(copy, "remote", "remove", "origin")
    assert "](http" not in okr("report", "--at", AT, cwd=copy).stdout


def _renderer_ready() -> bool:
    return (
        all(shutil.which(c) for c in ("chromium", "cmark-gfm", "node"))
        and (TOOL / "node_modules" / "mermaid").is_dir()
    )


@pytest.mark.integration
def test_render_check_fails_on_a_chart_that_does_not_parse(tmp_path: Path) -> None:
    need_program(_renderer_ready(), "The render check's tools (chromium, cmark-gfm, node)")
    good = tmp_path / "good.md"
    good.write_text(
        "# A\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n\n```mermaid\nflowchart LR\n    a --> b\n```\n"
    )
    bad = tmp_path / "bad.md"
    bad.write_text("# B\n\n```mermaid\nflowchart LR\n    a -->\n```\n")

    def run(*files: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                "node",
                str(TOOL / "render.mjs"),
                str(tmp_path / "out"),
                *(f"{f}:shots" for f in files),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )

    ok = run(good)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert (tmp_path / "out" / "good-top.png").stat().st_size > 0
    broken = run(good, bad)
    assert broken.returncode == 1
    assert "bad: mermaid 11 chart 0 (flowchart LR) does not parse" in broken.stdout
