"""One unit's OKRs for one quarter: ``okrs/<quarter>/<unit>.yaml``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    model_validator,
)

from okrcli.model.common import STRICT, Number, Slug, Text
from okrcli.model.source import MetricSource


def _calendar_day(value: str) -> str:
    """A YYYY-MM-DD that is a day of the calendar (2026-02-30 is not)."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar; write the real date") from None
    return value


class Direction(StrEnum):
    """Which way a key result's metric should move."""

    INCREASE = "increase"
    DECREASE = "decrease"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"


Reference = Annotated[
    str,
    Field(
        pattern=r"^(strategy/[a-z0-9][a-z0-9-]*|[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*"
        r"(/[a-z0-9][a-z0-9-]*)?(@[0-9]{4}(-[0-9]{4}|-Q[1-4])?)?)$",
        description="<unit>/<objective-id>, <unit>/<objective-id>/<kr-id> or strategy/<theme>; "
        "@<period> names an enclosing period's objective (format 1.2), like "
        "acme/win-enterprise@2026.",
    ),
]


# the bounds sit on each number type, so pydantic-core checks them, not Python
Probability = Annotated[StrictInt, Field(ge=0, le=1)] | Annotated[StrictFloat, Field(ge=0, le=1)]


class KeyResult(BaseModel):
    """A measurable result that shows the objective is being reached."""

    model_config = STRICT

    id: Slug
    title: Text
    metric: Slug | None = Field(
        default=None, description="Id of the metric, shared across units that move it."
    )
    unit: Annotated[str, Field(max_length=32)] | None = Field(
        default=None, description="Display unit, such as % or ms."
    )
    baseline: Number | None = Field(
        default=None, description="Where the metric stands when the quarter starts."
    )
    target: Number | None = Field(default=None, description="Where the team aims to take it.")
    current: Number | None = Field(
        default=None, description="The latest check-in; absent means no check-in yet."
    )
    confidence: Probability | None = Field(
        default=None, description="Probability (0 to 1) of reaching the target."
    )
    checked: (
        Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_calendar_day)] | None
    ) = Field(
        default=None,
        description="The day of the latest check-in (YYYY-MM-DD), written by okr check-in: "
        "re-confirming an unchanged value changes it, so git records that check-in too.",
    )
    note: Text | None = Field(
        default=None, description="What the latest check-in said (okr check-in -m)."
    )
    direction: Annotated[Direction, Field(strict=False)] | None = Field(
        default=None,
        description="increase, decrease, stay_above or stay_below; "
        "inferred from baseline and target when absent.",
    )
    binary: bool = Field(default=False, description="A done/not-done result (0 or 1).")
    weight: (
        Annotated[StrictInt, Field(gt=0)] | Annotated[StrictFloat, Field(gt=0, allow_inf_nan=False)]
    ) = Field(default=1, description="Weight in the objective's score.")
    source: MetricSource | None = Field(
        default=None, description="Where `okr sync` reads the current value (format 1.1)."
    )
    indicator: Literal["leading", "lagging"] | None = Field(
        default=None,
        description="leading (predicts the outcome) or lagging (records it); format 1.2.",
    )
    owner: Slug | None = Field(
        default=None,
        description="Of a shared objective's key result: the file's unit, a unit in "
        "shared_with, or `shared` (format 1.2); default the file's unit.",
    )

    def effective_direction(self) -> Direction | None:
        """The declared direction, else the one baseline and target imply, else None."""
        if self.direction is not None:
            return self.direction
        if self.binary:
            return Direction.INCREASE
        if self.baseline is None or self.target is None or self.baseline == self.target:
            return None
        return Direction.INCREASE if self.target > self.baseline else Direction.DECREASE


class Objective(BaseModel):
    """A qualitative, inspiring statement of what the unit wants to make true this quarter."""

    model_config = STRICT

    id: Slug
    title: Text
    commitment: Literal["aspirational", "committed"] = "aspirational"
    owner: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    aligns_to: list[Reference] = Field(
        default_factory=list, description="What this objective helps make true."
    )
    depends_on: list[Slug] = Field(
        default_factory=list, description="Units whose help this objective needs."
    )
    initiatives: list[Text] = Field(
        default_factory=list, description="The planned work; never scored."
    )
    shared_with: list[Slug] = Field(
        default_factory=list,
        description="Units that own this objective with this file's unit (format 1.2).",
    )
    key_results: list[KeyResult] = Field(default_factory=list)


class OkrFile(BaseModel):
    """A unit's objectives and key results for one quarter, year or span of years."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "oneOf": [{"required": ["quarter"]}, {"required": ["year"]}, {"required": ["years"]}]
        },
    )

    unit: Slug = Field(description="A unit id from org.yaml; equals the file name.")
    quarter: Annotated[str, Field(max_length=16)] | None = Field(
        default=None, description="YYYY-Qn; equals the folder name."
    )
    year: Annotated[StrictInt, Field(ge=1000, le=9998)] | None = Field(
        default=None,
        description="An annual file's fiscal year, in place of quarter (format 1.2); equals "
        "the folder name.",
    )
    years: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{4}$")] | None = Field(
        default=None,
        description="A multi-year file's span, like 2026-2028, in place of quarter (format "
        "1.2); equals the folder name.",
    )
    objectives: list[Objective] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_period(self) -> OkrFile:
        named = [n for n in ("quarter", "year", "years") if getattr(self, n) is not None]
        if len(named) != 1:
            raise ValueError(
                "an OKR file names its period once: quarter (YYYY-Qn), year (YYYY) or years "
                f"(YYYY-YYYY); this one names {' and '.join(named) if named else 'none'}"
            )
        return self

    @property
    def period(self) -> str:
        """The period as its folder is named: ``2026-Q4``, ``2026`` or ``2026-2028``."""
        if self.quarter is not None:
            return self.quarter
        if self.year is not None:
            return str(self.year)
        return self.years or ""

    @property
    def period_field(self) -> str:
        """The field naming the period: quarter, year or years."""
        return "quarter" if self.quarter is not None else "year" if self.year else "years"
