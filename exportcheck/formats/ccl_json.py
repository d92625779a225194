"""Parser for a JSON copy of the Commerce Control List (15 CFR 774 Supp. 1) with its Country Chart and Groups.

Source here: ``us-ear/DERIVED_ccl_part774-supp1_ecfr-<date>.json`` (a third party's build from the eCFR
XML of that issue date: 633 ECCNs; full paragraph text only for categories 1, 3, 4 and 5), with the
companions ``DERIVED_country-chart_part738-supp1_ecfr-<date>.json`` (15 CFR 738 Supp. 1) and
``DERIVED_country-groups_part740-supp1_ecfr-<date>.json`` (15 CFR 740 Supp. 1) of the same date.

Paragraphs come as ``items[{paragraph, kind (item|note|text), depth, text}]``. Some items lost their
``paragraph`` and carry the label in the text instead (``c.3.a Two or more RF ...``): they are
items. Unlabelled ``text`` lines are notes, attached to the code they open with (``3B001.c includes
...``) or else to the paragraph they follow. ``[Reserved]`` paragraphs are marked not used.
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
from exportcheck.formats.control_tree import CODE, TreeBuilder, definitions_frame, link_terms, note_definitions

_LABEL = re.compile(r"^([a-z](?:\.[a-z0-9]+)+)\s+(\S.*)$")
_NOTE_HEAD = re.compile(r"^(Technical Notes?|Notes?(?:\s+\d+)?(?:\s+to\s+[^:]{1,40})?|N\.B\.?\s*\d*)\s*:\s*(.*)$")
_SUBPARAGRAPH = re.compile(r"^\((?:\d+|[ivx]+)\)\s")  # "(1) ...", "(ii) ...": a sub-paragraph of a list member
_FIRST = ("a", "1")  # the labels a list begins with
_COLUMN = re.compile(r"\b([A-Z]{2})\s+Column\s+(\d)")
LICENCE_COLUMNS = ["eccn", "reason", "applies_to", "country_chart", "column", "note"]
#: An ECCN whose License Requirements table the source merged into its heading (3E001, 0D606, 2B351 in the
#: 2026-07-23 copy): its ``countryChart`` field then holds the next ECCN's rows, so the table is read from the text.
MERGED_TABLE = "License Requirements Reason for Control"
_TABLE_START = re.compile(r"Country Chart \(see Supp\. No\. 1 to part 738\)", re.I)
_TABLE_END = re.compile(r"List Based License Exceptions|License Requirements Note|Reporting Requirements|Special Conditions")
_ROW_START = re.compile(r"(?=\b(?:NS|MT|NP|RS|AT|CB|CC|FC|UN|SL|EI|SI|CW|SS) applies\b)")
_CHART_START = re.compile(r"\b[A-Z]{2} Column \d|To or within|Worldwide|See §|China, Russia|A license is required|Refer to §")
FOOTNOTE_COLUMNS = ["number", "text", "issue_date"]
ALL_DESTINATION_COLUMNS = ["entry", "code", "exceptions", "citation", "note"]
EXCEPTION_COLUMNS = ["eccn", "exception", "text"]


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


def _is_real(builder: TreeBuilder, eccn: str, label: str, last_child: dict[str, str]) -> bool:
    """A paragraph of the entry: its parent is a paragraph (or the ECCN) and it comes after its parent's last child.

    Why: the source gives a note's own a/b/c list the same ``item`` kind as the entry's paragraphs, so a letter
    that goes back (``a`` after ``3A090.b``) or repeats a code already read is a note's list, not a paragraph.
    """
    code = f"{eccn}.{label}"
    parent = code.rsplit(".", 1)[0]
    if code in builder:
        return False
    if parent not in builder:  # the source lost the parent's own line (1C995.a.1 comes without 1C995.a)
        return True
    last = last_child.get(parent)
    return last is None or _segment_key(label.rsplit(".", 1)[-1]) > _segment_key(last)


def _entry(builder: TreeBuilder, raw: dict[str, Any], where: str, source_id: str) -> None:
    eccn = str(raw.get("eccn", ""))
    if not CODE.fullmatch(eccn):
        raise ParseError(source_id, f"{where}: not an ECCN: {eccn!r}")
    heading = " ".join(str(raw.get("heading", "")).split())
    builder.add_item(eccn, heading)
    builder.headings[eccn] = heading
    current = eccn
    last_child: dict[str, str] = {}  # parent code -> label segment of its last paragraph read
    note_at: str | None = None  # the code the last note since the last paragraph is attached to
    lists: list[str] = []  # the last label of that note's own lettered list, and of lists nested in it
    opens_list = False  # the last note ends with a colon: a list that begins after it is its own

    def paragraph(label: str, text: str) -> None:
        nonlocal current, note_at
        current = f"{eccn}.{label}"
        builder.add_item(current, text)
        last_child[current.rsplit(".", 1)[0]] = label.rsplit(".", 1)[-1]
        note_at = None
        lists.clear()

    def add_note(target: str, note_kind: str, body: str) -> None:
        nonlocal note_at, opens_list
        builder.add_note(target, note_kind, body)
        # "Items:" alone is a field label of the source, not a note with a list
        note_at, opens_list = target, body.endswith(":") and len(body.split()) > 1

    items = raw.get("items") or []
    labels = [str(i.get("paragraph")) if i.get("kind") == "item" and i.get("paragraph") else "" for i in items]
    following = [*labels[1:], ""]  # the label of the line right after each line
    for index, item in enumerate(items):
        text = " ".join(str(item.get("text", "")).split())
        label = item.get("paragraph")
        kind = item.get("kind")
        if kind == "item" and label:
            real = _is_real(builder, eccn, label, last_child)
            opens = real and following[index].startswith(f"{label}.")  # its own sub-paragraph follows: a paragraph
            level = next((n for n in range(len(lists) - 1, -1, -1) if _next(label, lists[n])), None)
            if note_at is not None and (not real or (not opens and (
                    level is not None or (label in _FIRST and opens_list)))):
                # a note's own list (a letter that goes back or repeats, or the next member of that list, or of
                # the list it is nested in): it stays in the note, with whatever the source puts between members
                builder.append_note(note_at, f"{label}. {text}")
                if level is not None:
                    del lists[level:]
                lists.append(label)
                opens_list = False
                continue
            paragraph(label, text)
            continue
        if kind == "text" and (m := _LABEL.match(text)) and f"{eccn}.{m.group(1)}".rsplit(".", 1)[0] in builder:
            paragraph(m.group(1), m.group(2))
            continue
        if kind == "text" and lists and _SUBPARAGRAPH.match(text):
            builder.append_note(note_at or current, text)
            continue
        if kind == "note":
            add_note(current, "Note", f"{label}. {text}" if label else text)
            continue
        head = _NOTE_HEAD.match(text)
        note_kind, body = (head.group(1), head.group(2)) if head else ("Note" if CODE.match(text) else "Text", text)
        target = current
        ref = CODE.match(body)
        if ref and ref.group(0).rstrip(".") in builder and ref.group(0).startswith(eccn):
            target = ref.group(0).rstrip(".")
        add_note(target, note_kind, body)


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
    for number, raw in enumerate(data.get("entries") or [], start=1):
        _entry(builder, raw, f"{path.name}: entries[{number}]", source_id)
        rows, reasons, columns = _licence_rows(raw)
        exceptions += [{"eccn": str(raw["eccn"]), "exception": str(name), "text": " ".join(str(text).split())}
                       for name, text in (raw.get("licenceExceptionFlags") or {}).items() if text]
        if rows and rows[0]["note"]:
            warnings.append(f"{path.name}: {raw['eccn']}: License Requirements table {rows[0]['note']}")
        licence += rows
        extra[str(raw["eccn"])] = {"reasons_for_control": reasons, "country_chart": columns}
    stated = data.get("entryCount")
    tops = sum(1 for c in builder.nodes if "." not in c)
    if stated is not None and stated != tops:
        warnings.append(f"{path.name}: states entryCount {stated} but holds {tops} ECCNs")
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
              "licence_exceptions": pd.DataFrame(exceptions, columns=EXCEPTION_COLUMNS)}
    if chart or groups:
        tables["country_chart"] = _chart_frame(chart, groups)
        tables["chart_footnotes"] = _footnote_frame(chart)
        tables["all_destinations"] = _all_destinations_frame(chart)
    else:
        warnings.append("no Country Chart / Country Groups JSON of the same date: licence needs per country cannot be read")
    return Parsed(records=entries, data_date=to_date(issue), data_date_basis="file (ecfrIssueDate)",
                  extra_tables=tables, warnings=warnings)
