"""``okr diff``: what a pull request changes in the OKRs, in words.

Objectives and key results added or removed, baselines and targets changed (and whether that
made the key result easier or harder), check-ins (old -> new value, with the score change),
and the lint findings the change introduces or fixes. The history rules are left out of the
comparison: they depend on when they run, not on the change.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from operator import itemgetter
from pathlib import Path

from okrcli import markdown as md
from okrcli import runner
from okrcli.errors import OkrError
from okrcli.history.git import Git, GitError
from okrcli.history.source import files_at
from okrcli.history.timeline import QuarterHistory, quarter_history
from okrcli.lint.diagnostics import Diagnostic
from okrcli.lint.engine import lint_repository
from okrcli.lint.run import LintRequest
from okrcli.load.files import OkrDoc, resolve_root
from okrcli.load.repo import Repository, load_repository, load_repository_from
from okrcli.model.config import Config
from okrcli.model.okr import Direction, KeyResult
from okrcli.model.quarter import parse_period
from okrcli.rules.base import registry
from okrcli.score.formats import grouped
from okrcli.scoring import dec, score_kr
from okrcli.textsafe import visible


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # added, removed, target, baseline, check-in, confidence, note, title, direction
    ref: str
    what: str  # "objective" | "key result" | a field name
    old: str = ""
    new: str = ""
    note: str = ""
    # the score's change this change alone makes: before, after, change (rounded first, so
    # a check-in's and a goalpost move's changes add up to the whole change)
    score: tuple[str, str, str] | None = None
    title: str = ""  # the key result's (or objective's) title
    said: str = ""  # a check-in's note (okr check-in -m), on one line
    goal: str = ""  # an added key result's baseline -> target, unit and direction
    # a target moved after the quarter's targets were agreed: the agreed one, and whether
    # okr score keeps scoring against it (okr.yaml scoring.targets: agreed)
    agreed: str = ""
    agreed_scored: bool = False

    def remark(self, arrow: str) -> str:
        """The note, with the score change drawn with ``arrow``, and what a check-in said."""
        text = self.note
        if self.score is not None:
            old, new, delta = self.score
            moved = f"score {old} {arrow} {new} ({delta})"
            if self.kind == "check-in":
                text = f"{self.note}: {moved}" if self.note else moved
            else:
                why = " from the goalpost move, not progress" if old != new else ""
                text = f"{self.note + ': ' if self.note else ''}{moved}{why}"
        if self.agreed:
            period = self.ref.partition(" ")[0]  # format 1.2: a year's or a span's too
            whose = "quarter's" if "-Q" in period else "year's" if "-" not in period else "period's"
            flag = f"moved goalpost: the {whose} agreed target is {self.agreed}, " + (
                "which okr score keeps scoring against"
                if self.agreed_scored
                else "though okr score uses the current one (okr.yaml scoring.targets)"
            )
            text = f"{flag}; {text}" if text else flag
        if self.said:
            text = f"{text}; note: {self.said}" if text else f"note: {self.said}"
        return text


@dataclass(slots=True)
class Diff:
    base: str
    head: str
    changes: list[Change] = field(default_factory=list)
    introduced: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)


def _n(value: float | None) -> str:
    return "none" if value is None else grouped(value)


def _harder(k_old: KeyResult, k_new: KeyResult) -> str:
    """easier / harder, by the distance from baseline to target (or the threshold's side)."""
    if None in (k_old.baseline, k_old.target, k_new.baseline, k_new.target):
        return ""
    assert k_old.baseline is not None and k_old.target is not None
    assert k_new.baseline is not None and k_new.target is not None
    direction = k_new.effective_direction()
    if direction in (Direction.STAY_ABOVE, Direction.STAY_BELOW):
        up = dec(k_new.target) > dec(k_old.target)
        harder = up if direction == Direction.STAY_ABOVE else not up
    else:
        before = abs(dec(k_old.target) - dec(k_old.baseline))
        after = abs(dec(k_new.target) - dec(k_new.baseline))
        if before == after:
            return ""
        harder = after > before
    return "harder" if harder else "easier"


# an objective or key result, by its reference ``QUARTER:UNIT/OBJECTIVE[/KR]``, with what it is
Indexed = tuple[str, object]  # ("objective" | "key result", the model)


# the target agreed for a key result (QUARTER, UNIT/OBJECTIVE/KR) when a change of it comes
# after the quarter's targets were agreed, with whether okr score scores against it; None
# while targets are still being agreed
Agreed = Callable[[str, str], tuple[float, bool] | None]


def compare(base: Repository, head: Repository, agreed: Agreed | None = None) -> list[Change]:
    """The semantic changes between two states of the repository, in the order of the
    references: what was added or removed, renamed, and how each key result changed.

    Compared a unit at a time: a unit whose one file has the same text in both states has
    not changed, and the references of the others are indexed unit by unit (a large
    organisation's every reference is never held twice at once)."""
    old, new = _by_unit(base), _by_unit(head)
    found: list[tuple[str, list[Change]]] = []
    for unit in old.keys() | new.keys():
        before, after = old.get(unit, []), new.get(unit, [])
        if len(before) == len(after) == 1 and before[0].text == after[0].text is not None:
            continue
        a, b = _index(before), _index(after)
        found += (
            (ref, _changes(ref, a.get(ref), b.get(ref), agreed)) for ref in a.keys() | b.keys()
        )
    found.sort(key=itemgetter(0))
    return [c for _, changes in found for c in changes]


def _changes(
    ref: str, before: Indexed | None, after: Indexed | None, agreed: Agreed | None = None
) -> list[Change]:
    """How the objective or key result ``ref`` changed between the two states."""
    shown = ref.replace(":", " ", 1)
    if before is None or after is None:
        return [_added_or_removed(shown, before, after)]
    a, b = before[1], after[1]
    changes = _renamed(shown, a, b)
    if isinstance(a, KeyResult) and isinstance(b, KeyResult):
        moved = None
        if agreed is not None and a.target != b.target and not b.binary:
            quarter, path = ref.split(":", 1)
            moved = agreed(quarter, path)
            if moved is not None and moved[0] == b.target:
                moved = None  # put back to the agreed target: no goalpost moved
        changes += _key_result_changes(shown, a, b, moved)
    return changes


def _by_unit(repo: Repository) -> dict[tuple[str, str], list[OkrDoc]]:
    """The valid files of each quarter's unit (one, unless a unit is named twice)."""
    out: dict[tuple[str, str], list[OkrDoc]] = {}
    for d in repo.docs:
        if d.model is not None:
            out.setdefault((d.model.period, d.model.unit), []).append(d)
    return out


def _index(docs: list[OkrDoc]) -> dict[str, Indexed]:
    """Every objective and key result of ``docs``, by reference (a later file's wins)."""
    out: dict[str, Indexed] = {}
    for d in docs:
        assert d.model is not None
        for o in d.model.objectives:
            out[f"{d.model.period}:{d.model.unit}/{o.id}"] = ("objective", o)
            for k in o.key_results:
                out[f"{d.model.period}:{d.model.unit}/{o.id}/{k.id}"] = ("key result", k)
    return out


def _added_or_removed(shown: str, before: Indexed | None, after: Indexed | None) -> Change:
    """An objective or key result that is in only one of the two states."""
    if before is None:
        assert after is not None
        what, item = after
        title = getattr(item, "title", "")
        goal = _goal(item) if isinstance(item, KeyResult) else ""
        return Change("added", shown, what, new=title, title=title, goal=goal)
    what, item = before
    title = getattr(item, "title", "")
    return Change("removed", shown, what, old=title, title=title)


def _with_unit(value: float | None, unit: str | None) -> str:
    if value is None:
        return "none"
    if not unit:
        return _n(value)
    return f"{_n(value)}{unit}" if unit == "%" else f"{_n(value)} {unit}"


_GOING = {
    Direction.INCREASE: "increase",
    Direction.DECREASE: "decrease",
    Direction.STAY_ABOVE: "stay_above",
    Direction.STAY_BELOW: "stay_below",
}


def _goal(k: KeyResult) -> str:
    """What an added key result aims at, for a reviewer: baseline -> target with the unit,
    and the direction (declared, or as the numbers say)."""
    if k.binary:
        return "binary: done or not"
    direction = k.effective_direction()
    going = _GOING.get(direction, "") if direction is not None else ""
    if going:
        going = f", {going} by its numbers" if k.direction is None else f", direction {going}"
    span = f"baseline {_with_unit(k.baseline, k.unit)} -> target {_with_unit(k.target, k.unit)}"
    return span + going


def _renamed(shown: str, a: object, b: object) -> list[Change]:
    """The title's change of an objective or key result, if it changed."""
    if getattr(a, "title", None) == getattr(b, "title", None):
        return []
    before, after = getattr(a, "title", ""), getattr(b, "title", "")
    return [Change("title", shown, "title", before, after, title=str(after))]


def _key_result_changes(
    shown: str, a: KeyResult, b: KeyResult, moved: tuple[float, bool] | None = None
) -> list[Change]:
    """A key result's goalposts moved, its check-in or note, and its confidence, in order.

    The score's change comes in two parts that add up: the check-in (the new value against
    the old goalposts), then the goalpost move (the new value against the new ones). A
    target ``moved`` after the quarter's targets were agreed is scored, as okr score does,
    against the agreed one (unless okr.yaml scores the current target): the move then
    changes no score, and is flagged."""
    title = str(b.title)
    sa, sb = a, b
    if moved is not None and moved[1]:
        sa = a.model_copy(update={"target": moved[0]})
        sb = b.model_copy(update={"target": moved[0]})
    s_old = _rounded(score_kr(sa).score)
    s_mid = _rounded(score_kr(sa, b.current).score) if b.current is not None else s_old
    s_new = _rounded(score_kr(sb).score)
    goalposts = _goalposts(shown, a, b, (s_mid, s_new), title)
    if moved is not None:
        goalposts = [
            replace(c, agreed=_n(moved[0]), agreed_scored=moved[1]) if c.kind == "target" else c
            for c in goalposts
        ]
    return (
        goalposts + _progress(shown, a, b, (s_old, s_mid), title) + _confidence(shown, a, b, title)
    )


def _goalposts(
    shown: str, a: KeyResult, b: KeyResult, score: tuple[Decimal, Decimal], title: str
) -> list[Change]:
    """Baseline, target and direction changes; the change of ``score`` (from the old
    goalposts to the new, at the new value) is told once, on the last of them."""
    changes = [
        Change(
            name,
            shown,
            name,
            _n(getattr(a, name)),
            _n(getattr(b, name)),
            _harder(a, b),
            title=title,
        )
        for name in ("baseline", "target")
        if getattr(a, name) != getattr(b, name)
    ]
    if a.direction != b.direction:
        changes.append(
            Change(
                "direction",
                shown,
                "direction",
                a.direction.value if a.direction else "inferred",
                b.direction.value if b.direction else "inferred",
                title=title,
            )
        )
    if changes:
        changes[-1] = replace(changes[-1], score=_scores(*score))
    return changes


def _progress(
    shown: str, a: KeyResult, b: KeyResult, score: tuple[Decimal, Decimal], title: str
) -> list[Change]:
    """A check-in (a new value, with the change of ``score`` from the old value to the new
    against the old goalposts, or the same value re-confirmed on a later day), else a new
    note alone, else nothing."""
    said = " ".join(b.note.split()) if b.note and b.note != a.note else ""
    reconfirmed = a.current == b.current and a.checked != b.checked and b.checked is not None
    if a.current != b.current or reconfirmed:
        return [
            Change(
                "check-in",
                shown,
                "current",
                _n(a.current),
                _n(b.current),
                "re-confirmed" if reconfirmed else "",
                score=None if reconfirmed else _scores(*score),
                title=title,
                said=said,
            )
        ]
    return [Change("note", shown, "note", new=said, title=title)] if said else []


def _confidence(shown: str, a: KeyResult, b: KeyResult, title: str) -> list[Change]:
    """The confidence's change, if it changed."""
    if a.confidence == b.confidence:
        return []
    return [
        Change("confidence", shown, "confidence", _n(a.confidence), _n(b.confidence), title=title)
    ]


def _rounded(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))


