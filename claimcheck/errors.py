"""Problems that end up as one clear line for the user, never a traceback, and the
one registry of their codes.

``InputProblem`` is about one input (a file, a rule, a config); the run goes on
with the others. Problems that stop the run before any work starts are
click usage errors, raised in ``claimcheck.commands``.

Every CC9xx code an input problem carries is defined here, once, with the line
that says what it means (``PROBLEM_CODES``; the README's table is this registry,
and a test holds the two equal). Code elsewhere names a code by its constant,
never by its literal. The suppression meta-rules (CC920-CC922) are rules, not
input problems: they are defined with the other rules' fields in
``claimcheck.project.suppress``.
"""
from __future__ import annotations

from dataclasses import dataclass

PROBLEM_CODES: dict[str, str] = {}  # code -> what it means, in the README's words


def _problem_code(code: str, meaning: str) -> str:
    if code in PROBLEM_CODES:
        raise ValueError(f"problem code {code} is defined twice")
    PROBLEM_CODES[code] = meaning
    return code


NOT_FOUND = _problem_code("CC901", "no such file or folder, or a folder with nothing to check")
NOT_TEXT = _problem_code("CC902", "binary file")
BAD_ENCODING = _problem_code("CC903", "not valid UTF-8 (or UTF-16)")
UNREADABLE = _problem_code("CC904", "cannot read the file")
TOO_LARGE = _problem_code("CC905", "file over the size limit")
NO_LOADER = _problem_code("CC906", "no loader installed for this kind of file")
EMPTY = _problem_code("CC907", "empty file (warning)")
CANNOT_PARSE = _problem_code("CC908", "the file could not be parsed (a damaged Word or PDF file too)")
NO_TEXT = _problem_code("CC909", "a PDF with no text to check: encrypted, or scanned images only")
BAD_RULE = _problem_code("CC910", "invalid rule, lexicon or cue file")
BAD_KNOWLEDGE = _problem_code("CC911", "invalid knowledge-base file")
BAD_CONFIG = _problem_code("CC912", "invalid configuration (`.claimcheck.yaml`, `[tool.claimcheck]`, "
                                    "or a flag naming an unknown rule)")
BAD_BASELINE = _problem_code("CC913", "unusable baseline file")
CORRUPT_RECORD = _problem_code("CC914", "a corrupt WARC record or JSONL line (`scan`)")
TIMED_OUT = _problem_code("CC915", "over the time budget (`--timeout`, 120 s a document or page by default)")
WORKER_DIED = _problem_code("CC916", "the worker process checking the document died (a crash, or killed); "
                                    "the run's other documents are checked")
BAD_EVAL_CORPUS = _problem_code("CC930", "invalid evaluation corpus")


# Control characters from a file name or an ad's text must not reach the terminal raw
# ("\x1b[1A\x1b[2K" would erase the line above): each becomes one visible symbol, so
# columns and carets stay where they were.
_VISIBLE_CONTROLS = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09}
_VISIBLE_CONTROLS.update({0x7F: "\u2421", **{code: "\ufffd" for code in range(0x80, 0xA0)}})


def printable(text: str) -> str:
    """``text`` with every control character shown as a visible symbol (for a terminal)."""
    return text.translate(_VISIBLE_CONTROLS)


@dataclass(frozen=True)
class InputProblem:
    """One input that could not be (fully) used. ``code`` is a CC9xx code."""

    path: str
    code: str
    message: str
    line: int | None = None
    fatal: bool = True  # False for warnings such as an empty file

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        level = "error" if self.fatal else "warning"
        return printable(f"{where}: {level}: {self.message} [{self.code}]")

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "code": self.code,
                "message": self.message, "severity": "error" if self.fatal else "warning"}

