"""okr check-in: one-line diffs on any layout, atomic and race-safe writes, the running
quarter, the closing window (--reopen, --date), and the messages a team meets (a unit typo,
a decimal comma, a mistyped option). Tests marked slow run the command as a user would."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from okrcli.edit import service
from okrcli.edit.checkin import Edit, apply, number_text
from okrcli.errors import OkrError
from okrcli.load.repo import load_repository
from okrcli.load.yamlsafe import parse
from okrcli.model.quarter import Quarter
from okrcli.rules.base import GOOD_FILE, variant
from tests.conftest import (
    Builder,
    git,
    give,
    okr,
    okr_unprivileged,
    write_repo,
)

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


CHECKOUT = "okrs/2026-Q4/checkout.yaml"


def two_units(make_repo: Builder) -> Path:
    return make_repo(
        {
            CHECKOUT: GOOD_FILE,
            "okrs/2026-Q4/search.yaml": GOOD_FILE.replace("unit: checkout", "unit: search"),
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "said"),
    [
        # without --quarter (the running quarter has no file) and with it
        (["chekout/conversion", "31"], "unit 'chekout' is not in org.yaml; did you mean checkout?"),
        (
            ["chekout/conversion", "31", "--quarter", "2026-Q4"],
            "unit 'chekout' is not in org.yaml; did you mean checkout?",
        ),
        (
            ["serach/effortless-checkout/conversion", "31", "--quarter", "2026-Q4"],
            "unit 'serach' is not in org.yaml; did you mean search?",
        ),
        (
            ["zzz/conversion", "31", "--quarter", "2026-Q4"],
            "unit 'zzz' is not in org.yaml; the units are acme, commerce, checkout, search, "
            "payments.",
        ),
    ],
    ids=["running-quarter", "named-quarter", "objective-form", "nothing-close"],
)
def test_check_in_unit_typo_names_the_closest_unit(
    make_repo: Builder, args: list[str], said: str
) -> None:
    root = two_units(make_repo)
    r = okr("check-in", *args, cwd=root)
    assert r.returncode == 2, r.stdout
    assert f"okr: {said}" in r.stderr, r.stderr
    assert "okr new" not in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("44,5", "not '44,5'; write 44.5 (a decimal point, not a comma)."),
        ("-0,25", "not '-0,25'; write -0.25 (a decimal point, not a comma)."),
        ("1,000", "not '1,000'; write 1000 (no thousands separator), or 1.000 for a decimal."),
        ("1,234,567", "not '1,234,567'; write 1234567 (no thousands separator)."),
    ],
)
def test_check_in_decimal_comma_says_what_to_write(
    make_repo: Builder, value: str, said: str
) -> None:
    root = two_units(make_repo)
    before = (root / CHECKOUT).read_text()
    r = okr("check-in", "checkout/conversion", value, "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 2 and said in r.stderr, r.stderr
    assert (root / CHECKOUT).read_text() == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["check-in", "checkout/conversion", "31", "--confidnce", "0.7"],
            "no such option --confidnce; did you mean --confidence?",
        ),
        (
            ["check-in", "checkout/conversion", "--quartr", "2026-Q4", "31"],
            "no such option --quartr; did you mean --quarter?",
        ),
        (["check-in", "checkout/conversion", "31", "--comit"], "did you mean --commit?"),
        (["lint", "--formt", "json"], "no such option --formt; did you mean --format?"),
        (["score", "--quarter=2026-Q4", "--xyzzy"], "no such option --xyzzy; `okr score -h`"),
    ],
)
def test_a_mistyped_option_is_named_with_the_closest(
    make_repo: Builder, args: list[str], said: str
) -> None:
    root = two_units(make_repo)
    before = (root / CHECKOUT).read_text()
    r = okr(*args, cwd=root)
    assert r.returncode == 2, r.stdout
    assert said in r.stderr and "unexpected extra argument" not in r.stderr, r.stderr
    assert (root / CHECKOUT).read_text() == before


@pytest.mark.slow
def test_negative_values_and_notes_like_options_still_check_in(make_repo: Builder) -> None:
    root = two_units(make_repo)
    r = okr(
        "check-in",
        "checkout/conversion",
        "-3",
        "-m",
        "--late data",
        "--quarter",
        "2026-Q4",
        cwd=root,
    )
    assert r.returncode == 0, r.stderr
    assert "current: -3" in (root / CHECKOUT).read_text()
    r = okr("check-in", "checkout/conversion", "3", "4", "--quarter", "2026-Q4", cwd=root)
    assert r.returncode == 2 and "unexpected extra argument" in r.stderr, r.stderr


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


@pytest.mark.slow
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


@pytest.mark.slow
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
