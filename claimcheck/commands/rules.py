"""``claimcheck rules`` lists the rules; ``claimcheck rule CODE`` prints one rule's docs."""
from __future__ import annotations

import sys

import click

from claimcheck.commands.common import EXIT_ERROR, load_pack_or_exit, print_problems, rule_path_option


@click.command("rules")
@rule_path_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(rule_paths, fmt):
    """List the rules: code, name, category, severity, scope."""
    from claimcheck.project.suppress import META_RULES

    pack = load_pack_or_exit(rule_paths)
    print_problems(pack.problems)
    rules = list(pack.rules) + META_RULES  # the suppression meta-rules have codes too
    if fmt == "json":
        import json
        click.echo(json.dumps([{"code": r.code, "name": r.name, "category": r.category, "severity": r.severity,
                                "scope": r.scope, "kind": r.kind, "path": r.path} for r in rules], indent=2))
        return
    for rule in rules:
        click.echo(f"{rule.code}  {rule.name:34s} {rule.category:30s} {rule.severity:9s} {rule.scope}")


def rule_text(rule, kb) -> str:
    docs = rule.docs
    lines = [f"{rule.code} {rule.name}", "",
             f"category: {rule.category}    severity: {rule.severity}    scope: {rule.scope}    kind: {rule.kind}",
             *([f"applies to: {', '.join(rule.modalities)} claims"] if rule.modalities else []), "",
             "What it does", f"  {docs['what'].strip()}", "",
             "Why it matters", f"  {docs['why'].strip()}", "",
             "Example", f"  {docs['example'].strip()}", "",
             "Use instead", f"  {docs['use_instead'].strip()}", "", "References"]
    for ref in kb.references(docs["references"]):
        date = f" ({ref['date']})" if ref.get("date") else ""
        lines.append(f"  - {ref.get('issuer', '')}: {ref.get('title', '')}{date} {ref.get('url', '')}".rstrip())
    return "\n".join(lines) + "\n"


@click.command("rule")
@click.argument("code")
@rule_path_option
def rule_command(code, rule_paths):
    """Show one rule's documentation (by code, e.g. CC101, or by name)."""
    from claimcheck.project.suppress import META_RULES

    pack = load_pack_or_exit(rule_paths)
    rule = pack.rule(code) or next((r for r in META_RULES if code.upper() == r.code or code == r.name), None)
    if rule is None:
        click.echo(f"claimcheck: error: no rule {code!r}; see 'claimcheck rules'", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(rule_text(rule, pack.kb), nl=False)
