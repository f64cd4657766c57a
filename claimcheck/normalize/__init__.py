"""Stage 2, normalize: markup in, lintable text out, with every offset kept.

Each media type has its own module; all of them fill a ``TextBuilder`` so that
the result has the same shape: text whose whitespace is collapsed (one space
inside a block, a blank line between blocks, so block boundaries end
sentences), an offset map back to the raw source, the blocks with their kind,
and the comments (read for suppressions, never linted).
"""
from __future__ import annotations

from claimcheck.model import NormalizedText, Source


def normalize(source: Source) -> NormalizedText:
    if source.media_type == "text/html":
        from claimcheck.normalize.html import normalize_html
        return normalize_html(source.raw, source.stylesheets)
    if source.media_type == "text/markdown":
        from claimcheck.normalize.markdown import normalize_markdown
        return normalize_markdown(source.raw)
    from claimcheck.normalize.plain import normalize_plain
    return normalize_plain(source.raw)
