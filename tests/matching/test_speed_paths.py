"""The matcher's fast paths give exactly what the plain computation they replace gives.

Each shortcut (a dictionary of postings keys, counting shared 3-grams by sorting, summing weights after
one stable sort, length bounds that skip hopeless token pairs, incremental acronym initials, one comparison
per distinct name in a query) is checked against the straightforward version, on random inputs and on
the real lists.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportcheck.matching import Screener
from exportcheck.matching.align import (
    ACRONYM_SKIP,
    FUZZY_MIN,
    JOINED_MIN,
    _may_be_similar,
    acronym_run,
    token_similarity,
)
from exportcheck.matching.index import GRAM_LENGTHS, TYPO_LENGTHS, Postings, _grams, _sharing, _summed, _text
from exportcheck.matching.normalise import form_from_tokens, name_form, token_class
from exportcheck.matching.score import compare


def test_shared_grams_counted_by_sorting_equal_a_count_over_the_vocabulary() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        arrays = [np.array(sorted(rng.sample(range(80), rng.randrange(0, 25))), dtype=np.int32)
                  for _ in range(rng.randrange(1, 10))]
        need = rng.randrange(1, 9)
        joined = np.concatenate(arrays)
        expected = np.flatnonzero(np.bincount(joined, minlength=80) >= need) if len(joined) else []
        assert _sharing(arrays, need).tolist() == list(expected), (arrays, need)


@pytest.mark.parametrize("size", [1, 5, 999, 1001, 5000])
def test_weights_summed_by_one_stable_sort_equal_unique_and_bincount_to_the_last_bit(size: int) -> None:
    rng = np.random.default_rng(size)
    for span in (3 * size, size // 3 + 1):  # few repeats, many repeats
        ids = rng.integers(0, span, size=size).astype(np.int32)
        weights = rng.random(size) * rng.choice([0.1, 0.35, 1.0], size=size)
        uniq, inverse = np.unique(ids, return_inverse=True)
        found_ids, sums = _summed(ids, weights, span)
        assert found_ids.tolist() == uniq.tolist()
        assert sums.tolist() == np.bincount(inverse, weights=weights).tolist()  # equal floats, not close ones
        assert sums.tolist() == np.bincount(ids, weights=weights, minlength=span)[uniq].tolist()


def test_postings_dictionary_finds_what_bisection_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = sorted({"".join(random.Random(i).choices("abcdef", k=4)) for i in range(300)})
    table = {k: [i, i + 1] for i, k in enumerate(keys)}
    probes = [*keys, "zzzz", "", "aaa", "abcdefg"]
    bisected = Postings.from_table(table)
    monkeypatch.setattr(Postings, "BISECT_SHARE", 10**9)
    expected = [bisected.position(k) for k in probes]
    monkeypatch.setattr(Postings, "BISECT_SHARE", 0.01)  # after 3 lookups
    hashed = Postings.from_table(table)
    found = [hashed.position(k) for k in probes]
    assert hashed._positions is not None  # the dictionary was built part way through
    assert found == expected
    assert [hashed.rows(k) for k in probes] == [bisected.rows(k) for k in probes]


@settings(max_examples=400, deadline=None)
@given(st.text("abcdeo", min_size=1, max_size=14), st.text("abcdeo", min_size=1, max_size=14))
def test_length_bound_never_skips_a_pair_that_would_align(a: str, b: str) -> None:
    if not _may_be_similar(len(a), len(b)):
        assert token_similarity(a, b) < FUZZY_MIN


@settings(max_examples=300, deadline=None)
@given(st.text("abc", min_size=1, max_size=10), st.lists(st.text("abc", min_size=1, max_size=5), min_size=2, max_size=3))
def test_length_bound_never_skips_a_join_that_would_align(token: str, run: list[str]) -> None:
    from rapidfuzz import fuzz

    size = sum(map(len, run))
    if 2 * min(size, len(token)) / (size + len(token)) < JOINED_MIN - 1e-9:
        assert fuzz.ratio(token, "".join(run)) / 100.0 < JOINED_MIN


def _acronym_run_reference(acronym: str, tokens: list[str], free: list[bool]) -> tuple[int, int] | None:
    """acronym_run as first written: every run's initials recomputed from scratch."""
    def initials(run: list[str]) -> str:
        return "".join(t[0] for t in run if t and not t.startswith("#"))

    n = len(tokens)
    for start in range(n):
        if not free[start] or tokens[start][0] != acronym[0]:
            continue
        for end in range(start + 2, min(n, start + 2 * len(acronym)) + 1):
            if not all(free[start:end]):
                break
            run = tokens[start:end]
            if token_class(run[-1]) == "weak":
                continue
            if initials(run) == acronym or initials([t for t in run if t not in ACRONYM_SKIP]) == acronym:
                return start, end
    return None


