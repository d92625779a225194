"""Screening: query names against the index, score the candidates, attach related parties and explanations.

A :class:`Screener` holds one :class:`~exportcheck.matching.index.MatchIndex` (every entity source's
snapshot loaded once) and answers any number of queries; :func:`exportcheck.matching.screen` builds
one from the snapshot store and keeps it for the next call.
"""

from __future__ import annotations

import builtins
import itertools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from exportcheck.dates import in_force
from exportcheck.matching.chinese import has_han
from exportcheck.matching.distinctive import pinyin_syllables
from exportcheck.matching.explain import explain
from exportcheck.matching.index import MatchIndex, read_record
from exportcheck.matching.normalise import NameForm, form_from_tokens, name_form
from exportcheck.matching.places import place_words
from exportcheck.matching.score import DEFAULT_THRESHOLD, Comparison, compare
from exportcheck.matching.scripts import is_latin
from exportcheck.model import Citation

if TYPE_CHECKING:
    import pandas as pd

# A query that names a company (it carries a legal form) against a listed person or vessel: the
# score is multiplied by this ("Li Ning Company Limited" is not the person "LI, Ying").
NOT_AN_ORGANISATION = 0.8
ORG_MARKERS = frozenset({"llc", "jsc", "plc", "company", "corporation", "limited", "inc", "incorporated", "gmbh",
                         "ag", "sa", "bv", "nv", "holding", "group", "ltd", "lp", "llp", "coop", "university",
                         "institute", "bank"})

NOT_ORGANISATIONS = frozenset({"Person", "Vessel", "Aircraft"})

# Listed parties whose result fields and relations a screener keeps (a batch meets the same parties often).
ROW_CACHE = 100_000
# Related parties reported per match, at most (:meth:`Screener.related`).
RELATED_LIMIT = 12

# A listed party whose countries do not include the country given with the query: the score is
# multiplied by this (a hint, not a filter: lists often give only one of several countries).
COUNTRY_MISMATCH = 0.9


class Related(BaseModel):
    """A party related to a match (parent, group, unit, subsidiary): reported beside it, never as it."""

    relation: str  # parent | parent group | unit of the same group | subsidiary
    entity_id: str
    source: str
    list: str
    name: str
    programs: builtins.list[str] = Field(default_factory=builtins.list)
    note: str = ""


class Match(BaseModel):
    """One screening result, best first; the JSON shape of ``exportcheck screen --json``.

    It carries everything a report cites (citations, source URL, snapshot and its data date, listing
    dates and where they come from) so no caller re-reads a snapshot to explain a match.
    """

    model_config = ConfigDict(populate_by_name=True)

    score: float = Field(ge=0.0, le=1.0, description="Similarity of the best-matching name, 0..1")
    is_match: bool
    entity_id: str
    source: str
    list: str
    name: str
    matched_name: str
    listing_date: str = Field(default="", description="When the listing began (ISO, possibly partial)")
    end_date: str = Field(default="", description="When it stopped applying, where it did")
    dates_borrowed_from: str = Field(
        default="", description="Entity id of the dated copy of the same entry whose dates listing_date/end_date are, "
                                "where this row's own source gives none (the compact CSL); empty when they are its own")
    countries: builtins.list[str] = Field(default_factory=builtins.list)
    programs: builtins.list[str] = Field(default_factory=builtins.list)
    licence_requirement: str = ""
    citations: builtins.list[Citation] = Field(default_factory=builtins.list,
                                                description="Federal Register / OJ notices behind the listing")
    source_url: str = ""
    related: builtins.list[Related] = Field(default_factory=builtins.list)
    explanation: str = ""
    snapshot: str = Field(default="", description="'source@version' of the snapshot the row comes from")
    snapshot_date: str = Field(default="", description="That snapshot's data date")

    def _repr_html_(self) -> str:
        flag = "match" if self.is_match else "no match"
        return (f"<b>{self.score:.2f}</b> ({flag}) <b>{self.name}</b> — {self.list} [{self.source}]"
                f"<br><small>{self.explanation}</small>")


