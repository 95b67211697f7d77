"""okr sync as a user runs it: exit codes, output, real commands, one commit, a closed
quarter refused unless reopened, and a sentinel secret that appears in no output, file or
commit."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.commands.test_check_in import CLOSED, TODAY, closed_repo, commit_env, stamp
from tests.conftest import git, okr
from tests.sync_helpers import Route, Server, free_port, kr, serve, sync_repo

pytestmark = pytest.mark.slow
FILE = "okrs/2026-Q4/checkout.yaml"
SQL = "{sql: local, query: 'select conversion from kpi order by week desc limit 1'}"
SENTINEL = "okrSentinel-5e6f7a8b9c"


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serve(
        {
            "/number": Route({"rate": 12.5}),
            "/echo": Route({"rate": 3}, echo=True),
            "/elsewhere": Route(status=302, headers={"Location": "http://localhost:1/x"}),
        }
    )


def sync_cli(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return okr("sync", "--quarter", "2026-Q4", *args, cwd=root, env=env)


def committed(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plan the quarter")


def test_exit_1_names_the_failing_source_and_writes_the_others(
    tmp_path: Path, server: Server
) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("conversion", SQL),
            kr("broken", f"{{http: '{server.url}/number', select: nothing}}"),
            kr("rate", f"{{http: '{server.url}/number', select: rate}}"),
        ],
    )
    proc = sync_cli(root)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""  # no progress bar in CI
    failed = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
    assert len(failed) == 1
    assert "checkout/effortless-checkout/broken" in failed[0]
    assert "'nothing' matches nothing" in failed[0]
    text = (root / FILE).read_text()
    assert "current: 34.25" in text and "current: 12.5" in text
    clean = sync_cli(root, "checkout/conversion", "checkout/rate", "--format", "json")
    assert clean.returncode == 0
    data = json.loads(clean.stdout)
    assert data["summary"] == {"changed": 0, "unchanged": 2, "failed": 0}
    assert {k["status"] for k in data["key_results"]} == {"unchanged"}


def test_dry_run_prints_the_changes_and_writes_nothing(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("conversion", SQL, current="31.2")])
    before = (root / FILE).read_bytes()
    proc = sync_cli(root, "--dry-run")
    assert proc.returncode == 0
    assert "31.2 -> 34.25" in proc.stdout and "nothing was written" in proc.stdout
    assert (root / FILE).read_bytes() == before
    assert sync_cli(root, "--dry-run", "--commit").returncode == 2


def test_commit_is_one_commit_listing_each_key_result(tmp_path: Path, server: Server) -> None:
    root = sync_repo(
        tmp_path / "r",
        [
            kr("conversion", SQL, current="31.2"),
            kr("rate", f"{{http: '{server.url}/number', select: rate}}", current="12.5"),
            kr("nps", "{csv: metrics/nps.csv, column: nps}", current=None),
        ],
        files={"metrics/nps.csv": "week,nps\n1,30\n2,36\n"},
    )
    committed(root)
    proc = sync_cli(root, "--commit")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git(root, "rev-list", "--count", "HEAD").strip() == "2"
    message = git(root, "log", "-1", "--format=%B")
    assert "checkout/effortless-checkout/conversion: 31.2 -> 34.25 (sql local)" in message
    assert "checkout/effortless-checkout/nps: none -> 36 (csv metrics/nps.csv:nps)" in message
    assert (
        f"checkout/effortless-checkout/rate: 12.5 re-confirmed (http {server.url}/number rate)"
        in message
    )
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "show", "--stat", "--format=", "HEAD").count("|") == 1


def test_commit_refuses_a_file_with_uncommitted_edits(tmp_path: Path) -> None:
    root = sync_repo(tmp_path / "r", [kr("conversion", SQL, current="31.2")])
    committed(root)
    path = root / FILE
    path.write_text(path.read_text().replace("Make checkout", "Make the checkout"))
    proc = sync_cli(root, "--commit")
    assert proc.returncode == 1
    assert "has changes that are not committed" in proc.stdout
    assert "current: 31.2" in path.read_text()
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"


# --- command sources: real programs, never a shell ----------------------------------------


def test_command_sources(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = sync_repo(
        tmp_path / "r",
        [
            kr("script", "{command: ./scripts/rate.sh}"),
            kr("words", "{command: [echo, '1 2']}"),
            kr("status", "{command: [sh, -c, 'echo oops >&2; exit 3']}"),
            kr("noshell", f"{{command: [echo, '$HOME; touch {marker}']}}"),
            kr("slow", "{command: [sleep, '20'], timeout: 0.5}"),
            kr("missing", "{command: [./scripts/nope]}"),
        ],
        files={"scripts/rate.sh": "#!/bin/sh\necho ' 17.5'\n"},
    )
    (root / "scripts/rate.sh").chmod(0o755)
    refused = sync_cli(root)
    assert refused.returncode == 1
    assert refused.stdout.count("--allow-commands") == 6
    assert "current: 1\n" in (root / FILE).read_text()
    started = time.monotonic()
    proc = sync_cli(root, "--allow-commands", "--format", "json")
    assert time.monotonic() - started < 15
    got = {k["ref"].rsplit("/", 1)[1]: k for k in json.loads(proc.stdout)["key_results"]}
    assert got["script"]["new"] == "17.5"
    assert "printed 2 words" in got["words"]["error"]
    assert "exited with status 3: oops" in got["status"]["error"]
    assert "printed 3 words" in got["noshell"]["error"]  # "$HOME;" went through as text
    assert not marker.exists()
    assert "timed out after 0.5 s" in got["slow"]["error"]
    assert "'./scripts/nope' was not found" in got["missing"]["error"]
    assert "current: 17.5" in (root / FILE).read_text()


# --- the sentinel secret ------------------------------------------------------------------


def test_a_sentinel_secret_appears_in_no_output_file_or_commit(
    tmp_path: Path, server: Server
) -> None:
    auth = "headers: {Authorization: 'Bearer ${env:OKR_TOKEN}'}"
    url = f"{server.url}/echo?token=${{env:OKR_TOKEN}}"
    root = sync_repo(
        tmp_path / "r",
        [
            kr("rate", f"{{http: '{url}', select: rate, {auth}}}"),
            kr("echoed", f"{{http: '{url}', select: headers.Authorization, {auth}}}"),
            kr("path", f"{{http: '{url}', select: path, {auth}}}"),
            kr(
                "refused",
                f"{{http: 'http://127.0.0.1:{free_port()}/?token=${{env:OKR_TOKEN}}', select: a}}",
            ),
            kr("redirect", f"{{http: '{server.url}/elsewhere', select: a, {auth}}}"),
            kr("plain", f"{{http: 'http://metrics.example.invalid/', select: a, {auth}}}"),
            kr("db", "{sql: secret, query: 'select nope'}"),
        ],
        config="  secret:\n    url: sqlite:///metrics/kpis.db?token=${env:OKR_TOKEN}\n",
    )
    committed(root)
    env = {"OKR_TOKEN": SENTINEL}
    outputs = []
    for args in (["--dry-run"], ["--format", "json", "--dry-run"], ["--commit"]):
        proc = sync_cli(root, *args, env=env)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        outputs += [proc.stdout, proc.stderr]
    # the secret was really used: the server saw it in the header and the query
    assert any(h.get("Authorization") == f"Bearer {SENTINEL}" for h in server.seen)
    assert any(SENTINEL in h["path"] for h in server.seen)
    assert "current: 3" in (root / FILE).read_text()
    for text in outputs:
        assert SENTINEL not in text
    assert any("text of" in o for o in outputs)  # the echoed secret was reported, masked
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert SENTINEL.encode() not in path.read_bytes(), path
    history = git(root, "log", "--all", "-p", "--format=%H%n%B")
    assert "check-in (sync" in history and SENTINEL not in history
    assert os.environ.get("OKR_TOKEN") is None


def test_sync_of_a_closed_quarter_reopened_records_why(tmp_path: Path) -> None:
    root, path = closed_repo(tmp_path)
    path.write_text(
        path.read_text().replace(
            "        current: 33\n",
            "        current: 33\n        source: {csv: metrics/conversion.csv, column: rate}\n",
        )
    )
    (root / "metrics").mkdir()
    (root / "metrics/conversion.csv").write_text("week,rate\n1,33\n2,36\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "source", when=stamp(CLOSED.end - timedelta(days=1)))
    before = path.read_text()
    refused = okr("sync", "--quarter", str(CLOSED), "--commit", cwd=root)
    assert refused.returncode == 2 and f"{CLOSED} is closed" in refused.stderr
    assert path.read_text() == before
    done = okr(
        "sync",
        "--quarter",
        str(CLOSED),
        "--reopen",
        "the export was a day short",
        "--commit",
        cwd=root,
        env=commit_env(stamp(TODAY)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "current: 36" in path.read_text()
    message = git(root, "log", "-1", "--format=%B")
    assert message.splitlines()[2] == "Reopened after close: the export was a day short"
