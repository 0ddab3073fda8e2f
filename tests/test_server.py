"""``mlwarden server`` driven by a real LSP client (pytest-lsp) over stdio:
initialize, open, change, diagnostics, code actions and applying their
edits, fix all, hover, notebooks cell by cell, dependency and config files,
configuration reloads, stale results, and shutdown.

One server process serves the module (each test uses its own files); the
tests that need a fresh process start their own."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

if sys.version_info < (3, 10):  # the test extra installs pytest-lsp only there
    pytest.skip("pytest-lsp 1.x needs Python >= 3.10 (the server itself runs on 3.9)", allow_module_level=True)

import pytest_lsp  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402
from lsprotocol import types  # noqa: E402

import lsp_helpers as h  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: a synthetic, regex-valid Hugging Face token assembled at runtime
HF_TOKEN = "hf_" + "FAKE" + "q8Wm3Lp0Rt5Vw9Yz4Bn7Cd2Fg6Hj1Ks"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest_lsp.fixture(config=h.config(), scope="module")
async def client(lsp_client: LanguageClient, root):
    lsp_client.init_result = await h.initialize(lsp_client, root, options={"logLevel": "debug"})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=h.config(), scope="module")
async def plain(lsp_client: LanguageClient, root):
    """A client like older editors: UTF-8 positions, no file watching, no
    code action resolve, plain ``changes`` in workspace edits."""
    await h.initialize(lsp_client, root, utf8=True, watch=False, resolve=False, document_changes=False)
    yield
    await lsp_client.shutdown_session()


def project(root: Path, name: str, files: dict) -> Path:
    directory = root / name
    directory.mkdir()
    for rel, text in files.items():
        (directory / rel).parent.mkdir(parents=True, exist_ok=True)
        (directory / rel).write_text(text)
    return directory


def by_code(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} in {h.dump(diagnostics)}"
    return found[0]


async def actions_for(client, uri, diagnostic, only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    ) or []


# ---------------------------------------------------------------------------
# initialize


async def test_file_watchers_are_registered_dynamically(client):
    for _ in range(500):  # `initialized` is a notification: the request follows it
        registrations = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        if registrations:
            break
        await asyncio.sleep(0.01)
    assert len(registrations) == 1, "file watchers were not registered dynamically"
    options = registrations[0].register_options
    watchers = options["watchers"] if isinstance(options, dict) else options.watchers
    globs = {w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers}
    assert {"**/pyproject.toml", "**/*requirements*.txt", "**/setup.cfg"} <= globs


async def test_server_capabilities(client):
    result = client.init_result
    caps = result.capabilities
    assert result.server_info.name == "mlwarden"
    sync = caps.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental and sync.open_close and sync.save
    selector = caps.notebook_document_sync.notebook_selector[0]
    assert selector.notebook == "jupyter-notebook" and selector.cells is None  # every cell, markdown too
    assert caps.notebook_document_sync.save is True
    assert set(caps.code_action_provider.code_action_kinds) == {"quickfix", "source.fixAll.mlwarden"}
    assert caps.code_action_provider.resolve_provider is True
    assert caps.hover_provider
    assert "mlwarden.applyFixAll" in caps.execute_command_provider.commands


# ---------------------------------------------------------------------------
# Python files


SCRIPT = 'import torch, yaml\nlabel = "🤗 hub"; model = torch.load(path)\ncfg = yaml.load(open("c.yml"))\n'


async def test_open_and_change_python(client, root):
    directory = project(root, "py", {"train.py": SCRIPT})
    uri = h.open_text(client, directory / "train.py")
    diags = await h.diagnostics(client, uri, version=1)
    assert h.codes(diags) == [
        # UTF-16 columns: the emoji before torch.load is two code units
        ("MLW102", 1, len('label = "🤗 hub"; model = '.encode("utf-16-le")) // 2),
        ("MLW106", 2, 6),
    ]
    torch_load = by_code(diags, "MLW102")
    assert torch_load.source == "mlwarden"
    assert torch_load.severity == types.DiagnosticSeverity.Error  # high
    assert torch_load.code_description.href.endswith("docs/rules/MLW102.md")
    assert torch_load.range.end.character - torch_load.range.start.character == len("torch.load(path)")
    assert torch_load.data["fix"]["safe"] is False and torch_load.data["noqa"] == "python"
    assert by_code(diags, "MLW106").data["fix"]["safe"] is True

    start = h.mark(client)
    h.change_text(client, uri, 2, "import yaml\ncfg = yaml.load(open('c.yml'))\n")
    diags = await h.diagnostics(client, uri, version=2, start=start)
    assert h.codes(diags) == [("MLW106", 1, 6)]

    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await h.diagnostics(client, uri, start=start + 1) == []


async def test_utf8_positions_and_eager_fix_all_for_older_clients(plain, root):
    directory = project(root, "utf8", {"a.py": 'import torch, yaml\nx = "é"; torch.load(p)\nc = yaml.load(f)\n'})
    uri = h.open_text(plain, directory / "a.py")
    diags = await h.diagnostics(plain, uri)
    assert h.codes(diags) == [("MLW102", 1, len('x = "é"; '.encode("utf-8"))), ("MLW106", 2, 4)]
    actions = await actions_for(plain, uri, by_code(diags, "MLW106"))
    fix_all = [a for a in actions if a.kind == "source.fixAll.mlwarden"]
    assert len(fix_all) == 1 and fix_all[0].edit.changes and not fix_all[0].edit.document_changes  # no resolve: computed at once
    fixed = h.apply_edits(directory.joinpath("a.py").read_text(), fix_all[0].edit.changes[uri], "utf-8")
    assert fixed.endswith("c = yaml.safe_load(f)\n")


async def test_quick_fixes_safe_preferred_unsafe_marked(client, root):
    directory = project(root, "fix", {"train.py": SCRIPT})
    uri = h.open_text(client, directory / "train.py")
    diags = await h.diagnostics(client, uri, version=1)

    unsafe = [a for a in await actions_for(client, uri, by_code(diags, "MLW102")) if a.title.startswith("Fix")]
    assert len(unsafe) == 1 and not unsafe[0].is_preferred and "unsafe" in unsafe[0].title

    safe = [a for a in await actions_for(client, uri, by_code(diags, "MLW106")) if a.title.startswith("Fix")]
    assert len(safe) == 1 and safe[0].is_preferred and safe[0].kind == types.CodeActionKind.QuickFix
    edits = h.edits_by_uri(safe[0].edit)
    assert list(edits) == [uri]
    assert safe[0].edit.document_changes[0].text_document.version == 1  # the client can refuse it once the text moved on
    fixed = h.apply_edits(SCRIPT, edits[uri])
    assert fixed == SCRIPT.replace("yaml.load(", "yaml.safe_load(")

    start = h.mark(client)
    h.change_text(client, uri, 2, fixed)
    assert [c for c, *_ in h.codes(await h.diagnostics(client, uri, version=2, start=start))] == ["MLW102"]

    # a stale request (the diagnostics of version 1, the text of version 2) gets no fix
    stale = [a for a in await actions_for(client, uri, by_code(diags, "MLW102")) if a.title.startswith("Fix")]
    assert stale == []


async def test_noqa_action_silences_the_line_as_the_cli_does(client, root, capsys):
    text = 'import torch\nmodel = torch.load(path)  # noqa: MLW101\nother = torch.load(path)\n'
    directory = project(root, "noqa", {"a.py": text})
    uri = h.open_text(client, directory / "a.py")
    diags = await h.diagnostics(client, uri, version=1)
    first, second = sorted(diags, key=lambda d: d.range.start.line)
    suppress = [a for a in await actions_for(client, uri, first) if a.title.startswith("Suppress")]
    assert len(suppress) == 1 and not suppress[0].is_preferred
    new = h.apply_edits(text, h.edits_by_uri(suppress[0].edit)[uri])
    assert new.splitlines()[1] == "model = torch.load(path)  # noqa: MLW101, MLW102"
    new = h.apply_edits(new, h.edits_by_uri([a for a in await actions_for(client, uri, second) if a.title.startswith("Suppress")][0].edit)[uri])
    assert new.splitlines()[2] == "other = torch.load(path)  # noqa: MLW102"

    start = h.mark(client)
    h.change_text(client, uri, 2, new)
    assert await h.diagnostics(client, uri, version=2, start=start) == []
    (directory / "a.py").write_text(new)
    from mlwarden.cli import main

    assert main(["check", str(directory / "a.py")]) == 0  # the CLI agrees
    capsys.readouterr()


async def test_no_noqa_where_a_comment_would_land_in_a_string(client, root):
    text = 'import torch\nm = torch.load(p, map_location="""\ncpu""")\n'
    directory = project(root, "noqa-string", {"a.py": text})
    uri = h.open_text(client, directory / "a.py")
    diag = by_code(await h.diagnostics(client, uri, version=1), "MLW102")
    assert [a for a in await actions_for(client, uri, diag) if a.title.startswith("Suppress")] == []


async def test_fix_all_through_resolve_equals_cli_fix(client, root, capsys):
    text = "import yaml\na = yaml.load(f)\nb = yaml.load(g, Loader=yaml.FullLoader)\nimport torch\nc = torch.load(p)\n"
    directory = project(root, "fixall", {"a.py": text, "cli.py": text})
    uri = h.open_text(client, directory / "a.py")
    await h.diagnostics(client, uri, version=1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    fix_all = [a for a in actions if a.kind == "source.fixAll.mlwarden"]
    assert len(fix_all) == 1 and fix_all[0].edit is None  # lazily: resolved on demand
    resolved = await client.code_action_resolve_async(fix_all[0])
    fixed = h.apply_edits(text, h.edits_by_uri(resolved.edit)[uri])

    from mlwarden.cli import main

    main(["check", "--fix", str(directory / "cli.py")])
    capsys.readouterr()
    assert fixed == (directory / "cli.py").read_text()
    assert "yaml.safe_load(f)" in fixed and "torch.load(p)\n" in fixed  # safe fixes only

    # explicitly asked for (code actions on save): computed at once
    explicit = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in explicit] == ["source.fixAll.mlwarden"]
    assert h.apply_edits(text, h.edits_by_uri(explicit[0].edit)[uri]) == fixed


async def test_apply_fix_all_command_sends_workspace_apply_edit(client, root):
    text = "import yaml\na = yaml.load(f)\n"
    directory = project(root, "command", {"a.py": text})
    uri = h.open_text(client, directory / "a.py")
    await h.diagnostics(client, uri, version=1)
    applied = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="mlwarden.applyFixAll", arguments=[uri]))
    assert applied is True
    edit = client.applied_edits[-1].edit
    assert h.apply_edits(text, h.edits_by_uri(edit)[uri]) == "import yaml\na = yaml.safe_load(f)\n"


async def test_hover_shows_the_rule_page(client, root):
    directory = project(root, "hover", {"a.py": "import torch\n\nm = torch.load(p)\n"})
    uri = h.open_text(client, directory / "a.py")
    diag = by_code(await h.diagnostics(client, uri, version=1), "MLW102")
    inside = types.Position(line=2, character=diag.range.start.character + 3)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=inside))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "# MLW102 torch-load-without-weights-only" in hover.contents.value
    assert "## Why is this bad?" in hover.contents.value and "## Use instead" in hover.contents.value
    assert hover.range == diag.range
    outside = types.Position(line=1, character=0)
    assert await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=outside)) is None


async def test_unparsable_python_says_it_was_not_checked(client, root):
    directory = project(root, "syntax", {"a.py": "import torch\ntorch.load(p\nx = (\n"})
    uri = h.open_text(client, directory / "a.py")
    diags = await h.diagnostics(client, uri, version=1)
    assert [d.code for d in diags] == [None]
    assert diags[0].message.startswith("mlwarden could not check this file: syntax error")
    assert diags[0].severity == types.DiagnosticSeverity.Information


async def test_a_python_document_named_like_a_notebook_is_python(client, root):
    """jupyterlab-lsp's virtual document of a notebook: its code cells as
    Python text under the notebook's name."""
    directory = project(root, "virtual", {})
    uri = h.open_text(client, directory / ".virtual_documents" / "nb.ipynb", text="import torch\n\n\nm = torch.load(p)\n")
    assert h.codes(await h.diagnostics(client, uri, version=1)) == [("MLW102", 3, 4)]


