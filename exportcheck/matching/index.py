"""The candidate index: every listed name and alias, normalised once, with token and n-gram postings.

Why an index: screening a file of 10,000 customers against ~50,000 listed names must not compare every
pair. A query looks up the entities sharing a (rare enough) token with it, plus those whose tokens are
one typo away (character 3-grams over the token vocabulary) or whose acronym it is, and only those
few dozen candidates are scored (:mod:`.score`).

Built once per set of snapshots and cached on disk under ``<lists dir>/.cache/matching/``, keyed by
the snapshot versions and :data:`INDEX_VERSION`, so a new snapshot (or a new normaliser) builds a new
index and an old one is never used by mistake.

Names indexed per entity: the name, every alias, and parts the lists pack into one name string:
a parenthesised short form ("... 13th Research Institute (CETC 13)"), the name without it, and the
unit after "Subordinate Institution -" (the 2022 CSL writes CETC institutes' units that way).
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import math
import os
import pickle
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from exportcheck.matching.groups import GROUP_TOKENS
from exportcheck.matching.normalise import NameForm, form_from_tokens, name_form, normalise, token_class
from exportcheck.matching.score import ACRONYM_SKIP, CLASS_WEIGHTS, FUZZY_MIN

INDEX_VERSION = "4"  # 4: normaliser reads every script (anyascii, Hangul), kanji forms, digit confusions
NGRAM = 3
# A token on more than this share of all names ("llc", "china") finds nobody in particular; it is
# not used to find candidates (it still counts when candidates are scored).
COMMON_SHARE = 0.04
# Candidates scored in full per query, after ranking by a quick Dice estimate: twice the summed weight
# of the tokens a name shares with the query, over both names' total weight. 20 keeps the right
# party in the hold-out benchmark while scoring stays under a millisecond.
CANDIDATES = 20
# Query words on more listed names than this are taken as spelled right (no search for typos):
# 5 keeps the hold-out's typo recall within 0.1 point of searching for every word, at 1.4x the speed.
TYPO_DF = 5
# ... and only those whose estimate is at least this share of the best one's.
PROXY_SHARE = 0.5

_PAREN = re.compile(r"\(([^()]{2,80})\)")
_SUBORDINATE = re.compile(r"subordinate (?:institution|institute|unit|entity)\s*[-–:]\s*(.+)$", re.I)
_LEADING_AND = re.compile(r"^\s*and\s+", re.I)


def split_unit(name: str) -> tuple[str, str]:
    """"<parent>. Subordinate Institution - <unit>" → (unit, parent); otherwise (name, "")."""
    sub = _SUBORDINATE.search(name)
    if not sub:
        return name, ""
    return sub.group(1).strip(" ."), name[: sub.start()].strip(" .-")


def derived_names(name: str) -> list[tuple[str, str]]:
    """Extra names packed into one listed name string, each with how it was found.

    A bracketed part that is only a group's acronym ("... Corp. (CETC) 54th Research Institute")
    names the group, not the party, and is not taken as a name of it.
    """
    out: list[tuple[str, str]] = []
    parens = _PAREN.findall(name)
    if parens:
        stripped = re.sub(r"\s+", " ", _PAREN.sub(" ", name)).strip(" ,.;")
        out.append((stripped, "name without brackets"))
        rest = name_form(stripped)
        for part in parens:
            if part.lower().startswith(("a ", "an ", "the ", "formerly", "subordinate", "a subordinate")):
                continue
            form = name_form(part)
            strong = [t for t in form.tokens if token_class(t) != "weak"]
            if strong and set(strong) <= form.groups and set(rest.tokens) - form.groups:
                continue
            out.append((part.strip(), "short form in brackets"))
    return out


@dataclass(frozen=True)
class IndexedName:
    """One name of one entity: its row in the entity table, where it comes from, and its form."""

    row: int
    kind: str  # name | alias | derived
    note: str
    form: NameForm


class Postings:
    """Token → ids, stored as one int32 array and offsets: quick to pickle and to load (one buffer, not
    tens of thousands of small arrays)."""

    def __init__(self, table: dict[str, list[int]]) -> None:
        keys = list(table)
        lengths = np.fromiter((len(table[k]) for k in keys), dtype=np.int64, count=len(keys))
        ends = np.cumsum(lengths)
        self.data = np.fromiter(itertools.chain.from_iterable(table[k] for k in keys), dtype=np.int32,
                                count=int(ends[-1]) if len(ends) else 0)
        self.offsets = dict(zip(keys, zip((ends - lengths).tolist(), ends.tolist(), strict=True), strict=True))

    def get(self, key: str) -> np.ndarray | None:
        span = self.offsets.get(key)
        return None if span is None else self.data[span[0]:span[1]]

    def count(self, key: str) -> int:
        span = self.offsets.get(key)
        return 0 if span is None else span[1] - span[0]

    def __contains__(self, key: str) -> bool:
        return key in self.offsets


# Columns of the entity table a screening result shows (citations and source URL too, so evidence never
# re-reads a snapshot); the rest (addresses, ...) is not kept in memory.
RESULT_COLUMNS = ["entity_id", "source", "list", "schema", "name", "countries", "programs", "listing_date", "end_date",
                  "licence_requirement", "parent_name", "citations", "source_url", "snapshot", "snapshot_date"]
# Columns the index is built from: those, and the aliases (``snapshot`` and ``snapshot_date`` are added by
# :func:`.lists.load_lists`).
INDEX_COLUMNS = [c for c in RESULT_COLUMNS if c not in ("snapshot", "snapshot_date")] + ["aliases"]


@dataclass
class MatchIndex:
    """Postings from tokens, acronyms and character n-grams to indexed names; see the module docstring."""

    key: str
    names: list[IndexedName]
    entities: pd.DataFrame
    postings: Postings
    acronyms: Postings
    grams: Postings
    vocab: list[str]
    group_units: dict[str, list[int]] = field(default_factory=dict)
    group_parents: dict[str, list[int]] = field(default_factory=dict)
    children: dict[str, list[int]] = field(default_factory=dict)
    build_seconds: float = 0.0

    # --- pickling: names as plain tuples (unpickling 50,000 dataclasses is several times slower) ---
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_weights", None)
        state.pop("_weigh", None)
        state.pop("_totals", None)
        state.pop("_similar", None)
        state.pop("_vocab_lengths", None)
        state["names"] = [(n.row, n.kind, n.note, n.form.original, n.form.tokens, n.form.context) for n in self.names]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        flat = state["names"]
        state["names"] = [IndexedName(row, kind, note, form_from_tokens(original, tokens, context))
                          for row, kind, note, original, tokens, context in flat]
        self.__dict__.update(state)

    # --- weights -------------------------------------------------------------------------------
    def weight(self, token: str) -> float:
        """Class weight × rarity: a name token on many listed names ("beijing") counts less.

        Rarity is 0.5 + 0.5 · idf / max idf, so a very common name token still counts half as much as
        a unique one, and a token the lists never use counts fully.
        """
        return self.weigh(token)

    @property
    def weigh(self) -> Callable[[str], float]:
        """:meth:`weight` as a dict lookup (C speed; the scorer calls it ~100 times per query), computing
        and keeping a token's weight on first use."""
        found = self.__dict__.get("_weigh")
        if found is None:
            found = self.__dict__["_weigh"] = _Weights(self).__getitem__
        return found

    def _weight(self, token: str) -> float:
        cls = CLASS_WEIGHTS[token_class(token)]
        df = self.postings.count(token)
        value = cls
        if cls >= 1.0 and df:
            n = len(self.names)
            value = cls * (0.5 + 0.5 * math.log(n / df) / math.log(n))
        return value

    def vocab_lengths(self) -> np.ndarray:
        found = self.__dict__.get("_vocab_lengths")
        if found is None:
            found = np.fromiter((len(t) for t in self.vocab), dtype=np.int32, count=len(self.vocab))
            self.__dict__["_vocab_lengths"] = found
        return found

    def totals(self) -> np.ndarray:
        """Each indexed name's total token weight (computed once, on first use)."""
        found = self.__dict__.get("_totals")
        if found is None:
            weigh = self.weigh
            weights = {t: weigh(t) for t in self.postings.offsets}
            found = np.fromiter((sum([weights[t] for t in n.form.tokens]) for n in self.names),
                                dtype=np.float64, count=len(self.names))
            self.__dict__["_totals"] = found
        return found

    # --- candidates ----------------------------------------------------------------------------
    def similar_tokens(self, token: str) -> list[tuple[str, float]]:
        """Vocabulary tokens one typo away, found through shared 3-grams and checked with rapidfuzz."""
        cache = self.__dict__.setdefault("_similar", {})
        found = cache.get(token)
        if found is not None:
            return found
        grams = [g for g in _grams(token) if g in self.grams]
        out: list[tuple[str, float]] = []
        if grams:
            arrays = [self.grams.get(g) for g in grams]
            counts = np.bincount(np.concatenate([a for a in arrays if a is not None]), minlength=len(self.vocab))
            need = max(1, len(_grams(token)) // 2)
            ids = np.flatnonzero(counts >= need)
            ids = ids[np.abs(self.vocab_lengths()[ids] - len(token)) <= 3]
            if len(ids):
                others = [self.vocab[i] for i in ids.tolist()]
                # token_similarity, vectorised: the better of Levenshtein and Indel - 0.05
                lev = process.cdist([token], others, scorer=Levenshtein.normalized_similarity)[0]
                indel = process.cdist([token], others, scorer=Indel.normalized_similarity)[0] - 0.05
                sims = np.maximum(lev, indel)
                for j in np.flatnonzero(sims >= FUZZY_MIN).tolist():
                    if others[j] != token:
                        out.append((others[j], float(sims[j])))
            out.sort(key=lambda x: -x[1])
            out = out[:5]
        if len(cache) < 200_000:
            cache[token] = out
        return out

    def candidates(self, query: NameForm, limit: int = CANDIDATES) -> np.ndarray:
        """Ids of the names most worth scoring against ``query`` (no full scan)."""
        lists: list[np.ndarray] = []
        weights: list[float] = []
        weigh = self.weigh
        common = COMMON_SHARE * len(self.names)
        fallback: list[tuple[np.ndarray, float]] = []
        for tok in query.tokens:
            ids = self.postings.get(tok)
            w = weigh(tok)
            if ids is not None:
                if len(ids) > common:
                    fallback.append((ids, w))
                    continue
                lists.append(ids)
                weights.append(w)
            if token_class(tok) == "name" and len(tok) >= 4 and (ids is None or len(ids) <= TYPO_DF):
                # one typo away, even from a rare known word (a word on many names is spelled right)
                for other, sim in self.similar_tokens(tok):
                    other_ids = self.postings.get(other)
                    if other_ids is not None and len(other_ids) <= common:
                        lists.append(other_ids)
                        weights.append(w * sim)
            acr = self.acronyms.get(tok)
            if acr is not None and len(acr) <= common:
                lists.append(acr)
                weights.append(1.0)
        toks = query.tokens
        for a, b in itertools.pairwise(toks):  # "hua wei" finds "huawei"
            if token_class(a) != "name" or token_class(b) != "name":
                continue  # "research institute" is no proper name spelled apart
            ids = self.postings.get(a + b)
            if ids is not None and len(ids) <= common:
                lists.append(ids)
                weights.append(1.0)
        if len(toks) >= 3:
            initials = "".join(t[0] for t in toks if not t.startswith("#") and t not in ACRONYM_SKIP)
            ids = self.postings.get(initials)
            if ids is not None and len(ids) <= common:
                lists.append(ids)
                weights.append(1.0)
        if not lists and fallback:  # only common words: use the rarest of them
            fallback.sort(key=lambda x: len(x[0]))
            lists.append(fallback[0][0][:5000])
            weights.append(fallback[0][1])
        if not lists:
            return np.empty(0, dtype=np.int32)
        ids = np.concatenate(lists)
        repeated = np.repeat(np.asarray(weights), [len(x) for x in lists])
        uniq, inverse = np.unique(ids, return_inverse=True)
        shared = np.bincount(inverse, weights=repeated)
        q_total = sum([weigh(t) for t in query.tokens])
        sums = 2 * shared / (q_total + self.totals()[uniq])
        if len(uniq) > limit:
            top = np.argpartition(-sums, limit)[:limit]
            uniq, sums = uniq[top], sums[top]
        # names far behind the best estimate are not worth a full comparison
        keep = sums >= PROXY_SHARE * sums.max()
        return uniq[keep]


class _Weights(dict[str, float]):
    """Token → weight, filled on first lookup (at most a million kept: queries bring new tokens forever)."""

    def __init__(self, index: MatchIndex) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, token: str) -> float:
        value = self._index._weight(token)
        if len(self) < 1_000_000:
            self[token] = value
        return value


