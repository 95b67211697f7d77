"""Work in a forked child process, while this process does something else: how okr forks.
The ``okr`` command installs :class:`Forking` as its runner (:mod:`okrcli.runner`), so every
piece of work the domain marks as independent (parsing many files, extracting history blobs,
the report's and the diff's lint passes) may run here; ``OKR_NO_FORK=1`` keeps all of them
in one process.

On a machine with more than one core, a command can hand an independent piece of work (the
report's lint pass, say) to a child made with ``fork``: the child starts with everything this
process has already loaded, does the work on the other core, and sends back only its (small)
result, pickled through a pipe. Where ``fork`` is missing (Windows), there is one core, or the
child dies, the work simply runs here when its result is asked for; an error raised in the
child is raised here. The result is the same either way, only the time differs.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")


SWITCH = "OKR_NO_FORK"


def usable() -> bool:
    """Whether forking can pay here: ``fork`` exists, there is more than one core, the switch
    is off, and no other thread runs (a thread's locks would be copied into the child held)."""
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or os.environ.get(SWITCH):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


class Job(Generic[T]):
    """Work started by :func:`start`: ``result()`` waits for it (once); ``cancel()`` stops a
    child whose result is no longer wanted (safe to call at any time, and after result())."""

    def __init__(self, fn: Callable[[], T], pid: int | None = None, pipe: int | None = None):
        self._fn, self._pid, self._pipe = fn, pid, pipe

    def result(self) -> T:
        try:
            return self._result()
        finally:
            self._fn = _taken  # what the work needed may be freed now

    def _result(self) -> T:
        if self._pid is None or self._pipe is None:
            return self._fn()
        pid, pipe = self._pid, self._pipe
        self._pid = self._pipe = None
        with os.fdopen(pipe, "rb") as stream:
            payload = stream.read()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        if not payload:
            return self._fn()  # the child died: do the work here
        try:
            kind, value = pickle.loads(payload)
        except Exception:
            return self._fn()
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        if self._pid is None or self._pipe is None:
            return
        pid, pipe = self._pid, self._pipe
        self._pid = self._pipe = None
        with contextlib.suppress(OSError):
            os.close(pipe)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _taken() -> Any:
    raise RuntimeError("a forked job's result can be taken once")


def split(fn: Callable[[list[A]], list[R]], items: list[A]) -> list[R]:
    """``fn(items)``, with a forked child doing the second half where that is possible."""
    if len(items) < 2 or not usable():
        return fn(items)
    half = len(items) // 2
    rest = items[half:]
    job = start(lambda: fn(rest))
    mine = fn(items[:half])
    return mine + job.result()


def start(fn: Callable[[], T]) -> Job[T]:
    """Start ``fn`` in a forked child (or, where that is not possible, keep it to run when its
    result is asked for, as it is if the child fails)."""
    here = fn
    if not usable():
        return Job(here)
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return Job(here)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # nothing buffered may be written twice
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return Job(here)
    if pid == 0:  # the child: compute, send, leave without running any exit handlers
        code = 0
        try:
            os.close(read_end)
            try:
                outcome: tuple[str, Any] = ("ok", fn())
            except BaseException as exc:  # handed to the parent, which raises it
                outcome = ("error", exc)
            try:
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                payload = b""  # the parent does the work itself
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return Job(here, pid, read_end)


class Forking:
    """The runner the ``okr`` command installs (see :mod:`okrcli.runner`): a list of at
    least :data:`SPLIT_AT` items is split with a forked child, and work asked to run beside
    the main line starts in one. Below that size a fork costs more than it saves."""

    SPLIT_AT = 300

    def map_split(self, fn: Callable[[list[A]], list[R]], items: list[A]) -> list[R]:
        return fn(items) if len(items) < self.SPLIT_AT else split(fn, items)

    def beside(self, fn: Callable[[], T]) -> Job[T]:
        return start(fn)
