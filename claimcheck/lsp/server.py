"""The language server (pygls): diagnostics, hover and quick fixes for open documents.

Markdown, HTML and plain-text documents are checked when opened and again
after each change (debounced: a burst of keystrokes is one check, of the text
as it is when typing pauses). The whole text is sent on every change
(full sync): documents are small, and it keeps the server's copy identical to
the editor's. Checks run one at a time on a worker thread, so the connection
stays responsive while the first check builds the language pipeline; a check
whose document has changed in the meantime is dropped, never published.

- diagnostics: ``check``'s unsuppressed findings; an error when at or above
  the file's fail-on (``check`` would fail), a warning below it, information
  for ``info`` findings. Configuration problems are one diagnostic at the top.
- hover: on a finding, its message and the rule's documentation.
- code actions: where a rule's suggestion quotes safer wording, a quick fix
  that rewrites the sentence holding the claim with it (or, for a document
  rule such as a missing disclaimer, adds the wording after that sentence).
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from claimcheck import __version__
from claimcheck.lsp.checking import DocumentCheck, EditorFinding, check_text, media_type_for_document
from claimcheck.lsp.positions import PositionMap

# Long enough to let a typed word finish, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.2
SOURCE = "claimcheck"

logger = logging.getLogger(__name__)


@dataclass
class CheckedVersion:
    """A check of one exact text of a document, with its position map."""

    check: DocumentCheck
    positions: PositionMap

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=types.Position(*self.positions.position(start)),
                           end=types.Position(*self.positions.position(end)))


class ClaimcheckServer(LanguageServer):
    def __init__(self):
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.checked: dict[str, CheckedVersion] = {}  # uri -> latest check published
        self._pending: dict[str, asyncio.Task] = {}
        # One check at a time: the language pipeline is shared and not made for concurrent use.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimcheck-check")

    # -- what to check ---------------------------------------------------------------

    def _target(self, uri: str) -> tuple[str, str, str] | None:
        """(path, text, media type) of an open document claimcheck reads, else None."""
        try:
            document = self.workspace.get_text_document(uri)
        except KeyError:
            return None
        path = to_fs_path(uri) or uri
        media_type = media_type_for_document(document.language_id, path)
        return (path, document.source, media_type) if media_type else None

    async def _check_now(self, uri: str) -> CheckedVersion | None:
        target = self._target(uri)
        if target is None:
            return None
        path, text, media_type = target
        check = await asyncio.get_running_loop().run_in_executor(self._worker, check_text, path, text, media_type)
        return CheckedVersion(check, PositionMap(text, self.workspace.position_encoding or "utf-16"))

    async def current(self, uri: str) -> CheckedVersion | None:
        """The check of the document's text as it is now, checking it first if it changed."""
        target = self._target(uri)
        known = self.checked.get(uri)
        if target is None or (known is not None and known.check.text == target[1]):
            return known if target else None
        return await self._check_now(uri)

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds unless it changes again first, then publish."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = asyncio.get_running_loop().create_task(self._check_and_publish(uri, delay))

    async def _check_and_publish(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            checked = await self._check_now(uri)
        except asyncio.CancelledError:
            return
        except Exception as exc:  # a bug must cost one check, not the server
            logger.exception("checking %s failed", uri)
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error,
                                                           message=f"claimcheck: {uri}: {type(exc).__name__}: {exc}"))
            return
        target = self._target(uri)
        if checked is None or target is None or target[1] != checked.check.text:
            return  # closed, or changed while it was checked: the newer text has its own check coming
        self.checked[uri] = checked
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=self.workspace.get_text_document(uri).version,
            diagnostics=[self.diagnostic(checked, item) for item in checked.check.findings]
            + [problem_diagnostic(problem) for problem in checked.check.problems]))

    def forget(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.checked.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def warm_up(self) -> None:
        """Build the pipeline before the first document needs it (a second or two)."""
        folder = to_fs_path(self.workspace.root_uri) if self.workspace.root_uri else None
        path = f"{folder or '.'}/claimcheck-warm-up.md"
        self._worker.submit(check_text, path, "Stem cell therapy for knee pain.", "text/markdown")

    # -- what to show ------------------------------------------------------------------

    def diagnostic(self, checked: CheckedVersion, item: EditorFinding) -> types.Diagnostic:
        finding = item.finding
        if item.blocking:
            severity = types.DiagnosticSeverity.Error
        elif finding.severity == "info":
            severity = types.DiagnosticSeverity.Information
        else:
            severity = types.DiagnosticSeverity.Warning
        description = None
        if item.rule is not None and getattr(item.rule, "kind", "") != "suppression":
            from claimcheck.pack.docs import help_uri
            # No page published: no link (the hover carries the rule's documentation).
            href = help_uri(item.rule)
            description = types.CodeDescription(href=href) if href else None
        return types.Diagnostic(
            range=checked.range(finding.start, finding.end), message=f"{finding.message} ({finding.severity})",
            severity=severity, code=finding.code, code_description=description, source=SOURCE)

    def hover(self, checked: CheckedVersion, offset: int) -> types.Hover | None:
        from claimcheck.pack import docs

        items = [item for item in checked.check.findings_at(offset) if item.rule is not None]
        if not items:
            return None
        markdown = self._client_reads_markdown()
        sections = []
        for item in items:
            finding, rule = item.finding, item.rule
            if markdown:
                sections.append(f"**{rule.code} {rule.name}** ({finding.severity})\n\n{finding.message}\n\n"
                                + docs.help_markdown(rule))
            else:
                sections.append(f"{rule.code} {rule.name} ({finding.severity})\n\n{finding.message}\n\n"
                                + docs.help_text(rule))
        first, last = min(i.finding.start for i in items), max(i.finding.end for i in items)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText,
                                         value=("\n\n---\n\n" if markdown else "\n\n").join(sections)),
            range=checked.range(first, last))

    def _client_reads_markdown(self) -> bool:
        hover = self.client_capabilities.text_document and self.client_capabilities.text_document.hover
        formats = hover.content_format if hover else None
        return not formats or types.MarkupKind.Markdown in formats

    def code_actions(self, uri: str, checked: CheckedVersion, start: int, end: int) -> list[types.CodeAction]:
        actions = []
        for item in checked.check.findings_at(start, end):
            wording = item.wording
            if not wording:
                continue
            finding = item.finding
            sentence_start, sentence_end = item.sentence or (finding.start, finding.end)
            if finding.scope == "claim":
                edit = types.TextEdit(range=checked.range(sentence_start, sentence_end),
                                      new_text=checked.check.markup(wording))
                title = f"{finding.code}: rewrite as \u201c{wording}\u201d"
            else:  # a document rule asks for something missing: add it after the claim's sentence
                edit = types.TextEdit(range=checked.range(sentence_end, sentence_end),
                                      new_text=" " + checked.check.markup(wording))
                title = f"{finding.code}: add \u201c{wording}\u201d"
            actions.append(types.CodeAction(
                title=title, kind=types.CodeActionKind.QuickFix,
                diagnostics=[self.diagnostic(checked, item)], is_preferred=finding.scope == "claim",
                edit=types.WorkspaceEdit(changes={uri: [edit]})))
        return actions


