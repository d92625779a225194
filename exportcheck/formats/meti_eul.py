"""Parser for Japan's METI End User List (外国ユーザーリスト), the XLSX METI publishes.

Source: https://www.meti.go.jp/policy/anpo/ (e.g. ``20250929_4.xlsx``, in force 2025-10-09; SOURCES.md,
third pass). One sheet ``ユーザーリスト``; column A is the formula ``=ROW()-1`` (its cached value is
the row number, so it is no id: it shifts whenever METI inserts a row); B the country or region as
``Japanese\\nEnglish``; C the name, where North Korean and Chinese entries add the Japanese (kanji)
name on a line of its own in brackets; D the other names, one per ``・``-bulleted line (a bracketed
kanji line belongs to the name above it); E the WMD concern as ``Japanese\\nB,C,M,N`` (B biological,
C chemical, M missile, N nuclear; some rows use ``、``, a full-width ``Ｎ`` or no line break); F, from
the September 2025 edition, ``通常兵器\\nCW`` for a conventional-weapons concern.

Why the names stay apart: the bracketed line is how METI writes the name in Chinese characters (in
Japanese forms, or in the simplified Chinese of the entity's own name), and an exporter screens that
spelling; it is kept as an alias of type ``cjk-script``. A few entries (e.g. ``セソン技術貿易``) have
only a Japanese name: it is then the entry's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from normality import slugify

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, country_code
from exportcheck.formats.xlsx import read_rows
from exportcheck.model import Alias, Entity

SHEET = "ユーザーリスト"
CONCERNS = {"B": "biological", "C": "chemical", "M": "missile", "N": "nuclear", "CW": "conventional weapons"}
#: Header cells (their English half) in the order the parser reads them.
HEADER = ("No.", "Country or Region", "Company or Organization", "Also Known As", "Type of WMD")
_BRACKETED = re.compile(r"^[（(](.+)[）)]$")
_CJK = re.compile(r"[\u3040-\u30fa\u3400-\u9fff\uf900-\ufaff]")
_CODES = re.compile(r"[A-Z]+")
_TRAILING_CJK = re.compile(r"^(.*\S)\s*[（(]([^()（）]*[\u3400-\u9fff][^()（）]*)[）)]$")


def _lines(cell: str) -> list[str]:
    return [clean(line) for line in (cell or "").splitlines() if clean(line)]


def names_in(cell: str, bulleted: bool) -> list[tuple[str, str]]:
    """``(name, type)`` pairs of a name cell: Latin names ``aka``, names in Chinese characters ``cjk-script``.

    A bracketed line is a name of its own (``(鴨緑江開発銀行)``, or an acronym such as ``（KIPAS）``). In the
    alias column a new name starts at each ``・`` (an unbulleted Latin line continues the name above it,
    unless the cell holds no bullet at all); in the name column the first line is the name and further
    Latin lines continue it (``Guangzhou Tian-Hai-Xiang Aviation`` / ``Technology Co., Ltd.``).
    """
    found: list[tuple[str, str]] = []
    has_bullets = bulleted and any(line.lstrip().startswith(("・", "･")) for line in (cell or "").splitlines())
    for line in _lines(cell):
        bracketed = _BRACKETED.match(line)
        if bracketed:
            inner = clean(bracketed.group(1))
            found.append((inner, "cjk-script" if _CJK.search(inner) else "aka"))
            continue
        text = clean(line.lstrip("・･").strip())
        if not text:
            continue
        trailing = _TRAILING_CJK.match(text)  # "... (CETC 14) （中国電子科技集団公司第十四研究所）" on one line
        if trailing and re.search(r"[A-Za-z]", trailing.group(1)):
            text = trailing.group(1)
            tail: tuple[str, str] | None = (clean(trailing.group(2)), "cjk-script")
        else:
            tail = None
        script = bool(_CJK.search(text)) and not re.search(r"[A-Za-z]", text)
        starts = line.startswith(("・", "･")) if has_bullets else not found
        if not script and not starts and found and found[-1][1] == "aka":
            found[-1] = (f"{found[-1][0]} {text}", "aka")  # a wrapped line
        else:
            found.append((text, "cjk-script" if script else "aka"))
        if tail:
            found.append(tail)
    return found


def concern_codes(cell: str, allowed: set[str]) -> list[str]:
    """The ASCII codes of a concern cell (``生物、化学\\nB,C`` → ``["B", "C"]``; full-width ``Ｎ`` read as N)."""
    codes = _CODES.findall(unicodedata.normalize("NFKC", cell or ""))
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValueError(f"unknown concern code(s) {', '.join(unknown)} in {cell!r}")
    return list(dict.fromkeys(codes))


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """The XLSX edition: one entity per row; ``entity_id`` = ``<source>:<country>:<slug of the English name>``.

    Row numbers are not ids: METI renumbers the list with every edition.
    """
    (path,) = paths
    _sheet, rows = read_rows(path, ctx.source_id, SHEET)
    return _parsed(rows, path.name, ctx)


def parse_pdf(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """The PDF edition (to January 2025: five columns, no CW column), read with pdfplumber's table finder.

    Why it can be trusted: the table is ruled, every row is numbered, and the parse fails unless the
    numbers run 1..N without a gap or repeat (a row split over two pages is joined to the row above it).
    """
    (path,) = paths
    sid = ctx.source_id
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - the `pdf` extra is part of `dev`
        raise ParseError(sid, f"{path.name}: reading METI's PDF needs pdfplumber (pip install 'exportcheck[pdf]')") from exc
    rows: list[list[str]] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables():
                    for raw in table:
                        cells = [c or "" for c in raw]
                        if rows and _lines(cells[1])[-1:] == ["Country or Region"]:
                            continue  # the header repeated on a later page
                        if rows and len(rows) > 1 and not clean(cells[0]):
                            rows[-1] = [f"{a}\n{b}" if b else a for a, b in zip(rows[-1], cells, strict=False)]
                            continue
                        rows.append(cells)
    except Exception as exc:  # pdfminer raises many types for a damaged file; name the file, not the type
        raise ParseError(sid, f"{path.name}: not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    numbers = [clean(r[0]) for r in rows[1:]]
    if numbers != [str(i) for i in range(1, len(numbers) + 1)]:
        first_bad = next((i for i, n in enumerate(numbers, 1) if n != str(i)), len(numbers))
        raise ParseError(sid, f"{path.name}: rows are not numbered 1..{len(numbers)} (first break at row {first_bad}); "
                              "the table was not read reliably")
    return _parsed(rows, path.name, ctx)


def _parsed(rows: list[list[str]], file_name: str, ctx: ParseContext) -> Parsed:
    sid = ctx.source_id
    if not rows:
        raise ParseError(sid, f"{file_name}: the list is empty")
    header = [" ".join(_lines(h)[1:]) if len(_lines(h)) > 1 else clean(h) for h in rows[0]]
    if tuple(header[:5]) != HEADER:
        raise ParseError(sid, f"{file_name}: header {header[:5]} is not METI's End User List header {list(HEADER)}")
    has_cw = len(header) > 5 and header[5] == "Conventional Weapons"
    seen: Counter[str] = Counter()
    records: list[Entity] = []
    warnings: list[str] = []
    uncoded: set[str] = set()
    for line_no, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (6 - len(row))
        if not any(clean(c) for c in cells[:5]):
            continue
        if any(clean(c) for c in cells[6:]):
            warnings.append(f"{file_name} row {line_no}: cells beyond column F not read")
        country_lines = _lines(cells[1])
        # "アフガニスタン\nIslamic Republic of\nAfghanistan": Japanese first, the English after (wrapped in the PDF)
        country_en = " ".join(country_lines[1:]) if len(country_lines) > 1 else "".join(country_lines)
        code = country_code(country_en)
        if not code:
            uncoded.add(country_en)
        names = names_in(cells[2], bulleted=False)
        latin = [n for n, t in names if t == "aka"] or [n for n, _t in names]  # the first Latin line is the name
        if not latin:
            raise ParseError(sid, f"{file_name} row {line_no}: no name in column C")
        try:
            codes = concern_codes(cells[4], {"B", "C", "M", "N"})
            codes += concern_codes(cells[5], {"CW"}) if has_cw else []
        except ValueError as exc:
            raise ParseError(sid, f"{file_name} row {line_no}: {exc}") from exc
        if not codes:
            raise ParseError(sid, f"{file_name} row {line_no}: no WMD or conventional-weapons concern stated")
        aliases = [Alias(name=n, type=t) for n, t in [*names, *names_in(cells[3], bulleted=True)] if n != latin[0]]
        base = f"{sid}:{(code or 'xx').lower()}:{slugify(latin[0]) or 'x'}"
        seen[base] += 1
        records.append(Entity(
            entity_id=base if seen[base] == 1 else f"{base}:{seen[base]}",
            source=sid,
            list=ctx.list_label or "METI End User List",
            schema="Organization",
            name=latin[0],
            aliases=list({(a.name, a.type): a for a in aliases}.values()),
            countries=[code] if code else [],
            programs=codes,
            remarks="; ".join(p for p in (
                f"concern: {', '.join(CONCERNS[c] for c in codes)}",
                f"country or region as written: {' / '.join(country_lines)}",
                f"row {clean(cells[0])} of the list" if clean(cells[0]) else "") if p),
            raw_id=clean(cells[0]),
        ))
    if uncoded:
        warnings.append(f"{file_name}: country names with no ISO code: {', '.join(sorted(uncoded))}")
    return Parsed(records=records, data_date=None, data_date_basis="filename", warnings=warnings)
