"""jp-meti-eul on METI's real XLSX of 2025-09-29: counts and cells read with openpyxl, not the parser's reader."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import openpyxl
import pytest

from exportcheck.errors import ParseError
from exportcheck.formats import meti_eul
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.sources import get_source
from tests.conftest import raw_file

XLSX = "meti-end-user-list_2025-09-29_20250929_4.xlsx"
CTX = ParseContext("jp-meti-eul", "METI End User List")


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    book = openpyxl.load_workbook(raw_file("jp-meti-eul", XLSX), read_only=True)
    sheet = book["ユーザーリスト"]
    found = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(min_row=2, values_only=True)]
    book.close()
    return [r for r in found if any(c.strip() for c in r[1:5])]


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return meti_eul.parse([raw_file("jp-meti-eul", XLSX)], CTX)


def test_every_row_is_an_entry(rows: list[list[str]], parsed: Parsed) -> None:
    assert len(rows) == len(parsed.records) == 835  # METI's published total (SOURCES.md)
    assert parsed.warnings == []
    countries = Counter(r[1].split("\n")[-1] for r in rows)
    by_code = Counter(e.countries[0] for e in parsed.records)
    assert by_code["CN"] == countries["People's Republic of China"] == 127
    assert by_code["IR"] == countries["Islamic Republic of Iran"]
    assert sum(by_code.values()) == 835  # every country cell resolved


def test_concern_codes(rows: list[list[str]], parsed: Parsed) -> None:
    cw_only = [r for r in rows if not r[4].strip() and "CW" in r[5]]
    assert len(cw_only) == 54  # SOURCES.md: 54 rows are CW-only
    assert sum(1 for e in parsed.records if e.programs == ["CW"]) == 54
    full_width = [r for r in rows if "Ｎ" in r[4]]
    assert len(full_width) == 2
    nuclear = sum(1 for r in rows if "N" in unicodedata.normalize("NFKC", r[4]).split("\n")[-1])
    assert sum(1 for e in parsed.records if "N" in e.programs) == nuclear


def test_aliases_and_kanji_names(rows: list[list[str]], parsed: Parsed) -> None:
    def cjk_only(line: str) -> bool:  # a name in Chinese characters or kana: CJK-only, or bracketed with CJK
        cjk = any("\u4e00" <= ch <= "\u9fff" or "\u30a0" <= ch <= "\u30fa" for ch in line)
        return cjk and (line.strip().startswith(("(", "（")) or not any(ch.isascii() and ch.isalpha() for ch in line))

    lines = [line.strip() for r in rows for cell in (r[2], r[3]) for line in cell.split("\n") if line.strip()]
    names = [line.strip("・ ") for line in lines if line.startswith(("・", "(", "（"))
             or not any(ch.isascii() and ch.isalpha() for ch in line)]
    assert len(names) < len(lines)  # the rest are the names in column C and a few wrapped alias lines
    trailing = re.compile(r"[A-Za-z].*[（(][^()（）]*[\u4e00-\u9fff][^()（）]*[）)]$")  # "Name （漢字）" on one line
    kanji = sum(1 for line in lines if cjk_only(line) or trailing.search(line))
    # every CJK line (bracketed, bulleted, or a name of its own) is a cjk-script name, except where an
    # entry's only name is Japanese (セソン技術貿易 and three more): that is its name
    japanese_named = [r[2] for r in rows if not any(ch.isascii() and ch.isalpha() for ch in r[2])]
    assert len(japanese_named) == 4 and sorted(e.name for e in parsed.records if e.name in japanese_named) == \
        sorted(japanese_named)
    assert sum(1 for e in parsed.records for a in e.aliases if a.type == "cjk-script") == kanji - len(japanese_named)
    expected_aka = 0
    for r in rows:  # bulleted Latin names (or a lone unbulleted one), bracketed acronyms, less repeats of the name
        first = r[2].split("\n")[0].strip()
        alias_lines = [line.strip() for line in r[3].split("\n") if line.strip()]
        bulleted = [" ".join(line[1:].split()) for line in alias_lines if line.startswith("・") and not cjk_only(line)]
        if not any(line.startswith("・") for line in alias_lines) and len(alias_lines) == 1 and not cjk_only(alias_lines[0]):
            bulleted = alias_lines
        acronyms = [line.strip()[1:-1] for line in r[2].split("\n")[1:]
                    if line.strip().startswith(("(", "（")) and not cjk_only(line)]
        expected_aka += len(set(bulleted + acronyms) - {first})
    assert sum(1 for e in parsed.records for a in e.aliases if a.type == "aka") == expected_aka
    by_name = {e.name: e for e in parsed.records}
    assert "Guangzhou Tian-Hai-Xiang Aviation Technology Co., Ltd." in by_name  # a wrapped name is one name
    assert "KIPAS" in {a.name for a in by_name["KIMIA PART SIVAN COMPANY LLC"].aliases}
    urals = {a.name for a in by_name["Joint Stock Company Uraltransmash"].aliases}
    assert "Aktsionernoe Obshchestvo Uralskiy Zavod Transportnogo Mashinostroeniya" in urals
    cetc10 = next(e for e in parsed.records if e.name.startswith("10th Research Institute of China Electronic"))
    assert {"中国電子科技集団公司第十研究所", "中国西南電子技術研究所", "CETC 10th Research Institute"} <= {a.name for a in cetc10.aliases}
    assert cetc10.countries == ["CN"]
    japanese_only = next(e for e in parsed.records if e.name == "セソン技術貿易")
    assert japanese_only.countries == ["KP"]


def test_ids_do_not_use_row_numbers(parsed: Parsed) -> None:
    assert len({e.entity_id for e in parsed.records}) == 835
    assert not any(e.entity_id.split(":")[-1].isdigit() for e in parsed.records)


def test_wrong_sheet_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(ParseError, match="no sheet named"):
        meti_eul.parse([tmp_path / "other.xlsx"], CTX)


def test_declaration() -> None:
    source = get_source("jp-meti-eul")
    assert source.spec.nature == "foreign-export-control" and source.spec.jurisdiction == "JP"
    assert source.verified
    assert not any(f.matches_primary(PDF) for f in source.formats)  # read by parse_pdf, not declared (too slow)
    assert not any(f.matches_primary("meti-notice_2025-09-29_20250929_2.pdf") for f in source.formats)


PDF = "meti-end-user-list_2025-01-31_20250131003-1.pdf"


@pytest.fixture(scope="module")
def parsed_pdf() -> Parsed:
    return meti_eul.parse_pdf([raw_file("jp-meti-eul", PDF)], CTX)


def test_pdf_edition_rows_and_agreement_with_the_xlsx(parsed_pdf: Parsed, parsed: Parsed) -> None:
    assert len(parsed_pdf.records) == 748  # SOURCES.md: rows 1-748 with no gaps (the parser checks the numbering)
    assert [e.raw_id for e in parsed_pdf.records] == [str(i) for i in range(1, 749)]
    assert parsed_pdf.warnings == []
    assert not any("CW" in e.programs for e in parsed_pdf.records)  # no CW column before September 2025
    # The September XLSX, read by another path, keeps most January entries under the same id.
    xlsx = {e.entity_id: e for e in parsed.records}
    same = [e for e in parsed_pdf.records if e.entity_id in xlsx]
    assert len(same) >= 700
    wmd = [e for e in same if [c for c in xlsx[e.entity_id].programs if c != "CW"] == e.programs]
    assert len(wmd) >= 0.95 * len(same)
    first = parsed_pdf.records[0]
    assert (first.name, first.countries) == ("Al Qa'ida/Islamic Army", ["AF"])  # "Islamic Republic of\nAfghanistan"
    kim = next(e for e in parsed_pdf.records if e.name == "Kim Chaek Iron Works")
    assert {"金策製鉄所", "金策製鉄連合企業所"} <= {a.name for a in kim.aliases}


def test_pdf_with_a_missing_page_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2  # pdfplumber's own dependency

    document = pypdfium2.PdfDocument(raw_file("jp-meti-eul", PDF))
    for index in range(len(document) - 1, 3, -1):
        document.del_page(index)  # keep pages 1-4 (a short file to parse) ...
    document.del_page(2)  # ... and drop page 3: its rows are missing, the numbering breaks
    cut = tmp_path / "cut.pdf"
    document.save(cut)
    document.close()
    with pytest.raises(ParseError, match="not numbered"):
        meti_eul.parse_pdf([cut], CTX)
