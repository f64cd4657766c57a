"""Check kinds: one module per kind, each with the same small interface, ``Check``.

A kind module exposes ``PARAMETERS`` (the JSON Schema of its ``parameters``
block) and ``compile(rule, pack)``, which returns a callable taking an
``Analysis`` (and the findings so far, for document-level kinds) and yielding
``Hit`` objects. The engine (``claimcheck.evaluate``) turns hits into findings:
severity, message, location, references. New rules should rarely need a new
kind.

Kinds are found through the ``claimcheck.kinds`` entry-point group, so another
package can add one without touching claimcheck:

    [project.entry-points."claimcheck.kinds"]
    my_kind = "my_package.my_kind"     # a module that satisfies ``Check``

The built-in kinds are registered the same way (pyproject.toml) and also listed
in ``BUILT_IN``, so they work from a source tree whose installed metadata is stale.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

ENTRY_POINT_GROUP = "claimcheck.kinds"
BUILT_IN = {name: f"claimcheck.evaluate.kinds.{name}" for name in (
    "approval_status", "claim_phrase", "donor_rejection", "hidden_claim", "missing_disclosure", "unapproved_use")}


@runtime_checkable
class Check(Protocol):
    """What a kind module provides."""

    PARAMETERS: dict[str, Any]

    def compile(self, rule: Any, pack: Any) -> Callable[..., Iterable[Any]]:
        """Compile ``rule`` once; the result takes ``(analysis, findings: Sequence[Finding] = ())``
        and yields ``claimcheck.evaluate.hits.Hit`` objects (``Hit.skipped`` set for a claim the
        rule considered and let pass)."""
        ...


@lru_cache(maxsize=1)
def registered() -> dict[str, str]:
    """kind name -> module path: the built-in kinds, then every ``claimcheck.kinds`` entry point."""
    from importlib.metadata import entry_points

    kinds = dict(BUILT_IN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        kinds[entry.name] = entry.value
    return kinds


def load_kind(name: str) -> Check:
    """The module of kind ``name``; ``ValueError`` when it is unknown or does not satisfy ``Check``."""
    kinds = registered()
    if name not in kinds:
        raise ValueError(f"kind: unknown kind {name!r} (available: {', '.join(sorted(kinds))})")
    module = importlib.import_module(kinds[name])
    if not isinstance(module, Check):
        raise ValueError(f"kind: {name!r} ({kinds[name]}) has no PARAMETERS schema or compile(rule, pack)")
    return module


