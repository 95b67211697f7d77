"""Field types shared by the models."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictFloat, StrictInt

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        max_length=64,
        description="Lowercase letters, digits and '-', starting with a letter or digit.",
    ),
]

# Numbers are YAML numbers: a string such as "30%" is refused, never guessed at.
# (the finiteness check sits on the float itself, so pydantic-core makes it, not Python)
Number = StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]

Text = Annotated[str, Field(min_length=1, max_length=500)]

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
