"""okr diff: the demo's commits, the working tree, documents shared between states, the
markdown cut to a comment's limit, reconfirmed values and notes; and okr diff as a planning
pull request's reviewer reads it, played through okr's own commands: new key results show
where they start and aim (baseline -> target, unit, direction), and a target moved after the
quarter's targets were agreed is flagged and scored as okr score scores it, against the
agreed target."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from okrcli.history.git import Git
from okrcli.history.source import files_at
from okrcli.lint.engine import lint_repository
from okrcli.lint.run import LintRequest
from okrcli.load.repo import Repository, load_repository, load_repository_from
from okrcli.report import diff as diff_module
from okrcli.report.diff import Diff
from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE, variant
from tests.commands.test_report import mdcheck, well_formed
from tests.conftest import diagnostic, git, okr, write_repo
from tests.test_history import demo  # noqa: F401 - the session fixture

Q4 = "okrs/2026-Q4/checkout.yaml"
REF = "2026-Q4 checkout/effortless-checkout/conversion"
# checked in at 31 of 30 -> 34: score 0.25
START = GOOD_FILE.replace("target: 34", "target: 34\n        current: 31")
NEW_KRS = """\
      - id: saved-cards
        title: Raise the share of repeat orders paid with a saved card
        unit: "%"
        baseline: 55
        target: 70
      - id: checkout-time
        title: Cut the time a returning customer needs to pay
        unit: s
        baseline: 95
        target: 60
        direction: decrease
      - id: pci
        title: Card payments pass the PCI audit
        binary: true
        confidence: 0.7
      - id: incidents
        title: Keep payment incidents at one a month at most
        baseline: 0
        target: 1
        direction: stay_below
