"""Make the markdown the render check looks at, and list it with the limit each is meant for.

    python tools/render-check/reports.py OUT_DIR

In OUT_DIR: the demo report (and its --summary), the reports of a 200-unit and a 1,000-unit
organisation with thirteen weeks of history (each --summary too; split into an index and
one file per business unit should one pass GitHub's preview limit), an ``okr diff`` and an
``okr score --format markdown``; and manifest.txt, one ``FILE:LIMIT`` a line. The demo's
``okr site`` goes to OUT_DIR/site.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

AT = "2026-11-20"


def okr(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "okrcli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "CI": "true", "HOME": str(Path.home())},
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"okr {' '.join(args)} failed in {cwd}:\n{done.stderr}")
    return done.stdout


def main(out: Path) -> None:
    out = out.resolve()  # okr runs in each repository
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.md"):
        old.unlink()
    manifest: list[str] = []

    demo = out / "demo-repo"
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "make_demo_history.py"), str(demo), "--force"],
        check=True,
        capture_output=True,
    )
    reports = [("demo", demo)]
    from history import build  # bench/history.py: an organisation with weekly check-ins

    from okrcli.model.quarter import Quarter

    quarter = Quarter.parse(AT[:4] + "-Q4")
    assert quarter is not None
    for units in (200, 1000):
        print(f"building a {units}-unit organisation with 13 weeks of history", flush=True)
        reports.append((f"org{units}", build(units, 13, quarter)))
    for name, repo in reports:
        print(f"okr report: {name}", flush=True)
        okr(repo, "report", "--at", AT, "-o", str(out / f"{name}.md"))
        manifest += [f"{p}:file" for p in sorted(out.glob(f"{name}*.md"))]
        (out / f"{name}-summary.md").write_text(okr(repo, "report", "--at", AT, "--summary"))
        manifest.append(f"{out / f'{name}-summary.md'}:comment")

    rev = subprocess.run(
        ["git", "log", "--format=%H", "--grep", "growth week 6 of 2026-Q4"],
        cwd=demo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (out / "diff.md").write_text(okr(demo, "diff", f"{rev}~1", rev, "--format", "markdown"))
    (out / "diff-quarter.md").write_text(
        okr(demo, "diff", "2026-10-02", "2026-11-20", "--format", "markdown")
    )
    (out / "score.md").write_text(okr(demo, "score", "--at", AT, "--format", "markdown"))
    (out / "score-ended.md").write_text(
        okr(demo, "score", "--quarter", "2026-Q3", "--at", AT, "--format", "markdown")
    )
    # a quarter that is over: bands, calibration in words, the retrospective's questions
    okr(demo, "report", "--quarter", "2026-Q3", "--at", AT, "-o", str(out / "demo-q3.md"))
    manifest.append(f"{out / 'demo-q3.md'}:file")
    manifest += [f"{out / n}:comment" for n in ("diff.md", "diff-quarter.md")]
    manifest += [f"{out / n}:summary" for n in ("score.md", "score-ended.md")]
    (out / "manifest.txt").write_text("\n".join(manifest) + "\n")
    # okr site's pages, which site.mjs opens from file:// (the demo's, every quarter)
    print("okr site: demo", flush=True)
    # a fresh folder: okr site writes only into an empty one or one it wrote itself
    shutil.rmtree(out / "site", ignore_errors=True)
    okr(demo, "site", "-o", str(out / "site"), "--at", AT)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
