"""Load an OKR repository: one pipeline from a tree of files to validated models.

    discover -> read -> cache -> parse -> validate

Each stage is a function of the previous stage's output, over a list of documents:
:func:`discover` names the OKR files a :class:`Tree` holds, :func:`read` takes their bytes
and decodes them, :func:`from_cache` takes the data of texts parsed before and returns the
rest, :func:`parse` parses those (a list the runner may split, see :mod:`okrcli.runner`), and
:func:`validate` builds the models. A tree is the working tree (with unsaved texts laid over
its files, for an editor) or the files git holds at a commit; ``okr.yaml`` and ``org.yaml``
go through the same stages one file at a time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from okrcli import runner
from okrcli.errors import OkrError
from okrcli.fsutil import NotAFileError
from okrcli.load.files import (
    CONFIG_NAME,
    ORG_NAME,
    LoadIssue,
    OkrDoc,
    Source,
    discover_okr_files,
    is_marker,
    listing_problem,
    okr_file,
    read_bytes,
    rel_path,
)
from okrcli.load.parsecache import ParseCache, digest
from okrcli.load.validate import SchemaIssue
from okrcli.load.validate import validate as validate_model
from okrcli.load.yamlsafe import MAX_BYTES, Parsed, Span, YamlError, decode
from okrcli.load.yamlsafe import parse as parse_text
from okrcli.model.config import Config
from okrcli.model.okr import OkrFile
from okrcli.model.org import Org


@dataclass(slots=True)
class Repository:
    """Everything the rules see: config, organisation and every OKR file."""

    root: Path
    config: Config
    config_path: Path | None
    org: Org | None
    org_source: Source | None
    docs: list[OkrDoc]


class Tree(Protocol):
    """Where a repository's files come from."""

    root: Path

    def okr_paths(self, okrs_dir: str) -> list[Path]:
        """The OKR files, sorted (see :func:`okrcli.load.files.okr_file`)."""
        ...

    def has(self, name: str) -> bool:
        """Whether ``okr.yaml`` or ``org.yaml`` is there."""
        ...

    def read(self, path: Path) -> bytes:
        """A file's bytes; OSError, NotAFileError or YamlError when it cannot be read."""
        ...


@dataclass(slots=True)
class WorkingTree:
    """The files on disk, with ``overlay``'s texts (by absolute path) laid over them: an
    editor's unsaved buffers, read instead of the files and listed even where no file is."""

    root: Path
    overlay: Mapping[Path, str] = field(default_factory=dict)

    def okr_paths(self, okrs_dir: str) -> list[Path]:
        found = discover_okr_files(self.root, okrs_dir)
        if not self.overlay:
            return found
        known = set(found)
        extra = [
            p
            for p in self.overlay
            if p not in known and okr_file(rel_path(p, self.root), okrs_dir) is not None
        ]
        return sorted([*found, *extra])

    def has(self, name: str) -> bool:
        path = self.root / name
        return path in self.overlay or is_marker(path)

    def read(self, path: Path) -> bytes:
        if path in self.overlay:
            return self.overlay[path].encode("utf-8")
        return read_bytes(path, self.root)


@dataclass(slots=True)
class CommitTree:
    """The files git holds at a commit, by path relative to ``root``."""

    root: Path
    files: Mapping[str, bytes]

    def okr_paths(self, okrs_dir: str) -> list[Path]:
        return [self.root / rel for rel in sorted(self.files) if okr_file(rel, okrs_dir)]

    def has(self, name: str) -> bool:
        return name in self.files

    def read(self, path: Path) -> bytes:
        return self.files[rel_path(path, self.root)]


# another state's OKR files by path relative to the root: a file whose text is the same
# is taken from it as it is, not validated again nor held twice (okr diff's two states)
Known = dict[str, OkrDoc]


def discover(tree: Tree, okrs_dir: str) -> list[OkrDoc]:
    """Stage 1: a document for each OKR file the tree holds, named from its path."""
    return [_new_doc(path, tree.root) for path in tree.okr_paths(okrs_dir)]


def _new_doc(path: Path, root: Path) -> OkrDoc:
    folder, name = os.path.split(str(path))
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # as pathlib's stem
    return OkrDoc(path=path, rel=rel_path(path, root), folder=os.path.basename(folder), stem=stem)


