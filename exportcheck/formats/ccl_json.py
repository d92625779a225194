"""Parser for a JSON copy of the Commerce Control List (15 CFR 774 Supp. 1) with its Country Chart and Groups.

Source here: ``us-ear/DERIVED_ccl_part774-supp1_ecfr-<date>.json`` (a third party's build from the eCFR
XML of that issue date: 633 ECCNs; full paragraph text only for categories 1, 3, 4 and 5), with the
companions ``DERIVED_country-chart_part738-supp1_ecfr-<date>.json`` (15 CFR 738 Supp. 1) and
``DERIVED_country-groups_part740-supp1_ecfr-<date>.json`` (15 CFR 740 Supp. 1) of the same date.

Paragraphs come as ``items[{paragraph, kind (item|note|text), depth, text}]``. Some items lost their
``paragraph`` and carry the label in the text instead (``c.3.a Two or more RF ...``): they are
items. Unlabelled ``text`` lines are notes, attached to the code they open with (``3B001.c includes
...``) or else to the paragraph they follow. A note's own a/b/c list comes as ``item`` lines too, with the
entry's labels: :class:`_EntryReader` tells them apart. ``[Reserved]`` paragraphs are marked not used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import country_code, to_date
from exportcheck.formats.control_tree import (
    CODE,
    TreeBuilder,
    definitions_frame,
    link_terms,
    note_definitions,
    parent_of,
    purpose_of,
)

_LABEL = re.compile(r"^([a-z](?:\.[a-z0-9]+)+)\s+(\S.*)$")
_NOTE_HEAD = re.compile(r"^(Technical Notes?|Notes?(?:\s+\d+)?(?:\s+to\s+[^:]{1,40})?|N\.B\.?\s*\d*)\s*:\s*(.*)$")
_SUBPARAGRAPH = re.compile(r"^(?:\((?:\d+|[ivx]+)\)|[A-Z]\.)\s")  # "(1) ...", "(ii) ...", "A. ...": inside a list member
_FIRST = ("a", "1")  # the labels a list begins with
_ANNOUNCES = re.compile(r"\bthe following\b|\bas follows\b", re.I)  # a numbered note that says a list comes
_COLUMN = re.compile(r"\b([A-Z]{2})\s+Column\s+(\d)")
LICENCE_COLUMNS = ["eccn", "reason", "applies_to", "country_chart", "column", "note"]
#: An ECCN whose License Requirements table the source merged into its heading (3E001, 0D606, 2B351 in the
#: 2026-07-23 copy): its ``countryChart`` field then holds the next ECCN's rows, so the table is read from the text.
MERGED_TABLE = "License Requirements Reason for Control"
#: An ECCN opening a heading run into the one before: after a full stop or at the start, and followed by its title
#: (capitalised or quoted), unlike a code cited in running text ("3B002 (except …", "3C001 to 3C006 NS Column 1").
_HEADING_START = re.compile(r"(?:^|[.)]\s)(\d[A-E]\d{3})\s+(?=[“\"A-Z])")
_TABLE_START = re.compile(r"Country Chart \(see Supp\. No\. 1 to part 738\)", re.I)
_TABLE_END = re.compile(r"List Based License Exceptions|License Requirements Note|Reporting Requirements|Special Conditions")
_ROW_START = re.compile(r"(?=\b(?:NS|MT|NP|RS|AT|CB|CC|FC|UN|SL|EI|SI|CW|SS) applies\b)")
_CHART_START = re.compile(r"\b[A-Z]{2} Column \d|To or within|Worldwide|See §|China, Russia|A license is required|Refer to §")
FOOTNOTE_COLUMNS = ["number", "text", "issue_date"]
ALL_DESTINATION_COLUMNS = ["entry", "code", "exceptions", "citation", "note"]
EXCEPTION_COLUMNS = ["eccn", "exception", "text"]
MERGED_COLUMNS = ["eccn", "held_under", "version", "evidence"]


def _load(path: Path, source_id: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(source_id, f"{path.name}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ParseError(source_id, f"{path.name}: expected a JSON object")
    return data


def _classify(paths: Sequence[Path], source_id: str) -> tuple[tuple[Path, dict[str, Any]], dict[str, Any] | None, dict[str, Any] | None]:
    ccl = chart = groups = None
    for path in paths:
        data = _load(path, source_id)
        if "entries" in data:
            ccl = (path, data)
        elif "countries" in data and "columns" in data:
            chart = data
        elif "groups" in data and "byCountry" in data:
            groups = data
        else:
            raise ParseError(source_id, f"{path.name}: neither the CCL, the Country Chart nor the Country Groups JSON")
    if ccl is None:
        raise ParseError(source_id, f"{paths[0].name}: no CCL JSON (with 'entries') in the input set")
    return ccl, chart, groups


def _segment_key(segment: str) -> tuple[int, int]:
    """Order of one paragraph label segment among its siblings: letters and numbers each count up."""
    return (1, int(segment)) if segment.isdigit() else (0, ord(segment[0]) if segment else 0)


def _next(label: str, last: str | None) -> bool:
    """Whether ``label`` is the member right after ``last`` in the same list (``b`` after ``a``, ``3`` after ``2``)."""
    if last is None:
        return False
    head, _, tail = label.rpartition(".")
    last_head, _, last_tail = last.rpartition(".")
    if head != last_head:
        return False
    if tail.isdigit() and last_tail.isdigit():
        return int(tail) == int(last_tail) + 1
    return len(tail) == len(last_tail) == 1 and ord(tail) == ord(last_tail) + 1


def _ends(text: str) -> bool:
    """Whether a list member's text ends the list (a full stop), rather than going on ("; or", "; and", ":")."""
    return text.rstrip(" ”\"')]").endswith(".")


