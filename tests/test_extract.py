"""extract: claims, topic, modality and context, on spacy.blank("en") plus our components."""
from __future__ import annotations

from claimcheck.model import Source
from claimcheck.normalize import normalize
from claimcheck.extract.pipeline import analyze
from claimcheck.pack.rulepack import load_pack

PACK = load_pack()


def claims(text: str, media_type: str = "text/plain"):
    (analysis,) = analyze([normalize(Source("t", media_type, text))], PACK)
    return analysis


def only(analysis, predicate):
    return [c for c in analysis.claims if c.predicate == predicate]


def test_claim_has_predicate_product_conditions_and_pattern():
    (claim,) = only(claims("Our umbilical cord stem cells heal arthritic knees."), "treat")
    assert claim.product == "umbilical-cord-msc"
    assert claim.conditions == ["osteoarthritis"]
    assert claim.predicate_pattern == "treat-verbs" and claim.modality == "asserted"


def test_a_claim_knows_whether_the_knowledge_base_approves_its_use():
    # What the classifiers read as its use word (extract/learned.USE_WORDS).
    assert [c.use_approved for c in claims("A bone marrow transplant can cure leukemia.").claims] == [True]
    assert [c.use_approved for c in claims("Our stem cells cure multiple sclerosis.").claims] == [False]
    assert [c.use_approved for c in claims("Our stem cells cure leukemia and MS.").claims] == [False]
    assert [c.use_approved for c in claims("Our stem cells heal the knee.").claims] == [None]  # a body site


def test_topic_named_assumed_and_other():
    assert claims("Stem cell injections for knees.").topic["cell_context"] == "named"
    assert claims("Very effective for knee pain!").topic["cell_context"] == "assumed"
    assert claims("Physical therapy helps knee pain.").topic["cell_context"] == "other"


def test_condition_list_is_a_claim():
    analysis = claims("Parkinson's disease; multiple sclerosis; COPD; autism; heart failure")
    (claim,) = analysis.claims
    assert claim.predicate_pattern == "condition-list" and len(claim.conditions) == 5


def test_list_items_inherit_their_lead_in_and_its_negation():
    text = "## Stem cells can treat\n\n- osteoarthritis\n- COPD\n"
    inherited = [c for c in claims(text, "text/markdown").claims if c.inherited_from == "lead-in"]
    assert {tuple(c.conditions) for c in inherited} == {("osteoarthritis",), ("copd",)}
    assert all(c.modality == "asserted" and c.predicate_text == "treat" for c in inherited)
    negated = "The FDA has not approved stem cells to treat:\n\n- osteoarthritis\n- COPD\n"
    inherited = [c for c in claims(negated, "text/markdown").claims if c.inherited_from == "lead-in"]
    assert len(inherited) == 2 and all(c.modality == "negated" for c in inherited)


def test_list_items_without_a_lead_in_claim_inherit_nothing():
    text = "## Our team\n\n- osteoarthritis clinic in Austin\n"
    assert not [c for c in claims(text, "text/markdown").claims if c.inherited_from == "lead-in"]


def test_modality_from_cues():
    analysis = claims("Stem cells may help knee pain. Stem cells do not cure ALS. "
                      "Clinics claim that stem cells cure autism. If approved, exosomes could treat COPD. "
                      "Can stem cells cure arthritis?")
    assert [c.modality for c in analysis.claims] == ["hedged", "negated", "reported", "hypothetical", "question"]
    assert analysis.claims[0].cues[0]["cue"] == "hedge-modals"


def test_pseudo_negation_and_terminators():
    (claim,) = only(claims("Not only do stem cells relieve back pain, they restore mobility."), "treat")[:1]
    assert claim.modality == "asserted"
    analysis = claims("Stem cells are not a miracle, but they heal knee pain.")
    assert only(analysis, "treat")[0].modality == "asserted"


def test_cue_inside_a_predicate_modifies_nothing_else():
    analysis = claims("No surgery needed: our stem cells regrow cartilage.")
    assert only(analysis, "regenerate")[0].modality == "asserted"


def test_question_answered_yes_becomes_asserted():
    analysis = claims("Can stem cells cure arthritis?\n\nYes. Our patients walk again.")
    answered = [c for c in analysis.claims if c.inherited_from == "answer"]
    assert answered and answered[0].modality == "asserted" and answered[0].predicate == "cure"


