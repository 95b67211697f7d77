"""okrcli.markdown: the one escaping every markdown output uses (report, score, diff, the
lint job summary)."""

from __future__ import annotations

import re

import pytest

from okrcli import markdown as md
from okrcli.rules.base import GOOD_FILE
from okrcli.score.formats import markdown as score_markdown
from okrcli.score.service import ScoreRequest, score
from tests.conftest import Builder


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("![img](https://evil.example/i.png)", "!\\[img\\](https\\://evil.example/i.png)"),
        ("[link](http://x)", "\\[link\\](http\\://x)"),
        ("see www.x.org", "see www\\.x.org"),
        ("**bold** _it_ ~~s~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~"),
        ("a | b\nc", "a \\| b c"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("ping @dana", "ping @\u200bdana"),
        ("Plain title: 3/4 done", "Plain title: 3/4 done"),
    ],
)
def test_text_keeps_links_images_and_markup_as_text(value: str, shown: str) -> None:
    assert md.text(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("okrs/a.yaml:3", "`okrs/a.yaml:3`"),
        ("a`b", "``a`b``"),
        ("``x", "``` ``x ```"),
        ("a|b", "`a\\|b`"),
        ("two\nlines\x1b", "`two lines\\x1b`"),
        ("", "` `"),
    ],
)
def test_code_spans_hold_any_value(value: str, shown: str) -> None:
    assert md.code(value) == shown


def test_table_aligns_the_named_columns_right() -> None:
    assert md.table(["Name", "Score"], [["a", "1"], [md.cell(""), "2"]], {"Score"}) == [
        "| Name | Score |",
        "|---|---:|",
        "| a | 1 |",
        "| - | 2 |",
    ]


@pytest.mark.parametrize(
    "title",
    ["Grow ![img](https://evil.example/i.png)", "Ship [the thing](https://evil.example) @dana"],
)
def test_score_markdown_keeps_no_live_link_from_a_title(make_repo: Builder, title: str) -> None:
    """The score card's titles went through a weaker escaper that kept links and images."""
    text = GOOD_FILE.replace("Raise checkout conversion of returning customers", f"'{title}'")
    root = make_repo({"okrs/2026-Q4/checkout.yaml": text})
    out = score_markdown(score(ScoreRequest([], "2026-Q4", None, root)))
    assert md.cell(title) in out
    assert re.search(r"(?<!\\)\]\(", out) is None and "![" not in out and "@dana" not in out
