"""`reinvent-lint server`: a language server over stdio, built with pygls.

Diagnostics for the unsaved buffer on open, on change (debounced) and on save; code actions for
safe fixes, unsafe fixes (labelled), suppression comments and "fix all". Every call into the
engine goes through `Checker` (checker.py) on one worker thread, so the event loop keeps reading
messages while a post is checked; results for a buffer that changed meanwhile are dropped.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..config import ConfigError
from ..document import Document, ReadError
from ..problem import Edit, Problem, Safety, Severity
from ..rule import Rule
from ..reporters.sarif import help_uri
from .checker import Checker, Outcome, is_markdown

DEBOUNCE_SECONDS = 0.15
SOURCE = "reinvent-lint"
FIX_ALL = "source.fixAll.reinvent-lint"
FIX_ALL_TITLE = "Fix all safe reinvent-lint problems"
MAX_ACTION_PROBLEMS = 20  # quick fixes are offered for at most this many problems of a range
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
T = TypeVar("T")
log = logging.getLogger("reinvent_lint.server")


@functools.cache
def _rule_page(code: str, name: str, template: str) -> str:
    """A rule's page as SARIF's helpUri gives it: from the `[output] rule-url` template, else
    the page shipped in the package (a file: URI the editor opens); "" when there is none."""
    return help_uri(code, name, template)


class Lines:
    """LSP positions for a buffer: 0-based lines split at "\\n", columns in the negotiated unit
    (UTF-16 by default). Engine columns are 1-based code points of `Document.text`, which equals
    the buffer but for a BOM (first line) and the CR of CRLF files (after the last column)."""

    def __init__(self, text: str, units: Callable[[str], int]) -> None:
        self.bom = text.startswith("\ufeff")
        self.lines = text.split("\n")
        self.units = units

    def position(self, line: int, column: int) -> lsp.Position:
        """From a 1-based engine (line, column)."""
        index = min(max(line, 1), len(self.lines)) - 1
        text = self.lines[index]
        column = max(column, 1) - 1 + (1 if self.bom and index == 0 else 0)
        return lsp.Position(index, self.units(text[: min(column, len(text.rstrip("\r")))]))

    def end(self) -> lsp.Position:
        return lsp.Position(len(self.lines) - 1, self.units(self.lines[-1]))

    def edit(self, doc: Document, edit: Edit) -> lsp.TextEdit:
        start, end = self.position(*doc.position(edit.start)), self.position(*doc.position(edit.end))
        text = edit.replacement.replace("\n", "\r\n") if doc.crlf else edit.replacement
        return lsp.TextEdit(lsp.Range(start, end), text)


class ReinventLintServer(LanguageServer):
    def __init__(self, rules: Sequence[Rule] | None = None) -> None:
        super().__init__("reinvent-lint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self._rules = rules
        self._checker: Checker | None = None
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="reinvent-lint")
        self.rules_url = ""  # initializationOptions.rulesUrl: overrides the config's [output] rule-url
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.outcomes: dict[str, Outcome] = {}
        self.recheck: asyncio.Task[None] | None = None
        self.shown_errors: set[str] = set()
        self.logged: set[str] = set()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls's default shows a pop-up for every error; a log line is enough."""
        self.log(f"reinvent-lint server: {type(error).__name__}: {error}")

    # ----- the worker -----------------------------------------------------------------------
    def checker(self) -> Checker:
        if self._checker is None:
            self._checker = Checker(self._rules)
        return self._checker

    async def in_worker(self, call: Callable[[], T]) -> T | None:
        """Run an engine call on the worker thread; any exception is logged and gives None."""
        loop = asyncio.get_running_loop()

        def guarded() -> tuple[T | None, list[str], str | None]:
            result, error = None, None
            try:
                result = call()
            except ConfigError as exc:
                self.checker().config_errors.append(str(exc))
            except Exception:  # a bug anywhere in the engine must not stop the server
                error = traceback.format_exc()
            broken = self._checker.config_errors if self._checker else []
            if self._checker:
                self._checker.config_errors = []
            return result, broken, error

        result, broken, error = await loop.run_in_executor(self.pool, guarded)
        for message in broken:
            self.config_error(message)
        if error is not None:
            self.log(error)
        return result

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Error) -> None:
        self.window_log_message(lsp.LogMessageParams(kind, message))

    def config_error(self, message: str) -> None:
        self.log(message)
        if message not in self.shown_errors:  # once per distinct error, not on every keystroke
            self.shown_errors.add(message)
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"reinvent-lint: {message}"))

    # ----- documents ------------------------------------------------------------------------
    def text_of(self, uri: str) -> tuple[str, int | None] | None:
        document = self.workspace.text_documents.get(unquote(uri))
        return None if document is None else (document.source, document.version)

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.check(uri, delay))

    async def check(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        current = self.text_of(uri)
        path = to_fs_path(uri)
        if current is None or path is None:
            return
        text, version = current
        checker = self.checker
        outcome = await self.in_worker(lambda: checker().check(Path(path), text))
        for message in outcome.internal_errors if outcome else ():
            if message not in self.logged:  # once per distinct error, not on every keystroke
                self.logged.add(message)
                self.log(f"{message} (the other rules' diagnostics are shown)")
        if self.text_of(uri) != current:
            return  # the buffer changed meanwhile; its own check publishes
        diagnostics: list[lsp.Diagnostic] = []
        self.outcomes.pop(uri, None)
        if outcome is not None:
            try:
                diagnostics = self.diagnostics(outcome)
                self.outcomes[uri] = outcome
            except Exception:  # a bug converting a problem: log it, publish none
                self.log(traceback.format_exc())
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri, diagnostics, version))

    def units(self) -> Callable[[str], int]:
        codec = self.workspace.position_codec
        return lambda text: int(codec.client_num_units(text))

    def diagnostics(self, outcome: Outcome) -> list[lsp.Diagnostic]:
        lines = Lines(outcome.text, self.units())

        def unreadable(error: ReadError, prefix: str = "") -> lsp.Diagnostic:
            start = lines.position(error.line or 1, error.column or 1)
            end = lsp.Position(start.line, start.character + 1)
            return lsp.Diagnostic(
                lsp.Range(start, end), prefix + error.message, lsp.DiagnosticSeverity.Error, source=SOURCE
            )

        if outcome.unreadable is not None:
            return [unreadable(outcome.unreadable)]
        found = [self.diagnostic(p, lines, outcome.rule_url) for p in outcome.problems]
        if outcome.unreadable_on_disk is not None:
            found.insert(0, unreadable(outcome.unreadable_on_disk, "the file as saved: "))
        return found

    def diagnostic(self, p: Problem, lines: Lines, rule_url: str) -> lsp.Diagnostic:
        start = lines.position(p.line, p.column)
        if p.end_line:
            end = lines.position(p.end_line, p.end_column)
        else:  # site-wide rules give a point: mark to the end of its line
            end = lines.position(p.line, 1 << 30)
        page = _rule_page(p.code, p.name, self.rules_url or rule_url)
        return lsp.Diagnostic(
            lsp.Range(start, end),
            p.message,
            _SEVERITY[p.severity],
            code=p.code,
            code_description=lsp.CodeDescription(page) if page else None,
            source=SOURCE,
            tags=[lsp.DiagnosticTag.Unnecessary] if p.code == "RL001" else None,
        )

    def recheck_open(self) -> None:
        """Check every open Markdown buffer again (after files or the config changed), once
        the burst of change notifications is over."""
        if self.recheck is not None:
            self.recheck.cancel()

        async def later() -> None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            for uri in list(self.workspace.text_documents):
                path = to_fs_path(uri)
                if path and is_markdown(Path(path)):
                    self.schedule(uri)

        self.recheck = asyncio.ensure_future(later())

    async def files_changed(self, paths: list[Path]) -> None:
        checker = self.checker
        changed = await self.in_worker(lambda: checker().files_changed(paths))
        if changed is None:
            return
        config_changed, roots = changed
        if config_changed:
            self.shown_errors.clear()
        if config_changed or roots:
            self.recheck_open()

    # ----- code actions ---------------------------------------------------------------------
    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        current, path = self.text_of(uri), to_fs_path(uri)
        if current is None or path is None or not is_markdown(Path(path)):
            return None
        outcome = self.outcomes.get(uri)
        checker = self.checker
        if outcome is None or outcome.text != current[0]:
            text = current[0]
            outcome = await self.in_worker(lambda: checker().check(Path(path), text))
        if outcome is None or outcome.doc is None:
            return None
        found, version = outcome, current[1]
        return await self.in_worker(lambda: self.build_actions(checker(), Path(path), found, params, version))

    def build_actions(
        self, checker: Checker, path: Path, outcome: Outcome, params: lsp.CodeActionParams, version: int | None
    ) -> list[lsp.CodeAction]:
        """Runs on the worker: fixes are verified by the fix engine before they are offered."""
        doc = outcome.doc
        assert doc is not None
        uri = params.text_document.uri
        lines = Lines(outcome.text, self.units())
        wanted = params.context.only
        first, last = params.range.start.line + 1, params.range.end.line + 1
        actions: list[lsp.CodeAction] = []

        def allowed(kind: str) -> bool:
            return not wanted or any(kind == w or kind.startswith(f"{w}.") for w in wanted)

        def action(
            title: str, kind: str, edits: list[lsp.TextEdit], p: Problem | None, preferred: bool = False
        ) -> None:
            change = lsp.WorkspaceEdit(changes={uri: edits})
            diagnostics = [self.diagnostic(p, lines, outcome.rule_url)] if p else None
            actions.append(
                lsp.CodeAction(title, kind=kind, diagnostics=diagnostics, edit=change, is_preferred=preferred or None)
            )

        quickfix = lsp.CodeActionKind.QuickFix.value
        here = [p for p in outcome.problems if p.line <= last and max(p.end_line, p.line) >= first]
        here = here[:MAX_ACTION_PROBLEMS]  # a whole-file range must not verify thousands of fixes
        for p in here if allowed(quickfix) else []:
            if p.fix and checker.fix_is_sound(outcome, p):
                what = p.fix.description or p.name
                edits = [lines.edit(doc, e) for e in p.fix.edits]
                if p.fix.safety is Safety.SAFE:
                    action(f"Fix {p.code}: {what}", quickfix, edits, p, preferred=True)
                else:
                    action(f"Unsafe fix {p.code}: {what} (may change the meaning; review it)", quickfix, edits, p)
        for p in here if allowed(quickfix) else []:
            edit = checker.line_suppression(doc, p)
            if edit is not None:
                action(f"Disable {p.code} {p.name} for this line", quickfix, [lines.edit(doc, edit)], p)
        for code in dict.fromkeys(p.code for p in here) if allowed(quickfix) else []:
            edit = checker.file_suppression(doc, code)
            if edit is not None:
                p = next(p for p in here if p.code == code)
                action(f"Disable {code} {p.name} for this file", quickfix, [lines.edit(doc, edit)], None)
        if allowed(FIX_ALL) and any(p.fix and p.fix.safety is Safety.SAFE for p in outcome.problems):
            if not wanted and self.resolves_edits():
                # Asked for everything (a cursor move): offer it, and fix only if it is chosen.
                data = {"uri": uri, "version": version}
                actions.append(lsp.CodeAction(FIX_ALL_TITLE, kind=FIX_ALL, data=data))
            else:
                whole = self.fix_all_edit(checker, path, outcome)
                if whole is not None:
                    action(FIX_ALL_TITLE, FIX_ALL, [whole], None)
        return actions

    def resolves_edits(self) -> bool:
        caps = self.client_capabilities.text_document
        support = caps.code_action.resolve_support if caps and caps.code_action else None
        return bool(support and "edit" in support.properties)

    def fix_all_edit(self, checker: Checker, path: Path, outcome: Outcome) -> lsp.TextEdit | None:
        """One edit replacing the buffer by its text with every safe fix applied (worker thread)."""
        fixed = checker.fix_all(path, outcome)
        if fixed is None or outcome.doc is None:
            return None
        lines = Lines(outcome.text, self.units())
        text = ("\ufeff" if lines.bom else "") + (fixed.replace("\n", "\r\n") if outcome.doc.crlf else fixed)
        return lsp.TextEdit(lsp.Range(lsp.Position(0, 0), lines.end()), text)

    async def resolve_fix_all(self, action: lsp.CodeAction) -> lsp.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri, path = str(data.get("uri", "")), to_fs_path(str(data.get("uri", "")))
        current = self.text_of(uri)
        if path is None or current is None or current[1] != data.get("version"):
            return action  # the buffer changed since the action was offered: no edit
        outcome = self.outcomes.get(uri)
        checker = self.checker
        text = current[0]
        if outcome is None or outcome.text != text:
            outcome = await self.in_worker(lambda: checker().check(Path(path), text))
        found = outcome
        edit = await self.in_worker(lambda: self.fix_all_edit(checker(), Path(path), found) if found else None)
        if edit is not None:
            action.edit = lsp.WorkspaceEdit(changes={uri: [edit]})
        return action


