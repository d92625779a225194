"""Search follows references at query time, and reads isotope notation; real entries of both lists."""

from __future__ import annotations

import importlib

import pytest

from exportcheck.controls import ControlData, search
from exportcheck.controls.search import _child_share as child_share
from exportcheck.controls.search import isotope_words, query_groups, query_parameters
from exportcheck.controls.search_index import SearchIndex, refers_to_goods
from tests.controls.conftest import entry_row

#: the module (``exportcheck.controls.search`` as an attribute is the function of that name)
search_mod = importlib.import_module("exportcheck.controls.search")


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
    # the symbol, a hyphen and the mass number, as "Ge-73", "Si-29", "He-3" (control-search-9)
    assert isotope_words("ge-73") == "germanium isotopes" and isotope_words("he-3") == "helium isotopes"
    for word in ("300mm", "5g", "28", "si", "193nm", "4k", "co-2", "in-line", "x-ray", "k-12"):
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


def test_test_equipment_refers_to_the_items_it_tests(index: SearchIndex) -> None:
    """EU 3B002.c "For testing items specified in 3A001.b.2." (MMIC amplifiers) and US 3B002.b "For testing microwave
    integrated circuits controlled by 3A001.b.2.": their own words say little of what is tested, so they refer to the
    named entries as goods defined by what they contain do; a test entry naming no code refers to nothing."""
    assert "3B002.c" in _referrers(index, "eu", "3A001.b.2")
    assert "3B002.a" in _referrers(index, "eu", "3A001.b.3.a")
    assert "3B002.b" in _referrers(index, "us", "3A001.b.2")
    assert refers_to_goods("For testing S-parameters of items specified in 3A001.b.3.")
    assert not refers_to_goods("equipment specially designed for testing discrete semiconductor devices")
    assert not any(index.codes[r].startswith("3B992.b.4") for rows in index.referrers.values() for r in rows)


def test_an_entry_having_any_of_its_sub_paragraphs_is_met_through_them(index: SearchIndex, control_data: ControlData,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """US 3B991.b.1.g (ion implantation equipment "having any of the following characteristics") is met through
    .g.2 ("beam energy exceeding 200 keV") by a 700 keV implanter, and not by a 150 keV one that meets none of its
    sub-paragraphs; a number the entry's own text fails earns nothing through a sub-paragraph."""
    g = entry_row(index, "us", "3B991.b.1.g")
    share, why = child_share(index, g, query_parameters("implanter, 700 keV"), [])
    assert share > 0 and "3B991.b.1.g.2" in why[0]
    assert child_share(index, g, query_parameters("implanter, 150 keV"), [])[0] == 0
    failed = [{"query": "700 keV", "entry": "x", "meets": False}]
    assert child_share(index, g, query_parameters("implanter, 700 keV"), failed)[0] == 0

    def score(child_param: float) -> float:
        monkeypatch.setattr(search_mod, "CHILD_PARAM", child_param)
        hits = search("MeV implanter for retrograde wells, 2 MeV boron", regime="us", limit=20, data=control_data)
        return max(h.score for h in hits if h.code.startswith("3B991.b.1.g"))

    assert score(search_mod.CHILD_PARAM) > score(0.0)
