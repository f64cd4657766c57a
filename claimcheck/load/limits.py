"""What one input may cost: bytes once decompressed, characters of text, and time.

Every loader that undoes compression (Word's zip, PDF streams, gzip in WARC and
JSONL) stops at ``MAX_DECOMPRESSED_BYTES`` or a ratio over ``MAX_COMPRESSION_RATIO``
and reports the input as too large (CC905) instead of filling memory: a file of a
few MB can expand to many GB. ``time_budget`` bounds the time one document (``check``)
or one page (``scan``) may take, so that a file that sends a parser into a loop is
that file's error (CC915) and the run goes on.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

# The most bytes one input may expand to: a Word file's parts together, a PDF's
# streams together, one WARC record, one JSONL line.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
# Decompressed size over compressed size: ordinary Word and PDF files stay under 20:1;
# a zip or deflate bomb is over 1000:1.
MAX_COMPRESSION_RATIO = 100
# The longest text the pipeline analyses (spaCy's nlp.max_length; a longer one would
# raise spaCy's E088 in the middle of a batch).
MAX_TEXT_CHARS = 20_000_000
# Seconds one document (check) or one page (scan) may take to read and to check.
DEFAULT_TIMEOUT_SECONDS = 120.0


class TimeBudgetExceeded(BaseException):
    """Raised inside the code that overran its budget. A BaseException, so that the broad
    ``except Exception`` of a parser library cannot swallow it and carry on looping."""


def budget_enforced() -> bool:
    """Budgets use SIGALRM, which only the main thread of a process receives: in a thread
    (a Dask worker's task), ``time_budget`` does nothing."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None):
    """Raise ``TimeBudgetExceeded`` in the block if it runs longer than ``seconds``
    (None or 0: no limit). Budgets do not nest: an inner one replaces the outer."""
    if not seconds or not budget_enforced():
        yield
        return

    def overrun(_signum, _frame):
        raise TimeBudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed_out_message(seconds: float, doing: str = "checking") -> str:
    return f"not checked: {doing} it took over {seconds:g} s, the limit (--timeout)"


def expansion_problem(expanded: int, compressed: int) -> str | None:
    """Why ``compressed`` bytes expanding to ``expanded`` are refused, or None."""
    if expanded > MAX_DECOMPRESSED_BYTES:
        return (f"expands to over {MAX_DECOMPRESSED_BYTES // 1_048_576} MB when decompressed "
                f"(a compression bomb?); not read")
    if compressed and expanded > MAX_COMPRESSION_RATIO * compressed and expanded > 1_048_576:
        return (f"expands {expanded // max(compressed, 1)}:1 when decompressed, over the "
                f"{MAX_COMPRESSION_RATIO}:1 limit (a compression bomb?); not read")
    return None
