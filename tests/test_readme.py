"""The README stays true: every rule is in its table, and its commands exist."""

from __future__ import annotations

from okrcli.rules.base import registry
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_lists_every_rule() -> None:
    for code, rule in registry().items():
        assert f"| {code} | {rule.name} | {rule.severity} |" in README, code


def test_the_two_commands_exist_and_ci_runs_the_test_command() -> None:
    assert "./scripts/demo" in README and "./scripts/check" in README
    for name in ("demo", "check", "setup"):
        assert (ROOT / "scripts" / name).stat().st_mode & 0o111
    assert "./scripts/check" in (ROOT / ".ci" / "run").read_text()
