"""The language server, driven as an editor drives it: ``python -m claimcheck lsp``
as a subprocess, JSON-RPC over its standard input and output (pygls's client).

One session opens a violating Markdown document in a folder with a
``.claimcheck.yaml``, waits for its diagnostics and compares them with what
``claimcheck check`` reports on the same text (the same findings, at the same
places, with a character outside the Basic Multilingual Plane before the claim so
that UTF-16 positions differ from code points), hovers over the claim, applies
the quick fix and checks that the changed text no longer has the finding.
Every wait has a timeout, so a server that hangs fails the test instead.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (pip install -e '.[lsp]')")

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from claimcheck.lsp.positions import PositionMap  # noqa: E402
from tests.clitools import RISKS_LINE, VIOLATING_LINE, check_json, findings, write  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60  # seconds for any one answer; the first check builds the language pipeline
CLAIM = "stem cell injections cure knee arthritis"
# The line with the claim, after an emoji: two UTF-16 code units, one code point.
CLAIM_LINE = "\N{LEG} " + VIOLATING_LINE
SUPPRESSED = ("<!-- claimcheck-disable-next-line CC101 -- approved by medical review, ticket MR-7 -->\n"
              "Our stem cell injections cure hip arthritis.\n")
AD = f"# Knee care\n\n{CLAIM_LINE}\n\n{RISKS_LINE}\n\n{SUPPRESSED}"


class Session:
    """A server process and what it has published, per document version."""

    def __init__(self):
        self.client = LanguageClient("claimcheck-test", "1")
        self.published: dict[tuple[str, int | None], asyncio.Future] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            future = self._future(params.uri, params.version)
            if not future.done():
                future.set_result(params.diagnostics)

    def _future(self, uri: str, version: int | None) -> asyncio.Future:
        return self.published.setdefault((uri, version), asyncio.get_running_loop().create_future())

    async def diagnostics(self, uri: str, version: int | None) -> list[types.Diagnostic]:
        return await asyncio.wait_for(self._future(uri, version), WAIT)

    async def start(self, folder: Path) -> types.InitializeResult:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        await self.client.start_io(sys.executable, "-m", "claimcheck", "lsp", "--stdio", cwd=str(folder), env=env)
        result = await asyncio.wait_for(self.client.initialize_async(types.InitializeParams(
            process_id=os.getpid(), root_uri=from_fs_path(str(folder)),
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
                text_document=types.TextDocumentClientCapabilities(hover=types.HoverClientCapabilities(
                    content_format=[types.MarkupKind.Markdown]))))), WAIT)
        self.client.initialized(types.InitializedParams())
        return result

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), WAIT)
            self.client.exit(None)
            await asyncio.wait_for(self.client.stop(), WAIT)
        finally:
            server = self.client._server
            if server is not None and server.returncode is None:
                server.kill()


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions), last first so earlier positions stay valid."""
    positions = PositionMap(text)
    spans = sorted(((positions.offset(e.range.start.line, e.range.start.character),
                     positions.offset(e.range.end.line, e.range.end.character), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_diagnostics_hover_and_quick_fix_over_stdio(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "ignore: [CC102]\n")  # the server must honour it, as check does
    ad = write(tmp_path / "ads" / "knee.md", AD)
    uri = from_fs_path(str(ad))
    write(tmp_path / "broken" / ".claimcheck.yaml", "selct: [CC1]\n")
    broken_uri = from_fs_path(str(tmp_path / "broken" / "ad.md"))  # never saved: the editor's text is all there is

    report, _ = check_json(ad)
    expected = sorted((f["code"], f["line"] - 1, f["end_line"] - 1) for f in findings(report))
    assert any(code == "CC101" for code, *_ in expected) and all(code != "CC102" for code, *_ in expected)
    # The comment suppresses CC101 on the hip claim (line 8); the server must leave it out, as check does.
    assert [f["line"] for f in findings(report, suppressed=True)] == [8]

    async def scenario():
        session = Session()
        try:
            initialized = await session.start(tmp_path)
            capabilities = initialized.capabilities
            assert capabilities.hover_provider and capabilities.code_action_provider
            assert capabilities.position_encoding == types.PositionEncodingKind.Utf16

            session.client.text_document_did_open(types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=AD)))
            diagnostics = await session.diagnostics(uri, 1)
            assert sorted((d.code, d.range.start.line, d.range.end.line) for d in diagnostics) == expected

            unapproved = next(d for d in diagnostics if d.code == "CC101")
            prefix = CLAIM_LINE[:CLAIM_LINE.index(CLAIM)]
            assert (unapproved.range.start.line, unapproved.range.start.character) == (2, utf16_length(prefix))
            assert (unapproved.range.end.line, unapproved.range.end.character) == (2, utf16_length(prefix + CLAIM))
            assert unapproved.severity == types.DiagnosticSeverity.Error  # critical, above the default fail-on
            assert unapproved.source == "claimcheck"
            # The built-in pack publishes its pages nowhere (no docs-url): no dead link; the hover has the docs.
            assert unapproved.code_description is None
            cc101 = next(f for f in findings(report) if f["code"] == "CC101")
            assert unapproved.message.startswith(cc101["message"])

            hover = await asyncio.wait_for(session.client.text_document_hover_async(types.HoverParams(
                types.TextDocumentIdentifier(uri), types.Position(line=2, character=utf16_length(prefix) + 12))), WAIT)
            assert hover is not None and hover.contents.kind == types.MarkupKind.Markdown
            from claimcheck.pack.docs import help_markdown
            from claimcheck.pack.rulepack import load_pack
            assert help_markdown(load_pack().rule("CC101")) in hover.contents.value
            assert cc101["message"] in hover.contents.value
            outside = await asyncio.wait_for(session.client.text_document_hover_async(types.HoverParams(
                types.TextDocumentIdentifier(uri), types.Position(line=0, character=2))), WAIT)
            assert outside is None  # the heading holds no finding

            actions = await asyncio.wait_for(session.client.text_document_code_action_async(types.CodeActionParams(
                types.TextDocumentIdentifier(uri), unapproved.range,
                types.CodeActionContext(diagnostics=[unapproved]))), WAIT)
            fix = next(a for a in actions or [] if a.title.startswith("CC101"))
            assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
            fixed = apply_edits(AD, fix.edit.changes[uri])
            assert CLAIM not in fixed and "# Knee care" in fixed and RISKS_LINE in fixed
            assert fixed.split("\n")[2].startswith("\N{LEG} Cell-based treatments for osteoarthritis")

            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                [types.TextDocumentContentChangeWholeDocument(text=fixed)]))
            after = await session.diagnostics(uri, 2)
            assert "CC101" not in {d.code for d in after}, [(d.code, d.message) for d in after]
            ad.write_text(fixed, encoding="utf-8")
            assert "CC101" not in {f["code"] for f in findings(check_json(ad)[0])}

            # A broken configuration is one diagnostic at the top, naming the file and the key.
            session.client.text_document_did_open(types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=broken_uri, language_id="markdown", version=1, text=AD)))
            (problem,) = await session.diagnostics(broken_uri, 1)
            assert problem.code == "CC912" and "selct" in problem.message and ".claimcheck.yaml" in problem.message
            assert (problem.range.start.line, problem.range.start.character) == (0, 0)
            session.client.text_document_did_close(types.DidCloseTextDocumentParams(
                types.TextDocumentIdentifier(broken_uri)))
            assert not await session.diagnostics(broken_uri, None)  # closing clears them
        finally:
            await session.stop()
        assert session.client._server.returncode == 0

    asyncio.run(asyncio.wait_for(scenario(), 5 * WAIT))


