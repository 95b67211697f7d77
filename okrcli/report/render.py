"""Rendering reports in Jinja2's sandbox, with a time bound and a size bound.

The bundled templates and a user's own (``--template FILE``, or a ``templates/`` folder in the
OKR repository) run in the same sandbox: undefined names are errors, attributes that reach
into Python (``__class__``, ``mro``, ...) are refused, string and list multiplication is
capped, and rendering stops after a few seconds. Templates receive plain data only.
"""

from __future__ import annotations

import functools
import operator
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, safe_range
from jinja2.utils import _PassArg

from okrcli import markdown
from okrcli.errors import OkrError
from okrcli.fsutil import open_regular
from okrcli.render import templates_dir

T = TypeVar("T")

TIME_LIMIT = 10.0  # seconds
SIZE_LIMIT = 20 * 1024 * 1024  # characters of output, or of any one string or list built


_DICT_ATTRIBUTES = frozenset(dir(dict))


LIST_LIMIT = 1_000_000  # items in any one list, set or dict a template builds
_DIGITS = re.compile(r"\d+")


def weight(value: Any, budget: int | None = None) -> int:
    """About how many characters ``str(value)`` would be, counted without building it and
    given up as soon as the count passes ``budget`` (the size bound): a list holding one
    long string a million times is a few megabytes in memory and a terabyte as text."""
    limit = SIZE_LIMIT if budget is None else budget
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        kind = type(v)
        if kind is str:
            total += len(v)
        elif kind is int:
            total += v.bit_length() // 3 + 1
        elif kind is dict:
            total += 2 + 4 * len(v)
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list | tuple | set | frozenset):
            total += 2 + 2 * len(v)
            stack.extend(v)
        elif isinstance(v, str):
            total += len(v)
        else:
            total += 8
        if total > limit:
            break
    return total


