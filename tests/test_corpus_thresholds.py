"""corpus/tools/thresholds.py: fold models kept and reused, and each setting read through its own thresholds."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from claimcheck.extract.learned import SHIPPED_MODEL
from claimcheck.train import crossval
from claimcheck.train.corpus import folds_by_site, read_corpus
from claimcheck.train.crossval import fold_models
from claimcheck.train.fit import THRESHOLDS, corpus_digest
from tests.conftest import ROOT, write_page_record

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
from thresholds import main, parse_grid, settings  # noqa: E402

SELLING = ("Knee Relief Center\nOur stem cell injections cure arthritis and regrow cartilage in every patient.\n"
           "Book your free consultation today and walk without pain again.\n")
CLAIM = "Our stem cell injections cure arthritis and regrow cartilage in every patient."
# Another clinic's page with the same claim: its own story, so the folds may split the two sites
# (pages that tell one story share a fold, train/stories.py).
OTHER_SELLING = ("Joint Care Clinic of Denver\n" + CLAIM + "\nCall for a same-week appointment; parking is free "
                 "behind our Elm Street office, and most visits take under an hour.\n")


def test_the_grid_names_known_thresholds_and_the_shipped_setting_comes_first_once():
    with pytest.raises(SystemExit, match="NAME one of"):
        parse_grid(["loudness=1,2"])
    with pytest.raises(SystemExit, match="NAME=V1,V2"):
        parse_grid(["claim="])
    grid = parse_grid(["claim=0.3," + str(THRESHOLDS["claim"]), "voice=0.5"])
    assert settings(grid) == [{"claim": THRESHOLDS["claim"], "voice": THRESHOLDS["voice"]},
                              {"claim": 0.3, "voice": 0.5}, {"claim": THRESHOLDS["claim"], "voice": 0.5}]
    assert settings({}) == [{}]


def _corpus(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page_record(folder, "t-001", "fail", SELLING, [CLAIM], categories=("unapproved-use",))
    write_page_record(folder, "t-002", "fail", OTHER_SELLING, [CLAIM], categories=("unapproved-use",))
    return folder


def _kept_models(pages, folder, k=2):
    """Fold models that are the shipped model, marked as trained on each fold's training pages."""
    for index, test in enumerate(folds_by_site(pages, k)):
        training = [p for p in pages if p not in test]
        shutil.copytree(SHIPPED_MODEL, folder / f"fold{index}")
        meta = json.loads((folder / f"fold{index}" / "meta.json").read_text())
        meta["corpus"]["sha256"] = corpus_digest(training)
        (folder / f"fold{index}" / "meta.json").write_text(json.dumps(meta))


def _mark_kept(folder, **fields):
    """Set ``fields`` in the meta.json of both kept fold models, as a training with them would."""
    for fold in ("fold0", "fold1"):
        meta = json.loads((folder / fold / "meta.json").read_text())
        (folder / fold / "meta.json").write_text(json.dumps({**meta, **fields}))


@pytest.mark.skipif(not (SHIPPED_MODEL / "meta.json").is_file(), reason="needs the shipped model")
def test_a_fold_model_is_retrained_only_when_its_fold_leaves_out_other_pages(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path)
    pages = read_corpus(corpus)
    _kept_models(pages, tmp_path / "models")
    trained = []
    monkeypatch.setattr(crossval, "_train_fold",
                        lambda training, out, seeds, page_verdict: trained.append((len(training), out)))
    fold_models(pages, 2, tmp_path / "models")
    assert trained == []
    # The same pages with other seeds make other models.
    fold_models(pages, 2, tmp_path / "models", seeds=(1, 2))
    assert [out for _, out in trained] == [tmp_path / "models" / "fold0", tmp_path / "models" / "fold1"]
    trained.clear()
    # ... and so do the same pages with the sentence classifier told each page's verdict,
    fold_models(pages, 2, tmp_path / "models", page_verdict=True)
    assert [out for _, out in trained] == [tmp_path / "models" / "fold0", tmp_path / "models" / "fold1"]
    trained.clear()
    # ... even where a kept model was told it, but learned the word from the pages' labels
    # (trained before the out-of-fold verdicts, its meta.json without "page_verdict_from").
    _mark_kept(tmp_path / "models", page_verdict=True)
    fold_models(pages, 2, tmp_path / "models", page_verdict=True)
    assert [out for _, out in trained] == [tmp_path / "models" / "fold0", tmp_path / "models" / "fold1"]
    trained.clear()
    _mark_kept(tmp_path / "models", page_verdict_from="out-of-fold")  # had they learned it out of fold, kept
    fold_models(pages, 2, tmp_path / "models", page_verdict=True)
    assert trained == []
    _mark_kept(tmp_path / "models", page_verdict=False)
    write_page_record(corpus, "t-003", "pass", "Hospital news\nThe transplant unit treats leukaemia.\n", sells=False)
    pages = read_corpus(corpus)
    fold_models(pages, 2, tmp_path / "models")
    changed = [tmp_path / "models" / f"fold{index}" for index, test in enumerate(folds_by_site(pages, 2))
               if "t-003" not in {p.id for p in test}]  # the folds that now train on the new page
    assert [out for _, out in trained] == changed and changed


@pytest.mark.skipif(not (SHIPPED_MODEL / "meta.json").is_file(), reason="needs the shipped model")
def test_each_setting_reads_the_folds_through_its_own_thresholds(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    _kept_models(read_corpus(corpus), tmp_path / "models")
    assert main(["--models", str(tmp_path / "models"), "--folds", "2", "--corpus", str(corpus),
                 "--set", "claim=0,1.01", "--set", "strong_claim=0,1.01"]) == 0
    rows = {line.split("|")[1].strip(): line.split("|")[2:6] for line in capsys.readouterr().out.splitlines()
            if line.startswith("| rules")}
    assert len(rows) == 1 + 1 + 4  # the rules alone, the shipped setting, four combinations
    everything, nothing = rows["rules + model: claim 0, strong_claim 0"], rows["rules + model: claim 1.01, strong_claim 1.01"]
    # At 0 every sentence of the selling pages reads as a claim; above 1 the model adds none.
    assert everything[1].strip().startswith("1.000") and nothing[1] == rows["rules"][1] != everything[1]
    assert "(2/2)" in everything[0] and "(2/2)" in nothing[0]  # the rules find the labelled claims either way


def test_the_tool_keeps_fold_models_trained_with_the_page_verdict_when_asked_to(tmp_path, monkeypatch):
    """``--page-verdict`` asks for the fold models ``train --page-verdict`` makes: without it
    the tool would retrain such kept models as the recipe's."""
    import thresholds

    asked = []
    monkeypatch.setattr(thresholds, "fold_models", lambda *args: asked.append(args[-1]) or [])
    monkeypatch.setattr(thresholds, "check_pages", lambda pages, model: [])
    corpus = _corpus(tmp_path)
    for flags in (["--page-verdict"], []):
        assert main(["--models", str(tmp_path / "models"), "--folds", "2", "--corpus", str(corpus), *flags]) == 0
    assert asked == [True, False]