async def test_a_notebook_opened_as_json_gets_diagnostics_on_its_json_lines(client, root):
    """An editor without notebook sync (Neovim, Helix) shows the .ipynb as JSON."""
    directory = project(root, "nb-json", {})
    path = directory / "train.ipynb"
    h.write_notebook(path, CELLS)
    text = path.read_text()
    uri = h.open_text(client, path, language="json")
    diags = await h.diagnostics(client, uri, version=1)
    lines = text.splitlines()
    assert sorted(d.code for d in diags) == ["MLW102", "MLW106"]
    for d in diags:
        line = lines[d.range.start.line]
        assert ("torch.load" in line) if d.code == "MLW102" else ("yaml.load" in line)
        assert "fix" not in d.data  # edits would have to re-encode the JSON


# ---------------------------------------------------------------------------
# notebooks


CELLS = [
    ("markdown", "# Fine-tuning\nLoad the base model."),
    ("code", "import torch\nimport yaml"),
    ("markdown", "## Config"),
    ("code", "cfg = yaml.load(open('c.yml'))\nmodel = torch.load(path)"),
]


async def test_notebook_diagnostics_land_on_their_cells(client, root):
    directory = project(root, "nb", {})
    path = directory / "train.ipynb"
    h.write_notebook(path, CELLS)
    uris = h.open_notebook(client, path, CELLS)
    diags = await h.diagnostics(client, uris[3])
    # imports in cell 2 resolve the calls in cell 4; positions are cell-relative
    assert h.codes(diags) == [("MLW102", 1, 8), ("MLW106", 0, 6)]
    for other in (uris[0], uris[1], uris[2]):
        assert list(client.diagnostics.get(other, [])) == []

    # the fix edits the cell, not the notebook
    fix = [a for a in await actions_for(client, uris[3], by_code(diags, "MLW106")) if a.title.startswith("Fix")][0]
    edits = h.edits_by_uri(fix.edit)
    assert list(edits) == [uris[3]]
    new_source = h.apply_edits(CELLS[3][1], edits[uris[3]])
    assert new_source == "cfg = yaml.safe_load(open('c.yml'))\nmodel = torch.load(path)"

    # noqa goes into the right cell, on the right line
    noqa = [a for a in await actions_for(client, uris[3], by_code(diags, "MLW102")) if a.title.startswith("Suppress")][0]
    new_source = h.apply_edits(new_source, h.edits_by_uri(noqa.edit)[uris[3]])
    assert new_source.splitlines()[1] == "model = torch.load(path)  # noqa: MLW102"

    start = h.mark(client)
    h.change_cell(client, path, 2, uris[3], 2, new_source)
    assert await h.diagnostics(client, uris[3], version=2, start=start) == []

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uris[3]), position=types.Position(line=1, character=10))
    )
    assert hover is None  # nothing flagged any more

    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=path.as_uri()),
            cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in uris],
        )
    )


