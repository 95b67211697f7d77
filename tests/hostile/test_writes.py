"""Issue 29, writes and caches: what the repository or a restored CI cache puts where okr
writes (a link at a file or at a folder on the way, a pipe, a device, a folder) is refused or
a cache miss, never written through, never opened blocking; a crafted cache is weighed
before it is parsed; file names that are no UTF-8 reach every output; part files never
collide. Findings 1, 2, 11, 12, 13 and 14 of the issue, each with several variants."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from okrcli import cachefile
from okrcli.errors import OkrError
from okrcli.fsutil import UnsafePathError, atomic_write, name_text, uri_path
from okrcli.history.timeline import BLOB_KIND, CACHE_NAME, WALK_KIND, BlobCache, WalkCache
from okrcli.load.parsecache import KIND, ParseCache
from okrcli.rules.base import GOOD_FILE
from tests.conftest import git, give, okr_unprivileged, write_repo
from tests.hostile.test_hostile import CHECKOUT, okr

VICTIM_TEXT = "#!/bin/sh\necho the job's own script\n"


def _victim(tmp_path: Path) -> Path:
    """A file outside the repository that the CI job can write, executable."""
    out = tmp_path / "outside"
    out.mkdir(exist_ok=True)
    victim = out / "deploy.sh"
    victim.write_text(VICTIM_TEXT)
    victim.chmod(0o755)
    return victim


def _untouched(victim: Path) -> None:
    assert victim.read_text() == VICTIM_TEXT
    assert stat.S_IMODE(victim.stat().st_mode) == 0o755
    assert sorted(p.name for p in victim.parent.iterdir()) == ["deploy.sh"]


def _device(path: Path) -> None:
    try:  # /dev/null's numbers (root may make it; a container may refuse even so)
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:  # pragma: no cover
        pytest.skip("cannot make a device file here")


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    finally:
        sock.close()


# What a pull request or a restored cache can leave at a name okr writes: (name, maker).
# Each maker gets the path and the victim (a file outside, the job's own).
HOSTILE: list[tuple[str, Callable[[Path, Path], None]]] = [
    ("link to a file outside", lambda p, v: p.symlink_to(v)),
    ("relative link to a file outside", lambda p, v: p.symlink_to(os.path.relpath(v, p.parent))),
    ("link to a folder outside", lambda p, v: p.symlink_to(v.parent, target_is_directory=True)),
    ("dangling link", lambda p, v: p.symlink_to(v.parent / "created-by-okr")),
    ("link to itself", lambda p, v: p.symlink_to(p.name)),
    ("named pipe", lambda p, v: os.mkfifo(p)),
    ("device", lambda p, v: _device(p)),
    ("socket", lambda p, v: _socket(p)),
    ("folder", lambda p, v: p.mkdir()),
]
NAMES = [name for name, _ in HOSTILE]
MAKERS = dict(HOSTILE)


def _same_kind(path: Path, name: str) -> None:
    """The hostile entry is still there, as it was made."""
    found = path.lstat()
    if "link" in name:
        assert stat.S_ISLNK(found.st_mode), name
    elif name == "named pipe":
        assert stat.S_ISFIFO(found.st_mode)
    elif name == "device":
        assert stat.S_ISCHR(found.st_mode)
    elif name == "socket":
        assert stat.S_ISSOCK(found.st_mode)
    else:
        assert stat.S_ISDIR(found.st_mode) and list(path.iterdir()) == []


# --- the one writer -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_writer_refuses_whatever_is_no_plain_file_inside(tmp_path: Path, name: str) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    victim = _victim(tmp_path)
    target = root / "docs" / "report.md"
    MAKERS[name](target, victim)
    with pytest.raises((UnsafePathError, IsADirectoryError)):
        atomic_write(target, "pwned", within=root)
    _untouched(victim)
    _same_kind(target, name)
    assert sorted(p.name for p in (root / "docs").iterdir()) == ["report.md"]  # no temporary


@pytest.mark.parametrize(
    ("link", "rel"),
    [
        ("docs", "docs/report.md"),  # the folder holding the file
        ("docs", "docs/deep/report.md"),  # a folder further up the way
        ("docs/deep", "docs/deep/more/report.md"),
        ("docs/deep", "docs/deep/report.md"),
    ],
)
@pytest.mark.parametrize("dangling", [False, True])
def test_the_writer_follows_no_linked_folder_on_the_way(
    tmp_path: Path, link: str, rel: str, dangling: bool
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    victim = _victim(tmp_path)
    target = victim.parent / "gone" if dangling else victim.parent
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(target, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="is a link"):
        atomic_write(root / rel, "pwned", within=root)
    _untouched(victim)
    assert (root / link).is_symlink()


def test_a_link_to_a_file_inside_is_refused_too(tmp_path: Path) -> None:
    """A link to the repository's own org.yaml would otherwise have it overwritten."""
    root = write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE})
    org = (root / "org.yaml").read_text()
    (root / "report.md").symlink_to("org.yaml")
    with pytest.raises(UnsafePathError, match=r"link \(to org.yaml\)"):
        atomic_write(root / "report.md", "pwned", within=root)
    assert (root / "org.yaml").read_text() == org


