"""YAML data files validated by JSON Schemas, with errors as ``file:line: message``.

Rule authors edit YAML by hand, so every error must point at the line to fix:
we compose the YAML node tree once to know where each value starts, and map
each JSON Schema error's path to that line.

PyYAML and jsonschema are imported on first use: a run whose rule pack comes
from the compiled cache (``claimcheck.runtime.cache``) needs neither.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.errors import BAD_RULE, InputProblem
from claimcheck.pack.resources import load_schema, schema_registry

if TYPE_CHECKING:
    import yaml


def _loader_class():
    # libyaml's parser when PyYAML has it (its wheels do): several times faster.
    import yaml
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> tuple[yaml.Node | None, Any]:
    """One parse gives both the node tree (for line numbers) and the data."""
    loader = _loader_class()(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _node_at(node: yaml.Node | None, path) -> yaml.Node | None:
    import yaml

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
        known = error.schema.get("properties", {})
        extra = sorted(set(error.instance) - set(known))
        guesses = difflib.get_close_matches(str(extra[0]), list(known), n=1) if len(extra) == 1 else []
        hint = f"did you mean {guesses[0]!r}? " if guesses else ""
        message = (f"unknown key {', '.join(repr(e) for e in extra)} "
                   f"({hint}expected one of: {', '.join(sorted(known))})")
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
    elif error.validator == "pattern" and "x-expected" in error.schema:  # a regex is no message for people
        message = f"{error.instance!r} is not {error.schema['x-expected']}"
    elif error.validator == "type":
        message = f"expected {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}"
    else:
        message = error.message
    if _holds_boolean(error.instance):
        message += " (YAML reads unquoted on, off, yes and no as true or false: quote them)"
    return f"{where}: {message}" if where else message


def _holds_boolean(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_holds_boolean(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_boolean(v) for v in value)
    return False


def load_validated(path: Path, schema_name: str, code: str = BAD_RULE) -> tuple[Any, list[InputProblem]]:
    """Load ``path`` and validate it; returns (data or None, problems)."""
    import yaml

    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [InputProblem(origin, code, f"cannot read: {exc}")]
    try:
        root, data = parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [InputProblem(origin, code, f"invalid YAML: {problem}", line=line)]
    problems = schema_problems(data, schema_name, origin, code, lambda keys: line_in_tree(root, keys))
    if not problems:
        from claimcheck.pack.regex_safety import regex_problems
        problems = regex_problems(data, origin, code, lambda keys: line_in_tree(root, keys))
    return (None if problems else data), problems


def schema_problems(data: Any, schema_name: str, origin: str, code: str,
                    line_at: Callable[[list], int | None] = lambda path: None) -> list[InputProblem]:
    """Validate already-parsed data (YAML or TOML) against a shipped schema;
    ``line_at`` maps an error's key path to the line that holds it."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema(schema_name), registry=schema_registry())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        keys = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # Point at the unknown key itself, not at the mapping that holds it.
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            keys += extra[:1]
        problems.append(InputProblem(origin, code, _friendly(error), line=line_at(keys)))
    return problems


def line_in_tree(root: yaml.Node | None, keys: list) -> int | None:
    """Line of ``keys`` in a composed YAML tree: the key's own line when the last
    step is a mapping key (a block value starts on the next line)."""
    import yaml

    if keys:
        parent = _node_at(root, keys[:-1])
        if isinstance(parent, yaml.MappingNode):
            key = next((k for k, _ in parent.value if k.value == keys[-1]), None)
            if key is not None:
                return key.start_mark.line + 1
    node = _node_at(root, keys)
    return node.start_mark.line + 1 if node is not None else None


def line_of(path: Path, keys: list) -> int | None:
    """Line of the value at ``keys`` in a YAML file (for errors found after validation)."""
    import yaml

    try:
        root, _ = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    node = _node_at(root, keys)
    return node.start_mark.line + 1 if node is not None else None
