"""Rules for the evidence a token-level score over-counts: what two unrelated organisations share by chance.

The weighted Dice score of :func:`exportcheck.matching.score.compare` counts every aligned token as
evidence. Six kinds of alignment look like agreement yet are how *different* real organisations
collide: the first five found among the false positives on the benchmark's 1,349 real unlisted organisations
(``python -m exportcheck.bench matcher``, section 3), the sixth in a batch whose name cells held numbers:

- **an acronym alone** (:func:`acronym_alone`): "Jordan University of Science and Technology" spells
  JUST, and so does the listed Jiangsu University of Science and Technology; "JCET Group" spells the
  initials of the listed "Jiangsu Carbon Element Technology". Four letters are shared by many
  expansions, so a four-letter acronym that is *all* the distinctive evidence is multiplied by
  :data:`ACRONYM_ALONE` and never a match by itself. Five letters and more (NRIET) stay strong evidence.
- **a listed name that adds distinctive words** (:func:`listed_adds_words`): "Mitsubishi Electric
  Software Corporation" is a subsidiary of "Mitsubishi Electric Corporation", not the same party; a
  listed subsidiary does not list its parent. When every distinctive word of the query is found and the
  listed name has a distinctive word more (3+ letters, not a place: places have their own rule), the
  score is multiplied by :data:`LISTED_ADDS_WORDS`. The opposite direction (the query names more than
  the list: a subsidiary of a listed parent) is left as the Dice score gives it, because there a match
  is the cautious answer.
- **letters spelled together** (:func:`spacing_explains`): the score of names "spelled together"
  (``compare``'s compact rule: "L.X.C" / "LXC") is for names written with different spacing, where words
  are left over on both sides. Where one side's words all found partners, the other side's leftover
  words ("MITSUI E&S" for "Mitsui and Co.") are extra words, not spacing.
- **two edits in a short word** (:func:`two_edits`): "Nexperia" and "Experian" are two edits apart
  (a letter lost at the start, one added at the end), "Electric" and "Electronics" three. One typo is
  one edit; a word of up to :data:`TWO_EDITS_MAX_LEN` letters two edits or more (an adjacent
  transposition, "Appel" / "Apple", counts as one) from a distinctive word is another word. Longer words
  keep two edits ("Trafalgura" / "Trafigura"). The score is multiplied by :data:`TWO_EDITS` for each edit
  past the first.
- **one syllable of a transliterated Chinese name** (:func:`pinyin_collision`): 攻卫 is "gongwei" in
  pinyin, one letter from "Tongwei"; 清华 is "qinghua", two letters from "Qinghai". In Latin a letter
  apart may be a typo, but when the other word is itself pinyin, the two are two different Chinese
  names written correctly, a character apart. A fuzzy pair between a word of a name written in Han
  script and a word that reads as pinyin syllables multiplies the score by :data:`PINYIN_COLLISION`.
  Another romanisation of the same name ("Tsinghua", Wade-Giles) is not pinyin and keeps its fuzzy pair.
- **a number alone** (:func:`number_alone`): a query "1" (a row of a customs extract whose name cell holds an id)
  shares the number with the listed alias "ONE GROUP" and scored 0.94, a match; "A1", "G2", "RESEARCH INSTITUTE - 2"
  collide the same way. A number names a unit only together with the group, the name or the kind of body it numbers
  ("24所" for "CETC 24" aligns the group, for "24th Research Institute" the word institute: neither is touched).
  When numbers are all two names share (legal forms and stop words aside), the score is multiplied by
  :data:`NUMBER_ALONE`.
- **a letter alone** (:func:`letter_alone`): the query "X" (a name cell holding a placeholder) shares the letter with
  the listed alias "X-HOLDING" (of an SDN company) and scored 0.95, a match: "holding" is a legal form, so the letter
  was all the evidence. A letter names a party only beside something else: a number ("A1" names "OOO A1"), a name or
  the kind of body ("J K Trading"). When single letters are all two names share (legal forms and stop words aside),
  the score is multiplied by :data:`LETTER_ALONE`. Names written exactly alike are not compared (they score 1).

Each rule is a multiplier below 1, so it can only turn a match into a near miss, never create one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from exportcheck.matching.chinese import has_han
from exportcheck.matching.normalise import token_class
from exportcheck.matching.places import place_words

if TYPE_CHECKING:
    from exportcheck.matching.align import Pair
    from exportcheck.matching.normalise import NameForm

# Tuning: each brings a lone match of its kind below the 0.80 threshold (0.85 x 0.9 = 0.765 for a
# four-letter acronym), chosen on the benchmark's negatives and checked on the name pairs and the
# alias hold-out (the benchmark prints all three).
ACRONYM_ALONE = 0.9
ACRONYM_ALONE_MAX = 4
LISTED_ADDS_WORDS = 0.9
EXTRA_WORD_MIN_LEN = 3
PINYIN_COLLISION = 0.85
TWO_EDITS = 0.9
TWO_EDITS_MAX_LEN = 8
# Any agreement resting on numbers alone stays below the threshold (1.0 x 0.75).
NUMBER_ALONE = 0.75
# ... and on single letters alone (1.0 x 0.75).
LETTER_ALONE = 0.75
# False turns the spacing rule off (the benchmark measures each rule by switching it off).
SPACING_NEEDS_BOTH_SIDES = True

Note = tuple[str, float]


def _strong(token: str) -> bool:
    return token_class(token) not in ("weak", "descriptor")


def acronym_alone(pairs: Sequence[Pair], notes: list[Note]) -> float:
    """:data:`ACRONYM_ALONE` when a short acronym pair is the only distinctive evidence, else 1.0."""
    acronyms = [p for p in pairs if p.how == "acronym"]
    if len(acronyms) != 1:
        return 1.0
    pair = acronyms[0]
    letters = pair.query if " " not in pair.query else pair.candidate
    if len(letters) > ACRONYM_ALONE_MAX:
        return 1.0
    if any(p is not pair and any(_strong(t) for t in p.query.split()) for p in pairs):
        return 1.0
    notes.append((f"an acronym of {len(letters)} letters ({letters.upper()}) is all the names share", ACRONYM_ALONE))
    return ACRONYM_ALONE


def listed_adds_words(unmatched_query: Sequence[str], unmatched_candidate: Sequence[str], notes: list[Note]) -> float:
    """:data:`LISTED_ADDS_WORDS` when the listed name is the query plus distinctive words, else 1.0."""
    if any(_strong(t) for t in unmatched_query):
        return 1.0
    extra = [t for t in unmatched_candidate if len(t) >= EXTRA_WORD_MIN_LEN and token_class(t) == "name"
             and t not in place_words()]
    if not extra:
        return 1.0
    notes.append((f"the listed name adds {' '.join(extra)}: a narrower body than the query names", LISTED_ADDS_WORDS))
    return LISTED_ADDS_WORDS


def spacing_explains(unmatched_query: Sequence[str], unmatched_candidate: Sequence[str]) -> bool:
    """Whether a spacing difference can explain the leftover words: only if both sides have some."""
    return not SPACING_NEEDS_BOTH_SIDES or (bool(unmatched_query) and bool(unmatched_candidate))


def two_edits(pairs: Sequence[Pair], notes: list[Note]) -> float:
    """:data:`TWO_EDITS` for each edit past the first in a fuzzy pair on a short distinctive word, else 1.0."""
    for pair in pairs:
        if (pair.how == "fuzzy" and min(len(pair.query), len(pair.candidate)) <= TWO_EDITS_MAX_LEN
                and (_strong(pair.query) or _strong(pair.candidate))):
            edits = OSA.distance(pair.query, pair.candidate)
            if edits >= 2:
                factor = TWO_EDITS ** (edits - 1)
                notes.append((f"{pair.query} and {pair.candidate} are {edits} edits apart: another word, not a typo",
                              factor))
                return factor
    return 1.0


def pinyin_collision(query: NameForm, candidate: NameForm, pairs: Sequence[Pair], notes: list[Note]) -> float:
    """:data:`PINYIN_COLLISION` when a fuzzy pair joins a Han-script name's word to another pinyin word."""
    fuzzy = [p for p in pairs if p.how == "fuzzy"]
    if not fuzzy or not (has_han(query.original) or has_han(candidate.original)):
        return 1.0
    for pair in fuzzy:
        if is_pinyin(pair.query) and is_pinyin(pair.candidate):
            notes.append((f"{pair.query} and {pair.candidate} are two Chinese names a syllable apart, not a typo",
                          PINYIN_COLLISION))
            return PINYIN_COLLISION
    return 1.0


