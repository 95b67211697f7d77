"""Repository configuration: ``okr.yaml``. Every key has a default."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from okrcli.model.common import STRICT, Slug
from okrcli.model.source import Connection

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
        description="Edits to the heuristic rules' word lists; `okr rules --words` lists them.",
    )


class Bands(BaseModel):
    """Score bands: below ``stretch`` the target was missed, above ``over`` over-achieved."""

    model_config = STRICT

    stretch: Annotated[float, Field(ge=0, le=1, strict=False)] = 0.6
    over: Annotated[float, Field(ge=0, le=1, strict=False)] = 0.8

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if self.stretch > self.over:
            raise ValueError("scoring.bands.stretch must not be above scoring.bands.over")
        return self


class ScoringConfig(BaseModel):
    """How key results, objectives and units are scored."""

    model_config = STRICT

    bands: Bands = Field(default_factory=Bands)


class Config(BaseModel):
    """The whole of ``okr.yaml``."""

    model_config = STRICT

    okrs_dir: Annotated[str, Field(min_length=1)] = "okrs"
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 1
    lint: LintConfig = Field(default_factory=LintConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    sources: dict[Slug, Connection] = Field(
        default_factory=dict,
        description="Named database connections for sql sources (`okr sync`).",
    )
