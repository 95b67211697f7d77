"""``okr rule CODE``: a rule's documentation, from the rule's own declaration."""

from __future__ import annotations

import textwrap

from pydantic import BaseModel

from okrcli.rules.base import NoOptions, Rule


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
    for label, examples in (("Bad", rule.bad), ("Good", rule.good)):
        for ex in examples[:1]:
            out += ["", f"{label} ({ex.path}):", textwrap.indent(ex.text.rstrip(), "  ")]
    out += ["", f"Suppress one line with:  # okr: disable={rule.code}"]
    return "\n".join(out)
