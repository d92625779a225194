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

Last, what two unrelated organisations share by chance is discounted (:mod:`.distinctive`): a short
acronym that is all they share, a listed name that adds distinctive words to the query, leftover words
taken for a spacing difference, and a pinyin word a syllable from the pinyin of a Han-script name.

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
from itertools import compress

from rapidfuzz import fuzz

from exportcheck.matching.align import (
    ACRONYM_SKIP,
    FUZZY_MIN,
    FUZZY_MIN_LEN,
    INITIAL_SIMILARITY,
    Pair,
    acronym_similarity,
    align,
    token_similarity,
)
from exportcheck.matching.distinctive import chance_agreement, spacing_explains
from exportcheck.matching.normalise import NameForm, token_class
from exportcheck.matching.places import country_of, is_place, place_words, places_in
from exportcheck.matching.scripts import is_latin

DEFAULT_THRESHOLD = 0.80
CLASS_WEIGHTS = {"name": 1.0, "number": 1.0, "group": 1.0, "descriptor": 0.35, "weak": 0.1}
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
# A descriptor ("materials", "systems", "national") left over on one side only, nothing on the other: see compare().
KIND_DIFFERS = 0.9

PERSON_CONFLICT = 0.92
# Patronymic names read in order: "Salman bin Muhammad" (Salman, son of Muhammad) is not "Muhammad bin
# Salman". When the given names before "bin" differ, the score is multiplied by this.
PATRONYM_SWAPPED = 0.7
PATRONYM_PARTICLES = frozenset({"bin", "ben", "bint"})
# A country in the listed organisation name only (a country subsidiary: "Banco Santander México" for
# "Banco Santander"), and two different countries: see :mod:`exportcheck.matching.places`.
PLACE_ONE_SIDED = 0.92
PLACE_MISMATCH = 0.8
# A listed name that is only a place ("Hong Kong", an alias the Entity List gives a Hong Kong company) is
# not the name of "University of Hong Kong": the place is all they share.
PLACE_ONLY = 0.6
# The order- and place-rules only matter near the threshold; below this they are not computed (speed).
RULES_FROM = 0.7

WeightFn = Callable[[str], float]
_NOT_STRONG = ("weak", "descriptor")


def class_weight(token: str) -> float:
    """The weight of a token from its class alone (used where no index gives token frequencies)."""
    return CLASS_WEIGHTS[token_class(token)]


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


def compare(query: NameForm, candidate: NameForm, weight: WeightFn = class_weight, *,
            person: bool = False) -> Comparison:
    """Score one query name against one listed name, in [0, 1], with the alignment that explains it.

    ``person=True`` when the listed party is a person: initials count ("V. Putin"), a shorter name
    inside a longer one counts more (:data:`COVERAGE_BLEND`: people drop middle names, companies do
    not drop words at random), and acronyms do not ("TDK" is not "Taji al-Din Kasim").
    """
    q, c = list(query.tokens), list(candidate.tokens)
    if not q or not c:
        return Comparison(0.0, query, candidate)
    if q == c:
        return Comparison(1.0, query, candidate, [Pair(t, t, 1.0, "exact") for t in q], [], [], [], 1.0)
    al = align(q, c, acronyms=not person, initials=person,
               cross_script=person and is_latin(query.original) != is_latin(candidate.original))
    pairs, q_free, c_free = al.pairs, al.q_free, al.c_free
    if candidate.context:
        for i, tok in enumerate(q):
            if q_free[i] and tok in candidate.context:
                q_free[i] = False
                pairs.append(Pair(tok, "", CONTEXT_SIMILARITY, "context"))
    # made once with its lists (no default lists made and replaced: a query makes thousands of these)
    result = Comparison(0.0, query, candidate, pairs, list(compress(q, q_free)), list(compress(c, c_free)), [])
    q_total = sum(map(weight, q))
    c_total = sum(map(weight, c))
    q_matched = c_matched = 0.0
    for pair in pairs:
        similarity, a, b = pair.similarity, pair.query, pair.candidate
        # a run of words ("hua wei") weighs the sum of its words; one word its own weight (the same float)
        q_matched += similarity * (sum(map(weight, a.split())) if " " in a else weight(a))
        # "" for a context group: nothing on the listed side
        c_matched += similarity * (sum(map(weight, b.split())) if " " in b or not b else weight(b))
    total = q_total + c_total
    score = (q_matched + c_matched) / total if total else 0.0
    shorter = q if q_total <= c_total else c
    if person and COVERAGE_BLEND and q_total and c_total and sum(token_class(t) == "name" for t in shorter) >= 2:
        # the shorter name wholly inside the longer one ("Boris Johnson" in "Alexandre Boris de
        # Pfeffel Johnson") is better evidence than the Dice share alone says; a one-word name ("Martin")
        # inside a longer one is not
        short = q_matched / q_total if q_total <= c_total else c_matched / c_total
        score = (1 - COVERAGE_BLEND) * score + COVERAGE_BLEND * min(1.0, short)
    # only where the spacing differs (the leftover words are checked first: cheaper than the joined forms)
    if len(q) != len(c) and spacing_explains(result.unmatched_query, result.unmatched_candidate):
        q_compact, c_compact = query.compact, candidate.compact
        if q_compact and c_compact and abs(len(q_compact) - len(c_compact)) <= 3:
            compact = fuzz.ratio(q_compact, c_compact) / 100.0
            if compact >= COMPACT_MIN and compact > score:
                result.penalties.append((f"spelled together the names agree ({compact:.2f})", 1.0))
                score = compact
    if person and PERSON_CONFLICT < 1.0 and _has_name(result.unmatched_query) and _has_name(result.unmatched_candidate):
        # each side has a name of its own where the other has a different one: a father's or a clan's
        # name swapped ("... Ibrahim Hasan al-Dulaimi" / "... Ibrahim Hasan al-Tikriti") is another person
        result.penalties.append(("a name on each side has no counterpart on the other", PERSON_CONFLICT))
        score *= PERSON_CONFLICT
    if person and score >= RULES_FROM:
        score = _patronym_order(q, c, pairs, score, result.penalties)
    if not person and score >= RULES_FROM and (result.unmatched_query or result.unmatched_candidate):
        score = _place_qualifiers(q, c, result, score)
    strong = [p for p in pairs if token_class(p.query.split()[0] if " " in p.query else p.query) not in _NOT_STRONG]
    if not person and len(strong) == 1 and strong[0].how == "fuzzy":
        # one approximately equal word is all two company names share ("Safran" / "Sairan")
        result.penalties.append(("the only distinctive word agrees approximately, not exactly", FUZZY_ONLY))
        score *= FUZZY_ONLY
    if (not person and strong and all(p.how != "acronym" and token_class(p.query.split()[0]) == "name" for p in strong)
            and _kind_differs(result)):  # a number or a group in common names the unit ("24所" / "24th Research Institute")
        # the names share their distinctive words, and one of them says what kind of body it is where the
        # other says nothing more: "Mitsubishi Materials Corporation" is not "Mitsubishi Corporation",
        # "National Sun Yat-sen University" not "Sun Yat-sen University"
        result.penalties.append(("one name adds what kind of body it is", KIND_DIFFERS))
        score *= KIND_DIFFERS
    if (query.numbers and query.numbers == candidate.numbers and query.groups and query.groups == candidate.groups
            and all(token_class(t) in ("weak", "descriptor")
                    for t in [*result.unmatched_query, *result.unmatched_candidate]) and score < NUMBERED_UNIT):
        # "24th Research Institute of CETC" = "CETC 24": the group and the number name the unit; the
        # other words only say what kind of body it is
        result.penalties.append(("same group and number; the other words only describe the kind of body", 1.0))
        score = NUMBERED_UNIT
    if score >= RULES_FROM:  # what unrelated names share by chance (acronyms, added words, pinyin): distinctive.py
        score *= chance_agreement(query, candidate, pairs, result.unmatched_query, result.unmatched_candidate,
                                  result.penalties, person=person)
    result.base = score
    score = _rules(query, candidate, score, result.penalties)
    result.score = max(0.0, min(1.0, score))
    return result


