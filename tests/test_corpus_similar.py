"""corpus/tools/similar.py: the same story told on two sites is found; different stories are not."""
from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
from similar import Index, site  # noqa: E402

TEXTS = {
    "ministry": "After celebrities promoted injections in Vienna, the health ministry warned residents against "
                "rumours urging stem cell treatment abroad; transplants are complex, risky and used only for "
                "acute leukaemia, lymphoma, marrow failure and myeloma, under strict supervision.",
    "newspaper": "Rumours about stem cell treatment abroad spread online once celebrities praised injections in "
                 "Vienna. The health ministry said transplants are risky and complex, done only under strict "
                 "supervision, and used solely for leukaemia, marrow failure, myeloma and lymphoma.",
    "knee clinic": "Our orthopaedic practice offers platelet injections and bracing for knee arthritis, with "
                   "physiotherapy plans tailored to each patient's goals and insurance.",
    "cord bank": "Families can store umbilical cord blood at birth; our laboratory processes each unit and "
                 "keeps it frozen in liquid nitrogen for decades at a yearly fee.",
    "vet": "Horses with tendon injuries heal slowly; the equine hospital explains rest, controlled exercise "
           "and ultrasound checks over several months.",
}


def test_two_tellings_of_one_story_are_each_others_nearest_page():
    index = Index(TEXTS)
    nearest, score = index.nearest("ministry")[0]
    assert nearest == "newspaper"
    assert score >= 0.5


def test_pages_on_different_subjects_stay_under_the_threshold():
    index = Index(TEXTS)
    assert all(score < 0.5 for _, score in index.nearest("knee clinic"))


def test_site_ignores_www_and_case():
    assert site("https://WWW.Example.com/page") == "example.com"
