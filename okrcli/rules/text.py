"""Reading OKR sentences: tokens, light stems and the shapes the heuristic rules look for.

Everything here is a pure function of the text and a :class:`~okrcli.rules.lexicon.Lexicon`,
so ``bench/judge.py`` can score the heuristics on labelled sentences without YAML around them.

The shapes, rather than lists of sentences:

* a key result that opens with a task verb ("launch", "run", "publish") is work to do, unless a
  verb that moves a measure is coordinated with it ("add and retain 5 members");
* a count of produced things ("5 blog posts", "3 workshops") measures activity;
* "X is live", "Y migrated", "Z paid on time" with no quantity is a done/not-done state;
* a total of followers, views or sign-ups with nothing that makes it a rate is vanity;
* an objective that names numbers is a key result in disguise; one made of a generic verb and a
  generic noun, or of business-as-usual phrasing, is a catch-all; one with a horizon of years is
  not something a team can move in a quarter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrcli.rules.lexicon import Lexicon

_TOKEN = re.compile(r"[$€£]?\d[\d,.]*(?:%|[a-z]+)?|[a-z][a-z0-9'\u2019\-]*|%|&")
_IRREGULAR = {
    "ran": "run",
    "built": "build",
    "wrote": "write",
    "written": "write",
    "held": "hold",
    "sent": "send",
    "met": "meet",
    "made": "make",
    "paid": "pay",
    "won": "win",
    "began": "begin",
    "begun": "begin",
    "spoke": "speak",
    "spoken": "speak",
    "led": "lead",
    "brought": "bring",
    "got": "get",
    "gotten": "get",
    "kept": "keep",
    "grew": "grow",
    "grown": "grow",
    "cut": "cut",
    "set": "set",
    "put": "put",
    "shut": "shut",
    "sold": "sell",
    "taught": "teach",
    "bought": "buy",
    "rose": "rise",
    "risen": "rise",
    "went": "go",
    "gone": "go",
    "done": "do",
    "did": "do",
    "drove": "drive",
    "driven": "drive",
    "data": "data",
    "news": "news",
    "this": "this",
    "is": "is",
    "was": "was",
    "has": "has",
    "always": "always",
    "series": "series",
    "analysis": "analysis",
    "less": "less",
    "process": "process",
    "across": "across",
    "status": "status",
    "focus": "focus",
    "bonus": "bonus",
    "plus": "plus",
    "campus": "campus",
    "us": "us",
    "its": "its",
}
_VOWELS = set("aeiouy")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
_FILLER = frozenset(
    {
        "we",
        "will",
        "to",
        "i",
        "the",
        "team",
        "successfully",
        "fully",
        "kr",
        "our",
        "must",
        "should",
        "shall",
        "let's",
        "lets",
        "-",
        "and",
    }
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
_STATE_VERBS = frozenset({"achiev", "attain", "get", "obtain", "reach", "pass", "earn", "gain"})
_AUX = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "has", "have"})
_COMPARE = re.compile(
    r"\b(at least|at most|under|below|above|over|less than|more than|fewer than|no more than|"
    r"or more|or less|or higher|or lower)\s+[$€£]?\d|\d\s*%?\s*(or more|or less|or higher|"
    r"or lower|\+)"
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
    }
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, consistent stem: enough to make inflections of one verb or noun meet."""
    w = word.lower().strip("'\u2019")
    if w.endswith(("'s", "\u2019s")):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    n = len(w)
    if n <= 3:
        return w
    if w.endswith("ies") and n > 4:
        w = w[:-3] + "i"
    elif w.endswith("sses") or w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("ing") and n > 5:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and n > 4:
        w = _undouble(w[:-2])
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 2 and w.endswith("y"):
        w = w[:-1] + "i"
    return w


def _undouble(w: str) -> str:
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _VOWELS and w[-1] not in "lsz":
        return w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Lowercase word and number tokens."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=4096)
def phrase_key(phrase: str) -> str:
    """The stems of a word or phrase, joined by single spaces."""
    return " ".join(stem(t) for t in tokens(phrase))


def is_number(token: str) -> bool:
    return bool(token) and (token[0].isdigit() or (token[0] in "$€£" and len(token) > 1))