@dataclass
class _Best:
    score: float
    comparison: Comparison
    name_id: int
    extra: list[tuple[str, float]]


_ASCII_KEY = (True, False)

# What a result shows of a listed party whatever the query (see Screener._row_fields, Screener._party).
_RowFields = tuple[tuple[Any, ...], tuple[tuple[str, str], ...], str, bool]
_Party = tuple[str, str, str, str, list[str], bool]

_first = operator.itemgetter(0)

_Model = TypeVar("_Model", bound=BaseModel)
_FIELDS_SET: dict[type[BaseModel], frozenset[str]] = {}
_set = object.__setattr__


def _made(model: type[_Model], values: dict[str, Any]) -> _Model:
    """``model(**values)`` without validating: ``values`` holds every field, in field order, each already of its
    field's type (exact ``str``, ``float``, ``bool``, fresh lists, models). Why: validating a result and its
    related parties cost about a fifth of a full screening, and ``model_construct`` costs more than validating.

    It sets what ``model_construct`` sets (the values, the fields set, no extra, no private attributes), so the
    result equals, dumps and serialises as the validated one (tests/matching/test_speed_paths.py checks it).
    """
    made = model.__new__(model)
    _set(made, "__dict__", values)
    _set(made, "__pydantic_fields_set__", set(_FIELDS_SET.get(model) or _fields_set(model)))
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


# One name in each script family the lists hold beyond Latin (Han, Cyrillic, Arabic, Hebrew, Georgian, Kana,
# Hangul, Thai...): normalising them loads each transliteration table (:meth:`Screener.prepare`).
_SCRIPT_SAMPLES = ("中国电子科技集团公司第二十四研究所", "日本電子株式会社 カタカナ", "Научно-исследовательский институт",
                   "شركة الصناعات", "חברה", "საქართველო", "조선", "บริษัท", "Ελλάδα", "Հայաստան", "ኢትዮጵያ", "မြန်မာ")


def _fields_set(model: type[BaseModel]) -> frozenset[str]:
    found = _FIELDS_SET[model] = frozenset(model.model_fields)
    return found


def _script_key(original: str) -> tuple[bool, bool]:
    """What :func:`.score.compare` reads of a name as written, beside its tokens: whether it is all Latin
    (people's names across scripts) and whether it holds Han characters (the pinyin rule of
    :mod:`.distinctive`). A name of ASCII characters is Latin and holds none."""
    if original.isascii():
        return _ASCII_KEY
    return is_latin(original), has_han(original)


def _compared(done: dict[tuple[Any, ...], Comparison], query: NameForm, form: NameForm, weigh: Any,
              person: bool) -> Comparison:
    """``compare(query, form)``, made once per distinct name within one query.

    Half the candidates of a query repeat a name another candidate has (the same party on several
    lists). A comparison depends only on the tokens, the group context, whether the party is a person
    and what script the name was written in (:func:`_script_key`); a repeat gets the same comparison
    carrying its own name form.
    """
    original = form.original
    key = (form.tokens, form.context, person, _ASCII_KEY if original.isascii() else _script_key(original))
    comp = done.get(key)
    if comp is None:
        comp = done[key] = compare(query, form, weigh, person=person)
    elif comp.candidate is not form:
        comp = Comparison(comp.score, comp.query, form, comp.pairs, comp.unmatched_query, comp.unmatched_candidate,
                          comp.penalties, comp.base)
    return comp


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    # list columns arrive as numpy object arrays: tolist() gives the str objects without numpy scalars
    return [str(v) for v in (value.tolist() if isinstance(value, np.ndarray) else list(value))]


def _citation_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """A snapshot's ``citations`` cell (list of {citation, date} structs) as (citation, date) pairs."""
    if value is None:
        return ()
    items = value.tolist() if isinstance(value, np.ndarray) else list(value)
    return tuple((str(c.get("citation") or ""), str(c.get("date") or "")) for c in items
                 if isinstance(c, dict) and c.get("citation"))


