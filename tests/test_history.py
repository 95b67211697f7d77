"""The history engine and okr score, on real git repositories built in temporary folders."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from okrcli import cachefile
from okrcli.history.git import Git
from okrcli.history.timeline import (
    BLOB_KIND,
    CACHE_NAME,
    WALK_KIND,
    QuarterHistory,
    WorktreeFile,
    blob_id,
    quarter_history,
)
from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE
from okrcli.score.formats import as_json
from okrcli.score.service import ScoreRequest, score
from tests.conftest import ROOT, commit_versions, git, okr, run_lint, write_repo

CHECKOUT = "okrs/2026-Q4/checkout.yaml"
NOW = datetime(2026, 11, 20, 18, tzinfo=UTC)


def with_current(value: str, target: str = "34") -> str:
    return GOOD_FILE.replace(
        "        target: 34\n", f"        target: {target}\n        current: {value}\n"
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "r", {})
    commit_versions(
        root,
        CHECKOUT,
        [
            ("2026-10-01", with_current("30")),
            ("2026-10-09", with_current("31")),
            ("2026-10-16", with_current("31.5", target="33")),
        ],
    )
    return root


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "acme"
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "make_demo_history.py"), str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_timeline_follows_checkins(repo: Path) -> None:
    h = quarter_history(repo, "okrs", "2026-Q4")
    tl = h.timelines["checkout/effortless-checkout/conversion"]
    assert [e.after[2] for e in tl.events] == [30, 31, 31.5]
    assert tl.events[0].created and not tl.events[1].created
    # the file written on 1 October starts the clock; it is not a check-in
    assert [e.when.date().isoformat() for e in tl.checkins()] == ["2026-10-09", "2026-10-16"]
    assert tl.events[2].changed("target") and tl.events[2].after[1] == 33
    assert tl.events[1].commit is not None and tl.events[1].commit.author == "Dana"
    assert not h.shallow and not h.uncommitted


def test_blob_cache_is_kept_in_the_git_directory_and_reused(repo: Path) -> None:
    quarter_history(repo, "okrs", "2026-Q4")
    cache = repo / ".git" / "okrcli" / CACHE_NAME
    data = cachefile.read(cache, BLOB_KIND)
    assert isinstance(data, dict) and len(data["blobs"]) == 3
    before = cache.stat().st_mtime_ns
    for walk in cache.parent.glob("walk-*"):
        walk.unlink()  # walk again, from the blob cache
    quarter_history(repo, "okrs", "2026-Q4")
    assert cache.stat().st_mtime_ns == before  # nothing new to parse, nothing written


def _events(h: QuarterHistory) -> dict[str, list[tuple[object, ...]]]:
    return {
        ref: [(e.commit.id if e.commit else None, e.when, e.before, e.after) for e in tl.events]
        for ref, tl in h.timelines.items()
    }


def test_walk_is_kept_per_commit_and_read_back(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=worktree(repo))
    assert len(list((repo / ".git" / "okrcli").glob(f"{WALK_KIND}-*.json"))) == 1

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the walk should have been read back")

    with monkeypatch.context() as m:
        m.setattr(Git, "log_changes", no_walk)
        again = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=worktree(repo))
    assert _events(again) == _events(fresh)
    assert [c.id for c in again.commits] == [c.id for c in fresh.commits]
    assert [c.when for c in again.commits] == [c.when for c in fresh.commits]

    # a new commit is another key: walked again, and the new check-in is there
    (repo / CHECKOUT).write_text(with_current("32.5", target="33"))
    git(repo, "commit", "-qam", "check-in", when="2026-10-23")
    h = quarter_history(repo, "okrs", "2026-Q4")
    assert h.timelines["checkout/effortless-checkout/conversion"].events[-1].after[2] == 32.5
    # the working tree is compared with the commit's values, read back from the cache too
    (repo / CHECKOUT).write_text(with_current("33", target="33"))
    with monkeypatch.context() as m:
        m.setattr(Git, "log_changes", no_walk)
        h = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=worktree(repo))
    assert h.uncommitted
    assert h.timelines["checkout/effortless-checkout/conversion"].events[-1].before == (
        30,
        33,
        32.5,
        None,
        None,
        None,
    )


def test_float_columns_come_back_from_the_walk_cache_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What comes back from the walk cache equals a fresh walk, value for value and type for
    type, in columns of floats only and in columns that mix ints, floats and nothing."""
    root = write_repo(tmp_path / "r", {})
    commit_versions(
        root,
        CHECKOUT,
        [
            (
                "2026-10-01",
                with_current("30.5").replace("target: 34", "target: 34\n        confidence: 0.5"),
            ),
            (
                "2026-10-09",
                with_current("31.25").replace("target: 34", "target: 34\n        confidence: 0.6"),
            ),
            (
                "2026-10-16",
                with_current("32").replace("target: 34", "target: 34\n        confidence: 0.7"),
            ),
            (
                "2026-10-23",
                with_current("-0.0").replace("target: 34", "target: 34\n        confidence: 0.7"),
            ),
        ],
    )
    fresh = quarter_history(root, "okrs", "2026-Q4")

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the walk should have been read back")

    with monkeypatch.context() as m:
        m.setattr(Git, "log_changes", no_walk)
        again = quarter_history(root, "okrs", "2026-Q4")
    assert _events(again) == _events(fresh)
    ref = "checkout/effortless-checkout/conversion"
    for got, want in zip(again.timelines[ref].columns, fresh.timelines[ref].columns, strict=True):
        assert [(type(v), v) for v in got] == [(type(v), v) for v in want]