def number_alone(pairs: Sequence[Pair], notes: list[Note]) -> float:
    """:data:`NUMBER_ALONE` when the words the names share (legal forms and stop words aside) are all numbers.

    A word naming the kind of body counts as shared evidence here: "24所" and "24th Research Institute" share the
    number *and* "institute", and name the same kind of unit; "1" and "ONE GROUP" share the number alone. So does a
    letter: "A1" is split into "a" and "1", and "a" is a stop word, but the query "A1" names the company "OOO A1".
    """
    shared = _evidence(pairs)
    if not shared or any(token_class(t) != "number" for t in shared):
        return 1.0
    notes.append((f"a number ({', '.join(t.lstrip('#') for t in shared)}) is all the names share", NUMBER_ALONE))
    return NUMBER_ALONE


def letter_alone(pairs: Sequence[Pair], notes: list[Note]) -> float:
    """:data:`LETTER_ALONE` when the words the names share (legal forms and stop words aside) are all single letters.

    Counted as in :func:`number_alone`; a number beside the letter ("A1") or any longer shared word leaves the score
    as it is.
    """
    shared = _evidence(pairs)
    if not shared or any(len(t) != 1 or token_class(t) == "number" for t in shared):
        return 1.0
    notes.append((f"a letter ({', '.join(shared)}) is all the names share", LETTER_ALONE))
    return LETTER_ALONE


