"""The README and the docs stay true: every rule is in the catalogue, the README's commands
exist, and every relative link leads to a file of the repository."""

from __future__ import annotations

import re
from pathlib import Path

from okrcli.rules.base import registry
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")

# [text](target) and ![alt](target); the target ends at whitespace or the closing bracket
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


def test_rule_table_lists_every_rule() -> None:
    for code, rule in registry().items():
        assert f"| {code} | {rule.name} | {rule.severity} |" in RULES, code


def test_the_two_commands_exist_and_ci_runs_the_test_command() -> None:
    assert "./scripts/demo" in README and "./scripts/check" in README
    for name in ("demo", "check", "setup"):
        assert (ROOT / "scripts" / name).stat().st_mode & 0o111
    assert "./scripts/check" in (ROOT / ".ci" / "run").read_text()


def _documents() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_relative_link_leads_to_a_file() -> None:
    broken = []
    for doc in _documents():
        text = FENCE.sub("", doc.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # http(s), mailto and other schemes
            path = target.split("#", 1)[0]
            if not path:
                continue  # an anchor in the same document
            if not (doc.parent / path).exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_the_link_check_sees_links() -> None:
    found = LINK.findall(README)
    assert "docs/rules.md" in found and "CONTRIBUTING.md" in found