def test_incremental_acronym_initials_find_the_run_the_plain_search_finds() -> None:
    rng = random.Random(11)
    words = ["nanjing", "research", "institute", "of", "electronics", "and", "the", "technology", "ltd", "#14",
             "north", "industries", "corporation", "group", "new", "era"]
    checked = 0
    for _ in range(5000):
        tokens = rng.choices(words, k=rng.randrange(2, 9))
        free = [rng.random() > 0.15 for _ in tokens]
        if rng.random() < 0.5:
            start = rng.randrange(len(tokens))
            acronym = "".join(t[0] for t in tokens[start:start + rng.randrange(2, 6)] if not t.startswith("#"))
        else:
            acronym = "".join(rng.choices("nrieatoclg", k=rng.randrange(3, 7)))
        if len(acronym) < 2:
            continue
        expected = _acronym_run_reference(acronym, tokens, free)
        assert acronym_run(acronym, tokens, free) == expected, (acronym, tokens, free)
        checked += expected is not None
    assert checked > 200  # the random runs do find acronyms often


QUERIES = ["Huawei Technologies Co., Ltd.", "Huawei Technologies Company Limited", "CETC 14", "Rosneft",
           "24th Research Institute of CETC", "Beijing Institute of Technology", "Hikvision", "Vladimir Putin",
           "Sberbank of Russia", "Nanjing Research Institute of Electronics Technology", "Ig0r Sech1n",
           "China Electronics Technology Group Corporation", "Aviation Industry Corporation of China",
           "Lockheed Martn", "General Electric", "Bank Melli Iran", "Mahan Air", "Hua Wei", "中国电子科技集团公司",
           "Tongwei", "攻卫", "Владимир Путин", "华为技术有限公司"]


def test_one_comparison_per_distinct_name_scores_every_candidate_as_comparing_each_would(screener: Screener) -> None:
    index = screener.index
    repeated = 0
    for text in QUERIES:
        query = name_form(text)
        expected: dict[int, float] = {}
        for name_id in index.candidates(query).tolist():
            item = index.names[name_id]
            person = screener._schema[item.row] == "Person"
            score = compare(query, item.form, index.weigh, person=person).score
            expected[item.row] = max(expected.get(item.row, 0.0), score)
        best = screener.best_per_entity(query)
        assert {row: hit.comparison.score for row, hit in best.items()} == expected, text
        assert all(index.names[hit.name_id].form is hit.comparison.candidate for hit in best.values())
        repeated += len({hit.comparison.candidate.tokens for hit in best.values()}) < len(best)
    assert repeated >= 3  # the lists do repeat names across parties: the shortcut is exercised


def test_names_sharing_a_form_have_the_form_made_afresh() -> None:
    """Names written alike with the same context and tokens share one form (``NameTable._make``), equal field
    by field to the form made for each alone; names that differ in any of the three get their own."""
    import pyarrow as pa

    from exportcheck.matching.index import NameTable

    vocabulary = ["co", "huawei", "ltd", "technologies", "zte"]
    names = [("Huawei Technologies Co., Ltd.", "", [1, 3, 0, 2]), ("Huawei Technologies Co., Ltd.", "", [1, 3, 0, 2]),
             ("HUAWEI TECHNOLOGIES CO., LTD.", "", [1, 3, 0, 2]), ("Huawei Technologies Co., Ltd.", "cetc", [1, 3, 0, 2]),
             ("Huawei Technologies Co., Ltd.", "", [1, 3]), ("ZTE", "", [4]), ("ZTE", "", [4])]
    offsets = np.cumsum([0] + [len(t) for _, _, t in names])
    table = NameTable(rows=np.arange(len(names)), kinds=np.zeros(len(names), dtype=np.int8),
                      notes=np.zeros(len(names), dtype=np.int32), note_texts=["listed name"],
                      originals=pa.array([o for o, _, _ in names]), contexts=pa.array([c for _, c, _ in names]),
                      tokens=np.array([t for _, _, ts in names for t in ts]), token_offsets=offsets,
                      row_offsets=np.arange(len(names) + 1), vocabulary=vocabulary)
    made = [table[i].form for i in range(len(names))]
    for form, (original, context, positions) in zip(made, names, strict=True):
        assert form == form_from_tokens(original, tuple(vocabulary[t] for t in positions),
                                        frozenset(context.split()))
    assert made[0] is made[1] and made[5] is made[6]  # shared
    assert len({id(form) for form in made}) == 5  # the rest: each its own


