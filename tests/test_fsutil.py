"""Writes that replace files atomically, and leave everything that is not a plain file alone."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from okrcli.fsutil import atomic_write
from tests.conftest import ROOT, okr


def test_a_plain_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.md"
    atomic_write(target, "one", within=None)
    atomic_write(target, "two", within=None)
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]  # no temporary left


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    atomic_write(link, "new", within=None)
    assert link.is_symlink() and real.read_text() == "new"


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, "through the pipe", within=None)
    reader.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        atomic_write(tmp_path, "x", within=None)


@pytest.mark.slow
def test_report_to_standard_output_and_to_a_folder(tmp_path: Path) -> None:
    r = okr("report", "-o", "/dev/stdout", cwd=ROOT / "examples" / "acme")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# ") and "## Units" in r.stdout
    r = okr("report", "-o", str(tmp_path), cwd=ROOT / "examples" / "acme")
    assert r.returncode != 0 and "cannot write" in r.stderr and "Traceback" not in r.stderr
