"""``okr check-in``: change a key result's ``current`` (and ``confidence``) in place.

The edit is surgical: the reader knows the exact span of every value, so only the value's
characters are replaced (or, when the key is missing, one line is inserted after ``target``).
Comments, key order, quoting, indentation, flow or block style, line endings, the modeline
and long lines stay exactly as they were. The result is parsed again and compared with what
was intended before anything is written; the write is atomic, under a lock on the folder, and
refused when the file changed since it was read.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

from okrcli.errors import OkrError
from okrcli.fsutil import FileChangedError, atomic_write, folder_lock
from okrcli.load.files import OkrDoc
from okrcli.load.repo import Repository, load_bytes, validate_doc
from okrcli.load.validate import validate
from okrcli.load.yamlsafe import EXACT_DIGITS, MAX_DIGITS, Parsed, parse
from okrcli.load.yamlsafe import Path as YPath
from okrcli.model.okr import OkrFile
from okrcli.scoring import shown

# what a check-in writes: the value, the confidence, the day (so that re-confirming an
# unchanged value is a change git records) and the note (a check-in without one removes the
# last one's, which would otherwise read as this one's)
FIELDS = ("current", "confidence", "checked", "note")


_EXACT = Context(prec=2 * MAX_DIGITS + 2)  # every digit of any value that passes the checks


def number_text(raw: str, what: str = "the value") -> str:
    """A number as the user typed it, in its shortest exact form (1.50 -> 1.5, 2e3 -> 2000);
    anything else is refused with a message."""
    cleaned = raw.strip().replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        hint = ""
        if cleaned.endswith("%"):
            hint = f"; write {cleaned.rstrip('%').strip()} (the unit belongs in the key result)"
        elif _COMMA.match(cleaned):
            hint = _comma_hint(cleaned)
        raise OkrError(f"{what} must be a number, not '{raw}'{hint}.") from None
    if not value.is_finite():
        raise OkrError(f"{what} must be a finite number, not '{raw}'.")
    if abs(value.adjusted()) >= MAX_DIGITS:  # before it is written out in full
        raise OkrError(
            f"{what} {raw} has more digits than an OKR file may hold ({MAX_DIGITS}); "
            "use a larger or smaller unit."
        )
    if value == value.to_integral_value():
        return str(int(value))
    # exact: the default context's 28 digits would round a longer value (a 30-digit
    # ...789.5 written as ...790); and written only if okr reads it back as it is (see
    # yamlsafe.EXACT_DIGITS), never rounded on the way
    exact = value.normalize(_EXACT)
    digits = len(exact.as_tuple().digits)
    if digits > EXACT_DIGITS and Decimal(repr(float(exact))) != exact:
        raise OkrError(
            f"{what} {raw} has more significant digits than okr keeps in a number with a "
            f"fraction ({EXACT_DIGITS}); round it, or use a smaller unit to write it whole."
        )
    text = format(exact, "f")
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise OkrError(
            f"{what} {raw} has more digits than an OKR file may hold ({MAX_DIGITS}); round it."
        )
    return text


_COMMA = re.compile(r"^-?\d+(,\d+)+$")


def _comma_hint(text: str) -> str:
    """What to write for a number with a comma: a decimal comma (44,5) as a point; groups
    of three (1,000) may be thousands, or decimals."""
    head, *groups = text.split(",")
    plain = text.replace(",", "")
    thousands = all(len(g) == 3 for g in groups)
    if len(groups) == 1:
        point = f"{head}.{groups[0]}"
        if thousands:
            return f"; write {plain} (no thousands separator), or {point} for a decimal"
        return f"; write {point} (a decimal point, not a comma)"
    return f"; write {plain} (no thousands separator)" if thousands else ""


@dataclass(frozen=True, slots=True)
class Edit:
    """New values for one key result: field name -> its YAML text (a number, a date, a
    quoted note), or None to remove the field."""

    objective: int
    kr: int
    values: dict[str, str | None]


@dataclass(slots=True)
class Change:
    """A value a check-in changed (``old`` and ``new`` as shown: "none" for no value)."""

    ref: str
    field: str
    old: str
    new: str


@dataclass(slots=True)
class CheckInResult:
    """What a check-in did: the values it changed, the key results whose unchanged value it
    re-confirmed, and the commit (when it was committed)."""

    path: Path
    changes: list[Change] = field(default_factory=list)
    confirmed: list[tuple[str, str]] = field(default_factory=list)  # (ref, value)
    written: bool = False
    commit: str | None = None

    def summary(self) -> str:
        parts = [f"{c.ref} {c.field} {c.old} -> {c.new}" for c in self.changes if c.field != "note"]
        parts += [
            f"{ref} current {value} (unchanged, re-confirmed)" for ref, value in self.confirmed
        ]
        notes = [c for c in self.changes if c.field == "note" and c.new != "none"]
        parts += [f"{c.ref} note: {c.new}" for c in notes]
        return "; ".join(parts) if parts else "nothing changed"


show = shown  # what check-ins print and commit: never Python's None


def find_kr(repo: Repository, quarter: str, spec: str) -> tuple[OkrDoc, int, int]:
    """``unit/kr`` or ``unit/objective/kr`` -> the file and the key result's position."""
    parts = spec.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise OkrError(f"'{spec}' is not a key result: write UNIT/KR or UNIT/OBJECTIVE/KR.")
    doc = unit_doc(repo, quarter, parts[0])
    assert doc.model is not None
    matches = []
    names = []
    for i, o in enumerate(doc.model.objectives):
        for j, k in enumerate(o.key_results):
            names.append(f"{parts[0]}/{o.id}/{k.id}")
            if k.id == parts[-1] and (len(parts) == 2 or o.id == parts[1]):
                matches.append((i, j))
    if len(matches) == 1:
        return doc, *matches[0]
    if len(matches) > 1:
        raise OkrError(
            f"'{spec}' matches key results of several objectives; write UNIT/OBJECTIVE/KR."
        )
    close = difflib.get_close_matches(spec, names, n=3, cutoff=0.5) or names[:5]
    raise OkrError(f"{doc.rel} has no key result '{spec}'. Did you mean: {', '.join(close)}?")