def is_metric_number(token: str) -> bool:
    """A number that states an amount: 25%, 4.5, $50k, 2x; not a year, '5g' or '#1'."""
    if not is_number(token):
        return False
    core = token.lstrip("$€£")
    m = re.fullmatch(r"(\d[\d,.]*?)[.,]?(%|k|m|bn|b|x|h|ms|s|pp|mrr|arr)?", core)
    if m is None:
        return False
    digits = m.group(1)
    return not (m.group(2) is None and re.fullmatch(r"(19|20)\d\d", digits))


class PhraseSet(frozenset[str]):
    """Stemmed phrases, with their first words indexed so most positions are rejected fast."""

    firsts: frozenset[str]
    longest: int

    def __new__(cls, phrases: Iterable[str]) -> PhraseSet:
        self = super().__new__(cls, phrases)
        self.firsts = frozenset(p.split(" ", 1)[0] for p in self)
        self.longest = max((p.count(" ") + 1 for p in self), default=1)
        return self


@dataclass(slots=True)
class Sentence:
    """A sentence as tokens and stems, with phrase lookup."""

    text: str
    toks: list[str]
    stems: list[str]

    @classmethod
    def of(cls, text: str) -> Sentence:
        toks = tokens(text)
        return cls(text, toks, [stem(t) for t in toks])

    def match(self, i: int, keys: frozenset[str], longest: int = 4) -> int:
        """The length (in tokens) of the longest phrase of ``keys`` starting at token i."""
        if isinstance(keys, PhraseSet):
            if i >= len(self.stems) or self.stems[i] not in keys.firsts:
                return 0
            longest = keys.longest
        for n in range(min(longest, len(self.stems) - i), 0, -1):
            if " ".join(self.stems[i : i + n]) in keys:
                return n
        return 0

    def find(self, keys: frozenset[str], start: int = 0, longest: int = 4) -> tuple[int, int]:
        """(position, length) of the first phrase of ``keys`` at or after ``start``."""
        for i in range(start, len(self.stems)):
            n = self.match(i, keys, longest)
            if n:
                return i, n
        return -1, 0

    def words(self, i: int, n: int) -> str:
        return " ".join(self.toks[i : i + n])

    @property
    def has_number(self) -> bool:
        return any(is_number(t) for t in self.toks)

    def lead(self) -> int:
        """Index of the first token that is not filler ("we will", "KR1:")."""
        for i, t in enumerate(self.toks):
            if t in _FILLER or (re.fullmatch(r"kr\d*|o\d+|\d+[.)]?", t) and i == 0):
                continue
            return i
        return len(self.toks)


def _memo(lex: Lexicon, kind: str, text: str, read: Callable[[str, Lexicon], object]) -> object:
    """Several rules read the same title: read it once per word lists."""
    key = (kind, text)
    found = lex.memo.get(key)
    if found is None:
        found = lex.memo[key] = read(text, lex)
    return found


@dataclass(frozen=True, slots=True)
class KrShape:
    """What the heuristics read in a key result's title; each field is a reason or None."""

    task: str | None = None
    done: str | None = None
    vanity: str | None = None


def read_kr(text: str, lex: Lexicon) -> KrShape:
    """Read a key result's title for task, done/not-done and vanity shapes (memoised per
    word list, since several rules read the same title)."""
    found = _memo(lex, "kr", text, _read_kr)
    assert isinstance(found, KrShape)
    return found


