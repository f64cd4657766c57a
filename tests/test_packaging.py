"""A wheel built from this repository carries the rule pack, the knowledge base and the
schemas, and once installed works from any folder without the source tree."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_installed_wheel_checks_files_from_another_folder(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("claimcheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "claimcheck/rules/checks/efficacy/CC101-unapproved-use.yaml" in names
    assert "claimcheck/rules/kb/conditions.yaml" in names
    assert "claimcheck/rules/cues/modality.yaml" in names
    assert "claimcheck/pack/schemas/rule.schema.json" in names
    assert "claimcheck/models/default/meta.json" in names  # the learned model ships in the wheel
    assert "claimcheck/models/default/sentences/textcat_multilabel/model" in names

    # Installed as pip install . installs it (not editable), into a folder of its own; the
    # dependencies come from this environment. Run from a folder far from the checkout.
    site = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ad = elsewhere / "ad.md"
    ad.write_text("# Knee clinic\n\nOur stem cell injections cure arthritis. No risk, guaranteed.\n", encoding="utf-8")
    # Without $CLAIMCHECK_MODEL (the suite sets it to "none"), so the shipped model is used.
    env = {**{k: v for k, v in os.environ.items() if k != "CLAIMCHECK_MODEL"}, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import claimcheck.pack.resources as r; print(r.rules_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip() == str(site / "claimcheck" / "rules")
    run = subprocess.run([str(site / "bin" / "claimcheck"), "check", "--format", "json", "ad.md"],
                         cwd=elsewhere, env=env, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr[-2000:]
    (document,) = json.loads(run.stdout)["documents"]
    assert document["status"] == "fail"
    assert {"CC102", "CC301"} <= {finding["code"] for finding in document["findings"]}

    explained = subprocess.run([str(site / "bin" / "claimcheck"), "explain", "--format", "json", "ad.md"],
                               cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    page = json.loads(explained.stdout)[0]["learned_page"]
    assert page["model"] == str(site / "claimcheck" / "models" / "default")