def test_repeated_names_share_forms_in_the_real_index(screener: Screener) -> None:
    """On the real lists a query's candidates repeat names (one party on several lists): forms are shared there, and
    each shared form equals the form made afresh from the name's own cells."""
    index = screener.index
    names = index.names
    shared = 0
    for text in QUERIES:
        ids = index.candidates(name_form(text)).tolist()
        forms = [names[i].form for i in ids]
        shared += len({id(f) for f in forms}) < len(forms)
        for i, form in zip(ids, forms, strict=True):
            context = _text(names.contexts[i])
            assert form == form_from_tokens(_text(names.originals[i]), names.token_strings(i),
                                            frozenset(context.split()) if context else frozenset())
    assert shared >= 3


def test_name_text_note_and_kind_read_without_making_equal_the_made_name(screener: Screener) -> None:
    """``NameTable.original``, ``note`` and ``kind`` (what a result and the tie order read of a name) give what the
    made :class:`IndexedName` holds, for names not made before the reads."""
    from exportcheck.matching.index import NameTable

    shared = screener.index.names
    # the same arrays, nothing made yet (other tests make names of the shared table)
    names = NameTable(rows=shared.rows, kinds=shared.kinds, notes=shared.notes, note_texts=shared.note_texts,
                      originals=shared.originals, contexts=shared.contexts, tokens=shared.tokens,
                      token_offsets=shared.token_offsets, row_offsets=shared.row_offsets, vocabulary=shared.vocabulary)
    fresh = list(range(0, len(names), 97))[:500]
    assert len(fresh) >= 200
    read = [(names.original(i), names.note(i), names.kind(i)) for i in fresh]
    assert all(i not in names._made for i in fresh)  # read from the arrays: nothing made
    made = [(names[i].form.original, names[i].note, names[i].kind) for i in fresh]
    assert read == made
    assert {kind for _, _, kind in read} == {"name", "alias", "derived"}


