"""The authoring commands' work: find the file, make the change, commit it when asked."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML

from okrcli.cachefile import git_dir_of
from okrcli.closing import is_open, local_day, today, zone
from okrcli.closing import today as today_in_zone
from okrcli.edit.checkin import (
    CheckInResult,
    Edit,
    check_in,
    find_kr,
    known_unit,
    number_text,
    show,
    unit_doc,
)
from okrcli.errors import OkrError
from okrcli.fsutil import UnsafePathError, atomic_write, folder_lock
from okrcli.history.git import Git
from okrcli.history.source import moment
from okrcli.load.files import OkrDoc, resolve_root
from okrcli.load.repo import Repository, load_repository
from okrcli.model.okr import Direction, KeyResult
from okrcli.model.quarter import (
    QUARTER_RE,
    YEAR_FORM,
    YEARS_FORM,
    Quarter,
    Years,
    encloses,
    parse_period,
    quarter_advice,
)
from okrcli.render import render
from okrcli.rules.key_results import KrCountOptions
from okrcli.rules.objectives import TooManyObjectivesOptions

MODELINE = "# yaml-language-server: $schema=../../schemas/okr-file.schema.json"


def open_repo(repo: Path | None, cwd: Path) -> Repository:
    root = resolve_root(repo, cwd, cwd)
    loaded = load_repository(root)
    if loaded.org is None:
        raise OkrError(f"{root}/org.yaml is missing or broken; run `okr lint` and fix it first.")
    return loaded


def pick_quarter(repo: Repository, asked: str | None, now: datetime | None = None) -> str:
    """The quarter asked for, else the one running by the calendar (and the fiscal year's
    start in okr.yaml). Never an earlier quarter that happens to have files: a check-in
    meant for this quarter must not overwrite the last one's final value."""
    if asked is not None:
        if not QUARTER_RE.match(asked):
            raise OkrError(f"--quarter {asked}: {quarter_advice(asked)}.")
        return asked

    start = repo.config.fiscal_year_start_month
    return str(Quarter.containing(today(repo.config, now), start))


def pick_period(
    repo: Repository,
    quarter: str | None,
    year: str | None = None,
    years: str | None = None,
    now: datetime | None = None,
) -> str:
    """The period asked for with --quarter, --year (format 1.2: ``2026``) or --years
    (``2026-2028``), else the running quarter (:func:`pick_quarter`)."""
    given = [o for o, v in (("--quarter", quarter), ("--year", year), ("--years", years)) if v]
    if len(given) > 1:
        raise OkrError(f"{' and '.join(given)}: name one period.")
    for option, asked, kind, form in (
        ("--year", year, "year", YEAR_FORM),
        ("--years", years, "years", YEARS_FORM),
    ):
        if asked is not None:
            span = Years.parse(asked, repo.config.fiscal_year_start_month)
            if span is not None and span.kind != kind:  # the other option's period
                what, other = (
                    ("a span of years", "--years") if kind == "year" else ("one year", "--year")
                )
                raise OkrError(f"{option} {asked}: that is {what}; give it as {other} {asked}.")
            if span is None:
                raise OkrError(f"{option} {asked}: write it as {form}.")
            return asked
    return pick_quarter(repo, quarter, now)


def running_doc(repo: Repository, quarter: str, unit: str, asked: bool) -> OkrDoc:
    """The unit's file for ``quarter``; when the quarter was not named and the unit has no
    file for the running one, say how to write it or name another quarter."""
    known_unit(repo, unit)
    if asked or any(d.stem == unit and d.folder == quarter for d in repo.docs):
        return unit_doc(repo, quarter, unit)

    earlier = sorted(
        d.folder
        for d in repo.docs
        if d.model is not None and d.model.unit == unit and d.folder < quarter
    )
    rel = f"{repo.config.okrs_dir}/{quarter}/{unit}.yaml"
    hint = ""
    if earlier:
        hint = f" (or `okr new {unit} --from {earlier[-1]}` to carry {earlier[-1]} over)"
        if is_open(earlier[-1], repo.config):  # a closed quarter is never suggested
            hint += f", or name the quarter: --quarter {earlier[-1]}"
    raise OkrError(
        f"{quarter} is the running quarter and unit '{unit}' has no file for it ({rel}); "
        f"write it with `okr new {unit}`{hint}."
    )


