"""Rules that read the git history: stale check-ins, moved goalposts, sandbagging.

Time for them is "now" for the running quarter, the quarter's last day for a quarter that is
over, or the moment ``--at`` names. Outside a git repository they are skipped with a notice.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterator
from datetime import datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from okrcli.closing import closed_from, closing_day, local_day, zone
from okrcli.history.git import Commit
from okrcli.lint.facts import (
    ChangedAfterCloseFacts,
    MovedGoalpostFacts,
    SandbaggingFacts,
    StaleKrFacts,
)
from okrcli.load.files import OkrDoc
from okrcli.model.config import MovedGoalpostOptions
from okrcli.model.okr import Direction, KeyResult
from okrcli.model.quarter import Period, Quarter, Years, parse_period
from okrcli.rules.base import GOOD_FILE, Example, Finding, Rule, Scope, variant
from okrcli.rules.context import Context
from okrcli.scoring import dec, mean, score_objective, shown

if TYPE_CHECKING:
    from okrcli.history.timeline import Timeline, Values


def _checked_in(value: str, target: str = "target: 34") -> str:
    """GOOD_FILE with every key result checked in at ``value`` percent of the way (and maybe
    another target for the first)."""
    share = float(value) / 100
    text = GOOD_FILE
    for base, goal, line in ((30, 34, target), (95, 60, "target: 60"), (2.4, 1.0, "target: 1.0")):
        current = f"{base + (goal - base) * share:.4g}"
        text = variant(
            f"        target: {goal}\n" if goal != 1.0 else "        target: 1.0\n",
            f"        {line}\n        current: {current}\n",
            text,
        )
    return text


def _weekly(last_day: int, *, moved: tuple[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """Weekly check-ins from 1 October 2026 to ``last_day`` of November."""
    days = [
        "2026-10-01",
        "2026-10-09",
        "2026-10-16",
        "2026-10-23",
        "2026-10-30",
        "2026-11-06",
        "2026-11-13",
        "2026-11-20",
    ]
    out = []
    for n, day in enumerate(d for d in days if d <= f"2026-11-{last_day:02d}"):
        target = "target: 34"
        if moved is not None and day >= moved[0]:
            target = moved[1]
        out.append((day, _checked_in(f"{n * 8}", target)))
    return tuple(out)


def _quarter_end(q: Period, tz: tzinfo) -> datetime:
    """The quarter's last moment in okr.yaml's time zone."""
    return datetime.combine(q.end + timedelta(days=1), time(0), tzinfo=tz) - timedelta(seconds=1)


def _quarters(ctx: Context) -> Iterator[tuple[Period, datetime, list[OkrDoc]]]:
    """Each period (quarter, year or span of years) that has started by the moment, with the
    time its rules judge at."""
    moment = ctx.moment
    assert moment is not None
    start_month = ctx.repo.config.fiscal_year_start_month
    tz = zone(ctx.repo.config)
    for name, docs in sorted(ctx.by_quarter.items()):
        q = parse_period(name, start_month)
        if q is None or q.start > local_day(moment.at, tz):
            continue
        yield q, min(moment.at, _quarter_end(q, tz)), docs


def _krs(doc: OkrDoc) -> Iterator[tuple[int, int, str, KeyResult]]:
    assert doc.model is not None
    unit = doc.model.unit
    for i, o in enumerate(doc.model.objectives):
        prefix = f"{unit}/{o.id}/"  # each key result's ref: 'unit/objective/kr'
        for j, k in enumerate(o.key_results):
            yield i, j, prefix + k.id, k


def _who(commit: object) -> str:
    if not isinstance(commit, Commit):
        return "in uncommitted changes"
    return f"in {commit.id[:8]} by {commit.author} ('{commit.subject}')"


def _commit(commit: object) -> tuple[str | None, str | None]:
    """The commit's id and author, or (None, None) for uncommitted changes."""
    if not isinstance(commit, Commit):
        return None, None
    return commit.id, commit.author


