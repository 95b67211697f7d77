"""Interpretable features of OKR titles, for the judgement model in ``model.py``.

Each feature is a yes/no reading of a title that a person could check by eye: "opens with a task
verb", "states a change from one number to another", "says something exists, in the present
tense", "is a noun phrase with no verb". A feature that fires carries the words that made it
fire, so a finding can say why ("starts with 'implement' and names no measure").

The features read the same word lists as the rest of the heuristics (``lexicon.py``), so a
repository's ``lint.words`` edits move them too. Words meet through
:func:`~okrcli.wording.text.stem`, a hand-written suffix-rule lemmatiser:
"implemented", "implements" and "implementing" all read as "implement".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from okrcli.wording.text import (
    AUX,
    COMPARE,
    FILLER,
    NUMBER_WORDS,
    STATE_VERBS,
    Sentence,
    counted_output,
    has_amount,
    is_number,
    sentence,
    stem,
    tokens,
)

if TYPE_CHECKING:
    from okrcli.wording.lexicon import Lexicon

# Evidence per fired feature: the words to quote in a message ("" when there are none).
Reading = dict[str, str]

# A short label before a colon names the metric or the area ("Ticket volume: reduce ..."):
# the sentence proper starts after it.
_PREFIX = re.compile(r"^\s*([A-Za-z][\w&/\- ]{0,40}?)\s*:\s+(?=\S)")
_FROM_TO = re.compile(
    r"\bfrom\s+(?:an?\s+|the\s+|avg\.?\s+|current\s+)?[$€£₹]?\d[^\s]*.{0,40}?\bto\s+[$€£₹]?\d"
    r"|\d[\d.,]*\s*%?\s*(?:->|→|to)\s*[$€£₹]?\d[\d.,]*\s*%|\(current(?:ly)?\s+(?:is\s+)?\S*\d"
)
_BY_CHANGE = re.compile(r"\bby\s+[$€£₹]?\d[\d.,]*\s*(?:%|x\b|percent|pp\b|points?\b)|\b\d+x\b")
_TIME_AMOUNT = re.compile(
    r"\d[\d.,]*\s*(?:ms|s|h|hrs?|hours?|minutes?|mins?|seconds?|days?|weeks?)\b"
)
_PERIOD = re.compile(
    r"\b(?:a|an|per|each|every)\s+(?:day|week|month|quarter|year)\b|/\s*(?:day|week|month|mo)\b"
    r"|\b(?:daily|weekly|monthly)\b"
)
_FROM_TO_PERIOD = re.compile(
    r"\bfrom\s+(?:hourly|daily|weekly|monthly|quarterly|yearly|annually)\s+to\s+"
    r"(?:hourly|daily|weekly|monthly|quarterly|yearly|annually)\b"
)
_WINDOW = re.compile(
    r"\b(?:in|within|during)\s+(?:the\s+|its\s+)?first\s+\w+|\b(?:before|after|at)\s+launch\b"
)
_SHARE = re.compile(r"%\s+of\b|\bout of\b")
_MODAL_ALWAYS = re.compile(r"\b(?:will|must|should|to|can)\s+(?:always|never)\b")

_VAGUE = frozenset(
    {"improv", "enhanc", "optimiz", "optimis", "strengthen", "streamlin", "better", "advanc"}
)
_REDUCE = frozenset(
    {
        "reduc",
        "decreas",
        "cut",
        "lower",
        "eliminat",
        "drop",
        "shrink",
        "minimiz",
        "minimis",
        "prevent",
        "avoid",
        "halv",
        "remov",
    }
)
_LOOSE_LEADS = frozenset({"have", "work", "continu", "do", "help", "focu", "contribut", "assist"})
_ENSURE = frozenset({"ensur", "make sur", "guarante"})
# present-tense verbs that state a thing is in place ("the API exists", "X supports Y")
_PRESENT_STATE = frozenset(
    {
        "exist",
        "exists",
        "supports",
        "has",
        "can",
        "works",
        "runs",
        "matches",
        "passes",
        "includes",
        "contains",
        "provides",
        "covers",
        "allows",
        "lets",
        "uses",
    }
)
_PEOPLE = frozenset(
    {
        "peopl",
        "person",
        "user",
        "customer",
        "client",
        "developer",
        "candidat",
        "donor",
        "member",
        "lead",
        "contributor",
        "partner",
        "prospect",
        "household",
        "door",
        "student",
        "attende",
        "audienc",
        "volunteer",
        "account",
    }
)
_ROLES = frozenset(
    {
        "developer",
        "engineer",
        "designer",
        "manager",
        "hire",
        "salespeopl",
        "salesperson",
        "recruit",
        "full-tim",
        "full-timer",
        "head",
        "vp",
        "director",
        "analyst",
        "rep",
        "scientist",
    }
)
_DELIVERABLE = frozenset(
    {
        "plan",
        "strategi",
        "roadmap",
        "polici",
        "playbook",
        "documentation",
        "doc",
        "spec",
        "specification",
        "tool",
        "api",
        "prototyp",
        "poc",
        "studi",
        "program",
        "programm",
        "websit",
        "site",
        "app",
        "framework",
        "templat",
        "process",
        "procedur",
        "system",
        "pipelin",
        "dashboard",
        "integration",
        "implementation",
        "librari",
        "modul",
        "suit",
        "testb",
        "camp",
        "boot-camp",
        "version",
        "v1",
        "v2",
        "v3",
        "beta",
        "mvp",
        "guidelin",
        "checklist",
        "portal",
        "sop",
        "curriculum",
        "feature",
    }
)
_SOCIAL = frozenset(
    {
        "social",
        "twitter",
        "instagram",
        "facebook",
        "linkedin",
        "youtub",
        "tiktok",
        "media",
        "blog",
        "newsletter",
        "podcast",
        "websit",
        "site",
        "channel",
    }
)
_NEW = frozenset({"new", "more", "additional", "extra"})


# verbs that open objectives and are in no word list, and the endings of English verbs
_OBJECTIVE_VERBS = frozenset(
    {
        "scale",
        "make",
        "become",
        "be",
        "give",
        "help",
        "build",
        "create",
        "bring",
        "let",
        "turn",
        "win",
        "own",
        "delight",
        "inspire",
        "engage",
        "establish",
        "transform",
        "dominate",
        "lead",
        "earn",
        "empower",
        "enable",
        "unlock",
        "put",
        "take",
        "find",
        "know",
        "use",
        "show",
    }
)


def _verb_form(tok: str) -> bool:
    """A word that reads as a verb: a known objective verb, or a verb's ending."""
    return (
        tok in _OBJECTIVE_VERBS
        or tok.endswith("ed")
        or (len(tok) > 5 and tok.endswith(("ize", "ise", "ify", "ate", "en")))
    )