async def test_a_reopened_notebook_gets_every_cell_published_again(client, root):
    """A second open of a notebook (after a close the client never sent, or
    a client that reopens) publishes every cell again, not only changed ones."""
    directory = project(root, "nb-reopen", {})
    path = directory / "again.ipynb"
    h.write_notebook(path, CELLS)
    uris = h.open_notebook(client, path, CELLS)
    assert h.codes(await h.diagnostics(client, uris[3])) == [("MLW102", 1, 8), ("MLW106", 0, 6)]
    start = h.mark(client)
    h.open_notebook(client, path, CELLS)
    for uri in uris:
        await h.wait_for(client, lambda u, v, d, uri=uri: u == uri, start)
    assert h.codes(await h.diagnostics(client, uris[3], start=start)) == [("MLW102", 1, 8), ("MLW106", 0, 6)]


async def test_notebook_cells_added_and_removed(client, root):
    directory = project(root, "nb-structure", {})
    path = directory / "cells.ipynb"
    cells = [("code", "import torch"), ("code", "a = torch.load(p)"), ("code", "b = 1")]
    h.write_notebook(path, cells)
    uris = h.open_notebook(client, path, cells)
    assert h.codes(await h.diagnostics(client, uris[1])) == [("MLW102", 0, 4)]
    new_uri = h.cell_uri(path, 7)
    start = h.mark(client)
    # delete cell 2, append a new cell that loads without weights_only
    h.change_structure(
        client, path, 2,
        types.NotebookDocumentCellChangeStructure(
            array=types.NotebookCellArrayChange(start=1, delete_count=1), did_close=[types.TextDocumentIdentifier(uri=uris[1])]
        ),
    )
    h.change_structure(
        client, path, 3,
        types.NotebookDocumentCellChangeStructure(
            array=types.NotebookCellArrayChange(start=2, delete_count=0, cells=[types.NotebookCell(kind=types.NotebookCellKind.Code, document=new_uri)]),
            did_open=[types.TextDocumentItem(uri=new_uri, language_id="python", version=1, text="c = torch.load(q)")],
        ),
    )
    assert h.codes(await h.diagnostics(client, new_uri, start=start)) == [("MLW102", 0, 4)]
    assert await h.diagnostics(client, uris[1], start=start) == []  # the deleted cell's diagnostics are cleared


