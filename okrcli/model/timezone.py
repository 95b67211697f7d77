"""okr.yaml's ``timezone``: an IANA name, looked up once in the system's time zone data."""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# an IANA name: letters, digits, _ + - in parts separated by one slash; never a path
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]{0,29}(/[A-Za-z0-9_+-]{1,30}){0,2}$")


@lru_cache(maxsize=16)
def zone_named(name: str) -> tzinfo | None:
    """The time zone ``name`` names, or None when it is none this system knows."""
    if name == "UTC":
        return UTC
    if not _ZONE_NAME.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
