"""One number out of what a source gave: anything else is an error for that key result."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from okrcli.edit.checkin import number_text
from okrcli.sync.secrets import SourceError

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def number(value: Any, *, text_ok: bool, what: str) -> str:
    """``value`` as number text for the check-in (``42``, ``31.5``). Text is taken only when
    ``text_ok`` (a CSV cell, a command's output, a JSON string such as Prometheus answers)
    and only when it is a plain number; NaN, infinity, true/false, lists and the like are
    refused with a sentence saying what came instead."""
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
                f"{what} gave the text {_shown(value)}, not a number; make it a number "
                "(CAST(... AS REAL) in SQL)."
            )
        if not _PLAIN.match(cleaned):
            raise SourceError(f"{what} gave {_shown(value)}, not a number.")
        return number_text(cleaned)
    if isinstance(value, list | tuple):
        raise SourceError(f"{what} gave a list of {len(value)}, not one number.")
    if isinstance(value, dict):
        raise SourceError(f"{what} gave an object, not one number.")
    raise SourceError(f"{what} gave a {type(value).__name__}, not a number.")
