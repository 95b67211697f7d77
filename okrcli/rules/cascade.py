"""Rules across units: conflicts, summed cascades, coverage, dependencies, commitment mix."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from okrcli.lint.facts import (
    CommitmentMixFacts,
    ConflictingKrsFacts,
    DependencyFacts,
    SummedCascadeFacts,
    UncoveredParentFacts,
)
from okrcli.load.files import OkrDoc
from okrcli.model.okr import Direction, KeyResult, Objective
from okrcli.model.org import Level, Role
from okrcli.model.quarter import Period, Years, encloses, parse_period
from okrcli.rules.base import GOOD_FILE, Example, Finding, Rule, Scope, variant
from okrcli.rules.context import Context
from okrcli.rules.indexes import Chains

_UP = {Direction.INCREASE, Direction.STAY_ABOVE}
_PARENT_LEVELS: tuple[Level, ...] = ("company", "business-unit")
_SUPPORT_ROLES: tuple[Role, ...] = ("platform",)

COMMERCE = """\
unit: commerce
quarter: 2026-Q4
objectives:
  - id: repeat-revenue
    title: Make buying again the easy choice for our customers
    aligns_to: [strategy/retention]
    key_results:
      - {id: repeat-rate, title: Raise the share of customers who buy again within 90 days, metric: repeat-rate, baseline: 22, target: 28}
      - {id: repeat-orders, title: Grow repeat orders a week, metric: repeat-orders, baseline: 1000, target: 1500}
      - {id: support-contacts, title: Cut support contacts per 100 orders, baseline: 6, target: 4}
"""

SEARCH = """\
unit: search
quarter: 2026-Q4
objectives:
  - id: find-fast
    title: Help shoppers find what they came for
    aligns_to: [commerce/repeat-revenue]
    key_results:
      - {id: zero-results, title: Lower the share of searches with no result, baseline: 9, target: 5}
      - {id: search-exit, title: Cut the exit rate from search result pages, baseline: 41, target: 33}
      - {id: search-orders, title: Grow repeat orders a week that start from search, metric: repeat-orders, baseline: 400, target: 600}
"""

PAYMENTS = """\
unit: payments
quarter: 2026-Q4
objectives:
  - id: reliable-payments
    title: Make paying with us something nobody has to think about
    aligns_to: [checkout/effortless-checkout]
    key_results:
      - {id: auth-rate, title: Raise the card authorisation rate, baseline: 91, target: 94}
      - {id: p95, title: Cut p95 payment latency in ms, baseline: 900, target: 500}
      - {id: failed, title: Lower the share of payments that fail for technical reasons, baseline: 1.2, target: 0.5}
"""

ACME = """\
unit: acme
quarter: 2026-Q4
objectives:
  - id: loyal-customers
    title: Earn the loyalty of the customers we already have
    aligns_to: [strategy/retention]
    key_results:
      - {id: nrr, title: Raise net revenue retention, baseline: 104, target: 110}
      - {id: churn, title: Lower monthly customer churn, baseline: 3.1, target: 2.5}
      - {id: nps, title: Raise NPS of repeat customers, baseline: 38, target: 45}
