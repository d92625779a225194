"""The BM25 index behind control search: tantivy, in RAM, one document per entry at every depth.

Why tantivy: a maintained BM25 engine with per-field scoring and boosts, and a Snowball stemmer
("lithographic"/"lithography", "deposition"/"deposit"), in Rust — a query over ~6,000 entries takes
milliseconds where the pure-Python loop took hundreds. The index lives in memory (never on disk, never
in ``../shared``) and is rebuilt from the entries frame; :func:`build_index` is the single place it is
built, so a caller may cache its result per set of versions.

Fields: ``own`` (the entry's text), ``notes`` (its notes), ``context`` (the text of its ancestors: a
sub-paragraph "A light source wavelength shorter than 193 nm" only means something under "Lithography
equipment"), ``regime`` (for the filter) and ``row`` (the frame row). Text is normalised in Python first
(lower case, hyphens split, US spellings folded, stop words and bare numbers dropped) and then stemmed by
tantivy's English stemmer, the same way for entries and queries.

References. A software or technology entry is often only a pointer: US 3D901 is "software ... for the
"development" or "production" of items specified in ECCN 3A901.b, 3B903, or 3B904", which says nothing of
SEMs or cryogenic probers in words. The ``refs`` field of a software (D) or technology (E) entry holds the
own text of the entries it names, in the same regime and version (ranges such as "3B001.a to .f" and
shorthand lists such as "3B001.a.4, c, d, f.1, k to n" read in full, and a bare group such as "or 3B" read as
every entry of group 3B at every depth, its exclusions left out, each word once). Codes named as exclusions ("except",
"other than", "not specified by", and parenthesised "(except ...)") are left out: "software other than
that controlled by 2D002" is not about 2D002's items.

The same references are also followed at query time (:attr:`SearchIndex.referrers`): a named entry and its
sub-paragraphs (a group: its entries at every depth) map back to the software/technology entry naming them, so
"software for MOCVD reactors" can rank US 3D001 ("... 3B (except ...)") by how well 3B001.a.2 itself matches,
rather than by one word among the hundreds its ``refs`` field holds. Goods defined by what they contain
("computers ... containing integrated circuits ... specified by 3A501.a.16", EU 4A507; US 4A090) refer the
same way to the entries they name.

Borrowed search text. The US CCL copy held gives 467 of its 633 ECCNs as a heading only (full paragraph
text exists for categories 1, 3, 4 and 5 alone), so "mass flow controller" cannot find US 2B350, whose
heading says "Chemical manufacturing facilities and equipment". The EU Annex I and the CCL both implement
the Wassenaar, MTCR, NSG and Australia Group lists and number their common entries alike (2B350 is 2B350
in both), so such a US entry is also indexed under the text of the EU entry of the same number, and its
sub-paragraphs, from the EU version searched alongside (the one held for the same date). The EU documents
are not copied: they carry a ``lends`` mark, a US search also runs the query over the marked EU documents,
and each such hit counts for the US entry of the same number, so the index statistics (and every other
score) stay what they were. The text is *borrowed*: it only helps find the US entry; the hit keeps the US code, version and text, says
which EU text it matched (:attr:`SearchIndex.borrowed`), and borrowed text is never compared with stated
numbers, never read as criteria and never used for licence decisions. A number is borrowed only when the
two texts name the same kind of item (:func:`same_item`): the lists do not always agree (US 9A120 is
"complete unmanned aerial vehicles", EU 9A120 "liquid or gel propellant tanks").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import tantivy

from exportcheck.controls.params import Parameter, extract_parameters
from exportcheck.controls.units import DECIMAL_COMMA

ANALYZER = "exportcheck_en"
TEXT_FIELDS = ("own", "notes", "context", "refs")

STOP_WORDS = frozenset({
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of",
    "on", "or", "other", "than", "that", "the", "their", "therefor", "thereof", "these", "this", "those", "to",
    "used", "using", "which", "with", "follows", "following", "having", "all", "designed", "specially", "capable",
    "being", "not", "such", "when", "where", "e", "g", "i", "ii", "iii"})
#: US → UK spellings, so the US CCL's "vapor" and the EU Annex's "vapour" are one word.
SPELLING = {"vapor": "vapour", "optimized": "optimised", "optimize": "optimise", "aluminum": "aluminium",
            "modeling": "modelling", "fiber": "fibre", "center": "centre", "analyzer": "analyser",
            "analyzers": "analysers", "characterization": "characterisation", "sulfur": "sulphur",
            "analog": "analogue", "meter": "metre", "meters": "metres"}
#: Words the English stemmer conflates with words of another sense: Snowball stems "resistant", "resistance" and
#: "resistivity" to "resist", and every "resist"/"resists" in the lists (EU and US 3C002, US 3C992, 3B993.q.2.b "after
#: resist development") is a photoresist. Folded to "photoresist" (as the US 3B001.n text says), "resists" no longer
#: match "corrosion resistant" (2B350, 30 EU entries) or "high resistivity" (3C005), nor those them.
SENSES = {"resist": "photoresist", "resists": "photoresist"}
_WORD = re.compile(r"[a-z0-9µ]+")
#: Words every kind of entry uses ("software specially designed for the development of equipment ..."): they
#: cannot tell whether two entries of the same number are about the same item.
GENERIC_WORDS = frozenset({
    "software", "technology", "equipment", "components", "component", "parts", "part", "accessories", "specially",
    "designed", "modified", "development", "production", "use", "other", "specified", "controlled", "control", "see",
    "list", "items", "item", "general", "note", "notes", "according", "n", "s", "except", "including", "systems",
    "system", "related", "commodities", "goods", "materials", "material", "facilities", "plants", "apparatus",
    "devices", "characteristics", "category", "usable", "both", "either", "ecc", "eccn", "entry", "in"})


@functools.lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Lower case, hyphens split, spellings folded, stop words and bare numbers dropped (stemming is tantivy's).

    Memoised: an index is built per set of versions, and two versions of a list (or an entry's siblings,
    which share their ancestors' text) repeat most texts — a verify builds two indexes and normalises
    each distinct text about five times without it.
    """
    words = []
    for word in _WORD.findall((text or "").lower().replace("-", " ")):
        if word in STOP_WORDS or word.isdigit() or len(word) < 2:
            continue
        words.append(SENSES.get(word) or SPELLING.get(word, word))
    return " ".join(words)


