"""knowledge: the approved-use question every rule asks."""
from __future__ import annotations

from claimcheck.pack.rulepack import load_pack

KB = load_pack().kb


def test_transplant_for_blood_cancer_is_approved():
    assert KB.approved_use("leukemia", procedures=["hematopoietic-transplant"]) is not None
    assert KB.approved_use("leukemia", product="umbilical-cord-blood") is not None
    assert KB.approved_use("leukemia") is not None  # no product named: the transplant reading


def test_non_hematopoietic_products_are_not_an_approved_use_even_for_blood_cancer():
    assert KB.approved_use("leukemia", product="exosomes") is None
    assert KB.approved_use("leukemia", product="umbilical-cord-msc") is None


def test_a_broad_cancer_beside_a_blood_cancer_is_the_transplant_use():
    # "cord blood treats leukaemia and other cancers": the cancers a transplant treats
    beside = KB.approved_conditions(["leukemia", "cancer"], product="umbilical-cord-blood")
    assert set(beside) == {"leukemia", "cancer"}
    assert beside["cancer"].entry_id == "hematopoietic-transplant"
    # alone, or beside nothing the transplant use covers, it stays unapproved
    assert KB.approved_conditions(["cancer"], product="umbilical-cord-blood") == {}
    assert set(KB.approved_conditions(["cancer", "autism"], product="stem-cells-generic")) == set()
    # a product the transplant use does not fit clears neither
    assert KB.approved_conditions(["leukemia", "cancer"], product="exosomes") == {}


def test_unapproved_conditions_and_licensed_products():
    assert KB.approved_use("osteoarthritis", product="stem-cells-generic") is None
    assert KB.approved_use("copd", procedures=["hematopoietic-transplant"]) is None
    ryoncil = [p for p, e in KB.approved_products.items() if e["name"].lower().startswith("ryoncil")][0]
    gvhd = KB.approved_products[ryoncil]["indications"][0]["conditions"][0]
    assert KB.approved_use(gvhd, approved_products=[ryoncil]) is not None
    assert KB.approved_use("autism", approved_products=[ryoncil]) is None


def test_references_carry_issuer_title_date_url():
    (ref,) = KB.references(["fda-consumer-2021"])
    assert ref["issuer"].startswith("U.S. Food and Drug") and ref["url"].startswith("https://www.fda.gov/")


def test_messages_name_conditions_without_unspecified_and_without_a_general_one_said_already():
    from claimcheck.pack.rulepack import load_pack

    kb = load_pack().kb
    assert kb.condition_names(["pain"]) == ["pain"]
    assert kb.condition_names(["knee-pain", "pain"]) == ["knee pain"]
    assert kb.condition_names(["pain", "knee-pain"]) == ["knee pain"]
    assert kb.condition_names(["diabetes", "multiple-sclerosis"])[0] == "diabetes"
