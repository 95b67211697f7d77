"""okr site over format 1.2: annual and multi-year period pages, the quarters laddering up to
them, shared objectives and indicators; a format 1.1 repository's site stays as it was; the
output folder is okr site's own."""

from __future__ import annotations

import csv
import html
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from okrcli.render import templates_dir
from okrcli.rules.base import GOOD_FILE
from tests.commands.test_site import AT, demo_site  # noqa: F401 - the session fixtures
from tests.conftest import Builder, commit_versions, git, okr
from tests.test_history import demo  # noqa: F401 - the session fixture

SNAPSHOT = Path(__file__).parent.parent / "snapshots" / "site-1.1"
MARKER = ".okr-site"


def _checked(text: str, conversion: str, repeat: str) -> str:
    return text.replace(
        "        target: 34\n", f"        target: 34\n        current: {conversion}\n"
    ).replace("        target: 60\n", f"        target: 60\n        current: {repeat}\n")


def _format_11_repo(make_repo: Builder) -> Path:
    """Two quarters of a format 1.1 repository, checked in on fixed days."""
    root = make_repo({"okr.yaml": "okrs_dir: okrs\n"})
    q3 = GOOD_FILE.replace("quarter: 2026-Q4", "quarter: 2026-Q3")
    commit_versions(
        root,
        "okrs/2026-Q3/checkout.yaml",
        [
            ("2026-07-01", q3),
            ("2026-07-17", _checked(q3, "31", "90")),
            ("2026-09-25", _checked(q3, "33.5", "70")),
        ],
    )
    search = GOOD_FILE.replace("unit: checkout", "unit: search")
    commit_versions(root, "okrs/2026-Q4/search.yaml", [("2026-10-01", search)])
    commit_versions(
        root,
        "okrs/2026-Q4/checkout.yaml",
        [
            ("2026-10-02", GOOD_FILE),
            ("2026-10-16", _checked(GOOD_FILE, "31", "88")),
            ("2026-11-06", _checked(GOOD_FILE, "32", "75")),
        ],
    )
    return root


def test_a_format_11_repository_gets_the_site_it_always_got(
    make_repo: Builder, tmp_path: Path
) -> None:
    """Every file of a 1.1 repository's site is as it was before format 1.2 came to the site
    (the golden copy was written by okr site before it knew periods); the marker file is
    new (okr site's claim on the folder)."""
    root = _format_11_repo(make_repo)
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-20", cwd=root)
    assert r.returncode == 0, r.stderr
    made = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.name != MARKER}
    # the style sheet is okr's own file copied as it is: no repository's data is in it, so
    # it is compared with its source rather than kept twice
    style = (templates_dir() / "site" / "site.css").read_text(encoding="utf-8")
    assert made.pop("style.css") == style
    if os.environ.get("OKR_UPDATE_GOLDEN"):
        SNAPSHOT.mkdir(parents=True, exist_ok=True)
        for old in SNAPSHOT.iterdir():
            old.unlink()
        for name, text in made.items():
            (SNAPSHOT / name).write_text(text, encoding="utf-8")
    golden = {p.name: p.read_text(encoding="utf-8") for p in SNAPSHOT.iterdir()}
    assert sorted(made) == sorted(golden)
    for name, text in golden.items():
        assert made[name] == text, (
            f"{name} changed for a format 1.1 repository; if that is meant, run this test "
            "with OKR_UPDATE_GOLDEN=1 and read git diff tests/snapshots/site-1.1"
        )


# ---------------------------------------------------------------------------------------
# every annual and multi-year number is okr score's


def _score(root: Path, at: str, *period: str) -> dict[str, Any]:
    r = okr("score", *period, "--at", at, "--format", "json", cwd=root)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def _span_section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    end = page.find("<section>", start)
    return page[start : end if end >= 0 else len(page)]


def _rows(section: str, title: str) -> list[str]:
    rows = [r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if f">{html.escape(title)}<" in r]
    assert rows, f"no row for {title!r}"
    return rows


