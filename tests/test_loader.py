"""The loader: positions, YAML 1.2 scalars, and every hostile input refused with a position."""

from __future__ import annotations

import math

import pytest

from okrcli.load.yamlsafe import YamlError, decode, parse, positions_of, resolve_plain


def test_positions_are_one_based_for_keys_and_values() -> None:
    p = parse("unit: checkout\nobjectives:\n  - id: a\n    title: T\n")
    assert p.data == {"unit": "checkout", "objectives": [{"id": "a", "title": "T"}]}
    assert p.span(("objectives", 0, "title")).line == 4
    assert p.span(("objectives", 0, "title")).column == 12
    assert p.key_span(("objectives", 0, "title")).column == 5
    assert p.span(("objectives", 0)) == (3, 5, 5, 1)


_NESTED = """\
unit: checkout
quarter: 2026-Q4
objectives:
  - id: a
    title: "Quoted: title"
    aligns_to: [strategy/x, {parent: p}]
    key_results:
      - {id: k1, title: Raise it, baseline: 1, target: 2}
      - id: k2
        title: >
          Folded
          title
        tags:
          - [1, [2, 3]]
          - {}
      -
  - []
"""


@pytest.mark.parametrize(
    "text", [_NESTED, "just a scalar\n", "[1, 2]\n", "{}\n", "", "a:\n  - - - x\n"]
)
def test_positions_found_later_match_those_recorded_while_parsing(text: str) -> None:
    # a file parsed without positions finds them when a finding needs one, by another walk
    # of its text: every key and value must stand where the full parse puts it
    full = parse(text, positions=True)
    later = parse(text)
    assert later.data == full.data
    assert positions_of(text) == (full.values, full.keys)
    assert positions_of(text, keys=False) == (full.values, {})  # a value's span asks no more
    assert later.span(("objectives", 0, "key_results", 1, "title")) == full.span(
        ("objectives", 0, "key_results", 1, "title")
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("off", "off"),
        ("yes", "yes"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("30", 30),
        ("31.2", 31.2),
        ("0x1f", 31),
        ("0o17", 15),
        ("2026-10-01", "2026-10-01"),
        ("2026-Q4", "2026-Q4"),
        ("1_000", "1_000"),
        ("30%", "30%"),
    ],
)
def test_yaml_1_2_core_scalars(text: str, value: object) -> None:
    assert resolve_plain(text) == value


def test_nan_and_infinity_resolve_so_the_schema_can_refuse_them() -> None:
    assert math.isnan(resolve_plain(".nan"))
    assert resolve_plain("-.inf") == -math.inf


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\na: 2\n", "appears twice", 2),
        ("a: &x [1]\nb: *x\n", "anchors", 1),
        ("a: !!python/object:os.system 1\n", "explicit tags (!!python/object:os.system)", 1),
        ("a: !custom 1\n", "explicit tags", 1),
        ("%YAML 1.1\n---\na: 1\n", "YAML 1.2 only", 1),
        ("a: 1\n---\nb: 2\n", "more than one YAML document", 2),
        ("a:\n\tb: 1\n", "tab", 2),
        ("a: [1\n", "invalid YAML", 2),
        ("? [a]\n: 1\n", "keys must be text", 1),
        ("1: x\n", "keys must be text", 1),
        ("a: " + "[" * 40 + "]" * 40 + "\n", "nests deeper", 1),
        ("a: " + "9" * 60 + "\n", "digits", 1),
    ],
)
def test_hostile_yaml_is_refused_with_a_position(text: str, message: str, line: int) -> None:
    with pytest.raises(YamlError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.line == line


def test_alias_bomb_never_expands() -> None:
    bomb = "a: &a [x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)
    )
    with pytest.raises(YamlError, match="anchors"):
        parse(bomb)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("unit: café".encode("utf-16"), "UTF-16"),
        ("unit: café\n".encode("latin-1"), "not valid UTF-8"),
        (b"unit: a\x00b\n", "NUL byte"),
        (b"x" * (1024 * 1024 + 1), "at most"),
    ],
)
def test_bad_bytes_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(YamlError, match=message):
        decode(raw)


def test_utf8_bom_is_accepted() -> None:
    assert decode(b"\xef\xbb\xbfunit: a\n") == "unit: a\n"


def test_empty_document_is_none() -> None:
    assert parse("").data is None
    assert parse("# only a comment\n").data is None


def test_reading_a_file_descriptor_stops_at_the_limit_and_gets_everything() -> None:
    """okr reads files straight into buffers of their size; a source that returns its bytes in
    pieces (a pipe) is still read whole, and never beyond the limit."""
    import os
    import threading

    from okrcli.load.files import _read_fd

    for total, limit, expected in ((200_000, 1_000_000, 200_000), (200_000, 70_001, 70_001)):
        r, w = os.pipe()

        def feed(fd: int = w, size: int = total) -> None:
            try:
                with os.fdopen(fd, "wb") as out:
                    for _ in range(size // 1000):
                        out.write(b"x" * 1000)
                        out.flush()
            except BrokenPipeError:
                pass  # the reader stopped at its limit and closed the pipe

        writer = threading.Thread(target=feed)
        writer.start()
        try:
            assert _read_fd(r, limit) == b"x" * expected
        finally:
            os.close(r)  # the writer may still be blocked on a full pipe: this releases it
            writer.join()


DEEP = {
    "flow lists, just past the limit": "a: " + "[" * 40 + "]" * 40 + "\n",
    "flow lists, past libyaml's own limit": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "flow lists, never closed": "a: " + "[" * 20000 + "\n",
    "flow mappings": "a: " + "{b: " * 3000 + "}" * 3000 + "\n",
    "mixed flow": "a: " + "[{b: " * 1500 + "}]" * 1500 + "\n",
    "after many ordinary lines": "".join(f"k{i}: 1\n" for i in range(2000))
    + "b: "
    + "[" * 5000
    + "\n",
    "block lists on one line": "a:\n" + "- " * 5000 + "x\n",
    "block mappings": "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 1200)),
}


@pytest.mark.parametrize("case", list(DEEP))
def test_too_deep_is_always_okrs_own_finding(case: str) -> None:
    """However deep, and whichever parser notices first, the user sees okr's depth limit in
    okr's words, at the place the limit is passed (never the library's own limit message)."""
    with pytest.raises(YamlError) as info:
        parse(DEEP[case])
    assert info.value.message == (
        "the document nests deeper than 32 levels; OKR files are shallow."
    ), info.value.message
    text = DEEP[case]
    assert 1 <= info.value.line <= text.count("\n") + 1


def test_a_syntax_error_among_brackets_is_still_a_syntax_error() -> None:
    # many brackets on the failing line, but shallow: the depth check must not claim it
    text = "a: " + "[1], " * 40 + "]\n"
    with pytest.raises(YamlError) as info:
        parse(text)
    assert "nests deeper" not in info.value.message
    assert info.value.line == 1
