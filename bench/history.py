"""Benchmark the quarter's history walk and okr report beside git's own pipeline, on the same
repository.

    python bench/history.py [--units 1000] [--weeks 13] [--repeat 3]

Builds a git repository under bench/out/ with a synthetic organisation and one commit a week
in which every unit checks in, then times, in the same run:

* git itself: ``git log -p`` on the quarter's folder (every commit's changes as patches),
  and the pipeline okr's walk is built on, ``git log --raw`` piped into one
  ``git cat-file --batch --buffer``, which hands over every version of every file;
* okr's history walk (``quarter_history``) cold, with every cache in ``.git/okrcli/``
  removed: it parses every distinct file version once;
* the walk after a new commit: file versions already in the blob cache, the walk itself not
  (each commit is a new key for the walk cache), so it is walked again from the cache;
* the walk warm, all caches filled (read back);
* ``okr score`` and ``okr report`` as whole commands, start-up included (the report cold,
  with every cache removed, and warm), and the report's peak memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402

from okrcli.history.timeline import quarter_history  # noqa: E402


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def build(units: int, weeks: int) -> Path:
    out = HERE / "out" / f"history-{units}x{weeks}"
    if (out / ".git").exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    generate(units, out, seed=0)
    git(out, "init", "-q", "-b", "main")
    for week in range(weeks):
        generate(units, out, seed=week, keep=True)
        git(out, "add", "-A")
        git(
            out,
            "commit",
            "-q",
            "-m",
            f"week {week + 1}",
            when=f"2026-10-{1 + min(week, 4) * 7:02d}T12:00:00+00:00"
            if week < 5
            else f"2026-11-{(week - 5) * 4 + 1:02d}T12:00:00+00:00",
        )
    return out


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
    return min(walls), statistics.median(walls)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--weeks", type=int, default=13)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    repo = build(args.units, args.weeks)
    caches = repo / ".git" / "okrcli"

    def clear(pattern: str = "*") -> None:
        for path in caches.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()

    def pipeline() -> None:
        log = subprocess.run(
            "git log --raw --no-abbrev --format=%H -- okrs/2026-Q4/ "
            "| awk '/^:/ {print $4}' | git cat-file --batch --buffer > /dev/null",
            shell=True,
            cwd=repo,
            check=True,
        )
        del log

    def log_patch() -> None:
        subprocess.run(
            ["git", "log", "-p", "--", "okrs/2026-Q4/"],
            cwd=repo,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def cold() -> None:
        clear()
        quarter_history(repo, "okrs", "2026-Q4")

    def new_commit() -> None:
        clear("walk-*")
        quarter_history(repo, "okrs", "2026-Q4")

    def warm() -> None:
        quarter_history(repo, "okrs", "2026-Q4")

    okr = str(Path(sys.executable).parent / "okr")

    def okr_command(*args: str, cold: bool = False) -> Callable[[], None]:
        """A whole okr command, as a user runs it (cold: with every cache removed)."""

        def run() -> None:
            if cold:
                clear()
            subprocess.run(
                [okr, *args],
                cwd=repo,
                check=True,
                capture_output=True,
                env={**os.environ, "CI": "true"},
            )

        return run

    from run import compile_package, measure

    compile_package()

    rows = [
        ("git log -p (every commit's changes as patches)", timed(log_patch, args.repeat)),
        ("git log --raw \\| git cat-file --batch", timed(pipeline, args.repeat)),
        ("okr history walk, cold (parses every file version)", timed(cold, args.repeat)),
        ("okr history walk after a new commit (blob cache filled)", timed(new_commit, args.repeat)),
        ("okr history walk, warm (all caches filled)", timed(warm, args.repeat)),
        (
            "okr score, whole command, warm",
            timed(okr_command("score", "--format", "json"), args.repeat),
        ),
        (
            "okr report, whole command, cold (no caches)",
            timed(okr_command("report", "-o", "/dev/null", cold=True), args.repeat),
        ),
        (
            "okr report, whole command, warm (caches filled)",
            timed(okr_command("report", "-o", "/dev/null"), args.repeat),
        ),
    ]
    peak = measure([okr, "report", "-o", "/dev/null"], repo, 1)[2]
    print(f"{args.units:,} units x {args.weeks} weekly check-in commits, {os.cpu_count()} cores\n")
    print("| what | best | median |")
    print("|---|---:|---:|")
    for name, (best, median) in rows:
        print(f"| {name} | {best:.2f} s | {median:.2f} s |")
    print(f"\nPeak memory of okr report (warm): {peak:.0f} MB.")


if __name__ == "__main__":
    main()