def _grams(token: str) -> list[str]:
    padded = f" {token} "
    return [padded[i:i + NGRAM] for i in range(len(padded) - NGRAM + 1)]


def _entity_names(name: str, aliases: Iterable[dict[str, str]] | None) -> Iterable[tuple[str, str, str]]:
    if name:
        unit, _parent = split_unit(name)
        if unit != name:
            yield unit, "derived", "unit named after 'Subordinate Institution'"
        yield name, "name", "listed name"
        for derived, note in derived_names(unit):
            yield derived, "derived", note
    for alias in aliases if aliases is not None else ():
        text = _LEADING_AND.sub("", str(alias.get("name") or ""))
        if not text:
            continue
        yield text, "alias", f"alias ({alias.get('type') or 'aka'})"
        for derived, note in derived_names(text):
            yield derived, "derived", f"{note} of alias"


def entity_parent(name: str, parent_name: str) -> str:
    """The parent a list gives a party: its ``parent_name``, else the part before "Subordinate Institution"."""
    return parent_name or split_unit(name)[1]


def build_index(entities: pd.DataFrame, key: str) -> MatchIndex:
    """Normalise every name of every entity and build the postings (see the module docstring).

    The cyclic garbage collector is paused meanwhile: the build makes millions of small objects and
    no cycles, and the collector's repeated passes over them cost about a tenth of the build time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_index(entities, key)
    finally:
        if was_enabled:
            gc.enable()


def _build_index(entities: pd.DataFrame, key: str) -> MatchIndex:
    started = time.perf_counter()
    names: list[IndexedName] = []
    rows = zip(entities["name"].tolist(), entities["aliases"].tolist(), entities["parent_name"].tolist(), strict=True)
    for row_no, (name, aliases, parent_name) in enumerate(rows):
        name = str(name or "")
        parent = entity_parent(name, str(parent_name or ""))
        context = GROUP_TOKENS.intersection(normalise(name).split())
        if parent:
            context |= GROUP_TOKENS.intersection(normalise(parent).split())
        seen: set[tuple[str, ...]] = set()
        for text, kind, note in _entity_names(name, aliases):
            form = name_form(text, context)
            if not form.tokens or form.tokens in seen:
                continue
            seen.add(form.tokens)
            names.append(IndexedName(row_no, kind, note, form))
    post: dict[str, list[int]] = defaultdict(list)
    acr: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(names):
        toks = item.form.tokens
        for tok in toks:
            post[tok].append(i)
        if len(toks) >= 3:
            initials = "".join(t[0] for t in toks if not t.startswith("#") and t not in ACRONYM_SKIP)
            if 3 <= len(initials) <= 8:
                acr[initials].append(i)
        compact = "".join(t for t in toks if not t.startswith("#"))
        if len(toks) > 1 and compact not in toks:
            post[compact].append(i)  # "huawei" finds "hua wei"
    vocab = sorted(t for t in post if token_class(t) == "name" and len(t) >= 4)
    grams: dict[str, list[int]] = defaultdict(list)
    for i, tok in enumerate(vocab):
        for g in set(_grams(tok)):
            grams[g].append(i)
    light = entities.reindex(columns=RESULT_COLUMNS)
    light["snapshot"] = light["snapshot"].fillna("")
    light["snapshot_date"] = light["snapshot_date"].fillna("")
    index = MatchIndex(
        key=key,
        names=names,
        entities=light,
        postings=Postings(post),
        acronyms=Postings(acr),
        grams=Postings(grams),
        vocab=vocab,
    )
    _relations(index)
    index.build_seconds = time.perf_counter() - started
    return index


def _relations(index: MatchIndex) -> None:
    """Group parents (a name that is just the group: "CETC"), group units, and children by parent name."""
    units: dict[str, set[int]] = defaultdict(set)
    parents: dict[str, set[int]] = defaultdict(set)
    for item in index.names:
        form = item.form
        if not form.groups:
            continue
        strong = [t for t in form.tokens if token_class(t) not in ("weak",)]
        for group in form.groups:
            if strong == [group]:
                parents[group].add(item.row)
            else:
                units[group].add(item.row)
    for group, rows in parents.items():
        units[group] -= rows
    index.group_parents = {g: sorted(r) for g, r in parents.items()}
    index.group_units = {g: sorted(r) for g, r in units.items()}
    children: dict[str, list[int]] = defaultdict(list)
    ents = index.entities
    for row_no, (name, parent_name) in enumerate(zip(ents["name"].tolist(), ents["parent_name"].tolist(), strict=True)):
        parent = entity_parent(str(name or ""), str(parent_name or ""))
        if parent:
            children[name_form(parent).text].append(row_no)
    index.children = dict(children)


# --- the disk cache ---------------------------------------------------------------------------
def cache_path(cache_dir: Path, key: str) -> Path:
    digest = hashlib.sha256(f"{INDEX_VERSION}|{key}".encode()).hexdigest()[:20]
    return cache_dir / f"index-{digest}.pkl"


def load_or_build(entities: Callable[[], pd.DataFrame], key: str, cache_dir: Path | None) -> MatchIndex:
    """The cached index for this snapshot set, or one built from ``entities()`` and written to the cache.

    ``entities`` is only called on a cache miss: reading the entity tables costs more than loading
    the cached index.
    """
    if cache_dir is not None:
        path = cache_path(cache_dir, key)
        if path.exists():
            try:
                with path.open("rb") as handle:
                    index = pickle.load(handle)
                if isinstance(index, MatchIndex) and index.key == key:
                    return index
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass  # a damaged or outdated cache file is rebuilt below
    index = build_index(entities(), key)
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".index-", dir=cache_dir)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_path(cache_dir, key))
        except OSError:
            pass  # a read-only lists folder still screens, only without the cache
    return index
