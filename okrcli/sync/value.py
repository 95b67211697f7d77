"""One number out of what a source gave: anything else is an error for that key result."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from okrcli.edit.checkin import number_text
from okrcli.errors import OkrError
from okrcli.load.yamlsafe import EXACT_DIGITS, MAX_DIGITS
from okrcli.sync.secrets import SourceError

MAX_TEXT = 2 * MAX_DIGITS + 10  # characters of a number's text (sign, point, exponent)

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


def _checked_in(text: str, what: str) -> str:
    """``text`` (a plain number) as the check-in writes it; a number too long to hold is
    said by its length, never quoted."""
    if len(text) > MAX_TEXT:
        raise SourceError(
            f"{what} gave a number of {len(text):,} characters; an OKR file holds at most "
            f"{MAX_DIGITS} digits."
        )
    try:
        return number_text(text)
    except OkrError:
        whole = text.lstrip("+-").split(".")[0].split("e")[0].split("E")[0]
        if len(whole) < MAX_DIGITS and "e" not in text.lower():
            raise SourceError(
                f"{what} gave a number with a fraction of more significant digits than okr "
                f"keeps exactly ({EXACT_DIGITS}); round it in the source, or use a smaller "
                "unit to write it whole."
            ) from None
        raise SourceError(
            f"{what} gave a number of {len(text)} characters, more digits than an OKR file "
            f"may hold ({MAX_DIGITS}); use a larger or smaller unit."
        ) from None


def number(value: Any, *, text_ok: bool, what: str) -> str:
    """``value`` as number text for the check-in (``42``, ``31.5``). Text is taken only when
    ``text_ok`` (a CSV cell, a command's output, a JSON string such as Prometheus answers)
    and only when it is a plain number; NaN, infinity, true/false, lists and the like are
    refused with a sentence saying what came instead (never the text itself)."""
    if isinstance(value, bool) or value is None:
        shown = "nothing" if value is None else str(value).lower()
        raise SourceError(f"{what} gave {shown}, not a number.")
    if isinstance(value, int):
        if value.bit_length() > 4 * MAX_TEXT:  # before it is written out in digits
            raise SourceError(f"{what} gave a number longer than {MAX_DIGITS} digits.")
        return _checked_in(str(value), what)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SourceError(f"{what} gave {value}, not a finite number.")
        return _checked_in(repr(value), what)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise SourceError(f"{what} gave {value}, not a finite number.")
        if abs(value.adjusted()) >= MAX_DIGITS or len(value.as_tuple().digits) > MAX_TEXT:
            raise SourceError(f"{what} gave a number longer than {MAX_DIGITS} digits.")
        return _checked_in(str(value), what)
    if isinstance(value, str):
        cleaned = value.strip()
        if not text_ok:
            raise SourceError(
                f"{what} gave {_text(value)}; make it a number (CAST(... AS REAL) in SQL)."
            )
        if len(cleaned) > MAX_TEXT:
            raise SourceError(
                f"{what} gave text of {len(cleaned):,} characters; a number has at most "
                f"{MAX_DIGITS} digits."
            )
        if not _PLAIN.match(cleaned):
            raise SourceError(f"{what} gave {_text(value)}.")
        return _checked_in(cleaned, what)
    if isinstance(value, list | tuple):
        raise SourceError(f"{what} gave a list of {len(value)}, not one number.")
    if isinstance(value, dict):
        raise SourceError(f"{what} gave an object, not one number.")
    raise SourceError(f"{what} gave a {type(value).__name__}, not a number.")