@pytest.mark.parametrize("damage", [b"{not json", b"", b"okrcli-cache walk", b"\x00" * 64])
def test_damaged_walk_cache_is_walked_again(repo: Path, damage: bytes) -> None:
    fresh = quarter_history(repo, "okrs", "2026-Q4")
    (walk,) = (repo / ".git" / "okrcli").glob(f"{WALK_KIND}-*.json")
    content = cachefile.read(walk, WALK_KIND)
    content["rows"] = {"x": [(99, (1, 2, 3, 4))]}
    cachefile.write(walk, WALK_KIND, content)
    assert _events(quarter_history(repo, "okrs", "2026-Q4")) == _events(fresh)
    cachefile.write(walk, WALK_KIND, [1, 2])
    assert _events(quarter_history(repo, "okrs", "2026-Q4")) == _events(fresh)
    raw = walk.read_bytes()
    walk.write_bytes(raw[: len(raw) // 2])  # cut short
    assert _events(quarter_history(repo, "okrs", "2026-Q4")) == _events(fresh)
    walk.write_bytes(damage)
    assert _events(quarter_history(repo, "okrs", "2026-Q4")) == _events(fresh)


def test_broken_cache_is_rebuilt(repo: Path) -> None:
    cache = repo / ".git" / "okrcli" / CACHE_NAME
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("{not json")
    h = quarter_history(repo, "okrs", "2026-Q4")
    assert len(h.timelines) == 3
    assert cachefile.read(cache, BLOB_KIND)


def test_renamed_file_keeps_its_history(repo: Path) -> None:
    (repo / "okrs/2026-Q4/checkout.yaml").rename(repo / "okrs/2026-Q4/checkout.yml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rename", when="2026-10-20")
    h = quarter_history(repo, "okrs", "2026-Q4")
    assert len(h.timelines["checkout/effortless-checkout/conversion"].events) == 3


def worktree(root: Path) -> list[WorktreeFile]:
    from okrcli.history.source import moment

    return moment(root, None)._worktree("2026-Q4") or []


def test_uncommitted_changes_are_the_latest_point(repo: Path) -> None:
    (repo / CHECKOUT).write_text(with_current("32.5", target="33"))
    h = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=worktree(repo))
    last = h.timelines["checkout/effortless-checkout/conversion"].events[-1]
    assert last.commit is None and last.after[2] == 32.5 and h.uncommitted


@pytest.mark.slow
def test_blob_id_is_gits() -> None:
    text = with_current("32.5") + "# é\n"
    out = subprocess.run(
        ["git", "hash-object", "--stdin"], input=text.encode(), capture_output=True, check=True
    )
    assert blob_id(text) == out.stdout.decode().strip()


def test_files_as_committed_are_not_read_again(repo: Path) -> None:
    (repo / "okrs/2026-Q4/payments.yaml").write_text(
        with_current("12").replace("unit: checkout", "unit: payments")
    )
    read: list[str | None] = []

    def watched(oid: str | None, data: object) -> WorktreeFile:
        def get() -> object:
            read.append(oid)
            return data() if callable(data) else data

        return oid, get

    files = [watched(oid, data) for oid, data in worktree(repo)]
    h = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=files)
    # checkout.yaml is as committed: its values come from the walk; only payments.yaml is read
    assert read == [blob_id((repo / "okrs/2026-Q4/payments.yaml").read_text())]
    assert h.timelines["payments/effortless-checkout/conversion"].events[-1].commit is None
    assert h.timelines["checkout/effortless-checkout/conversion"].events[-1].commit is not None
    # an unknown id (a file git cannot name) is read
    h = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=[(None, d) for _, d in files])
    assert len(read) == 3


