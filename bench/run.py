"""Benchmark ``okr lint`` beside yamllint and check-jsonschema on the same files, same run.

    python bench/run.py [--sizes 100 1000 5000] [--repeat 5] [--shapes krs chain wide metric]

For each size it generates a full-featured synthetic organisation (bench/generate.py) under
bench/out/, then times each tool as a whole command (wall clock, start-up included; the best
and the median of --repeat runs) and its peak memory, and prints markdown tables for
docs/benchmarks.md. Then ``okr lint`` on each pathological shape, and the scaling check:
okr lint's time at n/4 beside its time at n, for each size from 400 and each shape; a
ratio under 5 is near-linear (work that grows with the square gives 16). The tools it
compares with are installed by ``pip install -e '.[bench]'``; a missing one is reported as
such, never silently skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent


_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)"
)


def compile_package() -> None:
    """Compile okrcli's modules to bytecode first, as ``pip install`` does: an editable
    install under PYTHONDONTWRITEBYTECODE would otherwise compile them on every start."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "okrcli")],
        check=True,
        capture_output=True,
    )


def measure(
    cmd: list[str], cwd: Path, repeat: int, extra_env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """(best wall s, median wall s, peak RSS MB) of running ``cmd`` ``repeat`` times; the
    peak is that of the command's own processes, read by a small wrapper."""
    walls = []
    peak = 0.0
    env = {**os.environ, "CI": "true", **(extra_env or {})}
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(
                f"{' '.join(cmd[:2])} failed ({proc.returncode}): {proc.stderr[-400:]!r}"
            )
    wrapped = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    peak = int(wrapped.stderr.strip().splitlines()[-1]) / 1024
    return min(walls), statistics.median(walls), peak


def tool(name: str) -> str | None:
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name)


def ratio_cell(small: float, big: float) -> str:
    r = big / small
    return f"{r:.1f} ({'near-linear' if r < LINEAR else 'NOT near-linear'})"


LINEAR = 5  # time at 4n over time at n: under this, near-linear (quadratic work gives 16)
SHAPES = {"krs": 20_000, "chain": 10_000, "wide": 5_000, "metric": 5_000}
SHAPE_NAMES = {
    "krs": "key results in one file",
    "chain": "units in one chain of parents",
    "wide": "teams under one parent",
    "metric": "units moving one metric",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--shapes", nargs="*", default=list(SHAPES), help="pathological shapes (none: skip)"
    )
    args = ap.parse_args()
    okr, yamllint, cjs = tool("okr"), tool("yamllint"), tool("check-jsonschema")
    if okr is None:
        raise SystemExit("okr is not installed next to this Python")
    compile_package()
    schema = HERE.parent / "schemas" / "okr-file.schema.json"
    # okr with its caches off: every file is parsed, as by the other tools (the generated
    # folders sit inside this project's git repository, whose caches okr would otherwise use)
    no_cache = {"OKR_NO_CACHE": "1"}

    def lint(n: int, shape: str, repeat: int) -> tuple[float, float, float, list[str]]:
        out = HERE / "out" / (f"org-{n}" if shape == "full" else f"{shape}-{n}")
        rels = [os.path.relpath(p, out) for p in generate(n, out, shape=shape)]
        return (*measure([okr, "lint"], out, repeat, no_cache), rels)

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("\n| units | okr lint | yamllint | check-jsonschema | okr / yamllint |")
    print("|---:|---:|---:|---:|---:|")
    times: dict[tuple[str, int], float] = {}
    for n in args.sizes:
        repeat = args.repeat if n <= 1000 else max(1, args.repeat // 2)
        best, median, peak, rels = lint(n, "full", repeat)
        times[("full", n)] = best
        out = HERE / "out" / f"org-{n}"
        cells = [f"{best:.2f} s (median {median:.2f} s, {peak:.0f} MB)"]
        yl_best = None
        for cmd in (
            [yamllint, "-d", "relaxed", *rels] if yamllint else None,
            [cjs, "--schemafile", str(schema), *rels] if cjs else None,
        ):
            if cmd is None:
                cells.append("not installed")
                continue
            # the other tools take seconds: fewer runs of them at the larger sizes
            b, m, p = measure(cmd, out, repeat if n <= 100 else max(1, repeat // 3))
            yl_best = b if cmd[0] == yamllint else yl_best
            cells.append(f"{b:.2f} s (median {m:.2f} s, {p:.0f} MB)")
        cells.append(f"{best / yl_best:.2f}" if yl_best else "-")
        print(f"| {n:,} | {' | '.join(cells)} |", flush=True)
    print("\nBest and median wall clock of the whole command, start-up included, and peak memory.")

    if args.shapes:
        print("\n| pathological shape | okr lint |")
        print("|---|---:|")
        for shape in args.shapes:
            n = SHAPES[shape]
            best, median, peak, _ = lint(n, shape, max(1, args.repeat // 2))
            times[(shape, n)] = best
            cells = [f"{best:.2f} s (median {median:.2f} s, {peak:.0f} MB)"]
            print(f"| {n:,} {SHAPE_NAMES[shape]} | {' | '.join(cells)} |", flush=True)

    # the scaling check: each command at n and at 4n
    pairs = [("full", n) for n in args.sizes if n >= 400] + [
        (shape, SHAPES[shape]) for shape in args.shapes
    ]
    if pairs:
        print(f"\nScaling: okr lint's time at 4n over its time at n (under {LINEAR}: near-linear).")
        print("\n| what | n | at n | at 4n | ratio |")
        print("|---|---:|---:|---:|---:|")
        for shape, big in pairs:
            small = big // 4
            at_small = lint(small, shape, max(1, args.repeat // 2))[0]
            at_big = times[(shape, big)]
            what = "full organisation" if shape == "full" else SHAPE_NAMES[shape]
            print(
                f"| okr lint, {what} | {small:,} | {at_small:.2f} s | {at_big:.2f} s "
                f"| {ratio_cell(at_small, at_big)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