def _compare_periods(root: Path, site: Path, at: str) -> int:
    """Compare every number of every year and span on the site with okr score's; return
    how many key results were compared."""
    data = json.loads((site / "data.json").read_text())
    index = (site / "index.html").read_text()
    compared = 0
    for p in data["periods"]:
        card = _score(root, at, f"--{p['kind']}", p["period"])
        assert card["span"] == p["kind"]
        org = p["organisation"]
        assert (org["score"], org["checked_in"], org["key_results"]) == (
            card["score"],
            card["checked_in"],
            card["key_results"],
        )
        assert (p["elapsed"], p["ended"]) == (card["elapsed"], card["ended"])
        assert org["pace"] == (card["pace"] or "")
        assert org.get("indicators") == card.get("indicators")
        assert p["score_by_week"][-1] == card["score"]
        page = (site / p["page"]).read_text()
        assert f"<strong>{card['score']:.2f}</strong>" in page
        assert f"okr score --{p['kind']} {p['period']} --at " in page
        if card.get("indicators"):
            mix = card["indicators"]
            assert (
                f"indicators {mix['leading']} leading, {mix['lagging']} lagging, "
                f"{mix['unset']} undeclared" in page
            )
        row = re.search(
            rf'href="{p["page"]}">{p["period"]}</a></th><td class="num">([\d.]+)<', index
        )
        assert row and float(row.group(1)) == card["score"]
        by_id = {u["id"]: u for u in p["units"]}
        assert sorted(by_id) == sorted(u["id"] for u in card["units"])
        for cu in card["units"]:
            u = by_id[cu["id"]]
            assert u["score"] == cu["score"]
            status = cu["band"] if card["ended"] else cu["pace"]
            assert (u["band"] if card["ended"] else u["pace"]) == status
            assert f"{html.escape(cu['name'])}</a>: {cu['score']:.2f} " in page
            unit_page = (site / u["page"]).read_text()
            section = _span_section(unit_page, f"p-{p['period']}")
            so_far = "" if card["ended"] else "so far "
            assert f"score {so_far}{cu['score']:.2f} " in section
            for co, o in zip(cu["objectives"], u["objectives"], strict=True):
                assert (o["id"], o["score"]) == (co["id"], co["score"])
                for where in (section, page):
                    assert f": {co['score']:.2f} " in where
                for ck, k in zip(co["key_results"], o["key_results"], strict=True):
                    assert (k["ref"], k["score"], k["pace"]) == (
                        ck["ref"],
                        ck["score"],
                        ck["pace"] or "",
                    )
                    assert k.get("indicator") == ck.get("indicator")
                    for where in (section, page):
                        cells = "".join(_rows(where, ck["title"]))
                        assert f'<td class="num">{ck["score"]:.2f}</td>' in cells
                        assert html.escape(k["status_words"]) in cells
                        if ck.get("indicator"):
                            assert f"<td>{ck['indicator']}</td>" in cells
                    compared += 1
        with (site / f"{p['period']}.csv").open(newline="") as f:
            rows = list(csv.DictReader(f))
        assert {r["period"] for r in rows} == {p["period"]}
        assert {(r["unit"], r["objective"], r["key_result"]): r["score"] for r in rows} == {
            (cu["id"], co["id"], ck["id"]): f"{ck['score']:.2f}"
            for cu in card["units"]
            for co in cu["objectives"]
            for ck in co["key_results"]
        }
        compared += _compare_aligned(root, site, at, data, p, card)
    # each quarter names the longer goals it aligns to, with okr score's year-to-date score
    for q in data["quarters"]:
        card = _score(root, at, "--quarter", q["quarter"])
        wanted = [(e["ref"], e["period"], e["score"]) for e in card.get("enclosing", [])]
        assert [(e["ref"], e["period"], e["score"]) for e in q.get("enclosing", [])] == wanted
        page = (site / f"quarter-{q['quarter']}.html").read_text()
        for e in card.get("enclosing", []):
            cell = f"<td>{html.escape(e['title'])} <code>{e['ref']}</code></td>"
            (row,) = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if cell in r]
            assert f'<td class="num">{e["score"]:.2f}</td>' in row
    return compared


