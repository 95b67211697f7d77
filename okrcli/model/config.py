"""Repository configuration: ``okr.yaml``. Every key has a default."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from okrcli.model.common import STRICT, Slug
from okrcli.model.source import Connection
from okrcli.model.timezone import zone_named

Severity = Literal["error", "warning", "info"]
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
        ``grace_days`` (14 unless okr.yaml sets it), so the score and the rule agree."""
        for key in ("OKR402", "moved-goalpost"):
            days = self.lint.rules.get(key, {}).get("grace_days")
            if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
                return days
        return 14