class StaleKrOptions(BaseModel):
    """How many days a key result may go without a check-in."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    max_age_days: int = Field(default=14, ge=1)
    # format 1.2: annual and multi-year key results move slower; checked in at least monthly
    period_max_age_days: int = Field(default=45, ge=1)


class StaleKr(Rule):
    """A key result nobody has checked in for weeks is not being managed: the team cannot
    steer by a number it does not look at. The product OKR guide asks for regular
    review, and the product head's guide for weekly check-ins. A check-in is a
    commit that changes ``current`` or re-confirms it (``okr check-in`` with an unchanged
    value); the commit that writes the file starts the clock but is not a check-in."""

    code = "OKR401"
    name = "stale-kr"
    severity = "warning"
    summary = "a KR whose `current` has not been checked in for longer than allowed"
    scope: ClassVar[Scope] = "history"
    Options = StaleKrOptions
    facts = StaleKrFacts
    bad = (
        Example(
            _checked_in("31"),
            history=(("2026-10-01", _checked_in("30")), ("2026-10-09", _checked_in("31"))),
            at="2026-11-20",
        ),
    )
    good = (Example(_weekly(20)[-1][1], history=_weekly(20), at="2026-11-20"),)

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        options = ctx.opts(self.code, StaleKrOptions)
        assert ctx.moment is not None
        tz = zone(ctx.repo.config)
        for q, when, docs in _quarters(ctx):
            limit = options.period_max_age_days if isinstance(q, Years) else options.max_age_days
            today = local_day(when, tz)
            if (today - q.start).days <= limit:
                continue
            history = ctx.moment.history(str(q))
            if history is None:
                continue
            for doc in docs:
                for i, j, ref, k in _krs(doc):
                    tl = history.timelines.get(ref)
                    if tl is None or not len(tl) or tl.whens[0] > when:
                        continue
                    last = _last_checkin(tl, when)
                    age = (today - local_day(last or tl.whens[0], tz)).days
                    if age <= limit:
                        continue
                    if last is None:
                        said = (
                            f"has never been checked in since the file was written on "
                            f"{local_day(tl.whens[0], tz).isoformat()}"
                        )
                    else:
                        said = f"was last checked in on {local_day(last, tz).isoformat()}"
                    yield self.at(
                        doc,
                        (
                            "objectives",
                            i,
                            "key_results",
                            j,
                            "current" if k.current is not None else "id",
                        ),
                        f"key result '{k.id}' {said}, {age} days before "
                        f"{today.isoformat()}; check in its current value at least "
                        f"every {limit} days (`okr check-in {ref} VALUE`, also when it has "
                        "not changed).",
                        facts=StaleKrFacts(
                            key_result=ref,
                            last_checkin=last.date() if last is not None else None,
                            written=tl.whens[0].date(),
                            days=age,
                            on=when.date(),
                            limit=limit,
                        ),
                    )


def _last_checkin(tl: Timeline, when: datetime) -> datetime | None:
    """The time of the latest check-in made by ``when`` (a change after the first appearance
    that moves ``current`` or re-confirms it); searched from the newest change back."""
    whens, current, checked = tl.whens, tl.currents, tl.checked_days
    for n in range(len(whens) - 1, 0, -1):
        if whens[n] <= when and (current[n] != current[n - 1] or checked[n] != checked[n - 1]):
            return whens[n]
    return None


def _easier(k: KeyResult, before: Values, after: Values) -> bool | None:
    """Whether the move made the key result easier (False: harder; None: cannot tell)."""
    b0, t0, b1, t1 = before[0], before[1], after[0], after[1]
    if None in (b0, t0, b1, t1):
        return None
    assert b0 is not None and t0 is not None and b1 is not None and t1 is not None
    if k.direction in (Direction.STAY_ABOVE, Direction.STAY_BELOW):
        down = t1 < t0
        return down if k.direction == Direction.STAY_ABOVE else not down
    return abs(dec(t1) - dec(b1)) < abs(dec(t0) - dec(b0))


class MovedGoalpost(Rule):
    """Baselines and targets are agreed when the quarter starts; changing them later, after
    seeing the numbers, turns the score into a story. The product OKR guide asks
    to set success metrics up front and warns against cherry-picking. Changes within the
    first two weeks (configurable) are planning; later ones are reported with who made them
    and whether they made the key result easier or harder."""

    code = "OKR402"
    name = "moved-goalpost"
    severity = "warning"
    summary = "a baseline or target changed after the quarter's first two weeks"
    scope: ClassVar[Scope] = "history"
    Options = MovedGoalpostOptions
    facts = MovedGoalpostFacts
    bad = (
        Example(
            _weekly(20, moved=("2026-11-06", "target: 32"))[-1][1],
            history=_weekly(20, moved=("2026-11-06", "target: 32")),
            at="2026-11-20",
        ),
    )
    good = (
        Example(
            _weekly(20, moved=("2026-10-09", "target: 32"))[-1][1],
            history=_weekly(20, moved=("2026-10-09", "target: 32")),
            at="2026-11-20",
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        grace = ctx.opts(self.code, MovedGoalpostOptions).grace_days
        assert ctx.moment is not None
        for q, when, docs in _quarters(ctx):
            history = ctx.moment.history(str(q))
            if history is None:
                continue
            cutoff = datetime.combine(
                q.start + timedelta(days=grace), time(0), tzinfo=zone(ctx.repo.config)
            )
            for doc in docs:
                for i, j, ref, k in _krs(doc):
                    tl = history.timelines.get(ref)
                    if tl is None:
                        continue
                    moved_b, moved_t = tl.changes_of(0), tl.changes_of(1)
                    if not moved_b and not moved_t:
                        continue
                    changed = sorted({*moved_b, *moved_t})
                    moves = [tl.events[n] for n in changed if cutoff <= tl.whens[n] <= when]
                    if not moves:
                        continue
                    e = moves[-1]
                    assert e.before is not None
                    what: Literal["baseline", "target"] = (
                        "target" if e.changed("target") else "baseline"
                    )
                    idx = 1 if what == "target" else 0
                    more = f" ({len(moves)} such changes)" if len(moves) > 1 else ""
                    easier = _easier(k, e.before, e.after)
                    way = "" if easier is None else " (easier)" if easier else " (harder)"
                    commit, who = _commit(e.commit)
                    yield self.at(
                        doc,
                        ("objectives", i, "key_results", j, what),
                        f"the {what} of key result '{k.id}' moved from {shown(e.before[idx])} "
                        f"to {shown(e.after[idx])}{way} on "
                        f"{local_day(e.when, zone(ctx.repo.config)).isoformat()} "
                        f"{_who(e.commit)}{more}, after the "
                        f"{q.word}'s first {grace} days; agree such changes openly and record "
                        "why, or keep the goal and let the score show it.",
                        key=True,
                        facts=MovedGoalpostFacts(
                            key_result=ref,
                            field=what,
                            old=e.before[1] if idx == 1 else e.before[0],
                            new=e.after[1] if idx == 1 else e.after[0],
                            day=e.when.date(),
                            commit=commit,
                            who=who,
                            easier=easier,
                            changes=len(moves),
                            grace_days=grace,
                        ),
                    )


class SandbaggingOptions(BaseModel):
    """How many quarters in a row above the stretch band make a pattern."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    quarters: int = Field(default=2, ge=2)


