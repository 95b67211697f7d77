"""okr lsp end to end: a real LSP client (pytest-lsp) starts ``okr lsp`` over stdio, opens and
edits buffers of a repository, and reads what the server publishes and answers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from okrcli.lsp.workspace import from_units, to_units
from okrcli.rules.base import EXAMPLE_ORG
from tests.conftest import git, okr, write_repo

pytestmark = pytest.mark.slow

GOOD = """\
unit: checkout
quarter: 2026-Q4
objectives:
  - id: effortless-checkout
    title: Make checkout effortless for returning customers
    commitment: committed
    owner: dana
    aligns_to: [strategy/retention]
    key_results:
      - id: conversion
        title: Raise checkout conversion of returning customers
        baseline: 30
        target: 34
        current: 32
      - id: repeat-time
        title: Cut median time to complete a repeat order
        baseline: 95
        target: 60
"""

SEARCH = """\
unit: search
quarter: 2026-Q4
objectives:
  - id: find-fast
    title: Help customers find what they came for at once
    aligns_to: [checkout/effortless-checkout]
    key_results:
      - id: zero-results
        title: Cut searches that return nothing
        baseline: 12
        target: 6
"""

# an emoji (two UTF-16 units, one code point) before the broken reference on its line
BROKEN_LINE = (
    '  - {id: find-fast, title: "\U0001f680 Help customers find what they came for", '
    "aligns_to: [checkout/effortless-checkou],"
)
BROKEN = f"""\
unit: search
quarter: 2026-Q4
objectives:
{BROKEN_LINE}
     key_results: [{{id: zero-results, title: Cut searches that return nothing,
                     baseline: 12, target: 6}}]}}
