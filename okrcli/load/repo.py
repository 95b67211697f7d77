"""Find an OKR repository, read its config and organisation, and load its OKR files."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from okrcli.errors import OkrError
from okrcli.load.validate import SchemaIssue, validate
from okrcli.load.yamlsafe import MAX_BYTES, Parsed, Span, YamlError, decode, parse
from okrcli.model.config import Config
from okrcli.model.okr import OkrFile
from okrcli.model.org import Org

CONFIG_NAME = "okr.yaml"
ORG_NAME = "org.yaml"
PARALLEL_THRESHOLD = 300


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A file that cannot be read (``parse``) or does not fit the format (``schema``)."""

    kind: str  # "parse" | "schema"
    span: Span
    message: str


@dataclass(slots=True)
class Source:
    """One YAML file of the repository, as far as it could be read."""

    path: Path
    rel: str
    text: str | None = None
    parsed: Parsed | None = None
    issues: list[LoadIssue] = field(default_factory=list)


@dataclass(slots=True)
class OkrDoc(Source):
    """An OKR file: ``<okrs_dir>/<quarter>/<unit>.yaml``."""

    model: OkrFile | None = None
    folder: str = ""
    stem: str = ""


@dataclass(slots=True)
class Repository:
    """Everything the rules see: config, organisation and every OKR file."""

    root: Path
    config: Config
    config_path: Path | None
    org: Org | None
    org_source: Source | None
    docs: list[OkrDoc]

    @property
    def okrs_root(self) -> Path:
        return self.root / self.config.okrs_dir


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with an okr.yaml, else with org.yaml, else
    the git top level."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    candidates = [start, *start.parents]
    for marker in (CONFIG_NAME, ORG_NAME):
        for folder in candidates:
            if (folder / marker).is_file():
                return folder
    for folder in candidates:
        if (folder / ".git").exists():
            return folder
    raise OkrError(
        f"no OKR repository found at or above {start}: there is no {CONFIG_NAME} or {ORG_NAME}. "
        "Run the command inside an OKR repository, pass --repo PATH, or create one with okr init."
    )


@lru_cache(maxsize=1024)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _read_bytes(path: Path, root: Path) -> bytes:
    """The file's bytes, refusing links that lead outside the repository and huge files."""
    folder = _real_folder(str(path.parent))
    real_root = _real_folder(str(root))
    resolved = Path(os.path.realpath(path)) if os.path.islink(path) else Path(folder) / path.name
    if not resolved.is_relative_to(real_root):
        raise YamlError(
            f"the file is a link to {resolved}, outside the repository; "
            "okr reads only files inside it. Copy the file in instead."
        )
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    return raw


def read_source(path: Path, root: Path, source: Source) -> None:
    """Read, decode and parse ``path`` into ``source``, recording a parse issue on failure."""
    try:
        raw = _read_bytes(path, root)
        if len(raw) > MAX_BYTES:
            raise YamlError(
                f"the file is larger than {MAX_BYTES:,} bytes, the most an OKR file may be; "
                "split it or remove what does not belong in it."
            )
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        source.issues.append(
            LoadIssue(
                "parse",
                Span(1, 1, 1, 1),
                f"the file cannot be read ({reason}); "
                "check that it exists and that you may read it.",
            )
        )
        return
    except YamlError as exc:
        source.issues.append(LoadIssue("parse", Span(1, 1, 1, 1), exc.message))
        return
    try:
        text = decode(raw)
        source.text = text
        source.parsed = parse(text)
    except YamlError as exc:
        source.issues.append(
            LoadIssue("parse", Span(exc.line, exc.column, exc.line, exc.column + 1), exc.message)
        )


def _schema_issues(issues: list[SchemaIssue]) -> list[LoadIssue]:
    return [LoadIssue("schema", i.span, i.message) for i in issues]


def load_okr_doc(path: Path, root: Path) -> OkrDoc:
    """Read one OKR file and validate it against the model."""
    doc = OkrDoc(path=path, rel=_rel(path, root), folder=path.parent.name, stem=path.stem)
    read_source(path, root, doc)
    _validate_doc(doc)
    return doc


def _validate_doc(doc: OkrDoc) -> None:
    if doc.parsed is not None:
        doc.model, problems = validate(OkrFile, doc.parsed)
        doc.issues.extend(_schema_issues(problems))


Read = tuple[str | None, Parsed | None, list[LoadIssue]]


def _read_all(paths: list[Path], root: Path) -> list[Read]:
    """Read and parse files (in a worker process): plain data crosses back, never models."""
    out: list[Read] = []
    for path in paths:
        src = Source(path=path, rel="")
        read_source(path, root, src)
        out.append((src.text, src.parsed, src.issues))
    return out


def _load_many(paths: list[Path], root: Path) -> list[OkrDoc]:
    """Load many files; on a multi-core machine with fork, a second process parses half.

    Parsing is most of lint's time. Forking one helper costs a few milliseconds, so it only
    pays from a few hundred files on; models are validated here, where they are used.
    """
    if (
        len(paths) < PARALLEL_THRESHOLD
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [load_okr_doc(p, root) for p in paths]
    half = len(paths) // 2
    mine, theirs = paths[:half], paths[half:]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(_read_all, theirs, root)
        docs = [load_okr_doc(p, root) for p in mine]
        for path, (text, parsed, issues) in zip(theirs, future.result(), strict=True):
            doc = OkrDoc(path=path, rel=_rel(path, root), folder=path.parent.name, stem=path.stem)
            doc.text, doc.parsed, doc.issues = text, parsed, list(issues)
            _validate_doc(doc)
            docs.append(doc)
    return docs


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _config_error(path: Path, span: Span, message: str) -> OkrError:
    return OkrError(f"{path}:{span.line}:{span.column}: {message}")


def load_config(root: Path) -> tuple[Config, Path | None]:
    """Read okr.yaml (every key has a default). Any problem is a config error (exit 2)."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(), None
    src = Source(path=path, rel=CONFIG_NAME)
    read_source(path, root, src)
    if src.issues:
        issue = src.issues[0]
        raise _config_error(path, issue.span, issue.message)
    assert src.parsed is not None
    if src.parsed.data is None:
        return Config(), path
    config, problems = validate(Config, src.parsed)
    if config is None:
        first = problems[0]
        more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise _config_error(path, first.span, first.message + more)
    return config, path


def discover_okr_files(root: Path, config: Config) -> list[Path]:
    """Every ``<okrs_dir>/<folder>/<file>.yaml`` (and .yml), sorted."""
    base = root / config.okrs_dir
    if not base.is_dir():
        return []
    found: list[Path] = []
    for folder in sorted(base.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        for entry in sorted(folder.iterdir()):
            if entry.suffix in (".yaml", ".yml") and not entry.name.startswith("."):
                found.append(entry)
    return found


def load_org(root: Path) -> tuple[Org | None, Source | None]:
    """Read org.yaml. Problems stay on the source as issues so lint can report them."""
    path = root / ORG_NAME
    if not path.is_file():
        return None, None
    src = Source(path=path, rel=ORG_NAME)
    read_source(path, root, src)
    org = None
    if src.parsed is not None:
        org, problems = validate(Org, src.parsed)
        src.issues.extend(_schema_issues(problems))
    return org, src


def load_repository(root: Path) -> Repository:
    """Load config, organisation and every OKR file under ``root``."""
    config, config_path = load_config(root)
    org, org_source = load_org(root)
    docs = _load_many(discover_okr_files(root, config), root)
    return Repository(root, config, config_path, org, org_source, docs)
