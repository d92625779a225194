"""Reading one row of an ECCN's License Requirements table: which paragraphs it covers, which destinations.

An ECCN's table pairs a control ("NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j") with a
Country Chart instruction ("NS Column 2.", "Worldwide control. See § 742.4(a)(5)", "To or within Macau
or a destination specified in Country Group D:5 ..."). Why a parser and not a column lookup: only
some rows name a column; the others name a group rule, a worldwide control or another section, and
reading those as "no X" would turn a licence requirement into a "no licence" (15 CFR 738.4(a)(1)).
Where a row's wording is not one of the shapes read here, it stays text for a person to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from exportcheck.formats.common import country_code

Coverage = Literal["all", "part", "none"]
ChartKind = Literal["column", "worldwide", "destinations", "text"]

_COLUMNS = re.compile(r"\b([A-Z]{2})\s+Column\s+(\d)\b")
_PARA = r"[a-z](?:\.[a-z0-9]+)*"
_REF = re.compile(rf"^({_PARA})(?:\s+(?:to|through)\s+\.?({_PARA}))?$")
_GROUPS = re.compile(r"\b([A-E]:\d)\b")
_WORLDWIDE = re.compile(r"worldwide control|any destination worldwide|license is required for all destinations", re.I)


@dataclass(frozen=True)
class Applies:
    """The paragraphs a control row covers: every paragraph, or the listed ones minus exceptions."""

    entire: bool
    refs: tuple[tuple[str, str], ...] = ()  # (first, last) paragraph paths; last == first for a single one
    excepted: tuple[str, ...] = ()
    condition: str = ""  # wording beyond paragraph numbers ("when usable in missiles"): needs reading

    def covers(self, paragraph: str) -> Coverage:
        """Does the row cover ``paragraph`` ("" = the whole ECCN, "f.1" = 3B001.f.1)?"""
        if any(_within(paragraph, e) for e in self.excepted):
            return "none"
        if self.entire:
            return "part" if any(_within(e, paragraph) for e in self.excepted) else "all"
        if not self.refs:
            return "part"  # wording that names no paragraph ("technology for commodities controlled by 3A001"): may cover
        best: Coverage = "none"
        for first, last in self.refs:
            found = _range_covers(paragraph, first, last)
            if found == "all":
                return "all"
            if found == "part":
                best = "part"
        return best


def _parts(path: str) -> list[str]:
    return [p for p in path.split(".") if p]


def _within(path: str, ancestor: str) -> bool:
    """``path`` is ``ancestor`` or below it."""
    p, a = _parts(path), _parts(ancestor)
    return len(p) >= len(a) and p[:len(a)] == a


def _key(part: str) -> tuple[int, int]:
    return (0, int(part)) if part.isdigit() else (1, ord(part[0]) if len(part) == 1 else 10_000)


def _range_covers(paragraph: str, first: str, last: str) -> Coverage:
    p, f, t = _parts(paragraph), _parts(first), _parts(last)
    if len(f) != len(t) or f[:-1] != t[:-1]:
        t = f  # an unusual range ("a.1 to b.2"): read only its first paragraph
    depth = len(f)
    if len(p) >= depth and p[:depth - 1] == f[:-1] and _key(f[-1]) <= _key(p[depth - 1]) <= _key(t[-1]):
        return "all"
    if len(p) < depth and f[:len(p)] == p:
        return "part"  # the paragraph asked about contains the covered ones
    return "none"


def parse_applies(eccn: str, text: str) -> Applies:
    """``applies_to`` of a licence row ("entire entry", "3B001.a.1 to a.3, b, e", "... except 0D606.y")."""
    body = " ".join(text.split()).rstrip(". ")
    body = re.sub(rf"\b{re.escape(eccn)}\.", "", body)
    head, _, excepted = body.partition(" except ")
    if head.lower().startswith("entire entry"):
        rest = head[len("entire entry"):].strip(" ,;")
        exc = tuple(p for p in re.findall(rf"(?<![\w.])\.?({_PARA})\b", excepted) if "." in p or len(p) == 1)
        return Applies(entire=True, excepted=exc, condition=(rest or "").strip())
    refs: list[tuple[str, str]] = []
    leftovers: list[str] = []
    for chunk in re.split(r"[,;]|\band\b", head):
        chunk = chunk.strip().lstrip(".").strip()
        if not chunk:
            continue
        m = _REF.match(chunk)
        if m:
            refs.append((m.group(1), m.group(2) or m.group(1)))
            continue
        leftovers.append(chunk)
        refs.extend((c, c) for c in re.findall(rf"(?<![\w.])({_PARA}\.[a-z0-9]+)\b", chunk))
    condition = "; ".join(leftovers)
    if excepted:
        condition = (condition + "; " if condition else "") + "except " + excepted
    return Applies(entire=False, refs=tuple(refs), condition=condition)


@dataclass(frozen=True)
class ChartRule:
    """What the Country Chart column of a licence row says about destinations."""

    kind: ChartKind
    columns: tuple[str, ...] = ()  # "NS2" ...
    countries: tuple[str, ...] = ()  # ISO-2 named in a destination rule
    groups: tuple[str, ...] = ()
    excluded_groups: tuple[str, ...] = ()
    except_countries: tuple[str, ...] = ()
    sections: tuple[str, ...] = field(default=())

    def requires(self, iso: str, marks: set[str], groups: set[str]) -> bool | None:
        """True: a licence is required for this destination; False: the row puts no requirement on it; None: read."""
        if self.kind == "column":
            return any(c in marks for c in self.columns)
        if self.kind == "worldwide":
            return iso not in self.except_countries
        if self.kind == "destinations":
            if groups & set(self.excluded_groups):
                return False
            return iso in self.countries or bool(groups & set(self.groups))
        return None


def parse_chart(text: str) -> ChartRule:
    """The Country Chart instruction of a licence row, or ``kind="text"`` where it is not one of the known shapes."""
    flat = " ".join(text.split())
    sections = tuple(re.findall(r"§+\s*([\d.]+(?:\([a-z0-9]+\))*)", flat))
    columns = tuple(f"{a}{n}" for a, n in _COLUMNS.findall(flat))
    if columns and not re.search(r"to or within|worldwide", flat, re.I):
        return ChartRule("column", columns=columns, sections=sections)
    if _WORLDWIDE.search(flat):
        exc = re.search(r"except ([A-Z][a-z]+(?: [A-Z][a-z]+)*)", flat)
        except_iso = (country_code(exc.group(1)),) if exc and country_code(exc.group(1)) else ()
        return ChartRule("worldwide", except_countries=except_iso, sections=sections)
    m = re.match(r"To or within (.*?)(?:,? or )?(?:a )?destinations? specified in Country Groups? (.*)$", flat, re.I)
    if m:
        named, rest = m.group(1), m.group(2)
        included, _, excluded = rest.partition("excluding")
        isos = tuple(c for c in (country_code(n.strip().removeprefix("the ")) for n in re.split(r",| or ", named) if n.strip())
                     if c)
        return ChartRule("destinations", countries=isos, groups=tuple(_GROUPS.findall(included.split(". See")[0])),
                         excluded_groups=tuple(_GROUPS.findall(excluded.split(". See")[0])), sections=sections)
    m = re.match(r"^((?:[A-Z][a-z]+,? )+(?:or [A-Z][a-z]+))\s*\(see", flat)
    if m:
        names = [n.strip() for n in re.split(r",| or ", m.group(1)) if n.strip()]
        isos = tuple(c for c in (country_code(n) for n in names) if c)
        if len(isos) == len(names):
            return ChartRule("destinations", countries=isos, sections=sections)
    return ChartRule("text", sections=sections)
