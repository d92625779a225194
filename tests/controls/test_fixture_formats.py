"""Official shapes held here only as hand-written fixtures: eCFR part 774 XML and Staatscourant XML.

Both parsers are declared ``verified=False``; these tests pin what they read from their fixtures.
The real ``nl-national/PAGES_*.txt`` openings are read into zero entries with a clear warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.sources import get_source
from tests.conftest import raw_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "controls"


def test_ecfr_xml_fixture() -> None:
    parsed = get_source("us-ccl").format("ecfr-xml").read([FIXTURES / "ecfr_part774_sample.xml"])
    by = {e.code: e for e in parsed.records}
    assert set(by) == {"3B001", "3B001.a", "3B001.a.1", "3B001.b", "3B001.f", "3B001.f.1", "3B001.f.1.a",
                       "3B001.f.1.b", "3B001.l", "3B993", "3B993.a"}
    assert by["3B001"].reasons_for_control == ["NS", "RS", "AT"] and by["3B001"].country_chart == ["NS2", "AT1"]
    assert by["3B001.a.1"].notes[0].text.startswith("3B001.a.1 includes")
    assert by["3B001.f.1.b"].notes[0].kind == "Technical Note"
    assert by["3B001.b"].not_used and by["3B001"].valid_from == "2026-07-21"
    assert not get_source("us-ccl").official_format().verified  # type: ignore[union-attr]


def test_ecfr_xml_rejects_other_parts(tmp_path: Path) -> None:
    other = tmp_path / "title-15-part-774.xml"
    other.write_text('<DIV5 N="744" TYPE="PART"><DIV9 N="Supplement No. 4 to Part 744"/></DIV5>')
    with pytest.raises(ParseError, match=r"Supplement No\. 1 to Part 774"):
        get_source("us-ccl").format("ecfr-xml").read([other])


def test_staatscourant_fixture() -> None:
    parsed = get_source("nl-national").format("staatscourant-xml").read([FIXTURES / "stcrt-2024-99999.xml"])
    by = {e.code: e for e in parsed.records}
    assert set(by) == {"3B001.f.4", "3B001.f.4.a", "3B001.l", "3B001.d.12"}
    assert all(e.regime == "nl" and e.valid_from == "2024-09-07" for e in by.values())  # day after 2024-09-06
    assert by["3B001.l"].parent_code == "3B001" and "3B001" not in by  # no Dutch 3B001 invented
    assert by["3B001.f.4"].notes[0].kind == "Technische noot"


def test_staatscourant_without_annex_is_an_error(tmp_path: Path) -> None:
    bare = tmp_path / "stcrt-2023-1.xml"
    bare.write_text("<officiele-publicatie><metadata/><stcrt><regeling/></stcrt></officiele-publicatie>")
    with pytest.raises(ParseError, match="no <bijlage>"):
        get_source("nl-national").format("staatscourant-xml").read([bare])


def test_real_page_openings_hold_no_annex() -> None:
    paths = [raw_file("nl-national", "PAGES_stcrt-2023-18212_opening.txt"),
             raw_file("nl-national", "PAGES_stcrt-2024_BZ2404162_opening.txt")]
    parsed = get_source("nl-national").format("page-openings").read(paths)
    assert parsed.records == []
    docs = parsed.extra_tables["documents"]
    assert list(docs.dated) == ["2023-06-23", "2024-09-02"] and not docs.has_annex.any()
    assert len(parsed.warnings) == 2 and all("annex (BIJLAGE)" in w for w in parsed.warnings)
