"""Benchmark the quarter's history walk and okr report beside git's own pipeline, on the same
repository.

    python bench/history.py [--units 1000] [--weeks 13] [--repeat 3] [--no-scaling]

Builds a git repository under bench/out/ with a full-featured synthetic organisation and one
commit a week in which every unit checks in, in the last quarter that has ended (the commits
are dated from that quarter's first day, so they lie in the past whatever the day the bench
runs), then times, in the same run:

* git itself: ``git log -p`` on the quarter's folder (every commit's changes as patches),
  and the pipeline okr's walk is built on, ``git log --raw`` piped into one
  ``git cat-file --batch --buffer``, which hands over every version of every file;
* okr's history walk (``quarter_history``) cold, with every cache in ``.git/okrcli/``
  removed: it parses every distinct file version once;
* the walk after a new commit: file versions already in the blob cache, the walk itself not
  (each commit is a new key for the walk cache), so it is walked again from the cache;
* the walk warm, all caches filled (read back);
* ``okr score`` and ``okr report`` as whole commands, start-up included (the report cold,
  with every cache removed, and warm), and the report's peak memory;
* then all of it again on a quarter of the units: the scaling check (under 5: near-linear).
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
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402
from run import Timing, cpu_used  # noqa: E402

from okrcli import process  # noqa: E402
from okrcli.history.timeline import quarter_history  # noqa: E402
from okrcli.model.quarter import Quarter  # noqa: E402

# the walk rows run in this process: as okr runs them (without the cyclic collector, whose
# scans of the growing heap would make them look superlinear)
process.prepare()


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


def last_quarter(today: date | None = None) -> Quarter:
    """The last quarter that has ended: its weekly check-ins all lie in the past, whatever
    the day the bench runs."""
    return Quarter.containing(today or date.today()).previous()


def build(units: int, weeks: int, quarter: Quarter) -> Path:
    """A repository with ``weeks`` weekly check-in commits, from the quarter's first day
    (at most 13: a quarter has 13 weeks)."""
    out = HERE / "out" / f"history-{units}x{weeks}-{quarter}"
    if (out / ".git").exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    generate(units, out, str(quarter), seed=0)
    git(out, "init", "-q", "-b", "main")
    for week in range(weeks):
        generate(units, out, str(quarter), seed=week, keep=True)
        git(out, "add", "-A")
        day = quarter.start + timedelta(days=7 * week)
        git(out, "commit", "-q", "-m", f"week {week + 1}", when=f"{day}T12:00:00+00:00")
    return out


def timed(fns: list[Callable[[], object]], repeat: int) -> list[Timing]:
    """Timings of ``fns`` (one, or the same step on a small and a big repository) run turn
    about ``repeat`` times: the wall clock and the CPU time of this process and of the
    commands it ran."""
    runs: list[list[tuple[float, float]]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, runs, strict=True):
            cpu, start = cpu_used(), time.perf_counter()
            fn()
            out.append((time.perf_counter() - start, cpu_used() - cpu))
    return [
        Timing(min(w for w, _ in r), statistics.median(w for w, _ in r), min(c for _, c in r))
        for r in runs
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--weeks", type=int, default=13)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--no-scaling", action="store_true", help="skip the report at a quarter of the units"
    )
    args = ap.parse_args()
    quarter = last_quarter()
    folder = f"okrs/{quarter}/"
    okr = str(Path(sys.executable).parent / "okr")

    from run import compile_package, measure, ratio_cell

    compile_package()

    def steps(repo: Path) -> list[tuple[str, Callable[[], None]]]:
        caches = repo / ".git" / "okrcli"

        def clear(pattern: str = "*") -> None:
            for path in caches.glob(pattern):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()

        def pipeline() -> None:
            subprocess.run(
                f"git log --raw --no-abbrev --format=%H -- {folder} "
                "| awk '/^:/ {print $4}' | git cat-file --batch --buffer > /dev/null",
                shell=True,
                cwd=repo,
                check=True,
            )

        def log_patch() -> None:
            subprocess.run(
                ["git", "log", "-p", "--", folder], cwd=repo, check=True, stdout=subprocess.DEVNULL
            )

        def cold() -> None:
            clear()
            quarter_history(repo, "okrs", str(quarter))

        def new_commit() -> None:
            clear("walk-*")
            quarter_history(repo, "okrs", str(quarter))

        def warm() -> None:
            quarter_history(repo, "okrs", str(quarter))

        def okr_command(*words: str, cold: bool = False) -> Callable[[], None]:
            """A whole okr command, as a user runs it (cold: with every cache removed)."""

            def run() -> None:
                if cold:
                    clear()
                subprocess.run(
                    [okr, *words, "--quarter", str(quarter)],
                    cwd=repo,
                    check=True,
                    capture_output=True,
                    env={**os.environ, "CI": "true"},
                )

            return run

        return [
            (LOG_P, log_patch),
            ("git log --raw \\| git cat-file --batch", pipeline),
            ("okr history walk, cold (parses every file version)", cold),
            ("okr history walk after a new commit (blob cache filled)", new_commit),
            ("okr history walk, warm (all caches filled)", warm),
            ("okr score, whole command, warm", okr_command("score", "--format", "json")),
            (
                "okr report, whole command, cold (no caches)",
                okr_command("report", "-o", "/dev/null", cold=True),
            ),
            (WARM_REPORT, okr_command("report", "-o", "/dev/null")),
        ]

    repo = build(args.units, args.weeks, quarter)
    big = steps(repo)
    small_units = args.units // 4
    scaling = not args.no_scaling and small_units > 0
    small = steps(build(small_units, args.weeks, quarter)) if scaling else None
    rows: list[tuple[str, Timing, Timing | None]] = []
    for n, (name, fn) in enumerate(big):
        if small is not None:
            at_small, at_big = timed([small[n][1], fn], args.repeat)
            rows.append((name, at_big, at_small))
        else:
            rows.append((name, timed([fn], args.repeat)[0], None))
    # the peak memory of each command that reads the history, warm, as a user runs it
    q = ["--quarter", str(quarter)]
    parts = repo.parent / f"{repo.name}-report"
    parts.mkdir(exist_ok=True)
    peaks = [
        (f"`{' '.join(words)}`", measure([okr, *words], repo, 1)[1])
        for words in (
            ["report", *q, "-o", "/dev/null"],
            ["report", *q, "-o", str(parts / "report.md")],
            ["report", *q, "--summary"],
            ["score", *q],
            ["lint"],
            ["diff", "HEAD~1"],
        )
    ]
    peak = peaks[0][1]
    print(
        f"{args.units:,} units x {args.weeks} weekly check-in commits in {quarter} "
        f"(from {quarter.start}), {os.cpu_count()} cores\n"
    )
    print("| what | best | median | CPU |")
    print("|---|---:|---:|---:|")
    for name, t, _ in rows:
        print(f"| {name} | {t.best:.2f} s | {t.median:.2f} s | {t.cpu:.2f} s |")
    print(f"\nPeak memory of okr report (warm): {peak:.0f} MB.")
    print("\n| command (warm caches) | peak memory |\n|---|---:|")
    for words, mb in peaks:
        print(f"| {words.replace(str(parts), '…')} | {mb:.0f} MB |")
    print()
    timing = {name: t for name, t, _ in rows}
    log_p, warm_report = timing[LOG_P], timing[WARM_REPORT]
    print(
        f"Warm report over git log -p, same run: {warm_report.best / log_p.best:.2f} "
        f"(CPU time: {warm_report.cpu / log_p.cpu:.2f})."
    )
    if small is not None:
        print(
            f"\nScaling: CPU time at {args.units:,} units over CPU time at {small_units:,} "
            "(under 5: near-linear), the two run turn about; the wall clock's ratio beside it."
        )
        print(f"\n| what | at {small_units:,} | at {args.units:,} | ratio |")
        print("|---|---:|---:|---:|")
        for name, t, s in rows:
            assert s is not None
            print(f"| {name} | {s.cell()} | {t.cell()} | {ratio_cell(s, t)} |")


LOG_P = "git log -p (every commit's changes as patches)"
WARM_REPORT = "okr report, whole command, warm (caches filled)"


if __name__ == "__main__":
    main()