"""


def planned(tmp_path: Path, when: str, change: str, okr_yaml: str = "") -> Path:
    """A repository whose 2026-Q4 file was agreed on 1 October, and a branch ``change``
    that edits it on ``when`` (the targets are agreed 14 days into the quarter)."""
    root = tmp_path / "r"
    (root / Q4).parent.mkdir(parents=True)
    (root / "org.yaml").write_text(EXAMPLE_ORG)
    if okr_yaml:
        (root / "okr.yaml").write_text(okr_yaml)
    (root / Q4).write_text(START)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "2026-Q4 agreed", when="2026-10-01")
    git(root, "checkout", "-qb", "change")
    (root / Q4).write_text(change)
    git(root, "commit", "-qam", "the change", when=when)
    return root


def diff_text(root: Path, fmt: str = "text") -> str:
    r = okr("diff", "main", "change", "--format", fmt, cwd=root)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout


def score_at_head(root: Path) -> float:
    """What okr score gives the key result as of the change."""
    r = okr("score", "--at", "change", "--format", "json", cwd=root)
    assert r.returncode == 0, r.stderr
    card = json.loads(r.stdout)
    (kr,) = [
        k
        for u in card["units"]
        for o in u["objectives"]
        for k in o["key_results"]
        if k["id"] == "conversion"
    ]
    return float(kr["score"])


@pytest.mark.slow
def test_diff_shows_where_each_new_key_result_starts_and_aims(tmp_path: Path) -> None:
    root = planned(tmp_path, "2026-10-03", START + NEW_KRS)
    text = diff_text(root)
    added = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"\+ key result 2026-Q4 checkout/effortless-checkout/(\S+): .*?\((.*)\)$", text, re.M
        )
    }
    assert added == {
        "saved-cards": "baseline 55% -> target 70%, increase by its numbers",
        "checkout-time": "baseline 95 s -> target 60 s, direction decrease",
        "pci": "binary: done or not",
        "incidents": "baseline 0 -> target 1, direction stay_below",
    }, text
    markdown = diff_text(root, "markdown")
    assert "| added: baseline 55% → target 70%, increase by its numbers |" in markdown
    assert "| added: baseline 95 s → target 60 s, direction decrease |" in markdown
    assert "| added: binary: done or not |" in markdown


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "harder"),
    [("33", "easier"), ("32", "easier"), ("36", "harder")],
)
def test_diff_of_a_target_moved_after_agreement_tells_the_score_story(
    tmp_path: Path, target: str, harder: str
) -> None:
    root = planned(tmp_path, "2026-11-10", START.replace("target: 34", f"target: {target}"))
    text = diff_text(root)
    (line,) = [x for x in text.splitlines() if REF in x]
    assert f"target changed 34 -> {target}" in line
    assert (
        "moved goalpost: the quarter's agreed target is 34, which okr score keeps scoring" in line
    )
    assert f"{harder}: score 0.25 -> 0.25 (+0.00)" in line, line
    assert "from the goalpost move" not in line
    # the same story as okr score: 0.25 against the agreed 34
    assert score_at_head(root) == 0.25
    markdown = diff_text(root, "markdown")
    assert "moved goalpost: the quarter's agreed target is 34" in markdown
    assert "score 0.25 → 0.25 (+0.00)" in markdown


@pytest.mark.slow
def test_diff_within_the_agreement_window_moves_the_score(tmp_path: Path) -> None:
    """Before the quarter's first 14 days end the targets are still being agreed: the new
    target is the one okr score will use."""
    root = planned(tmp_path, "2026-10-05", START.replace("target: 34", "target: 33"))
    (line,) = [x for x in diff_text(root).splitlines() if REF in x]
    assert "moved goalpost" not in line
    assert "easier: score 0.25 -> 0.33 (+0.08) from the goalpost move, not progress" in line
    assert score_at_head(root) == 0.33


@pytest.mark.slow
def test_diff_when_okr_yaml_scores_current_targets(tmp_path: Path) -> None:
    root = planned(
        tmp_path,
        "2026-11-10",
        START.replace("target: 34", "target: 33"),
        okr_yaml="scoring:\n  targets: current\n",
    )
    (line,) = [x for x in diff_text(root).splitlines() if REF in x]
    assert (
        "moved goalpost: the quarter's agreed target is 34, though okr score uses the current"
        in line
    )
    assert "score 0.25 -> 0.33 (+0.08) from the goalpost move, not progress" in line
    assert score_at_head(root) == 0.33


@pytest.mark.slow
def test_diff_of_a_check_in_and_a_move_together(tmp_path: Path) -> None:
    """The check-in's progress is told against the agreed target, and the move adds none."""
    change = START.replace("target: 34\n        current: 31", "target: 32\n        current: 32")
    root = planned(tmp_path, "2026-11-10", change)
    lines = [x for x in diff_text(root).splitlines() if REF in x]
    assert any("checked in 31 -> 32 (score 0.25 -> 0.50 (+0.25))" in x for x in lines), lines
    assert any("moved goalpost" in x and "0.50 -> 0.50 (+0.00)" in x for x in lines), lines
    assert score_at_head(root) == 0.5


@pytest.mark.slow
def test_diff_of_a_target_put_back_to_the_agreed_one(tmp_path: Path) -> None:
    root = planned(tmp_path, "2026-11-10", START.replace("target: 34", "target: 33"))
    git(root, "checkout", "-q", "-b", "back", "change")
    (root / Q4).write_text(START)
    git(root, "commit", "-qam", "back to 34", when="2026-11-20")
    r = okr("diff", "change", "back", cwd=root)
    (line,) = [x for x in r.stdout.splitlines() if REF in x]
    assert "target changed 33 -> 34" in line and "moved goalpost" not in line, line


CHANGED = "okrs/2026-Q4/checkout.yaml"


def _clone(demo: Path, tmp_path: Path) -> Path:  # noqa: F811
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    path = copy / CHANGED
    path.write_text(path.read_text().replace("title: Raise checkout", "title: Launch checkout"))
    return copy


def _findings(repo: object, root: Path) -> list[tuple[str, str, int, str]]:
    found = lint_repository(repo, LintRequest(cwd=root)).diagnostics  # type: ignore[arg-type]
    return [(d.code, d.rel, d.line, d.message) for d in found]


