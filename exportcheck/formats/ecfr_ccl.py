"""Parser for the official eCFR XML of 15 CFR part 774, Supplement No. 1 (the Commerce Control List).

Source: https://www.ecfr.gov/api/versioner/v1/full/<date>/title-15.xml?part=774 (GPO eCFR XML:
``DIV5 TYPE="PART"`` → ``DIV9 TYPE="APPENDIX"`` "Supplement No. 1 to Part 774"). Within it each ECCN
opens with a ``<P>`` whose bold (``<E T="04">``) text starts with the ECCN; ``Reason for Control:``
paragraphs and a ``GPOTABLE`` (Control(s) | Country chart) give the licence requirements; after
``Items:`` each paragraph carries its own label (``a.``, ``c.1.a.``); notes come as ``<NOTE>`` with a
``<HD>`` heading or as paragraphs opening "Note:", "Technical Note:", "N.B.:".

NOT VERIFIED on a real file: no copy of the official XML was available when this was written; it is
tested on a fixture written by hand in that shape (``tests/fixtures/controls/ecfr_part774_sample.xml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.control_tree import CODE, TreeBuilder
from exportcheck.formats.xmlsafe import parse_xml

_ECCN = re.compile(r"^(\d[A-E]\d{3})\s+(.*)$", re.DOTALL)
_ITEM = re.compile(r"^([a-z](?:\.[a-z0-9]+)*)\.?\s+(\S.*)$", re.DOTALL)
_NOTE = re.compile(r"^(Technical Notes?|Notes?(?:\s+\d+)?|N\.B\.?)\s*(?:\d+)?\s*:\s*(.*)$", re.DOTALL)
_COLUMN = re.compile(r"\b([A-Z]{2})\s+Column\s+(\d)")


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _amendment_date(root: etree._Element) -> str:
    for el in root.iter():
        if _local(el) == "AMDDATE":
            try:
                return datetime.strptime(_text(el).replace(".", ""), "%b %d, %Y").date().isoformat()
            except ValueError:
                return ""
    return ""


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every ECCN and labelled paragraph of Supplement No. 1 to Part 774."""
    source_id = ctx.source_id
    (path,) = paths
    root = parse_xml(path, source_id).getroot()
    supplement = next((el for el in root.iter() if _local(el).startswith("DIV")
                       and "Supplement No. 1 to Part 774" in (el.get("N") or "")), None)
    if supplement is None:
        raise ParseError(source_id, f"{path.name}: no DIV with N='Supplement No. 1 to Part 774' (not part 774 XML?)")
    builder = TreeBuilder()
    extra: dict[str, dict[str, list[str]]] = {}
    eccn = current = ""
    in_items = False
    for el in supplement.iter():
        name = _local(el)
        if name == "P" and el.getparent() is not None and _local(el.getparent()) not in ("NOTE", "EXTRACT"):
            text = _text(el)
            bold = next((c for c in el if _local(c) == "E" and c.get("T") == "04"), None)
            if bold is not None and (m := _ECCN.match(text)) and _ECCN.match(_text(bold)):
                eccn = current = m.group(1)
                builder.add_item(eccn, m.group(2))
                builder.headings[eccn] = m.group(2)
                extra[eccn] = {"reasons_for_control": [], "country_chart": []}
                in_items = False
                continue
            if not eccn:
                continue
            if text.startswith("Reason for Control:"):
                extra[eccn]["reasons_for_control"] = [r.strip() for r in text.split(":", 1)[1].split(",") if r.strip()]
            elif text.startswith("Items:"):
                in_items = True
            elif note := _NOTE.match(text):
                builder.add_note(_target(builder, eccn, current, note.group(2)), note.group(1), note.group(2))
            elif in_items and (m := _ITEM.match(text)):
                current = f"{eccn}.{m.group(1)}"
                builder.add_item(current, m.group(2))
            elif in_items:
                builder.add_note(_target(builder, eccn, current, text), "Text", text)
        elif name == "NOTE" and eccn:
            head = next((c for c in el if _local(c) == "HD"), None)
            kind = _text(head).rstrip(":") if head is not None else "Note"
            body = " ".join(_text(p) for p in el if _local(p) == "P")
            builder.add_note(_target(builder, eccn, current, body), kind, body)
        elif name == "ENT" and eccn:
            found = _COLUMN.search(_text(el))
            if found and f"{found.group(1)}{found.group(2)}" not in extra[eccn]["country_chart"]:
                extra[eccn]["country_chart"].append(f"{found.group(1)}{found.group(2)}")
    if not builder.nodes:
        raise ParseError(source_id, f"{path.name}: Supplement No. 1 to Part 774 holds no ECCN paragraph")
    issued = _amendment_date(root)
    entries = builder.entries(regime="us", source=source_id, version=f"eCFR {issued}".strip(), valid_from=issued,
                              source_url="https://www.ecfr.gov/current/title-15/part-774/appendix-Supplement%20No.%201%20to%20Part%20774",
                              extra=extra)
    return Parsed(records=entries, data_date=datetime.fromisoformat(issued).date() if issued else None,
                  data_date_basis="file (AMDDATE)" if issued else "filename",
                  warnings=["eCFR XML parser not verified on a real published file (tested on a hand-written fixture)"])


def _target(builder: TreeBuilder, eccn: str, current: str, text: str) -> str:
    """A note belongs to the code it opens with (``3B001.c includes ...``) when that code exists."""
    ref = CODE.match(text)
    code = ref.group(0).rstrip(".") if ref else ""
    return code if code.startswith(eccn) and code in builder else current
