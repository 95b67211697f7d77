"""Caches restored in CI may come from a run a pull request controlled: no cache holds
anything executable or pickled, and a crafted, truncated or foreign file is only a miss."""

from __future__ import annotations

import base64
import marshal
import math
import pickle
import struct
from pathlib import Path

import pytest

from okrcli import cachefile
from okrcli.history.timeline import BLOB_KIND, WALK_KIND, BlobCache, WalkCache
from okrcli.load.parsecache import KIND, ParseCache

PWNED = Path("/tmp/okr-cache-pwned")


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return (os.system, (f"touch {PWNED}",))


def _code() -> bytes:
    return marshal.dumps(compile(f"open({str(PWNED)!r}, 'w')", "x", "exec"))


def _crafted(kind: str) -> list[bytes]:
    header = f"okrcli-cache {kind} json\n".encode()
    return [
        pickle.dumps(_Boom()),
        header + pickle.dumps(_Boom()),
        header + _code(),
        header + b'{"a": ',  # cut short
        header + b"[" * 100_000 + b"]" * 100_000,  # nested too deep for the reader
        header + b'{"x": NaN, "y": [1, 2, {"z": null}]}',
        f"okrcli-cache {kind}-v0 json\n{{}}".encode(),  # another version
        b"\x00" * 64,
        b"",
    ]


@pytest.mark.parametrize("n", range(9))
def test_parse_cache_reads_only_checked_plain_data(tmp_path: Path, n: int) -> None:
    path = tmp_path / "parsed.json"
    path.write_bytes(_crafted(KIND)[n])
    cache = ParseCache(path)
    assert cache.old == {}
    assert not PWNED.exists()


def test_parse_cache_keys_must_be_digests(tmp_path: Path) -> None:
    path = tmp_path / "parsed.json"
    cachefile.write(path, KIND, {"../../etc": {"unit": "x"}})
    assert ParseCache(path).old == {}
    good = {"a" * 64: {"unit": "checkout", "n": [1, 2.5, None, True]}}
    cachefile.write(path, KIND, good)
    assert ParseCache(path).old == good


@pytest.mark.parametrize("n", range(9))
def test_blob_and_walk_caches_read_crafted_files_as_misses(tmp_path: Path, n: int) -> None:
    git_dir = tmp_path / ".git"
    (git_dir / "okrcli").mkdir(parents=True)
    blobs = BlobCache(git_dir)
    blobs.path.write_bytes(_crafted(BLOB_KIND)[n])
    # entries are checked when used: none of the crafted ones is ever a hit
    again = BlobCache(git_dir)
    assert all(again.get(key) == (False, None) for key in again.data)
    walk = WalkCache(git_dir, "okrs/2026-Q4", "2026-Q4")
    walk.path.write_bytes(_crafted(WALK_KIND)[n])
    assert walk.load(False) is None
    assert not PWNED.exists()


@pytest.mark.parametrize(
    "entry",
    [
        ["2026-Q4", {"a/b/c": [1, 2, 3]}],  # three values, not four
        ["2026-Q4", {"a/b/c": [1, 2, 3, "4"]}],  # text, not a number
        ["2026-Q4", {"a/b/c": [1, 2, 3, True]}],
        ["2026-Q4", {"a/b/c": {"x": 1}}],
        [7, {}],
        "2026-Q4",
    ],
)
def test_blob_cache_entries_of_the_wrong_shape_are_read_again(
    tmp_path: Path, entry: object
) -> None:
    git_dir = tmp_path / ".git"
    cachefile.write(git_dir / "okrcli" / f"{BLOB_KIND}.json", BLOB_KIND, {"f" * 40: entry})
    assert BlobCache(git_dir).get("f" * 40) == (False, None)


_EMPTY_TABLE = {"refs": [], "positions": [], "spans": [], "columns": [[]] * 6, "packed": [""] * 4}


def test_packed_doubles_of_an_empty_table_are_a_miss(tmp_path: Path) -> None:
    cache = WalkCache(tmp_path / ".git", "okrs/2026-Q4", "2026-Q4")
    (tmp_path / ".git" / "okrcli").mkdir(parents=True)
    kept = [[False, "okrs/2026-Q4", "2026-Q4"], "c" * 40, [], _EMPTY_TABLE, 0, {}, {}]
    cachefile.write(cache.path, WALK_KIND, kept)
    assert cache.load(False) is not None
    kept[3] = {**_EMPTY_TABLE, "packed": ["", "", _packed([1.5]), ""]}
    cachefile.write(cache.path, WALK_KIND, kept)
    assert cache.load(False) is None


