"""Parser for the official eCFR XML of 15 CFR part 744: Supplement No. 4 (Entity List) and No. 7 (MEU List).

Source: https://www.ecfr.gov/api/versioner/v1/full/<date>/title-15.xml?part=744. Shape (eCFR versioner
XML; documented by GPO's eCFR XML user guide and seen in public parsers): the supplement is a
``<DIV9 N="Supplement No. 4 to Part 744" TYPE="APPENDIX">`` holding an HTML-style ``<TABLE>`` (``TR``/``TH``/
``TD``, no namespace) with the columns Country, Entity, License requirement, License review policy,
Federal Register citation (the MEU List has Country, Entity, Federal Register citation). The country
cell is filled only on the first row of each country. An entity cell holds the name, then
``a.k.a., the following N aliases:`` and one ``—alias;`` per paragraph, then the address. Footnote markers
are superscripts (``<SU>`` or ``<sup>``), kept as ``footnote-<n>`` flags.

No real part-744 XML is held here (the title-15 file is beyond the mirror's size limit), so this
format is registered ``verified=False`` and tested on a fixture written in this shape.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.formats import ear_lists
from exportcheck.formats.base import ContextParseFn, ParseContext, Parsed
from exportcheck.formats.common import clean, fr_citations, list_country, name_slug, to_date
from exportcheck.formats.xmlsafe import local, parse_xml
from exportcheck.model import Alias, Entity

#: The supplements of part 744 this parser reads: No. 4 (Entity List) and No. 7 (MEU List), one table layout.
SUPPLEMENTS = (4, 7)
_COLUMNS = {"country": "country", "entity": "entity", "requirement": "requirement", "review": "policy",
            "federal register": "citation"}
_AKA = re.compile(r",?\s*a\.k\.a\.?,?\s*(?:the following (?:[\w-]+ )?alias(?:es)?:?)?", re.I)
#: Where the address starts in an entity cell without aliases: ", " then a typical first address token.
_ADDRESS_START = re.compile(r",\s+(?=(?:No\.|Room|Rm\.|Building|Bldg\.?|Floor|Flat|Unit|Suite|Office|ul\.|P\.?\s?O\.|"
                            r"Block|Plot|House|Level|Apt\.?|\d))")
#: Company-form abbreviations whose final dot belongs to the name, not to the list punctuation.
_ABBREVIATIONS = {"ltd", "co", "inc", "corp", "bhd", "pte", "pvt", "ltda", "llc", "s.a", "jsc", "plc", "l.l.c", "fze",
                  "s.r.l", "gmbh", "b.v", "n.v", "a.s", "o.o.o"}
_SUPERSCRIPT = {"SU", "sup", "SUP"}


def parser(supplement: int) -> ContextParseFn:
    """A parser for one supplement of the part-744 XML (the same file serves both lists)."""
    if supplement not in SUPPLEMENTS:
        raise ValueError(f"part 744 supplement {supplement} is not an end-user list this parser reads")

    def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
        (path,) = paths
        return _parse(path, f"Supplement No. {supplement} to Part 744", ctx)

    return parse


def _cell(element: etree._Element) -> tuple[list[str], list[str]]:
    """The paragraphs of a cell as text, and the footnote numbers in its superscripts."""
    notes: list[str] = []
    for sup in [e for e in element.iter() if isinstance(e.tag, str) and local(e.tag) in _SUPERSCRIPT]:
        notes.extend(re.findall(r"\d+", sup.text or ""))
        sup.text = ""  # keep the tail, drop the marker from the text
    paragraphs = [p for p in element if isinstance(p.tag, str) and local(p.tag) == "P"]
    texts = [clean("".join(p.itertext())) for p in paragraphs] if paragraphs else [clean("".join(element.itertext()))]
    return [t for t in texts if t], notes


def _parse(path: Path, heading: str, ctx: ParseContext) -> Parsed:
    source_id, list_label = ctx.source_id, ctx.list_label
    tree = parse_xml(path, source_id)
    supplement = next((d for d in tree.iter() if isinstance(d.tag, str) and local(d.tag).startswith("DIV")
                       and clean(d.get("N")) == heading), None)
    if supplement is None:
        raise ParseError(source_id, f"{path.name}: no <DIV N=\"{heading}\"> element (not part 744 XML?)")
    rows = [r for r in supplement.iter() if isinstance(r.tag, str) and local(r.tag) == "TR"]
    columns: list[str] = []
    warnings: list[str] = []
    records: list[Entity] = []
    seen: Counter[str] = Counter()
    current_country = ""
    for row in rows:
        cells = [c for c in row if isinstance(c.tag, str) and local(c.tag) in ("TH", "TD")]
        if cells and all(local(c.tag) == "TH" for c in cells):
            heads = [clean("".join(c.itertext())).lower() for c in cells]
            columns = [next((v for k, v in _COLUMNS.items() if k in h), "") for h in heads]
            unknown = [h for h, c in zip(heads, columns, strict=True) if not c]
            if unknown:
                warnings.append(f"{path.name}: unknown columns not read: {', '.join(unknown)}")
            continue
        if not columns:
            raise ParseError(source_id, f"{path.name} line {row.sourceline}: table row before any header row")
        if len(cells) != len(columns):
            raise ParseError(source_id, f"{path.name} line {row.sourceline}: {len(cells)} cells, "
                                        f"expected {len(columns)}")
        values = {col: _cell(c) for col, c in zip(columns, cells, strict=True) if col}
        country_text = " ".join(values.get("country", ([], []))[0])
        current_country = country_text or current_country
        entity_paras, entity_notes = values.get("entity", ([], []))
        if not entity_paras:
            continue  # a continuation row (e.g. a second citation line) with no entity
        records.append(_entity(source_id, list_label, current_country, entity_paras, entity_notes, values, seen,
                                f"{path.name} line {row.sourceline}"))
    if not records:
        raise ParseError(source_id, f"{path.name}: {heading} has no entity rows")
    date_text = tree.getroot().get("DATE") or tree.getroot().get("date") or ""
    return Parsed(records=records, data_date=to_date(date_text),
                  data_date_basis="file (DATE)" if to_date(date_text) else "filename", warnings=warnings)


def _split_entity(paragraphs: list[str]) -> tuple[str, list[str], str]:
    """Name, aliases and address from an entity cell's paragraphs."""
    text = "\n".join(paragraphs)
    match = _AKA.search(text)
    if not match:
        first, *rest = paragraphs
        if rest:
            return first.rstrip(","), [], " ".join(rest)
        match = _ADDRESS_START.search(first)
        if match:
            return first[: match.start()], [], first[match.end():]
        name, _, address = first.partition(", ")
        return name, [], address
    name = text[: match.start()].strip().rstrip(",")
    tail = text[match.end():]
    aliases: list[str] = []
    address_lines: list[str] = []
    for line in tail.split("\n"):
        line = line.strip()
        if line.startswith(("—", "-", "–")):
            aliases.extend(_alias(a) for a in re.split(r";\s*(?=[—–-])", line))
        elif line:
            address_lines.append(line)
    return name, [a for a in aliases if a], " ".join(address_lines)


