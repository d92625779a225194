"""Free-text search over control entries: BM25 over words, plus numeric parameters compared.

Each entry at every depth is one document: its own text and notes, plus the text of its ancestors
(a sub-paragraph "A light source wavelength shorter than 193 nm" only means something under
"Lithography equipment"). Query words are expanded with a small table of trade abbreviations
(``DUV``, ``ALD``, ``MFC`` ...) written out the way the lists word them, and US/UK spellings are
folded. Numbers with units are read from both sides and compared (``193 nm`` against "shorter than
193 nm"). No network model: the ranking is explainable term by term.

Tuning constants (chosen on the labelled set in ``exportcheck/bench/data/control_queries.yaml``):
``K1=1.2, B=0.75`` are the textbook BM25 values; ``CONTEXT_WEIGHT=0.5`` counts ancestor words at
half weight so a specific child beats its parent only when its own words match; ``PARAM_MATCH=3.0``
rewards a satisfied threshold on the same quantity (about half a rare-word match), ``PARAM_UNIT=0.5`` a
shared unit whose threshold is not met; ``GROUP_BONUS=6.0`` (about one rare-word match) follows a word
that names the kind of item (software → D, technology → E, material/resist/substrate → C);
``EXPANSION_WEIGHT=0.5`` for words added by the synonym table. Held-out queries in the benchmark
file were written after these were fixed and are reported separately.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import date

import pandas as pd
from pydantic import BaseModel, Field

from exportcheck.controls.data import ControlData, load_controls
from exportcheck.controls.params import Parameter, extract_parameters
from exportcheck.controls.versions import eu_version_on

K1, B = 1.2, 0.75
CONTEXT_WEIGHT = 0.5
PARAM_MATCH, PARAM_UNIT = 3.0, 0.5
#: Words added by SYNONYMS count half: they say how the lists word a trade term, not what was typed.
EXPANSION_WEIGHT = 0.5
#: Words that say what kind of item is meant map to the product group (D software, E technology,
#: C materials); entries of that group get GROUP_BONUS.
GROUP_WORDS = {"software": "D", "technology": "E", "know-how": "E", "substrate": "C", "substrates": "C",
               "material": "C", "materials": "C", "resist": "C", "photoresist": "C", "prepreg": "C", "composite": "C"}
GROUP_BONUS = 6.0
#: Trade words that imply a number the lists compare against (EUV light is 13.5 nm, ArF DUV 193 nm).
IMPLIED_PARAMETERS = {"euv": "wavelength 13.5 nm", "duv": "wavelength 193 nm", "arf": "wavelength 193 nm",
                      "krf": "wavelength 248 nm"}

_STOP = set(["a", "an", "and", "any", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on", "or", "other", "than", "that", "the", "their", "therefor", "thereof", "these", "this", "those", "to", "used", "using", "which", "with", "as", "follows", "following", "having", "all", "designed", "specially", "capable", "being", "not", "such", "when", "where", "e", "g", "i", "ii", "iii"])
_SPELLING = {"vapor": "vapour", "optimized": "optimised", "optimize": "optimise", "aluminum": "aluminium",
             "modeling": "modelling", "fiber": "fibre", "center": "centre", "analyzer": "analyser",
             "characterization": "characterisation", "sulfur": "sulphur"}
#: Trade words → how the lists say it. Each expansion is what a classifier would look up first.
SYNONYMS: dict[str, str] = {
    "duv": "lithography 193 deep ultraviolet", "euv": "extreme ultraviolet euv lithography",
    "scanner": "lithography step scan align expose", "stepper": "lithography step repeat align expose",
    "immersion": "lithography", "litho": "lithography", "reticle": "mask reticle", "photomask": "mask reticle",
    "pellicle": "pellicle", "ald": "atomic layer deposition", "ale": "atomic layer epitaxy etching",
    "cvd": "chemical vapour deposition", "pvd": "physical vapour deposition sputter",
    "mocvd": "metal organic chemical vapour deposition", "epi": "epitaxial growth", "epitaxy": "epitaxial growth",
    "mfc": "mass flow controller", "etcher": "etch etching", "etch": "etching", "implanter": "ion implantation",
    "prober": "probe test wafer", "cryogenic": "cryogenic cooled cryostat", "dilution": "dilution refrigerator cryogenic",
    "qubit": "quantum qubit", "quantum": "quantum", "spare": "component specially designed",
    "part": "component", "parts": "component", "overlay": "overlay", "metrology": "inspection measurement metrology",
    "inspection": "inspection", "resist": "resist", "photoresist": "resist", "wafer": "wafer semiconductor",
    "chip": "semiconductor integrated circuit", "ic": "integrated circuit", "cmp": "chemical mechanical polishing",
    "tsv": "through silicon via", "sige": "silicon germanium", "gan": "gallium nitride", "sic": "silicon carbide",
    "fpga": "field programmable logic", "adc": "analogue digital converter", "dac": "digital analogue converter",
    "laser": "laser", "cnc": "numerical control machine tool", "hbm": "high bandwidth memory", "gpu": "graphics processing",
    "cryocooler": "cryocooler cryogenic", "anneal": "annealing", "electroplating": "electroplating plating",
}

_WORD = re.compile(r"[a-z0-9µ]+")


def stem(word: str) -> str:
    """A light stemmer: plurals and a few suffixes, enough for "pellicles"/"pellicle", "etching"/"etch"."""
    word = _SPELLING.get(word, word)
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "s" and word.endswith("ss")):
            return word[: len(word) - len(suffix)] + repl
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased, stop words and bare numbers dropped, stemmed."""
    out = []
    for word in _WORD.findall((text or "").lower().replace("-", " ")):
        if word in _STOP or word.isdigit() or len(word) < 2:
            continue
        out.append(stem(word))
    return out


