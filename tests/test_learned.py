"""The learned components: corpus reading, site-grouped folds, reproducible training,
``check --model``/``explain``, and how scores turn into findings."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy
import pytest

from claimcheck.evaluate import evaluate
from claimcheck.extract.learned import SHIPPED_MODEL, Learned, select_model
from claimcheck.train.corpus import folds_by_site, read_corpus
from tests.clitools import invoke
from tests.conftest import check_text

CORPUS = Path(__file__).parent / "data" / "corpus"
CATEGORIES = ("unapproved-use", "testimonial", "safety-overclaim")
THRESHOLDS = {"claim": 0.5, "strong_claim": 0.8, "sells": 0.5, "voice": 0.2}
PROMOTING_THRESHOLDS = {**THRESHOLDS, "promoting_page": 0.9}


@pytest.fixture(scope="module")
def pages():
    return read_corpus(CORPUS)


def test_a_claim_sentence_carries_its_categories_and_the_rest_are_compliant(pages):
    page = next(p for p in pages if p.id == "t-001")
    labelled = {s.text: s.categories for s in page.sentences}
    assert labelled["Our umbilical stem cell shots rebuild worn cartilage in a single visit."] == \
        ["regeneration-overclaim", "unapproved-use"]
    assert labelled["The procedure takes under an hour in our office."] == []
    # The heading right before a claim is not part of it (the blank line between them is
    # the normalizer's, and once made the heading overlap the claim's first character).
    assert labelled["Renew Your Knees"] == []
    assert page.site == "knee-renew.example"
    # Its length counts its words and the full stop, not the feature words it carries.
    office = next(s for s in page.sentences if s.text.startswith("The procedure takes"))
    assert office.length == 10 and len(office.words) > 10


def test_sentences_carry_the_rules_feature_words(pages):
    page = next(p for p in pages if p.id == "t-002")
    words = next(s.words for s in page.sentences if s.text.startswith("Our exosome"))
    assert "_PRODUCT_" in words and any(w.startswith("_CLAIM_") for w in words)


def test_no_site_is_in_two_folds(pages):
    folds = folds_by_site(pages, 3)
    sites = [{p.site for p in fold} for fold in folds]
    assert sum(len(s) for s in sites) == len(set().union(*sites))
    assert sorted(p.id for fold in folds for p in fold) == sorted(p.id for p in pages)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    result = invoke("train", CORPUS, "-o", out / "a")
    assert result.exit_code == 0, result.output
    return out / "a"


def test_train_writes_a_model_that_check_uses_and_explain_shows(trained, tmp_path):
    meta = json.loads((trained / "meta.json").read_text())
    assert meta["corpus"]["pages"] == 6 and "CLAIM" == meta["any_claim"]
    ad = tmp_path / "ad.md"
    ad.write_text("Our stem cell shots rebuild worn cartilage and you walk without pain.\n")
    explained = invoke("explain", "--model", trained, "--format", "json", ad)
    report = json.loads(explained.stdout)[0]
    assert report["learned_page"]["model"] == str(trained.resolve())
    assert report["sentences"][0]["learned"]["claim"] > 0
    without = invoke("explain", "--model", "none", "--format", "json", ad)
    assert json.loads(without.stdout)[0]["learned_page"] is None


def test_training_is_reproducible(trained, tmp_path):
    again = invoke("train", CORPUS, "-o", tmp_path / "b")
    assert again.exit_code == 0, again.output
    ad = tmp_path / "ad.txt"
    ad.write_text("Say goodbye to knee surgery with our cord cells.\nParking is free.\n")
    first = json.loads(invoke("explain", "--model", trained, "--format", "json", ad).stdout)
    second = json.loads(invoke("explain", "--model", tmp_path / "b", "--format", "json", ad).stdout)
    assert [s["learned"] for s in first[0]["sentences"]] == [s["learned"] for s in second[0]["sentences"]]
    assert first[0]["learned_page"]["scores"] == second[0]["learned_page"]["scores"]
    assert _differing_files(trained, tmp_path / "b") == []


def _differing_files(one: Path, other: Path) -> list:
    """The files of two model folders that differ in content, or are in only one of them."""
    files = {p.relative_to(one) for p in one.rglob("*") if p.is_file()}
    others = {p.relative_to(other) for p in other.rglob("*") if p.is_file()}
    return sorted(files ^ others) + sorted(f for f in files & others
                                           if (one / f).read_bytes() != (other / f).read_bytes())


def test_training_its_seeds_in_parallel_writes_the_same_model(trained, tmp_path):
    parallel = invoke("train", CORPUS, "-o", tmp_path / "parallel", "--jobs", "2")
    assert parallel.exit_code == 0, parallel.output
    assert len(json.loads((trained / "meta.json").read_text())["seeds"]) > 1  # trainings to share out
    assert _differing_files(trained, tmp_path / "parallel") == []


def test_a_model_averaged_over_seeds_scores_each_text_with_the_mean_of_their_log_odds(pages, tmp_path):
    import spacy
    from spacy.tokens import Doc

    from claimcheck.train.fit import seeds_for, train_model

    seeds = seeds_for(2)
    for seed in seeds:
        train_model(pages, tmp_path / f"seed{seed}", seeds=(seed,))
    averaged = train_model(pages, tmp_path / "averaged", seeds=seeds)
    assert json.loads((averaged / "meta.json").read_text())["seeds"] == list(seeds)

    def log_odds(model, part, inputs):
        nlp = spacy.load(model / part)
        scores = numpy.array([[doc.cats[c] for c in sorted(doc.cats)]
                              for doc in nlp.pipe(Doc(nlp.vocab, words=words) for words in inputs)])
        return numpy.log(scores / (1 - scores))

    for part, inputs in (("sentences", [s.words for p in pages for s in p.sentences]),
                         ("pages", [p.words for p in pages])):
        single = [log_odds(tmp_path / f"seed{seed}", part, inputs) for seed in seeds]
        assert numpy.abs(single[0] - single[1]).max() > 1e-3  # the seeds made different models
        assert numpy.allclose(log_odds(averaged, part, inputs), (single[0] + single[1]) / 2, atol=1e-4)


def test_train_seeds_sets_how_many_trainings_are_averaged(trained, tmp_path):
    from claimcheck.train.fit import SEEDS

    assert json.loads((trained / "meta.json").read_text())["seeds"] == list(SEEDS)  # the recipe's
    result = invoke("train", CORPUS, "-o", tmp_path / "one", "--seeds", "1")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "one" / "meta.json").read_text())["seeds"] == [SEEDS[0]]
    assert invoke("train", CORPUS, "-o", tmp_path / "none", "--seeds", "0").exit_code == 2


@pytest.fixture(scope="module")
def cross_validated():
    """One two-fold cross-validation of the test corpus, read by the tests of its output."""
    return invoke("train", CORPUS, "--cross-validate", "2")


def test_cross_validation_reads_the_same_when_its_fold_models_train_in_parallel(cross_validated):
    one = cross_validated
    two = invoke("train", CORPUS, "--cross-validate", "2", "--jobs", "2")
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert "| rules+model |" in one.stdout and one.stdout == two.stdout
    assert two.stderr.count("trained on") == 2  # both folds' models, each trained once


def test_cross_validation_counts_recall_per_claim_category(pages):
    from collections import Counter

    from claimcheck.train.crossval import check_pages, sentence_hits, tally_pages

    checked = list(check_pages(pages, None))
    tally = tally_pages(checked)
    assert tally.category_claims == Counter(c for p in pages for s in p.sentences for c in s.categories)
    # A sentence labelled with two categories is found, or missed, under both.
    found = Counter()
    for page, result in checked:
        for sentence, flagging in sentence_hits(page, result):
            found.update(sentence.categories if flagging else ())
    assert tally.category_found == found and 0 < sum(found.values()) < sum(tally.category_claims.values())
    recall = tally.figures()["category_recall"]
    assert list(recall) == sorted(tally.category_claims)
    assert all(r["recall"] == round(found[c] / r["claim_sentences"], 3) for c, r in recall.items())


def test_cross_validation_prints_recall_per_claim_category(cross_validated):
    result = cross_validated
    assert result.exit_code == 0, result.output
    table = result.stdout.split("per claim category")[1].splitlines()
    rows = [line.split(" | ") for line in table if line.startswith("| ") and not line.startswith("| category")]
    assert {row[0].lstrip("| ") for row in rows} == {c for p in read_corpus(CORPUS) for s in p.sentences
                                                     for c in s.categories}


def test_cross_validation_keeps_its_fold_models_and_reads_the_same_without_training_again(tmp_path, monkeypatch):
    first = invoke("train", CORPUS, "--cross-validate", "2", "--fold-models", tmp_path)
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fold0", "fold1"]

    def no_training(*args):
        raise AssertionError("a kept fold model was trained again")

    monkeypatch.setattr("claimcheck.train.crossval._train_fold", no_training)
    again = invoke("train", CORPUS, "--cross-validate", "2", "--fold-models", tmp_path)
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout and "trained on" not in again.stderr


def test_check_refuses_a_folder_that_is_not_a_model(tmp_path):
    result = invoke("check", "--model", tmp_path, tmp_path)
    assert result.exit_code == 2 and "not a model folder" in result.output
    (tmp_path / "meta.json").write_text("{}")  # looks like a model, holds none
    damaged = invoke("check", "--model", tmp_path, tmp_path)
    assert damaged.exit_code == 2 and "not a claimcheck model" in damaged.output


def _with_scores(text: str, sentence_scores: list[float], sells: float, category: str = "testimonial",
                 fail: float = 0.5, thresholds: dict = THRESHOLDS):
    select_model(None)
    checked = check_text(text)
    analysis = checked.analysis
    rows = []
    for score in sentence_scores:
        row = {c: 0.05 for c in CATEGORIES}
        row[category] = score
        row["CLAIM"] = score
        rows.append(row)
    labels = CATEGORIES + ("CLAIM",)
    matrix = numpy.array([[row[label] for label in labels] for row in rows])
    analysis.learned = Learned("test-model", labels, thresholds, {"SELLS": sells, "FAIL": fail}, matrix)
    return checked, analysis


def test_a_sentence_scored_as_a_claim_that_no_rule_matched_gets_a_finding(pack):
    text = "Lisa danced at her daughter's wedding a month later.\nOur office is open on Saturdays."
    checked, analysis = _with_scores(text, [0.9, 0.02], sells=0.9)
    assert not [f for f in checked.result.findings if f.scope == "claim"]  # the rules alone miss it
    findings = [f for f in evaluate(analysis, text, pack) if f.scope == "claim"]
    assert [(f.code, f.severity, f.line) for f in findings] == [("CC402", "major", 1)]
    learned = findings[0].explanation["learned"]
    assert learned["score"] == 0.9 and learned["category"] == "testimonial"
    assert "learned score 0.90" in findings[0].message


def test_a_hedged_score_gives_a_minor_finding_and_a_low_one_none(pack):
    text = "Lisa danced at her daughter's wedding a month later.\nTom rode his bike again."
    _, analysis = _with_scores(text, [0.6, 0.3], sells=0.9)
    findings = [(f.code, f.severity, f.line) for f in evaluate(analysis, text, pack) if f.scope == "claim"]
    assert findings == [("CC402", "minor", 1)]


def test_a_page_that_informs_keeps_only_claims_in_its_own_voice(pack):
    text = "Our stem cell injections cure knee arthritis."
    checked, analysis = _with_scores(text, [0.05], sells=0.1, category="unapproved-use")
    assert any(f.code == "CC101" for f in checked.result.findings)
    assert not [f for f in evaluate(analysis, text, pack) if f.scope == "claim"]
    _, selling = _with_scores(text, [0.05], sells=0.9, category="unapproved-use")
    assert any(f.code == "CC101" for f in evaluate(selling, text, pack))


def test_a_page_that_reads_clearly_as_failing_speaks_in_its_own_voice_though_it_sells_nothing(pack):
    """A patient's story or a press release sells nothing itself; when the page classifier reads
    it as failing from ``promoting_page``, it is held to what a selling page is held to."""
    text = "Our stem cell injections cure knee arthritis."

    def claim_codes(fail: float, thresholds: dict) -> list[str]:
        _, analysis = _with_scores(text, [0.05], sells=0.1, category="unapproved-use", fail=fail,
                                   thresholds=thresholds)
        return [f.code for f in evaluate(analysis, text, pack) if f.scope == "claim"]

    assert "CC101" in claim_codes(0.95, PROMOTING_THRESHOLDS)
    assert claim_codes(0.85, PROMOTING_THRESHOLDS) == []
    assert claim_codes(0.95, THRESHOLDS) == []  # a model without the threshold: the page informs
    # ... and a sentence the classifier reads as a claim, short of strong, gets a finding there too.
    quiet = "Margaret walked her dog every day after that.\nThe clinic is in Ohio, near the lake."
    _, story = _with_scores(quiet, [0.6, 0.02], sells=0.1, fail=0.95, thresholds=PROMOTING_THRESHOLDS)
    assert [(f.code, f.line) for f in evaluate(story, quiet, pack) if f.scope == "claim"] == [("CC402", 1)]
    _, informing = _with_scores(quiet, [0.6, 0.02], sells=0.1, fail=0.85, thresholds=PROMOTING_THRESHOLDS)
    assert not [f for f in evaluate(informing, quiet, pack) if f.scope == "claim"]


def test_explain_names_the_voice_a_page_is_held_to():
    from claimcheck.commands.explain import _voice

    def voice(sells: float, fail: float) -> str:
        return _voice(Learned("m", ("CLAIM",), PROMOTING_THRESHOLDS, {"SELLS": sells, "FAIL": fail},
                              numpy.zeros((0, 1))))

    assert (voice(0.7, 0.2), voice(0.1, 0.95), voice(0.1, 0.85)) == ("sells", "promotes", "informs")


PAGE_THRESHOLDS = {**THRESHOLDS, "clear_page": 0.1, "failing_page": 0.5}


def _weighed(text: str, fail: float, pack, thresholds: dict = PAGE_THRESHOLDS) -> list:
    """The findings of ``text`` as one selling sentence read as a claim, on a page whose FAIL is ``fail``."""
    _, analysis = _with_scores(text, [0.9], sells=0.9, category="unapproved-use", fail=fail, thresholds=thresholds)
    return evaluate(analysis, text, pack)


def _severities(text: str, fail: float, pack, thresholds: dict = PAGE_THRESHOLDS) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in _weighed(text, fail, pack, thresholds)]


def test_a_page_read_as_compliant_holds_its_major_findings_for_review(pack):
    hedged = "Our stem cell injections may help knee arthritis."  # rules: CC101 minor, CC303 major, CC304 minor
    assert _severities(hedged, fail=0.3, pack=pack) == [("CC101", "minor"), ("CC303", "major"), ("CC304", "minor")]
    assert _severities(hedged, fail=0.05, pack=pack) == [("CC101", "minor"), ("CC303", "minor"), ("CC304", "minor")]
    held = next(f for f in _weighed(hedged, fail=0.05, pack=pack) if f.code == "CC303")
    assert held.explanation["severity_reason"].startswith("lowered from major to minor: the page reads as "
                                                          "compliant as a whole (learned FAIL 0.05, under 0.1)")
    assert held.explanation["learned"]["page"]["FAIL"] == 0.05
    # Critical findings never move.
    approved = "Our stem cell treatment is FDA approved for knee arthritis."
    assert ("CC201", "critical") in _severities(approved, fail=0.01, pack=pack)


def test_a_page_read_as_failing_fails_on_its_minor_findings(pack):
    hedged = "Our stem cell injections may help knee arthritis."
    raised = _severities(hedged, fail=0.9, pack=pack)
    assert raised == [("CC101", "major"), ("CC303", "major"), ("CC304", "major")]
    finding = next(f for f in _weighed(hedged, fail=0.9, pack=pack) if f.code == "CC101")
    # The rules' own reason stays, after the page's.
    assert finding.explanation["severity_reason"].startswith("raised from minor to major: the page reads as failing")
    assert "before that, lowered from" in finding.explanation["severity_reason"]


SELLING_PAGE = ("Regenerative Wellness Center\n\nHome | Treatments | Book now\n\n"
                "Our stem cell injections may help knee arthritis, back pain and COPD. Many of our patients "
                "feel younger within weeks, and the cells can repair damaged tissue naturally. We treat "
                "patients from all over the country with our own umbilical cord cells. Call today to book "
                "your free consultation and ask about our monthly specials for new patients.\n")


def test_explain_says_how_the_page_as_a_whole_moved_the_severities(shipped_model, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SELLING_PAGE)
    model = ("--model", str(shipped_model))
    report = json.loads(invoke("explain", *model, "--format", "json", page).stdout)[0]
    assert report["learned_page"]["scores"]["FAIL"] >= 0.5
    assert report["learned_page"]["weighing"].startswith("minor findings count as major: the page reads as failing")
    assert "learned: minor findings count as major" in invoke("explain", *model, page).stdout
    ad = tmp_path / "ad.md"  # under 50 words: no page to weigh
    ad.write_text("Our stem cell injections may help knee arthritis.\n")
    assert json.loads(invoke("explain", *model, "--format", "json", ad).stdout)[0]["learned_page"]["weighing"] is None


def test_a_severity_the_user_set_is_not_moved_by_the_page(shipped_model, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(SELLING_PAGE)

    def severities(*options):
        out = invoke("check", "--model", str(shipped_model), "--format", "json", *options, page).stdout
        return {f["code"]: f["severity"] for f in json.loads(out)["documents"][0]["findings"]}

    raised = severities()
    assert raised["CC101"] == raised["CC304"] == "major"  # minor by the rules, raised by the page
    kept = severities("--severity", "CC304=minor")
    assert kept["CC304"] == "minor" and kept["CC101"] == "major"


def test_a_model_without_page_thresholds_leaves_the_rules_severities(pack):
    hedged = "Our stem cell injections may help knee arthritis."
    expected = [("CC101", "minor"), ("CC303", "major"), ("CC304", "minor")]
    assert _severities(hedged, fail=0.01, thresholds=THRESHOLDS, pack=pack) == expected
    assert _severities(hedged, fail=0.99, thresholds=THRESHOLDS, pack=pack) == expected


def test_learned_findings_respect_the_knowledge_base_approved_uses(pack):
    text = "A bone marrow transplant can cure leukemia."
    _, analysis = _with_scores(text, [0.95], sells=0.9, category="unapproved-use")
    assert not [f for f in evaluate(analysis, text, pack) if f.scope == "claim"]


@pytest.fixture()
def shipped_model():
    select_model(SHIPPED_MODEL)
    yield SHIPPED_MODEL
    select_model(None)


@pytest.fixture()
def gated_model():
    """The model the regression gates read: the shipped one, or a candidate for replacing it
    named in $CLAIMCHECK_CANDIDATE (the shipping rule, ``corpus/tools/firstrun.py``)."""
    model = os.environ.get("CLAIMCHECK_CANDIDATE") or SHIPPED_MODEL
    select_model(model)
    yield model
    select_model(None)


@pytest.mark.parametrize("name", ["sentences", "heldout/sentences", "blind3/sentences", "blind4/sentences",
                                  "blind5/sentences"])
def test_the_shipped_model_does_not_regress_the_regression_sentences(pack, gated_model, name):
    """The regression sets (tuned on: memory, not reading) with the model as users run it."""
    from claimcheck.testing.measure import check_corpus, read_corpus, score_sentences
    from tests.conftest import ROOT

    corpus = read_corpus(ROOT / "regression" / f"{name}.jsonl")
    scores = score_sentences(corpus, check_corpus(corpus, pack))
    assert scores.recall >= 0.90, scores.misses
    assert scores.false_positive_rate <= 0.05, scores.false_alarms


@pytest.mark.parametrize("name", ["pages", "heldout/pages", "blind3/pages", "blind4/pages", "blind5/pages"])
def test_the_shipped_model_does_not_regress_the_regression_pages(pack, gated_model, name):
    from claimcheck.testing.measure import check_corpus, read_corpus, score_pages
    from tests.conftest import ROOT

    corpus = read_corpus(ROOT / "regression" / f"{name}.jsonl")
    scores = score_pages(corpus, check_corpus(corpus, pack))
    # At most one failing page of a set may pass, not none: the page classifier reads a few
    # short selling pages written in lifestyle words as informing, and which ones moves with
    # each retraining (blind4's "cell activation" membership r03 since the 687-page model;
    # the heldout set's exosome IV-drip med spa hp03 with the 981-page model, SELLS 0.39,
    # where five fold models of 891 pages gave 0.66-0.85). The sets hold 6-12 failing pages.
    assert len(scores["misses"]) <= 1, scores["misses"]
    assert scores["pass_pages_failed"] <= 0.05, scores["noisy"]


def test_the_scorer_reads_what_the_classifiers_were_trained_on_with_the_same_scores():
    """The scorer builds the bag-of-words input from token arrays; it must equal what the model
    computes from Docs of ``classifier_inputs``'s words (what training reads), to the bit.
    The text has digits ("90%", "covid-19", an Arabic-Indic "٣", which the scorer reads as
    ``d`` from a lexeme flag), a superscript two ("m²": a digit to ``str.isdigit``, not to the
    classifiers), a word spaCy keeps as a symbol id ("ACL" is lowered to "acl", symbol 451)
    and a sentence with a claim (feature words)."""
    from spacy.tokens import Doc

    from claimcheck.extract.learned import (VOICE_WORDS, ClassifierKeys, cap_repeats, classifier_inputs,
                                            length_word, load_model, selected_model)
    from claimcheck.extract.pipeline import build_pipeline, make_doc
    from claimcheck.pack.rulepack import load_pack

    before = selected_model()
    select_model(SHIPPED_MODEL)
    try:
        nlp = build_pipeline(load_pack())
    finally:
        select_model(before)  # the pipeline keeps its scorer; later tests get the suite's choice back
    text = ("Torn ACL? Our stem cell injections heal 90% of knee injuries.\n\n"
            "Call 555-0100 today, today, today, today. Results vary (covid-19, ٣ visits, 10m² rooms); ask about "
            "the risks.")
    doc = nlp(make_doc(nlp, text))
    inputs = classifier_inputs(doc)
    sentence_words, page_words = inputs.sentence_words, inputs.page_words
    (keys, counts, lengths), (page_keys, _, _) = ClassifierKeys()(doc)
    assert len(lengths) == len(sentence_words) == 5
    assert 451 in keys.tolist()  # "acl", by its symbol id as a Doc of the word would have it
    assert {"covid-dd", "d", "dd", "m²"} <= set(page_words)
    meta, sentences, pages = load_model(str(SHIPPED_MODEL))
    # The page classifier counts a word at most meta["page_word_cap"] times, as it was trained.
    expected_page = pages.model.predict([Doc(nlp.vocab, words=cap_repeats(page_words, meta["page_word_cap"]))])[0]
    assert page_words.count("today") == 4 and cap_repeats(page_words, 3).count("today") == 3
    assert doc._.cc_learned.page == {label: round(float(v), 4) for label, v in zip(pages.labels, expected_page)}
    # The shipped sentence classifier also reads the page's voice, as the page classifier scored it,
    # and each sentence's length.
    assert meta["page_voice"] and meta["sentence_length_step"] == 5
    voice = VOICE_WORDS[float(expected_page[pages.labels.index("SELLS")]) >= meta["thresholds"]["sells"]]
    expected = sentences.model.predict([Doc(nlp.vocab, words=words + [voice, length_word(n)])
                                        for words, n in zip(sentence_words, inputs.sentence_lengths)])
    assert numpy.array_equal(doc._.cc_learned.scores, expected)
    without_voice = sentences.model.predict([Doc(nlp.vocab, words=words + [length_word(n)])
                                             for words, n in zip(sentence_words, inputs.sentence_lengths)])
    assert not numpy.array_equal(doc._.cc_learned.scores, without_voice)
    assert sorted(page_keys.tolist()) == sorted(set(Doc(nlp.vocab, words=page_words).to_array("ORTH").tolist()))
    assert counts.sum() == sum(len(words) for words in sentence_words)



def test_a_batch_of_docs_is_scored_as_each_doc_alone(tmp_path):
    """The scorer reads a batch's bags in one call per classifier; each doc must get the scores
    it gets alone, a doc without words included (its page scores are zeros, not the bias)."""
    from claimcheck.extract.pipeline import make_doc

    nlp, _ = _pipeline_with(SHIPPED_MODEL, tmp_path)
    texts = ["Our stem cells regrow cartilage in every knee.", "", "   \n\n  ",
             "Stem cell transplants treat leukemia. Ask your doctor about the risks.",
             "FDA approved! No side effects. Book now."]
    scorer = nlp.get_pipe("claimcheck_learned")
    before = nlp.select_pipes(disable=["claimcheck_learned"])
    try:
        analysed = [nlp(make_doc(nlp, text)) for text in texts]
    finally:
        before.restore()
    alone = [scorer(doc)._.cc_learned for doc in analysed]
    together = [doc._.cc_learned for doc in scorer.pipe(analysed, batch_size=4)]
    assert [learned.page for learned in together] == [learned.page for learned in alone]
    assert all(numpy.array_equal(a.scores, b.scores) for a, b in zip(alone, together))
    assert set(alone[1].page.values()) == {0.0} and alone[1].scores.shape[0] == 0
    assert alone[0].scores.shape[0] == 1 and alone[3].scores.shape[0] == 2
    assert alone[0].page != alone[3].page


def _pipeline_with(model: Path, tmp_path, without: tuple[str, ...] = (), thresholds: dict | None = None):
    """A pipeline scoring with ``model``, or with a copy of it whose meta.json lacks the keys
    ``without`` (as a model trained before those settings has it) or reads at other
    ``thresholds``, and the folder it scores with."""
    import shutil

    from claimcheck.extract.learned import selected_model
    from claimcheck.extract.pipeline import build_pipeline
    from claimcheck.pack.rulepack import load_pack

    if without or thresholds:
        copy = tmp_path / f"without-{'-'.join(without)}-{'-'.join(thresholds or ())}"
        shutil.copytree(model, copy)
        meta = json.loads((copy / "meta.json").read_text())
        for key in without:
            del meta[key]
        meta["thresholds"].update(thresholds or {})
        (copy / "meta.json").write_text(json.dumps(meta))
        model = copy
    before = selected_model()
    select_model(model)
    try:
        return build_pipeline(load_pack()), model
    finally:
        select_model(before)


def test_a_model_trained_before_the_page_voice_is_scored_without_it(tmp_path):
    """A model folder whose meta.json does not say ``page_voice`` (written before the
    sentence classifier read its page's voice, and so before its sentences' lengths and the
    use words) keeps the scores it was trained to give."""
    from spacy.tokens import Doc

    from claimcheck.extract.learned import classifier_inputs, load_model
    from claimcheck.extract.pipeline import make_doc

    nlp, old = _pipeline_with(SHIPPED_MODEL, tmp_path, without=("page_voice", "sentence_length_step", "use_words"))
    doc = nlp(make_doc(nlp, "Our stem cell injections heal torn knee cartilage in weeks.\n\nBook a visit."))
    sentence_words = classifier_inputs(doc, use_words=False).sentence_words
    _, sentences, _ = load_model(str(old))
    expected = sentences.model.predict([Doc(nlp.vocab, words=words) for words in sentence_words])
    assert numpy.array_equal(doc._.cc_learned.scores, expected)


@pytest.mark.parametrize("reads_length", [True, False])
def test_the_sentence_classifier_reads_each_sentences_length_when_its_model_was_trained_to(
        trained, tmp_path, reads_length):
    """A model trained with ``sentence_length_step`` is scored with each sentence's length word
    (one of a short and a long sentence); one without it in its meta.json, without."""
    from spacy.tokens import Doc

    from claimcheck.extract.learned import VOICE_WORDS, classifier_inputs, length_word, load_model
    from claimcheck.extract.pipeline import make_doc

    meta = json.loads((trained / "meta.json").read_text())
    assert meta["sentence_length_step"] == 5
    nlp, model = _pipeline_with(trained, tmp_path, without=() if reads_length else ("sentence_length_step",))
    text = ("No downtime.\n\nOur stem cell injections, made in our own laboratory from your fat, heal the worn "
            "cartilage of both knees and let you walk again without pain in a matter of weeks.")
    doc = nlp(make_doc(nlp, text))
    inputs = classifier_inputs(doc)
    assert inputs.sentence_lengths == [3, 0, 34]  # the blank line between the blocks is a sentence of none
    assert [length_word(n) for n in inputs.sentence_lengths] == ["_LEN_0_", "_LEN_0_", "_LEN_6_"]
    _, sentences, pages = load_model(str(model))
    sells = doc._.cc_learned.page["SELLS"] >= meta["thresholds"]["sells"]
    extra = lambda n: [VOICE_WORDS[sells]] + ([length_word(n)] if reads_length else [])  # noqa: E731
    expected = sentences.model.predict([Doc(nlp.vocab, words=words + extra(n))
                                        for words, n in zip(inputs.sentence_words, inputs.sentence_lengths)])
    assert numpy.array_equal(doc._.cc_learned.scores, expected)


@pytest.mark.parametrize("reads_uses", [True, False])
def test_the_classifiers_read_what_the_knowledge_base_makes_of_each_use_when_trained_to(
        trained, tmp_path, reads_uses):
    """A model trained with ``use_words`` reads, beside each claim, whether the knowledge base
    calls its use approved; one without it in its meta.json (trained before them) is scored on
    the words it was trained on."""
    from spacy.tokens import Doc

    from claimcheck.extract.learned import (USE_WORDS, VOICE_WORDS, cap_repeats, classifier_inputs, length_word,
                                            load_model)
    from claimcheck.extract.pipeline import make_doc

    meta = json.loads((trained / "meta.json").read_text())
    assert meta["use_words"] is True
    nlp, model = _pipeline_with(trained, tmp_path, without=() if reads_uses else ("use_words",))
    text = ("Our stem cell injections cure multiple sclerosis.\n\nA bone marrow transplant can cure leukemia."
            "\n\nStem cells heal the knee.")
    doc = nlp(make_doc(nlp, text))
    inputs = classifier_inputs(doc, use_words=reads_uses)
    uses = [[w for w in words if w in USE_WORDS.values()]
            for sentence, words in zip(inputs.sentences, inputs.sentence_words) if sentence.text.strip()]
    assert uses == ([["_USE_UNAPPROVED_"], ["_USE_APPROVED_"], []] if reads_uses else [[], [], []])
    _, sentences, pages = load_model(str(model))
    page_words = cap_repeats(inputs.page_words, meta["page_word_cap"])
    page = pages.model.predict([Doc(nlp.vocab, words=page_words)])[0]
    assert doc._.cc_learned.page == {label: round(float(v), 4) for label, v in zip(pages.labels, page)}
    sells = doc._.cc_learned.page["SELLS"] >= meta["thresholds"]["sells"]
    expected = sentences.model.predict([Doc(nlp.vocab, words=words + [VOICE_WORDS[sells], length_word(n)])
                                        for words, n in zip(inputs.sentence_words, inputs.sentence_lengths)])
    assert numpy.array_equal(doc._.cc_learned.scores, expected)


@pytest.fixture(scope="module")
def trained_with_verdict(tmp_path_factory):
    """A model trained with the verdict word. Out-of-fold page classifiers trained on this
    corpus's few pages cannot place any page (every FAIL falls in the band where no word is
    given), so here each page is given the word of its own label, and the scorer tests below
    see a word the sentence classifier learned; ``out_of_fold_verdicts`` is tested on its own."""
    from claimcheck.extract.learned import VERDICT_WORDS
    from claimcheck.train import fit

    out = tmp_path_factory.mktemp("model") / "verdict"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fit, "out_of_fold_verdicts",
                      lambda pages, *_: {page.id: VERDICT_WORDS[page.verdict == "fail"] for page in pages})
        result = invoke("train", CORPUS, "-o", out, "--page-verdict", "--seeds", "1")
    assert result.exit_code == 0, result.output
    return out


def test_the_shipped_recipe_leaves_the_verdict_word_out_and_train_can_add_it(trained, trained_with_verdict):
    recipe, told = (json.loads((model / "meta.json").read_text()) for model in (trained, trained_with_verdict))
    assert (recipe["page_verdict"], recipe["page_verdict_from"]) == (False, None)
    assert (told["page_verdict"], told["page_verdict_from"]) == (True, "out-of-fold")


@pytest.mark.parametrize("case, thresholds, word", [
    ("told it fails", {"page_fails": 0.0}, True),
    ("told it passes", {"page_fails": 1.01, "page_unsure": 1.01}, False),
    ("cannot be placed", {"page_unsure": 0.0, "page_fails": 1.01}, None),
    ("trained before the word", None, None),
])
def test_the_sentence_classifier_reads_whether_its_page_fails_when_its_model_was_trained_to(
        trained_with_verdict, tmp_path, case, thresholds, word):
    """A model trained with ``page_verdict`` is scored with one word more on every sentence:
    whether the page classifier reads the page as failing (from "page_fails") or passing (below
    "page_unsure"); none on a page between the two, nor with a model whose meta.json lacks
    ``page_verdict`` (trained before it). The thresholds here put every page on one side. The
    words move the scores: the model learned them."""
    from spacy.tokens import Doc

    from claimcheck.extract.learned import VERDICT_WORDS, VOICE_WORDS, classifier_inputs, length_word, load_model
    from claimcheck.extract.pipeline import make_doc

    meta = json.loads((trained_with_verdict / "meta.json").read_text())
    assert meta["page_verdict"] is True and 0 < meta["thresholds"]["page_fails"] < 1
    nlp, model = _pipeline_with(trained_with_verdict, tmp_path, thresholds=thresholds,
                                without=() if thresholds else ("page_verdict",))
    doc = nlp(make_doc(nlp, "Our stem cell injections heal torn knee cartilage in weeks.\n\nBook a visit."))
    inputs = classifier_inputs(doc)
    _, sentences, _ = load_model(str(model))
    sells = doc._.cc_learned.page["SELLS"] >= meta["thresholds"]["sells"]

    def scores(verdict: list[str]):
        return sentences.model.predict([Doc(nlp.vocab, words=words + [VOICE_WORDS[sells]] + verdict + [length_word(n)])
                                        for words, n in zip(inputs.sentence_words, inputs.sentence_lengths)])

    assert numpy.array_equal(doc._.cc_learned.scores, scores([] if word is None else [VERDICT_WORDS[word]]))
    failing, passing, untold = scores([VERDICT_WORDS[True]]), scores([VERDICT_WORDS[False]]), scores([])
    assert not numpy.array_equal(failing, passing)
    assert not numpy.array_equal(failing, untold) and not numpy.array_equal(passing, untold)


def test_training_gives_each_sentence_the_verdict_word_its_page_was_given(pages):
    """The word each page's id maps to goes on every sentence of that page, none where the page
    could not be placed; without verdicts no sentence gets one."""
    import spacy

    from claimcheck.extract.learned import VERDICT_WORDS
    from claimcheck.train.fit import _sentence_docs

    given = {page.id: [VERDICT_WORDS[True], VERDICT_WORDS[False], None][n % 3] for n, page in enumerate(pages)}
    told = iter(_sentence_docs(spacy.blank("en"), pages, verdicts=given))
    untold = iter(_sentence_docs(spacy.blank("en"), pages))
    for page in pages:
        for _ in page.sentences:
            words = {token.text for token in next(told)}
            assert words & set(VERDICT_WORDS.values()) == ({given[page.id]} if given[page.id] else set())
            assert not set(VERDICT_WORDS.values()) & {token.text for token in next(untold)}
    assert len(set(given.values())) == 3


def test_each_training_page_gets_its_verdict_from_a_page_classifier_that_never_saw_it(pages, tmp_path, monkeypatch):
    """The verdict word of training comes from page classifiers trained on the other
    site-grouped folds, read at the recipe's thresholds, as ``check`` would read them."""
    from spacy.tokens import DocBin

    import spacy

    from claimcheck.extract.learned import VERDICT_WORDS
    from claimcheck.train import fit

    runs = []
    real_fit_all = fit._fit_all
    monkeypatch.setattr(fit, "_fit_all", lambda given, jobs, quiet: runs.extend(given) or real_fit_all(given, jobs, quiet))
    verdicts = fit.out_of_fold_verdicts(pages, tmp_path, 1, True)
    assert set(verdicts) == {page.id for page in pages}
    assert set(verdicts.values()) <= {*VERDICT_WORDS.values(), None}
    folds = [fold for fold in fit.folds_by_site(pages, fit.VERDICT_FOLDS) if fold]
    assert len(runs) == len(folds) > 1
    nlp = spacy.blank("en")
    for (config, data, _, seed), held in zip(runs, folds):
        trained_on = [[t.text for t in doc] for doc in DocBin().from_disk(data).get_docs(nlp.vocab)]
        assert len(trained_on) == len(pages) - len(held) and seed == fit.FIRST_SEED
        for page in held:  # no held page among the pages its classifier learned from
            assert fit.cap_repeats(page.words, fit.PAGE_WORD_CAP) not in trained_on


