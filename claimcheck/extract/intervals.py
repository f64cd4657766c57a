"""Overlap and containment questions about many spans, in logarithmic time each.

The extract components ask, for every cue or term, whether some other span overlaps
or contains it. Asked with ``any(...)`` over all spans, that is quadratic in a long
document (a 1 MB ad had 10^7 such comparisons). A ``SpanIndex`` sorts the spans once
and keeps the running maximum of their ends, so each question is one binary search.
"""
from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable


class SpanIndex:
    """Half-open spans ``(start, end)``, in any order, possibly overlapping one another."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        # _reach[i]: the furthest end among the first i + 1 spans by start.
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span shares a position with ``[start, end)``."""
        before_end = bisect.bisect_left(self._starts, end)
        return before_end > 0 and self._reach[before_end - 1] > start

    def strictly_contains(self, start: int, end: int) -> bool:
        """Whether a span other than ``[start, end)`` itself covers all of it."""
        starts_before = bisect.bisect_left(self._starts, start)
        if starts_before and self._reach[starts_before - 1] >= end:
            return True
        starts_at_or_before = bisect.bisect_right(self._starts, start)
        return starts_at_or_before > 0 and self._reach[starts_at_or_before - 1] > end
