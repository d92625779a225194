"""A small, safe reader for the cells of one XLSX worksheet, as strings.

Why not openpyxl: it takes ~4 s per OFSI ConList workbook (17 MB of sheet XML) and a refresh of the
mirror reads several; streaming the sheet XML with lxml takes a fraction of that. Why not pandas'
``read_excel``: it needs openpyxl too and guesses types (dates, numbers) where the lists write
strings. The workbook is a zip: every member read is capped in size (a zip bomb fails the source),
and its XML goes through :mod:`exportcheck.formats.xmlsafe`'s settings (no entities, no network).
Phonetic runs (``<rPh>``, the furigana Japanese workbooks carry) are not part of a cell's text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.formats.xmlsafe import local

#: Largest decompressed size of one workbook member: ten times the biggest real sheet held (17 MB).
MAX_MEMBER_BYTES = 200 * 1024 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROW, _CELL, _VALUE, _INLINE, _T = (f"{{{_MAIN}}}{tag}" for tag in ("row", "c", "v", "is", "t"))
_LETTERS = re.compile(r"^[A-Z]{1,3}$")


@lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    """``C`` → 2 (zero-based column); ``-1`` for anything that is not a column name."""
    if not _LETTERS.match(letters):
        return -1
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _open_member(archive: zipfile.ZipFile, name: str, label: str, source_id: str) -> IO[bytes]:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise ParseError(source_id, f"{label}: workbook has no {name}") from exc
    if info.file_size > MAX_MEMBER_BYTES:
        raise ParseError(source_id, f"{label}: {name} unpacks to {info.file_size} bytes, over the "
                                    f"{MAX_MEMBER_BYTES}-byte cap (zip bomb?)")
    return archive.open(info)


def _events(handle: IO[bytes], tags: tuple[str, ...], label: str, source_id: str) -> Iterator[etree._Element]:
    try:
        for _event, element in etree.iterparse(handle, events=("end",), tag=tags, resolve_entities=False,
                                               no_network=True, load_dtd=False, huge_tree=True):
            yield element
    except etree.XMLSyntaxError as exc:
        raise ParseError(source_id, f"{label}: malformed workbook XML at line {exc.lineno}: {exc.msg}") from exc


def _text(element: etree._Element) -> str:
    """The text of ``<si>`` / ``<is>``: every ``<t>`` except those inside phonetic runs (``<rPh>``)."""
    if len(element) == 1 and element[0].tag == _T:  # the common case: one plain run
        return element[0].text or ""
    parts = []
    for node in element.iter(_T):
        parent = node.getparent()
        if parent is not None and local(parent.tag) == "rPh":
            continue
        parts.append(node.text or "")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, label: str, source_id: str) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    with _open_member(archive, "xl/sharedStrings.xml", label, source_id) as handle:
        for element in _events(handle, (f"{{{_MAIN}}}si",), label, source_id):
            strings.append(_text(element))
            element.clear()
    return strings


def _sheet_member(archive: zipfile.ZipFile, sheet: str | None, label: str, source_id: str) -> tuple[str, str]:
    """The zip member of the named sheet (the first sheet when ``sheet`` is None) and its name."""
    with _open_member(archive, "xl/workbook.xml", label, source_id) as handle:
        sheets = [(e.get("name") or "", e.get(f"{{{_REL}}}id") or "")
                  for e in _events(handle, (f"{{{_MAIN}}}sheet",), label, source_id)]
    with _open_member(archive, "xl/_rels/workbook.xml.rels", label, source_id) as handle:
        targets = {e.get("Id"): e.get("Target") or "" for e in _events(
            handle, ("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",), label, source_id)}
    chosen = next(((n, r) for n, r in sheets if sheet is None or n == sheet), None)
    if chosen is None:
        raise ParseError(source_id, f"{label}: no sheet named {sheet!r} (sheets: {', '.join(n for n, _ in sheets)})")
    target = targets.get(chosen[1], "")
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return member, chosen[0]


def read_rows(path: Path, source_id: str, sheet: str | None = None) -> tuple[str, list[list[str]]]:
    """Every row of one sheet as a list of cell strings (``""`` for empty cells), and the sheet's name.

    Cells keep the text the workbook stores: shared and inline strings as written, numbers and
    formula results as their cached value. Rows the workbook skips are not invented.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ParseError(source_id, f"{path.name}: not an XLSX workbook ({exc})") from exc
    with archive:
        strings = _shared_strings(archive, path.name, source_id)
        member, name = _sheet_member(archive, sheet, path.name, source_id)
        rows: list[list[str]] = []
        with _open_member(archive, member, path.name, source_id) as handle:
            for row in _events(handle, (_ROW,), path.name, source_id):
                rows.append(_row_cells(row, strings, path.name, source_id))
                row.clear()
                parent = row.getparent()
                while row.getprevious() is not None and parent is not None:
                    del parent[0]
    return name, rows


def _row_cells(row: etree._Element, strings: list[str], label: str, source_id: str) -> list[str]:
    """The cell strings of one ``<row>``, placed by their references (a skipped cell is ``""``).

    The hot loop of every XLSX parse (OFSI's workbooks have ~680,000 cells): plain child iteration and
    the cached column index keep it well under a second per workbook.
    """
    cells: list[str] = []
    for cell in row.iterchildren(_CELL):
        ref = cell.get("r")
        index = _column_index(ref.rstrip("0123456789")) if ref else len(cells)
        if index < 0:
            raise ParseError(source_id, f"{label}: cell reference {ref!r} is not a cell address")
        if index >= len(cells):
            cells.extend([""] * (index + 1 - len(cells)))
        cells[index] = _cell_value(cell, strings, label, source_id)
    return cells


def _cell_value(cell: etree._Element, strings: list[str], label: str, source_id: str) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return _text(inline) if inline is not None else ""
    value = ""
    for child in cell:  # <v>, after an optional <f> (children are few; faster than findtext)
        if child.tag == _VALUE:
            value = child.text or ""
            break
    if kind == "s" and value:
        try:
            return strings[int(value)]
        except (ValueError, IndexError) as exc:
            raise ParseError(source_id, f"{label}: cell {cell.get('r')} points to shared string {value!r}, "
                                        f"which the workbook does not hold") from exc
    return value
