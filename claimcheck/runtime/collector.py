"""The garbage collector while a run starts up.

Start-up makes a few hundred thousand objects that live as long as the process:
spaCy's modules, the rule pack, the matchers. A collection while they are being
made finds no garbage among them and only walks them again; that is several
percent of a one-file run. A command that is about to build the pipeline pauses
the collector (``pause``); once the pipeline is built, ``resume`` moves every
object made so far out of the collector's sight (``gc.freeze``) and turns it
back on, so that collections during the run walk only what the run makes.
"""
from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Undo ``pause`` (and only a pause: a collector someone else turned off stays off)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