def test_a_model_trained_before_the_word_cap_counts_every_repeat(tmp_path):
    """A model folder whose meta.json has no ``page_word_cap`` (nor, being older, the use
    words) keeps the page scores it was trained to give: every occurrence of a word counts."""
    from spacy.tokens import Doc

    from claimcheck.extract.learned import classifier_inputs, load_model
    from claimcheck.extract.pipeline import make_doc

    nlp, old = _pipeline_with(SHIPPED_MODEL, tmp_path, without=("page_word_cap", "use_words"))
    doc = nlp(make_doc(nlp, "Our stem cell injections heal knees, knees, knees, knees and knees.\n\nBook a visit."))
    page_words = classifier_inputs(doc, use_words=False).page_words
    _, _, pages = load_model(str(old))
    expected = pages.model.predict([Doc(nlp.vocab, words=page_words)])[0]
    assert page_words.count("knees") == 5
    assert doc._.cc_learned.page == {label: round(float(v), 4) for label, v in zip(pages.labels, expected)}


@pytest.mark.parametrize("filler", ["[a] ", "ok ", "- "])
def test_filler_a_reader_skips_does_not_turn_a_selling_page_into_an_informing_one(pack, shipped_model, filler):
    # Fifty "[a]" after a clinic's page once read it as informing (SELLS 0.86 to 0.00), which let
    # the rules' findings on sentences the classifier does not read as claims go.
    page = ("# Knee Clinic\n\nOur stem cell injections heal arthritic knees and regrow cartilage. "
            "Book your consultation today and say goodbye to knee pain.\n\nCall now for a free visit.\n\n")
    plain = check_text(page, "text/markdown", pack=pack).analysis.learned
    padded = check_text(page + filler * 1000 + "\n", "text/markdown", pack=pack).analysis.learned
    assert plain.sells() and padded.sells(), (plain.page, padded.page)
    assert abs(padded.page["SELLS"] - plain.page["SELLS"]) < 0.25, (plain.page, padded.page)


