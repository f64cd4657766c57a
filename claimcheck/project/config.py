"""Project configuration: ``.claimcheck.yaml`` or ``[tool.claimcheck]`` in ``pyproject.toml``.

Discovery works like ruff's: for each checked file, the folders from the
file's own up to the file-system root are searched, and the first that holds
``.claimcheck.yaml`` (or ``.claimcheck.yml``, or a ``pyproject.toml`` with a
``[tool.claimcheck]`` table, in that order) gives that file's configuration.
The nearest file wins whole; configurations are not merged. ``--config FILE``
replaces discovery for every file and ``--isolated`` ignores all files.

Paths inside a configuration (rule-paths, knowledge-base, per-file-ignores
globs) are relative to the folder of the file that names them. Every file is
validated by ``schemas/config.schema.json``; a problem is one line naming the
file, the line, the key and what was expected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.errors import BAD_CONFIG, InputProblem

YAML_NAMES = (".claimcheck.yaml", ".claimcheck.yml")
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """A configuration (file or command line) cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[InputProblem]):
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class PerFileIgnore:
    pattern: str  # as written; a leading "!" negates it
    selectors: tuple[str, ...]
    root: Path  # the folder the pattern is relative to


@dataclass(frozen=True)
class Config:
    """One configuration, as written, with its paths made absolute."""

    path: str | None = None  # the file it came from; None for the built-in defaults
    root: Path = field(default_factory=Path.cwd)
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (code or name, severity)
    fail_on: str | None = None
    per_file_ignores: tuple[PerFileIgnore, ...] = ()
    rule_paths: tuple[str, ...] = ()
    knowledge_base: tuple[str, ...] = ()
    jurisdiction: str | None = None
    rule_docs_url: str | None = None  # where rule packs without a docs-url of their own publish their pages
    exclude: tuple[str, ...] | None = None  # gitignore patterns relative to ``root``
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool | None = None

    def exclude_settings(self):
        """This configuration's layer of exclusion settings (load/exclusion.py)."""
        from claimcheck.load.exclusion import ExcludeSettings
        return ExcludeSettings(self.root, self.exclude, self.extend_exclude, self.respect_gitignore)

    def line_of(self, *keys) -> int | None:
        """Where a key sits in the file, for errors found after schema validation."""
        if self.path is None:
            return None
        path = Path(self.path)
        if path.suffix == ".toml":
            return _toml_line(path, keys)
        import yaml

        from claimcheck.pack.yamldata import line_in_tree, parse
        try:
            return line_in_tree(parse(path.read_text(encoding="utf-8"))[0], list(keys))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None


def from_mapping(data: dict, path: str | None, root: Path) -> Config:
    """A validated mapping (from YAML, TOML or the command line) as a ``Config``."""
    def absolute(items):
        return tuple(str((root / item).resolve()) for item in items or ())

    def optional(key):
        return tuple(data[key]) if key in data else None

    return Config(
        path=path, root=root, select=optional("select"),
        extend_select=tuple(data.get("extend-select", ())), ignore=tuple(data.get("ignore", ())),
        severity=tuple(data.get("severity", {}).items()), fail_on=data.get("fail-on"),
        per_file_ignores=tuple(PerFileIgnore(pattern, tuple(codes), root)
                               for pattern, codes in data.get("per-file-ignores", {}).items()),
        rule_paths=absolute(data.get("rule-paths")), knowledge_base=absolute(data.get("knowledge-base")),
        jurisdiction=data.get("jurisdiction"), rule_docs_url=data.get("rule-docs-url"),
        exclude=optional("exclude"),
        extend_exclude=tuple(data.get("extend-exclude", ())), respect_gitignore=data.get("respect-gitignore"))


# -- reading files -----------------------------------------------------------------