def test_the_writer_replaces_a_plain_file_keeping_its_mode_and_makes_folders(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    atomic_write(root / "a/b/c.md", "one", within=root)
    (root / "a/b/c.md").chmod(0o640)
    atomic_write(root / "a/b/c.md", ["t", "wo"], within=root)
    assert (root / "a/b/c.md").read_text() == "two"
    assert stat.S_IMODE((root / "a/b/c.md").stat().st_mode) == 0o640
    # a path given through `..` is taken lexically: it stays where it reads
    atomic_write(root / "a/../d.md", "three", within=root)
    assert (root / "d.md").read_text() == "three"
    assert sorted(p.name for p in (root / "a/b").iterdir()) == ["c.md"]


def test_the_writer_still_writes_where_the_user_points_outside(tmp_path: Path) -> None:
    """-o /dev/null and a link outside the repository are the user's own choice."""
    root = tmp_path / "repo"
    root.mkdir()
    victim = _victim(tmp_path)
    link = tmp_path / "mine.sh"
    link.symlink_to(victim)
    atomic_write(link, "chosen", within=root)
    assert victim.read_text() == "chosen" and link.is_symlink()
    atomic_write(Path("/dev/null"), "nothing", within=root)


# --- 1: okr's caches in .git/okrcli ---------------------------------------------------------


def _git_dir(tmp_path: Path) -> Path:
    git_dir = tmp_path / "repo" / ".git"
    (git_dir / "okrcli").mkdir(parents=True)
    return git_dir


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", [KIND, BLOB_KIND, WALK_KIND])
def test_a_cache_file_that_is_no_plain_file_is_a_miss_and_never_written(
    tmp_path: Path, name: str, kind: str
) -> None:
    git_dir = _git_dir(tmp_path)
    victim = _victim(tmp_path)
    victim.write_text(cachefile._header(kind).decode() + "{}")  # a cache okr would take
    victim.chmod(0o755)
    path = git_dir / "okrcli" / f"{kind}-x.json"
    MAKERS[name](path, victim)
    assert cachefile.read(path, kind) is None  # a miss, even of a well-formed cache
    cachefile.write(path, kind, {"pwned": True})  # not kept, never an error
    assert victim.read_text() == cachefile._header(kind).decode() + "{}"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o755
    _same_kind(path, name)
    assert sorted(p.name for p in victim.parent.iterdir()) == ["deploy.sh"]


@pytest.mark.parametrize("dangling", [False, True])
def test_a_linked_cache_folder_is_neither_read_written_nor_cleaned(
    tmp_path: Path, dangling: bool
) -> None:
    git_dir = tmp_path / "repo" / ".git"
    git_dir.mkdir(parents=True)
    victim = _victim(tmp_path)
    # a file of an "older version" that the writer would clean up next to its own
    old = victim.parent / f"{KIND[:-1]}1-x.json"
    old.write_text("the job's own file")
    target = victim.parent / "gone" if dangling else victim.parent
    (git_dir / "okrcli").symlink_to(target, target_is_directory=True)
    path = cachefile.folder(git_dir) / f"{KIND}-x.json"
    (victim.parent / path.name).write_text(cachefile._header(KIND).decode() + "{}")
    assert cachefile.read(path, KIND) is None
    cachefile.write(path, KIND, {"a" * 64: 1})
    assert sorted(p.name for p in victim.parent.iterdir()) == sorted(
        ["deploy.sh", old.name, path.name]
    )
    assert old.read_text() == "the job's own file"
    assert (victim.parent / path.name).read_text().endswith("{}")
    assert not (victim.parent / "gone").exists()


@pytest.mark.parametrize("name", ["named pipe", "device", "socket", "link to a file outside"])
def test_a_cache_folder_that_is_no_folder_is_left_alone(tmp_path: Path, name: str) -> None:
    git_dir = tmp_path / "repo" / ".git"
    git_dir.mkdir(parents=True)
    victim = _victim(tmp_path)
    MAKERS[name](git_dir / "okrcli", victim)
    blobs = BlobCache(git_dir)
    assert blobs.data == {}
    blobs.put("f" * 40, None)
    blobs.save()
    _untouched(victim)
    _same_kind(git_dir / "okrcli", name)


def test_the_caches_still_work_in_a_plain_folder(tmp_path: Path) -> None:
    git_dir = tmp_path / "repo" / ".git"
    git_dir.mkdir(parents=True)  # no okrcli folder yet: made
    old = git_dir / "okrcli" / f"{KIND[:-1]}1-x.json"
    cachefile.write(old, KIND[:-1] + "1", {})
    path = git_dir / "okrcli" / f"{KIND}-x.json"
    cachefile.write(path, KIND, {"a" * 64: [1, "x"]})
    assert ParseCache(path).old == {"a" * 64: [1, "x"]}
    assert not old.exists()  # the other version's file is cleaned up, as before


def _history_repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "start", when="2026-10-01")
    return root


