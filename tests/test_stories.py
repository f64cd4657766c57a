"""train/stories.py and the folds built on it: one story told on two sites is found, pages on
different subjects are not, and the two sites land in one fold."""
from __future__ import annotations

import dataclasses

from claimcheck.train.corpus import CorpusPage, folds_by_site, site_groups
from claimcheck.train.stories import STORY_COSINE, story_pairs

MINISTRY = ("After celebrities promoted injections in Vienna, the health ministry warned residents against "
            "rumours urging stem cell treatment abroad; transplants are complex, risky and used only for "
            "acute leukaemia, lymphoma, marrow failure and myeloma, under strict supervision.")
NEWSPAPER = ("Rumours about stem cell treatment abroad spread online once celebrities praised injections in "
             "Vienna. The health ministry said transplants are risky and complex, done only under strict "
             "supervision, and used solely for leukaemia, marrow failure, myeloma and lymphoma.")
OTHERS = [
    "Our orthopaedic practice offers platelet injections and bracing for knee arthritis, with "
    "physiotherapy plans tailored to each patient's goals and insurance.",
    "Families can store umbilical cord blood at birth; our laboratory processes each unit and "
    "keeps it frozen in liquid nitrogen for decades at a yearly fee.",
    "Horses with tendon injuries heal slowly; the equine hospital explains rest, controlled exercise "
    "and ultrasound checks over several months.",
]


def test_two_tellings_of_one_story_are_a_pair_and_nothing_else_is():
    pairs = story_pairs([MINISTRY, *OTHERS, NEWSPAPER])
    assert [(i, j) for i, j, _ in pairs] == [(0, 4)]
    assert pairs[0][2] >= STORY_COSINE


def test_the_cosine_of_a_text_with_itself_is_one():
    (pair,) = story_pairs([MINISTRY, MINISTRY, *OTHERS])
    assert pair[:2] == (0, 1) and abs(pair[2] - 1.0) < 1e-5


def test_pairs_are_found_across_blocks_of_texts(monkeypatch):
    # Blocks of two: the story's tellings fall in different blocks and must still meet.
    monkeypatch.setattr("claimcheck.train.stories._CHUNK", 2)
    pairs = story_pairs([MINISTRY, *OTHERS, NEWSPAPER])
    assert [(i, j) for i, j, _ in pairs] == [(0, 4)]


def page(id_: str, site: str, text: str) -> CorpusPage:
    return CorpusPage(id=id_, site=site, genre="news", sells=False, verdict="pass", text=text, claims=[], path="")


def test_sites_that_tell_one_story_share_a_fold():
    pages = [page("a", "ministry.example", MINISTRY), page("b", "paper.example", NEWSPAPER),
             *(page(f"o{n}", f"other{n}.example", text) for n, text in enumerate(OTHERS))]
    groups = sorted(sorted(p.id for p in group) for group in site_groups(pages))
    assert groups == [["a", "b"], ["o0"], ["o1"], ["o2"]]
    for k in (2, 3, 4):
        folds = folds_by_site(pages, k)
        assert any({"a", "b"} <= {p.id for p in fold} for fold in folds)
        assert sorted(p.id for fold in folds for p in fold) == sorted(p.id for p in pages)


def test_without_shared_stories_each_site_is_its_own_group():
    pages = [page(f"o{n}", f"other{n}.example", text) for n, text in enumerate(OTHERS)]
    pages.append(dataclasses.replace(pages[0], id="o0b"))
    assert sorted(sorted(p.id for p in g) for g in site_groups(pages)) == [["o0", "o0b"], ["o1"], ["o2"]]
