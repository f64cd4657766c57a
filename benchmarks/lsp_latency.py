"""How long an editor waits for claimcheck's diagnostics (``claimcheck lsp``).

    python benchmarks/lsp_latency.py [--changes 10] [--file AD]

Starts the server as an editor does, opens a document (a sample ad unless
``--file``) and prints:

* the time from start-up to the first diagnostics (the server's start, its
  import of spaCy and the pipeline build, then the check);
* for each of ``--changes`` edits (a word appended, then the next), the time
  from didChange to the new diagnostics, less the server's debounce pause:
  median and fastest.

Not a test: figures depend on the machine. The README quotes a run.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from claimcheck.lsp.checking import LANGUAGE_MEDIA_TYPES
from claimcheck.lsp.server import DEBOUNCE_SECONDS

SAMPLE_AD = """# Knee care

Our stem cell injections cure knee arthritis.

Risks include infection and pain at the injection site.
"""
LANGUAGE_OF_SUFFIX = {".md": "markdown", ".html": "html", ".htm": "html", ".txt": "plaintext"}


async def measure(path: Path, text: str, changes: int) -> tuple[float, list[float]]:
    client = LanguageClient("claimcheck-benchmark", "1")
    arrived: dict[int, asyncio.Future] = {}
    loop = asyncio.get_running_loop()

    def waiting_for(version: int) -> asyncio.Future:
        return arrived.setdefault(version, loop.create_future())

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None and not waiting_for(params.version).done():
            waiting_for(params.version).set_result(time.perf_counter())

    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "claimcheck", "lsp", cwd=str(path.parent))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                         root_uri=from_fs_path(str(path.parent))))
    client.initialized(types.InitializedParams())
    uri = from_fs_path(str(path))
    language = LANGUAGE_OF_SUFFIX.get(path.suffix, "plaintext")
    assert language in LANGUAGE_MEDIA_TYPES
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    first = await asyncio.wait_for(waiting_for(1), 120) - started

    timings = []
    for version in range(2, changes + 2):
        text += f"\nEdit {version}."
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
        timings.append(await asyncio.wait_for(waiting_for(version), 60) - sent - DEBOUNCE_SECONDS)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--file", type=Path, help="The document to open (default: a five-line ad).")
    args = parser.parse_args()
    if args.file:
        path, text = args.file.resolve(), args.file.read_text(encoding="utf-8")
    else:
        path, text = Path.cwd() / "benchmark-ad.md", SAMPLE_AD  # opened, never written
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    first, timings = asyncio.run(measure(path, text, args.changes))
    print(f"{path.name}: {len(text):,} characters")
    print(f"start-up to first diagnostics: {first * 1000:,.0f} ms")
    print(f"didChange to diagnostics, less the {DEBOUNCE_SECONDS * 1000:.0f} ms debounce: "
          f"median {statistics.median(timings) * 1000:,.0f} ms, fastest {min(timings) * 1000:,.0f} ms "
          f"({len(timings)} changes)")


if __name__ == "__main__":
    main()