NOT, LOOSE, EXACT = 0, 1, 2  # how well a label continues the entry's own paragraphs


class _Restart(Exception):
    """The entry's own list starts again: ``lines``, read as paragraphs, were a note's list (never raised out)."""

    def __init__(self, lines: set[int]) -> None:
        super().__init__()
        self.lines = lines


class _EntryReader:
    """Reads one ECCN's ``items`` into the tree, telling the entry's own paragraphs from a note's a/b/c list.

    Why: the source gives a note's list the same ``item`` kind and the same labels as the entry's paragraphs, and
    sometimes drops the note's own line. Two outlines are followed at once: the entry's (a label must come after
    the current paragraph's path, never go back or repeat) and, after a note, that note's list. A label that fits
    both is the note's unless it is exactly the entry's next one and (for a first member) the note announced no
    list, or (for a later member) the note's list is closed. A list that starts again outside any note (1A008's
    a-g, then a-d) means the lines before were a note whose own line the source dropped: the entry is read again
    with them as that note (the eCFR puts such notes before the paragraphs, so the later list is the entry's).
    """

    def __init__(self, builder: TreeBuilder, eccn: str, items: list[dict[str, Any]], headless: set[int]) -> None:
        self.builder, self.eccn, self.items, self.headless = builder, eccn, items, headless
        self.current = eccn
        self.last_child: dict[str, str] = {}  # parent code -> label segment of its last paragraph read
        self.made: dict[str, int] = {}  # paragraph code -> the line that made it
        self.note_at: str | None = None  # the code the last note since the last paragraph is attached to
        self.note_index = -1  # which of that code's notes holds the note's list
        self.lists: list[str] = []  # that note's own list: the last member at each level (c, then its a.1 or a)
        self.opens_list = False  # that note announces a list of its own
        self.closed = True  # the last member of the note's list ends with a full stop
        self.phrases = False  # a member of that list ends otherwise ("; or", ":"): a full stop then closes it
        self.repeats: list[str] = []  # codes the file gives to two lines that no reading separates
        self.purpose: str | None = None  # where a "For the purposes of X:" line put itself: its numbered notes follow
        self.numbered: tuple[int, str] | None = None  # the last top-level numbered note since then, and where it went

    def _on_path(self, code: str) -> bool:
        return self.current == code or self.current.startswith(f"{code}.")

    def fits_paragraph(self, label: str) -> int:
        """EXACT: the entry's next paragraph (first child or next sibling on the current path); LOOSE: later on it
        (the source skips ``f through y [Reserved]`` labels, or lost a parent's line); NOT: repeats or goes back."""
        code = f"{self.eccn}.{label}"
        if code in self.builder:
            return NOT
        parent = parent_of(code)
        if parent not in self.builder:  # the source lost the parent's own line (1C995.a.1 comes without 1C995.a)
            known = parent
            while known not in self.builder:
                known = parent_of(known)
            return LOOSE if self._on_path(known) else NOT
        if not self._on_path(parent):
            return NOT
        segment = label.rsplit(".", 1)[-1]
        last = self.last_child.get(parent)
        if last is None:
            return EXACT if segment in _FIRST else LOOSE
        if _segment_key(segment) <= _segment_key(last):
            return NOT
        return EXACT if _next(segment, last) else LOOSE

    def fits_list(self, label: str) -> list[str] | None:
        """The note's list path with ``label`` in it, when ``label`` starts, goes into or continues that list."""
        if self.note_at is None:
            return None
        if label in _FIRST:  # a list, or, after a line announcing one, a list nested in it (c.1.a given as "a")
            return [*self.lists, label] if self.opens_list else [label]
        if self.lists and label in (f"{self.lists[-1]}.a", f"{self.lists[-1]}.1"):
            return [*self.lists, label]
        for level in range(len(self.lists) - 1, -1, -1):
            if _next(label, self.lists[level]):
                return [*self.lists[:level], label]
        return None

    def paragraph(self, index: int, label: str, text: str) -> None:
        code = f"{self.eccn}.{label}"
        if code in self.builder:
            self.repeats.append(code)
        self.current = code
        self.builder.add_item(code, text)
        self.made.setdefault(code, index)
        self.last_child[parent_of(code)] = label.rsplit(".", 1)[-1]
        self.note_at = None
        self.lists = []
        self.opens_list = False
        self.purpose = self.numbered = None

    def numbered_target(self, label: str, body: str) -> str:
        """Where a numbered note goes: with the note it is a member of ("1.a" with "1"), to the code its own words
        name, or with the "For the purposes of X:" line it is numbered under (1, 2, 3 … in turn); else where it is."""
        top, _, sub = label.partition(".")
        if sub:
            return self.numbered[1] if self.numbered else self.current
        number = int(top) if top.isdigit() else 0
        expected = 1 if self.numbered is None else self.numbered[0] + 1
        if self.purpose is not None and number != expected:
            self.purpose = None  # the numbering starts again: another note
        target = self.builder.named_by(self.eccn, body) or self.purpose or self.current
        self.numbered = (number, target)
        return target

    def note(self, target: str, kind: str, body: str, numbered: bool = False, named: bool = False) -> None:
        if (self.note_at is not None and self.lists and not (self.closed and self.phrases) and kind == "Text"
                and not numbered and not body.endswith(":")):
            # a technical note inside a note's list that goes on ("For the purposes of 5A002.a Note 2.a.2, ..."): it
            # stays with that note's paragraph, and the list goes on in the note that holds it
            self.builder.add_note(target if named else self.note_at, kind, body)
            return
        self.builder.add_note(target, kind, body)
        self.note_at, self.note_index = target, len(self.builder.nodes[target].notes) - 1
        # a numbered note of the source ("1. SAMPLE SHIPMENTS: Subject to the following requirements ...") may
        # announce its list in words; a free text line only by its colon ("Related Controls: ... as follows" does not)
        # ("Items:" and "Yes for:" are field labels of the source, not notes with a list)
        opens = (body.endswith(":") and (numbered or len(body.split()) > 2)) or (
            kind == "Note" and numbered and _ANNOUNCES.search(body) is not None)
        if opens and not numbered:  # a note of its own with a list; a numbered line announcing one is a member's
            self.lists = []
        self.opens_list = opens

    def list_member(self, label: str, text: str, path: list[str] | None) -> None:
        if self.note_at is None:  # a note whose own line the source dropped
            self.note(self.current, "Note", f"{label}. {text}")
        else:
            self.builder.append_note(self.note_at, f"{label}. {text}", self.note_index)
        if path is not None:
            if len(path) == 1 and path[0] in _FIRST:
                self.phrases = False
            self.lists = path
        self.opens_list = False  # the announced list has begun
        self.member_ends(text)

    def member_ends(self, text: str) -> None:
        self.closed = _ends(text)
        self.phrases = self.phrases or not self.closed

    def restart(self, index: int, label: str) -> set[int]:
        """The lines read as paragraphs from the one that made the repeated code (or its parent) up to here."""
        code = f"{self.eccn}.{label}"
        while code not in self.made and "." in code:
            code = parent_of(code)
        first = self.made.get(code)
        return set() if first is None else {n for n in self.made.values() if first <= n < index}

    def item(self, index: int, label: str, text: str) -> None:
        if index in self.headless:
            self.list_member(label, text, self.fits_list(label) or [label])
            return
        fits, path = self.fits_paragraph(label), self.fits_list(label)
        if self.note_at is not None:
            # both fit exactly: a first member is the note's when the note announced a list; a later member unless
            # the list is closed: a list of phrases ("...; or") whose last member ends with a full stop
            if path is not None and (fits != EXACT or (
                    self.opens_list if label in _FIRST else not (self.closed and self.phrases))):
                self.list_member(label, text, path)
            elif fits != NOT:
                self.paragraph(index, label, text)
            else:  # a letter that goes back or repeats inside a note: the note's
                self.builder.append_note(self.note_at, f"{label}. {text}", self.note_index)
            return
        if fits == NOT and label.rsplit(".", 1)[-1] in _FIRST and (lines := self.restart(index, label)):
            raise _Restart(lines)
        self.paragraph(index, label, text)

    def read(self) -> None:
        for index, item in enumerate(self.items):
            text = " ".join(str(item.get("text", "")).split())
            self.line(index, item, text)

    def line(self, index: int, item: dict[str, Any], text: str) -> None:
        """One line of ``items``: a paragraph, a member of a note's list, a note or a note's continuation."""
        label = item.get("paragraph")
        kind = item.get("kind")
        if kind == "item" and label:
            self.item(index, str(label), text)
            return
        if (kind == "text" and (m := _LABEL.match(text)) and self.fits_paragraph(m.group(1)) != NOT
                and not (self.note_at is not None and self.fits_list(m.group(1)) is not None)):
            self.paragraph(index, m.group(1), m.group(2))  # a paragraph that lost its label field
            return
        if kind == "text" and self.lists and _SUBPARAGRAPH.match(text):
            if self.note_at is None:
                self.builder.append_note(self.current, text)
            else:
                self.builder.append_note(self.note_at, text, self.note_index)
            return
        if kind == "note":
            target = self.numbered_target(str(label or ""), text)
            self.note(target, "Note", f"{label}. {text}" if label else text, numbered=True)
            self.member_ends(text)  # a numbered line is a member of a list nested in the note's (c.1, c.2)
            return
        head = _NOTE_HEAD.match(text)
        note_kind, body = (head.group(1), head.group(2)) if head else ("Note" if CODE.match(text) else "Text", text)
        target = self.current
        ref = CODE.match(body)
        if ref and ref.group(0).rstrip(".") in self.builder and ref.group(0).startswith(self.eccn):
            target = ref.group(0).rstrip(".")
        named = self.builder.named_by(self.eccn, body)
        target = named or target
        if body.endswith(":") and purpose_of(body)[1]:  # "For the purposes of 3B001.f.1.b:": numbered notes follow
            self.purpose, self.numbered = named, None
        self.note(target, note_kind, body, named=named is not None)


