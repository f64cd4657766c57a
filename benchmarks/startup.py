"""Start-up cost of the command, which a pre-commit hook pays on every commit.

    python benchmarks/startup.py [--runs 7] [--file AD.md]

Every figure is the wall time of a fresh process; the runs of the commands that are
compared are interleaved (one of each in turn), and the fastest run counts (the
others are the same work plus noise from the machine). Prints:

* ``python -c pass``, ``import claimcheck.cli`` (and whether spaCy came with it: it
  must not) and ``claimcheck --version``, for reference;
* the baseline, ``python -c "import spacy; spacy.blank('en')"``;
* ``claimcheck check --isolated`` on one small file (a sample ad unless ``--file``)
  with a warm compiled cache, a cold one (an empty cache folder each run) and
  ``--no-cache``, and with a warm cache in a project with a ``.claimcheck.yaml``,
  each with its ratio to the baseline (the target is at most 1.3 warm), in wall time
  and in CPU time (user + system: on a busy machine the steadier of the two);
* where a warm run's time goes, measured inside the process: imports (spaCy's
  own, then claimcheck's), ``spacy.blank('en')``, the rule pack, the matchers of
  claimcheck's components, the learned model, the rest of the pipeline's assembly
  (spaCy's component registry), and the run itself (reading, checking and
  reporting the file, with the modules only that imports).

The cache lives in a temporary folder ($CLAIMCHECK_CACHE_DIR), never the user's.
claimcheck's bytecode is written first (``compile_bytecode``), as ``pip install .`` writes
it, so that an editable checkout is measured as an installed copy runs.
Not a test: figures depend on the machine. The README quotes a run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE_AD = """# Knee care

Our stem cell injections cure knee arthritis.

Risks include infection and pain at the injection site.
"""
BASELINE = "import spacy; spacy.blank('en')"
IMPORT_PROBE = ("import sys, time; t = time.perf_counter(); import {module}; "
                "print(time.perf_counter() - t, 'spacy' in sys.modules)")
STAGES = ("import spacy", "import claimcheck", "spacy.blank('en')", "rule pack", "matchers", "learned model",
          "rest of the pipeline", "run")
BUILT_INSIDE_PIPELINE = ("spacy.blank('en')", "matchers", "learned model")


def compile_bytecode() -> None:
    """Write claimcheck's bytecode, as ``pip install .`` does when it installs the package.

    An editable install (``pip install -e .``), or any run with ``PYTHONDONTWRITEBYTECODE``
    set, never writes it, so each process compiles claimcheck's modules from source again:
    0.13 s of a small check here (1.18 s against 1.05 s), a cost a user's installed copy
    does not pay. Measuring the command as installed means measuring it with its bytecode."""
    import compileall

    import claimcheck
    compileall.compile_dir(str(Path(claimcheck.__file__).parent), quiet=1)


def claimcheck_command() -> list[str]:
    script = Path(sys.executable).with_name("claimcheck")
    if script.exists() and not os.environ.get("PYTHONPATH"):
        return [str(script)]
    return [sys.executable, "-m", "claimcheck"]


def wall_time(command: list[str], env: dict | None = None) -> float:
    return timed_run(command, env)[0]


def timed_run(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall time, CPU time) of one run. CPU time (user + system) is the steadier figure
    on a busy machine: waiting for a core counts in wall time only."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved_rounds(commands: dict[str, tuple[list[str], dict | None, object]], runs: int
                       ) -> dict[str, list[tuple[float, float]]]:
    """``runs`` rounds of one run of each command in turn: each command's (wall, CPU) times,
    round by round. Each value is (command, environment, a function called before each run or None)."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env, before) in commands.items():
            if before:
                before()
            times[name].append(timed_run(command, env))
    return times


def interleaved(commands: dict[str, tuple[list[str], dict | None, object]], runs: int
                ) -> dict[str, tuple[float, float]]:
    """The fastest of ``runs`` (wall, CPU) times of each command, one run of each in turn."""
    return {name: (min(w for w, _ in values), min(c for _, c in values))
            for name, values in interleaved_rounds(commands, runs).items()}


def import_time(module: str, runs: int) -> tuple[float, bool]:
    times, spacy_loaded = [], False
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", IMPORT_PROBE.format(module=module)], capture_output=True,
                                text=True, check=True).stdout.split()
        times.append(float(output[0]))
        spacy_loaded = spacy_loaded or output[1] == "True"
    return min(times), spacy_loaded