def read(tree: Tree, sources: list[OkrDoc]) -> list[OkrDoc]:
    """Stage 2: each file's text, decoded; a file that cannot be read or decoded gets a
    parse issue saying why instead. Returns the documents with a text."""
    for src in sources:
        _read_one(tree, src)
    return [s for s in sources if s.text is not None]


def _read_one(tree: Tree, src: Source) -> None:
    try:
        raw = tree.read(src.path)
        if len(raw) > MAX_BYTES:
            raise YamlError(
                f"the file is larger than {MAX_BYTES:,} bytes, the most an OKR file may be; "
                "split it or remove what does not belong in it."
            )
        src.text = decode(raw)
    except NotAFileError as exc:
        if exc.kind == "a folder":
            message = (
                f"the folder cannot be read ({listing_problem(src.path)}); the OKR files in "
                "it were not checked. Fix its permissions, or remove it if it is a link."
            )
        else:
            message = (
                f"the file is {exc.kind}, not a regular file; okr did not open it. "
                "Remove it or replace it with a regular file."
            )
        src.issues.append(LoadIssue("parse", Span(1, 1, 1, 1), message))
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        what = "file" if src.path.name.endswith((".yaml", ".yml")) else "folder"
        src.issues.append(
            LoadIssue(
                "parse",
                Span(1, 1, 1, 1),
                f"the {what} cannot be read ({reason}); "
                f"check that it exists, that you may read it, and that it is no link in a loop.",
            )
        )
    except YamlError as exc:
        src.issues.append(_parse_issue(exc))


def _parse_issue(exc: YamlError) -> LoadIssue:
    return LoadIssue("parse", Span(exc.line, exc.column, exc.line, exc.column + 1), exc.message)


def from_cache(sources: list[OkrDoc], cache: ParseCache) -> list[OkrDoc]:
    """Stage 3: the data of every text the parse cache knows; returns the others."""
    rest = []
    for src in sources:
        assert src.text is not None
        hit, data = cache.get(digest(src.text))
        if hit:
            src.parsed = Parsed(data, text=src.text)
        else:
            rest.append(src)
    return rest


Outcome = tuple[Parsed | None, LoadIssue | None]


def _parse_texts(texts: list[str]) -> list[Outcome]:
    out: list[Outcome] = []
    for text in texts:
        try:
            out.append((parse_text(text), None))
        except YamlError as exc:
            out.append((None, _parse_issue(exc)))
    return out


def parse(sources: list[OkrDoc], cache: ParseCache) -> list[OkrDoc]:
    """Stage 4: parse the texts (one list the runner may split) and keep what parsed in the
    cache; returns every document that parsed."""
    texts = [src.text or "" for src in sources]
    for src, (parsed, issue) in zip(sources, runner.map_split(_parse_texts, texts), strict=True):
        if issue is not None:
            src.issues.append(issue)
        else:
            src.parsed = parsed
            assert parsed is not None
            cache.put(digest(src.text or ""), parsed.data)
    return [s for s in sources if s.parsed is not None]


def validate(docs: list[OkrDoc], known: Known | None = None) -> None:
    """Stage 5: the model of every parsed document (or the known document of the same file
    and text instead, taken as it is). A validated document keeps its model and its text,
    not a second copy of its data (positions are found again from the text when needed)."""
    for n, doc in enumerate(docs):
        twin = None if known is None else known.get(doc.rel)
        if twin is not None and (twin.text, twin.path, twin.folder, twin.stem) == (
            doc.text,
            doc.path,
            doc.folder,
            doc.stem,
        ):
            docs[n] = twin
            continue
        validate_doc(doc)
        if doc.model is not None and doc.parsed is not None:
            doc.parsed.data = None


def validate_doc(doc: OkrDoc) -> None:
    if doc.parsed is not None:
        doc.model, problems = validate_model(OkrFile, doc.parsed)
        doc.issues.extend(_schema_issues(problems))


def _schema_issues(issues: list[SchemaIssue]) -> list[LoadIssue]:
    return [LoadIssue("schema", i.span, i.message) for i in issues]


def load_docs(
    tree: Tree, okrs_dir: str, cache: ParseCache, known: Known | None = None
) -> list[OkrDoc]:
    """Every OKR file of ``tree``, through the whole pipeline."""
    docs = discover(tree, okrs_dir)
    parse(from_cache(read(tree, docs), cache), cache)
    validate(docs, known)
    return docs


