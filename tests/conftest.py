from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from okrcli.lint.diagnostics import Diagnostic, LintResult
from okrcli.lint.run import LintRequest, lint
from okrcli.rules.base import EXAMPLE_ORG

ROOT = Path(__file__).resolve().parent.parent

Builder = Callable[..., Path]
BIN = Path(sys.executable).parent


def okr(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the okr command as a user would in CI (CI=true, outside GitHub Actions)."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")
    }
    return subprocess.run(
        [sys.executable, "-m", "okrcli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        env={**base, "CI": "true", **(env or {})},
        timeout=120,
    )


def integration_required() -> bool:
    """Whether a missing integration program fails its tests instead of skipping them: in the
    full tier (scripts/check sets OKR_REQUIRE_INTEGRATION=1) and in CI."""
    return os.environ.get("OKR_REQUIRE_INTEGRATION") == "1" or os.environ.get("CI") == "true"


def need_program(ready: bool, what: str) -> None:
    """Skip the calling test, naming ``what`` is missing, unless integration is required
    (then fail): the fast tier runs with no root and no system package."""
    if ready:
        return
    message = f"missing: {what}; scripts/setup-integration installs it"
    if integration_required():
        pytest.fail(message)
    pytest.skip(message)


def dev_tool(name: str) -> str | None:
    """A command installed with the dev extras next to this Python, or None."""
    return shutil.which(name, path=str(BIN))


def diagnostic(**fields: object) -> Diagnostic:
    """A lint finding for reporter tests: line 1 of a.yaml, OKR002, unless ``fields`` say
    otherwise (``path`` sets ``rel`` too)."""
    path = str(fields.get("path", "a.yaml"))
    base: dict[str, object] = {
        "path": path,
        "rel": path,
        "line": 1,
        "column": 1,
        "end_line": 1,
        "end_column": 2,
        "code": "OKR002",
        "name": "schema-error",
        "severity": "error",
        "message": "m",
    }
    return Diagnostic(**{**base, **fields})  # type: ignore[arg-type]


def check_jsonschema(builtin: str, path: str, cwd: Path = ROOT) -> None:
    """Validate ``path`` with check-jsonschema's bundled schema ``builtin`` (a dev tool)."""
    cjs = dev_tool("check-jsonschema")
    assert cjs is not None, "check-jsonschema comes with the dev extras: run scripts/setup dev"
    run = subprocess.run(
        [cjs, "--builtin-schema", builtin, path], cwd=cwd, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def write_repo(root: Path, files: dict[str, str], org: str | None = EXAMPLE_ORG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if org is not None and "org.yaml" not in files:
        (root / "org.yaml").write_text(org, encoding="utf-8")
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Builder:
    def build(files: dict[str, str], org: str | None = EXAMPLE_ORG, name: str = "repo") -> Path:
        return write_repo(tmp_path / name, files, org)

    return build


def run_lint(
    root: Path, *paths: str, select: list[str] | None = None, at: str | None = None
) -> LintResult:
    return lint(
        LintRequest(paths=[root / p for p in paths], select=select, repo=root, cwd=root, at=at)
    )


def git(root: Path, *args: str, when: str | None = None, author: str = "Dana") -> str:
    """Run git in ``root`` with a fixed identity (and commit date, when given)."""
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": f"{author.lower()}@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": f"{author.lower()}@example.com",
    }
    if when is not None:
        stamp = when if "T" in when else f"{when}T12:00:00+00:00"
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def commit_versions(root: Path, rel: str, versions: Iterable[tuple[str, str]]) -> None:
    """Commit each (date, text) version of ``rel`` in turn (everything else with the first)."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    for when, text in versions:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", f"check-in on {when}", when=when)


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    """A repository `okr init` made (company Acme Retail, 2026-Q4), committed."""
    r = okr("init", "repo", "--company", "Acme Retail", "--quarter", "2026-Q4", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "then run `okr lint` in repo." in r.stdout
    root = tmp_path / "repo"
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def fetched_data(name: str) -> Path:
    """A file the tests read that ``scripts/setup dev`` fetched (no Python package ships it).

    It lies in the running Python's environment, where setup puts it."""
    path = Path(sys.prefix) / "share" / "okrcli-test-data" / name
    if not path.exists():
        pytest.fail(f"{path} is missing; run scripts/setup dev to fetch it")
    return path


# --- file permissions bind okr, as root too (root ignores them: okr runs as nobody) ---


@pytest.fixture
def nobody_home() -> Iterator[Path]:
    """A folder that the user running okr through :func:`okr_unprivileged` owns and can
    reach (as root: user ``nobody``, since root ignores file permissions)."""
    home = Path(tempfile.mkdtemp(prefix="okr-unprivileged-"))
    home.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(home, "nobody", "nogroup")
    yield home
    shutil.rmtree(home, ignore_errors=True)


def give(root: Path, home: Path) -> Path:
    """A copy of the repository ``root`` in ``home``, owned by the user it belongs to."""
    copy = home / root.name
    shutil.copytree(root, copy, symlinks=True)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for path in [copy, *copy.rglob("*")]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid, follow_symlinks=False)
    return copy


def okr_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """okr run as a user whom file permissions bind (as root: ``nobody``, with its home
    in the folder above ``cwd``); checked to end without a traceback."""
    argv = [sys.executable, "-m", "okrcli", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")} | {"CI": "true"}
    if os.geteuid() == 0:
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *argv]
        env["HOME"] = str(cwd.parent)
    run = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run
