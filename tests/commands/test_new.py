"""okr new: the template's limits by level, carry-over with --from. okr new --from played
through: a binary milestone done last quarter is left out (and named, on the terminal and in
the new file's header), one not done yet comes along; the old quarter's header comment stays
behind and the new file gets its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from okrcli.edit import service
from okrcli.load.repo import load_repository
from okrcli.load.yamlsafe import parse
from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE
from tests.commands.test_check_in import CARRIED, _krs
from tests.conftest import (
    ROOT,
    Builder,
    okr,
    run_lint,
    write_repo,
)

Q3 = "okrs/2026-Q3/checkout.yaml"
Q4 = "okrs/2026-Q4/checkout.yaml"
HEADER = (
    "# yaml-language-server: $schema=../../schemas/okr-file.schema.json\n"
    "# Checkout's OKRs for 2026-Q3: agreed with Dana on 2 July.\n"
    "\n"
    "# Reviewed at the Q3 planning day.\n"
)
PCI_DONE = """\
      - id: pci-audit
        # the auditors come in August
        title: Card payments pass the PCI audit
        binary: true
        confidence: 0.9
        current: 1
"""
SSO_OPEN = """\
      - id: sso
        title: Single sign-on accepted by the security review
        binary: true
        confidence: 0.4
        current: 0
"""
WALLET_UNCHECKED = """\
      - id: wallet
        title: Wallet payments accepted by the card schemes
        binary: true
        confidence: 0.6
"""
SECOND = """\
  - id: trusted-payments  # every milestone of this one was met
    title: Make paying feel safe for every customer
    aligns_to: [strategy/retention]
    key_results:
      - id: three-ds
        title: 3-D Secure accepted by every issuing bank we serve
        binary: true
        confidence: 1
        current: 1