def test_the_sentences_scoring_at_least_a_floor_are_those_whose_rounded_score_reaches_it():
    # learned_hits looks at these sentences only; scores a hair under the floor that round up to
    # it count, as claim_score rounds them.
    scores = numpy.array([[0.1, 0.34996], [0.9, 0.34994], [0.2, 0.35], [0.0, 0.99], [0.5, 0.3499]],
                         dtype=numpy.float32)
    for categories in (("unapproved-use", "CLAIM"), ("unapproved-use", "cure-guarantee")):
        learned = Learned("test-model", categories, THRESHOLDS, {}, scores)
        expected = [i for i in range(len(scores)) if learned.claim_score(i) >= 0.35]
        assert learned.sentences_scoring_at_least(0.35) == expected
    assert Learned("test-model", ("unapproved-use", "CLAIM"), THRESHOLDS, {}, scores).sentences_scoring_at_least(
        0.35) == [0, 2, 3]
    assert Learned("test-model", ("CLAIM",), THRESHOLDS, {}, numpy.zeros((0, 1))).sentences_scoring_at_least(0.35) == []


@pytest.mark.parametrize("fail, thresholds, word", [
    (0.55, {"page_fails": 0.5}, "_PAGE_FAILS_"),
    (0.45, {"page_fails": 0.5}, "_PAGE_PASSES_"),
    (0.5, {"page_fails": 0.5, "page_unsure": 0.3}, "_PAGE_FAILS_"),
    (0.45, {"page_fails": 0.5, "page_unsure": 0.3}, None),
    (0.3, {"page_fails": 0.5, "page_unsure": 0.3}, None),
    (0.29, {"page_fails": 0.5, "page_unsure": 0.3}, "_PAGE_PASSES_"),
])
def test_a_page_the_classifier_cannot_place_gets_no_verdict_word(fail, thresholds, word):
    """Between "page_unsure" and "page_fails" the page is told neither way; without a
    "page_unsure" every page is told one way or the other."""
    from claimcheck.extract.learned import verdict_word

    assert verdict_word(fail, thresholds) == word
