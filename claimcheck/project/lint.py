"""A linting run as a project sees it: each file's configuration, rule
selection, suppression comments and the baseline, around ``runner.check_sources``.

``check`` and ``baseline`` both go through ``lint``, so a baseline records
exactly what ``check`` would report. Problems that stop the run before any
work (a bad configuration, an unknown selector, an unusable baseline) raise
``ConfigError`` or ``BaselineError``; the command prints them and exits 2.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.project.config import Config, ConfigError, ConfigFinder, load_config_file
from claimcheck.errors import BAD_CONFIG, BAD_RULE, InputProblem
from claimcheck.load.files import DEFAULT_MAX_BYTES


@dataclass
class LintRequest:
    """What the command line asked for."""

    paths: tuple[str, ...]
    command_line: Config  # the flags, as a configuration layer that wins
    config_file: str | None = None
    isolated: bool = False
    replace_per_file_ignores: bool = False
    baseline: str | None = None
    stdin_filename: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    # Text already in memory (the language server's open documents), checked instead of reading ``paths``.
    sources: tuple | None = None
    # More steps run on each CheckedDocument after suppressions and the baseline (the language
    # server records sentence spans there for its quick fixes).
    postprocess: tuple = ()
    timeout: float | None = None  # seconds to read, and to check, one document
    include_builtin: bool = True  # False: --no-builtin-pack, only the rule paths' packs
    jobs: int = 1  # processes to check with; 0: one per core when the run is large (check --jobs)


@dataclass
class LintResult:
    documents: list
    problems: list[InputProblem]
    pack: object
    sources: dict  # path -> raw text
    fail_on: dict  # path -> that file's fail-on severity
    configs: list[str]  # the configuration files used
    jurisdiction: str = "US"
    baseline: object = None  # baseline.Baseline when --baseline was given
    notes: list[str] = field(default_factory=list)

    @property
    def strictest_fail_on(self) -> str:
        from claimcheck.model import SEVERITY_RANK
        from claimcheck.project.selection import DEFAULT_FAIL_ON
        return min(self.fail_on.values(), key=SEVERITY_RANK.__getitem__, default=DEFAULT_FAIL_ON)


def _configuration_lookup(request: LintRequest) -> Callable[[Path], Config | None]:
    """The configuration that applies in a folder: none with --isolated, --config's everywhere
    (read here, so that a typo in it is reported even when nothing is checked), else the
    nearest one above the folder. One lookup serves the walk's exclusions and the files'
    settings, so each configuration file is read once."""
    if request.isolated:
        return lambda folder: None
    if request.config_file:
        given = load_config_file(Path(request.config_file))
        return lambda folder: given
    return ConfigFinder().for_folder


def _configs_for(sources, lookup: Callable[[Path], Config | None]) -> dict[str, Config | None]:
    # '-' is standard input: the configuration of the current folder.
    return {source.origin: lookup(Path.cwd() if source.origin == "-" else Path(source.origin).parent)
            for source in sources}


def _exclusion(request: LintRequest, lookup: Callable[[Path], Config | None]):
    """What folder walks leave out: the flags' patterns over those of the configuration that
    applies in each folder."""
    from claimcheck.load.exclusion import Exclusion

    def configuration(folder: Path):
        config = lookup(folder)
        return config.exclude_settings() if config is not None else None
    return Exclusion(request.command_line.exclude_settings(), configuration)


def _unique(items) -> tuple:
    return tuple(dict.fromkeys(items))


def _run_wide(cli: Config, in_play: list[Config], name: str) -> str | None:
    """A setting one run has a single value of (``jurisdiction``: one law; ``rule_docs_url``:
    one place the rule packs load with): the command line's, else the configurations' (among
    several, the first in sorted order), else None (the default)."""
    if getattr(cli, name):
        return getattr(cli, name)
    return next(iter(sorted({getattr(c, name) for c in in_play if getattr(c, name)})), None)


def _jurisdiction_origin(cli: Config, in_play: list[Config]) -> str:
    if cli.jurisdiction:
        return "--jurisdiction"
    return next(str(c.path) for c in sorted(in_play, key=lambda c: c.jurisdiction or "") if c.jurisdiction)


@dataclass
class Prepared:
    """A lint run up to the checking: its sources, their configurations, the rule pack and
    each file's rules (``lint`` checks with them; ``check --show-settings`` shows them)."""

    problems: list[InputProblem]
    sources: list
    configs: dict  # origin -> its Config (None: the defaults)
    in_play: list  # the configurations used
    pack: object
    selector: object  # selection.RuleSelector
    file_rules: dict  # origin -> selection.FileRules
    baseline: object = None
    rule_docs_url: str | None = None  # where rules of packs without a docs-url link (rule-docs-url)


