"""Caches restored in CI may come from a run a pull request controlled: no cache holds
anything executable or pickled, and a crafted, truncated or foreign file is only a miss."""

from __future__ import annotations

import marshal
import pickle
from pathlib import Path

import pytest

from okrcli import cachefile
from okrcli.history import timeline
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


def _empty(commit: str = "c" * 40, commits: list[object] | None = None) -> dict[str, object]:
    return {
        "key": [False, "okrs/2026-Q4", "2026-Q4"],
        "commit": commit,
        "commits": commits or [],
        "positions": [],
        "rows": [],
        "last_time": 0,
        "head_blobs": {},
        "head_extracts": {},
    }


def test_an_empty_walk_is_read_and_a_field_too_many_is_a_miss(tmp_path: Path) -> None:
    cache = WalkCache(tmp_path / ".git", "okrs/2026-Q4", "2026-Q4")
    (tmp_path / ".git" / "okrcli").mkdir(parents=True)
    cachefile.write(cache.path, WALK_KIND, _empty())
    assert cache.load(False) is not None
    cachefile.write(cache.path, WALK_KIND, {**_empty(), "packed": [""]})
    assert cache.load(False) is None


def test_a_walk_cache_naming_option_like_commits_is_a_miss(tmp_path: Path) -> None:
    """A commit id read back from the cache is passed to git later: only ids pass."""
    git_dir = tmp_path / ".git"
    walk = WalkCache(git_dir, "okrs/2026-Q4", "2026-Q4")
    row = {
        "id": "--output=/tmp/x",
        "author": "a",
        "email": "a@b",
        "when": "2026-10-01T12:00:00+00:00",
        "subject": "s",
        "committed": 1,
    }
    for commit, rows in (("--output=/tmp/x", []), ("f" * 40, [row])):
        cachefile.write(walk.path, WALK_KIND, _empty(commit, rows))
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


def _kept_walk(git_dir: Path) -> tuple[WalkCache, object]:
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


def test_a_walk_cache_comes_back_as_written(tmp_path: Path) -> None:
    cache, content = _kept_walk(tmp_path / ".git")
    assert isinstance(content, dict)
    # one list per field of each key result, an entry per change, or the value itself for a
    # field that kept one value
    ref, span, numbers, texts = content["rows"][0]
    assert (ref, span) == ("u/o/k1", 0)
    assert numbers == [1, 2.5, [1.5, 2.5], [0.5, 0.6]] and texts == [None, None]
    assert content["rows"][1][3] == [["2026-10-01", "2026-10-02"], "ok"]
    kept = cache.load(False)
    assert kept is not None
    one, two = kept[1].timelines["u/o/k1"], kept[1].timelines["u/o/k2"]
    assert [list(col) for col in one.columns] == [
        [1, 1], [2.5, 2.5], [1.5, 2.5], [0.5, 0.6], [None, None], [None, None]
    ]  # fmt: skip
    assert [type(v) for v in one.baselines] == [int, int]
    assert list(two.checked_days) == ["2026-10-01", "2026-10-02"]
    assert [c.id for c in two.commits] == ["a" * 40, "b" * 40]


def test_a_walk_read_back_shares_what_repeats_and_keeps_each_value_as_written(
    tmp_path: Path,
) -> None:
    """The columns of one value repeated are one object for every key result that repeats
    it; equal decimal numbers are one object; 30 and 30.0, 0.0 and -0.0 stay apart."""
    from datetime import UTC, datetime

    from okrcli.history.git import Commit
    from okrcli.history.timeline import Timeline, Walk

    commits = [
        Commit(c * 40, "Ann", "ann@x", datetime(2026, 10, d, tzinfo=UTC), "s", d)
        for c, d in (("a", 1), ("b", 8))
    ]
    rows = {
        "u/o/k1": [(30, 0.0, 1.5, 0.7, None, None), (30, 0.0, 2.5, 0.7, None, None)],
        "u/o/k2": [(30.0, -0.0, 1.5, 0.7, None, None), (30.0, -0.0, 2.5, 0.7, None, None)],
        "u/o/k3": [(30, 0.0, 2.5, 0.5, None, None), (30, 0.0, 1.5, 0.7, None, None)],
    }
    timelines = {}
    for ref, values in rows.items():
        tl = timelines[ref] = Timeline(ref)
        for c, v in zip(commits, values, strict=True):
            tl.add(c, c.when, v)
    cache = WalkCache(tmp_path / ".git", "okrs/2026-Q4", "2026-Q4")
    cache.save("c" * 40, False, Walk(commits, timelines, {}, 8, {}, {}))
    kept = cache.load(False)
    assert kept is not None
    one, two, three = (kept[1].timelines[ref] for ref in rows)
    for ref, tl in zip(rows, (one, two, three), strict=True):
        assert [tl.values(n) for n in range(len(tl))] == rows[ref]
        assert [repr(v) for v in tl.values(0)] == [repr(v) for v in rows[ref][0]]
    assert one.baselines is three.baselines and one.notes is two.notes  # shared
    assert one.baselines is not two.baselines and one.targets is not two.targets
    assert one.currents[0] is two.currents[0] is three.currents[1]  # 1.5: one object
    one.add(None, commits[1].when, (31, 0.0, 3.0, 0.7, None, None))  # copied, not shared
    assert list(three.baselines) == [30, 30] and len(one) == 3