def _compound_measure(s: Sentence, after: int, lex: Lexicon) -> int:
    """Where a measure noun ends when it closes a noun compound that starts right after the
    opening verb ("test coverage", "build pipeline median duration"), else 0."""
    for i in range(after, min(after + 3, len(s.toks))):
        if s.toks[i] in _PHRASE_BREAK or is_number(s.toks[i]):
            return 0
        m = s.match(i, lex.measure_nouns, lex.longest_phrase)
        if m:
            return i + m
    return 0


_PHRASE_BREAK = frozenset(
    {"the", "a", "an", "our", "all", "to", "for", "with", "of", "in", "on", "and", "&", "or"}
    | {"at", "by", "from", "new", "every", "each", "more", "its", "their", "my", "your"}
)


def _stems(words: frozenset[str]) -> frozenset[str]:
    """The words as written and as stemmed (some are written as stems already)."""
    return words | frozenset(stem(w) for w in words)


_DELIVERABLE = _stems(_DELIVERABLE)
_ROLES = _stems(_ROLES)
_PEOPLE = _stems(_PEOPLE)
_SOCIAL = _stems(_SOCIAL)
_NOUN_CLASSES = (
    ("deliverable_noun", _DELIVERABLE),
    ("role_noun", _ROLES),
    ("people_noun", _PEOPLE),
    ("social_noun", _SOCIAL),
)
_AUX_OR_STATE = AUX | _PRESENT_STATE
_LOOSE_OR_VAGUE = _LOOSE_LEADS | _VAGUE
_DIGIT = re.compile(r"\d")
_NUMBER_START = frozenset("0123456789$€£₹")
_AMOUNT_WORDS = frozenset(NUMBER_WORDS) | {"zero", "half", "double", "twice", "doubles"}
_ALL_WORDS = frozenset({"all", "every", "each"})
_PERIOD_WORDS = frozenset({"day", "week", "month", "quarter", "year", "daily", "weekly", "monthly"})
_BOUND_WORDS = frozenset(
    {"at", "under", "below", "above", "over", "less", "more", "fewer", "no", "or", "within"}
    | {"max", "maximum", "min", "minimum"}
)
_BOUND = re.compile(
    r"\b(?:below|under|above|over|within|max(?:imum)?|min(?:imum)?|<|>)\s*[$€£₹]?\d"
)


