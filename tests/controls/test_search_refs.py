"""Search follows references at query time, and reads isotope notation; real entries of both lists."""

from __future__ import annotations

from exportcheck.controls import ControlData, search
from exportcheck.controls.search import isotope_words, query_groups
from exportcheck.controls.search_index import SearchIndex
from tests.controls.conftest import entry_row


def _referrers(index: SearchIndex, regime: str, code: str) -> set[str]:
    return {index.codes[r] for r in index.referrers.get(entry_row(index, regime, code), [])}


def test_a_named_entrys_sub_paragraphs_lead_back_to_the_software_naming_it(index: SearchIndex) -> None:
    """US 3D001 names "3B (except 3B001.a.4, c, d, ...)": MOCVD reactors (3B001.a.2) lead to it, the excluded
    SiGe epitaxy (3B001.a.4) does not; US 3D992.a names "3B001.a.4, c, d ...", so the reverse. EU 3D002 names
    "3B001.a. to 3B001.f." — a sub-paragraph three levels down (3B001.a.3, MBE) still leads to it."""
    assert {"3D001", "3E001"} <= _referrers(index, "us", "3B001.a.2")
    assert "3D992.a" not in _referrers(index, "us", "3B001.a.2")
    assert "3D992.a" in _referrers(index, "us", "3B001.a.4.b")
    assert "3D001" not in _referrers(index, "us", "3B001.a.4.b")
    assert "3D002" in _referrers(index, "eu", "3B001.a.3")
    assert "3D002" not in _referrers(index, "eu", "3B001.g")  # the range ends at .f


def test_goods_defined_by_what_they_contain_refer_to_it(index: SearchIndex) -> None:
    """EU 4A507: "Computers ... containing one or more integrated circuits, specified by 3A501.a.16.";
    US 4A090.a: "... containing integrated circuits, any of which meets or exceeds the limits in 3A090.a."."""
    assert "4A507" in _referrers(index, "eu", "3A501.a.16")
    assert "4A090.a" in _referrers(index, "us", "3A090.a.1")
    assert "4A090.a" not in _referrers(index, "us", "3A090.b.1")  # 3A090.b is 4A090.b's


def test_software_asked_for_ranks_the_entry_naming_the_item(control_data: ControlData) -> None:
    """The item's own words are in the goods entry only; the software entry that names it ranks through it."""
    query = "software designed for the development of MOCVD reactors"
    assert query_groups(query) == {"D"}
    us = [h.code for h in search(query, regime="us", limit=5, data=control_data)]
    eu = [h.code for h in search(query, regime="eu", limit=5, data=control_data)]
    assert "3D001" in us and "3D001" in eu
    # goods asked for: software entries take nothing from what they name
    goods = search("MOCVD reactor for gallium nitride epitaxy", regime="us", limit=5, data=control_data)
    assert goods[0].code.startswith("3B001.a.2") and not any(h.code.startswith("3D") for h in goods)


def test_isotope_notation_is_read_as_the_element() -> None:
    assert isotope_words("28si") == "silicon isotopes"
    assert isotope_words("70ge") == "germanium isotopes"
    assert isotope_words("3he") == "helium isotopes"
    for word in ("300mm", "5g", "28", "si", "193nm", "4k"):
        assert isotope_words(word) == ""


def test_an_isotope_written_as_a_datasheet_writes_it_finds_the_isotope_entries(control_data: ControlData) -> None:
    """"28Si" is no word of the lists: without the reading, only "wafer" and "substrate" would be searched."""
    for regime, codes in (("eu", ("3C507.a", "3C508.a", "3C509.a")), ("us", ("3C907.a", "3C908.a", "3C909"))):
        hits = search("28Si wafer substrate, 99.99% 28Si", regime=regime, limit=5, data=control_data)
        assert hits[0].code.startswith(codes)
        assert {"silicon", "isotop"} <= set(hits[0].matched_terms)


def test_a_note_about_a_sub_paragraph_is_searched_with_it(index: SearchIndex) -> None:
    """EU 3B501.k holds "Note 2: 3B501.k.2. includes etching using RF pulse excited plasma ... plasma atomic layer
    etching": the words are 3B501.k.2's, not its parent's. A note about the entry itself stays with it."""
    k, k2 = entry_row(index, "eu", "3B501.k"), entry_row(index, "eu", "3B501.k.2")
    assert "atomic layer etching" in index.note_texts[k2]
    assert "atomic layer etching" not in index.note_texts[k]
    assert "3B501.k. includes etching by 'radicals'" in index.note_texts[k]  # Note 1 is about 3B501.k
    n1b = entry_row(index, "eu", "3B501.n.1.b")
    assert index.note_texts[n1b].startswith("For the purposes of 3B501.n.1.b., 'area selective deposition'")


def test_plasma_atomic_layer_etch_finds_the_sub_paragraph(control_data: ControlData) -> None:
    hits = search("plasma atomic layer etch chamber with RF pulse excited plasma", regime="eu", limit=3,
                  data=control_data)
    assert hits[0].code.startswith("3B501.k.2")


def test_a_sub_paragraph_is_compared_with_its_ancestors_numbers_too(index: SearchIndex) -> None:
    """US 3B994.b: "... ion implantation of 300mm wafers as follows:" holds for 3B994.b.2.c ("angular accuracy equal
    to or less (better) than 0.1 degrees"), which is compared in degrees, an angle whatever word is nearest."""
    from exportcheck.controls.params import extract_parameters
    from exportcheck.controls.search_index import by_unit

    params = index.parameters(entry_row(index, "us", "3B994.b.2.c"))
    assert [(p.value, p.unit, p.relation, p.quantity) for p in params] == [
        (0.1, "°", "<", "angle"), (0.3, "m", "=", "size")]
    (stated,) = by_unit(extract_parameters("beam angle control to 0.05 degrees"))
    assert params[0].satisfied_by(stated) is True
    top = index.parameters(entry_row(index, "us", "3B994"))
    assert all(p not in top for p in params)  # nothing flows upwards