"""


def _repo(root: Path) -> Path:
    write_repo(
        root,
        {"okrs/2026-Q4/checkout.yaml": GOOD, "okrs/2026-Q4/search.yaml": SEARCH},
        EXAMPLE_ORG,
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", when="2026-10-05T10:00:00+00:00")
    return root


SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "okrcli", "lsp"])


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> Any:
    root = _repo(request.getfixturevalue("tmp_path") / "repo")
    opts = dict(getattr(request, "param", None) or {})
    capabilities = pytest_lsp.client_capabilities("visual-studio-code")
    encoding = opts.pop("encoding", None)
    if encoding is not None:  # a client that counts columns in UTF-8 bytes, as Neovim can
        capabilities.general = t.GeneralClientCapabilities(position_encodings=[encoding])
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            initialization_options={"debounceMs": 20, **opts},
        )
    )
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _uri(client: LanguageClient, rel: str) -> str:
    return (client.root / rel).as_uri()  # type: ignore[attr-defined]


async def _open(client: LanguageClient, rel: str, text: str | None = None) -> str:
    uri = _uri(client, rel)
    if text is None:
        text = (client.root / rel).read_text("utf-8")  # type: ignore[attr-defined]
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "yaml", 1, text))
    )
    return uri


async def _diagnostics(client: LanguageClient, uri: str, want: Any = None) -> list[t.Diagnostic]:
    """The diagnostics published for ``uri`` once ``want`` holds of them (10 s at most)."""
    for _ in range(200):
        found = client.diagnostics.get(uri)
        if found is not None and (want is None or want(found)):
            return list(found)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics as expected for {uri}: {client.diagnostics.get(uri)}")


def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


# --- diagnostics ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_lsp_publishes_lint_findings_with_utf16_positions(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", BROKEN)
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "OKR006" for d in ds))
    broken = [d for d in found if d.code == "OKR006"]
    line_no = BROKEN.splitlines().index(BROKEN_LINE)
    line = BROKEN_LINE
    ref = "checkout/effortless-checkou"
    col = line.index(ref)
    assert len(broken) == 1
    d = broken[0]
    assert d.range.start.line == line_no
    # the emoji is one code point but two UTF-16 units: the finding starts one unit later
    assert d.range.start.character == col + 1
    assert d.range.end.character == col + 1 + len(ref)
    assert d.severity == t.DiagnosticSeverity.Error
    assert d.source == "okr"
    assert d.code_description is not None and "okr006" in d.code_description.href
    assert d.data["facts"]["closest"] == ["checkout/effortless-checkout"]


@pytest.mark.asyncio
@pytest.mark.parametrize("client", [{"encoding": "utf-8"}], indirect=True)
async def test_lsp_positions_in_utf8_when_the_client_asks(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", BROKEN)
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "OKR006" for d in ds))
    [d] = [d for d in found if d.code == "OKR006"]
    start = BROKEN_LINE.index("checkout/effortless-checkou")
    assert d.range.start.character == len(BROKEN_LINE[:start].encode("utf-8"))  # emoji: 4


@pytest.mark.asyncio
async def test_lsp_findings_match_okr_lint(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    (root / "okrs/2026-Q4/search.yaml").write_text(BROKEN, "utf-8")
    uri = await _open(client, "okrs/2026-Q4/search.yaml")
    found = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    run = okr("lint", "--format", "json", "okrs/2026-Q4/search.yaml", cwd=root)
    import json

    expected = (
        {(x["code"], x["line"] - 1) for x in json.loads(run.stdout)["diagnostics"]}
        if run.stdout.startswith("{")
        else {(x["code"], x["line"] - 1) for x in json.loads(run.stdout)}
    )
    assert {(d.code, d.range.start.line) for d in found} == expected


@pytest.mark.asyncio
async def test_lsp_change_rechecks_the_buffers_that_depend_on_it(client: LanguageClient) -> None:
    search = await _open(client, "okrs/2026-Q4/search.yaml")
    checkout = await _open(client, "okrs/2026-Q4/checkout.yaml")
    await _diagnostics(client, search)
    assert not any(d.code == "OKR006" for d in client.diagnostics[search])
    # renaming the objective in checkout's unsaved buffer breaks search's reference
    _change(client, checkout, 2, GOOD.replace("id: effortless-checkout", "id: smooth-checkout"))
    found = await _diagnostics(client, search, lambda ds: any(d.code == "OKR006" for d in ds))
    assert [d.data["facts"]["reference"] for d in found if d.code == "OKR006"] == [
        "checkout/effortless-checkout"
    ]
    # and renaming it back clears it
    _change(client, checkout, 3, GOOD)
    await _diagnostics(client, search, lambda ds: not any(d.code == "OKR006" for d in ds))


@pytest.mark.asyncio
async def test_lsp_leaves_schema_errors_to_yaml_language_server(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", SEARCH.replace("title:", "titel:", 1))
    await asyncio.sleep(0.5)
    found = await _diagnostics(client, uri)
    assert not any(d.code == "OKR002" for d in found)


@pytest.mark.asyncio
@pytest.mark.parametrize("client", [{"schemaErrors": True}], indirect=True)
async def test_lsp_reports_schema_errors_when_asked(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", SEARCH.replace("title:", "titel:", 1))
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "OKR002" for d in ds))
    assert any("titel" in d.message for d in found if d.code == "OKR002")


@pytest.mark.asyncio
async def test_lsp_survives_hostile_buffers(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml")
    await _diagnostics(client, uri)
    hostile = [
        "unit: [search\n  quarter: {",  # invalid YAML mid-typing
        "a: " + "[" * 5000 + "]" * 5000,  # deeply nested
        "unit: search\n" + "# x\n" * 300_000,  # megabytes long
        "unit: \x00\x1b[31msearch\x07\n",  # control characters
    ]
    for n, text in enumerate(hostile, start=2):
        _change(client, uri, n, text)
        found = await _diagnostics(client, uri, lambda ds: all(d.code == "OKR001" for d in ds))
        assert all(d.code == "OKR001" for d in found)
    # a request at a position past the end, and hover on the hostile buffer: no crash
    await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(10**6, 10**6))
    )
    # a request about a file that does not exist: an error answer or none, nothing more
    nowhere = _uri(client, "okrs/2026-Q4/nowhere.yaml")
    try:
        answer = await client.text_document_definition_async(
            t.DefinitionParams(t.TextDocumentIdentifier(nowhere), t.Position(0, 0))
        )
    except Exception as exc:  # the error response, raised by the client
        assert "nowhere" in str(exc) or "No such file" in str(exc) or "rror" in str(exc)
    else:
        assert answer is None
    # the server still answers and lints
    _change(client, uri, 99, SEARCH)
    found = await _diagnostics(
        client, uri, lambda ds: ds and not any(d.code == "OKR001" for d in ds)
    )
    assert {d.code for d in found} == {"OKR201", "OKR401"}
    # a file deleted under an open buffer
    (client.root / "okrs/2026-Q4/checkout.yaml").unlink()  # type: ignore[attr-defined]
    _change(client, uri, 100, SEARCH + "\n")
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "OKR006" for d in ds))
    assert any(d.code == "OKR006" for d in found)
    # and the server wrote no file of the repository
    root: Path = client.root  # type: ignore[attr-defined]
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    assert status.split() == ["D", "okrs/2026-Q4/checkout.yaml"]


@pytest.mark.asyncio
async def test_lsp_clears_diagnostics_on_close(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", BROKEN)
    await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri)))
    await _diagnostics(client, uri, lambda ds: len(ds) == 0)


# --- hover, completion, navigation, actions ---------------------------------------------------


def _pos(text: str, needle: str, offset: int = 0) -> t.Position:
    for n, line in enumerate(text.splitlines()):
        if needle in line:
            return t.Position(n, to_units(line, line.index(needle) + offset, "utf-16"))
    raise AssertionError(needle)


@pytest.mark.asyncio
async def test_lsp_hover_explains_the_rule_and_names_the_objective(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", BROKEN)
    await _diagnostics(client, uri, lambda ds: any(d.code == "OKR006" for d in ds))
    hover = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri), _pos(BROKEN, "effortless-checkou", 3))
    )
    assert hover is not None
    assert "OKR006 broken-reference" in hover.contents.value  # type: ignore[union-attr]
    assert "Bad:" in hover.contents.value  # type: ignore[union-attr]
    _change(client, uri, 2, SEARCH)
    await _diagnostics(client, uri, lambda ds: ds and not any(d.code == "OKR006" for d in ds))
    hover = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri), _pos(SEARCH, "checkout/effortless", 2))
    )
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "Make checkout effortless for returning customers" in text
    assert "owner: dana" in text
    assert "score so far: 0.25" in text  # conversion 0.5, repeat-time 0 (no current yet)


@pytest.mark.asyncio
async def test_lsp_hover_on_a_key_result_shows_its_score_and_last_checkin(
    client: LanguageClient,
) -> None:
    uri = await _open(client, "okrs/2026-Q4/checkout.yaml")
    await _diagnostics(client, uri)
    hover = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri), _pos(GOOD, "id: conversion", 5))
    )
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "score: 0.50" in text
    assert "last check-in: 2026-10-05" in text
    # a check-in committed: HEAD moves, and the history is read again
    root: Path = client.root  # type: ignore[attr-defined]
    checked_in = GOOD.replace("current: 32", "current: 33")
    (root / "okrs/2026-Q4/checkout.yaml").write_text(checked_in, "utf-8")
    git(root, "commit", "-qam", "check-in", when="2026-11-02T10:00:00+00:00")
    _change(client, uri, 2, checked_in)
    await _diagnostics(client, uri, lambda ds: client.diagnostics.get(uri) is not None)
    for _ in range(100):
        hover = await client.text_document_hover_async(
            t.HoverParams(t.TextDocumentIdentifier(uri), _pos(GOOD, "id: conversion", 5))
        )
        if hover is not None and "2026-11-02" in hover.contents.value:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.05)
    assert hover is not None
    assert "last check-in: 2026-11-02" in hover.contents.value  # type: ignore[union-attr]
    assert "score: 0.75" in hover.contents.value  # type: ignore[union-attr]
    # the history was read twice, and no cache file was written for it: the server writes
    # no file at all
    caches = root / ".git" / "okrcli"
    assert not caches.exists() or not any(caches.iterdir()), sorted(caches.iterdir())


@pytest.mark.asyncio
async def test_lsp_completes_references_units_and_values(client: LanguageClient) -> None:
    text = SEARCH.replace(
        "    aligns_to: [checkout/effortless-checkout]\n", "    aligns_to:\n      - \n"
    )
    uri = await _open(client, "okrs/2026-Q4/search.yaml", text)
    await _diagnostics(client, uri)
    lines = text.splitlines()
    n = lines.index("      - ")
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(n, 8))
    )
    assert got is not None
    items = got.items if isinstance(got, t.CompletionList) else got
    labels = {i.label: i.detail for i in items}
    assert (
        labels["checkout/effortless-checkout"] == "Make checkout effortless for returning customers"
    )
    assert "strategy/retention" in labels
    # a reference half typed, slash included, is replaced whole
    typed = text.replace("      - \n", "      - checkout/eff\n")
    _change(client, uri, 2, typed)
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(n, 20))
    )
    items = got.items if isinstance(got, t.CompletionList) else got  # type: ignore[union-attr]
    [item] = [i for i in items if i.label == "checkout/effortless-checkout"]
    assert isinstance(item.text_edit, t.TextEdit)
    assert item.text_edit.range == t.Range(t.Position(n, 8), t.Position(n, 20))
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(0, 6))
    )
    items = got.items if isinstance(got, t.CompletionList) else got  # type: ignore[union-attr]
    assert {"checkout", "search", "payments"} <= {i.label for i in items}
    text2 = text.replace("    title: Help", "    commitment: \n    title: Help")
    _change(client, uri, 3, text2)
    n = text2.splitlines().index("    commitment: ")
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(n, 16))
    )
    items = got.items if isinstance(got, t.CompletionList) else got  # type: ignore[union-attr]
    assert {i.label for i in items} == {"aspirational", "committed"}


@pytest.mark.asyncio
async def test_lsp_definition_references_and_symbols(client: LanguageClient) -> None:
    search = await _open(client, "okrs/2026-Q4/search.yaml")
    checkout = await _open(client, "okrs/2026-Q4/checkout.yaml")
    await _diagnostics(client, search)
    found = await client.text_document_definition_async(
        t.DefinitionParams(t.TextDocumentIdentifier(search), _pos(SEARCH, "checkout/effortless", 3))
    )
    assert isinstance(found, t.Location)
    assert found.uri == checkout
    assert found.range.start.line == GOOD.splitlines().index("  - id: effortless-checkout")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(checkout),
            position=_pos(GOOD, "effortless-checkout", 2),
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None
    assert [(r.uri, r.range.start.line) for r in refs] == [
        (search, SEARCH.splitlines().index("    aligns_to: [checkout/effortless-checkout]"))
    ]
    syms = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(t.TextDocumentIdentifier(checkout))
    )
    assert syms is not None
    assert [(s.name, [c.name for c in s.children or []]) for s in syms] == [  # type: ignore[union-attr]
        ("effortless-checkout", ["conversion", "repeat-time"])
    ]


@pytest.mark.asyncio
async def test_lsp_code_actions_fix_and_suppress(client: LanguageClient) -> None:
    uri = await _open(client, "okrs/2026-Q4/search.yaml", BROKEN)
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "OKR006" for d in ds))
    d = next(d for d in found if d.code == "OKR006")
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(t.TextDocumentIdentifier(uri), d.range, t.CodeActionContext([d]))
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, t.CodeAction)}
    fix = by_title["Change to 'checkout/effortless-checkout'"]
    assert fix.edit is not None and fix.edit.changes is not None
    assert fix.edit.changes[uri][0].new_text == "checkout/effortless-checkout"
    assert fix.edit.changes[uri][0].range == d.range
    sup = by_title["Suppress OKR006 on this line"].edit
    assert sup is not None and sup.changes is not None
    assert sup.changes[uri][0].new_text == "  # okr: disable=OKR006"
    fixed = _apply(BROKEN, fix.edit.changes[uri])
    _change(client, uri, 2, fixed)
    await _diagnostics(client, uri, lambda ds: not any(x.code == "OKR006" for x in ds))
    # suppression: the finding goes
    _change(client, uri, 3, _apply(BROKEN, sup.changes[uri]))
    await _diagnostics(client, uri, lambda ds: not any(x.code == "OKR006" for x in ds))
    # fix-all applies the safe fix
    _change(client, uri, 4, BROKEN)
    await _diagnostics(client, uri, lambda ds: any(x.code == "OKR006" for x in ds))
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(uri),
            t.Range(t.Position(0, 0), t.Position(0, 0)),
            t.CodeActionContext([], only=["source.fixAll.okr"]),
        )
    )
    assert actions is not None
    [fix_all] = [a for a in actions if isinstance(a, t.CodeAction)]
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    assert _apply(BROKEN, fix_all.edit.changes[uri]) == fixed


def _apply(text: str, edits: list[t.TextEdit]) -> str:
    lines = text.split("\n")
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        n = e.range.start.line
        line = lines[n]
        a = from_units(line, e.range.start.character, "utf-16")
        b = from_units(line, e.range.end.character, "utf-16")
        lines[n] = line[:a] + e.new_text + line[b:]
    return "\n".join(lines)


# --- without the extra ------------------------------------------------------------------------


def test_lsp_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    # a Python that cannot import pygls: a module finder that refuses it
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _No:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pygls', 'lsprotocol'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, _No())\n",
        "utf-8",
    )
    import os

    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    run = subprocess.run(
        [sys.executable, "-m", "okrcli", "lsp"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert run.returncode == 2
    assert "pip install 'okrcli[lsp]'" in run.stderr
    assert "Traceback" not in run.stderr


# --- through a real editor: Neovim, headless -------------------------------------------------

NVIM_SCRIPT = """\
local id = vim.lsp.start_client({
  name = "okr",
  cmd = vim.fn.json_decode(vim.env.OKR_LSP_CMD),
  root_dir = vim.env.OKR_ROOT,
})
vim.lsp.buf_attach_client(0, id)
vim.wait(30000, function()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.message:find("broken", 1, true) or d.message:find("names no", 1, true) then
      return true
    end
  end
  return false
end, 100)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(out, {code = d.code or lsp.code, lnum = d.lnum, col = d.col, message = d.message})
end
vim.fn.writefile({vim.fn.json_encode(out)}, vim.env.OKR_OUT)
vim.cmd("qa!")
"""


@pytest.mark.integration
def test_lsp_diagnostics_show_in_neovim(tmp_path: Path) -> None:
    import json
    import os
    import shutil

    from tests.conftest import need_program

    nvim = shutil.which("nvim")
    need_program(nvim is not None, "nvim (Debian package neovim)")
    assert nvim is not None
    root = _repo(tmp_path / "repo")
    target = root / "okrs/2026-Q4/search.yaml"
    target.write_text(BROKEN, "utf-8")
    script = tmp_path / "okr.lua"
    script.write_text(NVIM_SCRIPT, "utf-8")
    out = tmp_path / "diagnostics.json"
    env = {
        **os.environ,
        "OKR_LSP_CMD": json.dumps([sys.executable, "-m", "okrcli", "lsp"]),
        "OKR_ROOT": str(root),
        "OKR_OUT": str(out),
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    subprocess.run(
        [nvim, "--headless", "--clean", "-n", str(target), "-c", f"luafile {script}"],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    shown = json.loads(out.read_text("utf-8"))
    broken = [d for d in shown if d["code"] == "OKR006"]
    assert len(broken) == 1, shown
    line_no = BROKEN.splitlines().index(BROKEN_LINE)
    start = BROKEN_LINE.index("checkout/effortless-checkou")
    assert broken[0]["lnum"] == line_no
    # Neovim counts bytes: the emoji's four UTF-8 bytes, from the server's UTF-16 position
    assert broken[0]["col"] == len(BROKEN_LINE[:start].encode("utf-8"))


@pytest.mark.asyncio
async def test_lsp_points_to_the_other_file_of_a_finding(client: LanguageClient) -> None:
    # checkout pushes a metric up while search pushes it down: each finding names the other
    up = GOOD.replace(
        "        title: Raise checkout conversion of returning customers\n",
        "        title: Raise checkout conversion of returning customers\n"
        "        metric: checkout-conversion\n",
    )
    down = SEARCH.replace(
        "        title: Cut searches that return nothing\n",
        "        title: Cut searches that return nothing\n        metric: checkout-conversion\n",
    )
    checkout = await _open(client, "okrs/2026-Q4/checkout.yaml", up)
    search = await _open(client, "okrs/2026-Q4/search.yaml", down)
    found = await _diagnostics(client, search, lambda ds: any(d.related_information for d in ds))
    [conflict] = [d for d in found if d.related_information]
    assert conflict.data["facts"]["others"] == ["checkout/effortless-checkout/conversion"]
    [where] = conflict.related_information or []
    assert where.location.uri == checkout
    assert where.location.range.start.line == up.splitlines().index("      - id: conversion")


@pytest.mark.asyncio
async def test_lsp_code_action_fixes_a_misspelled_key(client: LanguageClient) -> None:
    typo = SEARCH.replace("    title: Help", "    titel: Help")
    uri = await _open(client, "okrs/2026-Q4/search.yaml", typo)
    await _diagnostics(client, uri)
    n = typo.splitlines().index("    titel: Help customers find what they came for at once")
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(uri),
            t.Range(t.Position(n, 6), t.Position(n, 6)),
            t.CodeActionContext([]),
        )
    )
    assert actions is not None
    [fix] = [a for a in actions if isinstance(a, t.CodeAction) and "titel" in a.title]
    assert fix.title == "Change 'titel' to 'title'"
    assert fix.edit is not None and fix.edit.changes is not None
    assert _apply(typo, fix.edit.changes[uri]) == SEARCH
    # nothing is offered on a line without a misspelled key
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(uri),
            t.Range(t.Position(0, 0), t.Position(0, 0)),
            t.CodeActionContext([]),
        )
    )
    assert not [a for a in actions or [] if "Change" in a.title]


# --- format 1.2: annual and multi-year periods, shared objectives ------------------------------
#
# A repository whose fiscal year starts in October (okr.yaml), with acme's years 2025 and 2026,
# a span 2024-2098 holding both, a span 2027-2029 holding neither, checkout's year 2025 and its
# quarter 2025-Q3. The quarter 2025-Q3 (fiscal: April to June 2025) lies in the year 2025 and in
# the span 2024-2098 only; the year 2025 in the span 2024-2098 only.

PERIODS_ORG = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: checkout, name: Checkout, level: team, parent: acme}
  - {id: search, name: Search, level: team, parent: acme}
  - {id: design, name: Product Design, level: team, parent: acme, role: enabling}
strategy:
  - {id: retention, title: Grow the lifetime value of the customers we have}
"""


