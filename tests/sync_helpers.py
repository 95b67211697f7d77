"""Real parts for the sync tests: a repository with sources, a SQLite file, an HTTP server."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from okrcli.rules.base import EXAMPLE_ORG, GOOD_FILE
from tests.conftest import write_repo

# the example file of the rules, up to its first key result
HEAD = GOOD_FILE[: GOOD_FILE.index("      - id: conversion")]


def kr(ident: str, source: str, current: str | None = "1", extra: str = "") -> str:
    """One key result (baseline 0, target 100) with ``source`` as a flow mapping."""
    now = f"        current: {current}\n" if current is not None else ""
    return (
        f"      - id: {ident}\n"
        f"        title: Raise the {ident} share of returning customers\n"
        f"        baseline: 0\n        target: 100\n{now}{extra}"
        f"        source: {source}\n"
    )


def sync_repo(
    root: Path, krs: list[str], config: str = "", files: dict[str, str] | None = None
) -> Path:
    okr_yaml = "sources:\n  local:\n    url: sqlite:///metrics/kpis.db\n" + config
    write_repo(
        root,
        {"okr.yaml": okr_yaml, "okrs/2026-Q4/checkout.yaml": HEAD + "".join(krs), **(files or {})},
        EXAMPLE_ORG,
    )
    (root / "metrics").mkdir(exist_ok=True)
    db = sqlite3.connect(root / "metrics" / "kpis.db")
    db.executescript(
        """
        create table if not exists kpi (week text, conversion real, label text);
        delete from kpi;
        insert into kpi values ('2026-11-13', 33.5, 'steady'), ('2026-11-20', 34.25, 'up');
        """
    )
    db.commit()
    db.close()
    return root


@dataclass
class Route:
    body: Any = None
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    fail_first: int = 0  # answer 503 this many times first
    echo: bool = False  # answer with the request's path and headers (and body's fields)


@dataclass
class Server:
    url: str
    routes: dict[str, Route]
    seen: list[dict[str, str]]
    hits: dict[str, int]


def serve(routes: dict[str, Route], tls: tuple[Path, Path] | None = None) -> Iterator[Server]:
    """A real HTTP/1.1 server on 127.0.0.1 in a thread, answering ``routes`` by path (over
    TLS with ``tls``, a certificate and its key)."""
    seen: list[dict[str, str]] = []
    hits: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            seen.append({"path": self.path, **dict(self.headers.items())})
            hits[path] = hits.get(path, 0) + 1
            route = routes.get(path)
            if route is None:
                self._send(404, b"{}", {})
                return
            if route.delay:
                time.sleep(route.delay)
            if hits[path] <= route.fail_first:
                self._send(503, b"busy", {})
                return
            body = route.body
            if route.echo:
                body = {**(body or {}), "path": self.path, "headers": dict(self.headers.items())}
            raw = route.raw if route.raw is not None else json.dumps(body).encode()
            self._send(route.status, raw, route.headers)

        def _send(self, status: int, raw: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    scheme = "http"
    if tls is not None:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Server(f"{scheme}://127.0.0.1:{httpd.server_address[1]}", routes, seen, hits)
    finally:
        httpd.shutdown()
        httpd.server_close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
