"""Metric sources (format 1.1): every connection named, every source well-formed, no
secret written out. ``okr sync`` makes the same checks before it fetches anything."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import ClassVar

from okrcli.lint.facts import SourceFacts
from okrcli.load.files import CONFIG_NAME, Source
from okrcli.load.repo import WorkingTree, load_source
from okrcli.load.yamlsafe import Span
from okrcli.rules.base import Example, Finding, Rule, Scope, variant
from okrcli.rules.context import Context
from okrcli.sync.check import Kind, Problem, connection_problems, source_problems

_SOURCES = "sources:\n  warehouse:\n    url: postgresql://okr@db.internal/analytics\n"
_SQL = """        baseline: 30
        target: 34
        source: {sql: warehouse, query: select conversion_pct from kpi_weekly limit 1}"""
_TARGET = "        baseline: 30\n        target: 34"
_CSV = _TARGET + "\n        source: {csv: %s, column: pct}"
_PAYMENT = "        baseline: 2.4\n        target: 1.0"
_HTTP = """        baseline: 2.4
        target: 1.0
        source:
          http: https://metrics.example.com/api/v1/query?query=payment_errors
          select: data.result[0].value[1]
          headers: {Authorization: "Bearer %s"}"""


def _with(new: str, old: str = _TARGET) -> str:
    return variant(old, new)


class _SourceRule(Rule):
    """Shared walk: each key result's source, and okr.yaml's connections."""

    kind: ClassVar[Kind]
    scope: ClassVar[Scope] = "repo"
    facts = SourceFacts

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        root = ctx.repo.root
        connections = ctx.repo.config.sources
        for doc in ctx.valid_docs:
            assert doc.model is not None
            unit = doc.model.unit
            for i, o in enumerate(doc.model.objectives):
                for j, k in enumerate(o.key_results):
                    if k.source is None:
                        continue
                    base = ("objectives", i, "key_results", j, "source")
                    for p in source_problems(k.source, connections, root):
                        if p.kind == self.kind:
                            facts = SourceFacts(
                                key_result=f"{unit}/{o.id}/{k.id}", field=_dotted(p.path)
                            )
                            yield self.at(doc, (*base, *p.path), p.message, facts=facts)
        config = _ConfigFile(ctx)
        for name, conn in connections.items():
            for p in connection_problems(conn, root):
                if p.kind == self.kind:
                    facts = SourceFacts(connection=name, field=_dotted(p.path))
                    yield config.finding(("sources", name, *p.path), p, facts)


def _dotted(path: tuple[str | int, ...]) -> str:
    """A field's path as written in docs: ``headers.Authorization``, ``select``."""
    return ".".join(str(p) for p in path)


class _ConfigFile:
    """okr.yaml, read for positions only when a connection has a finding."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @cached_property
    def source(self) -> Source | None:
        path = self.ctx.repo.config_path
        if path is None:
            return None
        src = Source(path=path, rel=CONFIG_NAME)
        load_source(WorkingTree(self.ctx.repo.root), src)
        return src

    def finding(self, path: tuple[str | int, ...], p: Problem, facts: SourceFacts) -> Finding:

        src = self.source
        span = src.parsed.span(path) if src and src.parsed else Span(1, 1, 1, 1)
        return Finding(CONFIG_NAME, span, p.message, facts=facts)


class UnknownConnection(_SourceRule):
    """A sql source names a connection that okr.yaml's ``sources:`` must define: the URL
    (and the ``${env:NAME}`` references for its secrets) lives in one place, and the OKR
    files only name it. An unknown name would fail every ``okr sync`` of the key result, so
    it is caught in review instead. (okrcli extension, format 1.1)"""

    code = "OKR011"
    name = "unknown-connection"
    severity = "error"
    summary = "a sql source naming no connection in okr.yaml `sources:`"
    kind: ClassVar[Kind] = "unknown"
    bad = (Example(_with(_SQL.replace("warehouse", "wharehouse")), others={CONFIG_NAME: _SOURCES}),)
    good = (Example(_with(_SQL), others={CONFIG_NAME: _SOURCES}),)


class BadSource(_SourceRule):
    """A source must be one ``okr sync`` can read safely: an http(s) URL and a JMESPath
    expression that compiles, one SQL statement with no ``${...}`` in it, a CSV path inside
    the repository (never absolute, never ``..``, never through a link that leads out), a
    command with a program, a SQLite connection to a file inside the repository, and
    ``${env:NAME}`` as the only kind of reference. Sources come from pull requests too: a
    path that leads out of the repository would let one read files the job can see.
    (okrcli extension, format 1.1)"""

    code = "OKR012"
    name = "bad-source"
    severity = "error"
    summary = "a metric source okr sync cannot read safely (path out of the repo, bad JMESPath)"
    kind: ClassVar[Kind] = "bad"
    bad = (Example(_with(_CSV % "../../metrics/conversion.csv")),)
    good = (Example(_with(_CSV % "metrics/conversion.csv")),)


class LiteralSecret(_SourceRule):
    """A password, token or key written into a source's URL or headers, or into a
    connection's URL in okr.yaml, is readable by everyone who can read the repository and
    stays in its history for good. Secrets enter only as ``${env:NAME}``, set from the CI's
    secret store and expanded when ``okr sync`` runs; okr never writes the value anywhere.
    (okrcli extension, format 1.1)"""

    code = "OKR013"
    name = "literal-secret"
    severity = "error"
    summary = "a password, token or key written into a source or connection URL"
    kind: ClassVar[Kind] = "secret"
    bad = (Example(_with(_HTTP % "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0", _PAYMENT)),)
    good = (Example(_with(_HTTP % "${env:METRICS_TOKEN}", _PAYMENT)),)