def _analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("english")).build())


_FULL = r"\d[A-E]\d{3}(?:\.[a-z0-9]+)*"
_SHORT = r"\.?[a-z](?:\.[a-z0-9]+)*"
#: A bare category group ("or 3B", "specified in 2A, 2B or 2D"): every entry of that group. It is read only inside
#: a list of codes or straight after "by"/"in"/"under", so "2D or 3D viscous software" names no group.
_GROUP = r"\d[A-E](?![A-Za-z0-9])"
_INTRO = r"(?:(?<=\bby )|(?<=\bBy )|(?<=\bin )|(?<=\bunder )|(?<=\bECCN )|(?<=\bECCNs ))"
_LIST = (rf"(?:{_FULL}|{_INTRO}{_GROUP})(?:\.?(?:\s*(?:,|\bor\b|\band\b|\bto\b))+\s*(?:ECCNs?\s+)?"
         rf"(?:{_FULL}|{_GROUP}|{_SHORT}\b))*")
_EXCLUDED = re.compile(r"\((?:[^()]*?)\b(?:[Ee]xcept|other than|not)\b[^()]*\)|\b(?:except|excluding|other than|not specified|"
                       r"not controlled|not described)\b(?:\s+(?:that|those|items|equipment|commodities|elsewhere))?"
                       r"(?:\s+(?:controlled|specified|described))?(?:\s+(?:by|in|under))?(?:\s+ECCNs?)?\s+" + _LIST)
_REF_LIST = re.compile(_LIST)
_REF_PART = re.compile(rf"({_FULL})|({_GROUP})|(\bto\b)|(?<![A-Za-z0-9])({_SHORT})\b")