"""

CHECKOUT_ALIGNED = variant(
    "aligns_to: [strategy/retention]", "aligns_to: [commerce/repeat-revenue]"
)


def _committed(text: str) -> str:
    return text.replace("    aligns_to:", "    commitment: committed\n    aligns_to:", 1)


def _others(**files: str) -> dict[str, str]:
    return {f"okrs/2026-Q4/{name}.yaml": text for name, text in files.items()}


class ConflictingKrs(Rule):
    """When two units push one metric in opposite directions in a quarter, at least one of
    them will fail, and the organisation pays for both efforts. The product OKR guide asks
    leaders to catch such conflicting goals across teams before the quarter starts.
    Key results are compared through their shared ``metric`` id."""

    code = "OKR301"
    name = "conflicting-krs"
    severity = "warning"
    summary = "two units pushing one `metric` in opposite directions in a quarter"
    scope: ClassVar[Scope] = "repo"
    facts = ConflictingKrsFacts
    bad = (
        Example(
            variant(
                "title: Lower the share of checkouts that fail with a payment error\n",
                "title: Raise the share of orders placed by returning customers\n"
                "        metric: repeat-rate\n",
                CHECKOUT_ALIGNED,
            ).replace("baseline: 2.4\n        target: 1.0", "baseline: 40\n        target: 30"),
            others=_others(commerce=COMMERCE),
        ),
    )
    good = (Example(CHECKOUT_ALIGNED, others=_others(commerce=COMMERCE)),)

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        groups: dict[tuple[str, str], list[tuple[str, bool, OkrDoc, int, int]]] = {}
        for (quarter, ref), (doc, i, j, k) in ctx.key_results.items():
            if k.metric is None:
                continue
            d = k.effective_direction()
            if d is None:
                continue
            groups.setdefault((quarter, k.metric), []).append((ref, d in _UP, doc, i, j))
        for (quarter, metric), krs in groups.items():
            ups = [r for r, up, *_ in krs if up]
            downs = [r for r, up, *_ in krs if not up]
            if not ups or not downs:
                continue
            named = {
                True: _some(downs),  # each finding names the first few of the other side
                False: _some(ups),
            }
            first = {True: tuple(downs[:NAMED]), False: tuple(ups[:NAMED])}
            for ref, up, doc, i, j in krs:  # positions are looked up only for findings
                others = downs if up else ups
                way, other_way = ("up", "down") if up else ("down", "up")
                yield self.at(
                    doc,
                    ("objectives", i, "key_results", j, "metric"),
                    f"'{ref}' pushes metric '{metric}' {way} while "
                    f"{named[up]} push{'es' if len(others) == 1 else ''} it "
                    f"{other_way} in {quarter}; agree on one direction.",
                    facts=ConflictingKrsFacts(
                        key_result=ref,
                        metric=metric,
                        direction="up" if up else "down",
                        quarter=quarter,
                        others=first[up],
                        others_count=len(others),
                    ),
                )


NAMED = 5  # at most this many key results named in one message


def _some(refs: list[str]) -> str:
    """The first few refs, and how many more: a message stays short however many units
    share a metric (naming them all in every finding grows with the square of them)."""
    if len(refs) <= NAMED:
        return ", ".join(refs)
    return f"{', '.join(refs[:NAMED])} and {len(refs) - NAMED:,} more"


class SummedCascade(Rule):
    """When the key results of the units below add up to their parent's key result, the
    cascade is arithmetic, not alignment: units become quotas and the cross-unit work that
    really moves the number disappears. The cascading guidance calls summation the
    worst way to cascade, outside quota-like work such as regional sales."""

    code = "OKR302"
    name = "summed-cascade"
    severity = "info"
    summary = "child KRs whose targets merely add up to the parent KR's target"
    scope: ClassVar[Scope] = "repo"
    facts = SummedCascadeFacts
    bad = (
        Example(
            COMMERCE,
            path="okrs/2026-Q4/commerce.yaml",
            others=_others(
                search=SEARCH,
                checkout=variant(
                    "title: Lower the share of checkouts that fail with a payment error\n"
                    "        baseline: 2.4\n        target: 1.0\n",
                    "title: Grow repeat orders a week placed through checkout\n"
                    "        metric: repeat-orders\n        baseline: 600\n        target: 900\n",
                    CHECKOUT_ALIGNED,
                ),
            ),
        ),
    )
    good = (
        Example(
            COMMERCE,
            path="okrs/2026-Q4/commerce.yaml",
            others=_others(checkout=CHECKOUT_ALIGNED, search=SEARCH),
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        below = _aligned_below(ctx)
        for (quarter, ref), (pdoc, pi, pj, parent) in ctx.key_results.items():
            if parent.metric is None or parent.target is None:
                continue
            # the children: key results of this metric whose objective aligns to this key
            # result or to its objective. Those aligned to the objective are shared by all
            # its key results and summed once; the others are added one by one.
            by_obj = below.get((quarter, ref.rsplit("/", 1)[0], parent.metric), _NONE)
            by_kr = below.get((quarter, ref, parent.metric), _NONE)
            if len(by_obj.members) + len(by_kr.members) < 2:
                continue
            sums = by_obj.sums()
            for cref, (_, child) in by_kr.members.items():
                if cref not in by_obj.members:
                    sums = _add(sums, child)
            if ref in by_obj.members or ref in by_kr.members:
                sums = _add(sums, parent, -1)
            count, total, deltas, no_base = sums
            if count < 2:
                continue
            ptarget = Decimal(str(parent.target))
            pdelta = (
                _EXACT.subtract(ptarget, Decimal(str(parent.baseline)))
                if parent.baseline is not None
                else None
            )
            if total == ptarget or (no_base == 0 and deltas == pdelta and deltas != 0):
                children = {**by_obj.members, **by_kr.members}
                children.pop(ref, None)
                ordered = tuple(sorted(children, key=lambda r: children[r][0]))
                names = ", ".join(ordered)
                yield self.at(
                    pdoc,
                    ("objectives", pi, "key_results", pj, "target"),
                    f"the targets of {names} add up to this key result's target; "
                    "units are splitting a quota. Ask what each unit can make true "
                    "that helps the whole, rather than a share of the number.",
                    facts=SummedCascadeFacts(
                        key_result=ref,
                        metric=parent.metric,
                        target=parent.target,
                        children=ordered,
                    ),
                )


# how many key results, the sum of their targets, of their target - baseline, and how many
# have no baseline: added exactly (the default context would round past 28 digits)
_Sums = tuple[int, Decimal, Decimal, int]
_EXACT = decimal.Context(prec=decimal.MAX_PREC)


def _add(sums: _Sums, k: KeyResult, sign: int = 1) -> _Sums:
    n, total, deltas, no_base = sums
    assert k.target is not None
    target = Decimal(str(k.target))
    total = _EXACT.add(total, target) if sign > 0 else _EXACT.subtract(total, target)
    if k.baseline is None:
        no_base += sign
    else:
        delta = _EXACT.subtract(target, Decimal(str(k.baseline)))
        deltas = _EXACT.add(deltas, delta) if sign > 0 else _EXACT.subtract(deltas, delta)
    return n + sign, total, deltas, no_base


@dataclass(slots=True)
class _Aligned:
    """The key results of one metric aligned to one thing: by ref, (order, key result)."""

    members: dict[str, tuple[int, KeyResult]] = field(default_factory=dict)
    _sums: _Sums | None = None

    def sums(self) -> _Sums:
        """Their sums, added up the first time a parent asks."""
        if self._sums is None:
            sums: _Sums = (0, Decimal(0), Decimal(0), 0)
            for _, k in self.members.values():
                sums = _add(sums, k)
            self._sums = sums
        return self._sums


_NONE = _Aligned()


def _aligned_below(ctx: Context) -> dict[tuple[str, str, str], _Aligned]:
    """(quarter, what an objective aligns to, metric) -> the key results of that metric,
    with a target, in the objectives that align to it (in the repository's order)."""
    out: dict[tuple[str, str, str], _Aligned] = {}
    for n, ((quarter, cref), (*_, child)) in enumerate(ctx.key_results.items()):
        if child.metric is None or child.target is None:
            continue
        cobj = ctx.objectives[(quarter, cref.rsplit("/", 1)[0])][2]
        for aligned in dict.fromkeys(cobj.aligns_to):
            key = (quarter, aligned, child.metric)
            group = out.get(key)
            if group is None:
                group = out[key] = _Aligned()
            group.members[cref] = (n, child)
    return out


class UncoveredParentOptions(BaseModel):
    """Which levels' objectives must be taken up by some unit."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    levels: list[Level] = Field(default_factory=lambda: list(_PARENT_LEVELS))


class UncoveredParent(Rule):
    """A company or business-unit objective that no unit aligns to is a gap: nobody has said
    they will work on it. The guidance on OKRs at scale has leaders reconcile the
    units' key results with the organisation's to find exactly these gaps. When units align to
    some key results of an objective, the key results nobody took up are gaps too.

    Annual and multi-year objectives (format 1.2) are the long-term goals the product head's
    guide asks quarters to make progress on: one that no objective of the
    running quarter (the year's latest quarter with OKR files) aligns to with
    ``unit/objective@2026`` is being left to wait for a later quarter."""

    code = "OKR303"
    name = "uncovered-parent"
    severity = "warning"
    summary = (
        "a company or business-unit objective or KR, or an annual objective, that nothing of "
        "the running quarter aligns to"
    )
    scope: ClassVar[Scope] = "repo"
    Options = UncoveredParentOptions
    facts = UncoveredParentFacts
    bad = (Example(COMMERCE, path="okrs/2026-Q4/commerce.yaml"),)
    good = (
        Example(
            COMMERCE, path="okrs/2026-Q4/commerce.yaml", others=_others(checkout=CHECKOUT_ALIGNED)
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        levels = set(ctx.opts(self.code, UncoveredParentOptions).levels)
        start_month = ctx.repo.config.fiscal_year_start_month
        targets: set[tuple[str, str]] = set()
        # format 1.2: (enclosing period, reference) -> the periods whose objectives align to it
        enclosed_by: dict[tuple[str, str], set[str]] = {}
        for doc in ctx.valid_docs:
            assert doc.model is not None
            for o in doc.model.objectives:
                for ref in o.aligns_to:
                    path, at, named = ref.partition("@")
                    if at:
                        enclosed_by.setdefault((named, path), set()).add(doc.model.period)
                    else:
                        targets.add((doc.model.period, ref))
        periods = {p: parse_period(p, start_month) for p in ctx.by_quarter}
        for (quarter, ref), (doc, i, o) in ctx.objectives.items():
            assert doc.model is not None
            span = periods.get(quarter)
            if isinstance(span, Years):  # format 1.2: an annual or multi-year objective
                yield from self._uncovered_span(doc, i, o, ref, span, periods, enclosed_by)
                continue
            unit = ctx.units.get(doc.model.unit)
            if unit is None or unit.level not in levels:
                continue
            yield from self._gaps(
                doc,
                i,
                o,
                ref,
                quarter,
                partial(_aligned_in, targets, quarter),
                f"no unit aligns to objective '{ref}' in {quarter}; decide which "
                "units take it up, or drop it.",
                partial(_other_krs_aligned, ref),
            )

    def _uncovered_span(
        self,
        doc: OkrDoc,
        i: int,
        o: Objective,
        ref: str,
        span: Years,
        periods: dict[str, Period | None],
        enclosed_by: dict[tuple[str, str], set[str]],
    ) -> Iterator[Finding]:
        """An annual or multi-year objective that nothing of the running period aligns to
        (``unit/objective@2026``): the running period is the latest one it encloses that has
        OKR files (a multi-year span's latest year, when it has annual files)."""
        inside = [(p, name) for name, p in periods.items() if p is not None and encloses(span, p)]
        if not span.annual and any(isinstance(p, Years) for p, _ in inside):
            inside = [(p, name) for p, name in inside if isinstance(p, Years)]
        if not inside:
            return  # nothing planned inside it yet
        running = max(inside, key=lambda item: (item[0].start, item[0].end))[1]
        name = str(span)
        yield from self._gaps(
            doc,
            i,
            o,
            ref,
            name,
            lambda r: running in enclosed_by.get((name, r), ()),
            f"no objective of {running} aligns to {span.kind} {name}'s objective '{ref}'; "
            f"align the ones that work on it with `aligns_to: [{ref}@{name}]`, or drop it.",
            lambda r: (
                f"objectives of {running} align to other key results of '{ref}' but "
                f"none to '{r}@{name}'; decide who moves it."
            ),
        )

    def _gaps(
        self,
        doc: OkrDoc,
        i: int,
        o: Objective,
        ref: str,
        period: str,
        covered: Callable[[str], bool],
        whole: str,
        part: Callable[[str], str],
    ) -> Iterator[Finding]:
        """The finding of objective ``i`` when nothing aligns to it nor to any of its key
        results (``whole``), else one for each key result nothing aligns to while others
        are (``part``); ``covered`` says whether something aligns to a reference."""
        kr_refs = [f"{ref}/{k.id}" for k in o.key_results]
        covered_krs = {r for r in kr_refs if covered(r)}
        if not covered(ref) and not covered_krs:
            yield self.at(
                doc,
                ("objectives", i, "id"),
                whole,
                facts=UncoveredParentFacts(objective=ref, quarter=period),
            )
        elif covered_krs:
            for j, r in enumerate(kr_refs):
                if r not in covered_krs:
                    yield self.at(
                        doc,
                        ("objectives", i, "key_results", j, "id"),
                        part(r),
                        facts=UncoveredParentFacts(objective=ref, quarter=period, key_result=r),
                    )


def _aligned_in(targets: set[tuple[str, str]], period: str, ref: str) -> bool:
    return (period, ref) in targets


def _other_krs_aligned(objective: str, kr: str) -> str:
    return (
        f"units align to other key results of '{objective}' but none to '{kr}'; decide "
        "who moves it."
    )


class DependencyOptions(BaseModel):
    """Which roles of unit must acknowledge the units that depend on them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    roles: list[Role] = Field(default_factory=lambda: list(_SUPPORT_ROLES))


class UnacknowledgedDependency(Rule):
    """When a team's objective depends on a platform team, the platform team's OKRs should
    show that support, or the dependency is a hope rather than a commitment. The guidance on
    platform teams at scale has platform teams take up the needs of the teams they
    serve in their own objectives. Support is shown by an objective of the platform unit that
    aligns to the dependent unit's objective or one of its key results."""

    code = "OKR304"
    name = "unacknowledged-dependency"
    severity = "warning"
    summary = "`depends_on` a platform unit whose OKRs show no support for the dependent"
    scope: ClassVar[Scope] = "repo"
    Options = DependencyOptions
    facts = DependencyFacts
    bad = (
        Example(
            variant(
                "    aligns_to: [strategy/retention]\n",
                "    aligns_to: [strategy/retention]\n    depends_on: [payments]\n",
            ),
            others=_others(
                payments=PAYMENTS.replace(
                    "aligns_to: [checkout/effortless-checkout]", "aligns_to: [strategy/retention]"
                )
            ),
        ),
    )
    good = (
        Example(
            variant(
                "    aligns_to: [strategy/retention]\n",
                "    aligns_to: [strategy/retention]\n    depends_on: [payments]\n",
            ),
            others=_others(payments=PAYMENTS),
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        roles = set(ctx.opts(self.code, DependencyOptions).roles)
        # (quarter, unit) -> the objectives its objectives align to (or to a key result of):
        # built once per unit depended on, not scanned once per dependent
        supported: dict[tuple[str, str], set[str]] = {}
        for doc in ctx.valid_docs:
            assert doc.model is not None
            q, me = doc.model.period, doc.model.unit
            for i, o in enumerate(doc.model.objectives):
                mine = f"{me}/{o.id}"
                for d, dep in enumerate(o.depends_on):
                    unit = ctx.units.get(dep)
                    if unit is None or unit.role not in roles:
                        continue
                    supporters = ctx.unit_docs.get((q, dep), [])
                    aligned = supported.get((q, dep))
                    if aligned is None:
                        aligned = supported[(q, dep)] = {
                            "/".join(ref.split("/", 2)[:2])  # ids hold no '/'
                            for sdoc in supporters
                            if sdoc.model is not None
                            for so in sdoc.model.objectives
                            for ref in so.aligns_to
                        }
                    if mine not in aligned:
                        where = (
                            "has no OKRs this quarter"
                            if not supporters
                            else "has no objective that aligns to it"
                        )
                        yield self.at(
                            doc,
                            ("objectives", i, "depends_on", d),
                            f"objective '{mine}' depends on {unit.role} unit '{dep}', "
                            f"which {where}; agree the support and have '{dep}' "
                            f"align an objective to '{mine}'.",
                            facts=DependencyFacts(
                                objective=mine,
                                unit=dep,
                                role=unit.role,
                                has_okrs=bool(supporters),
                            ),
                        )


class CommitmentMixOptions(BaseModel):
    """The share of committed objectives to aim for, how far from it is fine, and the
    fewest objectives a quarter needs before the mix means anything."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    committed_share: float = Field(default=0.6, ge=0, le=1)
    tolerance: float = Field(default=0.2, ge=0, le=1)
    min_objectives: int = Field(default=5, ge=1)


class CommitmentMix(Rule):
    """Committed objectives are promises the organisation plans around; aspirational ones
    stretch. The product head's guide suggests a mix of roughly 60% committed to
    40% aspirational: all committed invites sandbagging, all aspirational leaves nothing to
    rely on. Reported once per quarter, on the file of the highest unit."""

    code = "OKR305"
    name = "commitment-mix"
    severity = "info"
    summary = "the org's committed/aspirational mix far from about 60/40"
    scope: ClassVar[Scope] = "repo"
    Options = CommitmentMixOptions
    facts = CommitmentMixFacts
    bad = (
        Example(
            ACME,
            path="okrs/2026-Q4/acme.yaml",
            others=_others(commerce=COMMERCE, search=SEARCH, payments=PAYMENTS, checkout=GOOD_FILE),
        ),
    )
    good = (
        Example(
            ACME,
            path="okrs/2026-Q4/acme.yaml",
            others=_others(
                commerce=_committed(COMMERCE),
                search=_committed(SEARCH),
                payments=PAYMENTS,
                checkout=_committed(GOOD_FILE),
            ),
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        opts = ctx.opts(self.code, CommitmentMixOptions)
        chains = Chains({uid: u.parent for uid, u in ctx.units.items()})
        depth = {uid: chains.above(uid) for uid in ctx.units}
        for quarter, docs in sorted(ctx.by_quarter.items()):
            objs = [o for d in docs if d.model for o in d.model.objectives]
            if len(objs) < opts.min_objectives:
                continue
            committed = sum(1 for o in objs if o.commitment == "committed")
            share = committed / len(objs)
            if abs(share - opts.committed_share) <= opts.tolerance:
                continue
            top = min(docs, key=lambda d: (depth.get(d.model.unit if d.model else "", 99), d.rel))
            yield self.at(
                top,
                ("objectives",),
                f"{committed} of {len(objs)} objectives in {quarter} are committed "
                f"({share:.0%}); aim for about {opts.committed_share:.0%} committed, "
                "the rest aspirational.",
                facts=CommitmentMixFacts(
                    quarter=quarter,
                    committed=committed,
                    objectives=len(objs),
                    share=share,
                    aim=opts.committed_share,
                    tolerance=opts.tolerance,
                ),
            )
