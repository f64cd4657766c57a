"""The rule pack: rules, lexicons, modality cues and the knowledge base, loaded
from YAML and validated, then compiled once per process.

Layout of a pack directory (the built-in one is ``rules/``)::

    kb/*.yaml         knowledge base           (schemas/kb.schema.json)
    lexicon/*.yaml    predicate, disclosure and promotion phrases
    cues/*.yaml       modality cues, ConText-style
    checks/**/CCnnn-name.yaml   one rule per file, its fixture CCnnn-name.md beside it
    pack.yaml         the manifest (optional; schemas/pack.schema.json): name, jurisdiction,
                      docs-url (where its rule pages are published)

A jurisdiction is a pack folder whose manifest names it. The run's jurisdiction (US unless
``--jurisdiction`` or the configuration says otherwise) decides which packs' knowledge base
and rules apply: those of packs for that jurisdiction and of packs that name none. Lexicons
and cues are language, not law, so every pack's apply to every run.

An extra pack (``--rule-path`` / ``rule-paths``) may use the same layout or be
a plain folder of rule files. A broken file is reported as ``file:line:
message`` and left out; everything else still loads.

Reading and validating the YAML is done once per pack version: the validated
pack is kept in the compiled cache (``claimcheck.runtime.cache``) under a key made of
every file the pack is read from, and only the rules' checks are compiled on
each run (they are closures, and the kind modules may change between runs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from claimcheck.errors import BAD_RULE, InputProblem
from claimcheck.pack.knowledge import KnowledgeBase, load_knowledge_base
from claimcheck.model import SEVERITIES
from claimcheck.pack.resources import rules_dir
from claimcheck.pack.yamldata import line_of, load_validated

DEFAULT_MODALITIES = ("asserted", "hedged")
DEFAULT_JURISDICTION = "US"
MANIFEST = "pack.yaml"


@dataclass
class Rule:
    code: str
    name: str
    kind: str
    category: str
    severity: str
    scope: str
    message: str
    docs: dict
    path: str
    suggestion: str = ""
    modalities: tuple[str, ...] = DEFAULT_MODALITIES
    hedged_severity: str | None = None
    escalations: list[dict] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    enabled: bool = True
    # Set by a user's severity override (project/selection.py): then nothing moves the severity,
    # neither escalation nor hedging nor the page as a whole (evaluate/learned.weigh_by_page).
    severity_fixed: bool = False
    check: object = None  # compiled by the kind
    # Where this rule's pack publishes its rule pages (pack.yaml ``docs-url``); None: nowhere,
    # so reports make no link to them (pack/docs.py ``help_uri``).
    docs_url: str | None = None

    @property
    def fixtures(self) -> list[Path]:
        """The annotated example files beside the rule (``CC101-x.md``, ``CC101-x.*.md``)."""
        path = Path(self.path)
        return sorted(p for p in path.parent.glob(path.stem + "*")
                      if p.suffix in (".md", ".html", ".txt") and p.is_file())

    def with_severity(self, severity: str) -> "Rule":
        copy = Rule(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        copy.severity = severity
        return copy


@dataclass
class LexiconEntry:
    id: str
    label: str  # predicate | disclosure | promotion
    cls: str
    phrases: list[str]
    case_sensitive: list[str]
    patterns: list[list[dict]]
    path: str
    # Context a match needs: {"words": [...], "before": n, "after": n} (the lexicon schema's "near").
    near: dict | None = None


@dataclass
class Cue:
    id: str
    category: str
    direction: str
    phrases: list[str]
    patterns: list[list[dict]]
    max_scope: int | None
    path: str
    ignore_on_promotional_pages: bool = False
    whole_sentence: bool = False
    excluded_predicates: tuple[str, ...] = ()
    ends_at_comma: bool = False
    whole_sentence_when_first: bool = False


@dataclass
class Discourse:
    """How claims borrow from their surroundings: the ``discourse`` settings of the cue files
    (their meaning is in schemas/cues.schema.json), with these defaults."""

    inheriting_predicates: tuple[str, ...] = ("treat", "cure", "regenerate", "efficacy")
    condition_taking_predicates: tuple[str, ...] = ("treat", "cure", "regenerate", "efficacy", "evidence",
                                                    "testimonial")
    lead_in_categories: tuple[str, ...] = ("negated", "reported", "hypothetical", "research", "question")
    max_list_gap: int = 40
    heading_max_words: int = 8
    min_reported_words: int = 4
    setup_max_words: int = 16
    # Claims of these predicate patterns are noun phrases ("stem cell injections for back pain")
    # that take the modality (of these categories) of the claim whose subject they are.
    subject_phrase_patterns: tuple[str, ...] = ()
    subject_phrase_categories: tuple[str, ...] = ("negated", "reported", "hypothetical", "research", "question",
                                                  "hedged")


@dataclass(frozen=True)
class PageSignal:
    """Words that tell what kind of page this is (schemas/cues.schema.json, ``page_signals``)."""

    id: str
    modality: str
    words: tuple[str, ...]
    min_mentions: int = 1
    min_distinct: int = 1
    min_sentences: int = 1
    unless_promotional: bool = False
    ignore_capitals: bool = False
    path: str = ""


@dataclass
class RulePack:
    rules: list[Rule]
    kb: KnowledgeBase
    lexicon: list[LexiconEntry]
    cues: list[Cue]
    precedence: list[str]
    problems: list[InputProblem]
    directories: tuple[str, ...]
    jurisdiction: str = DEFAULT_JURISDICTION  # whose knowledge base and rules were loaded
    # jurisdiction -> the pack folders whose manifests name it, loaded or left out
    jurisdictions: dict[str, list[str]] = field(default_factory=dict)
    cache_key: str = ""  # the compiled cache's key of this pack version (claimcheck.runtime.cache)
    affirmations: list[str] = field(default_factory=list)
    rhetorical_questions: list[str] = field(default_factory=list)
    subordinate_openers: list[str] = field(default_factory=list)
    denials: list[str] = field(default_factory=list)
    condition_anaphors: list[str] = field(default_factory=list)
    negative_answers: list[str] = field(default_factory=list)
    clause_breaks: list[str] = field(default_factory=list)
    clause_exclusions: list[str] = field(default_factory=list)
    population_openers: list[str] = field(default_factory=list)
    object_determiners: list[str] = field(default_factory=list)
    object_ends: list[str] = field(default_factory=list)
    not_conditions: list[str] = field(default_factory=list)
    condition_heads: list[str] = field(default_factory=list)
    condition_suffixes: list[str] = field(default_factory=list)
    page_signals: list[PageSignal] = field(default_factory=list)
    discourse: Discourse = field(default_factory=Discourse)

    def rule(self, code_or_name: str) -> Rule | None:
        wanted = code_or_name.upper()
        return next((r for r in self.rules if r.code == wanted or r.name == code_or_name), None)


def _load_rule(path: Path, kb: KnowledgeBase) -> tuple[Rule | None, list[InputProblem]]:
    from jsonschema import Draft202012Validator

    data, problems = load_validated(path, "rule")
    if data is None:
        return None, problems
    origin = str(path)
    from claimcheck.evaluate.kinds import load_kind
    try:
        module = load_kind(data["kind"])
    except (ValueError, ImportError) as exc:
        return None, [InputProblem(origin, BAD_RULE, str(exc), line=line_of(path, ["kind"]))]
    parameters = data.get("parameters", {})
    for error in Draft202012Validator(module.PARAMETERS).iter_errors(parameters):
        where = "/".join(map(str, error.absolute_path))
        problems.append(InputProblem(origin, BAD_RULE, f"parameters{'/' + where if where else ''}: {error.message}",
                                     line=line_of(path, ["parameters", *error.absolute_path])))
    for index, source in enumerate(data["docs"]["references"]):
        if source not in kb.sources:
            problems.append(InputProblem(origin, BAD_RULE, f"docs/references: unknown source {source!r}",
                                         line=line_of(path, ["docs", "references", index])))
    if problems:
        return None, problems
    rule = Rule(
        code=data["code"], name=data["name"], kind=data["kind"], category=data["category"],
        severity=data["severity"], scope=data["scope"], message=data["message"], docs=data["docs"],
        path=origin, suggestion=data.get("suggestion", ""),
        modalities=tuple(data.get("modalities", DEFAULT_MODALITIES)),
        hedged_severity=data.get("hedged_severity"), escalations=data.get("escalations", []),
        parameters=parameters, enabled=data.get("enabled", True))
    return rule, []


def _pack_parts(directory: Path) -> dict[str, list[Path]]:
    def files(sub: str) -> list[Path]:
        return sorted((directory / sub).rglob("*.yaml")) if (directory / sub).is_dir() else []
    if any((directory / sub).is_dir() for sub in ("checks", "kb", "lexicon", "cues")):
        return {"kb": files("kb"), "lexicon": files("lexicon"), "cues": files("cues"), "checks": files("checks")}
    return {"kb": [], "lexicon": [], "cues": [], "checks": sorted(p for p in directory.rglob("*.yaml")
                                                                 if p != directory / MANIFEST)}


def read_manifest(directory: Path) -> tuple[dict, list[InputProblem]]:
    """A pack folder's ``pack.yaml`` ({} when it has none, or an invalid one: see the problems)."""
    path = directory / MANIFEST
    if not path.is_file():
        return {}, []
    data, problems = load_validated(path, "pack")
    return data or {}, problems


