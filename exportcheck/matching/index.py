"""The candidate index: every listed name and alias, normalised once, with token and n-gram postings.

Why an index: screening a file of 10,000 customers against ~50,000 listed names must not compare every
pair. A query looks up the entities sharing a (rare enough) token with it, plus those whose tokens are
one typo away (character 3-grams over the token vocabulary) or whose acronym it is, and only those
few dozen candidates are scored (:mod:`.score`).

Built once per set of snapshots (at refresh time, :func:`exportcheck.matching.build_current`; on first
use for any other set, assembled from per-snapshot segments refresh stored: :mod:`.segment`) with everything a screening needs precomputed: normalised tokens, token weights
and per-name totals, listing dates borrowed from a dated twin, group relations, and the result columns
(citations and source URLs included). It is stored by :mod:`.indexfile` as Arrow IPC and ``.npy``
files that load by memory map, never pickle: a lists folder written by a scheduled job must not be
able to run code in the reader.

Names indexed per entity: the name, every alias, and parts the lists pack into one name string:
a parenthesised short form ("... 13th Research Institute (CETC 13)"), the name without it, and the
unit after "Subordinate Institution -" (the 2022 CSL writes CETC institutes' units that way).
"""

from __future__ import annotations

import bisect
import gc
import itertools
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from exportcheck.matching.normalise import NameForm, form_from_tokens, name_form, token_class
from exportcheck.matching.places import is_place
from exportcheck.matching.score import ACRONYM_SKIP, CLASS_WEIGHTS, FUZZY_MIN

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from exportcheck.store import Snapshot