async def test_notebook_outputs_come_from_the_saved_file(client, root):
    directory = project(root, "nb-out", {})
    path = directory / "leak.ipynb"
    cells = [("code", "import os\nprint(os.environ['HF_TOKEN'])"), ("markdown", "done")]
    output = {"output_type": "stream", "name": "stdout", "text": f"{HF_TOKEN}\n"}
    h.write_notebook(path, cells, outputs={0: [output]})
    uris = h.open_notebook(client, path, cells)
    diags = await h.diagnostics(client, uris[0])
    leak = by_code(diags, "MLW510")
    assert leak.range.start.line == 1  # on the cell's last line, just above its outputs
    assert HF_TOKEN not in leak.message and HF_TOKEN not in json.dumps(leak.data)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uris[0]), position=leak.range.start)
    )
    assert "MLW510" in hover.contents.value and HF_TOKEN not in hover.contents.value
    assert all(HF_TOKEN not in m.message for m in client.log_messages)
    assert [a for a in await actions_for(client, uris[0], leak) if a.title.startswith("Suppress")] == []

    # the user clears the outputs and saves: the finding goes
    h.write_notebook(path, cells)
    start = h.mark(client)
    client.notebook_document_did_save(types.DidSaveNotebookDocumentParams(notebook_document=types.NotebookDocumentIdentifier(uri=path.as_uri())))
    _uri, _v, after = await h.wait_for(client, lambda u, v, d: u == uris[0] and not any(x.code == "MLW510" for x in d), start)
    assert after == []


