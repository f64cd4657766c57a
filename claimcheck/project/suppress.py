"""Suppression comments, and the three meta-rules that keep them honest.

In Markdown, HTML and plain text (on a line of its own or at the end of one)::

    <!-- claimcheck-disable-next-line CC101,CC102 -- approved by legal, ticket 123 -->
    <!-- claimcheck-disable CC303 -- risks are on the linked page -->
    <!-- claimcheck-off CC101 -- the quoted FTC complaint below -->  ...  <!-- claimcheck-on -->

``disable-next-line`` covers findings that touch the next line with text
(blank lines and other comment lines are skipped, so directives stack);
``disable`` covers the whole file wherever it stands; ``off`` covers the findings
that start on the lines after it, up to a ``claimcheck-on`` that names one of its
codes or none (which ends every range open), or to the end of the file. Codes (or rule names)
are separated by commas; the reason follows `` -- ``. Parsing is strict, as
semgrep's users asked after sloppy matching silently suppressed findings:

* CC920 a suppression without a reason (it still suppresses; an auditor
  reading the JSON sees every suppressed finding with its reason);
* CC921 a suppression that suppressed nothing, per code (ruff's RUF100);
* CC922 a ``claimcheck-...`` comment that is not a valid directive (a typo in
  the directive, no code, an unknown code): it suppresses nothing.

Plain text has no comments of its own: the normalizer records a ``<!-- ... -->`` line as a
comment, and ``plain_text_directives`` finds one written inside a line, as ruff's ``# noqa``
and eslint's ``// eslint-disable-next-line`` are written after code. Those words are not the
ad's, so findings on them are dropped (``apply_suppressions``' ``own_words``).

These meta-rules have no YAML file: they are about the comments, not claims.
They can be selected, ignored and given a severity like any rule.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from claimcheck.model import Comment, Finding, LineIndex
from claimcheck.pack.rulepack import Rule

DIRECTIVES = ("disable-next-line", "disable", "off", "on")
_DIRECTIVE = re.compile(r"\s*claimcheck-(?P<name>[A-Za-z-]*)(?P<rest>.*)\Z", re.S)
# A directive written as other linters write theirs ("claimcheck: off", "claimcheck disable ...").
_OTHER_SPELLING = re.compile(r"\s*claimcheck\s*[:_ ]\s*(?P<name>disable-next-line|disable|off|on)\b", re.I)
_REASON_SEPARATOR = re.compile(r"(?:^|\s)--(?:\s|$)")
_CODE = re.compile(r"[A-Za-z]{2,4}[0-9]{3}|[a-z0-9]++(?:-[a-z0-9]++)*+")
BUILT_IN = "(built in: claimcheck/project/suppress.py)"


def _meta_rule(code, name, message, suggestion, what, why, example, use_instead) -> Rule:
    return Rule(code=code, name=name, kind="suppression", category="input-problem", severity="minor",
                scope="document", message=message, suggestion=suggestion, path=BUILT_IN, modalities=(),
                docs={"what": what, "why": why, "example": example, "use_instead": use_instead, "references": []})


META_RULES = [
    _meta_rule(
        "CC920", "suppression-without-reason", "Suppression of {codes} gives no reason",
        "Say who accepted the wording and why, after ' -- ' in the comment.",
        "Flags a claimcheck-disable or claimcheck-disable-next-line comment with no reason after ' -- '.",
        "A suppression accepts a claim the rules call misleading; the reason is what an auditor reads "
        "to know who accepted it and why. The finding stays suppressed.",
        "<!-- claimcheck-disable-next-line CC101 -->",
        "<!-- claimcheck-disable-next-line CC101 -- approved by medical review, ticket MR-123 -->"),
    _meta_rule(
        "CC921", "unused-suppression", "Suppression of {codes} suppresses nothing{detail}",
        "Remove the suppression, or the codes in it that no longer fire.",
        "Flags a suppression (per code) that matched no finding, like ruff's RUF100.",
        "A stale suppression would silently hide a new claim written later on that line, "
        "and it tells readers a problem exists where none does.",
        "<!-- claimcheck-disable-next-line CC102 -- legal ok -->\nBook your consultation today.",
        "Remove the comment, or the code that no longer fires."),
    _meta_rule(
        "CC922", "invalid-suppression", "Invalid suppression comment: {problem}",
        "Write <!-- claimcheck-disable-next-line CODE[,CODE] -- reason -->, <!-- claimcheck-disable CODE -- reason "
        "--> or <!-- claimcheck-off CODE -- reason --> ... <!-- claimcheck-on -->.",
        "Flags a comment that starts with 'claimcheck-' but is not a valid directive: an unknown directive, "
        "no rule code, codes not separated by commas, or a code no rule has.",
        "A mistyped suppression suppresses nothing, so the finding it was meant for is still reported; "
        "this says why.",
        "<!-- claimcheck-disable-nextline CC101 -- legal ok -->",
        "<!-- claimcheck-disable-next-line CC101 -- legal ok -->"),
]
META_CODES = frozenset(rule.code for rule in META_RULES)


@dataclass
class Directive:
    name: str  # disable-next-line | disable | off | on
    codes: list[str]
    reason: str
    start: int  # raw offsets of the whole comment
    end: int
    line: int  # the comment's first line
    target_line: int | None = None  # disable-next-line: the line it covers
    until_line: int | None = None  # off: the line of the claimcheck-on that ends it (None: the end of the file)
    used: set = field(default_factory=set)


@dataclass
class Invalid:
    problem: str
    start: int
    end: int


# A claimcheck directive written inside a line of plain text, in the Markdown comment syntax.
_INLINE_DIRECTIVE = re.compile(r"<!--(?P<text>\s*claimcheck[^\n]*?)-->")


def plain_text_directives(raw: str, comments) -> list[Comment]:
    """The ``<!-- claimcheck... -->`` comments inside the lines of a plain-text file that its
    normalizer did not record (it records a comment only on a line of its own)."""
    recorded = {comment.start for comment in comments}
    return [Comment(match.start(), match.end(), match.group("text")) for match in _INLINE_DIRECTIVE.finditer(raw)
            if match.start() not in recorded]


def _target_line(lines: list[str], after_line: int) -> int | None:
    """The first line after ``after_line`` (1-based) with text that is not only comments."""
    for number in range(after_line + 1, len(lines) + 1):
        text = lines[number - 1]
        if text.strip() and not _only_comments(text):
            return number
    return None


def _only_comments(line: str) -> bool:
    """Whether ``line`` holds HTML comments and spaces only. A scan, not a regular
    expression: ``(<!--.*?-->\\s*)+`` took exponential time on a line of empty
    comments followed by a word, because each comment can end at any later ``-->``."""
    position = 0
    while True:
        start = line.find("<!--", position)
        if line[position:None if start == -1 else start].strip():
            return False
        if start == -1:
            return True
        end = line.find("-->", start + 4)
        if end == -1:
            return False
        position = end + 3


def parse(comments, raw: str, known_codes: dict[str, str]) -> tuple[list[Directive], list[Invalid]]:
    """Directives and invalid ``claimcheck-`` comments; ``known_codes`` maps codes and
    rule names to codes."""
    index = LineIndex(raw)
    lines = raw.split("\n")
    directives, invalid = [], []
    for comment in comments:
        match = _DIRECTIVE.match(comment.text)
        if not match:
            spelled = _OTHER_SPELLING.match(comment.text)
            if spelled:  # "claimcheck: off", "claimcheck disable CC101": another tool's spelling
                name = spelled.group("name").lower()
                invalid.append(Invalid(f"'{' '.join(comment.text.split())[:40]}' is not a directive; "
                                       f"did you mean claimcheck-{name}?", comment.start, comment.end))
            continue
        name = match.group("name").lower()
        if name not in DIRECTIVES:
            guess = difflib.get_close_matches(name, DIRECTIVES, n=1)
            hint = f"; did you mean claimcheck-{guess[0]}?" if guess else ""
            invalid.append(Invalid(f"unknown directive 'claimcheck-{name}'{hint}", comment.start, comment.end))
            continue
        rest = " ".join(match.group("rest").split())
        separator = _REASON_SEPARATOR.search(rest)
        code_part, reason = (rest[:separator.start()], rest[separator.end():]) if separator else (rest, "")
        tokens = [token.strip() for token in code_part.split(",")]
        if name == "on" and not any(tokens):
            tokens = []  # ends every range open
        elif not any(tokens):
            invalid.append(Invalid(f"claimcheck-{name} names no rule code", comment.start, comment.end))
            continue
        bad = [t for t in tokens if not _CODE.fullmatch(t)]
        if bad:
            invalid.append(Invalid(f"{', '.join(repr(t) for t in bad)} is not a rule code "
                                   "(separate codes with commas; put the reason after ' -- ')",
                                   comment.start, comment.end))
            continue
        unknown = [t for t in tokens if t.upper() not in known_codes and t not in known_codes]
        if unknown:
            invalid.append(Invalid(f"no rule {', '.join(unknown)}", comment.start, comment.end))
            continue
        line = index.position(comment.start)[0]
        end_line = index.position(max(comment.start, comment.end - 1))[0]
        codes = [known_codes.get(t.upper()) or known_codes[t] for t in tokens]
        directives.append(Directive(name, codes, reason.strip(), comment.start, comment.end, line,
                                    _target_line(lines, end_line) if name == "disable-next-line" else None))
    return _close_ranges(directives, invalid)


def _close_ranges(directives: list[Directive], invalid: list[Invalid]) -> tuple[list[Directive], list[Invalid]]:
    """Give each ``off`` the line of the ``on`` that ends it; drop the ``on`` directives (they
    suppress nothing themselves), and an ``on`` that ends no open range is invalid."""
    kept, open_ranges = [], []
    for directive in sorted(directives, key=lambda d: d.start):
        if directive.name == "off":
            open_ranges.append(directive)
            kept.append(directive)
        elif directive.name == "on":
            closing = [d for d in open_ranges if not directive.codes or set(d.codes) & set(directive.codes)]
            if not closing:
                invalid.append(Invalid("claimcheck-on ends no claimcheck-off range above it"
                                       + (f" for {', '.join(directive.codes)}" if directive.codes else ""),
                                       directive.start, directive.end))
            for off in closing:
                off.until_line = directive.line
                open_ranges.remove(off)
        else:
            kept.append(directive)
    return kept, invalid


def _covers(directive: Directive, finding: Finding) -> bool:
    if finding.code not in directive.codes:
        return False
    if directive.name == "disable":
        return True
    if directive.name == "off":
        return directive.line < finding.line and (directive.until_line is None or finding.line < directive.until_line)
    target = directive.target_line
    return target is not None and finding.line <= target <= max(finding.end_line, finding.line)


def _meta_finding(rule: Rule, start: int, end: int, raw: str, index: LineIndex, message: str,
                  explanation: dict) -> Finding:
    line, column = index.position(start)
    end_line, end_column = index.position(end)
    return Finding(code=rule.code, name=rule.name, category=rule.category, severity=rule.severity,
                   scope=rule.scope, message=message, start=start, end=end, line=line, column=column,
                   end_line=end_line, end_column=end_column, text=raw[start:end],
                   suggestion=rule.suggestion, explanation={"rule": rule.path, **explanation})


def apply_suppressions(findings: list[Finding], comments, raw: str, known_codes: dict[str, str],
                       meta: dict[str, Rule], enabled: set[str], own_words=()) -> list[Finding]:
    """Mark suppressed findings and return the meta-findings (CC920-CC922) that
    are on. ``known_codes`` maps every code and rule name to its code, ``meta``
    the meta-rules that are on (with any severity override), ``enabled`` the
    codes that ran on this file. ``own_words`` are comments that were linted as text
    (``plain_text_directives``): they are read as directives too, and a finding inside one
    is removed from ``findings``, being about the comment, not the ad."""
    if own_words:
        findings[:] = [f for f in findings
                       if not any(c.start <= f.start and f.end <= c.end for c in own_words)]
        comments = sorted([*comments, *own_words], key=lambda c: c.start)
    directives, invalid = parse(comments, raw, known_codes)
    # The narrower directive takes the credit, so that a file-wide disable
    # that only repeats next-line ones is reported as unused.
    ordered = sorted(directives, key=lambda d: ("disable-next-line", "off", "disable").index(d.name))
    rule_findings = [f for f in findings if f.code not in META_CODES]
    for directive in ordered:
        for finding in rule_findings:
            if finding.suppressed is None and _covers(directive, finding):
                finding.suppressed = {"kind": "comment", "reason": directive.reason, "line": directive.line}
                directive.used.add(finding.code)

    index = LineIndex(raw)
    out = []
    if "CC922" in meta:
        for bad in invalid:
            out.append(_meta_finding(meta["CC922"], bad.start, bad.end, raw, index,
                                     meta["CC922"].message.format(problem=bad.problem), {"problem": bad.problem}))
    for directive in directives:
        where = {"directive": f"claimcheck-{directive.name}", "codes": directive.codes}
        if not directive.reason and "CC920" in meta:
            out.append(_meta_finding(meta["CC920"], directive.start, directive.end, raw, index,
                                     meta["CC920"].message.format(codes=", ".join(directive.codes)), where))
        unused = [c for c in directive.codes if c not in directive.used and c not in META_CODES]
        if unused and "CC921" in meta:
            off = [c for c in unused if c not in enabled]
            detail = (f" ({', '.join(off)} {'is' if len(off) == 1 else 'are'} not enabled for this file)" if off
                      else "" if directive.target_line or directive.name in ("disable", "off")
                      else " (no line follows it)")
            out.append(_meta_finding(meta["CC921"], directive.start, directive.end, raw, index,
                                     meta["CC921"].message.format(codes=", ".join(unused), detail=detail),
                                     {**where, "unused": unused}))
    # Meta-findings can be suppressed too (a file-wide "disable CC920 -- reason").
    for finding in out:
        for directive in directives:
            if _covers(directive, finding):
                finding.suppressed = {"kind": "comment", "reason": directive.reason, "line": directive.line}
                break
    return out


def code_index(rules) -> dict[str, str]:
    """Every rule's code and name -> its code, for reading directives."""
    index = {}
    for rule in rules:
        index[rule.code] = rule.code
        index[rule.name] = rule.code
    return index