def _patronym_order(q: list[str], c: list[str], pairs: list[Pair], score: float,
                    notes: list[tuple[str, float]]) -> float:
    """See :data:`PATRONYM_SWAPPED`."""
    qi = next((i for i, t in enumerate(q) if t in PATRONYM_PARTICLES), 0)
    ci = next((i for i, t in enumerate(c) if t in PATRONYM_PARTICLES), 0)
    if qi < 1 or ci < 1 or q[qi - 1] == c[ci - 1]:
        return score
    given_q, given_c = q[qi - 1], c[ci - 1]
    if any(p.query == given_q and p.candidate == given_c for p in pairs):
        return score
    notes.append((f"the names before '{q[qi]}' differ: {given_q} vs {given_c}", PATRONYM_SWAPPED))
    return score * PATRONYM_SWAPPED


def _place_qualifiers(q: list[str], c: list[str], result: Comparison, score: float) -> float:
    """See :data:`PLACE_ONE_SIDED`, :data:`PLACE_MISMATCH` and :data:`PLACE_ONLY`: only places left unaligned count."""
    if (is_place(c) and result.unmatched_query) or (is_place(q) and result.unmatched_candidate):
        result.penalties.append(("one name is only a place", PLACE_ONLY))
        return score * PLACE_ONLY
    free_q, free_c = set(result.unmatched_query), set(result.unmatched_candidate)
    if place_words().isdisjoint(free_q) and place_words().isdisjoint(free_c):
        return score
    qp = {p for p in places_in(q) if free_q.issuperset(p)}
    cp = {p for p in places_in(c) if free_c.issuperset(p)}
    if qp and cp and {country_of(p) for p in qp} == {country_of(p) for p in cp}:
        return score  # one country in two languages ("Switzerland", "Schweiz"): not a different company
    if qp and cp:
        result.penalties.append((f"different countries: {_places(qp)} vs {_places(cp)}", PLACE_MISMATCH))
        return score * PLACE_MISMATCH
    if cp:  # the query names no country: it means the group's own company, which then ranks first
        result.penalties.append((f"place {_places(cp)} only in the listed name", PLACE_ONE_SIDED))
        return score * PLACE_ONE_SIDED
    return score  # a country company of a listed group stays a match, for review (extra query words never count)


def _places(found: set[tuple[str, ...]]) -> str:
    return ", ".join(sorted(" ".join(p) for p in found))


def _kind_differs(result: Comparison) -> bool:
    # legal forms and stop words left over say nothing about the kind of body ("CAE Inc." / "CAE Services")
    q = [k for k in map(token_class, result.unmatched_query) if k != "weak"]
    c = [k for k in map(token_class, result.unmatched_candidate) if k != "weak"]
    if q and c:
        return False
    left = q or c
    return "descriptor" in left and "name" not in left


def _has_name(tokens: list[str]) -> bool:
    return any(token_class(t) == "name" for t in tokens)


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


__all__ = ["ACRONYM_SKIP", "DEFAULT_THRESHOLD", "FUZZY_MIN", "FUZZY_MIN_LEN", "INITIAL_SIMILARITY", "Comparison", "Pair",
           "acronym_similarity", "class_weight", "compare", "token_similarity"]


def _nums(numbers: frozenset[str]) -> str:
    return ", ".join(sorted(n.lstrip("#") for n in numbers))