def _acme(period: str, objective: str, title: str, current: str = "106") -> str:
    field = "years" if "-" in period else "year"
    return f"""\
unit: acme
{field}: {period}
objectives:
  - id: {objective}
    title: {title}
    aligns_to: [strategy/retention]
    key_results:
      - id: nrr
        title: Raise net revenue retention
        indicator: lagging
        baseline: 100
        target: 112
        current: {current}
      - id: repeat
        title: Raise the share of customers who order again within 90 days
        indicator: leading
        baseline: 28
        target: 38
        current: 38
      - id: nps
        title: Raise the Net Promoter Score of repeat customers
        indicator: lagging
        baseline: 30
        target: 50
        current: 50
"""


ACME_2025 = _acme("2025", "loyal-customers", "Make Acme the shop our customers come back to")
ACME_2026 = _acme("2026", "win-enterprise", "Win the enterprise shops of our region")
ACME_SPAN = _acme("2024-2098", "beloved-brand", "Be the shop people recommend", "112")
ACME_LATER = _acme("2027-2029", "future-vision", "Sell in every city of the country")

CHECKOUT_YEAR = """\
unit: checkout
year: 2025
objectives:
  - id: checkout-year
    title: Make checkout the easiest part of shopping with us
    aligns_to: [acme/loyal-customers, acme/beloved-brand@2024-2098]
    shared_with: [search]
    key_results:
      - id: conversion
        title: Raise checkout conversion of returning customers
        owner: checkout
        baseline: 30
        target: 34
      - id: found
        title: Raise the share of searches that end in an order
        owner: search
        baseline: 20
        target: 30
      - id: repeat-time
        title: Cut median time to complete a repeat order
        owner: shared
        baseline: 95
        target: 60
"""