# Bumped whenever what is stored (or how names are normalised) changes: a new version builds a new index.
# 5: the normaliser reads every script (anyascii, Hangul), kanji forms, digit confusions, phrases.
# 6: 3-gram postings ordered by word length, with bounds per (gram, length) (see MatchIndex.similar_tokens).
# 7: brackets that only qualify a name (a place, a legal form) are no names of their own (derived_names); pvt, pty,
#    pte, private are weak words.
INDEX_VERSION = "7"
NGRAM = 3
# Word lengths the 3-gram postings are ordered by; longer words share the last length (see similar_tokens).
GRAM_LENGTHS = 40
# A word is searched for typos among vocabulary words at most this many characters longer or shorter.
TYPO_LENGTHS = 3
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
# Typo searches after which the vocabulary (~110,000 words) is read into a Python list: each search reads
# ~20 of its cells, ~1 µs each from Arrow, and the whole list costs ~7 ms, i.e. ~300 searches (rent or buy).
VOCAB_LIST_AFTER = 300

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
    names the group, not the party, and is not taken as a name of it. Nor is one that only qualifies the name:
    a place ("(Hong Kong)", "(Shanghai)", "(HK)", "(Russia)") or words without a name of their own (a legal form,
    the kind of body, a number: "(Limited)", "(Pvt)", "(Group)", "(China)", "(11th Institute)"). Taken as names,
    each made a batch cell holding "Limited", "China" or "Beijing" a 1.00 match of some listed company.
    """
    out: list[tuple[str, str]] = []
    parens = _PAREN.findall(name)
    if parens:
        stripped = re.sub(r"\s+", " ", _PAREN.sub(" ", name)).strip(" ,.;")
        out.append((stripped, "name without brackets"))
        rest = name_form(stripped)
        for part in parens:
            if part.lower().startswith(("a ", "an ", "the ", "formerly", "subordinate", "a subordinate", "individual")):
                continue
            form = name_form(part)
            strong = [t for t in form.tokens if token_class(t) != "weak"]
            if strong and set(strong) <= form.groups and set(rest.tokens) - form.groups:
                continue
            if is_place(form.tokens) or not any(token_class(t) in ("name", "group") for t in form.tokens):
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


_ABSENT = object()


class Postings:
    """Key → ids, as three arrays (keys sorted, offsets, ids) that are written and memory-mapped as they are.

    Keys are looked up by bisection in the sorted key list: no dictionary of 100,000 keys to build
    when a process starts.
    """

    # Lookups by bisection before the keys are put in a dictionary, per key: a one-name screening makes a few
    # dozen and should not pay for a dictionary of 100,000 keys; a batch makes millions, and bisecting a
    # memory-mapped key column costs ~17 Arrow reads per lookup. Rent or buy: a dictionary costs about what
    # one lookup per 20-110 keys costs by bisection (measured on the real postings, acronyms and 3-grams:
    # 24-60 µs a lookup, 14-125 ms a dictionary), so it is built after one lookup per 50 keys (2,250 for the
    # 112,000 words, 270 for the 13,600 3-grams; before, 2,000 for every key column).
    BISECT_SHARE = 1 / 50

    def __init__(self, keys: Sequence[str], offsets: np.ndarray, data: np.ndarray) -> None:
        self.keys = keys  # sorted
        self.offsets = offsets  # len(keys) + 1 ends; key i's ids are data[offsets[i]:offsets[i + 1]]
        self.data = data
        self._positions: dict[str, int] | None = None
        self._lookups = 0
        self._found: dict[str, np.ndarray | None] = {}  # see get()

    @classmethod
    def from_table(cls, table: dict[str, list[int]]) -> Postings:
        keys = sorted(table)
        lengths = np.fromiter((len(table[k]) for k in keys), dtype=np.int64, count=len(keys))
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        data = np.fromiter(itertools.chain.from_iterable(table[k] for k in keys), dtype=np.int32,
                           count=int(offsets[-1]))
        return cls(keys, offsets, data)

    def position(self, key: str) -> int | None:
        positions = self._positions
        if positions is not None:
            return positions.get(key)
        self._lookups += 1
        if self._lookups > self.BISECT_SHARE * len(self.keys):
            return self.prepare().get(key)
        i = bisect.bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else None

    def prepare(self) -> dict[str, int]:
        """Put the keys in a dictionary now (what :data:`BISECT_SHARE` lookups would do): a process that will
        make many lookups (a server, a batch worker) pays for it at start rather than in its first queries."""
        positions = self._positions
        if positions is None:
            keys = self.keys
            listed = (keys.tolist() if isinstance(keys, LazyColumn)
                      else keys.to_pylist() if hasattr(keys, "to_pylist") else list(keys))  # an Arrow array
            positions = self._positions = {k: i for i, k in enumerate(listed)}
        return positions

    # Keys whose ids get() keeps (a view each, ~100 bytes): queries repeat their words and 3-grams ("llc",
    # "ing"), and a kept key costs one dictionary lookup instead of a position and two offset reads.
    KEEP = 100_000

    def get(self, key: str) -> np.ndarray | None:
        """The ids under ``key`` (a view of the postings, shared between calls: never changed in place), or None."""
        found = self._found.get(key, _ABSENT)
        if found is not _ABSENT:
            return found  # type: ignore[return-value]
        i = self.position(key)
        if i is None:
            found = None
        else:
            offsets = self.offsets
            found = self.data[offsets[i]:offsets[i + 1]]
        if len(self._found) < self.KEEP:
            self._found[key] = found
        return found

    def rows(self, key: str) -> list[int]:
        """The ids under ``key`` as Python ints (empty where the key is absent)."""
        found = self.get(key)
        return [] if found is None else found.tolist()

    def count(self, key: str) -> int:
        i = self.position(key)
        return 0 if i is None else int(self.offsets[i + 1] - self.offsets[i])

    def __contains__(self, key: str) -> bool:
        return self.position(key) is not None

    def __len__(self) -> int:
        return len(self.keys)


class LazyColumn(Sequence[Any]):
    """One column: single cells are read from Arrow, the whole column converted once it is read often.

    A one-name screening reads a few dozen cells; a batch or a server reads the column many times over,
    and then one conversion to a Python list is cheaper. Rent or buy: a column is converted once its reads
    have cost what converting it costs, never far from the cheaper choice made in hindsight (at most twice
    its cost). What a read costs against converting one row was measured on the real lists (get_screener,
    135,000 names, 58,000 parties; µs per cell read / per row of a whole-column conversion):

    - strings: vocabulary 1.07 / 0.12, name originals 1.12 / 0.14, contexts 0.70 / 0.02, party name
      0.88 / 0.11, entity ids 1.57 / 0.11, source 2.11 / 0.08: a read costs 8-35 rows, so a text column is
      converted after ``len / READ_ROWS_TEXT`` reads (8: the lowest measured, so it never converts early);
    - lists (and other nested cells): programs 5.94 / 0.33, countries 1.90 / 0.93, citations 3.69 / 0.89: a
      read costs 2-18 rows, and a list of lists holds several Python objects a row (more memory than a text
      column), so after ``len / READ_ROWS_NESTED`` reads (2).

    The 135,000-name columns thus convert after ~17,000 reads (a few hundred queries of a fresh process)
    instead of ~68,000, while a one-name screening (tens to hundreds of reads) converts nothing; no column
    converts before :data:`CONVERT_AFTER` reads (a short column's conversion is cheap either way).

    A column of few distinct values (source, list, schema, dates, URLs, snapshot, with ``encode``) has a
    cheaper purchase: Arrow's dictionary encoding (C++, 1-3 ms for 60,000 rows) gives each row a code in a
    numpy array and each distinct value one Python object, after which a read costs a tenth of an Arrow
    cell read (measured: 0.1-0.2 µs against 1.1-1.4 µs). Such a column is encoded after :data:`ENCODE_AFTER`
    reads, about what the encoding costs, and then made a list of its shared values (a pointer a row).
    """

    CONVERT_AFTER = 5_000  # reads, at least (short columns)
    READ_ROWS_TEXT = 8  # rows converted for the cost of one cell read: text and number columns (measured 8-35)
    READ_ROWS_NESTED = 2  # ... lists and structs (measured 2-18; they hold more objects a row)
    ENCODE_AFTER = 2_000  # reads before a column of few distinct values is encoded
    ENCODE_SHARE = 4  # ... few: at most a quarter as many distinct values as rows (else it stays as it was)
    NEVER = sys.maxsize  # reads before encoding a column that is not encoded (lists of strings, many values)

    def __init__(self, array: pa.ChunkedArray | pa.Array, *, encode: bool = False) -> None:
        import pyarrow as pa

        self._array = array  # a memory-mapped Arrow column: indexing reads one cell, copies nothing
        self._list: list[Any] | None = None
        self._codes: np.ndarray | None = None  # with _values, once encoded
        self._values: list[Any] = []
        self._reads = 0
        nested = pa.types.is_nested(array.type)
        self._convert_after = max(self.CONVERT_AFTER,
                                  len(array) // (self.READ_ROWS_NESTED if nested else self.READ_ROWS_TEXT))
        self._encode_after = self.ENCODE_AFTER if encode and _encodable(array.type) else self.NEVER

    def __len__(self) -> int:
        return len(self._array)

    def tolist(self) -> list[Any]:
        if self._list is None:
            if self._codes is not None:
                values = self._values
                self._list = [values[code] for code in self._codes.tolist()]
            else:
                self._list = self._array.to_pylist()
        return self._list

    def prepare(self) -> None:
        """Buy now what many reads would buy (see the class docstring): a column of few distinct values encoded,
        another text or number column converted; a nested column stays as it is (a query reads a few of its
        cells, and its list would hold several Python objects a row)."""
        import pyarrow as pa

        if self._list is not None or pa.types.is_nested(self._array.type):
            return
        if self._encode_after != self.NEVER:
            self._encode()  # converts the column when it encodes
        if self._list is None:
            self.tolist()

    def take(self, rows: list[int]) -> list[Any]:
        """The cells of several rows (counted as that many reads)."""
        if self._list is None:
            if self._codes is None:
                self._reads += len(rows)
                if self._reads > self._encode_after:
                    self._encode()
            codes = self._codes
            if codes is not None:
                values = self._values
                return [values[codes[i]] for i in rows]
            if self._reads <= self._convert_after:
                array = self._array
                return [array[i].as_py() for i in rows]  # an Arrow ``take`` costs more below hundreds of rows
            self.tolist()
        found = self._list
        assert found is not None
        return [found[i] for i in rows]

    def __getitem__(self, row: Any) -> Any:
        found = self._list
        if found is not None:
            return found[row]
        codes = self._codes
        if codes is not None and not isinstance(row, slice):
            return self._values[codes[row]]
        self._reads += 1
        if self._reads > self._encode_after and codes is None:
            self._encode()
            if self._codes is not None:
                return self[row]
        if self._reads > self._convert_after or isinstance(row, slice):
            return self.tolist()[row]
        return self._array[int(row)].as_py()

    def _encode(self) -> None:
        """Dictionary-encode the column if it has few distinct values (tried once; see the class docstring)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        self._encode_after = self.NEVER  # tried once: not again
        array = self._array
        values: list[Any] = []
        codes = []
        for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
            encoded = pc.dictionary_encode(chunk, null_encoding="encode")
            codes.append(encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64) + len(values))
            values.extend(encoded.dictionary.to_pylist())
            if len(values) * self.ENCODE_SHARE > len(array):
                return
        self._values = values  # before the codes: a reader in another thread that sees codes finds their values
        self._codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
        # then one Python list of the shared values (~2 ms for 60,000 rows, a pointer a row): a read costs a list
        # index (~0.08 µs) instead of a numpy scalar read and a list index (~0.3 µs), and encoding pays back only on
        # columns read thousands of times
        self.tolist()