def _entry(builder: TreeBuilder, raw: dict[str, Any], where: str, source_id: str) -> list[str]:
    """Reads one ECCN into ``builder``; returns the codes the file gives to two lines (joined, for a warning)."""
    eccn = str(raw.get("eccn", ""))
    if not CODE.fullmatch(eccn):
        raise ParseError(source_id, f"{where}: not an ECCN: {eccn!r}")
    heading = " ".join(str(raw.get("heading", "")).split())
    items = list(raw.get("items") or [])
    headless: set[int] = set()
    while True:
        own = TreeBuilder()
        own.add_item(eccn, heading)
        reader = _EntryReader(own, eccn, items, headless)
        try:
            reader.read()
        except _Restart as restart:
            if restart.lines <= headless:  # cannot happen (those lines are never paragraphs); never loop
                raise ParseError(source_id, f"{where}: {eccn}: paragraphs cannot be told from a note's list") from None
            headless |= restart.lines
            continue
        break
    builder.nodes.update(own.nodes)
    builder.headings[eccn] = heading
    return reader.repeats


def _foreign_subjects(raw: dict[str, Any]) -> dict[str, str]:
    """The other ECCNs an entry holds text of, each with the evidence: a line "for the purposes of" it ("For the
    purposes of 3D006:" under 3D005), or its heading at the end of a heading the table was merged into.

    Why: the file is built from the eCFR by a third party's script, which can lose an ECCN's heading and put
    that ECCN's paragraphs and notes under the one before it (3D006 under 3D005 in the 2026-07-23 copy, whose
    Country Chart lines then repeat: NS Column 1 and NS Column 2), or run the next ECCN's heading into this one's
    (:data:`MERGED_TABLE`: "… 2B352 Equipment Capable of Use in Handling Biological Materials …" ends 2B351's).
    The parser cannot put back a heading the file does not hold, but either sign shows where it happened.
    """
    eccn = str(raw.get("eccn", ""))
    found: dict[str, str] = {}
    for item in raw.get("items") or []:
        _, named = purpose_of(" ".join(str(item.get("text", "")).split()))
        for top in {code.split(".", 1)[0] for code in named}:
            found.setdefault(top, f"{eccn} holds notes 'for the purposes of' {top}")
    heading = " ".join(str(raw.get("heading", "")).split())
    if MERGED_TABLE in heading:
        for code in _HEADING_START.findall(heading):
            found.setdefault(code, f"{eccn}'s heading runs on into a heading of {code}")
    found.pop(eccn, None)
    return found


