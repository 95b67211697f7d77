"""okr's own report templates compiled ahead of time: one speed trick, behind one switch.

Jinja2 turns a template into Python source and compiles that on every load: about 0.05 s
for the bundled report template, on every ``okr report``. okrcli ships that Python source
beside its own code (``okrcli/report/compiled/``, written by ``scripts/compile-templates``;
a test fails when it is out of date), and Python keeps its bytecode as it does for any of
okrcli's modules.

The compiled source is used only for a bundled template, found where okrcli installed it,
whose text has the checksum it was compiled from, by the Jinja2 release that compiled it;
anything else is compiled at run time as before. Templates from the repository (its
``templates/`` folder or ``--template``) are always compiled at run time: nothing compiled
is read from anywhere a pull request can write, and nothing is ever written.
``OKR_COMPILE_TEMPLATES=1`` compiles the bundled templates at run time too.
"""

from __future__ import annotations

import hashlib
import os
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import CodeType

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

from okrcli.fsutil import atomic_write

SWITCH = "OKR_COMPILE_TEMPLATES"
FOLDER = Path(__file__).with_name("compiled")
NAMES = ("report.md.j2", "summary.md.j2")


def module_path(name: str) -> Path:
    """Where the compiled source of the bundled template ``name`` is kept."""
    return FOLDER / (name.replace(".", "_") + ".py")


def stamp(source: str) -> str:
    """The first line of a compiled template: what it was compiled from, and by what."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return f"# okrcli compiled template: Jinja2 {jinja2.__version__}, source sha256 {digest}\n"


def compiled_source(environment: Environment, name: str, source: str) -> str:
    """The text of ``module_path(name)``: the stamp, then Jinja2's Python for the template."""
    python = environment.compile(source, name, raw=True)
    return stamp(source) + "# written by scripts/compile-templates: do not edit\n" + python


class Precompiled(BytecodeCache):
    """Hands Jinja2 the shipped code of a bundled template (see the module's docstring);
    for every other template, no code, so Jinja2 compiles it."""

    def __init__(self, bundled: Path) -> None:
        self.bundled = os.path.normpath(bundled)

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        bucket = Bucket(environment, self.get_cache_key(name, filename), "")
        if name in NAMES and filename is not None and not os.environ.get(SWITCH):
            bucket.code = _shipped(self.bundled, filename, source)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        """Nothing is kept but what okrcli ships."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Nothing is ever written."""


def _shipped(bundled: str, filename: str, source: str) -> CodeType | None:
    folder, name = os.path.split(os.path.normpath(filename))
    if folder != bundled or name not in NAMES:
        return None
    path = module_path(name)
    try:
        with open(path, encoding="utf-8") as handle:
            first = handle.readline()
    except OSError:
        return None
    if first != stamp(source):
        return None
    module = f"okrcli.report.compiled.{path.stem}"
    try:
        return SourceFileLoader(module, str(path)).get_code(module)
    except (OSError, SyntaxError, ImportError):
        return None


def write_all(environment: Environment, templates: Path, *, check: bool = False) -> list[str]:
    """Write the compiled source of every bundled template (with ``check``, write nothing):
    the names of those that were missing or out of date."""
    stale = []
    for name in NAMES:
        text = compiled_source(environment, name, (templates / name).read_text("utf-8"))
        path = module_path(name)
        if not path.is_file() or path.read_text("utf-8") != text:
            stale.append(name)
            if not check:
                atomic_write(path, text, within=FOLDER.parent)
    return stale
