"""okr sync, lint, report and diff, through the okr command, against sources an attacker
wrote: secrets stay out of stdout, stderr and the sync commit in any spelling; selects that
nest too deep are findings; every source stays within bounded time and memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git
from tests.hostile.test_hostile import okr
from tests.sync_helpers import Route, Server, kr, serve, sync_repo

pytestmark = pytest.mark.slow
FILE = "okrs/2026-Q4/checkout.yaml"
TOKEN = "okrHostileToken-4a5b6c7d8e"


@pytest.fixture
def echo() -> Iterator[Server]:
    yield from serve({"/echo": Route({"rate": 3}, echo=True), "/list": Route([1, 2, 3])})


def committed(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plan the quarter")


def absent(secret: str, text: str) -> None:
    """Neither the secret nor its first eight characters, reversed or not, in any case."""
    low = text.lower()
    for piece in (secret, secret[:8], secret[::-1], secret[::-1][:8]):
        assert piece.lower() not in low, (piece, text)


@pytest.mark.parametrize(
    "host_secret", ["MixedCaseHostSecret77", "host secret/with?escapes", "gëheim-hôst-secret"]
)
def test_secrets_reach_no_output_and_no_commit(
    tmp_path: Path, echo: Server, host_secret: str
) -> None:
    auth = "headers: {Authorization: 'Bearer ${env:OKR_TOKEN}'}"
    root = sync_repo(
        tmp_path / "r",
        [
            kr("ok", f"{{http: '{echo.url}/echo', select: rate, {auth}}}"),
            kr("host", "{http: 'https://${env:OKR_HOST}.invalid:9/', select: a, timeout: 2}"),
            kr("abs", f'{{http: "{echo.url}/echo", select: "abs(headers.Authorization)", {auth}}}'),
            kr(
                "rev",
                f'{{http: "{echo.url}/echo", select: "reverse(headers.Authorization)", {auth}}}',
            ),
            kr(
                "sum",
                f'{{http: "{echo.url}/echo", select: "sum([headers.Authorization])", {auth}}}',
            ),
            kr("stderr", "{command: [sh, -c, 'echo \"failed: $OKR_TOKEN\" >&2; exit 3']}"),
            kr("upper", "{command: [sh, -c, 'echo $OKR_TOKEN | tr a-z A-Z >&2; exit 4']}"),
            kr("cut", "{command: [sh, -c, 'echo $OKR_TOKEN | cut -c1-12 >&2; exit 5']}"),
        ],
    )
    committed(root)
    env = {"OKR_TOKEN": TOKEN, "OKR_HOST": host_secret}
    texts = []
    for args in (["--dry-run"], ["--format", "json", "--dry-run"], ["--commit"]):
        run = okr("sync", "--quarter", "2026-Q4", "--allow-commands", *args, cwd=root, env=env)
        assert run.code == 1, run.stdout + run.stderr
        texts += [run.stdout, run.stderr]
    history = git(root, "log", "-p", "--format=%B")
    assert "check-in (sync" in history and "exited with status 3" in history
    for text in [*texts, history]:
        absent(TOKEN, text)
        absent(host_secret, text)


@pytest.mark.parametrize(
    "select",
    ["!" * 999 + "a", "[" * 499 + "a" + "]" * 499, "a" + "[]" * 499, "|".join(["a"] * 499)],
)
def test_a_select_that_nests_too_deep_is_a_finding_everywhere(
    tmp_path: Path, echo: Server, select: str
) -> None:
    root = sync_repo(
        tmp_path / "r", [kr("rate", f"{{http: '{echo.url}/list', select: '{select}'}}")]
    )
    committed(root)
    lint = okr("lint", "--format", "json", cwd=root)
    assert lint.code == 1 and "nests too deep" in lint.stdout, lint.stdout + lint.stderr
    assert "OKR012" in lint.stdout
    for args in (
        ["report", "--quarter", "2026-Q4"],
        ["diff", "HEAD"],
        ["sync", "--quarter", "2026-Q4"],
    ):
        run = okr(*args, cwd=root)
        assert run.code in (0, 1), (args, run.stdout, run.stderr)
        assert "internal error" not in (run.stdout + run.stderr).lower(), args
    sync = okr("sync", "--quarter", "2026-Q4", cwd=root)
    assert "nests too deep" in sync.stdout


@pytest.mark.parametrize(
    "source",
    [
        "{http: '%s/list?{n}', select: \"" + "[@, @][]" * 40 + '"}',
        "{http: '%s/list?{n}', select: \"to_string(@)" + " | join('', [@, @])" * 30 + '"}',
        "{sql: local, query: 'select length(randomblob(900000000)) + {n}'}",
        "{sql: local, query: 'select length(hex(zeroblob(400000000))) + {n}'}",
        "{command: [yes, '{n}']}",
        "{command: [head, -c, '30000000{n}', /dev/zero]}",
        "{command: [sh, -c, 'yes {n} >&2']}",
    ],
)
def test_no_source_takes_unbounded_memory(tmp_path: Path, echo: Server, source: str) -> None:
    source = source.replace("%s", echo.url)[:-1] + ", timeout: 3}"
    # sixteen at once, as the finding ran them (each a fetch of its own); selects are
    # evaluated one at a time, so two of them
    count = 2 if "http" in source else 16
    krs = [kr(f"k{n}", source.replace("{n}", str(n))) for n in range(count)]
    root = sync_repo(tmp_path / "r", krs)
    run = okr("sync", "--quarter", "2026-Q4", "--allow-commands", "--dry-run", cwd=root)
    assert run.code == 1
    assert run.stdout.count("FAILED") == count, run.stdout


@pytest.mark.parametrize(
    ("url", "flagged"),
    [
        ("postgresql://${env:U}:${env:P}@db.internal/analytics", False),
        ("https://${env:U}:${env:P}@metrics.example.com/q", False),
        ("postgresql://${env:U}:${env:P}${env:Q}@db.internal:5432/a?sslmode=require", False),
        ("postgresql://okr:${env:P}@db.internal/analytics?password=${env:P}", False),
        ("postgresql://${env:U}:hunter2@db.internal/analytics", True),
        ("postgresql://${env:U}:pre${env:P}@db.internal/analytics", True),
    ],
)
def test_references_in_user_and_password_are_no_literal_secret(
    tmp_path: Path, url: str, flagged: bool
) -> None:
    root = sync_repo(tmp_path / "r", [], config=f"  warehouse:\n    url: '{url}'\n")
    lint = okr("lint", "--format", "json", "--select", "OKR013", cwd=root)
    assert ("OKR013" in lint.stdout) is flagged, lint.stdout


@pytest.mark.parametrize("digits", [200_000, 60_000, 41])
def test_a_long_number_is_named_by_its_length_not_quoted(tmp_path: Path, digits: int) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("cell", "{csv: metrics/v.csv, column: v}"),
            kr("cmd", f"{{command: [python3, -c, 'print(\"7\" * {min(digits, 60_000)})']}}"),
        ],
        files={"metrics/v.csv": "v\n" + "9" * digits + "\n"},
    )
    run = okr("sync", "--quarter", "2026-Q4", "--allow-commands", "--dry-run", cwd=root)
    assert run.code == 1
    assert "OkrError" not in run.stdout and "9" * 41 not in run.stdout, run.stdout[:500]
    assert "7" * 41 not in run.stdout
    assert len(run.stdout) < 2000
