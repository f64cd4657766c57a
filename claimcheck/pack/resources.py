"""Where the shipped data lives: the rule pack (rules/) and the JSON Schemas.

In an installed wheel the rule pack is copied to ``claimcheck/rules``; in a
source checkout (editable install, tests) it is the repository's ``rules/``.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


def rules_dir() -> Path:
    installed = _PACKAGE_DIR / "rules"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "rules"


def schema_path(name: str) -> Path:
    return _SCHEMA_DIR / f"{name}.schema.json"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    with open(schema_path(name), encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=None)
def schema_registry():
    """Every shipped schema under its ``$id``, so one schema can use another's definitions
    (a product's token patterns are the lexicon's)."""
    from referencing import Registry, Resource

    schemas = [load_schema(path.name.removesuffix(".schema.json"))
               for path in sorted(_SCHEMA_DIR.glob("*.schema.json"))]
    return Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas)