"""


def q3_file(krs: str = "", header: str = HEADER, second: str = "") -> str:
    return header + GOOD_FILE.replace("2026-Q4", "2026-Q3") + krs + second


def carry(root: Path) -> tuple[str, str]:
    r = okr("new", "checkout", "--quarter", "2026-Q4", "--from", "2026-Q3", cwd=root)
    assert r.returncode == 0, r.stderr
    return r.stdout, (root / Q4).read_text(encoding="utf-8")


def kr_ids(text: str) -> list[list[str]]:
    data = parse(text).data
    return [[k["id"] for k in o["key_results"]] for o in data["objectives"]]


@pytest.mark.slow
def test_new_from_leaves_out_a_done_milestone_and_says_so(make_repo: Builder) -> None:
    root = make_repo({Q3: q3_file(PCI_DONE + SSO_OPEN + WALLET_UNCHECKED)})
    out, text = carry(root)
    # done: left out, named on the terminal and in the file's header
    assert (
        "left out effortless-checkout/pci-audit (Card payments pass the PCI audit): binary "
        "and done in 2026-Q3; add it back by hand if it still needs doing." in out
    )
    assert "# Done in 2026-Q3, so left out: effortless-checkout/pci-audit." in text
    assert "pci-audit" not in text.split("unit: checkout", 1)[1]
    assert "the auditors come in August" not in text
    # not done yet, or never checked in: still to do, carried (without the old check-in)
    assert kr_ids(text) == [["conversion", "repeat-time", "payment-errors", "sso", "wallet"]]
    krs = parse(text).data["objectives"][0]["key_results"]
    assert krs[3] == {
        "id": "sso",
        "title": "Single sign-on accepted by the security review",
        "binary": True,
    }
    assert out.count("left out") == 1


@pytest.mark.slow
def test_new_from_an_objective_whose_milestones_were_all_done(make_repo: Builder) -> None:
    """Its objective comes over with no key result, which lint then asks to fill."""
    root = make_repo({Q3: q3_file(PCI_DONE, second=SECOND)})
    out, text = carry(root)
    assert "left out effortless-checkout/pci-audit" in out
    assert "left out trusted-payments/three-ds" in out
    assert "so left out: effortless-checkout/pci-audit, trusted-payments/three-ds." in text
    assert kr_ids(text) == [["conversion", "repeat-time", "payment-errors"], []]
    r = okr("lint", Q4, cwd=root)
    assert "objective 'trusted-payments' has 0 key results" in r.stdout, r.stdout


@pytest.mark.slow
def test_new_from_with_nothing_done_leaves_nothing_out(make_repo: Builder) -> None:
    root = make_repo({Q3: q3_file(SSO_OPEN)})
    out, text = carry(root)
    assert "left out" not in out and "left out" not in text
    assert kr_ids(text) == [["conversion", "repeat-time", "payment-errors", "sso"]]


@pytest.mark.slow
@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        "# Checkout's OKRs for 2026-Q3: agreed with Dana on 2 July.\n",  # no modeline
        "",  # no header at all
        "# yaml-language-server: $schema=../../schemas/okr-file.schema.json\n",
    ],
    ids=["modeline-and-comments", "comment-only", "none", "modeline-only"],
)
def test_new_from_writes_its_own_header(make_repo: Builder, header: str) -> None:
    body_comment = "    title: Make checkout effortless for returning customers  # Dana's words\n"
    q3 = q3_file(header=header).replace(
        "    title: Make checkout effortless for returning customers\n", body_comment
    )
    root = make_repo({Q3: q3})
    _, text = carry(root)
    head = text.split("unit: checkout", 1)[0]
    assert head.splitlines() == [
        "# yaml-language-server: $schema=../../schemas/okr-file.schema.json",
        "# OKRs of Checkout for 2026-Q4, carried over from 2026-Q3: each baseline is",
        "# where the key result ended. Set the targets, then run `okr lint`.",
    ]
    # nothing of the old quarter's header; the comments of the body stay
    assert "2026-Q3: agreed" not in text and "planning day" not in text
    assert body_comment in text
    r = okr("lint", Q4, cwd=root)
    assert r.returncode == 0, r.stdout


@pytest.mark.slow
def test_new_from_previous_quarter_lints_clean(scaffold: Path) -> None:
    assert (
        okr(
            "check-in", "first-team/reorder-conversion", "45", "--quarter", "2026-Q4", cwd=scaffold
        ).returncode
        == 0
    )
    for unit in ("acme-retail", "first-team"):
        r = okr("new", unit, "--quarter", "2027-Q1", "--from", "2026-Q4", cwd=scaffold)
        assert r.returncode == 0, r.stderr
    text = (scaffold / "okrs/2027-Q1/first-team.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "quarter: 2027-Q1" in text and "current:" not in text
    assert "baseline: 45" in text  # where the key result ended
    # the new quarter's own header, not the old one's
    assert "# An example to replace with your own" not in text
    assert "# OKRs of First Team for 2027-Q1, carried over from 2026-Q4" in text
    r = okr("lint", "okrs/2027-Q1", "--strict", cwd=scaffold)
    assert r.returncode == 0, r.stdout


@pytest.mark.slow
def test_new_from_template_lists_alignment_choices(scaffold: Path) -> None:
    r = okr("new", "first-team", "--quarter", "2026-Q4", cwd=scaffold)
    assert r.returncode == 2 and "already exists" in r.stderr
    shutil.rmtree(scaffold / "okrs/2026-Q4")
    (scaffold / "okrs/2026-Q4").mkdir()
    (scaffold / "okrs/2026-Q4/acme-retail.yaml").write_text(
        (ROOT / "okrcli/templates/init/company.yaml.j2").read_text()
        if (ROOT / "okrcli/templates").exists()
        else (ROOT / "templates/init/company.yaml.j2")
        .read_text()
        .replace("{{ company }}", "acme-retail")
        .replace("{{ quarter }}", "2026-Q4")
        .replace("{{ theme }}", "retention")
    )
    r = okr("new", "first-team", "--quarter", "2026-Q4", cwd=scaffold)
    assert r.returncode == 0, r.stderr
    text = (scaffold / "okrs/2026-Q4/first-team.yaml").read_text()
    assert "#   acme-retail/loyal-customers: Earn the loyalty" in text
    assert "#   strategy/retention:" in text
    r = okr("lint", "okrs/2026-Q4/first-team.yaml", "--format", "json", cwd=scaffold)
    assert r.returncode == 1  # empty titles are for the team to fill in
    assert {d["code"] for d in json.loads(r.stdout)} == {"OKR002"}
    assert okr("new", "nobody", cwd=scaffold).returncode == 2


@pytest.mark.slow
def test_new_template_gives_each_level_its_own_limits(make_repo: Builder) -> None:
    org = EXAMPLE_ORG.replace("level: business-unit", "level: department")
    root = make_repo({}, org=org)
    said = {}
    for unit in ("acme", "commerce", "checkout"):
        r = okr("new", unit, "--quarter", "2026-Q4", cwd=root)
        assert r.returncode == 0, r.stderr
        said[unit] = (root / f"okrs/2026-Q4/{unit}.yaml").read_text().splitlines()[1]
    assert said == {
        "acme": "# OKRs of Acme for 2026-Q4: up to five objectives for a company, three to five "
        "key results each.",
        "commerce": "# OKRs of Commerce for 2026-Q4: up to three objectives for a department, "
        "three to five key results each.",
        "checkout": "# OKRs of Checkout for 2026-Q4: one objective for a team, three to five "
        "key results each.",
    }
    # okr.yaml's limits, by the rule's name or code
    (root / "okr.yaml").write_text(
        "lint:\n  rules:\n    too-many-objectives: {department: 2, team: 2}\n"
        "    OKR201: {min: 2, max: 4}\n"
    )
    for unit in ("commerce", "checkout"):
        (root / f"okrs/2026-Q4/{unit}.yaml").unlink()
        assert okr("new", unit, "--quarter", "2026-Q4", cwd=root).returncode == 0
    text = (root / "okrs/2026-Q4/commerce.yaml").read_text()
    assert "up to two objectives for a department, two to four key results each." in text
    text = (root / "okrs/2026-Q4/checkout.yaml").read_text()
    assert "up to two objectives for a team, two to four key results each." in text


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