def _cache_names(root: Path) -> dict[str, Path]:
    git_dir = root / ".git"
    return {
        "parse": ParseCache.for_root(root).path or Path("/nonexistent"),
        "blobs": cachefile.folder(git_dir) / CACHE_NAME,
        "walk": WalkCache(git_dir, "okrs/2026-Q4", "2026-Q4").path,
    }


def _timeless(score_json: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(score_json)
    data.pop("at")  # the moment of the run
    return data


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["link to a file outside", "dangling link", "named pipe", "device", "folder"]
)
def test_lint_and_score_with_hostile_caches_restored(tmp_path: Path, name: str) -> None:
    """Findings 1 and 11 through okr's own commands: each cache's name made hostile; the
    commands finish (no pipe hangs them: the helper's time bound), their results are the
    same as without caches, and nothing outside is written."""
    root = _history_repo(tmp_path)
    clean_lint = okr("lint", "--format", "json", cwd=root, env={"OKR_NO_CACHE": "1"})
    clean_score = okr("score", "--format", "json", cwd=root, env={"OKR_NO_CACHE": "1"})
    victim = _victim(tmp_path)
    (root / ".git/okrcli").mkdir()
    caches = _cache_names(root)
    for path in caches.values():
        MAKERS[name](path, victim)
    lint = okr("lint", "--format", "json", cwd=root)
    score = okr("score", "--format", "json", cwd=root)
    assert (lint.code, lint.stdout) == (clean_lint.code, clean_lint.stdout)
    assert (score.code, _timeless(score.stdout)) == (
        clean_score.code,
        _timeless(clean_score.stdout),
    )
    _untouched(victim)
    for path in caches.values():
        _same_kind(path, name)


@pytest.mark.slow
@pytest.mark.parametrize("dangling", [False, True])
def test_a_restored_cache_folder_link_through_the_commands(tmp_path: Path, dangling: bool) -> None:
    root = _history_repo(tmp_path)
    victim = _victim(tmp_path)
    target = victim.parent / "gone" if dangling else victim.parent
    (root / ".git/okrcli").symlink_to(target, target_is_directory=True)
    for command in ("lint", "score", "report"):
        run = okr(command, cwd=root)
        assert run.code in (0, 1), run.stderr
    _untouched(victim)
    assert not (victim.parent / "gone").exists()


# --- what the job cannot write: as root too ---------------------------------------------------


@pytest.mark.slow
def test_a_cache_folder_the_job_cannot_write_keeps_no_cache(
    tmp_path: Path, nobody_home: Path
) -> None:
    root = give(_history_repo(tmp_path), nobody_home)
    clean = okr_unprivileged("lint", "--format", "json", cwd=root)
    shutil.rmtree(root / ".git/okrcli")
    (root / ".git/okrcli").mkdir(mode=0o555)
    if os.geteuid() == 0:
        shutil.chown(root / ".git/okrcli", "nobody", "nogroup")
    for command in (["lint", "--format", "json"], ["score"], ["report"]):
        run = okr_unprivileged(*command, cwd=root)
        assert run.returncode in (0, 1), run.stderr
    assert okr_unprivileged("lint", "--format", "json", cwd=root).stdout == clean.stdout
    assert list((root / ".git/okrcli").iterdir()) == []