@dataclass(slots=True)
class KrChoice:
    """A key result as the interactive check-in shows it."""

    objective: int
    kr: int
    ref: str
    title: str
    unit: str | None
    baseline: float | None
    target: float | None
    current: float | None
    confidence: float | None
    binary: bool
    last_checkin: date | None  # None: never checked in
    written: date | None  # when the key result first appeared in git

    def describe(self) -> str:
        """One line: where the key result stands (never a Python None)."""
        u = f" {self.unit}" if self.unit and self.unit != "%" else (self.unit or "")
        if self.binary:
            where = "done" if self.current == 1 else "not done yet"
            return f"{where} (binary: 1 when done, 0 when not)"
        parts = [
            f"current {show(self.current)}{u}" if self.current is not None else "no value yet",
            f"baseline {show(self.baseline)}{u}",
            f"target {show(self.target)}{u}",
        ]
        if self.confidence is not None:
            parts.append(f"confidence {show(self.confidence)}")
        if self.last_checkin is not None:
            parts.append(f"last check-in {self.last_checkin.isoformat()}")
        elif self.written is not None:
            parts.append(f"never checked in since {self.written.isoformat()}")
        else:
            parts.append("never checked in")
        return ", ".join(parts)


def kr_choices(
    repo: Repository, quarter: str, unit: str, asked: bool = True
) -> tuple[OkrDoc, list[KrChoice]]:
    """Every key result of the unit, with its last check-in date from git when available."""
    doc = running_doc(repo, quarter, unit, asked)
    assert doc.model is not None

    history = moment(repo.root, None, repo=repo).history(quarter)
    tz = zone(repo.config)
    rows = []
    for i, o in enumerate(doc.model.objectives):
        for j, k in enumerate(o.key_results):
            ref = f"{unit}/{o.id}/{k.id}"
            tl = history.timelines.get(ref) if history else None
            last = written = None
            if tl is not None and len(tl):
                count, latest = tl.checkin_summary()
                last = local_day(tl.whens[latest], tz) if count else None
                written = local_day(tl.whens[0], tz)
            rows.append(
                KrChoice(
                    i,
                    j,
                    ref,
                    k.title,
                    k.unit,
                    k.baseline,
                    k.target,
                    k.current,
                    k.confidence,
                    k.binary,
                    last,
                    written,
                )
            )
    return doc, rows


def checkin_day(repo: Repository, quarter: str, raw: str, now: datetime | None = None) -> date:
    """The day a late check-in names (``--date``): a real day, not after today (in okr.yaml's
    time zone) and not before the quarter's first day."""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise OkrError(f"--date {raw}: write the day of the check-in as YYYY-MM-DD.") from None
    now_day = today(repo.config, now)
    if day > now_day:
        raise OkrError(
            f"--date {raw} is in the future (today is {now_day.isoformat()} in "
            f"{repo.config.timezone}); a check-in records a value already seen."
        )
    q = parse_period(quarter, repo.config.fiscal_year_start_month)
    if q is not None and day < q.start:
        raise OkrError(
            f"--date {raw} is before {quarter} began ({q.start.isoformat()}); give a day of "
            "the quarter the value belongs to."
        )
    return day


def not_before_previous(spec: str, k: KeyResult, day: date) -> None:
    """Refuse a check-in dated before the key result's previous one (its ``checked:``)."""
    if k.checked is not None and day.isoformat() < k.checked:
        raise OkrError(
            f"--date {day.isoformat()} is before the previous check-in of '{spec}' "
            f"({k.checked}); a late check-in comes after the ones already recorded."
        )


def confidence_text(raw: str) -> str:
    """A confidence as the file keeps it (0 to 1); 70% or 70 is refused with the right advice."""
    cleaned = raw.strip()
    if cleaned.endswith("%"):
        share = number_text(cleaned.rstrip("%"), "--confidence")
        as_share = number_text(str(Decimal(share) / 100))
        raise OkrError(f"--confidence is a probability from 0 to 1, not '{raw}'; write {as_share}.")
    conf = number_text(cleaned, "--confidence")
    if not 0 <= Decimal(conf) <= 1:
        hint = ""
        if 1 < Decimal(conf) <= 100:
            hint = f"; for {conf}% write {number_text(str(Decimal(conf) / 100))}"
        raise OkrError(f"--confidence must be between 0 and 1, not {raw}{hint}.")
    return conf


