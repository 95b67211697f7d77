"""Reading OKR sentences: tokens, light stems (a suffix-rule lemmatiser) and shapes.

Everything here is a pure function of the text and a :class:`~okrcli.wording.lexicon.Lexicon`.
``features.py`` builds the judgement model's features from these pieces (a leading task verb, a
count of produced things, a done word, a comparison with a number); the objective shapes kept
here are the plain ones: an objective that names numbers is a key result in disguise, one with a
horizon of years is not something a team can move in a quarter, one that names a competitor's
features chases their roadmap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrcli.wording.lexicon import Lexicon

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
NUMBER_WORDS = {
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
FILLER = frozenset(
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
STATE_VERBS = frozenset({"achiev", "attain", "get", "obtain", "reach", "pass", "earn", "gain"})
AUX = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "has", "have"})
COMPARE = re.compile(
    r"\b(at least|at most|under|below|above|over|less than|more than|fewer than|no more than|"
    r"or more|or less|or higher|or lower)\s+[$€£]?\d|\d\s*%?\s*(or more|or less|or higher|"
    r"or lower|\+)"
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
    """Stemmed phrases, with their first words indexed so most positions are rejected fast,
    and for each first word the lengths (in words) of its phrases, longest first."""

    firsts: frozenset[str]
    longest: int
    lengths: dict[str, tuple[int, ...]]

    def __new__(cls, phrases: Iterable[str]) -> PhraseSet:
        self = super().__new__(cls, phrases)
        by_first: dict[str, set[int]] = {}
        for p in self:
            by_first.setdefault(p.split(" ", 1)[0], set()).add(p.count(" ") + 1)
        self.lengths = {w: tuple(sorted(ns, reverse=True)) for w, ns in by_first.items()}
        self.firsts = frozenset(self.lengths)
        self.longest = max((p.count(" ") + 1 for p in self), default=1)
        return self


@dataclass(slots=True)
class Sentence:
    """A sentence as tokens and stems, with phrase lookup."""

    text: str
    toks: list[str]
    stems: list[str]
    stem_set: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Sentence:
        toks = tokens(text)
        stems = [stem(t) for t in toks]
        return cls(text, toks, stems, frozenset(stems))

    def match(self, i: int, keys: frozenset[str], longest: int = 4) -> int:
        """The length (in tokens) of the longest phrase of ``keys`` starting at token i."""
        if isinstance(keys, PhraseSet):
            # only the lengths of the phrases that start with this word, longest first
            stems = self.stems
            lengths = keys.lengths.get(stems[i]) if i < len(stems) else None
            if lengths is None:
                return 0
            room = len(stems) - i
            for n in lengths:
                if n <= room and (
                    stems[i] in keys if n == 1 else " ".join(stems[i : i + n]) in keys
                ):
                    return n
            return 0
        for n in range(min(longest, len(self.stems) - i), 0, -1):
            if " ".join(self.stems[i : i + n]) in keys:
                return n
        return 0

    def find(self, keys: frozenset[str], start: int = 0, longest: int = 4) -> tuple[int, int]:
        """(position, length) of the first phrase of ``keys`` at or after ``start``."""
        if isinstance(keys, PhraseSet):
            firsts = keys.firsts
            if firsts.isdisjoint(self.stem_set):
                return -1, 0  # most sentences hold no word of most lists: one set operation
            stems = self.stems
            for i in range(start, len(stems)):
                if stems[i] in firsts:  # a phrase can start only at one of its first words
                    n = self.match(i, keys)
                    if n:
                        return i, n
            return -1, 0
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
            if t in FILLER or (i == 0 and _LABEL.fullmatch(t)):
                continue
            return i
        return len(self.toks)


def sentence(text: str, lex: Lexicon) -> Sentence:
    """The text as a :class:`Sentence`, made once per word lists: several readers and rules
    split the same title (read-only, so one copy is shared)."""
    memo = lex.memo["sentence"]
    found = memo.get(text)
    if found is None:
        found = memo[text] = Sentence.of(text)
    assert isinstance(found, Sentence)
    return found


_LABEL = re.compile(r"kr\d*|o\d+|\d+[.)]?")  # "KR1:", "O2", "3." before a title
_NAMED_NUMBER = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*|[Vv]ersion|[Vv])\s*\d+(\.\d+)*\b")


def has_amount(text: str) -> bool:
    """Whether the text states an amount; 'SOC 2', 'ISO 27001', 'version 3' are names."""
    return any(is_number(t) for t in tokens(_NAMED_NUMBER.sub(" ", text)))


def counted_output(s: Sentence, start: int, lex: Lexicon) -> str | None:
    """'5 blog posts', 'at least 100 user interviews': a number followed by an output noun."""
    for i in range(start, len(s.toks)):
        if s.toks[i].endswith("%"):
            continue
        if is_number(s.toks[i]) or s.toks[i] in NUMBER_WORDS:
            for j in range(i + 1, min(i + 5, len(s.toks))):
                n = s.match(j, lex.output_nouns, lex.longest_phrase)
                if n:
                    return s.words(i, j + n - i)
                if is_number(s.toks[j]) or s.toks[j] in _PHRASE_END:
                    break  # "5 regressions per release": the noun phrase ended before 'release'
    return None


_PHRASE_END = frozenset(
    {"per", "of", "for", "in", "on", "with", "from", "to", "by", "than", "at", "across", "a"}
)


_WORD_AMOUNT = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty|hundred|"
    r"thousand|million)\s+(?:new\s+|more\s+)?([a-z]+s)\b"
)
_SPANS = frozenset({"days", "weeks", "months", "quarters", "years", "decades", "times"})
_DIGIT = re.compile(r"\d")
_MULTIPLE = re.compile(r"\b(\d+x|double|triple|halve|quadruple|percent)\b")
_MONTHS_YEARS = re.compile(
    r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen)"
    r"[\s-]+(months?|years?)\b"
)
_BY_YEAR = re.compile(r"\bby\s+(19|20)\d\d\b")
_COMPETITOR = re.compile(r"\b(match|copy|catch up with|keep up with|on par with)\b.*\bcompetitor")


def objective_shapes(text: str, lex: Lexicon) -> tuple[str | None, str | None, str | None]:
    """The reasons an objective's title carries a metric, a horizon beyond the quarter, or
    chases a competitor (each None when it does not)."""
    s = sentence(text, lex)
    if not s.toks:
        return None, None, None
    longest = lex.longest_phrase
    low = s.text.lower()

    metric = None
    named = _NAMED_NUMBER.sub(" ", s.text) if _DIGIT.search(s.text) else ""
    for t in tokens(named):  # (a title with no digit states no amount in figures)
        if is_metric_number(t) and low.find("#" + t) < 0:
            metric = f"it states the amount '{t}'"
            break
    if metric is None:
        m = _MULTIPLE.search(low)
        if m:
            metric = f"it states the amount '{m.group(0)}'"
    if metric is None:
        # "sign five accounts": an amount in words, of things (not of months or years)
        m = _WORD_AMOUNT.search(low)
        if m and m.group(2) not in _SPANS:
            metric = f"it states the amount '{m.group(0)}'"
    if metric is None:
        pos, n = s.find(lex.metric_names, 0, longest)
        if pos >= 0:
            metric = f"it names the metric or target '{s.words(pos, n)}'"

    horizon = None
    pos, n = s.find(lex.long_horizon_phrases, 0, longest)
    if pos >= 0:
        horizon = f"'{s.words(pos, n)}' is a horizon or ambition beyond one quarter"
    else:
        m = _MONTHS_YEARS.search(low)
        if m:
            amount = m.group(1)
            months = int(amount) if amount.isdigit() else NUMBER_WORDS[amount]
            if m.group(2).startswith("year") or months > 3:
                horizon = f"'{m.group(0)}' is longer than a quarter"
        m = m or _BY_YEAR.search(low)
        if horizon is None and m and m.group(0).startswith("by"):
            horizon = f"'{m.group(0)}' is a deadline beyond the quarter"

    parity = None
    pos, n = s.find(lex.parity_phrases, 0, longest)
    if pos >= 0:
        parity = f"'{s.words(pos, n)}' sets the goal by a competitor's roadmap"
    elif _COMPETITOR.search(low):
        parity = "it sets the goal by what a competitor has built"
    return metric, horizon, parity
