"""okr new --from played through: a binary milestone done last quarter is left out (and named,
on the terminal and in the new file's header), one not done yet comes along; the old
quarter's header comment stays behind and the new file gets its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrcli.load.yamlsafe import parse
from okrcli.rules.base import GOOD_FILE
from tests.conftest import Builder, okr

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