def _read_kr(text: str, lex: Lexicon) -> KrShape:
    s = Sentence.of(re.sub(r"\b(full|part)[\s-]time\b", r"\1-timer", text, flags=re.I))
    if not s.toks:
        return KrShape()
    longest = lex.longest_phrase
    lead = s.lead()
    outcome_n = s.match(lead, lex.outcome_verbs, longest) if lead < len(s.toks) else 0
    task_n = (
        0 if outcome_n else (s.match(lead, lex.task_verbs, longest) if lead < len(s.toks) else 0)
    )

    task: str | None = None
    done: str | None = None
    if task_n:
        after = lead + task_n
        m = s.match(after, lex.measure_nouns, longest) if after < len(s.toks) else 0
        compound = m and not (
            after + m < len(s.toks) and s.match(after + m, lex.output_nouns, longest)
        )
        coordinated = (
            after + 1 < len(s.toks)
            and s.toks[after] in ("and", "&", "or")
            and s.match(after + 1, lex.outcome_verbs, longest)
        )
        if not compound and not coordinated:
            verb = s.words(lead, task_n)
            count = _counted_output(s, after, lex)
            if count:
                task = f"it counts work produced ({count}), not the change that work should cause"
            elif not _measured(s, lex, longest):
                task = f"it opens with the task verb '{verb}': it is work to do, not an outcome"
    elif outcome_n:
        if s.stems[lead] in _STATE_VERBS and not _has_amount(text):
            # "achieve SOC 2 certification", "get the new app live": a state verb whose
            # object ends in a done word, and no level to reach
            for i in range(max(lead + 1, len(s.toks) - 2), len(s.toks)):
                n = s.match(i, lex.done_words, longest)
                if n and i + n == len(s.toks):
                    done = f"'{s.words(i, n)}' describes a state that is either reached or not"
    else:
        count = _counted_output(s, lead, lex)
        if count:
            task = f"it counts work produced ({count}), not the change that work should cause"
        elif not _has_amount(text):
            done = _done_state(s, lex, longest)
            if done is None and s.toks and not _any_verb(s, lex, longest):
                last = s.stems[-1]
                for cand in (last, last.removesuffix("ation"), last.removesuffix("ment")):
                    if cand in lex.task_verbs and len(s.toks) <= 6:
                        task = f"it names a piece of work ('{s.toks[-1]}'), not an outcome"
                        break

    vanity = None
    if task is None and not (outcome_n and s.stems[lead] in _REDUCE) and not _share(s):
        start = lead + max(outcome_n, task_n)
        pos, n = s.find(lex.vanity_nouns, start, longest)
        if pos >= 0 and s.find(lex.rate_words, 0, longest)[0] < 0:
            noun = s.words(pos, n)
            total = s.find(lex.total_words, 0, longest)[0] >= 0
            kind = "a running total" if total else "a count that only grows"
            vanity = f"'{noun}' is {kind} and says nothing about value delivered"
    return KrShape(task=task, done=done, vanity=vanity)


_NAMED_NUMBER = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*|[Vv]ersion|[Vv])\s*\d+(\.\d+)*\b")


def _has_amount(text: str) -> bool:
    """Whether the text states an amount; 'SOC 2', 'ISO 27001', 'version 3' are names."""
    return any(is_number(t) for t in tokens(_NAMED_NUMBER.sub(" ", text)))


def _measured(s: Sentence, lex: Lexicon, longest: int) -> bool:
    """A level to reach: 'from 8% to 12%', a measure word with a number, 'at least 99%'."""
    text = s.text.lower()
    if re.search(r"\bfrom\s+\S*\d\S*\s+to\s+\S*\d", text):
        return True
    if not s.has_number:
        return False
    pos, _ = s.find(lex.measure_nouns, 0, longest)
    if pos >= 0 and s.toks[pos] == "times":  # "30 times": how often work is done
        pos, _ = s.find(lex.measure_nouns, pos + 1, longest)
    return pos >= 0 or bool(_COMPARE.search(text))


_PERIOD = re.compile(
    r"\b(a|an|per|each|every)\s+(day|week|month|quarter|year)\b|/\s*(day|week|month)"
)


def _share(s: Sentence) -> bool:
    """A level rather than a total: a percentage that is not a change ('40% of', not 'by 5%'),
    or a count per period ('2,000 a month')."""
    if _PERIOD.search(s.text.lower()):
        return True
    for i, t in enumerate(s.toks):
        if t.endswith("%") and not (i > 0 and s.toks[i - 1] == "by"):
            return True
    return False


def _counted_output(s: Sentence, start: int, lex: Lexicon) -> str | None:
    """'5 blog posts', 'at least 100 user interviews': a number followed by an output noun."""
    for i in range(start, len(s.toks)):
        if s.toks[i].endswith("%"):
            continue
        if is_number(s.toks[i]) or s.toks[i] in _NUMBER_WORDS:
            for j in range(i + 1, min(i + 5, len(s.toks))):
                n = s.match(j, lex.output_nouns, lex.longest_phrase)
                if n:
                    return s.words(i, j + n - i)
                if is_number(s.toks[j]):
                    break
    return None


