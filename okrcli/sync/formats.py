"""``okr sync`` output: text for people and logs, JSON for tools. Plain data in, text out.

A reference, a source's description, a value or an error can hold what a metric server or
the repository put there: each is written with :func:`~okrcli.textsafe.visible` (it stays
on its line), and the command prints the whole through :func:`~okrcli.textsafe.safe_output`
like every output (no workflow command, no terminal escape).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from okrcli.sync.service import SyncResult
from okrcli.textsafe import visible


def text(result: SyncResult) -> str:
    lines = []
    width = max((len(visible(s.ref)) for s in result.items), default=0)
    for s in result.items:
        ref, where = visible(s.ref), visible(s.source or "")
        if s.status == "failed":
            source = f"  [{where}]" if where else ""
            lines.append(f"FAILED     {ref:<{width}}  {visible(s.error or '')}{source}")
            continue
        old, new = visible(str(s.old)), visible(str(s.new))
        change = f"{old} -> {new}" if s.status == "changed" else f"{new} (unchanged)"
        lines.append(f"{s.status:<10} {ref:<{width}}  {change}  [{where}]")
    if not result.items:
        lines.append(f"No key result of {result.quarter} has a source; add `source:` to one.")
    verb = "would change" if result.dry_run else "changed"
    summary = (
        f"{result.quarter}: {len(result.items)} key results with a source, "
        f"{result.count('changed')} {verb}, {result.count('unchanged')} unchanged, "
        f"{result.count('failed')} failed."
    )
    if result.dry_run:
        summary += " Dry run: nothing was written."
    lines.append(summary)
    if result.commit:
        lines.append(f"committed {result.commit[:8]}")
    return "\n".join(lines) + "\n"


def as_json(result: SyncResult) -> str:
    data = {
        "quarter": result.quarter,
        "dry_run": result.dry_run,
        "commit": result.commit,
        "summary": {k: result.count(k) for k in ("changed", "unchanged", "failed")},
        "key_results": [
            {
                "ref": s.ref,
                "file": s.file,
                "source": s.source,
                "status": s.status,
                "old": s.old,
                "new": s.new,
                "error": s.error,
            }
            for s in result.items
        ],
    }
    return json.dumps(data, indent=2) + "\n"


FORMATS: dict[str, Callable[[SyncResult], str]] = {"text": text, "json": as_json}
