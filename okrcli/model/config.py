"""Repository configuration: ``okr.yaml``. Every key has a default."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from okrcli.errors import OkrError
from okrcli.model.common import STRICT, Slug
from okrcli.model.source import Connection
from okrcli.model.timezone import zone_named

Severity = Literal["error", "warning", "info"]
OptionsT = TypeVar("OptionsT", bound=BaseModel)
RuleRef = Annotated[
    str,
    Field(
        min_length=1,
        description="A rule code (OKR204), a code prefix (OKR2), a rule name (vanity-kr) or ALL.",
    ),
]


class WordEdit(BaseModel):
    """Words to add to, or remove from, one of the heuristic rules' word lists."""

    model_config = STRICT

    add: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    remove: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)


class LintConfig(BaseModel):
    """How ``okr lint`` selects rules and how loud they are."""

    model_config = STRICT

    select: list[RuleRef] = Field(default_factory=lambda: ["ALL"])
    ignore: list[RuleRef] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Severity overrides, by rule code or name."
    )
    per_path_ignores: dict[str, list[RuleRef]] = Field(
        default_factory=dict,
        description="Glob (relative to the repository root) to the rules ignored there.",
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Rule options, by rule code or name; `okr rule CODE` lists each rule's.",
    )
    words: dict[str, WordEdit] = Field(
        default_factory=dict,
        description=(
            "Edits to the heuristic rules' word lists, by list name; "
            "`okr rule CODE` shows the lists a rule reads."
        ),
    )

    def rule_options(self, code: str, name: str) -> tuple[str, dict[str, Any]] | None:
        """The options okr.yaml gives one rule, with the key they are under (its code or
        its name, in any case), or None. ``okr lint`` and the score both read them here;
        the lint plan refuses two keys for one rule."""
        for ref, values in self.rules.items():
            if names_rule(ref, code, name):
                return ref, values
        return None


def names_rule(ref: str, code: str, name: str) -> bool:
    """Whether the key ``ref`` (of ``lint.rules``, ``lint.severity``...) names the rule
    ``code``/``name``: its code or its name in any case, as ``okr lint`` reads it."""
    ref = ref.strip()
    return ref.upper() == code or ref.lower() == name


class MovedGoalpostOptions(BaseModel):
    """How many days into the quarter baselines and targets may still be settled."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    grace_days: int = Field(default=14, ge=0)


# OKR402's code and name: its grace days are also when the score's agreed target is taken
MOVED_GOALPOST = ("OKR402", "moved-goalpost")


class _Ordered(BaseModel):
    """Two thresholds of ``scoring.<section>`` where ``low`` must not be above ``high``."""

    section: ClassVar[str]
    low: ClassVar[str]
    high: ClassVar[str]

    @model_validator(mode="after")
    def _ordered(self) -> _Ordered:
        if getattr(self, self.low) > getattr(self, self.high):
            raise ValueError(
                f"scoring.{self.section}.{self.low} must not be above "
                f"scoring.{self.section}.{self.high}"
            )
        return self


class Bands(_Ordered):
    """Score bands: below ``stretch`` the target was missed, above ``over`` over-achieved."""

    model_config = STRICT
    section, low, high = "bands", "stretch", "over"

    stretch: Annotated[float, Field(ge=0, le=1, strict=False)] = 0.6
    over: Annotated[float, Field(ge=0, le=1, strict=False)] = 0.8


class Pace(_Ordered):
    """Pace while a quarter runs: the expected score is the share of the quarter gone; a key
    result is on track at ``on_track`` of that or more, at risk at ``at_risk`` or more, else
    off track."""

    model_config = STRICT
    section, low, high = "pace", "at_risk", "on_track"

    on_track: Annotated[float, Field(gt=0, le=1, strict=False)] = 0.9
    at_risk: Annotated[float, Field(ge=0, le=1, strict=False)] = 0.6


class ScoringConfig(BaseModel):
    """How key results, objectives and units are scored."""

    model_config = STRICT

    bands: Bands = Field(default_factory=Bands)
    pace: Pace = Field(default_factory=Pace)
    targets: Literal["agreed", "current"] = Field(
        default="agreed",
        description="Score against the target agreed when the quarter's first days end (the "
        "grace days of OKR402, 14 by default), showing a later one beside it; or against the "
        "current target.",
    )
    close_days: Annotated[int, Field(ge=0, le=366)] = Field(
        default=14,
        description="Days after a quarter's last day that it still takes check-ins; after "
        "them it is closed: check-in and sync refuse it (unless --reopen), score and report "
        "use its values as of its closing day, and OKR404 reports a later change.",
    )


class Config(BaseModel):
    """The whole of ``okr.yaml``."""

    model_config = STRICT

    okrs_dir: Annotated[str, Field(min_length=1)] = "okrs"
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 1
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        default="UTC",
        description="The IANA time zone (like America/Los_Angeles) whose days okr counts: "
        "which day a commit belongs to, --at DAY, check-in days, staleness, quarter edges "
        "and the closing window.",
    )
    lint: LintConfig = Field(default_factory=LintConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    sources: dict[Slug, Connection] = Field(
        default_factory=dict,
        description="Named database connections for sql sources (`okr sync`).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        if zone_named(name) is None:
            raise ValueError(
                f"'{name}' is not a time zone okr knows; write an IANA name such as UTC, "
                "Europe/Berlin or America/Los_Angeles"
            )
        return name

    def agreed_after_days(self) -> int:
        """How many days into a quarter targets are still being agreed: OKR402's
        ``grace_days`` (14 unless okr.yaml sets it, under its code or name in any case),
        read and checked as ``okr lint`` reads it, so the score and the rule agree."""
        return self.moved_goalpost().grace_days

    def moved_goalpost(self) -> MovedGoalpostOptions:
        """OKR402's options, found and validated as the lint plan does (an invalid value is
        the same error there and here)."""
        found = self.lint.rule_options(*MOVED_GOALPOST)
        if found is None:
            return MovedGoalpostOptions()
        return rule_options_model(MovedGoalpostOptions, found, MOVED_GOALPOST[0])


def rule_options_model(
    kind: type[OptionsT], found: tuple[str, dict[str, Any]], code: str
) -> OptionsT:
    """A rule's options from okr.yaml (``found``: the key and its values) as its options
    model; an invalid value is an error naming the key and the option."""

    ref, values = found
    try:
        return kind.model_validate(values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        raise OkrError(
            f"okr.yaml: lint.rules.{ref}{'.' + where if where else ''}: {err['msg'].lower()}. "
            f"`okr rule {code}` lists its options."
        ) from None
