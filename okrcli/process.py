"""How the ``okr`` process starts and ends: two speed tricks for a short-lived command, in one
place, behind one switch (``OKR_PLAIN_PROCESS=1`` turns both off).

- At start, the cyclic garbage collector is turned off. okr builds large, acyclic data (every
  file, every change in the history) that reference counting frees; the collector would only
  scan it again and again (a tenth of a report's time on a large organisation), and what
  little cyclic garbage one command leaves goes when the process ends. Pydantic's search for
  plugins, which okr's models do not use, is turned off too (set the variable yourself to load
  them anyway).
- At exit, when nothing is registered to run at exit and no other thread runs, the
  interpreter's teardown (freeing every object and module one by one) is skipped: the output
  is flushed first, and the operating system reclaims the memory at once.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading

SWITCH = "OKR_PLAIN_PROCESS"


def _on() -> bool:
    return not os.environ.get(SWITCH)


def prepare() -> None:
    """Called first thing by the command."""
    if not _on():
        return
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def leave(done: SystemExit) -> None:
    """Exit with ``done``'s status, skipping the teardown where that is safe."""
    code = done.code
    if not _on() or (not isinstance(code, int) and code is not None):
        raise done  # a message to print: the interpreter's way

    # CPython's count of exit handlers; where it is missing, assume there are some
    registered = getattr(atexit, "_ncallbacks", lambda: 1)()
    if registered or threading.active_count() > 1:
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None  # let the interpreter report a closed or broken stream
    os._exit(code or 0)
