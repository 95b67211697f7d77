"""Benchmark ``okr site``: every quarter of a big organisation's history as static pages.

    python bench/site.py [--sizes 200x4 1000x8] [--weeks 4] [--repeat 1]

For each UNITSxQUARTERS it builds a git repository under bench/out/ with a full-featured
synthetic organisation (bench/generate.py) in each of the QUARTERS quarters that ended last,
``--weeks`` weekly check-in commits in each, then runs ``okr site -o SITE`` as a whole
command (start-up included, caches cold: the history walk's caches in .git/okrcli/ are
removed before each run) and prints, as a markdown table for docs/performance.md, the wall
clock and CPU time, the command's peak memory (RSS), and the size of what it wrote (all the
files of the site together, and the biggest one). The goal for 200 units x 4 quarters: within
20 s and a site of at most 15 MB on disk.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate  # noqa: E402
from history import git  # noqa: E402
from run import compile_package, measure  # noqa: E402

from okrcli.model.quarter import Quarter  # noqa: E402

GOAL = (200, 4, 20.0, 15.0)  # units, quarters: seconds, MB of output


def quarters(count: int, today: date | None = None) -> list[Quarter]:
    """The ``count`` quarters that ended last, oldest first."""
    q = Quarter.containing(today or date.today()).previous()
    out = [q]
    for _ in range(count - 1):
        out.append(out[-1].previous())
    return out[::-1]


def build(units: int, count: int, weeks: int) -> Path:
    out = HERE / "out" / f"site-{units}x{count}x{weeks}"
    if (out / ".git").exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    for n, q in enumerate(quarters(count)):
        generate(units, out, str(q), seed=0, keep=n > 0)
        if n == 0:
            git(out, "init", "-q", "-b", "main")
        for week in range(weeks):
            generate(units, out, str(q), seed=week, keep=True)
            git(out, "add", "-A")
            day = q.start + timedelta(days=7 * week)
            git(out, "commit", "-q", "-m", f"{q} week {week + 1}", when=f"{day}T12:00:00+00:00")
    return out


def size_of(folder: Path) -> tuple[float, float, int]:
    """(MB of all the files, MB of the biggest, how many files)."""
    sizes = [p.stat().st_size for p in folder.iterdir() if p.is_file()]
    return sum(sizes) / 1e6, max(sizes) / 1e6, len(sizes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["200x4", "1000x8"])
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    okr = str(Path(sys.executable).parent / "okr")
    compile_package()
    print("| Units x quarters | Wall clock | Peak memory | Site on disk | Biggest file | Files |")
    print("|---|---|---|---|---|---|")
    failed = False
    for spec in args.sizes:
        units, count = (int(x) for x in spec.split("x"))
        repo = build(units, count, args.weeks)
        site = repo.parent / f"{repo.name}-site"
        caches = repo / ".git" / "okrcli"
        shutil.rmtree(caches, ignore_errors=True)
        timing, peak = measure([okr, "site", "-o", str(site)], repo, args.repeat)
        total, biggest, files = size_of(site)
        print(
            f"| {units} x {count} | {timing.cell()} | {peak:.0f} MB | {total:.1f} MB | "
            f"{biggest:.1f} MB | {files} |",
            flush=True,
        )
        if (units, count) == GOAL[:2] and (timing.best > GOAL[2] or total > GOAL[3]):
            failed = True
    if failed:
        print(
            f"over the goal: {GOAL[0]} units x {GOAL[1]} quarters within {GOAL[2]:.0f} s "
            f"and {GOAL[3]:.0f} MB of site"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