def known_unit(repo: Repository, unit: str) -> None:
    """Refuse a unit org.yaml does not list, naming the closest ones (a typo must never be
    answered with `okr new <typo>`)."""
    if repo.org is None:
        return
    ids = [u.id for u in repo.org.units]
    if unit in ids:
        return
    close = difflib.get_close_matches(unit, ids, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"the units are {', '.join(ids[:8])}."
    raise OkrError(f"unit '{unit}' is not in org.yaml; {hint}")


def unit_doc(repo: Repository, quarter: str, unit: str) -> OkrDoc:
    known_unit(repo, unit)
    docs = [
        d
        for d in repo.docs
        if d.model is not None and d.model.unit == unit and d.model.period == quarter
    ]
    if not docs:
        broken = [d for d in repo.docs if d.stem == unit and d.folder == quarter]
        if broken:
            raise OkrError(
                f"{broken[0].rel} has errors; run `okr lint {broken[0].rel}` and fix "
                "them before checking in."
            )
        units = sorted({d.model.unit for d in repo.docs if d.model and d.model.period == quarter})
        close = difflib.get_close_matches(unit, units, n=3)
        rel = f"{repo.config.okrs_dir}/{quarter}/{unit}.yaml"
        hint = (
            f" Did you mean {', '.join(close)}?"
            if close
            else f" Write it with `okr new {unit} --quarter {quarter}`, or name another quarter."
        )
        raise OkrError(f"unit '{unit}' has no OKR file for {quarter} ({rel}).{hint}")
    return docs[0]


def apply(text: str, edits: list[Edit]) -> str:
    """The file's text with each edit made in place (see the module's docstring)."""
    parsed = parse(text, positions=True)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    # (line index, column, operation), applied bottom-up so positions stay valid
    ops: list[tuple[int, int, Replace | Remove | Insert]] = []
    for e in edits:
        base: YPath = ("objectives", e.objective, "key_results", e.kr)
        missing: list[tuple[str, str]] = []
        for name in FIELDS:
            if name not in e.values:
                continue
            new = e.values[name]
            span = parsed.values.get((*base, name))
            if span is None:
                if new is not None:
                    missing.append((name, new))
                continue
            line, col, end_line, end_col = span
            if end_line != line:
                raise OkrError(f"'{name}' spans several lines; write it on one line first.")
            if new is None:
                key_line, key_col = parsed.keys[(*base, name)][:2]
                if key_line != line:
                    raise OkrError(f"'{name}' spans several lines; write it on one line first.")
                ops.append((line - 1, key_col - 1, Remove(end_col - 1)))
            else:
                ops.append((line - 1, col - 1, Replace(end_col - 1, new)))
        if missing:
            line_i, col, flow = _anchor(parsed, base, lines)
            ops.append((line_i, col, Insert(missing, flow)))
    for line_i, col, op in sorted(ops, key=lambda o: (o[0], o[1]), reverse=True):
        row = lines[line_i]
        if isinstance(op, Replace):
            lines[line_i] = row[:col] + op.value + row[op.end :]
        elif isinstance(op, Remove):
            lines[line_i : line_i + 1] = _removed(row, col, op.end)
        elif op.flow:
            close = row.rfind("}")
            added = "".join(f", {n}: {v}" for n, v in op.fields)
            lines[line_i] = row[:close].rstrip() + added + row[close:]
        else:
            added_lines = [f"{' ' * col}{n}: {v}{newline}" for n, v in op.fields]
            if not row.endswith(("\n", "\r")):  # the last line, with no final newline: keep so
                lines[line_i] = row + newline
                added_lines[-1] = added_lines[-1].rstrip("\r\n")
            lines[line_i + 1 : line_i + 1] = added_lines
    return "".join(lines)


@dataclass(frozen=True, slots=True)
class Replace:
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class Remove:
    end: int  # where the value ends; the key starts at the operation's column


def _removed(row: str, col: int, end: int) -> list[str]:
    """``row`` without the key and value at ``col:end``: no line at all when they are the
    line's only content (a comment after them goes too), else (a flow mapping) the pair and
    the comma before it."""
    rest = row[end:]
    if not row[:col].strip() and (not rest.strip() or rest.lstrip().startswith("#")):
        return []
    start = row.rfind(",", 0, col)
    if start < 0:  # the first pair of a flow mapping: take the comma after it
        after = rest.lstrip()
        cut = len(rest) - len(after) + (1 if after.startswith(",") else 0)
        return [row[:col] + rest[cut:].lstrip()]
    return [row[:start] + rest]


@dataclass(frozen=True, slots=True)
class Insert:
    fields: list[tuple[str, str]]
    flow: bool


def _anchor(parsed: Parsed, base: YPath, lines: list[str]) -> tuple[int, int, bool]:
    """Where missing fields go: after ``target`` (else the key result's last field), at the
    keys' column; for a one-line flow mapping, before its closing brace."""
    start = parsed.values[base]
    flow = lines[start[0] - 1][start[1] - 1 : start[1]] == "{"
    keys = [(p, s) for p, s in parsed.keys.items() if len(p) == len(base) + 1 and p[:-1] == base]
    chosen = next(((p, s) for p, s in keys if p[-1] == "target"), None)
    if chosen is None:
        chosen = max(keys, key=lambda ps: parsed.values[ps[0]][2:])
    path, key_span = chosen
    if flow:
        return start[2] - 1, 0, True
    return parsed.values[path][2] - 1, key_span[1] - 1, False


def check_in(doc: OkrDoc, edits: list[Edit]) -> CheckInResult:
    """Make the edits in ``doc``'s file, atomically, or change nothing and say why."""
    path = doc.path
    result = CheckInResult(path)
    try:
        with folder_lock(path.parent):
            before = path.stat()
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode()
            fresh = OkrDoc(path=path, rel=doc.rel, folder=doc.folder, stem=doc.stem)

            load_bytes(fresh, raw)
            validate_doc(fresh)
            if fresh.model is None:
                raise OkrError(
                    f"{doc.rel} has errors; run `okr lint {doc.rel}` and fix them "
                    "before checking in."
                )
            new_text = apply(text, edits)
            _verify(fresh, new_text, edits, result)
            if new_text == text:
                result.confirmed.clear()  # already checked in so today: nothing to record
                return result
            result.written = True
            data = new_text.encode()
            if raw.startswith(b"\xef\xbb\xbf"):
                data = b"\xef\xbb\xbf" + data
            # the repository holding the file: nothing below it is written through a link
            depth = len(Path(doc.rel).parts)
            fits = path.as_posix().endswith("/" + doc.rel) and depth <= len(path.parents)
            root = path.parents[depth - 1] if fits else path.parent
            atomic_write(path, data, within=root, unchanged_since=before)
    except FileChangedError:
        raise OkrError(
            f"{doc.rel} changed on disk while okr was writing it; nothing was "
            "written. Run the check-in again."
        ) from None
    except OSError as exc:
        raise OkrError(
            f"cannot write {doc.rel}: {(exc.strerror or str(exc)).lower()}; the file "
            "was left as it was."
        ) from None
    return result


def _verify(doc: OkrDoc, new_text: str, edits: list[Edit], result: CheckInResult) -> None:
    """Parse the edited text: the edited fields hold the new values, all else is unchanged."""

    assert doc.model is not None
    new_model, problems = validate(OkrFile, parse(new_text))
    if new_model is None:
        raise OkrError(
            f"the check-in would make {doc.rel} invalid ({problems[0].message}); "
            "nothing was written."
        )
    expected = doc.model.model_dump()
    for e in edits:
        o = doc.model.objectives[e.objective]
        k = o.key_results[e.kr]
        fields = expected["objectives"][e.objective]["key_results"][e.kr]
        for name, text in e.values.items():
            old = getattr(k, name)
            new = None if text is None else parse(f"v: {text}\n").data["v"]
            fields[name] = new
            ref = f"{o.id}/{k.id}"
            if name == "checked":
                continue
            if old is None or new is None or isinstance(old, str) or isinstance(new, str):
                same = old == new
            else:
                same = Decimal(str(old)) == Decimal(str(new))
            if not same:
                result.changes.append(Change(ref, name, show(old), show(new)))
            elif name == "current":
                result.confirmed.append((ref, show(old)))
    if new_model.model_dump() != expected:
        raise OkrError(
            f"okr could not edit {doc.rel} in place without changing something "
            "else; nothing was written. Please report this file's layout."
        )