def test_an_answer_is_named_by_the_longest_affirmation_it_contains_in_every_process():
    # "yes" and "the answer is yes" both fit; which one names the cue must not depend on
    # the process's string hashing, so it is checked under several hash seeds.
    import json
    import os
    import subprocess
    import sys

    code = ("from tests.test_extract import claims\n"
            "a = claims('Can stem cells cure lupus? In our experience the answer is yes.')\n"
            "print([c.cues[0]['text'] for c in a.claims if c.inherited_from == 'answer'])")
    seen = set()
    for seed in ("1", "2", "3", "4"):
        output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        seen.add(output.strip())
    assert seen == {json.dumps(["the answer is yes"]).replace('"', "'")}


def test_quotes_are_reported_on_pages_that_sell_nothing_but_not_on_clinic_pages():
    news = claims('The ad promised that "stem cells cure multiple sclerosis" within weeks.')
    assert only(news, "cure")[0].modality == "reported"
    clinic = claims('"Stem cells cured my multiple sclerosis," says Ann. Book your consultation today.')
    assert only(clinic, "cure")[0].modality == "asserted"


def test_page_clutter_makes_no_findings():
    from tests.conftest import check_text
    clutter = ("Skip to Main Content\nMenu\nHome | About | Conditions | Contact\n"
               "We use cookies to improve your experience on our site. Accept all cookies\n"
               "Thank you! Your submission has been received!\nOops! Something went wrong while submitting the form.\n"
               "Copyright 2025. All rights reserved. Privacy Policy\n")
    assert check_text(clutter).result.findings == []


def test_products_named_by_a_cell_word_and_a_treatment_noun():
    # Knowledge-base products may carry token patterns for wordings no phrase list enumerates.
    def products(text):
        return {t.text for t in claims(text).terms if t.label == "PRODUCT"}
    assert products("Our regenerative joint program helps knees.") == {"regenerative joint program"}
    assert products("Over 500 cellular procedures performed.") == {"cellular procedures"}
    assert products("Her intravitreal cell treatment was quick.") == {"cell treatment"}
    assert products("Two intrathecal cord-cell treatments.") == {"cord-cell"}  # the named source wins
    assert products("Ask about our cell phone plans and sickle cell disease.") == set()


def test_a_claim_referring_back_takes_the_conditions_of_the_sentence_before():
    long_setup = ("Sickle cell disease and beta thalassemia are inherited disorders of hemoglobin, the "
                  "protein in red blood cells that carries oxygen around the body.")
    analysis = claims(long_setup + " A bone marrow transplant can cure both conditions.")
    (cure,) = only(analysis, "cure")
    assert set(cure.conditions) >= {"sickle-cell-disease"}
    assert any(c["cue"] == "setup-sentence" for c in cure.cues)
    # Without the reference back, a long sentence before is no setup.
    (cure,) = only(claims(long_setup + " A bone marrow transplant can cure it."), "cure")
    assert cure.conditions == []


def test_a_cookie_banner_does_not_make_a_page_promotional():
    assert claims("We use cookies to improve this site.\n\nStem cells are studied for MS.").topic["promotional"] is False
    assert claims("We use stem cells from your own fat.").topic["promotional"] is True


def test_a_lead_in_telling_what_was_said_makes_its_list_reported():
    analysis = claims("At these seminars, presenters have told audiences that:\n"
                      "Injections regrow knee cartilage\nCord cells cure MS\n")
    assert {c.modality for c in analysis.claims} == {"reported"}


def test_a_bare_no_answers_the_question_and_negates_nothing_after_it():
    analysis = claims("Will my body reject the donor cells? Not at all - cord cells are immune-privileged.")
    (rejection,) = [c for c in analysis.claims if c.predicate == "no-rejection" and c.modality != "question"]
    assert rejection.modality == "asserted"
    # A "not" inside the answer's own claim still negates it.
    analysis = claims("Will my body reject the donor cells? Cord cells are not immune-privileged.")
    assert {c.modality for c in analysis.claims if c.predicate == "no-rejection"} == {"negated"}


def test_an_answer_takes_the_product_and_condition_of_its_question():
    analysis = claims("Can stem cells help my son with autism? Most families notice better sleep within weeks.")
    (answer,) = [c for c in analysis.claims if c.modality == "asserted"]
    assert answer.product == "stem-cells-generic" and answer.conditions == ["autism"]
    assert answer.cues[-1]["cue"] == "answered-question"
    # A long statement, not a question, lends nothing to the sentence after it.
    analysis = claims("Researchers at several universities are studying whether stem cells change anything in "
                      "autism, and results so far are mixed. Most families notice better sleep within weeks.")
    assert [c.conditions for c in analysis.claims if c.predicate_pattern == "noticed-improvement"] == [[]]


