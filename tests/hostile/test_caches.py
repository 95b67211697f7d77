"""Caches restored in CI may come from a run a pull request controlled: no cache holds
anything executable or pickled, and a crafted, truncated or foreign file is only a miss."""

from __future__ import annotations

import marshal
import pickle
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


def test_a_walk_cache_naming_option_like_commits_is_a_miss(tmp_path: Path) -> None:
    """A commit id read back from the cache is passed to git later: only ids pass."""
    git_dir = tmp_path / ".git"
    walk = WalkCache(git_dir, "okrs/2026-Q4", "2026-Q4")
    row = ("--output=/tmp/x", "a", "a@b", "2026-10-01T12:00:00+00:00", "s", 1)
    for commit, rows in (("--output=/tmp/x", []), ("f" * 40, [row])):
        cachefile.write(
            walk.path,
            WALK_KIND,
            ((False, "okrs/2026-Q4", "2026-Q4"), commit, rows, {}, {}, 0, {}, {}),
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
    assert renderer._template.environment.bytecode_cache is None
