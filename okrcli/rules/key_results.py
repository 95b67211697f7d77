"""Rules about key results: how many, measurable, outcome rather than output, distinct."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from okrcli.lint.facts import (
    BaselineTargetFacts,
    BinaryKrFacts,
    DuplicateKrFacts,
    KrCountFacts,
    KrFacts,
    SharedCoverageFacts,
)
from okrcli.load.files import OkrDoc
from okrcli.model.okr import Direction, KeyResult
from okrcli.model.quarter import Quarter
from okrcli.rules.base import GOOD_FILE, Example, Finding, HintOptions, Rule, variant
from okrcli.rules.context import Context
from okrcli.rules.indexes import first_alike
from okrcli.wording.reading import read_kr
from okrcli.wording.text import sentence

FOURTH_KR = """\
      - id: saved-cards
        title: Raise the share of repeat orders paid with a saved card
        baseline: 55
        target: 70
"""


class KrCountOptions(BaseModel):
    """How many key results an objective may have."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    min: int = Field(default=3, ge=1)
    max: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> KrCountOptions:
        if self.min > self.max:
            raise ValueError("min must not be above max")
        return self


def _each_kr(doc: OkrDoc) -> Iterator[tuple[int, int, KeyResult]]:
    assert doc.model is not None
    for i, o in enumerate(doc.model.objectives):
        for j, k in enumerate(o.key_results):
            yield i, j, k


def _ref(doc: OkrDoc, i: int, k: KeyResult) -> str:
    """The key result's ref, 'unit/objective/kr' (made only for a finding)."""
    assert doc.model is not None
    return f"{doc.model.unit}/{doc.model.objectives[i].id}/{k.id}"


class _KrHeuristic(Rule):
    """Shared loop: read each key result's title (once, memoised) and report one shape;
    a weak reading is an info hint, which ``hints: false`` turns off."""

    Options = HintOptions
    facts = KrFacts
    advice = ""
    field = ""
    # a key result the team declared binary is judged by binary-kr alone
    skip_declared_binary = False

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        hints = ctx.opts(self.code, HintOptions).hints
        for i, j, k in _each_kr(doc):
            if self.skip_declared_binary and k.binary:
                continue
            shape = read_kr(k.title, ctx.lexicon)
            why = getattr(shape, self.field)
            weak = self.field in shape.hints
            if why and (hints or not weak):
                yield self.at(
                    doc,
                    ("objectives", i, "key_results", j, "title"),
                    f"key result '{k.id}' {why}. {self.advice}",
                    hint=weak,
                    facts=KrFacts(key_result=_ref(doc, i, k), weak=weak),
                )


class KrCount(Rule):
    """Three to five key results per objective: fewer rarely show the objective from more
    than one side, more spread the team thin. Both the product OKR guide and the
    product head's guide settle on this range."""

    code = "OKR201"
    name = "kr-count"
    severity = "error"
    summary = "fewer than 3 or more than 5 KRs (range configurable)"
    Options = KrCountOptions
    facts = KrCountFacts
    bad = (Example(GOOD_FILE[: GOOD_FILE.index("      - id: repeat-time")]),)
    good = (Example(GOOD_FILE), Example(GOOD_FILE + FOURTH_KR))

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        opts = ctx.opts(self.code, KrCountOptions)
        unit = doc.model.unit
        for i, o in enumerate(doc.model.objectives):
            n = len(o.key_results)
            if opts.min <= n <= opts.max:
                continue
            facts = KrCountFacts(objective=f"{unit}/{o.id}", count=n, min=opts.min, max=opts.max)
            if n < opts.min:
                yield self.at(
                    doc,
                    ("objectives", i, "key_results") if n else ("objectives", i),
                    f"objective '{o.id}' has {n} key result{'s' if n != 1 else ''}; "
                    f"give it {opts.min} to {opts.max} that together show it is met.",
                    facts=facts,
                )
            elif n > opts.max:
                yield self.at(
                    doc,
                    ("objectives", i, "key_results", opts.max),
                    f"objective '{o.id}' has {n} key results; keep the {opts.max} that "
                    "best show progress and drop the rest.",
                    facts=facts,
                )