def problem_diagnostic(problem) -> types.Diagnostic:
    """A configuration or rule-pack problem (its line is in that file), shown at the top of the document."""
    top = types.Position(line=0, character=0)
    return types.Diagnostic(range=types.Range(start=top, end=top), message=problem.render(),
                            severity=types.DiagnosticSeverity.Error if problem.fatal else types.DiagnosticSeverity.Warning,
                            code=problem.code, source=SOURCE)


def _includes_quick_fix(kind: str) -> bool:
    """Does a requested code-action kind cover quick fixes? Kinds are hierarchical ("" is all)."""
    quick_fix = types.CodeActionKind.QuickFix.value
    return not kind or quick_fix == kind or quick_fix.startswith(kind + ".")


def build_server() -> ClaimcheckServer:
    server = ClaimcheckServer()

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        server.warm_up()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, 0)  # a configuration file may have changed since

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        checked = await server.current(params.text_document.uri)
        if checked is None:
            return None
        return server.hover(checked, checked.positions.offset(params.position.line, params.position.character))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        if params.context.only and not any(_includes_quick_fix(kind) for kind in params.context.only):
            return None
        uri = params.text_document.uri
        checked = await server.current(uri)
        if checked is None:
            return None
        offset = checked.positions.offset
        return server.code_actions(uri, checked, offset(params.range.start.line, params.range.start.character),
                                   offset(params.range.end.line, params.range.end.character)) or None

    return server
