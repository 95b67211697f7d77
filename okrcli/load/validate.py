"""Turn parsed YAML into models, and pydantic's errors into plain sentences with positions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
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
    span = parsed.span(path)
    label = f"'{field}' of {owner}" if field else owner
    if "finite_number" in types:
        return SchemaIssue(span, f"{label} must be a finite number, not {value!r}.")
    # a number refused by a union of int and float types: the bound it broke is the news
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if types & _NUMBER_TYPES and (not is_number or types <= _NUMBER_TYPES):
        msg = f"{label} must be a number, but it is {_show(value)}"
        if isinstance(value, str):
            stripped = value.strip().rstrip("%").replace(",", "").strip()
            if stripped != value.strip() and _is_number(stripped):
                msg += f"; write {stripped} and put the unit in the key result's 'unit' field"
            elif _is_number(stripped):
                msg += f"; remove the quotes: {stripped}"
        return SchemaIssue(span, msg + ".")
    if "bool_type" in types:
        return SchemaIssue(span, f"{label} must be true or false, but it is {_show(value)}.")
    if "string_type" in types:
        return SchemaIssue(span, f"{label} must be text, but it is {_show(value)}.")
    if "list_type" in types:
        return SchemaIssue(span, f"{label} must be a list, but it is {_show(value)}.")
    if types & {"model_type", "dict_type", "model_attributes_type"}:
        return SchemaIssue(span, f"{label} must be a mapping of fields, but it is {_show(value)}.")
    if types & {"literal_error", "enum"}:
        expected = first.get("ctx", {}).get("expected", "")
        return SchemaIssue(span, f"{label} must be one of {expected}, but it is {_show(value)}.")
    if "string_pattern_mismatch" in types:
        if field == "aligns_to" or (len(path) >= 2 and path[-2] == "aligns_to"):
            return SchemaIssue(
                span,
                f"{_show(value)} in {owner} is not a reference; write <unit>/<objective>, "
                "<unit>/<objective>/<key-result> or strategy/<theme>.",
            )
        return SchemaIssue(
            span,
            f"{label} must be an id of lowercase letters, digits and '-' (like 'checkout-v2'), "
            f"but it is {_show(value)}.",
        )
    # the context (the bound) of the error that is reported, not of a union's other arm
    bounds = ("greater_than_equal", "less_than_equal", "greater_than")
    ctx = next((e.get("ctx", {}) for e in group if e["type"] in bounds), first.get("ctx", {}))
    if "greater_than_equal" in types:
        bound = _bound(ctx.get("ge"))
        return SchemaIssue(span, f"{label} must be at least {bound}, but it is {value}.")
    if "less_than_equal" in types:
        bound = _bound(ctx.get("le"))
        return SchemaIssue(span, f"{label} must be at most {bound}, but it is {value}.")
    if "greater_than" in types:
        bound = _bound(ctx.get("gt"))
        return SchemaIssue(span, f"{label} must be more than {bound}, but it is {value}.")
    if "too_short" in types:
        return SchemaIssue(span, f"{label} must not be empty.")
    if "string_too_short" in types:
        return SchemaIssue(span, f"{label} must not be empty.")
    if "string_too_long" in types:
        return SchemaIssue(
            span, f"{label} is too long; keep it under {ctx.get('max_length')} characters."
        )
    detail = first.get("msg", "is not valid")
    return SchemaIssue(span, f"{label}: {detail[0].lower() + detail[1:]}.")


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