def _scores(old: Decimal, new: Decimal) -> tuple[str, str, str]:
    """Before, after and the change, of scores already rounded (so changes add up)."""
    delta = new - old
    return (str(old), str(new), f"{'+' if delta >= 0 else ''}{delta}")


@dataclass(slots=True)
class _AgreedTargets:
    """The targets agreed for the quarter (in force when its first days ended, as okr score
    reads them), from the base's history; read once per quarter, only for a quarter whose
    targets the change moves after they were agreed."""

    git: Git
    root: Path
    base_rev: str
    when: datetime  # when the change lands: the head commit's time, or now
    config: Config
    histories: dict[str, QuarterHistory] = field(default_factory=dict)

    def __call__(self, quarter: str, ref: str) -> tuple[float, bool] | None:
        q = parse_period(quarter, self.config.fiscal_year_start_month)  # format 1.2: any period
        if q is None:
            return None
        days = self.config.agreed_after_days()
        cutoff = datetime.combine(q.start + timedelta(days=days), time(0), tzinfo=UTC)
        if self.when < cutoff or self.git.is_shallow():
            return None  # still being agreed; or a history too short to tell
        history = self.histories.get(quarter)
        if history is None:
            history = self.histories[quarter] = quarter_history(
                self.root, self.config.okrs_dir, quarter, rev=self.base_rev, git=self.git
            )
        tl = history.timelines.get(ref)
        if tl is None or not len(tl):
            return None
        # the target in force at the cutoff; a key result written later agreed on its first
        agreed = tl.targets[max(bisect_right(tl.whens, cutoff) - 1, 0)]
        if agreed is None:
            return None
        return float(agreed), self.config.scoring.targets == "agreed"


