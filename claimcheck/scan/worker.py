"""What one scan worker does to a chunk of pages: prefilter, main content, the shared pipeline.

Each worker process builds the rule pack, the spaCy pipeline, the prefilter
and the disclosure pattern once (``init_worker``), then turns chunks of
``PageTask`` into ``PageOutcome`` objects: plain data, ready for the writer.
Relevant pages go through ``claimcheck.project.runner.check_sources`` (the same path
as ``claimcheck check``) in one ``nlp.pipe`` batch per chunk; only the
normalizer differs (main content instead of the whole page).

A page that fails anywhere becomes an outcome with status ``error`` and its
reason; the other pages of its chunk are still checked. A page that overruns its
time budget (``--timeout``, enforced with SIGALRM in a process's main thread: in
``scan`` itself and in ``--workers`` processes, not in Dask's worker threads) is an
error with code CC915. A pool worker dies with the scan that started it (Linux:
PR_SET_PDEATHSIG), so killing a scan with SIGKILL leaves no worker behind.
"""
from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import dataclass, field

from claimcheck.errors import CANNOT_PARSE, TIMED_OUT
from claimcheck.load.limits import (DEFAULT_TIMEOUT_SECONDS, TimeBudgetExceeded, time_budget,
                                    timed_out_message)
from claimcheck.model import Finding, NormalizedText, Source
from claimcheck.pack.rulepack import PackChoice

# The columns of a findings row, in the store's order (see store.FINDING_COLUMNS).
FindingRow = tuple


@dataclass
class PageTask:
    url: str
    site: str
    origin: str
    media_type: str
    text: str
    content_hash: str
    # Fingerprints of the site-template blocks linted on another page of the site
    # (normalize/site_template.py): left out of this one.
    repeated: frozenset = frozenset()
    # Paths of the local stylesheets the page links (a mirror's pages): read by the worker.
    stylesheets: tuple[str, ...] = ()


@dataclass
class PageOutcome:
    url: str
    site: str
    origin: str
    content_hash: str
    media_type: str | None
    status: str  # pass | review | fail | irrelevant | error
    relevant: int = 0
    words: int = 0
    claims: int = 0
    score: int | None = None
    grade: str | None = None
    error_code: str | None = None
    error: str | None = None
    raw: str | None = None
    findings: list[FindingRow] = field(default_factory=list)


class _State:
    pack = None
    prefilter = None
    disclosures = None
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies, however it dies (a SIGKILL
    gives the parent no chance to stop its pool). Linux only; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the line above: nobody will signal
        os._exit(1)


def init_pool_worker(parent_pid: int, pack_choice: PackChoice, model: str | None, timeout: float | None) -> None:
    """``init_worker`` in a process of the scan's own pool, which dies with the scan."""
    die_with_parent(parent_pid)
    init_worker(pack_choice, model, timeout)


def init_worker(pack_choice: PackChoice = PackChoice(), model: str | None = None,
                timeout: float | None = DEFAULT_TIMEOUT_SECONDS) -> None:
    """Build everything a worker needs, once per process, with the client's model;
    ``timeout``: seconds each page may take (None: no limit)."""
    from claimcheck.extract.learned import select_model
    from claimcheck.extract.pipeline import build_pipeline
    from claimcheck.normalize.main_content import Disclosures
    from claimcheck.scan.prefilter import Prefilter

    select_model(model)
    pack = pack_choice.load()
    build_pipeline(pack)
    _State.pack = pack
    _State.prefilter = Prefilter.from_pack(pack)
    _State.disclosures = Disclosures.from_pack(pack)
    _State.timeout = timeout


def worker_prefilter():
    """This process's relevance prefilter (after ``init_worker``)."""
    return _State.prefilter


def error_outcome(task, code: str, message: str) -> PageOutcome:
    return PageOutcome(task.url, task.site, task.origin, task.content_hash, task.media_type, "error",
                       error_code=code, error=message)


