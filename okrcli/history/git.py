"""Git access, streamed: a handful of git processes per command, never one per commit.

User-supplied revisions are checked before they reach git (no leading '-', no control
characters) and passed after ``--end-of-options``, so nothing can be read as an option.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from okrcli.cachefile import git_dir_of
from okrcli.errors import OkrError

NULL_ID = "0" * 40
_REV_OK = re.compile(r"^[A-Za-z0-9._/@{}~^:+-]{1,200}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}


class GitError(OkrError):
    """git is missing, the folder is not a repository, or git refused."""


def _git_date(when: datetime) -> str:
    """A moment as git reads it: its raw form (seconds since the epoch and a zone) when it
    has ten digits, as git's date parser gives up on years far ahead; else ISO 8601."""
    seconds = int(when.timestamp())
    return f"{seconds} +0000" if seconds >= 10**9 else when.isoformat()


def day_end(text: str, tz: tzinfo = UTC) -> datetime:
    """The end of the day ``text`` (YYYY-MM-DD), as the first moment of the next day in
    ``tz`` (okr.yaml's time zone); a date that does not exist or that okr cannot count past
    is refused."""
    try:
        day = date.fromisoformat(text)
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    except (ValueError, OverflowError):
        raise GitError(
            f"--at {text}: there is no such day; write a date from 0001-01-01 to 9999-12-30 "
            "as YYYY-MM-DD, or a commit, branch or tag."
        ) from None


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit: what the history and the check-in log show of it."""

    id: str
    author: str
    email: str
    when: datetime
    subject: str
    committed: int = 0  # committer time, seconds since the epoch: the order git lists in
    merge: bool = False  # whether it has several parents (known while walking only)


@dataclass(frozen=True, slots=True)
class Change:
    """One file changed by a commit: old and new blob ids (NULL_ID when absent)."""

    old_id: str
    new_id: str
    path: str
    old_path: str


def _name(path: str) -> str:
    """A file name as git gave it (bytes that are not UTF-8 shown as replacement marks)."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _commit(head: str) -> Commit:
    """A commit from its ``--format`` header."""
    fields = (head.split("\x1f", 6) + [""] * 7)[:7]
    cid, author, email, when, committed, parents, subject = fields
    return Commit(
        cid,
        author,
        email,
        datetime.fromisoformat(when),
        subject,
        int(committed or 0),
        len(parents.split()) > 1,
    )


