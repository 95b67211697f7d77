"""Quarters such as ``2026-Q4`` and the dates they span."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# years 1000 to 9998: four digits, and every date of the quarter and the one after it exists
QUARTER_RE = re.compile(r"^((?!9999)[1-9]\d{3})-Q([1-4])$")
QUARTER_FORM = "YYYY-Qn, like 2026-Q4 (a year from 1000 to 9998)"
_NEAR_QUARTER = re.compile(r"^\s*([1-9]\d{3})-?[Qq](\d+)\s*$")


def quarter_hint(text: str) -> str | None:
    """What to say of a quarter written nearly right: ``2026-Q5`` that quarters are Q1 to
    Q4, ``2026-q4`` how it is spelled; None for anything else."""
    m = _NEAR_QUARTER.match(text)
    if m is not None:
        year, number = int(m.group(1)), int(m.group(2))
        if not 1 <= number <= 4:
            after = f" (the quarter after {year}-Q4 is {year + 1}-Q1)" if number == 5 else ""
            return f"a year has four quarters, Q1 to Q4; write {year}-Q1 to {year}-Q4{after}"
        if QUARTER_RE.match(f"{year}-Q{number}"):
            return f"write it as {year}-Q{number}"
    return None


def quarter_advice(text: str) -> str:
    """How to write a quarter the user wrote wrong (see :func:`quarter_hint`), else the form."""
    return quarter_hint(text) or f"write the quarter as {QUARTER_FORM}"


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A fiscal quarter; with a fiscal year starting in January it is a calendar quarter."""

    year: int
    number: int
    start_month: int = 1

    @classmethod
    def parse(cls, text: str, start_month: int = 1) -> Quarter | None:
        """``2026-Q4`` -> Quarter(2026, 4); None when ``text`` is not of that form."""
        m = QUARTER_RE.match(text)
        if m is None:
            return None
        return cls(int(m.group(1)), int(m.group(2)), start_month)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def word(self) -> str:
        """What the period is called in a sentence."""
        return "quarter"

    @property
    def start(self) -> date:
        """The first day. Fiscal year N starts in ``start_month`` of calendar year N (or N-1
        when the fiscal year starts after January, as FY2027 starting in October 2026)."""
        months = (self.start_month - 1) + (self.number - 1) * 3
        year = self.year - (1 if self.start_month > 1 else 0) + months // 12
        return date(year, months % 12 + 1, 1)

    @property
    def end(self) -> date:
        """The last day."""
        nxt = self.next().start
        return date.fromordinal(nxt.toordinal() - 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1, self.start_month)
        return Quarter(self.year, self.number + 1, self.start_month)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4, self.start_month)
        return Quarter(self.year, self.number - 1, self.start_month)

    @classmethod
    def containing(cls, day: date, start_month: int = 1) -> Quarter:
        """The quarter a day falls in."""
        offset = (day.month - start_month) % 12
        fiscal_year = day.year + (1 if start_month > 1 and day.month >= start_month else 0)
        return cls(fiscal_year, offset // 3 + 1, start_month)


# format 1.2: a fiscal year (``2026``) or a span of fiscal years (``2026-2028``)
YEAR_RE = re.compile(r"^((?!9999)[1-9]\d{3})$")
YEARS_RE = re.compile(r"^((?!9999)[1-9]\d{3})-((?!9999)[1-9]\d{3})$")
YEAR_FORM = "YYYY, like 2026 (a year from 1000 to 9998)"
YEARS_FORM = "YYYY-YYYY, like 2026-2028 (the first year before the last)"
PERIOD_FORM = f"{QUARTER_FORM}, a year {YEAR_FORM}, or years {YEARS_FORM}"


@dataclass(frozen=True, order=True, slots=True)
class Years:
    """A fiscal year (``first == last``) or a span of fiscal years: the quarters
    ``first-Q1`` to ``last-Q4`` (fiscal quarters when the fiscal year starts after January)."""

    first: int
    last: int
    start_month: int = 1

    @classmethod
    def parse(cls, text: str, start_month: int = 1) -> Years | None:
        """``2026`` -> Years(2026, 2026); ``2026-2028`` -> Years(2026, 2028); else None."""
        m = YEAR_RE.match(text)
        if m is not None:
            return cls(int(m.group(1)), int(m.group(1)), start_month)
        m = YEARS_RE.match(text)
        if m is not None and int(m.group(1)) < int(m.group(2)):
            return cls(int(m.group(1)), int(m.group(2)), start_month)
        return None

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def annual(self) -> bool:
        return self.first == self.last

    @property
    def word(self) -> str:
        """What the period is called in a sentence: year, or period for a span of years."""
        return "year" if self.annual else "period"

    @property
    def kind(self) -> str:
        """The field an OKR file of this period names it with: year or years."""
        return "year" if self.annual else "years"

    @property
    def start(self) -> date:
        return Quarter(self.first, 1, self.start_month).start

    @property
    def end(self) -> date:
        return Quarter(self.last, 4, self.start_month).end

    def next(self) -> Years:
        """The period of the same length right after this one."""
        n = self.last - self.first + 1
        return Years(self.first + n, self.last + n, self.start_month)

    def previous(self) -> Years:
        n = self.last - self.first + 1
        return Years(self.first - n, self.last - n, self.start_month)


Period = Quarter | Years


def parse_period(text: str, start_month: int = 1) -> Period | None:
    """A quarter, a year or a span of years written as its folder is named; else None."""
    return Quarter.parse(text, start_month) or Years.parse(text, start_month)


def encloses(outer: Period, inner: Period) -> bool:
    """Whether ``outer`` is a longer period holding ``inner``: a year or span holding a
    quarter, or a span holding a year (a period never encloses itself)."""
    if not isinstance(outer, Years):
        return False
    if isinstance(inner, Quarter):
        return outer.first <= inner.year <= outer.last
    return (outer.first, outer.last) != (inner.first, inner.last) and (
        outer.first <= inner.first and inner.last <= outer.last
    )