def references(text: str) -> list[str]:
    """Entry codes a text names, exclusions left out: "3B001.a.4, c, k to m" → 3B001.a.4, 3B001.c, 3B001.k .. 3B001.m."""
    out: list[str] = []
    for found in _REF_LIST.finditer(_EXCLUDED.sub(" ", text or "")):
        top, ranged = "", False
        for full, group, to, short in _REF_PART.findall(found.group(0)):
            if to:
                ranged = True
                continue
            if group:  # a whole group: no shorthand ("c", "k to n") can follow it
                top, ranged = "", False
                out.append(group)
                continue
            if not full and not top:
                continue
            code = full.rstrip(".") if full else f"{top}.{short.strip('.').rstrip('.')}"
            top = code.split(".", 1)[0]
            if ranged and out and code.rsplit(".", 1)[0] == out[-1].rsplit(".", 1)[0] and "." in code:
                first, last = out[-1].rsplit(".", 1)[1], code.rsplit(".", 1)[1]
                if len(first) == len(last) == 1 and first < last:  # "a to .f": every letter between
                    out += [f"{code.rsplit('.', 1)[0]}.{chr(c)}" for c in range(ord(first) + 1, ord(last))]
            ranged = False
            out.append(code)
    return list(dict.fromkeys(out))


def excluded_references(text: str) -> set[str]:
    """Entry codes a text names as exclusions: "3B (except 3B001.a.4, c, 3B903)" → 3B001.a.4, 3B001.c, 3B903."""
    return {code for found in _EXCLUDED.finditer(text or "") for code in references(
        re.sub(r"^\(|\)$", "", re.sub(r"(?i)^\W*(?:except|excluding|other than|not)\b", "", found.group(0).strip("( )"))))}


def is_group(code: str) -> bool:
    """Whether a named code is a whole category group ("3B") rather than one entry."""
    return re.fullmatch(_GROUP, code) is not None


def group_rows(group: str, rows: Iterable[tuple[str, int]], excluded: set[str]) -> list[int]:
    """The rows of every entry of ``group`` (codes with their rows, one regime and version), at every depth, leaving
    out excluded entries and their sub-paragraphs: "3B (except 3B903)" reads all of 3B but 3B903."""
    def kept(code: str) -> bool:
        if not excluded:
            return True
        parts = code.split(".")
        return not any(".".join(parts[:n]) in excluded for n in range(1, len(parts) + 1))
    return [row for code, row in rows if code[:2] == group and code[2:5].isdigit() and kept(code)]


def group_words(texts: Iterable[str]) -> str:
    """A whole group's words, each once: a group holds dozens of entries, and its text in full would make a software
    entry's ``refs`` hundreds of times longer than any other (BM25 scores a word in a long field low, and the field's
    average length, which every other entry's ``refs`` score is measured against, would grow with it)."""
    return " ".join(dict.fromkeys(word for text in texts for word in text.split()))


_RESIDUAL = re.compile(r"\bnot (?:controlled|specified) (?:by|in)\b|\bn\.e\.s\b", re.IGNORECASE)


def is_residual(text: str, reasons: Iterable[str] | None) -> bool:
    """A residual entry: controlled for anti-terrorism only and covering what other entries do not ("Equipment not
    controlled by 3B001, 3B993, or 3B994 ...", "n.e.s."): the CCL's catch-all tier (3A991, 3B991, 3B992, 4A994)."""
    return (list(reasons) if reasons is not None else []) == ["AT"] and bool(_RESIDUAL.search(text))


def _distinctive(text: str) -> set[str]:
    """Words naming the item, plurals folded ("valves" = "valve")."""
    return {w.removesuffix("s") for w in normalise(text).split() if w not in GENERIC_WORDS}


def same_item(us_text: str, eu_text: str) -> bool:
    """Whether an EU entry's text may stand in for the US entry of the same number in search.

    Yes unless both texts name their item in words of their own and share none of them: "Valves having all
    of the following" and "Valves having ..." share "valves"; "Other technology as follows" says nothing
    against it; "Complete unmanned aerial vehicles" and "Liquid or gel propellant tanks" share nothing.
    """
    us_words, eu_words = _distinctive(us_text), _distinctive(eu_text)
    return not us_words or not eu_words or bool(us_words & eu_words)