def _merged_entries(subjects: dict[str, dict[str, str]], held: set[str], version: str) -> pd.DataFrame:
    """A row per ECCN the file has no entry for but whose notes sit under another ECCN (see :func:`_foreign_subjects`).

    Lookups read it: such an ECCN is not "not listed" but not held, and the entry holding it may carry its text.
    """
    rows = [{"eccn": missing, "held_under": eccn, "version": version, "evidence": others[missing]}
            for eccn, others in sorted(subjects.items()) for missing in sorted(set(others) - held)]
    return pd.DataFrame(rows, columns=MERGED_COLUMNS)


def _table_from_heading(heading: str) -> list[dict[str, str]]:
    """The License Requirements rows written inside a heading whose table the source merged into it."""
    start = _TABLE_START.search(heading)
    if not start:
        return []
    body = heading[start.end():]
    end = _TABLE_END.search(body)
    body = body[:end.start()] if end else body
    rows = []
    for chunk in _ROW_START.split(body):
        chunk = " ".join(chunk.split())
        chart = _CHART_START.search(chunk, 4)
        if not chunk or not chart:
            continue
        rows.append({"control": chunk[:chart.start()].strip(), "countryChart": chunk[chart.start():].strip()})
    return rows


def _licence_rows(raw: dict[str, Any]) -> tuple[list[dict[str, str]], list[str], list[str]]:
    eccn = str(raw["eccn"])
    reasons = [r.strip() for r in str(raw.get("reasonForControl") or "").replace(";", ",").split(",") if r.strip()]
    rows, columns = [], []
    source_rows = raw.get("countryChart") or []
    note = ""
    heading = " ".join(str(raw.get("heading", "")).split())
    if MERGED_TABLE in heading:
        source_rows, note = _table_from_heading(heading), "read from the heading text (the table was merged into it)"
        found = re.search(r"Reason for Control:\s*([A-Z, ]+?)\s+Control", heading)
        reasons = [r.strip() for r in found.group(1).split(",") if r.strip()] if found else reasons
    for row in source_rows:
        control = " ".join(str(row.get("control", "")).split())
        chart = " ".join(str(row.get("countryChart", "")).split())
        reason = control.split(" ", 1)[0] if control else ""
        applies = control.split("applies to", 1)[1].strip() if "applies to" in control else control
        found = _COLUMN.search(chart)
        column = f"{found.group(1)} {found.group(2)}" if found else ""
        if column and column.replace(" ", "") not in columns:
            columns.append(column.replace(" ", ""))
        rows.append({"eccn": eccn, "reason": reason, "applies_to": applies, "country_chart": chart, "column": column,
                     "note": note})
    return rows, reasons, columns


