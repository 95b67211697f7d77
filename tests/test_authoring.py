"""okr init, okr new and okr check-in: one-line diffs on any layout, atomic, race-safe."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrcli.edit.checkin import Edit, apply, number_text
from okrcli.errors import OkrError
from okrcli.load.yamlsafe import parse
from tests.conftest import ROOT, dev_tool, git, give, okr, okr_unprivileged

LAYOUTS = {
    "two-space-indented": """\
unit: checkout
quarter: 2026-Q4
objectives:
  - id: o
    title: Make checkout effortless
    key_results:
      - id: conversion
        title: Raise conversion
        baseline: 30
        target: 34
        current: 31   # last week
        confidence: 0.5
      - id: other
        title: Other
        baseline: 1
        target: 2
""",
    "four-space-flush": """\
unit: checkout
quarter: 2026-Q4
objectives:
- id: o
    title: x
""".replace(
        "- id: o\n    title: x\n",
        """\
- id: o
  title: Make checkout effortless
  key_results:
  - id: conversion
    title: 'Raise conversion, a title long enough to go well past one hundred and twenty characters on a single line'
    baseline: 30.0
    target: 34
    current: 31
""",
    ),
    "crlf-modeline-document-start": (
        "# yaml-language-server: $schema=../../schemas/okr-file.schema.json\r\n---\r\n"
        'unit: checkout\r\nquarter: "2026-Q4"\r\nobjectives:\r\n    -   id: o\r\n'
        '        title: "Make checkout effortless"\r\n        key_results:\r\n'
        '            -   id: conversion\r\n                title: "Raise conversion"\r\n'
        "                baseline: 30\r\n                target: 34\r\n"
    ),
    "flow-style": """\
unit: checkout
quarter: 2026-Q4
objectives:
  - id: o
    title: Make checkout effortless
    key_results:
      - {id: conversion, title: Raise conversion, baseline: 30, target: 34, current: 31}
      - {id: other, title: Other, baseline: 1, target: 2}
