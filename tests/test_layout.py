"""The package layout the README's "How it works" describes, and the one registry of
problem codes: held here so that a module dropped at the top level, a code written as a
literal or a README table that drifts from the registry fails the suite."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from claimcheck.errors import PROBLEM_CODES

PACKAGE = Path(__file__).resolve().parents[1] / "claimcheck"
README = PACKAGE.parent / "README.md"
CORE = {"cli.py", "model.py", "errors.py", "grade.py"}


def test_the_top_level_holds_only_the_core_modules():
    modules = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert modules == CORE
    assert len(modules) <= 6


def test_every_module_says_what_it_owns():
    missing = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
               if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
               and p.name != "__main__.py"]
    assert missing == []


def test_the_readme_table_of_problem_codes_is_the_registry():
    text = README.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (CC9\d\d) \| (.+?) \|$", text, re.M))
    meta_rules = {code for code in table if code in ("CC920", "CC921", "CC922")}
    assert {code: meaning for code, meaning in table.items() if code not in meta_rules} == PROBLEM_CODES


def test_no_module_writes_a_problem_code_as_a_literal():
    """A code is named by its constant from claimcheck.errors; the suppression meta-rules
    (CC920-CC922) are rules, defined with their fields in project/suppress.py."""
    literal = re.compile(r"[\"'](CC9\d\d)[\"']")
    found = [(str(p.relative_to(PACKAGE)), code) for p in PACKAGE.rglob("*.py") if p.name != "errors.py"
             for code in literal.findall(p.read_text(encoding="utf-8"))
             if not (p.name == "suppress.py" and code in ("CC920", "CC921", "CC922"))]
    assert found == []