@pytest.mark.slow
def test_an_output_folder_the_job_cannot_write_is_a_message(
    tmp_path: Path, nobody_home: Path
) -> None:
    root = give(_history_repo(tmp_path), nobody_home)
    (root / "reports").mkdir(mode=0o555)
    if os.geteuid() == 0:
        shutil.chown(root / "reports", "nobody", "nogroup")
    for command in (
        ["lint", "-o", "reports/x.sarif", "--format", "sarif"],
        ["report", "-o", "reports/x.md"],
    ):
        run = okr_unprivileged(*command, cwd=root)
        assert run.returncode == 2 and "cannot write reports/x." in run.stderr, run.stderr
    assert list((root / "reports").iterdir()) == []


# --- 2: the parts of a split report ---------------------------------------------------------


def _split_repo(tmp_path: Path) -> Path:
    from tests.commands.test_report import organisation

    root = organisation(tmp_path / "r", 6, bus=2)
    git(root, "init", "-q")
    return root


def _report(root: Path, monkeypatch: pytest.MonkeyPatch, output: Path) -> str:
    from okrcli.report import data as report_data
    from okrcli.report import service
    from tests.commands.test_report import NOW

    monkeypatch.setattr(report_data, "PREVIEW_LIMIT", 2000)
    return service.report(service.ReportRequest(repo=root, cwd=root, now=NOW, output=output))


PART_HAZARDS = [*NAMES, "link to org.yaml"]


@pytest.mark.slow
@pytest.mark.parametrize("name", PART_HAZARDS)
def test_report_parts_are_never_written_through_what_is_committed_at_their_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    root = _split_repo(tmp_path)
    victim = _victim(tmp_path)
    org = (root / "org.yaml").read_text()
    (root / "reports").mkdir()
    part = root / "reports" / "okr-bu-1.md"
    if name == "link to org.yaml":
        part.symlink_to("../org.yaml")
    else:
        MAKERS[name](part, victim)
    with pytest.raises(OkrError, match=r"will not write okr-bu-1\.md: it is|cannot write"):
        _report(root, monkeypatch, Path("reports/okr.md"))
    _untouched(victim)
    assert (root / "org.yaml").read_text() == org
    # refused before any part was written: no half report
    assert sorted(p.name for p in (root / "reports").iterdir()) == ["okr-bu-1.md"]


@pytest.mark.slow
def test_report_parts_in_a_folder_reached_through_a_link_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _split_repo(tmp_path)
    victim = _victim(tmp_path)
    (root / "reports").symlink_to(victim.parent, target_is_directory=True)
    with pytest.raises(OkrError, match="will not write"):
        _report(root, monkeypatch, Path("reports/okr.md"))
    _untouched(victim)


@pytest.mark.slow
def test_report_parts_beside_an_output_outside_are_the_user_s_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _split_repo(tmp_path)
    out = tmp_path / "published"
    _report(root, monkeypatch, out / "okr.md")
    assert sorted(p.name for p in out.iterdir()) == [
        "okr-bu-0.md",
        "okr-bu-1.md",
        "okr-organisation.md",
        "okr.md",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["named pipe", "device", "socket", "folder", "link to itself"])
def test_dash_o_at_what_is_no_plain_file_inside_is_refused(tmp_path: Path, name: str) -> None:
    """`-o` inside the repository at a pipe (which would hang the write), a device, a
    socket, a folder or a looping link: refused with a message, never a traceback."""
    root = write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE})
    git(root, "init", "-q")
    victim = _victim(tmp_path)
    MAKERS[name](root / "out.md", victim)
    for command in (["lint", "-o", "out.md"], ["report", "-o", "out.md"]):
        run = okr(*command, cwd=root)
        assert run.code == 2, run.stderr
        assert "will not write out.md" in run.stderr or "cannot write out.md" in run.stderr
    _same_kind(root / "out.md", name)


# --- 14: part files never collide -----------------------------------------------------------