class Git:
    """A repository, driven through the git command line."""

    def __init__(self, root: Path) -> None:
        if shutil.which("git") is None:
            raise GitError("git is not installed or not on PATH; install git to read history.")
        self.root = root
        # one process for what every command needs to know first
        out = self._run(
            "rev-parse",
            "--show-toplevel",
            "--git-common-dir",
            "--is-shallow-repository",
            "--absolute-git-dir",
            check=False,
        )
        lines = (out or "").splitlines()
        if out is None or len(lines) < 4:
            raise GitError(f"{root} is not inside a git repository; run `git init` there.")
        self.top = Path(lines[0].strip())
        own = git_dir_of(root)  # the repository root's own .git, found without git
        elsewhere = own is not None and own.resolve() != Path(lines[3]).resolve()
        if elsewhere or not root.resolve().is_relative_to(self.top.resolve()):
            named = [v for v in ("GIT_DIR", "GIT_WORK_TREE") if os.environ.get(v)]
            why = f" ({' and '.join(named)} set)" if named else ""
            raise GitError(
                f"git's repository is {lines[3] if elsewhere else self.top}{why}, but the OKR "
                f"repository is {root}; "
                "unset GIT_DIR and GIT_WORK_TREE, or run okr in the repository they name."
            )
        path = Path(lines[1].strip() or ".git")
        self.git_dir = path if path.is_absolute() else (root / path).resolve()
        self._shallow = lines[2].strip() == "true"
        self.own_git_dir = Path(lines[3])  # this worktree's (its index, HEAD and locks)
        self._head: str | None = None
        self._head_known = False

    def _run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> str | None:
        out = self._run_bytes(*args, check=check, stdin=stdin)
        return None if out is None else out.decode("utf-8", "replace")

    def _run_bytes(
        self, *args: str, check: bool = True, stdin: bytes | None = None
    ) -> bytes | None:
        try:
            proc = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.root,
                input=stdin,
                capture_output=True,
                env={**os.environ, **_ENV},
                check=False,
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}.") from None
        if proc.returncode != 0:
            if not check:
                return None
            err = proc.stderr.decode("utf-8", "replace")
            if "index.lock" in err:  # git's advice here reads as "delete the file"
                raise GitError(
                    f"git {args[0]} failed: another git command is using the repository (its "
                    "index is locked); wait for it to finish, then run okr again."
                )
            reason = err.strip().splitlines()
            raise GitError(f"git {args[0]} failed: {reason[-1] if reason else 'no message'}.")
        return proc.stdout

    # --- refs and commits -------------------------------------------------------------
    def head(self) -> str | None:
        """HEAD's commit id (None before the first commit); asked once per instance."""
        if not self._head_known:
            out = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
            self._head = out.strip() if out else None
            self._head_known = True
        return self._head

    def has_commits(self) -> bool:
        return self.head() is not None

    def is_shallow(self) -> bool:
        return self._shallow

    def resolve(self, rev: str, tz: tzinfo = UTC) -> str:
        """A commit id for a user's revision (a ref, an id, HEAD~2) or date (YYYY-MM-DD:
        the last commit on or before that day, in ``tz``)."""
        if _DATE.match(rev):
            end = day_end(rev, tz)
            found = self._run(
                "rev-list", "-1", f"--before={_git_date(end)}", "HEAD", "--", check=False
            )
            if not found or not found.strip():
                raise GitError(f"--at {rev}: there is no commit on or before that day.")
            return found.strip()
        if rev.startswith("-") or not _REV_OK.match(rev):
            raise GitError(
                f"'{rev}' is not a revision okr accepts: use a branch, tag, commit id, "
                "HEAD~N or a date YYYY-MM-DD."
            )
        found = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        if not found:
            raise GitError(f"'{rev}' names no commit in this repository.")
        return found.strip()

    def commit_id(self, rev: str) -> str:
        """The commit id ``rev`` (a ref or id okr produced or checked) points to."""
        if rev == "HEAD" and self.head() is not None:
            return self.head() or ""
        found = self._run("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}")
        return (found or "").strip()

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether commit ``older`` is in the history of commit ``newer`` (ids okr resolved)."""
        return self._run("merge-base", "--is-ancestor", older, newer, check=False) is not None

    def commit_time(self, rev: str) -> datetime:
        out = self._run("show", "-s", "--format=%cI", rev, "--") or ""
        return datetime.fromisoformat(out.strip())

    # --- bulk reads -------------------------------------------------------------------
    def log_changes(self, rev: str, pathspec: str) -> list[tuple[Commit, list[Change]]]:
        """Every commit reachable from ``rev`` that touched ``pathspec``, oldest first, with
        the blobs it changed: one ``git log --raw -z`` process (NUL-separated, so that any
        file name, with quotes, tabs or newlines in it, comes through as it is). A merge
        is listed once, with its changes against each of its parents: a value it resolved
        a conflict to, or kept from one side, differs from at least one of them."""
        out = (
            self._run_bytes(
                "log",
                "--raw",
                "-z",
                "--no-abbrev",
                "-M",
                "--diff-merges=separate",
                "--reverse",
                "--date-order",
                "--format=%x00%H%x1f%an%x1f%ae%x1f%aI%x1f%ct%x1f%P%x1f%s",
                rev,
                "--",
                pathspec,
            )
            or b""
        )
        result: list[tuple[Commit, list[Change]]] = []
        tokens = out.decode("utf-8", "surrogateescape").split("\x00")
        n, size = 0, len(tokens)
        changes: list[Change] = []
        while n < size:
            token = tokens[n]
            n += 1
            if not token:  # the start of the next commit's header
                if n < size and tokens[n] and not tokens[n].lstrip("\n").startswith(":"):
                    commit = _commit(tokens[n])
                    n += 1
                    if result and result[-1][0].id == commit.id:  # a merge's next parent
                        changes = result[-1][1]
                    else:
                        changes = []
                        result.append((commit, changes))
                continue
            meta = token.lstrip("\n")
            if not meta.startswith(":"):
                continue
            fields = meta.split()
            status = fields[4] if len(fields) > 4 else ""
            old_path = tokens[n] if n < size else ""
            n += 1
            new_path = old_path
            if status[:1] in ("R", "C"):
                new_path = tokens[n] if n < size else ""
                n += 1
            changes.append(Change(fields[2], fields[3], _name(new_path), _name(old_path)))
        return result

    def list_blobs(self, rev: str, folder: str) -> dict[str, str]:
        """Path -> blob id of every file under ``folder`` at ``rev`` (one ``ls-tree -z``)."""
        out = self._run_bytes("ls-tree", "-r", "-z", "--full-tree", rev, "--", folder) or b""
        blobs = {}
        for entry in out.decode("utf-8", "surrogateescape").split("\x00"):
            meta, _, path = entry.partition("\t")
            fields = meta.split()
            if len(fields) == 3 and fields[1] == "blob":
                blobs[_name(path)] = fields[2]
        return blobs

    def read_blobs(self, ids: list[str]) -> dict[str, bytes]:
        """The contents of many blobs through one ``git cat-file --batch`` process."""
        wanted = [i for i in dict.fromkeys(ids) if i != NULL_ID]
        if not wanted:
            return {}
        out = (
            self._run_bytes("cat-file", "--batch", stdin="".join(f"{i}\n" for i in wanted).encode())
            or b""
        )
        blobs: dict[str, bytes] = {}
        pos = 0
        for oid in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode()
            pos = end + 1
            if header.endswith(" missing"):
                raise GitError(
                    f"the object {oid} is missing from the repository; it may be corrupt "
                    "(try `git fsck`)."
                )
            size = int(header.split()[2])
            blobs[oid] = out[pos : pos + size]
            pos += size + 1
        return blobs

    def relpath(self, path: Path) -> str:
        """``path`` relative to the git top level, POSIX separators."""
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    def blob_at(self, rev: str, rel: str) -> str | None:
        """The blob id of the file ``rel`` (relative to the top level) at ``rev``, or None."""
        out = self._run("rev-parse", "--verify", "--quiet", f"{rev}:{rel}", check=False)
        return out.strip() if out else None

    def unchanged(self, rel: str) -> bool:
        """Whether the file ``rel`` (relative to the top level) is as HEAD has it, as git
        sees it (line-ending and other filters applied; no external diff program run)."""
        out = self._run(
            "diff", "--quiet", "--no-ext-diff", "--no-textconv", "HEAD", "--", rel, check=False
        )
        return out is not None

    def index_locked(self) -> bool:
        """Whether another git command holds this worktree's index."""
        return (self.own_git_dir / "index.lock").exists()

    def changed_since(self, rev: str, root: Path) -> tuple[set[str], set[str]]:
        """The files under ``root`` (relative to it) that differ between the merge base of
        ``rev`` and HEAD, and the working tree (untracked ones included): those added or
        changed, and those deleted."""
        commit = self.resolve(rev)
        head = self.head()
        base = self._run("merge-base", commit, head, check=False) if head else None
        if not base or not base.strip():
            raise GitError(
                f"--changed-since {rev}: it shares no history with HEAD (in CI, fetch the "
                "whole history: fetch-depth: 0)."
            )
        prefix = self.relpath(root)
        prefix = "" if prefix == "." else prefix + "/"
        out = self._run("diff", "--name-status", "-z", "--no-renames", base.strip(), "--") or ""
        parts = out.split("\0")
        changed: set[str] = set()
        deleted: set[str] = set()
        for status, name in zip(parts[::2], parts[1::2], strict=False):
            if name.startswith(prefix):
                (deleted if status == "D" else changed).add(name[len(prefix) :])
        untracked = (
            self._run("ls-files", "--others", "--exclude-standard", "--full-name", "-z", "--", ".")
            or ""
        )
        changed |= {n[len(prefix) :] for n in untracked.split("\0") if n and n.startswith(prefix)}
        return changed, deleted

    def commit_paths(self, paths: list[Path], subject: str, body: str = "") -> str:
        """Commit exactly ``paths`` (whatever else is staged stays staged) and return the id."""
        rels = [self.relpath(p) for p in paths]
        self._run("add", "--", *rels)
        message = ["-m", subject] + (["-m", body] if body else [])
        self._run("commit", "-q", *message, "--only", "--", *rels)
        self._head_known = False
        return (self._run("rev-parse", "HEAD") or "").strip()
