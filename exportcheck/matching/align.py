"""Token alignment strategies: each one pairs some of the still-unpaired words of two names.

Why separate functions: each way two names can write the same word (exactly, with a typo, as an
initial, spelled together, as an acronym) is a rule a reviewer should be able to read and test alone,
as nomenklatura registers each comparison as its own function. :func:`align` runs them in a fixed
order, strongest evidence first, and every strategy only sees the words earlier ones left free.

A strategy takes an :class:`Alignment` and pairs words in place. The ones that work "either way
round" (a word of the query against several words of the listed name, or the reverse) are written
for one direction and run on :meth:`Alignment.swapped` for the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rigour.text.phonetics import metaphone

from exportcheck.matching.normalise import token_class

FUZZY_MIN = 0.75
FUZZY_MIN_LEN = 4
INITIAL_SIMILARITY = 0.8
# "huawei" ↔ "hua wei": the joined run must agree this well (rapidfuzz ratio).
JOINED_MIN = 0.9
ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "de", "in"})


class Pair(NamedTuple):
    """Two tokens (or runs of tokens) aligned with each other, and how.

    A named tuple, not a frozen dataclass: a query makes hundreds of pairs, and a frozen dataclass
    costs several times more to create.
    """

    query: str
    candidate: str
    similarity: float
    how: str  # exact | fuzzy | phonetic | initial | joined | acronym | context


@dataclass
class Alignment:
    """Both names' tokens, which are still free, and the pairs found so far.

    ``flipped`` marks a view with the sides exchanged (see :meth:`swapped`): pairs added through it are
    stored query-first all the same.
    """

    q: list[str]
    c: list[str]
    q_free: list[bool] = field(default_factory=list)
    c_free: list[bool] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    flipped: bool = False
    # names written in two scripts: sound is the best evidence (see :func:`align_phonetic`)
    cross_script: bool = False
    _view: Alignment | None = field(default=None, repr=False, compare=False)  # see swapped()

    @classmethod
    def start(cls, q: list[str], c: list[str]) -> Alignment:
        return cls(q, c, [True] * len(q), [True] * len(c), [])

    def swapped(self) -> Alignment:
        """The same alignment seen from the other side (shares the free flags and the pair list).

        Made once per alignment (four strategies ask for it); the view holds no reference back, so the two
        are freed without the cyclic collector.
        """
        view = self._view
        if view is None:
            view = self._view = Alignment(self.c, self.q, self.c_free, self.q_free, self.pairs, not self.flipped,
                                          self.cross_script)
        return view

    def add(self, a: str, b: str, similarity: float, how: str) -> None:
        self.pairs.append(Pair(b, a, similarity, how) if self.flipped else Pair(a, b, similarity, how))

    @property
    def open(self) -> bool:
        """Whether both sides still have a free word (otherwise no strategy can pair anything)."""
        return any(self.q_free) and any(self.c_free)


Strategy = Callable[[Alignment], None]


def token_similarity(a: str, b: str) -> float:
    """Similarity of two name tokens: the better of Levenshtein and Indel (rapidfuzz), in [0, 1].

    Levenshtein counts a changed letter once; Indel is kinder to a dropped or added letter
    ("scholz" / "scholze"). Taking the better of both keeps one-typo variants above :data:`FUZZY_MIN`
    while "federer" / "federman" stay below it.
    """
    return max(Levenshtein.normalized_similarity(a, b), fuzz.ratio(a, b) / 100.0 - 0.05)


def align_exact(al: Alignment) -> None:
    """Equal tokens pair with each other (each token once)."""
    c = al.c
    c_pos: dict[str, int] = {}
    for j, tok in enumerate(c):
        c_pos.setdefault(tok, j)
    q_free, c_free = al.q_free, al.c_free
    pairs = al.pairs
    for i, tok in enumerate(al.q):
        found = c_pos.get(tok)
        if found is not None and c_free[found] and q_free[i]:
            q_free[i] = c_free[found] = False
            pairs.append(Pair(tok, tok, 1.0, "exact"))  # the same either way round


_NOT_FUZZY = ("number", "group")


def _fuzzy_ok(token: str) -> bool:
    return len(token) >= FUZZY_MIN_LEN and token_class(token) not in _NOT_FUZZY


# Slack for the length bounds below: they only skip a pair that is clearly out of reach.
_BOUND_SLACK = 1e-9


def _may_be_similar(a: int, b: int) -> bool:
    """Whether two tokens of lengths ``a`` and ``b`` can reach :data:`FUZZY_MIN` in :func:`token_similarity`.

    Levenshtein similarity is at most short/long, and Indel similarity at most 2·short/(a + b) (the
    length difference alone costs that many edits): when neither bound reaches FUZZY_MIN, the pair is
    not scored.
    """
    short, long = (a, b) if a <= b else (b, a)
    return (short / long >= FUZZY_MIN - _BOUND_SLACK
            or 2 * short / (a + b) - 0.05 >= FUZZY_MIN - _BOUND_SLACK)


# _may_be_similar for every pair of word lengths below this, looked up rather than computed per pair
_LENGTH_TABLE = 64
_LENGTHS_OK = [[a > 0 and b > 0 and _may_be_similar(a, b) for b in range(_LENGTH_TABLE)] for a in range(_LENGTH_TABLE)]


def align_fuzzy(al: Alignment) -> None:
    """Name tokens of 4+ characters within one typo (:func:`token_similarity` ≥ FUZZY_MIN), best pairs first.

    Numbers and group tokens never pair fuzzily: CETC 14 is not CETC 15, CASC is not CASIC.
    """
    c_free = al.c_free
    c_open = [(j, b, len(b)) for j, b in enumerate(al.c)
              if c_free[j] and len(b) >= FUZZY_MIN_LEN and token_class(b) not in _NOT_FUZZY]
    if not c_open:
        return
    q_free = al.q_free
    scored = []
    lev, ratio, table = Levenshtein.normalized_similarity, fuzz.ratio, _LENGTHS_OK
    for i, a in enumerate(al.q):
        if not q_free[i] or len(a) < FUZZY_MIN_LEN or token_class(a) in _NOT_FUZZY:
            continue
        n = len(a)
        reach = table[n] if n < _LENGTH_TABLE else None
        for j, b, m in c_open:
            if not (reach[m] if reach is not None and m < _LENGTH_TABLE else _may_be_similar(n, m)):
                continue  # cannot reach FUZZY_MIN: the lengths alone say so
            sim = max(lev(a, b), ratio(a, b) / 100.0 - 0.05)  # token_similarity, without a call per pair
            if sim >= FUZZY_MIN:
                scored.append((sim, i, j))
    if not scored:
        return
    for sim, i, j in sorted(scored, reverse=True):
        if q_free[i] and c_free[j]:
            q_free[i] = c_free[j] = False
            al.add(al.q[i], al.c[j], sim, "fuzzy")


# Consonants a transliteration writes either way (Arabic has no "p", Khmer "b" is "p" with a mark,
# "th" is metaphone's "0"): folded before two phonetic keys are compared.
_PHONETIC_FOLD = str.maketrans({"B": "P", "0": "T", "V": "F", "W": "", "Y": "", "H": ""})
PHONETIC_SIMILARITY = 0.8
PHONETIC_MIN_LEN = 3
# Across scripts a transliteration loses vowels (Arabic, Hebrew and Khmer write few of them: فرناندو →
# "frnandw"), so agreeing consonants are stronger evidence there, and two-letter words count.
CROSS_SCRIPT_PHONETIC_SIMILARITY = 0.9
CROSS_SCRIPT_PHONETIC_MIN_LEN = 2


@lru_cache(maxsize=100_000)
def phonetic_key(token: str) -> str:
    """The metaphone key of a name token (rigour), with the consonants of :data:`_PHONETIC_FOLD` folded."""
    key = metaphone(token).translate(_PHONETIC_FOLD)
    # a leading vowel is spelled any way across scripts (أوندوا "awndwa" / "Ondoa"): only consonants count
    return key[1:] if len(key) > 2 and key[0] in "AEIOU" else key


def align_phonetic(al: Alignment) -> None:
    """People's name words that sound alike: "husayn" ↔ "hussein", "schulze" ↔ "scholz" (metaphone).

    For people only: their names reach the lists through transliteration, which spells the same sound
    many ways. The keys must agree exactly and hold two consonants at least ("al" ↔ "ali" does not count).
    """
    min_len = CROSS_SCRIPT_PHONETIC_MIN_LEN if al.cross_script else PHONETIC_MIN_LEN
    similarity = CROSS_SCRIPT_PHONETIC_SIMILARITY if al.cross_script else PHONETIC_SIMILARITY
    keys: dict[str, int] = {}
    for j, tok in enumerate(al.c):
        if al.c_free[j] and len(tok) >= min_len and token_class(tok) == "name":
            key = phonetic_key(tok)
            if len(key) >= 2:
                keys.setdefault(key, j)
    if not keys:
        return
    for i, tok in enumerate(al.q):
        if not al.q_free[i] or len(tok) < min_len or token_class(tok) != "name":
            continue
        j = keys.get(phonetic_key(tok), -1)
        if j >= 0 and al.c_free[j]:
            al.q_free[i] = al.c_free[j] = False
            al.add(tok, al.c[j], similarity, "phonetic")


def _initials_one_way(al: Alignment) -> None:
    for i, tok in enumerate(al.q):
        if not al.q_free[i] or len(tok) != 1 or not tok.isalpha():
            continue
        for j, other in enumerate(al.c):
            if al.c_free[j] and len(other) > 1 and other[0] == tok and token_class(other) == "name":
                al.q_free[i] = al.c_free[j] = False
                al.add(tok, other, INITIAL_SIMILARITY, "initial")
                break


def align_initials(al: Alignment) -> None:
    """People's initials: "v" ↔ "vladimir", either way round (a letter never stands for a number or group)."""
    _initials_one_way(al)
    _initials_one_way(al.swapped())


