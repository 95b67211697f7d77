"""A quarter's lifecycle: carry-over, repeated check-ins, moved targets, the running quarter,
pace and bands (issue 13). The slow tests use git; the others work on files alone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from okrcli.edit import service
from okrcli.edit.checkin import Edit, apply
from okrcli.errors import OkrError
from okrcli.history.git import Commit
from okrcli.history.timeline import Timeline
from okrcli.load.repo import Repository, load_repository
from okrcli.load.yamlsafe import parse
from okrcli.model.config import Config
from okrcli.model.okr import Objective
from okrcli.model.quarter import Quarter
from okrcli.report.diff import Diff
from okrcli.rules.base import GOOD_FILE, variant
from okrcli.score.card import build, pace_of, target_move
from okrcli.score.formats import status
from okrcli.scoring import band, committed_band
from tests.conftest import diagnostic, git, okr, run_lint, write_repo

Q3 = "okrs/2026-Q3/checkout.yaml"
Q4 = "okrs/2026-Q4/checkout.yaml"

# a key result that beat its target (51 of 50), one that did not (700 on the way from 900 to
# 600), one lower-is-better that beat it (0.8 below 1.0), one never checked in
CARRIED = variant(
    GOOD_FILE[GOOD_FILE.index("      - id: conversion") :],
    """\
      - id: conversion
        title: Raise checkout conversion of returning customers
        baseline: 40
        target: 50  # agreed in July
        current: 51
        confidence: 0.8
        checked: 2026-09-16
        note: "beat it"
      - id: repeat-time
        title: Cut median time to complete a repeat order
        baseline: 900
        target: 600
        current: 700
      - id: payment-errors
        title: Lower the share of checkouts that fail with a payment error
        baseline: 2.4
        target: 1.0
        current: 0.8
      - id: nps
        title: Raise the NPS of returning customers
        baseline: 30
        target: 40
