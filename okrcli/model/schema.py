"""Export the models as JSON Schema files for editors (yaml-language-server) and CI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from okrcli.errors import OkrError
from okrcli.fsutil import atomic_write, open_regular
from okrcli.model.config import Config
from okrcli.model.okr import OkrFile
from okrcli.model.org import Org

SCHEMAS: dict[str, type[BaseModel]] = {
    "okr-file.schema.json": OkrFile,
    "org.schema.json": Org,
    "okr-config.schema.json": Config,
}
DRAFT = "http://json-schema.org/draft-07/schema#"


def _draft7(node: Any) -> Any:
    """Rewrite pydantic's 2020-12 output into draft-07 keywords editors understand."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$defs":
                out["definitions"] = _draft7(v)
            elif k == "$ref" and isinstance(v, str):
                out[k] = v.replace("#/$defs/", "#/definitions/")
            else:
                out[k] = _draft7(v)
        return out
    if isinstance(node, list):
        return [_draft7(v) for v in node]
    return node


def schema_of(model: type[BaseModel], filename: str) -> dict[str, Any]:
    body = _draft7(model.model_json_schema(by_alias=True, mode="validation"))
    return {"$schema": DRAFT, "$id": filename, **body}


def render(model: type[BaseModel], filename: str) -> str:
    return json.dumps(schema_of(model, filename), indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path, *, check: bool = False) -> list[str]:
    """Write (or with ``check`` only compare) every schema; returns the names that changed."""
    changed = []
    for name, model in SCHEMAS.items():
        text = render(model, name)
        path = folder / name
        current = _current(path)
        if current == text:
            continue
        changed.append(name)
        if check:
            continue
        try:
            atomic_write(path, text, within=Path.cwd())
        except OSError as exc:
            raise OkrError(f"cannot write {path}: {exc.strerror or exc}.") from None
    return changed


def _current(path: Path) -> str | None:
    """The schema file's text, when it is a regular file (a link or a pipe is never read)."""
    try:
        fd = open_regular(str(path))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read().decode("utf-8", "replace")