def _chart_frame(chart: dict[str, Any] | None, groups: dict[str, Any] | None) -> pd.DataFrame:
    """One row per Country Chart destination: its marks (columns with an X), footnotes and Country Groups."""
    rows: dict[str, dict[str, Any]] = {}
    if chart:
        for name, cell in chart.get("countries", {}).items():
            rows[name] = {"country": name, "iso": country_code(name), "marks": ";".join(cell.get("marks", [])),
                          "footnotes": ";".join(str(f) for f in cell.get("footnotes", [])), "embargo_pointer": ""}
        for name, cell in chart.get("embargoed", {}).items():
            rows[name] = {"country": name, "iso": country_code(name), "marks": "",
                          "footnotes": ";".join(str(f) for f in cell.get("footnotes", [])),
                          "embargo_pointer": str(cell.get("pointer", ""))}
    by_iso: dict[str, list[str]] = {}
    if groups:
        for per_letter in groups.get("byCountry", {}).values():
            for name, codes in per_letter.items():
                iso = country_code(name) or country_code(re.sub(r"\s*\(.*\)", "", name))
                by_iso.setdefault(iso or name, []).extend(codes)
    frame = pd.DataFrame(list(rows.values()), columns=["country", "iso", "marks", "footnotes", "embargo_pointer"])
    frame["country_groups"] = [";".join(sorted(set(by_iso.get(iso or name, [])))) for iso, name in zip(frame["iso"], frame["country"], strict=True)]
    return frame