""",
).replace("2026-Q4", "2026-Q3")


def _krs(root: Path, rel: str) -> dict[str, dict[str, object]]:
    data = parse((root / rel).read_text()).data
    return {k["id"]: k for k in data["objectives"][0]["key_results"]}


# -- 1. carry-over never flips a direction ----------------------------------------------------


def test_carry_over_keeps_directions_and_leaves_reached_targets_to_the_team(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path / "r", {Q3: CARRIED})
    repo = load_repository(root)
    service.new_file(repo, "checkout", "2026-Q4", "2026-Q3")
    krs = _krs(root, Q4)
    # beat its target: baseline where it ended, no target, the direction written down
    assert krs["conversion"]["baseline"] == 51 and "target" not in krs["conversion"]
    assert krs["conversion"]["direction"] == "increase"
    assert krs["payment-errors"] == {
        "id": "payment-errors",
        "title": "Lower the share of checkouts that fail with a payment error",
        "baseline": 0.8,
        "direction": "decrease",
    }
    # still on the way: the target stays beyond the new baseline
    assert (krs["repeat-time"]["baseline"], krs["repeat-time"]["target"]) == (700, 600)
    assert "direction" not in krs["repeat-time"]
    # never checked in: as it was; nothing of the last check-in is carried
    assert (krs["nps"]["baseline"], krs["nps"]["target"]) == (30, 40)
    for k in krs.values():
        assert not {"current", "confidence", "checked", "note"} & set(k)
    written = (root / Q4).read_text()
    assert "set a target above 51: last quarter's 50 was reached" in written
    assert "set a target below 0.8: last quarter's 1 was reached" in written
    # and lint says what to do, as an error
    found = [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]
    assert [d.severity for d in found] == ["error", "error"]
    assert "set one above its baseline (51)" in found[0].message
    assert "set one below its baseline (0.8)" in found[1].message


def test_a_declared_direction_against_baseline_and_target_is_an_error(tmp_path: Path) -> None:
    bad = variant("        target: 34\n", "        target: 34\n        direction: decrease\n")
    root = write_repo(tmp_path / "r", {Q4: bad})
    (d,) = [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]
    assert d.severity == "error" and "says direction: decrease" in d.message


def test_a_key_result_turned_round_since_last_quarter_is_an_error(tmp_path: Path) -> None:
    """What an earlier carry-over wrote (baseline 35 past the old target 34) is caught."""
    flipped = variant("baseline: 30\n        target: 34", "baseline: 35\n        target: 34")
    last = GOOD_FILE.replace("2026-Q4", "2026-Q3")
    root = write_repo(tmp_path / "r", {Q4: flipped, Q3: last})
    (d,) = [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]
    assert d.severity == "error"
    assert d.message == (
        "key result 'conversion' now points down (from 35 to 34), but in 2026-Q3 it went up "
        "(from 30 to 34): carried over past its old target? Set a target above 35, or declare "
        "direction: decrease if the aim really turned."
    )
    meant = flipped.replace(
        "        target: 34\n", "        target: 34\n        direction: decrease\n", 1
    )
    (root / Q4).write_text(meant)
    assert not [d for d in run_lint(root, Q4).diagnostics if d.code == "OKR202"]


# -- 2. re-confirming a value is a check-in ---------------------------------------------------


def test_reconfirming_an_unchanged_value_writes_the_day(tmp_path: Path) -> None:
    steady = variant("        target: 34\n", "        target: 34\n        current: 33\n")
    root = write_repo(tmp_path / "r", {Q4: steady})
    repo = load_repository(root)
    spec = "checkout/conversion"
    first = service.check_in_one(repo, "2026-Q4", spec, "33", None, today=date(2026, 11, 6))
    assert first.written and first.changes == []
    assert first.confirmed == [("effortless-checkout/conversion", "33")]
    assert first.summary() == "effortless-checkout/conversion current 33 (unchanged, re-confirmed)"
    assert _krs(root, Q4)["conversion"]["checked"] == "2026-11-06"
    # a week later, with a note: recorded again
    repo = load_repository(root)
    again = service.check_in_one(
        repo, "2026-Q4", spec, "33.0", None, "steady  as\nexpected", today=date(2026, 11, 13)
    )
    assert again.written and again.confirmed and [c.field for c in again.changes] == ["note"]
    assert _krs(root, Q4)["conversion"]["checked"] == "2026-11-13"
    assert _krs(root, Q4)["conversion"]["note"] == "steady as expected"  # one line
    # the same check-in again the same day changes nothing (and the note stays)
    repo = load_repository(root)
    same = service.check_in_one(
        repo, "2026-Q4", spec, "33", None, "steady as expected", today=date(2026, 11, 13)
    )
    assert not same.written and same.confirmed == []
    # a check-in without a note removes the last one's
    repo = load_repository(root)
    service.check_in_one(repo, "2026-Q4", spec, "34", "0.5", today=date(2026, 11, 20))
    k = _krs(root, Q4)["conversion"]
    assert (k["current"], k["confidence"], k["checked"]) == (34, 0.5, "2026-11-20")
    assert "note" not in k


def test_a_note_is_removed_from_a_flow_mapping_too() -> None:
    flow = GOOD_FILE.replace(
        "      - id: conversion\n"
        "        title: Raise checkout conversion of returning customers\n"
        "        baseline: 30\n"
        "        target: 34\n",
        '      - {id: conversion, title: Raise conversion, baseline: 30, target: 34, note: "x"}\n',
    )
    out = apply(flow, [Edit(0, 0, {"current": "31", "note": None})])
    assert (
        "      - {id: conversion, title: Raise conversion, baseline: 30, target: 34, current: 31}\n"
        in out
    )


def test_check_in_values_refuse_percentages_with_advice_that_works() -> None:
    with pytest.raises(OkrError, match=r"write 0\.7"):
        service.edit_values("31", "70%")
    with pytest.raises(OkrError, match=r"for 70% write 0\.7"):
        service.edit_values("31", "70")
    with pytest.raises(OkrError, match="empty"):
        service.edit_values("31", None, "   ")
    values = service.edit_values("31", "0.70", 'a "quoted" note', date(2026, 11, 6))
    assert values == {
        "current": "31",
        "confidence": "0.7",
        "checked": "2026-11-06",
        "note": '"a \\"quoted\\" note"',
    }


# -- 4. the running quarter -------------------------------------------------------------------


def test_without_quarter_the_running_one_is_used_never_the_last_with_files(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path / "r", {Q3: CARRIED})
    repo = load_repository(root)
    on = datetime(2026, 11, 27, tzinfo=UTC)
    assert service.pick_quarter(repo, None, on) == "2026-Q4"
    with pytest.raises(OkrError) as caught:
        service.check_in_one(repo, "2026-Q4", "checkout/conversion", "52", None, asked=False)
    message = caught.value.message
    assert "2026-Q4 is the running quarter" in message and Q4 in message
    # 2026-Q3 closed on 14 October (its last day plus scoring.close_days): never suggested
    assert "okr new checkout --from 2026-Q3" in message and "--quarter 2026-Q3" not in message
    assert (root / Q3).read_text() == CARRIED  # the third quarter's final value is kept
    # a fiscal year starting in October: 27 November is in FY2027-Q1
    (root / "okr.yaml").write_text("fiscal_year_start_month: 10\n")
    assert service.pick_quarter(load_repository(root), None, on) == "2027-Q1"


# -- 3. moved targets -------------------------------------------------------------------------


def _timeline(*changes: tuple[str, float]) -> Timeline:
    tl = Timeline("checkout/o/latency")
    for n, (day, target) in enumerate(changes):
        when = datetime.fromisoformat(f"{day}T12:00:00+00:00")
        tl.add(
            Commit(f"c{n}", "Sam", "s@x", when, "edit"), when, (900, target, None, None, None, None)
        )
    return tl


def test_the_agreed_target_is_the_one_in_force_when_the_first_days_end() -> None:
    cutoff = datetime(2026, 7, 15, tzinfo=UTC)
    # set on the first day, settled in week two (planning), moved in week six
    tl = _timeline(("2026-07-01", 400), ("2026-07-10", 500), ("2026-08-05", 600))
    move = target_move(tl, 600, cutoff, "agreed")
    assert move is not None
    assert (move.agreed, move.latest, move.when, move.who, move.changes) == (
        500,
        600,
        date(2026, 8, 5),
        "Sam",
        1,
    )
    assert move.describe("checkout/o/latency") == (
        "checkout/o/latency: target moved from 500 to 600 on 2026-08-05 by Sam; scored "
        "against the agreed 500, 600 shown beside it."
    )
    # settled within the first days only: nothing moved
    assert (
        target_move(_timeline(("2026-07-01", 400), ("2026-07-10", 500)), 500, cutoff, "agreed")
        is None
    )
    # a key result added later agreed on the target it was written with
    later = _timeline(("2026-08-01", 450), ("2026-09-01", 420))
    moved = target_move(later, 420, cutoff, "current")
    assert moved is not None and (moved.agreed, moved.latest, moved.scored) == (450, 420, "current")


GRACE_SPELLINGS = ["OKR402", "okr402", "moved-goalpost", "Moved-Goalpost"]


def _repo(config: Config) -> Repository:
    return Repository(Path("."), config, None, None, None, [])


def test_the_agreed_moment_follows_moved_goalposts_grace_days() -> None:
    assert Config().agreed_after_days() == 14
    cfg = Config.model_validate({"lint": {"rules": {"moved-goalpost": {"grace_days": 21}}}})
    assert cfg.agreed_after_days() == 21


@pytest.mark.parametrize("key", GRACE_SPELLINGS)
def test_moved_goalposts_grace_days_is_one_value_whatever_the_key_spelling(key: str) -> None:
    """The score's agreed moment and OKR402 read grace_days the same way: code or name, in
    any case (as `okr lint` accepts them), validated by the rule's options model."""
    from okrcli.lint.engine import plan
    from okrcli.lint.request import LintRequest
    from okrcli.model.config import MovedGoalpostOptions

    cfg = Config.model_validate({"lint": {"rules": {key: {"grace_days": 7}}}})
    assert cfg.agreed_after_days() == 7
    repo = _repo(cfg)
    options = plan(repo, LintRequest(cwd=Path("."))).options["OKR402"]
    assert isinstance(options, MovedGoalpostOptions) and options.grace_days == 7


