"""Rules about objectives: focus, qualitative wording, scope and alignment."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from okrcli.lint.facts import LaggingOnlyFacts, ObjectiveFacts, TooManyObjectivesFacts
from okrcli.load.files import OkrDoc
from okrcli.rules.base import GOOD_FILE, Example, Finding, HintOptions, Rule, variant
from okrcli.rules.context import Context
from okrcli.wording.reading import ObjectiveShape, read_objective

SECOND_OBJECTIVE = """\
  - id: faster-search
    title: Help shoppers find what they came for
    aligns_to: [strategy/retention]
    key_results:
      - {id: zero-results, title: Lower the share of searches with no result, baseline: 9, target: 5}
      - {id: search-exit, title: Cut the exit rate from search result pages, baseline: 41, target: 33}
      - {id: click-rate, title: Raise the click rate on the first three results, baseline: 22, target: 30}
"""


class TooManyObjectivesOptions(BaseModel):
    """The most objectives a unit may have in a quarter, by level."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    team: int = Field(default=1, ge=1)
    department: int = Field(default=3, ge=1)
    business_unit: int = Field(default=3, ge=1, alias="business-unit")
    company: int = Field(default=5, ge=1)


class TooManyObjectives(Rule):
    """Focus: a team pursues one objective a quarter, and higher levels only a few. The product
    OKR guide argues for a single objective per team so the team's key results all
    pull one way; the product head's guide warns that every added objective
    dilutes the attention the first one gets."""

    code = "OKR101"
    name = "too-many-objectives"
    severity = "error"
    summary = "more objectives in a unit's quarter than allowed (teams: 1)"
    Options = TooManyObjectivesOptions
    facts = TooManyObjectivesFacts
    bad = (Example(GOOD_FILE + SECOND_OBJECTIVE),)
    good = (Example(GOOD_FILE),)

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        unit = ctx.units.get(doc.model.unit)
        if unit is None:
            return
        opts = ctx.opts(self.code, TooManyObjectivesOptions)
        limit = {
            "team": opts.team,
            "department": opts.department,
            "business-unit": opts.business_unit,
            "company": opts.company,
        }[unit.level]
        shared = ctx.shared_to.get((doc.model.period, unit.id), [])
        n = len(doc.model.objectives) + len(shared)
        if n > limit:
            also = f" ({len(shared)} shared with it from other files)" if shared else ""
            yield self.at(
                doc,
                ("objectives", min(limit, len(doc.model.objectives) - 1))
                if doc.model.objectives
                else ("objectives",),
                f"{unit.level} '{unit.id}' has {n} objectives this "
                f"{_period_word(doc.model.period_field)}{also}; at most "
                f"{limit} keeps the focus. Pick the one that matters most and move "
                "the rest to a later quarter.",
                facts=TooManyObjectivesFacts(unit=unit.id, level=unit.level, count=n, limit=limit),
            )


def _period_word(field: str) -> str:
    """quarter, year or period (format 1.2: a span of years), for a sentence."""
    return {"year": "year", "years": "period"}.get(field, "quarter")


class _ObjectiveHeuristic(Rule):
    """Shared loop: read each objective's title once and report one shape."""

    facts = ObjectiveFacts

    def reason(self, shape: ObjectiveShape) -> str | None:
        raise NotImplementedError

    advice = ""

    field = ""  # an ObjectiveShape field that can be a weak reading (an info hint)
    joint = ": "  # between the objective's id and the reason

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        hints = not self.field or ctx.opts(self.code, HintOptions).hints
        for i, o in enumerate(doc.model.objectives):
            shape = read_objective(o.title, ctx.lexicon)
            why = self.reason(shape)
            weak = self.field in shape.hints
            if why and (hints or not weak):
                yield self.at(
                    doc,
                    ("objectives", i, "title"),
                    f"objective '{o.id}'{self.joint}{why}. {self.advice}",
                    hint=weak,
                    facts=ObjectiveFacts(objective=f"{doc.model.unit}/{o.id}", weak=weak),
                )


class MetricInObjective(_ObjectiveHeuristic):
    """Objectives are qualitative: they say what the unit wants to make true and why it
    matters, and the key results carry the numbers. The product head's guide
    keeps metrics out of objectives; an objective with a number in it is a key result
    promoted one level too high, and leaves nothing for the key results to measure."""

    code = "OKR102"
    name = "metric-in-objective"
    severity = "warning"
    summary = "an objective that carries numbers or metrics"
    bad = (
        Example(
            variant(
                "Make checkout effortless for returning customers",
                "Increase checkout conversion by 15%",
            )
        ),
    )
    good = (Example(GOOD_FILE),)
    advice = "Say the change in words and move the number into a key result."

    def reason(self, shape: ObjectiveShape) -> str | None:
        return shape.metric