CHECKOUT_Q3 = """\
unit: checkout
quarter: 2025-Q3
objectives:
  - id: effortless-reorder
    title: Make ordering again effortless for returning customers
    aligns_to: [acme/loyal-customers@2025, acme/beloved-brand@2024-2098]
    key_results:
      - {id: saved-card, title: Raise repeat orders paid by saved card, baseline: 40, target: 50}
      - {id: reorder-time, title: Cut median time to reorder, baseline: 95, target: 60}
      - {id: reorder-errors, title: Lower failed repeat orders, baseline: 2.4, target: 1.0}
"""

PERIOD_FILES = {
    "okr.yaml": "fiscal_year_start_month: 10\n",
    "okrs/2025/acme.yaml": ACME_2025,
    "okrs/2026/acme.yaml": ACME_2026,
    "okrs/2024-2098/acme.yaml": ACME_SPAN,
    "okrs/2027-2029/acme.yaml": ACME_LATER,
    "okrs/2025/checkout.yaml": CHECKOUT_YEAR,
    "okrs/2025-Q3/checkout.yaml": CHECKOUT_Q3,
}


@pytest_lsp.fixture(config=SERVER)
async def periods(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> Any:
    root = write_repo(request.getfixturevalue("tmp_path") / "repo", PERIOD_FILES, PERIODS_ORG)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", when="2025-04-07T10:00:00+00:00")
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            initialization_options={"debounceMs": 20},
        )
    )
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def _labels(client: LanguageClient, uri: str, pos: t.Position) -> dict[str, str | None]:
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), pos)
    )
    items = got.items if isinstance(got, t.CompletionList) else got or []
    return {i.label: i.detail for i in items}


