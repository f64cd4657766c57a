"""``--format json``: the contract other tools read (see the design document).

Field names are fixed; fields may be added, never renamed.
"""
from __future__ import annotations


from claimcheck import __version__
from claimcheck.report import dumps_json


def as_dict(run) -> dict:
    return {
        "tool": {"name": "claimcheck", "version": __version__},
        "jurisdiction": run.jurisdiction,
        "configs": run.configs,
        **({"baseline": run.baseline} if run.baseline is not None else {}),
        "documents": [d.to_dict() for d in run.documents],
        "errors": [p.to_dict() for p in run.problems],
        "summary": run.summary(),
        **({"notes": run.notes} if run.notes else {}),
    }


def render(run) -> str:
    return dumps_json(as_dict(run))
