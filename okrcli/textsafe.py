"""Text from the repository, made safe to print: control characters shown, never obeyed.

Every line okr prints goes through this module (``okr``'s ``_out`` and ``_echo``, the rich
terminal output, ``okr sync``'s output, the report's files). A key name, title, owner, file
name, commit message or a metric server's answer can hold:

- a newline, to forge a finding line of its own;
- a terminal escape (to clear the screen, rewrite earlier lines or set the clipboard) or a
  bidirectional override (to show text in another order than it is);
- a GitHub Actions workflow command, in either syntax the runner reads: ``::error::...``
  (and ``::stop-commands::``, ``::add-mask::``, ...) at the start of a line, after any
  spaces, and the legacy ``##[error]...`` form, read anywhere in a line.

:func:`visible` writes every control character as an escape (``\\n``, ``\\x1b``,
``\\u202e``), for one value placed in a line. :func:`safe_output` does the same for whole
output text, keeping its own line breaks and tabs, and defuses both command syntaxes: the
first colon of a line-start ``::`` is written ``\\x3a`` and the bracket of every ``##[``
``\\x5b``. :func:`safe_line` is both, for one line built from values. In JSON output the
escapes are written ``\\u003a``-style, which JSON reads back as the same text.
"""

from __future__ import annotations

import re

# C0 controls (below), DEL, C1 controls, and the invisible characters that reorder or break
# text: bidirectional embeddings, overrides and isolates, marks, line and paragraph
# separators, the byte order mark; and the two noncharacters XML cannot hold
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
_ANY = re.compile(f"[\\x00-\\x1f{_OTHERS}]")
_BUT_LINES = re.compile(f"[\\x00-\\x08\\x0b-\\x1f{_OTHERS}]")
# ``::command`` at the start of a line, after any white space (the runner trims it)
_COMMAND = re.compile(r"^(\s*):(?=:)", re.MULTILINE)
# ``##[command]``, the runner's older syntax, which it finds anywhere in a line
_LEGACY = "##["
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` with every control character (newlines and tabs included) escaped: one
    value that stays on its line, whatever it holds."""
    if text.isprintable():  # nearly always: one C-level check
        return text
    return _ANY.sub(_escape, text)


def safe_output(text: str, *, commands: bool = False, json: bool = False) -> str:
    """Whole output text with control characters escaped but its newlines and tabs kept,
    and no workflow command in it: a line that would start one (``::``) gets its first colon
    escaped, unless ``commands`` (the github format, whose values are escaped field by
    field); every ``##[`` gets its bracket escaped. ``json``: the text is JSON, so escapes
    are written ``\\u00XX`` (JSON's own; ``##[`` and ``::`` only occur inside its strings)."""
    if not text.isascii() or not text.isprintable():
        text = _BUT_LINES.sub(_escape_json if json else _escape, text)
    if not commands and "::" in text:
        text = _COMMAND.sub(r"\1\\u003a" if json else r"\1\\x3a", text)
    if _LEGACY in text:
        text = text.replace(_LEGACY, "##\\u005b" if json else "##\\x5b")
    return text


def safe_line(text: str) -> str:
    """One line of output built from values: every control character escaped (it stays
    one line) and no workflow command in it."""
    return safe_output(visible(text))
