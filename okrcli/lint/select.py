"""Rule selection by code, code prefix, name or ALL; severity overrides; per-path ignores."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable

from okrcli.errors import OkrError
from okrcli.rules.base import Rule


def resolve(refs: Iterable[str], rules: dict[str, type[Rule]], where: str) -> set[str]:
    """The codes that ``refs`` name. An unknown reference is an error that says what exists."""
    names = {r.name: code for code, r in rules.items()}
    out: set[str] = set()
    for raw in refs:
        ref = raw.strip()
        if not ref:
            continue
        up = ref.upper()
        if up == "ALL":
            out.update(rules)
        elif up in rules:
            out.add(up)
        elif ref.lower() in names:
            out.add(names[ref.lower()])
        elif up.startswith("OKR") and any(c.startswith(up) for c in rules):
            out.update(c for c in rules if c.startswith(up))
        else:
            close = difflib.get_close_matches(ref.lower(), list(names) + list(rules), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else " See `okr rules` for the list."
            raise OkrError(f"{where}: '{ref}' names no rule.{hint}")
    return out


def code_of(ref: str, rules: dict[str, type[Rule]], where: str) -> str:
    """One rule's code from its code or name."""
    codes = resolve([ref], rules, where)
    if len(codes) != 1:
        raise OkrError(f"{where}: '{ref}' must name exactly one rule, not a group.")
    return next(iter(codes))


def path_ignored(rel: str, code: str, per_path: dict[str, set[str]]) -> bool:
    return any(
        code in codes and fnmatch.fnmatch(rel, pattern) for pattern, codes in per_path.items()
    )
