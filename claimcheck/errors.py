"""Problems that end up as one clear line for the user, never a traceback.

``InputProblem`` is about one input (a file, a rule, a config); the run goes on
with the others. ``UsageError`` stops the run before any work starts.
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


class InputError(Exception):
    """Raised inside a stage for one input; carries the InputProblem to report."""

    def __init__(self, problem: InputProblem):
        super().__init__(problem.render())
        self.problem = problem


class RulePackError(Exception):
    """A rule pack or knowledge-base file is invalid; ``problems`` lists each error."""

    def __init__(self, problems: list[InputProblem]):
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems
