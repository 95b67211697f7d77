"""Terminal output with rich: colour on a terminal only; CI and pipes get plain text.

Every piece from the repository goes through :func:`okrcli.textsafe.safe_line`, as all of
okr's output does."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from okrcli.lint.diagnostics import LintResult
from okrcli.lint.reporters import summary
from okrcli.textsafe import safe_line

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_lint(result: LintResult) -> None:
    console = Console(soft_wrap=True, highlight=False)
    for d in result.diagnostics:
        t = Text()
        t.append(f"{safe_line(d.path)}:{d.line}:{d.column}:", style="bold")
        t.append(f" {d.code} ", style=_STYLE[d.severity])
        t.append(f"{d.name} ", style="dim")
        t.append(f"[{d.severity}] ", style=_STYLE[d.severity])
        t.append(safe_line(d.message))
        console.print(t)
    for n in result.notices:
        console.print(Text(f"note: {safe_line(n)}", style="dim"))
    style = "bold green" if not result.diagnostics else "bold"
    console.print(Text(summary(result), style=style))
