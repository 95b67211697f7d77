"""The bench's organisations are valid OKR repositories of the shapes it claims."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from okrcli.lint.run import LintRequest, lint
from okrcli.load.yamlsafe import MAX_BYTES
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import generate


def findings(root: Path) -> Counter[str]:
    result = lint(LintRequest(repo=root, cwd=root))
    return Counter(d.code for d in result.diagnostics)


def test_the_full_organisation_uses_every_field_and_lints_nearly_clean(tmp_path: Path) -> None:
    paths = generate.generate(120, tmp_path, "2026-Q4")
    assert len(paths) == 120
    text = "\n".join(p.read_text() for p in paths)
    for field in ("metric:", "depends_on:", "confidence:", "initiatives:", "binary: true"):
        assert field in text, field
    for field in ("direction: stay_above", "weight:", "owner:", "# from the weekly dashboard"):
        assert field in text, field
    krs = text.count("      - id: kr-")
    assert text.count("        metric: ") > 0.8 * krs  # most key results name a metric
    assert "/kr-" in text and "strategy/" in text  # aligned to key results and themes
    assert max(len(line) for line in text.splitlines()) > 200  # some long titles
    found = findings(tmp_path)
    assert not {c for c in found if c < "OKR3"}, found  # nothing wrong within a file
    assert sum(found.values()) <= 5, found


@pytest.mark.parametrize(
    ("shape", "n", "files"), [("krs", 300, 1), ("chain", 100, 10), ("wide", 60, 61)]
)
def test_the_pathological_shapes_lint_with_few_findings(
    tmp_path: Path, shape: str, n: int, files: int
) -> None:
    assert len(generate.generate(n, tmp_path, "2026-Q4", shape=shape)) == files
    found = findings(tmp_path)
    # one objective holding every key result breaks the count, and its key results' titles
    # are bare labels (k0, k1, ...: short, to fit the size cap), each read as a task; the
    # company of the wide organisation has a key result nobody moves
    expected = {"krs": {"OKR201": 1, "OKR303": 1, "OKR205": n}, "chain": {}, "wide": {}}[shape]
    assert found == Counter(expected), found


def test_units_sharing_one_metric_and_their_quarter(tmp_path: Path) -> None:
    generate.generate(300, tmp_path, shape="metric")
    quarter = generate.running_quarter()
    files = list((tmp_path / "okrs" / quarter).glob("*.yaml"))
    assert len(files) == 300 and all("metric: repeat-rate" in f.read_text() for f in files)
    assert generate.running_quarter(date(2027, 2, 1)) == "2027-Q1"
    assert findings(tmp_path) == Counter()


def test_twenty_thousand_key_results_fit_in_one_file(tmp_path: Path) -> None:
    (path,) = generate.generate(20_000, tmp_path, "2026-Q4", shape="krs")
    assert path.stat().st_size <= MAX_BYTES
    assert path.read_text().count("{id: k") == 20_000