def irrelevant_outcome(task: PageTask) -> PageOutcome:
    return PageOutcome(task.url, task.site, task.origin, task.content_hash, task.media_type, "irrelevant")


def lintable_text(task: PageTask) -> NormalizedText:
    """The part of the page that is linted: its main content, or all of a plain text."""
    if task.media_type == "text/html":
        from claimcheck.normalize.main_content import main_content
        from claimcheck.load.linked_styles import read_stylesheets
        return main_content(task.text, _State.disclosures, task.repeated, read_stylesheets(task.stylesheets))
    from claimcheck.normalize import normalize
    return normalize(Source(task.url, task.media_type, task.text, task.site))


def finding_row(finding: Finding) -> FindingRow:
    return (finding.code, finding.name, finding.category, finding.severity, finding.scope,
            finding.line, finding.column, finding.end_line, finding.end_column, finding.start, finding.end,
            finding.text, finding.message, finding.suggestion or None,
            json.dumps(finding.references, ensure_ascii=False) if finding.references else None,
            json.dumps(finding.claim, ensure_ascii=False) if finding.claim else None)


def check_pages(tasks: list[PageTask]) -> list[PageOutcome]:
    """Outcomes for ``tasks``, in the same order."""
    if _State.pack is None:
        init_worker()
    outcomes: list[PageOutcome | None] = [None] * len(tasks)
    pending: list[tuple[int, Source, NormalizedText]] = []
    prefilter = _State.prefilter
    for index, task in enumerate(tasks):
        if not prefilter.maybe_relevant(task.text):
            outcomes[index] = irrelevant_outcome(task)
            continue
        try:
            with time_budget(_State.timeout):
                text = lintable_text(task)
        except TimeBudgetExceeded:
            outcomes[index] = error_outcome(task, TIMED_OUT, timed_out_message(_State.timeout, "reading"))
            continue
        except Exception as exc:  # a parser bug must cost one page, not the scan
            outcomes[index] = error_outcome(task, CANNOT_PARSE, f"cannot parse: {type(exc).__name__}: {exc}")
            continue
        if not prefilter.relevant(text.text):
            outcomes[index] = irrelevant_outcome(task)
            continue
        pending.append((index, Source(task.url, task.media_type, task.text, task.site), text))
    if pending:
        try:
            _check(tasks, pending, outcomes)
        except Exception:
            # One page broke the batch: check them one by one to find it.
            for item in pending:
                if outcomes[item[0]] is None:
                    try:
                        _check(tasks, [item], outcomes)
                    except Exception as exc:
                        outcomes[item[0]] = error_outcome(tasks[item[0]], CANNOT_PARSE,
                                                          f"cannot check: {type(exc).__name__}: {exc}")
    return [o if o is not None else error_outcome(t, CANNOT_PARSE, "not checked (internal error)")
            for o, t in zip(outcomes, tasks)]


def _check(tasks, pending, outcomes) -> None:
    from claimcheck.project.runner import CheckOptions, check_sources

    prepared = {id(source): (index, text) for index, source, text in pending}
    options = CheckOptions(normalize=lambda source: prepared[id(source)][1], timeout=_State.timeout)
    problems: list = []
    for checked in check_sources([source for _, source, _ in pending], _State.pack, problems, options):
        index = prepared[id(checked.source)][0]
        task, result = tasks[index], checked.result
        outcomes[index] = PageOutcome(
            task.url, task.site, task.origin, task.content_hash, task.media_type, result.status,
            relevant=1, words=result.words, claims=result.claims, score=result.score, grade=result.grade,
            raw=task.text, findings=[finding_row(f) for f in result.findings])
    # A page the runner could not check (an error, over its time budget) is a problem of its URL.
    at_fault = {problem.path: problem for problem in problems if problem.fatal}
    for index, source, _ in pending:
        problem = at_fault.get(source.origin)
        if problem is not None and outcomes[index] is None:
            outcomes[index] = error_outcome(tasks[index], problem.code, problem.message)