def _objective_id(doc: OkrDoc, i: int) -> str:
    assert doc.model is not None
    return doc.model.objectives[i].id


_Previous = tuple[Quarter, dict[tuple[str, str], KeyResult]]


def _previous(doc: OkrDoc, ctx: Context) -> _Previous | None:
    """The file's quarter and its unit's key results the quarter before, by objective and
    key result id (found once per file; a key result is then one look-up), or None when
    there are none."""
    assert doc.model is not None
    q = Quarter.parse(doc.model.period, ctx.repo.config.fiscal_year_start_month)
    if q is None:
        return None
    prev_docs = ctx.unit_docs.get((str(q.previous()), doc.model.unit))
    if not prev_docs:
        return None
    before: dict[tuple[str, str], KeyResult] = {}
    for prev_doc in prev_docs:
        assert prev_doc.model is not None
        for o in prev_doc.model.objectives:
            first: dict[str, KeyResult] = {}
            for x in o.key_results:
                first.setdefault(x.id, x)
            # a later objective of the same id wins, as the first key result of an id within it
            before.update({(o.id, kid): x for kid, x in first.items()})
    return q, before


def _flipped(previous: _Previous, objective: str, k: KeyResult) -> str | None:
    """What to say when a key result points the other way than it did the quarter before
    (the mark of a carry-over that started it beyond its old target), else None. A
    declared ``direction`` says the turn is meant."""
    q, krs_before = previous
    now = k.effective_direction()
    if now not in (Direction.INCREASE, Direction.DECREASE):
        return None
    before = krs_before.get((objective, k.id))
    if before is None or before.binary:
        return None
    then = before.effective_direction()
    if then not in (Direction.INCREASE, Direction.DECREASE) or then == now:
        return None
    way = {Direction.INCREASE: "up", Direction.DECREASE: "down"}
    side = "above" if then == Direction.INCREASE else "below"
    return (
        f"key result '{k.id}' now points {way[now]} (from {k.baseline} to {k.target}), but in "
        f"{q.previous()} it went {way[then]} (from {before.baseline} to {before.target}): "
        f"carried over past its old target? Set a target {side} {k.baseline}, or declare "
        f"direction: {now.value} if the aim really turned."
    )


def _values(
    doc: OkrDoc,
    i: int,
    k: KeyResult,
    problem: Literal["missing", "equal", "against direction", "turned"],
) -> BaselineTargetFacts:
    """missing-baseline-or-target's facts about key result ``k`` of objective ``i``."""
    return BaselineTargetFacts(
        key_result=_ref(doc, i, k),
        problem=problem,
        missing=tuple(n for n in ("baseline", "target") if getattr(k, n) is None),
        baseline=k.baseline,
        target=k.target,
        direction=k.direction.value if k.direction is not None else None,
    )