def note_text(note: str) -> str:
    """A check-in note as one line of YAML (a quoted string)."""
    line = " ".join(note.split())
    if not line:
        raise OkrError("the check-in note is empty; write what changed, or leave -m out.")
    if len(line) > 500:
        raise OkrError(
            f"the check-in note is {len(line)} characters long; keep it to 500 (the commit "
            "message can say more)."
        )
    return json.dumps(line, ensure_ascii=False)


def value_text(raw: str, binary: bool = False) -> str:
    """A checked-in value as the file keeps it; a binary key result takes 0 or 1."""
    value = number_text(raw, "the value")
    if binary and value not in ("0", "1"):
        raise OkrError("this key result is binary: check in 1 when done, 0 when not.")
    return value


def edit_values(
    value: str | None,
    confidence: str | None,
    note: str | None = None,
    today: date | None = None,
) -> dict[str, str | None]:
    """What a check-in writes: the value and confidence given, the day, and the note (a
    check-in without one removes the previous check-in's)."""
    values: dict[str, str | None] = {}
    if value is not None:
        values["current"] = number_text(value, "the value")
    if confidence is not None:
        values["confidence"] = confidence_text(confidence)
    if not values:
        raise OkrError("give a value to check in (and maybe --confidence).")
    values["checked"] = (today or date.today()).isoformat()
    values["note"] = None if note is None else note_text(note)
    return values


def check_in_one(
    repo: Repository,
    quarter: str,
    spec: str,
    value: str | None,
    confidence: str | None,
    note: str | None = None,
    *,
    today: date | None = None,
    asked: bool = True,
    day: date | None = None,
) -> CheckInResult:
    """Check in one key result (``unit/kr`` or ``unit/objective/kr``): its value, maybe a
    confidence and a note. Re-confirming an unchanged value is a check-in too (the day is
    written). Returns what changed; the programmatic entry point (``okr sync`` uses it).
    ``asked``: whether the quarter was named (else a missing file says how to write it);
    ``day``: the day of a late check-in (``--date``), checked by :func:`checkin_day`."""
    unit = spec.split("/")[0]
    running_doc(repo, quarter, unit, asked)
    doc, i, j = find_kr(repo, quarter, spec)
    assert doc.model is not None
    k = doc.model.objectives[i].key_results[j]
    if value is not None and k.binary:
        try:
            value_text(value, binary=True)
        except OkrError:
            raise OkrError(f"'{spec}' is binary: check in 1 when done, 0 when not.") from None
    if day is not None:
        not_before_previous(spec, k, day)
    when = day or today or today_in_zone(repo.config)
    return check_in(doc, [Edit(i, j, edit_values(value, confidence, note, when))])


def check_in_many(doc: OkrDoc, edits: list[Edit]) -> CheckInResult:
    return check_in(doc, edits)


LOCK_WAIT = 120.0  # seconds a check-in waits for others of the same repository


@contextmanager
def turn(repo: Repository) -> Iterator[None]:
    """Check-ins of one repository take turns, from reading the file to committing it, so
    that each commit holds its own change only (a lock on the git directory, or on the
    repository's folder outside git; nothing is created)."""
    found = git_dir_of(repo.root)
    folder = found if found is not None and found.is_dir() else repo.root
    try:
        with folder_lock(folder, timeout=LOCK_WAIT):
            yield
    except TimeoutError:
        raise OkrError(
            f"other check-ins of this repository kept it busy for {LOCK_WAIT:g} s; "
            "nothing was written. Run the check-in again."
        ) from None


