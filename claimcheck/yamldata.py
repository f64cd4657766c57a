"""YAML data files validated by JSON Schemas, with errors as ``file:line: message``.

Rule authors edit YAML by hand, so every error must point at the line to fix:
we compose the YAML node tree once to know where each value starts, and map
each JSON Schema error's path to that line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from claimcheck.errors import InputProblem
from claimcheck.resources import load_schema


def _node_at(node: yaml.Node | None, path) -> yaml.Node | None:
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
        if node is None:
            return None
    return node


def _friendly(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        message = f"unknown key {', '.join(repr(e) for e in extra)} (expected one of: {allowed})"
    elif error.validator == "required":
        message = error.message.replace("is a required property", "is required")
    elif error.validator == "enum":
        message = f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "uniqueItems":
        seen, repeated = set(), []
        for item in error.instance:
            key = repr(item)
            if key in seen:
                repeated.append(item)
            seen.add(key)
        message = f"repeated entries: {', '.join(repr(r) for r in repeated)}"
    elif error.validator == "type":
        message = f"expected {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}"
    else:
        message = error.message
    return f"{where}: {message}" if where else message


def load_validated(path: Path, schema_name: str, code: str = "CC910") -> tuple[Any, list[InputProblem]]:
    """Load ``path`` and validate it; returns (data or None, problems)."""
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [InputProblem(origin, code, f"cannot read: {exc}")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [InputProblem(origin, code, f"invalid YAML: {problem}", line=line)]
    validator = Draft202012Validator(load_schema(schema_name))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        node = _node_at(root, error.absolute_path)
        line = node.start_mark.line + 1 if node is not None else None
        problems.append(InputProblem(origin, code, _friendly(error), line=line))
    return (None if problems else data), problems


def line_of(path: Path, keys: list) -> int | None:
    """Line of the value at ``keys`` in a YAML file (for errors found after validation)."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return None
    node = _node_at(root, keys)
    return node.start_mark.line + 1 if node is not None else None