class MissingBaselineOrTarget(Rule):
    """A key result is a metric with a starting point and a destination: where it stands
    when the quarter starts and where the team aims to take it. The product OKR guide asks
    for the metric, its current state and the target; without the baseline no one
    can tell progress from noise, and a target equal to the baseline asks for no change. A
    key result carried over after beating its target must not quietly turn round: one that
    points the other way than last quarter, without a declared direction, is reported."""

    code = "OKR202"
    name = "missing-baseline-or-target"
    severity = "error"
    summary = "a KR without baseline or target, or with target equal to baseline"
    facts = BaselineTargetFacts
    bad = (
        Example(variant("        baseline: 30\n", "")),
        Example(variant("target: 34", "target: 30")),
        # beat 34 at 35 last quarter; carried over with the old target, it now points down
        Example(
            variant("baseline: 30\n        target: 34", "baseline: 35\n        target: 34"),
            others={"okrs/2026-Q3/checkout.yaml": GOOD_FILE.replace("2026-Q4", "2026-Q3")},
        ),
    )
    good = (Example(GOOD_FILE),)

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        previous = _previous(doc, ctx)
        for i, j, k in _each_kr(doc):
            path = ("objectives", i, "key_results", j)
            if k.binary:
                continue
            missing = [n for n in ("baseline", "target") if getattr(k, n) is None]

            if missing == ["target"] and k.direction in (Direction.INCREASE, Direction.DECREASE):
                side = "above" if k.direction == Direction.INCREASE else "below"
                yield self.at(
                    doc,
                    (*path, "id"),
                    f"key result '{k.id}' has no target; set one {side} its baseline "
                    f"({k.baseline}), as direction: {k.direction.value} says (a key result "
                    "carried over after reaching its target needs a new one).",
                    facts=_values(doc, i, k, "missing"),
                )
                continue
            if missing:
                yield self.at(
                    doc,
                    (*path, "id"),
                    f"key result '{k.id}' has no {' and no '.join(missing)}; add "
                    f"{' and '.join(missing)} so progress can be measured.",
                    facts=_values(doc, i, k, "missing"),
                )
                continue
            assert k.baseline is not None and k.target is not None
            d = k.direction
            if k.baseline == k.target and d in (None, Direction.INCREASE, Direction.DECREASE):
                yield self.at(
                    doc,
                    (*path, "target"),
                    f"key result '{k.id}' has target equal to its baseline "
                    f"({k.target}); set the level to reach, or declare direction: "
                    "stay_above or stay_below to hold a level.",
                    facts=_values(doc, i, k, "equal"),
                )
            elif (d == Direction.INCREASE and k.target < k.baseline) or (
                d == Direction.DECREASE and k.target > k.baseline
            ):
                yield self.at(
                    doc,
                    (*path, "direction"),
                    f"key result '{k.id}' says direction: {d.value} but its target "
                    f"({k.target}) lies the other way from its baseline "
                    f"({k.baseline}); fix one of them.",
                    facts=_values(doc, i, k, "against direction"),
                )
            elif (
                d is None
                and previous is not None
                and (flipped := _flipped(previous, _objective_id(doc, i), k))
            ):
                yield self.at(doc, (*path, "target"), flipped, facts=_values(doc, i, k, "turned"))


class BinaryKr(Rule):
    """A done/not-done result ("ship X", a target of 1 from 0) tells nothing until the last
    day. The product OKR guide keeps binary key results for the rare case where
    nothing better exists; then declare it ``binary: true`` and check in a ``confidence``
    so the weeks before the end still say how likely it is to happen."""

    code = "OKR203"
    name = "binary-kr"
    severity = "warning"
    summary = 'a done/not-done KR ("ship X", a 0 to 1 target) not declared binary'
    Options = HintOptions
    facts = BinaryKrFacts
    bad = (
        Example(
            variant(
                "title: Raise checkout conversion of returning customers\n"
                "        baseline: 30\n        target: 34",
                "title: One-click reorder is live for all customers\n"
                "        baseline: 0\n        target: 1",
            )
        ),
    )
    good = (
        Example(GOOD_FILE),
        Example(
            variant(
                "title: Raise checkout conversion of returning customers\n"
                "        baseline: 30\n        target: 34",
                "title: Card payments pass the PCI audit\n"
                "        binary: true\n        confidence: 0.8",
            )
        ),
    )

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        hints = ctx.opts(self.code, HintOptions).hints
        for i, j, k in _each_kr(doc):
            path = ("objectives", i, "key_results", j)
            if k.binary:
                if k.confidence is None:
                    yield self.at(
                        doc,
                        (*path, "binary"),
                        f"key result '{k.id}' is binary but has no confidence; add "
                        "confidence: 0.0-1.0 and update it at each check-in.",
                        facts=BinaryKrFacts(key_result=_ref(doc, i, k), problem="no confidence"),
                    )
                continue
            # a declared stay_above / stay_below from 0 to 1 is a threshold, not done/not-done
            threshold = k.direction in (Direction.STAY_ABOVE, Direction.STAY_BELOW)
            if k.baseline == 0 and k.target == 1 and k.unit is None and not threshold:
                yield self.at(
                    doc,
                    (*path, "target"),
                    f"key result '{k.id}' goes from 0 to 1, a done/not-done result; "
                    "measure the outcome it should bring, or declare binary: true "
                    "with a confidence.",
                    facts=BinaryKrFacts(key_result=_ref(doc, i, k), problem="zero to one"),
                )
                continue
            shape = read_kr(k.title, ctx.lexicon)
            weak = "done" in shape.hints
            if shape.done and (hints or not weak):
                yield self.at(
                    doc,
                    (*path, "title"),
                    f"key result '{k.id}' {shape.done}. Measure the outcome it should "
                    "bring (a level from a baseline to a target), or declare binary: true "
                    "with a confidence.",
                    hint=weak,
                    facts=BinaryKrFacts(
                        key_result=_ref(doc, i, k), problem="deliverable", weak=weak
                    ),
                )


