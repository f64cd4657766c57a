"""Runs the stages over a stream of sources: normalize -> extract -> evaluate -> grade.

``check_sources`` is the one path every command uses (check, eval, test,
baseline, scan), so they all see the same findings. It streams: documents go
through ``nlp.pipe`` in batches and results come out one by one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from claimcheck.errors import InputProblem
from claimcheck.evaluate import evaluate
from claimcheck.extract import Analysis
from claimcheck.grade import DEFAULT_POLICY, GradingPolicy, grade
from claimcheck.model import DocumentResult, NormalizedText, Source
from claimcheck.normalize import normalize
from claimcheck.pack.rulepack import Rule, RulePack


@dataclass
class CheckedDocument:
    source: Source
    text: NormalizedText
    analysis: Analysis
    result: DocumentResult


@dataclass
class CheckOptions:
    rules_for: Callable[[Source], list[Rule]] | None = None  # per-file selection (config)
    policy: GradingPolicy = DEFAULT_POLICY
    postprocess: list[Callable[[CheckedDocument], None]] = field(default_factory=list)
    # How a source becomes lintable text; ``scan`` passes its main-content extraction.
    normalize: Callable[[Source], NormalizedText] = normalize


def _normalized(sources: Iterable[Source], problems: list[InputProblem],
                normalize: Callable[[Source], NormalizedText] = normalize):
    for source in sources:
        if not source.raw.strip():
            problems.append(InputProblem(source.origin, "CC907", "empty file, nothing to check", fatal=False))
        try:
            text = normalize(source)
        except Exception as exc:  # a parser bug must cost one file, not the run
            problems.append(InputProblem(source.origin, "CC908", f"cannot parse: {type(exc).__name__}: {exc}"))
            continue
        yield source, text


def check_sources(sources: Iterable[Source], pack: RulePack, problems: list[InputProblem],
                  options: CheckOptions | None = None) -> Iterator[CheckedDocument]:
    from claimcheck.extract.pipeline import analyze_pairs

    options = options or CheckOptions()
    for source, text, analysis in analyze_pairs(_normalized(sources, problems, options.normalize), pack):
        rules = options.rules_for(source) if options.rules_for else None
        findings = evaluate(analysis, source.raw, pack, rules)
        if source.locations:
            for finding in findings:
                finding.location = source.locate(finding.start)
        result = DocumentResult(path=source.origin, findings=findings, words=analysis.words,
                                claims=len(analysis.claims), site=source.site, media_type=source.media_type)
        checked = CheckedDocument(source, text, analysis, result)
        for step in options.postprocess:
            step(checked)
        grade(result, options.policy)
        yield checked
