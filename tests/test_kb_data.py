"""The knowledge base in rules/kb/*.yaml, read by the loader claimcheck uses
(``claimcheck.pack.knowledge``): every file loads with no problem, the loader
reports bad files (schema, duplicates, unknown references) with their file and
line, terms are unambiguous, and the coverage the linter relies on is there.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from claimcheck.pack.knowledge import SECTIONS, KnowledgeBase, load_knowledge_base
from claimcheck.pack.resources import load_schema

ROOT = Path(__file__).resolve().parent.parent
KB_DIR = ROOT / "rules" / "kb"

EXPECTED_FILES = {"sources.yaml", "products.yaml", "approved.yaml", "conditions.yaml",
                  "risks.yaml", "facts.yaml"}
EXPECTED_GROUPS = {
    "orthopedic-sports", "pain", "neurological", "neurodevelopmental", "pulmonary", "cardiac",
    "autoimmune", "eye", "renal", "metabolic", "urologic-sexual", "anti-aging-cosmetic",
    "covid-19", "blood-cancers-and-disorders", "other",
}
BLOOD_GROUP = "blood-cancers-and-disorders"
ORIGINS = {"autologous", "allogeneic", "either", "acellular"}


def _kb_paths() -> list[Path]:
    return sorted(KB_DIR.glob("*.yaml"))


def _load(path: Path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def schema() -> dict:
    return load_schema("kb")


@pytest.fixture(scope="module")
def kb() -> dict[str, list[dict]]:
    """Every section as the loader reads it: {section: [entries]}, bookkeeping keys left out."""
    loaded, problems = load_knowledge_base(_kb_paths())
    assert not problems, [p.render() for p in problems]
    return {section: [{k: v for k, v in entry.items() if not k.startswith("_")}
                      for entry in getattr(loaded, section).values()] for section in SECTIONS}


def _problems_for(tmp_path: Path, text: str) -> list:
    """What the loader says of one extra KB file beside the shipped ones."""
    extra = tmp_path / "extra.yaml"
    extra.write_text(text, encoding="utf-8")
    _, problems = load_knowledge_base([*_kb_paths(), extra])
    return [p for p in problems if p.path == str(extra)]


def _ids(entries: list[dict]) -> list[str]:
    return [entry["id"] for entry in entries]


def _norm(term: str) -> str:
    return " ".join(term.strip().casefold().split())


# --- files and schema ---------------------------------------------------------------


def test_expected_kb_files_exist():
    present = {path.name for path in _kb_paths()}
    missing = EXPECTED_FILES - present
    assert not missing, f"missing KB files: {sorted(missing)}"


def test_schema_is_a_valid_draft_2020_12_schema(schema):
    assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert "$defs" in schema and schema.get("additionalProperties") is False


@pytest.mark.parametrize("path", _kb_paths(), ids=lambda p: p.name)
def test_kb_file_loads_without_problems(path):
    assert KnowledgeBase().add_file(path) == []


@pytest.mark.parametrize("document", [
    "sources:\n  - {id: x, issuer: I, title: T, date: '2021', extra: 1}\n",
    "sources:\n  - {id: Bad_Id, issuer: I, title: T, date: '2021'}\n",
    "sources:\n  - {id: x, issuer: I, title: T, date: June 2021}\n",
    "sources:\n  - {id: x, issuer: I, title: T, date: 2021}\n",
    "sources:\n  - {id: x, issuer: I, title: T}\n",
    "products:\n  - {id: p, name: P, origin: mixed, hematopoietic: false, terms: [p], sources: [x]}\n",
    "products:\n  - {id: p, name: P, origin: either, hematopoietic: false, terms: [''], sources: [x]}\n",
    "conditions:\n  - {id: c, name: C, group: g, terms: [], sources: [x]}\n",
    "risks:\n  - {id: r, name: R, applies_to: some, terms: [r], summary: s, sources: [x]}\n",
    "unknown_section: []\n",
])
def test_the_loader_rejects_unknown_keys_and_bad_values(tmp_path, document):
    """Guard against a schema loosened by accident: the loader must name the file and line."""
    problems = _problems_for(tmp_path, document)
    assert problems and all(p.code == "CC911" and p.line for p in problems), problems


def test_the_loader_reports_duplicates_and_unknown_references(tmp_path):
    existing = _load(KB_DIR / "conditions.yaml")["conditions"][0]["id"]
    duplicate = _problems_for(tmp_path, f"conditions:\n  - {{id: {existing}, name: X, group: pain, "
                                        f"terms: [xyzzy pain], sources: [fda-consumer-2021]}}\n")
    assert [p.message for p in duplicate] == [f"conditions: duplicate id {existing!r}"]
    unknown = _problems_for(tmp_path, "conditions:\n  - {id: new-thing, name: X, group: nowhere, "
                                      "terms: [xyzzy pain], sources: [no-such-source]}\n")
    assert sorted(p.message for p in unknown) == ["new-thing: unknown group 'nowhere'",
                                                  "new-thing: unknown source 'no-such-source'"]
    assert all(p.line == 2 for p in unknown)


# --- identifiers and references ----------------------------------------------------


def test_ids_are_unique_within_each_section(kb):
    for section, entries in kb.items():
        ids = _ids(entries)
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        assert not duplicates, f"{section}: duplicate ids {duplicates}"


def test_every_entry_cites_at_least_one_source(kb):
    for section in ("products", "approved_products", "approved_uses", "conditions", "risks", "facts"):
        for entry in kb.get(section, []):
            assert entry.get("sources"), f"{section}/{entry['id']} cites no source"


def test_condition_ids_in_approved_exist(kb):
    conditions = set(_ids(kb["conditions"]))
    groups = set(_ids(kb["groups"]))
    unknown = []
    for product in kb["approved_products"]:
        for indication in product["indications"]:
            unknown += [f"{product['id']}: {c}" for c in indication["conditions"] if c not in conditions]
    for use in kb["approved_uses"]:
        unknown += [f"{use['id']}: group {g}" for g in use["condition_groups"] if g not in groups]
    assert not unknown, "approved.yaml refers to unknown conditions/groups:\n" + "\n".join(unknown)


def test_every_condition_group_exists(kb):
    groups = set(_ids(kb["groups"]))
    orphans = [f"{c['id']} -> {c['group']}" for c in kb["conditions"] if c["group"] not in groups]
    assert not orphans, f"conditions with unknown group: {orphans}"


def test_groups_are_the_agreed_set(kb):
    assert set(_ids(kb["groups"])) == EXPECTED_GROUPS


def test_dates_are_real_calendar_dates(kb):
    """The schema checks the shape; this checks the values (no month 13)."""
    def check(date: str, where: str):
        parts = [int(p) for p in date.split("-")]
        year, month, day = (parts + [1, 1])[:3]
        try:
            parsed = dt.date(year, month, day)
        except ValueError as exc:
            pytest.fail(f"{where}: {date!r} is not a valid date ({exc})")
        assert 1900 <= parsed.year <= 2100, f"{where}: implausible year in {date!r}"

    for source in kb["sources"]:
        check(source["date"], f"sources/{source['id']}")
    for product in kb["approved_products"]:
        for indication in product["indications"]:
            check(indication["date"], f"approved_products/{product['id']}")


# --- terms ---------------------------------------------------------------------------


def _term_owners(entries: list[dict], keys=("terms",)) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for key in keys:
            for term in entry.get(key, []):
                owners[_norm(term)].add(entry["id"])
    return owners


def test_no_term_in_two_conditions(kb):
    owners = _term_owners(kb["conditions"], keys=("terms", "case_sensitive_terms"))
    clashes = {term: sorted(ids) for term, ids in owners.items() if len(ids) > 1}
    assert not clashes, f"terms shared by several conditions: {clashes}"


def test_no_term_in_two_products(kb):
    owners = _term_owners(kb["products"])
    clashes = {term: sorted(ids) for term, ids in owners.items() if len(ids) > 1}
    assert not clashes, f"terms shared by several products: {clashes}"


def test_no_term_is_both_a_product_and_a_condition(kb):
    products = set(_term_owners(kb["products"]))
    conditions = set(_term_owners(kb["conditions"], keys=("terms", "case_sensitive_terms")))
    both = sorted(products & conditions)
    assert not both, f"terms that are both a product and a condition: {both}"


def test_matched_terms_are_lowercase(kb):
    """`terms` and `procedure_terms` are matched case-insensitively: write them lower-case."""
    offenders = []
    for section, key in (("products", "terms"), ("conditions", "terms"), ("risks", "terms"),
                         ("approved_products", "terms"), ("approved_uses", "procedure_terms")):
        for entry in kb.get(section, []):
            offenders += [f"{section}/{entry['id']}: {t!r}" for t in entry[key] if t != t.lower()]
    assert not offenders, "terms with upper case (use case_sensitive_terms instead):\n" + "\n".join(offenders)


def test_case_sensitive_terms_carry_upper_case(kb):
    """A case-sensitive term without capitals is just a risky lower-case term."""
    offenders = [f"{c['id']}: {t!r}" for c in kb["conditions"]
                 for t in c.get("case_sensitive_terms", []) if t == t.lower()]
    assert not offenders, f"case_sensitive_terms should be abbreviations in capitals: {offenders}"


def test_risky_abbreviations_are_not_plain_terms(kb):
    """Ordinary words and ambiguous acronyms must not be case-insensitive terms."""
    risky = {"all", "ra", "ms", "ed", "oa", "cp", "ad", "pd", "md", "mi", "uc", "add", "sci"}
    found = [f"{section}/{entry['id']}: {t!r}"
             for section in ("conditions", "products")
             for entry in kb[section] for t in entry["terms"] if _norm(t) in risky]
    assert not found, f"risky abbreviations among case-insensitive terms: {found}"


# --- coverage ------------------------------------------------------------------------


def test_at_least_60_conditions_covering_every_group(kb):
    conditions = kb["conditions"]
    assert len(conditions) >= 60, f"only {len(conditions)} conditions"
    used = {c["group"] for c in conditions}
    empty = sorted(set(_ids(kb["groups"])) - used)
    assert not empty, f"groups without any condition: {empty}"


def test_blood_group_has_at_least_8_conditions(kb):
    blood = [c["id"] for c in kb["conditions"] if c["group"] == BLOOD_GROUP]
    assert len(blood) >= 8, f"{BLOOD_GROUP} has only {len(blood)} conditions: {blood}"
    for required in ("leukemia", "lymphoma", "multiple-myeloma", "aplastic-anemia", "sickle-cell-disease",
                     "beta-thalassemia", "graft-versus-host-disease"):
        assert required in blood, f"{required} missing from {BLOOD_GROUP}"


def test_every_product_has_an_origin(kb):
    assert kb["products"], "no products"
    for product in kb["products"]:
        assert product.get("origin") in ORIGINS, f"{product['id']}: origin {product.get('origin')!r}"
        if product["hematopoietic"]:
            assert product["origin"] != "acellular", f"{product['id']}: acellular yet hematopoietic"


def test_blood_forming_sources_are_marked_hematopoietic(kb):
    by_id = {p["id"]: p for p in kb["products"]}
    hematopoietic = {pid for pid, p in by_id.items() if p["hematopoietic"]}
    assert {"umbilical-cord-blood", "hematopoietic-stem-cells", "peripheral-blood-stem-cells",
            "bone-marrow-concentrate"} <= hematopoietic
    for not_blood_forming in ("umbilical-cord-msc", "adipose-svf", "exosomes", "amniotic", "msc-generic"):
        assert not by_id[not_blood_forming]["hematopoietic"], f"{not_blood_forming} marked hematopoietic"


def test_every_approved_product_says_whether_it_is_a_stem_cell_product(kb):
    flags = {p["id"]: p.get("stem_cell") for p in kb["approved_products"]}
    assert all(isinstance(flag, bool) for flag in flags.values()), flags
    assert flags.get("lantidra") is False, "Lantidra (islet cells) must be stem_cell: false"


def test_approved_stem_cell_products_are_only_for_blood_and_immune_disorders(kb):
    """FDA has approved no stem cell product for orthopedic, pain, neuro, cardiac ... uses."""
    group_of = {c["id"]: c["group"] for c in kb["conditions"]}
    outside = [f"{p['id']}: {c} ({group_of.get(c)})"
               for p in kb["approved_products"] if p["stem_cell"]
               for indication in p["indications"] for c in indication["conditions"]
               if group_of.get(c) != BLOOD_GROUP]
    assert not outside, f"approved stem cell indications outside {BLOOD_GROUP}: {outside}"


def test_cord_blood_licenses_are_all_present(kb):
    cord = [p for p in kb["approved_products"] if p["generic_name"] == "HPC, Cord Blood"]
    assert len(cord) == 9, f"expected the 9 licensed HPC, Cord Blood products, found {len(cord)}"
    names = [p["name"] for p in cord]
    assert len(set(names)) == 9, f"cord blood products need distinct names: {names}"


def test_hematopoietic_transplant_use_is_limited_to_blood_group(kb):
    uses = {u["id"]: u for u in kb["approved_uses"]}
    transplant = uses.get("hematopoietic-transplant")
    assert transplant is not None, "approved_uses lacks hematopoietic-transplant"
    assert transplant["requires_hematopoietic_product"] is True
    assert transplant["condition_groups"] == [BLOOD_GROUP]
    terms = {_norm(t) for t in transplant["procedure_terms"]}
    assert {"stem cell transplant", "bone marrow transplant", "cord blood transplant", "hsct"} <= terms


def test_general_risk_entry_covers_disclosure_words(kb):
    risks = {r["id"]: r for r in kb["risks"]}
    general = risks.get("general")
    assert general is not None and general["applies_to"] == "all"
    assert {"risks", "side effects", "complications", "adverse events", "adverse reactions"} <= set(general["terms"])
    donor_only = {rid for rid, r in risks.items() if r["applies_to"] == "donor"}
    assert donor_only == {"immune-rejection"}, f"only rejection/GVHD is donor-specific, got {donor_only}"


def test_yaml_files_start_with_a_comment_block():
    for path in _kb_paths():
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("#"), f"{path.name} should open with a comment block"


def test_text_fields_are_not_lazy_placeholders(kb):
    placeholder = re.compile(r"\b(todo|tbd|fixme|lorem|your words)\b", re.IGNORECASE)
    found = []
    for section, entries in kb.items():
        for entry in entries:
            for key in ("summary", "statement", "cell_type", "title", "note", "name"):
                value = entry.get(key)
                if isinstance(value, str) and placeholder.search(value):
                    found.append(f"{section}/{entry['id']}.{key}")
            for indication in entry.get("indications", []):
                if placeholder.search(indication["summary"]):
                    found.append(f"{section}/{entry['id']}.indications")
    assert not found, f"placeholder text left in: {found}"


def test_nothing_a_finding_can_cite_is_the_projects_own_seed_text(kb):
    """A compliance officer forwards a finding's references: each must be a public source."""
    import yaml

    from tests.conftest import ROOT

    cited = {source for entries in kb.values() for entry in entries for source in entry.get("sources", [])}
    for path in (ROOT / "rules" / "checks").rglob("*.yaml"):
        cited.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("docs", {}).get("references", []))
    assert cited and "founding-document" not in cited