def _unit(uid: str, level: str, parent: str) -> dict[str, object]:
    return {"id": uid, "name": uid.upper() or "ORG", "level": level, "parent": parent, "score": 0.5}


@pytest.mark.parametrize(
    "ids",
    [
        ["organisation"],  # the organisation's own part's name
        ["organisation", "organisation-2"],  # and the name the first would get next
        ["a b", "a-b", "a--b"],  # what is no letter or digit becomes "-"
        ["Sales", "sales"],  # one file on a case-insensitive disk
        ["..", "-", "part"],  # nothing left of the id
        ["x/y", "x\\y", "x:y", "x-y"],
    ],
)
def test_part_file_names_are_distinct_and_none_is_lost(ids: list[str]) -> None:
    from okrcli.report.data import parts

    units = [_unit("co", "company", ""), _unit("team-0", "team", "co")]
    for n, uid in enumerate(ids):
        units += [_unit(uid, "business-unit", "co"), _unit(f"team-{n + 1}", "team", uid)]
    data = {"units": units, "organisation": {"name": "Acme"}}
    found = parts(data, "report")
    files = [p["file"] for p in found]
    assert len({f.lower() for f in files}) == len(files) == len(ids) + 1, files
    assert found[0]["file"] == "report-organisation.md" and found[0]["id"] == ""
    assert all("/" not in f and "\\" not in f and not f.startswith(".") for f in files)
    members = sorted(str(m["id"]) for p in found for m in p["members"])
    assert members == sorted(str(u["id"]) for u in units)  # each unit in exactly one part


