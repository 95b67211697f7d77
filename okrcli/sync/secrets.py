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


def hold_references(url: str) -> tuple[str, list[str]]:
    """``url`` with each env reference replaced by a placeholder that holds no ``:``, ``@``
    or ``/`` (so ``${env:USER}:${env:PASS}@host`` splits where it should), and the
    references to put back."""
    refs: list[str] = []

    def hold(m: re.Match[str]) -> str:
        refs.append(m.group(0))
        return f"okrref{len(refs) - 1}x"

    return ENV_REF.sub(hold, url), refs


def put_back(text: str, refs: list[str]) -> str:
    return re.sub(r"okrref(\d+)x", lambda m: refs[int(m.group(1))], text)


def literal_url_secrets(url: str) -> list[str]:
    """What in ``url`` holds a literal credential: a password in it, or a secret-named
    query parameter with a literal value."""
    found: list[str] = []
    held, refs = hold_references(url)
    try:
        parts = urlsplit(held)
    except ValueError:
        return found
    netloc = parts.netloc
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        if ":" in userinfo and not is_reference_only(put_back(userinfo.split(":", 1)[1], refs)):
            found.append("the password in the URL")
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if secret_name(name) and not is_reference_only(put_back(value, refs)):
            found.append(f"the URL parameter '{put_back(name, refs)}'")
    return found


def shown_url(url: str) -> str:
    """``url`` as okr shows it: a literal password or secret-named parameter masked
    (``${env:NAME}`` references stay: they name the secret, they are not it)."""
    held, refs = hold_references(url)
    try:
        parts = urlsplit(held)
    except ValueError:
        return "(a URL that cannot be read)"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            user, password = userinfo.split(":", 1)
            if not is_reference_only(put_back(password, refs)):
                netloc = f"{user}:{MASK}@{host}"
    query = parts.query
    if query:
        pieces = []
        for piece in query.split("&"):
            name, eq, value = piece.partition("=")
            if eq and secret_name(name) and not is_reference_only(put_back(value, refs)):
                piece = f"{name}={MASK}"
            pieces.append(piece)
        query = "&".join(pieces)
    shown = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return put_back(shown, refs)


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
            found = self.value(name)
            encoded = quote(found, safe="") if in_url else found
            if any(c in encoded for c in "\r\n\0"):
                raise SourceError(f"the environment variable {name} holds a line break.")
            return encoded

        return ENV_REF.sub(value, text)

    def value(self, name: str) -> str:
        """The value of the environment variable ``name``, remembered for scrubbing."""
        found = self._environ.get(name)
        if found is None or found == "":
            raise SourceError(
                f"the environment variable {name} is not set; set it (in CI, from the "
                "secret store) or remove the reference."
            )
        self.remember(found)
        return found

    def remember(self, secret: str) -> None:
        """Scrub ``secret`` (and the ways a library may spell it) from every message."""
        with self._lock:
            self._values.update(spellings(secret))

    def scrub(self, text: str) -> str:
        """``text`` with every remembered secret masked: in any letter case, percent-encoded
        (either case of the escapes), as punycode, and cut short (a run of at least
        PREFIX characters of one); credentials in any URL it quotes masked too."""
        with self._lock:
            values = sorted((v for v in self._values if v), key=len, reverse=True)
        return _USERINFO.sub(r"\1" + MASK + "@", scrubbed(text, values))

    def scrub_environment(self, text: str) -> str:
        """``text`` scrubbed of every environment variable's value too (but the plainly
        public ones): what a command prints may hold any secret of the environment it ran
        in, not only the ones a source named."""
        values: set[str] = set()
        for name, value in self._environ.items():
            if len(value) >= MIN_ENV_SECRET and name not in _PUBLIC and not name.startswith("LC_"):
                values |= spellings(value)
        return self.scrub(scrubbed(text, sorted(values, key=len, reverse=True)))


MIN_ENV_SECRET = 6  # shorter environment values are not taken for secrets in command output
_PUBLIC = frozenset(
    {"PATH", "HOME", "PWD", "OLDPWD", "SHELL", "USER", "LOGNAME", "LANG", "LANGUAGE", "TERM"}
    | {"SHLVL", "HOSTNAME", "TMPDIR", "TZ", "_", "VIRTUAL_ENV", "PYTHONPATH", "MAIL", "EDITOR"}
)
PREFIX = 8  # a secret's first characters that count as the secret (names get cut short)
_USERINFO = re.compile(r"(://[^/\s:@]*:)[^/\s@]*@")


def spellings(secret: str) -> set[str]:
    """The ways ``secret`` may come back in a library's message: as is, percent-encoded
    (all or all but ``/``), and each dot-separated label as IDNA punycode."""
    out = {secret, quote(secret, safe=""), quote(secret)}
    labels = []
    for label in secret.split("."):
        try:
            puny = label.encode("punycode").decode("ascii")
        except (UnicodeError, ValueError):
            puny = label
        labels.append(label if label.isascii() else "xn--" + puny)
    out.add(".".join(labels))
    return {s for s in out if s}


def _fold(text: str) -> str:
    """``text`` lowercased letter by letter (so positions match the original)."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def scrubbed(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` masked wherever it, or a run of at least PREFIX of
    its first characters, occurs in any letter case."""
    for secret in secrets:
        folded, want = _fold(text), _fold(secret)
        head = want[:PREFIX] if len(want) > PREFIX else want
        if not head:
            continue
        pieces: list[str] = []
        at = 0
        start = folded.find(head)
        while start != -1:
            end = start + len(head)
            limit = min(len(folded), start + len(want))
            while end < limit and folded[end] == want[end - start]:
                end += 1
            pieces += [text[at:start], MASK]
            at = end
            start = folded.find(head, end)
        if pieces:
            text = "".join(pieces) + text[at:]
    return text