# ---------------------------------------------------------------------------
# dependency, config and env files


async def test_dependency_files_and_secrets(client, root):
    directory = project(
        root,
        "deps",
        {
            "requirements.txt": "numpy==1.26.4\ntorch\n--extra-index-url https://deploy:s3cretFAKEpass@pypi.example.com/simple\n",
            ".env": f"HF_TOKEN={HF_TOKEN}\n",
            "environment.yml": "name: x\ndependencies:\n  - python=3.11\n  - pip:\n    - transformers\n",
        },
    )
    uri = h.open_text(client, directory / "requirements.txt", language="pip-requirements")
    diags = await h.diagnostics(client, uri, version=1)
    assert ("MLW301", 1, 0) in h.codes(diags) and any(c == "MLW302" and line == 2 for c, line, _ in h.codes(diags))
    assert all("s3cretFAKEpass" not in d.message for d in diags)
    assert [a for a in await actions_for(client, uri, by_code(diags, "MLW301")) if a.title.startswith("Suppress")]

    env = h.open_text(client, directory / ".env", language="dotenv")
    secret = by_code(await h.diagnostics(client, env, version=1), "MLW401")
    assert HF_TOKEN not in secret.message
    assert [a for a in await actions_for(client, env, secret) if a.title.startswith("Suppress")] == []  # a comment could join the value

    conda = h.open_text(client, directory / "environment.yml", language="yaml")
    assert "MLW301" in [c for c, *_ in h.codes(await h.diagnostics(client, conda, version=1))]

    start = h.mark(client)
    unknown = h.open_text(client, directory / "notes.txt", text="torch\n", language="plaintext")
    marker = h.open_text(client, directory / "after.py", text="x = 1\n")
    await h.diagnostics(client, marker, version=1, start=start)  # answered after notes.txt, in order
    assert [u for u, _v, _d in client.published[start:]] == [marker]  # not a file mlwarden reads: nothing published
    assert unknown not in client.diagnostics

    assert all(HF_TOKEN not in m.message and "s3cretFAKEpass" not in m.message for m in client.log_messages)


