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

Each worker has a pipe of its own, and the parent hands out the chunks itself, so a
worker that is killed (Ctrl-C, the kernel's out-of-memory killer, a crash in native
code) holds nothing that another process waits on: Ctrl-C stops the run at once, and a
worker's death costs only the document that caused it (``Scheduler``). A worker stuck
far past its time budget, where its own alarm cannot reach (native code that never
returns to Python), is killed the same way, and its document is over the budget.

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
import time
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import NamedTuple

from claimcheck.errors import TIMED_OUT, WORKER_DIED, InputProblem
from claimcheck.grade import grade
from claimcheck.load.limits import timed_out_message
from claimcheck.model import NormalizedText
from claimcheck.pack.rulepack import RulePack
from claimcheck.runtime import interrupts

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

# Chunks sent to a worker ahead of its answers: one to work on and one waiting in its pipe,
# so that it never idles while the parent replays and renders.
IN_FLIGHT = 2
# Seconds a worker that was told to stop may take to exit before it is killed.
STOP_WAIT = 2.0
# Seconds beyond a chunk's time budget (--timeout for reading and for checking each of its
# documents) after which its worker is taken to be stuck where its own alarm cannot reach it
# (native code that never returns to Python) and is killed.
STUCK_GRACE = 5.0

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def start_worker(parent: int) -> None:
    interrupts.ignore_in_child()
    # And a worker never outlives the run, even when the parent is killed outright: on Linux
    # the kernel kills a worker whose parent (the thread that forked it) is gone.
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


class Task(NamedTuple):
    """Sources ``first`` to ``end`` (exclusive); ``chunk`` names the chunk whose readings the
    normalizing process may have done ahead (-1: none, a source retried on its own)."""

    chunk: int
    first: int
    end: int


def _check_task(task: Task) -> list[Outcome]:
    from claimcheck.project.ahead import read_one
    from claimcheck.project.runner import _check_batch

    sources, read_ahead, pack, options = _run
    readings = read_ahead.chunk(task.chunk) if task.chunk >= 0 else []
    outcomes = []
    for index in range(task.first, task.end):
        done = index - task.first
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


def _serve(connection, parent: int) -> None:
    """A worker's life: check each task that comes down its pipe and send back the outcomes,
    until told to stop (None) or the parent is gone."""
    start_worker(parent)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(_check_task(task))


class Worker:
    """One forked process with a pipe of its own. No lock or queue is shared between the
    workers, so killing one (Ctrl-C, or the kernel) can never leave another, or the parent,
    waiting on something the dead one held."""

    def __init__(self, context):
        self.connection, self._theirs = context.Pipe(duplex=True)
        self.tasks: deque[Task] = deque()  # sent and not yet answered, in the order sent
        self.started: float | None = None  # when it took up the oldest of them (time.monotonic)
        self.process = context.Process(target=_serve, daemon=True, args=(self._theirs, os.getpid()))

    def start(self) -> None:
        try:
            with interrupts.held_while():
                self.process.start()
        finally:
            self._theirs.close()  # so that this end reads end-of-file when the worker dies

    def send(self, task: Task) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(task)
        try:
            self.connection.send(task)
        except OSError:
            pass  # it died: reading its pipe finds that out, and its tasks are retried

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass  # gone already

    def end(self, wait: float) -> None:
        """Join the process, killing it unless it exits within ``wait`` seconds."""
        if self.process.pid is not None:
            self.process.join(wait)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join()
        self.connection.close()

    def answered(self) -> Task:
        """The oldest task is answered; the worker takes up the next, if it has one."""
        self.started = time.monotonic() if len(self.tasks) > 1 else None
        return self.tasks.popleft()

    def death(self) -> str:
        """How the process ended, in words."""
        self.process.join()
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"


