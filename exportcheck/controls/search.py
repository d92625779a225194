"""Free-text search over control entries: BM25 (tantivy) over words, plus numeric parameters compared.

Each entry at every depth is one document (see :mod:`exportcheck.controls.search_index`). Query words
are expanded with trade synonyms written the way the lists word them (``search_terms.yaml``, one note per
synonym: "scanner" → "align and expose step and scan", "ALD" → "atomic layer deposition" ...). Numbers
with units are read from both sides and compared (``193 nm`` against "shorter than 193 nm"), and so is 'Total
Processing Performance', which a datasheet never states but gives as TFLOPS/TOPS per number format ("989 TFLOPS dense
BF16" is TPP 15,824: ``search_index.tpp_parameters``); purity in nines ("6N") is read as a percentage. The ranking
is explainable term by term: each hit carries its matched terms and compared parameters.

Score, 0..1: the hit's score divided by the most this query could score against any entry — each word
group (a typed word and its synonyms) at its BM25 saturation (``idf × (K1 + 1)``) in every field, plus
every bonus that could apply. 1.0 would be an entry matching every word many times and meeting every
stated number; real hits sit well below (typically 0.05–0.3), and scores are comparable across queries.
A low score is a hint, never a verdict: whether an item is listed is decided by the entry's criteria.

A US entry held as its heading only is also found through the text of the EU entry of the same number
(borrowed search text, see :mod:`exportcheck.controls.search_index`): such a hit keeps the US code and text,
names the EU text in ``borrowed_from`` and its explanation, scores ``BORROWED_FACTOR`` of what the text
earns, and is never compared with stated numbers.

References are followed at query time as well as read as words: a software or technology entry asked for (and
goods defined by what they contain, EU 4A507 / US 4A090) earns ``REF_SHARE`` of the best score, words and
stated numbers, among the goods candidates it names, sub-paragraphs and whole groups included and its exclusions
left out (see ``search_index.referrers``). A sub-paragraph is compared with its ancestors' numbers too, and a
note about one sub-paragraph ("3B501.k.2. includes ...") is searched with it. Isotope notation ("28Si") is
read as the element's name (``isotopes`` in ``search_terms.yaml``).

Hits are diverse: a sub-paragraph of an entry already listed (or its parent) is left out, and at most
``PER_ROOT`` hits share one top-level entry (``RESIDUAL_PER_ROOT`` for a residual catch-all such as US 3B991),
so five hits name five places to read. Of an entry and its own sub-paragraph only one is shown: the better scored,
except that a sub-paragraph takes its ancestor's place (and rank) when a stated number meets a threshold that only
the sub-paragraph states (``SUB_FOR_PARENT``).

Re-ranking of the BM25 candidates, and the constants below, were chosen on the tuning half of
``exportcheck/bench/data/control_queries.yaml`` only; the held-out half is reported separately by
``python -m exportcheck.bench controls_search``. ``FIELD_BOOSTS``: an entry's own words count fully,
its ancestors' words at half, so a specific child beats its parent only when its own words match, and its
notes at a quarter (notes mostly say what an entry does *not* control, or define a term). Synonym words count
``EXPANSION_WEIGHT`` of a typed word and a group scores its best alternative (plus ``TIE`` of the rest).
Words next to each other in the description that stand next to each other in the entry raise its word score
(``PROXIMITY``). ``PROXIMITY``, ``TIE``, ``PARAM_MATCH`` and the notes boost were chosen by 5-fold cross-validation over the tuning
descriptions (each value chosen on four folds by MRR, scored on the fifth; `bench controls_search --tuning`). Coverage: the score is multiplied by the share of the
description's (idf-weighted) word groups the entry matches, to the power ``COVERAGE``. Product groups:
software/technology entries keep ``GOODS_FACTOR`` of their score for a description of goods, and goods
entries for a description of software/technology; the group a word names gets ``GROUP_SHARE`` of the
word ceiling. A stated number meeting every threshold an entry states on the same quantity (both bounds of a range:
"greater than 20 °C and less than 500 °C") adds ``PARAM_MATCH`` of the word ceiling, one compared but not meeting
them all ``PARAM_UNIT``; one meeting every threshold a direct sub-paragraph states (and failing none of the entry's
own) adds ``CHILD_PARAM`` of that, since an entry "having any of the following" is met through its sub-paragraphs
(chosen by 5-fold cross-validation over the tuning descriptions). ``K1=1.2, B=0.75`` are tantivy's BM25 values.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Collection
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import tantivy
import yaml
from pydantic import BaseModel, Field

from exportcheck.controls.data import ControlData, load_controls
from exportcheck.controls.params import Parameter
from exportcheck.controls.search_index import (
    SPELLING,
    STOP_WORDS,
    SearchIndex,
    build_index,
    by_unit,
    read_parameters,
    tpp_rate_words,
)
from exportcheck.controls.versions import eu_version_on
from exportcheck.dates import as_date

K1 = 1.2  # tantivy's BM25 constants (not settable there); used for the score ceiling
FIELD_BOOSTS = {"own": 1.0, "notes": 0.25, "context": 0.5}
#: The text of the entries a software/technology entry names (``refs``, see ``search_index``) counts like its
#: context. It is left out of the score ceiling, so the parameter and group bonuses (shares of that ceiling)
#: weigh what they weighed before the field existed.
REFS_BOOST = 0.5
#: A software/technology entry asked for earns this share of the best word score among the entries it names (and
#: their sub-paragraphs); goods defined by what they contain the same (see ``search_index.referrers``).
REF_SHARE = 0.5
#: Words added by synonyms count half: they say how the lists word a trade term, not what was typed.
EXPANSION_WEIGHT = 0.5
#: ... unless no entry uses the typed word ("nanoimprint", "arsine", "AlGaN"): the expansion is then the only
#: way the description's word reaches the lists, and counts as this share of a typed word.
UNKNOWN_EXPANSION_WEIGHT = 1.0
#: Index terms sharing all but the last letter of a typed term of VARIANT_MIN letters or more are
#: alternatives at VARIANT_WEIGHT (word forms the English stemmer leaves apart: lithography/lithographic).
VARIANT_WEIGHT, VARIANT_MIN = 0.8, 6
#: A word group (a typed word and its synonyms) scores its best alternative plus TIE times the others.
TIE = 0.6
#: PARAM_MATCH re-chosen (0.03 → 0.04) by 5-fold cross-validation over the 322 tuning descriptions and over their
#: one-word-left-out copy (where all five folds chose 0.04), once the tuning half had grown by 91 descriptions; then
#: 0.04 → 0.05 over the 482 tuning descriptions with CHILD_PARAM (control-search-9: all five folds chose 0.05 on the
#: grid 0.02-0.08; CV MRR 0.8215 → 0.8240).
PARAM_MATCH, PARAM_UNIT = 0.05, 0.005
#: A stated number meeting a threshold of one of an entry's direct sub-paragraphs (and none of the entry's own) earns
#: the entry this share of PARAM_MATCH: an entry "having any of the following" is met through its sub-paragraphs, so
#: "EUV" (13.5 nm) counts for 3B001.f.1 as well as for 3B001.f.1.a "a light source wavelength shorter than 193 nm".
#: Chosen by 5-fold cross-validation over the 482 tuning descriptions (control-search-9; grid 0-2, four folds chose 0.5,
#: one 0.75; CV MRR 0.8175 at 0 -> 0.8201).
CHILD_PARAM = 0.5
#: The parameter bonus is scaled by the entry's word coverage to this power: a number meeting a threshold says
#: something only about an entry that is about the item described ("8 nm resolution" meets "less than 40 nm
#: wide" of an ALD sub-paragraph as well as it meets a scanner's MRF).
PARAM_COVERAGE = 0.5
#: Words that say what kind of item is meant → product group (B equipment, C materials, D software,
#: E technology). Software and technology words win over the rest ("software for an etcher" is D);
#: an equipment word wins over a material word ("resist bake plate" is equipment, "EUV resist" a material).
GROUP_WORDS = {"software": "D", "firmware": "D", "eda": "D", "ecad": "D", "technology": "E", "know-how": "E",
               "substrate": "C", "substrates": "C", "material": "C", "materials": "C", "resist": "C",
               "photoresist": "C", "prepreg": "C", "composite": "C",
               "equipment": "B", "system": "B", "tool": "B", "reactor": "B", "machine": "B", "chamber": "B",
               "station": "B", "furnace": "B", "writer": "B", "scanner": "B", "stepper": "B", "etcher": "B",
               "implanter": "B", "aligner": "B", "prober": "B", "puller": "B", "bonder": "B", "asher": "B",
               "platform": "B", "coater": "B", "track": "B", "ellipsometer": "B", "scatterometer": "B",
               "microscope": "B", "tester": "B"}
#: Two-word names of a product group, from the lists' definitions: "technology" "takes the form of technical data or
#: technical assistance" (Annex I and EAR definitions), and "source code" is a form of "software" (Annex I defines it;
#: 4D/5D/6D entries control "software or source code"). One of the two words alone names no group ("data", "code").
GROUP_PHRASES = {("technical", "data"): "E", ("technical", "assistance"): "E", ("source", "code"): "D"}
GROUP_SHARE = 0.05
#: A description naming no software or technology is of goods: software (D) and technology (E) entries
#: then keep this share of their score, so "DUV immersion scanner" ranks 3B before 3D/3E texts about it;
#: and the reverse: "technology for SiGe etch equipment" ranks 3E before the 3B etch entries.
GOODS_FACTOR = 0.75
#: Technology/software bonus only for entries in the categories of this many best goods candidates
#: ("technology for EUV masks" → 3E, not 5E).
CATEGORY_FROM = 3
#: Coverage: the raw score is multiplied by (share of the query's idf weight the entry matches) ** COVERAGE,
#: so an entry matching more of the description beats a short one matching fewer words.
COVERAGE = 0.5
#: At most this many hits per top-level entry (e.g. "3B001"), so the hits name different places to read.
PER_ROOT = 3
#: At most this many hits from a residual entry (see ``search_index.is_residual``: US 3B991 "Equipment not
#: controlled by 3B001, 3B993, or 3B994 ...", anti-terrorism controls only): it is the fallback a reader
#: needs once, and with PER_ROOT hits its 92 paragraphs took slots from the entries it defers to.
RESIDUAL_PER_ROOT = 1
#: Show a sub-paragraph instead of its ancestor already among the hits when a stated number meets a threshold of the
#: sub-paragraph's own that the ancestor does not state (see ``_says_more``).
SUB_FOR_PARENT = True
#: Proximity: words next to each other in the description (or in one synonym's wording) that stand within WINDOW
#: words of each other in one text of the entry (its own, its notes, one ancestor's) multiply the word score by
#: (1 + PROXIMITY × their idf-weighted share of the description's word pairs): "mass flow controller" is one thing,
#: and an entry saying "mass flow" beats one saying "mass" and, elsewhere, "flow".
PROXIMITY, WINDOW = 0.3, 1
#: Candidates taken from the BM25 index before parameters and groups re-rank them.
CANDIDATES = 200
#: A US entry found through borrowed text (the EU entry of the same number, see ``search_index``) keeps this
#: share of its score: the text is not the US law's own, so a US entry whose own words match as well ranks first.
BORROWED_FACTOR = 0.9

TERMS_FILE = Path(__file__).resolve().parent / "search_terms.yaml"
_RAW_WORD = re.compile(r"[a-z0-9µ]+(?:-[a-z0-9µ]+)*")


@cache
def _terms_file() -> dict[str, dict[str, object]]:
    """``search_terms.yaml`` read once, with libyaml's safe loader where installed (the pure-Python one takes ~0.1 s)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return dict(yaml.load(TERMS_FILE.read_text(encoding="utf-8"), Loader=loader)["synonyms"])  # a safe loader either way


