"""The Jinja2 environment. The templates live in the repository's top-level ``templates/``
folder and ship inside the package as ``okrcli/templates``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from okrcli.errors import OkrError

_PACKAGE = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """Where the bundled templates are: inside the installed package, or in a source
    checkout (an editable install) at the top level."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise OkrError("okr's bundled templates are missing; reinstall okrcli.")


@cache
def environment() -> Environment:
    """Okr's own templates (trusted): undefined names are errors, nothing is escaped (they
    write YAML, JSON and Markdown, each escaping its own values)."""
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, **data: object) -> str:
    return environment().get_template(name).render(**data)
