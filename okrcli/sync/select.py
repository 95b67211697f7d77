"""An http source's ``select:``: a JMESPath expression, compiled and run within bounds.

What a pull request writes into ``select:`` and what a server answers are both hostile, so:
an expression that nests deeper than MAX_NESTING is refused before it is parsed (the parser
recurses), its parsed tree may be at most MAX_DEPTH deep (evaluation recurses), and its run
has a budget of MAX_WORK steps, where every list, object or text it makes costs its length
(an expression that doubles a list stops long before it fills memory). Errors name types,
never the value met: an answer may echo a token.
"""

from __future__ import annotations

import json
from typing import Any

import jmespath
from jmespath import functions
from jmespath.exceptions import ArityError, JMESPathError, JMESPathTypeError, UnknownFunctionError
from jmespath.visitor import Options, TreeInterpreter

from okrcli.sync.secrets import SourceError

MAX_NESTING = 100  # operators that nest (! & ( [ { |) in one expression
MAX_DEPTH = 200  # levels of the parsed expression
MAX_WORK = 1_000_000  # steps of one evaluation, each made element or character one step
_NESTING = frozenset("!&([{|")
# the nodes that make a new list, object or text (the others pass a value through)
_MAKERS = frozenset(
    {
        "multi_select_list",
        "multi_select_dict",
        "projection",
        "value_projection",
        "filter_projection",
        "flatten",
        "function_expression",
        "index_expression",
        "slice",
    }
)


class _TooMuch(Exception):
    pass


def problem(expression: str) -> str | None:
    """Why ``expression`` is not a select okr can run, or None (for lint and sync)."""
    try:
        compiled(expression)
    except SourceError as exc:
        return exc.reason
    return None


def compiled(expression: str) -> Any:
    """The parsed expression; SourceError saying why it is not one okr runs."""
    nesting = _nesting(expression)
    if nesting > MAX_NESTING:
        raise SourceError(_too_deep(expression, nesting))
    try:
        parsed = jmespath.compile(expression)
    except RecursionError:
        raise SourceError(_too_deep(expression, nesting)) from None
    except JMESPathError:
        raise SourceError(
            f"'{expression}' is not a JMESPath expression (like data.result[0].value[1])."
        ) from None
    if _depth(parsed.parsed) > MAX_DEPTH:
        raise SourceError(_too_deep(expression, nesting))
    return parsed


def _too_deep(expression: str, nesting: int) -> str:
    return (
        f"the select expression ({len(expression)} characters, {nesting} nesting operators) "
        f"nests too deep; okr takes at most {MAX_NESTING} nested operators and "
        f"{MAX_DEPTH} levels. Write a shorter path to the number."
    )


def _nesting(expression: str) -> int:
    """How many operators that nest the expression has, outside its quoted parts."""
    count = 0
    quote = ""
    escaped = False
    for c in expression:
        if quote:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c in _NESTING:
            count += 1
    return count


def _depth(tree: Any) -> int:
    """The depth of a parsed expression (walked without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            for child in node.get("children", ()):
                stack.append((child, level + 1))
    return deepest


def search(expression: str, answer: Any) -> Any:
    """What ``expression`` picks from ``answer``, within the work budget."""
    parsed = compiled(expression)
    interpreter = _interpreter_class()()
    try:
        return interpreter.visit(parsed.parsed, answer)
    except _TooMuch:
        raise SourceError(
            f"'{expression}' does more work than okr allows ({MAX_WORK:,} steps, each made "
            "element one); pick the number with a plainer path."
        ) from None
    except JMESPathTypeError as exc:
        expected = ", ".join(str(t) for t in exc.expected_types)
        raise SourceError(
            f"'{expression}': {exc.function_name}() was given a {exc.actual_type}; it takes "
            f"{expected}."
        ) from None
    except (ArityError, UnknownFunctionError) as exc:
        raise SourceError(f"'{expression}': {exc}.") from None
    except RecursionError:
        raise SourceError(_too_deep(expression, _nesting(expression))) from None
    except Exception as exc:  # a comparison of things that do not compare, and the like
        raise SourceError(
            f"'{expression}' could not be applied to the answer ({type(exc).__name__})."
        ) from None


def _functions() -> Any:
    class Bounded(functions.Functions):
        """JMESPath's functions, with the two that can make text far larger than their
        input (to_string, join) measured before they make it."""

        @functions.signature({"types": []})
        def _func_to_string(self, arg: Any) -> str:
            if isinstance(arg, str):
                return arg
            parts: list[str] = []
            size = 0
            encoder = json.JSONEncoder(separators=(",", ":"), default=str)
            for chunk in encoder.iterencode(arg):
                size += len(chunk)
                if size > MAX_WORK:
                    raise _TooMuch
                parts.append(chunk)
            return "".join(parts)

        @functions.signature({"types": ["string"]}, {"types": ["array-string"]})
        def _func_join(self, separator: str, array: list[str]) -> str:
            size = len(separator) * len(array) + sum(len(s) for s in array)
            if size > MAX_WORK:
                raise _TooMuch
            return separator.join(array)

    return Bounded()


def _interpreter_class() -> type:
    class Bounded(TreeInterpreter):
        def __init__(self) -> None:
            super().__init__(Options(custom_functions=_functions()))
            self.work = 0

        def visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
            self.work += 1
            if self.work > MAX_WORK:
                raise _TooMuch
            result = super().visit(node, *args, **kwargs)
            if node["type"] in _MAKERS and isinstance(result, list | dict | str):
                self.work += len(result)
                if self.work > MAX_WORK:
                    raise _TooMuch
            return result

    return Bounded