def build_server(rules: Sequence[Rule] | None = None) -> ReinventLintServer:
    server = ReinventLintServer(rules)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: ReinventLintServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("rulesUrl"), str):
            url = options["rulesUrl"]  # a template like [output] rule-url, or a folder of pages
            ls.rules_url = url if "{" in url else url.rstrip("/") + "/{page}"

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: ReinventLintServer, params: lsp.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if not (watch and watch.dynamic_registration):
            return
        options = lsp.DidChangeWatchedFilesRegistrationOptions([lsp.FileSystemWatcher("**/*")])
        registration = lsp.Registration("reinvent-lint-files", lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
        try:
            await ls.client_register_capability_async(lsp.RegistrationParams([registration]))
        except Exception as exc:  # the client refused: changes on disk are then seen on save only
            ls.log(f"could not watch files: {exc}", lsp.MessageType.Warning)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ReinventLintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        path = to_fs_path(params.text_document.uri)
        if path and is_markdown(Path(path)):
            ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ReinventLintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        path = to_fs_path(params.text_document.uri)
        if path and is_markdown(Path(path)):
            ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: ReinventLintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        path = to_fs_path(params.text_document.uri)
        if path is None:
            return
        if is_markdown(Path(path)):
            ls.schedule(params.text_document.uri)
        await ls.files_changed([Path(path)])  # other posts may link to it; the config may have changed

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ReinventLintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.outcomes.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri, []))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: ReinventLintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        paths = [Path(p) for p in (to_fs_path(c.uri) for c in params.changes) if p]
        await ls.files_changed(paths)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
    )
    async def code_action(ls: ReinventLintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        return await ls.code_actions(params)

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: ReinventLintServer, action: lsp.CodeAction) -> lsp.CodeAction:
        return await ls.resolve_fix_all(action) if action.kind == FIX_ALL else action

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: ReinventLintServer, params: Any) -> None:
        for task in [*ls.pending.values(), *([ls.recheck] if ls.recheck else [])]:
            task.cancel()
        ls.pool.shutdown(wait=False, cancel_futures=True)

    return server


def serve(rules: Sequence[Rule] | None = None) -> int:
    """Serve until the client exits; 0 when it asked for shutdown first, 1 otherwise (LSP spec)."""
    logging.basicConfig(level=logging.WARNING, format="reinvent-lint server: %(levelname)s: %(message)s")
    server = build_server(rules)
    server.start_io()
    return 0 if getattr(server.protocol, "_shutdown", False) else 1