def committable(repo: Repository, quarter: str, unit: str) -> bytes:
    """The unit's file as it is, when a check-in of it can be committed on its own: the file
    is as HEAD has it and no other git command holds the index. Otherwise OkrError, before
    anything is written."""
    doc = unit_doc(repo, quarter, unit)
    git = Git(repo.root)
    rel = git.relpath(doc.path)
    try:
        raw = doc.path.read_bytes()
    except OSError as exc:
        raise OkrError(f"cannot read {doc.rel}: {(exc.strerror or str(exc)).lower()}.") from None
    head = git.blob_at("HEAD", rel) if git.has_commits() else None
    if head is None:
        raise OkrError(
            f"{doc.rel} is not committed yet; commit it first, or check in without --commit."
        )
    if not git.unchanged(rel):
        raise OkrError(
            f"{doc.rel} has changes that are not committed; --commit would commit them with "
            "the check-in. Commit or stash them first, or check in without --commit."
        )
    if git.index_locked():
        raise OkrError(
            "another git command is using the repository (its index is locked); nothing "
            "was written. Wait for it to finish, then check in again."
        )
    return raw


def commit(
    repo: Repository,
    result: CheckInResult,
    unit: str,
    message: str | None,
    original: bytes | None = None,
    reopen: str | None = None,
) -> str:
    """Commit the checked-in file with a structured message the report's log reads back;
    should the commit fail, the file is put back to ``original`` (what it held before)."""
    values = [c for c in result.changes if c.field == "current"]
    said = [f"{c.ref} {c.old} -> {c.new}" for c in values]
    said += [f"{ref} {value} (unchanged)" for ref, value in result.confirmed]
    if not said:
        said = [f"{c.ref} {c.field} {c.old} -> {c.new}" for c in result.changes]
    subject = f"check-in: {unit} " + ", ".join(said)
    body_lines = [f"{unit}/{c.ref} {c.field}: {c.old} -> {c.new}" for c in result.changes]
    body_lines += [
        f"{unit}/{ref} current: {value} (re-confirmed)" for ref, value in result.confirmed
    ]
    if message:
        body_lines = [message, "", *body_lines]
    if reopen is not None:
        body_lines = [reopened_line(reopen), "", *body_lines]
    try:
        return Git(repo.root).commit_paths([result.path], subject[:200], "\n".join(body_lines))
    except OkrError as exc:
        if original is None:
            raise
        atomic_write(result.path, original, within=repo.root)
        raise OkrError(f"{exc.message} The check-in was undone; the file is as it was.") from None


def reopened_line(reason: str) -> str:
    """The commit message's line saying why a closed quarter was changed (``--reopen``)."""
    return "Reopened after close: " + " ".join(reason.split())