def borrowing(frame: pd.DataFrame) -> dict[int, list[int]]:
    """US rows held as a heading only → the EU rows (the same-numbered entry and its sub-paragraphs) to search them by."""
    regimes, codes, texts = frame.regime.tolist(), [str(c) for c in frame.code], frame.text.tolist()
    not_used, parents = frame.not_used.tolist(), frame.parent_code.tolist()
    eu_rows: dict[str, list[int]] = {}
    eu_top: dict[str, int] = {}
    us_parents = set()
    for row, (regime, code) in enumerate(zip(regimes, codes, strict=True)):
        if regime == "eu" and not not_used[row]:
            eu_rows.setdefault(code.split(".", 1)[0], []).append(row)
            if "." not in code:
                eu_top[code] = row
        elif regime == "us" and parents[row]:
            us_parents.add(str(parents[row]))
    return {row: eu_rows[code] for row, (regime, code) in enumerate(zip(regimes, codes, strict=True))
            if regime == "us" and "." not in code and code not in us_parents and not not_used[row] and code in eu_top
            and same_item(str(texts[row]), str(texts[eu_top[code]]))}


@dataclass
class SearchIndex:
    """A built index over one entries frame, and what scoring needs next to it.

    One document per frame row. ``lent`` maps an EU row whose text a US entry borrows (see the module
    docstring) to that US entry's row.
    """

    frame: pd.DataFrame
    index: tantivy.Index
    schema: tantivy.Schema
    analyzer: tantivy.TextAnalyzer
    paths: list[list[str]]
    contexts: list[str]  # the ancestors' text of each row, normalised, for explaining matches
    codes: list[str] = field(default_factory=list)  # plain columns: pandas cell access is slow per hit
    regimes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    not_used: list[bool] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    valid_froms: list[str] = field(default_factory=list)
    residual: list[bool] = field(default_factory=list)  # the row belongs to a residual entry (see residual())
    lent: dict[int, int] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)  # the named entries' text (normalised) of each D/E row
    note_texts: list[str] = field(default_factory=list)  # the notes each row is searched by (see ``_note_texts``)
    parent_rows: list[int] = field(default_factory=list)  # the row of each row's parent entry, -1 for a top-level one
    #: per referring row (software/technology, goods defined by what they contain): the codes it names, its text (for
    #: the codes it excludes), the (code, row) pairs of each group sorted by code, and its (regime, version)
    ref_specs: dict[int, tuple[list[str], str, dict[tuple[str, str, str], list[tuple[str, int]]],
                               tuple[str, str]]] = field(default_factory=dict)
    _referrers: dict[int, list[int]] | None = None
    _children: dict[int, list[int]] | None = None
    _child_params: dict[int, list[tuple[int, list[Parameter]]]] = field(default_factory=dict)
    _own_params: dict[int, list[Parameter]] = field(default_factory=dict)
    params: dict[int, list[Parameter]] = field(default_factory=dict)
    _terms: dict[int, frozenset[str]] = field(default_factory=dict)
    _near: dict[tuple[int, int], frozenset[tuple[str, str]]] = field(default_factory=dict)

    def terms(self, text: str) -> list[str]:
        """The index terms of a text, as the index itself made them."""
        normalised = normalise(text)
        return list(self.analyzer.analyze(normalised)) if normalised else []

    def row_terms(self, row: int) -> frozenset[str]:
        """Every index term of an entry: its own text, notes, ancestors' and named entries' text (read on first use)."""
        if row not in self._terms:
            note_text = self.note_texts[row] if self.note_texts else ""
            refs = self.refs[row] if self.refs else ""
            self._terms[row] = frozenset(self.terms(f"{self.texts[row]} {note_text} {self.contexts[row]} {refs}"))
        return self._terms[row]

    def near_pairs(self, row: int, window: int) -> frozenset[tuple[str, str]]:
        """Pairs of index terms standing within ``window`` words of each other (either order) in one text of an entry:
        its own, its notes or one ancestor's own text, never across two texts (for proximity; read on first use)."""
        if (row, window) not in self._near:
            pairs = self._own_pairs(row, window) | self._text_pairs(self.note_texts[row] if self.note_texts else "",
                                                                    window)
            parent = self.parent_rows[row] if self.parent_rows else -1
            while parent >= 0:
                pairs |= self._own_pairs(parent, window)
                parent = self.parent_rows[parent]
            self._near[(row, window)] = pairs
        return self._near[(row, window)]

    def _own_pairs(self, row: int, window: int) -> frozenset[tuple[str, str]]:
        if (-1 - row, window) not in self._near:  # an entry's own text, kept apart (negative key) for its sub-paragraphs
            self._near[(-1 - row, window)] = self._text_pairs(self.texts[row], window)
        return self._near[(-1 - row, window)]

    def _text_pairs(self, text: str, window: int) -> frozenset[tuple[str, str]]:
        terms = self.terms(text) if text else []
        near = [(a, b) for i, a in enumerate(terms) for b in terms[i + 1:i + 1 + window] if a != b]
        return frozenset(near + [(b, a) for a, b in near])

    @property
    def referrers(self) -> dict[int, list[int]]:
        """Row of a named entry (or of one of its sub-paragraphs) → rows of the software/technology entries, and of the
        goods defined by what they contain, that name it (see the module docstring). Built on first use: only a
        description asking for software or technology, or one reaching such goods, needs it."""
        if self._referrers is None:
            referrers: dict[int, list[int]] = {}
            for row, (codes, text, by_group, (regime, version)) in self.ref_specs.items():
                excluded = excluded_references(text)
                referred: list[int] = []
                for code in codes:
                    listed = by_group.get((regime, version, code[:2]), [])
                    referred += group_rows(code, listed, excluded) if is_group(code) else _subtree_rows(
                        code, listed, excluded)
                for referred_row in dict.fromkeys(referred):
                    if referred_row != row:
                        referrers.setdefault(referred_row, []).append(row)
            self._referrers = referrers
        return self._referrers

    def child_parameters(self, row: int) -> list[tuple[int, list[Parameter]]]:
        """The numbers of each direct sub-paragraph's own text (built on first use): what an entry "having any of the
        following" is met by ("Align and expose ... equipment ... having any of the following: a. A light source
        wavelength shorter than 193 nm")."""
        if self._children is None:
            children: dict[int, list[int]] = {}
            for child, parent in enumerate(self.parent_rows):
                if parent >= 0:
                    children.setdefault(parent, []).append(child)
            self._children, self._child_params = children, {}
        if (found := self._child_params.get(row)) is None:
            found = self._child_params[row] = [(child, own) for child in self._children.get(row, ())
                                               if (own := self.own_parameters(child))]
        return found

    def own_parameters(self, row: int) -> list[Parameter]:
        """Numbers with units in an entry's own text, read once (for :meth:`parameters` and a parent's
        :meth:`child_parameters` alike)."""
        found = self._own_params.get(row)
        if found is None:
            comma = DECIMAL_COMMA.get(self.regimes[row]) if self.regimes else None
            found = self._own_params[row] = by_unit(read_parameters(self.texts[row], comma))
        return found

    def parameters(self, row: int) -> list[Parameter]:
        """Numbers with units in an entry's text and its ancestors' (a parent's "... for 300mm wafers as follows:"
        holds for each of its sub-paragraphs), read on first use (most entries are never candidates)."""
        if row not in self.params:
            parent = self.parent_rows[row] if self.parent_rows else -1
            self.params[row] = self.own_parameters(row) + (self.parameters(parent) if parent >= 0 else [])
        return self.params[row]


