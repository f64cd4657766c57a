"""A wheel built from this repository carries the rule pack, the knowledge base and the schemas."""
from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_wheel_contains_rules_and_schemas(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("claimcheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "claimcheck/rules/checks/efficacy/CC101-unapproved-use.yaml" in names
    assert "claimcheck/rules/kb/conditions.yaml" in names
    assert "claimcheck/rules/cues/modality.yaml" in names
    assert "claimcheck/schemas/rule.schema.json" in names