def test_the_score_reads_the_grace_days_of_the_moved_goalpost_rule() -> None:
    from okrcli.model.config import MOVED_GOALPOST, MovedGoalpostOptions
    from okrcli.rules.history import MovedGoalpost

    assert (MovedGoalpost.code, MovedGoalpost.name) == MOVED_GOALPOST
    assert MovedGoalpost.Options is MovedGoalpostOptions


def test_moved_goalposts_grace_days_given_twice_or_invalid_is_an_error() -> None:
    from okrcli.lint.engine import plan
    from okrcli.lint.request import LintRequest

    twice = Config.model_validate(
        {"lint": {"rules": {"okr402": {"grace_days": 7}, "moved-goalpost": {"grace_days": 9}}}}
    )
    with pytest.raises(OkrError, match="names OKR402 twice"):
        plan(_repo(twice), LintRequest(cwd=Path(".")))
    bad = Config.model_validate({"lint": {"rules": {"okr402": {"grace_days": -1}}}})
    with pytest.raises(OkrError, match=r"lint\.rules\.okr402\.grace_days"):
        bad.agreed_after_days()
    with pytest.raises(OkrError, match=r"lint\.rules\.okr402\.grace_days"):
        plan(_repo(bad), LintRequest(cwd=Path(".")))


def _moved_on_day_ten(root: Path, key: str) -> Path:
    """A key result whose target moved on the quarter's tenth day (2026-10-11), with
    okr.yaml giving OKR402 seven grace days under ``key``."""
    from okrcli.rules.history import _checked_in
    from tests.conftest import commit_versions

    write_repo(root, {"okr.yaml": f"lint:\n  rules:\n    {key}: {{grace_days: 7}}\n"})
    commit_versions(
        root,
        Q4,
        [
            ("2026-10-01", _checked_in("0")),
            ("2026-10-05", _checked_in("10")),
            ("2026-10-11", _checked_in("20", "target: 32")),
            ("2026-11-13", _checked_in("50", "target: 32")),
        ],
    )
    return root