def _done_state(s: Sentence, lex: Lexicon, longest: int) -> str | None:
    """'X is live', 'Y migrated to v3', 'salaries paid on time', 'will always find'."""
    text = s.text.lower()
    m = re.search(r"\b(will|must|should|to)\s+(always|never)\b", text)
    if m:
        return f"'{m.group(0)}' is a yes/no condition, not a measured level"
    for i in range(1, len(s.toks)):
        n = s.match(i, lex.done_words, longest)
        if n:
            return f"'{s.words(i, n)}' describes a state that is either reached or not"
        if s.toks[i] in _AUX and i + 1 < len(s.toks):
            nxt = s.toks[i + 1]
            if nxt.endswith("ed") and s.stems[i + 1] in lex.task_verbs:
                return f"'{s.words(i, 2)}' describes a state that is either reached or not"
    return None


def _any_verb(s: Sentence, lex: Lexicon, longest: int) -> bool:
    return any(
        s.match(i, lex.outcome_verbs, longest) or s.toks[i] in _AUX for i in range(len(s.toks))
    )


@dataclass(frozen=True, slots=True)
class ObjectiveShape:
    """What the heuristics read in an objective's title."""

    metric: str | None = None
    catch_all: str | None = None
    long_horizon: str | None = None
    parity: str | None = None


def read_objective(text: str, lex: Lexicon) -> ObjectiveShape:
    """Read an objective's title for numbers, catch-all phrasing, horizon and parity."""
    found = _memo(lex, "objective", text, _read_objective)
    assert isinstance(found, ObjectiveShape)
    return found


def _read_objective(text: str, lex: Lexicon) -> ObjectiveShape:
    s = Sentence.of(text)
    if not s.toks:
        return ObjectiveShape()
    longest = lex.longest_phrase
    low = s.text.lower()

    metric = None
    named = _NAMED_NUMBER.sub(" ", s.text)
    for t in tokens(named):
        if is_metric_number(t) and low.find("#" + t) < 0:
            metric = f"it states the amount '{t}'"
            break
    if metric is None:
        m = re.search(r"\b(\d+x|double|triple|halve|quadruple|percent)\b", low)
        if m:
            metric = f"it states the amount '{m.group(0)}'"

    horizon = None
    pos, n = s.find(lex.long_horizon_phrases, 0, longest)
    if pos >= 0:
        horizon = f"'{s.words(pos, n)}' is a horizon or ambition beyond one quarter"
    else:
        m = re.search(
            r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen)"
            r"[\s-]+(months?|years?)\b",
            low,
        )
        if m:
            amount = m.group(1)
            months = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
            if m.group(2).startswith("year") or months > 3:
                horizon = f"'{m.group(0)}' is longer than a quarter"
        m = m or re.search(r"\bby\s+(19|20)\d\d\b", low)
        if horizon is None and m and m.group(0).startswith("by"):
            horizon = f"'{m.group(0)}' is a deadline beyond the quarter"

    catch_all = None
    pos, n = s.find(lex.catch_all_phrases, 0, longest)
    if pos >= 0:
        catch_all = f"'{s.words(pos, n)}' describes business as usual, not a change to make"
    elif re.fullmatch(
        r"(be|become|get|stay)\s+(more|better|much more|even more)\s+[a-z-]+\W*", low
    ):
        catch_all = f"'{s.text.strip()}' names no one who benefits and no change to see"
    elif re.match(r"^[a-z]+\s*,\s*[a-z]+\s*,?\s*(and|&)\s+[a-z]+\b", low):
        catch_all = "it strings several verbs together, so it commits to none of them"
    else:
        content = [
            st
            for st, tok in zip(s.stems, s.toks, strict=True)
            if tok not in _CONTENT_STOP and st not in lex.outcome_verbs and st not in lex.task_verbs
        ]
        if 0 < len(content) <= 2 and all(c in lex.generic_nouns for c in content):
            catch_all = (
                f"'{s.text.strip()}' is so broad that any work fits under it; say for whom and "
                "what changes"
            )

    parity = None
    pos, n = s.find(lex.parity_phrases, 0, longest)
    if pos >= 0:
        parity = f"'{s.words(pos, n)}' sets the goal by a competitor's roadmap"
    elif re.search(r"\b(match|copy|catch up with|keep up with|on par with)\b.*\bcompetitor", low):
        parity = "it sets the goal by what a competitor has built"
    return ObjectiveShape(metric=metric, catch_all=catch_all, long_horizon=horizon, parity=parity)