""",
    "no-trailing-newline": "unit: checkout\nquarter: 2026-Q4\nobjectives:\n  - id: o\n"
    "    title: T\n    key_results:\n      - id: conversion\n        title: R\n"
    "        baseline: 30\n        target: 34",
}


def diff_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed, added = [], []
    for line in difflib.unified_diff(a, b, n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line)
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line)
    return removed, added


def kr_values(text: str) -> dict[str, object]:
    data = parse(text).data
    return dict(data["objectives"][0]["key_results"][0])


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_check_in_changes_exactly_the_value_lines(layout: str) -> None:
    before = LAYOUTS[layout]
    had_current = "current" in kr_values(before)
    after = apply(before, [Edit(0, 0, {"current": "32.5"})])
    removed, added = diff_lines(before, after)
    if layout == "flow-style":
        assert len(removed) == 1 and len(added) == 1
    elif had_current:
        assert len(removed) == 1 and len(added) == 1 and "32.5" in added[0]
    elif layout == "no-trailing-newline":
        # the old last line gains a newline, the new one goes without, as the file did
        assert len(removed) == 1 and len(added) == 2 and not after.endswith("\n")
    else:
        assert len(added) == 1 and "current: 32.5" in added[0] and not removed
    assert kr_values(after)["current"] == 32.5
    if "\r\n" in before:
        assert after.count("\r\n") == before.count("\r\n") + 1 and "\n" not in after.replace(
            "\r\n", ""
        )
    assert "# last week" in after or "# last week" not in before


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_check_in_with_confidence_changes_at_most_two_lines(layout: str) -> None:
    before = LAYOUTS[layout]
    after = apply(before, [Edit(0, 0, {"current": "33", "confidence": "0.8"})])
    removed, added = diff_lines(before, after)
    extra = 1 if layout == "no-trailing-newline" else 0  # the old last line gains a newline
    assert len(added) <= 2 + extra and len(removed) <= 2
    values = kr_values(after)
    assert (values["current"], values["confidence"]) == (33, 0.8)
    rest = parse(after).data
    rest["objectives"][0]["key_results"][0].pop("current")
    rest["objectives"][0]["key_results"][0].pop("confidence")
    original = parse(before).data
    original["objectives"][0]["key_results"][0].pop("current", None)
    original["objectives"][0]["key_results"][0].pop("confidence", None)
    assert rest == original


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("44.50", "44.5"),
        ("2e3", "2000"),
        ("-0.0", "0"),
        ("1_000", "1000"),
        ("0.1", "0.1"),
        ("7", "7"),
        ("99.950", "99.95"),
    ],
)
def test_numbers_are_written_in_shortest_exact_form(raw: str, text: str) -> None:
    assert number_text(raw) == text


@pytest.mark.parametrize("raw", ["30%", "abc", "nan", "inf", ""])
def test_values_of_the_wrong_type_are_refused(raw: str) -> None:
    with pytest.raises(OkrError):
        number_text(raw)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.decimals(
            min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False
        ),
        min_size=1,
        max_size=6,
    ),
    layout=st.sampled_from(list(LAYOUTS)),
)
def test_any_sequence_of_check_ins_round_trips(values: list[Decimal], layout: str) -> None:
    text = LAYOUTS[layout]
    first = text
    for v in values:
        written = number_text(str(v))
        text = apply(text, [Edit(0, 0, {"current": written})])
        assert Decimal(str(kr_values(text)["current"])) == Decimal(written)
    # everything but the current line is byte-identical to the start
    removed, added = diff_lines(first, text)
    assert len(added) <= 2 and len(removed) <= 1
    assert sum("current:" in line for line in added) == 1


# --- commands, on real files --------------------------------------------------------------


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    r = okr("init", "repo", "--company", "Acme Retail", "--quarter", "2026-Q4", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "then run `okr lint` in repo." in r.stdout
    root = tmp_path / "repo"
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


@pytest.mark.slow
def test_init_then_lint_is_clean(scaffold: Path) -> None:
    r = okr("lint", "--strict", cwd=scaffold)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All checks passed" in r.stdout
    for rel in (
        ".github/workflows/okr.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        "schemas/okr-file.schema.json",
        "okr.yaml",
        "org.yaml",
    ):
        assert (scaffold / rel).is_file(), rel
    json.loads((scaffold / ".vscode/settings.json").read_text())


@pytest.mark.slow
def test_init_never_overwrites(scaffold: Path) -> None:
    (scaffold / "org.yaml").write_text("# mine\n" + (scaffold / "org.yaml").read_text())
    r = okr("init", ".", cwd=scaffold)
    assert r.returncode == 0
    assert "skipped org.yaml" in r.stdout and "wrote" not in r.stdout
    assert "then run `okr lint`." in r.stdout  # here: no folder to name
    assert (scaffold / "org.yaml").read_text().startswith("# mine")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        (
            "check-jsonschema",
            ["--builtin-schema", "vendor.github-workflows", ".github/workflows/okr.yml"],
        ),
        ("check-jsonschema", ["--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"]),
        ("pre-commit", ["validate-config", ".pre-commit-config.yaml"]),
    ],
    ids=["github-workflow", "gitlab-ci", "pre-commit-config"],
)
def test_scaffolded_files_are_valid_for_their_tools(
    scaffold: Path, tool: str, args: list[str]
) -> None:
    """Each scaffolded CI file is checked by its own tool (installed with the dev extras)."""
    path = dev_tool(tool)
    assert path is not None, f"{tool} comes with the dev extras: run scripts/setup dev"
    r = subprocess.run([path, *args], cwd=scaffold, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_check_in_and_commit(scaffold: Path) -> None:
    r = okr(
        "check-in",
        "first-team/reorder-conversion",
        "43.50",
        "-c",
        "0.7",
        "--commit",
        "-m",
        "promo week",
        "--quarter",
        "2026-Q4",
        cwd=scaffold,
    )
    assert r.returncode == 0, r.stderr
    log = git(scaffold, "log", "-1", "--format=%s%n%b")
    assert log.startswith("check-in: first-team effortless-reorder/reorder-conversion none -> 43.5")
    assert "promo week" in log
    show = git(scaffold, "show", "--stat", "--format=", "HEAD")
    assert "first-team.yaml | 4 ++++" in show  # current, confidence, checked, note


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["first-team/reorder-convrsion", "3"],
            "Did you mean: first-team/effortless-reorder/reorder-conversion",
        ),
        (["first-team/reorder-conversion", "30%"], "must be a number"),
        (["first-team/reorder-conversion", "3", "-c", "1.5"], "between 0 and 1"),
        (["nobody/kr", "3"], "unit 'nobody' is not in org.yaml"),
        (["first-team"], "needs a terminal"),
    ],
)
def test_check_in_errors(scaffold: Path, args: list[str], message: str) -> None:
    before = (scaffold / "okrs/2026-Q4/first-team.yaml").read_bytes()
    r = okr("check-in", *args, "--quarter", "2026-Q4", cwd=scaffold)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert (scaffold / "okrs/2026-Q4/first-team.yaml").read_bytes() == before


def test_racing_check_ins_both_land(scaffold: Path) -> None:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "okrcli",
                "check-in",
                f"first-team/{kr}",
                value,
                "--quarter",
                "2026-Q4",
            ],
            cwd=scaffold,
            env={**os.environ, "CI": "true"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for kr, value in (
            ("reorder-conversion", "44"),
            ("reorder-time", "80"),
            ("payment-errors", "2"),
        )
    ]
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read() if p.stderr else ""
    data = parse((scaffold / "okrs/2026-Q4/first-team.yaml").read_text()).data
    krs = {k["id"]: k.get("current") for k in data["objectives"][0]["key_results"]}
    assert krs == {"reorder-conversion": 44, "reorder-time": 80, "payment-errors": 2}
    assert not [p for p in (scaffold / "okrs/2026-Q4").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_read_only_file_is_left_intact(scaffold: Path, nobody_home: Path) -> None:
    """As root, run as ``nobody`` (root ignores file permissions)."""
    root = give(scaffold, nobody_home)
    folder = root / "okrs/2026-Q4"
    before = (folder / "first-team.yaml").read_bytes()
    folder.chmod(0o555)
    r = okr_unprivileged(
        "check-in", "first-team/reorder-conversion", "44", "--quarter", "2026-Q4", cwd=root
    )
    assert r.returncode == 2 and "cannot write" in r.stderr, r.stderr
    assert (folder / "first-team.yaml").read_bytes() == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


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


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("os.replace", OSError(30, "Read-only file system")),
        ("os.fsync", OSError(28, "No space left on device")),
        ("okrcli.fsutil._temporary", PermissionError(13, "Permission denied")),
        ("os.fsync", KeyboardInterrupt()),
    ],
)
def test_failed_writes_leave_the_file_intact_and_no_temporary_files(
    scaffold: Path, monkeypatch: pytest.MonkeyPatch, target: str, error: BaseException
) -> None:
    from okrcli.edit import service

    path = scaffold / "okrs/2026-Q4/first-team.yaml"
    before = path.read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    repo = service.open_repo(None, scaffold)
    monkeypatch.setattr(target, fail)
    expected = KeyboardInterrupt if isinstance(error, KeyboardInterrupt) else OkrError
    with pytest.raises(expected) as info:
        service.check_in_one(repo, "2026-Q4", "first-team/reorder-conversion", "44", None)
    monkeypatch.undo()
    if expected is OkrError:
        assert "the file was left as it was" in str(info.value)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_file_changed_while_writing_is_refused(
    scaffold: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrcli.edit import service
    from okrcli.fsutil import atomic_write as real_write

    path = scaffold / "okrs/2026-Q4/first-team.yaml"
    repo = service.open_repo(None, scaffold)

    def meddle(target: Path, data: bytes, **kwargs: object) -> None:
        path.write_text(path.read_text() + "# someone else\n")
        real_write(target, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("okrcli.edit.checkin.atomic_write", meddle)
    with pytest.raises(OkrError, match="changed on disk"):
        service.check_in_one(repo, "2026-Q4", "first-team/reorder-conversion", "44", None)
    assert path.read_text().endswith("# someone else\n")


def test_interactive_check_in_on_a_terminal(scaffold: Path) -> None:
    """`okr check-in UNIT` on a real pseudo-terminal: asks for each key result."""
    import pty
    import select

    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "okrcli", "check-in", "first-team", "--quarter", "2026-Q4"],
        cwd=scaffold,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    # value, then confidence, per key result: 44 with a refused "oops" and "70%", then 0.7;
    # 80 with no confidence; the third skipped
    answers = iter([b"44\n", b"oops\n", b"70%\n", b"0.7\n", b"80\n", b"\n", b"-\n"])
    try:
        while proc.poll() is None:
            ready, _, _ = select.select([master], [], [], 10)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            seen += chunk
            if chunk.rstrip().endswith(b":"):
                os.write(master, next(answers, b"\n"))
        proc.wait(timeout=30)
    finally:
        os.close(master)
    text = seen.decode(errors="replace")
    assert "reorder-conversion" in text and "never checked in since" in text
    assert "baseline 42%" in text and "target 47%" in text and "no value yet" in text
    assert "None" not in text
    assert "must be a number" in text  # "oops" is refused and asked again
    assert "write 0.7" in text  # and 70% with the advice that works
    data = parse((scaffold / "okrs/2026-Q4/first-team.yaml").read_text()).data
    krs = {
        k["id"]: (k.get("current"), k.get("confidence"))
        for k in data["objectives"][0]["key_results"]
    }
    assert krs == {
        "reorder-conversion": (44, 0.7),
        "reorder-time": (80, None),
        "payment-errors": (None, None),
    }