# Word lists of a cue file (rules/cues/*.yaml) that context reads; each is a RulePack field of
# the same name, lower-cased, and the lists of several cue files add up.
CUE_WORD_LISTS = ("affirmations", "rhetorical_questions", "subordinate_openers", "denials", "condition_anaphors",
                  "negative_answers", "clause_breaks", "clause_exclusions", "population_openers",
                  "object_determiners", "object_ends", "not_conditions", "condition_heads", "condition_suffixes")


@dataclass(frozen=True)
class PackChoice:
    """Which rule pack a run uses, as a value that can be sent to worker processes (a pool's,
    a Dask cluster's), each of which loads it for itself."""

    rule_paths: tuple[str, ...] = ()
    jurisdiction: str = DEFAULT_JURISDICTION
    include_builtin: bool = True

    def load(self) -> RulePack:
        return load_pack(self.rule_paths, (), self.include_builtin, self.jurisdiction)


def load_pack(extra_dirs: tuple[str, ...] = (), extra_kb: tuple[str, ...] = (),
              include_builtin: bool = True, jurisdiction: str = DEFAULT_JURISDICTION,
              docs_url: str | None = None) -> RulePack:
    """Load and validate a rule pack for ``jurisdiction``; never raises for bad files (see
    ``problems``). ``docs_url``: where the rules of packs that name no ``docs-url`` of their
    own are published (the configuration's ``rule-docs-url``)."""
    return _load_pack_cached(tuple(extra_dirs), tuple(extra_kb), include_builtin, jurisdiction, docs_url)