async def _hover(client: LanguageClient, uri: str, pos: t.Position) -> str:
    hover = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri), pos)
    )
    assert hover is not None
    return hover.contents.value  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_lsp_completes_references_to_enclosing_periods(periods: LanguageClient) -> None:
    client = periods
    quarter = CHECKOUT_Q3.replace(
        "    aligns_to: [acme/loyal-customers@2025, acme/beloved-brand@2024-2098]\n",
        "    aligns_to:\n      - \n",
    )
    uri = await _open(client, "okrs/2025-Q3/checkout.yaml", quarter)
    await _diagnostics(client, uri)
    n = quarter.splitlines().index("      - ")
    labels = await _labels(client, uri, t.Position(n, 8))
    refs = {label for label in labels if not label.startswith("strategy/")}
    # its year and the span holding it with @period (the quarter's own objectives bare: this
    # buffer's is not valid while typed), never 2026 nor 2027-2029, and never the year's
    # objectives without their @2025
    assert refs == {
        "acme/loyal-customers@2025",
        "checkout/checkout-year@2025",
        "acme/beloved-brand@2024-2098",
    }
    assert labels["acme/loyal-customers@2025"] == "Make Acme the shop our customers come back to"
    assert "strategy/retention" in labels
    # a year: its own year bare, the span with @; no quarter, no later year
    year = CHECKOUT_YEAR.replace(
        "    aligns_to: [acme/loyal-customers, acme/beloved-brand@2024-2098]\n",
        "    aligns_to: []\n",
    )
    year_uri = await _open(client, "okrs/2025/checkout.yaml", year)
    n = year.splitlines().index("    aligns_to: []")
    labels = await _labels(client, year_uri, t.Position(n, 16))
    assert {label for label in labels if not label.startswith("strategy/")} == {
        "acme/loyal-customers",
        "checkout/checkout-year",
        "acme/beloved-brand@2024-2098",
    }
    # after a typed @: the enclosing periods that hold the objective, the typed text replaced
    typed = quarter.replace("      - \n", "      - acme/loyal-customers@\n")
    _change(client, uri, 2, typed)
    n = typed.splitlines().index("      - acme/loyal-customers@")
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(n, 29))
    )
    items = got.items if isinstance(got, t.CompletionList) else got or []
    [item] = items
    assert item.label == "acme/loyal-customers@2025"
    assert isinstance(item.text_edit, t.TextEdit)
    assert item.text_edit.range == t.Range(t.Position(n, 8), t.Position(n, 29))
    # an objective no enclosing period holds (yet): every enclosing period, shortest first
    typed = quarter.replace("      - \n", "      - acme/new-goal@\n")
    _change(client, uri, 3, typed)
    got = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(n, 22))
    )
    items = got.items if isinstance(got, t.CompletionList) else got or []
    assert [i.label for i in items] == ["acme/new-goal@2025", "acme/new-goal@2024-2098"]


