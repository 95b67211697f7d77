"""The safe YAML loader, property-based: any text loads or fails cleanly; documents are
named as pathlib names them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrcli.load.yamlsafe import YamlError, parse


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{},\n'\"&*!#%|>?\t0.1")), max_size=60))
def test_arbitrary_text_loads_or_fails_cleanly(text: str) -> None:
    try:
        result = parse(text)
    except YamlError as exc:
        assert exc.line >= 1 and exc.column >= 1
    else:
        assert () in result.values or result.data is None
        full = parse(text, positions=True)  # positions found later stand where parsing puts them
        assert result.values == full.values  # the values first, alone
        assert (result.values, result.keys) == (full.values, full.keys)


@pytest.mark.slow
@given(
    st.text(alphabet="ab.-_ é", min_size=1, max_size=8).filter(
        lambda s: s not in (".", "..") and "/" not in s
    )
)
def test_documents_are_named_as_pathlib_names_them(name: str) -> None:
    from pathlib import Path

    from okrcli.load.repo import _new_doc

    path = Path("/r/okrs/2026-Q4") / name
    doc = _new_doc(path, Path("/r"))
    assert (doc.folder, doc.stem, doc.rel) == (path.parent.name, path.stem, f"okrs/2026-Q4/{name}")