@lru_cache(maxsize=8)
def _load_pack_cached(extra_dirs: tuple[str, ...], extra_kb: tuple[str, ...], include_builtin: bool,
                      jurisdiction: str, docs_url: str | None) -> RulePack:
    from claimcheck.runtime import cache

    directories = ((str(rules_dir()),) if include_builtin else ()) + extra_dirs
    fingerprint = _fingerprint(directories, extra_kb).add(jurisdiction, docs_url or "")
    pack = cache.cached(fingerprint, lambda: _read_pack(directories, extra_kb, jurisdiction, docs_url))
    pack.cache_key = fingerprint.key()
    _compile_checks(pack)
    return pack


def _fingerprint(directories: tuple[str, ...], extra_kb: tuple[str, ...]):
    """Everything the validated pack depends on: each YAML file of each pack folder (a
    superset of those read), the extra knowledge-base files, the YAML parser and schema
    validator, and which check kinds are installed (a rule's parameters are validated
    against its kind's schema)."""
    from claimcheck.runtime.cache import Fingerprint
    from claimcheck.evaluate.kinds import BUILT_IN, registered

    fingerprint = Fingerprint("pack").add(directories, extra_kb).add_library("yaml").add_library("jsonschema")
    for directory in directories:
        fingerprint.add_tree(Path(directory), "*.yaml")
    for path in extra_kb:
        fingerprint.add_file(Path(path))
    for name, module in sorted(registered().items()):
        fingerprint.add(name, module)
        if module != BUILT_IN.get(name):  # claimcheck's own are in the source digest already
            fingerprint.add_file(_module_file(module))
    return fingerprint


def _module_file(module: str) -> Path:
    import importlib.util
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    return Path(spec.origin) if spec is not None and spec.origin else Path(module)


