"""A closed quarter stays closed (issue 28), through okr's own commands: check-in and sync
refuse a quarter after its closing window, --reopen changes it on purpose and says why, score
and report keep the value at close with the later change beside it, OKR404 names the change;
okr.yaml's time zone decides which day a commit belongs to; --date gives a late check-in's day.

The commands run at the machine's clock, so the quarters are chosen from today: one that
closed long ago, and the running one."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from okrcli.model.quarter import Quarter
from tests.conftest import git, okr, write_repo

pytestmark = pytest.mark.slow

TODAY = datetime.now(UTC).date()
RUNNING = Quarter.containing(TODAY)
CLOSED = RUNNING.previous().previous()  # ended three months ago or more: closed by default

FILE = """\
unit: checkout
quarter: {quarter}
objectives:
  - id: effortless-checkout
    title: Make checkout effortless for returning customers
    aligns_to: [strategy/retention]
    key_results:
      - id: conversion
        title: Raise checkout conversion of returning customers
        baseline: 30
        target: 40
{current}      - id: repeat-time
        title: Cut median time to complete a repeat order
        baseline: 95
        target: 60
        current: 95
      - id: payment-errors
        title: Lower the share of checkouts that fail with a payment error
        baseline: 2.4
        target: 1.0
        current: 2.4