@pytest.mark.slow
@pytest.mark.parametrize("key", GRACE_SPELLINGS)
def test_grace_days_spelt_any_way_moves_lint_score_and_report_alike(
    tmp_path: Path, key: str
) -> None:
    """With seven grace days, the move on day ten is reported by `okr lint`, and `okr score`
    and `okr report` score against the target agreed on day seven (34), the moved one (32)
    beside it, whichever way okr.yaml spells the rule."""
    root = _moved_on_day_ten(tmp_path / "repo", key)
    at = "2026-11-20"
    lint = okr("lint", "--at", at, "--format", "json", cwd=root)
    assert lint.returncode == 0, lint.stderr
    [moved] = [d for d in json.loads(lint.stdout) if d["code"] == "OKR402"]
    assert moved["facts"]["grace_days"] == 7 and moved["facts"]["day"] == "2026-10-11"
    score = okr("score", "--at", at, cwd=root)
    assert score.returncode == 0, score.stderr
    assert "34 (moved to 32)" in score.stdout
    assert "scored against the agreed 34, 32 shown beside it" in score.stdout
    report = okr("report", "--at", at, cwd=root)
    assert report.returncode == 0, report.stderr
    assert "goalpost moved: target 34 → 32 (easier) on 2026-10-11" in report.stdout


# -- 7. pace while the quarter runs, bands after; committed objectives ---------------------------


def test_committed_objectives_are_met_only_at_one() -> None:
    assert committed_band(Decimal(1)) == "met"
    assert committed_band(Decimal("0.99")) == "missed"
    assert band(Decimal("0.99"), 0.6, 0.8) == "over"  # an aspirational one


def test_pace_thresholds_come_from_okr_yaml() -> None:
    # half the quarter gone: expected 0.5; 0.4 is 80% of it
    assert pace_of(Decimal("0.4"), Decimal("0.5")) == "at risk"  # defaults 0.9 and 0.6
    assert pace_of(Decimal("0.4"), Decimal("0.5"), on_track=0.8, at_risk=0.5) == "on track"
    assert pace_of(Decimal("0.2"), Decimal("0.5"), on_track=0.8, at_risk=0.5) == "off track"
    with pytest.raises(ValueError, match="at_risk"):
        Config.model_validate({"scoring": {"pace": {"on_track": 0.5, "at_risk": 0.7}}})


