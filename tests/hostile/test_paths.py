"""Links, special files and folders a pull request can commit: nothing is read or written
outside the repository, nothing is opened blocking, and every case is named in a finding or
an error, never an internal error."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from okrcli.errors import OkrError
from okrcli.fsutil import UnsafePathError, check_destination, check_output
from okrcli.rules.base import GOOD_FILE
from tests.conftest import run_lint, write_repo
from tests.hostile.test_hostile import CHECKOUT, okr

SEARCH = GOOD_FILE.replace("unit: checkout", "unit: search")


def _repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE, "okrs/2026-Q4/search.yaml": SEARCH})


def _outside(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    out.mkdir(exist_ok=True)
    return out


# --- special files: named, never opened blocking, the rest still linted -----------------


def _device(path: Path) -> None:
    try:  # /dev/zero's numbers; needs root, and a container may refuse it even then
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:  # pragma: no cover
        pytest.skip("cannot make a device file here")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (os.mkfifo, "named pipe"),
        (_device, "character device"),
        (lambda p: os.symlink("/dev/zero", p), "outside the repository"),
        (lambda p: os.symlink("pipe", p), "named pipe"),
        (lambda p: os.mkdir(p), "folder"),
    ],
)
def test_special_files_as_okr_files_are_named(tmp_path: Path, make: object, kind: str) -> None:
    root = _repo(tmp_path)
    target = root / "okrs/2026-Q4/pipe.yaml"
    os.mkfifo(root / "okrs/2026-Q4/pipe")  # no .yaml: not an OKR file, but a link's target
    make(target)  # type: ignore[operator]
    found = run_lint(root).diagnostics
    assert [(d.rel, d.code) for d in found] == [("okrs/2026-Q4/pipe.yaml", "OKR001")]
    assert kind in found[0].message


def test_a_socket_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    root = _repo(tmp_path)
    sock = socket.socket(socket.AF_UNIX)
    try:
        monkeypatch.chdir(tmp_path)  # socket paths are short
        sock.bind("r/okrs/2026-Q4/sock.yaml")
        found = run_lint(root).diagnostics
    finally:
        sock.close()
    assert [(d.rel, d.code) for d in found] == [("okrs/2026-Q4/sock.yaml", "OKR001")]
    assert "socket" in found[0].message


@pytest.mark.parametrize("name", ["okr.yaml", "org.yaml"])
def test_a_pipe_as_config_or_org_is_an_error_naming_it(tmp_path: Path, name: str) -> None:
    root = _repo(tmp_path)
    (root / name).unlink(missing_ok=True)
    os.mkfifo(root / name)
    if name == "okr.yaml":
        with pytest.raises(OkrError, match=r"okr\.yaml.*named pipe"):
            run_lint(root)
    else:
        found = run_lint(root).diagnostics
        assert [(d.rel, d.code) for d in found] == [("org.yaml", "OKR001")]
        assert "named pipe" in found[0].message


@pytest.mark.slow
def test_a_pipe_does_not_hang_any_command(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    os.mkfifo(root / "okrs/2026-Q4/pipe.yaml")
    run = okr("lint", "--format", "json", cwd=root)
    assert run.code == 1 and [r["path"] for r in run.records()] == ["okrs/2026-Q4/pipe.yaml"]
    for command in (["score", "--quarter", "2026-Q4"], ["report", "--quarter", "2026-Q4"]):
        run = okr(*command, cwd=root)  # a partial result: written, said, and exit 1
        assert run.code == 1, run.stderr
        assert "pipe.yaml could not be read" in run.stdout
        assert "pipe.yaml could not be read" in run.stderr


# --- quarter folders in a loop, unreadable, or leading out ------------------------------


def test_quarter_folders_linking_to_each_other(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "okrs/2026-Q1").symlink_to("2026-Q2")
    (root / "okrs/2026-Q2").symlink_to("2026-Q1")
    (root / "okrs/2026-Q3").symlink_to("nowhere")
    found = run_lint(root).diagnostics
    assert sorted(d.rel for d in found) == ["okrs/2026-Q1", "okrs/2026-Q2", "okrs/2026-Q3"]
    assert all(d.code == "OKR001" and "cannot be read" in d.message for d in found)


def _deny_listing(monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    """Listing a folder whose name ends in ``folder`` fails with EACCES, as it does for a
    user without permission (tests run as root, who lists any folder)."""
    real = os.scandir

    def denied(path: object = ".") -> object:
        if str(path).endswith(folder):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", denied)


def test_an_unreadable_quarter_folder_does_not_stop_the_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    (root / "okrs/2026-Q3").mkdir()
    (root / "okrs/2026-Q3/checkout.yaml").write_text(GOOD_FILE.replace("2026-Q4", "2026-Q3"))
    _deny_listing(monkeypatch, "2026-Q3")
    found = run_lint(root).diagnostics
    assert [(d.rel, d.code) for d in found] == [("okrs/2026-Q3", "OKR001")]
    assert "cannot be read (permission denied)" in found[0].message


@pytest.mark.parametrize("how", ["unlistable", "loop", "dangling"])
def test_an_okrs_folder_that_cannot_be_read_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    root = write_repo(tmp_path / "r", {"other/2026-Q4/checkout.yaml": GOOD_FILE})
    if how == "unlistable":
        (root / "okrs").symlink_to("other")
        _deny_listing(monkeypatch, "okrs")
    else:
        (root / "okrs").symlink_to("okrs" if how == "loop" else "gone")
    found = run_lint(root).diagnostics
    assert [(d.rel, d.code) for d in found] == [("okrs", "OKR001")]
    assert "cannot be read" in found[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_an_unreadable_quarter_folder_for_real(tmp_path: Path) -> None:  # pragma: no cover
    root = _repo(tmp_path)
    (root / "okrs/2026-Q3").mkdir(mode=0)
    found = run_lint(root).diagnostics
    assert [(d.rel, d.code) for d in found] == [("okrs/2026-Q3", "OKR001")]


# --- writes: never through a link, never out of the repository ---------------------------


def _links(tmp_path: Path, root: Path) -> dict[str, Path]:
    """Each kind of link a pull request can commit, at a path inside ``root``."""
    out = _outside(tmp_path)
    links = {
        "to a file outside": (root / "a.md", out / "target.md"),
        "dangling, outside": (root / "b.md", out / "missing.md"),
        "dangling, inside": (root / "c.md", root / "missing.md"),
        "to a file inside": (root / "d.md", root / "okr.yaml"),
    }
    (out / "target.md").write_text("untouched")
    for link, target in links.values():
        link.symlink_to(target)
    (root / "linked").symlink_to(out, target_is_directory=True)
    return {name: link for name, (link, _) in links.items()} | {
        "through a linked folder": root / "linked" / "e.md"
    }


def test_no_write_through_any_link(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    for name, path in _links(tmp_path, root).items():
        with pytest.raises(UnsafePathError):
            check_destination(path, root)
        assert not (tmp_path / "outside" / "e.md").exists(), name
    check_destination(root / "plain.md", root)  # a plain new file is fine
    check_destination(tmp_path / "elsewhere.md", root)  # outside: the user's own choice


@pytest.mark.parametrize(
    "rel", ["okr.yaml", "org.yaml", CHECKOUT, ".git/HEAD", ".git/hooks/pre-commit", "okrs/x.yml"]
)
def test_output_never_overwrites_the_repository_s_own_files(tmp_path: Path, rel: str) -> None:
    root = _repo(tmp_path)
    with pytest.raises(UnsafePathError, match="repository's own files"):
        check_output(root / rel, root)
    check_output(root / "report.md", root)


def test_output_never_goes_into_the_git_directory_above_the_repository(tmp_path: Path) -> None:
    from okrcli.report.service import check_output_path

    top = tmp_path / "mono"
    (top / ".git/hooks").mkdir(parents=True)
    root = write_repo(top / "okr", {CHECKOUT: GOOD_FILE})
    for target in (top / ".git/hooks/post-checkout", top / ".git/config"):
        with pytest.raises(OkrError, match="inside the git directory"):
            check_output_path(target, target, root)
    check_output_path(top / "report.md", Path("report.md"), root)


def test_new_refuses_a_quarter_folder_that_leads_out(tmp_path: Path) -> None:
    from okrcli.edit.service import new_file, open_repo

    root = _repo(tmp_path)
    out = _outside(tmp_path)
    (root / "okrs/2027-Q1").symlink_to(out, target_is_directory=True)
    (root / "okrs/2027-Q2").symlink_to(out / "gone", target_is_directory=True)
    (root / "okrs/2027-Q3").mkdir()
    (root / "okrs/2027-Q3/search.yaml").symlink_to(out / "search.yaml")
    repo = open_repo(root, root)
    for quarter in ("2027-Q1", "2027-Q2", "2027-Q3"):
        with pytest.raises(OkrError, match=r"will not write|already exists"):
            new_file(repo, "search", quarter)
    assert list(out.iterdir()) == []


def test_schema_does_not_write_through_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrcli.model.schema import write_schemas

    out = _outside(tmp_path)
    work = tmp_path / "w"
    (work / "schemas").mkdir(parents=True)
    (work / "schemas/okr-file.schema.json").symlink_to(out / "x.json")
    (work / "linked").symlink_to(out, target_is_directory=True)
    monkeypatch.chdir(work)
    for folder in (Path("schemas"), Path("linked")):
        with pytest.raises(OkrError, match="cannot write"):
            write_schemas(folder)
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_init_skips_links_and_writes_the_rest(tmp_path: Path) -> None:
    from okrcli.edit.scaffold import init

    out = _outside(tmp_path)
    root = tmp_path / "clone"
    (root / ".github").mkdir(parents=True)
    (root / ".github/workflows").symlink_to(out, target_is_directory=True)
    (root / "okr.yaml").symlink_to(out / "cron-job")
    (root / ".vscode").symlink_to(out / "gone")
    result = init(root, company="Acme")
    assert list(out.iterdir()) == []
    skipped = " ".join(result.skipped)
    assert "okr.yaml" in skipped and ".github/workflows/okr.yml" in skipped
    assert ".vscode/settings.json" in skipped
    assert "org.yaml" in result.written and (root / "org.yaml").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    "target", ["okr.yaml", "org.yaml", CHECKOUT, ".git/HEAD", "link.md", "linked/x.md"]
)
def test_dash_o_refuses_and_writes_nothing(tmp_path: Path, target: str) -> None:
    from tests.conftest import git

    root = _repo(tmp_path)
    git(root, "init", "-q")
    out = _outside(tmp_path)
    (root / "link.md").symlink_to(out / "x.md")
    (root / "linked").symlink_to(out, target_is_directory=True)
    before = (root / target).read_bytes() if (root / target).is_file() else None
    for command in (["lint", "-o", target], ["report", "--quarter", "2026-Q4", "-o", target]):
        run = okr(*command, cwd=root)
        assert run.code == 2 and "will not write" in run.stderr, (command, run.stderr)
    assert list(out.iterdir()) == []
    if before is not None:
        assert (root / target).read_bytes() == before


# --- templates: no link followed, nothing but regular files -------------------------------


@pytest.mark.parametrize(
    "secret", ["/etc/passwd", "/proc/self/environ", "../outside/secret.txt", "/dev/zero"]
)
def test_repository_templates_are_never_followed_through_links(tmp_path: Path, secret: str) -> None:
    from okrcli.report.render import Renderer

    root = _repo(tmp_path)
    (_outside(tmp_path) / "secret.txt").write_text("SECRET")
    (root / "templates").mkdir()
    (root / "templates/report.md.j2").symlink_to(secret)
    with pytest.raises(OkrError, match="link"):
        Renderer(repo_templates=root / "templates").render({})
    # an include of a linked file is refused the same way
    (root / "templates/report.md.j2").unlink()
    (root / "templates/report.md.j2").write_text('{% include "part.j2" %}')
    (root / "templates/part.j2").symlink_to(secret)
    with pytest.raises(OkrError, match="link"):
        Renderer(repo_templates=root / "templates").render({})


def test_a_linked_templates_folder_or_piped_template_is_refused(tmp_path: Path) -> None:
    from okrcli.report.render import Renderer

    root = _repo(tmp_path)
    out = _outside(tmp_path)
    (out / "report.md.j2").write_text("{{ 'SECRET' }}")
    (root / "templates").symlink_to(out, target_is_directory=True)
    with pytest.raises(OkrError, match="is a link"):
        Renderer(repo_templates=root / "templates")
    (root / "templates").unlink()
    (root / "templates").mkdir()
    os.mkfifo(root / "templates/report.md.j2")
    with pytest.raises(OkrError, match="named pipe"):
        Renderer(repo_templates=root / "templates", seconds=5).render({})