def _footnote_frame(chart: dict[str, Any] | None) -> pd.DataFrame:
    """The Country Chart's footnotes (their text imposes requirements the grid does not show), with its issue date."""
    issue = str((chart or {}).get("ecfrIssueDate", ""))
    rows = [{"number": str(k), "text": " ".join(str(v).split()), "issue_date": issue}
            for k, v in ((chart or {}).get("footnotes") or {}).items()]
    return pd.DataFrame(rows, columns=FOOTNOTE_COLUMNS)


def _all_destinations_frame(chart: dict[str, Any] | None) -> pd.DataFrame:
    """Entries that need a licence to every destination (15 CFR 738.3(a)(1)); the Country Chart does not apply to them."""
    block = (chart or {}).get("allDestinationsEntries") or {}
    citation = str(block.get("citation", ""))
    rows = [{"entry": str(e), "code": str(e).split(" ", 1)[0], "exceptions": "none", "citation": citation,
             "note": str(block.get("note", ""))} for e in block.get("noLicenceExceptions") or []]
    gov = block.get("govOnly") or {}
    rows += [{"entry": str(e), "code": str(e).split(" ", 1)[0], "exceptions": "GOV only",
              "citation": citation, "note": str(gov.get("condition", ""))} for e in gov.get("entries") or []]
    return pd.DataFrame(rows, columns=ALL_DESTINATION_COLUMNS)


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every ECCN and paragraph; licence requirements, Country Chart and Country Groups as extra tables."""
    source_id = ctx.source_id
    (path, data), chart, groups = _classify(paths, source_id)
    issue = str(data.get("ecfrIssueDate", ""))
    if not to_date(issue):
        raise ParseError(source_id, f"{path.name}: no ecfrIssueDate")
    builder = TreeBuilder()
    licence: list[dict[str, str]] = []
    exceptions: list[dict[str, str]] = []
    warnings: list[str] = []
    extra: dict[str, dict[str, list[str]]] = {}
    subjects: dict[str, dict[str, str]] = {}
    for number, raw in enumerate(data.get("entries") or [], start=1):
        repeats = _entry(builder, raw, f"{path.name}: entries[{number}]", source_id)
        if repeats:
            warnings.append(f"{path.name}: {raw['eccn']}: the file gives {', '.join(sorted(set(repeats)))} to two item "
                            "lines that are not a note's list; their texts are joined")
        rows, reasons, columns = _licence_rows(raw)
        exceptions += [{"eccn": str(raw["eccn"]), "exception": str(name), "text": " ".join(str(text).split())}
                       for name, text in (raw.get("licenceExceptionFlags") or {}).items() if text]
        if rows and rows[0]["note"]:
            warnings.append(f"{path.name}: {raw['eccn']}: License Requirements table {rows[0]['note']}")
        licence += rows
        extra[str(raw["eccn"])] = {"reasons_for_control": reasons, "country_chart": columns}
        if others := _foreign_subjects(raw):
            subjects[str(raw["eccn"])] = others
    tops = {c for c in builder.nodes if "." not in c}
    merged = _merged_entries(subjects, tops, f"eCFR {issue}")
    warnings += [f"{path.name}: {r.eccn} has no entry of its own but {r.evidence}: the file seems to have merged "
                 f"{r.eccn} into {r.held_under}, whose paragraphs and Country Chart lines may include {r.eccn}'s; "
                 f"{r.eccn} is reported as not held, not as not listed (check the eCFR text)" for r in merged.itertuples()]
    stated = data.get("entryCount")
    if stated is not None and stated != len(tops):
        warnings.append(f"{path.name}: states entryCount {stated} but holds {len(tops)} ECCNs")
    deep = data.get("deepCategories") or []
    if deep:
        warnings.append(f"{path.name}: paragraph text only for categories {', '.join(deep)}; other ECCNs have their heading only")
    url = str((data.get("source") or {}).get("url", ""))
    entries = builder.entries(regime="us", source=source_id, version=f"eCFR {issue}", valid_from=issue,
                              source_url=url, extra=extra)
    definitions = definitions_frame(note_definitions(entries, regime="us", version=f"eCFR {issue}", valid_from=issue,
                                                     source=source_id))
    link_terms(entries, definitions)
    tables = {"licence_requirements": pd.DataFrame(licence, columns=LICENCE_COLUMNS), "definitions": definitions,
              "licence_exceptions": pd.DataFrame(exceptions, columns=EXCEPTION_COLUMNS), "merged_entries": merged}
    if chart or groups:
        tables["country_chart"] = _chart_frame(chart, groups)
        tables["chart_footnotes"] = _footnote_frame(chart)
        tables["all_destinations"] = _all_destinations_frame(chart)
    else:
        warnings.append("no Country Chart / Country Groups JSON of the same date: licence needs per country cannot be read")
    return Parsed(records=entries, data_date=to_date(issue), data_date_basis="file (ecfrIssueDate)",
                  extra_tables=tables, warnings=warnings)