async def test_bad_requirement_line_is_shown_where_it_is(client, root):
    directory = project(root, "badreq", {"requirements.txt": "numpy==1.26.4\ntorch>=\n"})
    uri = h.open_text(client, directory / "requirements.txt", language="pip-requirements")
    diags = await h.diagnostics(client, uri, version=1)
    problems = [d for d in diags if d.code is None]
    assert len(problems) == 1 and problems[0].range.start.line == 1
    assert problems[0].message.startswith("mlwarden could not check this line: cannot parse requirement")
    assert problems[0].severity == types.DiagnosticSeverity.Warning


# ---------------------------------------------------------------------------
# configuration and pins


def watched(client, *paths: Path, kind=types.FileChangeType.Changed) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=p.as_uri(), type=kind) for p in paths])
    )


async def test_config_and_pins_reload_when_files_change(client, root):
    directory = project(
        root, "reload", {"a.py": "import torch, yaml\nm = torch.load(p)\nc = yaml.load(f)\n", "requirements.txt": "torch>=2.4\n", ".git/HEAD": ""}
    )
    uri = h.open_text(client, directory / "a.py")
    assert [c for c, *_ in h.codes(await h.diagnostics(client, uri, version=1))] == ["MLW102", "MLW106"]

    # the pin moves to torch>=2.6: torch.load is safe by default there
    (directory / "requirements.txt").write_text("torch>=2.6\n")
    start = h.mark(client)
    watched(client, directory / "requirements.txt")
    _u, _v, diags = await h.wait_for(client, lambda u, v, d: u == uri and "MLW102" not in [x.code for x in d], start)
    assert [d.code for d in diags] == ["MLW106"]

    # [tool.mlwarden] per-file-ignores
    (directory / "pyproject.toml").write_text('[tool.mlwarden]\nper-file-ignores = {"a.py" = ["MLW106"]}\n')
    start = h.mark(client)
    watched(client, directory / "pyproject.toml", kind=types.FileChangeType.Created)
    _u, _v, diags = await h.wait_for(client, lambda u, v, d: u == uri and not d, start)
    assert diags == []

    # a broken config: one message, the defaults meanwhile
    (directory / "pyproject.toml").write_text("[tool.mlwarden]\nselect = 3\n")
    start = h.mark(client)
    watched(client, directory / "pyproject.toml")
    _u, _v, diags = await h.wait_for(client, lambda u, v, d: u == uri and d, start)
    assert [d.code for d in diags] == ["MLW106"]
    assert any("pyproject.toml" in m.message and "select" in m.message for m in client.messages)

    # exclude: an excluded file is not checked, as on the command line
    (directory / "pyproject.toml").write_text('[tool.mlwarden]\nextend-exclude = ["a.py"]\n')
    start = h.mark(client)
    watched(client, directory / "pyproject.toml")
    _u, _v, diags = await h.wait_for(client, lambda u, v, d: u == uri and not d, start)
    assert diags == []


async def test_saving_a_requirements_file_in_the_editor_reloads_pins(plain, root):
    """A client that cannot watch files: saving the dependency file reloads."""
    directory = project(root, "save-reload", {"a.py": "import torch\nm = torch.load(p)\n", "requirements.txt": "torch>=2.4\n", ".git/HEAD": ""})
    uri = h.open_text(plain, directory / "a.py")
    assert [d.code for d in await h.diagnostics(plain, uri, version=1)] == ["MLW102"]
    assert plain.registrations == []
    requirements = h.open_text(plain, directory / "requirements.txt", language="pip-requirements")
    await h.diagnostics(plain, requirements, version=1)
    (directory / "requirements.txt").write_text("torch>=2.6\n")
    start = h.mark(plain)
    plain.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=requirements)))
    _u, _v, diags = await h.wait_for(plain, lambda u, v, d: u == uri, start)
    assert diags == []


