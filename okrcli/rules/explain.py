"""``okr rule CODE``: a rule's documentation, from the rule's own declaration."""

from __future__ import annotations

import difflib
import textwrap
from itertools import pairwise

from pydantic import BaseModel

from okrcli.rules.base import Example, NoOptions, Rule
from okrcli.wording.lexicon import LISTS


def options_text(options: type[BaseModel]) -> list[str]:
    if options is NoOptions:
        return ["  (none)"]
    lines = []
    for name, f in options.model_fields.items():
        key = f.alias or name
        default = f.get_default(call_default_factory=True)
        lines.append(f"  {key}: {default!r}")
    doc = (options.__doc__ or "").strip()
    if doc:
        lines.append(f"  ({doc})")
    return lines


def explain(rule: type[Rule]) -> str:
    out = [f"{rule.code} {rule.name} [{rule.severity}]", "", rule.summary, ""]
    out += textwrap.wrap(" ".join(rule.rationale().split()), 88)
    out += ["", f"Options (okr.yaml, lint.rules.{rule.name}):", *options_text(rule.Options)]
    lists = [w for w in LISTS if rule.code in w.rules]
    if lists:
        out += ["", "Word lists it reads (extend them in okr.yaml under lint.words):"]
        for w in lists:
            sample = ", ".join(w.words[:6])
            out.append(f"  {w.name}: {w.description} ({len(w.words)} entries: {sample}, ...)")
    bad = rule.bad[0] if rule.bad else None
    for label, ex, shown in (
        ("Bad", bad, None),
        ("Good", rule.good[0] if rule.good else None, bad),
    ):
        if ex is not None:
            out += ["", f"{label}:", *example_lines(ex, shown)]
    out += ["", f"Suppress one line with:  # okr: disable={rule.code}"]
    return "\n".join(out)


def example_lines(ex: Example, shown: Example | None = None) -> list[str]:
    """An example's files (those the example ``shown`` before has the same way are only
    named) and, for the history rules, what each commit changed and the day it is judged on."""
    before = {shown.path: shown.text, **shown.others} if shown is not None else {}
    out: list[str] = []
    for path, text in {ex.path: ex.text, **ex.others}.items():
        if before.get(path) == text:
            out.append(f"  {path}: as above")
        else:
            out += [f"  {path}:", textwrap.indent(text.rstrip(), "    ")]
    if ex.history and shown is not None and ex.history == shown.history:
        out.append(f"  its history: as above (judged on {ex.at})")
    elif ex.history:
        out.append(f"  its history in git (judged on {ex.at}):")
        versions = list(ex.history)
        steps = [(versions[0][0], ["the file written"])]
        steps += [(day, _changed(old, new)) for (_, old), (day, new) in pairwise(versions)]
        steps = _shortened(steps)
        for day, lines in steps:
            out.append(f"    {day}: {'; '.join(lines)}")
    return out


def _shortened(steps: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Weekly check-ins told by the first two and the last, and every commit that moved a
    baseline or target; the others counted."""
    keep = {0, 1, len(steps) - 1} | {
        n
        for n, (_, lines) in enumerate(steps)
        if any("target:" in x or "baseline:" in x for x in lines)
    }
    out: list[tuple[str, list[str]]] = []
    skipped = 0
    for n, step in enumerate(steps):
        if n not in keep:
            skipped += 1
            continue
        if skipped:
            out.append(
                (
                    "...",
                    [f"{skipped} more {'check-in' if skipped == 1 else 'check-ins'} like these"],
                )
            )
            skipped = 0
        out.append(step)
    return out


def _changed(old: str, new: str) -> list[str]:
    """The lines one version changed, as "- old" / "+ new" (stripped), or "no change"."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
    lines = [
        f"{line[0]} {line[1:].strip()}"
        for line in diff
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return lines or ["no change"]