def _encodable(kind: pa.DataType) -> bool:
    """Strings and integers: what Arrow dictionary-encodes."""
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind))


KINDS = ("name", "alias", "derived")
_NO_CONTEXT: frozenset[str] = frozenset()


class NameTable(Sequence[IndexedName]):
    """Every indexed name, as arrays; an :class:`IndexedName` is made only for the names a query touches.

    ``tokens``/``token_offsets``: each name's tokens as positions in the token postings' keys;
    ``row_offsets``: the names of entity row r are ids row_offsets[r]:row_offsets[r + 1] (they are
    indexed in row order).
    """

    def __init__(self, *, rows: np.ndarray, kinds: np.ndarray, notes: np.ndarray, note_texts: Sequence[str],
                 originals: Sequence[str], contexts: Sequence[str], tokens: np.ndarray,
                 token_offsets: np.ndarray, row_offsets: np.ndarray, vocabulary: Sequence[str]) -> None:
        self.rows = rows
        self.kinds = kinds
        self.notes = notes
        self.note_texts = list(note_texts)
        self.originals = originals
        self.contexts = contexts
        self.tokens = tokens
        self.token_offsets = token_offsets
        self.row_offsets = row_offsets
        self.vocabulary = vocabulary
        self._made: dict[int, IndexedName] = {}
        self._forms: dict[tuple[Any, ...], NameForm] = {}  # (written form, context, *token positions): see _make

    def __len__(self) -> int:
        return len(self.rows)

    def token_strings(self, i: int) -> tuple[str, ...]:
        """Name ``i``'s tokens as strings: its positions in the vocabulary read in one go (``item`` reads the two
        offsets as Python ints, cheaper than numpy scalars or a slice; once the vocabulary is a list, a C-level
        ``map`` over it; before, one counted ``take`` instead of a Python-level read per token)."""
        offsets = self.token_offsets
        return self._strings_at(self.tokens[offsets.item(i):offsets.item(i + 1)].tolist())

    def _strings_at(self, positions: list[int]) -> tuple[str, ...]:
        """Vocabulary positions as strings (see :meth:`token_strings`)."""
        vocab = self.vocabulary
        listed = vocab._list if isinstance(vocab, LazyColumn) else vocab
        if type(listed) is list:
            return tuple(map(listed.__getitem__, positions))
        return tuple(vocab.take(positions) if isinstance(vocab, LazyColumn) else [vocab[t] for t in positions])

    def _make(self, i: int) -> IndexedName:
        """Name ``i``, made once and kept.

        Names written alike with the same context and tokens share one :class:`NameForm` (kept in :attr:`_forms`):
        a form is made of those three and nothing else (its numbers and groups are read from the tokens), so the
        shared form equals the one made afresh, field by field. Why: half the names a query's candidates hold are
        such repeats (one party on its own list and on the Consolidated Screening List), and the tokens as
        positions cost one slice where their strings and a new form cost several times that. Sharing one object
        also lets :func:`.screener._compared` hand a repeat the comparison made for the first without a copy.
        """
        found = self._made.get(i)
        if found is not None:
            return found
        original, context = self.originals[i], self.contexts[i]
        if type(original) is not str:
            original = _text(original)
        if type(context) is not str:
            context = _text(context)
        offsets = self.token_offsets
        positions = self.tokens[offsets.item(i):offsets.item(i + 1)].tolist()
        key = (original, context, *positions)
        form = self._forms.get(key)
        if form is None:
            form = form_from_tokens(original, self._strings_at(positions),
                                    frozenset(context.split()) if context else _NO_CONTEXT)
            if len(self._forms) < 500_000:
                self._forms[key] = form
        found = IndexedName(self.rows.item(i), KINDS[self.kinds.item(i)], self.note_texts[self.notes.item(i)], form)
        if len(self._made) < 500_000:
            self._made[i] = found
        return found

    def note(self, i: int) -> str:
        """How name ``i`` was found (its :attr:`IndexedName.note`), without making the name."""
        made = self._made.get(i)
        return made.note if made is not None else self.note_texts[self.notes.item(i)]

    def kind(self, i: int) -> str:
        """Name ``i``'s kind (name, alias or derived), read from the array without making the name."""
        return KINDS[self.kinds.item(i)]

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._make(j) for j in range(*i.indices(len(self)))]
        return self._make(int(i))

    def __iter__(self) -> Iterator[IndexedName]:
        return (self._make(i) for i in range(len(self)))

    def original(self, i: int) -> str:
        """Name ``i`` as written (its form's ``original``), without making its :class:`IndexedName`."""
        made = self._made.get(i)
        return made.form.original if made is not None else _text(self.originals[i])

    def find(self, row: int, kind: str, original: str) -> int | None:
        """The id of the first name of entity ``row`` of this kind written exactly so, if any.

        Why here: a party may have a hundred names, and this reads only their kinds and the written form of
        those of the kind, making no :class:`IndexedName`.
        """
        start, end = self.row_offsets[row:row + 2].tolist()
        code = KINDS.index(kind)
        originals = self.originals
        for offset, found in enumerate(self.kinds[start:end].tolist()):
            if found == code and _text(originals[start + offset]) == original:
                return start + offset
        return None