def read_parameters(text: str, decimal_comma: bool | None = None) -> list[Parameter]:
    """The numbers with units in a text, the Greek mu (U+03BC, as the EU Annex I writes "600 μW" in 108 entries)
    read as the micro sign (U+00B5) the unit table is written with; and 'Total Processing Performance' (TPP, a number
    without a unit), stated or computed from a rate of operations (:func:`tpp_parameters`).

    Why: the two look alike, and "1 mW" was never compared with 3A504.a's "600 μW"."""
    return extract_parameters(text.replace("\u03bc", "\u00b5"), decimal_comma) + tpp_parameters(text)


_COUNT = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
#: "'Total Processing Performance' ('TPP') of 6000 or more" (EU 3A501.a.16), "a 'total processing performance' of 2400
#: or more and less than 4800" (US 3A090.b.1), "TPP 8000" in a description.
_TPP_STATED = re.compile(r"(?:total processing performance|\btpp)\W*(?:\(\W*tpp\W*\)\W*)?(?:of\s+)?" + _COUNT
                         + r"(\s+or\s+(?:more|greater))?(?:\s+and\s+less\s+than\s+" + _COUNT + ")?", re.I)
#: A datasheet's rate of operations and the operation's bit length: "989 TFLOPS dense BF16", "1979 TOPS INT8",
#: "2,250 dense FP8 TFLOPS". Sparse rates are not read: TPP counts the operations actually computed.
_TPP_RATE = re.compile(r"(?<![\w.])" + _COUNT + r"\s*(?:(?:dense|bf|fp|int)\d*\s+)*?([tp])(?:fl)?ops\b", re.I)
_BITS = re.compile(r"\b(?:bf|fp|int)(\d{1,2})\b", re.I)


