"""One number out of what a source gave: anything else is an error for that key result."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from okrcli.edit.checkin import number_text
from okrcli.sync.secrets import SourceError

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


_WITH_UNIT = re.compile(r"^[+-]?\d+(\.\d+)?\s?(%|ms|s|h|d)$")


def _text(value: str) -> str:
    """What to say of text that is not a number, without repeating it: what a source
    answers may be a token or a password, and messages end up in CI logs. A number with a
    unit (``30%``) is shown, with the fix."""
    cleaned = value.strip()
    if _WITH_UNIT.match(cleaned):
        return f"'{cleaned}', a number with a unit; give the number alone"
    return f"text of {len(cleaned)} characters, not a number"


def number(value: Any, *, text_ok: bool, what: str) -> str:
    """``value`` as number text for the check-in (``42``, ``31.5``). Text is taken only when
    ``text_ok`` (a CSV cell, a command's output, a JSON string such as Prometheus answers)
    and only when it is a plain number; NaN, infinity, true/false, lists and the like are
    refused with a sentence saying what came instead (never the text itself)."""
    if isinstance(value, bool) or value is None:
        shown = "nothing" if value is None else str(value).lower()
        raise SourceError(f"{what} gave {shown}, not a number.")
    if isinstance(value, int):
        return number_text(str(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SourceError(f"{what} gave {value}, not a finite number.")
        return number_text(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise SourceError(f"{what} gave {value}, not a finite number.")
        return number_text(str(value))
    if isinstance(value, str):
        cleaned = value.strip()
        if not text_ok:
            raise SourceError(
                f"{what} gave {_text(value)}; make it a number (CAST(... AS REAL) in SQL)."
            )
        if not _PLAIN.match(cleaned):
            raise SourceError(f"{what} gave {_text(value)}.")
        return number_text(cleaned)
    if isinstance(value, list | tuple):
        raise SourceError(f"{what} gave a list of {len(value)}, not one number.")
    if isinstance(value, dict):
        raise SourceError(f"{what} gave an object, not one number.")
    raise SourceError(f"{what} gave a {type(value).__name__}, not a number.")
