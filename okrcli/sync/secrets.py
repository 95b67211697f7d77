"""Secrets enter a source only as ``${env:NAME}``: expanded at run time, remembered, and
scrubbed from every message okr shows about a source (library errors included).

Also here: how a source is shown (URLs with any literal credential masked), and which URL
parts and headers look like they hold a secret, for the literal-secret lint rule.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

ENV_REF = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")
ANY_REF = re.compile(r"\$\{[^}]*\}?")
MASK = "***"

# query parameters and header names that carry credentials
_SECRET_WORDS = ("password", "passwd", "secret", "token", "apikey", "api_key", "api-key")
_SECRET_NAMES = frozenset(
    {"pwd", "pass", "key", "auth", "sig", "signature", "authorization", "proxy-authorization"}
    | {"cookie", "x-api-key", "private-token", "sslpassword", "credentials", "session"}
)
# what may stand beside an env reference in a credential header: the scheme word
_SCHEME_ONLY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*\s+)?$")


class SourceError(Exception):
    """A source could not give a value; ``reason`` is a plain sentence (scrubbed by the
    service before anyone sees it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bad_references(text: str) -> list[str]:
    """``${...}`` references that are not ``${env:NAME}``."""
    return [m.group(0) for m in ANY_REF.finditer(text) if not ENV_REF.fullmatch(m.group(0))]


def secret_name(name: str) -> bool:
    """Whether a query parameter or header of this name carries a credential."""
    low = name.lower()
    return low in _SECRET_NAMES or any(w in low for w in _SECRET_WORDS)


def is_reference_only(value: str, *, scheme_word: bool = False) -> bool:
    """The value is one or more env references (with a scheme word such as ``Bearer``
    before them when ``scheme_word``), so no literal secret."""
    if not ENV_REF.search(value):
        return value.strip() == ""
    rest = ENV_REF.sub("", value)
    if scheme_word:
        return bool(_SCHEME_ONLY.match(rest))
    return rest.strip() == ""


def literal_url_secrets(url: str) -> list[str]:
    """What in ``url`` holds a literal credential: a password in it, or a secret-named
    query parameter with a literal value."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return found
    netloc = parts.netloc
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        if ":" in userinfo and not is_reference_only(userinfo.split(":", 1)[1]):
            found.append("the password in the URL")
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if secret_name(name) and not is_reference_only(value):
            found.append(f"the URL parameter '{name}'")
    return found


def shown_url(url: str) -> str:
    """``url`` as okr shows it: a literal password or secret-named parameter masked
    (``${env:NAME}`` references stay: they name the secret, they are not it)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a URL that cannot be read)"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            user, password = userinfo.split(":", 1)
            if not is_reference_only(password):
                netloc = f"{user}:{MASK}@{host}"
    query = parts.query
    if query:
        pieces = []
        for piece in query.split("&"):
            name, eq, value = piece.partition("=")
            if eq and secret_name(name) and not is_reference_only(value):
                piece = f"{name}={MASK}"
            pieces.append(piece)
        query = "&".join(pieces)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class Secrets:
    """Expands env references for one run and remembers every value it expanded, so each
    can be scrubbed from messages. Thread-safe: sources are fetched in parallel."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def expand(self, text: str, *, in_url: bool = False) -> str:
        """``text`` with each ``${env:NAME}`` replaced by the variable's value
        (percent-encoded inside a URL); SourceError naming the variable when it is unset."""

        def value(m: re.Match[str]) -> str:
            name = m.group(1)
            found = self._environ.get(name)
            if found is None or found == "":
                raise SourceError(
                    f"the environment variable {name} is not set; set it (in CI, from the "
                    "secret store) or remove the reference."
                )
            encoded = quote(found, safe="") if in_url else found
            if any(c in encoded for c in "\r\n\0"):
                raise SourceError(f"the environment variable {name} holds a line break.")
            with self._lock:
                self._values.add(found)
                self._values.add(encoded)
                self._values.add(quote(found, safe=""))
                self._values.add(quote(found))
            return encoded

        return ENV_REF.sub(value, text)

    def scrub(self, text: str) -> str:
        """``text`` with every expanded value masked, longest first; credentials in any URL
        it quotes masked too."""
        with self._lock:
            values = sorted((v for v in self._values if v), key=len, reverse=True)
        for v in values:
            text = text.replace(v, MASK)
        return _USERINFO.sub(r"\1" + MASK + "@", text)


_USERINFO = re.compile(r"(://[^/\s:@]*:)[^/\s@]*@")
