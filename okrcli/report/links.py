"""Links into the repository's web pages (files at a line, commits), when its web address
is known: given with ``--repo-url``, or worked out from the ``origin`` remote.

Only plain ``https://host/owner/name`` addresses are used; anything else (credentials in the
remote, odd characters) gives no links rather than a wrong or unsafe one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from okrcli.history.git import Git

_SCP = re.compile(r"^(?:[\w.-]+@)?([\w.-]+\.[a-z]{2,}):/?([\w.-]+(?:/[\w.-]+)+)/?$")
_URL = re.compile(
    r"^(?:https?|ssh|git)://(?:[^/@]+@)?([\w.-]+\.[a-z]{2,})(?::\d+)?/([\w.-]+(?:/[\w.-]+)+?)(?:\.git)?/?$"
)


def web_address(remote: str) -> str:
    """``https://host/owner/name`` for a git remote's URL (https, ssh or scp-like), or ""
    when it is none of those."""
    remote = remote.strip()
    for pattern in (_URL, _SCP):
        m = pattern.match(remote)
        if m:
            host, path = m.group(1).lower(), m.group(2).removesuffix(".git")
            return f"https://{host}/{path}"
    return ""


def checked(address: str) -> str:
    """A web address the user gave, if it is a plain http(s) one (no spaces, quotes,
    brackets or credentials); else ""."""
    address = address.strip().rstrip("/")
    if re.fullmatch(r"https?://[\w.-]+(?::\d+)?(?:/[\w.~%-]+)*", address):
        return address
    return ""


def from_remote(git: Git | None) -> str:
    if git is None:
        return ""
    url = git._run("remote", "get-url", "origin", check=False)
    return web_address(url) if url else ""


@dataclass(frozen=True, slots=True)
class Links:
    """Builds the links; every method gives "" when the address is unknown."""

    base: str = ""
    rev: str = "HEAD"

    def file(self, path: str, line: int | None = None) -> str:
        if not self.base or not path:
            return ""
        anchor = f"#L{line}" if line else ""
        return f"{self.base}/blob/{quote(self.rev)}/{quote(path)}{anchor}"

    def commit(self, sha: str) -> str:
        if not self.base or not re.fullmatch(r"[0-9a-f]{4,64}", sha):
            return ""
        return f"{self.base}/commit/{sha}"
