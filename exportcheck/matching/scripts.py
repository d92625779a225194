"""Every script the lists contain, to the ASCII the lists' Latin entries are written in.

The real lists hold names in Latin, Cyrillic, Arabic, Han, Georgian, Katakana, Hebrew, Thai, Hangul,
Ethiopic, Greek, Armenian and Myanmar script (counted over every name and alias of a refreshed lists
folder); queries may come in any of them, or in Khmer, Bengali, Devanagari...

Why three steps and not one:

1. **Hangul** is written in the lists the way North Korea and the UN romanise it, one word per
   syllable ("KIM JONG UN"), not as the South Korean Revised Romanisation that general-purpose
   transliterators give ("gimjeong-eun"). :func:`hangul_to_latin` spells each syllable in that
   McCune-Reischauer style (without breves), which is algorithmic: a Hangul syllable is a fixed
   combination of an initial, a vowel and an optional final.
2. **rigour** (``rigour.text.translit.ascii_text``) spells the scripts it admits as OpenSanctions
   does (Cyrillic "Шевченко" → "Shevchenko", the form the lists use, where ICU gives "Sevcenko"), and
   hands the rest to normality/ICU (Arabic, Thai, Hebrew, Georgian, Kana...).
3. **anyascii** covers what ICU has no transliterator for in this build (Khmer, Ethiopic, Myanmar
   letters come back as "?"): the whole name is then transliterated by anyascii, character by
   character.

Han is not handled here: Chinese organisation words are translated first (:mod:`.chinese`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rigour.text.translit import ascii_text, maybe_ascii

# McCune-Reischauer without diacritics, as the UN and US lists write DPRK names (ŏ → o, ŭ → u).
_INITIALS = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = ("a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
           "yu", "u", "ui", "i")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def has_hangul(text: str) -> bool:
    return any(_HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST for ch in text)


def _syllable(ch: str) -> str:
    index = ord(ch) - _HANGUL_FIRST
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    return _INITIALS[initial] + _VOWELS[vowel] + _FINALS[final]


def hangul_to_latin(text: str) -> str:
    """김정은 → "kim jong un", 최룡해 → "choe ryong hae": each Hangul syllable one word."""
    out = []
    for ch in text:
        if _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST:
            out.append(f" {_syllable(ch)} ")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=100_000)
def is_latin(text: str) -> bool:
    """Whether every letter of ``text`` is Latin (with or without diacritics): "Erdoğan" is, "Эрдоган" is not."""
    if text.isascii():
        return True
    return all(not ch.isalpha() or ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in text)


@lru_cache(maxsize=50_000)
def to_ascii(text: str) -> str:
    """Any script to ASCII (see the module docstring for why each step is needed)."""
    if text.isascii():
        return text
    if has_hangul(text):
        text = hangul_to_latin(text)
    out = _by_word(text)
    if out is None:
        out = ascii_text(text)
    if "?" in out:  # a letter ICU could not spell: anyascii knows (nearly) every script
        out = anyascii(text)
    return out


def _by_word(text: str) -> str | None:
    """``ascii_text(text)`` word by word, where rigour spells every word alone in ASCII; else None.

    Why: rigour's ``maybe_ascii`` costs far more than linear in the length of the whole string (a
    28-letter Cyrillic name ~0.7 ms, an ASCII name of 70 characters with one Cyrillic letter ~9 ms),
    and ASCII words need no spelling at all. It spells a character from the word it stands in, never
    from its neighbours across a space, so a name spelled word by word is spelled as a whole; a word it
    leaves non-ASCII (a script it does not admit, which makes it leave the whole string to normality,
    or a lone symbol) sends the whole string the old way. ``tests/matching/test_normalise_speed.py``
    checks both ways agree on every listed name and alias.
    """
    out = []
    for word in text.split(" "):
        if not word.isascii():
            word = _word_ascii(word)
            if not word.isascii():
                return None
        out.append(word)
    return " ".join(out)


@lru_cache(maxsize=100_000)
def _word_ascii(word: str) -> str:
    return maybe_ascii(word)


__all__ = ["hangul_to_latin", "has_hangul", "is_latin", "to_ascii"]