class CatchAllObjective(_ObjectiveHeuristic):
    """An objective so broad that any work fits under it ("improve communication", "keep
    doing our business") is business as usual in disguise. The cascading guidance
    calls out catch-all objectives, and the product-org mistakes piece separates
    the running of the business from the few changes a quarter is for."""

    code = "OKR103"
    name = "catch-all-objective"
    severity = "warning"
    summary = 'business-as-usual or vague objectives ("keep doing our business")'
    bad = (
        Example(
            variant(
                "Make checkout effortless for returning customers",
                "Keep doing our business as usual",
            )
        ),
    )
    good = (Example(GOOD_FILE),)
    Options = HintOptions
    field = "catch_all"
    joint = " "  # "objective 'x' reads as a catch-all: ..."
    advice = "Name who benefits and what will be different at the end of the quarter."

    def reason(self, shape: ObjectiveShape) -> str | None:
        return shape.catch_all


class NotQuarterScoped(_ObjectiveHeuristic):
    """An objective a team cannot move within a quarter ("become the market leader", "grow
    annual revenue") gives no signal at the quarter's end. The product OKR guide
    lists such objectives among the unproductive ones: put the long horizon in the strategy
    themes and make the objective the part of it this quarter can change."""

    code = "OKR104"
    name = "not-quarter-scoped"
    severity = "warning"
    summary = 'objectives no team can progress in a quarter ("become the market leader in ...")'
    bad = (
        Example(
            variant(
                "Make checkout effortless for returning customers",
                "Become the market leader in online checkout",
            )
        ),
    )
    good = (Example(GOOD_FILE),)
    advice = "Keep the long horizon in a strategy theme; aim the objective at this quarter."

    def reason(self, shape: ObjectiveShape) -> str | None:
        return shape.long_horizon


class CompetitorParity(_ObjectiveHeuristic):
    """Chasing a competitor's feature list makes their roadmap yours and names no customer
    problem. The product OKR guide counts parity objectives among the unproductive
    ones: aim at the outcome customers want, which may need less than the competitor built."""

    code = "OKR105"
    name = "competitor-parity"
    severity = "warning"
    summary = "objectives that chase a competitor's feature set"
    bad = (
        Example(
            variant(
                "Make checkout effortless for returning customers",
                "Reach feature parity with our main competitor's checkout",
            )
        ),
    )
    good = (Example(GOOD_FILE),)
    advice = "Say which customer problem the features would solve, and aim at that."

    def reason(self, shape: ObjectiveShape) -> str | None:
        return shape.parity


class UnalignedObjective(Rule):
    """Below the company level, every objective should say what it helps make true: a parent
    unit's objective or key result, or a strategy theme. The cascading guidance
    asks teams to connect upward to strategy rather than copy their parent's numbers."""

    code = "OKR106"
    name = "unaligned-objective"
    severity = "info"
    summary = "an objective below company level that aligns to nothing"
    facts = ObjectiveFacts
    bad = (Example(variant("    aligns_to: [strategy/retention]\n", "")),)
    good = (Example(GOOD_FILE),)

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        unit = ctx.units.get(doc.model.unit)
        if unit is None or unit.level == "company":
            return
        for i, o in enumerate(doc.model.objectives):
            if not o.aligns_to:
                yield self.at(
                    doc,
                    ("objectives", i, "id"),
                    f"objective '{o.id}' aligns to nothing; add aligns_to with the "
                    "parent objective, key result or strategy theme it serves.",
                    facts=ObjectiveFacts(objective=f"{doc.model.unit}/{o.id}"),
                )


def _indicators(*kinds: str) -> str:
    """GOOD_FILE with its three key results declared ``indicator:`` as given."""
    text = GOOD_FILE
    for kr, kind in zip(
        ("baseline: 30\n", "baseline: 95\n", "baseline: 2.4\n"), kinds, strict=True
    ):
        text = text.replace(kr, f"{kr}        indicator: {kind}\n", 1)
    return text


class LaggingOnly(Rule):
    """Format 1.2 lets a key result say whether it is a leading indicator (it predicts the
    outcome: activation, engagement, pipeline) or a lagging one (it records the outcome once
    it happened: revenue, churn, NPS). The product head's guide asks for both
    beside each other when balancing long-term goals with short-term progress: a lagging
    number alone moves only after the quarter's work is done, too late to steer by, while a
    leading one shows within weeks whether the work is paying off. An objective whose key
    results are all declared lagging has nothing to steer by during the quarter; add a
    leading key result that predicts the outcome."""

    code = "OKR107"
    name = "lagging-only"
    severity = "info"
    summary = "an objective whose key results are all declared `indicator: lagging` (format 1.2)"
    facts = LaggingOnlyFacts
    bad = (Example(_indicators("lagging", "lagging", "lagging")),)
    good = (Example(_indicators("leading", "lagging", "lagging")), Example(GOOD_FILE))

    def check_file(self, doc: OkrDoc, ctx: Context) -> Iterator[Finding]:
        assert doc.model is not None
        for i, o in enumerate(doc.model.objectives):
            krs = o.key_results
            if krs and all(k.indicator == "lagging" for k in krs):
                yield self.at(
                    doc,
                    ("objectives", i, "id"),
                    f"objective '{o.id}': all {len(krs)} key results are lagging indicators, "
                    "which move only once the outcome has happened; add a leading one that "
                    "predicts it (activation, engagement, pipeline) to steer by during the "
                    "period.",
                    facts=LaggingOnlyFacts(
                        objective=f"{doc.model.unit}/{o.id}", key_results=len(krs)
                    ),
                )
