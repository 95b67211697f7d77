"""The README and the docs stay true: every rule is in the catalogue, the README's commands
exist, and every relative link leads to a file of the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from okrcli.rules.base import registry
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")

# [text](target) and ![alt](target); the target ends at whitespace or the closing bracket
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


CATALOGUE = re.compile(r"\| OKR\d{3} \| [a-z-]+ \| (error|warning|info) \|")


def _rule_rows() -> list[str]:
    return [line for line in RULES.splitlines() if CATALOGUE.match(line)]


def expected_rule_table() -> list[str]:
    """The catalogue table of docs/rules.md as the registry gives it: a row per rule, in code
    order, with its name, severity and summary (a row may say more after the summary, such as
    "(okrcli extension)"; those words are kept)."""
    written = {row.split(" | ")[0][2:]: row for row in _rule_rows()}
    rows = []
    for code, rule in sorted(registry().items()):
        row = f"| {code} | {rule.name} | {rule.severity} | {rule.summary}"
        old = written.get(code, "")
        rows.append(old if old.startswith(row) else row + " |")
    return rows


def test_rule_table_is_the_registrys() -> None:
    """A new rule's row is printed here to paste, or written with OKR_UPDATE_SNAPSHOTS=1."""
    expected = expected_rule_table()
    if os.environ.get("OKR_UPDATE_SNAPSHOTS") and _rule_rows() != expected:
        lines = RULES.splitlines(keepends=True)
        rows = [i for i, line in enumerate(lines) if CATALOGUE.match(line)]
        table = "".join(row + "\n" for row in expected)
        text = "".join(lines[: rows[0]]) + table + "".join(lines[rows[-1] + 1 :])
        (ROOT / "docs" / "rules.md").write_text(text, encoding="utf-8")
        return
    assert _rule_rows() == expected, "docs/rules.md's rule table should read:\n" + "\n".join(
        expected
    )


def _codes(cell: str) -> set[str]:
    """The codes a facts-table cell names: OKR204, OKR205 or a range OKR102-OKR106."""
    codes = set()
    for part in cell.split(","):
        ends = re.findall(r"OKR(\d{3})", part)
        if len(ends) == 2 and "-" in part:
            codes |= {f"OKR{n:03d}" for n in range(int(ends[0]), int(ends[1]) + 1)}
        codes |= {f"OKR{n}" for n in ends}
    return codes


def test_facts_table_names_every_rule_with_facts() -> None:
    section = RULES[RULES.index("## Facts: what a finding says") :]
    section = section[: section.index("\n## ", 1)]
    named = set().union(
        *(_codes(line.split("|")[1]) for line in section.splitlines() if line.startswith("| OKR"))
    )
    have = {code for code, rule in registry().items() if rule.facts is not None}
    assert have - named == set(), "add these rules' facts to docs/rules.md's facts table"


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
    found = [target.split("#", 1)[0] for target in LINK.findall(README)]
    assert "docs/rules.md" in found and "CONTRIBUTING.md" in found


# the README's sample finding, as `okr lint examples/antipatterns` prints it from that folder
FINDING = re.compile(r"^(\S+\.yaml):(\d+):(\d+): (OKR\d+) (\S+) \[(\w+)\] (.+)$", re.MULTILINE)


def test_the_sample_finding_is_what_lint_says() -> None:
    from tests.conftest import run_lint

    samples = FINDING.findall(README)
    assert samples, "the README shows no finding"
    result = run_lint(ROOT / "examples" / "antipatterns")
    said = {
        (d.rel, str(d.line), str(d.column), d.code, d.name, d.severity, d.message)
        for d in result.diagnostics
    }
    for sample in samples:
        assert sample in said, sample


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(doc: Path) -> set[str]:
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.MULTILINE):
        slug = _slug(heading)
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def test_every_anchor_leads_to_a_heading() -> None:
    broken = []
    for doc in _documents():
        text = FENCE.sub("", doc.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            path, _, anchor = target.partition("#")
            if not anchor or re.match(r"^[a-z][a-z0-9+.-]*:", path, re.IGNORECASE):
                continue
            linked = (doc.parent / path) if path else doc
            if linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_the_anchor_check_sees_anchors() -> None:
    assert "running-okr-lint" in _anchors(ROOT / "docs" / "rules.md")
    assert "lint-codes" in _anchors(ROOT / "docs" / "sync.md")
    assert _slug("What `okr score` shows") == "what-okr-score-shows"


def test_the_rule_table_has_a_header_so_it_renders() -> None:
    lines = RULES.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| OKR001 |"))
    header, rule = lines[first - 2], lines[first - 1]
    assert header.startswith("| code |") and re.fullmatch(r"\|(-+\|)+", rule), (header, rule)
    table = []
    for line in lines[first - 2 :]:
        if not line.startswith("|"):
            break
        table.append(line)
    cells = {len(re.split(r"(?<!\\)\|", line)) for line in table}  # unescaped pipes
    assert len(cells) == 1, "a row of the rule table has more or fewer cells than its header"


def _cli() -> dict[str, set[str]]:
    """Every command of `okr` with the options it takes."""
    import typer

    from okrcli.cli.app import app

    group: Any = typer.main.get_command(app)
    helps = {"--help", "-h"}  # every command has them, outside its declared parameters
    commands = {"": helps | {opt for p in group.params for opt in p.opts + p.secondary_opts}}
    for name, command in group.commands.items():
        options = {opt for p in command.params for opt in p.opts + p.secondary_opts}
        commands[name] = helps | options
    return commands


def _okr_commands(doc: Path) -> list[str]:
    """The `okr ...` command lines a document shows: in code blocks (also after `$ ` and a
    CI step's `run: `) and in inline code."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for block in FENCE.finditer(text):
        for line in block.group(0).splitlines():
            m = re.search(r"(?:^\s*|\$ |run: )(okr(?: .*)?)$", line)
            if m:
                found.append(m.group(1))
    found += re.findall(r"`(okr (?:[^`]*))`", FENCE.sub("", text))
    return found


def test_every_command_shown_exists_with_its_options() -> None:
    import shlex

    cli = _cli()
    wrong = []
    for doc in _documents():
        for line in _okr_commands(doc):
            words = shlex.split(line.split(" #", 1)[0].replace("…", "..."))
            command = words[1] if len(words) > 1 and not words[1].startswith("-") else ""
            if command not in cli:
                wrong.append(f"{doc.relative_to(ROOT)}: {line} (no command {command!r})")
                continue
            for word in words[1:]:
                option = word.split("=", 1)[0]
                if re.fullmatch(r"--?[a-z][a-z-]*", option) and option not in cli[command]:
                    wrong.append(f"{doc.relative_to(ROOT)}: {line} (no option {option})")
    assert not wrong, wrong


def test_the_command_check_sees_commands() -> None:
    shown = _okr_commands(ROOT / "README.md")
    assert "okr sync --dry-run" in [line.split(" #")[0].strip() for line in shown]
    assert any(line.startswith("okr lint --changed-since") for line in shown)  # a CI step
    assert "--changed-since" in _cli()["lint"] and "--commit" in _cli()["check-in"]