def tpp_parameters(text: str) -> list[Parameter]:
    """'Total Processing Performance' stated in a text, or computed from a rate of operations as the 3A090/3A501.a.16
    technical note defines it: TPP = 2 × MacTOPS × bit length = TOPS × bit length ("989 TFLOPS dense BF16" → 15,824).

    Why: datasheets state TFLOPS or TOPS per number format, never TPP; the lists state only TPP thresholds."""
    out = []
    for m in _TPP_STATED.finditer(text or ""):
        value = float(m.group(1).replace(",", ""))
        out.append(Parameter(text=m.group(0), value=value, unit="TPP", relation=">" if m.group(2) else "=",
                             quantity="processing performance"))
        if m.group(3):
            out.append(Parameter(text=m.group(0), value=float(m.group(3).replace(",", "")), unit="TPP", relation="<",
                                 quantity="processing performance"))
    for m in _TPP_RATE.finditer(text or ""):
        near = text[max(0, m.start() - 20):m.end() + 20]
        bits = _BITS.search(near)
        if not bits or re.search(r"\bsparse|sparsity", near, re.I):
            continue
        tops = float(m.group(1).replace(",", "")) * (1000.0 if m.group(2).lower() == "p" else 1.0)
        tpp = tops * int(bits.group(1))
        out.append(Parameter(text=f"TPP {tpp:g} ({m.group(0).strip()} × {bits.group(1)} bit)", value=tpp, unit="TPP",
                             relation="=", quantity="processing performance"))
    return out


#: The words of a rate's expression besides its number: its unit and the number format and density around it.
_RATE_WORD = re.compile(r"\b(?:[tp](?:fl)?ops|dense|sparse|(?:bf|fp|int)\d{1,2})\b", re.I)


def tpp_rate_words(text: str) -> frozenset[str]:
    """The words of each rate read as TPP by :func:`tpp_parameters` ("TFLOPS", "dense", "BF16" of "989 TFLOPS dense
    BF16"), lower-cased: they state a number that is compared, and searched as words they matched other things (the
    stemmer makes "dense" the "performance density" of US 3A090.b, "TOPS" the "top surface" of 3B993.c)."""
    out: set[str] = set()
    for m in _TPP_RATE.finditer(text or ""):
        near = text[max(0, m.start() - 20):m.end() + 20]
        if _BITS.search(near) and not re.search(r"\bsparse|sparsity", near, re.I):
            out |= {w.lower() for w in _RATE_WORD.findall(near)}
    return frozenset(out)


#: Base units that measure one quantity only: the unit decides, whatever word is nearest. "current implanter,
#: 1 mA beam" reads "implanter" (energy) as the nearest quantity word, and a current would then never be
#: compared with "beam current less than 5 mA". Lengths (m) and shares (%) stay with the words around them.
UNIT_QUANTITY = {"A": "current", "eV": "energy", "Hz": "frequency", "Pa": "pressure", "W": "power",
                 "K": "temperature", "°": "angle"}


