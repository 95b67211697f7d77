"""Benchmark ``okr lsp`` on a generated organisation (bench/generate.py, committed to git so
the history rules run): the first diagnostics after opening a file (target: 3 s, from the
server's start, the repository indexed), a change re-checked (median, target: 150 ms,
measured without the debounce, which the editor's setting adds on top) and the server's
peak memory (target: 300 MB).

    python bench/lsp.py [--units 1000] [--changes 30]

It speaks LSP over the server's stdin and stdout itself (Content-Length framed JSON-RPC), as
an editor would: initialize, open one team's file, then edit it, alternately breaking and
mending one `aligns_to` reference so every change publishes new diagnostics, and waits for
the publication of each version. Memory is the server process's VmHWM; the CPU time the
server spent per change (from /proc) is printed too, as it holds when the machine is busy
and wall times do not. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


class Client:
    """A minimal LSP client over a subprocess's pipes."""

    def __init__(self, cmd: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.messages: Queue[dict[str, Any]] = Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(out.read(length)))

    def send(self, method: str, params: Any, request: bool = False) -> int | None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        rid = None
        if request:
            self.next_id += 1
            rid = msg["id"] = self.next_id
        body = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return rid

    def wait(self, match: Any, timeout: float = 120) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while True:
            try:
                msg = self.messages.get(timeout=max(0.0, end - time.monotonic()))
            except Empty:
                raise TimeoutError("the server did not answer in time") from None
            if match(msg):
                return msg

    def cpu_seconds(self) -> float:
        """The server's user and system CPU time so far (load on the machine aside)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        rid = self.send("shutdown", None, request=True)
        self.wait(lambda m: m.get("id") == rid, 30)
        self.send("exit", None)
        self.proc.wait(30)


def _published(uri: str, version: int) -> Any:
    def match(m: dict[str, Any]) -> bool:
        p = m.get("params") or {}
        return (
            m.get("method") == "textDocument/publishDiagnostics"
            and p.get("uri") == uri
            and p.get("version") == version
        )

    return match


def run(units: int, changes: int) -> dict[str, float]:
    root = HERE / "out" / f"lsp-{units}"
    generate(units, root)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench"],
        cwd=root,
        check=True,
    )
    files = sorted((root / "okrs").glob("*/*.yaml"))
    target = next(p for p in files if "aligns_to:" in p.read_text() and p.stem != "company")
    text = target.read_text()
    uri = target.as_uri()
    start = time.monotonic()
    client = Client([sys.executable, "-m", "okrcli", "lsp"], root)
    rid = client.send(
        "initialize",
        {
            "processId": None,
            "rootUri": root.as_uri(),
            "capabilities": {},
            "initializationOptions": {"debounceMs": 0},
        },
        request=True,
    )
    client.wait(lambda m: m.get("id") == rid)
    client.send("initialized", {})
    doc = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
    client.send("textDocument/didOpen", {"textDocument": doc})
    client.wait(_published(uri, 1))
    first = time.monotonic() - start
    broken = text.replace("aligns_to: [", "aligns_to: [nowhere/at-all, ", 1)
    if broken == text:
        broken = text.replace("aligns_to:\n", "aligns_to:\n      - nowhere/at-all\n", 1)
    times = []
    cpu0 = client.cpu_seconds()
    for v in range(2, changes + 2):
        body = broken if v % 2 == 0 else text
        t0 = time.monotonic()
        client.send(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": body}]},
        )
        client.wait(_published(uri, v))
        times.append(time.monotonic() - t0)
    cpu = (client.cpu_seconds() - cpu0) / changes
    peak = client.peak_mb()
    client.close()
    return {
        "units": units,
        "first": first,
        "median": statistics.median(times),
        "p90": sorted(times)[int(len(times) * 0.9) - 1],
        "cpu": cpu,
        "peak": peak,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--changes", type=int, default=30)
    args = ap.parse_args()
    r = run(args.units, args.changes)
    print(
        "| units | first diagnostics after open | change re-checked (median) | p90 "
        "| server CPU per change | peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {r['units']:,} | {r['first']:.2f} s | {r['median'] * 1000:.0f} ms "
        f"| {r['p90'] * 1000:.0f} ms | {r['cpu'] * 1000:.0f} ms | {r['peak']:.0f} MB |"
    )


if __name__ == "__main__":
    main()
