"""Turn parsed YAML into models, and pydantic's errors into plain sentences with positions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from okrcli.load.yamlsafe import Parsed, Path, Span

M = TypeVar("M", bound=BaseModel)

_SINGULAR = {
    "objectives": "objective",
    "key_results": "key result",
    "units": "unit",
    "strategy": "strategy theme",
    "aligns_to": "alignment",
    "depends_on": "dependency",
    "initiatives": "initiative",
}

_NUMBER_TYPES = {"int_type", "float_type", "int_from_float", "float_parsing", "int_parsing"}


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One field that does not fit the model, said as a sentence."""

    span: Span
    message: str


def describe(path: Path, data: Any) -> str:
    """Name the thing at ``path`` the way a person would: "key result 'conversion'"."""
    name = "the file"
    node = data
    parent_key: str | None = None
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            what = _SINGULAR.get(parent_key or "", "item")
            ident = item.get("id") if isinstance(item, dict) else None
            name = f"{what} '{ident}'" if isinstance(ident, str) else f"{what} #{part + 1}"
            node = item
        else:
            parent_key = part
            node = node.get(part) if isinstance(node, dict) else None
    return name


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"'
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _data_prefix(loc: tuple[Any, ...], parsed: Parsed) -> Path:
    """The longest prefix of a pydantic error location that is a real path in the data."""
    best: Path = ()
    for i in range(1, len(loc) + 1):
        candidate = tuple(loc[:i])
        if candidate in parsed.values:
            best = candidate
    return best


def _sentence(
    group: list[dict[str, Any]], path: Path, parsed: Parsed, model: type[BaseModel]
) -> SchemaIssue:
    types = {e["type"] for e in group}
    first = group[0]
    loc = tuple(first["loc"])
    field = next((p for p in reversed(path) if isinstance(p, str)), None)
    owner_path = path[:-1] if path and isinstance(path[-1], str) else path
    owner = describe(owner_path, parsed.data)

    if "missing" in types:
        name = str(loc[len(path)]) if len(loc) > len(path) else str(loc[-1])
        where = describe(path, parsed.data)
        return SchemaIssue(
            parsed.span(path), f"{where} is missing the required field '{name}'; add it."
        )
    if "extra_forbidden" in types:
        allowed = _allowed_fields(model, path, parsed)
        close = difflib.get_close_matches(str(field), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}."
        return SchemaIssue(parsed.key_span(path), f"{owner} has an unknown field '{field}'; {hint}")
    value = first.get("input")
    label = f"'{field}' of {owner}" if field else owner
    wrong = _Wrong(types, group, label, value, field, owner, path)
    for say in (_type_sentence, _pattern_sentence, _bound_sentence):
        said = say(wrong)
        if said is not None:
            return SchemaIssue(parsed.span(path), said)
    detail = first.get("msg", "is not valid")
    if first.get("type") == "value_error":  # okr's own check: its sentence, no prefix
        detail = str(first.get("ctx", {}).get("error", detail))
    return SchemaIssue(parsed.span(path), f"{label}: {detail[0].lower() + detail[1:]}.")


@dataclass(frozen=True, slots=True)
class _Wrong:
    """A value the schema refused: pydantic's error types for it, the errors, how the
    sentence names it, the value, its field, what holds it, and its path."""

    types: set[str]
    group: list[dict[str, Any]]
    label: str
    value: Any
    field: str | None
    owner: str
    path: Path


# what a value of the wrong type should have been, by pydantic's error type
_KINDS = (
    ({"bool_type"}, "true or false"),
    ({"string_type"}, "text"),
    ({"list_type"}, "a list"),
    ({"model_type", "dict_type", "model_attributes_type"}, "a mapping of fields"),
)