def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([InputProblem(str(path), BAD_CONFIG,
                                        f"cannot read configuration: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([InputProblem(str(path), BAD_CONFIG, f"not valid UTF-8: {exc.reason}")]) from None


def _toml_table(path: Path, text: str) -> dict | None:
    """The ``[tool.claimcheck]`` table, or None when the file has none."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([InputProblem(str(path), BAD_CONFIG, f"invalid TOML: {exc}")]) from None
    tool = data.get("tool")
    table = tool.get("claimcheck") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError([InputProblem(str(path), BAD_CONFIG, "tool.claimcheck: expected a table",
                                        line=_toml_line(path, ()))])
    return table


def _toml_line(path: Path, keys) -> int | None:
    """Line of ``keys`` inside ``[tool.claimcheck]``. tomllib keeps no positions,
    so assignments (``key = ...``) and sub-table headers are found by reading
    the lines; the deepest key found wins, else the table's header."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    names = []
    for key in keys:  # list indices cannot be found in TOML text: stop there
        if not isinstance(key, str):
            break
        names.append(key)
    header = "tool.claimcheck"
    table, header_line, places = None, None, {}
    for number, line in enumerate(lines, 1):
        stripped = line.split("#", 1)[0].strip()
        if stripped.startswith("["):
            table = stripped.strip("[]").replace(" ", "").replace('"', "")
            places.setdefault(("[", table), number)
            if table == header and header_line is None:
                header_line = number
        elif "=" in stripped and table is not None:
            places.setdefault((table, stripped.split("=", 1)[0].strip().strip("\"'")), number)
    for depth in range(len(names), 0, -1):
        table_name = ".".join([header, *names[:depth - 1]])
        found = places.get((table_name, names[depth - 1])) or places.get(("[", f"{table_name}.{names[depth - 1]}"))
        if found:
            return found
    return header_line


def load_config_file(path: Path) -> Config:
    """Read and validate one configuration file; raises ``ConfigError``. A file whose content
    validated before is read back from the compiled cache, without PyYAML or jsonschema."""
    from claimcheck.runtime import cache

    origin = str(path)
    text = _read_text(path)
    fingerprint = cache.Fingerprint("config").add(origin, text)
    data = cache.cached(fingerprint, lambda: _validated_mapping(path, text))
    return from_mapping(data, origin, path.resolve().parent)


def _validated_mapping(path: Path, text: str) -> dict:
    from claimcheck.pack.yamldata import line_in_tree, parse, schema_problems

    origin = str(path)
    if path.name.endswith(".toml"):
        data = _toml_table(path, text)
        if data is None:
            raise ConfigError([InputProblem(origin, BAD_CONFIG, "no [tool.claimcheck] table in this file")])
        problems = schema_problems(data, "config", origin, BAD_CONFIG, lambda keys: _toml_line(path, keys))
    else:
        import yaml
        try:
            root_node, data = parse(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError([InputProblem(origin, BAD_CONFIG, f"invalid YAML: {getattr(exc, 'problem', exc)}",
                                            line=mark.line + 1 if mark else None)]) from None
        data = {} if data is None else data  # an empty file is an empty configuration
        problems = schema_problems(data, "config", origin, BAD_CONFIG, lambda keys: line_in_tree(root_node, keys))
    if problems:
        raise ConfigError(problems)
    return data


# -- discovery ---------------------------------------------------------------------

def config_file_in(folder: Path) -> Path | None:
    try:
        return _config_file_in(folder)
    except OSError:  # a folder whose path is too long to look into holds none we can read
        return None


def _config_file_in(folder: Path) -> Path | None:
    for name in YAML_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    candidate = folder / PYPROJECT
    if candidate.is_file():
        text = _read_text(candidate)
        # Cheap test first: most pyproject.toml files never mention us.
        if "claimcheck" in text and _toml_table(candidate, text) is not None:
            return candidate
    return None


class ConfigFinder:
    """The nearest configuration of each folder, cached: a tree of a thousand
    pages in ten folders reads each configuration once."""

    def __init__(self):
        self._by_folder: dict[Path, Config | None] = {}
        self._by_file: dict[Path, Config] = {}

    def for_folder(self, folder: Path) -> Config | None:
        folder = folder.resolve()
        if folder not in self._by_folder:
            found = config_file_in(folder)
            if found is not None:
                if found not in self._by_file:
                    self._by_file[found] = load_config_file(found)
                self._by_folder[folder] = self._by_file[found]
            elif folder.parent == folder:
                self._by_folder[folder] = None
            else:
                self._by_folder[folder] = self.for_folder(folder.parent)
        return self._by_folder[folder]
