"""Where the shipped data lives: the rule pack (rules/) and the JSON Schemas.

In an installed wheel the rule pack is copied to ``claimcheck/rules``; in a
source checkout (editable install, tests) it is the repository's ``rules/``.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def rules_dir() -> Path:
    installed = _PACKAGE_DIR / "rules"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "rules"


def schema_path(name: str) -> Path:
    return _PACKAGE_DIR / "schemas" / f"{name}.schema.json"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    with open(schema_path(name), encoding="utf-8") as handle:
        return json.load(handle)
