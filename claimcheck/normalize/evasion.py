"""Undo the character tricks that hide a claim from matching but not from a reader.

An ad that writes "FDA appr\u200bоved" (a zero-width space and a Cyrillic о), "ＦＤＡ"
(fullwidth), "𝐜𝐮𝐫𝐞" (mathematical bold), "cu\u00adre" (a soft hyphen), "cúre" with a
combining accent, "appr0ved", "F.D.A." or "c u r e" reads the same to a patient. ``fold`` rewrites such
characters to what they look like, keeping every character's raw offset, so
findings still point at the bytes the author wrote. Ordinary text in any script is
left alone: a Cyrillic letter is folded only inside a word that also has Latin
letters, and only a letter or digit whose compatibility form is plain ASCII is
replaced.
"""
from __future__ import annotations

import re
import unicodedata
from array import array

# Characters with no width: they split a word for a matcher and for nobody else.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables, the common subset).
LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k",
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
}
_ZERO_IN_WORD = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])")
# The only characters that can change: non-ASCII ones, a zero between letters ("appr0ved") and
# a zero ending a lower-case word ("n0 side effects"). Ordinary pages (ASCII with a few ©, é or
# –) are scanned once by this and left as they are. The pattern opens with one character class
# and looks back only after it, so that the regex engine skips to the next candidate character
# in its fast loop instead of trying the pattern at every position (six times faster).
_CANDIDATE = re.compile(r"[0\x80-\U0010ffff](?:(?<=[^\x00-\x7f])|(?<=[A-Za-z]0)(?=[A-Za-z])|(?<=[a-z]0)(?!\w))")
_VERSION_GOES_ON = re.compile(r"[.,]\d")


def _is_mixed_word(word: str) -> bool:
    """Does this word mix ASCII letters with look-alike letters?"""
    return any(c in LOOKALIKES for c in word) and any("a" <= c.lower() <= "z" for c in word)


def _word_span(text: str, index: int) -> tuple[int, int]:
    """The word (a run of letters and digits, as ``[^\\W_]+``) around ``text[index]``."""
    start, end = index, index + 1
    while start and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _zero_for_o(text: str, index: int) -> bool:
    """A zero between letters, or ending a word of lower-case letters ("n0", "als0"), but not
    in a code or a version ("B0", "CD340", "v0.2")."""
    if index + 1 < len(text) and text[index + 1].isascii() and text[index + 1].isalpha():
        return True
    start = index
    while start and "a" <= text[start - 1] <= "z":
        start -= 1
    if start and text[start - 1].isalnum():
        return False
    return not _VERSION_GOES_ON.match(text, index + 1)


def _changes(text: str):
    """(index, replacement) for every character that folding changes, in order."""
    word_start = word_end = -1
    word_mixed = False
    for match in _CANDIDATE.finditer(text):
        index = match.start()
        char = text[index]
        if char in INVISIBLE:
            yield index, ""
            continue
        if char == "0":
            if _zero_for_o(text, index):
                yield index, "o"
            continue
        category = unicodedata.category(char)
        if category == "Mn" and index and text[index - 1].isalpha():
            yield index, ""  # a combining accent added to a letter
            continue
        if char in LOOKALIKES:
            if not word_start <= index < word_end:  # one look at each word, however many look-alikes
                word_start, word_end = _word_span(text, index)
                word_mixed = _is_mixed_word(text[word_start:word_end])
            if word_mixed:
                yield index, LOOKALIKES[char]
                continue
        if category[0] in "LN":
            folded = unicodedata.normalize("NFKC", char)
            if folded != char and folded.isascii() and folded.isalnum():
                yield index, folded


# A word spelled out letter by letter: three or more single letters, all followed by a dot, all by
# a dot and a space, or all by a space ("F.D.A.", "F. D. A.", "F D A", "c u r e"); one separator
# throughout, so that two abbreviations in a row ("e.g. a.m.") stay apart. No quantifier inside a
# repeated group, so matching stays linear.
_SPELLED_OUT = re.compile(r"(?<![\w.])(?:(?:[A-Za-z]\.){2,}|(?:[A-Za-z]\. ){2,}|(?:[A-Za-z] ){2,})[A-Za-z](?!\w)")


def _spelled_out_separators(text: str):
    """Indexes of the dots and spaces between the letters of words spelled out, and of an
    abbreviation's last dot when the sentence goes on ("F.D.A. approved")."""
    for match in _SPELLED_OUT.finditer(text):
        for index in range(match.start(), match.end()):
            if not text[index].isalpha():
                yield index
        end = match.end()
        if text[end:end + 2] == ". " and text[end + 2:end + 3].islower():
            yield end


# What every spelled-out word holds ("x.y.", "x. y. " or " y z"), found by a scan that skips from
# dot or space to dot or space: _SPELLED_OUT opens with a look-behind, which the regex engine
# tries at every position. One page in ten has it, and only those are searched in full.
_SPELLED_OUT_HINT = re.compile(r"\.[A-Za-z]\.|\. [A-Za-z]\. | [A-Za-z] [A-Za-z](?!\w)")


def needs_folding(text: str) -> bool:
    return next(_changes(text), None) is not None or (
        _SPELLED_OUT_HINT.search(text) is not None and _SPELLED_OUT.search(text) is not None)


def fold(text: str, offsets: array) -> tuple[str, array, list[int]]:
    """(folded text, its raw offsets, for each folded character the index it came from)."""
    folded, folded_offsets, origin = _rewrite(text, offsets, _changes(text))
    # Letters are joined after they are folded, so "Ｆ Ｄ Ａ" (fullwidth, spaced) reads "FDA" too.
    removed = [(index, "") for index in _spelled_out_separators(folded)]
    if not removed:
        return folded, folded_offsets, origin
    joined, joined_offsets, joined_origin = _rewrite(folded, folded_offsets, removed)
    return joined, joined_offsets, [origin[index] for index in joined_origin]


def _rewrite(text: str, offsets: array, changes) -> tuple[str, array, list[int]]:
    """``text`` with each (index, replacement) of ``changes`` (in order) applied."""
    parts: list[str] = []
    new_offsets = array("i")
    origin: list[int] = []
    copied = 0  # text[:copied] is done
    for index, replacement in changes:
        parts.append(text[copied:index])
        new_offsets.extend(offsets[copied:index])
        origin.extend(range(copied, index))
        parts.append(replacement)
        new_offsets.extend([offsets[index]] * len(replacement))
        origin.extend([index] * len(replacement))
        copied = index + 1
    parts.append(text[copied:])
    new_offsets.extend(offsets[copied:len(text)])
    origin.extend(range(copied, len(text)))
    new_offsets.append(offsets[len(text)])
    return "".join(parts), new_offsets, origin
