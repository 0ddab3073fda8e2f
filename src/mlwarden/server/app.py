"""The pygls language server: handlers only; the work is in the sibling
modules (see :mod:`mlwarden.server`)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from mlwarden import __version__
from mlwarden.core.incremental import IncrementalCheck
from mlwarden.core.redact import redact_text
from mlwarden.server import actions, checks
from mlwarden.server.checks import Outcome
from mlwarden.server.documents import (
    CellSnapshot,
    NotebookSnapshot,
    TextSnapshot,
    cell_type_of,
    display_name,
    uri_to_path,
)
from mlwarden.server.project import WATCH_GLOBS, Project, affects_project
from mlwarden.server.scheduler import Scheduler

#: didChange -> check delay. Short: one check runs per document at a time and
#: a check superseded while it runs is dropped, so fast typing costs at most
#: one check in flight; the delay only merges bursts (paste, multi-cursor).
DEFAULT_DEBOUNCE_MS = 25.0
COMMAND_FIX_ALL = "mlwarden.applyFixAll"


class MlwardenServer(LanguageServer):
    def __init__(self, debounce_ms: Optional[float] = None, verbose: bool = False) -> None:
        super().__init__(
            "mlwarden",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            # every cell of a Jupyter notebook (markdown and raw too: secrets are
            # scanned there, and cell numbers then match the file's)
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[types.NotebookDocumentFilterWithNotebook(notebook="jupyter-notebook")],
                save=True,
            ),
        )
        self.debounce = (DEFAULT_DEBOUNCE_MS if debounce_ms is None else debounce_ms) / 1000.0
        self.verbose = verbose
        self.project = Project()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlwarden-check")
        self.scheduler = Scheduler(self.executor, self._job_for, self._publish, on_drop=self._dropped, on_start=self._started)
        #: key (document or notebook URI) -> last published check
        self.outcomes: Dict[str, Outcome] = {}
        #: key -> {document URI: (version, diagnostics)} as last published
        self.published: Dict[str, Dict[str, Tuple[Optional[int], List[types.Diagnostic]]]] = {}
        self._config_errors_shown: set = set()
        self._snapshot_versions: Dict[str, Optional[int]] = {}
        #: key -> the incremental check of an open Python document (used on the worker thread only)
        self.incremental: Dict[str, IncrementalCheck] = {}

    # -- logging ------------------------------------------------------------
    def log(self, kind: types.MessageType, message: str) -> None:
        """``window/logMessage``, redacted like every other output."""
        if kind == types.MessageType.Log and not self.verbose:
            return
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=redact_text(message)))
        except Exception:  # noqa: BLE001 - no client yet, or gone: nothing to tell
            pass

    # -- options ------------------------------------------------------------
    @property
    def encoding(self) -> str:
        value = self.workspace.position_encoding
        return getattr(value, "value", value) or "utf-16"

    def client_supports(self, *path: str) -> bool:
        node: Any = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return False
        return bool(node)

    def configure(self, params: types.InitializeParams) -> None:
        roots: List[Path] = []
        for folder in params.workspace_folders or []:
            path = uri_to_path(folder.uri)
            if path is not None:
                roots.append(path)
        if not roots and params.root_uri:
            path = uri_to_path(params.root_uri)
            if path is not None:
                roots.append(path)
        elif not roots and params.root_path:
            roots.append(Path(params.root_path))
        self.project.roots = roots
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        debounce = options.get("debounce")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and debounce >= 0:
            self.debounce = debounce / 1000.0
        if options.get("logLevel") == "debug":
            self.verbose = True

    # -- snapshots ----------------------------------------------------------
    def is_notebook(self, key: str) -> bool:
        return self.workspace.get_notebook_document(notebook_uri=key) is not None

    def snapshot(self, key: str):
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is not None:
            cells = []
            for cell in notebook.cells:
                doc = self.workspace.text_documents.get(_unquote(cell.document))
                if doc is None:
                    continue
                metadata = cell.metadata if isinstance(cell.metadata, dict) else None
                cells.append(
                    CellSnapshot(cell.document, cell_type_of(cell.kind, doc.language_id or ""), doc.source, doc.version, metadata)
                )
            path = uri_to_path(key)
            return NotebookSnapshot(
                key, path, display_name(key, path), notebook.version, tuple(cells),
                notebook.metadata if isinstance(notebook.metadata, dict) else {},
            )
        doc = self.workspace.text_documents.get(_unquote(key))
        if doc is None:
            return None
        path = uri_to_path(key)
        return TextSnapshot(key, path, display_name(key, path, doc.language_id or ""), doc.version, doc.source, doc.language_id or "")

    def current_versions(self, key: str) -> Dict[str, Optional[int]]:
        snap = self.snapshot(key)
        return checks.versions_of(snap) if snap is not None else {}

    def key_of(self, uri: str) -> str:
        """The document a URI belongs to: a cell's notebook, or itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    # -- checking -----------------------------------------------------------
    def request_check(self, key: str, delay: Optional[float] = None) -> None:
        self.scheduler.request(key, self.debounce if delay is None else delay)

    def recheck_all(self) -> None:
        keys = list(self.workspace.notebook_documents.values())
        for notebook in keys:
            self.request_check(notebook.uri, 0)
        cells = set()
        for notebook in keys:
            cells.update(_unquote(c.document) for c in notebook.cells)
        for uri, doc in list(self.workspace.text_documents.items()):
            if uri not in cells:
                self.request_check(doc.uri, 0)

    def _job_for(self, key: str):
        try:
            snap = self.snapshot(key)
        except Exception as exc:  # noqa: BLE001
            self.log(types.MessageType.Error, checks.internal_error(f"reading {key}", exc))
            return None
        if snap is None:
            return None
        project, encoding = self.project, self.encoding
        self._snapshot_versions[key] = snap.version
        incremental = self.incremental.setdefault(key, IncrementalCheck()) if isinstance(snap, TextSnapshot) else None
        return lambda: checks.check(snap, project, encoding, incremental)

    def _started(self, key: str) -> None:
        self.log(types.MessageType.Log, f"checking {key} (version {self._snapshot_versions.get(key)})")

    def _dropped(self, key: str) -> None:
        self.log(types.MessageType.Log, f"dropped a stale result for {key} (version {self._snapshot_versions.get(key)}): the document changed during the check")

    def _publish(self, key: str, outcome: Outcome) -> None:
        try:
            self._publish_outcome(key, outcome)
        except Exception as exc:  # noqa: BLE001 - a bug here must not stop later checks
            self.log(types.MessageType.Error, checks.internal_error(f"publishing the diagnostics of {key}", exc))

    def _publish_outcome(self, key: str, outcome: Outcome) -> None:
        for kind, message in outcome.logs:
            self.log(kind, message)
        if outcome.config_error and outcome.config_error not in self._config_errors_shown:
            self._config_errors_shown.add(outcome.config_error)
            message = f"mlwarden: {outcome.config_error} (checking with the default configuration until it is fixed)"
            self.log(types.MessageType.Error, message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=redact_text(message)))
        if not outcome.ok:
            return
        self.outcomes[key] = outcome
        before = self.published.get(key, {})
        now: Dict[str, Tuple[Optional[int], List[types.Diagnostic]]] = {}
        for uri, diagnostics in outcome.diagnostics.items():
            version = outcome.versions.get(uri)
            now[uri] = (version, diagnostics)
            if before.get(uri) != (version, diagnostics) or not self.is_notebook(key):
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))
        for uri in before.keys() - now.keys():  # cells that are gone
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self.published[key] = now
        count = sum(len(d) for d in outcome.diagnostics.values())
        self.log(
            types.MessageType.Log,
            f"checked {key} (version {outcome.version}) in {outcome.seconds * 1000:.0f} ms (cpu {outcome.cpu_seconds * 1000:.0f} ms): {count} diagnostics",
        )

    def close(self, key: str) -> None:
        self.scheduler.forget(key)
        self.incremental.pop(key, None)
        self.outcomes.pop(key, None)
        for uri in self.published.pop(key, {}):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- fix all ------------------------------------------------------------
    async def fix_all_edit(self, key: str) -> Optional[types.WorkspaceEdit]:
        snap = self.snapshot(key)
        if snap is None:
            return None
        project, encoding = self.project, self.encoding
        try:
            changes = await self.scheduler.run_job(lambda: checks.fix_all(snap, project, encoding))
        except Exception as exc:  # noqa: BLE001
            self.log(types.MessageType.Error, checks.internal_error(f"fixing {snap.name}", exc))
            return None
        if not changes:
            return None
        return _edit(self, changes, checks.versions_of(snap))


