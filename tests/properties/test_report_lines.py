"""The report's size guard, property-based: it cuts after line breaks and loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from okrcli.report import render as render_module
from okrcli.textsafe import safe_output

# what a template's output is made of: text, line breaks, indentation, workflow-command
# colons, control characters and four-byte characters, in pieces of any size
_TEXT = st.text(alphabet=st.sampled_from(["a", " ", "\n", ":", "\x1b", "🟢", "\t", "|"]))


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_TEXT, max_size=400))
def test_guard_cuts_the_output_after_line_breaks_and_loses_nothing(pieces: list[str]) -> None:
    def generate(_: dict[str, Any]) -> Iterator[str]:
        yield from pieces

    lines = render_module._guard(generate, {}, None, str)
    whole = "".join(pieces)
    assert "".join(lines) == whole
    assert all(line.endswith("\n") for line in lines[:-1])
    assert all(lines)
    # each piece made safe on its own is the whole made safe: a line that would start a
    # workflow command is caught wherever the pieces were cut
    assert "".join(safe_output(line) for line in lines) == safe_output(whole)
