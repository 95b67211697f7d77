"""okr site: the static dashboard, driven through the okr command."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from okrcli.rules.base import GOOD_FILE, variant
from okrcli.site.build import pick_quarters, web_link
from tests.conftest import ROOT, Builder, commit_versions, git, need_program, okr
from tests.test_history import demo  # noqa: F401 - the session fixture

AT = "2026-11-20"


@pytest.fixture(scope="session")
def demo_site(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("site") / "site"
    r = okr("site", "-o", str(out), "--at", AT, cwd=demo)
    assert r.returncode == 0, r.stderr
    assert "index.html" in r.stderr + r.stdout
    return out


def _section(page: str, quarter: str) -> str:
    start = page.index(f'id="q-{quarter}"')
    end = page.find("<section>", start)
    return page[start : end if end >= 0 else len(page)]


def _row_with(section: str, title: str) -> str:
    for row in re.findall(r"<tr>.*?</tr>", section, re.S):
        if f">{html.escape(title)}<" in row:
            return row
    raise AssertionError(f"no row for {title!r}")


@pytest.mark.slow
def test_every_number_agrees_with_okr_score(demo: Path, demo_site: Path) -> None:  # noqa: F811
    data = json.loads((demo_site / "data.json").read_text())
    assert [q["quarter"] for q in data["quarters"]] == ["2026-Q3", "2026-Q4"]
    assert data["running"] == "2026-Q4"
    index = (demo_site / "index.html").read_text()
    compared = 0
    for q in data["quarters"]:
        r = okr("score", "--quarter", q["quarter"], "--at", AT, "--format", "json", cwd=demo)
        card = json.loads(r.stdout)
        assert q["organisation"]["score"] == card["score"]
        assert q["organisation"]["checked_in"] == card["checked_in"]
        assert q["organisation"]["key_results"] == card["key_results"]
        assert q["score_by_week"][-1] == card["score"]
        row = re.search(
            rf'quarter-{q["quarter"]}\.html">{q["quarter"]}</a></th><td class="num">([\d.]+)<',
            index,
        )
        assert row and float(row.group(1)) == card["score"]
        by_id = {u["id"]: u for u in q["units"]}
        assert sorted(by_id) == sorted(u["id"] for u in card["units"])
        quarter_page = (demo_site / f"quarter-{q['quarter']}.html").read_text()
        for cu in card["units"]:
            u = by_id[cu["id"]]
            assert u["score"] == cu["score"]
            assert (u["band"] if card["ended"] else u["pace"]) == (
                cu["band"] if card["ended"] else cu["pace"]
            )
            page = (demo_site / u["page"]).read_text()
            section = _section(page, q["quarter"])
            assert f"score {cu['score']:.2f} " in section
            assert f"{html.escape(cu['name'])}</a>: {cu['score']:.2f} " in quarter_page
            for co, o in zip(cu["objectives"], u["objectives"], strict=True):
                assert (o["id"], o["score"]) == (co["id"], co["score"])
                for ck, k in zip(co["key_results"], o["key_results"], strict=True):
                    assert (k["ref"], k["score"], k["pace"]) == (
                        ck["ref"],
                        ck["score"],
                        ck["pace"] or "",
                    )
                    cells = _row_with(section, ck["title"])
                    assert f'<td class="num">{ck["score"]:.2f}</td>' in cells
                    assert html.escape(k["status_words"]) in cells
                    compared += 1
        with (demo_site / f"{q['quarter']}.csv").open(newline="") as f:
            rows = list(csv.DictReader(f))
        scores = {(r["unit"], r["objective"], r["key_result"]): r["score"] for r in rows}
        assert scores == {
            (cu["id"], co["id"], ck["id"]): f"{ck['score']:.2f}"
            for cu in card["units"]
            for co in cu["objectives"]
            for ck in co["key_results"]
        }
    assert compared > 50


@pytest.mark.slow
def test_pages_are_self_contained_with_charts_and_their_tables(demo_site: Path) -> None:
    pages = sorted(demo_site.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "quarter-2026-Q4.html", "unit-checkout.html"}
    for page in pages:
        text = page.read_text()
        # nothing loaded from anywhere but the folder: one style sheet beside the page,
        # no script or image file, and the page's policy says so too
        assert re.findall(r"<link[^>]*>", text) == ['<link rel="stylesheet" href="style.css">']
        assert " src=" not in text and "default-src 'none'" in text
        assert "unsafe-inline" not in text and " on" not in re.sub(r">[^<]*<", "><", text)
        # the one script (the index's search box) runs because the policy names its hash
        for script in re.findall(r"<script>(.*?)</script>", text, re.S):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"script-src 'sha256-{digest}'" in text
        for svg in re.findall(r"<svg.*?</svg>", text, re.S):
            assert "<title id=" in svg and "<desc id=" in svg and 'role="img"' in svg
    css = (demo_site / "style.css").read_text()
    assert "@media print" in css and "prefers-color-scheme: dark" in css
    index = (demo_site / "index.html").read_text()
    assert index.count("<svg") == 3 and index.count("the numbers</caption>") == 3
    assert index.index("Needs attention") < index.index("Units at a glance")
    quarter = (demo_site / "quarter-2026-Q4.html").read_text()
    assert "<details open><summary>" in quarter and "Strategy: " in quarter
    assert "<h3>Moved goalposts</h3>" in quarter and "OKR402" in quarter  # the report's history
    unit = (demo_site / "unit-checkout.html").read_text()
    assert "Check-in log of 2026-Q4" in unit and "score quarter by quarter" in unit


def _hostile(make_repo: Builder) -> Path:
    text = variant(
        "title: Make checkout effortless for returning customers",
        'title: "<script>alert(1)</script> & <img src=x onerror=alert(2)>"',
    ).replace(
        "title: Raise checkout conversion of returning customers",
        'title: "=HYPERLINK(\\"http://evil\\") </td><b>"',
    )
    root = make_repo({"okr.yaml": "okrs_dir: okrs\n"})
    commit_versions(root, "okrs/2026-Q4/checkout.yaml", [("2026-10-05", text)])
    return root


def test_titles_are_escaped_and_csv_cells_are_never_formulas(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = _hostile(make_repo)
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-01", cwd=root)
    assert r.returncode == 0, r.stderr
    for page in out.glob("*.html"):
        text = page.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text and "</td><b>" not in text
    unit = (out / "unit-checkout.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in unit
    rows = list(csv.DictReader((out / "2026-Q4.csv").open(newline="")))
    titles = {r["key_result"]: r["title"] for r in rows}
    assert titles["conversion"].startswith("'=HYPERLINK")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", 'https://x.example/a"onmouseover=1']
)
def test_no_link_is_made_from_an_unsafe_address(
    make_repo: Builder, tmp_path: Path, url: str
) -> None:
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", url)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", when="2026-10-02")
    for args in ([], ["--repo-url", url]):
        out = tmp_path / f"out{len(args)}"
        r = okr("site", "-o", str(out), *args, cwd=root)
        assert r.returncode == 0, r.stderr
        for page in out.glob("*.html"):
            hrefs = re.findall(r'href="([^"]*)"', page.read_text())
            assert all(not h.startswith(("javascript:", "data:")) for h in hrefs)
            assert all(re.fullmatch(r"[\w.-]+\.(html|csv|json|css)|#main", h) for h in hrefs), hrefs


def test_links_go_to_the_file_at_its_commit_when_the_remote_is_known(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "git@github.com:acme/okrs.git")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", when="2026-10-02")
    head = git(root, "rev-parse", "HEAD").strip()
    r = okr("site", "-o", str(tmp_path / "out"), cwd=root)
    assert r.returncode == 0, r.stderr
    unit = (tmp_path / "out" / "unit-checkout.html").read_text()
    assert f'href="https://github.com/acme/okrs/blob/{head}/okrs/2026-Q4/checkout.yaml"' in unit


def test_output_never_overwrites_the_repository_or_follows_a_link(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", when="2026-10-02")
    r = okr("site", "-o", ".git/site", cwd=root)
    assert r.returncode == 2 and "will not write" in r.stderr
    (root / "site").mkdir()
    os.symlink("../org.yaml", root / "site" / "index.html")
    before = (root / "org.yaml").read_text()
    r = okr("site", "-o", "site", cwd=root)
    assert r.returncode == 2 and "will not write" in r.stderr
    assert (root / "org.yaml").read_text() == before
    assert not (root / "site" / "data.json").exists()  # refused before anything was written
    os.remove(root / "site" / "index.html")
    r = okr("site", "-o", "site", cwd=root)
    assert r.returncode == 0, r.stderr
    assert (root / "site" / "index.html").is_file()


def test_unit_pages_have_safe_distinct_names(make_repo: Builder, tmp_path: Path) -> None:
    files = {
        f"okrs/2026-Q4/{unit}.yaml": GOOD_FILE.replace("unit: checkout", f"unit: {unit}")
        for unit in ("checkout", "search", "payments")
    }
    root = make_repo(files)
    r = okr("site", "-o", str(tmp_path / "out"), cwd=root)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "out").glob("unit-*.html"))
    assert names == ["unit-checkout.html", "unit-payments.html", "unit-search.html"]


def test_quarters_are_chosen_from_to(make_repo: Builder, tmp_path: Path) -> None:
    present = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert pick_quarters(present, "2026-Q2..2026-Q3") == ["2026-Q2", "2026-Q3"]
    assert pick_quarters(present, "2026-Q3..") == ["2026-Q3", "2026-Q4"]
    assert pick_quarters(present, "..2026-Q1") == ["2026-Q1"]
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    r = okr("site", "-o", str(tmp_path / "o"), "--quarters", "2026-Q9..", cwd=root)
    assert r.returncode == 2 and "--quarters 2026-Q9..: give FROM..TO" in r.stderr
    r = okr("site", "-o", str(tmp_path / "o"), "--quarters", "2025-Q1..2025-Q4", cwd=root)
    assert r.returncode == 2 and "no OKR files for those quarters" in r.stderr


def test_web_link_keeps_http_addresses_only() -> None:
    assert (
        web_link("https://github.com/a/b/blob/x/f.yaml#L3")
        == "https://github.com/a/b/blob/x/f.yaml#L3"
    )
    assert web_link("javascript:alert(1)") == web_link("JAVASCRIPT:x") == web_link("") == ""


TOOL = ROOT / "tools" / "render-check"


def _site_check_ready() -> bool:
    import shutil

    return (
        bool(shutil.which("chromium") and shutil.which("node"))
        and (TOOL / "node_modules" / "axe-core").is_dir()
    )


def _site_check(out: Path, site: Path, *pages: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(TOOL / "site.mjs"), str(out), str(site), *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.integration
def test_render_check_opens_the_site_from_disk(demo_site: Path, tmp_path: Path) -> None:
    need_program(_site_check_ready(), "The render check's tools (chromium, node, axe-core)")
    done = _site_check(
        tmp_path / "shots", demo_site, "index.html", "unit-checkout.html", "year-2026.html"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no serious accessibility violation" in done.stdout
    for name in ("index", "index-dark", "unit-checkout", "unit-checkout-dark", "year-2026"):
        assert (tmp_path / "shots" / f"site-{name}.png").stat().st_size > 10_000
    results = json.loads((tmp_path / "shots" / "site-results.json").read_text())
    assert results["index"]["outside"] == [] and results["index"]["errors"] == []
    assert results["index"]["search"]["shown"] == 1  # the search box works under the policy


@pytest.mark.integration
def test_render_check_fails_on_an_outside_request_or_a_bad_page(tmp_path: Path) -> None:
    need_program(_site_check_ready(), "The render check's tools (chromium, node, axe-core)")
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
        '<img src="https://example.invalid/x.png"><script>nope(</script></main></body></html>'
    )
    done = _site_check(tmp_path / "shots", site, "bad.html")
    assert done.returncode == 1
    assert "bad: loads something outside the site: https://example.invalid/x.png" in done.stdout
    assert "bad: console error" in done.stdout or "bad: error" in done.stdout
    assert "axe critical image-alt" in done.stdout


@pytest.mark.slow
def test_init_offers_the_site_workflow_with_pages_as_an_explicit_opt_in(tmp_path: Path) -> None:
    from okrcli.load.yamlsafe import parse
    from tests.conftest import check_jsonschema, dev_tool

    r = okr("init", "repo", "--company", "Acme", "--quarter", "2026-Q4", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    path = tmp_path / "repo" / ".github" / "workflows" / "okr-site.yml"
    text = path.read_text()
    flow = parse(text).data
    assert flow["permissions"] == {}
    assert set(flow["on"]) == {"schedule", "workflow_dispatch"}
    build, pages = flow["jobs"]["build"], flow["jobs"]["pages"]
    assert build["permissions"] == {"contents": "read"}
    assert any(s.get("run") == "okr site -o site" for s in build["steps"])
    upload = next(s for s in build["steps"] if "upload-artifact@" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    # Pages only when the repository variable says so, with the warning beside it
    assert pages["if"] == "vars.OKR_SITE_PAGES == 'public'"
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert "can be PUBLIC even when this repository" in text
    assert dev_tool("check-jsonschema"), "check-jsonschema comes with the dev extras"
    check_jsonschema("vendor.github-workflows", str(path))


def test_a_file_that_cannot_be_read_makes_the_site_partial(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = make_repo(
        {"okrs/2026-Q4/checkout.yaml": GOOD_FILE, "okrs/2026-Q4/search.yaml": "unit: [\n"}
    )
    r = okr("site", "-o", str(tmp_path / "out"), cwd=root)
    assert r.returncode == 1 and "okrs/2026-Q4/search.yaml could not be read" in r.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    data = json.loads((tmp_path / "out" / "data.json").read_text())
    assert data["quarters"][0]["organisation"]["left_out"] == ["okrs/2026-Q4/search.yaml"]
    index = (tmp_path / "out" / "index.html").read_text()
    assert "<strong>Partial:</strong> okrs/2026-Q4/search.yaml could not be read" in index
    r = okr("site", "-o", str(tmp_path / "out"), "--allow-partial", cwd=root)
    assert r.returncode == 0, r.stderr


def test_the_site_is_built_in_process_without_forking(
    make_repo: Builder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """okr site is a front-end on the core that never forks, even after the okr command
    installed its forking runner."""
    from typer.testing import CliRunner

    from okrcli import forked, runner
    from okrcli.cli.app import app

    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    for week in range(3):
        commit_versions(
            root,
            f"okrs/2026-Q4/team{week}.yaml",
            [(f"2026-10-0{week + 2}", GOOD_FILE.replace("unit: checkout", f"unit: team{week}"))],
        )

    def refuse() -> int:
        raise AssertionError("okr site forked")

    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(forked.Forking, "SPLIT_AT", 1)  # it would split anything
    runner.install(forked.Forking())
    try:
        done = CliRunner().invoke(app, ["site", "-o", str(tmp_path / "out"), "--repo", str(root)])
    finally:
        runner.install(runner.Serial())
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "unit-team2.html").is_file()
