"""command sources: a program run without a shell, with a timeout; it prints one number.

They run only when ``okr sync --allow-commands`` says so: a program in the repository runs
with the job's environment, secrets included, so only code the team has reviewed onto the
default branch may run it.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from okrcli.sync.secrets import SourceError

MAX_OUTPUT = 64 * 1024


def run(root: Path, argv: list[str], timeout: float) -> str:
    """The command's standard output (one number, checked by the caller)."""
    try:
        proc = subprocess.Popen(
            argv,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout stops all of it
        )
    except FileNotFoundError:
        raise SourceError(f"the program '{argv[0]}' was not found.") from None
    except PermissionError:
        raise SourceError(f"the program '{argv[0]}' may not be run (is it executable?).") from None
    except OSError as exc:
        raise SourceError(f"the program '{argv[0]}' cannot be run ({exc.strerror}).") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise SourceError(f"timed out after {timeout:g} s; the command was stopped.") from None
    if proc.returncode != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()
        said = f": {last[-1][:200]}" if last else ""
        raise SourceError(f"the command exited with status {proc.returncode}{said}")
    if len(out) > MAX_OUTPUT:
        raise SourceError(f"the command printed more than {MAX_OUTPUT:,} bytes; print one number.")
    text = out.decode("utf-8", "replace").strip()
    if len(text.split()) != 1:
        shown = "nothing" if not text else f"{len(text.split())} words"
        raise SourceError(f"the command printed {shown}; print one number.")
    return text


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()