def _free_runs(c: list[str], c_free: list[bool]) -> list[tuple[int, int, int]]:
    """Every run of two or three adjacent free words (start, words, letters), in the order :func:`_joined_one_way`
    tries them: by start, two words before three."""
    out = []
    for j in range(len(c) - 1):
        if c_free[j] and c_free[j + 1]:
            size = len(c[j]) + len(c[j + 1])
            out.append((j, 2, size))
            if j + 3 <= len(c) and c_free[j + 2]:
                out.append((j, 3, size + len(c[j + 2])))
    return out


def _joined_one_way(al: Alignment) -> None:
    q_free, c, c_free = al.q_free, al.c, al.c_free
    if True not in q_free or sum(c_free) < 2:
        return
    floor = JOINED_MIN - _BOUND_SLACK
    runs: list[tuple[int, int, int]] | None = None  # the free runs, listed once until a join takes some
    for i, tok in enumerate(al.q):
        if not q_free[i] or len(tok) < 4 or tok.startswith("#"):
            continue
        if runs is None:
            runs = _free_runs(c, c_free)
        size_tok = len(tok)
        for j, k, size in runs:
            if 2 * min(size, size_tok) / (size + size_tok) < floor:
                continue  # the ratio is at most 2·short/(a + b): out of reach on length alone
            joined = "".join(c[j:j + k])
            sim = fuzz.ratio(tok, joined) / 100.0
            if sim >= JOINED_MIN:
                q_free[i] = False
                for x in range(j, j + k):
                    c_free[x] = False
                al.add(tok, " ".join(c[j:j + k]), sim, "joined")
                runs = None
                break