def probe(path: str) -> None:
    """Run ``check`` on ``path`` in this process with a timer on each stage; print the times as JSON."""
    clock = time.perf_counter
    spent = dict.fromkeys(STAGES, 0.0)
    from claimcheck.runtime import collector
    collector.pause()  # as check does before it imports spaCy (commands/check.py)
    start = clock()
    import spacy  # noqa: F401
    spent["import spacy"] = clock() - start
    mark = clock()
    import claimcheck.cli  # noqa: F401
    import claimcheck.commands.check  # noqa: F401
    import claimcheck.extract.factories  # noqa: F401
    import claimcheck.extract.pipeline  # noqa: F401
    import claimcheck.project.lint  # noqa: F401
    import claimcheck.report  # noqa: F401
    from claimcheck.extract import learned, modality, terms
    from claimcheck.pack import rulepack
    spent["import claimcheck"] = clock() - mark

    def timed(stage, function):
        def wrapper(*args, **kwargs):
            began = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += clock() - began
        return wrapper

    spacy.blank = timed("spacy.blank('en')", spacy.blank)
    rulepack._load_pack_cached = timed("rule pack", rulepack._load_pack_cached)
    terms.TermMatcher.__init__ = timed("matchers", terms.TermMatcher.__init__)
    modality.ModalityTagger.__init__ = timed("matchers", modality.ModalityTagger.__init__)
    learned.load_model = timed("learned model", learned.load_model)
    claimcheck.extract.pipeline._build = timed("rest of the pipeline", claimcheck.extract.pipeline._build)
    mark = clock()
    sys.stdout = open(os.devnull, "w")
    try:
        claimcheck.cli.cli.main(args=["check", "--isolated", "--no-color", path], prog_name="claimcheck",
                                standalone_mode=False)
    except SystemExit:
        pass
    sys.stdout = sys.__stdout__
    total = clock() - mark
    spent["rest of the pipeline"] -= sum(spent[stage] for stage in BUILT_INSIDE_PIPELINE)
    spent["run"] = total - sum(spent[stage] for stage in STAGES[2:-1])
    print(json.dumps(spent))


def breakdown(path: str, runs: int, env: dict) -> dict[str, float]:
    """The fastest time of each stage over ``runs`` probes (a warm cache in ``env``)."""
    best = dict.fromkeys(STAGES, float("inf"))
    for _ in range(runs):
        output = subprocess.run([sys.executable, __file__, "--probe", path], capture_output=True, text=True,
                                check=True, env=env).stdout
        for stage, seconds in json.loads(output.splitlines()[-1]).items():
            best[stage] = min(best[stage], seconds)
    return best


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    parser.add_argument("--file", help="the file to check (default: a five-line sample ad)")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        return probe(args.probe)

    compile_bytecode()
    command = claimcheck_command()
    with tempfile.TemporaryDirectory() as folder:
        ad = args.file or os.path.join(folder, "ad.md")
        if not args.file:
            Path(ad).write_text(SAMPLE_AD, encoding="utf-8")
        warm_dir, cold_dir = os.path.join(folder, "warm"), os.path.join(folder, "cold")
        warm = {**os.environ, "CLAIMCHECK_CACHE_DIR": warm_dir}
        warm.pop("CLAIMCHECK_NO_CACHE", None)
        cold = {**warm, "CLAIMCHECK_CACHE_DIR": cold_dir}
        check = [*command, "check", "--isolated", "--no-color", ad]  # options may follow the path
        project = Path(folder) / "project"
        project.mkdir()
        (project / ".claimcheck.yaml").write_text("ignore: [CC304]\nfail-on: major\n", encoding="utf-8")
        shutil.copy(ad, project / Path(ad).name)
        configured = [*command, "check", "--no-color", str(project / Path(ad).name)]
        for warm_up in (check, configured):  # fills warm_dir
            subprocess.run(warm_up, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=warm)

        print(f"fastest of {args.runs} runs, interleaved; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        print(f"{'python -c pass':58s} {ms(min(wall_time([sys.executable, '-c', 'pass']) for _ in range(args.runs)))}")
        cli_import, spacy_loaded = import_time("claimcheck.cli", args.runs)
        print(f"{'import claimcheck.cli (in process)':58s} {ms(cli_import)}  "
              f"{'spaCy imported!' if spacy_loaded else 'without spaCy'}")
        version = min(wall_time([*command, "--version"]) for _ in range(args.runs))
        print(f"{'claimcheck --version':58s} {ms(version)}")

        lines = Path(ad).read_text(encoding="utf-8").count("\n")
        label = f"check {Path(ad).name} ({lines} lines)"
        times = interleaved({
            "baseline": ([sys.executable, "-c", BASELINE], None, None),
            "warm": (check, warm, None),
            "cold": (check, cold, lambda: shutil.rmtree(cold_dir, ignore_errors=True)),
            "no cache": ([*check, "--no-cache"], warm, None),
            "configured": (configured, warm, None),
        }, args.runs)
        wall, cpu = times["baseline"]
        print(f"{'':58s} {'wall':>10s} {'ratio':>6s} {'CPU':>10s} {'ratio':>6s}")
        for name, what in (("baseline", "baseline: " + BASELINE), ("warm", label + ", warm cache"),
                           ("cold", label + ", cold cache"), ("no cache", label + ", --no-cache"),
                           ("configured", label + ", warm, .claimcheck.yaml")):
            print(f"{what:58s} {ms(times[name][0])} {times[name][0] / wall:5.2f}x {ms(times[name][1])} "
                  f"{times[name][1] / cpu:5.2f}x")

        print(f"\nwhere a warm run's time goes (fastest of {args.runs}, in process):")
        stages = breakdown(ad, args.runs, warm)
        for stage in STAGES:
            print(f"  {stage:56s} {ms(stages[stage])}")
        print(f"  {'total':56s} {ms(sum(stages.values()))}")


if __name__ == "__main__":
    main()