@pytest.mark.slow
def test_a_business_unit_named_organisation_gets_a_part_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the report: the unit's part and the organisation's are both written."""
    from tests.commands.test_report import organisation

    root = organisation(tmp_path / "r", 6, bus=2)
    for rel in ("org.yaml", *(str(p.relative_to(root)) for p in root.rglob("*.yaml"))):
        path = root / rel
        path.write_text(path.read_text().replace("bu-0", "organisation"))
    (root / "okrs/2026-Q4/bu-0.yaml").rename(root / "okrs/2026-Q4/organisation.yaml")
    git(root, "init", "-q")
    out = tmp_path / "out"
    index = _report(root, monkeypatch, out / "okr.md")
    files = sorted(p.name for p in out.iterdir())
    assert files == ["okr-bu-1.md", "okr-organisation-2.md", "okr-organisation.md", "okr.md"]
    assert "(okr-organisation-2.md)" in index and "(okr-organisation.md)" in index
    assert "### Company " in (out / "okr-organisation.md").read_text()
    assert "### BU 0 " in (out / "okr-organisation-2.md").read_text()


# --- 12: file names that are no UTF-8 ---------------------------------------------------------

ODD_NAMES = [b"check\xffout", b"\x80\x81", b"caf\xc3\xa9-\xe9", b"a\xed\xa0\x80b"]


@pytest.mark.parametrize("raw", ODD_NAMES)
def test_name_text_writes_each_byte_that_is_no_utf8_as_an_escape(raw: bytes) -> None:
    name = os.fsdecode(raw)
    shown = name_text(name)
    shown.encode("utf-8")  # any UTF-8 output holds it
    assert os.fsencode(name) == raw and shown != name
    assert "\\x" in shown and "%" in uri_path(name)
    uri_path(name).encode("ascii" if name.isascii() else "utf-8")
    assert uri_path(f"a\\{name}").startswith("a/")
    assert name_text("plain é ✓") == "plain é ✓"


def _okr_bytes(root: Path, *args: str) -> int:
    """Run okr, whose terminal output holds the name's bytes as they are: its exit status,
    after checking that it ended without a traceback."""
    env = {**os.environ, "CI": "true"}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "okrcli", *args], cwd=root, capture_output=True, env=env, timeout=60
    )
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr, proc.stderr
    return proc.returncode


@pytest.mark.slow
@pytest.mark.parametrize("raw", ODD_NAMES[:3])
def test_every_output_file_takes_a_name_that_is_no_utf8(tmp_path: Path, raw: bytes) -> None:
    root = write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE})
    odd = os.fsdecode(b"okrs/2026-Q4/" + raw + b".yaml")
    (root / odd).write_text(GOOD_FILE)
    git(root, "init", "-q")
    expected = name_text(odd)
    for fmt in ("sarif", "gitlab", "junit", "json"):
        assert _okr_bytes(root, "lint", "--format", fmt, "-o", f"out.{fmt}") == 1
        text = (root / f"out.{fmt}").read_bytes().decode("utf-8")  # valid UTF-8
        if fmt == "junit":
            names = [c.get("name") for c in ET.fromstring(text).iter("testcase")]
            assert expected in names
        elif fmt == "sarif":
            results = json.loads(text)["runs"][0]["results"]
            uris = [
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results
            ]
            assert uri_path(odd) in uris
        else:
            records = json.loads(text)
            paths = [r["location"]["path"] if fmt == "gitlab" else r["path"] for r in records]
            assert expected in paths
    assert _okr_bytes(root, "report", "-o", "report.md") == 0
    report = (root / "report.md").read_bytes().decode("utf-8")
    assert expected in report


# --- 13: a crafted cache is weighed before it is parsed ----------------------------------------


def _dense(kind: str, item: bytes, size: int) -> bytes:
    count = size // (len(item) + 1)
    return cachefile._header(kind) + b"[" + b",".join([item] * count) + b"]"


@pytest.mark.parametrize(
    ("item", "size"),
    [
        (b"[]", 12_000_000),  # empty lists: 64 bytes of memory for 3 of file
        (b"{}", 12_000_000),
        (b'{"a":[]}', 16_000_000),
        (b"[[[[]]]]", 16_000_000),
    ],
)
def test_a_dense_cache_is_a_miss_without_being_parsed(
    tmp_path: Path, item: bytes, size: int
) -> None:
    path = _git_dir(tmp_path) / "okrcli" / f"{KIND}-x.json"
    path.write_bytes(_dense(KIND, item, size))
    tracemalloc.start()
    try:
        assert cachefile.read(path, KIND) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * size  # the file's bytes and a copy, not twenty times them


def test_a_cache_over_the_size_bound_is_read_no_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cachefile, "MAX_BYTES", 1_000_000)
    path = _git_dir(tmp_path) / "okrcli" / f"{KIND}-x.json"
    body = {"a" * 64: "x" * 2_000_000}
    cachefile.write(path, KIND, body)
    assert path.stat().st_size > 2_000_000
    tracemalloc.start()
    try:
        assert cachefile.read(path, KIND) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_500_000  # no more than the bound is read
    monkeypatch.setattr(cachefile, "MAX_BYTES", 64 * 1024 * 1024)
    assert cachefile.read(path, KIND) == body  # the same file within the bound: a hit


def test_ordinary_caches_weigh_far_less_than_the_bound(tmp_path: Path) -> None:
    """What okr writes passes the weighing with room to spare: a parse cache of 5,000
    files' data and a walk-like table are each estimated well under the bound."""
    data = {
        f"{n:064x}": {
            "unit": f"team-{n}",
            "quarter": "2026-Q4",
            "objectives": [
                {
                    "id": f"o{o}",
                    "title": "Make checkout effortless for returning customers",
                    "key_results": [
                        {"id": f"k{k}", "title": "Raise conversion", "baseline": 30, "target": 34}
                        for k in range(3)
                    ],
                }
                for o in range(3)
            ],
        }
        for n in range(5000)
    }
    path = _git_dir(tmp_path) / "okrcli" / f"{KIND}-x.json"
    cachefile.write(path, KIND, data)
    raw = path.read_bytes()
    assert cachefile.estimated_memory(raw) < cachefile.MAX_MEMORY / 3
    assert len(raw) < cachefile.MAX_BYTES / 4
    assert ParseCache(path).old == data


@pytest.mark.slow
@pytest.mark.parametrize("size", [40_000_000, 70_000_000])
def test_a_large_crafted_parse_cache_through_lint(tmp_path: Path, size: int) -> None:
    """The reported case (40 MB took 1.1 GB) and one past the size bound: the lint runs
    within the hostile suite's memory bound (300 MB) and finds what it finds without one."""
    root = write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE})
    git(root, "init", "-q")
    clean = okr("lint", "--format", "json", cwd=root, env={"OKR_NO_CACHE": "1"})
    path = ParseCache.for_root(root).path
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(_dense(KIND, b"[]", size))
    run = okr("lint", "--format", "json", cwd=root)
    assert (run.code, run.stdout) == (clean.code, clean.stdout)
