"""What a rule is: code, name, severity, rationale, options, examples, and a check."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from okrcli.lint.facts import Facts
from okrcli.load.yamlsafe import Path, Span
from okrcli.rules import load_all

if TYPE_CHECKING:
    from okrcli.load.files import OkrDoc
    from okrcli.rules.context import Context

Severity = Literal["error", "warning", "info"]
Scope = Literal["load", "file", "repo", "history"]

EXAMPLE_PATH = "okrs/2026-Q4/checkout.yaml"


class NoOptions(BaseModel):
    """This rule has no options."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class HintOptions(BaseModel):
    """hints: also report weaker readings, as info (false turns them off)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    hints: bool = True


@dataclass(frozen=True, slots=True)
class Example:
    """A small repository that shows the rule: ``text`` is the file shown and checked at
    ``path``; ``others`` are more files (another unit's OKRs, an org.yaml) it needs.

    For the history rules, ``history`` lists the versions of the file as committed, as
    (date, text) pairs, oldest first (``text`` is the last), and ``at`` the day it is
    judged on."""

    text: str
    path: str = EXAMPLE_PATH
    others: dict[str, str] = field(default_factory=dict)
    history: tuple[tuple[str, str], ...] = ()
    at: str | None = None


FactValue = str | int | float | None


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's verdict on one place in one file; the engine adds code, name and severity.
    ``facts`` is what the message says, as data: an instance of the rule's ``facts`` class."""

    rel: str
    span: Span
    message: str
    hint: bool = False  # a weak reading: reported as info whatever the rule's severity
    facts: Facts | None = None


_REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base class: subclasses declare their metadata as class attributes and their
    documentation as their docstring (the first paragraph is the rationale shown by
    ``okr rule``)."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    guidance: ClassVar[str] = ""
    scope: ClassVar[Scope] = "file"
    Options: ClassVar[type[BaseModel]] = NoOptions
    # the class of the facts its findings carry (okrcli/lint/facts.py); None: no facts
    facts: ClassVar[type[Facts] | None] = None
    bad: ClassVar[tuple[Example, ...]] = ()
    good: ClassVar[tuple[Example, ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:
            return
        if code in _REGISTRY:
            raise RuntimeError(f"rule code {code} is declared twice")
        _REGISTRY[code] = cls

    @classmethod
    def rationale(cls) -> str:
        return (cls.__doc__ or "").strip()

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        """Findings in one OKR file (scope ``file``)."""
        return iter(())

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        """Findings across the repository (scope ``repo`` and ``history``)."""
        return iter(())

    # helpers for subclasses
    @staticmethod
    def at(
        doc: OkrDoc,
        path: Path,
        message: str,
        *,
        key: bool = False,
        hint: bool = False,
        facts: Facts | None = None,
    ) -> Finding:
        assert doc.parsed is not None
        span = doc.parsed.key_span(path) if key else doc.parsed.span(path)
        return Finding(doc.rel, span, message, hint, facts)


def registry() -> dict[str, type[Rule]]:
    """Every rule, by code, in code order. Rule modules register themselves on import."""
    load_all()
    return dict(sorted(_REGISTRY.items()))


EXAMPLE_ORG = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: commerce, name: Commerce, level: business-unit, parent: acme}
  - {id: checkout, name: Checkout, level: team, parent: commerce}
  - {id: search, name: Search, level: team, parent: commerce}
  - {id: payments, name: Payments, level: team, parent: commerce, role: platform}
strategy:
  - {id: retention, title: Grow the lifetime value of the customers we have}
"""

GOOD_FILE = """\
unit: checkout
quarter: 2026-Q4
objectives:
  - id: effortless-checkout
    title: Make checkout effortless for returning customers
    aligns_to: [strategy/retention]
    key_results:
      - id: conversion
        title: Raise checkout conversion of returning customers
        baseline: 30
        target: 34
      - id: repeat-time
        title: Cut median time to complete a repeat order
        baseline: 95
        target: 60
      - id: payment-errors
        title: Lower the share of checkouts that fail with a payment error
        baseline: 2.4
        target: 1.0
"""


def variant(old: str, new: str, base: str = GOOD_FILE) -> str:
    """GOOD_FILE with one piece replaced: how most rule examples are written."""
    if old not in base:
        raise ValueError(f"example text not found: {old!r}")
    return base.replace(old, new, 1)
