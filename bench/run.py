"""Benchmark ``okr lint`` beside yamllint and check-jsonschema on the same files, same run.

    python bench/run.py [--sizes 100 1000 5000] [--repeat 5]

For each size it generates a synthetic organisation (bench/generate.py) under bench/out/,
then times each tool as a whole command (wall clock, start-up included; the best and the
median of --repeat runs) and its peak memory, and prints a markdown table for the README.
The tools it compares with are installed by ``pip install -e '.[bench]'``; a missing one is
reported as such, never silently skipped.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    okr, yamllint, cjs = tool("okr"), tool("yamllint"), tool("check-jsonschema")
    compile_package()
    schema = HERE.parent / "schemas" / "okr-file.schema.json"
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("\n| units | okr lint | yamllint | check-jsonschema |")
    print("|---:|---:|---:|---:|")
    for n in args.sizes:
        out = HERE / "out" / f"org-{n}"
        files = [str(p) for p in generate(n, out)]
        rels = [os.path.relpath(f, out) for f in files]
        cells = []
        for cmd in (
            [okr, "lint"] if okr else None,
            [yamllint, "-d", "relaxed", *rels] if yamllint else None,
            [cjs, "--schemafile", str(schema), *rels] if cjs else None,
        ):
            if cmd is None:
                cells.append("not installed")
                continue
            repeat = args.repeat if n <= 1000 else max(1, args.repeat // 2)
            # okr with its caches off: every file is parsed, as by the other tools (the
            # generated folders sit inside this project's git repository, whose caches
            # okr would otherwise use)
            no_cache = {"OKR_NO_CACHE": "1"} if cmd[0] == okr else None
            best, median, peak = measure(cmd, out, repeat, no_cache)
            cells.append(f"{best:.2f} s (median {median:.2f} s, {peak:.0f} MB)")
        print(f"| {n:,} | {' | '.join(cells)} |", flush=True)
    print("\nBest and median wall clock of the whole command, start-up included, and peak memory.")


if __name__ == "__main__":
    main()
