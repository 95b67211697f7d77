"""command sources: a program run without a shell, with a timeout; it prints one number.

They run only when ``okr sync --allow-commands`` says so: a program in the repository runs
with the job's environment, secrets included, so only code the team has reviewed onto the
default branch may run it.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from okrcli.sync.secrets import SourceError

MAX_OUTPUT = 64 * 1024  # bytes of standard output: more and the command is stopped
MAX_ERROR = 8 * 1024  # bytes of standard error kept (its last ones); the rest is dropped
GRACE = 1.0  # seconds the output may stay open after the command exits (a child holding it)


def run(root: Path, argv: list[str], timeout: float, scrub: Callable[[str], str]) -> str:
    """The command's standard output (one number, checked by the caller). The command runs
    in a process group of its own, killed at the deadline or when it prints more than
    MAX_OUTPUT; ``scrub`` masks secrets in what it printed on standard error before any
    message quotes it."""
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
        out, err = _read(proc, timeout)
    finally:
        _stop(proc)
    if proc.returncode != 0:
        last = scrub(err.decode("utf-8", "replace")).strip().splitlines()
        said = f": {scrub(last[-1][:200])}" if last else ""
        raise SourceError(f"the command exited with status {proc.returncode}{said}")
    text = out.decode("utf-8", "replace").strip()
    if len(text.split()) != 1:
        shown = "nothing" if not text else f"{len(text.split())} words"
        raise SourceError(f"the command printed {shown}; print one number.")
    return text


def _read(proc: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bytes]:
    """Standard output and (the end of) standard error, read as they come, until both are
    closed and the command has exited; SourceError at the deadline or past MAX_OUTPUT."""
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    out = bytearray()
    err = bytearray()
    exited_at: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, out)
        selector.register(proc.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            now = time.monotonic()
            if now > deadline:
                raise SourceError(f"timed out after {timeout:g} s; the command was stopped.")
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > GRACE:
                raise SourceError(
                    "the command exited, but a program it started keeps its output open; "
                    "it was stopped (let the command wait for what it starts)."
                )
            for key, _ in selector.select(min(deadline - now, 0.2)):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buf: bytearray = key.data
                buf += chunk
                if buf is out and len(out) > MAX_OUTPUT:
                    raise SourceError(
                        f"the command printed more than {MAX_OUTPUT:,} bytes; it was stopped. "
                        "Print one number."
                    )
                if buf is err and len(err) > MAX_ERROR:
                    del err[: len(err) - MAX_ERROR]
    try:
        proc.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise SourceError(f"timed out after {timeout:g} s; the command was stopped.") from None
    return bytes(out), bytes(err)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the command's process group, and reap it (never waiting on its
    output: a program that left the group may still hold it open)."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