class VanityKr(_KrHeuristic):
    """Totals that only grow (all-time sign-ups, page views, followers) rise whatever the
    team does and say nothing about value delivered. The product OKR guide warns
    against such vanity results and prefers rates and ratios: active users, conversion,
    retention, a count per week."""

    code = "OKR204"
    name = "vanity-kr"
    severity = "warning"
    summary = "totals that only grow and counts that show no value"
    bad = (
        Example(
            variant(
                "Raise checkout conversion of returning customers",
                "Grow total page views of the checkout",
            )
        ),
    )
    good = (Example(GOOD_FILE),)

    field = "vanity"
    advice = "Measure a rate or a share (per week, per visitor, active, converted) instead."


class InitiativeKr(_KrHeuristic):
    """A key result is an outcome, not a to-do item: "launch the new onboarding", "run 5
    workshops" are the work, and the key result is the change that work should cause. The
    product head's guide says OKRs are not a to-do list, and the product-org mistakes piece
    keeps initiatives apart from key results. Put the work under the objective's
    ``initiatives``. A key result declared ``binary: true`` is a deliberate done/not-done
    result and is left to binary-kr."""

    code = "OKR205"
    name = "initiative-kr"
    severity = "warning"
    summary = 'a KR that is a task or output ("launch", "run 5 workshops")'
    bad = (
        Example(
            variant(
                "Raise checkout conversion of returning customers",
                "Launch the redesigned checkout page",
            )
        ),
        Example(
            variant(
                "Raise checkout conversion of returning customers",
                "Run 5 usability workshops with returning customers",
            )
        ),
    )
    good = (
        Example(GOOD_FILE),
        Example(
            variant(
                "        title: Raise checkout conversion of returning customers\n"
                "        baseline: 30\n        target: 34\n",
                "        title: Checkout passes the yearly card-security audit\n"
                "        baseline: 0\n        target: 1\n        binary: true\n"
                "        confidence: 0.7\n",
            )
        ),
    )

    field = "task"
    skip_declared_binary = True
    advice = (
        "Move the work to the objective's initiatives and write the key result as the change "
        "it should cause, from a baseline to a target ('Raise weekly active teams from 40 to "
        "55')."
    )


class DuplicateKrOptions(BaseModel):
    """How alike two titles must be (share of content words in common, 0 to 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    similarity: float = Field(default=0.75, gt=0, le=1)


_SKIP = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "in",
        "on",
        "by",
        "from",
        "with",
        "and",
        "our",
        "at",
        "per",
        "all",
        "more",
        "less",
        "than",
        "we",
        "us",
        "its",
        "their",
    }
)


def _content(title: str, ctx: Context) -> frozenset[str]:
    """The stems of a title's content words (memoised with the word lists)."""
    lex = ctx.lexicon
    memo = lex.memo["content"]
    found = memo.get(title)
    if found is None:
        s = sentence(title, lex)
        found = memo[title] = frozenset(
            st
            for st, tok in zip(s.stems, s.toks, strict=True)
            if tok not in _SKIP
            and not tok[0].isdigit()
            and st not in lex.outcome_verbs
            and st not in lex.task_verbs
        )
    assert isinstance(found, frozenset)
    return found


