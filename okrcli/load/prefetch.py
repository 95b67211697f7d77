"""Start reading a repository's OKR files before the models are even imported.

Parsing is most of ``okr lint``'s work. On a machine with more than one core, a forked helper
process parses most of the files while this process imports pydantic and the rules; this
process then parses the rest, and the helper hands back plain data (no models: they are built
here, where they are used). Below a few hundred files the fork does not pay, and everything is
read here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from okrcli.load.files import CONFIG_NAME, Read, _read_all, discover_okr_files
from okrcli.load.yamlsafe import YamlError, decode, parse

T = TypeVar("T")
R = TypeVar("R")

THRESHOLD = 300
HELPER_SHARE = 0.7  # the helper starts first, so it takes more than half


@dataclass(slots=True)
class Prefetch:
    """Files found under ``okrs_dir``, some of them being parsed by a helper process."""

    root: Path
    okrs_dir: str
    paths: list[Path]
    local: list[Path]
    future: Future[list[Read]] | None = None
    pool: ProcessPoolExecutor | None = None

    def helper_reads(self) -> list[tuple[Path, Read]]:
        """The helper's results, paired with their paths; waits for it, then shuts it down."""
        if self.future is None or self.pool is None:
            return []
        try:
            reads = self.future.result()
        finally:
            self.pool.shutdown(wait=True)
            self.pool = None
        return list(zip(self.paths[len(self.local) :], reads, strict=True))

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _quick_okrs_dir(root: Path) -> str:
    """okr.yaml's okrs_dir without the models; the real config load confirms it later."""
    path = root / CONFIG_NAME
    try:
        data = parse(decode(path.read_bytes())).data if path.is_file() else None
    except (OSError, YamlError):
        return "okrs"
    value = data.get("okrs_dir") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else "okrs"


def start(root: Path, paths: list[Path] | None = None, okrs_dir: str | None = None) -> Prefetch:
    """List the OKR files (unless given) and, when it pays, start a helper parsing most."""
    okrs_dir = okrs_dir or _quick_okrs_dir(root)
    if paths is None:
        paths = discover_okr_files(root, okrs_dir)
    if (
        len(paths) < THRESHOLD
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return Prefetch(root, okrs_dir, paths, paths)
    split = len(paths) - int(len(paths) * HELPER_SHARE)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(_read_all, paths[split:], root)
    return Prefetch(root, okrs_dir, paths, paths[:split], future, pool)


def run_split(fn: Callable[[list[T]], list[R]], items: list[T]) -> list[R]:
    """``fn(items)``, with a forked helper doing half of them where that is possible."""
    if (
        len(items) < 2
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return fn(items)
    half = len(items) // 2
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(fn, items[half:])
        mine = fn(items[:half])
        return mine + future.result()
