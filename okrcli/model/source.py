"""Metric sources (format 1.1): where a key result's current value comes from, and the named
connections in ``okr.yaml`` that sql sources use. ``okr sync`` reads them."""

from __future__ import annotations

import shlex
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, model_validator
from pydantic_core import PydanticCustomError

from okrcli.model.common import STRICT, Slug

SourceKind = Literal["sql", "http", "csv", "command"]
KINDS: tuple[SourceKind, ...] = ("sql", "http", "csv", "command")
# the fields each kind needs besides its own, and the ones it may have
NEEDS: dict[str, tuple[str, ...]] = {"sql": ("query",), "http": ("select",), "csv": ("column",)}
ALLOWED: dict[str, frozenset[str]] = {
    "sql": frozenset({"sql", "query", "timeout"}),
    "http": frozenset({"http", "select", "headers", "timeout"}),
    "csv": frozenset({"csv", "column"}),
    "command": frozenset({"command", "timeout"}),
}

Seconds = (
    Annotated[StrictInt, Field(gt=0, le=300)]
    | Annotated[StrictFloat, Field(gt=0, le=300, allow_inf_nan=False)]
)
Line = Annotated[str, Field(min_length=1, max_length=4000)]


class MetricSource(BaseModel):
    """Where a key result's current value comes from: exactly one of ``sql``, ``http``,
    ``csv`` or ``command``. ``okr sync`` reads it and checks the value in."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "oneOf": [{"required": [k]} for k in KINDS],
            "dependencies": {k: list(v) for k, v in NEEDS.items()},
        },
    )

    sql: Slug | None = Field(
        default=None, description="A connection named in okr.yaml `sources:`; needs `query`."
    )
    query: Annotated[str, Field(min_length=1, max_length=10_000)] | None = Field(
        default=None, description="One SQL statement that yields one row of one number."
    )
    http: Line | None = Field(
        default=None, description="An http(s) URL answering JSON; needs `select`."
    )
    select: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="A JMESPath expression picking one number from the JSON."
    )
    headers: (
        dict[
            Annotated[str, Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")],
            Annotated[str, Field(max_length=4000)],
        ]
        | None
    ) = Field(
        default=None,
        description="HTTP headers; secrets only as ${env:NAME}, expanded at run time.",
    )
    csv: Line | None = Field(
        default=None, description="A CSV file in the repository; the last row wins."
    )
    column: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The CSV column that holds the value."
    )
    command: list[Line] | Line | None = Field(
        default=None,
        description="A program and its arguments (a list, or words in one string), run "
        "without a shell, only with `okr sync --allow-commands`; prints one number.",
    )
    timeout: Seconds | None = Field(
        default=None, description="Seconds to wait for the value (default 10; commands 30)."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> MetricSource:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            said = f"it has {' and '.join(given)}" if given else "it has none"
            raise PydanticCustomError(
                "source_kind",
                "a source takes exactly one of sql, http, csv or command; {said}",
                {"said": said},
            )
        kind = given[0]
        for need in NEEDS.get(kind, ()):
            if getattr(self, need) is None:
                raise PydanticCustomError(
                    "source_field",
                    "a {kind} source needs '{need}'; add it",
                    {"kind": kind, "need": need},
                )
        extra = [f for f in type(self).model_fields if f not in ALLOWED[kind] and getattr(self, f)]
        if extra:
            raise PydanticCustomError(
                "source_field",
                "'{field}' does not belong in a {kind} source; remove it",
                {"field": extra[0], "kind": kind},
            )
        return self

    @property
    def kind(self) -> SourceKind:
        return next(k for k in KINDS if getattr(self, k) is not None)

    def argv(self) -> list[str]:
        """A command source's program and arguments."""
        if isinstance(self.command, list):
            return list(self.command)
        try:
            return shlex.split(self.command or "")
        except ValueError:
            return []


class Connection(BaseModel):
    """A database that sql sources name: an SQLAlchemy URL (``sqlite:///metrics/kpis.db``,
    ``postgresql://okr@db/analytics?password=${env:WAREHOUSE_PASSWORD}``)."""

    model_config = STRICT

    url: Line = Field(
        description="An SQLAlchemy database URL; secrets only as ${env:NAME}. A SQLite file "
        "is relative to the repository root and must be inside it."
    )