class DuplicateKr(Rule):
    """Each key result should show the objective from its own side; two that measure the
    same thing double-count one signal and leave a side unmeasured. The product OKR guide
    asks for distinct key results. Two key results of one objective are duplicates
    when they name the same ``metric`` or their titles share almost all their words."""

    code = "OKR206"
    name = "duplicate-kr"
    severity = "warning"
    summary = "two KRs of one objective measuring the same thing"
    Options = DuplicateKrOptions
    facts = DuplicateKrFacts
    bad = (
        Example(
            variant(
                "Cut median time to complete a repeat order",
                "Raise conversion of returning customers at checkout",
            )
        ),
    )
    good = (Example(GOOD_FILE),)

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        threshold = ctx.opts(self.code, DuplicateKrOptions).similarity
        for i, o in enumerate(doc.model.objectives):
            krs = o.key_results
            # the first earlier key result alike to each: by metric through a dict, by title
            # through an index (an objective may hold thousands; never every pair)
            alike = first_alike([_content(k.title, ctx) for k in krs], threshold)
            first_of: dict[str, int] = {}
            for j, k in enumerate(krs):
                e = alike[j]
                if k.metric is not None:
                    m = first_of.setdefault(k.metric, j)
                    if m < j and (e is None or m < e):
                        e = m
                if e is None:
                    continue
                other = krs[e]
                same_metric = k.metric is not None and k.metric == other.metric
                what = (
                    f"measures metric '{k.metric}' like"
                    if same_metric
                    else "says almost the same as"
                )
                yield self.at(
                    doc,
                    ("objectives", i, "key_results", j, "title"),
                    f"key result '{k.id}' {what} '{other.id}'; merge them or "
                    "measure another side of the objective.",
                    facts=DuplicateKrFacts(
                        key_result=_ref(doc, i, k),
                        other=_ref(doc, i, other),
                        metric=k.metric if same_metric else None,
                    ),
                )


_SHARED_HEAD = "    aligns_to: [strategy/retention]\n"


class SharedKrCoverage(Rule):
    """A shared objective (format 1.2) is owned by several units; the product head's guide
    asks for key results that complement each other, each unit measuring its own part,
    beside shared ones that measure what all of them achieve together. A shared objective
    with no key result of some sharing unit, and none owned by all (``owner: shared``),
    leaves that unit sharing a goal it has nothing to show for: give it a key result of its
    own, or add a shared one."""

    code = "OKR207"
    name = "shared-kr-coverage"
    severity = "warning"
    summary = (
        "a shared objective without a key result for each sharing unit and without a "
        "`shared` one (format 1.2)"
    )
    facts = SharedCoverageFacts
    bad = (Example(variant(_SHARED_HEAD, _SHARED_HEAD + "    shared_with: [search]\n")),)
    good = (
        Example(
            variant(
                _SHARED_HEAD,
                _SHARED_HEAD + "    shared_with: [search]\n",
                variant("        baseline: 95\n", "        owner: search\n        baseline: 95\n"),
            )
        ),
        Example(
            variant(
                _SHARED_HEAD,
                _SHARED_HEAD + "    shared_with: [search]\n",
                variant("        baseline: 30\n", "        owner: shared\n        baseline: 30\n"),
            )
        ),
    )

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        me = doc.model.unit
        for i, o in enumerate(doc.model.objectives):
            if not o.shared_with:
                continue
            owners = {k.owner or me for k in o.key_results}
            if "shared" in owners:
                continue
            units = tuple(dict.fromkeys([me, *o.shared_with]))
            missing = tuple(u for u in units if u not in owners)
            if not missing:
                continue
            names = ", ".join(f"'{u}'" for u in missing)
            yield self.at(
                doc,
                ("objectives", i, "shared_with"),
                f"objective '{o.id}' is shared, but no key result is owned by {names} and "
                "none by all (`owner: shared`); give each sharing unit a key result of its "
                "own, or add one they move together.",
                facts=SharedCoverageFacts(objective=f"{me}/{o.id}", units=units, missing=missing),
            )
