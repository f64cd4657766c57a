"""Ctrl-C is never lost: one that Python swallowed on the way (inside a callback, where it
is only reported as "ignored") still stops the run with status 130 and no traceback."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from claimcheck.project import parallel
from tests.clitools import VIOLATING_LINE, write

# Run as `python -c`: Ctrl-C arrives and is swallowed before the command starts, as in a
# callback that Python runs during an import or a fork; then the CLI runs as usual.
SWALLOWED_FIRST = """
import os, signal, sys
from claimcheck.runtime import interrupts
interrupts.watch()
try:
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):
        pass  # the handler runs between two instructions
except KeyboardInterrupt:
    pass
sys.argv[0] = "claimcheck"
from claimcheck.cli import main
main()
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_swallowed_ctrl_c_still_stops_the_run(tmp_path, jobs):
    if jobs != "1" and not parallel.can_fork():
        pytest.skip("worker processes are forked on Linux only")
    for index in range(4):
        write(tmp_path / f"ad-{index}.md", f"{VIOLATING_LINE}\n")
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    done = subprocess.run([sys.executable, "-c", SWALLOWED_FIRST, "check", "--isolated", "--jobs", jobs, tmp_path],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "claimcheck: interrupted"  # click starts a fresh line after ^C
    assert "CC101" not in done.stdout  # stopped before the first document was checked


def test_without_ctrl_c_the_same_run_finds_the_claim(tmp_path):
    write(tmp_path / "ad.md", f"{VIOLATING_LINE}\n")
    done = subprocess.run([sys.executable, "-m", "claimcheck", "check", "--isolated", tmp_path],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "CC101" in done.stdout, done.stderr
