"""The organisation: ``org.yaml``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from okrcli.model.common import STRICT, Slug, Text

Level = Literal["company", "business-unit", "department", "team"]
Role = Literal["product", "platform", "enabling"]


class Unit(BaseModel):
    """A company, business unit, department or team that writes OKRs."""

    model_config = STRICT

    id: Slug
    name: Text
    level: Level
    parent: Slug | None = Field(default=None, description="Every unit but the root has one.")
    role: Role = "product"


class StrategyTheme(BaseModel):
    """A strategy theme OKRs ladder up to."""

    model_config = STRICT

    id: Slug
    title: Text
    description: str | None = None


class Org(BaseModel):
    """Units and strategy themes."""

    model_config = STRICT

    units: list[Unit] = Field(min_length=1)
    strategy: list[StrategyTheme] = Field(default_factory=list)
