"""The CLI end to end: exit codes, formats, stdin, and one clear line per bad input."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from tests.conftest import FIXTURES, ROOT

VIOLATING = "Our stem cell injections cure arthritis and heal torn rotator cuffs.\n"
CLEAN = "Bone marrow transplants treat leukemia. Risks include infection and graft-versus-host disease.\n"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_version_and_help_do_not_import_spacy():
    # Read in an exit handler: claimcheck exits without Python's teardown, after the handlers.
    code = ("import atexit, sys; from claimcheck.cli import main; sys.argv=['claimcheck','--version'];\n"
            "atexit.register(lambda: print('spacy' in sys.modules))\nmain()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().endswith("False"), out.stdout + out.stderr
    assert "0.1.0" in out.stdout


def test_exit_codes_follow_fail_on(tmp_path):
    ad = tmp_path / "ad.md"
    ad.write_text(VIOLATING)
    assert run("check", str(ad)).exit_code == 1
    ok = tmp_path / "ok.md"
    ok.write_text(CLEAN)
    assert run("check", str(ok)).exit_code == 0
    hedged = tmp_path / "hedged.md"
    hedged.write_text("Book a consultation: our stem cell injections may help knee pain. "
                      "Risks include infection. They are not FDA-approved.\n")
    assert run("check", str(hedged)).exit_code == 0          # minor only
    assert run("check", "--fail-on", "minor", str(hedged)).exit_code == 1


def test_text_report_shows_location_source_line_and_help(tmp_path):
    ad = tmp_path / "ad.md"
    ad.write_text("# Title\n\n" + VIOLATING)
    result = run("check", "--no-color", str(ad))
    first = result.output.splitlines()[0]
    assert first.startswith(f"{ad}:3:") and "CC10" in first
    assert "= help:" in result.output and "= source:" in result.output
    assert f"{ad}: grade F" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("Checked 1 document(s)")


def test_json_contract_field_names(tmp_path):
    ad = tmp_path / "ad.md"
    ad.write_text(VIOLATING)
    data = json.loads(run("check", "--format", "json", str(ad)).stdout)
    assert set(data) >= {"tool", "documents", "summary"}
    assert data["tool"]["name"] == "claimcheck"
    doc = data["documents"][0]
    assert set(doc) >= {"path", "score", "grade", "status", "findings"}
    finding = doc["findings"][0]
    assert set(finding) >= {"code", "name", "category", "severity", "scope", "message", "line", "column",
                            "end_line", "end_column", "start", "end", "text", "claim", "references", "suggestion"}
    assert set(finding["claim"]) >= {"predicate", "product", "condition", "modality"}
    assert {"title", "url"} <= set(finding["references"][0])
    assert set(data["summary"]) >= {"documents", "findings", "by_severity", "by_category"}


def test_stdin_with_filename_sets_the_type():
    result = run("check", "--format", "json", "--stdin-filename", "ad.html", "-",
                 input="<script>stem cells cure everything</script><p>Nothing here.</p>")
    doc = json.loads(result.stdout)["documents"][0]
    assert doc["path"] == "ad.html" and doc["findings"] == []


def test_folders_are_searched_for_known_suffixes_only(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text(VIOLATING)
    (tmp_path / "b.html").write_text("<p>" + VIOLATING + "</p>")
    (tmp_path / "notes.csv").write_text(VIOLATING)
    data = json.loads(run("check", "--format", "json", str(tmp_path)).stdout)
    assert sorted(os.path.basename(d["path"]) for d in data["documents"]) == ["a.md", "b.html"]


def _missing(folder):
    return folder / "missing.md"


def _empty_folder(folder):
    (folder / "empty_dir").mkdir()
    return folder / "empty_dir"


def _binary(folder):
    (folder / "bin.md").write_bytes(b"\x00\x01binary")
    return folder / "bin.md"


def _latin1(folder):
    (folder / "latin.md").write_bytes("caf\xe9 stem cells".encode("latin-1"))
    return folder / "latin.md"


@pytest.mark.parametrize("setup, expected", [
    (_missing, "no such file or folder"),
    (_empty_folder, "no files to check in this folder"),
    (_binary, "binary file"),
    (_latin1, "not valid UTF-8: byte 0xe9 on line 1"),
])
def test_bad_input_gets_one_line_and_others_are_still_checked(tmp_path, setup, expected):
    bad = setup(tmp_path)
    good = tmp_path / "good.md"
    good.write_text(VIOLATING)
    result = run("check", "--format", "json", str(bad), str(good))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(str(bad)) and expected in errors[0]
    assert "Traceback" not in result.output
    assert [d["path"] for d in json.loads(result.stdout)["documents"]] == [str(good)]


def test_empty_file_is_a_warning_not_an_error(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("")
    result = run("check", str(empty))
    assert result.exit_code == 0
    assert "empty file" in result.stderr




def test_large_file_is_refused_with_its_size(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = run("check", str(big))
    assert result.exit_code == 2
    assert "50.0 MB, over the 10 MB limit" in result.stderr


def test_broken_rule_yaml_is_reported_with_line_and_other_rules_run(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "checks" / "evidence", pack)
    (pack / "CC999-broken.yaml").write_text("code: CC999\nname: broken\nkind: claim_phrase\nseverity: huge\n")
    ad = tmp_path / "ad.md"
    ad.write_text(VIOLATING)
    result = run("check", "--rule-path", str(pack), str(ad))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "CC999-broken.yaml" in line]
    assert lines and all(":" in line for line in lines)
    assert any("CC999-broken.yaml:4:" in line and "severity" in line for line in lines)
    assert "CC101" in result.stdout


def test_rules_and_rule_commands():
    listing = run("rules").output
    assert "CC101" in listing and "missing-risk-disclosure" in listing
    doc = run("rule", "CC301").output
    assert "safety-overclaim" in doc and "References" in doc and "https://" in doc
    assert run("rule", "CC000").exit_code == 2


def test_explain_shows_claims_cues_and_rules(tmp_path):
    ad = tmp_path / "ad.md"
    ad.write_text("Stem cells may help knee pain.\n\nStem cells have not been shown to treat COPD.\n")
    out = run("explain", str(ad)).output
    assert "modality=hedged" in out and "'may'" in out
    assert "modality=negated" in out and "passed CC101: negated claims are not reported" in out
    assert "fired  CC101 minor" in out


def test_fixture_folder_runs_as_in_the_readme():
    result = run("check", str(FIXTURES))
    assert result.exit_code == 1
    assert "knee-clinic.md" in result.output and "transplant-center.html: grade A" in result.output


def test_a_generic_product_opening_a_sentence_reads_lower_case_in_the_message(tmp_path):
    from tests.clitools import check_json, write
    ad = write(tmp_path / "ad.md", "Regenerative injections cure knee arthritis.\n\nOmisirge is for blood cancers.\n")
    report, _ = check_json(str(ad))
    messages = [f["message"] for f in report["documents"][0]["findings"] if f["code"] == "CC101"]
    assert messages and all("promotes regenerative injections for" in m for m in messages)
    # A kind of product, not only the catch-all wording; an acronym keeps its capitals.
    ad = write(tmp_path / "kinds.md", "Amniotic stem cell injections cure knee arthritis.\n\n"
                                      "MSC injections cure knee arthritis.\n")
    report, _ = check_json(str(ad))
    messages = [f["message"] for f in report["documents"][0]["findings"]]
    assert any("promotes amniotic stem cell" in m for m in messages), messages
    assert any(" MSC" in m for m in messages) and not any(" mSC" in m for m in messages), messages


def test_a_message_quotes_the_claim_not_its_first_words(tmp_path):
    """Issue 13: 'cells to', 'Therapy for' and 'injections for' were quoted; a message quotes
    the claim from its predicate (or the product named in the predicate's words) to its
    condition, on one line, and cuts a long one short."""
    from tests.clitools import check_json, write
    ad = write(tmp_path / "frag.md", "We use your own stem cells to regenerate cartilage in arthritic knees.\n\n"
                                     "Stem Cell Therapy for knee arthritis and back pain.\n\n"
                                     "Our stem cell injections for rotator cuff tears heal the tendon.\n\n"
                                     "Patellar tendonitis (jumper's knee) and\nchronic knee pain after an old "
                                     "sports injury heal with our stem cell injections.\n")
    report, _ = check_json(str(ad))
    quotes = {f["line"]: f["message"].split("' ")[0] + "'" for f in report["documents"][0]["findings"]
              if f["code"] == "CC101"}
    assert quotes[1] == "'your own stem cells to regenerate cartilage in arthritic knees'"
    assert quotes[3] == "'Stem Cell Therapy for knee arthritis and back pain'"
    assert quotes[5] == "'stem cell injections for rotator cuff tears'"
    # A claim over two lines is quoted on one, its brackets closed.
    assert "\n" not in quotes[7] and "(jumper's knee)" in quotes[7] and "sports injury" in quotes[7]
    # A claim as long as a run-on sentence is cut at a word, with an ellipsis.
    run_on = "Our stem cell injections heal " + ", ".join(["arthritis", "back pain", "COPD", "autism"] * 8) + "."
    report, _ = check_json(str(write(tmp_path / "long.md", run_on + "\n")))
    message = next(f["message"] for f in report["documents"][0]["findings"] if f["code"] == "CC101")
    quoted = message[1:message.index("' ")]
    assert quoted.startswith("stem cell injections heal arthritis") and quoted.endswith("…")
    assert len(quoted) <= 91


def test_a_transplant_cure_naming_no_condition_is_read_against_the_page(tmp_path):
    from tests.clitools import check_json, write
    program = ("# Blood and Marrow Transplant Program\n\nWe treat leukemia, lymphoma and sickle cell disease "
               "with transplant.\n\nFor some patients, a transplant is the only treatment that can cure their disease.\n")
    report, _ = check_json(str(write(tmp_path / "program.md", program)))
    assert report["documents"][0]["status"] == "pass"
    # The same sentence on a page that also asserts an unapproved use is a cure claim.
    clinic = program + "\nOur stem cell injections also heal arthritis.\n"
    report, _ = check_json(str(write(tmp_path / "clinic.md", clinic)))
    lines = {f["line"] for f in report["documents"][0]["findings"] if f["code"] == "CC102"}
    assert 5 in lines


def test_a_transplant_cure_on_a_page_naming_no_condition_is_the_transplants_own_use(tmp_path):
    from tests.clitools import check_json, write
    unit = ("# Transplant unit\n\nOur unit has carried out blood and marrow transplants for thirty years, "
            "and many of the patients we treat go home cured.\n")
    report, _ = check_json(str(write(tmp_path / "unit.md", unit)))
    assert not [f for f in report["documents"][0]["findings"] if f["code"] == "CC102"]
    # Cells that are not blood-forming make it a cure claim, condition or not.
    fat = unit.replace("blood and marrow transplants", "transplants of fat-derived stem cells")
    report, _ = check_json(str(write(tmp_path / "fat.md", fat)))
    assert [f for f in report["documents"][0]["findings"] if f["code"] == "CC102"]
    # So do a patient's own stem cells, which may have been given for a condition the page never names.
    own = unit.replace("blood and marrow transplants", "transplants of your own stem cells")
    report, _ = check_json(str(write(tmp_path / "own.md", own)))
    assert [f for f in report["documents"][0]["findings"] if f["code"] == "CC102"]


def test_an_interrupted_run_exits_130_not_1(tmp_path):
    """Ctrl-C must not look like "findings found" (1) to a hook or a CI job."""
    import signal
    import subprocess
    import sys
    import time

    # Reading standard input that never ends keeps the run busy until the interrupt.
    from pathlib import Path

    # The child starts with Ctrl-C's default disposition: an earlier test in this process
    # (Dask's cluster) may leave SIGINT ignored, and a child inherits an ignored signal.
    process = subprocess.Popen([sys.executable, "-m", "claimcheck", "check", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Interrupt only once the main thread is blocked reading the input pipe (Linux shows it
    # in the thread's wait channel), however slow the machine: an interrupt during start-up
    # tests something else, and a fixed sleep raced with it on a loaded machine.
    channel, deadline = Path(f"/proc/{process.pid}/task/{process.pid}/wchan"), time.monotonic() + 60
    while "pipe" not in channel.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    process.stdin.close()
    assert process.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err


def test_color_is_forced_into_a_pipe_and_no_color_is_honoured(tmp_path, monkeypatch):
    import subprocess
    import sys

    from claimcheck.commands import common

    ad = tmp_path / "ad.txt"
    ad.write_text("Our stem cells cure arthritis.\n")
    forced = subprocess.run([sys.executable, "-m", "claimcheck", "check", "--model", "none", "--color", str(ad)],
                            capture_output=True, text=True)
    assert "\x1b[" in forced.stdout  # a pipe, yet coloured as asked
    monkeypatch.setattr(common.sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert common.use_color(None, None) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert common.use_color(None, None) is False
    assert common.use_color(True, None) is True  # the flag wins over the variable
    monkeypatch.setattr(common.sys.stdout, "isatty", lambda: False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert common.use_color(None, None) is False  # NO_COLOR still set: it wins
    monkeypatch.delenv("NO_COLOR")
    assert common.use_color(None, None) is True  # FORCE_COLOR: colour into a pipe
    assert common.use_color(None, "report.txt") is False  # but not into a file
    assert common.use_color(False, None) is False


def test_a_page_with_one_claim_says_one_claim_in_the_disclaimer_finding(tmp_path):
    ad = tmp_path / "ad.md"
    ad.write_text("Our stem cell injections heal torn rotator cuffs.\n\nBook your consultation today.\n")
    result = run("check", "--format", "text", str(ad))
    assert "(1 claim; the first is here)" in result.output


@pytest.mark.parametrize("text, expected", [
    # False alarms a new user met in the first minutes: both pass now.
    ("Stem cell injections for back pain are not proven to work. Talk to your doctor about physical therapy, "
     "medication and surgery.", set()),
    ("Our orthopedic surgeons perform over 2,000 knee replacements a year with a 98% patient satisfaction rate.",
     set()),
    # Misses: a condition the knowledge base does not list, a quoted patient, a return to an activity.
    ("Wharton's jelly injections for tinnitus and hearing loss.", {"CC101"}),
    ('# Knee clinic\n\nOur stem cell injections are available in Austin.\n\n'
     '"My knee pain was gone after two weeks," says Maria, 54.', {"CC101"}),
    ("After our stem cell knee injections, most patients are back on the golf course within weeks.", {"CC101"}),
])
def test_a_new_users_first_examples(tmp_path, text, expected):
    from tests.clitools import check_json, write

    report, _ = check_json("--select", "CC1", str(write(tmp_path / "ad.md", text)))
    assert {f["code"] for f in report["documents"][0]["findings"]} == expected


def test_the_quick_exit_keeps_the_exit_status_the_handlers_and_every_byte_of_output(tmp_path):
    # cli.main leaves with os._exit after the exit handlers, skipping Python's teardown: a report
    # larger than any pipe buffer still arrives whole, with the status "findings found".
    for index in range(40):
        (tmp_path / f"ad{index}.md").write_text(VIOLATING)
    code = ("import atexit, sys; from claimcheck.cli import main\n"
            "atexit.register(lambda: sys.stderr.write('handlers ran\\n'))\n"
            f"sys.argv = ['claimcheck', 'check', '--format', 'json', {str(tmp_path)!r}]\nmain()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert len(report["documents"]) == 40 and len(out.stdout) > 65536
    assert out.stderr.strip().endswith("handlers ran")
