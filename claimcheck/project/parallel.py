"""Checking many documents on several cores: ``runner.check_sources`` hands a large run here.

The workers are forked once the pipeline is built, so each starts with the parent's
pipeline, rule pack and options (only chunk bounds are sent to them), and with the
sources that a process forked earlier normalized while the pipeline was being built
(``ahead.py``). A worker checks
a contiguous chunk of the sources with the runner's own functions, one document at a
time, and sends back, for each source, the problems met reading it, its checked
document (its result, and of its normalized text only the comments) and the problems
met checking it. The parent replays those in the order a
single process meets them (problems batch by batch, documents in input order, each
through the postprocess steps and grading), so the output is the same, byte for byte,
with any number of workers.

Where processes cannot be forked (Windows; macOS, where forking a process that has
loaded native libraries is unsafe), and for runs too small to repay the workers'
start, the run stays in one process.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from claimcheck.errors import InputProblem
from claimcheck.grade import grade
from claimcheck.model import NormalizedText
from claimcheck.pack.rulepack import RulePack

# Characters of raw text below which "as many workers as cores" (--jobs 0) stays in one
# process: forking and collecting cost tens of milliseconds, a pre-commit hook's few files
# a fraction of a second in all.
AUTO_MIN_CHARS = 262_144
# Sources per task: small enough to keep the workers evenly busy, large enough that the
# per-task round trip is a small share.
CHUNK_SOURCES = 8


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def workers_for(sources: list, jobs: int) -> int:
    """How many worker processes to check ``sources`` with (1: this process alone).
    ``jobs`` 0 means as many as there are cores, once the run is large enough to repay them."""
    if jobs == 1 or len(sources) < 2 or not can_fork():
        return 1
    if jobs == 0:
        if sum(len(source.raw) for source in sources) < AUTO_MIN_CHARS:
            return 1
        jobs = available_cores()
    return max(1, min(jobs, len(sources)))


@dataclass
class Outcome:
    """What became of one source in a worker."""

    read_problems: list[InputProblem] = field(default_factory=list)
    read: bool = False  # normalized, so it counts toward a batch as in one process
    checked: object = None  # runner.CheckedDocument, without its source and analysis
    check_problems: list[InputProblem] = field(default_factory=list)


# The run a forked worker serves: (sources, the readings done ahead for the first of them
# (ahead.py), pack, options), set in the parent before the fork.
_run: tuple | None = None


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # And a worker never outlives the run: the pool replaces workers that die, so one forked
    # while the parent was stopping them was left asleep on its queue for good. On Linux the
    # kernel kills a worker whose parent (the thread that forked it) is gone.
    _die_with_parent()
    if os.getppid() != parent:  # the parent went before the request above was in place
        os._exit(1)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # no prctl: the parent's own shutdown is all there is


def _check_chunk(task: tuple[int, tuple[int, int]]) -> list[Outcome]:
    from claimcheck.project.ahead import read_one
    from claimcheck.project.runner import _check_batch

    sources, read_ahead, pack, options = _run
    number, (first, end) = task
    readings = read_ahead.chunk(number)
    outcomes = []
    for index in range(first, end):
        done = index - first
        reading = readings[done] if done < len(readings) else read_one(sources[index], options)
        outcome = Outcome(read_problems=reading.problems)
        if reading.text is not None:
            outcome.read = True
            item = (sources[index], reading.text)
            for checked in _check_batch([item], pack, outcome.check_problems, options):
                checked.source, checked.analysis = None, None  # the parent has the source; nothing reads the analysis
                # The parent's steps read the comments (suppressions), not the text and its offset
                # map, which were three quarters of every result sent back.
                checked.text = NormalizedText(text="", raw_offsets=array("i"), comments=checked.text.comments)
                outcome.checked = checked
        outcomes.append(outcome)
    return outcomes


def check_in_parallel(sources: list, pack: RulePack, problems: list[InputProblem], options, workers: int
                      ) -> Iterator:
    """``runner.check_sources``'s documents and problems, checked by ``workers`` forked processes."""
    global _run
    from claimcheck.project.ahead import NormalizingAhead

    chunks = [(start, min(start + CHUNK_SOURCES, len(sources))) for start in range(0, len(sources), CHUNK_SOURCES)]
    # Forked before spaCy is imported, it uses a core that the build below leaves idle.
    ahead = NormalizingAhead(sources, chunks, options)
    try:
        from claimcheck.extract.pipeline import BATCH_SIZE, build_pipeline

        build_pipeline(pack)  # before the fork, so that every worker has it
        read_ahead = ahead.handover()
    finally:
        ahead.close()
    _run = (sources, read_ahead, pack, options)
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=start_worker, initargs=(os.getpid(),))
    try:
        outcomes = (outcome for chunk in pool.imap(_check_chunk, enumerate(chunks)) for outcome in chunk)
        yield from _replayed(zip(sources, outcomes), problems, options, BATCH_SIZE)
        pool.close()
        pool.join()
    except BaseException:
        # Ctrl-C, or a reader gone: the workers are killed first, so that the pool's own
        # shutdown never waits on a worker caught halfway through sending a result.
        for process in list(getattr(pool, "_pool", [])):
            if process.is_alive():
                process.kill()
        pool.terminate()
        raise
    finally:
        _run = None
        read_ahead.close()


def _replayed(outcomes: Iterable[tuple[object, Outcome]], problems: list[InputProblem], options, batch_size: int
              ) -> Iterator:
    """The checked documents, with problems recorded in one process's order: each batch's
    reading problems as its sources are read, then its checking problems."""
    batch: list[tuple[object, Outcome]] = []

    def flush():
        for _, outcome in batch:
            problems.extend(outcome.check_problems)
        for source, outcome in batch:
            if outcome.checked is not None:
                checked = outcome.checked
                checked.source = source
                for step in options.postprocess:
                    step(checked)
                grade(checked.result, options.policy)
                yield checked
        batch.clear()

    for source, outcome in outcomes:
        problems.extend(outcome.read_problems)
        if outcome.read:
            batch.append((source, outcome))
            if len(batch) == batch_size:
                yield from flush()
    yield from flush()
