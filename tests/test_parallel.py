"""check --jobs: a run spread over forked worker processes gives the same report, problems
and exit status, byte for byte, as one process; Ctrl-C stops it cleanly; and the automatic
choice keeps small runs (a pre-commit hook's) in one process."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimcheck.model import Source
from claimcheck.project import parallel
from tests.clitools import RISKS_LINE, VIOLATING_LINE, write

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="worker processes are forked on Linux only")


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    return subprocess.run([sys.executable, "-m", "claimcheck", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """The shipped fixtures and, among them, documents that are problems: an empty file, a
    binary one, a suppression comment, so that problems and documents interleave."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copytree(ROOT / "fixtures", folder / "fixtures")
    write(folder / "a-empty.md", "")
    (folder / "b-binary.md").write_bytes(b"\x00\x01\x02 not text \xff\xfe" * 20)
    write(folder / "c-suppressed.md", f"""
        <!-- claimcheck: ignore CC101 -->
        {VIOLATING_LINE}

        {RISKS_LINE}
        """)
    for index in range(12):
        write(folder / f"d-{index:02}.txt", f"{VIOLATING_LINE}\n\nVisit {index} of our clinics.\n")
    return folder


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_two_workers_report_what_one_process_reports(mixed, fmt):
    one = run("check", "--isolated", "--format", fmt, "--jobs", "1", mixed)
    two = run("check", "--isolated", "--format", fmt, "--jobs", "2", mixed)
    assert one.returncode == 2, one.stderr  # the binary file is an input error
    assert "CC902" in one.stderr and "CC907" in one.stderr and "CC1" in one.stdout
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


