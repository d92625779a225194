"""Name normalisation: one comparable token form for every way a party's name can be written.

Steps, in order (each one explained where it is done):

1. Unicode NFKC and case folding (full-width letters, ligatures, ``ß``).
2. Chinese: organisation words translated, numerals read, the rest to pinyin (:mod:`.chinese`).
3. ASCII transliteration of every other script and of diacritics (:mod:`.scripts`: Hangul by syllable,
   rigour/ICU for Cyrillic, Arabic, Thai…, anyascii for scripts ICU cannot spell such as Khmer).
4. Punctuation to spaces; apostrophes and the CSL's ``?`` (a lost character: ``Xi?an``) removed.
5. Abbreviations expanded (Corp, Inst, Tech, Intl, Grp, Co, Univ, …: :data:`ABBREVIATIONS`).
6. Legal forms replaced by their generic form from rigour's maintained org-type table
   (``co ltd`` / ``gmbh`` / ``ООО`` → ``llc``; ``ag`` / ``pjsc`` → ``jsc``) and tagged as weak.
7. State groups folded to their acronym (:mod:`.groups`), numbers and ordinals to ``#n`` (:mod:`.numbers`).

:func:`normalise` returns a plain string (idempotent: normalising its output changes nothing);
:func:`name_form` returns the tokens with the facts the scorer needs (numbers, groups, weak words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from rigour.names import replace_org_types_compare

from exportcheck.matching.chinese import han_to_latin, has_han
from exportcheck.matching.groups import GROUP_TOKENS, fold_groups
from exportcheck.matching.numbers import NUMBER_PREFIX, fold_numbers, is_number_token
from exportcheck.matching.scripts import to_ascii

# Abbreviations the lists and company paperwork use, to the word they stand for. "co" is expanded
# only when rigour has not already read it as part of a legal form ("co ltd" → "llc").
ABBREVIATIONS: dict[str, str] = {
    "corp": "corporation", "corpn": "corporation", "inst": "institute", "instit": "institute",
    "tech": "technology", "techn": "technology", "technol": "technology", "technologies": "technology",
    "intl": "international", "int'l": "international", "internat": "international",
    "grp": "group", "co": "company", "cos": "companies", "univ": "university", "uni": "university",
    "acad": "academy", "sci": "science", "sciences": "science", "res": "research", "eng": "engineering",
    "engg": "engineering", "mfg": "manufacturing", "mfr": "manufacturer", "natl": "national",
    "nat'l": "national", "dept": "department", "dev": "development", "devel": "development",
    "elec": "electronics", "electronic": "electronics", "electr": "electronics", "ind": "industry",
    "inds": "industries", "industrial": "industry", "industries": "industry", "assn": "association",
    "assoc": "association", "mgmt": "management", "svc": "services", "svcs": "services", "bros": "brothers",
    "lab": "laboratory", "labs": "laboratory", "laboratories": "laboratory", "ctr": "center", "centre": "center",
    "cntr": "center", "aero": "aeronautics", "equip": "equipment", "hldgs": "holding", "hldg": "holding",
    "holdings": "holding", "govt": "government", "sys": "systems", "system": "systems",
    "ri": "research institute", "mach": "machinery",
    "ibn": "bin", "bint": "bin", "binti": "bin",
    "st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "&": "and",
}

# Phrases rigour's org-type table misses once diacritics are gone, and country names the lists write
# both ways ("U.S." / "United States"), to one form; applied to whole words before the legal forms.
PHRASES: dict[str, str] = {
    "gesellschaft mit beschrankter haftung": "gmbh",
    # rigour reads "co ltd" as a legal form but not "company ltd"/"company limited"
    "company limited": "co ltd", "company ltd": "co ltd", "company inc": "co inc",
    "united states of america": "us", "united states": "us", "usa": "us",
    "united kingdom": "uk", "great britain": "uk",
}
_PHRASE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b")

# Words that describe what kind of body a party is rather than which one: they count little in a
# comparison (weight WEAK_WEIGHT in the scorer) because thousands of listed names share them.
WEAK_WORDS: frozenset[str] = frozenset({
    "the", "of", "and", "for", "in", "at", "on", "de", "del", "la", "le", "du", "des", "di", "da", "do",
    "y", "et", "und", "der", "die", "das", "von", "a", "an", "al", "el",
    "company", "companies", "corporation", "limited", "group", "holding", "llc", "jsc", "plc", "lp", "llp",
    "inc", "incorporated", "ltd", "gmbh", "sa", "ag", "bv", "nv", "srl", "spa", "oy", "ab", "as", "kk",
    # the South Asian and Commonwealth "(Pvt) Ltd", "(Private) Limited", "(Pty) Ltd", "Pte Ltd", when rigour's table
    # does not read them as part of the legal form (in brackets, or spelled out)
    "pvt", "private", "pty", "pte",
    "branch", "subsidiary", "office",
})

# Words of legal forms written out, which rigour reads only when the whole phrase is spelled right
# ("Obshchestvo s ogranichennoi otvetstvennostyu" = OOO). A token one typo away from one of them
# counts as one of them (see :func:`token_class`), so a misspelt legal form does not outweigh the name.
LEGAL_WORDS: frozenset[str] = frozenset({
    "obshchestvo", "obshestvo", "obschestvo", "ogranichennoi", "ogranichennoy", "otvetstvennostyu",
    "otvetstvennostiu", "otvetstvennostju", "aktsionernoe", "aktsionernoye", "akcionernoe", "otkrytoe",
    "zakrytoe", "publichnoe", "nepublichnoe", "tovarystvo", "tovarystvom", "obmezhenoyu", "vidpovidalnistyu",
    "aktsionerne", "gesellschaft", "beschrankter", "haftung", "aktiengesellschaft", "kommanditgesellschaft",
    "sociedad", "anonima", "responsabilidad", "limitada", "societe", "anonyme", "societa", "responsabilita",
    "limitata", "sirketi", "anonim", "limited", "liability", "joint", "stock", "incorporated", "corporation",
    "company", "public", "closed", "open", "federal", "state", "unitary", "enterprise", "budgetary",
})

# Words that name the kind of institution: weaker than a proper name, stronger than a legal form.
DESCRIPTOR_WORDS: frozenset[str] = frozenset({
    "research", "institute", "institution", "academy", "laboratory", "center", "factory", "plant",
    "technology", "industry", "international", "trading", "engineering", "science", "development",
    "electronics", "systems", "services", "equipment", "materials", "bureau", "works", "enterprise",
    "enterprises", "china", "chinese", "national", "state", "import", "export", "manufacturing",
    "university", "college", "polytechnic", "polytechnical", "school",
})

# "S.A.", "B.V.", "U. S." → "sa", "bv", "us": dotted initials are one word, so rigour can read the legal form.
_INITIALISM = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\. ?){2,}")
# A digit written for the letter it resembles, inside a word ("Ig0r Sech1n", "I9or"): only between two
# letters in a word of 3+ letters, so "CETC14", "B2B", "MiG-29" and "A320" keep their numbers.
_CONFUSED_DIGIT = re.compile(r"(?<=[a-z])[013456789](?=[a-z])")
_DIGIT_LETTER = str.maketrans("013456789", "oieasgtbg")
_WORD = re.compile(r"[a-z0-9]+")
_PUNCT_DELETE = re.compile(r"['’`´ʼ?]")
_NON_ALNUM = re.compile(r"[^a-z0-9#]+")
_ASCII_DIGIT = re.compile(r"[0-9]")


def _prepare(name: str) -> str:
    """Steps 1-4: NFKC, Chinese, ASCII, punctuation; returns lower-case words separated by one space.

    The checks before the steps only skip a step that would change nothing (no dot for an initialism, no Han
    in ASCII text, no digit in ASCII text that no 0-9 is in): most names skip most steps.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    if "." in text:
        text = _INITIALISM.sub(lambda m: m.group(0).replace(".", "").replace(" ", "") + " ", text)
    if not text.isascii() and has_han(text):
        text = han_to_latin(text)
    text = text.replace("&", " and ")
    text = _PUNCT_DELETE.sub("", text)
    if not text.isascii():  # transliteration is the slow step; most listed names are ASCII already
        text = to_ascii(text).lower()
    text = text.replace("#", " ")
    if _ASCII_DIGIT.search(text) if text.isascii() else any(ch.isdigit() for ch in text):
        text = _WORD.sub(_letters_for_digits, text)
    # every run of characters other than a-z, 0-9 and # (spaces included) becomes one space
    return _NON_ALNUM.sub(" ", text).strip()