def _ints(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[int]:
    return [a for a in (*args, *kwargs.values()) if type(a) is int]


def _too_large(estimate: int) -> None:
    if estimate > SIZE_LIMIT:
        raise SecurityError("a template built a value that is too large")


def _format_estimate(fmt: str, args: Any) -> int:
    """An upper bound of the size of ``fmt % args`` or ``fmt.format(*args)``: the format's
    own text, every width and precision it names or takes from the arguments, and every
    argument as many times as the format has fields."""
    if isinstance(args, dict):
        values = list(args.values())
    elif isinstance(args, tuple | list):
        values = list(args)
    else:
        values = [args]
    fields = fmt.count("%") + fmt.count("{") + 1
    widths = sum(int(d) for d in _DIGITS.findall(fmt) if len(d) < 12) + sum(
        10**12 if len(d) >= 12 else 0 for d in _DIGITS.findall(fmt)
    )
    numbers = sum(abs(v) for v in values if type(v) is int)
    return len(fmt) + widths + numbers + fields * weight(values)


def _amplified(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """An upper bound of the size of a filter or string method whose result may be longer
    than its input times its arguments (indent, center, replace, join, expandtabs, ...)."""
    ints = sum(abs(i) for i in _ints(args, kwargs))
    others = [a for a in (*args, *kwargs.values()) if type(a) is not int]
    return (weight(value) + 1) * (1 + ints + weight(others))


# filters whose output may be far larger than their input: checked before they run
_AMPLIFYING = frozenset({"center", "indent", "join", "replace", "wordwrap", "truncate"})
# filters that turn any value into text: their input is weighed before they run
_STRINGIFYING = frozenset(
    {
        "string", "pprint", "tojson", "e", "escape", "forceescape", "urlencode", "xmlattr",
        "safe", "striptags", "title", "upper", "lower", "capitalize", "trim", "urlize",
        "wordcount", "md", "code", "list", "unique", "reverse",
    }
)  # fmt: skip


# string methods and filters that may make a list with an item per character
_SPLITTING = frozenset({"split", "rsplit", "splitlines"})
_LISTING = frozenset({"list", "unique", "sort", "reverse", "wordcount", "batch", "slice"})


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with the size bound checked before it runs (as far as its arguments tell)
    and on what it returns."""
    passes = _PassArg.from_obj(func)

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        own = args[1:] if passes is not None else args
        value, rest = (own[0], own[1:]) if own else (None, ())
        if name == "format":
            _too_large(_format_estimate(str(value), rest or kwargs))
        elif name in _AMPLIFYING:
            _too_large(_amplified(value, rest, kwargs))
        elif name in _STRINGIFYING:
            _too_large(weight(value))
        if name in _LISTING and isinstance(value, str | list | tuple | dict | set):
            _too_many(len(value))
        if any(abs(i) > LIST_LIMIT for i in _ints(rest, kwargs)):
            raise SecurityError(f"the filter {name} was given a number too large")
        result = func(*args, **kwargs)
        _check_built(result)
        return result

    return bounded


# okr's own filters: one value in, text at most a few times its size out
OWN_FILTERS: dict[str, Callable[[Any], str]] = {
    "md": markdown.text,
    "code": markdown.code,
    "pct": lambda x: f"{round(float(x) * 100)}%",
    "num": lambda x: f"{float(x):.2f}",
    "count": lambda x: f"{int(x):,}",
}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _bounded_own(func: Callable[[Any], str]) -> Callable[[Any], str]:
    """One of okr's own filters with the size bound checked: on its value first when that
    is a container (its text could be far larger than it), and on what it returns. These run
    for every cell of a report, so they skip what only other filters' arguments need."""

    @functools.wraps(func)
    def bounded(value: Any) -> str:
        _tick()
        if type(value) not in _SCALARS:
            _too_large(weight(value))
        result = func(value)
        _too_large(len(result))
        return result

    return bounded


def _too_many(items: int) -> None:
    """Refuse to build a list of more items than the list bound (checked before, as each
    item of a list split from text can be an object of its own)."""
    if items > LIST_LIMIT:
        raise SecurityError("a template built a list that is too large")


def _check_built(value: Any) -> None:
    """Refuse a string longer than the size bound, or a container with more items than the
    list bound, that a template has just built."""
    if isinstance(value, str):
        _too_large(len(value))
    elif isinstance(value, list | tuple | dict | set) and len(value) > LIST_LIMIT:
        raise SecurityError("a template built a list that is too large")


# the deadline of the render running now, checked in loops, calls, filters and the output
_deadline = [float("inf")]


def _tick() -> None:
    if time.monotonic() > _deadline[0]:
        raise _Timeout()


def _ticking_range(*args: int) -> Iterator[int]:
    for n, i in enumerate(safe_range(*args)):
        if not n & 1023:
            _tick()
        yield i


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja2's code generator with ``~`` going through the sandbox's size check."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat_bounded((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}``: a container whose text would pass the size bound is refused
    before it is turned into text."""
    if type(value) is not str:
        _too_large(weight(value))
    return value


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with every way a template builds text or lists bounded in size: the
    operators (``*``, ``**``, ``+``, ``%``, ``~``), every filter, string methods and string
    formatting, and each value written out; loops, calls and filters check a deadline."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

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
            if isinstance(left, int) and left.bit_length() * abs(right) > 100_000:
                raise SecurityError("a template built a number that is too large")
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and type(times) is int:
                    _too_large(weight(seq) * times)
                    if not isinstance(seq, str) and len(seq) * times > LIST_LIMIT:
                        raise SecurityError("a template built a list that is too large")
            return operator.mul(left, right)
        if operator_name == "%":
            if isinstance(left, str):
                _too_large(_format_estimate(left, right))
            return operator.mod(left, right)
        if isinstance(left, list | tuple) and isinstance(right, list | tuple):
            _too_large(weight(left) + weight(right))
        result = operator.add(left, right)
        _check_built(result)
        return result

    def concat_bounded(self, parts: tuple[Any, ...]) -> str:
        _too_large(sum(weight(p) for p in parts))
        return "".join(map(str, parts))

    def format_string(
        self,
        s: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        format_func: Callable[..., Any] | None = None,
    ) -> str:
        _too_large(_format_estimate(s, (*args, *kwargs.values())))
        result: str = super().format_string(s, args, kwargs, format_func)  # type: ignore[misc]
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        method = getattr(__obj, "__wrapped__", __obj)
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            name = getattr(method, "__name__", "")
            if name in ("format", "format_map"):
                _too_large(_format_estimate(owner, (*args, *kwargs.values())))
            else:
                _too_large(_amplified(owner, args, kwargs))
            if name in _SPLITTING:
                _too_many(len(owner))
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(owner, list | dict | set) and len(owner) > LIST_LIMIT:
            raise SecurityError("a template built a list that is too large")
        _check_built(result)
        return result


def environment(user_dirs: list[Path]) -> BoundedSandbox:
    """The sandbox over the user's template folders (read without following any link) and
    the bundled ones. Nothing compiled is kept between runs: a cache of compiled templates
    would be code that whoever wrote the cache could make okr run."""
    bundled = FileSystemLoader(templates_dir() / "report")
    loaders: list[BaseLoader] = [NoLinkLoader(user_dirs)] if user_dirs else []
    env = BoundedSandbox(
        loader=ChoiceLoader([*loaders, PrefixLoader({"okr": bundled}), bundled]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters = {name: _bounded_filter(name, f) for name, f in env.filters.items()}
    env.filters.update({name: _bounded_own(f) for name, f in OWN_FILTERS.items()})
    env.globals["range"] = _ticking_range
    return env


def _unchanged(path: str, mtime: float) -> bool:
    try:
        return os.path.getmtime(path) == mtime
    except OSError:
        return False


class NoLinkLoader(BaseLoader):
    """Templates from the user's folders, refusing any that is reached through a link (or
    is a pipe, device or folder): a template committed to the repository as a link to
    ``/proc/self/environ`` must not put the CI job's secrets into the report."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = [os.path.abspath(f) for f in folders]

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.folders:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue
            step = folder
            for piece in pieces:
                step = os.path.join(step, piece)
                if os.path.islink(step):
                    raise SecurityError(
                        f"the template {template} is reached through a link ({step}); "
                        "okr never follows links to templates: copy the file in instead"
                    )
            try:
                fd = open_regular(path)
            except OSError as exc:
                raise SecurityError(
                    f"the template {template} cannot be read ({exc.strerror or exc})"
                ) from None
            with os.fdopen(fd, "rb") as handle:
                raw = handle.read(SIZE_LIMIT + 1)
            if len(raw) > SIZE_LIMIT:
                raise SecurityError(f"the template {template} is larger than the size bound")
            mtime = os.path.getmtime(path)
            return raw.decode("utf-8"), path, functools.partial(_unchanged, path, mtime)
        raise TemplateNotFound(template)


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
    ) -> None:
        dirs = []
        if template is not None:
            if not template.is_file():
                raise OkrError(f"--template {template}: no such file.")
            found = template.resolve()
            dirs.append(found.parent)
            name = found.name
        if repo_templates is not None and os.path.islink(repo_templates):
            raise OkrError(
                f"{repo_templates} is a link; okr never follows links to templates (they "
                "could read files outside the repository). Make it a folder."
            )
        if repo_templates is not None and repo_templates.is_dir():
            dirs.append(repo_templates)
        self.where = str(template) if template else name
        self.seconds = seconds
        self._template: Template | None = None
        self._problem: BaseException | None = None
        env = environment(dirs)
        try:
            with time_limit(seconds):
                _deadline[0] = time.monotonic() + seconds
                self._template = env.get_template(name)
        except Exception as exc:  # raised again by render, which words it
            self._problem = exc

    def render(self, data: dict[str, Any]) -> str:
        lines = self.render_lines(data)
        assert lines is not None  # only a limit gives up
        return "".join(lines)

    def render_lines(self, data: dict[str, Any], *, past: int | None = None) -> list[str] | None:
        """The output in pieces of whole lines (but for the last), as the template made them:
        a large report's text is never held as one string, which its few emoji would make
        four bytes a character. With ``past``, None as soon as the output is longer than
        that many characters (the rest is not rendered)."""
        return self._pieces(data, past, str)

    def render_bytes(
        self, data: dict[str, Any], safe: Callable[[str], str], *, past: int | None = None
    ) -> list[bytes] | None:
        """:meth:`render_lines`, each piece made ``safe`` and kept in UTF-8 as it is made,
        as it will be written: a piece with one emoji is four bytes a character as text,
        and a large report is a third of its size in UTF-8."""
        return self._pieces(data, past, lambda piece: safe(piece).encode())

    def _pieces(
        self, data: dict[str, Any], past: int | None, finish: Callable[[str], T]
    ) -> list[T] | None:
        where, seconds = self.where, self.seconds
        try:
            with time_limit(seconds):
                if self._problem is not None:
                    raise self._problem
                assert self._template is not None
                _deadline[0] = time.monotonic() + seconds
                lines = _guard(self._template.generate, data, past, finish)
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
        except MemoryError:
            raise OkrError(f"the template {where} ran out of memory and was stopped.") from None
        except Exception as exc:
            raise OkrError(f"the template {where} failed: {type(exc).__name__}: {exc}.") from None
        finally:
            _deadline[0] = float("inf")
        return lines


