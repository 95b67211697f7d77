"""``okr init``: scaffold an OKR repository without ever overwriting a file."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from okrcli.errors import OkrError
from okrcli.fsutil import atomic_write
from okrcli.model.quarter import Quarter
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
    install: str = "okrcli",
    today: datetime | None = None,
) -> InitResult:
    """Write the starter files into ``folder`` (created if missing); existing files are kept
    and reported as skipped. Creates a git repository unless the folder is inside one."""
    if folder.exists() and not folder.is_dir():
        raise OkrError(f"{folder} exists and is not a folder.")
    q = (
        Quarter.parse(quarter)
        if quarter
        else Quarter.containing((today or datetime.now(UTC)).date())
    )
    if q is None:
        raise OkrError(f"--quarter {quarter}: write the quarter as YYYY-Qn, like 2026-Q4.")
    root = folder.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OkrError(f"cannot create {folder}: {exc.strerror or exc}.") from None
    name = company or root.name.replace("-", " ").replace("_", " ").title() or "Our Company"
    data = {
        "company": slug(name),
        "company_name": name,
        "team": "first-team",
        "team_name": "First Team",
        "theme": "retention",
        "theme_title": "Grow the lifetime value of the customers we have",
        "quarter": str(q),
        "install": install,
    }
    files = {
        "okr.yaml": render("init/okr.yaml.j2", **data),
        "org.yaml": render("init/org.yaml.j2", **data),
        f"okrs/{q}/{data['company']}.yaml": render("init/company.yaml.j2", **data),
        f"okrs/{q}/first-team.yaml": render("init/team.yaml.j2", **data),
        ".github/workflows/okr.yml": render("init/github-workflow.yml.j2", **data),
        ".github/workflows/okr-sync.yml": render("init/github-sync-workflow.yml.j2", **data),
        ".gitlab-ci.yml": render("init/gitlab-ci.yml.j2", **data),
        ".pre-commit-config.yaml": render("init/pre-commit-config.yaml.j2", **data),
        ".vscode/settings.json": render("init/vscode-settings.json.j2", **data),
    }
    files |= {f"schemas/{n}": render_schema(model, n) for n, model in SCHEMAS.items()}
    result = InitResult(root)
    if (root / "org.yaml").exists():
        # an organisation is already defined: examples for invented units would not fit it
        for rel in [r for r in files if r.startswith("okrs/")]:
            del files[rel]
            result.skipped.append(f"{rel} (org.yaml exists: write your units' files with okr new)")
    for rel, text in files.items():
        path = root / rel
        if path.exists():
            result.skipped.append(rel)
            continue
        try:
            atomic_write(path, text)
        except OSError as exc:
            raise OkrError(f"cannot write {path}: {exc.strerror or exc}.") from None
        result.written.append(rel)
    result.git_created = _ensure_git(root)
    return result


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
    except OSError:
        return False
    return done.returncode == 0