def _letters_for_digits(match: re.Match[str]) -> str:
    """"sech1n" → "sechin", "ig0r" → "igor": see :data:`_CONFUSED_DIGIT`."""
    word = match.group(0)
    if sum(ch.isalpha() for ch in word) < 3 or not _CONFUSED_DIGIT.search(word):
        return word
    return _CONFUSED_DIGIT.sub(lambda m: m.group(0).translate(_DIGIT_LETTER), word)


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        full = ABBREVIATIONS.get(tok)
        if full is None:
            out.append(tok)
        else:
            out.extend(full.split())
    return out


@lru_cache(maxsize=200_000)
def normalise(name: str) -> str:
    """A name as one normalised string of tokens (the form every comparison starts from).

    Idempotent: ``normalise(normalise(x)) == normalise(x)`` for every string (a property test checks
    this on arbitrary Unicode). The steps can feed each other (an expanded abbreviation may complete a
    legal form), so the pass is repeated until nothing changes (two passes for almost every name).
    """
    text = _pass(name, first=True)
    for _ in range(3):
        result = _pass(text, first=False)
        if result == text:
            break
        text = result
    return text


def _pass(name: str, first: bool) -> str:
    """One round of the steps; later rounds skip steps 1-4 (their input is already plain lower-case ASCII)."""
    text = _prepare(name) if first else name
    if not text:
        return ""
    # numbers first: rigour reads "ii" as a legal form (Polish "sp"), but in "Fund II" it is a number
    text = " ".join(fold_numbers(text.split()))
    if first:
        text = _PHRASE.sub(lambda m: PHRASES[m.group(0)], text)
    text = replace_org_types_compare(text, generic=True)
    text = fold_groups(" ".join(_expand(text.split())))
    return " ".join(dict.fromkeys(text.split()))  # each token once, in the order first written