def _strip_prefix(text: str) -> str:
    """The sentence after a short label ("Ticket volume: reduce ..."); the label itself is
    not read (whether a team labels its key results says nothing about them)."""
    m = _PREFIX.match(text)
    if m and len(m.group(1).split()) <= 4 and not any(c.isdigit() for c in m.group(1)):
        return text[m.end() :]
    return text


def _is_verbish(stem_: str, tok: str, lex: Lexicon) -> bool:
    return (
        stem_ in lex.task_verbs
        or stem_ in lex.outcome_verbs
        or stem_ in _VAGUE
        or tok in AUX
        or tok in _PRESENT_STATE
        or stem_ in _LOOSE_LEADS
    )


_Read = tuple[Sentence, str, Sequence[str], Sequence[str], int, int, int]


def _read(body: str, lex: Lexicon) -> _Read | None:
    """A title as the features read it: the sentence, its lower-case text, its tokens and
    their stems, how many, the longest phrase a word list holds, and where the sentence's
    verb may start (after a label); None for a title with no words."""
    s = sentence(body, lex)
    if not s.toks:
        return None
    return s, s.text.lower(), s.toks, s.stems, len(s.toks), lex.longest_phrase, s.lead()


_FULL_TIME = re.compile(r"\b(full|part)[\s-]time\b", re.I)


def kr_features(text: str, lex: Lexicon) -> Reading:
    """The features a key result's title shows, each with the words that show it."""
    body = _strip_prefix(text) if ":" in text else text
    read = _read(_FULL_TIME.sub(r"\1-timer", body) if "time" in body.lower() else body, lex)
    f: Reading = {}
    if read is None:
        return f
    s, low, toks, _stems, n, _longest, lead = read
    tok_set = frozenset(toks)
    digits = _DIGIT.search(low) is not None
    amount = _amount_features(f, body, low, toks, tok_set, digits)
    if lead < n:
        _lead_features(f, s, lex, lead)
    _measure_features(f, s, lex, lead, tok_set, digits, amount)
    _state_features(f, s, lex, lead, low, tok_set)
    _shape_features(f, s, lex, lead, low, tok_set)
    _structure_features(f, s, lex, lead, low)
    return _combine(f)


# A cadence: the work recurs ("hold weekly demos", "publish twice a month", "every sprint").
_CADENCE = re.compile(
    r"\b(?:daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|nightly|regularly"
    r"|(?:every|each)\s+(?:other\s+)?(?:day|week|month|sprint|quarter|release|iteration|morning)"
    r"|(?:once|twice|\d+\s+times?|[a-z]+\s+times)\s+(?:a|per|every|each)\s+\w+"
    r"|per\s+(?:sprint|iteration|release))\b"
)
# a passive with an agent, or "get X <participle>": the result is someone else's act
_OTHERS = re.compile(
    r"\b\w+ed\s+(?:by|with)\s+(?:the|our|a|an|all|\w+'s)\b|^(?:get|have)\s+\S.*\w+ed\b"
)


