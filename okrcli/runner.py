"""What runs beside what: the outer speed layer, decided in one place.

The domain (loading, the history, the report, the diff) says which pieces of its work are
independent and calls :func:`map_split` or :func:`beside` for them; it never forks, and it
reads the same whichever runner does the work. The runner is chosen once, by the front-end:
the ``okr`` command installs the forking runner of :mod:`okrcli.forked` (a child process on
the other core, where that pays); everything else (``okr lsp``, the tests, a library caller)
keeps the default, which runs everything here, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")


class Pending(Protocol[T]):  # type: ignore[misc]
    """Work started by :func:`beside`: its result once asked for; or cancelled."""

    def result(self) -> T: ...

    def cancel(self) -> None: ...


class Runner(Protocol):
    def map_split(self, fn: Callable[[list[A]], list[R]], items: list[A]) -> list[R]: ...

    def beside(self, fn: Callable[[], T]) -> Pending[T]: ...


class _Later(Generic[T]):
    """Work kept to be done here when its result is asked for."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn: Callable[[], T] | None = fn

    def result(self) -> T:
        fn, self._fn = self._fn, None
        if fn is None:
            raise RuntimeError("a result is taken once")
        return fn()

    def cancel(self) -> None:
        self._fn = None


class Serial:
    """Everything here, in order: the default."""

    def map_split(self, fn: Callable[[list[A]], list[R]], items: list[A]) -> list[R]:
        return fn(items)

    def beside(self, fn: Callable[[], T]) -> Pending[T]:
        return _Later(fn)


_current: Runner = Serial()


def install(runner: Runner) -> None:
    """Choose the runner for this process (the front-end does, once, at start)."""
    global _current
    _current = runner


def map_split(fn: Callable[[list[A]], list[R]], items: list[A]) -> list[R]:
    """``fn(items)``, where ``fn`` handles each item on its own (so the items may be split
    between processes): the results in the items' order."""
    return _current.map_split(fn, items)


def beside(fn: Callable[[], T]) -> Pending[T]:
    """``fn``'s work, independent of what the caller does next: maybe done beside it, maybe
    when its result is asked for. The result is the same either way."""
    return _current.beside(fn)