@dataclass(frozen=True)
class NameForm:
    """A normalised name and the facts the scorer compares: numbers and groups decide, weak words don't."""

    original: str
    tokens: tuple[str, ...]
    numbers: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)
    # Groups the list ties this name to without writing them in it: "25th Research Institute" listed
    # as a unit of CASIC's Second Academy, an alias of a CETC institute. They count for the group rule
    # and may stand in for a group the query names, but are not tokens of the name.
    context: frozenset[str] = field(default_factory=frozenset)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        """Tokens joined without spaces: "hua wei" and "huawei" meet here."""
        return _compact(self.tokens)


def name_form(name: str, context: frozenset[str] = frozenset()) -> NameForm:
    """Normalise a name and pick out its number and group tokens (``context``: groups of its parent)."""
    return form_from_tokens(name, tuple(normalise(name).split()), context)


_NO_GROUPS: frozenset[str] = frozenset()


@lru_cache(maxsize=200_000)
def _compact(tokens: tuple[str, ...]) -> str:
    return "".join(t for t in tokens if not is_number_token(t))


def form_from_tokens(name: str, tokens: tuple[str, ...], context: frozenset[str] = _NO_GROUPS) -> NameForm:
    """A :class:`NameForm` from tokens already normalised (the index stores only the tokens)."""
    # built for every listed name at index time: set operations in C, and one shared empty set
    groups = GROUP_TOKENS.intersection(tokens) or _NO_GROUPS
    numbers = frozenset([t for t in tokens if t.startswith(NUMBER_PREFIX)]) if "#" in "".join(tokens) else _NO_GROUPS
    return NameForm(
        original=name,
        tokens=tokens,
        numbers=numbers or _NO_GROUPS,
        groups=groups,
        context=(frozenset(context) - groups or _NO_GROUPS) if context else _NO_GROUPS,
    )


@lru_cache(maxsize=500_000)
def token_class(token: str) -> str:
    """``number``, ``group``, ``weak``, ``descriptor`` or ``name``: what a token counts for."""
    if is_number_token(token):
        return "number"
    if token in GROUP_TOKENS:
        return "group"
    if token in WEAK_WORDS or token in LEGAL_WORDS:
        return "weak"
    if token in DESCRIPTOR_WORDS:
        return "descriptor"
    if len(token) >= 8:
        near = _LEGAL_BY_INITIAL.get(token[0], ())
        if near and process.extractOne(token, near, scorer=Levenshtein.normalized_similarity, score_cutoff=0.85):
            return "weak"  # a misspelt legal-form word ("otvetstvenostyu")
    return "name"


_LEGAL_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _word in sorted(LEGAL_WORDS):
    if len(_word) >= 7:
        _LEGAL_BY_INITIAL[_word[0]] = (*_LEGAL_BY_INITIAL.get(_word[0], ()), _word)