def _edit(server: MlwardenServer, changes, versions) -> types.WorkspaceEdit:
    from mlwarden.server.convert import workspace_edit

    return workspace_edit(changes, versions, server.client_supports("workspace", "workspace_edit", "document_changes"))


def _unquote(uri: str) -> str:
    from urllib.parse import unquote

    return unquote(uri)


def create_server(debounce_ms: Optional[float] = None, verbose: bool = False) -> MlwardenServer:
    server = MlwardenServer(debounce_ms=debounce_ms, verbose=verbose)

    @server.feature(types.INITIALIZE)
    def initialize(ls: MlwardenServer, params: types.InitializeParams) -> None:
        ls.configure(params)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: MlwardenServer, params: types.InitializedParams) -> None:
        ls.executor.submit(checks.warm_up)
        if not ls.client_supports("workspace", "did_change_watched_files", "dynamic_registration"):
            ls.log(types.MessageType.Log, "client cannot watch files for us: configuration reloads on save of pyproject.toml or a requirements file")
            return
        watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS]
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="mlwarden-watch-config",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                        )
                    ]
                )
            )
        except Exception as exc:  # noqa: BLE001 - a client that refuses: reload on save only
            ls.log(types.MessageType.Warning, f"mlwarden: could not register file watchers ({exc}); configuration reloads on save")

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: MlwardenServer, params: None) -> None:
        ls.executor.shutdown(wait=False, cancel_futures=True)

    # -- text documents -------------------------------------------------------
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MlwardenServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.request_check(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MlwardenServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.request_check(ls.key_of(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: MlwardenServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is not None and affects_project(path):
            ls.project.invalidate()
            ls.recheck_all()
        else:
            ls.request_check(ls.key_of(params.text_document.uri), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MlwardenServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)

    # -- notebooks ------------------------------------------------------------
    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: MlwardenServer, params: types.DidOpenNotebookDocumentParams) -> None:
        # an open starts afresh: every cell gets its diagnostics published,
        # even if a previous open of the same notebook published the same ones
        ls.published.pop(params.notebook_document.uri, None)
        ls.request_check(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: MlwardenServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.request_check(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: MlwardenServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.project.forget_notebook(uri_to_path(params.notebook_document.uri))  # outputs are read again
        ls.request_check(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: MlwardenServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.close(params.notebook_document.uri)

    # -- configuration ----------------------------------------------------------
    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: MlwardenServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        roots = [r for r in ls.project.roots if r not in removed]
        roots += [p for p in (uri_to_path(f.uri) for f in params.event.added) if p is not None and p not in roots]
        ls.project.roots = roots
        ls.project.invalidate()
        ls.recheck_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: MlwardenServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [uri_to_path(change.uri) for change in params.changes]
        if any(p is not None and affects_project(p) for p in paths):
            ls.log(types.MessageType.Log, "configuration or dependency pins changed: re-checking open documents")
            ls.project.invalidate()
            ls.recheck_all()

    # -- code actions, hover, commands -----------------------------------------
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=actions.KINDS, resolve_provider=True),
    )
    async def code_action(ls: MlwardenServer, params: types.CodeActionParams) -> Optional[List[types.CodeAction]]:
        uri = params.text_document.uri
        key = ls.key_of(uri)
        outcome = ls.outcomes.get(key)
        only = params.context.only
        out: List[types.CodeAction] = []
        if actions.wants(only, types.CodeActionKind.QuickFix):
            doc = ls.workspace.text_documents.get(_unquote(uri))
            out.extend(
                actions.quick_fixes(
                    uri,
                    list(params.context.diagnostics),
                    outcome,
                    ls.current_versions(key),
                    doc.source if doc is not None else None,
                    ls.client_supports("workspace", "workspace_edit", "document_changes"),
                    ls.encoding,
                )
            )
        explicit = bool(only) and actions.wants(only, actions.FIX_ALL_KIND)
        if actions.wants(only, actions.FIX_ALL_KIND) and (explicit or actions.has_safe_fixes(outcome)):
            resolve = ls.client_supports("text_document", "code_action", "resolve_support")
            if resolve and not explicit:
                out.append(actions.fix_all_action(data={"key": key}))
            else:
                edit = await ls.fix_all_edit(key)
                if edit is not None:
                    out.append(actions.fix_all_action(edit=edit))
        return out or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: MlwardenServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        if action.kind == actions.FIX_ALL_KIND and isinstance(data.get("key"), str) and action.edit is None:
            action.edit = await ls.fix_all_edit(data["key"]) or types.WorkspaceEdit(changes={})
        return action

    @server.command(COMMAND_FIX_ALL)
    async def apply_fix_all(ls: MlwardenServer, *args: Any) -> Optional[bool]:
        """``mlwarden.applyFixAll <uri>``: for clients without code actions on
        save; sends ``workspace/applyEdit``."""
        uri = args[0] if args and isinstance(args[0], str) else None
        if uri is None and args and isinstance(args[0], (list, tuple)) and args[0]:
            uri = args[0][0]
        if not isinstance(uri, str):
            return None
        edit = await ls.fix_all_edit(ls.key_of(uri))
        if edit is None:
            return False
        result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="mlwarden: apply all safe fixes"))
        return bool(result.applied)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: MlwardenServer, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        return actions.hover(ls.outcomes.get(ls.key_of(uri)), uri, params.position)

    return server