HTML_AD = ("<!DOCTYPE html>\n<html><head><title>Knee care</title><style>p { color: red }</style></head>\n<body>\n"
           "<h1>Knee care &amp; recovery</h1>\n"
           "<p>\N{LEG} Our stem cell injections <b>cure</b> knee arthritis &mdash; and\n"
           "our cord tissue cells regrow cartilage.</p>\n"
           f"<p>{RISKS_LINE}</p>\n</body></html>\n")
TEXT_AD = (f"Knee care\r\n\r\n{CLAIM_LINE}\r\n\r\n{RISKS_LINE} "
           "<!-- claimcheck-disable-next-line CC101 -- approved by medical review, ticket MR-7 -->\r\n"
           "Our stem cell injections cure hip arthritis.\r\n")


@pytest.mark.parametrize("name, language_id, text", [("knee.html", "html", HTML_AD),
                                                     ("knee.txt", "plaintext", TEXT_AD)])
def test_html_and_plain_text_diagnostics_sit_where_check_puts_the_findings(tmp_path, name, language_id, text):
    """The server reads HTML (markup, entities, a claim over two lines) and plain text (CRLF line
    ends, an inline suppression comment) as ``check`` reads the saved file: the same findings,
    each diagnostic's range the finding's start and end in UTF-16 positions."""
    ad = tmp_path / name
    ad.write_bytes(text.encode("utf-8"))
    uri = from_fs_path(str(ad))
    report, _ = check_json(ad)
    positions = PositionMap(text)
    expected = sorted((f["code"], positions.position(f["start"]), positions.position(f["end"]))
                      for f in findings(report))
    assert {"CC101", "CC102"} <= {code for code, *_ in expected}
    if language_id == "html":
        assert any(start[0] != end[0] for _, start, end in expected)  # a finding over two lines
    else:
        assert [f["line"] for f in findings(report, suppressed=True) if f["code"] == "CC101"] == [6]

    async def scenario():
        session = Session()
        try:
            await session.start(tmp_path)
            session.client.text_document_did_open(types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
            diagnostics = await session.diagnostics(uri, 1)
            assert sorted((d.code, (d.range.start.line, d.range.start.character),
                           (d.range.end.line, d.range.end.character)) for d in diagnostics) == expected
        finally:
            await session.stop()

    asyncio.run(asyncio.wait_for(scenario(), 5 * WAIT))


@pytest.mark.parametrize("encoding, expected", [("utf-16", (1, 3)), ("utf-8", (1, 5)), ("utf-32", (1, 2))])
def test_positions_count_the_agreed_code_units(encoding, expected):
    text = "first line\r\n\N{LEG}x claim"  # the emoji: 2 UTF-16 units, 4 UTF-8 bytes, 1 code point
    positions = PositionMap(text, encoding)
    offset = text.index("claim")
    assert positions.position(offset - 1) == expected
    assert positions.offset(*expected) == offset - 1


def test_positions_break_lines_only_where_lsp_does():
    # U+2028 and a form feed are not line breaks in LSP (str.splitlines would count them).
    text = "a\u2028b\x0cc\rd\ne"
    positions = PositionMap(text)
    assert positions.position(text.index("c")) == (0, 4)
    assert positions.position(text.index("d")) == (1, 0)
    assert positions.position(text.index("e")) == (2, 0)
    assert positions.offset(5, 0) == len(text)  # past the last line: the end
    assert positions.offset(0, 99) == text.index("\r")  # past a line's end: that end


def test_without_pygls_the_command_says_what_to_install():
    import subprocess

    blocked = ("import sys\n"
               "class NoPygls:\n"
               "    def find_spec(self, name, path=None, target=None):\n"
               "        if name.split('.')[0] in ('pygls', 'lsprotocol'):\n"
               "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
               "sys.meta_path.insert(0, NoPygls())\n"
               "sys.argv = ['claimcheck', 'lsp']\n"
               "from claimcheck.cli import main\n"
               "main()\n")
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=WAIT,
                            cwd=ROOT, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "claimcheck: error: the language server needs pygls (lsprotocol is not installed); "
        "install it with: pip install 'claimcheck[lsp]'"]
    assert result.stdout == ""


def test_an_html_buffer_reads_the_stylesheets_its_file_links(tmp_path):
    """As ``check`` reads the saved file: a disclaimer hidden by a linked local stylesheet
    discloses nothing in the editor either."""
    from claimcheck.lsp.checking import check_text

    (tmp_path / "site.css").write_text(".fine{display:none}", encoding="utf-8")
    page = ('<html><head><link rel="stylesheet" href="site.css"></head><body>'
            f'<p>{VIOLATING_LINE}</p><p class="fine">{RISKS_LINE} Not FDA approved.</p></body></html>')
    path = str(tmp_path / "knee.html")
    hidden = {f.finding.code for f in check_text(path, page, "text/html").findings}
    (tmp_path / "site.css").write_text(".other{display:none}", encoding="utf-8")
    shown = {f.finding.code for f in check_text(path, page, "text/html").findings}
    assert "CC303" in hidden and "CC303" not in shown
