"""Rendering reports in Jinja2's sandbox, with a time bound and a size bound.

The bundled templates and a user's own (``--template FILE``, or a ``templates/`` folder in the
OKR repository) run in the same sandbox: undefined names are errors, attributes that reach
into Python (``__class__``, ``mro``, ...) are refused, string and list multiplication is
capped, and rendering stops after a few seconds. Templates receive plain data only.
"""

from __future__ import annotations

import operator
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateError,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from okrcli.errors import OkrError
from okrcli.render import templates_dir

TIME_LIMIT = 10.0  # seconds
SIZE_LIMIT = 20 * 1024 * 1024  # characters of output, or of any one string or list built


# one pass, each character at most once: HTML's three, markdown's own, and @ broken up
_MD_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{ch: "\\" + ch for ch in "\\|`*_[]~"},
        "@": "@\u200b",
    }
)


# words of letters, digits and punctuation that needs no escaping, one space apart: text
# that is already safe as it is (most titles), recognised in one C-level match
_PLAIN = re.compile(r"[A-Za-z0-9.,:;!?%()'\"/#+=$^{}-]+(?: [A-Za-z0-9.,:;!?%()'\"/#+=$^{}-]+)*")
# what GitHub would turn into a link by itself: its ":" or "." escaped, it stays text
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![\w.])(www)(\.)")


def md(value: Any) -> str:
    """Text from users' YAML, safe in a markdown table cell and in running text: HTML is
    escaped, pipes and backticks are escaped, newlines become spaces, and @mentions cannot
    ping anyone."""
    text = str(value)
    if _PLAIN.fullmatch(text) and "//" not in text and "w." not in text and "W." not in text:
        return text
    return unlink(" ".join(text.split()).translate(_MD_ESCAPES))


def unlink(text: str) -> str:
    """``https://x`` and ``www.x`` kept as text: GitHub links them by itself otherwise."""
    if "//" not in text and "ww" not in text.lower():
        return text
    return _AUTOLINK.sub(lambda m: "\\:" if m.group(1) else m.group(2) + "\\.", text)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with multiplication and concatenation capped in size."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        # ``unit.name`` on the plain dicts templates receive: Jinja2 tries the attribute
        # first and takes the item only after an AttributeError, hundreds of thousands of
        # times in a large report. A key that is no dict attribute reads the same either way.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int) and abs(right) > 64:
                raise SecurityError("exponents above 64 are not allowed in templates")
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > SIZE_LIMIT:
                    raise SecurityError("a template built a value that is too large")
            return operator.mul(left, right)
        result = operator.add(left, right)
        if isinstance(result, str | list | tuple) and len(result) > SIZE_LIMIT:
            raise SecurityError("a template built a value that is too large")
        return result


def environment(user_dirs: list[Path], cache_dir: Path | None = None) -> BoundedSandbox:
    """The sandbox over the user's template folders and the bundled ones; with ``cache_dir``,
    compiled templates are kept there (Jinja2 checks each against its source's checksum)."""
    bundled = FileSystemLoader(templates_dir() / "report")
    loaders = [FileSystemLoader([str(d) for d in user_dirs])] if user_dirs else []
    bytecode = None
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            bytecode = FileSystemBytecodeCache(str(cache_dir))
        except OSError:
            bytecode = None  # compile every time, as without a cache
    env = BoundedSandbox(
        loader=ChoiceLoader([*loaders, PrefixLoader({"okr": bundled}), bundled]),
        bytecode_cache=bytecode,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md
    env.filters["pct"] = lambda x: f"{round(float(x) * 100)}%"
    env.filters["num"] = lambda x: f"{float(x):.2f}"
    env.filters["count"] = lambda x: f"{int(x):,}"
    return env


class _Timeout(Exception):
    pass


class _TooLarge(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise _Timeout in this thread after ``seconds`` (POSIX main thread; elsewhere no bound)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Renderer:
    """A report template found and loaded, ready to render: the report loads it while its
    lint pass runs. A template that fails to load says so when rendered, in the same words
    as any other template problem."""

    def __init__(
        self,
        *,
        template: Path | None = None,
        repo_templates: Path | None = None,
        name: str = "report.md.j2",
        seconds: float = TIME_LIMIT,
        cache_dir: Path | None = None,
    ) -> None:
        dirs = []
        if template is not None:
            if not template.is_file():
                raise OkrError(f"--template {template}: no such file.")
            dirs.append(template.resolve().parent)
            name = template.name
        if repo_templates is not None and repo_templates.is_dir():
            dirs.append(repo_templates)
        self.where = str(template) if template else name
        self.seconds = seconds
        self._template: Template | None = None
        self._problem: BaseException | None = None
        env = environment(dirs, cache_dir)
        try:
            with time_limit(seconds):
                self._template = env.get_template(name)
        except Exception as exc:  # raised again by render, which words it
            self._problem = exc

    def render(self, data: dict[str, Any]) -> str:
        where, seconds = self.where, self.seconds
        try:
            with time_limit(seconds):
                if self._problem is not None:
                    raise self._problem
                assert self._template is not None
                text = _guard(self._template.generate, data)
        except _TooLarge:
            raise OkrError(
                f"the template {where} produced more than {SIZE_LIMIT:,} characters; "
                "it was stopped."
            ) from None
        except _Timeout:
            raise OkrError(
                f"the template {where} took longer than {seconds:g} s and was stopped; "
                "check it for endless loops."
            ) from None
        except (SecurityError, OverflowError) as exc:
            raise OkrError(f"the template {where} did something templates may not: {exc}") from None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            at = f" (line {line})" if line else ""
            raise OkrError(f"the template {where}{at} failed: {exc}.") from None
        except RecursionError:
            raise OkrError(f"the template {where} recursed too deeply and was stopped.") from None
        except Exception as exc:
            raise OkrError(f"the template {where} failed: {type(exc).__name__}: {exc}.") from None
        return text


BATCH = 4096  # template output pieces joined at a time


def _guard(generate: Callable[[dict[str, Any]], Iterator[str]], data: dict[str, Any]) -> str:
    """The template's output, joined a few thousand pieces at a time: a large report is
    hundreds of thousands of small pieces, which joined at once would all be alive together
    (tens of megabytes), and output past the size bound stops the template there."""
    try:
        pieces = generate(data)
        parts: list[str] = []
        size = 0
        while batch := list(islice(pieces, BATCH)):
            part = "".join(batch)
            parts.append(part)
            size += len(part)
            if size > SIZE_LIMIT:
                raise _TooLarge()
        return "".join(parts)
    except MemoryError:
        raise SecurityError("the template ran out of memory") from None