def test_a_card_shows_pace_while_running_and_bands_after(tmp_path: Path) -> None:
    done = variant("        target: 34\n", "        target: 34\n        current: 34\n")
    committed = done.replace(
        "    aligns_to: [strategy/retention]\n",
        "    aligns_to: [strategy/retention]\n    commitment: committed\n",
    )
    root = write_repo(tmp_path / "r", {Q4: committed})
    repo = load_repository(root)
    q = Quarter(2026, 4)
    # one key result of three at its target: 1/3 = 0.33. On 16 November 46 of the quarter's
    # 92 days are gone: expected 0.5, on track from 0.45, at risk from 0.3
    running = build(repo, q, None, datetime(2026, 11, 16, tzinfo=UTC))
    (o,) = running.units[0].objectives
    assert running.elapsed == Decimal("0.50")
    assert o.score == Decimal("0.33") and o.band == "missed"  # committed: met only at 1
    assert o.pace == "at risk" and status(o.pace, o.band, running) == "at risk"
    assert running.units[0].pace == "at risk" and running.pace == "at risk"
    over = build(repo, q, None, datetime(2027, 1, 1, tzinfo=UTC))
    (o2,) = over.units[0].objectives
    assert o2.pace is None and over.units[0].pace is None and over.pace is None
    assert status(o2.pace, o2.band, over) == "missed"
    # the band's questions come with the band, never while the quarter runs
    from okrcli.score.formats import markdown

    assert "To discuss" not in markdown(running) and "To discuss" in markdown(over)
    assert "(committed): 0.33, missed" in markdown(over)
    assert "(committed): 0.33, at risk" in markdown(running)


def test_objective_model_default_is_aspirational() -> None:
    assert Objective.model_validate({"id": "o", "title": "t"}).commitment == "aspirational"


# -- 9. notes kept and shown; --commit commits only the check-in -------------------------------


def test_diff_shows_reconfirmed_values_and_notes(tmp_path: Path) -> None:
    from okrcli.report.diff import compare, text

    def state(lines: str) -> Repository:
        root = write_repo(tmp_path / str(len(lines)), {Q4: variant("        target: 34\n", lines)})
        return load_repository(root)

    base = state("        target: 34\n        current: 33\n        checked: 2026-11-06\n")
    again = state(
        "        target: 34\n        current: 33\n        checked: 2026-11-13\n"
        '        note: "steady,\\n  as expected"\n'
    )
    moved = state("        target: 34\n        current: 34\n        checked: 2026-11-13\n")
    (c,) = compare(base, again)
    assert (c.kind, c.old, c.new) == ("check-in", "33", "33")
    assert c.remark("->") == "re-confirmed; note: steady, as expected"  # on one line
    (c2,) = compare(base, moved)
    assert c2.kind == "check-in" and c2.remark("->").startswith("score 0.75 -> 1.00")
    assert "re-confirmed; note: steady, as expected" in text(Diff("a", "b", compare(base, again)))