def test_typo_search_by_length_runs_finds_what_a_scan_of_the_vocabulary_finds(screener: Screener) -> None:
    """The words ``similar_tokens`` compares (read as runs of each gram's postings per word length) are exactly the
    vocabulary words within TYPO_LENGTHS characters sharing half the token's 3-grams (a gram twice counts
    twice), in vocabulary order: counted here by a plain scan of the whole vocabulary."""
    index = screener.index
    vocab = index.vocab.tolist() if hasattr(index.vocab, "tolist") else list(index.vocab)
    gram_sets = [set(_grams(word)) for word in vocab]
    tokens = sorted({t for text in QUERIES for t in name_form(text).tokens if len(t) >= 4})
    tokens += ["lockheedmartincorporationandsubsidiaries", "x" * (GRAM_LENGTHS - 2), "tech" * 12]  # the last run
    seen = []
    for token in tokens:
        grams = _grams(token)
        expected = [i for i, word in enumerate(vocab) if abs(len(word) - len(token)) <= TYPO_LENGTHS
                    and sum(g in gram_sets[i] for g in grams) >= max(1, len(grams) // 2)]
        found = index._typo_candidates(token)
        assert (found.tolist() if found is not None else []) == expected, token
        seen.append(len(expected))
        similar = {word for word, _ in index.similar_tokens(token)}
        assert similar <= {vocab[i] for i in expected}
    assert sum(seen) > 50 and any(len(t) + TYPO_LENGTHS >= GRAM_LENGTHS for t in tokens)


def test_screen_ranks_ties_by_the_party_own_name_only_where_shown(screener: Screener) -> None:
    """The tie-break (computed only for the first ``limit`` results) orders as a full sort of every tie would."""
    for text in QUERIES:
        query = name_form(text)
        best = screener.best_per_entity(query)
        shown = [(row, hit) for row, hit in best.items() if hit.score >= 0.5]
        counts: dict[float, int] = {}
        for _, hit in shown:
            counts[round(hit.score, 4)] = counts.get(round(hit.score, 4), 0) + 1
        ids = screener._ids
        full = sorted(shown, key=lambda kv: (-round(kv[1].score, 4),
                                             -screener._own_name_score(query, kv[0], kv[1])
                                             if counts[round(kv[1].score, 4)] > 1 else 0.0, ids[kv[0]]))
        for limit in (1, 3, 10):
            got = [m.entity_id for m in screener.screen(text, limit=limit)]
            assert got == [ids[row] for row, _ in full[:limit]], (text, limit)


def _whole_string_ascii(text: str) -> str:
    """to_ascii as first written: rigour on the whole string (slow: far more than linear in its length)."""
    from anyascii import anyascii
    from rigour.text.translit import ascii_text

    from exportcheck.matching.scripts import hangul_to_latin, has_hangul

    if text.isascii():
        return text
    if has_hangul(text):
        text = hangul_to_latin(text)
    out = ascii_text(text)
    return anyascii(text) if "?" in out else out


def test_spelling_word_by_word_gives_what_the_whole_string_gives(screener: Screener) -> None:
    """to_ascii spells word by word (:func:`.scripts._by_word`); on listed names in every script, and on
    strings mixing scripts rigour admits with ones it does not, it gives what the whole string gives."""
    import unicodedata

    from exportcheck.matching import scripts

    originals = screener.index.names.originals
    texts = originals.tolist() if hasattr(originals, "tolist") else list(originals)
    foreign = sorted({unicodedata.normalize("NFKC", t).casefold() for t in texts if not t.isascii()})
    assert len(foreign) > 1000
    # every 4th name (the whole-string way costs ~1 ms a name), and mixtures: admitted + not admitted scripts,
    # a lone symbol, Hangul beside Latin
    sample = [*foreign[::4], "北京 müller", "مح müller", "шевченко müller", "ооо «рв» – ltd", "김정은 école",
                             "ทีเอบี société", "ፍትዊ ivanov", "zürich ag"]
    by_word = 0
    for text in sample:
        scripts.to_ascii.cache_clear()
        assert scripts.to_ascii(text) == _whole_string_ascii(text), text
        by_word += scripts._by_word(text) is not None
    assert by_word > len(sample) // 2  # most names do take the word-by-word way


def _dumps(screener: Screener, texts: list[str], **options: object) -> list[str]:
    return [m.model_dump_json() for text in texts for m in screener.screen(text, **options)]  # type: ignore[arg-type]


def test_results_built_from_kept_rows_equal_results_built_fresh(screener: Screener) -> None:
    """Row fields, related parties and explanations kept between queries change no result, whatever the
    order the parties are met in and whatever the filters; and a caller changing a result changes no other."""
    from datetime import date

    texts = [*QUERIES, *(screener.index.names[i].form.original for i in range(0, len(screener.index.names), 997))]
    fresh = Screener(screener.index)
    first = _dumps(fresh, texts)
    assert sum('"related":[{' in d for d in first) >= 3  # related parties are exercised
    assert sum('"citations":[{' in d for d in first) >= 3
    assert _dumps(fresh, texts) == first
    backwards = Screener(screener.index)
    assert _dumps(backwards, texts[::-1]) == _dumps(fresh, texts[::-1])
    for options in ({"sources": ["us-entity-list", "us-ofac-sdn"]}, {"as_of": date(2021, 6, 1)}, {"country": "CN"}):
        assert _dumps(Screener(screener.index), texts, **options) == _dumps(fresh, texts, **options), options
    for match in fresh.screen("Huawei Technologies", limit=5):
        match.programs.append("changed")
        match.countries.clear()
        match.citations.clear()
        for related in match.related:
            related.programs.append("changed")
        match.related.clear()
    assert _dumps(fresh, texts) == first


def test_own_name_found_by_kind_equals_the_search_through_every_name(screener: Screener) -> None:
    names = screener.index.names
    found = 0
    for row in range(0, len(screener.index), 53):
        own = str(screener._name[row])
        expected = next((i for i in range(int(names.row_offsets[row]), int(names.row_offsets[row + 1]))
                         if names[i].kind == "name" and names[i].form.original == own), None)
        assert names.find(row, "name", own) == expected, row
        assert names.find(row, "name", own + " x") is None
        found += expected is not None
    assert found >= 100


def test_encoded_column_reads_what_arrow_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of few distinct values, once dictionary-encoded, reads each cell as Arrow gives it (nulls,
    several chunks, integers); a column of many distinct values is left as it was."""
    import pyarrow as pa

    from exportcheck.matching.index import LazyColumn

    monkeypatch.setattr(LazyColumn, "ENCODE_AFTER", 3)
    rng = random.Random(5)
    few = [rng.choice(["us-csl", "eu-fsf", "", None, "un-sc"]) for _ in range(400)]
    ints = [rng.choice([-1, -1, -1, 7, 12]) for _ in range(400)]
    many = [f"id-{i}" for i in range(400)]
    for values, kind, encoded in ((few, pa.large_string(), True), (ints, pa.int32(), True), (many, pa.string(), False)):
        arrow = pa.chunked_array([pa.array(values[:150], kind), pa.array(values[150:], kind)])
        column = LazyColumn(arrow, encode=True)
        rows = [rng.randrange(len(values)) for _ in range(300)]
        assert [column[r] for r in rows] == [values[r] for r in rows]
        assert (column._codes is not None) == encoded
        assert column[-1] == values[-1] and column[5:9] == values[5:9]
        assert column.take(rows[:20]) == [values[r] for r in rows[:20]]
        assert column.tolist() == values
        plain = LazyColumn(arrow)  # not asked to encode: reads cells until converted
        assert [plain[r] for r in rows] == [values[r] for r in rows] and plain._codes is None


@pytest.mark.parametrize("reader", ["getitem", "take"])
def test_columns_read_past_conversion_are_never_encoded_when_they_cannot_be(
        monkeypatch: pytest.MonkeyPatch, reader: str) -> None:
    """A column of lists of strings (citations, programs) or of many distinct values, asked to encode or
    not, is read past the point where it is converted to a list: Arrow cannot dictionary-encode lists, so
    encoding must never be tried on them (a long batch or server hit this after thousands of reads)."""
    import pyarrow as pa

    from exportcheck.matching.index import LazyColumn

    monkeypatch.setattr(LazyColumn, "ENCODE_AFTER", 3)
    monkeypatch.setattr(LazyColumn, "CONVERT_AFTER", 50)
    rng = random.Random(7)
    lists = [[f"c{rng.randrange(3)}"] if rng.random() < 0.8 else [] for _ in range(120)]
    many = [f"id-{i}" for i in range(120)]
    for values, kind in ((lists, pa.list_(pa.string())), (many, pa.string())):
        for encode in (True, False):
            column = LazyColumn(pa.chunked_array([pa.array(values, kind)]), encode=encode)
            rows = [rng.randrange(len(values)) for _ in range(400)]
            if reader == "getitem":
                got = [column[r] for r in rows]
            else:
                got = [cell for i in range(0, len(rows), 10) for cell in column.take(rows[i:i + 10])]
            assert got == [values[r] for r in rows]
            assert column._list == values and column._codes is None


def test_own_name_form_taken_from_a_made_name_equals_one_made_fresh(screener: Screener) -> None:
    """``_own_form`` reuses the form of the party's name where it was made already (without the group context
    an indexed name may carry): the same form as one made from the stored tokens."""
    names = screener.index.names
    contexts = [i for i in range(len(names)) if _text(names.contexts[i])]
    rows = sorted({*range(0, len(screener.index), 97), *(int(names.rows[i]) for i in contexts[:200])})
    reused = with_context = 0
    for row in rows:
        name = str(screener._name[row])
        name_id = names.find(row, "name", name)
        for i in range(*names.row_offsets[row:row + 2].tolist()):  # every name of the row made, as candidates make them
            names[i]
        screener._own_forms.pop(row, None)
        own = screener._own_form(row)
        fresh = form_from_tokens(name, names.token_strings(name_id)) if name_id is not None else name_form(name)
        assert own == fresh, row
        assert not own.context
        reused += name_id is not None
        with_context += name_id is not None and bool(names[name_id].form.context)
    assert reused >= 100
    assert with_context >= 1  # a listed name with a group context: the context is left out


def test_result_records_read_back_what_the_cells_give(screener: Screener) -> None:
    """Every real row's result fields and party, read from its result record, equal those read cell by cell."""
    index = screener.index
    records = index.records.tolist() if hasattr(index.records, "tolist") else list(index.records)
    assert sum(r is not None for r in records) > 0.99 * len(records)
    from_records, from_cells = Screener(index), Screener(index)
    from_cells._records = [None] * len(index)
    cited = twins = 0
    for row in range(len(index)):
        got = from_records._row_fields(row)
        assert got == from_cells._row_fields(row), row
        assert Screener(index)._party(row) == from_cells._party(row), row
        cited += bool(got[1])
        twins += bool(got[2])
    assert cited > 1000 and twins > 100  # citations and borrowed dates are exercised


def _cells_as_shown(table: object, row: int) -> tuple[object, ...]:
    """What the screener shows of a row read cell by cell (the reference a record must read back as)."""
    from exportcheck.matching.screener import _citation_pairs, _strings

    cell = {name: table.column(name)[row].as_py() for name in table.column_names}  # type: ignore[attr-defined]
    return (*(cell[n] for n in ("entity_id", "source", "list", "name", "listing_date", "end_date")),
            *(str(cell[n] or "") for n in ("licence_requirement", "source_url", "snapshot", "snapshot_date")),
            _strings(cell["countries"]), _strings(cell["programs"]), _citation_pairs(cell["citations"]), cell["twin"])


def test_result_records_leave_out_rows_they_could_not_read_back() -> None:
    """A row gets no record where one could read back wrong (a null text, an empty or null list item, a null
    citation, a separator in any cell); every other row's record reads back what its cells give, over chunks."""
    import pyarrow as pa

    from exportcheck.matching.index import read_record, result_records

    def row(**changed: object) -> dict[str, object]:
        base: dict[str, object] = {
            "entity_id": "x:1", "source": "us-csl", "list": "Entity List", "name": "Acme Ltd.",
            "listing_date": "2020-01-02", "end_date": "", "licence_requirement": "For all items", "source_url": "u",
            "snapshot": "us-csl@1", "snapshot_date": "2024-01-01", "countries": ["CN", "HK"], "programs": ["EAR"],
            "citations": [{"citation": "85 FR 1", "date": "2020-01-02"}], "twin": -1}
        return {**base, **changed}

    readable = [row(), row(countries=None, programs=[], citations=None), row(licence_requirement=None, end_date="2021"),
                row(citations=[{"citation": None, "date": "2020"}, {"citation": "", "date": "x"},
                               {"citation": "86 FR 2", "date": None}]),
                row(name="Ünïcode 北京 «Ltd»", twin=7), row(countries=[], programs=None, citations=[])]
    unreadable = [row(name="A\x1fB"), row(entity_id=None), row(countries=[""]), row(countries=["CN", None]),
                  row(programs=["EAR\x1eX"]), row(citations=[None]), row(citations=[{"citation": "a\x1db", "date": ""}]),
                  row(source_url="u\x1d"), row(listing_date=None)]
    rows = [r for pair in itertools.zip_longest(readable, unreadable) for r in pair if r is not None]
    schema = pa.schema([(n, pa.large_string()) for n in ("entity_id", "source", "list", "name")]
                       + [(n, pa.string()) for n in ("listing_date", "end_date")]
                       + [(n, pa.large_string()) for n in ("licence_requirement", "source_url", "snapshot",
                                                           "snapshot_date")]
                       + [("countries", pa.list_(pa.string())), ("programs", pa.list_(pa.string())),
                          ("citations", pa.list_(pa.struct([("citation", pa.string()), ("date", pa.string())]))),
                          ("twin", pa.int32())])
    table = pa.Table.from_batches([pa.RecordBatch.from_pylist(rows[:7], schema=schema),
                                   pa.RecordBatch.from_pylist(rows[7:], schema=schema)])
    records = result_records(table).to_pylist()
    for i, (values, record) in enumerate(zip(rows, records, strict=True)):
        assert (record is None) == (values in unreadable), (i, values)
        if record is not None:
            assert read_record(record) == _cells_as_shown(table, i), (i, values)
    assert read_record(records[rows.index(readable[3])])[12] == (("86 FR 2", ""),)
    # a column of another shape than a result reads gives no records at all (every row is read cell by cell)
    other = table.set_column(table.schema.get_field_index("countries"), "countries", pa.array(["CN"] * len(rows)))
    assert result_records(other).null_count == len(rows)


def test_relations_from_build_arrays_equal_those_found_through_every_name(screener: Screener) -> None:
    """Subsidiaries (parties whose parent is one of a row's names) and a row's group tokens, read from what the
    build stored, equal those found by joining each name's tokens and looking the text up among the parent names
    the list gives (normalised as the build does)."""
    from exportcheck.matching.groups import GROUP_TOKENS
    from exportcheck.matching.normalise import normalise

    index, names = screener.index, screener.index.names
    children: dict[str, list[int]] = {}
    for other, parent in enumerate(index.column("parent").tolist()):
        if parent:
            children.setdefault(" ".join(normalise(parent).split()), []).append(other)
    subsidiaries: dict[int, list[tuple[int, int]]] = {}
    groups: dict[int, set[str]] = {}
    for i in range(len(names)):
        tokens = names.token_strings(i)
        row = int(names.rows[i])
        groups.setdefault(row, set()).update(GROUP_TOKENS.intersection(tokens))
        subsidiaries.setdefault(row, []).extend((i, other) for other in children.get(" ".join(tokens), []))
    for row in range(len(index)):
        assert index.subsidiaries(row) == subsidiaries.get(row, []), row
        assert index.groups_of(row) == sorted(groups.get(row, ())), row
    assert sum(map(len, subsidiaries.values())) > 100 and sum(map(bool, groups.values())) > 100


def test_results_made_without_validation_equal_validated_ones(screener: Screener) -> None:
    """Matches, related parties and citations made without validation equal, dump and serialise as validated
    ones, with every field of its exact type; a caller may still set a field."""
    from exportcheck.matching import Match

    seen = related = 0
    for text in QUERIES:
        for match in screener.screen(text, limit=10):
            validated = Match.model_validate_json(match.model_dump_json())
            assert validated == match and validated.model_dump() == match.model_dump(), text
            assert validated.model_fields_set == match.model_fields_set
            for made, checked in [(match, validated), *zip(match.related, validated.related, strict=True),
                                  *zip(match.citations, validated.citations, strict=True)]:
                assert type(made) is type(checked)
                assert {k: type(v) for k, v in made.__dict__.items()} == {k: type(v) for k, v in checked.__dict__.items()}
                assert list(made.__dict__) == list(checked.__dict__)  # field order: dumps and JSON alike
            seen += 1
            related += len(match.related)
            match.score = 0.5
            assert "score" in match.model_fields_set
    assert seen > 50 and related > 5


def test_columns_convert_when_their_reads_have_cost_the_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rent or buy by the measured costs: a text column becomes a list after ``len / READ_ROWS_TEXT`` cell reads,
    a column of lists after ``len / READ_ROWS_NESTED`` (a list read costs fewer rows' conversion), not one read
    before; reads by ``take`` count as many reads as rows; the values read never change."""
    import pyarrow as pa

    from exportcheck.matching.index import LazyColumn

    monkeypatch.setattr(LazyColumn, "CONVERT_AFTER", 10)
    rng = random.Random(11)
    texts = [f"name {i}" if i % 7 else None for i in range(4_000)]
    lists = [[f"c{i % 5}"] * (i % 3) for i in range(4_000)]
    for values, kind, share in ((texts, pa.string(), LazyColumn.READ_ROWS_TEXT),
                                (lists, pa.list_(pa.string()), LazyColumn.READ_ROWS_NESTED)):
        assert LazyColumn.READ_ROWS_TEXT > LazyColumn.READ_ROWS_NESTED >= 1
        after = len(values) // share
        for reader in ("getitem", "take"):
            column = LazyColumn(pa.chunked_array([pa.array(values[:1_500], kind), pa.array(values[1_500:], kind)]))
            rows = [rng.randrange(len(values)) for _ in range(after)]
            if reader == "getitem":
                got = [column[r] for r in rows]
            else:
                got = [cell for i in range(0, len(rows), 8) for cell in column.take(rows[i:i + 8])]
            assert got == [values[r] for r in rows]
            assert column._list is None  # exactly as many reads as the conversion is worth: still renting
            assert column[rows[0]] == values[rows[0]]
            assert column._list == values  # one read more: bought
    # a short column never converts before CONVERT_AFTER reads
    short = LazyColumn(pa.chunked_array([pa.array(texts[:40], pa.string())]))
    assert [short[i] for i in range(10)] == texts[:10] and short._list is None
    assert short[11] == texts[11] and short._list == texts[:40]


def test_ties_ordered_without_comparisons_keep_the_order_of_own_name_scores(screener: Screener) -> None:
    """``_tie_order`` skips the own-name comparisons when every tied party was matched by another name and has
    the same own name text and person-ness: on real tied results, its order equals the order by (own-name
    score, entity id) computed in full, and the short way is taken on a good share of them."""
    from exportcheck.bench.matcher import holdout_queries

    queries = [q for _, q, _ in holdout_queries(screener)][::40][:400]
    ids = screener._ids
    short = checked = 0
    for text in queries:
        query = name_form(text)
        done: dict = {}
        best = screener.best_per_entity(query, done=done)
        ranked = sorted([(round(hit.score, 4), row, hit) for row, hit in best.items() if hit.score >= 0.5],
                        key=lambda e: e[0], reverse=True)
        for _, group in itertools.groupby(ranked, key=lambda e: e[0]):
            tied = list(group)
            if len(tied) < 2:
                continue
            full = sorted(tied, key=lambda e: (-screener._own_name_score(query, e[1], e[2], done), ids[e[1]]))
            names = screener.index.names
            texts = {(screener._name[row], screener._schema[row] == "Person") for _, row, _ in tied}
            short += len(texts) == 1 and all(names[hit.name_id].kind != "name" for _, _, hit in tied)
            assert screener._tie_order(query, tied, done) == full, text
            checked += 1
    assert checked >= 100 and short >= 20, (checked, short)


def test_a_prepared_screener_answers_as_a_lazy_one_without_buying_on_the_way(real_lists: Path) -> None:
    """:meth:`Screener.prepare` (what a server and a pool worker call at start) makes the key dictionaries and the
    columns' lists at once; the answers are the lazy screener's, and its queries then read no column cell by cell
    nor bisect a key list (nothing left to buy on the way)."""
    from exportcheck.matching import load
    from exportcheck.matching.index import LazyColumn

    lazy, prepared = Screener(load(real_lists)), Screener(load(real_lists))  # two memory maps: nothing shared
    assert prepared.prepare() is prepared and prepared.prepared and not lazy.prepared
    index = prepared.index
    assert len(prepared._fields) == len(index) and not lazy._fields  # every party's result fields, read once
    assert not index.names._made  # no name made: the speed benchmark's fresh process relies on it
    postings = (index.postings, index.acronyms, index.grams, index.group_units, index.group_parents)
    assert all(p._positions is not None for p in postings)
    texts = [c for c in (index.vocab, index.names.originals, index.names.contexts, index.records)
             if isinstance(c, LazyColumn)]
    columns = [c for c in vars(prepared).values() if isinstance(c, LazyColumn)]
    nested = [prepared._programs, prepared._countries_column, prepared._citations]
    assert len(texts) >= 3 and all(c._list is not None for c in texts)
    assert all(c._list is not None for c in columns if all(c is not n for n in nested))
    assert all(c._list is None for c in nested)  # read a few cells per result: left lazy
    lookups = [p._lookups for p in postings]
    queries = [*QUERIES, *(index.names.original(i) for i in range(0, len(index.names), 1_999))]
    assert len(queries) > 60
    assert _dumps(prepared, queries) == _dumps(lazy, queries)
    assert [p._lookups for p in postings] == lookups
    assert prepared.prepare() is prepared  # a second call changes nothing
    assert _dumps(prepared, queries[:10]) == _dumps(lazy, queries[:10])
