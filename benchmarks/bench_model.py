"""What the learned model costs ``check``: time on real page text with and without it,
and its size on disk.

    python benchmarks/bench_model.py [--corpus corpus] [--model DIR] [--runs 3]

Each page of the corpus is written to a temporary folder as a .txt file, and
``claimcheck check --format json`` reads the folder, once with ``--model none``
and once with the model, interleaved, ``--runs`` times each; the fastest run of
each counts. Prints both times, the ratio (the issue's budget: at most 1.30), the
spread of the ratio over the interleaved pairs of runs, and the model's size (budget:
at most 30 MB).

Not a test: figures depend on the machine. The README quotes a run.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed: {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--model", default=str(ROOT / "claimcheck" / "models" / "default"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        words = 0
        for path in sorted(Path(args.corpus).rglob("*.json")):
            page = json.loads(path.read_text(encoding="utf-8"))
            (Path(tmp) / f"{page['id']}.txt").write_text(page["text"] + "\n", encoding="utf-8")
            words += len(page["text"].split())
        base = ["claimcheck", "check", "--format", "json", "--fail-on", "info"]
        without, with_model = [], []
        for _ in range(args.runs):
            without.append(timed(base + ["--model", "none", tmp]))
            with_model.append(timed(base + ["--model", args.model, tmp]))
    size = sum(p.stat().st_size for p in Path(args.model).rglob("*") if p.is_file())
    print(f"pages: {len(list(Path(args.corpus).rglob('*.json')))}, words: {words}")
    print(f"check, rules alone:  {min(without):.2f} s")
    print(f"check, with model:   {min(with_model):.2f} s")
    print(f"ratio:               {min(with_model) / min(without):.2f} (budget 1.30)")
    # The fastest runs' ratio is the figure; the ratios of the interleaved pairs say how far one
    # machine's load moves it (on a shared machine, by about a tenth from one stop to the next).
    pairs = sorted(m / w for m, w in zip(with_model, without))
    print(f"ratio, run by run:   median {statistics.median(pairs):.2f}, {pairs[0]:.2f} to {pairs[-1]:.2f}")
    print(f"model size:          {size / 1_048_576:.1f} MB (budget 30 MB)")


if __name__ == "__main__":
    main()