def test_a_walk_cache_naming_option_like_commits_is_a_miss(tmp_path: Path) -> None:
    """A commit id read back from the cache is passed to git later: only ids pass."""
    git_dir = tmp_path / ".git"
    walk = WalkCache(git_dir, "okrs/2026-Q4", "2026-Q4")
    row = ("--output=/tmp/x", "a", "a@b", "2026-10-01T12:00:00+00:00", "s", 1)
    for commit, rows in (("--output=/tmp/x", []), ("f" * 40, [row])):
        cachefile.write(
            walk.path,
            WALK_KIND,
            ((False, "okrs/2026-Q4", "2026-Q4"), commit, rows, _EMPTY_TABLE, 0, {}, {}),
        )
        assert walk.load(False) is None


def test_no_cache_file_is_marshal_or_pickle(tmp_path: Path) -> None:
    """What okr writes is JSON after its header: readable by any JSON reader."""
    import json

    path = tmp_path / "c.json"
    cachefile.write(path, "demo-v1", {"k": [1, 2.5, None, "x"]})
    head, _, body = path.read_bytes().partition(b"\n")
    assert head.startswith(b"okrcli-cache demo-v1 ") and head.endswith(b" json")
    assert json.loads(body) == {"k": [1, 2.5, None, "x"]}


def test_no_bytecode_cache_of_templates(tmp_path: Path) -> None:
    from okrcli.report.render import Renderer

    template = tmp_path / "t.md.j2"
    template.write_text("{{ 1 + 1 }}")
    renderer = Renderer(template=template)
    assert renderer.render({}) == "2"
    assert renderer._template is not None
    # Jinja2 is handed no compiled code: it compiles every template from its text
    assert renderer._template.environment.bytecode_cache is None
    assert renderer._template.root_render_func.__code__.co_filename == str(template.resolve())
    assert [p.name for p in tmp_path.iterdir()] == ["t.md.j2"]


def _kept_walk(git_dir: Path) -> tuple[WalkCache, list[object]]:
    """A walk cache as okr writes it (two key results over two commits), and its content."""
    from datetime import UTC, datetime

    from okrcli.history.git import Commit
    from okrcli.history.timeline import Timeline, Walk

    commits = [
        Commit(c * 40, "Ann", "ann@x", datetime(2026, 10, d, tzinfo=UTC), "s", d)
        for c, d in (("a", 1), ("b", 8))
    ]
    one, two = Timeline("u/o/k1"), Timeline("u/o/k2")
    for n, c in enumerate(commits):
        one.add(c, c.when, (1, 2.5, 1.5 + n, 0.5 + n / 10, None, None))
        two.add(c, c.when, (0, 10, n, None, "2026-10-0" + str(n + 1), "ok"))
    walk = Walk(commits, {"u/o/k1": one, "u/o/k2": two}, {}, 8, {}, {})
    cache = WalkCache(git_dir, "okrs/2026-Q4", "2026-Q4")
    cache.save("c" * 40, False, walk)
    return cache, cachefile.read(cache.path, WALK_KIND)


def _packed(values: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}d", *values)).decode()