def load_source(tree: Tree, src: Source, cache: ParseCache | None = None) -> None:
    """One file (``okr.yaml``, ``org.yaml``, a file named on the command line) through
    read, cache and parse."""
    _read_one(tree, src)
    if src.text is None:
        return
    if cache is not None:
        hit, data = cache.get(digest(src.text))
        if hit:
            src.parsed = Parsed(data, text=src.text)
            return
    try:
        src.parsed = parse_text(src.text)
    except YamlError as exc:
        src.issues.append(_parse_issue(exc))
        return
    if cache is not None:
        cache.put(digest(src.text), src.parsed.data)


@dataclass(slots=True)
class _Given:
    """One file's bytes, given (a file just read under a lock, say)."""

    root: Path
    raw: bytes

    def okr_paths(self, okrs_dir: str) -> list[Path]:
        return []

    def has(self, name: str) -> bool:
        return True

    def read(self, path: Path) -> bytes:
        return self.raw


def load_bytes(src: Source, raw: bytes) -> None:
    """``raw`` as the content of ``src``, through decode and parse (no cache)."""
    load_source(_Given(src.path.parent, raw), src)


def load_okr_doc(path: Path, root: Path) -> OkrDoc:
    """Read one OKR file from disk and validate it against the model."""
    doc = _new_doc(path, root)
    load_source(WorkingTree(root), doc)
    validate_doc(doc)
    return doc


def _config_error(path: Path, span: Span, message: str) -> OkrError:
    return OkrError(f"{path}:{span.line}:{span.column}: {message}")


def load_config(
    root: Path, cache: ParseCache | None = None, tree: Tree | None = None
) -> tuple[Config, Path | None]:
    """Read okr.yaml (every key has a default). Any problem is a config error (exit 2)."""
    tree = tree or WorkingTree(root)
    if not tree.has(CONFIG_NAME):
        return Config(), None
    path = root / CONFIG_NAME
    src = Source(path=path, rel=CONFIG_NAME)
    load_source(tree, src, cache)
    return _config_from(src, path), path


def _config_from(src: Source, path: Path) -> Config:
    if src.issues:
        issue = src.issues[0]
        raise _config_error(path, issue.span, issue.message)
    assert src.parsed is not None
    if src.parsed.data is None:
        return Config()
    config, problems = validate_model(Config, src.parsed)
    if config is None:
        first = problems[0]
        more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise _config_error(path, first.span, first.message + more)
    return config


def load_org(
    root: Path, cache: ParseCache | None = None, tree: Tree | None = None
) -> tuple[Org | None, Source | None]:
    """Read org.yaml. Problems stay on the source as issues so lint can report them."""
    tree = tree or WorkingTree(root)
    if not tree.has(ORG_NAME):
        return None, None
    src = Source(path=root / ORG_NAME, rel=ORG_NAME)
    load_source(tree, src, cache)
    org = None
    if src.parsed is not None:
        org, problems = validate_model(Org, src.parsed)
        src.issues.extend(_schema_issues(problems))
    return org, src


def load_tree(tree: Tree, cache: ParseCache, known: Known | None = None) -> Repository:
    """Config, organisation and every OKR file of ``tree`` (see :data:`Known` for
    ``known``)."""
    config, config_path = load_config(tree.root, cache, tree)
    org, org_source = load_org(tree.root, cache, tree)
    docs = load_docs(tree, config.okrs_dir, cache, known)
    return Repository(tree.root, config, config_path, org, org_source, docs)


def load_repository(
    root: Path, known: Known | None = None, overlay: Mapping[Path, str] | None = None
) -> Repository:
    """The repository at ``root`` as the working tree holds it, with ``overlay``'s unsaved
    texts (by absolute path) laid over its files. What parsed is kept in the parse cache
    for the next run."""
    cache = ParseCache.for_root(root)
    repo = load_tree(WorkingTree(root, overlay or {}), cache, known)
    if not overlay:  # the cache holds the files as they are on disk
        cache.save()
    return repo


def load_repository_from(
    root: Path, files: dict[str, bytes], known: Known | None = None
) -> Repository:
    """A repository from file contents (paths relative to ``root``), as git held them at
    some commit: the same pipeline as on disk, nothing read from the working tree. Files
    whose text the parse cache knows (most, between nearby commits) are not parsed again;
    the cache is only read here, as it holds the working tree's files."""
    return load_tree(CommitTree(root, files), ParseCache.for_root(root), known)