def _text(value: Any) -> str:
    """A string cell, from a Python list or an Arrow array (``as_py``)."""
    if isinstance(value, str):
        return value
    found = value.as_py() if hasattr(value, "as_py") else value
    return "" if found is None else str(found)


# Columns of the entity table a screening result shows (citations and source URL too, so evidence never
# re-reads a snapshot); the rest (addresses, ...) is not kept.
RESULT_COLUMNS = ["entity_id", "source", "list", "schema", "name", "countries", "programs", "listing_date", "end_date",
                  "licence_requirement", "parent_name", "citations", "source_url", "snapshot", "snapshot_date"]
# Columns the index is built from: those, and the aliases (``snapshot`` and ``snapshot_date`` are added by
# :func:`.lists.load_lists`).
INDEX_COLUMNS = [c for c in RESULT_COLUMNS if c not in ("snapshot", "snapshot_date")] + ["aliases"]
# Columns the build adds to the entity table: the row whose dates an undated row borrowed (-1: none;
# listing_date/end_date then hold the borrowed dates) and the parent the list names (see entity_parent).
DERIVED_COLUMNS = ["twin", "parent"]


# A result record (:func:`result_records`): the fields a result shows of a listed party, in one string.
RECORD_TEXTS = ("entity_id", "source", "list", "name", "listing_date", "end_date")  # as written (never null)
RECORD_FILLED = ("licence_requirement", "source_url", "snapshot", "snapshot_date")  # null written as ""
RECORD_LISTS = ("countries", "programs")  # lists of strings, then the citations, then the twin
# Separators: control characters no listed text holds; a row whose cells hold one gets no record.
FIELD_SEP, ITEM_SEP, PART_SEP = "\x1f", "\x1e", "\x1d"
_SEPARATORS = "[\x1d-\x1f]"