async def test_unsaved_buffer_uses_the_pins_of_its_directory(client, root):
    text = "import torch\nm = torch.load(p)\n"
    pinned = project(root, "pinned", {"requirements.txt": "torch>=2.6\n", ".git/HEAD": ""})
    bare = project(root, "bare", {".git/HEAD": ""})
    saved = h.open_text(client, (pinned / "saved.py"), text=text) if (pinned / "saved.py").write_text(text) else None
    new_pinned = h.open_text(client, pinned / "new.py", text=text)  # not on disk
    new_bare = h.open_text(client, bare / "new.py", text=text)
    assert not (pinned / "new.py").exists()
    assert await h.diagnostics(client, saved, version=1) == []
    assert await h.diagnostics(client, new_pinned, version=1) == []
    assert [d.code for d in await h.diagnostics(client, new_bare, version=1)] == ["MLW102"]


# ---------------------------------------------------------------------------
# never block, drop stale results


def big_script(lines: int) -> str:
    block = "import torch\nimport yaml\n\n\ndef load_{i}(path):\n    cfg = yaml.load(open(path))\n    return torch.load(cfg['ckpt'])\n\n"
    return "".join(block.format(i=i) for i in range(lines // 8))


EDITED = """import torch
import yaml
from transformers import AutoModel

REVISION = "3f5a1c9e0b7d4a2f8e6c1b0a9d8e7f6a5b4c3d2e"


def load_model(name):
    return AutoModel.from_pretrained(name, revision=REVISION)


def load_checkpoint(path):
    return torch.load(path)


def read_config(path):
    with open(path) as handle:
        return yaml.safe_load(handle)
"""


async def test_edit_after_edit_the_diagnostics_are_those_of_a_fresh_check(client, root):
    """The server's incremental check (core/incremental.py) through a real
    client: typing in a flagged call, an alias and a constant that change
    other functions' verdicts, lines inserted above findings, a function
    deleted, syntax broken and restored; after each edit the diagnostics
    equal a fresh check of the same text."""
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    directory = project(root, "edits", {"model.py": EDITED})
    path = directory / "model.py"
    uri = h.open_text(client, path)
    await h.diagnostics(client, uri, version=1)
    texts = [
        EDITED.replace("torch.load(path)", "torch.load(path, weights_only=True)"),
        EDITED.replace("torch.load(path)", "torch.load(path, weights_only=False)"),
        EDITED.replace('REVISION = "3f5a1c9e0b7d4a2f8e6c1b0a9d8e7f6a5b4c3d2e"', 'REVISION = "main"'),
        EDITED.replace("import yaml\n", "import yaml\nyaml.safe_load = yaml.load\n"),
        "# header\n\n\n" + EDITED,
        "# header\n\n\n" + EDITED.replace("from transformers import AutoModel", "from transformers import AutoModel as load_checkpoint_model"),
        EDITED.replace("def load_checkpoint(path):\n    return torch.load(path)\n", ""),
        EDITED.replace("def read_config(path):", "def read_config(path:"),
        EDITED.replace("import torch\n", "import torch\nfrom torch import load as read\n") + "\n\ndef more(p):\n    return read(p)\n",
        EDITED,
    ]
    for version, text in enumerate(texts, start=2):
        start = h.mark(client)
        h.change_text(client, uri, version, text)
        diags = await h.diagnostics(client, uri, version=version, start=start)
        result = check_source(text, str(path), config=Config(root=root))
        want = sorted((f.rule_id, f.line - 1, f.col - 1) for f in result.findings)
        assert h.codes(diags) == want, f"edit {version - 1}: {h.dump(diags)}"
        assert bool(result.errors) == any(d.code is None for d in diags)


async def test_a_superseded_result_is_dropped(client, root):
    directory = project(root, "stale", {"big.py": big_script(3000)})
    uri = h.open_text(client, directory / "big.py")
    # wait until the check of version 1 has started, then change the text
    started = f"checking {uri} (version 1)"
    for _ in range(3000):  # up to 30 s on a loaded machine
        if any(m.message == started for m in client.log_messages):
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the check of version 1 never started")
    h.change_text(client, uri, 2, "import yaml\ncfg = yaml.load(f)\n")
    # the editor is not blocked meanwhile: a hover is answered during the check
    await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)))
    diags = await h.diagnostics(client, uri, version=2)
    assert h.codes(diags) == [("MLW106", 1, 6)]
    assert [v for u, v, _d in client.published if u == uri] == [2]  # version 1 was never published
    assert any(m.message.startswith(f"dropped a stale result for {uri} (version 1)") for m in client.log_messages)