@cache
def search_terms() -> tuple[dict[str, str], dict[str, str]]:
    """(synonyms, implied parameters) from ``search_terms.yaml``: trade word → list wording / implied number."""
    data = _terms_file()
    synonyms = {str(word): str(spec["expand"]) for word, spec in data.items()}
    implied = {str(word): str(spec["implies"]) for word, spec in data.items() if spec.get("implies")}
    return synonyms, implied


@cache
def _isotopes() -> dict[str, str]:
    """Element symbol → name, for isotope notation (``isotopes`` in ``search_terms.yaml``)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(TERMS_FILE.read_text(encoding="utf-8"), Loader=loader)  # a safe loader either way
    return {str(k): str(v) for k, v in (data.get("isotopes") or {}).items()}


_ISOTOPE = re.compile(r"(\d{1,3})([a-z]{1,2})|([a-z]{1,2})-(\d{1,3})")


def isotope_words(word: str) -> str:
    """"28si" or "si-28" → "silicon isotopes": a mass number before an element's symbol, or after it and a hyphen, is
    how datasheets write an isotope ("28Si", "70Ge", "3He", "Ge-73", "Si-29"); the lists write "silicon-28". Empty for
    any other word."""
    found = _ISOTOPE.fullmatch(word)
    name = _isotopes().get(found.group(2) or found.group(3)) if found else None
    return f"{name} isotopes" if name else ""


#: Organometallic precursors are named by their ligands and central atom ("trimethylgallium", "tertiarybutylphosphine",
#: "tetrakis(dimethylamino)titanium"); the lists say "organo-metallic compounds of ... gallium" (3C003.a), "organo-
#: phosphorus compounds" (3C003.b), "organometallic compound precursor" (3B501.n). The central atom's name as the lists
#: write it, from the name's last part (hydride names: "phosphine" is phosphorus).
_LIGANDS = ("methyl|ethyl|propyl|isopropyl|butyl|isobutyl|tertiarybutyl|tertbutyl|neopentyl|allyl|cyclopentadienyl|"
            "amino|amido|imido|carbonyl")
_CENTRAL = {"gallium": "gallium", "aluminium": "aluminium", "aluminum": "aluminium", "indium": "indium",
            "phosphine": "phosphorus", "arsine": "arsenic", "stibine": "antimony", "antimony": "antimony",
            "zinc": "zinc", "magnesium": "magnesium", "titanium": "titanium", "hafnium": "hafnium",
            "zirconium": "zirconium", "tantalum": "tantalum", "tungsten": "tungsten", "molybdenum": "molybdenum",
            "cobalt": "cobalt", "ruthenium": "ruthenium", "nickel": "nickel"}
_ORGANOMETALLIC = re.compile(rf"(?:(?:mono|di|tri|tetra|tetrakis|penta|bis|tris)*(?:{_LIGANDS}))+"
                             rf"({'|'.join(sorted(_CENTRAL, key=len, reverse=True))})")


def organometallic_words(word: str) -> str:
    """"trimethylgallium" → "organo metallic organometallic compound gallium": a precursor's systematic name is an
    organometallic compound of its central atom; empty for any other word (bare "gallium", "methyl")."""
    found = _ORGANOMETALLIC.fullmatch(word.replace("(", "").replace(")", ""))
    return f"organo metallic organometallic compound {_CENTRAL[found.group(1)]}" if found else ""


@cache
def replaced_words() -> frozenset[str]:
    """Trade words searched only as their expansion (``replaces: true``): typed as is they would match another
    meaning in the lists ("AI" accelerator against the "AI viruses", avian influenza, of 1C351)."""
    return frozenset(str(word) for word, spec in _terms_file().items() if spec.get("replaces"))


def _raw_words(text: str) -> list[str]:
    """Words as typed, hyphenated forms ("i-line", "low-k") and their parts both."""
    out = []
    for word in _RAW_WORD.findall((text or "").lower()):
        out.append(word)
        if "-" in word:
            out.extend(word.split("-"))
    return out


def _key(word: str, table: Collection[str]) -> str | None:
    """``word``, its singular or its stem before a generation number as a key of ``table``, else None."""
    if word in table:
        return word
    single = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else ""
    if single in table:
        return single
    generation = _GENERATION.fullmatch(word)  # "hbm3e" → "hbm", "ddr5" → "ddr": a product generation of the word
    return generation.group(1) if generation and generation.group(1) in table else None


_GENERATION = re.compile(r"([a-z]{2,})\d+[a-z]?")


def stem(word: str) -> str:
    """A light stemmer (plurals and a few suffixes) for callers comparing words outside the index; US spellings
    are folded with the index's own table (``search_index.SPELLING``), so both compare the same words."""
    word = SPELLING.get(word, word)
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "s" and word.endswith("ss")):
            return word[: len(word) - len(suffix)] + repl
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased words, stop words and bare numbers dropped, lightly stemmed (used by ``evaluate.kind_match``)."""
    out = []
    for word in re.findall(r"[a-z0-9µ]+", (text or "").lower().replace("-", " ")):
        if word in STOP_WORDS or word.isdigit() or len(word) < 2:
            continue
        out.append(stem(word))
    return out


#: Ion species as implanter datasheets write them ("H+", "He+", "BF2+", "As+"): the ion's element by name, as the lists
#: write it ("for hydrogen, deuterium or helium implant", 3B001.b.2; "high energy oxygen implant", 3B001.b.4). "P+" and
#: "N+" are left out: in a device description they say heavily p- or n-doped, not phosphorus or nitrogen; one "+" only,
#: so "C++" is no carbon.
IONS = {"H": "hydrogen", "D": "deuterium", "He": "helium", "B": "boron", "BF2": "boron", "C": "carbon",
        "O": "oxygen", "F": "fluorine", "Si": "silicon", "Ar": "argon", "Ge": "germanium",
        "As": "arsenic", "In": "indium", "Sb": "antimony", "Ga": "gallium", "Al": "aluminium", "Xe": "xenon"}
_ION = re.compile(r"(?<![A-Za-z0-9+])([A-Z][a-z]?F?\d?)\+(?![A-Za-z0-9+])")


def ion_words(text: str) -> list[str]:
    """The elements of the ion species a description names ("H+ and He+ implanter" → hydrogen, helium)."""
    return [IONS[m.group(1)] for m in _ION.finditer(text or "") if m.group(1) in IONS]


def query_weights(index: SearchIndex, text: str) -> list[dict[str, float]]:
    """One group of alternatives per typed word: its index term (weight 1) and its synonym's terms.

    A group scores as its best alternative (plus TIE of the others): a synonym offers other words for the
    same thing, so an entry that says "EUV" and "extreme ultraviolet" does not count the idea twice.
    """
    synonyms, _ = search_terms()
    units = stated_units(text)
    searcher = index.index.searcher()
    groups: dict[str, dict[str, float]] = {}
    for word in dict.fromkeys(_raw_words(text) + ion_words(text)):
        typed = index.terms(word) if "-" not in word and _key(word, replaced_words()) is None and word not in units else []
        extra = index.terms(synonyms[found]) if (found := _key(word, synonyms)) else []
        if not extra and not any(_known(searcher, term) for term in typed) and (
                also := isotope_words(word) or organometallic_words(word)):
            extra = index.terms(also)
        if not typed and not extra:
            continue
        key = typed[0] if typed else f"~{word}"
        group = groups.setdefault(key, {})
        # a typed word no entry uses ("nanoimprint", "arsine") means only its expansion: that counts in full
        weight = EXPANSION_WEIGHT if any(_known(searcher, term) for term in typed) else UNKNOWN_EXPANSION_WEIGHT
        for term in typed:
            group[term] = 1.0
            if VARIANT_WEIGHT and len(term) >= VARIANT_MIN:  # "lithographi" ~ "lithograph": the stemmer's misses
                for variant, _count in searcher.terms_with_prefix("own", term[:-1]):
                    if len(variant) <= len(term) + 2:
                        group.setdefault(variant, VARIANT_WEIGHT)
        for term in extra:
            group.setdefault(term, weight)
    return list(groups.values())


def word_pairs(index: SearchIndex, text: str,
               groups: list[dict[str, float]]) -> list[tuple[frozenset[str], frozenset[str], float]]:
    """Pairs of searched words next to each other in the description, and in each synonym's wording ("scanner" →
    "step and scan"): (the first's alternatives, the second's, the rarer one's idf × EXPANSION_WEIGHT for a
    synonym's pair). Words not searched (units, stop words) are skipped, so "193 nm immersion scanner" pairs
    "immersion" with "scanner"."""
    synonyms, _ = search_terms()
    searcher = index.index.searcher()
    n = searcher.num_docs
    of_term: dict[str, frozenset[str]] = {}  # a typed word's index term → it and its word-form variants
    for group in groups:
        first = next(iter(group))
        of_term.setdefault(first, frozenset({first} | {t for t, w in group.items() if w == VARIANT_WEIGHT}))

    def idf(terms: frozenset[str]) -> float:
        df = max((searcher.doc_freq(name, t) for t in terms for name in FIELD_BOOSTS), default=0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0

    out: list[tuple[frozenset[str], frozenset[str], float]] = []
    for phrase in _PHRASE_BREAK.split((text or "").lower()):
        typed = [of_term.get(t) for word in phrase.replace("-", " ").split() if word not in ("and", "or")
                 for t in (index.terms(word)[:1] or [""])]
        for a, b in itertools.pairwise(typed):
            if a and b and a != b:
                out.append((a, b, min(idf(a), idf(b))))
    for word in dict.fromkeys(_raw_words(text)):
        if (found := _key(word, synonyms)) is None:
            continue
        said = [frozenset({t}) for t in index.terms(synonyms[found])]
        for a, b in itertools.pairwise(said):
            if a != b:
                out.append((a, b, EXPANSION_WEIGHT * min(idf(a), idf(b))))
    return [p for p in dict.fromkeys(out) if p[2] > 0]


#: A description's phrase ends at punctuation, a number and at a word searched for nothing ("for", "with", "of"), but
#: not at "and"/"or", which join the words of one name ("step and repeat", "coat and develop").
_PHRASE_BREAK = re.compile(r"[,;:()/+]|(?<![a-z0-9-])[\d.]+(?![a-z0-9-])|\b(?:" + "|".join(
    sorted(STOP_WORDS - {"and", "or"}, key=len, reverse=True)) + r")\b")


def _known(searcher: tantivy.Searcher, term: str) -> bool:
    """Whether any entry's text, notes or ancestors use the index term."""
    return any(searcher.doc_freq(name, term) for name in FIELD_BOOSTS)


def stated_units(text: str) -> frozenset[str]:
    """Unit words written after a number in the query ("13.5 nm" → "nm").

    They are compared as parameters, not searched as words: as a word, "nm" matches every entry with a
    length in nanometres, so a description stating two lengths favoured any short entry with a number in nm
    (a deposition sub-paragraph "less than 40 nm wide") over the entry naming the tool."""
    return frozenset(p.text.split()[-1].lower() if " " in p.text else re.sub(r"^[\d.,  ]+", "", p.text).lower()
                     for p in read_parameters(text) if p.unit != "TPP") | tpp_rate_words(text)  # TPP: its rate's words


def query_parameters(text: str) -> list[Parameter]:
    """Numbers stated in the query, and those its trade words or two-word names imply (EUV, "extreme ultraviolet" →
    13.5 nm), each once.

    An implied number that is also stated ("EUV ... 13.5 nm") is one fact: counted twice it doubled the
    parameter bonus of every entry with a length threshold."""
    _, implied = search_terms()
    words = _raw_words(text)
    extra = " ".join([implied[k] for w in dict.fromkeys(words + [f"{a} {b}" for a, b in itertools.pairwise(words)])
                      if (k := _key(w, implied))]
                     + [f"{nines_purity(m)} %" for m in _NINES.finditer((text or "").lower())])
    found = by_unit(read_parameters(text) + (read_parameters(extra) if extra else []))
    unique: dict[tuple[float, str, str], Parameter] = {}
    for p in found:
        unique.setdefault((round(p.value, 15), p.unit, p.relation), p)
    return list(unique.values())


#: Purity in "nines", as materials datasheets write it: "6N" is 99.9999 %, "5N5" 99.9995 % (five nines, then a 5).
_NINES = re.compile(r"(?<![\w.])([3-9])n([1-9])?(?!\w)")


def nines_purity(found: re.Match[str]) -> str:
    """"6n" → "99.9999", "5n5" → "99.9995": the lists state purity as a percentage ("better than 99,999 %", 3C003,
    3C004), so the trade notation is compared as that number."""
    nines, last = int(found.group(1)), found.group(2) or ""
    return "99." + "9" * (nines - 2) + last


class ControlHit(BaseModel):
    """One ranked entry with the reasons it ranks: matched words and compared parameters."""

    rank: int
    regime: str
    code: str
    version: str
    valid_from: str
    score: float = Field(description="0..1: raw score / the most this query could score (see module docstring)")
    text: str
    path: list[str] = Field(default_factory=list)  # ancestor codes, top first
    matched_terms: list[str] = Field(default_factory=list)
    parameters: list[dict[str, object]] = Field(default_factory=list)
    explanation: str = ""
    borrowed_from: str = Field(default="", description=(
        "Set when the entry was found through the text of another regime's entry of the same number "
        "(e.g. 'eu:2B350.d (02021R0821-20251115)') because its own held text is a heading only; "
        "`text` is still this entry's own"))


def _related(code: str, other: str) -> bool:
    return code == other or code.startswith(other + ".") or other.startswith(code + ".")


def _met(details: list[dict[str, object]]) -> set[tuple[str, str]]:
    return {(str(d["query"]), str(d["entry"])) for d in details if d["meets"]}


def _says_more(index: SearchIndex, child: tuple[float, int, int, list[dict[str, object]]],
               parent: tuple[float, int, int, list[dict[str, object]]]) -> bool:
    """Whether a sub-paragraph should be shown instead of its ancestor already chosen: a stated number meets a
    threshold of its own that the ancestor's text does not state (3B994.b.2.c "angular accuracy equal to or less
    than 0.1 degrees" for "beam angle control to 0.05 degrees", under "Ion implantation equipment as follows").

    Why: hits are diverse (one place to read per entry), so only one of the two is shown; the sub-paragraph is the
    more precise place when the description's own numbers single it out, and its parent stays in its path."""
    child_code, parent_code = index.codes[child[1]], index.codes[parent[1]]
    if child[2] >= 0 or not child_code.startswith(parent_code + "."):
        return False
    return bool(_met(child[3]) - _met(parent[3]))


def _bm25(index: SearchIndex, groups: list[dict[str, float]], regime: str | None,
          goods_too: bool = False) -> tuple[list[tuple[float, int, int]], float, list[tuple[set[str], float]]]:
    """Top candidates (raw score, row, row of the borrowed text or -1) from tantivy, the word ceiling of this
    query, and per word group its terms and weight (weight × idf of its best alternative), for coverage.

    A US search also runs over the EU entries whose text a heading-only US entry borrows (``lends:us``,
    see ``search_index``); each such hit is a candidate for that US entry, scored by the same statistics."""
    searcher = index.index.searcher()
    n = searcher.num_docs
    clauses = []
    ceiling = 0.0
    coverage_groups: list[tuple[set[str], float]] = []
    for group in groups:
        alternatives = []
        ceilings = []
        best = 0.0
        for term, weight in group.items():
            fields = []
            top = 0.0
            for name, boost in (FIELD_BOOSTS | {"refs": REFS_BOOST}).items():
                df = searcher.doc_freq(name, term)
                if not df:
                    continue
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                if name in FIELD_BOOSTS:
                    top += weight * boost * idf * (K1 + 1)
                    best = max(best, weight * idf)
                fields.append((tantivy.Occur.Should, tantivy.Query.boost_query(
                    tantivy.Query.term_query(index.schema, name, term, index_option="freq"), weight * boost)))
            if fields:
                alternatives.append(tantivy.Query.boolean_query(fields))
                ceilings.append(top)
        if not alternatives:
            continue
        ceiling += max(ceilings) + TIE * (sum(ceilings) - max(ceilings))
        coverage_groups.append((set(group), best))
        query = alternatives[0] if len(alternatives) == 1 else tantivy.Query.disjunction_max_query(alternatives, TIE)
        clauses.append((tantivy.Occur.Should, query))
    if not clauses:
        return [], 0.0, []
    words = tantivy.Query.boolean_query(clauses)

    def only(field: str, value: str) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, words), (tantivy.Occur.Must, tantivy.Query.const_score_query(
            tantivy.Query.term_query(index.schema, field, value), 0.0))])

    found = searcher.search(only("regime", regime) if regime else words, CANDIDATES).hits
    if goods_too:  # the goods a software/technology entry names compete with every text saying "software"
        goods = [(tantivy.Occur.Must, words), (tantivy.Occur.Must, tantivy.Query.const_score_query(
            tantivy.Query.term_query(index.schema, "kind", "goods"), 0.0))]
        if regime:
            goods.append((tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_query(index.schema, "regime", regime), 0.0)))
        found = found + searcher.search(tantivy.Query.boolean_query(goods), CANDIDATES).hits
    out = [(float(score), int(searcher.doc(address)["row"][0]), -1) for score, address in found]
    if index.lent and regime in (None, "us"):
        for score, address in searcher.search(only("lends", "us"), CANDIDATES).hits:
            source = int(searcher.doc(address)["row"][0])
            out.append((float(score), index.lent[source], source))
    return out, ceiling, coverage_groups


