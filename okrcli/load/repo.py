"""Find an OKR repository, read its config and organisation, and load its OKR files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from okrcli.errors import OkrError
from okrcli.load import prefetch
from okrcli.load.files import (
    CONFIG_NAME,
    ORG_NAME,
    LoadIssue,
    OkrDoc,
    Source,
    discover_okr_files,
    is_marker,
    okr_file,
    parse_into,
    read_source,
    rel_path,
)
from okrcli.load.parsecache import ParseCache, digest
from okrcli.load.prefetch import Prefetch
from okrcli.load.validate import SchemaIssue, validate
from okrcli.load.yamlsafe import Span
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


def _schema_issues(issues: list[SchemaIssue]) -> list[LoadIssue]:
    return [LoadIssue("schema", i.span, i.message) for i in issues]


def load_okr_doc(path: Path, root: Path) -> OkrDoc:
    """Read one OKR file and validate it against the model."""
    doc = _new_doc(path, root)
    read_source(path, root, doc)
    validate_doc(doc)
    return doc


def _new_doc(path: Path, root: Path) -> OkrDoc:
    """An OKR file's document, named from its path (by string: thousands are made at once)."""
    folder, name = os.path.split(str(path))
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # as pathlib's stem
    return OkrDoc(path=path, rel=rel_path(path, root), folder=os.path.basename(folder), stem=stem)


def validate_doc(doc: OkrDoc) -> None:
    if doc.parsed is not None:
        doc.model, problems = validate(OkrFile, doc.parsed)
        doc.issues.extend(_schema_issues(problems))


def _load_many(
    paths: list[Path], root: Path, pre: Prefetch | None = None, known: Known | None = None
) -> list[OkrDoc]:
    """Load and validate many OKR files, with a helper process parsing most of them when it
    pays (see :mod:`okrcli.load.prefetch`); a file of ``known`` with the same text is taken
    as it is."""
    if pre is None:
        pre = prefetch.start(root, paths)
    by_path: dict[Path, OkrDoc] = {}
    taken: set[Path] = set()  # the known documents', which are no parse of this run's
    for path in pre.local:
        doc = _new_doc(path, root)
        read_source(path, root, doc)
        by_path[path] = _validated(doc, known, taken)
    for path, (text, parsed, issues) in [*pre.cached.items(), *pre.helper_reads()]:
        doc = _new_doc(path, root)
        doc.text, doc.parsed, doc.issues = text, parsed, list(issues)
        by_path[path] = _validated(doc, known, taken)
    docs = [by_path[p] for p in pre.paths]
    if pre.cache.path is not None:
        for doc in docs:
            fresh = doc.path not in pre.cached and doc.path not in taken and doc.parsed is not None
            if fresh and doc.parsed is not None and doc.text is not None:
                pre.cache.put(digest(doc.text), doc.parsed.data)
        pre.cache.save()
    for doc in docs:
        if doc.model is not None and doc.parsed is not None:
            # the model holds everything now; the parsed copy of a large repository costs
            # tens of megabytes (positions are found again from the text when needed)
            doc.parsed.data = None
    return docs


def _validated(doc: OkrDoc, known: Known | None, taken: set[Path]) -> OkrDoc:
    """``doc`` validated, or the known document of the same file and text instead (its
    path then added to ``taken``)."""
    twin = None if known is None else known.get(doc.rel)
    if twin is not None and (twin.text, twin.path, twin.folder, twin.stem) == (
        doc.text,
        doc.path,
        doc.folder,
        doc.stem,
    ):
        taken.add(doc.path)
        return twin
    validate_doc(doc)
    return doc


def _config_error(path: Path, span: Span, message: str) -> OkrError:
    return OkrError(f"{path}:{span.line}:{span.column}: {message}")


def load_config(root: Path, cache: ParseCache | None = None) -> tuple[Config, Path | None]:
    """Read okr.yaml (every key has a default). Any problem is a config error (exit 2)."""
    path = root / CONFIG_NAME
    if not is_marker(path):
        return Config(), None
    src = Source(path=path, rel=CONFIG_NAME)
    read_source(path, root, src, cache)
    return _config_from(src, path), path