def _structure_features(f: Reading, s: Sentence, lex: Lexicon, lead: int, low: str) -> None:
    """Readings of the sentence's structure rather than of its words: a cadence (the work
    recurs), a share of work items done, a count of people, a result someone else grants."""
    toks, stems, n = s.toks, s.stems, len(s.toks)
    cadence = _CADENCE.search(low)
    if cadence:
        f["cadence"] = cadence.group(0)
    if "share_of" in f or "universal" in f:
        # "% of X" then a participle or a task verb: a share of the work done
        verb = next(
            (
                toks[i]
                for i in range(lead, n)
                if (toks[i].endswith("ed") and stems[i] in lex.task_verbs)
                or (i == lead and "lead_task" in f)
            ),
            None,
        )
        if verb is not None:
            f["work_share"] = verb
    for i in range(n - 1):
        if is_number(toks[i]) or toks[i] in NUMBER_WORDS:
            j = next((j for j in range(i + 1, min(i + 3, n)) if stems[j] in _PEOPLE), 0)
            if j:
                f["people_count"] = s.words(i, j - i + 1)  # "40 new volunteers"
                break
    others = _OTHERS.search(low)
    if others:
        f["others_decide"] = others.group(0)[:40]


def _amount_features(
    f: Reading, body: str, low: str, toks: Sequence[str], tok_set: frozenset[str], digits: bool
) -> bool:
    """Amounts, and the shapes numbers take: a percentage, money, from one number to
    another, a bound, a change by a factor, a time, a share, a rate per period, zero, all.
    Whether the title states an amount in figures or words (a change of cadence, "from
    monthly to weekly", reads as one to the model but not here)."""
    amount = (digits and has_amount(body)) or not tok_set.isdisjoint(_AMOUNT_WORDS)
    if amount:
        f["amount"] = ""
    if "%" in low or "percent" in tok_set:
        f["percent"] = ""
    if digits:  # the shapes with a number (a cheap test first: most are absent)
        if any(t[0] in "$€£₹" for t in toks) or "₹" in low:
            f["money"] = ""
        if (
            "from" in tok_set or "to" in tok_set or "current" in low or "→" in low or "->" in low
        ) and (_FROM_TO.search(low)):
            f["from_to"] = ""
        bound = not tok_set.isdisjoint(_BOUND_WORDS) or "+" in low or "<" in low or ">" in low
        if bound and (COMPARE.search(low) or _BOUND.search(low)):
            f["compare"] = ""
        if ("by" in tok_set or "x" in low) and _BY_CHANGE.search(low):
            f["by_change"] = ""
        if _TIME_AMOUNT.search(low):
            f["time_amount"] = ""
    if _WINDOW.search(low):
        f["window"] = ""  # "in the first week", "before launch": a count within a time window
        if ("%" in low or "out" in tok_set) and _SHARE.search(low):
            f["share_of"] = ""
    if not digits and "from" in tok_set and _FROM_TO_PERIOD.search(low):
        f["from_to"] = f["amount"] = ""  # "cadence: from monthly to weekly" is a level
    if (not tok_set.isdisjoint(_PERIOD_WORDS) or "/" in low) and _PERIOD.search(low):
        f["per_period"] = ""
    if toks[0] in ("zero", "no"):
        f["zero"] = ""
    universal = tok_set & _ALL_WORDS
    if universal or "100%" in tok_set:
        f["universal"] = min(universal) if universal else "100%"
    return amount


def _lead_features(f: Reading, s: Sentence, lex: Lexicon, lead: int) -> None:
    """The verb that opens the sentence: a task, an outcome, a vague or loose opening, a
    participle, or a noun where a verb should be."""
    toks, stems, n, longest = s.toks, s.stems, len(s.toks), lex.longest_phrase
    lead_outcome = s.match(lead, lex.outcome_verbs, longest)
    lead_task = 0 if lead_outcome else s.match(lead, lex.task_verbs, longest)
    after = lead + lead_task
    if lead_task and toks[lead].endswith("ing") and not _AUX_OR_STATE.isdisjoint(toks):
        lead_task = 0  # "onboarding guide is published": the subject, not a verb
    if lead_task and after < n:
        # "test coverage", "build time", "support ticket volume": a noun compound naming a
        # measure, not a task verb; "add and retain": a verb that moves a measure joins in
        m = _compound_measure(s, after, lex)
        if (m and not s.match(m, lex.output_nouns, longest)) or (
            toks[after] in ("and", "&", "or")
            and after + 1 < n
            and s.match(after + 1, lex.outcome_verbs, longest)
        ):
            lead_task = 0
    first = stems[lead]
    verb = s.words(lead, max(lead_task, lead_outcome, 1))
    if lead_task:
        f["lead_task"] = verb
    if lead_outcome:
        f["lead_outcome"] = verb
        if first in STATE_VERBS:
            f["lead_state"] = verb
    if first in _VAGUE:
        f["lead_vague"] = toks[lead]
    if first in _REDUCE:
        f["lead_reduce"] = toks[lead]
    if first in _LOOSE_LEADS:
        f["lead_loose"] = toks[lead]
    if first in _ENSURE or " ".join(stems[lead : lead + 2]) in _ENSURE:
        f["lead_ensure"] = toks[lead]
    if toks[lead].endswith("ed") and first in lex.task_verbs:
        f["lead_participle"] = toks[lead]
    if (
        not _is_verbish(first, toks[lead], lex)
        and not is_number(toks[lead])
        and toks[lead] not in NUMBER_WORDS
        and not toks[lead].endswith("ed")
    ):
        f["lead_noun"] = toks[lead]


