"""The parse cache: unchanged files are not parsed again, and nothing about the result changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrcli import cachefile
from okrcli.cachefile import folder_of
from okrcli.load import yamlsafe
from okrcli.load.parsecache import KIND, ParseCache
from okrcli.load.repo import load_repository
from okrcli.rules.base import GOOD_FILE
from tests.conftest import git, run_lint, write_repo

BAD = GOOD_FILE.replace("    title: ", "    title: Launch the new ", 1)


def _repo(tmp_path: Path) -> Path:
    root = write_repo(
        tmp_path / "r",
        {"okrs/2026-Q4/checkout.yaml": GOOD_FILE, "okrs/2026-Q4/search.yaml": BAD},
    )
    git(root, "init", "-q", "-b", "main")
    return root


def _cache_files(root: Path) -> list[Path]:
    return sorted((root / ".git" / "okrcli").glob(f"{KIND}-*.json"))


def _cached(root: Path) -> dict[str, object]:
    data = cachefile.read(_cache_files(root)[0], KIND)
    assert isinstance(data, dict)
    return data


def _lint_view(root: Path) -> list[tuple[object, ...]]:
    return [(d.rel, d.line, d.column, d.code, d.message) for d in run_lint(root).diagnostics]


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if an OKR file (not org.yaml) is parsed."""
    real = yamlsafe._parse

    def refuse(text: str, max_depth: int, *, track: bool) -> yamlsafe.Parsed:
        assert "objectives:" not in text, "a cached file was parsed again"
        return real(text, max_depth, track=track)

    monkeypatch.setattr(yamlsafe, "_parse", refuse)


def test_unchanged_files_come_from_the_cache_with_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    first = _lint_view(root)
    assert first and len(_cache_files(root)) == 1
    data = _cached(root)
    assert len(data) == 3  # the two OKR files and org.yaml
    docs = load_repository(root).docs
    with monkeypatch.context() as m:
        _no_parsing(m)
        cached = load_repository(root).docs
    assert [d.model for d in cached] == [d.model for d in docs]
    assert all(d.model is not None for d in cached)
    assert [d.rel for d in cached] == [d.rel for d in docs]
    # positions are found again on demand, so findings point at the same lines
    assert _lint_view(root) == first


def test_changed_and_removed_files_are_parsed_again_and_dropped(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run_lint(root)
    (root / "okrs/2026-Q4/search.yaml").write_text(GOOD_FILE.replace("checkout", "search"))
    assert not run_lint(root).diagnostics
    (root / "okrs/2026-Q4/search.yaml").unlink()
    run_lint(root)
    assert len(_cached(root)) == 2


@pytest.mark.parametrize("damage", [b"{not json", b"", b"okrcli-cache parsed", b"\xff" * 99])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: bytes) -> None:
    root = _repo(tmp_path)
    first = _lint_view(root)
    _cache_files(root)[0].write_bytes(damage)
    assert _lint_view(root) == first
    assert len(_cached(root)) == 3


def test_files_that_do_not_parse_are_not_cached(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "okrs/2026-Q4/broken.yaml").write_text("unit: [oops\n")
    codes = [d.code for d in run_lint(root).diagnostics]
    assert "OKR001" in codes
    assert len(_cached(root)) == 3
    assert "OKR001" in [d.code for d in run_lint(root).diagnostics]


def test_no_cache_outside_git_or_when_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = write_repo(tmp_path / "plain", {"okrs/2026-Q4/checkout.yaml": GOOD_FILE})
    assert ParseCache.for_root(plain).path is None or not plain.joinpath(".git").exists()
    root = _repo(tmp_path)
    monkeypatch.setenv("OKR_NO_CACHE", "1")
    run_lint(root)
    assert _cache_files(root) == []


def test_worktree_git_file_points_at_its_git_directory(tmp_path: Path) -> None:
    real = tmp_path / "gitdirs" / "wt"
    real.mkdir(parents=True)
    root = tmp_path / "checkout"
    root.mkdir()
    (root / ".git").write_text(f"gitdir: {real}\n")
    assert folder_of(root / "okrs") == real / "okrcli"
    (root / ".git").write_text("nonsense\n")
    assert folder_of(root) is None


def test_files_at_a_commit_use_the_cache_without_changing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrcli.load.repo import load_repository_from

    root = _repo(tmp_path)
    run_lint(root)
    before = _cached(root)
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")}
    fresh = load_repository_from(root, files)  # the same texts: all from the cache
    with monkeypatch.context() as m:
        _no_parsing(m)
        cached = load_repository_from(root, files)
    assert [d.model for d in cached.docs] == [d.model for d in fresh.docs]
    assert all(d.model is not None for d in cached.docs)
    changed = dict(files)
    changed["okrs/2026-Q4/search.yaml"] = GOOD_FILE.replace("checkout", "search").encode()
    assert load_repository_from(root, changed).docs[1].model is not None  # parsed, not cached
    assert _cached(root) == before  # the working tree's cache is left as it was
