"""Ctrl-C: it stops the run, exits 130, and is never lost or shown as a traceback.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to be,
and where that is inside a callback (a weak reference's, an import lock's, a fork's own
handlers) Python reports it as "ignored" and goes on as if it had never come: the run
would finish and exit 1, "findings found", with a traceback on the screen. So the CLI's
handler also marks that it came (``watch``); the run's loops ask (``check``) and the CLI
exits 130 on the mark even if the exception itself was swallowed. Once the work is done
and the process is exiting, Ctrl-C only marks (``hold``): nothing is left to stop, and an
exception in the exit handlers would only print a traceback. Forks hold it back for their
few milliseconds (``held_while``), so that it arrives in code of ours.
"""
from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

_came = False


def _mark(signum, frame) -> None:
    global _came
    _came = True


def _mark_and_raise(signum, frame) -> None:
    _mark(signum, frame)
    raise KeyboardInterrupt


def watch() -> None:
    """Ctrl-C raises ``KeyboardInterrupt`` as usual, and is remembered."""
    signal.signal(signal.SIGINT, _mark_and_raise)


def hold() -> None:
    """From here on Ctrl-C is only remembered."""
    signal.signal(signal.SIGINT, _mark)


def came() -> bool:
    return _came


def check() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C came and was swallowed somewhere."""
    if _came:
        raise KeyboardInterrupt


@contextmanager
def held_while() -> Iterator[None]:
    """Ctrl-C held back (blocked) for the block, and delivered once it ends. A child forked
    in the block starts with it blocked and lets it through once it has set its own handler."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def ignore_in_child() -> None:
    """In a forked worker: Ctrl-C is ignored (it reaches the whole process group, and the
    parent stops its workers itself), and let through from the fork's block."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
