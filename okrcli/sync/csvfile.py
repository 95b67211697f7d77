"""csv sources: a named column of the last row of a CSV file inside the repository."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from okrcli.sync.check import repo_file
from okrcli.sync.secrets import SourceError

MAX_BYTES = 64 * 1024 * 1024


class Row(dict[str, str]):
    """The last row of a CSV file, column -> cell, with the line it is on."""

    line: int = 0


def last_row(root: Path, rel: str) -> Row:
    """The header and last row of ``rel`` as column -> cell, and the row's line."""
    path = repo_file(root, rel, "csv")
    try:
        if not path.is_file():
            raise SourceError(f"the CSV file '{rel}' does not exist in the repository.")
        if os.path.getsize(path) > MAX_BYTES:
            raise SourceError(f"the CSV file '{rel}' is larger than {MAX_BYTES:,} bytes.")
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            last, line = None, 0
            for row in reader:
                if any(cell.strip() for cell in row):
                    last, line = row, reader.line_num
    except UnicodeDecodeError:
        raise SourceError(f"the CSV file '{rel}' is not UTF-8 text.") from None
    except csv.Error as exc:
        raise SourceError(f"the CSV file '{rel}' cannot be read: {exc}.") from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SourceError(f"the CSV file '{rel}' cannot be read ({reason}).") from None
    if header is None or last is None:
        raise SourceError(f"the CSV file '{rel}' has no data row under its header.")
    names = [h.strip() for h in header]
    out = Row({name: (last[i] if i < len(last) else "") for i, name in enumerate(names)})
    out.line = line
    return out


def where(row: Row, rel: str, column: str) -> str:
    """The cell named in messages: its column, its file and line."""
    return f"the cell '{column}' at {rel}:{row.line}"


def cell(row: dict[str, str], rel: str, column: str) -> str:
    if column not in row:
        known = ", ".join(list(row)[:10])
        raise SourceError(f"the CSV file '{rel}' has no column '{column}' (it has: {known}).")
    value = row[column]
    if not value.strip():
        raise SourceError(f"the last row of '{rel}' has no value in '{column}'.")
    return value