def _joined_exact_one_way(al: Alignment) -> None:
    q_free, c_free = al.q_free, al.c_free
    if True not in q_free or sum(c_free) < 2:
        return
    q = al.q
    # the words that may be a join (free, 4+ letters, no number): most names have none left by now
    wanted = [i for i, tok in enumerate(q) if q_free[i] and len(tok) >= 4 and tok[0] != "#"]
    if not wanted:
        return
    c = al.c
    free_text = "".join([t for t, f in zip(c, c_free, strict=True) if f])
    for i in wanted:
        tok = q[i]
        if tok not in free_text:
            continue  # a word that is not inside the free words run together is no join of them
        for j in range(len(c) - 1):
            if not c_free[j] or not tok.startswith(c[j]):
                continue  # cheap: the run must start the word
            joined = c[j]
            for k in range(j + 1, min(j + 3, len(c))):
                if not c_free[k]:
                    break
                joined += c[k]
                if joined == tok:
                    al.q_free[i] = False
                    for x in range(j, k + 1):
                        c_free[x] = False
                    al.add(tok, " ".join(c[j:k + 1]), 1.0, "joined")
                    break
                if not tok.startswith(joined):
                    break
            if not al.q_free[i]:
                break


def align_joined_exact(al: Alignment) -> None:
    """A word that is exactly two or three words of the other name written together ("xijinping" ↔ "xi
    jinping"), either way round; run before fuzzy matching, which would pair "xijinping" with "jinping"."""
    _joined_exact_one_way(al)
    _joined_exact_one_way(al.swapped())


