"""http sources: GET a JSON answer (httpx), pick one number with JMESPath.

TLS certificates are verified; each request has a deadline for the whole answer (connect,
headers and body: a server that sends a byte at a time is cut off when it passes, by shutting
its socket down); connection failures and busy answers (429, 502, 503, 504) are retried a
bounded number of times with backoff, within one deadline for the whole fetch; redirects are
followed only within the same scheme, host and port (so headers holding secrets never travel
elsewhere) and at most MAX_REDIRECTS times; answers are read up to MAX_BYTES as they stream.
A secret is sent only over https (or to this machine). Messages name the host as the source
writes it (an expanded secret never reaches one).
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from okrcli import __version__
from okrcli.sync.secrets import ENV_REF, Secrets, SourceError, hold_references, put_back

MAX_BYTES = 4 * 1024 * 1024
MAX_REDIRECTS = 3
ATTEMPTS = 3
BACKOFF = 0.25  # seconds before the first retry; doubled each time
RETRY_STATUS = frozenset({429, 502, 503, 504})
_LOCAL = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class Web:
    """One HTTP client for the run, shared by the fetching threads."""

    def __init__(self, secrets: Secrets, workers: int) -> None:
        self.secrets = secrets
        self.client = httpx.Client(
            follow_redirects=False,
            verify=True,
            # no connection kept between requests: each one is watched from its connect on
            limits=httpx.Limits(max_connections=workers, max_keepalive_connections=0),
            headers={"User-Agent": f"okr-sync/{__version__}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self.client.close()

    def json(self, url: str, headers: Mapping[str, str], timeout: float) -> Any:
        """The JSON answer of ``url`` (templates: secrets are expanded here)."""
        secret = bool(ENV_REF.search(url)) or any(ENV_REF.search(v) for v in headers.values())
        real_url = self.secrets.expand(url, in_url=True)
        real_headers = {k: self.secrets.expand(v) for k, v in headers.items()}
        try:
            target = httpx.URL(real_url)
        except (httpx.InvalidURL, ValueError):
            raise SourceError("the URL cannot be read.") from None
        if secret and target.scheme != "https" and target.host not in _LOCAL:
            raise SourceError(
                "the source sends a secret over plain http; use https so it is not sent "
                "in clear text."
            )
        body = self._get(target, real_headers, timeout, _written_host(url))
        try:
            return json.loads(body)
        except RecursionError:
            raise SourceError("the answer nests too deep to read.") from None
        except ValueError:
            raise SourceError("the answer is not JSON.") from None

    def _get(self, url: httpx.URL, headers: dict[str, str], timeout: float, host: str) -> bytes:
        deadline = time.monotonic() + timeout * ATTEMPTS + BACKOFF * 2**ATTEMPTS
        for redirect in range(MAX_REDIRECTS + 1):
            status, location, body = self._attempts(url, headers, timeout, deadline, host)
            if location is None:
                if not 200 <= status < 300:
                    raise SourceError(f"the server answered HTTP {status}.")
                return body
            if redirect == MAX_REDIRECTS:
                break
            nxt = url.join(location)
            if (nxt.scheme, nxt.host, nxt.port) != (url.scheme, url.host, url.port):
                raise SourceError(
                    f"the server redirected to {nxt.scheme}://{nxt.host}; okr follows "
                    "redirects only on the same host, so headers stay there. Point the "
                    "source at the final URL."
                )
            url = nxt
        raise SourceError(f"the server redirected more than {MAX_REDIRECTS} times.")

    def _attempts(
        self, url: httpx.URL, headers: dict[str, str], timeout: float, deadline: float, host: str
    ) -> tuple[int, str | None, bytes]:
        """(status, redirect location or None, body), retrying what may pass."""
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            try:
                # each request within its timeout, all of them within the fetch's deadline
                left = max(0.05, min(timeout, deadline - time.monotonic()))
                status, location, body = self._once(url, headers, left)
            except httpx.TimeoutException:
                raise SourceError(f"timed out after {timeout:g} s.") from None
            except httpx.ConnectError as exc:
                if _tls_refused(exc):
                    raise SourceError(
                        f"the TLS certificate of {host} could not be verified; okr "
                        "never skips the check (trust a private CA with SSL_CERT_FILE)."
                    ) from None
                if last or time.monotonic() > deadline:
                    raise SourceError(
                        f"cannot connect to {host} ({_said(exc)}), tried {attempt + 1} times."
                    ) from None
            except httpx.HTTPError as exc:
                raise SourceError(f"the request failed ({_said(exc)}).") from None
            except UnicodeError:  # a host name that cannot be spelled for DNS
                raise SourceError(f"the host {host} is not a valid host name.") from None
            else:
                if status not in RETRY_STATUS or last or time.monotonic() > deadline:
                    return status, location, body
            time.sleep(BACKOFF * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self, url: httpx.URL, headers: dict[str, str], timeout: float
    ) -> tuple[int, str | None, bytes]:
        """One request, cut off when ``timeout`` seconds have passed since it began, however
        slowly the server sends (httpx's own timeouts count each read on its own)."""
        watch = _Watch(timeout)
        try:
            return self._read(url, headers, timeout, watch)
        except httpx.HTTPError:
            if watch.expired:
                raise httpx.TimeoutException("past the deadline") from None
            raise
        finally:
            watch.stop()

    def _read(
        self, url: httpx.URL, headers: dict[str, str], timeout: float, watch: _Watch
    ) -> tuple[int, str | None, bytes]:
        extensions = {"trace": watch.trace}
        with self.client.stream(
            "GET", url, headers=headers, timeout=timeout, extensions=extensions
        ) as response:
            if response.is_redirect:
                return response.status_code, response.headers.get("location"), b""
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BYTES:
                raise SourceError(f"the answer is larger than {MAX_BYTES:,} bytes.")
            parts: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SourceError(f"the answer is larger than {MAX_BYTES:,} bytes.")
                if watch.expired:
                    raise httpx.TimeoutException("past the deadline")
                parts.append(chunk)
            return response.status_code, None, b"".join(parts)


class _Watch:
    """A request's deadline: httpx's trace hook hands over the socket when it connects, and
    a timer shuts it down at the deadline, which ends any read still waiting on it."""

    def __init__(self, timeout: float) -> None:
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            # a duplicate: it stays usable when TLS wraps (and detaches) the original
            self._sock = sock.dup()
            if self.expired:
                self._shut()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


def _written_host(url: str) -> str:
    """The host (and port) as the source writes it: references stay references."""
    held, refs = hold_references(url)
    netloc = held.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return put_back(netloc.rsplit("@", 1)[-1], refs) or "the host"


def _tls_refused(exc: BaseException) -> bool:
    """Whether a failed connection is a certificate that did not verify (not retried)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _said(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