@pytest.mark.asyncio
async def test_lsp_hover_definition_and_references_across_periods(
    periods: LanguageClient,
) -> None:
    client = periods
    quarter = await _open(client, "okrs/2025-Q3/checkout.yaml")
    annual = await _open(client, "okrs/2025/acme.yaml")
    await _diagnostics(client, quarter)
    # hover on an @2025 reference: the year's objective, its score year to date; 2025 is over
    text = await _hover(client, quarter, _pos(CHECKOUT_Q3, "acme/loyal-customers@2025", 3))
    assert "**acme/loyal-customers@2025**: Make Acme the shop our customers come back to" in text
    # nrr (106 - 100) / 12 = 0.50, repeat 1.00, nps 1.00: (0.50 + 1 + 1) / 3 = 0.83
    assert "score year to date: 0.83" in text
    assert "year 2025 is over" in text
    # the span 2024-2098 runs; every key result at its target is on track whatever the day
    text = await _hover(client, quarter, _pos(CHECKOUT_Q3, "acme/beloved-brand@2024-2098", 3))
    assert "**acme/beloved-brand@2024-2098**: Be the shop people recommend" in text
    assert "score so far: 1.00" in text
    assert "pace: on track" in text
    # hover on an annual key result, as on a quarterly one
    text = await _hover(client, annual, _pos(ACME_2025, "id: nrr", 5))
    assert "**loyal-customers/nrr**: Raise net revenue retention" in text
    assert "score: 0.50" in text
    assert "indicator: lagging" in text
    assert "last check-in: 2025-04-07" in text
    # go to definition: the annual file's objective
    found = await client.text_document_definition_async(
        t.DefinitionParams(
            t.TextDocumentIdentifier(quarter), _pos(CHECKOUT_Q3, "acme/loyal-customers@2025", 3)
        )
    )
    assert isinstance(found, t.Location)
    assert found.uri == annual
    assert found.range.start.line == ACME_2025.splitlines().index("  - id: loyal-customers")
    found = await client.text_document_definition_async(
        t.DefinitionParams(
            t.TextDocumentIdentifier(quarter), _pos(CHECKOUT_Q3, "beloved-brand@2024-2098", 3)
        )
    )
    assert isinstance(found, t.Location)
    assert found.uri == _uri(client, "okrs/2024-2098/acme.yaml")
    # references from the annual objective: the quarter's (with @2025) and the year's (bare)
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(annual),
            position=_pos(ACME_2025, "loyal-customers", 2),
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None
    assert sorted((r.uri, r.range.start.line) for r in refs) == sorted(
        [
            (
                quarter,
                CHECKOUT_Q3.splitlines().index(
                    "    aligns_to: [acme/loyal-customers@2025, acme/beloved-brand@2024-2098]"
                ),
            ),
            (
                _uri(client, "okrs/2025/checkout.yaml"),
                CHECKOUT_YEAR.splitlines().index(
                    "    aligns_to: [acme/loyal-customers, acme/beloved-brand@2024-2098]"
                ),
            ),
        ]
    )
    # and from the span's objective: the quarter's and the year's, both with @2024-2098
    span = await _open(client, "okrs/2024-2098/acme.yaml")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(span),
            position=_pos(ACME_SPAN, "beloved-brand", 2),
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    assert sorted(r.uri for r in refs) == sorted(
        [span, quarter, _uri(client, "okrs/2025/checkout.yaml")]
    )
    # the 2026 objective: nothing aligns to it
    other = await _open(client, "okrs/2026/acme.yaml")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(other),
            position=_pos(ACME_2026, "win-enterprise", 2),
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    assert not refs


