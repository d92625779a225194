"""Numbers and ordinals in names, so that ``24th`` = ``No. 24`` = ``24`` = ``twenty-fourth`` = 第二十四.

Why this matters: Chinese state groups number their institutes ("CETC 14", "the 14th Research
Institute"), and the number is what tells one listed institute from its unlisted sibling. Every way of
writing a number is reduced to one token ``#<digits>`` so the scorer can compare numbers exactly
(see :mod:`exportcheck.matching.score`: numbers never match fuzzily).

The English number words and the Chinese numerals are the closed sets of the two languages, not a list
that needs maintaining.
"""

from __future__ import annotations

import re

NUMBER_PREFIX = "#"

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
                 "seventieth": 70, "eightieth": 80, "ninetieth": 90}
_HUNDRED = {"hundred": 100, "hundredth": 100}

# "one", "first" and "second" are also ordinary words ("First Bank", "One Belt"); they are still read
# as numbers, because "1st Bank" is the same name and both sides are normalised alike.
_AMBIGUOUS_ALONE: set[str] = set()
_TYPOS = {"fourty": "forty", "fourtieth": "fortieth", "ninty": "ninety"}
# Roman numerals of two or more letters ("II", "XIV"): a single "I", "V", "X" or "C" is too often a
# letter of a name. "DC", "CD", "MD", "MC", "CM", "MM", "DI", "LI", "MI", "CV", "LV" and the like are
# common words or initials, so only numerals built from I, V and X are read.
_ROMAN = re.compile(r"^(?=[ivx]{2,}$)(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


_HAS_DIGIT = re.compile(r"\d")


def roman_to_int(text: str) -> int | None:
    """"iv" → 4, "xiv" → 14; None unless ``text`` is a well-formed numeral of 2+ letters from I, V, X."""
    if not _ROMAN.match(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(text) and _ROMAN_VALUES[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total

_DIGITS_ORDINAL = re.compile(r"^#?(\d+)(?:st|nd|rd|th|e|er|eme|ème|º|°)?$")
_NUMBER_MARKERS = {"no", "nr", "number", "num", "n"}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = re.compile(r"第?([零〇一二两三四五六七八九十百千]+|\d+)(?=[^\d]|$)")


_NUMBER_WORDS = frozenset({*_UNITS, *_ORDINAL_UNITS, *_TENS, *_ORDINAL_TENS, *_HUNDRED, *_TYPOS})
_NUMERIC_HINT = re.compile(r"\d|\b(?:[ivx]{2,}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b")


def number_token(value: int) -> str:
    return f"{NUMBER_PREFIX}{value}"


def is_number_token(token: str) -> bool:
    return token.startswith(NUMBER_PREFIX)


def chinese_to_int(text: str) -> int | None:
    """二十四 → 24, 十四 → 14, 一百零五 → 105, 二四 → 24 (digit by digit); None if not a numeral."""
    if text.isdigit():
        return int(text)
    if not all(ch in _CN_DIGITS or ch in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def _word_value(word: str) -> tuple[int, bool] | None:
    """A number word's value and whether it can be followed by a unit word (twenty → four)."""
    for table, open_ in ((_UNITS, False), (_ORDINAL_UNITS, False), (_TENS, True), (_ORDINAL_TENS, False)):
        if word in table:
            return table[word], open_
    return None


def fold_numbers(tokens: list[str]) -> list[str]:
    """Replace every number written in words, digits or ordinals by one ``#n`` token.

    ``["no", "24"]`` → ``["#24"]``; ``["twenty", "fourth"]`` → ``["#24"]``; ``["24th"]`` → ``["#24"]``;
    ``["cetc14"]`` → ``["cetc", "#14"]``. A lone "one"/"first"/"second" stays a word.
    """
    out: list[str] = []
    i = 0
    n = len(tokens)
    if not _NUMERIC_HINT.search(" ".join(tokens)):
        return tokens  # the fast path: most names hold no number at all
    tokens = [_TYPOS.get(t, t) for t in tokens]
    while i < n:
        tok = tokens[i]
        # a Roman numeral follows a name ("Fund XI", "Louis XIV"); a first word "Xi" or "Vi" is a name
        roman = roman_to_int(tok) if i > 0 else None
        if roman is not None:
            out.append(number_token(roman))
            i += 1
            continue
        m = _DIGITS_ORDINAL.match(tok)
        if m:
            if out and out[-1] in _NUMBER_MARKERS:
                out.pop()
            out.append(number_token(int(m.group(1))))
            i += 1
            continue
        mixed = re.fullmatch(r"([a-z]+)(\d+)(?:st|nd|rd|th)?|(\d+)(?:st|nd|rd|th)?([a-z]+)", tok)
        if mixed:
            if mixed.group(1):
                out.extend([mixed.group(1), number_token(int(mixed.group(2)))])
            else:
                out.extend([number_token(int(mixed.group(3))), mixed.group(4)])
            i += 1
            continue
        value = _word_value(tok)
        if value is not None:
            total, open_ = value
            j = i + 1
            if tok in _HUNDRED:
                j = i + 1
            if open_ and j < n:
                nxt = _word_value(tokens[j])
                if nxt is None and tokens[j].isdigit() and len(tokens[j]) == 1:
                    nxt = (int(tokens[j]), False)  # "forty 4" = 44
                if nxt is not None and 0 < nxt[0] < 10:
                    total += nxt[0]
                    j += 1
            if j < n and tokens[j] in _HUNDRED:
                total *= 100
                j += 1
                if j < n and tokens[j] == "and":
                    j += 1
                rest = _word_value(tokens[j]) if j < n else None
                if rest is not None:
                    total += rest[0]
                    j += 1
            if j == i + 1 and tok in _AMBIGUOUS_ALONE:
                out.append(tok)
                i += 1
                continue
            if out and out[-1] in _NUMBER_MARKERS:
                out.pop()
            out.append(number_token(total))
            i = j
            continue
        out.append(tok)
        i += 1
    return out