def _compare_aligned(
    root: Path, site: Path, at: str, data: dict[str, Any], p: dict[str, Any], card: dict[str, Any]
) -> int:
    """A period's objectives list the objectives of its quarters (a span's years too) that
    align to them, each with okr score's score for its own period, linked to its page."""
    page = (site / p["page"]).read_text()
    entries = {e.get("period", e.get("quarter")): e for e in [*data["quarters"], *data["periods"]]}
    expected: dict[str, list[tuple[str, str, str, float]]] = {}
    for name, e in sorted(entries.items()):
        for u in e["units"]:
            for o in u["objectives"]:
                if "held_by" in o:
                    continue
                for ref in o["aligns_to"]:
                    if ref.endswith(f"@{p['period']}") and name != p["period"]:
                        other = _score(root, at, *_period_option(e, name))
                        score = next(
                            co["score"]
                            for cu in other["units"]
                            if cu["id"] == u["id"]
                            for co in cu["objectives"]
                            if co["id"] == o["id"]
                        )
                        expected.setdefault(ref.split("@")[0], []).append(
                            (name, u["id"], o["id"], score)
                        )
    got = _aligned(p)
    assert {
        ref: [(a["period"], *a["ref"].split("/"), a["score"]) for a in rows]
        for ref, rows in got.items()
    } == expected
    for rows in got.values():
        for a in rows:
            assert a["page"] == entries[a["period"]].get("page", f"quarter-{a['period']}.html")
            assert f'<a href="{a["page"]}">{a["period"]}</a>' in page
            assert f"{html.escape(a['title'])}, {a['score']:.2f} " in page
    return sum(len(rows) for rows in got.values())


def _aligned(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A period's objectives that others align to, as unit/objective (by the unit whose file
    holds it), with what aligns to each."""
    return {
        f"{u['id']}/{o['id']}": o["aligned_from"]
        for u in p["units"]
        for o in u["objectives"]
        if o["aligned_from"] and "held_by" not in o
    }


def _period_option(entry: dict[str, Any], name: str) -> tuple[str, str]:
    return (f"--{entry['kind']}", name) if "kind" in entry else ("--quarter", name)


@pytest.mark.slow
def test_every_annual_number_agrees_with_okr_score(
    demo: Path,  # noqa: F811
    demo_site: Path,  # noqa: F811
) -> None:
    data = json.loads((demo_site / "data.json").read_text())
    assert [(p["period"], p["kind"], p["page"]) for p in data["periods"]] == [
        ("2026", "year", "year-2026.html")
    ]
    assert _compare_periods(demo, demo_site, AT) >= 6 + 4  # its key results, its quarters
    index = (demo_site / "index.html").read_text()
    assert '<a href="year-2026.html">2026</a>' in index  # in every page's navigation too
    q4 = (demo_site / "quarter-2026-Q4.html").read_text()
    assert "The longer goals this quarter aligns to" in q4
    assert '<a href="year-2026.html">2026</a>' in q4


VISION = """\
unit: acme
years: 2026-2028
objectives:
  - id: beloved-brand
    title: Be the shop our customers recommend
    aligns_to: [strategy/retention]
    key_results:
      - id: nps
        title: Raise the Net Promoter Score
        indicator: lagging
        baseline: 20
        target: 50
        current: CUR
      - id: referrals
        title: Raise orders from referrals
        indicator: leading
        baseline: 2
        target: 10
        current: 4
      - {id: reviews, title: Raise the share of orders reviewed, baseline: 5, target: 20}
"""

YEAR = """\
unit: acme
year: 2026
objectives:
  - id: loyal-customers
    title: Earn the loyalty of the customers we have
    aligns_to: [acme/beloved-brand@2026-2028]
    key_results:
      - {id: nrr, title: Raise net revenue retention, baseline: 100, target: 112, current: 104}
      - {id: repeat, title: Raise the repeat rate, baseline: 28, target: 40, current: CUR}
      - {id: churn, title: Cut churn, baseline: 9, target: 5, current: 8}
"""

SHARED_Q4 = """\
unit: search
quarter: 2026-Q4
objectives:
  - id: findable
    title: Help returning customers find what they bought before
    aligns_to: [acme/loyal-customers@2026]
    shared_with: [payments]
    key_results:
      - id: found
        title: Raise searches that end in a product view
        owner: search
        baseline: 40
        target: 60
        current: 48
      - id: saved
        title: Raise repeat orders paid by a saved card
        owner: payments
        baseline: 30
        target: 50
        current: 36