def test_emoji_end_a_sentence_so_a_negation_stops_there():
    (claim,) = only(claims("Knee pain is not a life sentence 🔥 Our stem cells regrow cartilage."), "regenerate")
    assert claim.modality == "asserted"
    # The same words with no break: the "not" reaches the claim.
    (claim,) = only(claims("Knee pain is not a life sentence and our stem cells regrow cartilage."), "regenerate")
    assert claim.modality == "negated"


def test_a_claim_takes_the_conditions_of_its_own_clause():
    analysis = claims("Cord blood stem cells are used to treat leukemia; clinics say they treat autism and diabetes.")
    first, second = sorted(only(analysis, "treat"), key=lambda c: c.predicate_start)
    assert first.conditions == ["leukemia"]
    assert set(second.conditions) == {"autism", "diabetes"}
    # A clause naming no condition borrows its sentence's.
    (claim,) = only(claims("Our stem cells are very effective; arthritis and lupus respond well."), "efficacy")
    assert set(claim.conditions) >= {"lupus"}


def test_conditions_after_an_exclusion_belong_to_no_claim():
    excluded = claims("The approved cell product is indicated for graft-versus-host disease, "
                      "not for joint pain, lung disease or aging.")
    assert not {"joint-pain", "aging"} & {c for claim in excluded.claims for c in claim.conditions}
    # The same conditions, not excluded, are a list of what is treated.
    listed = claims("The approved cell product is indicated for graft-versus-host disease, joint pain, "
                    "lung disease or aging.")
    assert [c.predicate_pattern for c in listed.claims] == ["condition-list"]
    # Up to the next clause break only.
    analysis = claims("It is for graft-versus-host disease, not for joint pain; clinics say it cures lupus and MS.")
    assert {"lupus", "multiple-sclerosis"} <= {c for claim in analysis.claims for c in claim.conditions}
    assert "joint-pain" not in {c for claim in analysis.claims for c in claim.conditions}


def test_hashtags_tag_their_post_with_conditions():
    (claim,) = only(claims("Our regenerative shots fix the problem for good 🦵 #stemcells #kneepain #longcovid"),
                    "treat")
    assert claim.conditions == ["knee-pain", "long-covid"]
    assert claim.cues[-1]["cue"] == "hashtags"
    # Words run together are found only as the tag they are; prose keeps its own words.
    (claim,) = only(claims("Our regenerative shots fix the problem for good."), "treat")
    assert claim.conditions == []


def test_a_product_match_inside_a_disease_name_is_no_product():
    terms = claims("The Sickle Cell Program treats children. Bone marrow failure is rare.").terms
    assert not [t for t in terms if t.label == "PRODUCT"]
    assert {t.cls for t in terms if t.label == "CONDITION"} >= {"sickle-cell-disease", "blood-disorders"}


def test_a_product_named_with_a_condition_implies_a_use_on_a_page_that_sells():
    selling = claims("Book your visit today.\n\nOur exosome drip and lupus: the fatigue lifts in days.")
    assert [c.predicate_pattern for c in selling.claims if c.conditions] == ["product-with-condition"]
    # The same sentence in a page that sells nothing (a news story, a regulator) implies nothing.
    reporting = claims("Exosome drips and lupus: the fatigue lifts in days.")
    assert not [c for c in reporting.claims if c.predicate_pattern == "product-with-condition"]


def test_conditions_after_living_with_are_a_population_not_a_list_of_uses():
    population = claims("Many people living with MS, Parkinson's disease, ALS or stroke see ads for stem cells.")
    assert not [c for c in population.claims if c.predicate_pattern == "condition-list"]
    listed = claims("Stem cell therapy.\n\nMS, Parkinson's disease, ALS, stroke and autism.")
    assert [c.predicate_pattern for c in listed.claims] == ["condition-list"]


def test_a_patients_own_collected_cells_are_autologous():
    (claim,) = [c for c in claims("Your own collected stem cells carry no risk of graft-versus-host disease.").claims]
    assert claim.product == "autologous-cells-generic" and claim.predicate == "no-rejection"


