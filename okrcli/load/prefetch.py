"""Start reading a repository's OKR files before the models are even imported.

Parsing is most of ``okr lint``'s work. On a machine with more than one core, a forked helper
process parses most of the files while this process imports pydantic and the rules; this
process then parses the rest, and the helper hands back plain data (no models: they are built
here, where they are used). Below a few hundred files the fork does not pay, and everything is
read here. Files whose text is in the parse cache (:mod:`okrcli.load.parsecache`) are not
parsed again at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from okrcli import forked
from okrcli.load.files import CONFIG_NAME, Read, discover_okr_files, read_all, read_bytes
from okrcli.load.parsecache import ParseCache, digest
from okrcli.load.yamlsafe import MAX_BYTES, Parsed, YamlError, decode, parse

THRESHOLD = 300
HELPER_SHARE = 0.7  # the helper starts first, so it takes more than half


@dataclass(slots=True)
class Prefetch:
    """Files found under ``okrs_dir``, some of them being parsed by a helper process."""

    root: Path
    okrs_dir: str
    paths: list[Path]  # every file, in order
    local: list[Path]  # to be read and parsed here
    helper: list[Path] = field(default_factory=list)  # being parsed by the helper
    cached: dict[Path, Read] = field(default_factory=dict)  # taken from the parse cache
    cache: ParseCache = field(default_factory=lambda: ParseCache(None))
    job: forked.Job[list[Read]] | None = None

    def helper_reads(self) -> list[tuple[Path, Read]]:
        """The helper's results, paired with their paths (waits for it)."""
        if self.job is None:
            return []
        job, self.job = self.job, None
        return list(zip(self.helper, job.result(), strict=True))

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None


def quick_okrs_dir(root: Path) -> str:
    """okr.yaml's okrs_dir without the models; the real config load confirms it later."""
    path = root / CONFIG_NAME
    try:
        data = parse(decode(read_bytes(path, root))).data if path.is_file() else None
    except (OSError, YamlError):
        return "okrs"
    value = data.get("okrs_dir") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else "okrs"


def start(
    root: Path,
    paths: list[Path] | None = None,
    okrs_dir: str | None = None,
    cache: ParseCache | None = None,
) -> Prefetch:
    """List the OKR files (unless given) and, when it pays, start a helper parsing most."""
    okrs_dir = okrs_dir or quick_okrs_dir(root)
    if paths is None:
        paths = discover_okr_files(root, okrs_dir)
    cache = cache or ParseCache.for_root(root)
    cached = _from_cache(paths, root, cache) if cache.old else {}
    todo = [p for p in paths if p not in cached]
    if len(todo) < THRESHOLD or not forked.usable():
        return Prefetch(root, okrs_dir, paths, todo, cached=cached, cache=cache)
    split = len(todo) - int(len(todo) * HELPER_SHARE)
    theirs = todo[split:]
    job = forked.start(lambda: read_all(theirs, root))
    return Prefetch(root, okrs_dir, paths, todo[:split], theirs, cached, cache, job)


def _from_cache(paths: list[Path], root: Path, cache: ParseCache) -> dict[Path, Read]:
    """The files whose text the parse cache knows, read and decoded but not parsed."""
    found: dict[Path, Read] = {}
    for path in paths:
        try:
            raw = read_bytes(path, root)
            if len(raw) > MAX_BYTES:
                continue
            text = decode(raw)
        except (OSError, YamlError):
            continue  # read again the usual way, which reports the problem
        hit, data = cache.get(digest(text))
        if hit:
            found[path] = (text, Parsed(data, text=text), [])
    return found