def _read_pack(directories: tuple[str, ...], extra_kb: tuple[str, ...], jurisdiction: str,
               docs_url: str | None = None) -> RulePack:
    """Read and validate every file of the pack; the rules' checks are not compiled yet."""
    problems: list[InputProblem] = []
    parts = {"kb": [], "lexicon": [], "cues": [], "checks": []}
    jurisdictions: dict[str, list[str]] = {}
    docs_urls: dict[Path, str] = {}  # rule file -> its pack's docs-url
    for directory in directories:
        path = Path(directory)
        if not path.is_dir():
            problems.append(InputProblem(directory, BAD_RULE, "rule path is not a folder"))
            continue
        manifest, found = read_manifest(path)
        problems.extend(found)
        own = manifest.get("jurisdiction")
        if own:
            jurisdictions.setdefault(own, []).append(directory)
        for key, found in _pack_parts(path).items():
            if own and own != jurisdiction and key in ("kb", "checks"):
                continue  # another jurisdiction's law
            parts[key].extend(found)
            if key == "checks" and manifest.get("docs-url"):
                docs_urls.update(dict.fromkeys(found, manifest["docs-url"]))
    kb_files = parts["kb"] + [Path(p) for p in extra_kb]
    kb, kb_problems = load_knowledge_base(kb_files)
    kb.extra_files = list(extra_kb)
    problems.extend(kb_problems)

    lexicon: list[LexiconEntry] = []
    lexicon_ids: dict[str, set[str]] = {}  # per label
    for path in parts["lexicon"]:
        data, found = load_validated(path, "lexicon")
        problems.extend(found)
        for index, entry in enumerate((data or {}).get("entries", [])):
            if _repeated(path, "entries", index, entry["id"], lexicon_ids.setdefault(data["label"], set()),
                         problems):
                continue
            lexicon.append(LexiconEntry(entry["id"], data["label"], entry["class"], entry.get("phrases", []),
                                        entry.get("case_sensitive", []), entry.get("patterns", []), str(path),
                                        entry.get("near")))

    cues: list[Cue] = []
    precedence: list[str] = []
    words: dict[str, list[str]] = {name: [] for name in CUE_WORD_LISTS}
    cue_ids: set[str] = set()
    discourse: dict = {}
    page_signals: list[PageSignal] = []
    signal_ids: set[str] = set()
    for path in parts["cues"]:
        data, found = load_validated(path, "cues")
        problems.extend(found)
        if data:
            precedence = data.get("precedence", precedence)
            discourse.update({key: tuple(value) if isinstance(value, list) else value
                              for key, value in data.get("discourse", {}).items()})
            for index, signal in enumerate(data.get("page_signals", [])):
                if _repeated(path, "page_signals", index, signal["id"], signal_ids, problems):
                    continue
                page_signals.append(PageSignal(
                    signal["id"], signal["modality"], tuple(word.lower() for word in signal["words"]),
                    signal.get("min_mentions", 1), signal.get("min_distinct", 1), signal.get("min_sentences", 1),
                    signal.get("unless_promotional", False), signal.get("ignore_capitals", False), str(path)))
            for name in CUE_WORD_LISTS:
                words[name] += [phrase.lower() for phrase in data.get(name, [])]
            for index, cue in enumerate(data["cues"]):
                if _repeated(path, "cues", index, cue["id"], cue_ids, problems):
                    continue
                cues.append(Cue(cue["id"], cue["category"], cue["direction"], cue.get("phrases", []),
                                cue.get("patterns", []), cue.get("max_scope"), str(path),
                                cue.get("ignore_on_promotional_pages", False), cue.get("whole_sentence", False),
                                tuple(cue.get("excluded_predicates", ())), cue.get("ends_at_comma", False),
                                cue.get("whole_sentence_when_first", False)))

    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in parts["checks"]:
        rule, found = _load_rule(path, kb)
        problems.extend(found)
        if rule is None:
            continue
        rule.docs_url = docs_urls.get(path, docs_url)
        if rule.code in seen:
            problems.append(InputProblem(str(path), BAD_RULE, f"code {rule.code} is already used by {seen[rule.code]}",
                                         line=line_of(path, ["code"])))
            continue
        seen[rule.code] = rule.path
        rules.append(rule)
    rules.sort(key=lambda r: r.code)
    return RulePack(rules, kb, lexicon, cues, precedence or ["negated", "reported", "hypothetical", "research",
                                                             "question", "hedged"], problems, directories,
                    jurisdiction, jurisdictions, **words, page_signals=page_signals,
                    discourse=Discourse(**discourse))


def _compile_checks(pack: RulePack) -> None:
    from claimcheck.evaluate.kinds import load_kind
    for rule in list(pack.rules):
        try:
            rule.check = load_kind(rule.kind).compile(rule, pack)
        except ValueError as exc:  # a parameter that names what the pack does not have
            pack.problems.append(InputProblem(rule.path, BAD_RULE, str(exc)))
            pack.rules.remove(rule)


def _repeated(path: Path, section: str, index: int, entry_id: str, known: set[str],
              problems: list[InputProblem]) -> bool:
    """True (and a problem recorded) when ``entry_id`` is already taken, else it is taken now:
    a second entry of the same id would make a finding's explanation ambiguous about which one
    matched."""
    if entry_id not in known:
        known.add(entry_id)
        return False
    problems.append(InputProblem(str(path), BAD_RULE, f"{section}: duplicate id {entry_id!r}",
                                 line=line_of(path, [section, index, "id"])))
    return True


def severity_step_down(severity: str) -> str:
    index = SEVERITIES.index(severity)
    return SEVERITIES[min(index + 1, len(SEVERITIES) - 1)]