class Scheduler:
    """Hands the tasks to the workers as they answer and gives back the outcomes in input
    order. A worker that dies takes no one else with it: its tasks are retried one source
    each in a new worker, and a source that kills a worker on its own becomes that source's
    problem (CC916), so one hostile document costs its own result and nothing else. A worker
    far past its task's time budget is stuck where its own alarm cannot reach and is killed
    the same way; the document it was stuck on is over the budget (CC915)."""

    def __init__(self, tasks: list[Task], workers: int, context, budget: float | None = None):
        self._pending = deque(tasks)
        self._budget = budget or None  # seconds a document may take to read, and again to check
        self._answered: dict[int, tuple[int, list[Outcome]]] = {}  # first -> (end, outcomes)
        self._context = context
        self._hires = min(workers, len(tasks))
        self._workers: list[Worker] = []

    def outcomes(self, count: int) -> Iterator[Outcome]:
        """The outcomes of sources 0 to ``count``, in order. The workers start with the first
        and are stopped at the end, however it comes."""
        finished = False
        try:
            for _ in range(self._hires):
                self._hire()
            first = 0
            while first < count:
                while first not in self._answered:
                    self._collect(block=True)
                first, outcomes = self._answered.pop(first)
                yield from outcomes
                self._collect(block=False)
            for worker in self._workers:
                worker.stop()
            finished = True
        finally:
            # Ctrl-C, a reader gone, or an error: the workers are killed on the spot.
            for worker in self._workers:
                worker.end(STOP_WAIT if finished else 0)

    def _hire(self) -> None:
        worker = Worker(self._context)
        self._workers.append(worker)  # before it starts, so that an interrupted start is stopped too
        worker.start()
        self._feed(worker)

    def _feed(self, worker: Worker) -> None:
        while len(worker.tasks) < IN_FLIGHT and self._pending:
            worker.send(self._pending.popleft())

    def _collect(self, block: bool) -> None:
        """Read every answer that is ready (waiting for one when ``block``) and top up the
        workers that gave them."""
        interrupts.check()
        busy = {worker.connection: worker for worker in self._workers if worker.tasks}
        timeout = 0 if not block else self._until_overdue(busy.values())
        for connection in wait(list(busy), timeout=timeout):
            worker = busy[connection]
            try:
                outcomes = connection.recv()
            except (EOFError, OSError):
                self._bury(worker)
                continue
            task = worker.answered()
            self._answered[task.first] = (task.end, outcomes)
            self._feed(worker)
        if self._budget:
            now = time.monotonic()
            for worker in [w for w in busy.values() if w in self._workers and w.tasks]:
                if now >= self._deadline(worker):
                    self._bury(worker, stuck=True)

    def _deadline(self, worker: Worker) -> float:
        task = worker.tasks[0]
        return worker.started + 2 * self._budget * (task.end - task.first) + self._budget + STUCK_GRACE

    def _until_overdue(self, workers) -> float | None:
        """Seconds until the first of ``workers`` is overdue (None: no budget, wait for ever)."""
        deadlines = [self._deadline(worker) for worker in workers] if self._budget else []
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _bury(self, worker: Worker, stuck: bool = False) -> None:
        sources = _run[0]
        if stuck:
            worker.process.kill()
        how = worker.death()
        self._workers.remove(worker)
        worker.end(0)
        # The oldest task sent was the one being checked; the others waited in the pipe.
        killer, *unstarted = worker.tasks
        retried = unstarted
        if killer.end - killer.first == 1:
            origin = sources[killer.first].origin
            if stuck:
                problem = InputProblem(origin, TIMED_OUT, timed_out_message(self._budget))
            else:
                problem = InputProblem(origin, WORKER_DIED,
                                       f"the process checking this document died ({how}); the others were checked")
            self._answered[killer.first] = (killer.end, [Outcome(read_problems=[problem])])
        else:
            retried = [Task(-1, index, index + 1) for index in range(killer.first, killer.end)] + unstarted
        self._pending.extendleft(reversed(retried))
        if self._pending:
            self._hire()


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
    try:
        tasks = [Task(number, first, end) for number, (first, end) in enumerate(chunks)]
        scheduler = Scheduler(tasks, workers, multiprocessing.get_context("fork"), options.timeout)
        yield from _replayed(zip(sources, scheduler.outcomes(len(sources))), problems, options, BATCH_SIZE)
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
