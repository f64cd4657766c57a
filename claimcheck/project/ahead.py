"""Normalizing a parallel run's sources while its pipeline is built.

A parallel run (``parallel.py``) imports spaCy and builds the pipeline in one process
before it forks its workers: about a second in which the other cores have nothing to
do. Normalizing (turning markup into lintable text) needs neither spaCy nor the
pipeline, so a process forked before spaCy is imported normalizes the sources in input
order meanwhile, chunk by chunk as the workers will take them, until the pipeline is
built; the workers normalize the rest as before. It runs the same function as a single
process (``runner._normalized``), so texts and problems are the same and the output
does not change.

The readings are pickled into memory shared with the workers (an anonymous shared
map, made before any fork), and each worker unpickles only its own chunks: nothing is
copied through the process that waits for the pipeline.

It can only save time: if that process fails, is killed, runs out of room, or is
still busy with one slow document when the pipeline is ready, the workers normalize
what it did not hand over.
"""
from __future__ import annotations

import mmap
import multiprocessing
import os
import pickle
from collections.abc import Iterable
from typing import NamedTuple

from claimcheck.errors import InputProblem
from claimcheck.model import NormalizedText, Source
from claimcheck.project.parallel import start_worker
from claimcheck.runtime import interrupts

# Seconds to wait, once the pipeline is built, for the normalizing process to finish the
# document it is on. A document normalizes in about a millisecond; one that takes longer is
# left to the workers rather than waited for.
HANDOVER_WAIT = 1.0
# Room for the pickled readings: a reading is about five times its raw text (the text and
# an offset per character), and pages of the map that are never written cost nothing.
ROOM_PER_RAW_CHAR = 8
MAX_ROOM = 256 * 1024 * 1024


class Reading(NamedTuple):
    """One source as ``runner._normalized`` reads it: the problems met, and its text (None
    when it cannot be checked)."""

    problems: list[InputProblem]
    text: NormalizedText | None


def read_one(source: Source, options) -> Reading:
    from claimcheck.project.runner import _normalized

    problems: list[InputProblem] = []
    item = next(_normalized([source], problems, options), None)
    return Reading(problems, item[1] if item is not None else None)


class ReadAhead:
    """The readings handed over: for each chunk done, where its pickled readings lie."""

    def __init__(self, shared: mmap.mmap | None = None, records: Iterable[tuple[int, int]] = ()):
        self._shared = shared
        self._records = list(records)

    def __len__(self) -> int:
        return len(self._records)

    def chunk(self, index: int) -> list[Reading]:
        """The readings of chunk ``index``, for its first sources (all of them, but for the
        chunk the process was on when it stopped); empty for a chunk it never reached."""
        if index >= len(self._records):
            return []
        start, length = self._records[index]
        return pickle.loads(self._shared[start:start + length])

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()


class NormalizingAhead:
    """A forked process normalizing ``sources``, ``chunks`` in order, until ``handover``."""

    def __init__(self, sources: list[Source], chunks: list[tuple[int, int]], options):
        self._shared = self._receiver = self._process = None
        room = min(MAX_ROOM, mmap.PAGESIZE + ROOM_PER_RAW_CHAR * sum(len(source.raw) for source in sources))
        try:
            self._shared = mmap.mmap(-1, room)  # anonymous, and shared with forked processes
            context = multiprocessing.get_context("fork")
            self._stop = context.Event()
            self._receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_normalize_until_stopped, daemon=True,
                                            args=(sources, chunks, options, self._shared, self._stop, sender,
                                                  os.getpid()))
            with interrupts.held_while():
                self._process.start()
            sender.close()  # so that the receiver sees the end if the process dies
        except OSError:  # no memory or no process to spare: the workers read everything
            self.close()
            self._process = None

    def handover(self) -> ReadAhead:
        """What was normalized so far; the process is stopped. The caller closes the result."""
        if self._process is None:
            return ReadAhead()
        self._stop.set()
        records = []
        try:
            if self._receiver.poll(HANDOVER_WAIT):
                records = self._receiver.recv()
        except (EOFError, OSError):  # the process died: the workers read everything
            pass
        self._stop_process()
        shared, self._shared = self._shared, None
        return ReadAhead(shared, records)

    def close(self) -> None:
        """Stop the process, if ``handover`` did not (an interrupted build)."""
        self._stop_process()
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    def _stop_process(self) -> None:
        if self._receiver is not None:
            self._receiver.close()
        if self._process is not None and self._process.pid is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()


def _normalize_until_stopped(sources, chunks, options, shared: mmap.mmap, stop, sender, parent: int) -> None:
    from claimcheck.runtime import collector

    start_worker(parent)
    collector.resume()  # the parent paused it for start-up; this process is a run of its own
    records, free = [], 0
    for first, end in chunks:
        readings = []
        for index in range(first, end):
            if stop.is_set():
                break
            readings.append(read_one(sources[index], options))
        pickled = pickle.dumps(readings, protocol=pickle.HIGHEST_PROTOCOL)
        if free + len(pickled) > len(shared):
            break
        shared[free:free + len(pickled)] = pickled
        records.append((free, len(pickled)))
        free += len(pickled)
        if stop.is_set():
            break
    sender.send(records)
    sender.close()
