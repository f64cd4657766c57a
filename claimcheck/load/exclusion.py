"""Which files a folder walk leaves out: ``exclude`` patterns and ``.gitignore`` files.

Patterns are gitignore patterns (``drafts/``, ``*.bak.md``, ``/archive``), read with
pathspec, the library black and others use for the same job:

- ``exclude`` replaces the default list (version-control and dependency folders and
  hidden folders), ``extend-exclude`` adds to it; on the command line the patterns are
  relative to the current folder, in a configuration file to that file's folder, and
  the command line wins over the configuration (as in ruff);
- with ``respect-gitignore`` (the default) the ``.gitignore`` files of the folders walked,
  and of their parents up to the repository's root, leave out what git leaves out.

A file named on the command line is always checked: exclusion is for what a walk finds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# What a walk skips unless ``exclude`` says otherwise: version control, dependencies and
# virtual environments, and hidden folders.
DEFAULT_EXCLUDE = (".git/", ".hg/", ".svn/", "node_modules/", ".venv/", "venv/", "__pycache__/", ".*/")


@dataclass(frozen=True)
class ExcludeSettings:
    """One layer of settings: the command line's or a configuration file's."""

    root: Path  # the folder its patterns are relative to
    exclude: tuple[str, ...] | None = None  # None: the layer below's (in the end, DEFAULT_EXCLUDE)
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool | None = None


def effective(command_line: ExcludeSettings, configuration: ExcludeSettings | None
              ) -> tuple[tuple[str, ...], Path, bool]:
    """(the ``exclude`` patterns in force and the folder they are relative to, whether
    .gitignore files count): the command line's where it says, else the configuration's,
    else the defaults."""
    layers = [layer for layer in (command_line, configuration) if layer is not None]
    chosen = next((layer for layer in layers if layer.exclude is not None), None)
    exclude = (chosen.exclude, chosen.root) if chosen is not None else (DEFAULT_EXCLUDE, command_line.root)
    respect = next((layer.respect_gitignore for layer in layers if layer.respect_gitignore is not None), True)
    return exclude[0], exclude[1], respect


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]):
    import pathspec
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _matches(patterns: tuple[str, ...], root: Path, path: Path, is_dir: bool) -> bool:
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return False  # outside the folder the patterns are written for
    if not patterns or relative == ".":
        return False
    return _spec(patterns).match_file(relative + ("/" if is_dir else ""))


@lru_cache(maxsize=1024)
def _gitignore_lines(folder: Path) -> tuple[str, ...]:
    try:
        return tuple((folder / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def _repository_root(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


@dataclass
class Exclusion:
    """Decides, for each file or folder a walk meets, whether to leave it out.

    ``command_line`` is the flags' layer; ``configuration(folder)`` gives the settings of the
    configuration file that applies in a folder (None: no file, or ``--isolated``)."""

    command_line: ExcludeSettings
    configuration: Callable[[Path], ExcludeSettings | None] = lambda folder: None
    _roots: dict = field(default_factory=dict)

    def excluded(self, path: Path, is_dir: bool) -> bool:
        path = path.absolute()
        folder = path.parent
        cli, config = self.command_line, self.configuration(folder)
        patterns, root, respect_gitignore = effective(cli, config)
        # Default patterns name folders by their own name wherever they are: match them
        # against the name alone, so a walk started inside a hidden folder still works.
        if patterns is DEFAULT_EXCLUDE:
            if is_dir and _spec(DEFAULT_EXCLUDE).match_file(path.name + "/"):
                return True
        elif _matches(patterns, root, path, is_dir):
            return True
        for layer in (cli, config):
            if layer is not None and _matches(layer.extend_exclude, layer.root, path, is_dir):
                return True
        return respect_gitignore and self._ignored_by_git(path, is_dir)

    def _ignored_by_git(self, path: Path, is_dir: bool) -> bool:
        folder = path.parent
        if folder not in self._roots:
            self._roots[folder] = _repository_root(folder)
        root = self._roots[folder]
        if root is None:
            return False
        # Every .gitignore from the repository's root down to the file's folder, each for the
        # paths below it; a later (deeper) file's negation can bring a path back, as in git.
        ignored = False
        for directory in (*reversed(folder.relative_to(root).parents), folder.relative_to(root)):
            base = root / directory
            lines = _gitignore_lines(base)
            if not lines:
                continue
            relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            result = _spec(lines).check_file(relative)
            if result.include is not None:
                ignored = bool(result.include)
        return ignored


def patterns(values: Iterable[str]) -> tuple[str, ...]:
    """Command-line values, each possibly a comma-separated list, as patterns."""
    return tuple(p.strip() for value in values for p in value.split(",") if p.strip())