def new_file(repo: Repository, unit: str, quarter: str, from_quarter: str | None = None) -> Path:
    """Write ``<okrs_dir>/<quarter>/<unit>.yaml``: from the template, or carried over from
    ``from_quarter`` with each baseline set to the last checked-in value."""
    assert repo.org is not None
    units = {u.id: u for u in repo.org.units}
    if unit not in units:
        close = difflib.get_close_matches(unit, list(units), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else " Add it to org.yaml first."
        raise OkrError(f"unit '{unit}' is not in org.yaml.{hint}")
    period = parse_period(quarter, repo.config.fiscal_year_start_month)
    if period is None:
        raise OkrError(f"--quarter {quarter}: {quarter_advice(quarter)}.")
    if from_quarter is not None:
        earlier = parse_period(from_quarter, repo.config.fiscal_year_start_month)
        if earlier is not None and _kind(earlier) != _kind(period):
            raise OkrError(
                f"--from {from_quarter}: carry over from a period of the same length as "
                f"{quarter} (a quarter from a quarter, a year from a year)."
            )
    path = repo.root / repo.config.okrs_dir / quarter / f"{unit}.yaml"
    if os.path.lexists(path):
        raise OkrError(f"{path.relative_to(repo.root)} already exists; edit it instead.")
    if from_quarter is not None:
        text = carried_over(repo, unit, from_quarter, quarter)
    else:
        text = _from_template(repo, unit, quarter)
    try:
        atomic_write(path, text, within=repo.root)
    except UnsafePathError as exc:
        raise OkrError(f"will not write {path.relative_to(repo.root)}: {exc.strerror}.") from None
    except OSError as exc:
        raise OkrError(f"cannot write {path}: {exc.strerror or exc}.") from None
    return path


def _kind(period: Quarter | Years) -> str:
    """quarter, year or years: the field an OKR file names the period with."""
    return period.kind if isinstance(period, Years) else "quarter"


def _from_template(repo: Repository, unit: str, quarter: str) -> str:
    assert repo.org is not None
    u = {x.id: x for x in repo.org.units}[unit]
    choices = []
    start_month = repo.config.fiscal_year_start_month
    period = parse_period(quarter, start_month)
    assert period is not None
    if u.parent is not None:
        for d in repo.docs:
            if d.model is None or d.model.unit != u.parent or d.model.period != quarter:
                continue
            for o in d.model.objectives:
                choices.append({"ref": f"{u.parent}/{o.id}", "title": o.title})
                for k in o.key_results:
                    choices.append({"ref": f"{u.parent}/{o.id}/{k.id}", "title": k.title})
    # format 1.2: the objectives of enclosing years and spans, the unit's own and its
    # ancestors'
    parents = {x.id: x.parent for x in repo.org.units}
    chain = [unit]
    while (up := parents.get(chain[-1])) is not None and up not in chain:
        chain.append(up)
    for d in sorted(repo.docs, key=lambda d: d.rel):
        if d.model is None or d.model.unit not in chain:
            continue
        outer = parse_period(d.model.period, start_month)
        if outer is None or not encloses(outer, period):
            continue
        for o in d.model.objectives:
            ref = f"{d.model.unit}/{o.id}@{d.model.period}"
            choices.append({"ref": ref, "title": o.title})
    choices += [{"ref": f"strategy/{t.id}", "title": t.title} for t in repo.org.strategy]
    most, krs = _limits(repo, u.level)
    return render(
        "new/okr-file.yaml.j2",
        schema_path="../../schemas/okr-file.schema.json",
        unit=unit,
        unit_name=u.name,
        level=u.level.replace("-", " "),
        most_objectives=most,
        kr_range=krs,
        quarter=quarter,
        period_field=_kind(period),
        objective_id=f"{unit}-objective",
        objective_title="",
        choices=choices,
        aligns_to=[],
        key_results=[
            {"id": f"kr-{n}", "title": "", "baseline": "", "target": ""} for n in (1, 2, 3)
        ],
    )


@dataclass(frozen=True, slots=True)
class DoneMilestone:
    """A binary key result done in the quarter carried over from: left out of the new file."""

    objective: str
    kr: str
    title: str


def done_milestones(repo: Repository, unit: str, from_quarter: str) -> list[DoneMilestone]:
    """The unit's binary key results checked in as done (1) in ``from_quarter``: a milestone
    reached is not next quarter's goal, so ``okr new --from`` leaves them out (and says so)."""
    doc = unit_doc(repo, from_quarter, unit)
    assert doc.model is not None
    return [
        DoneMilestone(o.id, k.id, k.title)
        for o in doc.model.objectives
        for k in o.key_results
        if k.binary and k.current == 1
    ]


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _limits(repo: Repository, level: str) -> tuple[str, str]:
    """How many objectives a unit of ``level`` may have (OKR101) and how many key results
    each (OKR201), in words, as okr.yaml sets them (the rules' defaults otherwise; a broken
    setting is lint's to report)."""

    def options(codes: tuple[str, str], model: Any) -> Any:
        for key in codes:
            if key in repo.config.lint.rules:
                try:
                    return model.model_validate(repo.config.lint.rules[key])
                except ValidationError:
                    break
        return model()

    def word(n: int) -> str:
        return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)

    most = options(("OKR101", "too-many-objectives"), TooManyObjectivesOptions)
    count = options(("OKR201", "kr-count"), KrCountOptions)
    n = {
        "team": most.team,
        "department": most.department,
        "business-unit": most.business_unit,
        "company": most.company,
    }.get(level, most.team)
    objectives = "one objective" if n == 1 else f"up to {word(n)} objectives"
    krs = word(count.min) if count.min == count.max else f"{word(count.min)} to {word(count.max)}"
    return objectives, f"{krs} key result{'s' if count.max != 1 else ''}"