@pytest.mark.slow
def test_commit_takes_only_the_check_in_or_refuses(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", {Q4: GOOD_FILE})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when="2026-10-01")
    (root / Q4).write_text(GOOD_FILE.replace("target: 60", "target: 70"))
    r = okr("check-in", "checkout/conversion", "31", "--commit", "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 2 and "has changes that are not committed" in r.stderr
    assert "target: 70" in (root / Q4).read_text() and "current" not in (root / Q4).read_text()
    git(root, "checkout", "--", Q4)
    r = okr(
        "check-in",
        "checkout/conversion",
        "31",
        "-m",
        "first week",
        "--commit",
        "--quarter",
        "2026-Q4",
        cwd=root,
    )
    assert r.returncode == 0, r.stderr
    r = okr("check-in", "checkout/conversion", "31", "--commit", "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "current 31 (unchanged, re-confirmed)" in r.stdout
    log = git(root, "log", "--format=%s|%b")
    assert "check-in: checkout effortless-checkout/conversion 31 (unchanged)" in log
    assert "check-in: checkout effortless-checkout/conversion none -> 31|first week" in log
    assert "None" not in log
    # the same day again: already recorded, nothing to commit
    r = okr("check-in", "checkout/conversion", "31", "--commit", "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 0 and "already checked in today" in r.stdout


# -- 12. user-facing text ---------------------------------------------------------------------


def test_broken_references_offer_the_closest_name(tmp_path: Path) -> None:
    typo = variant("aligns_to: [strategy/retention]", "aligns_to: [strategy/retension]")
    typo = typo.replace("    key_results:\n", "    depends_on: [paymnets]\n    key_results:\n", 1)
    root = write_repo(tmp_path / "r", {Q4: typo})
    found = [d.message for d in run_lint(root, Q4).diagnostics if d.code == "OKR006"]
    assert any("Did you mean 'strategy/retention'?" in m for m in found), found
    assert any("Did you mean 'payments'?" in m for m in found), found


# -- 10. linting what a pull request changes ----------------------------------------------------


def test_junit_fails_a_file_only_for_what_fails_the_run() -> None:
    import xml.etree.ElementTree as ET

    from okrcli.lint.diagnostics import Diagnostic, LintResult
    from okrcli.lint.reporters import junit

    def found(path: str, severity: str) -> Diagnostic:
        return diagnostic(path=path, code="OKR204", name="vanity-kr", severity=severity)

    files = ["a.yaml", "b.yaml"]
    diags = [found("a.yaml", "warning"), found("b.yaml", "error"), found("b.yaml", "info")]
    plain = ET.fromstring(junit(LintResult(diags, files, [])))
    cases = {c.get("name"): c for c in plain.iter("testcase")}
    assert cases["a.yaml"].find("failure") is None  # warnings alone: okr lint exits 0
    assert cases["a.yaml"].findtext("system-out") is not None
    assert cases["b.yaml"].find("failure") is not None
    assert plain.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]
    strict = ET.fromstring(junit(LintResult(diags, files, [], ("error", "warning"))))
    assert strict.find("testsuite").get("failures") == "2"  # type: ignore[union-attr]


@pytest.mark.slow
def test_lint_reports_on_the_changed_files_and_the_quarter_asked(tmp_path: Path) -> None:
    vanity = variant(
        "title: Raise checkout conversion of returning customers", "title: Grow total page views"
    )
    old = vanity.replace("2026-Q4", "2026-Q3")
    search = vanity.replace("unit: checkout", "unit: search")
    root = write_repo(tmp_path / "r", {Q3: old, Q4: GOOD_FILE})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs", when="2026-10-01")
    git(root, "checkout", "-q", "-b", "pr")
    (root / "okrs/2026-Q4/search.yaml").write_text(search)  # new in the pull request

    def reported(*args: str) -> set[str]:
        r = okr("lint", "--format", "json", *args, cwd=root)
        assert r.returncode in (0, 1), r.stderr
        return {d["path"] for d in json.loads(r.stdout) if d["code"] == "OKR204"}

    assert reported() == {Q3, "okrs/2026-Q4/search.yaml"}
    assert reported("--changed-since", "main") == {"okrs/2026-Q4/search.yaml"}
    assert reported("--quarter", "2026-Q3") == {Q3}
    # org.yaml changed: every file is checked again
    (root / "org.yaml").write_text((root / "org.yaml").read_text() + "\n")
    assert reported("--changed-since", "main") == {Q3, "okrs/2026-Q4/search.yaml"}
    r = okr("lint", "--changed-since", "nowhere", cwd=root)
    assert r.returncode == 2 and "nowhere" in r.stderr


# -- 11. scaffolded CI that runs as written ---------------------------------------------------


@pytest.mark.slow
def test_scaffolded_ci_installs_from_a_marked_line_and_runs_on_the_created_branch(
    tmp_path: Path,
) -> None:
    from okrcli.edit.scaffold import init

    init(tmp_path / "r", quarter="2026-Q4")
    root = tmp_path / "r"
    assert git(root, "symbolic-ref", "--short", "HEAD").strip() == "main"
    workflow = (root / ".github/workflows/okr.yml").read_text()
    data = parse(workflow).data
    assert data["on"]["push"]["branches"] == ["main"]
    steps = data["jobs"]["lint"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any("okr lint --changed-since" in r for r in runs)
    assert any(r.startswith("okr diff") and "--format markdown" in r for r in runs)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert (
        "EDIT THIS" in workflow
        and 'pip install "git+https://github.com/OWNER/okrcli@main"' in workflow
    )
    gitlab = (root / ".gitlab-ci.yml").read_text()
    lint_job = parse(gitlab).data["okr-lint"]
    assert lint_job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "--changed-since" in lint_job["script"][0] and "EDIT THIS" in gitlab
    # named at init: no placeholder, no EDIT marker
    init(tmp_path / "s", quarter="2026-Q4", install="git+https://example.com/acme/okrcli@v1")
    named = (tmp_path / "s/.github/workflows/okr.yml").read_text()
    assert "EDIT THIS" not in named and "OWNER" not in named
    assert 'pip install "git+https://example.com/acme/okrcli@v1"' in named
    with pytest.raises(OkrError, match="one pip requirement"):
        init(tmp_path / "t", install='okrcli"; curl evil')
    # a repository already on another branch gets workflows for that branch
    other = tmp_path / "u"
    other.mkdir()
    git(other, "init", "-q", "-b", "trunk")
    init(other, quarter="2026-Q4")
    assert "branches: [trunk]" in (other / ".github/workflows/okr.yml").read_text()


def test_linting_org_yaml_alone_checks_every_okr_file(tmp_path: Path) -> None:
    """What the pre-commit hook runs when a commit only renames a unit in org.yaml."""
    root = write_repo(tmp_path / "r", {Q4: GOOD_FILE})
    (root / "org.yaml").write_text((root / "org.yaml").read_text().replace("checkout", "pay"))
    found = run_lint(root, "org.yaml").diagnostics
    assert [(d.rel, d.code) for d in found if d.code == "OKR003"] == [(Q4, "OKR003")]


# -- 6. the interactive check-in --------------------------------------------------------------


def test_interactive_check_in_offers_the_confidence_given_and_shows_where_each_kr_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    import typer

    from okrcli.cli import app

    with_unit = variant("        target: 34\n", '        target: 34\n        unit: "%"\n')
    root = write_repo(tmp_path / "r", {Q4: with_unit})
    answers = iter(["31", "", "-", "2", ""])  # 31 and 2, each at the -c 0.6 offered; one skipped
    asked: list[str] = []

    def prompt(text: str, **_: object) -> str:
        asked.append(text)
        return next(answers)

    monkeypatch.setattr(app, "_is_ci", lambda: False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(typer, "prompt", prompt)
    result = app._interactive(load_repository(root), "2026-Q4", "checkout", "0.6", "weekly", True)
    shown = capsys.readouterr().out
    assert "no value yet, baseline 30%, target 34%, never checked in" in shown
    assert "None" not in shown and "None" not in " ".join(asked)
    assert asked[:2] == ["  value", "  confidence 0..1 [0.6]"]
    krs = _krs(root, Q4)
    assert (krs["conversion"]["current"], krs["conversion"]["confidence"]) == (31, 0.6)
    assert krs["conversion"]["note"] == "weekly"
    assert "current" not in krs["repeat-time"]
    assert krs["payment-errors"]["current"] == 2 and krs["payment-errors"]["confidence"] == 0.6
    assert result.written


@pytest.mark.slow
def test_a_negative_value_checks_in_like_any_other(tmp_path: Path) -> None:
    """NPS and net changes go below zero: `okr check-in REF -5` is a value, not an option."""
    root = write_repo(tmp_path / "r", {Q4: GOOD_FILE})
    r = okr("check-in", "checkout/conversion", "-5", "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "current: -5" in (root / Q4).read_text()
    bad = okr("check-in", "checkout/conversion", "--nonsense", "--quarter", "2026-Q4", cwd=root)
    assert bad.returncode == 2 and "must be a number" in bad.stderr
