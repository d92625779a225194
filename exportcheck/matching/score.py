"""Compare two normalised names: align their tokens, weigh them, apply the number and group rules.

The score is a weighted Dice coefficient over aligned tokens: every token of both names carries a
weight, and the score is the share of the total weight that found a partner on the other side
(scaled by how well it matched). Then two rules that decide screening cases are applied:

- **numbers decide**: numbers are compared exactly. Different numbers on both sides (CETC 14 vs
  CETC 15) multiply the score by :data:`NUMBER_MISMATCH` (0.45); a number on one side only (CETC vs
  CETC 14: the group vs one of its institutes) by :data:`NUMBER_ONE_SIDED` (0.7), so that even a
  perfect match of the other words stays below the threshold.
- **groups decide**: two different state groups (CETC vs CASIC) multiply by :data:`GROUP_MISMATCH`
  (0.45); a group the list ties to a unit without naming it (:attr:`NameForm.context`) counts too.

A numbered unit named by the same group and number on both sides ("24th Research Institute of
CETC" / "CETC 24"), with only descriptive words left over, scores :data:`NUMBERED_UNIT` (0.9).

Tuning constants (chosen on the nomenklatura name cases, the alias hold-out and the negative names;
see ``exportcheck/bench/matcher.py``, which prints the figures they give):

- :data:`CLASS_WEIGHTS`: a proper name or a number counts 1; a word naming the kind of body
  ("research", "institute") 0.35, because thousands of listed names share it; a legal form or a
  stop word 0.1, because "Ltd" vs "GmbH" says nothing about identity. With an index, a name word's
  weight is further scaled by its rarity (:meth:`MatchIndex.weight`).
- :data:`FUZZY_MIN` (0.75): two tokens of 4+ characters align when :func:`token_similarity` reaches
  it (one typo in a four- to six-letter word); shorter tokens, numbers and group tokens must be equal.
- :data:`FUZZY_ONLY` (0.97): for organisations, a score resting on one approximately equal word
  ("Safran" / "Sairan") is lowered just below the threshold; lower values cost recall on typos.
- :func:`acronym_similarity`: 3-letter acronyms 0.7 (never a match alone), 4 letters 0.85, 5+ 0.95.
- For people only (``person=True``): initials align with :data:`INITIAL_SIMILARITY` (0.8), and the
  score is blended half-and-half (:data:`COVERAGE_BLEND`) with the share of the shorter name found
  in the longer one, because people drop middle names; companies do not drop words at random.
- :data:`DEFAULT_THRESHOLD` (0.80): the score at which a result is reported as a match. Raising it
  to 0.85 trades recall for precision on the name cases (see the benchmark).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from exportcheck.matching.normalise import NameForm, token_class

DEFAULT_THRESHOLD = 0.80
CLASS_WEIGHTS = {"name": 1.0, "number": 1.0, "group": 1.0, "descriptor": 0.35, "weak": 0.1}
FUZZY_MIN = 0.75
FUZZY_MIN_LEN = 4
NUMBER_MISMATCH = 0.45
NUMBER_PARTIAL = 0.75
NUMBER_ONE_SIDED = 0.7
GROUP_MISMATCH = 0.45
COMPACT_MIN = 0.92
# A group the query names and the list ties to the unit without writing it counts a little less than
# the group written out, so that of two names of one party the explicit one is shown.
CONTEXT_SIMILARITY = 0.95
COVERAGE_BLEND = 0.5
# Score of a numbered unit of a group named with the same group and number (see compare()).
NUMBERED_UNIT = 0.9
FUZZY_ONLY = 0.97
INITIAL_SIMILARITY = 0.8

WeightFn = Callable[[str], float]


def class_weight(token: str) -> float:
    """The weight of a token from its class alone (used where no index gives token frequencies)."""
    return CLASS_WEIGHTS[token_class(token)]


@dataclass(frozen=True)
class Pair:
    """Two tokens (or runs of tokens) aligned with each other, and how."""

    query: str
    candidate: str
    similarity: float
    how: str  # exact | fuzzy | joined | acronym


@dataclass
class Comparison:
    """The outcome of comparing a query name with one listed name, with everything an explanation needs."""

    score: float
    query: NameForm
    candidate: NameForm
    pairs: list[Pair] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_candidate: list[str] = field(default_factory=list)
    penalties: list[tuple[str, float]] = field(default_factory=list)
    base: float = 0.0


def token_similarity(a: str, b: str) -> float:
    """Similarity of two name tokens: the better of Levenshtein and Indel (rapidfuzz), in [0, 1].

    Levenshtein counts a changed letter once; Indel is kinder to a dropped or added letter
    ("scholz" / "scholze"). Taking the better of both keeps one-typo variants above :data:`FUZZY_MIN`
    while "federer" / "federman" stay below it.
    """
    return max(Levenshtein.normalized_similarity(a, b), fuzz.ratio(a, b) / 100.0 - 0.05)


def _initials(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t and not t.startswith("#"))


ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "de", "in"})


def acronym_similarity(acronym: str) -> float:
    """How much an acronym match is worth: "MIT" could stand for hundreds of names, "NRIET" for few.

    Three letters 0.7 (never a match on its own), four 0.85, five or more 0.95.
    """
    return 0.7 if len(acronym) <= 3 else 0.85 if len(acronym) == 4 else 0.95


def _acronym_run(acronym: str, tokens: list[str], free: list[bool]) -> tuple[int, int] | None:
    """A run of free tokens whose initials spell ``acronym`` ("of", "and", "the" may be skipped)."""
    n = len(tokens)
    for start in range(n):
        if not free[start] or tokens[start][0] != acronym[0]:
            continue
        for end in range(start + 2, min(n, start + 2 * len(acronym)) + 1):
            if not all(free[start:end]):
                break
            run = tokens[start:end]
            if token_class(run[-1]) == "weak":
                continue  # "Aurum Ship Management Ltd" is not "ASML": a legal form is no letter of an acronym
            if _initials(run) == acronym or _initials([t for t in run if t not in ACRONYM_SKIP]) == acronym:
                return start, end
    return None


def _align(q: list[str], c: list[str], *, acronyms: bool = True,
           initials: bool = False) -> tuple[list[Pair], list[bool], list[bool]]:
    q_free = [True] * len(q)
    c_free = [True] * len(c)
    pairs: list[Pair] = []
    c_pos = {tok: i for i, tok in enumerate(c)}
    for i, tok in enumerate(q):
        j = c_pos.get(tok)
        if j is not None and c_free[j]:
            q_free[i] = c_free[j] = False
            pairs.append(Pair(tok, tok, 1.0, "exact"))
    if not any(q_free) or not any(c_free):
        return pairs, q_free, c_free
    # fuzzy: best pairs first, name tokens of 4+ characters only
    scored = []
    for i, a in enumerate(q):
        if not q_free[i] or len(a) < FUZZY_MIN_LEN or token_class(a) in ("number", "group"):
            continue
        for j, b in enumerate(c):
            if not c_free[j] or len(b) < FUZZY_MIN_LEN or token_class(b) in ("number", "group"):
                continue
            sim = token_similarity(a, b)
            if sim >= FUZZY_MIN:
                scored.append((sim, i, j))
    for sim, i, j in sorted(scored, reverse=True):
        if q_free[i] and c_free[j]:
            q_free[i] = c_free[j] = False
            pairs.append(Pair(q[i], c[j], sim, "fuzzy"))
    # initials: "v" ↔ "vladimir" (people's names; one letter never stands for a number or a group)
    if initials and INITIAL_SIMILARITY:
        for side_a, side_b, free_a, free_b, a_is_query in ((q, c, q_free, c_free, True), (c, q, c_free, q_free, False)):
            for i, tok in enumerate(side_a):
                if not free_a[i] or len(tok) != 1 or not tok.isalpha():
                    continue
                for j, other in enumerate(side_b):
                    if free_b[j] and len(other) > 1 and other[0] == tok and token_class(other) == "name":
                        free_a[i] = free_b[j] = False
                        pairs.append(Pair(tok, other, INITIAL_SIMILARITY, "initial") if a_is_query
                                     else Pair(other, tok, INITIAL_SIMILARITY, "initial"))
                        break
    # joined: "huawei" ↔ "hua wei", either way round
    for side_a, side_b, free_a, free_b, a_is_query in ((q, c, q_free, c_free, True), (c, q, c_free, q_free, False)):
        if not any(free_a) or sum(free_b) < 2:
            continue
        for i, tok in enumerate(side_a):
            if not free_a[i] or len(tok) < 4 or tok.startswith("#"):
                continue
            for j in range(len(side_b) - 1):
                for k in (2, 3):
                    if j + k > len(side_b) or not all(free_b[j:j + k]):
                        continue
                    joined = "".join(side_b[j:j + k])
                    sim = fuzz.ratio(tok, joined) / 100.0
                    if sim >= 0.9:
                        free_a[i] = False
                        for x in range(j, j + k):
                            free_b[x] = False
                        run = " ".join(side_b[j:j + k])
                        pairs.append(Pair(tok, run, sim, "joined") if a_is_query else Pair(run, tok, sim, "joined"))
                        break
                if not free_a[i]:
                    break
    # acronyms: "nriet" ↔ "nanjing research institute of electronics technology"
    if not acronyms:
        return pairs, q_free, c_free
    for side_a, side_b, free_a, free_b, a_is_query in ((q, c, q_free, c_free, True), (c, q, c_free, q_free, False)):
        if not any(free_a) or sum(free_b) < 2:
            continue
        for i, tok in enumerate(side_a):
            if not free_a[i] or not (3 <= len(tok) <= 8) or not tok.isalpha():
                continue
            span = _acronym_run(tok, side_b, free_b)
            if span is None:
                continue
            start, end = span
            free_a[i] = False
            for x in range(start, end):
                free_b[x] = False
            words = " ".join(side_b[start:end])
            sim = acronym_similarity(tok)
            pairs.append(Pair(tok, words, sim, "acronym") if a_is_query else Pair(words, tok, sim, "acronym"))
    return pairs, q_free, c_free


def compare(query: NameForm, candidate: NameForm, weight: WeightFn = class_weight, *,
            person: bool = False) -> Comparison:
    """Score one query name against one listed name, in [0, 1], with the alignment that explains it.

    ``person=True`` when the listed party is a person: initials count ("V. Putin"), a shorter name
    inside a longer one counts more (:data:`COVERAGE_BLEND`: people drop middle names, companies do
    not drop words at random), and acronyms do not ("TDK" is not "Taji al-Din Kasim").
    """
    q, c = list(query.tokens), list(candidate.tokens)
    result = Comparison(0.0, query, candidate)
    if not q or not c:
        return result
    if q == c:
        result.pairs = [Pair(t, t, 1.0, "exact") for t in q]
        result.score = result.base = 1.0
        return result
    pairs, q_free, c_free = _align(q, c, acronyms=not person, initials=person)
    if candidate.context:
        for i, tok in enumerate(q):
            if q_free[i] and tok in candidate.context:
                q_free[i] = False
                pairs.append(Pair(tok, "", CONTEXT_SIMILARITY, "context"))
    result.pairs = pairs
    result.unmatched_query = [t for t, f in zip(q, q_free, strict=True) if f]
    result.unmatched_candidate = [t for t, f in zip(c, c_free, strict=True) if f]
    q_total = sum(weight(t) for t in q)
    c_total = sum(weight(t) for t in c)
    q_matched = c_matched = 0.0
    for pair in pairs:
        q_matched += pair.similarity * sum(weight(t) for t in pair.query.split())
        # "" for a context group: nothing on the listed side
        c_matched += pair.similarity * sum(weight(t) for t in pair.candidate.split())
    total = q_total + c_total
    score = (q_matched + c_matched) / total if total else 0.0
    shorter = q if q_total <= c_total else c
    if person and COVERAGE_BLEND and q_total and c_total and sum(token_class(t) == "name" for t in shorter) >= 2:
        # the shorter name wholly inside the longer one ("Boris Johnson" in "Alexandre Boris de
        # Pfeffel Johnson") is better evidence than the Dice share alone says; a one-word name ("Martin")
        # inside a longer one is not
        short = q_matched / q_total if q_total <= c_total else c_matched / c_total
        score = (1 - COVERAGE_BLEND) * score + COVERAGE_BLEND * min(1.0, short)
    if (len(q) != len(c) and query.compact and candidate.compact
            and abs(len(query.compact) - len(candidate.compact)) <= 3):  # only where the spacing differs
        compact = fuzz.ratio(query.compact, candidate.compact) / 100.0
        if compact >= COMPACT_MIN and compact > score:
            result.penalties.append((f"spelled together the names agree ({compact:.2f})", 1.0))
            score = compact
    strong = [p for p in pairs if token_class(p.query.split()[0]) not in ("weak", "descriptor")]
    if not person and len(strong) == 1 and strong[0].how == "fuzzy":
        # one approximately equal word is all two company names share ("Safran" / "Sairan")
        result.penalties.append(("the only distinctive word agrees approximately, not exactly", FUZZY_ONLY))
        score *= FUZZY_ONLY
    if (query.numbers and query.numbers == candidate.numbers and query.groups and query.groups == candidate.groups
            and all(token_class(t) in ("weak", "descriptor")
                    for t in [*result.unmatched_query, *result.unmatched_candidate]) and score < NUMBERED_UNIT):
        # "24th Research Institute of CETC" = "CETC 24": the group and the number name the unit; the
        # other words only say what kind of body it is
        result.penalties.append(("same group and number; the other words only describe the kind of body", 1.0))
        score = NUMBERED_UNIT
    result.base = score
    score = _rules(query, candidate, score, result.penalties)
    result.score = max(0.0, min(1.0, score))
    return result


def _rules(query: NameForm, candidate: NameForm, score: float, notes: list[tuple[str, float]]) -> float:
    qn, cn = query.numbers, candidate.numbers
    if qn and cn:
        if not qn & cn:
            notes.append((f"numbers differ: {_nums(qn)} vs {_nums(cn)}", NUMBER_MISMATCH))
            score *= NUMBER_MISMATCH
        elif qn != cn:
            notes.append((f"numbers only partly agree: {_nums(qn)} vs {_nums(cn)}", NUMBER_PARTIAL))
            score *= NUMBER_PARTIAL
    elif qn or cn:
        side = "query" if qn else "listed name"
        notes.append((f"number {_nums(qn or cn)} only in the {side}", NUMBER_ONE_SIDED))
        score *= NUMBER_ONE_SIDED
    qg, cg = query.groups | query.context, candidate.groups | candidate.context
    if qg and cg and not qg & cg:
        notes.append((f"different groups: {', '.join(sorted(qg)).upper()} vs {', '.join(sorted(cg)).upper()}",
                      GROUP_MISMATCH))
        score *= GROUP_MISMATCH
    return score


def _nums(numbers: frozenset[str]) -> str:
    return ", ".join(sorted(n.lstrip("#") for n in numbers))
