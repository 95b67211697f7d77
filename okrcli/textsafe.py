"""Text from the repository, made safe to print: control characters shown, never obeyed.

A key name, title, owner, file name or commit message can hold a newline (to forge a
finding line or a ``::error`` workflow command on a line of its own), a terminal escape
(to clear the screen, rewrite earlier lines or set the clipboard) or a bidirectional
override (to show text in another order than it is). :func:`visible` writes every such
character as an escape (``\\n``, ``\\x1b``, ``\\u202e``), for one value placed in a line;
:func:`safe_output` does the same for whole output text, keeping its own line breaks, and
defuses any line that would read as a workflow command.
"""

from __future__ import annotations

import re

# C0 controls (below), DEL, C1 controls, and the invisible characters that reorder or break
# text: bidirectional embeddings, overrides and isolates, marks, line and paragraph
# separators, the byte order mark; and the two noncharacters XML cannot hold
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
_ANY = re.compile(f"[\\x00-\\x1f{_OTHERS}]")
_BUT_LINES = re.compile(f"[\\x00-\\x08\\x0b-\\x1f{_OTHERS}]")
_COMMAND = re.compile(r"^(\s*):(?=:)", re.MULTILINE)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character (newlines and tabs included) escaped: one
    value that stays on its line, whatever it holds."""
    if text.isprintable():  # nearly always: one C-level check
        return text
    return _ANY.sub(_escape, text)


def safe_output(text: str, *, commands: bool = False) -> str:
    """Whole output text with control characters escaped but its newlines and tabs kept;
    a line that would start a GitHub workflow command (``::``) gets its first colon escaped,
    unless ``commands`` (the github format, whose values are escaped field by field)."""
    if not text.isascii() or not text.isprintable():
        text = _BUT_LINES.sub(_escape, text)
    if not commands and "::" in text:
        text = _COMMAND.sub(r"\1\\x3a", text)
    return text