def _set(path: str, value: object) -> object:
    """A damage: the value at ``path`` (keys and indexes separated by dots) set to ``value``."""

    def damage(content: dict[str, object]) -> None:
        *parents, last = path.split(".")
        node: object = content
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            assert isinstance(node, dict)
            node[last] = value

    return damage


@pytest.mark.parametrize(
    "damage",
    [
        _set("rows.0.2.2", [1.5, True]),  # a bool is no number
        _set("rows.0.2.2", [1.5, "2"]),  # a text is no number
        _set("rows.1.3.0", [None, 3]),  # a number is no check-in day
        _set("rows.0.2.2", [1.5, 2.5, 3.5]),  # a value too many
        _set("rows.0.2.2", []),  # none at all
        _set("rows.0.2.2", {"a": 1.5}),  # not a column
        _set("rows.0.2.2", [1.5]),  # a list of one for a column of two
        _set("rows.0.2.3", [[0.5], 0.6]),  # a list in a column
        _set("rows.0.2", [[1], [2.5], [1.5, 2.5]]),  # a field missing
        _set("rows.0.3", [[None]]),
        _set("rows.0", ["u/o/k1", 0, [[1], [2.5], [1.5, 2.5], [0.5, 0.6]]]),  # no texts
        _set("positions.0", [0, 7]),  # a commit that is not there
        _set("positions.0", [0, -1]),
        _set("rows.0.1", 5),  # positions that are not there
        _set("rows.0.1", False),
        _set("rows.0.1", -1),
        _set("rows.0.0", 7),  # a ref that is no text
        _set("last_time", 1.5),
        _set("commits.0.committed", "1"),
        _set("commits.0.when", "yesterday"),
        _set("key", [True, "okrs/2026-Q4", "2026-Q4"]),  # another walk's key
        lambda c: c.update(extra=1),  # a field okr does not write
        lambda c: c.pop("positions"),
    ],
)
def test_a_walk_cache_of_the_wrong_shape_is_a_miss(tmp_path: Path, damage: object) -> None:
    cache, content = _kept_walk(tmp_path / ".git")
    assert callable(damage) and isinstance(content, dict)
    damage(content)
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is None


def test_a_walk_cache_cannot_make_many_values_of_a_few_bytes(tmp_path: Path) -> None:
    """A field that kept one value is written once, so the walk's entries differ from one
    to the next and a timeline of more than one entry has a column of its full length. A
    table whose every column is one value repeated over many commits would make key results
    x commits values of a few bytes (at 2,000 of each, 0.3 MB of cache once took 186 MB to
    read): it is a miss."""
    cache, content = _kept_walk(tmp_path / ".git")
    assert isinstance(content, dict)
    content["rows"][1][2] = [0, 10, 0, None]  # k2's only changing columns, now
    content["rows"][1][3] = ["2026-10-01", "ok"]  # one value each
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is None
    content["rows"][1][3] = [["2026-10-01", "2026-10-01"], "ok"]  # one column in full
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
    assert isinstance(content, dict)
    content["head_extracts"] = extracts
    cachefile.write(cache.path, WALK_KIND, content)
    assert cache.load(False) is None
    content["head_extracts"] = {"d" * 40: ["2026-Q4", {"u/o/k1": [1, 2, 3, None, None, "n"]}]}
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


def test_a_blob_cache_grown_too_large_keeps_its_most_recently_used_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a cache past cachefile.MAX_BYTES is never read, so years of history would make every
    # walk re-read every blob: past timeline.TRIM_BYTES it is trimmed, least recently used
    # first, and what the latest walk used survives
    git_dir = tmp_path / ".git"
    (git_dir / "okrcli").mkdir(parents=True)
    blobs = BlobCache(git_dir)
    for n in range(64):
        blobs.put(f"{n:040x}", ["2026-Q4", {f"u/o/k{n}": [1, 2, 3, 4, None, None]}])
    blobs.save()
    full = blobs.path.stat().st_size
    monkeypatch.setattr(timeline, "TRIM_BYTES", full - 1)
    again = BlobCache(git_dir)
    assert len(again.data) == 64
    assert again.get(f"{0:040x}")[0]  # the oldest entry, used again: now the newest
    again.put("f" * 40, ["2026-Q4", {"u/o/new": [1, 2, 3, 4, None, None]}])
    again.save()
    kept = BlobCache(git_dir)
    assert kept.path.stat().st_size <= full - 1
    assert len(kept.data) == 33  # the newer half of 65
    assert kept.get(f"{0:040x}")[0] and kept.get("f" * 40)[0]
    assert not kept.get(f"{1:040x}")[0]  # the least recently used went first
    assert kept.get(f"{63:040x}")[0]