# ---------------------------------------------------------------------------
# a crashing rule is a log message, not a dead server


CRASHING_RULE = '''
import sys
from mlwarden.core import registry
from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule


class CrashingRule(CodeRule):
    """## What it does
    Raises on every call (a planted bug).

    ## Why is this bad?
    It is a test.

    ## Example
    ```python
    load(x)
    ```

    ## Use instead
    ```python
    pass
    ```
    """

    id, name, severity, cwe = "MLW999", "crashing-rule", Severity.LOW, (502,)
    message = "`crash` for the test; do not use"
    triggers = frozenset({"load"})

    def visit_Call(self, node):
        raise RuntimeError("planted bug near https://deploy:s3cretFAKEpass@example.com/x")


real = registry.all_rules
registry.all_rules = lambda: real() + (CrashingRule,)
real_refs = registry.rule_refs  # what the engine runs: the lazy rule index
registry.rule_refs = lambda: real_refs() + (CrashingRule,)

# and an engine bug outside any rule, on one input
from mlwarden.core import engine

real_check_source = engine.check_source


def exploding_check_source(source, *args, **kwargs):
    if "EXPLODE" in source:
        raise RuntimeError("engine bug near https://deploy:s3cretFAKEpass@example.com/y")
    return real_check_source(source, *args, **kwargs)


engine.check_source = exploding_check_source
from mlwarden.cli import main
sys.exit(main(["server"]))
'''


async def test_a_crash_in_a_rule_is_logged_and_the_server_lives(root, tmp_path):
    from pytest_lsp import ClientServerConfig

    launcher = tmp_path / "launch_with_crashing_rule.py"
    launcher.write_text(CRASHING_RULE)
    config = ClientServerConfig(server_command=[sys.executable, "-I", str(launcher)], client_factory=h.make_client)
    other = await config.start()
    try:
        await h.initialize(other, root)
        directory = project(root, "crash", {"a.py": "import torch\nm = torch.load(p)\n"})
        uri = h.open_text(other, directory / "a.py")
        diags = await h.diagnostics(other, uri, version=1)
        assert [d.code for d in diags] == ["MLW102"]  # the other rules' findings stand
        errors = [m.message for m in other.log_messages if m.type == types.MessageType.Error]
        assert any("internal error in rule MLW999" in m for m in errors), errors
        assert all("s3cretFAKEpass" not in m for m in errors)
        h.change_text(other, uri, 2, "import torch\nm = torch.load(p, weights_only=True)\n")
        assert await h.diagnostics(other, uri, version=2) == []  # still serving

        h.change_text(other, uri, 3, "EXPLODE = 1\n")
        h.change_text(other, uri, 4, "import yaml\nyaml.load(f)\n")
        assert [d.code for d in await h.diagnostics(other, uri, version=4)] == ["MLW106"]
        errors = [m.message for m in other.log_messages if m.type == types.MessageType.Error]
        exploded = [m for m in errors if "internal error while checking" in m]
        # version 3 may have been superseded before it ran; if it ran, it was logged, redacted
        assert all("RuntimeError" in m and "s3cretFAKEpass" not in m for m in exploded)
        h.change_text(other, uri, 5, "EXPLODE = 2\n")
        for _ in range(500):
            if any("internal error while checking" in m.message for m in other.log_messages):
                break
            await asyncio.sleep(0.01)
        exploded = [m.message for m in other.log_messages if "internal error while checking" in m.message]
        assert exploded and all("s3cretFAKEpass" not in m for m in exploded), exploded
        assert [d.code for d in other.diagnostics[uri]] == ["MLW106"]  # what the client shows is kept
        await other.shutdown_session()
        assert other._server.returncode == 0
    finally:
        await other.stop()