def _measure_features(
    f: Reading,
    s: Sentence,
    lex: Lexicon,
    lead: int,
    tok_set: frozenset[str],
    digits: bool,
    amount: bool,
) -> None:
    """What the title measures or makes: a measure noun, a rate, a counted output, a
    deliverable, roles, people reached, a social channel."""
    toks, stems, n, longest = s.toks, s.stems, len(s.toks), lex.longest_phrase
    mpos, mlen = s.find(lex.measure_nouns, 0, longest)
    if mpos >= 0 and toks[mpos] == "times":
        mpos, mlen = s.find(lex.measure_nouns, mpos + 1, longest)
    if mpos >= 0:
        f["measure_noun"] = s.words(mpos, mlen)
    if s.find(lex.rate_words, 0, longest)[0] >= 0:
        f["rate_word"] = ""
    if (digits or not tok_set.isdisjoint(NUMBER_WORDS)) and not (
        lex.output_nouns.firsts.isdisjoint(s.stem_set)
    ):
        count = counted_output(s, lead, lex)
        if count:
            f["counted_output"] = count
    later = frozenset(stems[lead:]) if lead else s.stem_set
    for name, words in _NOUN_CLASSES:
        if not words.isdisjoint(later):
            f[name] = next(toks[i] for i in range(lead, n) if stems[i] in words)
    if "people_noun" in f and amount and "lead_task" in f and "measure_noun" not in f:
        f["task_reach"] = f["people_noun"]


def _state_features(
    f: Reading, s: Sentence, lex: Lexicon, lead: int, low: str, tok_set: frozenset[str]
) -> None:
    """Done states: "X is implemented", "Y exists", "Z launched", "will always"."""
    always = _MODAL_ALWAYS.search(low) if "ways" in low or "never" in low else None
    if always:
        f["always_never"] = always.group(0)
    any_done = not lex.done_words.firsts.isdisjoint(s.stem_set)
    if any_done or not tok_set.isdisjoint(_AUX_OR_STATE) or "ed" in low:
        _done_states(s, lex, lead, any_done, f)


def _shape_features(
    f: Reading, s: Sentence, lex: Lexicon, lead: int, low: str, tok_set: frozenset[str]
) -> None:
    """The title's overall shape: no verb, short or long, a vanity count, a running total,
    'new' or 'more' things, 'the number of'."""
    toks, longest = s.toks, lex.longest_phrase
    if not _verbish(s, lex, tok_set) and not any(t.endswith("ed") for t in toks):
        f["no_verb"] = ""
    content = sum(1 for t in toks[lead:] if t not in FILLER and t[0] not in _NUMBER_START)
    if content <= 4:
        f["short"] = ""
    elif content >= 14:
        f["long"] = ""
    pos, k = s.find(lex.vanity_nouns, lead, longest)
    if pos >= 0:
        f["vanity_noun"] = s.words(pos, k)
    if s.find(lex.total_words, 0, longest)[0] >= 0:
        f["total_word"] = ""
    if not tok_set.isdisjoint(_NEW):
        f["new_more"] = ""
    if "number of" in low:
        f["number_of"] = ""


