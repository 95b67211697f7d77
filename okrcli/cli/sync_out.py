"""``okr sync``'s progress bar: on a terminal only (stderr), never in CI or a pipe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A callback ``(done, total)`` that moves a transient bar on stderr."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(label, total=None)

    def step(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield step