# an annual file with every format 1.2 finding: an unknown sharing unit (OKR008), an owner
# outside the sharing units (OKR008), a shared objective without coverage (OKR207), only
# lagging key results (OKR107) and a reference to a period that does not enclose it (OKR006)
CHECKOUT_YEAR_BAD = """\
unit: checkout
year: 2025
objectives:
  - id: checkout-year
    title: Make checkout the easiest part of shopping with us
    aligns_to: [acme/loyal-customers, acme/win-enterprise@2026]
    shared_with: [search, serach]
    key_results:
      - id: conversion
        title: Raise checkout conversion of returning customers
        indicator: lagging
        owner: checkout
        baseline: 30
        target: 34
      - id: found
        title: Raise the share of searches that end in an order
        indicator: lagging
        owner: design
        baseline: 20
        target: 30
      - id: repeat-time
        title: Cut median time to complete a repeat order
        indicator: lagging
        owner: checkout
        baseline: 95
        target: 60
"""

SPAN_BAD = ACME_SPAN.replace(
    "    aligns_to: [strategy/retention]\n",
    "    aligns_to: [strategy/retention, acme/loyal-customers@2025]\n",
)


def _lint_json(root: Path, *rels: str) -> set[tuple[str, str, int, int]]:
    import json

    run = okr("lint", "--format", "json", *rels, cwd=root)
    assert run.returncode in (0, 1), run.stderr
    data = json.loads(run.stdout)
    rows = data["diagnostics"] if isinstance(data, dict) else data
    return {(x["path"], x["code"], x["line"] - 1, x["column"] - 1) for x in rows}


def _as_rows(rel: str, found: list[t.Diagnostic]) -> set[tuple[str, str, int, int]]:
    return {(rel, str(d.code), d.range.start.line, d.range.start.character) for d in found}


HOSTILE_TITLE = (
    "Come back ![x](https://evil.example/p.png) [go](javascript:alert(1)) "
    "<img src=x onerror=alert(1)> **loud**"
)


@pytest.mark.asyncio
async def test_lsp_hover_shows_titles_as_text(periods: LanguageClient) -> None:
    # a title from a pull request's branch: its image would load from elsewhere on hover,
    # its link and HTML render; the hover shows them as text
    client = periods
    hostile = ACME_2025.replace(
        "title: Make Acme the shop our customers come back to", f'title: "{HOSTILE_TITLE}"'
    ).replace("title: Raise net revenue retention", f'title: "Raise {HOSTILE_TITLE}"')
    annual = await _open(client, "okrs/2025/acme.yaml", hostile)
    quarter = await _open(client, "okrs/2025-Q3/checkout.yaml")
    await _diagnostics(client, annual)
    await _diagnostics(client, quarter)
    shown = (
        "Come back !\\[x\\](https\\://evil.example/p.png) \\[go\\](javascript:alert(1)) "
        "&lt;img src=x onerror=alert(1)&gt; \\*\\*loud\\*\\*"
    )
    texts = [
        await _hover(client, quarter, _pos(CHECKOUT_Q3, "acme/loyal-customers@2025", 3)),
        await _hover(client, annual, _pos(hostile, "id: nrr", 5)),
    ]
    assert f"**acme/loyal-customers@2025**: {shown}" in texts[0]
    assert f"**loyal-customers/nrr**: Raise {shown}" in texts[1]
    for text in texts:
        assert "![x](" not in text and "[go](" not in text
        assert "<img" not in text and "**loud" not in text