def test_a_use_the_knowledge_base_does_not_list_is_named_by_the_words_after_the_predicate():
    (claim,) = only(claims("Our stem cell injections treat tinnitus and hearing loss at every visit."), "treat")
    assert claim.conditions == []
    assert claim.unlisted_condition == "tinnitus and hearing loss"
    assert claim.text.endswith("hearing loss")


def test_who_is_treated_or_a_listed_condition_is_no_unlisted_use():
    for text in ("Our stem cell injections treat patients with care.", "Our stem cell injections treat the whole family."):
        (claim,) = only(claims(text), "treat")
        assert claim.unlisted_condition is None
    (known,) = only(claims("Our stem cell injections treat knee pain."), "treat")
    assert known.conditions and known.unlisted_condition is None


def test_page_signal_words_match_as_a_longest_first_list_of_whole_words_would():
    import re

    from claimcheck.extract.context import _words_pattern

    words = ("dog", "dogs", "dog's", "dogs'", "et al", "key words", "keywords", "doi", "cat", "CPT")
    plain = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?!\w)",
                       re.I)
    text = ("Dogs' owners and a dog's vet: DOGS, hotdogs, dogsled, dog-walkers. Et Al. wrote et alia; "
            "key words, keywordsX, Keywords. doi:10.1 DOIs. cat catalog CAT scan; cpt 27447.")
    found = [(m.start(), m.group()) for m in _words_pattern(words).finditer(text)]
    assert found == [(m.start(), m.group()) for m in plain.finditer(text)]
    assert [word for _, word in found] == ["Dogs'", "dog's", "DOGS", "dog", "Et Al", "key words", "Keywords",
                                           "doi", "cat", "CAT", "cpt"]


def test_a_context_pass_that_overrides_a_modality_keeps_the_cue_it_overrode():
    (claim,) = only(claims("Why suffer with knee pain when our stem cell injections heal it?"), "treat")
    assert claim.modality == "asserted"
    assert [(c["cue"], c.get("overridden", False)) for c in claim.cues] == [("rhetorical-question", False),
                                                                          ("question-mark", True)]


def test_an_overridden_cue_no_longer_decides_a_modality_worked_out_again():
    from claimcheck.extract import context

    (claim,) = only(claims("Why suffer with knee pain when our stem cell injections heal it?"), "treat")
    context._keep_cues(claim, claim.cues, ["negated", "reported", "hypothetical", "research", "question", "hedged"])
    assert claim.modality == "asserted"  # not "question", as the overridden question mark would make it


def test_the_array_sentencizer_finds_the_starts_spacy_s_sentencizer_finds():
    # claimcheck_sentencizer is spaCy's rule read from token arrays; the block boundaries set
    # before it must survive, as with spaCy's component (overwrite off).
    import json

    import spacy
    from spacy.attrs import SENT_START

    from claimcheck.extract import factories  # noqa: F401  (registers the components)
    from tests.conftest import ROOT

    def pipeline(sentencizer: str, **config):
        nlp = spacy.blank("en")
        nlp.add_pipe("claimcheck_blocks")
        nlp.add_pipe(sentencizer, config=config)
        return nlp

    ours, spacys = pipeline("claimcheck_sentencizer"), pipeline("sentencizer", overwrite=False)
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "corpus" / "pages").glob("*/*.json"))]
    texts += ["", ".", "!!! ...", "Hi. there", "a. b! ? c d", "\n\nOne.\n two?! Three", "ok。次", "😀 Great 🔥 Book now",
              "Dr. Lee (M.D.). Call 555.1234!)", "- item one\n- item two. Still two\n\nEnd"]
    differing = [text[:60] for text in texts
                 if ours(text).to_array([SENT_START]).tolist() != spacys(text).to_array([SENT_START]).tolist()]
    assert differing == []


def test_a_lexicon_entry_with_near_needs_its_word_close_by_in_the_same_sentence():
    def patterns(text):
        return {t.entry for t in claims(text).terms if t.label == "PREDICATE"}

    assert "for-good" in patterns("Our knee injections end the pain for good.")
    assert "for-good" not in patterns("The injections left her blind for good.")
    # "ended" is four tokens before "for good", but in the sentence before.
    assert "for-good" not in patterns("The pain ended. Blind for good.")
    # The near word is context, not part of the span: "end" stays the treat claim's own.
    (term,) = [t for t in claims("Our knee injections end the pain for good.").terms if t.entry == "for-good"]
    assert term.text == "for good"
