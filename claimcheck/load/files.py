"""Stage 1, load: turn paths and standard input into ``Source`` objects.

Folders are walked recursively for the suffixes in ``FOLDER_SUFFIXES``; a file
named explicitly is checked whatever its suffix. Every problem with an input
(missing, unreadable, binary, not UTF-8, too large, empty) becomes one
``InputProblem`` and the other inputs are still loaded.
"""
from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import NOT_FOUND, NO_LOADER, TIMED_OUT, TOO_LARGE, UNREADABLE, InputProblem
from claimcheck.load.decoding import decode
from claimcheck.load.exclusion import ExcludeSettings, Exclusion
from claimcheck.load.limits import TimeBudgetExceeded, time_budget, timed_out_message
from claimcheck.model import Source

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
}
FOLDER_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Suffixes whose loaders live in their own modules (binary office formats).
EXTRA_LOADERS = {".docx": "claimcheck.load.docx", ".pdf": "claimcheck.load.pdf"}


@dataclass
class Loaded:
    sources: list[Source]
    problems: list[InputProblem]


def media_type_for(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "text/plain")


def discover(paths: Iterable[str], problems: list[InputProblem],
             suffixes: tuple[str, ...] = FOLDER_SUFFIXES, exclusion: Exclusion | None = None) -> Iterator[Path]:
    """Yield files to check, in a stable order; record missing or empty inputs. A folder's walk
    leaves out what ``exclusion`` excludes (by default: version-control, dependency and hidden
    folders); a file named in ``paths`` is always checked."""
    exclusion = exclusion or Exclusion(ExcludeSettings(Path.cwd(), respect_gitignore=False))
    for given in paths:
        path = Path(given)
        try:
            path.stat()
        except FileNotFoundError:
            pass  # said below, as before
        except OSError as exc:  # a name too long for the system, a loop of links, no permission
            problems.append(InputProblem(_shortened(given), UNREADABLE, f"cannot read: {exc.strerror or exc}"))
            continue
        if path.is_dir():
            found = left_out = 0
            def unreadable(exc: OSError) -> None:  # os.walk skips a folder it cannot list, silently
                problems.append(InputProblem(_shortened(str(exc.filename or path)), UNREADABLE,
                                             f"cannot read folder: {exc.strerror or exc}"))

            for root, dirs, files in os.walk(path, onerror=unreadable):
                kept = sorted(d for d in dirs if not exclusion.excluded(Path(root) / d, is_dir=True))
                left_out += len(dirs) - len(kept)
                dirs[:] = kept
                folder = Path(root)
                for name in sorted(files):
                    if not name.lower().endswith(suffixes):
                        continue
                    file = folder / name
                    if exclusion.excluded(file, is_dir=False):
                        left_out += 1
                        continue
                    found += 1
                    if _regular(file, problems):
                        yield file
            if not found:
                why = (f"; {left_out} files or folders in it left out (exclude patterns, .gitignore)" if left_out
                       else f" (looked for {', '.join(suffixes)})")
                problems.append(InputProblem(str(path), NOT_FOUND, f"no files to check in this folder{why}"))
        elif path.exists():
            if _regular(path, problems):
                yield path
        else:
            problems.append(InputProblem(str(path), NOT_FOUND, "no such file or folder"))


def _shortened(name: str, keep: int = 200) -> str:
    """A path of thousands of characters, cut in the middle for a one-line message."""
    return name if len(name) <= keep else f"{name[:keep // 2]}...{name[-keep // 2:]}"


