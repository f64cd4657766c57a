"""``claimcheck test RULES_DIR``: run every rule's annotated fixture, semgrep-style.

A rule pack is tested the way it runs: on top of the built-in pack (its rules
use the built-in lexicon and knowledge base) unless ``--no-builtin``; only the
rules under RULES_DIR are tested. Failures print as ``path:line: ...`` so that
editors and CI jump to them; known gaps (todoruleid, todook) are listed but
do not fail, and a todo the rule now gets right is pointed out.
Exit 1 when a rule fails or a rule file is broken, 2 on usage errors.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from claimcheck.commands.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _under(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder)


@click.command("test")
@click.argument("rules_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--no-builtin-pack", "--no-builtin", "no_builtin", is_flag=True,
              help="Load RULES_DIR alone, without the built-in pack.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every rule that passed.")
def test_command(rules_dir, no_builtin, verbose):
    """Run every rule's annotated fixtures in a rules folder.

    Beside each rule CCnnn-name.yaml, fixtures CCnnn-name.md (and CCnnn-name.*.md) mark the
    line after '<!-- ruleid: CCnnn -->' as one the rule must flag, after '<!-- ok: CCnnn -->'
    as one it must not; 'todoruleid' and 'todook' mark known gaps. Every rule needs at least
    one ruleid and one ok example. Token patterns of the folder's cues and lexicon entries are
    checked too: a word the tokenizer splits ('pain-free', "can't") can never match one token.
    """
    from claimcheck.extract.learned import select_model
    from claimcheck.pack.resources import rules_dir as builtin_dir
    from claimcheck.pack.rulepack import DEFAULT_JURISDICTION, load_pack, read_manifest
    from claimcheck.testing.rules import run_rule_tests

    select_model(None)  # fixtures test what the rules decide; the learned model is measured apart

    folder = Path(rules_dir).resolve()
    if folder == builtin_dir().resolve():
        pack = load_pack()
    else:
        # A jurisdiction's pack is tested under its own law, whatever the default.
        jurisdiction = read_manifest(folder)[0].get("jurisdiction", DEFAULT_JURISDICTION)
        pack = load_pack((str(folder),), (), include_builtin=not no_builtin, jurisdiction=jurisdiction)
    from claimcheck.extract.patterns import pattern_problems
    from claimcheck.extract.pipeline import build_pipeline

    # Token patterns whose words the tokenizer never yields whole match nothing, silently.
    tokenizer = build_pipeline(pack).tokenizer
    own = [item for item in [*pack.cues, *pack.lexicon] if _under(item.path, folder)]
    problems = pack.problems + pattern_problems(own, tokenizer)
    broken = [p for p in problems if _under(p.path, folder)]
    for problem in problems:
        click.echo(problem.render(), err=True)
    rules = [rule for rule in pack.rules if _under(rule.path, folder)]
    if not rules and not broken:
        click.echo(f"{rules_dir}: error: no rules found (expected CCnnn-name.yaml files)", err=True)
        sys.exit(EXIT_ERROR)

    failed_rules = 0
    counts = {"passed": 0, "failed": 0, "todo": 0, "fixed": 0}
    for result in run_rule_tests(pack, rules):
        rule = pack.rule(result.code)
        for problem in result.problems:  # each already starts with its file
            click.echo(problem)
        for expectation, why in result.failed:
            click.echo(f"{_shown(expectation.path)}:{expectation.line}: {expectation.kind} {expectation.code}: {why}")
        for expectation, why in result.todo:
            click.echo(f"{_shown(expectation.path)}:{expectation.line}: {expectation.kind} {expectation.code}: "
                       f"known gap ({why})")
        for expectation in result.fixed:
            click.echo(f"{_shown(expectation.path)}:{expectation.line}: {expectation.kind} {expectation.code}: "
                       f"now passes; change it to '{expectation.kind[4:]}'")
        counts["passed"] += len(result.passed)
        counts["failed"] += len(result.failed)
        counts["todo"] += len(result.todo)
        counts["fixed"] += len(result.fixed)
        if not result.ok:
            failed_rules += 1
            click.echo(f"FAIL {rule.code} {rule.name}")
        elif verbose:
            click.echo(f"ok   {rule.code} {rule.name} ({len(result.passed)} expectations)")
    click.echo(f"{len(rules)} rule(s): {len(rules) - failed_rules} passed, {failed_rules} failed"
               + (f", {len(broken)} broken rule file problem(s)" if broken else "")
               + f"; expectations: {counts['passed']} passed, {counts['failed']} failed, {counts['todo']} todo"
               + (f", {counts['fixed']} todo now passing" if counts["fixed"] else ""))
    sys.exit(EXIT_FINDINGS if failed_rules or broken else EXIT_OK)
