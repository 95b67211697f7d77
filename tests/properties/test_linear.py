"""The index that finds alike key-result titles, property-based: the same first alike as
comparing every pair."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrcli.rules.indexes import first_alike
from tests.scaling.test_linear import alike_pairwise


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=8), max_size=25),
    st.floats(min_value=0.01, max_value=1.0),
)
def test_first_alike_property(sets: list[frozenset[str]], threshold: float) -> None:
    assert first_alike(sets, threshold) == alike_pairwise(sets, threshold)