def _regular(path: Path, problems: list[InputProblem]) -> bool:
    """Is ``path`` a regular file? Reading a FIFO, socket or device would block or never end,
    so each is one problem instead."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        problems.append(InputProblem(str(path), UNREADABLE, f"cannot read file: {exc.strerror or exc}"))
        return False
    if stat.S_ISREG(mode):
        return True
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    problems.append(InputProblem(str(path), UNREADABLE, f"not a regular file ({kind}): not read"))
    return False


def size_problem(path: Path, max_bytes: int) -> InputProblem | None:
    """The file's size over the limit, or unreadable: the checks every loader makes first."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return InputProblem(str(path), UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    if size > max_bytes:
        return InputProblem(
            str(path), TOO_LARGE,
            f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit (--max-file-size)")
    return None


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source | InputProblem:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix in EXTRA_LOADERS:
        module = _extra_loader(suffix, origin)
        return module if isinstance(module, InputProblem) else module.load(path, max_bytes=max_bytes)
    problem = size_problem(path, max_bytes)
    if problem:
        return problem
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return InputProblem(origin, NOT_FOUND, "is a folder, not a file")
    except OSError as exc:
        return InputProblem(origin, UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    media_type = media_type_for(path.name)
    text = decode(data, origin, html=media_type == "text/html")
    if isinstance(text, InputProblem):
        return text
    if media_type == "text/html":
        from claimcheck.load.linked_styles import linked_stylesheets
        return Source(origin=origin, media_type=media_type, raw=text, stylesheets=linked_stylesheets(text, path))
    return Source(origin=origin, media_type=media_type, raw=text)


def _extra_loader(suffix: str, origin: str):
    """The loader module of a binary format, or the problem of its absence."""
    from importlib import import_module
    try:
        return import_module(EXTRA_LOADERS[suffix])
    except ImportError:
        return InputProblem(origin, NO_LOADER, f"cannot read {suffix} files: the loader for them is not installed")


def _read_named_document(data: bytes, origin: str, suffix: str, max_bytes: int) -> Source | InputProblem:
    """Standard input named ``.docx`` or ``.pdf`` (``--stdin-filename``): its bytes read as that
    format, as the file would be. The loaders read files, so the bytes go through a temporary
    one; what they return is named ``origin``, never the temporary path."""
    import dataclasses
    import tempfile

    module = _extra_loader(suffix, origin)
    if isinstance(module, InputProblem):
        return module
    with tempfile.TemporaryDirectory(prefix="claimcheck-stdin-") as folder:
        path = Path(folder) / f"stdin{suffix}"
        path.write_bytes(data)
        loaded = module.load(path, max_bytes=max_bytes)
    if isinstance(loaded, InputProblem):
        return dataclasses.replace(loaded, path=origin, message=loaded.message.replace(str(path), origin))
    loaded.origin = origin
    return loaded


def read_stdin(display_name: str | None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source | InputProblem:
    origin = display_name or "-"
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        return InputProblem(origin, TOO_LARGE, f"standard input is over the {max_bytes / 1_048_576:.0f} MB limit")
    suffix = Path(origin).suffix.lower()
    if suffix in EXTRA_LOADERS:
        return _read_named_document(data, origin, suffix, max_bytes)
    media_type = media_type_for(origin)
    text = decode(data, origin, html=media_type == "text/html")
    if isinstance(text, InputProblem):
        return text
    return Source(origin=origin, media_type=media_type, raw=text)


def read_within(path: Path, max_bytes: int, timeout: float | None) -> Source | InputProblem:
    """``read_source`` that gives up after ``timeout`` seconds (a PDF can send its parser
    into a loop)."""
    try:
        with time_budget(timeout):
            return read_source(path, max_bytes)
    except TimeBudgetExceeded:
        return InputProblem(str(path), TIMED_OUT, timed_out_message(timeout, "reading"))


def _real_path(path: Path, real_folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, with each folder's own real path found once: for a file that
    is not a link it is the folder's real path and the file's name, and ``realpath`` asks the
    system about every folder on the way for every file of a large folder."""
    if path.name in ("", "..") or os.path.islink(path):
        return os.path.realpath(path)
    folder = str(path.parent)
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = os.path.realpath(folder)
    return os.path.join(real, path.name)


def iter_sources(paths: Iterable[str], problems: list[InputProblem], *,
                 stdin_filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 timeout: float | None = None, exclusion: Exclusion | None = None) -> Iterator[Source]:
    """Stream sources; problems are appended to ``problems`` as they are met. A file reached
    twice (``check ads ads/landing.md``, or through a link) is read once, under its first name."""
    seen: set[str] = set()
    real_folders: dict[str, str] = {}

    def first_time(path: Path) -> bool:
        key = _real_path(path, real_folders)
        if key in seen:
            return False
        seen.add(key)
        return True

    for given in paths:
        if given == "-":
            loaded = [read_stdin(stdin_filename, max_bytes)]
        else:
            loaded = (read_within(path, max_bytes, timeout)
                      for path in discover([given], problems, exclusion=exclusion) if first_time(path))
        for source in loaded:
            if isinstance(source, InputProblem):
                problems.append(source)
            else:
                yield source
