"""Benchmark ``okr sync`` of 1,000 key results: half from a local HTTP server, half from a
SQLite file. Target: at most 5 s for the whole command (start-up, every fetch, every write).

    python bench/sync.py [--krs 1000] [--repeat 3]

It builds an organisation of KRS/5 teams with five key results each under bench/out/sync
(every key result with its own URL or its own query, so nothing is fetched once for many),
starts a threaded HTTP/1.1 server on 127.0.0.1 in this process, and times, as whole
commands, ``okr sync --dry-run`` and a real ``okr sync`` that writes every value (the files
are written back to their first values between runs). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
OKR = Path(sys.executable).parent / "okr"
PER_UNIT = 5


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        n = int(self.path.rsplit("/", 1)[1])
        body = json.dumps({"data": {"value": round(40 + n % 17 * 0.5, 2)}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def build(root: Path, krs: int, url: str) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "okrs/2026-Q4").mkdir(parents=True)
    (root / "metrics").mkdir()
    units = krs // PER_UNIT
    org = ["units:", "  - {id: acme, name: Acme, level: company}"]
    org += [
        f"  - {{id: team-{u}, name: Team {u}, level: team, parent: acme}}" for u in range(units)
    ]
    (root / "org.yaml").write_text("\n".join(org) + "\n")
    (root / "okr.yaml").write_text("sources:\n  local:\n    url: sqlite:///metrics/kpis.db\n")
    db = sqlite3.connect(root / "metrics/kpis.db")
    db.execute("create table kpi (id integer primary key, value real)")
    db.executemany("insert into kpi values (?, ?)", [(n, 10 + n % 13) for n in range(krs)])
    db.commit()
    db.close()
    n = 0
    for u in range(units):
        lines = [
            f"unit: team-{u}",
            "quarter: 2026-Q4",
            "objectives:",
            "  - id: faster-orders",
            "    title: Make ordering effortless for returning customers",
            "    key_results:",
        ]
        for k in range(PER_UNIT):
            if n % 2:
                source = f"{{http: '{url}/m/{n}', select: data.value}}"
            else:
                source = f"{{sql: local, query: 'select value from kpi where id = {n}'}}"
            lines += [
                f"      - id: kr-{k}",
                f"        title: Raise the share of orders placed again, measure {k}",
                "        baseline: 0",
                "        target: 100",
                "        current: 1",
                f"        source: {source}",
            ]
            n += 1
        (root / f"okrs/2026-Q4/team-{u}.yaml").write_text("\n".join(lines) + "\n")


def timed(root: Path, *args: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(OKR), "sync", "--quarter", "2026-Q4", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "CI": "true"},
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(
            f"okr sync failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--krs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    root = HERE / "out" / "sync"
    build(root, args.krs, url)
    originals = {p: p.read_bytes() for p in (root / "okrs/2026-Q4").iterdir()}
    rows = {"okr sync --dry-run": [], "okr sync (writes every value)": []}
    for _ in range(args.repeat):
        rows["okr sync --dry-run"].append(timed(root, "--dry-run"))
        rows["okr sync (writes every value)"].append(timed(root))
        for path, data in originals.items():
            path.write_bytes(data)
    httpd.shutdown()
    print(
        f"{args.krs} key results ({args.krs // 2} http, {args.krs - args.krs // 2} sql), "
        f"{len(originals)} files, best and median of {args.repeat} runs:\n"
    )
    print("| command | best | median |")
    print("|---|---|---|")
    for name, times in rows.items():
        print(f"| `{name}` | {min(times):.2f} s | {statistics.median(times):.2f} s |")


if __name__ == "__main__":
    main()
