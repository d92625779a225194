"""Parsers for the Dutch national semiconductor-equipment measures as published in the Staatscourant.

Official shape: the XML of zoek.officielebekendmakingen.nl (``stcrt-2023-18212.xml``):
``officiele-publicatie`` with ``metadata/meta[@name, @content]`` (``DC.identifier``,
``OVERHEIDop.datumUitgifte``, ``DC.title``), the ``regeling`` text (``artikel`` with ``kop``/``al``)
and a ``bijlage`` (the annex) whose paragraphs (``al``, list items ``li`` with ``li.nr``) hold the
controlled items with their own codes (``3B001.l``, ``3B001.f.4``, ``3B993`` …). Codes are the
regulation's own: the Dutch 3B001.l is not EU 3B001 nor US 3B001.l.

NOT VERIFIED on a real file: no copy of the official XML is held here; :func:`parse` is tested on a
fixture written by hand in that shape. The mirror holds only ``PAGES_*.txt`` files (the opening
~2,000 characters of the web pages: title and first articles, no annex): :func:`parse_pages` reads
them into zero control entries plus a ``documents`` table, and says so in the snapshot warnings, so
``refresh`` and ``control show --regime nl`` report "annex not held" instead of an empty list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.control_tree import CODE, TreeBuilder
from exportcheck.formats.xmlsafe import parse_xml

_MONTHS = {m: i for i, m in enumerate(["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                                       "september", "oktober", "november", "december"], start=1)}
_NL_DATE = re.compile(r"(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})", re.IGNORECASE)
_ITEM = re.compile(rf"^({CODE.pattern})\.?\s+(.*)$", re.DOTALL)
_NOTE = re.compile(r"^(Technische noot|Noot(?:\s+\d+)?|N\.B\.?)\s*:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
DOCUMENT_COLUMNS = ["identifier", "title", "dated", "published", "in_force", "has_annex", "file"]


def nl_date(text: str) -> date | None:
    """The first Dutch date in a text ("23 juni 2023"), else ``None``."""
    m = _NL_DATE.search(text)
    return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))) if m else None


def in_force_date(text: str, published: date | None) -> date | None:
    """When the regulation says it takes effect: a stated date, or the day after publication."""
    m = re.search(r"treedt in werking met ingang van ([^.]{0,80})", text)
    if not m:
        return None
    stated = nl_date(m.group(1))
    if stated:
        return stated
    if "dag na de datum van uitgifte" in m.group(1) and published:
        return published + timedelta(days=1)
    return None


def _local(el: etree._Element) -> str:
    return etree.QName(el.tag).localname if isinstance(el.tag, str) else ""


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """The annex (``bijlage``) of an official Staatscourant XML as control entries of regime ``nl``."""
    source_id = ctx.source_id
    (path,) = paths
    root = parse_xml(path, source_id).getroot()
    meta = {m.get("name", ""): m.get("content", "") for m in root.iter() if _local(m) == "meta"}
    identifier = meta.get("DC.identifier") or path.stem
    published = date.fromisoformat(meta["OVERHEIDop.datumUitgifte"]) if meta.get("OVERHEIDop.datumUitgifte") else None
    body_text = " ".join(_text(a) for a in root.iter() if _local(a) == "artikel")
    valid = in_force_date(body_text, published) or published
    annexes = [el for el in root.iter() if _local(el) == "bijlage"]
    if not annexes:
        raise ParseError(source_id, f"{path.name}: no <bijlage> (annex) in this publication; it lists no controlled items")
    builder = TreeBuilder()
    current = ""
    for annex in annexes:
        for el in annex.iter():
            name = _local(el)
            if name == "li":
                label = next((_text(c) for c in el if _local(c) == "li.nr"), "").rstrip(".")
                body = " ".join(_text(c) for c in el if _local(c) == "al")
                if current and label:  # a lettered/numbered point under the last coded item
                    builder.add_item(f"{current}.{label}", body)
                continue
            if name != "al" or (el.getparent() is not None and _local(el.getparent()) == "li"):
                continue
            text = _text(el)
            if m := _ITEM.match(text):
                current = m.group(1)
                builder.add_item(current, m.group(2))
            elif (m := _NOTE.match(text)) and current:
                builder.add_note(current, m.group(1), m.group(2))
            elif current:
                builder.append(current, text)
    if not builder.nodes:
        raise ParseError(source_id, f"{path.name}: the annex holds no item with a control code")
    valid_from = valid.isoformat() if valid else ""
    entries = builder.entries(regime="nl", source=source_id, version=identifier, valid_from=valid_from,
                              source_url=f"https://zoek.officielebekendmakingen.nl/{identifier}.html", fill_parents=False)
    documents = pd.DataFrame([{"identifier": identifier, "title": meta.get("DC.title", ""),
                               "dated": "", "published": published.isoformat() if published else "", "in_force": valid_from,
                               "has_annex": True, "file": path.name}], columns=DOCUMENT_COLUMNS)
    return Parsed(records=entries, data_date=valid, data_date_basis="file (in-force date)",
                  extra_tables={"documents": documents},
                  warnings=["Staatscourant XML parser not verified on a real published file (tested on a hand-written fixture)"])


def parse_pages(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Page openings (``PAGES_*.txt``): the regulations' titles and dates, and no controlled items.

    Why parse them at all: so the snapshot records which Dutch regulations exist and when they took
    effect, and so every consumer sees, in the warnings, that the annex is not held — an empty Dutch
    list must never read as "not controlled in the Netherlands".
    """
    source_id = ctx.source_id
    rows = []
    for path in sorted(paths):
        text = path.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        if not body.strip():
            raise ParseError(source_id, f"{path.name}: no page text after the '#' header lines")
        title = body.strip().splitlines()[0].strip()
        dated = nl_date(title)  # the date the minister signed; publication (and so "day after") is not in the opening
        in_force = in_force_date(body, None)
        ident = re.search(r"stcrt-\d{4}-\d+|nr\.\s*([A-Za-z]+[\d.\-]+)", path.name + " " + title)
        rows.append({"identifier": ident.group(0) if ident else path.stem, "title": title,
                     "dated": dated.isoformat() if dated else "", "published": "",
                     "in_force": in_force.isoformat() if in_force else "",
                     "has_annex": bool(re.search(r"^\s*3B\d{3}", body, re.MULTILINE)), "file": path.name})
    documents = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    newest = max((date.fromisoformat(str(r["dated"])) for r in rows if r["dated"]), default=None)
    warnings = [f"{r['file']}: page opening only (title and first articles); the annex (BIJLAGE) with the "
                "controlled items is not in it — no Dutch control entries are held. Put the official "
                "Staatscourant XML (stcrt-2023-18212.xml and amendments) in the mirror." for r in rows]
    return Parsed(records=[], data_date=newest, data_date_basis="file (date in the title)",
                  extra_tables={"documents": documents}, warnings=warnings)
