"""Time and peak memory of ``claimcheck check`` against document size: is every stage linear?

Three kinds of text (and hostile markup on request), each at 10 KB, 100 KB, 1 MB and 5 MB (one file per run):

* prose: informing pages of the corpus (hospitals, news, research...) in paragraphs;
* ad copy: selling pages of the corpus, dense with claims, in paragraphs;
* one long sentence: the corpus's claim sentences joined by commas, no full stop, no line break;
* (not by default: ``--kinds comments``) hostile markup: a run of ``<!--`` that never closes,
  then a line of ad copy, which the HTML parser once read in time in the square of its length.

For each it prints the seconds (start-up excluded: the command runs in a process that has
already checked a five-line file, and only the second check is timed), the ratio to the
10 KB time, that ratio divided by the size ratio (1.0 is linear; the target is at most 1.5,
so the 5 MB time is at most 750x the 10 KB time), and the command's peak resident memory
(target: under 1 GB at 5 MB).

    python benchmarks/bench_scaling.py [--sizes 10,100,1000,5000] [--kinds prose,ads,sentence]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "pages"


def _pages():
    for path in sorted(CORPUS.rglob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def _fill(pieces: list[str], separator: str, kilobytes: int) -> str:
    """Repeat ``pieces`` joined by ``separator`` up to ``kilobytes`` of UTF-8."""
    target, out, size, index = kilobytes * 1000, [], 0, 0
    while size < target:
        piece = pieces[index % len(pieces)]
        out.append(piece)
        size += len(piece.encode("utf-8")) + len(separator)
        index += 1
    return separator.join(out)


def make_text(kind: str, kilobytes: int) -> str:
    pages = list(_pages())
    if kind == "prose":
        return _fill([p["text"] for p in pages if not p["sells"]], "\n\n", kilobytes) + "\n"
    if kind == "ads":
        return _fill([p["text"] for p in pages if p["sells"] and p["verdict"] == "fail"], "\n\n", kilobytes) + "\n"
    if kind == "sentence":
        claims = [c["text"].rstrip(".!? ").replace("\n", " ") for p in pages for c in p["claims"]]
        return _fill(claims, ", and ", kilobytes) + ".\n"
    if kind == "comments":
        return "<!--" * (kilobytes * 250) + "\nOur stem cell injections cure knee arthritis.\n"
    raise ValueError(kind)


# The child checks a five-line file first (importing spaCy, loading the pack, building the
# pipeline: the start-up), then times the command on the file alone.
_CHILD = """
import sys, time
from claimcheck.cli import cli

def check(path):
    try:
        cli.main(["check", "--format", "json", "--timeout", "0", "--max-file-size", "50", path],
                 standalone_mode=False)
    except SystemExit:
        pass

check(sys.argv[1])
started = time.perf_counter()
check(sys.argv[2])
print(time.perf_counter() - started, file=sys.stderr)
"""


def run_check(small: Path, path: Path) -> tuple[float, float]:
    """Seconds of ``claimcheck check --format json PATH`` after start-up, and the process's peak
    resident MB (findings discarded)."""
    process = subprocess.Popen([sys.executable, "-c", _CHILD, str(small), str(path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    lines = process.stderr.read().decode().strip().splitlines()
    if os.waitstatus_to_exitcode(status) != 0 or not lines:
        raise SystemExit(f"{path}: {' '.join(lines)[-500:]}")
    return float(lines[-1]), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,5000", help="kilobytes, comma-separated; the first is the base")
    parser.add_argument("--kinds", default="prose,ads,sentence")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.md"
        small.write_text("# Knee care\n\nWe treat knees.\n\nCall us.\n\nBook today.\n", encoding="utf-8")
        print("seconds: checking the file, after start-up, in the same process\n")
        print(f"{'text':<10}{'size':>8}{'seconds':>10}{'x base':>9}{'/ size x':>10}{'peak MB':>9}")
        for kind in args.kinds.split(","):
            base = None
            for kilobytes in sizes:
                path = Path(folder) / f"{kind}-{kilobytes}.md"
                path.write_text(make_text(kind, kilobytes), encoding="utf-8")
                # Small files: the least of three runs, the steadier figure for a short time.
                work, peak = min(run_check(small, path) for _ in range(3 if kilobytes < 1000 else 1))
                base = base or work
                ratio = work / base
                print(f"{kind:<10}{kilobytes:>6}KB{work:>10.2f}{ratio:>9.1f}{ratio / (kilobytes / sizes[0]):>10.2f}"
                      f"{peak:>9.0f}", flush=True)
                path.unlink()


if __name__ == "__main__":
    main()