def _referred_scores(index: SearchIndex, words: list[tuple[float, int, int, float, list[dict[str, object]]]],
                     soft: bool) -> dict[int, float]:
    """Per referring entry, the best score (words and stated numbers) among the goods candidates it names (see
    ``search_index.referrers``).

    A software/technology entry takes it only when the description asks for software or technology (it then joins
    the candidates even if its own words matched nothing); goods defined by what they contain take it when their
    own words made them a candidate."""
    best: dict[int, float] = {}
    for word_score, row, _source, bonus, _details in words:
        score = word_score + bonus
        if index.groups[row] in ("D", "E"):  # "software for 4A or 4D": what it names that is software says "software"
            continue
        for referrer in index.referrers.get(row, ()):
            if score > best.get(referrer, 0.0):
                best[referrer] = score
    rows = {w[1] for w in words}
    return {row: score for row, score in best.items() if not index.not_used[row] and (
        soft if index.groups[row] in ("D", "E") else row in rows)}


def query_groups(query: str) -> set[str]:
    """Product groups the description's words name, with software/technology before equipment before materials."""
    words = _raw_words(query)
    named = {GROUP_WORDS[k] for w in words if (k := _key(w, GROUP_WORDS))}
    named |= {GROUP_PHRASES[pair] for pair in itertools.pairwise(words) if pair in GROUP_PHRASES}
    # a trade word for a kind of software ("ILT", "OPC": the lists' "computational lithography software") names D too
    synonyms, _ = search_terms()
    named |= {GROUP_WORDS[x] for w in words if (k := _key(w, synonyms))
              for x in synonyms[k].split() if GROUP_WORDS.get(x) in ("D", "E")}
    for first in ({"D", "E"}, {"B"}, {"C"}):
        if named & first:
            return named & first
    return set()


