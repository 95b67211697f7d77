"""csv sources: a named column of the last row of a CSV file inside the repository."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from okrcli.sync.check import repo_file
from okrcli.sync.secrets import SourceError

MAX_BYTES = 64 * 1024 * 1024


def last_row(root: Path, rel: str) -> dict[str, str]:
    """The header and last row of ``rel`` as column -> cell."""
    path = repo_file(root, rel, "csv")
    try:
        if not path.is_file():
            raise SourceError(f"the CSV file '{rel}' does not exist in the repository.")
        if os.path.getsize(path) > MAX_BYTES:
            raise SourceError(f"the CSV file '{rel}' is larger than {MAX_BYTES:,} bytes.")
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            last = None
            for row in reader:
                if any(cell.strip() for cell in row):
                    last = row
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
    return {name: (last[i] if i < len(last) else "") for i, name in enumerate(names)}


def cell(row: dict[str, str], rel: str, column: str) -> str:
    if column not in row:
        known = ", ".join(list(row)[:10])
        raise SourceError(f"the CSV file '{rel}' has no column '{column}' (it has: {known}).")
    value = row[column]
    if not value.strip():
        raise SourceError(f"the last row of '{rel}' has no value in '{column}'.")
    return value
