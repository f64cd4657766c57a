"""``check --statistics``: how many findings each rule has, most first, as ruff's
``--statistics`` prints them, instead of the findings themselves.

    count  CODE   name  (severities)

Suppressed and baselined findings are not counted.
"""
from __future__ import annotations

from collections import Counter

from claimcheck.model import SEVERITY_RANK


def render(run) -> str:
    counts: Counter = Counter()
    names: dict[str, str] = {}
    severities: dict[str, set[str]] = {}
    for _, finding in run.reported():
        counts[finding.code] += 1
        names[finding.code] = finding.name
        severities.setdefault(finding.code, set()).add(finding.severity)
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        seen = ", ".join(sorted(severities[code], key=SEVERITY_RANK.__getitem__, reverse=True))
        lines.append(f"{count:>{width}}  {code:<6} {names[code]} ({seen})")
    return "".join(line + "\n" for line in lines)