def _alias(text: str) -> str:
    """An alias without its list punctuation (``—CETC 26; and`` → ``CETC 26``), keeping ``Ltd.``'s dot."""
    text = re.sub(r"(?:;\s*and|;|,\s*and)\s*$", "", text.strip(" —–-")).strip()
    if text.endswith(".") and text.rsplit(" ", 1)[-1].rstrip(".").lower() not in _ABBREVIATIONS:
        text = text[:-1]
    return text.strip()


def _entity(source_id: str, list_label: str, country_name: str, paragraphs: list[str], notes: list[str],
            values: dict[str, tuple[list[str], list[str]]], seen: Counter[str], where: str) -> Entity:
    name, aliases, address = _split_entity(paragraphs)
    if not name:
        raise ParseError(source_id, f"{where}: entity cell with no name")
    code = list_country(country_name)
    base = f"{source_id}:{(code or 'xx').lower()}:{name_slug(name)}"
    seen[base] += 1
    requirement, req_notes = values.get("requirement", ([], []))
    policy, pol_notes = values.get("policy", ([], []))
    citation_text, cit_notes = values.get("citation", ([], []))
    citations = fr_citations("\n".join(citation_text))
    dated = sorted(c.date for c in citations if c.date)
    markers = dict.fromkeys(notes + req_notes + pol_notes + cit_notes)
    return Entity(
        entity_id=base if seen[base] == 1 else f"{base}:{seen[base]}",
        source=source_id,
        list=list_label,
        schema="LegalEntity",
        name=name,
        aliases=[Alias(name=a, type="aka") for a in aliases],
        addresses=ear_lists.addresses(address, country_name),
        countries=[code] if code else [],
        listing_date=dated[0] if dated else "",
        citations=citations,
        licence_requirement=" ".join(requirement),
        licence_policy=" ".join(policy),
        flags=[f"footnote-{n}" for n in markers],
        raw_id=name,
    )
