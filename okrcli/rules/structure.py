"""File-level rules: the file reads as YAML, fits the schema, and is where it claims to be."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator
from typing import ClassVar, Literal

from okrcli.lint.facts import (
    BadQuarterFacts,
    BadSharingFacts,
    BrokenReferenceFacts,
    DuplicateIdFacts,
    ReferenceProblem,
    UnknownUnitFacts,
    UnusedSuppressionFacts,
)
from okrcli.load.files import OkrDoc
from okrcli.model.quarter import (
    QUARTER_FORM,
    QUARTER_RE,
    YEAR_FORM,
    YEARS_FORM,
    Period,
    Years,
    encloses,
    parse_period,
    quarter_hint,
)
from okrcli.rules.base import GOOD_FILE, Example, Finding, Rule, Scope, variant
from okrcli.rules.context import Context
from okrcli.rules.indexes import Chains


class ParseError(Rule):
    """The file must be plain, safe YAML 1.2 in UTF-8: one document, no duplicate keys, no
    anchors, aliases or tags, no tabs for indentation. okr refuses anything else rather than
    guess at what was meant, and points at the line and column where reading stopped."""

    code = "OKR001"
    name = "parse-error"
    severity = "error"
    summary = "invalid YAML, duplicate keys, unsafe tags, bad encoding"
    scope: ClassVar[Scope] = "load"
    bad = (
        Example(
            variant("  - id: effortless-checkout\n", "  - id: effortless-checkout\n    id: again\n")
        ),
    )
    good = (Example(GOOD_FILE),)


class SchemaError(Rule):
    """Every field must be one the format knows, of the right type, and every required field
    must be there. Unknown keys are errors so that a typo (``tagret``) never passes as a new
    field, and numbers must be YAML numbers: ``"30%"`` is refused with the fix spelled out. In
    org.yaml, units must form one tree: one root, parents that exist, no cycles."""

    code = "OKR002"
    name = "schema-error"
    severity = "error"
    summary = "missing, unknown or ill-typed fields, with the field's line"
    scope: ClassVar[Scope] = "load"
    bad = (Example(variant("target: 34", 'target: "34%"')),)
    good = (Example(GOOD_FILE),)

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        org, src = ctx.repo.org, ctx.repo.org_source
        if org is None or src is None or src.parsed is None:
            return
        ids = {u.id for u in org.units}
        roots = [i for i, u in enumerate(org.units) if u.parent is None]
        if not roots:
            yield Finding(
                src.rel,
                src.parsed.span(("units",)),
                "no unit is the root: give the company unit no parent.",
            )
        for i in roots[1:]:
            u = org.units[i]
            yield Finding(
                src.rel,
                src.parsed.span(("units", i)),
                f"unit '{u.id}' has no parent, but '{org.units[roots[0]].id}' is "
                "already the root; give it a parent.",
            )
        parents = {u.id: u.parent for u in org.units}
        chains = Chains(parents)  # every chain walked once, not once per unit below it
        for i, u in enumerate(org.units):
            if u.parent is not None and u.parent not in ids:
                yield Finding(
                    src.rel,
                    src.parsed.span(("units", i, "parent")),
                    f"unit '{u.id}' names parent '{u.parent}', which is not a unit in org.yaml.",
                )
                continue
            if u.parent is None:
                continue
            # the chain above runs into a cycle, or (for a second unit of one id, whose id
            # leads elsewhere) comes back to this unit's id
            if u.parent in chains.cyclic or (
                parents[u.id] != u.parent and chains.on_chain(u.id, u.parent)
            ):
                yield Finding(
                    src.rel,
                    src.parsed.span(("units", i, "parent")),
                    f"unit '{u.id}' is its own ancestor (a parent cycle); break the cycle.",
                )


class UnknownUnit(Rule):
    """Each OKR file belongs to a unit listed in org.yaml and is named after it
    (``okrs/2026-Q4/checkout.yaml`` holds ``unit: checkout``). Layered units are how the
    guidance on scaling OKRs decides which team pursues which company objective;
    a file for a unit nobody knows cannot be placed in that structure."""

    code = "OKR003"
    name = "unknown-unit"
    severity = "error"
    summary = "`unit` not in org.yaml, or not the file's name"
    facts = UnknownUnitFacts
    bad = (Example(variant("unit: checkout", "unit: chekout")),)
    good = (Example(GOOD_FILE),)

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        unit = doc.model.unit
        if ctx.repo.org is not None and unit not in ctx.units:
            close = _close_unit(unit, ctx)
            hint = f" Did you mean '{close}'?" if close else " Add it to org.yaml."
            yield self.at(
                doc,
                ("unit",),
                f"unit '{unit}' is not in org.yaml.{hint}",
                facts=UnknownUnitFacts(unit=unit, known=False, file_name=doc.stem, closest=close),
            )
        elif unit != doc.stem:
            yield self.at(
                doc,
                ("unit",),
                f"the file is named '{doc.stem}' but holds unit '{unit}'; rename the "
                f"file to {unit}{doc.path.suffix} or fix the unit.",
                facts=UnknownUnitFacts(unit=unit, known=True, file_name=doc.stem),
            )


HINTS = 200  # unknown unit ids given a "did you mean": each is compared with every unit


def _close_unit(unit: str, ctx: Context) -> str | None:
    """The unit of org.yaml most like ``unit``, found once per unknown id (it comes back in
    every quarter's folder). A hint compares the id with every unit, so only the first
    ``HINTS`` unknown ids get one: an org.yaml whose ids all changed would otherwise cost
    the square of its units."""
    known = ctx.close_units
    if unit not in known:
        close = None
        if len(known) < HINTS:
            found = difflib.get_close_matches(unit, list(ctx.units), n=1)
            close = found[0] if found else None
        known[unit] = close
    return known[unit]


class BadQuarter(Rule):
    """Quarters are written ``YYYY-Qn`` and a file lives in the folder of its quarter, so the
    history, the scores and the report can find a quarter's files without reading them all."""

    code = "OKR004"
    name = "bad-quarter"
    severity = "error"
    summary = "malformed `quarter`, or not the folder's name"
    facts = BadQuarterFacts
    bad = (Example(variant("quarter: 2026-Q4", "quarter: Q4 2026")),)
    good = (Example(GOOD_FILE),)

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        q = doc.model.period
        kind = doc.model.period_field
        if kind != "quarter":  # format 1.2: an annual or multi-year file
            span = Years.parse(q)
            if span is None or span.kind != kind:
                form = YEAR_FORM if kind == "year" else YEARS_FORM
                yield self.at(
                    doc,
                    (kind,),
                    f"{kind} '{q}' is not of the form {form}.",
                    facts=BadQuarterFacts(quarter=q, well_formed=False, folder=doc.folder),
                )
            elif q != doc.folder:
                yield self.at(
                    doc,
                    (kind,),
                    f"the file is in folder '{doc.folder}' but says {kind} '{q}'; move it "
                    f"to {ctx.repo.config.okrs_dir}/{q}/ or fix the {kind}.",
                    facts=BadQuarterFacts(quarter=q, well_formed=True, folder=doc.folder),
                )
            return
        if not QUARTER_RE.match(q):
            hint = quarter_hint(q)
            said = f"is no quarter: {hint}" if hint else f"is not of the form {QUARTER_FORM}"
            yield self.at(
                doc,
                ("quarter",),
                f"quarter '{q}' {said}.",
                facts=BadQuarterFacts(quarter=q, well_formed=False, folder=doc.folder),
            )
        elif q != doc.folder:
            yield self.at(
                doc,
                ("quarter",),
                f"the file is in folder '{doc.folder}' but says quarter '{q}'; move it "
                f"to {ctx.repo.config.okrs_dir}/{q}/ or fix the quarter.",
                facts=BadQuarterFacts(quarter=q, well_formed=True, folder=doc.folder),
            )


class DuplicateId(Rule):
    """Ids are how alignments, check-ins and the history find an objective or key result, so
    they must be unique: objectives within a file, key results within an objective, units and
    strategy themes within org.yaml, and one file per unit per quarter."""

    code = "OKR005"
    name = "duplicate-id"
    severity = "error"
    summary = "two objectives, or two KRs of one objective, with one id"
    scope: ClassVar[Scope] = "repo"
    facts = DuplicateIdFacts
    bad = (Example(variant("id: repeat-time", "id: conversion")),)
    good = (Example(GOOD_FILE),)

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        for doc in ctx.valid_docs:
            assert doc.model is not None
            seen: dict[str, int] = {}
            for i, o in enumerate(doc.model.objectives):
                if o.id in seen:
                    yield self.at(
                        doc,
                        ("objectives", i, "id"),
                        f"objective id '{o.id}' is already used by objective "
                        f"#{seen[o.id] + 1} in this file; give each its own id.",
                        facts=DuplicateIdFacts(
                            id=o.id, kind="objective", first=f"objective #{seen[o.id] + 1}"
                        ),
                    )
                seen.setdefault(o.id, i)
                krs: dict[str, int] = {}
                for j, k in enumerate(o.key_results):
                    if k.id in krs:
                        yield self.at(
                            doc,
                            ("objectives", i, "key_results", j, "id"),
                            f"key result id '{k.id}' is already used in objective "
                            f"'{o.id}'; give each key result its own id.",
                            facts=DuplicateIdFacts(
                                id=k.id, kind="key result", first=f"key result #{krs[k.id] + 1}"
                            ),
                        )
                    krs.setdefault(k.id, j)
        for (quarter, unit), docs in ctx.unit_docs.items():
            for doc in docs[1:]:
                yield self.at(
                    doc,
                    ("unit",),
                    f"unit '{unit}' already has OKRs for {quarter} in {docs[0].rel}; "
                    "keep one file per unit per quarter.",
                    facts=DuplicateIdFacts(id=unit, kind="unit file", first=docs[0].rel),
                )
        org, src = ctx.repo.org, ctx.repo.org_source
        if org is None or src is None or src.parsed is None:
            return
        lists: tuple[tuple[str, Literal["unit", "strategy theme"], list[str]], ...] = (
            ("units", "unit", [u.id for u in org.units]),
            ("strategy", "strategy theme", [t.id for t in org.strategy]),
        )
        for key, kind, id_list in lists:
            ids: set[str] = set()
            for i, ident in enumerate(id_list):
                if ident in ids:
                    yield Finding(
                        src.rel,
                        src.parsed.span((key, i, "id")),
                        f"id '{ident}' appears twice in {key}; ids must be unique.",
                        facts=DuplicateIdFacts(id=ident, kind=kind),
                    )
                ids.add(ident)


class BrokenReference(Rule):
    """``aligns_to`` and ``depends_on`` must name things that exist in the same quarter: an
    objective or key result of another unit, a strategy theme, a unit. Alignment is the point
    of a cascade that ladders up to strategy (the guidance on OKRs at scale and on
    cascading); a dangling reference shows an
    alignment that is not there."""

    code = "OKR006"
    name = "broken-reference"
    severity = "error"
    summary = "`aligns_to` or `depends_on` naming nothing that exists"
    scope: ClassVar[Scope] = "repo"
    facts = BrokenReferenceFacts
    bad = (Example(variant("aligns_to: [strategy/retention]", "aligns_to: [strategy/retension]")),)
    good = (Example(GOOD_FILE),)

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        if ctx.repo.org is None:
            return
        themes = sorted(ctx.themes)  # named in every message about a theme: sorted once
        known = ", ".join(themes[:NAMED]) or "none"
        if len(themes) > NAMED:
            known += f" and {len(themes) - NAMED:,} more"
        for doc in ctx.valid_docs:
            assert doc.model is not None
            q = doc.model.period
            for i, o in enumerate(doc.model.objectives):
                for a, ref in enumerate(o.aligns_to):
                    problem = self._resolve(ctx, q, ref, known)
                    if problem:
                        message, facts = problem
                        yield self.at(doc, ("objectives", i, "aligns_to", a), message, facts=facts)
                for d, unit in enumerate(o.depends_on):
                    if unit not in ctx.units:
                        close = _closest(unit, ctx.units, "")
                        yield self.at(
                            doc,
                            ("objectives", i, "depends_on", d),
                            f"depends_on names unit '{unit}', which is not in org.yaml."
                            f"{_did_you_mean(close)}",
                            facts=BrokenReferenceFacts(
                                reference=unit,
                                field="depends_on",
                                problem="unknown unit",
                                closest=close,
                            ),
                        )
                    elif unit == doc.model.unit:
                        yield self.at(
                            doc,
                            ("objectives", i, "depends_on", d),
                            f"objective '{o.id}' depends on its own unit; remove it.",
                            facts=BrokenReferenceFacts(
                                reference=unit, field="depends_on", problem="own unit"
                            ),
                        )

    @staticmethod
    def _resolve(
        ctx: Context, quarter: str, ref: str, known: str
    ) -> tuple[str, BrokenReferenceFacts] | None:
        """What is wrong with the ``aligns_to`` reference ``ref``: the message and the facts,
        or None when it names something."""

        def broken(
            message: str, problem: ReferenceProblem, close: tuple[str, ...] = ()
        ) -> tuple[str, BrokenReferenceFacts]:
            if at and problem == "not enclosing":
                close = _enclosing_holders(ctx, inner, ref, start_month)
            elif at:  # the closest names keep the period written, else name the one it is in
                close = tuple(f"{c}@{named}" for c in close)
                if not close and problem != "unknown unit":
                    close = _enclosing_holders(ctx, inner, ref, start_month)
            facts = BrokenReferenceFacts(
                reference=written, field="aligns_to", problem=problem, closest=close
            )
            return message + _did_you_mean(close), facts

        written = ref
        ref, at, named = ref.partition("@")
        start_month = ctx.repo.config.fiscal_year_start_month
        inner = parse_period(quarter, start_month)
        if at:  # format 1.2: an objective of an enclosing period
            outer = parse_period(named, start_month)
            if outer is None and inner is not None:
                return broken(
                    f"'{written}': {named} is no period; after @ write the year (like "
                    "2026, from 1000 to 9998) or the span of years (like 2026-2028, the "
                    f"first year before the last) that holds {quarter}.",
                    "not enclosing",
                )
            if outer is None or inner is None or not encloses(outer, inner):
                return broken(
                    f"'{written}': {named} does not enclose {quarter}; an objective aligns "
                    "to its own period (no @) or to a longer one holding it: a quarter to its "
                    "year or multi-year span, a year to its multi-year span.",
                    "not enclosing",
                )
            quarter = named
        parts = ref.split("/")
        if parts[0] == "strategy" and len(parts) == 2:
            if parts[1] in ctx.themes:
                return None
            return broken(
                f"'{written}' names no strategy theme in org.yaml (themes: {known}).",
                "unknown theme",
                _closest(parts[1], ctx.themes, "strategy/"),
            )
        unit = parts[0]
        if unit not in ctx.units:
            return broken(
                f"'{written}' names unit '{unit}', which is not in org.yaml.",
                "unknown unit",
                _closest(unit, ctx.units, "", "/".join(parts[1:])),
            )
        docs = ctx.unit_docs.get((quarter, unit))
        if not docs:
            return broken(f"'{written}': unit '{unit}' has no OKRs for {quarter}.", "no OKRs")
        assert docs[0].model is not None
        objectives = {o.id: o for o in docs[0].model.objectives}
        if (quarter, f"{unit}/{parts[1]}") not in ctx.objectives:
            return broken(
                f"'{written}': unit '{unit}' has no objective '{parts[1]}' in {quarter}.",
                "unknown objective",
                _closest(parts[1], objectives, unit + "/", "/".join(parts[2:])),
            )
        if len(parts) == 3 and (quarter, ref) not in ctx.key_results:
            objective = objectives.get(parts[1])
            krs = [k.id for k in objective.key_results] if objective is not None else []
            return broken(
                f"'{written}': objective '{unit}/{parts[1]}' has no key result '{parts[2]}'.",
                "unknown key result",
                _closest(parts[2], krs, f"{unit}/{parts[1]}/"),
            )
        return None


def _enclosing_holders(
    ctx: Context, inner: Period | None, ref: str, start_month: int
) -> tuple[str, ...]:
    """``ref@period`` for each period enclosing ``inner`` that holds the objective or key
    result ``ref``, the shortest period first (at most :data:`CLOSEST`): where an ``@period``
    reference that names the wrong period most likely means."""
    if inner is None:
        return ()
    held = []
    for period in ctx.by_quarter:
        outer = parse_period(period, start_month)
        if outer is None or not encloses(outer, inner):
            continue
        if (period, ref) in ctx.objectives or (period, ref) in ctx.key_results:
            assert isinstance(outer, Years)
            held.append((outer.last - outer.first, period))
    return tuple(f"{ref}@{p}" for _, p in sorted(held)[:CLOSEST])


SUGGEST_FROM = 300  # "did you mean" compares with at most this many names (linear work)


CLOSEST = 3  # the closest ids a broken reference's facts name


def _closest(word: str, known: Collection[str], prefix: str, rest: str = "") -> tuple[str, ...]:
    """The ids of ``known`` closest to ``word``, best first, each written as a whole
    reference (``prefix``, the name, then ``rest``); none when there are too many names to
    compare each broken reference with."""
    if len(known) > SUGGEST_FROM:
        return ()
    close = difflib.get_close_matches(word, list(known), n=CLOSEST, cutoff=0.6)
    return tuple(f"{prefix}{c}{'/' + rest if rest else ''}" for c in close)


def _did_you_mean(closest: tuple[str, ...]) -> str:
    """ " Did you mean 'x'?" for the closest reference, or nothing."""
    return f" Did you mean '{closest[0]}'?" if closest else ""


NAMED = 10  # at most this many themes named in one message


SHARED = "shared"  # a key result owned by all the units sharing its objective


class BadSharing(Rule):
    """Format 1.2's shared objectives: the product head's guide asks product, engineering and
    design to own some objectives together, each unit with key results of its own and some
    measured together, so that one goal is not pulled three ways. ``shared_with`` must name
    other units of org.yaml, and each key result's ``owner`` the file's unit, one of those
    units, or ``shared``: a share nobody can find in the organisation is nobody's."""

    code = "OKR008"
    name = "bad-sharing"
    severity = "error"
    summary = (
        "`shared_with` naming an unknown unit or the file's own unit; a key result `owner` "
        "outside the sharing units (format 1.2)"
    )
    facts = BadSharingFacts
    bad = (
        Example(
            variant(
                "    aligns_to: [strategy/retention]\n",
                "    aligns_to: [strategy/retention]\n    shared_with: [serach]\n",
            )
        ),
    )
    good = (
        Example(
            variant(
                "    aligns_to: [strategy/retention]\n",
                "    aligns_to: [strategy/retention]\n    shared_with: [search]\n",
                variant("        baseline: 95\n", "        owner: search\n        baseline: 95\n"),
            )
        ),
    )

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        me = doc.model.unit
        for i, o in enumerate(doc.model.objectives):
            ref = f"{me}/{o.id}"
            for n, unit in enumerate(o.shared_with):
                if unit == me:
                    message = f"objective '{o.id}' is shared with its own unit; remove '{unit}'."
                    problem: Literal["unknown unit", "own unit"] = "own unit"
                elif unit not in ctx.units:
                    message = (
                        f"objective '{o.id}' is shared with '{unit}', which is not in org.yaml."
                        f"{_did_you_mean(_closest(unit, ctx.units, ''))}"
                    )
                    problem = "unknown unit"
                else:
                    continue
                yield self.at(
                    doc,
                    ("objectives", i, "shared_with", n),
                    message,
                    facts=BadSharingFacts(
                        objective=ref, field="shared_with", unit=unit, problem=problem
                    ),
                )
            owners = {me, SHARED, *o.shared_with}
            for j, k in enumerate(o.key_results):
                if k.owner is None or k.owner in owners:
                    continue
                among = ", ".join([me, *o.shared_with])
                yield self.at(
                    doc,
                    ("objectives", i, "key_results", j, "owner"),
                    f"key result '{k.id}' is owned by '{k.owner}', which does not own objective "
                    f"'{o.id}'; name one of {among}, or `shared`"
                    + ("" if o.shared_with else f" (or share the objective with '{k.owner}')")
                    + ".",
                    facts=BadSharingFacts(
                        objective=ref,
                        field="owner",
                        unit=k.owner,
                        problem="not sharing",
                        key_result=f"{ref}/{k.id}",
                    ),
                )


class UnusedSuppression(Rule):
    """A ``# okr: disable=...`` comment that suppresses nothing, or names a rule that does not
    exist, hides nothing today and would silently hide a real finding tomorrow. Remove it."""

    code = "OKR007"
    name = "unused-suppression"
    severity = "warning"
    summary = "a suppression comment that suppresses nothing (okrcli extension)"
    facts = UnusedSuppressionFacts
    scope: ClassVar[Scope] = "load"
    bad = (
        Example(
            variant(
                "title: Raise checkout conversion of returning customers",
                "title: Raise checkout conversion of returning customers  # okr: disable=vanity-kr",
            )
        ),
    )
    good = (Example(GOOD_FILE),)