def result_records(entities: pa.Table) -> pa.Array:
    """Per entity row, every field a result shows of the party in one string, or null (then its cells are read).

    Why: a result read ~15 cells of its party from Arrow (~1-3 µs each, the nested ones the dearest), about
    a fifth of a full screening; one record is one read and a ``split``. Made with Arrow compute (C++) over
    all rows at once at build time.

    The fields, separated by :data:`FIELD_SEP`: :data:`RECORD_TEXTS`, :data:`RECORD_FILLED` (null written
    as "", as a result shows it), the :data:`RECORD_LISTS` (items separated by :data:`ITEM_SEP`), the
    citations (citation and date separated by :data:`PART_SEP`, null parts as ""), the twin row. A record
    must read back as exactly what the cells give, so a row has none where that could fail: a null text, an
    empty or null list item, a null citation, a separator in any cell. Columns of other types than these
    give no records at all.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = entities.num_rows

    def column(name: str) -> pa.Array:
        found = entities.column(name)
        return found.chunk(0) if found.num_chunks == 1 else found.combine_chunks()  # (combining one chunk copies it)

    def sep(text: str) -> pa.Scalar:
        return pa.scalar(text, type=pa.large_string())

    def texts(kind: pa.DataType) -> bool:
        return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))

    none = pa.nulls(rows, type=pa.string())
    needed = (*RECORD_TEXTS, *RECORD_FILLED, *RECORD_LISTS, "citations", "twin")
    if not rows or any(name not in entities.column_names for name in needed):
        return none
    bad = np.zeros(rows, dtype=np.bool_)

    def flag(where: pa.Array, parents: np.ndarray | None = None) -> None:
        """Mark the rows (or the parents of the list items) where ``where`` is true."""
        mask = where.fill_null(False).to_numpy(zero_copy_only=False)
        if parents is None:
            bad[mask] = True
        else:
            bad[parents[mask]] = True

    def separated(values: pa.Array) -> pa.Array | None:
        """Where a string holds a separator; ``None`` when none does (one scan of the bytes: in UTF-8 these
        bytes are only ever these characters; the per-string search costs ten times more)."""
        data = values.buffers()[2]
        if data is None or not ((np.frombuffer(data, dtype=np.uint8) - np.uint8(0x1D)) < 3).any():
            return None
        return pc.match_substring_regex(values, _SEPARATORS)

    fields: list[pa.Array] = []
    for name in (*RECORD_TEXTS, *RECORD_FILLED):
        values = column(name)
        if pa.types.is_null(values.type) and name in RECORD_FILLED:
            values = values.cast(pa.string())
        if not texts(values.type):
            return none
        values = values.cast(pa.large_string())
        found = separated(values)
        if found is not None:
            flag(found)
        fields.append(values.fill_null("") if name in RECORD_FILLED else values)  # a null text: a null record
    for name in RECORD_LISTS:
        values = column(name)
        if not (pa.types.is_list(values.type) or pa.types.is_large_list(values.type)) or not texts(values.type.value_type):
            return none
        items = pc.list_flatten(values).cast(pa.large_string())
        parents = pc.list_parent_indices(values).to_numpy(zero_copy_only=False)
        flag(pc.is_null(items), parents)
        flag(pc.equal(items, ""), parents)  # (null where the item is: flagged above)
        found = separated(items)
        if found is not None:
            flag(found, parents)
        fields.append(pc.binary_join(values.cast(pa.list_(pa.large_string())), sep(ITEM_SEP)).fill_null(""))
    citations = column("citations")
    kind = citations.type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)) or not pa.types.is_struct(kind.value_type) \
            or sorted(f.name for f in kind.value_type) != ["citation", "date"] \
            or not all(texts(f.type) for f in kind.value_type):
        return none
    items = pc.list_flatten(citations)
    parents = pc.list_parent_indices(citations).to_numpy(zero_copy_only=False)
    flag(pc.is_null(items), parents)
    parts = [pc.struct_field(items, [kind.value_type.get_field_index(f)]).cast(pa.large_string()).fill_null("")
             for f in ("citation", "date")]
    for part in parts:
        found = separated(part)
        if found is not None:
            flag(found, parents)
    joined = pc.binary_join_element_wise(*parts, sep(PART_SEP))
    lengths = pc.list_value_length(citations).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    per_row = pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), joined)
    fields.append(pc.binary_join(per_row, sep(ITEM_SEP)))
    fields.append(column("twin").cast(pa.large_string()))
    records = pc.binary_join_element_wise(*fields, sep(FIELD_SEP))
    return pc.if_else(pa.array(bad), pa.scalar(None, type=pa.large_string()), records)


# What a record reads back as: the texts, the filled texts, countries, programs, citations (citation, date), twin.
Record = tuple[str, str, str, str, str, str, str, str, str, str, list[str], list[str], tuple[tuple[str, str], ...], int]


def read_record(record: str) -> Record:
    """A result record (:func:`result_records`) read back: what the row's cells give, as a result shows them
    (citations without an empty citation, a null date as "")."""
    (entity_id, source, list_, name, listing, end, licence, url, snapshot, snapshot_date, countries, programs,
     citations, twin) = record.split(FIELD_SEP)
    cited = tuple((c, d) for c, d in (item.split(PART_SEP) for item in citations.split(ITEM_SEP)) if c) \
        if citations else ()
    return (entity_id, source, list_, name, listing, end, licence, url, snapshot, snapshot_date,
            countries.split(ITEM_SEP) if countries else [], programs.split(ITEM_SEP) if programs else [], cited,
            int(twin))


@dataclass
class MatchIndex:
    """Postings from tokens, acronyms and character n-grams to indexed names; see the module docstring.

    Everything here is arrays (memory-mapped when loaded from disk); Python lists of a column are
    made on first use by :meth:`column`.
    """

    key: str
    names: NameTable
    entities: pa.Table  # RESULT_COLUMNS + DERIVED_COLUMNS, one row per listed party
    postings: Postings  # token → name ids (keys are also the token vocabulary of ``names``)
    acronyms: Postings
    grams: Postings  # 3-gram → positions in ``vocab``
    vocab: Sequence[str]  # name tokens of 4+ characters (the ones searched for typos)
    token_weights: np.ndarray  # weight of each postings key (:meth:`weight`)
    name_totals: np.ndarray  # each name's summed token weight
    vocab_lens: np.ndarray
    gram_bounds: np.ndarray  # where each (gram, capped word length) run of ``grams`` starts (see similar_tokens)
    group_units: Postings  # group token → entity rows
    group_parents: Postings
    # per entity row r, the parties whose list names one of r's names as their parent (see :meth:`subsidiaries`)
    subsidiary_offsets: np.ndarray
    subsidiary_names: np.ndarray
    subsidiary_rows: np.ndarray
    records: Sequence[str | None]  # per entity row, its result record or None (see result_records)
    undated: dict[str, int]  # per source: rows with no listing date even after borrowing
    build_seconds: float = 0.0

    def __post_init__(self) -> None:
        self._columns: dict[str, LazyColumn] = {}
        self._similar: dict[str, list[tuple[str, float]]] = {}
        self._gram_starts: dict[str, int | None] = {}  # see _gram_run
        self._searches = 0  # typo searches made (see VOCAB_LIST_AFTER)
        self._subsidiaries: dict[int, list[tuple[int, int]]] | None = None  # see subsidiaries
        self._row_groups: dict[int, list[str]] | None = None  # see groups_of

    def __len__(self) -> int:
        return int(self.entities.num_rows)

    def prepare(self) -> None:
        """Buy at once what a long run of queries buys on the way (key dictionaries, Python lists of the
        vocabulary and of the names' texts, the subsidiary and group tables; see :class:`Postings` and
        :class:`LazyColumn`): for a process that will answer many queries (a server, a batch worker), which
        then pays a fifth of a second at start instead of in its first few hundred queries. A one-name
        screening does not call it: it would pay for tables it never reads."""
        for postings in (self.postings, self.acronyms, self.grams, self.group_units, self.group_parents):
            postings.prepare()
        for texts in (self.vocab, self.names.originals, self.names.contexts, self.records):
            if isinstance(texts, LazyColumn):
                texts.prepare()
        self.subsidiaries(0)  # any row: the first call reads the subsidiary table ...
        self.groups_of(0)  # ... and the group table

    def column(self, name: str) -> LazyColumn:
        """One entity column, indexable by row (see :class:`LazyColumn`)."""
        found = self._columns.get(name)
        if found is None:
            found = self._columns[name] = LazyColumn(self.entities.column(name), encode=True)
        return found

    def cell(self, name: str, row: int) -> Any:
        """One cell (for the nested columns a query reads only a few rows of)."""
        return self.column(name)[row]

    def subsidiaries(self, row: int) -> list[tuple[int, int]]:
        """(name id, party) of each party whose list names one of ``row``'s names as its parent: the name in
        name order, and per name the parties in row order (the build finds them: :func:`.segment._subsidiaries`).

        Read into a dictionary of the few rows that have any on first use (a few hundred rows, ~2,000 pairs):
        a dictionary miss costs a tenth of slicing the arrays.
        """
        found = self._subsidiaries
        if found is None:
            found = {}  # filled, then published (a screener is shared between threads)
            offsets = self.subsidiary_offsets
            names, rows = self.subsidiary_names.tolist(), self.subsidiary_rows.tolist()
            for parent in np.flatnonzero(np.diff(offsets)).tolist():
                start, end = int(offsets[parent]), int(offsets[parent + 1])
                found[parent] = list(zip(names[start:end], rows[start:end], strict=True))
            self._subsidiaries = found
        return found.get(row, [])

    def groups_of(self, row: int) -> list[str]:
        """The group tokens any name of entity ``row`` carries (the union of its names' ``form.groups``), sorted.

        A row is under a group in :attr:`group_units` or :attr:`group_parents` exactly when one of its names
        carries the group (:func:`.segment._groups`), so this reads those postings once into a dictionary of the
        few thousand rows that carry any, instead of making every name of the party (some have hundreds).
        """
        found = self._row_groups
        if found is None:
            grouped: dict[int, set[str]] = {}
            for postings in (self.group_units, self.group_parents):
                keys = postings.keys
                for i in range(len(keys)):
                    group = str(keys[i])
                    for other in postings.data[postings.offsets[i]:postings.offsets[i + 1]].tolist():
                        grouped.setdefault(other, set()).add(group)
            found = self._row_groups = {other: sorted(groups) for other, groups in grouped.items()}
        return found.get(row, [])

    # --- weights -------------------------------------------------------------------------------
    def weight(self, token: str) -> float:
        """Class weight × rarity: a name token on many listed names ("beijing") counts less.

        Rarity is 0.5 + 0.5 · idf / max idf, so a very common name token still counts half as much as
        a unique one, and a token the lists never use counts fully. Precomputed for every indexed token.
        """
        return self.weigh(token)

    @property
    def weigh(self) -> Callable[[str], float]:
        """:meth:`weight` as a dict lookup (C speed; the scorer calls it ~100 times per query), computing
        and keeping a token's weight on first use."""
        found = self.__dict__.get("_weigh")
        if found is None:
            found = self.__dict__["_weigh"] = _Weights(partial(_token_weight, self.postings, self.token_weights)).__getitem__
        return found

    def vocab_lengths(self) -> np.ndarray:
        return self.vocab_lens

    def totals(self) -> np.ndarray:
        """Each indexed name's total token weight (precomputed)."""
        return self.name_totals

    # --- candidates ----------------------------------------------------------------------------
    def similar_tokens(self, token: str) -> list[tuple[str, float]]:
        """Vocabulary tokens one typo away, found through shared 3-grams and checked with rapidfuzz.

        Candidates are the words that share at least half of the token's 3-grams (a gram the token has twice
        counts twice) and are at most :data:`TYPO_LENGTHS` characters longer or shorter. Why per length: a
        gram's words are stored ordered by length (:func:`.segment._gram_postings`), so the words of the
        length window are one run of each gram's postings, read by two bounds: the sort that counts shared grams
        sees the ~1,500 ids of the window instead of the ~8,000 of all lengths (hold-out queries). The same
        words, in the same order: a word's length does not depend on the gram, so keeping only the window's
        words before counting leaves each kept word's count what it was, and the words found are sorted by
        vocabulary position as before. Words of :data:`GRAM_LENGTHS` characters or more share the last run,
        so a window reaching it is filtered by length as before.
        """
        cache = self._similar
        found = cache.get(token)
        if found is not None:
            return found
        self._searches += 1
        if self._searches == VOCAB_LIST_AFTER and isinstance(self.vocab, LazyColumn):
            self.vocab.tolist()  # see VOCAB_LIST_AFTER
        ids = self._typo_candidates(token)
        out: list[tuple[str, float]] = []
        if ids is not None:
            if len(ids):
                others = _take(self.vocab, ids.tolist())
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

    def _typo_candidates(self, token: str) -> np.ndarray | None:
        """The vocabulary positions (ascending) :meth:`similar_tokens` compares ``token`` with; None when no
        vocabulary word has any of its 3-grams."""
        all_grams = _grams(token)
        size = len(token)
        low, high = max(size - TYPO_LENGTHS, 0), size + TYPO_LENGTHS  # the window, both ends included
        first, last = min(low, GRAM_LENGTHS), min(high, GRAM_LENGTHS) + 1  # its runs
        data, bounds, starts = self.grams.data, self.gram_bounds, self._gram_starts
        arrays = []
        for gram in all_grams:
            start = starts.get(gram, _ABSENT)
            if start is _ABSENT:
                start = self._gram_run(gram)
            if start is not None:
                arrays.append(data[bounds[start + first]:bounds[start + last]])  # type: ignore[operator]
        if not arrays:
            return None
        ids = _sharing(arrays, max(1, len(all_grams) // 2))
        if len(ids) and high >= GRAM_LENGTHS:  # the last run holds longer words too
            ids = ids[np.abs(self.vocab_lengths()[ids] - size) <= TYPO_LENGTHS]
        return ids

    def _gram_run(self, gram: str) -> int | None:
        """Where ``gram``'s runs of words per length start in :attr:`gram_bounds` (None for a gram no vocabulary
        word has); kept for the first 200,000 grams asked (there are ~14,000 in the vocabulary)."""
        found = self._gram_starts.get(gram, _ABSENT)
        if found is _ABSENT:
            i = self.grams.position(gram)
            found = None if i is None else i * (GRAM_LENGTHS + 1)
            if len(self._gram_starts) < 200_000:
                self._gram_starts[gram] = found
        return found  # type: ignore[return-value]

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
        uniq, shared = _summed(ids, repeated, len(self.names))
        q_total = sum([weigh(t) for t in query.tokens])
        # 2 * shared / (q_total + totals), in place: the same operations on the same values (addition commutes)
        totals = self.totals()[uniq]
        totals += q_total
        shared *= 2
        shared /= totals
        sums = shared
        if len(uniq) > limit:
            top = (-sums).argpartition(limit)[:limit]  # array methods: no numpy wrapper call per query
            uniq, sums = uniq[top], sums[top]
        # names far behind the best estimate are not worth a full comparison
        keep = sums >= PROXY_SHARE * np.maximum.reduce(sums)
        return uniq[keep]


def _token_weight(postings: Postings, token_weights: np.ndarray, token: str) -> float:
    """A token's weight (:meth:`MatchIndex.weight`), from the index's parts and not the index (see :class:`_Weights`)."""
    i = postings.position(token)
    if i is not None:
        return float(token_weights[i])
    return CLASS_WEIGHTS[token_class(token)]  # a token no listed name has: rarity does not apply


class _Weights(dict[str, float]):
    """Token → weight, filled on first lookup (at most a million kept: queries bring new tokens forever).

    Holds the index's weight function, not the index: the index keeps this table, and a table that kept the index
    would make a reference cycle, which only the garbage collector frees (see :meth:`MatchIndex.weigh`).
    """

    def __init__(self, weight: Callable[[str], float]) -> None:
        super().__init__()
        self._weight = weight

    def __missing__(self, token: str) -> float:
        value = self._weight(token)
        if len(self) < 1_000_000:
            self[token] = value
        return value


def _summed(ids: np.ndarray, weights: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``ids`` (sorted) and the weights summed per id, added in the order given.

    One stable sort gives the distinct ids and each id's group; ``bincount`` then adds each id's weights one
    after another in the order given, as a count over every name (``bincount(ids, minlength=size)``) or
    ``np.unique`` with its inverse would: the same sums to the last bit, so candidates that tie stay tied.
    Why not those: the count over every name fills an array of ``size`` (135,000 names) per query, and
    ``np.unique`` sorts twice; this costs a quarter less on the hold-out queries. ``size`` is kept for callers.
    """
    order = ids.argsort(kind="stable")
    ordered = ids[order]
    first = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    group = first.cumsum()
    group -= 1
    inverse = np.empty(len(ids), dtype=np.intp)
    inverse[order] = group
    uniq = ordered[first]
    return uniq, np.bincount(inverse, weights=weights, minlength=len(uniq))


def _sharing(arrays: list[np.ndarray], need: int) -> np.ndarray:
    """The ids found at least ``need`` times in ``arrays`` taken together, sorted and without repeats.

    Why sorting: the arrays hold a few thousand ids, the vocabulary they index a hundred thousand;
    counting over the whole vocabulary (``bincount`` + ``flatnonzero``) cost four times as much. In the
    sorted ids, one found ``need`` times or more is equal to the id ``need - 1`` places after it.
    """
    values = np.concatenate(arrays)  # a new array: sorted in place
    values.sort()
    if len(values) < need:
        return values[:0]
    if need > 1:
        head = values[:len(values) - need + 1]
        values = head[head == values[need - 1:]]
    if len(values) < 2:
        return values
    first = np.empty(len(values), dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def _take(column: Sequence[str], positions: list[int]) -> list[str]:
    """Several cells of a string column at once (one Arrow ``take`` while the column is not yet a list)."""
    if isinstance(column, LazyColumn):
        return column.take(positions)
    return [column[i] for i in positions]


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
    from exportcheck.matching.indexfile import from_parts

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return from_parts(build_parts(entities, key))
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class IndexParts:
    """What :mod:`.indexfile` stores: plain arrays, string lists, one Arrow table, one JSON manifest."""

    key: str
    entities: pa.Table
    arrays: dict[str, np.ndarray]
    strings: dict[str, list[str]]
    manifest: dict[str, Any]


def build_parts(entities: pd.DataFrame, key: str) -> IndexParts:
    """Every array of the index for these entity rows (the concatenated snapshots of one set), in memory.

    The rows are cut into one segment per snapshot and assembled (:mod:`.segment`), the same code that
    assembles a stored set's index from the segments refresh stored.
    """
    from exportcheck.matching.segment import assemble, of_frame

    return assemble(of_frame(entities), key)


def borrow_dates(lists: list[str], sources: list[str], listing: list[str], end: list[str],
                 name_keys: Sequence[str]) -> list[int]:
    """Give an undated listing the dates of its dated twin on another source; returns each row's twin (-1: none).

    The CSL compact file keeps no dates, but the same Entity List entry (same list, same name)
    comes dated from the eCFR copy; without this, ``--as-of`` could not tell a 2025 addition from
    a 2018 one, nor a report say when the party was listed. A match then reports the twin's dates and
    names the twin in ``dates_borrowed_from`` (and in its explanation). ``listing`` and ``end`` (one
    date text per row, "" where none) are changed in place.

    Only lists that hold both dated and undated rows are compared, by their normalised names
    (``name_keys``, one per row).
    """
    twins = [-1] * len(lists)
    dated_lists = {lst for lst, listed in zip(lists, listing, strict=True) if listed}
    undated_lists = {lst for lst, listed in zip(lists, listing, strict=True) if not listed}
    both = dated_lists & undated_lists
    if not both:
        return twins
    rows = [r for r, lst in enumerate(lists) if lst in both]
    keys = {r: (lists[r], tuple(name_keys[r].split())) for r in rows}
    dated: dict[tuple[str, tuple[str, ...]], int] = {}
    for row in rows:
        if listing[row]:
            dated.setdefault(keys[row], row)
    for row in rows:
        if listing[row]:
            continue
        twin = dated.get(keys[row])
        if twin is not None and sources[twin] != sources[row]:
            listing[row] = listing[twin]
            end[row] = end[twin]
            twins[row] = twin
    return twins


# --- loading and the on-disk store -------------------------------------------------------------
def load_or_build(entities: Callable[[], pd.DataFrame], key: str, cache_dir: Path | None) -> MatchIndex:
    """The stored index for this snapshot set, or one built from ``entities()`` and stored (see :mod:`.indexfile`).

    ``entities`` is only called when no index is stored: reading the entity tables costs more than
    loading the stored index.
    """
    return _load_or(lambda: build_parts(entities(), key), key, cache_dir)


def load_or_assemble(snapshots: Sequence[Snapshot], key: str, cache_dir: Path | None) -> MatchIndex:
    """The stored index for this snapshot set, or one assembled from the snapshots' segments and stored.

    Each snapshot's segment is read from the store (refresh wrote it) or computed and stored now, so the
    index of any set — a past date's, which no refresh built — costs array operations, not normalising.
    """
    from exportcheck.matching.segment import assemble, of_snapshot

    return _load_or(lambda: assemble([of_snapshot(s, cache_dir) for s in snapshots], key), key, cache_dir)


def _load_or(parts: Callable[[], IndexParts], key: str, cache_dir: Path | None) -> MatchIndex:
    """The stored index of ``key``, or ``parts()`` stored and memory-mapped (in memory where not writable).

    The cyclic garbage collector is paused while the parts are made: that makes millions of small objects
    and no cycles, and the collector's repeated passes over them cost about a tenth of the time.
    """
    from exportcheck.matching import indexfile

    if cache_dir is not None:
        found = indexfile.read(cache_dir, key)
        if found is not None:
            return found
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        built = parts()
    finally:
        if was_enabled:
            gc.enable()
    if cache_dir is not None:
        stored = indexfile.write(cache_dir, built)
        if stored is not None:
            return stored
    return indexfile.from_parts(built)
