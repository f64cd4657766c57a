"""The discourse settings (how claims borrow from their surroundings) are data in the cue
files: the built-in file states every one, and a rule pack's cue file can change one with
no change to claimcheck's code."""
from __future__ import annotations

import dataclasses

import yaml

from claimcheck.pack.rulepack import Discourse, load_pack
from tests.clitools import write
from tests.conftest import ROOT, check_text

QUOTED = 'The headline "Stem cells cure knee arthritis" ran in bold type.'


def test_the_built_in_cue_file_states_every_setting():
    data = yaml.safe_load((ROOT / "rules" / "cues" / "modality.yaml").read_text(encoding="utf-8"))
    assert set(data["discourse"]) == {f.name for f in dataclasses.fields(Discourse)}
    assert load_pack().discourse == Discourse(**{k: tuple(v) if isinstance(v, list) else v
                                                  for k, v in data["discourse"].items()})


def test_a_pack_can_change_a_setting(tmp_path):
    builtin = check_text(QUOTED).analysis.claims
    assert [(c.modality, [cue["cue"] for cue in c.cues]) for c in builtin] == [("reported", ["quotation-marks"])]
    write(tmp_path / "pack" / "cues" / "discourse.yaml", """
        cues: []
        discourse:
          min_reported_words: 6
        """)
    pack = load_pack((str(tmp_path / "pack"),))
    assert not pack.problems and pack.discourse.min_reported_words == 6
    assert pack.discourse.setup_max_words == load_pack().discourse.setup_max_words  # the others kept
    changed = check_text(QUOTED, pack=pack).analysis.claims
    assert [(c.modality, c.cues) for c in changed] == [("asserted", [])]  # five words are now a term in quotes


def test_an_unknown_setting_is_a_problem_at_its_line(tmp_path):
    write(tmp_path / "pack" / "cues" / "discourse.yaml", """
        cues: []
        discourse:
          min_reportd_words: 6
        """)
    (problem,) = load_pack((str(tmp_path / "pack"),)).problems
    assert problem.code == "CC910" and "min_reportd_words" in problem.message and problem.line == 3


VET_PAGE = """# Joint care for older pets

Stem cell therapy helps dogs with arthritis walk comfortably again.

We harvest fat from your dog under light sedation, and the cells go back into the sore joints.

Many owners see their canine companions climbing stairs within a month; cats respond well too.
"""

HUMAN_PAGE = """# Knee clinic

Our stem cell injections heal arthritic knees.

Before treatment we review your MRI, CAT scan or PET scan. Our clinic dog greets every visitor.
"""


def test_a_page_about_animal_patients_makes_no_claims_about_people():
    checked = check_text(VET_PAGE, "text/markdown")
    assert checked.analysis.claims and {c.modality for c in checked.analysis.claims} == {"animal"}
    assert {c.cues[0]["cue"] for c in checked.analysis.claims} == {"animal-patients"}
    assert checked.analysis.topic["page_signal"] == "animal-patients"
    assert checked.result.findings == []


def test_acronyms_and_a_passing_mention_do_not_make_a_page_veterinary():
    checked = check_text(HUMAN_PAGE, "text/markdown")
    assert "page_signal" not in checked.analysis.topic
    assert "asserted" in {c.modality for c in checked.analysis.claims}
    assert "CC101" in {f.code for f in checked.result.findings}


ARTICLE = """# Marrow-derived cells for knee osteoarthritis: a review

Abstract

Background: Knee osteoarthritis is common and disabling. Methods: We reviewed trials in PubMed.

Mesenchymal stem cells reduce knee pain in several small cohorts.

Keywords: osteoarthritis; stem cells
"""


def test_a_scholarly_article_reports_findings_under_study():
    checked = check_text(ARTICLE, "text/markdown")
    assert checked.analysis.topic["page_signal"] == "scholarly-article"
    assert checked.analysis.claims and {c.modality for c in checked.analysis.claims} <= {"research", "negated"}
    assert [f for f in checked.result.findings if f.scope == "claim"] == []


def test_on_a_page_that_sells_the_paper_words_are_borrowed_authority():
    selling = ARTICLE + "\nBook your consultation today: call us to schedule your injection.\n"
    checked = check_text(selling, "text/markdown")
    assert checked.analysis.topic.get("promotional") and "page_signal" not in checked.analysis.topic
    assert "CC101" in {f.code for f in checked.result.findings}


POLICY = """# Medical policy: orthopedic applications of stem cell therapy

Effective date: 01/01/2026. Policy number: MP-204.

Mesenchymal stem cell therapy for knee osteoarthritis is considered investigational and not
medically necessary. Stem cell injections repair damaged cartilage according to some providers.

CPT 0232T is not covered.
"""


def test_a_coverage_policy_sells_nothing():
    checked = check_text(POLICY, "text/markdown")
    assert checked.analysis.topic["page_signal"] == "coverage-policy"  # CPT counts: capitals only matter for animals
    assert [f for f in checked.result.findings if f.scope == "claim"] == []


def _meets(signal, text: str) -> bool:
    from claimcheck.extract.context import _words_pattern
    mentions = [m.group().lower() for m in _words_pattern(signal.words).finditer(text)]
    return len(mentions) >= signal.min_mentions and len(set(mentions)) >= signal.min_distinct


def test_the_signal_pre_check_never_passes_over_a_page_the_words_would_meet():
    # _may_meet skips the pattern where counting substrings already falls short: it must never
    # reject a page the pattern meets, whatever the case of the letters.
    import json

    from claimcheck.extract.context import _folded, _may_meet
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "corpus" / "pages").glob("*/*.json"))]
    texts += [VET_PAGE, VET_PAGE.upper(), VET_PAGE.swapcase(), ARTICLE, ARTICLE.upper(), POLICY.title(), HUMAN_PAGE]
    # A text the lowering cannot speak for (a Turkish dotless i, a long s) is never pre-checked:
    # _page_signals leaves it to the pattern, as the test below shows. Each text is lowered once.
    checked = [(text, folded) for text in texts if (folded := _folded(text)) is not None]
    met = 0
    for signal in load_pack().page_signals:
        for text, folded in checked:
            if _meets(signal, text):
                met += 1
                assert _may_meet(signal, folded), (signal.id, text[:80])
    assert met >= 20  # the check was put to the test on pages that meet a signal


def test_a_long_s_or_a_kelvin_sign_leaves_the_signal_to_the_pattern():
    # 'ſ' matches 's' and 'K' (Kelvin) matches 'k' when case is ignored, but lowering keeps them:
    # counting substrings of the lowered text would miss "doſ"-spelled words.
    from claimcheck.extract.context import _folded
    horses = VET_PAGE.replace("dogs", "horses").replace("your dog", "your horse").replace("canine", "equine")
    odd = horses.replace("horse", "horſe")
    assert _folded(odd) is None and _folded(horses) is not None
    assert check_text(horses, "text/markdown").analysis.topic["page_signal"] == "animal-patients"
    assert check_text(odd, "text/markdown").analysis.topic["page_signal"] == "animal-patients"
