"""What the heuristic rules read in a title: a verdict, how sure, and why in plain words.

Key results and catch-all objectives are judged by the model in ``model.py`` over the
features in ``features.py``; the reason a finding gives is built from the features that pushed
hardest towards it ("reads as a task: starts with 'implement' and names no measure"). Numbers,
horizons and competitor parity in objectives are read by the shapes in ``text.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from okrcli.wording import model as judgement
from okrcli.wording.features import Reading, kr_features, objective_features
from okrcli.wording.text import objective_shapes

if TYPE_CHECKING:
    from okrcli.wording.lexicon import Lexicon
    from okrcli.wording.model import Model

# How each feature reads in a message; {w} is the words that made it fire.
WHY: dict[str, str] = {
    "lead_task": "it starts with the task verb '{w}'",
    "task_no_amount": "it starts with '{w}' and names no measure",
    "task_unmeasured_count": "its number counts work done, not a level reached",
    "counted_output": "it counts work produced ('{w}')",
    "task_reach": "it counts the people the work reaches ('{w}'), not what changes for them",
    "deliverable_noun": "it names a deliverable ('{w}')",
    "noun_phrase_only": "it names a piece of work, with no verb and no measure",
    "no_amount": "it states no number to reach",
    "present_state_no_amount": "it says a thing is in place ('{w}') rather than how much changed",
    "state_no_amount": "'{w}' says a thing is done or in place, not how much changed",
    "subject_no_amount": "it names a thing ('{w}') and no number to reach",
    "done_word": "'{w}' is a state that is either reached or not",
    "state_done": "'{w}' is a state that is either reached or not",
    "aux_participle": "'{w}' describes work done, not a level reached",
    "participle": "'{w}' describes work done, not a level reached",
    "lead_participle": "'{w}' describes work done, not a level reached",
    "always_never": "'{w}' is a yes/no condition",
    "lead_loose": "it opens with '{w}', which introduces work rather than a result",
    "vague_no_measure": "'{w}' asks for improvement but names no measure",
    "universal": "'{w}' of a piece of work is a to-do list, not a level",
    "role_noun": "it counts hires or roles ('{w}')",
    "people_noun": "it counts the people reached ('{w}')",
    "people_count": "it counts the people reached ('{w}'), not what changes for them",
    "cadence": "it describes an activity repeated {w}",
    "recurring_work": "it is an activity repeated {w}, with no level to reach",
    "per_period": "it counts work done in a period, not a level reached",
    "work_share": "it counts a share of the work done ('{w}')",
    "others_decide": "it is done or not by someone else's act ('{w}')",
    "measured": "its number measures the work rather than what the work changes",
    "present_state": "'{w}' says a thing is in place, not how much changed",
    "metric_no_amount": "it names a measure ('{w}') but no number to reach",
    # vanity
    "vanity_noun": "'{w}' is a count that grows with any activity and says nothing about value",
    "social_noun": "a {w} count is reach, not value",
    "total_word": "a running total only grows",
    "number_of": "'the number of' something, not a rate",
    # objectives
    "few_words": "it is too short to say for whom or what changes",
    "three_words": "it is too short to say for whom or what changes",
    "catch_all_phrase": "'{w}' describes business as usual, not a change to make",
    "all_generic": "'{w}' is so broad that any work fits under it",
    "some_generic": "'{w}' is a broad area rather than a change",
    "bare_improve": "'{w}' asks for more of something broad, for no one in particular",
    "be_more": "'{w} ...' names no one who benefits and no change to see",
    "verb_list": "it strings several verbs together, so it commits to none of them",
    "no_verb": "it is a heading (an area of work) rather than a change to make",
    "heading": "it is a heading (an area of work) rather than a change to make",
    "lead_noun": "it opens with a noun ('{w}'), not a verb",
    "parenthesis": "it lists an area of work in brackets rather than a change",
    "two_aims": "it joins two aims ('{w}'), so it commits to neither",
    "no_change_named": "it names no one who benefits and no change to see",
    "clause": "it says what someone does ('{w}') but not what changes",
}
# features that make a task-like key result a done/not-done one (OKR203) rather than work (OKR205)
DONE_FEATURES = frozenset(
    {
        "done_word",
        "aux_participle",
        "participle",
        "lead_participle",
        "present_state_no_amount",
        "always_never",
        "state_done",
        "state_no_amount",
    }
)


_VANITY_MORE = ("total_word", "social_noun", "number_of")
# a warning says what the title reads as; an info hint says what it may read as
_READS = {"warn": "reads as", "hint": "may read as"}
# a count turned into a rate, a share or a change from a baseline is not a vanity total
_RATE = frozenset({"rate_word", "share_of", "per_period", "from_to", "lead_reduce", "window"})


_QUOTES = "'\"\u2018\u2019\u201c\u201d`"
# a clause left out after another that says the same or the opposite ("starts with 'kick
# off'" then "with no verb")
_CLASHES = {
    "noun_phrase_only": frozenset(
        {"lead_task", "task_no_amount", "subject_no_amount", "lead_loose"}
    ),
    "no_amount": frozenset({"task_no_amount", "subject_no_amount", "noun_phrase_only"}),
    "no_verb": frozenset({"lead_task", "task_no_amount", "lead_loose"}),
}


def _because(
    model: Model, reading: Reading, most: int = 2, skip: frozenset[str] = frozenset()
) -> str:
    """The clauses of the features that pushed hardest towards the finding."""
    ranked = [k for k in model.reasons(reading, most + 3 + len(skip)) if k not in skip]
    if "task_no_amount" in reading and "lead_task" in ranked:
        # "it starts with 'implement' and names no measure" says both at once
        ranked[ranked.index("lead_task")] = "task_no_amount"
        ranked = [k for k in ranked if k != "no_amount"]
    if len(ranked) > 1 and "no_amount" in ranked:
        ranked.remove("no_amount")  # the least telling reason: kept only when alone
    parts: list[str] = []
    quoted: set[str] = set()
    for k in ranked:
        if len(parts) >= most or (_CLASHES.get(k, frozenset()) & set(ranked[: ranked.index(k)])):
            continue
        # the words as read, without the quotes a title may put round them ("'Ship' it")
        w = reading.get(k, "").strip(_QUOTES)
        if "{w}" in WHY.get(k, "") and (not w or w in quoted):
            continue  # a clause with no words to quote, or quoting what another already did
        clause = WHY.get(k, "").format(w=w)
        if clause and clause not in parts:
            parts.append(clause)
            quoted.add(w)
    if not parts:
        return "its wording has the shape of that kind"
    # "it starts with 'x' and names no measure, and it names ...": one "and" per clause
    joint = ", and " if any(" and " in p for p in parts) else " and "
    return joint.join(parts)


def _memo(lex: Lexicon, kind: str, text: str, read: Callable[[str, Lexicon], object]) -> object:
    """Several rules read the same title: read it once per word lists."""
    memo = lex.memo[kind]
    found = memo.get(text)
    if found is None:
        found = memo[text] = read(text, lex)
    return found


@dataclass(frozen=True, slots=True)
class KrShape:
    """What the heuristics read in a key result's title; each field is a reason or None.
    ``hints`` names the fields that are weak readings (reported as ``info``)."""

    task: str | None = None
    done: str | None = None
    vanity: str | None = None
    hints: frozenset[str] = frozenset()


def read_kr(text: str, lex: Lexicon) -> KrShape:
    """Read a key result's title for task, done/not-done and vanity shapes (memoised per
    word lists, since several rules read the same title)."""
    found = _memo(lex, "kr", text, _read_kr)
    assert isinstance(found, KrShape)
    return found


def _read_kr(text: str, lex: Lexicon) -> KrShape:
    reading = kr_features(text, lex)
    m = judgement.models()
    task = done = vanity = None
    hints: set[str] = set()
    level = m.task.level(reading)
    if "metric_no_amount" in reading:
        # a metric named with no number lacks a target (OKR202 reads the target field), it is
        # no task: at most a hint
        level = "hint" if level is not None else None
    if level is not None:
        reads = _READS[level]
        if "lead_task" not in reading and DONE_FEATURES & reading.keys():
            done = f"{reads} done-or-not: {_because(m.task, reading)}"
            field = "done"
        else:
            # after a task verb a participle is an adjective ("launch the redesigned page")
            task = f"{reads} a task: {_because(m.task, reading, skip=DONE_FEATURES)}"
            field = "task"
        if level == "hint":
            hints.add(field)
    if (
        "vanity_noun" in reading
        and ("amount" in reading or "lead_outcome" in reading)
        and not _RATE & reading.keys()
    ):
        # twenty labelled examples cannot carry a model: a total of a count that grows with
        # any activity, asked to grow, and nothing that makes it a rate or a share
        extra = next((WHY[k] for k in _VANITY_MORE if k in reading), "")
        vanity = "reads as a vanity count: " + WHY["vanity_noun"].format(w=reading["vanity_noun"])
        if extra:
            vanity += f" ({extra.format(w=reading.get('social_noun', ''))})"
    return KrShape(task, done, vanity, frozenset(hints))


@dataclass(frozen=True, slots=True)
class ObjectiveShape:
    """What the heuristics read in an objective's title."""

    metric: str | None = None
    catch_all: str | None = None
    long_horizon: str | None = None
    parity: str | None = None
    hints: frozenset[str] = frozenset()