def _compare(entry_params: list[Parameter], qparams: list[Parameter]) -> tuple[float, list[dict[str, object]]]:
    """Parameter bonus (in shares of the word ceiling, per stated number: PARAM_MATCH when it meets every threshold of
    the entry it is compared with, so a range counts only when both bounds are met) and the comparisons."""
    bonus = 0.0
    found: list[dict[str, object]] = []
    for qp in qparams:
        results = []
        for ep in entry_params:
            ok = ep.satisfied_by(qp)
            if ok is None:
                continue
            results.append(ok)
            found.append({"query": qp.text, "entry": ep.text, "relation": ep.relation, "meets": ok})
        if results:
            bonus += PARAM_MATCH if all(results) else PARAM_UNIT
    return bonus, found


def _child_share(index: SearchIndex, row: int, qparams: list[Parameter],
                 own: list[dict[str, object]]) -> tuple[float, list[str]]:
    """Parameter bonus an entry earns through its direct sub-paragraphs (``CHILD_PARAM`` of PARAM_MATCH per stated number
    that meets every threshold one sub-paragraph states on its quantity, unless the entry's own comparisons, ``own``,
    fail it), and what met it, for the explanation. Kept apart from the entry's own comparisons: a sub-paragraph still
    takes its ancestor's place when a stated number singles it out (``_says_more``)."""
    failed = {str(d["query"]) for d in own if not d["meets"]}
    share, why = 0.0, []
    for qp in qparams:
        if qp.text in failed:
            continue
        for child, params in index.child_parameters(row):
            compared = [(ep, ok) for ep in params if (ok := ep.satisfied_by(qp)) is not None]
            if compared and all(ok for _, ok in compared):
                share += CHILD_PARAM * PARAM_MATCH
                why.append(f"query {qp.text} meets {index.codes[child]} "
                           f"({'; '.join(ep.text for ep, _ in compared)})")
                break
    return share, why