def test_a_baseline_counts_the_same_with_workers(mixed, tmp_path):
    readable = tmp_path / "readable"
    shutil.copytree(mixed, readable, ignore=shutil.ignore_patterns("b-binary.md"))
    mixed, baseline = readable, tmp_path / "baseline.json"
    made = run("baseline", "--isolated", "--jobs", "2", "-o", baseline, mixed)
    assert made.returncode == 0, made.stderr
    write(mixed / "e-new.md", "Our exosome drip reverses autism.\n")
    (mixed / "d-00.txt").unlink()  # an entry that no longer matches
    one = run("check", "--isolated", "--format", "json", "--jobs", "1", "--baseline", baseline, mixed)
    two = run("check", "--isolated", "--format", "json", "--jobs", "3", "--baseline", baseline, mixed)
    assert "e-new.md" in one.stdout and one.returncode == 1, one.stderr
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path):
    for index in range(400):
        write(tmp_path / f"ad-{index:03}.md", f"# Clinic {index}\n\n{VIOLATING_LINE}\n\n{RISKS_LINE}\n" * 20)
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    process = subprocess.Popen([sys.executable, "-m", "claimcheck", "check", "--isolated", "--jobs", "2", tmp_path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 120
    while len(children.read_text().split()) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children.read_text().split()
    assert len(workers) >= 2, "the workers never started"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    deadline = time.monotonic() + 10
    while _processes_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Every process of the run's group, not only the workers seen at the start: the pool
    # replaces workers that die, and a replacement forked while the run stopped was left behind.
    assert not _processes_in_group(process.pid), "a worker outlived the run"


# Run as `python -c`: the CLI, with a checking function that misbehaves on the batch holding
# one marked document, as a crash in native code, the out-of-memory killer, or native code
# that never returns to Python would.
MISBEHAVING_CHECKER = """
import os, signal, sys, time
from claimcheck.project import runner
checked_batch = runner._check_batch
def misbehaving(batch, *args, **kwargs):
    if any({marker!r} in source.raw for source, _ in batch):
        {action}
    return checked_batch(batch, *args, **kwargs)
runner._check_batch = misbehaving
sys.argv[0] = "claimcheck"
from claimcheck.cli import main
main()
"""
KILLED_ON_MARKER = MISBEHAVING_CHECKER.format(marker="KILL-THIS-WORKER", action="os.kill(os.getpid(), signal.SIGKILL)")
# The alarm blocked: the worker's own time budget cannot stop it.
STUCK_ON_MARKER = MISBEHAVING_CHECKER.format(
    marker="HANG-THIS-WORKER", action="signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}); time.sleep(600)")


def test_a_worker_that_dies_costs_only_its_own_document(tmp_path):
    folder = tmp_path / "ads"
    for index in range(40):
        write(folder / f"ad-{index:02}.md", f"# Clinic {index}\n\n{VIOLATING_LINE}\n")
    write(folder / "ad-13.md", f"{VIOLATING_LINE}\n\nKILL-THIS-WORKER\n")
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    died = subprocess.run([sys.executable, "-c", KILLED_ON_MARKER, "check", "--isolated", "--format", "json",
                           "--jobs", "2", folder], capture_output=True, text=True, env=env, timeout=600)
    (folder / "ad-13.md").unlink()
    rest = run("check", "--isolated", "--format", "json", "--jobs", "1", folder)
    assert died.returncode == 2, died.stderr  # an input problem, not "findings found"
    lines = died.stderr.splitlines()
    assert len(lines) == 1 and "ad-13.md" in lines[0] and "killed by SIGKILL" in lines[0] and "CC916" in lines[0]
    # The seven other documents of its chunk were checked again: every one is reported as alone.
    reported, expected = json.loads(died.stdout), json.loads(rest.stdout)
    assert [d["path"] for d in reported["documents"]] == [d["path"] for d in expected["documents"]]
    assert reported["documents"] == expected["documents"] and len(expected["documents"]) == 39


def test_a_worker_stuck_past_its_time_budget_is_killed_and_its_document_is_over_budget(tmp_path):
    folder = tmp_path / "ads"
    for index in range(3):
        write(folder / f"ad-{index}.md", f"# Clinic {index}\n\n{VIOLATING_LINE}\n")
    write(folder / "ad-1.md", f"{VIOLATING_LINE}\n\nHANG-THIS-WORKER\n")
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    started = time.monotonic()
    stuck = subprocess.run([sys.executable, "-c", STUCK_ON_MARKER, "check", "--isolated", "--format", "json",
                            "--jobs", "2", "--timeout", "1", folder], capture_output=True, text=True, env=env,
                           timeout=300)
    assert time.monotonic() - started < 120  # not the 600 s the document would hang
    assert stuck.returncode == 2, stuck.stderr
    lines = stuck.stderr.splitlines()
    assert len(lines) == 1 and "ad-1.md" in lines[0] and "CC915" in lines[0], lines
    assert [Path(d["path"]).name for d in json.loads(stuck.stdout)["documents"]] == ["ad-0.md", "ad-2.md"]


def _processes_in_group(group: int) -> list[int]:
    """The live processes (not zombies) whose process group is ``group``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if fields[0] != "Z" and int(fields[2]) == group:
            found.append(int(stat.parent.name))
    return found


def test_a_small_run_stays_in_one_process_unless_told(monkeypatch):
    small = [Source(origin=f"{i}.md", media_type="text/markdown", raw="Stem cells.\n") for i in range(5)]
    large = [Source(origin=f"{i}.md", media_type="text/markdown", raw="x" * parallel.AUTO_MIN_CHARS)
             for i in range(5)]
    monkeypatch.setattr(parallel, "available_cores", lambda: 4)
    assert parallel.workers_for(small, 0) == 1
    assert parallel.workers_for(large, 0) == 4
    assert parallel.workers_for(small, 3) == 3  # asked for: honoured
    assert parallel.workers_for(small[:2], 8) == 2  # never more workers than documents
    assert parallel.workers_for(large[:1], 0) == 1
    assert parallel.workers_for(large, 1) == 1


# Normalizing ahead (project/ahead.py): whatever share of the sources it hands over, the run
# reports what one process reports. The patches below are applied in the parent before any
# fork, so the forked processes run them too.
PATCHED_RUN = """
import sys
from claimcheck.project import ahead
{patch}
from claimcheck.cli import main
sys.argv = ["claimcheck", *sys.argv[1:]]
main()
"""
# Chunk n keeps only its first n % 3 readings: the workers normalize the rest of it.
PART_HANDED_OVER = """
whole = ahead.ReadAhead.chunk
ahead.ReadAhead.chunk = lambda self, number: whole(self, number)[:number % 3]
"""
AHEAD_PROCESS_DIES = """
import os
ahead._normalize_until_stopped = lambda *args: os._exit(3)
"""
NO_MEMORY_FOR_IT = """
def refused(*args):
    raise OSError(12, "Cannot allocate memory")
ahead.mmap.mmap = refused
"""


@pytest.mark.parametrize("patch", [PART_HANDED_OVER, AHEAD_PROCESS_DIES, NO_MEMORY_FOR_IT],
                         ids=["part", "dies", "cannot-start"])
def test_a_run_reports_the_same_whatever_was_normalized_ahead(mixed, patch):
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    one = run("check", "--isolated", "--format", "json", "--jobs", "1", mixed)
    two = subprocess.run([sys.executable, "-c", PATCHED_RUN.format(patch=patch), "check", "--isolated",
                          "--format", "json", "--jobs", "2", str(mixed)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert one.returncode == 2 and "CC907" in one.stderr, one.stderr
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


HANDED_OVER = """
import json, sys, time
from claimcheck.model import Source
from claimcheck.project.ahead import NormalizingAhead, read_one
from claimcheck.project.runner import CheckOptions

sources = [Source(origin="a.md", media_type="text/markdown", raw="# Clinic\\n\\nStem cells *cure* knees.\\n"),
           Source(origin="b.md", media_type="text/markdown", raw=""),
           Source(origin="c.html", media_type="text/html", raw="<p>Risks: &eacute;<b>infection</b></p>"),
           Source(origin="d.txt", media_type="text/plain", raw="Plain   text.\\n")]
options = CheckOptions()
ahead = NormalizingAhead(sources, [(0, 3), (3, 4)], options)
ahead._receiver.poll(60)  # the process has normalized everything and sent where it put it
handed = ahead.handover()

def shown(reading):
    text = reading.text
    return [[p.code for p in reading.problems],
            None if text is None else [text.text, list(text.raw_offsets), len(text.blocks), text.replaced_ends]]

print(json.dumps({"chunks": len(handed),
                  "ahead": [shown(r) for number in range(len(handed)) for r in handed.chunk(number)],
                  "here": [shown(read_one(source, options)) for source in sources]}))
"""


def test_the_readings_handed_over_are_those_one_process_makes():
    done = subprocess.run([sys.executable, "-c", HANDED_OVER], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import json
    result = json.loads(done.stdout)
    assert result["chunks"] == 2
    assert result["ahead"] == result["here"]
    assert result["here"][1][0] == ["CC907"]  # the empty file's warning travels with its reading