def read_objective(text: str, lex: Lexicon) -> ObjectiveShape:
    """Read an objective's title for numbers, catch-all phrasing, horizon and parity."""
    found = _memo(lex, "objective", text, _read_objective)
    assert isinstance(found, ObjectiveShape)
    return found


def _bare(reading: Reading) -> bool:
    """A heading of a word or two with no verb, or "be more X", naming no change."""
    short = "few_words" in reading or "three_words" in reading
    return ("no_verb" in reading and "few_words" in reading and "no_change_named" in reading) or (
        "be_more" in reading and short
    )


def _read_objective(text: str, lex: Lexicon) -> ObjectiveShape:
    metric, horizon, parity = objective_shapes(text, lex)
    reading = objective_features(text, lex)
    model = judgement.models().catch_all
    catch_all = None
    hints: frozenset[str] = frozenset()
    level = model.level(reading)
    if "catch_all_phrase" in reading or _bare(reading):
        # the guidance names business-as-usual phrasing itself, and a bare heading or "be
        # more X" names no one and no change: a warning whatever the model
        level = "warn"
    if level is not None:
        catch_all = f"{_READS[level]} a catch-all: {_because(model, reading)}"
        if level == "hint":
            hints = frozenset({"catch_all"})
    return ObjectiveShape(metric, catch_all, horizon, parity, hints)