def test_merges_and_detached_head(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / CHECKOUT).write_text(with_current("32", target="33"))
    git(repo, "commit", "-qam", "check-in on a branch", when="2026-10-23")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "feature", when="2026-10-24")
    h = quarter_history(repo, "okrs", "2026-Q4")
    assert h.timelines["checkout/effortless-checkout/conversion"].events[-1].after[2] == 32
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    h = quarter_history(repo, "okrs", "2026-Q4")
    assert h.timelines["checkout/effortless-checkout/conversion"].events[-1].after[2] == 31.5


def test_repository_without_commits(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", {CHECKOUT: with_current("30")})
    git(root, "init", "-q")
    h = quarter_history(root, "okrs", "2026-Q4", now=NOW, worktree=worktree(root))
    assert h.commits == [] and h.uncommitted
    card = score(ScoreRequest(repo=root, cwd=root, now=NOW))
    assert "no commits" in " ".join(card.notices)


def test_shallow_clone_is_reported_and_history_rules_skipped(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert Git(clone).is_shallow()
    card = score(ScoreRequest(repo=clone, cwd=clone, now=NOW))
    assert any("fetch-depth: 0" in n for n in card.notices)
    result = run_lint(clone)
    assert not [d for d in result.diagnostics if d.code.startswith("OKR40")]
    assert any("shallow clone" in n and "fetch-depth: 0" in n for n in result.notices)


def test_outside_git_history_rules_are_skipped_with_one_notice(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "plain", {CHECKOUT: GOOD_FILE})
    result = run_lint(root)
    assert result.diagnostics == []
    assert len(result.notices) == 1 and "OKR401" in result.notices[0]


@pytest.mark.parametrize("bad", ["--output=/tmp/x", "-p", "HEAD;rm", "nosuchref", "2031-01-01x"])
def test_revisions_are_validated(repo: Path, bad: str) -> None:
    from okrcli.errors import OkrError

    with pytest.raises(OkrError):
        score(ScoreRequest(repo=repo, cwd=repo, at=bad))


def test_score_at_a_commit_reproduces_that_week(repo: Path) -> None:
    at = score(ScoreRequest(repo=repo, cwd=repo, at="2026-10-09"))
    row = at.units[0].objectives[0].key_results[0]
    assert (row.current, row.target, str(row.score)) == (31, 34, "0.25")
    assert at.at.date().isoformat() == "2026-10-09"


@pytest.mark.slow
def test_a_day_after_today_is_refused(repo: Path) -> None:
    """Asked for a day still to come, okr would score the newest commit as at that day:
    a quarter still running judged as ended. It says so instead; today itself is fine."""
    from okrcli.errors import OkrError
    from okrcli.history.source import moment

    today = datetime(2026, 10, 18, 12, tzinfo=UTC)
    with pytest.raises(OkrError, match=r"--at 2026-10-19 is after today \(2026-10-18\)"):
        moment(repo, "2026-10-19", today)
    assert moment(repo, "2026-10-18", today).at.date().isoformat() == "2026-10-18"
    r = okr("score", "--at", "2300-01-01", cwd=repo)
    assert r.returncode == 2 and "is after today" in r.stderr and "Traceback" not in r.stderr


# --- the demo repository -------------------------------------------------------------------


@pytest.mark.slow
def test_demo_history_rules_fire_on_the_stale_kr_and_moved_target_only(demo: Path) -> None:
    r = okr("lint", "--at", "2026-11-20", "--format", "json", cwd=demo)
    found = sorted((d["code"], d["path"], d["message"].split("'")[1]) for d in json.loads(r.stdout))
    assert found == [
        ("OKR401", "okrs/2026-Q4/warehouse.yaml", "scanner-downtime"),
        ("OKR402", "okrs/2026-Q4/growth.yaml", "activation"),
    ]


@pytest.mark.slow
def test_demo_score_table(demo: Path) -> None:
    r = okr("score", "--at", "2026-11-20", cwd=demo)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("2026-Q4 as of 2026-11-20 (55% of the quarter gone)")
    assert "scanner-downtime  22 min    20.98 min  8 min    0.07   off track" in out
    assert "repeat-time" in out and "latency" in out


def test_demo_at_reproduces_an_earlier_week_exactly(demo: Path, tmp_path: Path) -> None:
    rev = git(demo, "rev-list", "-1", "--before=2026-11-07T00:00:00+00:00", "HEAD").strip()
    via_at = score(ScoreRequest(repo=demo, cwd=demo, at=rev, quarter="2026-Q4"))
    copy = tmp_path / "copy"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    git(copy, "checkout", "-q", rev)
    checked_out = score(ScoreRequest(repo=copy, cwd=copy, quarter="2026-Q4", now=via_at.at))
    a, b = json.loads(as_json(via_at)), json.loads(as_json(checked_out))
    assert a == b


@pytest.mark.slow
def test_demo_quarter_end_shows_calibration_and_prompts(demo: Path) -> None:
    r = okr(
        "score",
        "--quarter",
        "2026-Q3",
        "--at",
        "2026-11-20",
        "okrs/2026-Q3/payments.yaml",
        cwd=demo,
    )
    assert "(quarter over)" in r.stdout
    assert "calibration (Brier score" in r.stdout and "to discuss:" in r.stdout


@pytest.mark.slow
def test_score_markdown_and_json(demo: Path) -> None:
    md = okr("score", "--at", "2026-11-20", "--format", "markdown", cwd=demo).stdout
    assert md.startswith("## Scores for 2026-Q4")
    assert "| Key result | Baseline | Current | Target | Score | Pace |" in md
    data = json.loads(okr("score", "--at", "2026-11-20", "--format", "json", cwd=demo).stdout)
    assert data["quarter"] == "2026-Q4" and len(data["units"]) == 15
    # one judgement at a time: pace while the quarter runs, bands once it is over
    assert data["bands"] is None and sum(data["paces"].values()) == data["key_results"]
    assert {u["band"] for u in data["units"]} == {None} and data["units"][0]["pace"]
    over = okr("score", "--at", "2026-11-20", "--quarter", "2026-Q3", "--format", "json", cwd=demo)
    ended = json.loads(over.stdout)
    assert ended["ended"] and ended["paces"] is None and sum(ended["bands"].values()) == 12
    assert None not in {u["band"] for u in ended["units"]}


@pytest.mark.slow
def test_score_errors_are_clear(demo: Path) -> None:
    r = okr("score", "--quarter", "2019-Q1", cwd=demo)
    assert r.returncode == 2 and "no OKR files for 2019-Q1" in r.stderr
    r = okr("score", "--quarter", "Q1", cwd=demo)
    assert r.returncode == 2 and "YYYY-Qn" in r.stderr
    r = okr("score", "--at", "--output=x", cwd=demo)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_org_yaml_is_required_at_the_revision(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("x")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first", when="2026-10-01")
    write_repo(root, {CHECKOUT: GOOD_FILE}, org=EXAMPLE_ORG)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "second", when="2026-10-02")
    from okrcli.errors import OkrError

    with pytest.raises(OkrError, match=r"had no org\.yaml"):
        score(ScoreRequest(repo=root, cwd=root, at="HEAD~1"))


def test_broken_files_are_named_not_silently_left_out(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "r",
        {
            CHECKOUT: GOOD_FILE,
            "okrs/2026-Q4/search.yaml": "unit: search\nquarter: 2026-Q4\nobjectives: {}\n",
        },
    )
    card = score(ScoreRequest(repo=root, cwd=root, now=NOW))
    assert [u.id for u in card.units] == ["checkout"]
    assert any("okrs/2026-Q4/search.yaml could not be read" in n for n in card.notices)


def test_timeline_columns_and_their_views() -> None:
    from okrcli.history.git import Commit
    from okrcli.history.timeline import Timeline

    days = [datetime(2026, 10, d, tzinfo=UTC) for d in (1, 8, 15, 22)]
    commits = [Commit(f"c{i}", "Dana", "d@example.com", w, f"week {i}") for i, w in enumerate(days)]
    tl = Timeline("u/o/k")
    assert tl.last() is None and tl.checkin_indexes() == [] and not tl.uncommitted
    tl.add(commits[0], days[0], (10, 20, 10, 0.5, None, None))  # written: not a check-in
    tl.add(commits[1], days[1], (10, 20, 12, 0.5, None, None))  # a check-in
    tl.add(commits[2], days[2], (10, 25, 12, 0.6, None, None))  # the target moved, no new current
    tl.add(None, days[3], (10, 25, 14, 0.6, None, "late"))  # uncommitted check-in
    assert len(tl) == 4 and tl.uncommitted and tl.last() == (10, 25, 14, 0.6, None, "late")
    assert tl.checkin_indexes() == [1, 3] and tl.checkin_summary() == (2, 3)
    assert tl.changes_of(1) == [2] and tl.changes_of(0) == []
    events = tl.events
    assert [e.created for e in events] == [True, False, False, False]
    assert events[2].before == (10, 20, 12, 0.5, None, None) and events[2].changed("target")
    assert not events[2].changed("current") and events[3].commit is None
    assert [e.when for e in tl.checkins()] == [days[1], days[3]]


def test_reconfirming_an_unchanged_value_is_a_check_in() -> None:
    from okrcli.history.git import Commit
    from okrcli.history.timeline import Timeline

    days = [datetime(2026, 10, d, tzinfo=UTC) for d in (1, 8, 15, 22)]
    commits = [Commit(f"c{i}", "Dana", "d@example.com", w, f"week {i}") for i, w in enumerate(days)]
    tl = Timeline("u/o/k")
    tl.add(commits[0], days[0], (10, 20, 12, None, None, None))
    assert tl.checkin_summary() == (0, -1)  # written with a value, never checked in
    tl.add(commits[1], days[1], (10, 20, 12, None, "2026-10-08", None))  # same value again
    tl.add(commits[2], days[2], (10, 20, 12, None, "2026-10-15", "steady"))
    tl.add(commits[3], days[3], (10, 20, 12, 0.5, "2026-10-15", "steady"))  # confidence alone
    assert tl.checkin_indexes() == [1, 2] and tl.checkin_summary() == (2, 2)


def test_history_reads_a_valid_file_from_its_model_as_from_its_text() -> None:
    from okrcli.history.source import _plain
    from okrcli.history.timeline import extract_data
    from okrcli.load.repo import load_repository
    from okrcli.load.yamlsafe import parse

    docs = load_repository(ROOT / "examples" / "acme").docs
    assert docs and all(d.model is not None and d.parsed and d.parsed.data is None for d in docs)
    for d in docs:
        assert d.model is not None and d.text is not None
        assert extract_data(_plain(d.model)) == extract_data(parse(d.text).data)


def test_an_invalid_file_keeps_its_parsed_data_for_the_history(tmp_path: Path) -> None:
    from okrcli.load.repo import load_repository

    bad = GOOD_FILE.replace("        target: 34\n", "        target: 34\n        colour: red\n")
    root = write_repo(tmp_path / "r", {CHECKOUT: bad})
    (doc,) = load_repository(root).docs
    assert doc.model is None and doc.parsed is not None and isinstance(doc.parsed.data, dict)


def _fresh(root: Path) -> QuarterHistory:
    for path in (root / ".git" / "okrcli").glob("*"):
        path.unlink()
    return quarter_history(root, "okrs", "2026-Q4")


def test_a_new_commit_carries_the_kept_walk_on(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from okrcli.history import timeline

    quarter_history(repo, "okrs", "2026-Q4")  # kept at the third commit

    def no_blob_cache(*args: object) -> None:
        raise AssertionError("carrying on should not need the blob cache")

    (repo / CHECKOUT).write_text(with_current("32", target="33"))
    git(repo, "commit", "-qam", "check-in", when="2026-10-23")
    (repo / "okrs/2026-Q4/search.yaml").write_text(GOOD_FILE.replace("checkout", "search"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "search joins", when="2026-10-24")
    with monkeypatch.context() as m:
        m.setattr(timeline.BlobCache, "__init__", no_blob_cache)
        carried = quarter_history(repo, "okrs", "2026-Q4")
    full = _fresh(repo)
    assert _events(carried) == _events(full)
    assert [c.id for c in carried.commits] == [c.id for c in full.commits]
    assert len(carried.timelines) == 6  # checkout's three and search's three
    # and the working tree is still compared with the new commit's values
    (repo / CHECKOUT).write_text(with_current("32.5", target="33"))
    h = quarter_history(repo, "okrs", "2026-Q4", now=NOW, worktree=worktree(repo))
    assert h.uncommitted and h.timelines["checkout/effortless-checkout/conversion"].events[
        -1
    ].before == (30, 33, 32, None, None, None)


def test_commits_that_sort_among_the_walked_ones_mean_a_whole_walk(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrcli.history import timeline

    whole: list[str] = []
    real_walk = timeline._walk

    def counted(git_: Git, commit: str, folder: str, quarter: str) -> timeline.Walk:
        whole.append(commit)
        return real_walk(git_, commit, folder, quarter)

    monkeypatch.setattr(timeline, "_walk", counted)
    git(repo, "checkout", "-q", "-b", "late", "HEAD~1")
    (repo / "okrs/2026-Q4/search.yaml").write_text(GOOD_FILE.replace("checkout", "search"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "an older commit on a branch", when="2026-10-12")
    git(repo, "checkout", "-q", "main")
    quarter_history(repo, "okrs", "2026-Q4")  # kept at main
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "late", when="2026-10-25")
    whole.clear()
    carried = quarter_history(repo, "okrs", "2026-Q4")
    assert len(whole) == 1  # the branch's commit is older than the walked ones
    assert _events(carried) == _events(_fresh(repo))
    # and going back to an older commit is a whole walk too
    git(repo, "checkout", "-q", "--detach", "HEAD~2")
    back = quarter_history(repo, "okrs", "2026-Q4")
    assert _events(back) == _events(_fresh(repo))


def test_a_timelines_columns_are_read_by_name() -> None:
    from datetime import UTC, datetime

    from okrcli.history.timeline import FIELDS, Timeline

    tl = Timeline("u/o/k")
    values = (10.0, 20.0, 15.0, 0.7, "2026-11-20", "on track")
    tl.add(None, datetime(2026, 11, 20, tzinfo=UTC), values)
    named = {
        "baseline": tl.baselines,
        "target": tl.targets,
        "current": tl.currents,
        "confidence": tl.confidences,
        "checked": tl.checked_days,
        "note": tl.notes,
    }
    assert list(named) == list(FIELDS)
    assert [column[0] for column in named.values()] == list(values)
