"""What rules see: the repository, their options, the word lists and lookups across files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from okrcli.load.files import OkrDoc
from okrcli.load.repo import Repository
from okrcli.model.okr import KeyResult, Objective
from okrcli.model.org import Unit
from okrcli.wording.lexicon import Lexicon

if TYPE_CHECKING:
    from okrcli.history.source import Moment

OptionsT = TypeVar("OptionsT", bound=BaseModel)


@dataclass
class Context:
    """Shared, lazily built lookups; rules never load files themselves."""

    repo: Repository
    options: dict[str, BaseModel] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=Lexicon)
    moment: Moment | None = None  # the repository's history, for the history rules

    _defaults: dict[type[BaseModel], BaseModel] = field(default_factory=dict, repr=False)
    # unknown unit id -> the unit most like it (unknown-unit's hints, found once per id)
    close_units: dict[str, str | None] = field(default_factory=dict, repr=False)

    def opts(self, code: str, kind: type[OptionsT]) -> OptionsT:
        """The rule's options from okr.yaml, else its defaults (made once: rules ask for
        them on every file)."""
        value = self.options.get(code)
        if isinstance(value, kind):
            return value
        default = self._defaults.get(kind)
        if not isinstance(default, kind):
            default = self._defaults[kind] = kind()
        return default

    @cached_property
    def units(self) -> dict[str, Unit]:
        return {u.id: u for u in self.repo.org.units} if self.repo.org else {}

    @cached_property
    def themes(self) -> set[str]:
        return {t.id for t in self.repo.org.strategy} if self.repo.org else set()

    @cached_property
    def valid_docs(self) -> list[OkrDoc]:
        """OKR files that parsed and fit the schema."""
        return [d for d in self.repo.docs if d.model is not None]

    @cached_property
    def by_quarter(self) -> dict[str, list[OkrDoc]]:
        out: dict[str, list[OkrDoc]] = {}
        for d in self.valid_docs:
            assert d.model is not None
            out.setdefault(d.model.period, []).append(d)
        return out

    @cached_property
    def unit_docs(self) -> dict[tuple[str, str], list[OkrDoc]]:
        """(quarter, unit) -> the files that claim it (more than one is a mistake)."""
        out: dict[tuple[str, str], list[OkrDoc]] = {}
        for d in self.valid_docs:
            assert d.model is not None
            out.setdefault((d.model.period, d.model.unit), []).append(d)
        return out

    @cached_property
    def shared_to(self) -> dict[tuple[str, str], list[str]]:
        """Format 1.2: (period, unit) -> the objectives ('owner/objective') other units' files
        share with that unit (``shared_with``), which count as its own."""
        out: dict[tuple[str, str], list[str]] = {}
        for d in self.valid_docs:
            assert d.model is not None
            for o in d.model.objectives:
                for unit in dict.fromkeys(o.shared_with):
                    if unit != d.model.unit:
                        key = (d.model.period, unit)
                        out.setdefault(key, []).append(f"{d.model.unit}/{o.id}")
        return out

    @cached_property
    def objectives(self) -> dict[tuple[str, str], tuple[OkrDoc, int, Objective]]:
        """(quarter, 'unit/objective') -> where that objective is."""
        out: dict[tuple[str, str], tuple[OkrDoc, int, Objective]] = {}
        for d in self.valid_docs:
            assert d.model is not None
            for i, o in enumerate(d.model.objectives):
                out.setdefault((d.model.period, f"{d.model.unit}/{o.id}"), (d, i, o))
        return out

    @cached_property
    def key_results(self) -> dict[tuple[str, str], tuple[OkrDoc, int, int, KeyResult]]:
        """(quarter, 'unit/objective/kr') -> where that key result is."""
        out: dict[tuple[str, str], tuple[OkrDoc, int, int, KeyResult]] = {}
        for d in self.valid_docs:
            assert d.model is not None
            for i, o in enumerate(d.model.objectives):
                for j, k in enumerate(o.key_results):
                    ref = f"{d.model.unit}/{o.id}/{k.id}"
                    out.setdefault((d.model.period, ref), (d, i, j, k))
        return out