def default_base(git: Git) -> str:
    """The merge base of HEAD with the default branch (origin's HEAD, main or master)."""
    for candidate in ("origin/HEAD", "origin/main", "origin/master", "main", "master"):
        try:
            rev = git.resolve(candidate)
        except GitError:
            continue
        found = git._run("merge-base", rev, "HEAD", check=False)
        if found and found.strip():
            return found.strip()
    raise OkrError(
        "could not find the default branch to compare with; name the base, like `okr diff main`."
    )


def _key(d: Diagnostic) -> tuple[str, str, object]:
    """What makes two findings the same one across the change: rule, file and facts (the
    message only for the few rules that carry no facts)."""
    return (d.code, d.rel, d.facts if d.facts is not None else d.message)


def _findings(repo: Repository, root: Path) -> list[Diagnostic]:
    # the rules of one moment: the history rules judge the history, not the change
    select = [code for code, rule in registry().items() if rule.scope != "history"]
    return lint_repository(repo, LintRequest(cwd=root, select=select)).diagnostics


def diff(
    base: str | None, head: str | None, *, repo: Path | None = None, cwd: Path | None = None
) -> Diff:
    """Compare ``base`` (default: merge base with the default branch) with ``head``
    (default: the working tree)."""
    cwd = cwd or Path.cwd()
    root = resolve_root(repo, cwd, cwd)
    git = Git(root)
    if not git.has_commits():
        raise OkrError("the repository has no commits yet; there is nothing to compare with.")
    base_rev = git.resolve(base) if base else default_base(git)
    base_repo = load_repository_from(root, files_at(git, root, base_rev))
    # linting the base is independent of reading and linting the head
    base_lint = runner.beside(partial(_findings, base_repo, root))
    try:
        # the files a change leaves as they were are the base's own, not read twice
        same = {d.rel: d for d in base_repo.docs}
        if head is None:
            head_repo, head_name = load_repository(root, known=same), "the working tree"
        else:
            head_rev = git.resolve(head)
            head_repo = load_repository_from(root, files_at(git, root, head_rev), known=same)
            head_name = head
        when = datetime.now(UTC) if head is None else git.commit_time(head_rev)
        agreed = _AgreedTargets(git, root, base_rev, when, head_repo.config)
        result = Diff(base or base_rev[:8], head_name, compare(base_repo, head_repo, agreed))
        after = _findings(head_repo, root)
        before = base_lint.result()
    finally:
        base_lint.cancel()
    b_count, a_count = Counter(map(_key, before)), Counter(map(_key, after))
    result.introduced = [d for d in after if (a_count[_key(d)] - b_count[_key(d)]) > 0]
    result.fixed = [d for d in before if (b_count[_key(d)] - a_count[_key(d)]) > 0]
    return result