def query_tokens(text: str) -> dict[str, float]:
    """Query words (weight 1) plus their synonym expansions (weight EXPANSION_WEIGHT unless also typed)."""
    words = _WORD.findall((text or "").lower().replace("-", " "))
    extra = " ".join(SYNONYMS[w] for w in words if w in SYNONYMS)
    weights = {t: 1.0 for t in tokens(text)}
    for t in tokens(extra):
        weights.setdefault(t, EXPANSION_WEIGHT)
    return weights


class ControlHit(BaseModel):
    """One ranked entry with the reasons it ranks: matched words and compared parameters."""

    rank: int
    regime: str
    code: str
    version: str
    valid_from: str
    score: float
    text: str
    path: list[str] = Field(default_factory=list)  # ancestor codes, top first
    matched_terms: list[str] = Field(default_factory=list)
    parameters: list[dict[str, object]] = Field(default_factory=list)
    explanation: str = ""


class SearchIndex:
    """BM25 postings over one set of entries (one version per regime)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame.reset_index(drop=True)
        texts = dict(zip(zip(self.frame.regime, self.frame.version, self.frame.code, strict=True),
                         self.frame.text, strict=True))
        self.own: list[dict[str, float]] = []
        self.params: list[list[Parameter]] = []
        self.paths: list[list[str]] = []
        df: Counter[str] = Counter()
        lengths = []
        for regime, version, _code, text, notes, parent in zip(self.frame.regime, self.frame.version, self.frame.code,
                                                               self.frame.text, self.frame.notes, self.frame.parent_code,
                                                               strict=True):
            note_text = " ".join(n["text"] for n in (notes if notes is not None else []))
            own = Counter(tokens(f"{text} {note_text}"))
            chain: list[str] = []
            context: Counter[str] = Counter()
            while parent:
                chain.insert(0, parent)
                context.update(tokens(texts.get((regime, version, parent), "")))
                parent = parent.rsplit(".", 1)[0] if "." in parent else ""
            doc: dict[str, float] = {t: float(c) for t, c in own.items()}
            for t, c in context.items():
                doc[t] = doc.get(t, 0.0) + CONTEXT_WEIGHT * c
            self.own.append(doc)
            self.params.append(extract_parameters(text))
            self.paths.append(chain)
            df.update(set(doc))
            lengths.append(sum(doc.values()))
        self.n = len(self.own)
        self.avg = (sum(lengths) / self.n) if self.n else 1.0
        self.lengths = lengths
        self.idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(self.own):
            for t in doc:
                self.postings[t].append(i)

    def score(self, query: str, limit: int) -> list[ControlHit]:
        weights = query_tokens(query)
        qset = list(weights)
        words = _WORD.findall(query.lower())
        implied = " ".join(IMPLIED_PARAMETERS[w] for w in words if w in IMPLIED_PARAMETERS)
        qparams = extract_parameters(query) + extract_parameters(implied)
        groups = {GROUP_WORDS[w] for w in words if w in GROUP_WORDS}
        scores: dict[int, float] = defaultdict(float)
        for t in qset:
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                tf = self.own[i][t]
                scores[i] += weights[t] * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.lengths[i] / self.avg))
        if groups:
            for i in list(scores):
                if self.frame.at[i, "product_group"] in groups:
                    scores[i] += GROUP_BONUS
        details: dict[int, list[dict[str, object]]] = {}
        if qparams:
            for i in list(scores):
                found = []
                for ep in self.params[i]:
                    for qp in qparams:
                        ok = ep.satisfied_by(qp)
                        if ok is None:
                            continue
                        scores[i] += PARAM_MATCH if ok else PARAM_UNIT
                        found.append({"query": qp.text, "entry": ep.text, "relation": ep.relation, "meets": ok})
                details[i] = found
        ranked = sorted((i for i in scores if not self.frame.at[i, "not_used"]), key=lambda i: -scores[i])[:limit]
        hits = []
        for rank, i in enumerate(ranked, start=1):
            row = self.frame.iloc[i]
            matched = sorted({t for t in qset if t in self.own[i]})
            params = details.get(i, [])
            why = f"matched: {', '.join(matched) or '-'}"
            if params:
                why += "; parameters: " + "; ".join(
                    f"query {p['query']} vs entry {p['entry']} ({'meets' if p['meets'] else 'does not meet'} "
                    f"'{ {'<': 'at most', '>': 'at least', '=': 'about'}[str(p['relation'])] }')" for p in params)
            hits.append(ControlHit(rank=rank, regime=row.regime, code=row.code, version=row.version,
                                   valid_from=row.valid_from, score=round(scores[i], 3), text=row.text,
                                   path=self.paths[i], matched_terms=matched, parameters=params, explanation=why))
        return hits


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
    when = date.fromisoformat(as_of) if isinstance(as_of, str) and as_of else as_of if isinstance(as_of, date) else None
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
    when = date.fromisoformat(as_of) if isinstance(as_of, str) and as_of else as_of if isinstance(as_of, date) else None
    selected = _select_versions(data.entries, when)
    # keyed by the versions searched, not the date: every date in one version's span shares its index
    key = "search-index:" + ",".join(sorted({f"{r}@{v}" for r, v in zip(selected.regime, selected.version, strict=True)}))
    index = data.cache.get(key)
    if index is None:  # built once per ControlData and set of versions: a few seconds for ~6,000 entries
        index = data.cache[key] = SearchIndex(selected)
    hits = index.score(text, limit * 20 if regime else limit)
    if regime:
        hits = [h for h in hits if h.regime == regime][:limit]
        for rank, hit in enumerate(hits, start=1):
            hit.rank = rank
    return hits