"""


def _span_repo(make_repo: Builder) -> Path:
    """A span of years, its first year aligning to it, and a quarter aligning to both; a
    shared objective; values checked in on fixed days."""
    root = make_repo({"okr.yaml": "okrs_dir: okrs\n"})
    commit_versions(root, "okrs/2026-2028/acme.yaml", [("2026-01-05", VISION.replace("CUR", "25"))])
    commit_versions(root, "okrs/2026/acme.yaml", [("2026-01-06", YEAR.replace("CUR", "30"))])
    q4 = GOOD_FILE.replace(
        "aligns_to: [strategy/retention]",
        "aligns_to: [acme/loyal-customers@2026, acme/beloved-brand@2026-2028]",
    )
    commit_versions(root, "okrs/2026-Q4/checkout.yaml", [("2026-10-01", q4)])
    commit_versions(root, "okrs/2026-Q4/search.yaml", [("2026-10-01", SHARED_Q4)])
    commit_versions(
        root,
        "okrs/2026-Q4/checkout.yaml",
        [("2026-10-16", _checked(q4, "31", "88")), ("2026-11-06", _checked(q4, "32", "75"))],
    )
    commit_versions(root, "okrs/2026-2028/acme.yaml", [("2026-06-30", VISION.replace("CUR", "31"))])
    commit_versions(root, "okrs/2026/acme.yaml", [("2026-10-30", YEAR.replace("CUR", "33"))])
    return root


def test_a_span_of_years_and_its_years_and_quarters_agree_with_okr_score(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = _span_repo(make_repo)
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-20", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "for 1 quarter and 2026, 2026-2028 into" in r.stdout + r.stderr
    data = json.loads((out / "data.json").read_text())
    assert [(p["period"], p["kind"]) for p in data["periods"]] == [
        ("2026", "year"),
        ("2026-2028", "years"),
    ]
    assert _compare_periods(root, out, "2026-11-20") == 3 + 3 + 2 + 2  # KRs, the ladder
    span = data["periods"][1]
    # the span's objective: its year's objective and the quarter's, laddering up
    assert [(a["period"], a["ref"]) for a in _aligned(span)["acme/beloved-brand"]] == [
        ("2026", "acme/loyal-customers"),
        ("2026-Q4", "checkout/effortless-checkout"),
    ]
    page = (out / "years-2026-2028.html").read_text()
    assert '<a href="year-2026.html">2026</a>' in page
    assert '<a href="quarter-2026-Q4.html">2026-Q4</a>' in page
    assert "okr score --years 2026-2028 --at 2026-11-20" in page
    # the unit's page shows its annual and multi-year objectives beside its quarters
    acme = (out / "unit-acme.html").read_text()
    assert 'id="p-2026"' in acme and 'id="p-2026-2028"' in acme
    assert "Be the shop our customers recommend" in acme
    q4 = (out / "quarter-2026-Q4.html").read_text()
    assert "<code>acme/beloved-brand@2026-2028</code>" in q4
    assert "<code>acme/loyal-customers@2026</code>" in q4


def test_a_shared_objective_is_on_every_sharing_units_page_and_once_for_the_organisation(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = _span_repo(make_repo)
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-20", cwd=root)
    assert r.returncode == 0, r.stderr
    card = _score(root, "2026-11-20", "--quarter", "2026-Q4")
    title = "Help returning customers find what they bought before"
    for unit in ("search", "payments"):
        page = (out / f"unit-{unit}.html").read_text()
        assert f"<h3>{title} " in page
        assert "Shared objective, owned by Search, Payments; kept in Search's file" in page
        score = next(u["score"] for u in card["units"] if u["id"] == unit)
        assert f"score {score:.2f} " in page
    quarter = (out / "quarter-2026-Q4.html").read_text()
    listed = quarter[quarter.index("<h2>Key results</h2>") :]
    assert listed.count("Raise searches that end in a product view") == 1
    assert f"{title}: shared, listed once under" in listed
    assert "shared with Payments" in listed
    # the spread of key results counts each once, as the organisation's count does
    spread = re.search(r"key results by score: the numbers</caption>.*?</tbody>", quarter, re.S)
    assert spread is not None
    assert (
        sum(map(int, re.findall(r'<td class="num">(\d+)</td>', spread.group(0))))
        == card["key_results"]
    )
    data = json.loads((out / "data.json").read_text())
    units = {u["id"]: u for u in data["quarters"][0]["units"]}
    assert units["search"]["objectives"][0]["shared_with"] == ["payments"]
    assert units["payments"]["objectives"][0]["held_by"] == "search"
    assert "held_by" not in units["search"]["objectives"][0]
    saved = units["search"]["objectives"][0]["key_results"][1]
    assert "indicator" not in saved  # only where the file declares one


# ---------------------------------------------------------------------------------------
# safety


def test_annual_titles_are_escaped_and_their_csv_cells_never_formulas(
    make_repo: Builder, tmp_path: Path
) -> None:
    hostile = YEAR.replace(
        "title: Earn the loyalty of the customers we have",
        'title: "<script>alert(1)</script> <a href=javascript:alert(2)>x</a>"',
    ).replace("title: Cut churn", 'title: "=HYPERLINK(\\"http://evil\\")"')
    root = make_repo({"okr.yaml": "okrs_dir: okrs\n"})
    commit_versions(root, "okrs/2026/acme.yaml", [("2026-01-06", hostile.replace("CUR", "30"))])
    q4 = GOOD_FILE.replace(
        "aligns_to: [strategy/retention]", "aligns_to: [acme/loyal-customers@2026]"
    )
    commit_versions(root, "okrs/2026-Q4/checkout.yaml", [("2026-10-01", q4)])
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-20", cwd=root)
    assert r.returncode == 0, r.stderr
    for page in out.glob("*.html"):
        text = page.read_text()
        assert "<script>alert" not in text and "javascript:" not in text.replace(
            "&lt;a href=javascript:", ""
        )
        assert all(
            not h.startswith(("javascript:", "data:")) for h in re.findall(r'href="([^"]*)"', text)
        )
    year = (out / "year-2026.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in year
    rows = {r["key_result"]: r for r in csv.DictReader((out / "2026.csv").open(newline=""))}
    assert rows["churn"]["title"].startswith("'=HYPERLINK")


def test_the_site_refuses_a_folder_with_files_it_did_not_write(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE, "index.html": "<p>ours</p>\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", when="2026-10-02")
    r = okr("site", "-o", ".", cwd=root)
    assert r.returncode == 2
    assert (
        "will not write into .: it holds files okr site did not write (index.html and more)"
        in r.stderr
    )
    assert "Give -o a new or empty folder (like `okr site -o site`)" in r.stderr
    assert (root / "index.html").read_text() == "<p>ours</p>\n"
    assert not (root / "data.json").exists() and not (root / MARKER).exists()
    docs = root / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("mine\n")
    r = okr("site", "-o", "docs", cwd=root)
    assert r.returncode == 2 and "docs/notes.md" in r.stderr
    assert sorted(p.name for p in docs.iterdir()) == ["notes.md"]
    # an empty folder, then the same folder again: okr site's own (its marker file)
    (root / "site").mkdir()
    for _ in range(2):
        r = okr("site", "-o", "site", cwd=root)
        assert r.returncode == 0, r.stderr
    assert (root / "site" / MARKER).is_file() and (root / "site" / "index.html").is_file()
    # a marker that is a link is no marker
    (root / "other").mkdir()
    (root / "other" / "index.html").write_text("x\n")
    os.symlink("../site/.okr-site", root / "other" / MARKER)
    r = okr("site", "-o", "other", cwd=root)
    assert r.returncode == 2 and "will not write into other" in r.stderr
    assert (root / "other" / "index.html").read_text() == "x\n"


def test_quarters_chosen_choose_the_years_and_spans_they_overlap(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = _span_repo(make_repo)
    q3 = GOOD_FILE.replace("quarter: 2026-Q4", "quarter: 2026-Q3").replace(
        "aligns_to: [strategy/retention]", "aligns_to: [acme/loyal-customers@2026]"
    )
    commit_versions(root, "okrs/2026-Q3/checkout.yaml", [("2026-07-01", q3)])
    past = VISION.replace("years: 2026-2028", "years: 2023-2025").replace("CUR", "30")
    commit_versions(root, "okrs/2023-2025/acme.yaml", [("2026-07-02", past)])
    out = tmp_path / "out"
    r = okr("site", "-o", str(out), "--at", "2026-11-20", "--quarters", "2026-Q4", cwd=root)
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "data.json").read_text())
    assert [p["period"] for p in data["periods"]] == ["2026", "2026-2028"]
    assert not (out / "years-2023-2025.html").exists()
    # the year's objective names the quarter left off the site with its score, unlinked
    first = _aligned(data["periods"][0])["acme/loyal-customers"][0]
    q3_card = _score(root, "2026-11-20", "--quarter", "2026-Q3")
    assert (first["period"], first["page"], first["score"]) == (
        "2026-Q3",
        "",
        q3_card["units"][0]["objectives"][0]["score"],
    )
    year = (out / "year-2026.html").read_text()
    assert '<li>2026-Q3 <a href="unit-checkout.html">Checkout</a>: ' in year
    r = okr("site", "-o", str(out), "--at", "2026-11-20", cwd=root)
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "data.json").read_text())
    assert [p["period"] for p in data["periods"]] == ["2026", "2023-2025", "2026-2028"]
    first = _aligned(data["periods"][0])["acme/loyal-customers"][0]
    assert (first["period"], first["page"]) == ("2026-Q3", "quarter-2026-Q3.html")


def test_annual_files_without_quarters_say_so(make_repo: Builder, tmp_path: Path) -> None:
    root = make_repo({"okrs/2026/acme.yaml": YEAR.replace("CUR", "30")})
    r = okr("site", "-o", str(tmp_path / "out"), cwd=root)
    assert r.returncode == 2
    assert "there are no quarterly OKR files under okrs/ yet" in r.stderr


def test_a_folder_of_ones_own_may_be_reached_through_a_link_outside_the_repository(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    (tmp_path / "public").mkdir()
    os.symlink(tmp_path / "public", tmp_path / "latest")
    r = okr("site", "-o", str(tmp_path / "latest"), cwd=root)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "public" / "index.html").is_file()
    assert (tmp_path / "public" / MARKER).is_file()
    (tmp_path / "file").write_text("x\n")
    r = okr("site", "-o", str(tmp_path / "file"), cwd=root)
    assert r.returncode == 2 and "okr: " in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "file").read_text() == "x\n"


def test_an_output_path_through_a_file_says_it_is_a_file(
    make_repo: Builder, tmp_path: Path
) -> None:
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    (root / "notes").write_text("mine\n")
    for out in ("notes", "notes/site"):
        r = okr("site", "-o", out, cwd=root)
        assert r.returncode == 2, r.stdout
        assert "notes on its way is a file, not a folder" in r.stderr
        assert "None" not in r.stderr and "Traceback" not in r.stderr
    assert (root / "notes").read_text() == "mine\n"


def test_a_link_in_a_site_folder_outside_the_repository_is_never_written_through(
    make_repo: Builder, tmp_path: Path
) -> None:
    # the folder is okr site's (its marker), but someone put a link in it since: okr site
    # makes no link, so it refuses before writing anything, and the linked file stays
    root = make_repo({"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    out = tmp_path / "public"
    assert okr("site", "-o", str(out), cwd=root).returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("mine\n")
    (out / "index.html").unlink()
    os.symlink(victim, out / "index.html")
    marker = (out / MARKER).stat().st_mtime_ns
    r = okr("site", "-o", str(out), cwd=root)
    assert r.returncode == 2, r.stdout
    assert (
        f"will not write into {out}: {out / 'index.html'} is a link (to {victim}), which okr "
        "site did not make; okr site writes no file through a link: remove it first."
    ) in r.stderr
    assert victim.read_text() == "mine\n"
    assert (out / MARKER).stat().st_mtime_ns == marker
    (out / "index.html").unlink()
    assert okr("site", "-o", str(out), cwd=root).returncode == 0
    assert victim.read_text() == "mine\n" and not (out / "index.html").is_symlink()
