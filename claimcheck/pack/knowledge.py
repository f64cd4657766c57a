"""The knowledge base: approved products and uses, conditions, cell products,
documented risks, mechanism facts, and the sources every entry cites.

Loaded from ``rules/kb/*.yaml`` (plus any extra files a config names), each
validated by ``schemas/kb.schema.json``; cross references (source ids,
condition ids, groups) are checked here so that a typo is one clear error.
The questions the rules ask of it ("is this an approved use?") live here too,
so that every kind answers them the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.errors import BAD_KNOWLEDGE, InputProblem
from claimcheck.pack.yamldata import line_of, load_validated

SECTIONS = ("sources", "products", "approved_products", "approved_uses", "groups",
            "conditions", "risks", "facts")

# The knowledge base's mark for a general entry: "Pain (unspecified)", "Diabetes (type unspecified)".
_UNSPECIFIED = re.compile(r"\s*\((?:type )?unspecified\)\s*$", re.I)


@dataclass
class ApprovalMatch:
    """Why a claim is an approved use: the product or use, and its sources."""

    entry_id: str
    summary: str
    sources: list[str]


@dataclass
class KnowledgeBase:
    sources: dict[str, dict] = field(default_factory=dict)
    products: dict[str, dict] = field(default_factory=dict)
    approved_products: dict[str, dict] = field(default_factory=dict)
    approved_uses: dict[str, dict] = field(default_factory=dict)
    groups: dict[str, dict] = field(default_factory=dict)
    conditions: dict[str, dict] = field(default_factory=dict)
    risks: dict[str, dict] = field(default_factory=dict)
    facts: dict[str, dict] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    extra_files: list[str] = field(default_factory=list)  # given by config, beyond the packs' kb/

    # -- loading -------------------------------------------------------------
    def add_file(self, path: Path) -> list[InputProblem]:
        data, problems = load_validated(path, "kb", code=BAD_KNOWLEDGE)
        if data is None:
            return problems
        self.files.append(str(path))
        for section in SECTIONS:
            table = getattr(self, section)
            for index, entry in enumerate(data.get(section) or []):
                if entry["id"] in table and section != "sources":
                    problems.append(InputProblem(
                        str(path), BAD_KNOWLEDGE, f"{section}: duplicate id {entry['id']!r}",
                        line=line_of(path, [section, index, "id"])))
                table[entry["id"]] = dict(entry, _file=str(path), _index=index, _section=section)
        return problems

    def check_references(self) -> list[InputProblem]:
        problems = []

        def problem(entry, message, key):
            path = Path(entry["_file"])
            problems.append(InputProblem(str(path), BAD_KNOWLEDGE, message,
                                         line=line_of(path, [entry["_section"], entry["_index"], key])))

        for section in SECTIONS[1:]:
            for entry in getattr(self, section).values():
                for source in entry.get("sources", []):
                    if source not in self.sources:
                        problem(entry, f"{entry['id']}: unknown source {source!r}", "sources")
        for entry in self.conditions.values():
            if entry["group"] not in self.groups:
                problem(entry, f"{entry['id']}: unknown group {entry['group']!r}", "group")
        for entry in self.approved_products.values():
            for indication in entry.get("indications", []):
                for condition in indication.get("conditions", []):
                    if condition not in self.conditions:
                        problem(entry, f"{entry['id']}: unknown condition {condition!r}", "indications")
        for entry in self.approved_uses.values():
            for group in entry.get("condition_groups", []):
                if group not in self.groups:
                    problem(entry, f"{entry['id']}: unknown group {group!r}", "condition_groups")
        return problems

    # -- questions rules ask -------------------------------------------------
    def approved_use(self, condition: str, *, product: str | None = None,
                     approved_products: list[str] = (), procedures: list[str] = ()) -> ApprovalMatch | None:
        """Is treating ``condition`` with what the claim names an approved use?"""
        for product_id in approved_products:
            entry = self.approved_products.get(product_id)
            if not entry or (product is not None and entry.get("stem_cell") is False):
                continue  # a licensed cell product that is not a stem-cell product never clears a stem-cell claim
            for indication in entry.get("indications", []):
                if condition in indication.get("conditions", []):
                    return ApprovalMatch(product_id, f"{entry['name']}: {indication.get('summary', '')}".strip(),
                                         list(entry.get("sources", [])))
        group = self.conditions.get(condition, {}).get("group")
        for use in self.approved_uses.values():
            named = use["id"] in procedures
            if group in use.get("condition_groups", []) and (named or self.product_fits_use(product, use)):
                return ApprovalMatch(use["id"], use.get("summary", ""), list(use.get("sources", [])))
            if named and condition in use.get("conditions_when_named", []):
                return ApprovalMatch(use["id"], use.get("summary", ""), list(use.get("sources", [])))
        return None

    def approved_conditions(self, conditions, *, product: str | None = None,
                            approved_products: list[str] = (), procedures: list[str] = ()) -> dict:
        """condition id -> ApprovalMatch for those of ``conditions`` that one claim names and that
        are approved uses of what it names. A broad condition an approved use lists under
        ``conditions_when_named`` counts too when the claim names a condition of that use beside
        it: "cord blood treats leukaemia and some other cancers" means the cancers a transplant
        treats, as "transplants treat cancer" does."""
        found = {}
        for condition in conditions:
            match = self.approved_use(condition, product=product, approved_products=approved_products,
                                      procedures=procedures)
            if match is not None:
                found[condition] = match
        uses = [match for match in found.values() if match.entry_id in self.approved_uses]
        for condition in (c for c in conditions if c not in found):
            beside = next((match for match in uses
                           if condition in self.approved_uses[match.entry_id].get("conditions_when_named", [])), None)
            if beside is not None:
                found[condition] = beside
        return found

    def product_fits_use(self, product: str | None, use: dict) -> bool:
        if not use.get("requires_hematopoietic_product"):
            return True
        if product is None:
            return True  # "stem cells can treat leukemia": the transplant use is the plain reading
        entry = self.products.get(product, {})
        return bool(entry.get("hematopoietic")) or bool(entry.get("generic"))

    def is_body_site(self, condition: str) -> bool:
        """A knee or a spine names where, not what is treated: it is not a use to approve."""
        return bool(self.conditions[condition].get("site"))

    def is_hematopoietic_product(self, product: str | None) -> bool:
        return bool(self.products.get(product or "", {}).get("hematopoietic"))

    def is_donor_product(self, product: str | None) -> bool:
        return self.products.get(product or "", {}).get("origin") == "allogeneic"

    def is_donor_derived(self, product: str | None) -> bool:
        """Donor cells, or cell-free products made from donor cells (exosomes, secretome)."""
        return self.products.get(product or "", {}).get("origin") in ("allogeneic", "acellular")

    def condition_sources(self, conditions) -> list[str]:
        """The sources the given condition ids cite, in order."""
        return [source for condition in conditions
                for source in self.conditions.get(condition, {}).get("sources", [])]

    def risks_for(self, product: str | None) -> list[dict]:
        """The documented risks of ``product``: those of every cell product, and the donor-cell
        risks (``applies_to: donor``) unless the cells are known to be the patient's own."""
        donor = not self.is_autologous_product(product)
        return [risk for risk in self.risks.values()
                if risk.get("applies_to", "all") == "all" or (donor and risk["applies_to"] == "donor")]

    def is_autologous_product(self, product: str | None) -> bool:
        return self.products.get(product or "", {}).get("origin") == "autologous"

    def name_of(self, kind: str, entry_id: str | None) -> str | None:
        """An entry's name as it reads inside a sentence ("knee pain", but "COPD", "Parkinson's disease")."""
        if entry_id is None:
            return None
        name = getattr(self, kind).get(entry_id, {}).get("name", entry_id)
        first = name.split(" ", 1)[0]
        if first[:1].isupper() and first[1:].islower() and not first.endswith(("'s", "’s")):
            name = first.lower() + name[len(first):]
        return name

    def condition_names(self, ids) -> list[str]:
        """Conditions as a message lists them: each by ``name_of``, without the knowledge base's
        "(unspecified)" (a reader wants "arthritis", not "arthritis (type unspecified)"), and
        without a general entry that a more specific one listed with it already says ("knee
        pain", not "knee pain, pain")."""
        names = [_UNSPECIFIED.sub("", self.name_of("conditions", c)) for c in ids]
        general = {c for c in ids if _UNSPECIFIED.search(self.conditions.get(c, {}).get("name", ""))}
        kept = [name for c, name in zip(ids, names)
                if not (c in general and any(other != name and re.search(rf"\b{re.escape(name)}\b", other, re.I)
                                             for other in names))]
        return list(dict.fromkeys(kept))

    def references(self, ids) -> list[dict]:
        out, seen = [], set()
        for source_id in ids:
            if source_id in seen or source_id not in self.sources:
                continue
            seen.add(source_id)
            entry = self.sources[source_id]
            out.append({key: entry[key] for key in ("id", "issuer", "title", "date", "url") if key in entry})
        return out


def load_knowledge_base(paths: list[Path]) -> tuple[KnowledgeBase, list[InputProblem]]:
    kb = KnowledgeBase()
    problems: list[InputProblem] = []
    for path in paths:
        problems.extend(kb.add_file(path))
    problems.extend(kb.check_references())
    return kb, problems
