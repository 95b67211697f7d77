"""The bundled report templates ship compiled (okrcli/report/precompiled.py): the shipped code
is what Jinja2 would compile, and it is used only where it must be the same."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from okrcli.render import templates_dir
from okrcli.report import precompiled
from okrcli.report.render import Renderer, environment

BUNDLED = templates_dir() / "report"


def _code_file(renderer: Renderer) -> str:
    assert renderer._template is not None
    return renderer._template.root_render_func.__code__.co_filename


@pytest.mark.parametrize("name", precompiled.NAMES)
def test_the_shipped_code_is_what_jinja_compiles_today(name: str) -> None:
    """Run scripts/compile-templates when this fails. With another Jinja2 release than the
    one that compiled it (the newest-releases job), the shipped code must go unused."""
    source = (BUNDLED / name).read_text("utf-8")
    shipped = precompiled.module_path(name).read_text("utf-8")
    fresh = precompiled.compiled_source(environment([]), name, source)
    if f"Jinja2 {jinja2.__version__}," in shipped.partition("\n")[0]:
        assert shipped == fresh
        assert _code_file(Renderer(name=name)) == str(precompiled.module_path(name))
    else:
        assert _code_file(Renderer(name=name)) != str(precompiled.module_path(name))


def test_the_switch_compiles_the_bundled_templates_at_run_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = str(precompiled.module_path("report.md.j2"))
    if _code_file(Renderer()) != shipped:
        pytest.fail("the shipped code is not in use: run scripts/compile-templates")
    monkeypatch.setenv(precompiled.SWITCH, "1")
    renderer = Renderer()
    assert _code_file(renderer) != shipped
    data_free = Renderer(name="summary.md.j2")
    assert _code_file(data_free) != str(precompiled.module_path("summary.md.j2"))


def test_shipped_code_is_used_only_for_the_unchanged_bundled_file(tmp_path: Path) -> None:
    source = (BUNDLED / "report.md.j2").read_text("utf-8")
    bundled = str(BUNDLED)
    assert precompiled._shipped(bundled, str(BUNDLED / "report.md.j2"), source) is not None
    # the same name with other text, or the same text elsewhere (a repository's copy)
    assert precompiled._shipped(bundled, str(BUNDLED / "report.md.j2"), source + "x") is None
    copy = tmp_path / "report.md.j2"
    copy.write_text(source)
    assert precompiled._shipped(bundled, str(copy), source) is None


def test_a_repository_template_of_the_same_name_is_compiled_from_its_own_text(
    tmp_path: Path,
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "report.md.j2").write_text("own {{ 1 + 1 }}")
    renderer = Renderer(repo_templates=own)
    assert renderer.render({}) == "own 2"
    assert _code_file(renderer) != str(precompiled.module_path("report.md.j2"))


def test_nothing_is_written_where_templates_are_read(tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "extra.md.j2").write_text("{% extends 'okr/report.md.j2' %}")
    Renderer(repo_templates=own, name="extra.md.j2")
    assert [p.name for p in tmp_path.rglob("*")] == ["templates", "extra.md.j2"]
