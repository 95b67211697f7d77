"""``okr rule CODE``: a rule's documentation, from the rule's own declaration."""

from __future__ import annotations

import textwrap

from pydantic import BaseModel

from okrcli.rules.base import NoOptions, Rule
from okrcli.rules.lexicon import LISTS


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
    for label, examples in (("Bad", rule.bad), ("Good", rule.good)):
        for ex in examples[:1]:
            out += ["", f"{label} ({ex.path}):", textwrap.indent(ex.text.rstrip(), "  ")]
            if ex.history:
                days = ", ".join(day for day, _ in ex.history)
                out.append(f"  (committed on {days}; judged on {ex.at})")
    out += ["", f"Suppress one line with:  # okr: disable={rule.code}"]
    return "\n".join(out)
