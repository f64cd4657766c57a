"""Runs the stages over a stream of sources: normalize -> extract -> evaluate -> grade.

``check_sources`` is the one path every command uses (check, eval, test,
baseline, scan), so they all see the same findings. It streams: documents go
through ``nlp.pipe`` in batches and results come out batch by batch; a large run
may be spread over forked processes (``parallel.py``) with the same output.

A document that breaks anything (a parser or pipeline error, a text over spaCy's
length limit, ``CheckOptions.timeout`` overrun) is that document's problem (CC905,
CC908, CC915); the others are checked as usual: a batch that fails is checked
again one document at a time to find the one at fault.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from claimcheck.errors import CANNOT_PARSE, EMPTY, TIMED_OUT, TOO_LARGE, InputProblem
from claimcheck.evaluate import evaluate
from claimcheck.extract import Analysis
from claimcheck.grade import DEFAULT_POLICY, GradingPolicy, grade
from claimcheck.load.limits import (MAX_TEXT_CHARS, TimeBudgetExceeded, time_budget,
                                    timed_out_message)
from claimcheck.model import DocumentResult, NormalizedText, Source
from claimcheck.normalize import normalize
from claimcheck.pack.rulepack import Rule, RulePack
from claimcheck.runtime import interrupts


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
    # Steps on each checked document before grading. In a run spread over processes a step sees
    # the document's result, source and comments, not its analysis nor its normalized text.
    postprocess: list[Callable[[CheckedDocument], None]] = field(default_factory=list)
    # How a source becomes lintable text; ``scan`` passes its main-content extraction.
    normalize: Callable[[Source], NormalizedText] = normalize
    # Seconds a document may take to normalize, and to analyse (None: no limit; see limits.time_budget).
    timeout: float | None = None
    # Processes to check with (parallel.workers_for): 1 this one alone, 0 one per core for a
    # large run. Documents checked in a worker come back without their ``analysis``.
    jobs: int = 1


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message[:300]}" if message else type(exc).__name__


def _normalized(sources: Iterable[Source], problems: list[InputProblem], options: CheckOptions):
    for source in sources:
        if not source.raw.strip():
            problems.append(InputProblem(source.origin, EMPTY, "empty file, nothing to check", fatal=False))
        try:
            with time_budget(options.timeout):
                text = options.normalize(source)
        except TimeBudgetExceeded:
            problems.append(InputProblem(source.origin, TIMED_OUT, timed_out_message(options.timeout, "reading")))
            continue
        except Exception as exc:  # a parser bug must cost one file, not the run
            problems.append(InputProblem(source.origin, CANNOT_PARSE, f"cannot parse: {_one_line(exc)}"))
            continue
        if len(text.text) > MAX_TEXT_CHARS:
            problems.append(InputProblem(source.origin, TOO_LARGE,
                                         f"the text to check is {len(text.text):,} characters, over the "
                                         f"{MAX_TEXT_CHARS:,} the analysis takes; not checked"))
            continue
        yield source, text


def check_sources(sources: Iterable[Source], pack: RulePack, problems: list[InputProblem],
                  options: CheckOptions | None = None) -> Iterator[CheckedDocument]:
    options = options or CheckOptions()
    if options.jobs != 1:
        from claimcheck.project.parallel import check_in_parallel, workers_for
        sources = list(sources)
        if (workers := workers_for(sources, options.jobs)) > 1:
            # Imports spaCy itself, once it has put the idle cores to work (project/ahead.py).
            yield from check_in_parallel(sources, pack, problems, options, workers)
            return
    from claimcheck.extract.pipeline import BATCH_SIZE, build_pipeline

    normalized = _normalized(sources, problems, options)
    while batch := list(islice(normalized, BATCH_SIZE)):
        interrupts.check()
        build_pipeline(pack)  # built once (cached), and not on the first batch's time budget
        for checked in _check_batch(batch, pack, problems, options):
            # After the batch, never retried: a step may count what it sees (the baseline).
            for step in options.postprocess:
                step(checked)
            grade(checked.result, options.policy)
            yield checked


def _check_batch(batch: list[tuple[Source, NormalizedText]], pack: RulePack, problems: list[InputProblem],
                 options: CheckOptions) -> list[CheckedDocument]:
    """The batch checked together; if that fails or overruns one document's time budget,
    each document alone, so that only the one at fault is a problem."""
    try:
        with time_budget(options.timeout):
            return list(_checked(batch, pack, options))
    except (Exception, TimeBudgetExceeded) as exc:
        if len(batch) > 1:
            return [checked for item in batch for checked in _check_batch([item], pack, problems, options)]
        origin = batch[0][0].origin
        if isinstance(exc, TimeBudgetExceeded):
            problems.append(InputProblem(origin, TIMED_OUT, timed_out_message(options.timeout)))
        else:
            problems.append(InputProblem(origin, CANNOT_PARSE, f"cannot check: {_one_line(exc)}"))
        return []


def _checked(batch: list[tuple[Source, NormalizedText]], pack: RulePack,
             options: CheckOptions) -> Iterator[CheckedDocument]:
    from claimcheck.extract.pipeline import analyze_pairs

    for source, text, analysis in analyze_pairs(batch, pack):
        rules = options.rules_for(source) if options.rules_for else None
        findings = evaluate(analysis, source.raw, pack, rules)
        if source.locations:
            for finding in findings:
                finding.location = source.locate(finding.start)
        result = DocumentResult(path=source.origin, findings=findings, words=analysis.words,
                                claims=len(analysis.claims), site=source.site, media_type=source.media_type)
        yield CheckedDocument(source, text, analysis, result)
