"""Start-up cost of the command, which a pre-commit hook pays on every commit.

    python benchmarks/startup.py [--runs 7] [--file AD.md]

Prints the median (and fastest) wall time of, each in a fresh process:

* ``python -c pass``: the interpreter alone, for reference;
* importing ``claimcheck.cli`` (measured inside the process, so without the
  interpreter's own start-up), and whether spaCy came with it (it must not);
* ``claimcheck --version``;
* importing spaCy, the floor under any run that checks text;
* ``claimcheck check`` on one small file (a sample ad unless ``--file``).

Not a test: figures depend on the machine. The README quotes a run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE_AD = """# Knee care

Our stem cell injections cure knee arthritis.

Risks include infection and pain at the injection site.
"""
IMPORT_PROBE = ("import sys, time; t = time.perf_counter(); import {module}; "
                "print(time.perf_counter() - t, 'spacy' in sys.modules)")


def claimcheck_command() -> list[str]:
    script = Path(sys.executable).with_name("claimcheck")
    if script.exists():
        return [str(script)]
    found = shutil.which("claimcheck")
    return [found] if found else [sys.executable, "-m", "claimcheck"]


def wall_times(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def import_times(module: str, runs: int) -> tuple[list[float], bool]:
    times, spacy_loaded = [], False
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", IMPORT_PROBE.format(module=module)], capture_output=True,
                                text=True, check=True).stdout.split()
        times.append(float(output[0]))
        spacy_loaded = spacy_loaded or output[1] == "True"
    return times, spacy_loaded


def row(label: str, times: list[float], note: str = "") -> str:
    return f"{label:46s} {statistics.median(times) * 1000:8.0f} ms {min(times) * 1000:8.0f} ms  {note}".rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    parser.add_argument("--file", help="the file to check (default: a five-line sample ad)")
    args = parser.parse_args()

    command = claimcheck_command()
    with tempfile.TemporaryDirectory() as folder:
        ad = args.file or os.path.join(folder, "ad.md")
        if not args.file:
            Path(ad).write_text(SAMPLE_AD, encoding="utf-8")
        print(f"{'':46s} {'median':>11s} {'fastest':>11s}   ({args.runs} runs, {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs)")
        print(row("python -c pass", wall_times([sys.executable, "-c", "pass"], args.runs)))
        cli_import, spacy_loaded = import_times("claimcheck.cli", args.runs)
        print(row("import claimcheck.cli (in process)", cli_import,
                  "spaCy imported!" if spacy_loaded else "without spaCy"))
        print(row("claimcheck --version", wall_times([*command, "--version"], args.runs)))
        print(row("import spacy (in process)", import_times("spacy", args.runs)[0]))
        lines = Path(ad).read_text(encoding="utf-8").count("\n")
        print(row(f"claimcheck check {Path(ad).name} ({lines} lines)",
                  wall_times([*command, "check", "--isolated", "--no-color", ad], args.runs)))


if __name__ == "__main__":
    main()
