"""The pre-commit hook runs on every commit: --version, --help and configuration
errors must not import spaCy (about a second), nor jsonschema or YAML where
they are not needed, and a check whose rule pack is in the compiled cache reads
no YAML and validates nothing. Each case runs in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from claimcheck.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="claimcheck")
except SystemExit:
    pass
print("LOADED=" + ",".join(m for m in ("spacy", "thinc", "numpy", "jsonschema", "yaml", "numpy.ma", "pdfminer", "docx",
                                        "dask", "warcio") if m in sys.modules))
"""


def loaded_modules(*args, cwd=None) -> set[str]:
    output = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd,
                            check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("LOADED="))
    return set(filter(None, line[len("LOADED="):].split(",")))


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"], ["baseline", "--help"],
                                  ["test", "--help"], ["docs", "--help"]])
def test_version_and_help_import_nothing_heavy(args):
    assert loaded_modules(*args) == set()


def test_a_configuration_error_stops_before_spacy(tmp_path):
    (tmp_path / ".claimcheck.yaml").write_text("selct: [CC1]\n")
    (tmp_path / "ad.md").write_text("Our stem cell injections cure knee arthritis.\n")
    assert "spacy" not in loaded_modules("check", str(tmp_path / "ad.md"))


def test_a_check_from_a_warm_cache_reads_no_yaml_and_imports_only_what_it_uses(tmp_path):
    """The suite's cache folder (conftest.py) is inherited; the first run fills it."""
    ad = tmp_path / "ad.md"
    ad.write_text("# Knee care\n\nOur stem cell injections cure knee arthritis.\n")
    loaded_modules("check", "--isolated", str(ad))
    loaded = loaded_modules("check", "--isolated", str(ad))
    assert "spacy" in loaded
    # No YAML parsing or schema validation (the pack comes from the cache), no PDF, Word,
    # crawl or dask support for a Markdown file, and not numpy.ma (numpy.isin imports it: 50 ms).
    assert not loaded & {"jsonschema", "yaml", "numpy.ma", "pdfminer", "docx", "dask", "warcio"}


def test_a_configuration_that_validated_before_is_not_validated_again(tmp_path):
    (tmp_path / ".claimcheck.yaml").write_text("ignore: [CC304]\nfail-on: major\n")
    ad = tmp_path / "ad.md"
    ad.write_text("Our stem cell injections cure knee arthritis.\n")
    loaded_modules("check", str(ad), cwd=tmp_path)
    assert not loaded_modules("check", str(ad), cwd=tmp_path) & {"jsonschema", "yaml"}
    (tmp_path / ".claimcheck.yaml").write_text("ignore: [CC304]\nfail-on: minor\n")  # changed: validated again
    assert {"jsonschema", "yaml"} <= loaded_modules("check", str(ad), cwd=tmp_path)


def test_the_garbage_collector_is_on_again_after_a_check(tmp_path):
    """``check`` pauses the collector while it builds the pipeline (claimcheck/runtime/collector.py);
    it must be back on afterwards, also when the run stops before any pipeline is built."""
    import gc

    from tests.clitools import invoke

    ad = tmp_path / "ad.md"
    ad.write_text("Our stem cell injections cure knee arthritis.\n")
    assert gc.isenabled()
    assert invoke("check", "--isolated", ad).exit_code == 1
    assert gc.isenabled()
    (tmp_path / ".claimcheck.yaml").write_text("selct: [CC1]\n")
    assert invoke("check", ad).exit_code == 2
    assert gc.isenabled()
