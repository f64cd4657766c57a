"""The compiled cache: what a run builds from the rule pack and the learned model,
kept on disk so that the next run loads it instead of building it again.

What is worth keeping, each in its own file: the validated rule pack (``pack-*``:
YAML parsing and JSON Schema validation), the matcher tables of the spaCy
components (``terms-*``, ``modality-*``: about 30,000 phrases tokenized into hash
sequences), the learned model's classifiers (``model-*``) and each configuration
file that validated (``config-*``). A file's name is its key, a SHA-256 of
everything its content depends on (a ``Fingerprint``): the content and path of
every input file, claimcheck's version and source code, the libraries that shape
it, Python's version. Change any of these and the key changes, so a
stale entry is never read and two packs never share one; the old file is simply
left behind (beyond 48 entries or 200 MB, the oldest are pruned).

Entries are pickles written to a temporary file and renamed into place, so a
reader sees a whole entry or none. An entry that cannot be read back (truncated,
corrupt, written by another version) is rebuilt without a word.

Where: ``$CLAIMCHECK_CACHE_DIR``, else the user's cache directory
(``$XDG_CACHE_HOME/claimcheck``, usually ``~/.cache/claimcheck``).
``CLAIMCHECK_NO_CACHE=1`` (or ``check --no-cache``) neither reads nor writes.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from claimcheck import __version__

DIRECTORY_VARIABLE = "CLAIMCHECK_CACHE_DIR"
DISABLE_VARIABLE = "CLAIMCHECK_NO_CACHE"
# Bump when what an entry holds changes shape in a way the source digest would not show.
FORMAT = 1
KEEP_ENTRIES = 48  # beyond this many files or this many bytes, the least recently written go
KEEP_BYTES = 200 * 1024 * 1024
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # claimcheck/

log = logging.getLogger("claimcheck.runtime.cache")
T = TypeVar("T")


def enabled() -> bool:
    return os.environ.get(DISABLE_VARIABLE, "").strip().lower() in ("", "0", "false", "no")


def disable() -> None:
    """No cache for the rest of this process (and the processes it starts)."""
    os.environ[DISABLE_VARIABLE] = "1"


def directory() -> Path:
    configured = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir  # honours $XDG_CACHE_HOME
    return Path(user_cache_dir("claimcheck", appauthor=False))


@lru_cache(maxsize=1)
def source_digest() -> str:
    """claimcheck's own code and schemas: in a source checkout the version stays the same
    while the code that compiles the pack changes, and a stale entry must not survive that."""
    digest = hashlib.sha256()
    files = sorted(_PACKAGE_DIR.rglob("*.py")) + sorted((_PACKAGE_DIR / "pack" / "schemas").glob("*.json"))
    for path in files:
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(_file_digest(path))
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError as exc:  # the builder will report it; the key only has to differ
        return f"unreadable: {type(exc).__name__}".encode()


class Fingerprint:
    """A key under construction: everything an entry's content depends on."""

    def __init__(self, kind: str):
        self.kind = kind
        self._digest = hashlib.sha256()
        self.add(FORMAT, kind, sys.version_info[:2], __version__, source_digest())

    def add(self, *parts) -> "Fingerprint":
        for part in parts:
            self._digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
        return self

    def add_file(self, path: Path) -> "Fingerprint":
        """A file's path (absolute: entries hold paths, so a moved pack is another entry) and content."""
        self.add("file", str(path), path.is_file())
        self._digest.update(_file_digest(path) if path.is_file() else b"missing")
        return self

    def add_tree(self, folder: Path, pattern: str = "*") -> "Fingerprint":
        """Every file under ``folder`` matching ``pattern``, or that the folder is missing."""
        self.add("tree", str(folder), folder.is_dir())
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
                self.add_file(path)
        return self

    def add_library(self, name: str) -> "Fingerprint":
        """An installed library whose behaviour shapes the entry, by where it is and when it was
        installed (reading its version from its metadata would cost more than the rest of the key)."""
        import importlib.util
        try:
            spec = importlib.util.find_spec(name)
            stat = os.stat(spec.origin)
            return self.add("library", name, spec.origin, stat.st_mtime_ns, stat.st_size)
        except (ImportError, ValueError, AttributeError, TypeError, OSError):
            return self.add("library", name, None)

    def key(self) -> str:
        return f"{self.kind}-{self._digest.hexdigest()[:40]}"


def cached(fingerprint: Fingerprint, build: Callable[[], T]) -> T:
    """The entry under ``fingerprint``'s key, built (and stored) when it is missing or unreadable."""
    if not enabled():
        return build()
    path = directory() / f"{fingerprint.key()}.pickle"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        value = _unpickle(data)
        log.debug("cache hit %s", path)
        return value
    except FileNotFoundError:
        log.debug("cache miss %s", path)
    except Exception as exc:  # any damage at all: rebuilding is always correct
        log.debug("cache unreadable %s (%s: %s), rebuilding", path, type(exc).__name__, exc)
    value = build()
    _store(path, value)
    return value


def _unpickle(data: bytes):
    # Tens of thousands of small tuples: with the collector on, each burst of allocations
    # walks every object spaCy's import created (ten times the cost of the load itself).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if collecting:
            gc.enable()


def _store(path: Path, value) -> None:
    """Write atomically; a cache that cannot be written costs speed, never the run."""
    import tempfile

    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        log.debug("cache write %s", path)
        _prune(path.parent)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("cache unwritable %s (%s: %s)", path, type(exc).__name__, exc)


def _prune(folder: Path) -> None:
    """Keep the most recently written entries, at most ``KEEP_ENTRIES`` of them and
    ``KEEP_BYTES`` in all (old pack versions' entries are never read again, and every
    model folder a cross-validation trains leaves one)."""
    entries = []
    for path in folder.glob("*.pickle"):
        try:
            stat = path.stat()
        except OSError:  # another process pruned it first
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = 0
    for count, (_, size, path) in enumerate(sorted(entries, reverse=True)):
        total += size
        if count and (count >= KEEP_ENTRIES or total > KEEP_BYTES):
            try:
                path.unlink()
            except OSError:
                pass