def _line(c: Change) -> str:
    if c.kind == "added":
        return f"+ {c.what} {c.ref}: {c.new}" + (f" ({c.goal})" if c.goal else "")
    if c.kind == "removed":
        return f"- {c.what} {c.ref}: {c.old}"
    remark = c.remark("->")  # plain ASCII on a terminal or in a CI log, as in commit subjects
    note = f" ({remark})" if remark else ""
    verb = "checked in" if c.kind == "check-in" else f"{c.what} changed"
    return f"~ {c.ref}: {verb} {c.old} -> {c.new}{note}"


def text(d: Diff) -> str:
    out = [f"OKR changes from {d.base} to {d.head}:"]
    out += [f"  {_line(c)}" for c in d.changes] or ["  none"]
    if d.introduced:
        out.append("Lint findings introduced:")
        out += [f"  {x.path}:{x.line}: {x.code} {x.name} {x.message}" for x in d.introduced]
    if d.fixed:
        out.append("Lint findings fixed:")
        out += [f"  {x.rel}: {x.code} {x.name} {x.message}" for x in d.fixed]
    return "\n".join(map(visible, out)) + "\n"


COMMENT_LIMIT = 65_536  # characters GitHub takes in a pull-request comment


def markdown(d: Diff, limit: int = COMMENT_LIMIT) -> str:
    """The changes as a pull-request comment: goalposts moved apart from progress, each key
    result's title beside its id; cut (saying so) before it passes ``limit`` characters."""
    out = [f"### OKR changes ({md.text(d.base)} → {md.text(d.head)})", ""]
    groups = [
        ("Added", [c for c in d.changes if c.kind == "added"]),
        ("Removed", [c for c in d.changes if c.kind == "removed"]),
        (
            "Goalposts moved (baselines, targets, directions: not progress)",
            [c for c in d.changes if c.kind in ("baseline", "target", "direction")],
        ),
        (
            "Progress (check-ins)",
            [c for c in d.changes if c.kind in ("check-in", "confidence", "note")],
        ),
        ("Renamed", [c for c in d.changes if c.kind == "title"]),
    ]
    if not d.changes:
        out += ["No objective or key result changed.", ""]
    found: tuple[tuple[str, list[Diagnostic]], ...] = (
        ("Lint findings introduced", d.introduced),
        ("Lint findings fixed", d.fixed),
    )
    tail = "\n_…cut to fit a pull-request comment; run `okr diff` for every change._\n"
    size = sum(len(line) + 1 for line in out) + len(tail)
    lines: list[str] = []
    for title, items in groups:
        if not items:
            continue
        rows = []
        for c in items:
            what = f" ({c.what})" if c.kind in ("added", "removed") else f" {c.what}"
            old, new = md.cell(c.old), md.cell(c.new)
            if c.kind in ("added", "removed"):
                old, new = ("-", "added") if c.kind == "added" else ("present", "removed")
                if c.goal:
                    new = f"added: {md.text(c.goal.replace(' -> ', ' → '))}"
            rows.append([md.code(c.ref) + what, md.cell(c.title), old, new, md.cell(c.remark("→"))])
        cols = ["Key result", "Title", "Before", "After", "Effect"]
        lines += [f"**{title}**", "", *md.table(cols, rows, {"Before", "After"}), ""]
    for heading, diags in found:
        if diags:
            lines += [f"**{heading}**", ""]
            lines += [
                f"- {md.code(f'{x.rel}:{x.line}')} {x.code} {x.name}: {md.text(x.message)}"
                for x in diags
            ]
            lines.append("")
    for line in map(visible, lines):
        if size + len(line) + 1 > limit:
            out += ["", tail.strip("\n")]  # a blank line first: the table ends there
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out).rstrip() + "\n"


FORMATS = {"text": text, "markdown": markdown}
