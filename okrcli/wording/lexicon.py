"""The word lists behind the heuristic rules, declared as data that ``okr.yaml`` can extend.

Each list has a name (the key under ``lint.words`` in okr.yaml), the rules that read it, and a
description. Most lists are read through the judgement model's features (``features.py``), so
a word added to one moves every rule whose model weighs that feature. Words are compared by a
light stem (``launched``, ``launches`` and ``launching`` all match ``launch``); phrases are
matched on whole words.

```yaml
lint:
  words:
    task-verbs: {add: [instrument], remove: [support]}
    vanity-nouns: {add: [stars]}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from okrcli.errors import OkrError
from okrcli.model.config import WordEdit
from okrcli.wording.text import PhraseSet, phrase_key


@dataclass(frozen=True, slots=True)
class WordList:
    name: str
    rules: str
    description: str
    words: tuple[str, ...]
    phrases: bool = False


def _split(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


LISTS: tuple[WordList, ...] = (
    WordList(
        "task-verbs",
        "OKR205, OKR203, OKR103",
        "Verbs that open a task or an output rather than an outcome.",
        _split(
            "launch, ship, release, build, create, implement, develop, design, redesign, "
            "write, rewrite, draft, publish, post, run, hold, host, organize, organise, "
            "conduct, complete, finish, finalize, finalise, deploy, roll, migrate, upgrade, "
            "move, install, configure, integrate, introduce, establish, set, setup, "
            "prepare, plan, define, document, research, investigate, explore, evaluate, "
            "analyze, analyse, audit, review, hire, recruit, onboard, train, interview, talk, "
            "meet, call, email, send, attend, speak, present, sponsor, sign up, feature, "
            "amplify, celebrate, elevate, collect, gather, survey, renegotiate, negotiate, "
            "refactor, automate, test, pilot, prototype, produce, record, film, translate, "
            "support, start, begin, kick off, announce, open, add, enable, adopt, replace, "
            "remove, deprecate, consolidate, standardize, standardise, update, rebuild, "
            "revamp, overhaul, relaunch, fix, identify, map, schedule, submit, "
            "finish up, put in place, roll out, set up, stand up, spin up, make available, "
            "deliver, partner, organise, coordinate, facilitate, create and publish"
        ),
    ),
    WordList(
        "outcome-verbs",
        "OKR205, OKR203, OKR204, OKR103",
        "Verbs that move a measure: a KR opening with one is read as an outcome.",
        _split(
            "increase, raise, grow, reduce, decrease, cut, lower, improve, boost, lift, "
            "reach, achieve, attain, maintain, keep, sustain, hit, exceed, double, triple, "
            "halve, gain, generate, drive, accelerate, shorten, speed up, minimize, minimise, "
            "maximize, maximise, convert, retain, win, acquire, save, drop, shrink, expand, "
            "earn, sell, sign, close, score, land, bring, get, hold at, stay, remain, "
            "eliminate, prevent, avoid, decline, rise, serve, resolve, answer, "
            "respond, retain, recover, return, renew, upsell, activate, engage, satisfy"
        ),
    ),
    WordList(
        "done-words",
        "OKR203, OKR205",
        "Words that say a thing is done or in place: a done/not-done result.",
        _split(
            "done, finished, complete, completed, live, launched, shipped, released, "
            "published, enabled, deployed, implemented, in place, ready, available, rolled "
            "out, signed off, approved, delivered, migrated, upgraded, installed, paid, "
            "set up, up and running, in production, go live, goes live, went live, passed, "
            "certification, certified, compliance, compliant, sign-off, feature complete"
        ),
        phrases=True,
    ),
    WordList(
        "output-nouns",
        "OKR205, OKR203",
        "Things a team produces; counting them measures activity, not outcome.",
        _split(
            "post, blog post, article, tutorial, workshop, webinar, meetup, talk, "
            "conference, conf, presentation, interview, survey, document, doc, guide, "
            "feature, release, campaign, event, ama, announcement, video, episode, meeting, "
            "training, course, report, page, newsletter, email, call, demo, prototype, "
            "experiment, test, pull request, pr, ticket, story, story point, task, "
            "initiative, project, milestone, deliverable, hackathon, session, office hour, "
            "case study, whitepaper, white paper, podcast, ebook"
        ),
    ),
    WordList(
        "vanity-nouns",
        "OKR204, OKR205, OKR203",
        "Totals that only grow or show no value on their own.",
        _split(
            "follower, fan, view, page view, pageview, visitor, visit, impression, "
            "download, sign-up, signup, sign up, registration, registered user, "
            "new account, login, log-in, mention, subscriber, click, star, retweet, "
            "email sent, app download, total user, registered account, listen, reader, like, "
            "share on social, social media post, install"
        ),
    ),
    WordList(
        "rate-words",
        "OKR204, OKR205, OKR203",
        "Words that turn a count into a rate, a ratio or a measure of value.",
        _split(
            "per, rate, ratio, percentage, share of, proportion, average, median, mean, "
            "monthly, weekly, daily, quarterly, active, retained, retention, returning, "
            "repeat, paying, paid, qualified, engaged, converted, conversion, recurring, "
            "net, churn, revenue, satisfaction, nps, csat, each, every, % of, out of"
        ),
        phrases=True,
    ),
    WordList(
        "measure-nouns",
        "OKR205, OKR203",
        "Words that make a sentence a measure even when a task verb opens it "
        "('build time', 'support ticket volume', 'release frequency').",
        _split(
            "time, coverage, rate, ratio, frequency, volume, success, latency, duration, "
            "score, cost, completion, response time, response rate, turnaround, quality, satisfaction, adoption, "
            "throughput, speed, velocity, reliability, accuracy, failure, lead time, cycle "
            "time, backlog, queue, size, spend, uptime, availability, error, incident, defect, "
            "bug, escape, ticket, request, without, within, on time, per, nps, csat, retention, "
            "churn, conversion, usage"
        ),
    ),
    WordList(
        "total-words",
        "OKR204, OKR205, OKR203",
        "Words that mark a running total.",
        _split("total, cumulative, all-time, all time, overall number, lifetime"),
        phrases=True,
    ),
    WordList(
        "generic-nouns",
        "OKR103",
        "Nouns so broad that a short objective about them is business as usual.",
        _split(
            "revenue, sales, profit, growth, communication, collaboration, efficiency, "
            "productivity, performance, quality, process, operations, innovation, things, "
            "results, execution, teamwork, business, work, everything, stuff, kpis, metrics, "
            "numbers, targets, health, stability, scalability, reliability, debuggability, "
            "capabilities, capability, service, support, marketing, profitability, customers, "
            "code quality, software quality, effort, efforts, progress, things, product"
        ),
    ),
    WordList(
        "metric-names",
        "OKR102",
        "Names of metrics and targets: an objective that names one is a key result.",
        _split(
            "kpi, kpis, arr, mrr, acv, iacv, nrr, gmv, ltv, cac, dau, mau, wau, nps, csat, "
            "roi, quota, quotas, revenue target, sales target, deals target, target number, "
            "according to plan, ahead of plan, on plan, conversion rate, churn rate"
        ),
        phrases=True,
    ),
    WordList(
        "catch-all-phrases",
        "OKR103",
        "Phrases that mark business-as-usual or vague objectives.",
        _split(
            "business as usual, keep the lights on, keep doing, continue to, continue doing, "
            "as usual, day-to-day, day to day, bau, make progress, do our best, do better, "
            "do a better job, as good as possible, as much as possible, as it can be, "
            "as they can be, as we can, various, miscellaneous, misc, etc, "
            "other stuff, all the things, everything we do, positively affect, "
            "positively impact, have an impact, general improvement, support the business, "
            "keep up, stay on top of, work on"
        ),
        phrases=True,
    ),
    WordList(
        "long-horizon-phrases",
        "OKR104",
        "Horizons longer than a quarter.",
        _split(
            "annual, annually, yearly, this year, next year, per year, year over year, "
            "by year end, by the end of the year, end of year, long-term, long term, "
            "over the next few years, in the coming years, for years, forever, decade, "
            "multi-year, five-year, 5-year, three-year, 3-year, two-year, 2-year, "
            "market leader, industry leader, global leader, world leader, dominate, "
            "dominant player, world domination, best in the world, world's best, "
            "category leader, leader in the market, one of the best, the best in, "
            "the world's, transition of the world, change the world"
        ),
        phrases=True,
    ),
    WordList(
        "parity-phrases",
        "OKR105",
        "Phrases that chase a competitor's feature set.",
        _split(
            "feature parity, parity with, catch up with, catch up to, catch-up with, "
            "match competitor, match competitors, match our competitor, match our competitors, "
            "same features as, as many features as, competitor features, competitors' features, "
            "competitor's features, copy competitor, copy competitors, keep up with competitor, "
            "keep up with competitors, keep pace with competitor, keep pace with competitors, "
            "what competitors have, what our competitors have, on par with competitor, "
            "on par with competitors"
        ),
        phrases=True,
    ),
)

BY_NAME: dict[str, WordList] = {w.name: w for w in LISTS}


class Lexicon:
    """The word lists with a repository's edits applied, stemmed for fast lookup."""

    def __init__(self, edits: Mapping[str, WordEdit] | None = None) -> None:
        edits = edits or {}
        unknown = sorted(set(edits) - set(BY_NAME))
        if unknown:
            raise OkrError(
                f"okr.yaml: lint.words has an unknown list '{unknown[0]}'; "
                f"the lists are: {', '.join(BY_NAME)}."
            )
        self.words: dict[str, tuple[str, ...]] = {}
        for wl in LISTS:
            edit = edits.get(wl.name)
            words = list(wl.words)
            if edit is not None:
                removed = {w.lower().strip() for w in edit.remove}
                words = [w for w in words if w.lower() not in removed]
                words += [w.lower().strip() for w in edit.add]
            self.words[wl.name] = tuple(words)
        # what readers made of a text with these lists, by kind of reading, then by text
        self.memo: defaultdict[str, dict[str, object]] = defaultdict(dict)

    def _keys(self, name: str) -> PhraseSet:
        return PhraseSet(phrase_key(w) for w in self.words[name])

    @cached_property
    def task_verbs(self) -> PhraseSet:
        return self._keys("task-verbs")

    @cached_property
    def outcome_verbs(self) -> PhraseSet:
        return self._keys("outcome-verbs")

    @cached_property
    def done_words(self) -> PhraseSet:
        return self._keys("done-words")

    @cached_property
    def single_verbs(self) -> frozenset[str]:
        """The one-word task and outcome verbs, stemmed."""
        return frozenset(k for k in self.task_verbs | self.outcome_verbs if " " not in k)

    @cached_property
    def words_done_raw(self) -> frozenset[str]:
        """The done words as written (lower case), to tell 'releases' from 'released'."""
        return frozenset(self.words["done-words"])

    @cached_property
    def output_nouns(self) -> PhraseSet:
        return self._keys("output-nouns")

    @cached_property
    def vanity_nouns(self) -> PhraseSet:
        return self._keys("vanity-nouns")

    @cached_property
    def rate_words(self) -> PhraseSet:
        return self._keys("rate-words")

    @cached_property
    def measure_nouns(self) -> PhraseSet:
        return self._keys("measure-nouns")

    @cached_property
    def total_words(self) -> PhraseSet:
        return self._keys("total-words")

    @cached_property
    def generic_nouns(self) -> PhraseSet:
        return self._keys("generic-nouns")

    @cached_property
    def metric_names(self) -> PhraseSet:
        return self._keys("metric-names")

    @cached_property
    def catch_all_phrases(self) -> PhraseSet:
        return self._keys("catch-all-phrases")

    @cached_property
    def long_horizon_phrases(self) -> PhraseSet:
        return self._keys("long-horizon-phrases")

    @cached_property
    def parity_phrases(self) -> PhraseSet:
        return self._keys("parity-phrases")

    @cached_property
    def longest_phrase(self) -> int:
        return max(len(k.split()) for ws in self.words.values() for k in map(phrase_key, ws))