def by_unit(params: list[Parameter]) -> list[Parameter]:
    """Parameters with the quantity their unit fixes (see ``UNIT_QUANTITY``)."""
    return [p.model_copy(update={"quantity": UNIT_QUANTITY[p.unit]}) if p.unit in UNIT_QUANTITY else p
            for p in params]


#: Goods defined by the items they contain: "Computers ... containing integrated circuits, any of which meets or exceeds
#: the limits in 3A090.a" (US 4A090), "... containing one or more integrated circuits, specified by 3A501.a.16" (EU 4A507).
_CONTAINING = re.compile(r"\bcontaining\b[^.;]*?\b(?:specified|controlled|limits?)\b[^.;]*?\d[A-E]\d{3}")
#: Test equipment defined by the items it tests: "For testing S-parameters of items specified in 3A001.b.3." (3B002.a),
#: "For testing microwave integrated circuits controlled by 3A001.b.2." (US 3B002.b): its own words say "testing" and
#: little of what is tested, so it refers to the named entries as the goods above do (control-search-9).
_FOR_TESTING = re.compile(r"\bfor testing\b[^.;]*?\b(?:specified|controlled)\b[^.;]*?\d[A-E]\d{3}", re.I)


def refers_to_goods(text: str) -> bool:
    """Whether goods are defined by the listed items they contain or test (and so refer to those entries)."""
    return bool(("containing" in text and _CONTAINING.search(text)) or ("testing" in text and _FOR_TESTING.search(text)))


def _subtree_rows(code: str, listed: list[tuple[str, int]], excluded: set[str]) -> list[int]:
    """Rows of entry ``code`` and of its sub-paragraphs, exclusions left out; ``listed`` is its group's (code, row)
    pairs sorted by code, where an entry's sub-paragraphs follow it."""
    out = []
    at = bisect.bisect_left(listed, (code, -1))
    while at < len(listed) and listed[at][0].startswith(code):
        found, row = listed[at]
        at += 1
        if (found == code or found.startswith(code + ".")) and not (excluded and any(
                found == x or found.startswith(x + ".") for x in excluded)):
            out.append(row)
    return out


#: A note about one sub-paragraph of its entry opens with that sub-paragraph's code: "3B501.k.2. includes etching using
#: RF pulse excited plasma ..." (held as a note of 3B501.k), "For the purposes of 3B501.n.1.b., 'area selective ...".
_NOTE_FOR = re.compile(r"^\W*(?:For the purposes? of (?:Note \d+ to )?)?(\d[A-E]\d{3}(?:\.[a-z0-9]+)+)\.?(?![a-z0-9])")


def _note_texts(frame: pd.DataFrame, where: dict[tuple[str, str, str], int]) -> list[str]:
    """The notes each row is searched by: its own, except that a note opening with the code of one of the entry's
    sub-paragraphs is that sub-paragraph's (the lists hold "3B501.k Note 2: 3B501.k.2. includes ... plasma atomic
    layer etching" under 3B501.k; searched there, the parent outranked the sub-paragraph it is about)."""
    out: list[list[str]] = [[] for _ in range(len(frame))]
    for row, (regime, version, code, notes) in enumerate(zip(frame.regime, frame.version, frame.code, frame.notes,
                                                             strict=True)):
        for note in notes if notes is not None else []:
            text = str(note.get("text", ""))
            named = _NOTE_FOR.match(text)
            target = where.get((regime, version, named.group(1))) if named and named.group(1).startswith(
                f"{code}.") else None
            out[row if target is None else target].append(text)
    return [" ".join(texts) for texts in out]


