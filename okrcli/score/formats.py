"""The score card as plain text, markdown or JSON: one small function each."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from okrcli import markdown as md
from okrcli.score.card import KrRow, ObjectiveRow, ScoreCard, UnitCard
from okrcli.score.enclosing import EnclosingRow
from okrcli.textsafe import visible

BARS = "▁▂▃▄▅▆▇█"
_BAND_LABEL = {
    "missed": "missed",
    "stretch": "stretch zone",
    "over": "over-achieved",
    "met": "met",
}


def num(value: float | Decimal | None) -> str:
    """A number in its shortest exact form; '-' for nothing."""
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text


def grouped(value: float | Decimal | None) -> str:
    """:func:`num` with thousands separators (12,500; 1,234.5)."""
    text = num(value)
    if "e" in text or "E" in text or len(text.lstrip("-").partition(".")[0]) <= 3:
        return text
    whole, dot, frac = text.partition(".")
    return f"{int(whole):,}{dot}{frac}"


def brier_words(brier: float | Decimal) -> str:
    """The Brier score said against its reference: always saying 50% scores 0.25."""
    value = Decimal(str(brier))
    than = (
        "better than"
        if value < Decimal("0.25")
        else "the same as"
        if value == Decimal("0.25")
        else "worse than"
    )
    return (
        f"Brier score {num(brier)}, {than} always saying 50% (which scores 0.25; "
        "0 is perfect, 1 is always sure and always wrong)"
    )


MARKS = {"on track": "🟢", "at risk": "🟡", "off track": "🔴"}


# bar heights 0..7 as the bytes 0..7, then as the bars (one C-level pass each)
_SPARK = str.maketrans({i: bar for i, bar in enumerate(BARS)})


def sparkline(row: KrRow) -> str:
    """The weekly values drawn between the baseline and the target (or the values' range)."""
    weekly = row.weekly
    if not weekly:
        return ""
    gaps = None in weekly
    values = [v for v in weekly if v is not None] if gaps else cast(list[float], list(weekly))
    if not values:
        return ""
    if row.baseline is not None:
        values.append(row.baseline)
    if row.target is not None:
        values.append(row.target)
    lo, hi = min(values), max(values)
    if hi - lo == math.inf:  # numbers near the limits of a float: draw them at half size
        return sparkline(
            replace(
                row,
                weekly=[_half(v) for v in weekly],
                baseline=_half(row.baseline),
                target=_half(row.target),
            )
        )
    scale = 7.999 / ((hi - lo) or 1)
    if scale == math.inf:  # values a whisker apart near zero (subnormal floats): magnify them
        return sparkline(
            replace(
                row,
                weekly=[_times(v, 2.0**600) for v in weekly],
                baseline=_times(row.baseline, 2.0**600),
                target=_times(row.target, 2.0**600),
            )
        )
    if gaps:
        return "".join([" " if v is None else BARS[int((v - lo) * scale)] for v in weekly])
    # v - lo is at most hi - lo, so every height is below 8
    full = cast(list[float], weekly)
    heights = bytes(map(int, map(scale.__mul__, map(float(-lo).__add__, full))))
    return heights.decode("latin-1").translate(_SPARK)


def progress(row: KrRow) -> list[float | None]:
    """Each week's progress from 0 to 1, whichever way the key result should move: the
    share of the way from baseline to target (lower-is-better key results rise as they
    improve), held or not for a threshold, done or not for a yes/no key result; as the
    scoring function scores the value (in floats: for drawing only)."""
    direction, b, t, weekly = row.direction, row.baseline, row.target, row.weekly
    if not weekly:
        return []
    if row.binary:
        return [None if v is None else 1.0 if v >= 1 else 0.0 for v in weekly]
    if t is None:
        return [None if v is None else 0.0 for v in weekly]
    if direction == "stay_above" or (direction != "stay_below" and (b is None or b == t)):
        if direction in ("stay_above", "increase"):
            return [None if v is None else 1.0 if v >= t else 0.0 for v in weekly]
        if direction == "decrease":
            return [None if v is None else 1.0 if v <= t else 0.0 for v in weekly]
        return [None if v is None else 1.0 if v == t else 0.0 for v in weekly]
    if direction == "stay_below":
        return [None if v is None else 1.0 if v <= t else 0.0 for v in weekly]
    assert b is not None
    span = t - b
    if (direction == "increase" and t < b) or (direction == "decrease" and t > b):
        span = -span  # a contradictory declaration, scored as the scoring function does
    # (v - b) / span kept within 0 and 1
    return [
        None if v is None else 0.0 if (x := (v - b) / span) <= 0.0 else 1.0 if x > 1.0 else x
        for v in weekly
    ]


def trend(row: KrRow, weekly_progress: list[float | None] | None = None) -> str:
    """The weekly progress as bars on a fixed 0 to 1 scale (a dot for a week with no value
    yet): rising means improving, for every kind of key result."""
    shown = progress(row) if weekly_progress is None else weekly_progress
    return "".join(["·" if p is None else BARS[7] if p >= 1 else BARS[int(p * 8)] for p in shown])


def _half(value: float | None) -> float | None:
    return None if value is None else value / 2


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _value(row: KrRow, unit: str | None = None) -> str:
    """The current value with its unit (``unit``: the unit as the format shows it), and a
    change after the quarter closed beside it."""
    text = "done" if row.binary and row.current == 1 else with_unit(grouped(row.current), unit)
    text += "*" if row.uncommitted and row.after_close is None else ""
    if row.after_close is not None:
        later = row.after_close.value
        shown_later = "done" if row.binary and later == 1 else with_unit(grouped(later), unit)
        text += f" (changed after close: {shown_later})"
    return text


def closed_score(score: Decimal, late: Decimal | None) -> str:
    """A closed quarter's score as at close, with the score of a later change beside it."""
    return num(score) if late is None else f"{num(score)} (changed after close: {num(late)})"


def _scope(card: ScoreCard) -> str:
    """Whose score the headline gives: one unit's, or the mean of the units shown."""
    if len(card.units) == 1 and not card.left_out:
        return f"{card.units[0].name}'s score"
    if card.some_units and card.units:
        # the units asked for, not the organisation: named, or counted when many
        names = [u.name for u in card.units]
        if len(names) > 4:
            return f"the {len(names)} units' score"
        last = names[-1] + ("'" if names[-1].endswith("s") else "'s")
        return f"{', '.join(names[:-1])} and {last} score"
    return "organisation score" if card.units else "score"


def headline(card: ScoreCard) -> str:
    when = card.at.date().isoformat()
    if card.ended:
        b = card.bands
        line = (
            f"{card.quarter} as of {when} ({card.span_word} over): {_scope(card)} "
            f"{closed_score(card.score, card.after_close)}; "
            f"units {b['missed']} missed, {b['stretch']} in the stretch zone, {b['over']} "
            f"over-achieved; {card.checked_in} of {card.key_results} key results checked in"
            + (f"; closed on {card.closed_on.isoformat()}" if card.closed_on else "")
        )
        if card.missed_commitments:
            line += "; committed objectives missed: " + ", ".join(card.missed_commitments)
    else:
        p = card.paces
        line = (
            f"{card.quarter} as of {when} ({int(card.elapsed * 100)}% of the {card.span_word} "
            "gone): "
            f"{_scope(card)} {num(card.score)}; key results {p['on track']} on track, "
            f"{p['at risk']} at risk, {p['off track']} off track; {card.checked_in} of "
            f"{card.key_results} checked in"
        )
    if card.indicators:
        mix = card.indicators
        line += (
            f"; indicators {mix['leading']} leading, {mix['lagging']} lagging, "
            f"{mix['unset']} undeclared"
        )
    return line + left_out(card) + "."


def left_out(card: ScoreCard) -> str:
    """The headline's mark of a partial score: the units of files that could not be read
    are not in it."""
    n = len(card.left_out)
    if not n:
        return ""
    return (
        f"; partial: {n} unit{'s' if n > 1 else ''} left out ({', '.join(card.left_out)} "
        f"could not be read)"
    )


def with_unit(text: str, unit: str | None) -> str:
    """A value with its key result's unit: 40%, 900 ms, 12 h, 3 days ('-' stays as it is)."""
    if not unit or text in ("-", "none", "done", ""):
        return text
    unit = " ".join(unit.split())
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def status(pace: str | None, band: str, card: ScoreCard) -> str:
    """The band once the quarter is over; while it runs, the pace (a band mid-quarter says
    little: 0.4 in week six is on track). One model, never both at once."""
    return _BAND_LABEL[band] if card.ended else (pace or "-")


def target_cell(row: KrRow, unit: str | None = None) -> str:
    """The target scored against, with a moved one beside it (and the unit, when given)."""
    m = row.moved
    if m is None:
        return with_unit(grouped(row.target), unit)
    agreed, latest = with_unit(grouped(m.agreed), unit), with_unit(grouped(m.latest), unit)
    if m.scored == "agreed":
        return f"{agreed} (moved to {latest})"
    return f"{latest} (agreed {agreed})"


def breach_words(row: KrRow) -> str:
    """A threshold broken during the quarter, even when it held at the end."""
    side = "below" if row.direction == "stay_above" else "above"
    days = ", ".join(d.isoformat() for d in row.breached)
    return f"threshold broken: {side} {with_unit(grouped(row.target), row.unit)} on {days}"


def _notes(rows: list[KrRow]) -> list[tuple[str, str]]:
    return [(k.id, k.note) for k in rows if k.note]


def _table(rows: list[list[str]], indent: str = "    ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in rows
    ]


def _owners(u: UnitCard, o: ObjectiveRow) -> list[str]:
    """Format 1.2: the units owning a shared objective, besides the unit it is shown under."""
    owner = o.key_results[0].ref.split("/")[0] if o.key_results else ""
    return [x for x in dict.fromkeys([owner, *o.shared_with]) if x and x != u.id]


def _unit_text(u: UnitCard, card: ScoreCard) -> list[str]:
    lines = [
        f"{u.id}  {u.name} ({u.level})  score {closed_score(u.score, u.after_close)}  "
        f"{status(u.pace, u.band, card)}"
    ]
    for o in u.objectives:
        lines.append(
            f"  {o.id}: {o.title}  [{o.commitment}]  {closed_score(o.score, o.after_close)} "
            f"{status(o.pace, o.band, card)}"
            + (f"  shared: {', '.join(_owners(u, o))}" if o.shared_with else "")
        )
        head = [
            "key result",
            "baseline",
            "current",
            "target",
            "score",
            "confidence",
            "last check-in",
            "trend",
        ]
        if not card.ended:
            head.insert(5, "pace")
        declared = any(k.indicator for k in o.key_results)
        if declared:
            head.insert(1, "indicator")
        rows = [head]
        for k in o.key_results:
            row = [
                k.id,
                with_unit(grouped(k.baseline), k.unit),
                _value(k, k.unit),
                target_cell(k, k.unit),
                closed_score(k.score, k.after_close.score if k.after_close else None),
                num(k.confidence),
                k.last_checkin.isoformat() if k.last_checkin else "never",
                trend(k),
            ]
            if not card.ended:
                row.insert(5, k.pace or "-")
            if declared:
                row.insert(1, k.indicator or "-")
            rows.append(row)
        lines += _table(rows)
        lines += [
            f"    note ({kr}): {' '.join(note.split())}" for kr, note in _notes(o.key_results)
        ]
        lines += [f"    {k.id}: {breach_words(k)}" for k in o.key_results if k.breached]
    if u.brier is not None:
        lines.append(
            f"  calibration (Brier score of confidence check-ins, 0 is perfect): {num(u.brier)}"
        )
    if card.ended:
        lines.append("  to discuss: " + " ".join(u.prompts))
    return lines


def enclosing_words(row: EnclosingRow) -> str:
    """An annual or multi-year objective the quarter aligns to, in a sentence's words."""
    kind = "year" if "-" not in row.period else "period"
    so_far = "year to date" if kind == "year" else "so far"
    judged = f"pace {row.pace}" if row.pace is not None else f"{kind} over, {row.band}"
    return (
        f"{row.ref} ({row.title}): {so_far} {num(row.score)} with "
        f"{int(row.elapsed * 100)}% of the {kind} gone, {judged}; aligned from "
        f"{', '.join(row.aligned_from)}"
    )


def text(card: ScoreCard) -> str:
    out = [headline(card), ""]
    if card.enclosing:
        out += ["aligned to longer goals:"]
        out += [f"  {enclosing_words(row)}" for row in card.enclosing]
        out += [""]
    for u in card.units:
        out += [*_unit_text(u, card), ""]
    out += [f"moved target: {m}" for m in card.moved]
    out += [f"changed after close: {m}" for m in card.changed_after_close]
    out += [f"note: {n}" for n in card.notices]
    return "\n".join(map(visible, out)).rstrip() + "\n"


def markdown(card: ScoreCard) -> str:
    out = [f"## Scores for {card.quarter}", "", md.text(headline(card)), ""]
    if not card.ended:
        out += [
            " · ".join(f"{m} {p}" for p, m in MARKS.items()) + " (pace: the score against "
            f"the share of the {card.span_word} gone)",
            "",
        ]
    if card.enclosing:
        out += ["Aligned to longer goals:", ""]
        out += [f"- {md.text(enclosing_words(row))}" for row in card.enclosing]
        out += [""]
    for u in card.units:
        out += [
            f"### {md.text(u.name)} ({md.code(u.id)}): {closed_score(u.score, u.after_close)}, "
            f"{status(u.pace, u.band, card)}",
            "",
        ]
        for o in u.objectives:
            out += [
                f"**{md.text(o.title)}** ({o.commitment}): "
                f"{closed_score(o.score, o.after_close)}, "
                f"{status(o.pace, o.band, card)}",
                "",
            ]
            declared = any(k.indicator for k in o.key_results)
            cols = ["Key result", *(["Indicator"] if declared else [])]
            cols += ["Baseline", "Current", "Target", "Score"]
            cols += [] if card.ended else ["Pace"]
            cols += ["Confidence", "Last check-in", "Trend"]
            right = {"Baseline", "Current", "Target", "Score", "Confidence"}
            rows = []
            for k in o.key_results:
                unit = md.text(k.unit) if k.unit else None
                cells = [
                    md.cell(k.title),
                    *([k.indicator or "-"] if declared else []),
                    with_unit(grouped(k.baseline), unit),
                    _value(k, unit),
                    target_cell(k, unit),
                    closed_score(k.score, k.after_close.score if k.after_close else None),
                ]
                if not card.ended:
                    cells.append(f"{MARKS[k.pace]} {k.pace}" if k.pace in MARKS else "-")
                shown = trend(k)
                cells += [
                    num(k.confidence),
                    k.last_checkin.isoformat() if k.last_checkin else "never",
                    md.code(shown) if shown else "-",
                ]
                rows.append(cells)
            out += md.table(cols, rows, right)
            out.append("")
            out += [
                f"- Note on {md.code(kr)}: {md.text(note)}" for kr, note in _notes(o.key_results)
            ]
            out += [
                f"- On {md.code(k.id)}: {md.text(breach_words(k))}"
                for k in o.key_results
                if k.breached
            ]
            out += [""] if _notes(o.key_results) or any(k.breached for k in o.key_results) else []
        if u.brier is not None:
            out += [f"Calibration of confidence check-ins: {brier_words(u.brier)}.", ""]
        if card.ended:  # the questions are for the retrospective, once the quarter is over
            out += ["To discuss:", *[f"- {p}" for p in u.prompts], ""]
    out += [f"> Moved target: {md.text(m)}" for m in card.moved]
    out += [f"> Changed after close: {md.text(m)}" for m in card.changed_after_close]
    out += [f"> Note: {md.text(n)}" for n in card.notices]
    return "\n".join(map(visible, out)).rstrip() + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _tree(value: Any) -> Any:
    """Dataclasses to dicts, a lot faster than dataclasses.asdict for big cards."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _tree(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list | tuple):
        return [_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _tree(v) for k, v in value.items()}
    return _plain(value)


def as_json(card: ScoreCard) -> str:
    """One JSON object; compact, so the C encoder writes it. One judgement at a time, as
    everywhere: while the quarter runs, bands are null and paces are given; once it is over,
    the other way round."""
    data = _tree(card)
    # format 1.2's keys only where they say something: a 1.1 card's JSON is as it was
    if card.span == "quarter":
        del data["span"]
    if not card.indicators:
        del data["indicators"]
    if not card.enclosing:
        del data["enclosing"]
    for unit in data["units"]:
        for objective in unit["objectives"]:
            for kr in objective["key_results"]:
                if kr["indicator"] is None:
                    del kr["indicator"]
            if not objective["shared_with"]:
                del objective["shared_with"]
    if not card.ended:
        data["bands"] = None
        for unit in data["units"]:
            unit["band"] = None
            for objective in unit["objectives"]:
                objective["band"] = None
    else:
        data["paces"] = None
    return json.dumps(data, separators=(",", ":")) + "\n"


FORMATS = {"text": text, "markdown": markdown, "json": as_json}