def carried_over(repo: Repository, unit: str, from_quarter: str, quarter: str) -> str:
    """The earlier quarter's file, comments and layout kept, for the new quarter: its own
    header instead of the old one, and without the binary key results already done."""
    doc = unit_doc(repo, from_quarter, unit)
    assert doc.text is not None and doc.model is not None and repo.org is not None
    modeline, body = _header_split(doc.text)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    seq_indent, offset = _sequence_style(body)
    yaml.indent(mapping=2, sequence=seq_indent, offset=offset)
    data: Any = yaml.load(body)
    span = Years.parse(quarter)
    new_field = span.kind if span is not None else "quarter"
    old_field = doc.model.period_field
    value: str | int = int(quarter) if new_field == "year" else quarter
    if old_field == new_field:
        data[new_field] = value
    else:
        data.insert(list(data).index(old_field), new_field, value)
        del data[old_field]
    models = {(o.id, k.id): k for o in doc.model.objectives for k in o.key_results}
    done = {(d.objective, d.kr) for d in done_milestones(repo, unit, from_quarter)}
    for o in data.get("objectives") or []:
        krs = o.get("key_results") or []
        for n in reversed(range(len(krs))):
            if (o.get("id"), krs[n].get("id")) in done:
                del krs[n]
        for k in krs:
            model = models.get((o.get("id"), k.get("id")))
            if model is not None:
                _carry_kr(k, model)
            for name in ("current", "confidence", "checked", "note"):
                if name in k:
                    del k[name]
    out = StringIO()
    yaml.dump(data, out)
    name = " ".join(next((u.name for u in repo.org.units if u.id == unit), unit).split())
    header = [
        modeline or MODELINE,
        f"# OKRs of {name} for {quarter}, carried over from {from_quarter}: each baseline is",
        "# where the key result ended. Set the targets, then run `okr lint`.",
    ]
    if done:
        refs = ", ".join(f"{o}/{k}" for o, k in sorted(done))
        header.append(f"# Done in {from_quarter}, so left out: {refs}.")
    return "\n".join(header) + "\n" + out.getvalue()


def _header_split(text: str) -> tuple[str | None, str]:
    """The file's schema modeline (kept: the repository chose it) and the file without its
    header comment (the comment lines before the first key, which speak of the old quarter)."""
    lines = text.splitlines(keepends=True)
    n = 0
    modeline = None
    while n < len(lines) and (not lines[n].strip() or lines[n].lstrip().startswith("#")):
        if "yaml-language-server:" in lines[n] and modeline is None:
            modeline = lines[n].strip()
        n += 1
    return modeline, "".join(lines[n:])


def _carry_kr(k: Any, model: KeyResult) -> None:
    """One key result carried over: its baseline is where it ended. Its direction never
    flips: a target the key result has reached or passed no longer lies beyond the new
    baseline, so it is removed (the direction written down, with a comment) and left for the
    team to set; until then OKR202 reports the missing target."""
    last = model.current
    if last is None or model.binary:
        return
    k["baseline"] = last
    direction = model.effective_direction()
    if direction not in (Direction.INCREASE, Direction.DECREASE) or model.target is None:
        return
    ahead = model.target > last if direction == Direction.INCREASE else model.target < last
    if ahead:
        return
    keys = list(k)
    del k["target"]
    if "direction" not in k:
        k.insert(keys.index("baseline") + 1, "direction", direction.value)
    side = "above" if direction == Direction.INCREASE else "below"
    k.yaml_add_eol_comment(
        f"set a target {side} {show(last)}: last quarter's {show(model.target)} was reached",
        "direction" if "direction" in k else "baseline",
    )


def _sequence_style(text: str) -> tuple[int, int]:
    """(sequence indent, dash offset) as the file writes its lists."""
    lines = text.splitlines()
    for n, line in enumerate(lines[:-1]):
        if line.rstrip().endswith(":") and lines[n + 1].lstrip().startswith("- "):
            key_col = len(line) - len(line.lstrip())
            dash_col = len(lines[n + 1]) - len(lines[n + 1].lstrip())
            offset = dash_col - key_col
            return offset + 2, offset
    return 4, 2