def _done_states(s: Sentence, lex: Lexicon, lead: int, any_done: bool, f: Reading) -> None:
    """Done states: "X is implemented", "Y exists", "Z launched"."""
    toks, stems = s.toks, s.stems
    n = len(toks)
    longest = lex.longest_phrase
    firsts = lex.done_words.firsts
    for i in range(max(lead, 1), n):
        tok = toks[i]
        k = s.match(i, lex.done_words, longest) if any_done and stems[i] in firsts else 0
        if k and not (tok.endswith("s") and k == 1 and tok not in lex.words_done_raw):
            f.setdefault("done_word", s.words(i, k))  # not "releases", "passes": plurals
        if i + 1 < n and tok in AUX:
            if toks[i + 1].endswith("ed"):
                f.setdefault("aux_participle", s.words(i, 2))
        elif tok.endswith("ed") and stems[i] in lex.task_verbs and i > lead:
            f.setdefault("participle", tok)
        if tok in _PRESENT_STATE and i > lead and toks[i - 1] not in ("to", "will"):
            f.setdefault("present_state", tok)


def _verbish(s: Sentence, lex: Lexicon, tok_set: frozenset[str]) -> bool:
    """Whether any word of the sentence is a verb the lists know, or an auxiliary."""
    return not (
        lex.single_verbs.isdisjoint(s.stem_set)
        and _LOOSE_OR_VAGUE.isdisjoint(s.stem_set)
        and tok_set.isdisjoint(_AUX_OR_STATE)
    )


_STATES = ("done_word", "aux_participle", "participle", "present_state")


def _combine(f: Reading) -> Reading:
    """Conjunctions the model cannot form itself (it adds, it does not multiply)."""
    measured = "from_to" in f or "compare" in f or ("amount" in f and "measure_noun" in f)
    if measured:
        f["measured"] = ""
    if "amount" not in f:
        f["no_amount"] = ""
        if (
            "measure_noun" in f
            and "lead_task" not in f
            and "deliverable_noun" not in f
            and not any(k in f for k in _STATES)
            and not {
                "lead_outcome",
                "lead_vague",
                "lead_reduce",
                "no_verb",
                "lead_noun",
            }.isdisjoint(f)
        ):
            # "Improve retention", "Customer satisfaction score": a metric with no number is
            # a missing target (OKR202's business), not a task
            f["metric_no_amount"] = f.get("measure_noun", "")
        if "lead_state" in f and "done_word" in f:
            # "achieve SOC 2 certification", "get X live": the verb reaches a state, it moves
            # no measure
            f["state_done"] = f["done_word"]
            del f["lead_outcome"]
        if "lead_task" in f:
            f["task_no_amount"] = f["lead_task"]
        if "lead_vague" in f or ("lead_outcome" in f and "measure_noun" not in f):
            f["vague_no_measure"] = f.get("lead_vague") or f.get("lead_outcome", "")
        if "no_verb" in f:
            f["noun_phrase_only"] = ""
        if "present_state" in f:
            f["present_state_no_amount"] = f["present_state"]
        if "lead_task" not in f and "lead_outcome" not in f:
            if "lead_noun" in f:
                f["subject_no_amount"] = f["lead_noun"]  # "Intersection observer on trunk"
            state = next((f[k] for k in _STATES if k in f), None)
            if state is not None:
                f["state_no_amount"] = state  # "billing support added", "X is implemented"
    elif not measured and "lead_task" in f:
        f["task_unmeasured_count"] = f["lead_task"]
    if (
        ("cadence" in f or "per_period" in f)
        and "measure_noun" not in f
        and "from_to" not in f
        and "compare" not in f
    ):
        # "hold demos weekly", "read 2 books a month": an activity that recurs, no level
        f["recurring_work"] = f.get("cadence", "")
    return f


