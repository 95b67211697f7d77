"""``okr init``: scaffold an OKR repository without ever overwriting a file."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from okrcli.errors import OkrError
from okrcli.fsutil import UnsafePathError, atomic_write
from okrcli.model.quarter import Quarter, quarter_advice
from okrcli.model.schema import SCHEMAS
from okrcli.model.schema import render as render_schema
from okrcli.render import render


@dataclass(slots=True)
class InitResult:
    root: Path
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    git_created: bool = False


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:40].strip("-") or "company"


def init(
    folder: Path,
    *,
    company: str | None = None,
    quarter: str | None = None,
    install: str | None = None,
    today: datetime | None = None,
) -> InitResult:
    """Write the starter files into ``folder`` (created if missing); existing files are kept
    and reported as skipped. Creates a git repository (branch ``main``) unless the folder is
    inside one; the CI files trigger on that repository's branch. ``install`` is how CI
    installs okrcli (a pip requirement); without it the CI files say where to write it."""
    if folder.exists() and not folder.is_dir():
        raise OkrError(f"{folder} exists and is not a folder.")
    q = (
        Quarter.parse(quarter)
        if quarter
        else Quarter.containing((today or datetime.now(UTC)).date())
    )
    if q is None:
        raise OkrError(f"--quarter {quarter}: {quarter_advice(quarter or '')}.")
    root = folder.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OkrError(f"cannot create {folder}: {exc.strerror or exc}.") from None
    if install is not None and not _INSTALL_OK.match(install):
        raise OkrError(
            f"--install {install!r}: give one pip requirement without spaces or quotes, like "
            "git+https://github.com/acme/okrcli@v0.1.0."
        )
    name = company or root.name.replace("-", " ").replace("_", " ").title() or "Our Company"
    git_created = _ensure_git(root)
    data = {
        "company": slug(name),
        "company_name": name,
        "team": "first-team",
        "team_name": "First Team",
        "theme": "retention",
        "theme_title": "Grow the lifetime value of the customers we have",
        "quarter": str(q),
        "install": install or PLACEHOLDER_INSTALL,
        "install_given": install is not None,
        "branch": _branch(root),
    }
    files = {
        "okr.yaml": render("init/okr.yaml.j2", **data),
        "org.yaml": render("init/org.yaml.j2", **data),
        f"okrs/{q}/{data['company']}.yaml": render("init/company.yaml.j2", **data),
        f"okrs/{q}/first-team.yaml": render("init/team.yaml.j2", **data),
        ".github/workflows/okr.yml": render("init/github-workflow.yml.j2", **data),
        ".github/workflows/okr-sync.yml": render("init/github-sync-workflow.yml.j2", **data),
        ".github/workflows/okr-site.yml": render("init/github-site-workflow.yml.j2", **data),
        ".gitlab-ci.yml": render("init/gitlab-ci.yml.j2", **data),
        ".pre-commit-config.yaml": render("init/pre-commit-config.yaml.j2", **data),
        ".vscode/settings.json": render("init/vscode-settings.json.j2", **data),
    }
    files |= {f"schemas/{n}": render_schema(model, n) for n, model in SCHEMAS.items()}
    result = InitResult(root)
    if os.path.lexists(root / "org.yaml"):
        # an organisation is already defined: examples for invented units would not fit it
        for rel in [r for r in files if r.startswith("okrs/")]:
            del files[rel]
            result.skipped.append(f"{rel} (org.yaml exists: write your units' files with okr new)")
    for rel, text in files.items():
        path = root / rel
        if os.path.lexists(path):
            result.skipped.append(rel)
            continue
        try:
            atomic_write(path, text, within=root)
        except UnsafePathError as exc:
            result.skipped.append(f"{rel} ({exc.strerror})")
            continue
        except OSError as exc:
            raise OkrError(f"cannot write {path}: {exc.strerror or exc}.") from None
        result.written.append(rel)
    result.git_created = git_created
    return result


# okrcli is not on PyPI: the CI files install it from a git repository, which the user names
PLACEHOLDER_INSTALL = "git+https://github.com/OWNER/okrcli@main"
# what a pip requirement written into YAML and a shell line may hold
_INSTALL_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+=~%,-]{0,300}$")


def _branch(root: Path) -> str:
    """The branch the repository is on (the one its CI should run for), else main."""
    try:
        out = subprocess.run(
            ["git", "symbolic-ref", "--short", "-q", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "main"
    name = out.stdout.strip()
    return name if out.returncode == 0 and re.fullmatch(r"[A-Za-z0-9._/-]{1,100}", name) else "main"


def _ensure_git(root: Path) -> bool:
    """``git init`` unless ``root`` is already inside a repository; False when git is missing."""
    try:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if inside.returncode == 0:
            return False
        done = subprocess.run(["git", "init", "-q"], cwd=root, capture_output=True, check=False)
        if done.returncode == 0:  # on main whatever init.defaultBranch says (git 2.28's -b aside)
            subprocess.run(
                ["git", "symbolic-ref", "HEAD", "refs/heads/main"],
                cwd=root,
                capture_output=True,
                check=False,
            )
    except OSError:
        return False
    return done.returncode == 0