PIECES = 64  # template output pieces taken, measured and joined at a time


def _guard(
    generate: Callable[[dict[str, Any]], Iterator[str]],
    data: dict[str, Any],
    past: int | None,
    finish: Callable[[str], T],
) -> list[T] | None:
    """The template's output, taken a few dozen pieces at a time: each handful is measured
    before it is joined, so output past the size bound stops the template there (with at
    most a handful of bounded pieces alive), and the deadline is checked between them. A
    large report is hundreds of thousands of small pieces: joined at once they would all be
    alive together, and counted one by one they would cost a tenth of the rendering.

    Returned as the handfuls, each cut after its last line break (the rest goes with the
    next), so that each can be made safe and written on its own; None once the output is
    longer than ``past`` characters, when given. Each is kept as ``finish`` makes it."""
    pieces = generate(data)
    enough = SIZE_LIMIT if past is None else min(past, SIZE_LIMIT)
    lines: list[T] = []
    pending: list[str] = []  # what came after the last line break so far
    size = 0
    while chunk := list(islice(pieces, PIECES)):
        size += sum(map(len, chunk))
        if size > enough:
            if size > SIZE_LIMIT:
                raise _TooLarge()
            return None
        text = "".join(chunk)
        cut = text.rfind("\n") + 1
        if cut == 0:
            if text:
                pending.append(text)
        else:
            head = text if cut == len(text) else text[:cut]
            if pending:
                pending.append(head)
                head = "".join(pending)
                pending = []
            lines.append(finish(head))
            if cut < len(text):
                pending.append(text[cut:])
        _tick()
    if pending:
        lines.append(finish("".join(pending)))
    return lines