class Screener:
    """Screens names against one loaded index (see the module docstring).

    Shared between callers (kept per snapshot set), so it holds nothing of one call: the notes on which
    snapshots a date chose travel with the call (:func:`exportcheck.matching.dated_screener`).
    """

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        # Columns every query reads, as lists; nested cells (countries, programs, citations) are read per
        # result row. Listing dates borrowed from a dated twin, totals and counts come precomputed.
        self._source = index.column("source")
        self._list = index.column("list")
        self._name = index.column("name")
        self._schema = index.column("schema")
        self._ids = index.column("entity_id")
        self._listing = index.column("listing_date")
        self._end = index.column("end_date")
        self._twin = index.column("twin")  # the dated copy whose dates an undated row took (-1: none)
        self._parent = index.column("parent")
        self._programs = index.column("programs")
        self._countries_column = index.column("countries")
        self._citations = index.column("citations")
        self._licence = index.column("licence_requirement")
        self._url = index.column("source_url")
        self._snapshot = index.column("snapshot")
        self._snapshot_date = index.column("snapshot_date")
        self._records = index.records
        self._country_lists: dict[int, list[str]] = {}
        self._own_forms: dict[int, NameForm] = {}
        self._fields: dict[int, _RowFields] = {}
        self._relation_rows: dict[int, list[tuple[int, str, str]]] = {}
        self._related_rows: dict[int, list[tuple[int, str, str]]] = {}  # what related() reports unfiltered
        self._parties: dict[int, _Party] = {}
        self.undated = dict(index.undated)
        self.prepared = False  # see prepare()

    def prepare(self, *, result_fields: bool = True) -> Screener:
        """Make now what the first queries of a long-running process would make on the way: the index's tables
        (:meth:`.index.MatchIndex.prepare`), the columns every result reads as lists (the nested ones stay lazy),
        every party's result fields (:meth:`_row_fields`, what a long run keeps for every party it shows; no name is
        made), and the tables the rules and a name in another script load on first use (place names, ICU's
        transliterators, pypinyin's readings). Why: a server or batch worker then answers its first queries as fast
        as its later ones (measured on the stored index of every list: 1.4-1.8 s and ~280 MB at start, the result
        fields and pypinyin's readings the largest parts; the first screening then took 3 ms instead of 100). A
        one-name screening does not call it.

        ``result_fields=False`` leaves the result fields to be read as parties are shown: for a screener prepared
        beside live requests (a server's reload), where a second of pure Python holding the interpreter lock
        stalls every request in flight (``bench serve``, p99 of repeated names at 64 clients during a swap: 25-32 ms
        without them, 512 ms with).
        Returns the screener, prepared (a second call does nothing).
        """
        if self.prepared:
            return self
        self.index.prepare()
        for column in (self._source, self._list, self._name, self._schema, self._ids, self._listing, self._end,
                       self._twin, self._parent, self._licence, self._url, self._snapshot, self._snapshot_date):
            column.prepare()
        if result_fields:
            for row in range(min(len(self.index), ROW_CACHE)):  # each party's result fields, read from its record
                self._row_fields(row)
        pinyin_syllables()
        place_words()
        for text in _SCRIPT_SAMPLES:
            name_form(text)
        self.prepared = True
        return self

    def _countries(self, row: int) -> list[str]:
        found = self._country_lists.get(row)
        if found is None:
            found = self._country_lists[row] = _strings(self._countries_column[row])
        return found

    # --- core ----------------------------------------------------------------------------------
    def _rows_allowed(self, row: int, sources: set[str] | None, as_of: date | None) -> bool:
        if sources and self._source[row] not in sources:
            return False
        return not (as_of and not in_force(self._listing[row], self._end[row], as_of))

    def best_per_entity(self, query: NameForm, *, country: str | None = None, sources: set[str] | None = None,
                        as_of: date | None = None, done: dict[tuple[Any, ...], Comparison] | None = None,
                        stop_at_perfect: bool = False) -> dict[int, _Best]:
        """The best-scoring name of each candidate entity (``done``: comparisons of this query made so far).

        ``stop_at_perfect``: once a party scores 1, skip the parties found after it (see :meth:`top_score`):
        the result then holds the first party to score best, not every party.
        """
        best: dict[int, _Best] = {}
        index = self.index
        names, weigh = index.names, index.weigh
        names_company = bool(ORG_MARKERS.intersection(query.tokens))
        filtered = bool(sources) or bool(as_of)  # else every row is allowed (no call per candidate)
        # each distinct name once (see _compared)
        if done is None:
            done = {}
        before_perfect: set[int] | None = None  # with stop_at_perfect, the parties found before one scored 1
        made, make, schemas = names._made, names._make, self._schema  # (names[name_id] without two calls each)
        found = index.candidates(query)
        # each candidate's party read from the name table's row array, so a name whose party is filtered out or
        # skipped is never made (making a name costs more than comparing a made one: see NameTable._make)
        for name_id, row in zip(found.tolist(), names.rows[found].tolist(), strict=True):
            if before_perfect is not None and row not in before_perfect:
                continue
            if filtered and not self._rows_allowed(row, sources, as_of):
                continue
            item = made.get(name_id) or make(name_id)
            schema = schemas[row]
            form = item.form
            comp = _compared(done, query, form, weigh, schema == "Person")
            score = comp.score
            extra: list[tuple[str, float]] = []
            if names_company and schema in NOT_ORGANISATIONS:
                extra.append((f"the query names an organisation, the listed party is a {schema.lower()}",
                              NOT_AN_ORGANISATION))
                score *= NOT_AN_ORGANISATION
            if country:
                listed_in = self._countries(row)
                if listed_in and country.upper() not in listed_in:
                    extra.append((f"listed for {', '.join(listed_in)}, not {country.upper()}",
                                  COUNTRY_MISMATCH))
                    score *= COUNTRY_MISMATCH
            old = best.get(row)
            if old is None or score > old.score or (score == old.score and item.kind == "name"):
                best[row] = _Best(score, comp, name_id, extra)
            if stop_at_perfect and score >= 1.0 and before_perfect is None:
                before_perfect = set(itertools.takewhile(partial(operator.ne, row), best))
        return best

    def _tie_order(self, query: NameForm, tied: list[tuple[float, int, _Best]],
                   done: dict[tuple[Any, ...], Comparison]) -> list[tuple[float, int, _Best]]:
        """Parties of equal rounded score, best own-name score first (:meth:`_own_name_score`), then by entity id.

        Fewer comparisons, the same order: when no tied party was matched by its own name and all their own
        names are the same text and all are persons or none is, every own-name score is equal and the order is
        the entity ids' alone. Proof: a party matched by another name scores ``_compared(query, _own_form(row))``,
        and in every branch of :meth:`_own_form` that form has the tokens ``normalise(name).split()`` (the
        index stores each name's tokens so, :mod:`.segment`), no group context and ``name`` as written: a
        function of the name's text alone. :func:`_compared` reads nothing else of it (tokens, context, script
        of the text) but whether the party is a person. Equal inputs, equal scores; the sort is stable and
        keyed on (-score, id), so equal scores leave the ids to decide. The typical case: one party on several
        lists (its own list and the Consolidated Screening List), matched by the same alias.
        """
        ids = self._ids
        names, listed, schemas = self.index.names, self._name, self._schema
        first_row = tied[0][1]
        text, person = listed[first_row], schemas[first_row] == "Person"
        if all(names.kind(hit.name_id) != "name" and listed[row] == text and (schemas[row] == "Person") == person
               for _, row, hit in tied):
            return sorted(tied, key=lambda e: ids[e[1]])
        return sorted(tied, key=lambda e: (-self._own_name_score(query, e[1], e[2], done), ids[e[1]]))

    def _own_name_score(self, query: NameForm, row: int, hit: _Best,
                        done: dict[tuple[Any, ...], Comparison] | None = None) -> float:
        """How well the party's own (first) name matches: of equal scores the party named so ranks first.

        Why: the Entity List gives country companies the parent's name as an alias ("Huawei Technologies
        (Yangon) Co., Ltd." a.k.a. "Huawei Technologies Co., Ltd"), so a query naming the parent ties with
        every subsidiary on the alias; the subsidiary's own name, with its place, scores lower.
        """
        if self.index.names.kind(hit.name_id) == "name":
            return hit.score
        # the listed name as indexed (its tokens without the group context an alias may carry), else normalised
        own = self._own_form(row)
        return _compared({} if done is None else done, query, own, self.index.weigh, self._schema[row] == "Person").score

    def _own_form(self, row: int) -> NameForm:
        """The party's own listed name as a :class:`NameForm` (kept: the same parties tie again and again)."""
        cache = self._own_forms
        found = cache.get(row)
        if found is None:
            name = str(self._name[row])
            names = self.index.names
            name_id = names.find(row, "name", name)
            made = names._made.get(name_id) if name_id is not None else None
            if made is not None:
                # the name's form, made already (a candidate, or a relation): the same tokens and written form;
                # the group context an indexed name may carry is left out, as below
                form = made.form
                found = form if not form.context else form_from_tokens(form.original, form.tokens)
            elif name_id is not None:
                found = form_from_tokens(name, names.token_strings(name_id))
            else:
                found = name_form(name)
            if len(cache) < 200_000:
                cache[row] = found
        return found

    def top_score(self, name: str) -> tuple[float, int | None]:
        """Only the best score and its entity row (the benchmarks' fast path).

        The row is the first candidate party to reach the best score. Once a party scores 1 (no score is
        higher), only the parties found before it can still tie and come first, so only their names are
        compared after that.
        """
        best = self.best_per_entity(name_form(name), stop_at_perfect=True)
        if not best:
            return 0.0, None
        row, hit = max(best.items(), key=lambda kv: kv[1].score)
        return hit.score, row

    def screen(self, name: str, *, country: str | None = None, sources: Sequence[str] | None = None,
               limit: int = 10, threshold: float = DEFAULT_THRESHOLD, as_of: date | None = None,
               min_score: float = 0.5) -> list[Match]:
        """Matches for one name, best first: those at or above ``min_score``, at most ``limit``.

        ``min_score`` keeps near misses (a reviewer wants to see "CETC 15" when asking for CETC 14,
        marked as no match); ``threshold`` decides ``is_match``.
        """
        query = name_form(name)
        if not query.tokens:
            return []
        wanted = set(sources) if sources else None
        done: dict[tuple[Any, ...], Comparison] = {}
        best = self.best_per_entity(query, country=country, sources=wanted, as_of=as_of, done=done)
        # ties (equal rounded scores, shown) are broken by how well the party's own name matches, then by
        # entity id; that costs a comparison per tied party, so it is computed only for ties that reach the
        # first ``limit``, and the ids are read only there too (a party alone at its score needs none; see
        # _tie_order for ties that need no comparison)
        shown = min(min_score, threshold)
        # (rounded score, row, hit), best first; equal rounded scores in the order found (a stable sort, which
        # reverse=True keeps stable)
        ranked = sorted([(round(hit.score, 4), row, hit) for row, hit in best.items() if hit.score >= shown],
                        key=_first, reverse=True)
        start = 0
        while start < min(limit, len(ranked)):
            rounded = ranked[start][0]
            end = start + 1
            while end < len(ranked) and ranked[end][0] == rounded:
                end += 1
            if end - start > 1:
                ranked[start:end] = self._tie_order(query, ranked[start:end], done)
            start = end
        return [self._match(row, hit, rounded, threshold, wanted, as_of) for rounded, row, hit in ranked[:limit]]

    # --- output --------------------------------------------------------------------------------
    def _match(self, row: int, hit: _Best, rounded: float, threshold: float, sources: set[str] | None,
               as_of: date | None) -> Match:
        """The result for one party (``rounded``: its score rounded to 4 places, as shown).

        The matched name's text and note are read from the name table (what its :class:`.index.IndexedName` holds:
        :meth:`.index.NameTable.original` and :meth:`.index.NameTable.note` read the same cells ``_make`` reads,
        or the made name), making no name.
        """
        names = self.index.names
        shown, citations, borrowed, plain = self._row_fields(row)
        matched = names.original(hit.name_id)
        text = explain(hit.comparison, matched, names.note(hit.name_id), shown[3], threshold, hit.extra) + borrowed
        related = self.related(row, sources, as_of)
        # new lists and models each time (a caller may change a result without changing the kept row)
        cited = [_made(Citation, {"citation": c, "date": d}) for c, d in citations] if citations else []
        (entity_id, source, list_, name, listing, end, borrowed_from, countries, programs, licence, url, snapshot,
         snapshot_date) = shown
        values = {"score": float(min(1.0, max(0.0, rounded))), "is_match": bool(hit.score >= threshold),
                  "entity_id": entity_id, "source": source, "list": list_, "name": name, "matched_name": matched,
                  "listing_date": listing, "end_date": end, "dates_borrowed_from": borrowed_from,
                  "countries": list(countries), "programs": list(programs), "licence_requirement": licence,
                  "citations": cited, "source_url": url, "related": related, "explanation": text,
                  "snapshot": snapshot, "snapshot_date": snapshot_date}
        return _made(Match, values) if plain else Match(**values)

    def _row_fields(self, row: int) -> _RowFields:
        """What a result shows of a listed party whatever the query: its fields in :class:`Match` order (from
        ``entity_id`` to ``snapshot_date``, without the query's own), its citations (citation, date), the note on
        borrowed dates, and whether every field is already of its type (see :func:`_made`).

        Read from the row's result record where it has one (:func:`.index.result_records`), else cell by cell.
        Kept per row (a batch meets the same parties again and again; the model copies the lists).
        """
        cached = self._fields.get(row)
        if cached is not None:
            return cached
        record = self._records[row]
        if record is not None:
            (entity_id, source, list_, name, listing, end, licence, url, snapshot, snapshot_date, countries, programs,
             citations, twin) = read_record(record)
            if row not in self._parties and len(self._parties) < ROW_CACHE:
                self._parties[row] = (entity_id, source, list_, name, programs, True)
            plain = True
        else:
            twin = self._twin[row]
            listing, end = self._listing[row], self._end[row]
            entity_id, source, list_, name, programs, plain = self._party(row)
            countries = self._countries(row)
            licence, url = str(self._licence[row] or ""), str(self._url[row] or "")
            snapshot, snapshot_date = str(self._snapshot[row] or ""), str(self._snapshot_date[row] or "")
            citations = _citation_pairs(self._citations[row])
            plain = plain and type(listing) is str and type(end) is str
        borrowed_from = self._ids[twin] if twin >= 0 else ""
        shown = (entity_id, source, list_, name, listing, end, borrowed_from, countries, programs, licence, url,
                 snapshot, snapshot_date)
        borrowed = (f"; this file gives no listing date, the same entry on {self._source[twin]} "
                    f"({borrowed_from}) is dated {listing}{' to ' + end if end else ''}") if twin >= 0 else ""
        found = (shown, citations, borrowed, plain and type(borrowed_from) is str)
        if len(self._fields) < ROW_CACHE:
            self._fields[row] = found
        return found

    def _party(self, row: int) -> _Party:
        """Entity id, source, list, name and programs of a listed party: what a match and a related party both
        show, and whether the four texts are strings (kept per row; the models copy the programs list)."""
        found = self._parties.get(row)
        if found is None:
            record = self._records[row]
            if record is not None:
                entity_id, source, list_, name, *_, programs, _, _ = read_record(record)
                found = (entity_id, source, list_, name, programs, True)
            else:
                entity_id, source, list_, name = self._ids[row], self._source[row], self._list[row], self._name[row]
                found = (entity_id, source, list_, name, _strings(self._programs[row]),
                         type(entity_id) is str and type(source) is str and type(list_) is str and type(name) is str)
            if len(self._parties) < ROW_CACHE:
                self._parties[row] = found
        return found

    def _related(self, row: int, relation: str, note: str) -> Related:
        entity_id, source, list_, name, programs, plain = self._party(row)
        values: dict[str, Any] = {"relation": relation, "entity_id": entity_id, "source": source, "list": list_,
                                  "name": name, "programs": list(programs), "note": note}
        return _made(Related, values) if plain else Related(**values)

    def related(self, row: int, sources: set[str] | None = None, as_of: date | None = None,
                limit: int = RELATED_LIMIT) -> list[Related]:
        """Parents, parent groups and subsidiaries of a listed party, from parent names and group tokens.

        Never merged into the match: a parent on the NS-CMIC list does not put its institute on it.
        """
        unfiltered = not sources and not as_of
        if unfiltered and limit == RELATED_LIMIT:
            chosen = self._related_rows.get(row)
            if chosen is None:
                chosen = self._related_to(row, None, None, limit)
                if len(self._related_rows) < ROW_CACHE:
                    self._related_rows[row] = chosen
        else:
            chosen = self._related_to(row, sources, as_of, limit)
        return [self._related(other, relation, note) for other, relation, note in chosen]

    def _related_to(self, row: int, sources: set[str] | None, as_of: date | None,
                    limit: int) -> list[tuple[int, str, str]]:
        """The relations :meth:`related` reports: the first ``limit`` distinct parties allowed, ``row`` left out."""
        out: list[tuple[int, str, str]] = []
        seen = {row}
        for other, relation, note in self._relations(row):
            if len(out) >= limit:
                break
            if other in seen or not self._rows_allowed(other, sources, as_of):
                continue
            seen.add(other)
            out.append((other, relation, note))
        return out

    def _relations(self, row: int) -> list[tuple[int, str, str]]:
        """Every party related to ``row`` (row, relation, note) in the order :meth:`related` reports them,
        before any filter or limit; kept per row.

        Read from arrays the build made (the row's group tokens, the parties naming one of its names as their
        parent), never from its names' forms: a party may have hundreds of names.
        """
        found = self._relation_rows.get(row)
        if found is not None:
            return found
        index = self.index
        found = []
        parent = self._parent[row]
        if parent:
            found += [(other, "parent", f"the list names '{parent}' as its parent") for other in self._parents_named(parent)]
        for group in index.groups_of(row):
            found += [(other, "parent group", f"both carry the group {group.upper()}")
                      for other in index.group_parents.rows(group)]
        subsidiaries = index.subsidiaries(row)
        if subsidiaries:
            original = index.names.original
            found += [(other, "subsidiary", f"the list names '{original(name_id)}' as its parent")
                      for name_id, other in subsidiaries]
        if len(self._relation_rows) < ROW_CACHE:
            self._relation_rows[row] = found
        return found

    def _parents_named(self, parent: str) -> list[int]:
        """Rows matching a parent name the list gives, best first (kept: many units share one parent)."""
        cache = self.__dict__.setdefault("_parent_rows", {})
        found = cache.get(parent)
        if found is None:
            ranked = sorted(self.best_per_entity(name_form(parent)).items(), key=lambda kv: -kv[1].score)
            found = cache[parent] = [other for other, hit in ranked if hit.score >= DEFAULT_THRESHOLD]
        return found

    def query_related(self, name: str, sources: Sequence[str] | None = None, as_of: date | None = None) -> list[Related]:
        """Listed groups the query itself names ("... Institute of CETC" → CETC on NS-CMIC, 1260H)."""
        wanted = set(sources) if sources else None
        out = []
        for group in sorted(name_form(name).groups):
            for other in self.index.group_parents.rows(group):
                if self._rows_allowed(other, wanted, as_of):
                    out.append(self._related(other, "parent group named in the query",
                                             f"the query names the group {group.upper()}"))
        return out

    def frame(self, matches: list[Match], query: str) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for m in matches:
            data = m.model_dump()
            data["related"] = "; ".join(f"{r.relation}: {r.name} ({r.list}, {r.source})" for r in m.related)
            rows.append({"query": query, **data})
        return pd.DataFrame(rows, columns=["query", *Match.model_fields])
