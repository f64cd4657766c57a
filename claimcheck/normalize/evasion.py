"""Undo the character tricks that hide a claim from matching but not from a reader.

An ad that writes "FDA appr\u200bоved" (a zero-width space and a Cyrillic о), "ＦＤＡ"
(fullwidth), "𝐜𝐮𝐫𝐞" (mathematical bold), "cu\u00adre" (a soft hyphen), "cúre" with a
combining accent, or "appr0ved" reads the same to a patient. ``fold`` rewrites such
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
_WORD = re.compile(r"[^\W_]+")
_ZERO_IN_WORD = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])")


def _mixed_words(text: str) -> list[bool]:
    """For each character: is it in a word that mixes ASCII letters with look-alike letters?"""
    mixed = [False] * len(text)
    for match in _WORD.finditer(text):
        word = match.group()
        if any(c in LOOKALIKES for c in word) and any("a" <= c.lower() <= "z" for c in word):
            mixed[match.start():match.end()] = [True] * len(word)
    return mixed


def _replacement(text: str, index: int, mixed: list[bool]) -> str:
    char = text[index]
    if char in INVISIBLE:
        return ""
    if char == "0":
        return "o" if _ZERO_IN_WORD.match(text, index) else char
    if char.isascii():
        return char
    category = unicodedata.category(char)
    if category == "Mn" and index and text[index - 1].isalpha():
        return ""  # a combining accent added to a letter
    if mixed[index] and char in LOOKALIKES:
        return LOOKALIKES[char]
    if category[0] in "LN":
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and folded.isascii() and folded.isalnum():
            return folded
    return char


def needs_folding(text: str) -> bool:
    return not text.isascii() or _ZERO_IN_WORD.search(text) is not None


def fold(text: str, offsets: array) -> tuple[str, array, list[int]]:
    """(folded text, its raw offsets, for each folded character the index it came from)."""
    mixed = _mixed_words(text) if not text.isascii() else []
    parts: list[str] = []
    new_offsets = array("i")
    origin: list[int] = []
    for index in range(len(text)):
        replacement = _replacement(text, index, mixed) if (text[index] == "0" or not text[index].isascii()) \
            else text[index]
        parts.append(replacement)
        for _ in replacement:
            new_offsets.append(offsets[index])
            origin.append(index)
    new_offsets.append(offsets[len(text)])
    return "".join(parts), new_offsets, origin
