"""Problems that end up as one clear line for the user, never a traceback.

``InputProblem`` is about one input (a file, a rule, a config); the run goes on
with the others. Problems that stop the run before any work starts are
click usage errors, raised in ``claimcheck.commands``.
"""
from __future__ import annotations

from dataclasses import dataclass


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
        return f"{where}: {level}: {self.message} [{self.code}]"

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "code": self.code,
                "message": self.message, "severity": "error" if self.fatal else "warning"}

