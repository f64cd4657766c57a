"""The compiled cache (claimcheck/runtime/cache.py): the rule pack, the matchers' phrase tables and
the learned model are built once per version of their files and read back after that.

Every test points the cache at its own tmp_path and forgets what this process has already
built (the lru caches), so that each load below really goes to the cache folder."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.runtime import cache
from claimcheck.extract import pipeline
from claimcheck.extract.learned import SHIPPED_MODEL, load_model, select_model
from claimcheck.pack import rulepack
from claimcheck.pack.rulepack import load_pack
from tests.conftest import ROOT, check_text

USER_LEXICON = """\
label: predicate
description: A user pack's own cure words.
entries:
  - id: user-cure
    class: cure
    phrases: ["{phrase}"]
"""
AD = "Our stem cell injections zap away knee arthritis."


def _forget_built():
    rulepack._load_pack_cached.cache_clear()
    pipeline._build.cache_clear()
    load_model.cache_clear()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch, caplog):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.DIRECTORY_VARIABLE, str(folder))
    monkeypatch.delenv(cache.DISABLE_VARIABLE, raising=False)
    caplog.set_level(logging.DEBUG, logger="claimcheck.runtime.cache")
    _forget_built()
    yield folder
    _forget_built()  # the rest of the suite builds its own, in its own cache folder


def user_pack(folder: Path, phrase: str = "zap away") -> Path:
    (folder / "lexicon").mkdir(parents=True, exist_ok=True)
    (folder / "lexicon" / "extra.yaml").write_text(USER_LEXICON.format(phrase=phrase), encoding="utf-8")
    return folder


def events(caplog, kind: str) -> list[str]:
    """What happened to the entries of ``kind``, in order: 'hit', 'miss', 'unreadable' or 'write'
    (the cache's debug log says "cache <event> <path>")."""
    found = []
    for record in caplog.records:
        if record.name == "claimcheck.runtime.cache":
            _, event, path = record.getMessage().split(" ", 2)
            if Path(path.split()[0]).name.startswith(f"{kind}-"):
                found.append(event)
    return found


def findings(pack) -> list[tuple]:
    return [(f.code, f.severity, f.start, f.end, f.message) for f in check_text(AD, pack=pack).result.findings]


def test_a_second_run_reads_what_the_first_wrote(cache_dir, tmp_path, caplog):
    pack = load_pack((str(user_pack(tmp_path / "pack")),))
    first = findings(pack)
    assert "CC102" in {code for code, *_ in first}  # the user pack's "zap away" is a cure claim
    assert events(caplog, "pack") == ["miss", "write"] and events(caplog, "terms") == ["miss", "write"]
    written = {path.name: path.stat().st_mtime_ns for path in cache_dir.glob("*.pickle")}
    assert {name.split("-")[0] for name in written} == {"pack", "terms", "modality"}

    caplog.clear()
    _forget_built()
    pack = load_pack((str(tmp_path / "pack"),))
    assert findings(pack) == first
    assert events(caplog, "pack") == ["hit"] and events(caplog, "terms") == ["hit"]
    assert events(caplog, "modality") == ["hit"]
    assert {path.name: path.stat().st_mtime_ns for path in cache_dir.glob("*.pickle")} == written


def test_changing_a_rule_file_of_a_user_pack_rebuilds(cache_dir, tmp_path, caplog):
    folder = user_pack(tmp_path / "pack")
    assert "CC102" in {code for code, *_ in findings(load_pack((str(folder),)))}
    user_pack(folder, phrase="blast away")  # the same file, another phrase
    caplog.clear()
    _forget_built()
    pack = load_pack((str(folder),))
    assert next(e for e in pack.lexicon if e.id == "user-cure").phrases == ["blast away"]
    assert "CC102" not in {code for code, *_ in findings(pack)}  # "zap away" is nobody's cure word now
    assert events(caplog, "pack") == ["miss", "write"] and events(caplog, "terms") == ["miss", "write"]


def test_two_packs_never_share_an_entry(cache_dir, tmp_path, caplog):
    zap = load_pack((str(user_pack(tmp_path / "zap")),))
    blast = load_pack((str(user_pack(tmp_path / "blast", phrase="blast away")),))
    assert zap.cache_key != blast.cache_key
    assert events(caplog, "pack") == ["miss", "write", "miss", "write"]
    assert "CC102" in {code for code, *_ in findings(zap)}
    assert "CC102" not in {code for code, *_ in findings(blast)}
    assert len(list(cache_dir.glob("pack-*.pickle"))) == 2 and len(list(cache_dir.glob("terms-*.pickle"))) == 2


def test_the_same_files_in_another_folder_are_another_entry(cache_dir, tmp_path):
    """Entries hold the files' paths (findings and problems name them), so a moved pack is rebuilt."""
    here = load_pack((str(user_pack(tmp_path / "here")),))
    there = load_pack((str(user_pack(tmp_path / "there")),))
    assert here.cache_key != there.cache_key
    assert next(e for e in there.lexicon if e.id == "user-cure").path.startswith(str(tmp_path / "there"))


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05\x95garbage"])
def test_a_damaged_entry_is_rebuilt_with_the_same_findings(cache_dir, tmp_path, caplog, damage):
    folder = user_pack(tmp_path / "pack")
    first = findings(load_pack((str(folder),)))
    for path in cache_dir.glob("*.pickle"):
        path.write_bytes(damage)
    caplog.clear()
    _forget_built()
    assert findings(load_pack((str(folder),))) == first
    for kind in ("pack", "terms", "modality"):
        assert events(caplog, kind) == ["unreadable", "write"], kind
    caplog.clear()
    _forget_built()
    assert findings(load_pack((str(folder),))) == first
    assert events(caplog, "pack") == ["hit"] and events(caplog, "terms") == ["hit"]


def test_the_learned_model_is_kept_too(cache_dir, caplog):
    first = load_model(str(SHIPPED_MODEL))
    load_model.cache_clear()
    again = load_model(str(SHIPPED_MODEL))
    assert events(caplog, "model") == ["miss", "write", "hit"]
    assert again[0] == first[0] and again[1].labels == first[1].labels and again[2].labels == first[2].labels


def test_learned_scores_are_the_same_from_the_cache(cache_dir):
    select_model(SHIPPED_MODEL)
    try:
        built = check_text(AD).analysis.learned
        _forget_built()
        cached = check_text(AD).analysis.learned
    finally:
        select_model(None)
    assert cached.page == built.page and (cached.scores == built.scores).all()


def test_no_cache_reads_and_writes_nothing(cache_dir, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(cache.DISABLE_VARIABLE, "1")
    findings(load_pack((str(user_pack(tmp_path / "pack")),)))
    assert not cache_dir.exists() and not events(caplog, "pack")


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_time(cache_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(cache.DIRECTORY_VARIABLE, str(blocker / "cache"))  # under a file: mkdir fails
    assert "CC102" in {code for code, *_ in findings(load_pack((str(user_pack(tmp_path / "pack")),)))}


def test_the_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.DIRECTORY_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "claimcheck"
    monkeypatch.setenv(cache.DIRECTORY_VARIABLE, str(tmp_path / "mine"))
    assert cache.directory() == tmp_path / "mine"


def test_the_suite_never_writes_to_the_users_cache():
    """conftest.py points every test (and every command it starts) at a folder of its own."""
    assert Path(cache.directory()).resolve() != (Path.home() / ".cache" / "claimcheck").resolve()


def _check(args, env):
    return subprocess.run([sys.executable, "-m", "claimcheck", "check", "--format", "json", "--isolated", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT)


def test_the_command_line_uses_the_cache_and_survives_a_corrupt_one(tmp_path):
    """End to end: the first run writes the entries, the second leaves them untouched and
    prints the same report, a third after every entry was truncated prints it again."""
    import os

    ad = tmp_path / "ad.md"
    ad.write_text(f"# Knee care\n\n{AD}\n", encoding="utf-8")
    folder = user_pack(tmp_path / "pack")
    env = {**os.environ, cache.DIRECTORY_VARIABLE: str(tmp_path / "cache")}
    env.pop(cache.DISABLE_VARIABLE, None)
    args = ["--rule-path", str(folder), str(ad)]
    first = _check(args, env)
    assert first.returncode == 1 and '"CC102"' in first.stdout, first.stderr
    written = {path.name: path.stat().st_mtime_ns for path in (tmp_path / "cache").glob("*.pickle")}
    assert {name.split("-")[0] for name in written} == {"pack", "terms", "modality"}  # the suite runs without a model
    second = _check(args, env)
    assert second.stdout == first.stdout and second.stderr == first.stderr
    assert {path.name: path.stat().st_mtime_ns for path in (tmp_path / "cache").glob("*.pickle")} == written
    for path in (tmp_path / "cache").glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:100])
    third = _check(args, env)
    assert third.stdout == first.stdout and third.stderr == first.stderr and "Traceback" not in third.stderr
    no_cache = _check(["--no-cache", *args], env)
    assert no_cache.stdout == first.stdout


def test_a_configuration_is_kept_only_once_it_validates(cache_dir, tmp_path, caplog):
    from claimcheck.project.config import ConfigError, load_config_file

    config = tmp_path / ".claimcheck.yaml"
    config.write_text("selct: [CC1]\n")
    for _ in range(2):  # an invalid file is reported every time, never kept
        with pytest.raises(ConfigError) as error:
            load_config_file(config)
        assert "unknown key 'selct'" in error.value.problems[0].message
    assert not list(cache_dir.glob("config-*"))
    config.write_text("select: [CC1]\n")
    first = load_config_file(config)
    assert events(caplog, "config")[-2:] == ["miss", "write"]
    assert load_config_file(config) == first and events(caplog, "config")[-1] == "hit"


def test_only_the_most_recent_entries_are_kept(cache_dir, monkeypatch):
    import os

    monkeypatch.setattr(cache, "KEEP_ENTRIES", 3)
    cache_dir.mkdir()
    old = [cache_dir / f"pack-{age:040d}.pickle" for age in range(1, 5)]  # the oldest last
    for age, path in enumerate(old, start=1):
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))
    new = cache.Fingerprint("test")
    assert cache.cached(new, lambda: "new") == "new"
    assert set(cache_dir.glob("*.pickle")) == {old[0], old[1], cache_dir / f"{new.key()}.pickle"}
    monkeypatch.setattr(cache, "KEEP_ENTRIES", 48)
    monkeypatch.setattr(cache, "KEEP_BYTES", 2)  # the newest entry stays, whatever its size
    newest = cache.Fingerprint("other")
    cache.cached(newest, lambda: "bigger than two bytes")
    assert list(cache_dir.glob("*.pickle")) == [cache_dir / f"{newest.key()}.pickle"]