def prepare(request: LintRequest) -> Prepared:
    """Read the sources, find their configurations, load the rule pack and choose each file's rules."""
    from claimcheck.load.files import iter_sources
    from claimcheck.pack.rulepack import DEFAULT_JURISDICTION, load_pack
    from claimcheck.project.selection import RuleSelector
    from claimcheck.project.suppress import META_RULES

    problems: list[InputProblem] = []
    lookup = _configuration_lookup(request)
    # Sources are read first (cheap, no spaCy): each one's folder decides its
    # configuration, and the configurations decide which rule packs to load.
    if request.sources is not None:
        sources = list(request.sources)
    else:
        sources = list(iter_sources(request.paths, problems, stdin_filename=request.stdin_filename,
                                    max_bytes=request.max_bytes, timeout=request.timeout,
                                    exclusion=_exclusion(request, lookup)))
    configs = _configs_for(sources, lookup)
    in_play = [c for c in _unique(configs.values()) if c is not None]
    cli = request.command_line
    jurisdiction = _run_wide(cli, in_play, "jurisdiction")
    docs_url = _run_wide(cli, in_play, "rule_docs_url")
    pack = load_pack(_unique([*cli.rule_paths, *(p for c in in_play for p in c.rule_paths)]),
                     _unique([*cli.knowledge_base, *(p for c in in_play for p in c.knowledge_base)]),
                     include_builtin=request.include_builtin, jurisdiction=jurisdiction or DEFAULT_JURISDICTION,
                     docs_url=docs_url)
    if jurisdiction and jurisdiction not in pack.jurisdictions:
        known = ", ".join(sorted(pack.jurisdictions)) or "none"
        raise ConfigError([InputProblem(_jurisdiction_origin(cli, in_play), BAD_CONFIG,
                                        f"jurisdiction {jurisdiction!r}: no rule pack's pack.yaml names it "
                                        f"(the packs in use name: {known})")])
    if not pack.rules:
        raise ConfigError(pack.problems + [InputProblem("claimcheck", BAD_RULE, "no usable rules")])
    problems[:0] = pack.problems
    selector = RuleSelector(pack, META_RULES, cli, request.replace_per_file_ignores)
    for config in in_play:
        selector.check(config)
    baseline = None
    if request.baseline:
        from claimcheck.project.baseline import Baseline
        baseline = Baseline.load(Path(request.baseline))

    file_rules = {origin: selector.for_file(origin, config) for origin, config in configs.items()}
    return Prepared(problems, sources, configs, in_play, pack, selector, file_rules, baseline, docs_url)


def lint(request: LintRequest) -> LintResult:
    from claimcheck.project.runner import CheckOptions, check_sources
    from claimcheck.project.suppress import apply_suppressions, code_index, plain_text_directives

    prepared = prepare(request)
    problems, sources, pack, file_rules, baseline = (prepared.problems, prepared.sources, prepared.pack,
                                                     prepared.file_rules, prepared.baseline)
    in_play = prepared.in_play
    known_codes = code_index(prepared.selector.all_rules)

    def suppress(checked) -> None:
        chosen = file_rules[checked.source.origin]
        kept = chosen.drop_unreported(checked.result.findings)
        comments, raw = checked.text.comments, checked.source.raw
        inline = plain_text_directives(raw, comments) if checked.source.media_type == "text/plain" else ()
        meta = apply_suppressions(kept, comments, raw, known_codes, chosen.meta, chosen.reported, inline)
        checked.result.findings = sorted(kept + meta, key=lambda f: (f.start, f.code))

    steps = [suppress] + ([baseline.apply] if baseline else []) + list(request.postprocess)
    options = CheckOptions(rules_for=lambda source: file_rules[source.origin].rules, postprocess=steps,
                           timeout=request.timeout, jobs=request.jobs)
    documents = [checked.result for checked in check_sources(sources, pack, problems, options)]
    result = LintResult(
        documents=documents, problems=problems, pack=pack,
        sources={source.origin: source.raw for source in sources},
        fail_on={origin: chosen.fail_on for origin, chosen in file_rules.items()},
        configs=[c.path for c in in_play], jurisdiction=pack.jurisdiction,
        baseline=baseline)
    if baseline:
        result.notes.append(baseline.note())
    return result
