"""One open document checked exactly as ``claimcheck check`` checks the saved file.

The editor's text goes through ``project.lint`` as an in-memory source named by
the file's path, so the nearest ``.claimcheck.yaml`` or ``pyproject.toml``,
rule selection, per-file ignores and suppression comments apply as on the
command line. What the editor needs beyond ``check``'s findings is recorded
here too: each finding's rule (for hover), whether it is at or above the file's
fail-on (an error, red, when ``check`` would fail), and the raw span of the
sentence that holds it (what a quick fix rewrites).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.errors import EMPTY, InputProblem
from claimcheck.model import SEVERITY_RANK, Finding, Source

# LSP language ids -> media types. Neovim sends the filetype ("text"), VS Code "plaintext".
LANGUAGE_MEDIA_TYPES = {
    "markdown": "text/markdown",
    "html": "text/html",
    "plaintext": "text/plain",
    "text": "text/plain",
}
# The safer wording a rule's suggestion proposes is its first double-quoted passage.
_QUOTED_WORDING = re.compile(r'"([^"]+)"')


@dataclass
class EditorFinding:
    finding: Finding
    rule: object  # pack.rulepack.Rule, or a suppression meta-rule
    blocking: bool  # at or above the file's fail-on: `claimcheck check` would exit 1
    sentence: tuple[int, int] | None = None  # raw span of the sentence holding the finding's start

    @property
    def wording(self) -> str | None:
        """The replacement text the rule's suggestion quotes, if it quotes one."""
        match = _QUOTED_WORDING.search(self.finding.suggestion or "")
        return match.group(1).strip() if match else None


@dataclass
class DocumentCheck:
    text: str
    media_type: str
    findings: list[EditorFinding] = field(default_factory=list)  # unsuppressed, in document order
    problems: list[InputProblem] = field(default_factory=list)  # configuration and rule-pack problems

    def findings_at(self, start: int, end: int | None = None) -> list[EditorFinding]:
        """Findings whose span touches [start, end] (a cursor when ``end`` is None)."""
        end = start if end is None else end
        return [f for f in self.findings if f.finding.start <= end and start <= f.finding.end]

    def markup(self, plain: str) -> str:
        """Plain wording as this document's source text (HTML escapes ``&``, ``<``, ``>``, ``"``)."""
        if self.media_type == "text/html":
            return plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        return plain


def media_type_for_document(language_id: str | None, path: str) -> str | None:
    """The media type to check a document as, or None for a language claimcheck does not read."""
    if language_id in LANGUAGE_MEDIA_TYPES:
        return LANGUAGE_MEDIA_TYPES[language_id]
    from claimcheck.load.files import MEDIA_TYPES
    return MEDIA_TYPES.get(Path(path).suffix.lower())


class _SentenceRecorder:
    """A lint postprocess step: for each finding, the raw span of the sentence holding its
    start, cut to the block it is in (a title without a full stop runs on into the next
    heading in the sentence splitter's eyes, and a quick fix must not rewrite markup between
    blocks), and widened to the finding when the claim runs past the sentence."""

    def __init__(self):
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}  # finding's raw span -> its sentence's

    def __call__(self, checked) -> None:
        normalized, analysis = checked.text, checked.analysis
        if not normalized.text:
            return
        for finding in checked.result.findings:
            # The last normalized character at the finding's raw start: the separators the
            # normalizer puts between blocks share the raw offset of the block that follows.
            index = min(max(bisect.bisect_right(normalized.raw_offsets, finding.start) - 1, 0),
                        len(normalized.text) - 1)
            sentence = analysis.sentence_at(index)
            if sentence is None:
                continue
            start, end = analysis.sentences[sentence]
            block = next((b for b in normalized.blocks if b.start <= index < b.end), None)
            if block is not None:
                start, end = max(start, block.start), min(end, block.end)
            while end > start and normalized.text[end - 1].isspace():
                end -= 1
            raw_start, raw_end = normalized.raw_span(start, end)
            self.spans[finding.start, finding.end] = (min(raw_start, finding.start), max(raw_end, finding.end))


def check_text(path: str, text: str, media_type: str) -> DocumentCheck:
    """Check ``text`` as the content of ``path`` (the file need not exist or be saved)."""
    from claimcheck.load.linked_styles import linked_stylesheets
    from claimcheck.project.config import Config, ConfigError
    from claimcheck.project.lint import LintRequest, lint
    from claimcheck.project.suppress import META_RULES

    sentences = _SentenceRecorder()
    # The local stylesheets an HTML file links hide text in the editor as in check.
    stylesheets = linked_stylesheets(text, Path(path)) if media_type == "text/html" else ()
    request = LintRequest(paths=(path,), command_line=Config(root=Path.cwd()),
                          sources=(Source(origin=path, media_type=media_type, raw=text, stylesheets=stylesheets),),
                          postprocess=(sentences,))
    try:
        result = lint(request)
    except ConfigError as exc:
        return DocumentCheck(text, media_type, problems=exc.problems)
    rules = {rule.code: rule for rule in [*result.pack.rules, *META_RULES]}
    threshold = SEVERITY_RANK[result.fail_on.get(path, result.strictest_fail_on)]
    # A new, empty buffer is not worth a warning in an editor.
    checked = DocumentCheck(text, media_type, problems=[p for p in result.problems if p.code != EMPTY])
    for document in result.documents:
        for finding in document.findings:
            if finding.suppressed is None:
                checked.findings.append(EditorFinding(
                    finding, rules.get(finding.code), SEVERITY_RANK[finding.severity] >= threshold,
                    sentences.spans.get((finding.start, finding.end))))
    return checked
