"""http sources: GET a JSON answer (httpx), pick one number with JMESPath.

TLS certificates are verified; each request has a timeout; connection failures and busy
answers (429, 502, 503, 504) are retried a bounded number of times with backoff; redirects
are followed only within the same scheme, host and port (so headers holding secrets never
travel elsewhere) and at most MAX_REDIRECTS times; answers are read up to MAX_BYTES. A
secret is sent only over https (or to this machine).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from okrcli import __version__
from okrcli.sync.secrets import ENV_REF, Secrets, SourceError

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
            limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers),
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
        body = self._get(target, real_headers, timeout)
        try:
            return json.loads(body)
        except ValueError:
            raise SourceError("the answer is not JSON.") from None

    def _get(self, url: httpx.URL, headers: dict[str, str], timeout: float) -> bytes:
        deadline = time.monotonic() + timeout * ATTEMPTS + BACKOFF * 2**ATTEMPTS
        for redirect in range(MAX_REDIRECTS + 1):
            status, location, body = self._attempts(url, headers, timeout, deadline)
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
        self, url: httpx.URL, headers: dict[str, str], timeout: float, deadline: float
    ) -> tuple[int, str | None, bytes]:
        """(status, redirect location or None, body), retrying what may pass."""
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            try:
                status, location, body = self._once(url, headers, timeout)
            except httpx.TimeoutException:
                raise SourceError(f"timed out after {timeout:g} s.") from None
            except httpx.ConnectError as exc:
                if _tls_refused(exc):
                    raise SourceError(
                        f"the TLS certificate of {url.host} could not be verified; okr "
                        "never skips the check (trust a private CA with SSL_CERT_FILE)."
                    ) from None
                if last or time.monotonic() > deadline:
                    raise SourceError(
                        f"cannot connect to {url.host}"
                        f"{':' + str(url.port) if url.port else ''} ({_said(exc)}), "
                        f"tried {attempt + 1} times."
                    ) from None
            except httpx.HTTPError as exc:
                raise SourceError(f"the request failed ({_said(exc)}).") from None
            else:
                if status not in RETRY_STATUS or last or time.monotonic() > deadline:
                    return status, location, body
            time.sleep(BACKOFF * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self, url: httpx.URL, headers: dict[str, str], timeout: float
    ) -> tuple[int, str | None, bytes]:
        started = time.monotonic()
        with self.client.stream("GET", url, headers=headers, timeout=timeout) as response:
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
                if time.monotonic() - started > timeout:
                    raise SourceError(f"timed out after {timeout:g} s.")
                parts.append(chunk)
            return response.status_code, None, b"".join(parts)


def _tls_refused(exc: BaseException) -> bool:
    """Whether a failed connection is a certificate that did not verify (not retried)."""
    import ssl

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