def test_a_walk_cache_comes_back_as_written(tmp_path: Path) -> None:
    cache, content = _kept_walk(tmp_path / ".git")
    # the columns of floats only are kept as their bytes, one run per field
    table = content[3]
    assert isinstance(table, dict)
    assert table["columns"][2] == [2, [0, 1]] and table["columns"][3] == [2, [None]]
    assert table["packed"][2] == _packed([1.5, 2.5]) and table["packed"][0] == ""
    kept = cache.load(False)
    assert kept is not None
    one, two = kept[1].timelines["u/o/k1"], kept[1].timelines["u/o/k2"]
    assert [list(col) for col in one.columns] == [
        [1, 1], [2.5, 2.5], [1.5, 2.5], [0.5, 0.6], [None, None], [None, None]
    ]  # fmt: skip
    assert [type(v) for v in one.baselines] == [int, int]
    assert list(two.checked_days) == ["2026-10-01", "2026-10-02"]
    assert [c.id for c in two.commits] == ["a" * 40, "b" * 40]


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t["columns"][2].__setitem__(0, [1.5, True]),  # a bool is no number
        lambda t: t["columns"][2].__setitem__(0, [1.5, "2"]),  # a text is no number
        lambda t: t["columns"][4].__setitem__(0, [None, 3]),  # a number is no check-in day
        lambda t: t["columns"][2].__setitem__(0, [1.5, 2.5, 3.5]),  # a value too many
        lambda t: t["columns"][2].__setitem__(0, []),  # none at all
        lambda t: t["columns"][2].__setitem__(0, 1.5),  # not a column
        lambda t: t["columns"][3].__setitem__(0, [[0.5], 0.6]),  # a list in a column
        lambda t: t["positions"].__setitem__(0, [0, 7]),  # a commit that is not there
        lambda t: t["positions"].__setitem__(0, [0, -1]),
        lambda t: t["spans"].__setitem__(0, 5),  # positions that are not there
        lambda t: t["spans"].__setitem__(0, False),
        lambda t: t["refs"].__setitem__(0, 7),  # a ref that is no text
        lambda t: t["refs"].pop(),  # fewer refs than key results
        lambda t: t["packed"].pop(),  # a field's doubles missing
        lambda t: t["packed"].__setitem__(2, 7),  # not text
        lambda t: t["packed"].__setitem__(2, "not base64!"),
        lambda t: t["packed"].__setitem__(2, t["packed"][2][:-4]),  # a value cut short
        lambda t: t["packed"].__setitem__(2, t["packed"][2] * 2),  # values too many
        lambda t: t["packed"].__setitem__(2, _packed([1.5, math.nan])),  # no number
        lambda t: t["packed"].__setitem__(2, _packed([math.inf, 2.5])),
        lambda t: t["packed"].__setitem__(2, t["packed"][2][:8] + "\n" + t["packed"][2][8:]),
        lambda t: t["packed"].__setitem__(2, t["packed"][2] + "AAAAAAAAAAA="),  # after padding
        lambda t: t["packed"].__setitem__(2, "\uff21" * 24),  # full-width letters
        lambda t: t["columns"][2].__setitem__(0, -2),  # a negative count
        lambda t: t["columns"][2].__setitem__(0, 3),  # a count that is not the column's
        lambda t: t["columns"][2].__setitem__(0, True),  # a bool is no count
        lambda t: t["columns"][4].__setitem__(0, 2),  # texts are never packed
        lambda t: t["columns"].pop(),  # a field missing
        lambda t: t.pop("spans"),
    ],
)
def test_a_walk_cache_of_the_wrong_shape_is_a_miss(tmp_path: Path, damage: object) -> None:
    cache, content = _kept_walk(tmp_path / ".git")
    assert callable(damage)
    damage(content[3])
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is None


def test_a_walk_cache_cannot_make_many_values_of_a_few_bytes(tmp_path: Path) -> None:
    """Consecutive entries of a timeline differ, so one of more than one entry has a column
    of its own length. A table whose timelines are each one value repeated over every commit
    would make key results x commits values of a file of key results + commits entries (at
    2,000 of each, 0.3 MB of cache took 186 MB to read): it is a miss."""
    cache, content = _kept_walk(tmp_path / ".git")
    table = content[3]
    assert isinstance(table, dict)
    table["columns"][2][1] = [0]  # k2's only changing columns, now one value each
    table["columns"][4][1] = ["2026-10-01"]
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is None
    table["columns"][4][1] = ["2026-10-01", "2026-10-01"]  # spelt out in full, it is read
    cachefile.write(cache.path, WALK_KIND, content)
    kept = cache.load(False)
    assert kept is not None and list(kept[1].timelines["u/o/k2"].currents) == [0, 0]


@pytest.mark.parametrize(
    "extracts",
    [
        {"d" * 40: ["2026-Q4", {"u/o/k1": [1, 2, 3, True, None, None]}]},
        {"d" * 40: ["2026-Q4", {"u/o/k1": [1, 2, 3, None, 5, None]}]},
        {"d" * 40: ["2026-Q4", {"u/o/k1": [1, 2, 3]}]},
        {"d" * 40: ["2026-Q4", {"u/o/k1": {"a": 1}}]},
        {"d" * 40: ["2026-Q4", {"u/o/k1": [1, 2, 3, None, None, None]}, "x"]},
        {"d" * 40: [7, {}]},
        {"--output=/tmp/x": None},
    ],
)
def test_a_walk_cache_with_crafted_head_files_is_a_miss(
    tmp_path: Path, extracts: dict[str, object]
) -> None:
    cache, content = _kept_walk(tmp_path / ".git")
    content[-1] = extracts
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is None
    content[-1] = {"d" * 40: ["2026-Q4", {"u/o/k1": [1, 2, 3, None, None, "n"]}]}
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is not None


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_cache_holding_no_number_is_a_miss(tmp_path: Path, constant: str) -> None:
    """JSON readers take NaN and infinities; a value okr reads back must be a real number
    (a NaN would break every comparison of the scoring)."""
    cache, _ = _kept_walk(tmp_path / ".git")
    text = cache.path.read_text()
    assert "2.5" in text
    cache.path.write_text(text.replace("2.5", constant, 1))
    assert cache.load(False) is None
    cache.path.write_text(text)
    assert cache.load(False) is not None