def align_joined(al: Alignment) -> None:
    """One word against two or three written apart: "huawei" ↔ "hua wei", either way round."""
    _joined_one_way(al)
    _joined_one_way(al.swapped())


def _initials(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t and not t.startswith("#"))


def acronym_similarity(acronym: str) -> float:
    """How much an acronym match is worth: "MIT" could stand for hundreds of names, "NRIET" for few.

    Three letters 0.7 (never a match on its own), four 0.85, five or more 0.95.
    """
    return 0.7 if len(acronym) <= 3 else 0.85 if len(acronym) == 4 else 0.95


def acronym_run(acronym: str, tokens: list[str], free: list[bool]) -> tuple[int, int] | None:
    """A run of free tokens whose initials spell ``acronym`` ("of", "and", "the" may be skipped)."""
    n = len(tokens)
    first = acronym[0]
    for start in range(n):
        if not free[start] or tokens[start][0] != first:
            continue
        # the initials of tokens[start:end], all of them and without ACRONYM_SKIP words, grown one token at
        # a time; once neither begins the acronym no longer run can spell it
        every = skipping = ""
        for end in range(start + 1, min(n, start + 2 * len(acronym)) + 1):
            if not free[end - 1]:
                break
            tok = tokens[end - 1]
            if tok and not tok.startswith("#"):
                every += tok[0]
                if tok not in ACRONYM_SKIP:
                    skipping += tok[0]
            if end - start < 2:
                continue
            if not (acronym.startswith(every) or acronym.startswith(skipping)):
                break
            if token_class(tok) == "weak":
                continue  # "Aurum Ship Management Ltd" is not "ASML": a legal form is no letter of an acronym
            if every == acronym or skipping == acronym:
                return start, end
    return None


def _acronyms_one_way(al: Alignment) -> None:
    if not any(al.q_free) or sum(al.c_free) < 2:
        return
    for i, tok in enumerate(al.q):
        if not al.q_free[i] or not (3 <= len(tok) <= 8) or not tok.isalpha():
            continue
        span = acronym_run(tok, al.c, al.c_free)
        if span is None:
            continue
        start, end = span
        al.q_free[i] = False
        for x in range(start, end):
            al.c_free[x] = False
        al.add(tok, " ".join(al.c[start:end]), acronym_similarity(tok), "acronym")


def align_acronyms(al: Alignment) -> None:
    """An acronym against the run of words it abbreviates: "nriet" ↔ "nanjing research institute of ...", either way."""
    _acronyms_one_way(al)
    _acronyms_one_way(al.swapped())


@lru_cache(maxsize=8)
def strategies_for(acronyms: bool, initials: bool, cross_script: bool) -> tuple[Strategy, ...]:
    """The strategies :func:`align` runs, in order (built once per combination of flags)."""
    # exact joins before fuzzy: "xijinping" is "xi jinping", not a typo of "jinping"
    out: list[Strategy] = [align_exact, align_joined_exact]
    if initials and cross_script:
        out.append(align_phonetic)  # across scripts sound beats spelling ("frnandw" / "fernando")
    out.append(align_fuzzy)
    if initials and not cross_script:
        out.append(align_phonetic)
    if initials and INITIAL_SIMILARITY:
        out.append(align_initials)
    out.append(align_joined)
    if acronyms:
        out.append(align_acronyms)
    return tuple(out)


def align(q: list[str], c: list[str], *, acronyms: bool = True, initials: bool = False,
          cross_script: bool = False) -> Alignment:
    """Run the strategies, strongest evidence first; ``initials`` (and sound) for people, ``acronyms`` for
    organisations; ``cross_script`` when one name was written in another script than the other."""
    al = Alignment(q, c, [True] * len(q), [True] * len(c), [], False, cross_script)
    q_free, c_free = al.q_free, al.c_free
    for strategy in strategies_for(acronyms, initials, cross_script):
        if True not in q_free or True not in c_free:  # al.open, without a call per strategy
            break
        strategy(al)
    return al
