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
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
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


def cpu_used() -> float:
    """CPU seconds (user and system) of this process and every child it has waited for."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Timing:
    """Best and median wall clock, and the best CPU time (user and system, the command's
    own processes): on a shared machine the wall clock also counts the waits for a core,
    the CPU time far less so."""

    best: float
    median: float
    cpu: float

    def cell(self) -> str:
        return f"{self.best:.2f} s (median {self.median:.2f} s, CPU {self.cpu:.2f} s)"


def run_once(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s) of one run of ``cmd``."""
    cpu, start = cpu_used(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:2])} failed ({proc.returncode}): {proc.stderr[-400:]!r}")
    return wall, cpu_used() - cpu


def environment(extra_env: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "CI": "true", **(extra_env or {})}


def measure(
    cmd: list[str], cwd: Path, repeat: int, extra_env: dict[str, str] | None = None
) -> tuple[Timing, float]:
    """The timing of running ``cmd`` ``repeat`` times, and its peak RSS in MB: that of the
    command's own processes, read by a small wrapper."""
    env = environment(extra_env)
    runs = [run_once(cmd, cwd, env) for _ in range(repeat)]
    walls = [w for w, _ in runs]
    wrapped = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    peak = int(wrapped.stderr.strip().splitlines()[-1]) / 1024
    return Timing(min(walls), statistics.median(walls), min(c for _, c in runs)), peak


def interleaved(
    small: tuple[list[str], Path], big: tuple[list[str], Path], repeat: int, env: dict[str, str]
) -> tuple[Timing, Timing]:
    """Timings of two commands run turn about, so that a change in the machine's load
    falls on both alike (the scaling check compares them)."""
    runs: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
    for _ in range(repeat):
        for (cmd, cwd), out in zip((small, big), runs, strict=True):
            out.append(run_once(cmd, cwd, env))
    a, b = (
        Timing(min(w for w, _ in r), statistics.median(w for w, _ in r), min(c for _, c in r))
        for r in runs
    )
    return a, b


def tool(name: str) -> str | None:
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name)


def ratio_cell(small: Timing, big: Timing) -> str:
    """The CPU time's ratio, which decides, and the wall clock's."""
    r = big.cpu / small.cpu
    verdict = "near-linear" if r < LINEAR else "NOT near-linear"
    return f"{r:.1f}, {verdict} (wall clock: {big.best / small.best:.1f})"


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

    def organisation(n: int, shape: str) -> tuple[Path, list[str]]:
        out = HERE / "out" / (f"org-{n}" if shape == "full" else f"{shape}-{n}")
        return out, [os.path.relpath(p, out) for p in generate(n, out, shape=shape)]

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("\n| units | okr lint | yamllint | check-jsonschema | okr / yamllint |")
    print("|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        repeat = args.repeat if n <= 1000 else max(1, args.repeat // 2)
        out, rels = organisation(n, "full")
        timing, peak = measure([okr, "lint"], out, repeat, no_cache)
        cells = [f"{timing.cell()}, {peak:.0f} MB"]
        versus = None
        for cmd in (
            [yamllint, "-d", "relaxed", *rels] if yamllint else None,
            [cjs, "--schemafile", str(schema), *rels] if cjs else None,
        ):
            if cmd is None:
                cells.append("not installed")
                continue
            # the other tools take seconds: fewer runs of them at the larger sizes
            other, other_peak = measure(cmd, out, repeat if n <= 100 else max(1, repeat // 3))
            versus = other if cmd[0] == yamllint else versus
            cells.append(f"{other.cell()}, {other_peak:.0f} MB")
        if versus is None:
            cells.append("-")
        else:
            cells.append(f"{timing.best / versus.best:.2f} (CPU {timing.cpu / versus.cpu:.2f})")
        print(f"| {n:,} | {' | '.join(cells)} |", flush=True)
    print(
        "\nBest and median wall clock of the whole command, start-up included, the best CPU "
        "time (user and system) and the peak memory."
    )

    if args.shapes:
        print("\n| pathological shape | okr lint |")
        print("|---|---:|")
        for shape in args.shapes:
            n = SHAPES[shape]
            out, _ = organisation(n, shape)
            timing, peak = measure([okr, "lint"], out, max(1, args.repeat // 2), no_cache)
            print(f"| {n:,} {SHAPE_NAMES[shape]} | {timing.cell()}, {peak:.0f} MB |", flush=True)

    # the scaling check: each command at n and at 4n, run turn about
    pairs = [("full", n) for n in args.sizes if n >= 400]
    pairs += [(shape, SHAPES[shape]) for shape in args.shapes]
    if pairs:
        print(
            f"\nScaling: okr lint's CPU time at 4n over its CPU time at n (under {LINEAR}: "
            "near-linear), the two run turn about; the wall clock's ratio beside it."
        )
        print("\n| what | n | at n | at 4n | ratio |")
        print("|---|---:|---:|---:|---:|")
        env = environment(no_cache)
        for shape, big in pairs:
            small = big // 4
            at_small, at_big = interleaved(
                ([okr, "lint"], organisation(small, shape)[0]),
                ([okr, "lint"], organisation(big, shape)[0]),
                args.repeat,
                env,
            )
            what = "full organisation" if shape == "full" else SHAPE_NAMES[shape]
            print(
                f"| okr lint, {what} | {small:,} | {at_small.cell()} | {at_big.cell()} "
                f"| {ratio_cell(at_small, at_big)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