@pytest.mark.asyncio
async def test_lsp_diagnostics_in_annual_and_multi_year_files_match_okr_lint(
    periods: LanguageClient,
) -> None:
    client = periods
    root: Path = client.root  # type: ignore[attr-defined]
    rels = ("okrs/2025/checkout.yaml", "okrs/2024-2098/acme.yaml", "okrs/2025-Q3/checkout.yaml")
    # unsaved buffers first: the files on disk are still the good ones
    year = await _open(client, rels[0], CHECKOUT_YEAR_BAD)
    span = await _open(client, rels[1], SPAN_BAD)
    quarter_bad = CHECKOUT_Q3.replace("@2024-2098]", "@2027-2029]")
    quarter = await _open(client, rels[2], quarter_bad)
    want = {"OKR008", "OKR107", "OKR207", "OKR006"}
    found_year = await _diagnostics(client, year, lambda ds: want <= {d.code for d in ds})
    found_span = await _diagnostics(client, span, lambda ds: any(d.code == "OKR006" for d in ds))
    found_quarter = await _diagnostics(
        client, quarter, lambda ds: any(d.code == "OKR006" for d in ds)
    )
    # the same texts saved: okr lint says the same, finding for finding
    for rel, text in zip(rels, (CHECKOUT_YEAR_BAD, SPAN_BAD, quarter_bad), strict=True):
        (root / rel).write_text(text, "utf-8")
    expected = _lint_json(root, *rels)
    got = (
        _as_rows(rels[0], found_year)
        | _as_rows(rels[1], found_span)
        | _as_rows(rels[2], found_quarter)
    )
    assert got == expected
    assert {c for _, c, _, _ in expected} >= want
    # the period rules: each reference to a period that does not enclose the file's
    not_enclosing = {
        d.data["facts"]["reference"]
        for d in [*found_year, *found_span, *found_quarter]
        if d.code == "OKR006" and d.data["facts"]["problem"] == "not enclosing"
    }
    assert not_enclosing == {
        "acme/win-enterprise@2026",
        "acme/loyal-customers@2025",
        "acme/beloved-brand@2027-2029",
    }


@pytest.mark.asyncio
async def test_lsp_completes_owners_and_sharing_units(periods: LanguageClient) -> None:
    client = periods
    text = CHECKOUT_YEAR.replace("        owner: search\n", "        owner: \n")
    uri = await _open(client, "okrs/2025/checkout.yaml", text)
    await _diagnostics(client, uri)
    n = text.splitlines().index("        owner: ")
    labels = await _labels(client, uri, t.Position(n, 15))
    assert set(labels) == {"checkout", "search", "shared"}
    assert labels["search"] == "Search"
    # shared_with: the organisation's units but the file's own
    n = text.splitlines().index("    shared_with: [search]")
    labels = await _labels(client, uri, t.Position(n, 19))
    assert set(labels) == {"acme", "search", "design"}
    # an objective's owner is a person: nothing offered there
    with_owner = text.replace("    shared_with:", "    owner: \n    shared_with:")
    _change(client, uri, 2, with_owner)
    n = with_owner.splitlines().index("    owner: ")
    assert await _labels(client, uri, t.Position(n, 11)) == {}


@pytest.mark.asyncio
async def test_lsp_did_you_mean_for_periods_and_owners(periods: LanguageClient) -> None:
    client = periods
    # an objective mistyped with its period, a period that does not enclose the quarter, and
    # a key result owner mistyped: each finding's facts name the fix
    quarter_bad = CHECKOUT_Q3.replace(
        "[acme/loyal-customers@2025, acme/beloved-brand@2024-2098]",
        "[acme/loyal-customrs@2025, acme/beloved-brand@2026]",
    )
    year_bad = CHECKOUT_YEAR.replace("        owner: search\n", "        owner: serch\n")
    quarter = await _open(client, "okrs/2025-Q3/checkout.yaml", quarter_bad)
    year = await _open(client, "okrs/2025/checkout.yaml", year_bad)
    found = await _diagnostics(
        client, quarter, lambda ds: len([d for d in ds if d.code == "OKR006"]) == 2
    )
    closest = {
        d.data["facts"]["reference"]: d.data["facts"]["closest"]
        for d in found
        if d.code == "OKR006"
    }
    assert closest == {
        "acme/loyal-customrs@2025": ["acme/loyal-customers@2025"],
        "acme/beloved-brand@2026": ["acme/beloved-brand@2024-2098"],
    }
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(quarter),
            t.Range(t.Position(0, 0), t.Position(0, 0)),
            t.CodeActionContext([], only=["source.fixAll.okr"]),
        )
    )
    assert actions is not None
    [fix_all] = [a for a in actions if isinstance(a, t.CodeAction)]
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    fixed = _apply(quarter_bad, fix_all.edit.changes[quarter])
    assert fixed == CHECKOUT_Q3
    # the owner: OKR008's facts name the unit and the objective; the owners it allows
    found = await _diagnostics(client, year, lambda ds: any(d.code == "OKR008" for d in ds))
    [d] = [d for d in found if d.code == "OKR008"]
    assert d.data["facts"]["unit"] == "serch"
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(t.TextDocumentIdentifier(year), d.range, t.CodeActionContext([d]))
    )
    assert actions is not None
    [fix] = [a for a in actions if isinstance(a, t.CodeAction) and a.title.startswith("Change")]
    assert fix.title == "Change to 'search'"
    assert fix.edit is not None and fix.edit.changes is not None
    assert _apply(year_bad, fix.edit.changes[year]) == CHECKOUT_YEAR
    _change(client, year, 2, CHECKOUT_YEAR)
    await _diagnostics(client, year, lambda ds: not any(x.code == "OKR008" for x in ds))


@pytest.mark.asyncio
async def test_lsp_symbols_of_annual_and_multi_year_files(periods: LanguageClient) -> None:
    client = periods
    for rel, want in (
        ("okrs/2025/checkout.yaml", ("checkout-year", ["conversion", "found", "repeat-time"])),
        ("okrs/2024-2098/acme.yaml", ("beloved-brand", ["nrr", "repeat", "nps"])),
    ):
        uri = await _open(client, rel)
        syms = await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(t.TextDocumentIdentifier(uri))
        )
        assert syms is not None
        assert [
            (s.name, [c.name for c in s.children or []])  # type: ignore[union-attr]
            for s in syms
        ] == [want]