Q3_PATH = "okrs/2026-Q3/checkout.yaml"


def _done_all(quarter: str) -> str:
    """GOOD_FILE for ``quarter`` with every key result at its target."""
    text = GOOD_FILE.replace("2026-Q4", quarter)
    for target in ("34", "60", "1.0"):
        text = text.replace(f"target: {target}\n", f"target: {target}\n        current: {target}\n")
    return text


class Sandbagging(Rule):
    """A unit that scores above the stretch band quarter after quarter is probably setting
    targets it knows it will hit. The product head's guide warns against
    sandbagging, and the product OKR guide reads repeated overshooting as a sign
    the goals were not ambitious enough. One good quarter is luck; a run of them is a pattern."""

    code = "OKR403"
    name = "sandbagging"
    severity = "info"
    summary = "a unit scoring above the stretch band quarter after quarter"
    scope: ClassVar[Scope] = "history"
    Options = SandbaggingOptions
    facts = SandbaggingFacts
    bad = (
        Example(
            _done_all("2026-Q4"),
            others={Q3_PATH: _done_all("2026-Q3")},
            history=(("2026-11-20", _done_all("2026-Q4")),),
            at="2026-11-20",
        ),
    )
    good = (
        Example(
            _done_all("2026-Q4"),
            others={Q3_PATH: GOOD_FILE.replace("2026-Q4", "2026-Q3")},
            history=(("2026-11-20", _done_all("2026-Q4")),),
            at="2026-11-20",
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        run = ctx.opts(self.code, SandbaggingOptions).quarters
        over = dec(ctx.repo.config.scoring.bands.over)
        per_unit: dict[str, list[tuple[Quarter, OkrDoc]]] = {}
        for q, _when, docs in _quarters(ctx):
            if not isinstance(q, Quarter):
                continue  # quarter after quarter: annual files are not in the run
            for doc in docs:
                assert doc.model is not None
                per_unit.setdefault(doc.model.unit, []).append((q, doc))
        for unit, items in per_unit.items():
            items.sort(key=lambda item: item[0])
            latest = items[-run:]
            if len(latest) < run:
                continue
            consecutive = all(a.next() == b for (a, _), (b, _) in itertools.pairwise(latest))
            scores = []
            for _q, doc in latest:
                assert doc.model is not None
                scores.append(mean([score_objective(o) for o in doc.model.objectives]))
            if consecutive and all(s > over for s in scores):
                shown = ", ".join(f"{q}: {s:.2f}" for (q, _), s in zip(latest, scores, strict=True))
                yield self.at(
                    latest[-1][1],
                    ("objectives",),
                    f"unit '{unit}' scored above {over} for {run} quarters in a row ({shown}); "
                    "ask whether its targets stretch it, and set the next ones higher.",
                    facts=SandbaggingFacts(
                        unit=unit,
                        over=float(over),
                        quarters=tuple(str(q) for q, _ in latest),
                        scores=tuple(float(s) for s in scores),
                    ),
                )


Q3_SCORED = GOOD_FILE.replace("2026-Q4", "2026-Q3")


def _q3_at(conversion: str) -> str:
    """The 2026-Q3 example with conversion checked in at ``conversion``."""
    return variant(
        "        target: 34\n", f"        target: 34\n        current: {conversion}\n", Q3_SCORED
    )


def _closed_history(late_day: str) -> tuple[tuple[str, str], ...]:
    """2026-Q3 written on 1 July, checked in on 28 September, changed again on ``late_day``."""
    return (
        ("2026-07-01", Q3_SCORED),
        ("2026-09-28", _q3_at("31")),
        (late_day, _q3_at("34")),
    )


_WATCHED: tuple[Literal["baseline", "target", "current", "confidence"], ...] = (
    "baseline",
    "target",
    "current",
    "confidence",
)


class ChangedAfterClose(Rule):
    """A quarter's result is its values when it closed: its last day plus the closing window
    (``scoring.close_days`` in okr.yaml, 14 days by default), time for late numbers to arrive.
    The product OKR guide asks to set success metrics up front and not to cherry-pick
    afterwards; a retrospective held on a result that is later rewritten was held on nothing.
    ``okr check-in`` and ``okr sync`` refuse a closed quarter unless reopened on purpose
    (``--reopen "why"``); this rule reports any commit that still changes a closed quarter's
    baseline, target, current value or confidence, with who made it and when. Score and
    report keep the value at close and show the later one beside it."""

    code = "OKR404"
    name = "changed-after-close"
    facts = ChangedAfterCloseFacts
    severity = "warning"
    summary = (
        "a commit that changes a closed period's values after its closing window "
        "(`scoring.close_days`)"
    )
    scope: ClassVar[Scope] = "history"
    bad = (
        Example(
            _q3_at("34"),
            path=Q3_PATH,
            history=_closed_history("2026-11-20"),
            at="2026-11-30",
        ),
    )
    good = (
        Example(
            _q3_at("34"),
            path=Q3_PATH,
            history=_closed_history("2026-10-09"),
            at="2026-11-30",
        ),
    )

    def check_repo(self, ctx: Context) -> Iterator[Finding]:
        assert ctx.moment is not None
        config = ctx.repo.config
        tz = zone(config)
        for q, _when, docs in _quarters(ctx):
            closed = closed_from(q, config)
            if ctx.moment.at < closed:
                continue
            history = ctx.moment.history(str(q))
            if history is None:
                continue
            closed_on = closing_day(q, config)
            for doc in docs:
                for i, j, ref, k in _krs(doc):
                    tl = history.timelines.get(ref)
                    if tl is None or not len(tl) or tl.whens[-1] < closed:
                        continue
                    first = max(bisect_left(tl.whens, closed), 1)
                    late = [
                        (n, f)
                        for n in range(first, len(tl))
                        for f in range(len(_WATCHED))
                        if tl.columns[f][n] != tl.columns[f][n - 1]
                    ]
                    if not late:
                        continue
                    n, f = late[-1]
                    what = _WATCHED[f]
                    old, new = tl.columns[f][n - 1], tl.columns[f][n]
                    commit = tl.commits[n]
                    day = local_day(tl.whens[n], tz)
                    more = f" ({len(late)} such changes)" if len(late) > 1 else ""
                    present = getattr(k, what) is not None
                    yield self.at(
                        doc,
                        ("objectives", i, "key_results", j, what if present else "id"),
                        f"the {what} of key result '{k.id}' changed from {shown(old)} to "
                        f"{shown(new)} on {day.isoformat()} {_who(commit)}{more}, after {q} "
                        f"closed on {closed_on.isoformat()} (its last day plus "
                        f"scoring.close_days, {config.scoring.close_days}); a closed quarter's "
                        "result stands: put the value back, or keep it and say why in the "
                        'retrospective (`okr check-in --reopen "why"` records the reason).',
                        facts=ChangedAfterCloseFacts(
                            key_result=ref,
                            field=what,
                            old=old,
                            new=new,
                            day=day,
                            commit=commit.id if commit is not None else None,
                            who=commit.author if commit is not None else None,
                            quarter=str(q),
                            closed_on=closed_on,
                            changes=len(late),
                        ),
                    )