def _evidence(pairs: Sequence[Pair]) -> list[str]:
    """The query words two names share that count as evidence: legal forms and stop words aside, letters kept."""
    return [t for p in pairs for t in p.query.split() if token_class(t) != "weak" or len(t) == 1]


def chance_agreement(query: NameForm, candidate: NameForm, pairs: Sequence[Pair], unmatched_query: Sequence[str],
                     unmatched_candidate: Sequence[str], notes: list[Note], *, person: bool = False) -> float:
    """The product of the rules above that apply (organisations: all seven; people: the pinyin rule only, because
    transliterated personal names differ by several letters and have a phonetic rule of their own)."""
    factor = pinyin_collision(query, candidate, pairs, notes)
    if not person:
        factor *= (acronym_alone(pairs, notes) * listed_adds_words(unmatched_query, unmatched_candidate, notes)
                   * two_edits(pairs, notes) * number_alone(pairs, notes) * letter_alone(pairs, notes))
    return factor


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (ü written "v", as the name transliteration does).

    Syllables without a vowel (the interjections "m", "ng", "hm") are left out: they would let nearly any
    Latin word read as pinyin.
    """
    from pypinyin.constants import PINYIN_DICT  # imported here: only Han-script names need it

    # the 42,000 characters share 1,500 readings: each distinct reading is decomposed once (a tenth of the time)
    readings: set[str] = set()
    for value in PINYIN_DICT.values():
        readings.update(value.split(","))
    out = set()
    for reading in readings:
        # ǚ is u + diaeresis + caron once decomposed: the diaeresis makes the v, the tone mark goes
        decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if any(v in plain for v in "aeiouv"):
            out.add(plain)
    return frozenset(out)


@lru_cache(maxsize=20_000)
def is_pinyin(word: str) -> bool:
    """Whether ``word`` is a run of pinyin syllables ("gongwei", "qinghai"; not "tsinghua", not "tongwie")."""
    syllables = pinyin_syllables()
    n = len(word)
    ends = [False] * (n + 1)
    ends[0] = True
    for i in range(n):
        if ends[i]:
            for j in range(i + 1, min(n, i + 6) + 1):
                if word[i:j] in syllables:
                    ends[j] = True
    return n > 0 and ends[n]


__all__ = ["ACRONYM_ALONE", "LISTED_ADDS_WORDS", "NUMBER_ALONE", "PINYIN_COLLISION", "TWO_EDITS", "acronym_alone",
           "chance_agreement", "is_pinyin", "listed_adds_words", "number_alone", "pinyin_collision", "pinyin_syllables",
           "spacing_explains", "two_edits"]