def _explain(matched: list[str], params: list[dict[str, object]]) -> str:
    why = f"matched: {', '.join(matched) or '-'}"
    if params:
        words = {"<": "at most", ">": "at least", "=": "about"}
        why += "; parameters: " + "; ".join(
            f"query {p['query']} vs entry {p['entry']} ({'meets' if p['meets'] else 'does not meet'} "
            f"'{words[str(p['relation'])]}')" for p in params)
    return why


def rank(index: SearchIndex, query: str, limit: int, regime: str | None = None) -> list[ControlHit]:
    """The ``limit`` best entries for ``query`` (in ``regime`` only when given), scored 0..1 and explained."""
    word_groups = query_weights(index, query)
    groups = query_groups(query)
    candidates, words_ceiling, coverage_groups = _bm25(index, word_groups, regime, bool(groups & {"D", "E"}))
    if not candidates:
        return []
    qparams = query_parameters(query)
    total_weight = sum(weight for _, weight in coverage_groups) or 1.0
    pairs = word_pairs(index, query, word_groups) if PROXIMITY else []
    pair_weight = sum(w for _, _, w in pairs) or 1.0
    pair_terms: dict[tuple[str, str], list[int]] = defaultdict(list)  # (term, term) → the pairs it stands for
    for i, (first, second, _weight) in enumerate(pairs):
        for both in itertools.product(first, second):
            pair_terms[both].append(i)
    pair_keys = frozenset(pair_terms)
    pair_members = frozenset(term for both in pair_keys for term in both)
    ceiling = words_ceiling * (1 + PROXIMITY * bool(pairs) + PARAM_MATCH * len(qparams)
                               + (GROUP_SHARE if groups else 0.0))
    soft = bool(groups & {"D", "E"})
    group_of: dict[str, list[int]] = defaultdict(list)  # term → the word groups it is an alternative of
    for g, (alternatives, _weight) in enumerate(coverage_groups):
        for term in alternatives:
            group_of[term].append(g)
    coverage_terms, coverage_weights = frozenset(group_of), [weight for _, weight in coverage_groups]
    met_below: dict[int, list[str]] = {}  # row → stated numbers met through its sub-paragraphs (``_child_share``)
    words: list[tuple[float, int, int, float, list[dict[str, object]]]] = []  # word score, row, borrowed row,
    for raw, row, source in candidates:                                           # parameter bonus, comparisons
        if index.not_used[row]:
            continue
        terms = index.row_terms(source if source >= 0 else row)
        coverage = sum(coverage_weights[g] for g in sorted(
            {g for term in terms & coverage_terms for g in group_of[term]})) / total_weight
        bonus, details = 0.0, list[dict[str, object]]()
        if source < 0 and qparams:  # borrowed text is never compared with stated numbers
            share, details = _compare(index.parameters(row), qparams)
            if CHILD_PARAM and (through := _child_share(index, row, qparams, details))[0] > share:
                share, met_below[row] = through
            bonus = share * words_ceiling * coverage ** PARAM_COVERAGE
        near = 0.0
        if pairs and len(terms & pair_members) > 1 and (
                close := index.near_pairs(source if source >= 0 else row, WINDOW) & pair_keys):
            near = sum(pairs[i][2] for i in {i for both in close for i in pair_terms[both]}) / pair_weight
        words.append((raw * coverage ** COVERAGE * (1 + PROXIMITY * near) * (BORROWED_FACTOR if source >= 0 else 1.0),
                      row, source, bonus,
                      details))
    referred = _referred_scores(index, words, soft)
    words += [(0.0, row, -1, 0.0, []) for row in referred if row not in {w[1] for w in words}]
    scored: list[tuple[float, int, int, list[dict[str, object]]]] = []  # score, row, borrowed row, parameters
    for score, row, source, bonus, details in words:
        score += REF_SHARE * referred.get(row, 0.0)
        if (index.groups[row] in ("D", "E")) != soft:  # goods asked, software/technology found, or the reverse
            score *= GOODS_FACTOR
        scored.append((score + bonus, row, source, details))
    if groups:
        goods = [row for _, row, _, _ in sorted(scored, key=lambda s: -s[0])
                 if index.groups[row] not in groups][:CATEGORY_FROM]
        categories = {index.codes[row][:1] for row in goods}
        scored = [(score + GROUP_SHARE * words_ceiling, row, source, details)
                  if index.groups[row] in groups
                  and (not soft or index.codes[row][:1] in categories) else (score, row, source, details)
                  for score, row, source, details in scored]
    scored.sort(key=lambda s: -s[0])
    chosen: list[tuple[float, int, int, list[dict[str, object]]]] = []
    per_root: dict[tuple[str, str], int] = defaultdict(int)
    at_root: dict[tuple[str, str], list[int]] = defaultdict(list)  # positions in ``chosen``: only these can be related
    stands_for: dict[int, str] = {}  # sub-paragraph row -> the ancestor's code whose place it took
    for item in scored:  # a row's best candidate comes first; its others (borrowed texts) are then related to it
        row = item[1]
        regime_, code = index.regimes[row], index.codes[row]
        root = (regime_, code.split(".", 1)[0])
        cap = RESIDUAL_PER_ROOT if index.residual[row] else PER_ROOT
        related = [n for n in at_root[root] if _related(code, index.codes[chosen[n][1]])]
        if related:
            if SUB_FOR_PARENT and len(related) == 1 and _says_more(index, item, chosen[related[0]]):
                parent = chosen[related[0]]  # the sub-paragraph takes its ancestor's place and score
                stands_for[row] = index.codes[parent[1]]
                chosen[related[0]] = (max(parent[0], item[0]), row, item[2], item[3])
            continue
        if per_root[root] >= cap or len(chosen) == limit:  # when full, only a sub-paragraph may still step in
            continue
        per_root[root] += 1
        at_root[root].append(len(chosen))
        chosen.append(item)
    hits = [_hit(index, position, score, row, source, details, word_groups, ceiling)
            for position, (score, row, source, details) in enumerate(chosen, start=1)]
    for hit, (_, row, _, _) in zip(hits, chosen, strict=True):
        if row in met_below:
            hit.explanation += "; through its sub-paragraphs: " + "; ".join(met_below[row])
        if row in stands_for:
            hit.explanation += (f"; shown instead of {stands_for[row]} (ranked by its score), "
                                "because a stated number meets a threshold only this sub-paragraph states")
    return hits


