"""Throughput of ``claimcheck check`` beside bare spaCy and proselint, and where its time goes.

    python benchmarks/bench_throughput.py [--runs 3] [--corpus DIR] [--no-breakdown]

The benchmark corpus is the text of every page in ``corpus/pages`` (real clinic,
hospital, news and regulator pages, paraphrased: 9,542 files and 2,586,276 words at the last count),
written out as one Markdown or HTML file per page. Prints, in one run:

* side by side, each a fresh process over the same files, runs interleaved (one of
  each in turn) and the fastest counting: ``claimcheck check --format json`` as users
  run it (the shipped model, one worker process per core), in one process
  (``--jobs 1``), and in one process without the model (``--model none``); bare spaCy
  (``spacy.blank("en")`` plus the sentencizer reading the same files, start-up
  included as in claimcheck's figure); and proselint on the same files when it is
  installed (``pip install proselint``). The target is claimcheck at most 2.0x
  bare spaCy. Beside the ratio of the fastest runs, the median of the rounds'
  ratios: this machine's speed drifts by about a tenth between rounds, and within a
  round the commands run back to back;
* start-up: ``claimcheck check`` on one five-line file against
  ``import spacy; spacy.blank("en")`` (``benchmarks/startup.py`` has the detail);
* a per-stage breakdown of one run (``--jobs 1``) inside this process (start-up excluded): each
  stage's own time, so that nested calls are not counted twice (reading, normalizing,
  tokenizing, each pipeline component, context and conversion, rules, grading,
  rendering the JSON, writing it, and the rest).

claimcheck's bytecode is written first, as ``pip install .`` writes it.

Not a test: figures depend on the machine. The README quotes a run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import (BASELINE, SAMPLE_AD, claimcheck_command, compile_bytecode, interleaved,  # noqa: E402
                     interleaved_rounds)

from claimcheck.train.corpus import write_page_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "pages"
BARE_SPACY = """
import sys, pathlib, spacy
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).iterdir())]
print(sum(len(doc) for doc in nlp.pipe(texts)))
"""


class StageClock:
    """Exclusive time per stage: a stage entered inside another is taken out of the outer one's
    time, so lazily chained generators (spaCy's ``pipe``) are not counted twice."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self._stack: list[list] = []  # [stage, started, time spent in stages inside it]

    @contextmanager
    def stage(self, name: str):
        frame = [name, time.perf_counter(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            elapsed = time.perf_counter() - frame[1]
            self.spent[name] = self.spent.get(name, 0.0) + elapsed - frame[2]
            if self._stack:
                self._stack[-1][2] += elapsed

    def function(self, name: str, function):
        def timed(*args, **kwargs):
            with self.stage(name):
                return function(*args, **kwargs)
        return timed

    def generator(self, name: str, iterator):
        iterator = iter(iterator)
        while True:
            with self.stage(name):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item


class TimedComponent:
    """A pipeline component with a clock on its ``__call__`` and ``pipe``."""

    def __init__(self, name: str, component, clock: StageClock):
        self.name, self.component, self.clock = name, component, clock

    def __call__(self, doc):
        with self.clock.stage(self.name):
            return self.component(doc)

    def pipe(self, docs, **kwargs):
        if hasattr(self.component, "pipe"):
            return self.clock.generator(self.name, self.component.pipe(docs, **kwargs))
        return (self(doc) for doc in docs)


def breakdown(folder: Path, warm: bool = True) -> tuple[dict[str, float], float]:
    """Run ``check --format json`` on ``folder`` in this process and time it by stage; with
    ``warm``, run it once untimed first (building the pipeline, filling spaCy's vocabulary and
    the caches), as a long-lived process (the language server, a scan worker) would be.
    Returns (stage -> seconds, total)."""
    import claimcheck.cli
    from claimcheck import report
    from claimcheck.commands import check
    from claimcheck.extract import pipeline
    from claimcheck.load import files
    from claimcheck.normalize import html, markdown, plain
    from claimcheck.project import runner

    def run() -> None:
        sys.stdout = open(os.devnull, "w")
        try:
            claimcheck.cli.cli.main(args=["check", "--isolated", "--format", "json", "--jobs", "1", str(folder)],
                                    prog_name="claimcheck", standalone_mode=False)
        except SystemExit:
            pass
        finally:
            sys.stdout.close()
            sys.stdout = sys.__stdout__

    if warm:
        run()
    clock = StageClock()
    iter_sources = files.iter_sources
    files.iter_sources = lambda *a, **k: clock.generator("read", iter_sources(*a, **k))
    markdown.normalize_markdown = clock.function("normalize", markdown.normalize_markdown)
    html.normalize_html = clock.function("normalize", html.normalize_html)
    plain.normalize_plain = clock.function("normalize", plain.normalize_plain)
    pipeline._tokenize = clock.function("tokenize", pipeline._tokenize)
    pipeline.to_analysis = clock.function("context and conversion", pipeline.to_analysis)
    runner.evaluate = clock.function("rules", runner.evaluate)
    runner.grade = clock.function("grade", runner.grade)
    report.render = clock.function("render JSON", report.render)
    check.write_output = clock.function("write output", check.write_output)  # imported there by name
    nlp = pipeline.build_pipeline(_builtin_pack())  # the run's pipeline (lru_cache)
    nlp._components = [(name, TimedComponent(f"component: {name}", component, clock))
                       for name, component in nlp._components]
    started = time.perf_counter()
    with clock.stage("rest"):
        run()
    return clock.spent, time.perf_counter() - started


def _builtin_pack():
    from claimcheck.pack.rulepack import load_pack
    return load_pack()


def side_by_side(folder: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    check = [*claimcheck_command(), "check", "--isolated", "--format", "json"]
    commands = {
        "claimcheck check --format json (one worker per core)": ([*check, str(folder)], None, None),
        "claimcheck check --format json --jobs 1": ([*check, "--jobs", "1", str(folder)], None, None),
        "claimcheck check --format json --jobs 1 --model none": (
            [*check, "--jobs", "1", "--model", "none", str(folder)], None, None),
        'bare spaCy: blank("en") + sentencizer': ([sys.executable, "-c", BARE_SPACY, str(folder)], None, None),
    }
    proselint = shutil.which("proselint") or (
        str(Path(sys.executable).with_name("proselint")) if Path(sys.executable).with_name("proselint").exists()
        else None)
    if proselint:
        listed = [str(p) for p in sorted(folder.iterdir())]
        commands["proselint"] = ([proselint, "check", *listed], None, None)
    return interleaved_rounds(commands, runs)


def startup(runs: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as scratch:
        ad = Path(scratch) / "ad.md"
        ad.write_text(SAMPLE_AD, encoding="utf-8")
        claimcheck = claimcheck_command()
        subprocess.run([*claimcheck, "check", "--isolated", str(ad)], capture_output=True, check=False)  # warm cache
        return interleaved({
            "claimcheck check on one small file": ([*claimcheck, "check", "--isolated", str(ad)], None, None),
            "import spacy; spacy.blank('en')": ([sys.executable, "-c", BASELINE], None, None),
        }, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of corpus page records (JSON)")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the per-stage breakdown")
    parser.add_argument("--breakdown-only", action="store_true", help="only the per-stage breakdown")
    parser.add_argument("--cold", action="store_true",
                        help="break down the first run in the process (as a fresh process runs) instead of "
                             "the second")
    args = parser.parse_args()
    compile_bytecode()  # as an installed copy has it (startup.compile_bytecode)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "pages"
        folder.mkdir()
        count, words = write_page_files(args.corpus, folder)
        print(f"benchmark corpus: {count} files, {words:,} words (from {args.corpus})\n")
        if not args.breakdown_only:
            compare(folder, args.runs)
        if not args.no_breakdown:
            spent, total = breakdown(folder, warm=not args.cold)
            print(f"\nwhere a run's time goes (one run in this process, start-up excluded: {total:.2f} s)\n")
            print("| stage | seconds | share |\n|---|---|---|")
            for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
                print(f"| {name} | {seconds:.2f} | {seconds / total:.1%} |")


def compare(folder: Path, runs: int) -> None:
    rounds = side_by_side(folder, runs)
    bare = rounds['bare spaCy: blank("en") + sentencizer']
    fastest_bare = min(wall for wall, _ in bare)
    print("| | wall time | CPU time | ratio to bare spaCy (wall) | median of the rounds' ratios |\n"
          "|---|---|---|---|---|")
    for name, times in rounds.items():
        wall, cpu = min(w for w, _ in times), min(c for _, c in times)
        # Within a round the commands run back to back, so the ratio of a round is not moved by
        # the machine's speed drifting between rounds as the ratio of two fastest runs can be.
        ratios = median(w / b for (w, _), (b, _) in zip(times, bare))
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {wall / fastest_bare:.2f} | {ratios:.2f} |")
    if not any(name == "proselint" for name in rounds):
        print("| proselint | not installed (pip install proselint) | | | |")
    first = startup(max(runs, 5))
    small, baseline = first["claimcheck check on one small file"][0], first["import spacy; spacy.blank('en')"][0]
    print(f"\nstart-up: check on one small file {small * 1000:.0f} ms, import spacy + blank "
          f"{baseline * 1000:.0f} ms: {small / baseline:.2f}x (target at most 1.3x)")


if __name__ == "__main__":
    main()