def objective_features(text: str, lex: Lexicon) -> Reading:
    """The features an objective's title shows, each with the words that show it."""
    body = _strip_prefix(text)
    read = _read(body, lex)
    f: Reading = {}
    if read is None:
        return f
    s, low, toks, stems, n, longest, lead = read
    if _DIGIT.search(body) and any(is_number(t) for t in tokens(body)):
        f["amount"] = ""
    if "(" in body:
        f["parenthesis"] = ""
    pos, k = s.find(lex.catch_all_phrases, 0, longest)
    if pos >= 0:
        f["catch_all_phrase"] = s.words(pos, k)
    if lead < n:
        first = stems[lead]
        if s.match(lead, lex.outcome_verbs, longest) or first in _VAGUE:
            f["lead_generic_verb"] = toks[lead]
        if (
            first in ("be", "becom", "get", "stay")
            and lead + 1 < n
            and toks[lead + 1] in ("more", "better", "much", "even", "the")
        ):
            f["be_more"] = s.words(lead, 2)
        if first in ("make", "creat", "build", "becom", "give", "help", "establish"):
            f["lead_make"] = toks[lead]
        if not _is_verbish(first, toks[lead], lex) and not _verb_form(toks[lead]):
            f["heading"] = toks[lead]  # "Code health", "Connectivity magic"
    if "," in low and _VERB_LIST.match(low):
        f["verb_list"] = ""
    content = [
        (st, tok)
        for st, tok in zip(stems[lead:], toks[lead:], strict=True)
        if tok not in _CONTENT_STOP
        and st not in lex.outcome_verbs
        and st not in lex.task_verbs
        and st not in _VAGUE
        and tok not in AUX
    ]
    nc = len(content)
    if nc <= 2:
        f["few_words"] = str(nc)
    elif nc == 3:
        f["three_words"] = str(nc)
    elif nc >= 6:
        f["many_words"] = str(nc)
    if not content and lead < n:
        f["all_generic"] = toks[lead]  # "Grow": a verb and nothing it applies to
    elif content and all(st in lex.generic_nouns for st, _ in content):
        f["all_generic"] = " ".join(t for _, t in content)
    elif any(st in lex.generic_nouns for st, _ in content):
        f["some_generic"] = next(t for st, t in content if st in lex.generic_nouns)
    if any(st in _PEOPLE for st in stems) or _FOR_WHOM.search(low):
        f["beneficiary"] = ""
    elif "lead_generic_verb" in f and nc <= 3:
        f["bare_improve"] = f"{f['lead_generic_verb']} {' '.join(t for _, t in content)}"
    if _PURPOSE.search(low):
        f["purpose"] = ""
    if _VIVID.search(low):
        f["vivid"] = ""
    verbs = [i for i in range(lead, n) if _is_verbish(stems[i], toks[i], lex)]
    if not verbs:
        f["no_verb"] = ""
    elif "heading" in f and verbs[0] > lead and toks[verbs[0] - 1] not in ("to", "and", "&"):
        # "Customers find answers without calling us": a subject, then what it does
        f["clause"] = s.words(lead, verbs[0] - lead + 1)
    change = _CHANGE.search(low)
    if change:
        f["change_word"] = change.group(0)
    two = next((i for i in verbs if i > lead + 1 and toks[i - 1] in ("and", "&", "+")), None)
    if two is not None and "verb_list" not in f:
        f["two_aims"] = s.words(two - 1, 2)  # "grow the business and increase revenue"
    if not ({"beneficiary", "purpose", "change_word", "vivid", "clause", "amount"} & f.keys()):
        f["no_change_named"] = ""
    if ("beneficiary" in f or "clause" in f) and ("change_word" in f or "purpose" in f):
        f["change_for_someone"] = f.get("change_word", "")
    return f


# a change someone would notice: a comparative, an ability, a thing gone
_CHANGE = re.compile(
    r"\b(?:\w+ier|faster|quicker|simpler|safer|cheaper|clearer|smoother|sooner|fewer|less"
    r"|can|able|without|no longer|never|confident(?:ly)?|on their own|self-serve\w*)\b"
)


_VERB_LIST = re.compile(r"^[a-z]+\s*,\s*[a-z]+\s*,?\s*(and|&)\s+[a-z]+\b")
_FOR_WHOM = re.compile(r"\bfor\s+\w")
_PURPOSE = re.compile(r"\b(so that|so|to|by|through|without|while|via|in order to)\s+\w")
_VIVID = re.compile(
    r"\b(every|instant|effortless|trust|go-to|obvious|delight|love|world-class"
    r"|primary|feel|seamless|stellar|extraordinary)\w*"
)
_CONTENT_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "our",
        "of",
        "for",
        "in",
        "on",
        "with",
        "to",
        "and",
        "&",
        "we",
        "us",
        "its",
        "their",
        "my",
        "all",
        "more",
        "better",
        "overall",
        "across",
        "company",
        "team",
        "-",
    }
)