@pytest.mark.slow
def test_the_head_takes_the_base_documents_of_unchanged_files(
    demo: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = _clone(demo, tmp_path)
    g = Git(root)
    base = load_repository_from(root, files_at(g, root, g.resolve("HEAD~1")))
    same = {d.rel: d for d in base.docs}
    for head, fresh in (
        (load_repository(root, known=same), load_repository(root)),
        (
            load_repository_from(root, files_at(g, root, "HEAD"), known=same),
            load_repository_from(root, files_at(g, root, "HEAD")),
        ),
    ):
        shared = {d.rel for d in head.docs if d is same.get(d.rel)}
        unchanged = {d.rel for d in fresh.docs if same.get(d.rel) and same[d.rel].text == d.text}
        assert shared == unchanged and shared  # every unchanged file, and only those
        assert [d.model for d in head.docs] == [d.model for d in fresh.docs]
        assert _findings(head, root) == _findings(fresh, root)
    head = load_repository(root, known=same)
    assert CHANGED not in {d.rel for d in head.docs if d is same.get(d.rel)}


@pytest.mark.slow
def test_a_diff_leaves_the_parse_cache_right(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    """The documents taken from the base are no parse of this run's: the working tree's
    parse cache still holds every file's own data after a diff."""
    root = _clone(demo, tmp_path)
    expected = _findings(load_repository(root), root)
    result = diff_module.diff("HEAD~1", None, repo=root, cwd=root)
    assert result.changes
    assert _findings(load_repository(root), root) == expected
    again = diff_module.diff("HEAD~1", None, repo=root, cwd=root)
    assert again == result


@pytest.mark.slow
def test_diff_between_two_demo_commits(demo: Path) -> None:  # noqa: F811
    rev = git(demo, "log", "--format=%H", "--grep", "growth week 6 of 2026-Q4").strip()
    r = okr("diff", f"{rev}~1", rev, cwd=demo)
    assert r.returncode == 0, r.stderr
    lines = [line.strip() for line in r.stdout.splitlines()[1:]]
    # the target lowered on 6 November, after the quarter's targets were agreed, is a moved
    # goalpost: scored, as okr score does, against the agreed 60 (0.34), so the check-in's
    # 0.25 -> 0.34 is the whole change
    assert lines == [
        "~ 2026-Q4 growth/second-order/activation: target changed 60 -> 50 "
        "(moved goalpost: the quarter's agreed target is 60, which okr score keeps scoring "
        "against; easier: score 0.34 -> 0.34 (+0.00))",
        "~ 2026-Q4 growth/second-order/activation: checked in 44.91 -> 46.75 "
        "(score 0.25 -> 0.34 (+0.09))",
        "~ 2026-Q4 growth/second-order/second-order-30d: checked in 19.17 -> 19.58 "
        "(score 0.23 -> 0.32 (+0.09))",
        "~ 2026-Q4 growth/second-order/unsubscribe: checked in 0.99 -> 0.96 "
        "(score 0.28 -> 0.35 (+0.07))",
    ]
    md_out = okr("diff", f"{rev}~1", rev, "--format", "markdown", cwd=demo).stdout
    moved, progress = md_out.split("**Goalposts moved")[1].split("**Progress (check-ins)**")
    title = "Raise the share of new accounts that save a delivery address at signup"
    assert (
        f"| `2026-Q4 growth/second-order/activation` target | {title} | 60 | 50 | moved "
        "goalpost: the quarter's agreed target is 60, which okr score keeps scoring against; "
        "easier: score 0.34 → 0.34 (+0.00) |"
    ) in moved
    assert (
        f"| `2026-Q4 growth/second-order/activation` current | {title} | 44.91 | 46.75 "
        "| score 0.25 → 0.34 (+0.09) |"
    ) in progress
    well_formed(md_out)


def test_diff_score_changes_add_up_after_rounding() -> None:
    from okrcli.model.okr import KeyResult
    from okrcli.report.diff import compare

    def kr(target: float, current: float) -> Any:
        return KeyResult.model_validate(
            {"id": "k", "title": "T", "baseline": 0, "target": target, "current": current}
        )

    def repo(k: Any) -> Any:
        objective = SimpleNamespace(id="o", title="O", key_results=[k])
        model = SimpleNamespace(period="2026-Q4", unit="u", objectives=[objective])
        return SimpleNamespace(docs=[SimpleNamespace(model=model, text=None)])

    # 0.254 -> 0.676 rounds to 0.25 -> 0.68: the change is +0.43, not round(0.422) = +0.42
    changes = compare(repo(kr(1000, 254)), repo(kr(1000, 676)))
    assert [c.score for c in changes] == [("0.25", "0.68", "+0.43")]
    changes = compare(repo(kr(1000, 254)), repo(kr(500, 338)))
    parts = {c.kind: c.score for c in changes}
    assert parts == {"target": ("0.34", "0.68", "+0.34"), "check-in": ("0.25", "0.34", "+0.09")}


def _demo_with_a_task_title(demo: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A clone of the demo whose checkout objective's first key result now reads as a task
    (an initiative-kr finding), not committed."""
    copy = tmp_path / "demo"
    git(tmp_path, "clone", "-q", str(demo), str(copy))
    path = copy / "okrs/2026-Q4/checkout.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Raise checkout conversion of returning visitors",
            "title: Launch the new checkout page",
        )
    )
    return copy


@pytest.mark.slow
def test_diff_of_the_working_tree_with_findings(demo: Path, tmp_path: Path) -> None:  # noqa: F811
    copy = _demo_with_a_task_title(demo, tmp_path)
    r = okr("diff", "HEAD", cwd=copy)
    assert "title changed Raise checkout conversion of returning visitors -> Launch" in r.stdout
    assert "Lint findings introduced:" in r.stdout and "OKR205 initiative-kr" in r.stdout
    assert okr("diff", "--", "nosuchrev", cwd=copy).returncode == 2


@pytest.mark.slow
def test_diff_is_the_same_when_the_base_lint_child_dies(
    demo: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The base is linted in a forked child; should it die, the base is read again and
    linted here: the same findings introduced and fixed."""
    import os

    from okrcli.report import diff as diff_module

    copy = _demo_with_a_task_title(demo, tmp_path)
    expected = diff_module.diff("HEAD~1", None, repo=copy, cwd=copy)
    assert expected.introduced
    parent = os.getpid()
    real = diff_module._findings
    here = []

    def dies_in_child(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)
        here.append(args)
        return real(*args)

    monkeypatch.setattr(diff_module, "_findings", dies_in_child)
    assert diff_module.diff("HEAD~1", None, repo=copy, cwd=copy) == expected
    assert len(here) == 2  # the head, and the base again


def test_diff_matches_findings_by_their_facts_not_their_wording() -> None:
    """okr diff's introduced and fixed findings: one whose message was reworded but whose
    facts are the same is the same finding; other facts make another one."""
    from okrcli.lint.facts import StaleKrFacts
    from okrcli.report.diff import _key

    def stale(message: str, days: int) -> Any:
        facts = StaleKrFacts(
            key_result="checkout/effortless-checkout/conversion",
            last_checkin=None,
            written=date(2026, 10, 1),
            days=days,
            on=date(2026, 11, 20),
            limit=14,
        )
        return diagnostic(code="OKR401", message=message, facts=facts)

    assert _key(stale("old words", 50)) == _key(stale("new words", 50))
    assert _key(stale("old words", 50)) != _key(stale("old words", 51))


def test_diff_markdown_is_cut_before_a_comments_limit() -> None:
    from okrcli.report.diff import Change, Diff, markdown

    changes = [
        Change("check-in", f"2026-Q4 team-{n}/goal/kr0", "current", "1", "2", title="T" * 80)
        for n in range(500)
    ]
    text = markdown(Diff("main", "HEAD", changes), limit=5000)
    assert len(text) <= 5000 and "cut to fit a pull-request comment" in text
    assert mdcheck().check(text, "diff", "comment") == []
    whole = markdown(Diff("main", "HEAD", changes[:3]))
    assert "cut to fit" not in whole and whole.count("| `2026-Q4 team-") == 3


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