def build_index(frame: pd.DataFrame) -> SearchIndex:
    """The in-memory tantivy index of every entry in ``frame`` (one version per regime): the one build step."""
    frame = frame.reset_index(drop=True)
    analyzer = _analyzer()
    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=ANALYZER, index_option="freq")
    builder.add_text_field("regime", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("lends", tokenizer_name="raw", index_option="basic")  # "us" on EU text a US entry borrows
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")  # "goods", or "soft" (software/technology)
    builder.add_integer_field("row", stored=True, indexed=False)
    schema = builder.build()
    index = tantivy.Index(schema)  # no path: in RAM
    index.register_tokenizer(ANALYZER, analyzer)
    # every text is normalised once: an ancestor's or a named entry's words are joined, not read again
    raw_texts = [str(t) for t in frame.text]
    own = [normalise(t) for t in raw_texts]
    where = {key: row for row, key in enumerate(zip(frame.regime, frame.version, frame.code, strict=True))}
    by_group: dict[tuple[str, str, str], list[tuple[str, int]]] = {}  # (regime, version, "3B") → its codes and rows
    for (regime_, version_, code_), row_ in where.items():
        by_group.setdefault((regime_, version_, str(code_)[:2]), []).append((str(code_), row_))
    for listed in by_group.values():
        listed.sort()  # by code: an entry's sub-paragraphs follow it (see _referred_rows)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    paths: list[list[str]] = []
    contexts: list[str] = []
    ref_texts: list[str] = []
    residual: list[bool] = []
    reasons: list[Iterable[str] | None] = frame.reasons_for_control.tolist()
    lent = {source: row for row, sources in borrowing(frame).items() for source in sources}
    ref_specs: dict[int, tuple[list[str], str, dict[tuple[str, str, str], list[tuple[str, int]]], tuple[str, str]]] = {}
    note_texts = _note_texts(frame, where)
    parent_rows = [where.get((regime, version, str(parent)), -1) if parent else -1
                   for regime, version, parent in zip(frame.regime, frame.version, frame.parent_code, strict=True)]
    for row, (regime, version, text, parent, group) in enumerate(zip(
            frame.regime, frame.version, frame.text, frame.parent_code, frame.product_group, strict=True)):
        chain: list[str] = []
        context: list[str] = []
        while parent:
            chain.insert(0, parent)
            if (found := where.get((regime, version, parent))) is not None:
                context.append(own[found])
            parent = parent.rsplit(".", 1)[0] if "." in parent else ""
        paths.append(chain)
        top = where.get((regime, version, chain[0]), row) if chain else row
        residual.append(is_residual(raw_texts[top], reasons[top]))
        contexts.append(" ".join(context))
        named: list[int | None] = []
        whole: list[int] = []
        refers = group in ("D", "E") or refers_to_goods(str(text))
        codes = references(str(text)) if refers else []
        excluded = excluded_references(str(text)) if any(is_group(code) for code in codes) else set()
        if codes:
            ref_specs[row] = (codes, str(text), by_group, (str(regime), str(version)))
        if group in ("D", "E"):  # goods refer at query time only (``referrers``); their own text says what they are
            for code in codes:
                if is_group(code):
                    whole += [r for r in group_rows(code, by_group.get((regime, version, code), []), excluded)
                              if r != row]
                else:
                    named.append(where.get((regime, version, code)))
        ref_texts.append(" ".join([own[r] for r in named if r is not None] + ([group_words(own[r] for r in whole)]
                                                                               if whole else [])))
        writer.add_document(tantivy.Document(own=own[row], notes=normalise(note_texts[row]), context=contexts[row],
                                             refs=ref_texts[row], regime=str(regime),
                                             lends="us" if row in lent else "",
                                             kind="soft" if group in ("D", "E") else "goods", row=row))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return SearchIndex(frame=frame, index=index, schema=schema, analyzer=analyzer, paths=paths, contexts=contexts,
                       codes=[str(c) for c in frame.code], regimes=[str(r) for r in frame.regime],
                       groups=[str(g) for g in frame.product_group], not_used=[bool(n) for n in frame.not_used],
                       texts=raw_texts, versions=[str(v) for v in frame.version],
                       valid_froms=[str(v) for v in frame.valid_from], lent=lent, refs=ref_texts,
                       residual=residual, ref_specs=ref_specs, note_texts=note_texts, parent_rows=parent_rows)
