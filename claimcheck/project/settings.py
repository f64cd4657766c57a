"""``check --show-settings``: the settings each checked file would get, and where they come from.

Files are grouped by what they get (their configuration file and their rules), so a folder
of a thousand pages under one configuration is one entry. The output is YAML, for people
and for scripts.
"""
from __future__ import annotations

from pathlib import Path

from claimcheck.load.exclusion import effective

SHOWN_FILES = 10  # per group; the rest are counted


def describe(prepared, request) -> str:
    import yaml

    from claimcheck.extract.learned import selected_model

    cli = request.command_line
    groups: dict[int, dict] = {}
    for source in prepared.sources:
        chosen = prepared.file_rules[source.origin]
        config = prepared.configs.get(source.origin)
        group = groups.setdefault(id(chosen), {"chosen": chosen, "config": config, "files": []})
        group["files"].append(source.origin)
    entries = []
    for group in groups.values():
        chosen, config, files = group["chosen"], group["config"], group["files"]
        severity = dict(config.severity if config else ())
        severity.update(cli.severity)
        exclude, _, respect_gitignore = effective(cli.exclude_settings(),
                                                  config.exclude_settings() if config else None)
        shown = files[:SHOWN_FILES] + ([f"... and {len(files) - SHOWN_FILES} more"] if len(files) > SHOWN_FILES
                                       else [])
        entries.append({
            "configuration": config.path if config and config.path else None,
            "files": shown,
            "jurisdiction": prepared.pack.jurisdiction,
            "fail-on": chosen.fail_on,
            "rules": sorted(chosen.reported),
            "severity": severity,
            "per-file-ignores": sorted({e.pattern for e in (config.per_file_ignores if config else ())}
                                       | {e.pattern for e in cli.per_file_ignores}),
            "exclude": list(exclude),
            "extend-exclude": list(cli.extend_exclude) + list(config.extend_exclude if config else ()),
            "respect-gitignore": respect_gitignore,
            "rule-paths": list(cli.rule_paths) + list(config.rule_paths if config else ()),
            "knowledge-base": list(cli.knowledge_base) + list(config.knowledge_base if config else ()),
        })
    document = {
        "rule packs": [str(Path(d)) for d in prepared.pack.directories],
        "rule-docs-url": prepared.rule_docs_url or "none (rules link where their pack's docs-url says, or nowhere)",
        "model": selected_model() or "none (the rules alone)",
        "jobs": request.jobs if request.jobs else "one per core for a large run (0)",
        "files": entries,
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
