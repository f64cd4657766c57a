"""Which rules run on which file, with ruff's semantics.

* A selector is ``ALL``, a rule code (``CC101``), a code prefix (``CC1``,
  ``CC``) or a rule name (``unapproved-use``); codes are case-insensitive.
* The enabled set starts as every rule that is on by default. Then each layer
  applies in turn, the file's configuration first and the command line last:
  a layer with ``select`` replaces the set, ``extend-select`` adds to it,
  ``ignore`` takes away. Inside one layer the more specific selector wins
  (``CC101`` over ``CC1`` over ``ALL``), and at equal specificity ``ignore``
  wins, so ``select: [CC1], ignore: [CC101]`` runs CC1xx but CC101 and
  ``select: [CC101], ignore: [CC1]`` runs CC101 alone.
* ``per-file-ignores`` then remove rules from matching files, whatever was
  selected. A glob is matched against the path relative to the folder of the
  configuration that names it, and a glob without ``/`` also against the file
  name; ``**`` crosses folders, ``*`` does not; a leading ``!`` negates.
* ``severity`` overrides give every finding of a rule that one severity
  (escalation, hedging and the page as a whole no longer change it), as Vale's per-rule levels do.
* Rules from an extra rule pack run only on the files whose configuration
  (or the command line) names that pack.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from claimcheck.project.config import Config, ConfigError, PerFileIgnore
from claimcheck.errors import BAD_CONFIG, InputProblem

ALL = "ALL"
EXACT = 1_000  # a code or a name outranks any prefix
DEFAULT_FAIL_ON = "major"
COMMAND_LINE = "command line"


_CODE_PREFIX = re.compile(r"[A-Za-z]{1,4}[0-9]{0,2}")  # shorter than a whole code (CC101)


def specificity(selector: str) -> int:
    """0 for ALL, the length for a code prefix, EXACT for a code or a rule name."""
    if selector.upper() == ALL:
        return 0
    if _CODE_PREFIX.fullmatch(selector):
        return len(selector)
    return EXACT


def matches(selector: str, rule) -> bool:
    wanted = selector.upper()
    if wanted == ALL:
        return True
    if specificity(selector) == EXACT:
        return rule.code == wanted or rule.name == selector.lower()
    return rule.code.startswith(wanted)


def unknown(selectors, rules) -> list[str]:
    return [s for s in selectors if not any(matches(s, rule) for rule in rules)]


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"/?\Z")


def glob_matches(entry: PerFileIgnore, path: str) -> bool:
    """Does a per-file-ignores glob match a checked file (see the module docstring)?"""
    negated = entry.pattern.startswith("!")
    pattern = entry.pattern[1:] if negated else entry.pattern
    absolute = Path(os.path.abspath(path))
    relative = os.path.relpath(absolute, entry.root).replace(os.sep, "/")
    regex = _glob(pattern.rstrip("/"))
    hit = bool(regex.match(relative)) or ("/" not in pattern and bool(regex.match(absolute.name)))
    if not hit and pattern.endswith("/"):  # "drafts/" means everything below drafts
        hit = relative.startswith(pattern)
    return hit != negated


@dataclass(frozen=True)
class Layer:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def enabled_codes(rules, layers: list[Layer]) -> set[str]:
    enabled = {rule.code for rule in rules if rule.enabled}
    for layer in layers:
        updates: dict[str, bool] = {}
        chosen = [(specificity(s), True, s) for s in (layer.select or ()) + layer.extend_select]
        dropped = [(specificity(s), False, s) for s in layer.ignore]
        # Sorting by (specificity, select-before-ignore): later updates win.
        for _, on, selector in sorted(chosen + dropped, key=lambda item: (item[0], not item[1])):
            for rule in rules:
                if matches(selector, rule):
                    updates[rule.code] = on
        if layer.select is not None:
            enabled = {code for code, on in updates.items() if on}
        else:
            enabled |= {code for code, on in updates.items() if on}
            enabled -= {code for code, on in updates.items() if not on}
    return enabled


@dataclass
class FileRules:
    """What runs on one file, and what is reported.

    Document-scope rules (a page with claims and no risk disclosure) judge the
    claim findings of the page, so every claim rule runs whatever is selected:
    ``--select CC303`` must still see the claims CC101 finds. Findings of the
    rules not in ``reported`` are dropped after evaluation (``drop_unreported``).
    """

    rules: list  # the pack rules to evaluate, severity overrides applied
    reported: set  # the codes whose findings are kept
    meta: dict  # code -> the suppression meta-rules that are on
    fail_on: str
    config: Config | None

    def drop_unreported(self, findings: list) -> list:
        return [f for f in findings if f.code in self.reported]


class RuleSelector:
    """Resolves each file's rules from its configuration and the command line.

    ``command_line`` is a ``Config`` built from the flags (its ``root`` is the
    current folder); ``replace_per_file_ignores`` is ruff's ``--per-file-ignores``
    (instead of the configuration's) as opposed to ``--extend-per-file-ignores``.
    """

    def __init__(self, pack, meta_rules, command_line: Config, replace_per_file_ignores: bool = False):
        from claimcheck.pack.resources import rules_dir

        self.pack_rules = list(pack.rules)
        self.meta_rules = list(meta_rules)
        self.all_rules = self.pack_rules + self.meta_rules
        self.command_line = command_line
        self.replace_per_file_ignores = replace_per_file_ignores
        self._builtin = str(rules_dir())
        # The pack folder each rule came from: the deepest folder that holds it.
        folders = sorted(pack.directories, key=len, reverse=True)
        self._pack_of = {rule.code: next((d for d in folders if _under(rule.path, d)), None)
                         for rule in self.pack_rules}
        self._cache: dict = {}
        self.check(command_line)

    # -- validation ------------------------------------------------------------
    def check(self, config: Config) -> None:
        """Every selector must name a rule; raises ``ConfigError`` with one line each."""
        origin = config.path or COMMAND_LINE
        problems = []

        def report(key, message):
            option = key if config.path else f"--{key}"  # a key in a file, a flag on the command line
            problems.append(InputProblem(origin, BAD_CONFIG, f"{option}: {message}", line=config.line_of(key)))

        for key, selectors in (("select", config.select or ()), ("extend-select", config.extend_select),
                               ("ignore", config.ignore)):
            for selector in unknown(selectors, self.all_rules):
                report(key, f"unknown rule selector {selector!r} (expected a code such as CC101, "
                            f"a prefix such as CC1, a rule name, or ALL)")
        for entry in config.per_file_ignores:
            for selector in unknown(entry.selectors, self.all_rules):
                report("per-file-ignores", f"{entry.pattern}: unknown rule selector {selector!r}")
        for name, _ in config.severity:
            if not any(specificity(name) == EXACT and matches(name, rule) for rule in self.all_rules):
                report("severity", f"unknown rule {name!r} (expected a rule code or name)")
        if problems:
            raise ConfigError(problems)

    # -- resolution ------------------------------------------------------------
    def _universe(self, config: Config | None) -> list:
        """The built-in rules, those of the packs that this file's configuration or
        the command line names, and the meta-rules."""
        packs = {self._builtin, None, *self.command_line.rule_paths, *(config.rule_paths if config else ())}
        return [rule for rule in self.pack_rules if self._pack_of[rule.code] in packs] + self.meta_rules

    def for_file(self, path: str, config: Config | None) -> FileRules:
        ignores = [] if self.replace_per_file_ignores or config is None else list(config.per_file_ignores)
        ignores += self.command_line.per_file_ignores
        matching = tuple(entry for entry in ignores if glob_matches(entry, path))
        key = (id(config), matching)
        if key not in self._cache:
            self._cache[key] = self._resolve(config, matching)
        return self._cache[key]

    def _resolve(self, config: Config | None, ignores: tuple[PerFileIgnore, ...]) -> FileRules:
        universe = self._universe(config)
        layers = [Layer(c.select, c.extend_select, c.ignore) for c in (config, self.command_line) if c]
        enabled = enabled_codes(universe, layers)
        for entry in ignores:
            enabled -= {rule.code for rule in universe if any(matches(s, rule) for s in entry.selectors)}
        overrides = dict(config.severity if config else ())
        overrides.update(self.command_line.severity)
        chosen = []
        for rule in universe:
            if rule.code not in enabled:
                if rule.scope == "claim":
                    chosen.append(rule)  # evaluated for the document rules' sake, not reported
                continue
            severity = overrides.get(rule.code) or overrides.get(rule.name)
            if severity:
                rule = replace(rule, severity=severity, hedged_severity=severity, escalations=[], severity_fixed=True)
            if not rule.enabled:  # off by default, selected by name: run it
                rule = replace(rule, enabled=True)
            chosen.append(rule)
        meta_codes = {rule.code for rule in self.meta_rules}
        fail_on = self.command_line.fail_on or (config.fail_on if config else None) or DEFAULT_FAIL_ON
        return FileRules(rules=[r for r in chosen if r.code not in meta_codes], reported=enabled,
                         meta={r.code: r for r in chosen if r.code in meta_codes and r.code in enabled},
                         fail_on=fail_on, config=config)


def _under(path: str, directory: str) -> bool:
    return os.path.abspath(path).startswith(os.path.abspath(directory).rstrip(os.sep) + os.sep)