"""


def okr_file(quarter: Quarter, current: str | None) -> str:
    line = f"        current: {current}\n" if current is not None else ""
    return FILE.format(quarter=quarter, current=line)


def stamp(day: date, clock: str = "12:00:00+00:00") -> str:
    return f"{day.isoformat()}T{clock}"


def commit_env(when: str, author: str = "Dana") -> dict[str, str]:
    return {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": f"{author.lower()}@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": f"{author.lower()}@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }


def closed_repo(tmp_path: Path, okr_yaml: str = "") -> tuple[Path, Path]:
    """The closed quarter's file, written on its first day and checked in at 33 (0.3) two days
    before its end."""
    rel = f"okrs/{CLOSED}/checkout.yaml"
    files = {rel: okr_file(CLOSED, None)}
    if okr_yaml:
        files["okr.yaml"] = okr_yaml
    root = write_repo(tmp_path / "acme", files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when=stamp(CLOSED.start))
    (root / rel).write_text(okr_file(CLOSED, "33"))
    git(root, "commit", "-qam", "check-in", when=stamp(CLOSED.end - timedelta(days=2)))
    return root, root / rel


def test_a_closed_quarter_refuses_check_in_and_sync_and_reopen_records_why(
    tmp_path: Path,
) -> None:
    root, path = closed_repo(tmp_path)
    closed_on = (CLOSED.end + timedelta(days=14)).isoformat()
    before = path.read_text()
    now = commit_env(stamp(TODAY))
    ref = "checkout/conversion"
    refused = okr("check-in", ref, "38", "--quarter", str(CLOSED), "--commit", cwd=root, env=now)
    assert refused.returncode == 2, refused.stderr
    assert f"{CLOSED} is closed: it took check-ins until {closed_on}" in refused.stderr
    assert '--reopen "why"' in refused.stderr and "Traceback" not in refused.stderr
    assert path.read_text() == before
    synced = okr("sync", "--quarter", str(CLOSED), cwd=root, env=now)
    assert synced.returncode == 2 and f"{CLOSED} is closed" in synced.stderr
    assert path.read_text() == before
    # --reopen without --commit could not record why: refused too
    bare = okr("check-in", ref, "38", "--quarter", str(CLOSED), "--reopen", "late", cwd=root)
    assert bare.returncode == 2 and "add --commit" in bare.stderr
    assert path.read_text() == before

    done = okr(
        "check-in",
        ref,
        "38",
        "--quarter",
        str(CLOSED),
        "--reopen",
        "the invoices came late",
        "--commit",
        cwd=root,
        env=commit_env(stamp(TODAY - timedelta(days=1)), "Sam"),
    )
    assert done.returncode == 0, done.stderr
    assert "current: 38" in path.read_text()
    message = git(root, "log", "-1", "--format=%B")
    assert "Reopened after close: the invoices came late" in message

    # the score keeps 33 as at close: (33 - 30) / 10 = 0.3; 38 would be 0.8
    scored = okr("score", "--quarter", str(CLOSED), cwd=root)
    assert scored.returncode == 0, scored.stderr
    assert "33 (changed after close: 38)" in scored.stdout
    assert "0.30 (changed after close: 0.80)" in scored.stdout
    # the unit: (0.3 + 0 + 0) / 3 = 0.1; with 38, (0.8 + 0 + 0) / 3 = 0.27
    assert "score 0.10 (changed after close: 0.27)" in scored.stdout
    assert f"closed on {closed_on}" in scored.stdout
    data = json.loads(okr("score", "--quarter", str(CLOSED), "--format", "json", cwd=root).stdout)
    kr = data["units"][0]["objectives"][0]["key_results"][0]
    assert (kr["current"], kr["score"], kr["after_close"]["value"]) == (33, 0.3, 38)
    assert kr["after_close"]["who"] == "Sam"
    assert (data["score"], data["after_close"], data["closed_on"]) == (0.1, 0.27, closed_on)
    report = okr("report", "--quarter", str(CLOSED), cwd=root)
    assert report.returncode == 0, report.stderr
    assert "33 (changed after close: 38)" in report.stdout
    assert "0.10 (changed after close: 0.27)" in report.stdout

    # lint reports the change, with its facts
    linted = okr("lint", "--format", "json", cwd=root)
    (found,) = [d for d in json.loads(linted.stdout) if d["code"] == "OKR404"]
    assert found["severity"] == "warning" and found["name"] == "changed-after-close"
    facts = found["facts"]
    assert (facts["field"], facts["old"], facts["new"], facts["who"]) == (
        "current",
        33,
        38,
        "Sam",
    )
    assert facts["day"] == (TODAY - timedelta(days=1)).isoformat()
    assert facts["closed_on"] == closed_on


def test_within_the_window_a_change_counts_and_lint_is_quiet(tmp_path: Path) -> None:
    # a window long enough to hold today: the quarter still takes check-ins
    days = (TODAY - CLOSED.end).days + 30
    root, path = closed_repo(tmp_path, f"scoring:\n  close_days: {days}\n")
    reopen = okr(
        "check-in",
        "checkout/conversion",
        "38",
        "--quarter",
        str(CLOSED),
        "--reopen",
        "why",
        "--commit",
        cwd=root,
    )
    assert reopen.returncode == 2 and f"{CLOSED} is not closed" in reopen.stderr
    done = okr(
        "check-in",
        "checkout/conversion",
        "38",
        "--quarter",
        str(CLOSED),
        "--commit",
        cwd=root,
        env=commit_env(stamp(TODAY)),
    )
    assert done.returncode == 0, done.stderr
    assert "current: 38" in path.read_text()
    scored = okr("score", "--quarter", str(CLOSED), cwd=root)
    assert "changed after close" not in scored.stdout
    assert "score 0.27" in scored.stdout  # (0.8 + 0 + 0) / 3: the late value counted
    linted = okr("lint", "--format", "json", cwd=root)
    assert not [d for d in json.loads(linted.stdout) if d["code"] == "OKR404"]


def test_the_time_zone_decides_the_day_of_a_commit(tmp_path: Path) -> None:
    # Friday 25 September 2026, 18:30 in California (PDT, UTC-7): Saturday 01:30 UTC
    q3 = Quarter(2026, 3)
    rel = "okrs/2026-Q3/checkout.yaml"
    root = write_repo(tmp_path / "acme", {rel: okr_file(q3, None)})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when="2026-07-01T12:00:00+00:00")
    (root / rel).write_text(okr_file(q3, "33"))
    git(root, "commit", "-qam", "check-in", when="2026-09-25T18:30:00-07:00")

    def last_checkin() -> str | None:
        out = okr(
            "score", "--quarter", "2026-Q3", "--at", "2026-09-25", "--format", "json", cwd=root
        )
        assert out.returncode == 0, out.stderr
        kr = json.loads(out.stdout)["units"][0]["objectives"][0]["key_results"][0]
        return kr["last_checkin"]  # type: ignore[no-any-return]

    assert last_checkin() is None  # UTC: the check-in was on Saturday
    (root / "okr.yaml").write_text("timezone: America/Los_Angeles\n")
    assert last_checkin() == "2026-09-25"
    text = okr("score", "--quarter", "2026-Q3", "--at", "2026-09-26", cwd=root).stdout
    assert "2026-09-25" in text and "2026-09-26  " not in text

    # an unknown zone is a configuration error naming okr.yaml's line
    (root / "okr.yaml").write_text("okrs_dir: okrs\ntimezone: Mars/Olympus\n")
    bad = okr("score", "--quarter", "2026-Q3", cwd=root)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "okr.yaml:2:" in bad.stderr and "'Mars/Olympus' is not a time zone" in bad.stderr


def test_date_gives_a_late_check_in_its_day(tmp_path: Path) -> None:
    rel = f"okrs/{RUNNING}/checkout.yaml"
    root = write_repo(tmp_path / "acme", {rel: okr_file(RUNNING, "31")})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when=stamp(RUNNING.start))
    path = root / rel
    before = path.read_text()
    ref = "checkout/conversion"

    def check_in(day: str) -> tuple[int, str]:
        out = okr("check-in", ref, "35", "--date", day, "--commit", cwd=root)
        return out.returncode, out.stderr

    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    code, err = check_in(tomorrow)
    assert code == 2 and f"--date {tomorrow} is in the future" in err
    early = (RUNNING.start - timedelta(days=1)).isoformat()
    code, err = check_in(early)
    assert code == 2 and f"before {RUNNING} began" in err
    code, err = check_in("30 September")
    assert code == 2 and "as YYYY-MM-DD" in err
    assert path.read_text() == before

    code, err = check_in(TODAY.isoformat())
    assert code == 0, err
    assert f"checked: {TODAY.isoformat()}" in path.read_text()
    if RUNNING.start < TODAY:  # a day before the previous check-in, still in the quarter
        written = path.read_text()
        code, err = check_in((TODAY - timedelta(days=1)).isoformat())
        assert code == 2 and "before the previous check-in" in err
        assert path.read_text() == written


def test_sync_of_a_closed_quarter_reopened_records_why(tmp_path: Path) -> None:
    root, path = closed_repo(tmp_path)
    path.write_text(
        path.read_text().replace(
            "        current: 33\n",
            "        current: 33\n        source: {csv: metrics/conversion.csv, column: rate}\n",
        )
    )
    (root / "metrics").mkdir()
    (root / "metrics/conversion.csv").write_text("week,rate\n1,33\n2,36\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "source", when=stamp(CLOSED.end - timedelta(days=1)))
    before = path.read_text()
    refused = okr("sync", "--quarter", str(CLOSED), "--commit", cwd=root)
    assert refused.returncode == 2 and f"{CLOSED} is closed" in refused.stderr
    assert path.read_text() == before
    done = okr(
        "sync",
        "--quarter",
        str(CLOSED),
        "--reopen",
        "the export was a day short",
        "--commit",
        cwd=root,
        env=commit_env(stamp(TODAY)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "current: 36" in path.read_text()
    message = git(root, "log", "-1", "--format=%B")
    assert message.splitlines()[2] == "Reopened after close: the export was a day short"