def _config_from(src: Source, path: Path) -> Config:
    if src.issues:
        issue = src.issues[0]
        raise _config_error(path, issue.span, issue.message)
    assert src.parsed is not None
    if src.parsed.data is None:
        return Config()
    config, problems = validate(Config, src.parsed)
    if config is None:
        first = problems[0]
        more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise _config_error(path, first.span, first.message + more)
    return config


def load_org(root: Path, cache: ParseCache | None = None) -> tuple[Org | None, Source | None]:
    """Read org.yaml. Problems stay on the source as issues so lint can report them."""
    path = root / ORG_NAME
    if not is_marker(path):
        return None, None
    src = Source(path=path, rel=ORG_NAME)
    read_source(path, root, src, cache)
    return _org_from(src), src


def _org_from(src: Source) -> Org | None:
    org = None
    if src.parsed is not None:
        org, problems = validate(Org, src.parsed)
        src.issues.extend(_schema_issues(problems))
    return org


# another state's OKR files by path relative to the root: a file whose text is the same
# is taken from it as it is, not validated again nor held twice (okr diff's two states)
Known = dict[str, OkrDoc]


def load_repository(
    root: Path, pre: Prefetch | None = None, known: Known | None = None
) -> Repository:
    """Load config, organisation and every OKR file under ``root`` (using a prefetch started
    earlier when its idea of ``okrs_dir`` was right; see :data:`Known` for ``known``)."""
    cache = pre.cache if pre is not None else ParseCache.for_root(root)
    try:
        config, config_path = load_config(root, cache)
        org, org_source = load_org(root, cache)
    except BaseException:
        if pre is not None:
            pre.cancel()
        raise
    if pre is not None and pre.okrs_dir != config.okrs_dir:
        pre.cancel()
        pre = None
    if pre is None:
        pre = prefetch.start(
            root, discover_okr_files(root, config.okrs_dir), config.okrs_dir, cache=cache
        )
    docs = _load_many(pre.paths, root, pre, known)
    return Repository(root, config, config_path, org, org_source, docs)


def load_repository_from(
    root: Path, files: dict[str, bytes], known: Known | None = None
) -> Repository:
    """A repository from file contents (paths relative to ``root``), as git held them at
    some commit: the same checks as on disk, nothing read from the working tree. Files whose
    text the parse cache knows (most, between nearby commits) are not parsed again; the cache
    is only read here, as it holds the working tree's files (see :data:`Known` for
    ``known``)."""
    cache = ParseCache.for_root(root)
    config, config_path = Config(), None
    if CONFIG_NAME in files:
        config_path = root / CONFIG_NAME
        src = Source(path=config_path, rel=CONFIG_NAME)
        parse_into(src, files[CONFIG_NAME], cache)
        config = _config_from(src, config_path)
    org, org_source = None, None
    if ORG_NAME in files:
        org_source = Source(path=root / ORG_NAME, rel=ORG_NAME)
        parse_into(org_source, files[ORG_NAME], cache)
        org = _org_from(org_source)
    docs = []
    for rel in sorted(files):
        named = okr_file(rel, config.okrs_dir)
        if named is None:
            continue
        path = root / rel
        twin = None if known is None else known.get(rel)
        if (
            twin is not None
            and (twin.path, twin.folder, twin.stem) == (path, *named)
            and _same_text(twin, files[rel])
        ):
            docs.append(twin)
            continue
        doc = OkrDoc(path=path, rel=rel, folder=named[0], stem=named[1])
        parse_into(doc, files[rel], cache)
        validate_doc(doc)
        docs.append(doc)
    return Repository(root, config, config_path, org, org_source, docs)


def _same_text(doc: OkrDoc, raw: bytes) -> bool:
    """Whether ``raw`` is the text ``doc`` was read from (as UTF-8 without a byte order
    mark, as nearly every file is; any other is read again)."""
    return doc.text is not None and not raw.startswith(b"\xef\xbb\xbf") and doc.text.encode() == raw
