"""What a finding says, as data: each rule declares the typed facts its findings carry.

The message is for people; the facts are for programs. ``okr lint --format json`` writes
them as each finding's ``facts`` object, SARIF as each result's ``properties.facts``, and the
report and ``okr diff`` read them: nothing parses a message, so rewording one changes no
table. Facts are frozen dataclasses (light to import: the report's own process unpickles
them without loading a rule). In JSON, days are ISO dates (``2026-11-20``), numbers are
JSON numbers as written in the YAML (``34``, ``2.4``), an absent value is ``null`` and a
list is a JSON list.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Literal

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]
Number = float | int


def _plain(value: object) -> JSONValue:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    raise TypeError(f"a fact cannot be {type(value).__name__}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Base class of every rule's facts: a frozen dataclass of plain values (str, int,
    float, bool, date, None and tuples of them)."""

    def as_json(self) -> dict[str, JSONValue]:
        """The facts as a JSON object, fields in declaration order."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


# -- file level (OKR0xx) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownUnitFacts(Facts):
    """OKR003: the file's unit; whether org.yaml lists it; the file's name; the closest
    unit of org.yaml when it does not."""

    unit: str
    known: bool
    file_name: str
    closest: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BadQuarterFacts(Facts):
    """OKR004: the quarter the file says, whether it is well formed, and its folder."""

    quarter: str
    well_formed: bool
    folder: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateIdFacts(Facts):
    """OKR005: the repeated id, what it names, and where the first one is (an objective's
    id, another file, or none in org.yaml)."""

    id: str
    kind: Literal["objective", "key result", "unit file", "unit", "strategy theme"]
    first: str | None = None


ReferenceProblem = Literal[
    "unknown theme",
    "unknown unit",
    "no OKRs",
    "unknown objective",
    "unknown key result",
    "own unit",
    "not enclosing",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class BrokenReferenceFacts(Facts):
    """OKR006: the reference as written, the field holding it, what is wrong, and the
    closest existing ids (whole references, best first; empty when none is close)."""

    reference: str
    field: Literal["aligns_to", "depends_on"]
    problem: ReferenceProblem
    closest: tuple[str, ...] = ()


SharingProblem = Literal["unknown unit", "own unit", "not sharing"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BadSharingFacts(Facts):
    """OKR008: the objective ('unit/objective'), the field (shared_with, owner), the unit it
    names, what is wrong with it, and the key result whose owner it is (null for
    shared_with)."""

    objective: str
    field: Literal["shared_with", "owner"]
    unit: str
    problem: SharingProblem
    key_result: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnusedSuppressionFacts(Facts):
    """OKR007: the rule the comment names (its code, or the reference as written when it
    names no rule) and whether it is a rule at all."""

    rule: str
    known: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFacts(Facts):
    """OKR011-OKR013: the key result whose source it is ('unit/objective/kr'), or the
    okr.yaml connection, and the field at fault (dotted, relative to the source)."""

    key_result: str | None = None
    connection: str | None = None
    field: str = ""


# -- objectives (OKR1xx) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TooManyObjectivesFacts(Facts):
    """OKR101: the unit, its level, how many objectives it has and the most allowed."""

    unit: str
    level: str
    count: int
    limit: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveFacts(Facts):
    """OKR102-OKR106: the objective ('unit/objective') and whether the reading is a weak
    one (reported as info)."""

    objective: str
    weak: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class LaggingOnlyFacts(Facts):
    """OKR107: the objective ('unit/objective') whose key results are all declared lagging,
    and how many there are."""

    objective: str
    key_results: int


# -- key results (OKR2xx) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class KrCountFacts(Facts):
    """OKR201: the objective, how many key results it has, and the range allowed."""

    objective: str
    count: int
    min: int
    max: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineTargetFacts(Facts):
    """OKR202: the key result, what is wrong (missing values, a target equal to the
    baseline, a target against the declared direction, or turned round since last quarter),
    the missing fields, and the values it has."""

    key_result: str
    problem: Literal["missing", "equal", "against direction", "turned"]
    missing: tuple[str, ...] = ()
    baseline: Number | None = None
    target: Number | None = None
    direction: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BinaryKrFacts(Facts):
    """OKR203: the key result and why it reads as done/not-done: binary without a
    confidence, a 0 to 1 target, or a title that reads as a deliverable (weak: info)."""

    key_result: str
    problem: Literal["no confidence", "zero to one", "deliverable"]
    weak: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class KrFacts(Facts):
    """OKR204, OKR205: the key result and whether the reading is a weak one (info)."""

    key_result: str
    weak: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedCoverageFacts(Facts):
    """OKR207: the shared objective ('unit/objective'), its sharing units (the file's first)
    and those no key result is owned by."""

    objective: str
    units: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateKrFacts(Facts):
    """OKR206: the key result, the earlier one it repeats, and the metric both name (or
    null when the titles are alike)."""

    key_result: str
    other: str
    metric: str | None = None


# -- cascade (OKR3xx) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictingKrsFacts(Facts):
    """OKR301: the key result, the metric, its direction (up or down), the quarter, the
    first few key results pushing the other way and how many do in all."""

    key_result: str
    metric: str
    direction: Literal["up", "down"]
    quarter: str
    others: tuple[str, ...]
    others_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SummedCascadeFacts(Facts):
    """OKR302: the parent key result, its metric and target, and the children whose
    targets add up to it."""

    key_result: str
    metric: str
    target: Number
    children: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UncoveredParentFacts(Facts):
    """OKR303: the objective nobody aligns to, or (key_result set) the key result of an
    objective others align to that nobody took up; and the quarter."""

    objective: str
    quarter: str
    key_result: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DependencyFacts(Facts):
    """OKR304: the dependent objective, the unit it depends on, that unit's role, and
    whether that unit has OKRs in the quarter at all."""

    objective: str
    unit: str
    role: str
    has_okrs: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentMixFacts(Facts):
    """OKR305: the quarter, committed and all objectives, the share committed, and the
    share aimed for with its tolerance (shares from 0 to 1)."""

    quarter: str
    committed: int
    objectives: int
    share: float
    aim: float
    tolerance: float


# -- history (OKR4xx) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleKrFacts(Facts):
    """OKR401: the key result ('unit/objective/kr'), the day of its last check-in (null:
    never), the day its file was written, how many days before ``on`` the clock started,
    the day judged, and the most days allowed."""

    key_result: str
    last_checkin: date | None
    written: date
    days: int
    on: date
    limit: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MovedGoalpostFacts(Facts):
    """OKR402: the key result, the field moved (baseline or target), its old and new
    value, the day, the commit and its author (null for uncommitted changes), whether the
    move made the key result easier (true), harder (false) or cannot tell (null), how
    many such changes there were, and the grace days."""

    key_result: str
    field: Literal["baseline", "target"]
    old: Number | None
    new: Number | None
    day: date
    commit: str | None
    who: str | None
    easier: bool | None
    changes: int
    grace_days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangedAfterCloseFacts(Facts):
    """OKR404: the key result, the field changed after its quarter closed, its old and new
    value, the day of the change, the commit and its author (null for uncommitted changes),
    the quarter, the day it closed, and how many such changes there were."""

    key_result: str
    field: Literal["baseline", "target", "current", "confidence"]
    old: Number | None
    new: Number | None
    day: date
    commit: str | None
    who: str | None
    quarter: str
    closed_on: date
    changes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SandbaggingFacts(Facts):
    """OKR403: the unit, the score above which a quarter counts, and the quarters of the
    run with their scores (0 to 1)."""

    unit: str
    over: float
    quarters: tuple[str, ...]
    scores: tuple[float, ...]