def _hit(index: SearchIndex, position: int, score: float, row: int, source: int, details: list[dict[str, object]],
         word_groups: list[dict[str, float]], ceiling: float) -> ControlHit:
    """One hit, explained; a hit found through borrowed text says so and which text it was."""
    matched = sorted({t for group in word_groups for t in group} & index.row_terms(source if source >= 0 else row))
    explanation = _explain(matched, details)
    borrowed_from = ""
    if source >= 0:
        lender, version = index.codes[source], index.versions[source]
        borrowed_from = f"{index.regimes[source]}:{lender} ({version})"
        explanation = (f"found through the {index.regimes[source].upper()} text of the same number, {lender} "
                       f"({version}; the {index.regimes[row].upper()} text held is its heading only): " + explanation)
    return ControlHit(rank=position, regime=index.regimes[row], code=index.codes[row], version=index.versions[row],
                      valid_from=index.valid_froms[row],
                      score=round(min(1.0, score / ceiling) if ceiling else 0.0, 4),
                      text=index.texts[row], path=index.paths[row], matched_terms=matched, parameters=details,
                      explanation=explanation, borrowed_from=borrowed_from)


def _select_versions(frame: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    """One version per regime: the newest held on or before ``as_of`` (or the newest at all)."""
    keep = []
    for _regime, sub in frame.groupby("regime"):
        versions = sorted(set(zip(sub.valid_from, sub.version, strict=True)))
        chosen = versions[-1]
        if as_of is not None:
            known = eu_version_on(as_of) if _regime == "eu" else None
            wanted = [v for v in versions if v[0] <= as_of.isoformat()]
            if known is not None and known.version:
                wanted = [v for v in versions if v[1] == known.version] or wanted
            chosen = wanted[-1] if wanted else versions[0]
        keep.append(sub[sub.version == chosen[1]])
    return pd.concat(keep, ignore_index=True) if keep else frame


def version_notes(data: ControlData, as_of: date | str | None) -> list[str]:
    """What a search on ``as_of`` could not see: versions newer than the date, or not the one in force."""
    when = as_date(as_of, "as_of")
    if when is None or data.entries.empty:
        return []
    notes = []
    chosen = _select_versions(data.entries, when)
    for regime, sub in chosen.groupby("regime"):
        version, valid_from = str(sub.version.iloc[0]), str(sub.valid_from.iloc[0])
        if valid_from > when.isoformat():
            notes.append(f"{str(regime).upper()}: the oldest version held ({version}, from {valid_from}) is newer than "
                         f"{when.isoformat()}; entries found may not have existed then")
        known = eu_version_on(when) if regime == "eu" else None
        if known is not None and known.version != version:
            notes.append(f"EU: {known.label} was in force on {when.isoformat()} and is not held; searched {version} "
                         f"(from {valid_from}) instead")
        if bool(sub.partial.any()):
            notes.append(f"{str(regime).upper()}: {version} is only partly held; entries in its missing part cannot be found")
    return notes


def search(text: str, regime: str | None = None, limit: int = 10, as_of: date | str | None = None, *,
           data: ControlData | None = None, lists_dir: str | None = None) -> list[ControlHit]:
    """Entries ranked for a free-text product description, each with why it ranks."""
    data = data or load_controls(lists_dir)
    when = as_date(as_of, "as_of")
    key = data.cache.get(f"search-key:{when}")
    if key is None:
        selected = _select_versions(data.entries, when)
        # keyed by the versions searched, not the date: every date in one version's span shares its index
        key = data.cache[f"search-key:{when}"] = "search-index:" + ",".join(
            sorted({f"{r}@{v}" for r, v in zip(selected.regime, selected.version, strict=True)}))
        if key not in data.cache:  # built once per ControlData and set of versions (a second or two)
            data.cache[key] = build_index(selected) if not selected.empty else None
    index = data.cache[key]
    return rank(index, text, limit, regime) if index is not None else []
