"""Detection quality on labelled data: the numbers behind ``claimcheck eval``.

Two corpus shapes, one JSON object per line (the same as the shared dev sets):

* sentences: ``{"id", "text", "label": "violation"|"compliant", "categories": [...]}``.
  An item counts as flagged when it gets a claim-scope finding of severity
  critical, major or minor (info findings and document-level findings don't
  count: they say nothing about the sentence itself).
* pages: ``{"id", "text", "verdict": "fail"|"pass"}``, judged by the document status.

Every text is checked as a plain-text document, exactly as if it had been
written to ``<id>.txt`` with a final newline.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.errors import BAD_EVAL_CORPUS, InputProblem
from claimcheck.model import Source

COUNTED = ("critical", "major", "minor")


@dataclass
class Corpus:
    kind: str  # sentences | pages
    items: list[dict]


def read_corpus(path: Path) -> Corpus | InputProblem:
    items = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    return InputProblem(str(path), BAD_EVAL_CORPUS, f"not JSON: {exc.msg}", line=number)
                if not isinstance(item, dict) or "id" not in item or "text" not in item:
                    return InputProblem(str(path), BAD_EVAL_CORPUS, "each line needs an object with 'id' and 'text'",
                                        line=number)
                if "verdict" not in item and item.get("label") not in ("violation", "compliant"):
                    return InputProblem(str(path), BAD_EVAL_CORPUS,
                                        "each line needs 'label' (violation|compliant) or 'verdict' (fail|pass)",
                                        line=number)
                items.append(item)
    except (OSError, UnicodeDecodeError) as exc:
        return InputProblem(str(path), BAD_EVAL_CORPUS, f"cannot read: {exc}")
    if not items:
        return InputProblem(str(path), BAD_EVAL_CORPUS, "no items in the corpus")
    kind = "pages" if all("verdict" in item for item in items) else "sentences"
    return Corpus(kind, items)


def check_corpus(corpus: Corpus, pack) -> dict[str, object]:
    """item id -> DocumentResult."""
    from claimcheck.project.runner import check_sources

    sources = (Source(f"{item['id']}.txt", "text/plain", item["text"] + "\n") for item in corpus.items)
    problems: list[InputProblem] = []
    return {checked.result.path[:-4]: checked.result for checked in check_sources(sources, pack, problems)}


@dataclass
class SentenceScores:
    recall: float
    false_positive_rate: float
    precision: float
    category_recall: float
    confusion: dict
    per_category: dict
    misses: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score_sentences(corpus: Corpus, results) -> SentenceScores:
    counted = {key: [f for f in result.findings if f.scope == "claim" and f.severity in COUNTED
                     and f.suppressed is None]
               for key, result in results.items()}
    violations = [i for i in corpus.items if i["label"] == "violation"]
    compliant = [i for i in corpus.items if i["label"] == "compliant"]
    hits = [i for i in violations if counted.get(i["id"])]
    alarms = [i for i in compliant if counted.get(i["id"])]
    category_hits = [i for i in violations
                     if {f.category for f in counted.get(i["id"], [])} & set(i.get("categories", []))]
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in violations:
        found = {f.category for f in counted.get(item["id"], [])}
        for category in item.get("categories", []):
            per_category[category][1] += 1
            per_category[category][0] += category in found
    confusion = {"true_positive": len(hits), "false_negative": len(violations) - len(hits),
                 "false_positive": len(alarms), "true_negative": len(compliant) - len(alarms)}
    return SentenceScores(
        recall=_ratio(len(hits), len(violations)),
        false_positive_rate=_ratio(len(alarms), len(compliant)),
        precision=_ratio(len(hits), len(hits) + len(alarms)),
        category_recall=_ratio(len(category_hits), len(violations)),
        confusion=confusion,
        per_category={c: {"found": k, "total": n} for c, (k, n) in sorted(per_category.items())},
        misses=[{"id": i["id"], "text": i["text"]} for i in violations if not counted.get(i["id"])],
        false_alarms=[{"id": i["id"], "text": i["text"],
                       "codes": sorted({f.code for f in counted[i["id"]]})} for i in alarms],
    )


def finding_source(finding) -> str:
    """What made a finding: the predicate pattern that matched its claim, the learned sentence
    score (``learned``), or, for a rule that reads no pattern (a page-level or approval
    check), the kind of check (``kind:missing_disclosure``)."""
    explanation = finding.explanation
    if explanation.get("pattern"):
        return explanation["pattern"]
    if "score" in explanation.get("learned", {}):
        return "learned"
    return f"kind:{explanation.get('kind', '?')}"


def by_rule(corpus: Corpus, results) -> list[dict]:
    """Per rule and per source of its findings (``finding_source``), how many labelled items it
    flags rightly and wrongly: for a rule-pack author, which pattern of which rule brings the
    false alarms. A sentence corpus counts claim findings on violations (right) and on compliant
    sentences (wrong); a page corpus counts every counted finding on failing pages (right) and on
    passing pages (wrong). An item counts once per rule and source, however many findings it has."""
    pages = corpus.kind == "pages"
    counts = RuleCounts()
    for item in corpus.items:
        result = results.get(item["id"])
        if result is None:
            continue
        right = item["verdict"] == "fail" if pages else item["label"] == "violation"
        counts.add(right, [f for f in result.findings if pages or f.scope == "claim"])
    return counts.rows()


def by_rule_in_sentences(checked_pages) -> list[dict]:
    """``by_rule`` for labelled pages (``claimcheck.train.corpus``), item by item over their
    sentences: a claim finding is right when the sentence it starts in is a labelled claim.
    ``checked_pages``: (CorpusPage, DocumentResult) pairs."""
    counts = RuleCounts()
    for page, result in checked_pages:
        claims = [f for f in result.findings if f.scope == "claim"]
        for sentence in page.sentences:
            counts.add(bool(sentence.categories), [f for f in claims if sentence.start <= f.start < sentence.end])
    return counts.rows()


class RuleCounts:
    """(rule code, finding source) -> [items flagged rightly, items flagged wrongly]."""

    def __init__(self):
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def add(self, right: bool, findings) -> None:
        for key in {(f.code, finding_source(f)) for f in findings
                    if f.severity in COUNTED and f.suppressed is None}:
            self.counts[key][0 if right else 1] += 1

    def rows(self) -> list[dict]:
        rows = [{"code": code, "source": source, "true_hits": right, "false_hits": wrong,
                 "precision": round(_ratio(right, right + wrong), 3)}
                for (code, source), (right, wrong) in self.counts.items()]
        return sorted(rows, key=lambda row: (-row["false_hits"], row["precision"], row["code"], row["source"]))


def score_pages(corpus: Corpus, results) -> dict:
    status = {key: result.status for key, result in results.items()}
    failing = [i for i in corpus.items if i["verdict"] == "fail"]
    passing = [i for i in corpus.items if i["verdict"] == "pass"]
    failed = [i for i in failing if status.get(i["id"]) == "fail"]
    flagged = [i for i in failing if status.get(i["id"]) in ("fail", "review")]
    false_fail = [i for i in passing if status.get(i["id"]) == "fail"]
    clean = [i for i in passing if status.get(i["id"]) == "pass"]
    return {
        "fail_pages_failed": _ratio(len(failed), len(failing)),
        "fail_pages_flagged": _ratio(len(flagged), len(failing)),
        "pass_pages_failed": _ratio(len(false_fail), len(passing)),
        "pass_pages_clean": _ratio(len(clean), len(passing)),
        # "fail->review": how many failing pages got each status (string keys, so it is JSON)
        "statuses": dict(Counter(f"{i['verdict']}->{status.get(i['id'])}" for i in corpus.items).most_common()),
        "misses": [{"id": i["id"], "status": status.get(i["id"]), "title": i.get("title", "")}
                   for i in failing if i not in failed],
        "noisy": [{"id": i["id"], "status": status.get(i["id"]), "title": i.get("title", "")}
                  for i in passing if i not in clean],
    }