def _type_sentence(w: _Wrong) -> str | None:
    """A value of the wrong type: what it should be, and how to fix a number written as
    text."""
    if "finite_number" in w.types:
        return f"{w.label} must be a finite number, not {w.value!r}."
    # a number refused by a union of int and float types: the bound it broke is the news
    is_number = isinstance(w.value, int | float) and not isinstance(w.value, bool)
    if w.types & _NUMBER_TYPES and (not is_number or w.types <= _NUMBER_TYPES):
        msg = f"{w.label} must be a number, but it is {_show(w.value)}"
        if isinstance(w.value, str):
            stripped = w.value.strip().rstrip("%").replace(",", "").strip()
            if w.field == "confidence" and w.value.strip().endswith("%") and _is_number(stripped):
                share = Decimal(stripped) / 100
                msg += f"; confidence runs from 0 to 1: for {stripped}% write {share.normalize()}"
            elif stripped != w.value.strip() and _is_number(stripped):
                msg += f"; write {stripped} and put the unit in the key result's 'unit' field"
            elif _is_number(stripped):
                msg += f"; remove the quotes: {stripped}"
        return msg + "."
    for kinds, should in _KINDS:
        if w.types & kinds:
            return f"{w.label} must be {should}, but it is {_show(w.value)}."
    if w.types & {"literal_error", "enum"}:
        expected = w.group[0].get("ctx", {}).get("expected", "")
        return f"{w.label} must be one of {expected}, but it is {_show(w.value)}."
    return None


def _pattern_sentence(w: _Wrong) -> str | None:
    """Text that is no id, or no reference where a reference belongs."""
    if "string_pattern_mismatch" not in w.types:
        return None
    if w.field == "sql" and "source" in w.path:
        return (
            f"{w.label} names a connection of okr.yaml's `sources:` (an id like 'warehouse'), "
            f"but it is {_show(w.value)}; put the query under `query:`."
        )
    if w.field == "aligns_to" or (len(w.path) >= 2 and w.path[-2] == "aligns_to"):
        return (
            f"{_show(w.value)} in {w.owner} is not a reference; write <unit>/<objective>, "
            "<unit>/<objective>/<key-result> or strategy/<theme>; an enclosing period's "
            "objective adds its year or span of years, like acme/loyal-customers@2026."
        )
    return (
        f"{w.label} must be an id of lowercase letters, digits and '-' (like 'checkout-v2'), "
        f"but it is {_show(w.value)}."
    )


# pydantic's bound errors: the context key of the bound, and how the sentence says it
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "less_than_equal": ("le", "at most"),
    "greater_than": ("gt", "more than"),
}


def _bound_sentence(w: _Wrong) -> str | None:
    """A number past a bound, or text or a list of the wrong length."""
    # the context (the bound) of the error that is reported, not of a union's other arm
    ctx = next(
        (e.get("ctx", {}) for e in w.group if e["type"] in _BOUNDS), w.group[0].get("ctx", {})
    )
    for kind, (key, words) in _BOUNDS.items():
        if kind in w.types:
            return f"{w.label} must be {words} {_bound(ctx.get(key))}, but it is {w.value}."
    if w.types & {"too_short", "string_too_short"}:
        return f"{w.label} must not be empty."
    if "string_too_long" in w.types:
        return f"{w.label} is too long; keep it under {ctx.get('max_length')} characters."
    return None


def _bound(value: Any) -> Any:
    """A bound as written in the model: 0, not 0.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _allowed_fields(model: type[BaseModel], path: Path, parsed: Parsed) -> list[str]:
    """The field names of the model that owns ``path``'s key."""
    current: type[BaseModel] | None = model
    for part in path[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate(model: type[M], parsed: Parsed) -> tuple[M | None, list[SchemaIssue]]:
    """Validate parsed data against ``model``; on failure, one sentence per broken field."""
    if not isinstance(parsed.data, dict):
        what = "empty" if parsed.data is None else _show(parsed.data)
        return None, [
            SchemaIssue(
                parsed.span(()),
                f"the file must be a mapping of fields (like 'unit: ...'), but it is {what}.",
            )
        ]
    try:
        return model.model_validate(parsed.data), []
    except ValidationError as exc:
        groups: dict[Path, list[dict[str, Any]]] = {}
        for details in exc.errors(include_url=False):
            err: dict[str, Any] = dict(details)
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden" or err["type"] == "missing":
                key: Path = loc if err["type"] == "extra_forbidden" else _data_prefix(loc, parsed)
                if err["type"] == "missing":
                    groups.setdefault((*key, "\0missing", *loc), []).append(err)
                    continue
            else:
                key = _data_prefix(loc, parsed)
            groups.setdefault(key, []).append(err)
        issues = []
        for key, group in groups.items():
            path = key[: key.index("\0missing")] if "\0missing" in key else key
            issues.append(_sentence(group, path, parsed, model))
        issues.sort(key=lambda i: (i.span.line, i.span.column))
        return None, issues
