"""A cache holds what okr computed from a file's text: when that changes for the same text,
the cache's format version must change too, or a restored cache would serve old answers.

The golden file records, for a fixed set of texts, what the YAML reader and the history's
extract make of them, and the cache kinds that hold those results. When the output changes
and the kind did not, this test fails and says which kind to bump; after a bump, regenerate
the golden file with ``OKR_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from okrcli.history import timeline
from okrcli.load import parsecache
from okrcli.load.yamlsafe import parse
from okrcli.rules.base import GOOD_FILE
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "data" / "cache-golden.json"

TEXTS = {
    "good file": GOOD_FILE,
    "scalars": (
        "a: 1\nb: 1.5\nc: -0.0\nd: 1e3\ne: 0x1f\nf: 0o17\ng: true\nh: null\ni: ~\nj: no\n"
        "k: 2026-10-01\nl: 2026-Q4\nm: '30'\nn: \"x\\ty\"\no: 1_000\np: .inf\nq: 30%\n"
    ),
    "nesting": "a:\n  - b: [1, {c: d}]\n  - []\n  - {}\ne: {f: [g, h]}\n",
    "text": "title: Café — naïve 🚀\nlong: >\n  folded\n  text\nkeep: |\n  kept\n  lines\n",
    "checked in": GOOD_FILE.replace(
        "target: 34\n",
        "target: 34\n        current: 31.5\n        confidence: 0.7\n"
        "        checked: 2026-11-20\n        note: on track after the fix\n",
    ),
    "not an OKR file": "- just\n- a list\n",
}


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _current() -> dict[str, Any]:
    return {
        "kinds": {"parsed": parsecache.KIND, "extract": timeline.BLOB_KIND},
        "parsed": {name: _plain(parse(text).data) for name, text in TEXTS.items()},
        "extract": {
            name: _plain(timeline.extract(text.encode("utf-8"))) for name, text in TEXTS.items()
        },
    }


def test_cache_kinds_change_when_what_they_hold_changes() -> None:
    now = _current()
    if os.environ.get("OKR_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(now, indent=1, ensure_ascii=False) + "\n", "utf-8")
    golden = json.loads(GOLDEN.read_text("utf-8"))
    for part, kind in (("parsed", "parsecache.KIND"), ("extract", "timeline.BLOB_KIND")):
        if now[part] != golden[part]:
            assert now["kinds"][part] != golden["kinds"][part], (
                f"what okr caches for the same text changed ({part}), but {kind} did not: "
                f"bump {kind}, then run this test with OKR_UPDATE_GOLDEN=1"
            )
    assert now == golden, "the golden file is out of date: run with OKR_UPDATE_GOLDEN=1"


def test_every_cache_header_names_okr_and_the_parser() -> None:
    from okrcli import __version__, cachefile

    header = cachefile._header("parsed-v1").decode()
    assert header.startswith("okrcli-cache parsed-v1 ")
    assert f"okrcli-{__version__}" in header and "pyyaml-" in header
    assert "pyyaml-unknown" not in header and "pyyaml-none" not in header


def test_a_cache_written_by_another_okr_or_parser_is_a_miss(
    tmp_path: Any, monkeypatch: Any
) -> None:
    from okrcli import cachefile

    path = tmp_path / "parsed-v1.json"
    cachefile.write(path, "parsed-v1", {"a": 1})
    assert cachefile.read(path, "parsed-v1") == {"a": 1}
    monkeypatch.setattr(cachefile, "_stamp", lambda: "okrcli-9.9 pyyaml-7.0")
    assert cachefile.read(path, "parsed-v1") is None


def test_one_function_finds_the_cache_folder_of_a_repository_and_a_worktree(
    tmp_path: Any,
) -> None:
    from okrcli import cachefile

    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "okrs").mkdir()
    assert cachefile.folder_of(tmp_path / "repo" / "okrs") == tmp_path / "repo" / ".git" / "okrcli"
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text("gitdir: ../repo/.git/worktrees/wt\n")
    assert cachefile.folder_of(tmp_path / "wt") == (
        tmp_path / "wt" / ".." / "repo" / ".git" / "worktrees" / "wt" / "okrcli"
    )
    assert cachefile.folder_of(tmp_path / "nowhere") is None  # outside git: no caches


def test_the_history_caches_are_versioned_by_their_declarations() -> None:
    """Nobody bumps the history caches' versions by hand: a kind is derived from the JSON
    Schema of what the cache holds, so another field, type or docstring is another kind."""
    from pydantic import BaseModel

    from okrcli.history import codec

    class One(BaseModel):
        """A cache."""

        a: int

    class Other(BaseModel):
        """A cache."""

        a: float

    class Meaning(BaseModel):
        """A cache that means something else."""

        a: int

    kinds = {codec._kind("walk", m) for m in (One, Other, Meaning)}
    assert len(kinds) == 3 and all(k.startswith("walk-s") for k in kinds)
    assert codec._kind("walk", One) == codec._kind("walk", One)
    assert codec._kind("walk", codec.WalkFile) == codec.WALK_KIND
    assert codec._kind("blobs", codec.BlobFile) == codec.BLOB_KIND
