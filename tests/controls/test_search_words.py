"""Control search: how description words are read (word senses the stemmer conflates, trade notations), on the real
EU 2025 and US CCL entries. Each test names behaviour that a change to tokenisation or to ``search_terms.yaml`` could
silently undo."""

from __future__ import annotations

import importlib

from exportcheck.controls import ControlData, search
from exportcheck.controls.search import ion_words, organometallic_words, query_groups, query_parameters
from exportcheck.controls.search_index import SearchIndex, normalise, read_parameters, tpp_parameters
from tests.controls.conftest import entry_row as _row

#: the module (``exportcheck.controls.search`` as an attribute is the function of that name)
search_mod = importlib.import_module("exportcheck.controls.search")


def test_resists_are_photoresists_and_not_resistance_or_resistivity(index: SearchIndex) -> None:
    """Snowball stems "resistant" and "resistivity" to "resist"; every "resist(s)" in the lists is a photoresist
    (3C002, 3C992), so "resists" is folded to "photoresist" and keeps apart from "corrosion resistant" (2B350) and
    "high resistivity" (3C005)."""
    assert normalise("positive resists") == "positive photoresist"
    assert index.terms("resists") == index.terms("photoresist") == ["photoresist"]
    assert not set(index.terms("resistant resistivity resistance")) & set(index.terms("resist"))
    assert "photoresist" in index.row_terms(_row(index, "us", "3C992"))
    assert "photoresist" not in index.row_terms(_row(index, "eu", "3C005.a"))


def test_semi_insulating_is_searched_as_high_resistivity(control_data: ControlData) -> None:
    """A semi-insulating substrate is one of very high resistivity: 3C005 ("High resistivity materials") ranks first
    for it, ahead of the hetero-epitaxial 3C001 that merely names silicon carbide."""
    hits = search("semi-insulating SiC wafer", regime="eu", limit=5, data=control_data)
    assert hits[0].code.startswith("3C005")
    assert search("semi-insulating substrate", regime="eu", limit=1, data=control_data)[0].code.startswith("3C005")


def test_purity_in_nines_is_compared_as_a_percentage(control_data: ControlData) -> None:
    """"6N" is 99.9999 %: it meets 3C004's "purity greater (better) than 99,999 %"; "4N" (99.99 %) does not."""
    assert [p.text for p in query_parameters("TMGa 5N5 grade")] == ["99.9995 %"]
    assert not query_parameters("2N2222 transistor, 1N4148 diode")
    for stated, meets in (("6N", True), ("4N", False)):
        (hit,) = [h for h in search(f"phosphine {stated}", regime="eu", limit=5, data=control_data) if h.code == "3C004"]
        assert [(p["entry"], p["meets"]) for p in hit.parameters] == [("99,999 %", meets)]


def test_organometallic_precursors_are_read_by_their_central_atom(control_data: ControlData) -> None:
    """Systematic precursor names and their standard abbreviations are organo-metallic compounds of their central atom
    (3C003.a: aluminium, gallium, indium; 3C003.b: organo-arsenic/-antimony/-phosphorus); other words are left alone."""
    assert organometallic_words("triethylgallium").endswith("compound gallium")
    assert organometallic_words("tertiarybutylarsine").endswith("compound arsenic")
    assert organometallic_words("tetrakisdimethylaminotitanium").endswith("compound titanium")
    assert organometallic_words("gallium") == organometallic_words("trimethyl") == organometallic_words("methylsilane") == ""
    for text in ("triethylgallium, 99.9999%", "trimethylindium precursor", "TMAl bubbler"):
        assert search(text, regime="eu", limit=1, data=control_data)[0].code == "3C003.a"
    assert search("tertiarybutylarsine", regime="eu", limit=1, data=control_data)[0].code == "3C003.b"


def test_maskless_is_searched_as_direct_writing(control_data: ControlData) -> None:
    """Maskless patterning writes the pattern directly: "direct writing methods" (3B001.f.4) rank above mask making
    (3B001.f.3), and implantation's "direct write capability" (3B001.b.3) above the other implanters."""
    assert search("maskless electron beam lithography", regime="eu", limit=1, data=control_data)[0].code.startswith(
        "3B001.f.4")
    assert search("maskless ion implantation", regime="eu", limit=1, data=control_data)[0].code == "3B001.b.3"


def test_a_trade_word_for_a_kind_of_software_names_software() -> None:
    """"ILT" and "OPC" are computational lithography software (their synonyms say so): a description naming one asks
    for software (D) even without the word, so 3D003 is not held back as software for a description of goods."""
    assert query_groups("curvilinear ILT mask synthesis for EUV reticles") == {"D"}
    assert query_groups("OPC for ArF immersion photomasks") == {"D"}
    assert query_groups("patterned EUV reticle on a Mo/Si multilayer blank") == set()


def test_hydride_formulas_are_searched_as_hydrides(control_data: ControlData) -> None:
    """"AsH3" and "PH3" are arsine and phosphine, hydrides of arsenic and phosphorus: 3C004 ranks first."""
    for text in ("AsH3 cylinder, 99.9995%", "PH3 gas"):
        assert search(text, regime="eu", limit=1, data=control_data)[0].code == "3C004"


def test_heater_zones_are_individually_controllable_temperature_elements(control_data: ControlData) -> None:
    """A chuck's "zones" are the "individually controllable variable temperature elements" of EU 3B501.k.2.c (no entry
    says "zone"): that paragraph ranks first for a chuck described by its zones."""
    assert search("wafer chuck, 40 heater zones", regime="eu", limit=1, data=control_data)[0].code == "3B501.k.2.c"


def test_total_processing_performance_is_read_and_computed_from_a_rate_of_operations(control_data: ControlData) -> None:
    """TPP = TOPS × bit length (the 3A090/3A501.a.16 technical note): "989 TFLOPS dense BF16" is TPP 15,824, compared
    with "a 'total processing performance' of 4800 or more" (US 3A090.a.1); a sparse rate, or one without its number
    format, gives no TPP; the lists' thresholds are read with their sense."""
    (rate,) = tpp_parameters("data-centre GPU, 989 TFLOPS dense BF16, 80 GB HBM3")
    assert (rate.value, rate.unit, rate.relation) == (15824.0, "TPP", "=")
    assert [p.value for p in tpp_parameters("2,250 dense FP8 TFLOPS")] == [18000.0]
    assert not tpp_parameters("1979 TOPS INT8 with sparsity") and not tpp_parameters("8 TOPS or more")
    assert [(p.value, p.relation) for p in tpp_parameters(
        "a 'total processing performance' of 2400 or more and less than 4800")] == [(2400.0, ">"), (4800.0, "<")]
    hits = search("GPU, 989 TFLOPS dense BF16", regime="us", limit=3, data=control_data)
    a1 = next(h for h in hits if h.code == "3A090.a.1")
    assert [(p["entry"], p["meets"]) for p in a1.parameters] == [("total processing performance' of 4800 or more", True)]


def test_a_stated_number_meets_a_range_only_inside_both_bounds() -> None:
    """"greater than 20 °C and less than 500 °C" (US 3B001.d.13) is one range: 300 °C meets it, 600 °C does not, though
    600 °C is greater than 20 °C (the bonus of a met threshold went to any number meeting one bound)."""
    entry = read_parameters("while maintaining the wafer substrate at a temperature greater than 20 °C and less than 500 °C")
    inside, _ = search_mod._compare(entry, read_parameters("deposition at 300 °C"))
    outside, details = search_mod._compare(entry, read_parameters("deposition at 600 °C"))
    assert inside == search_mod.PARAM_MATCH and outside == search_mod.PARAM_UNIT
    assert [d["meets"] for d in details] == [True, False]  # both comparisons are still shown


def test_ion_species_are_searched_as_their_elements(control_data: ControlData) -> None:
    """"H+", "He+", "BF2+" are ions of hydrogen, helium and boron: the hydrogen/helium implant paragraph 3B001.b.2 ranks
    first for an "H+ implanter". "P+"/"N+" (heavily doped) and "C++" are not read as ions."""
    assert ion_words("H+ and He+ implanter, BF2+ and As+ beams") == ["hydrogen", "helium", "boron", "arsenic"]
    assert ion_words("P+ and N+ doped regions, C++ firmware") == []
    for text in ("H+ implanter for layer transfer", "He+ implanter"):
        assert search(text, regime="eu", limit=1, data=control_data)[0].code == "3B001.b.2"


def test_boards_and_cards_are_electronic_assemblies(index: SearchIndex, control_data: ControlData) -> None:
    """A card or (mother/base)board is what the lists call an "electronic assembly" (components connected together,
    replaceable as an entity): the computers-with-AI-ICs entry US 4A090 ("Computers, "electronic assemblies," and
    "components" containing integrated circuits ...") comes up for a board described without the word."""
    (group,) = [g for g in search_mod.query_weights(index, "motherboard") if g]
    assert set(index.terms("electronic assemblies")) <= set(group)
    codes = [h.code for h in search("motherboard for an inference server", regime="us", limit=5, data=control_data)]
    assert "4A090.a" in codes and "4A090.b" in codes


def test_trade_acronyms_and_names_are_searched_as_the_lists_word_them(index: SearchIndex,
                                                                     control_data: ControlData) -> None:
    """"HPSI" (high-purity semi-insulating) is very high resistivity (3C005); "place-and-route" and a "PDK" are ECAD
    software (a software request, EU 3D006 for GAAFET designs); a "UV-curable" imprint resist is 3C002.e's
    "photo-curable" one."""
    assert search("HPSI 4H-SiC, 150 mm", regime="us", limit=1, data=control_data)[0].code.startswith("3C005")
    assert query_groups("place-and-route for a GAA PDK") == {"D"}
    assert search("place-and-route for gate-all-around designs", regime="eu", limit=1,
                  data=control_data)[0].code.startswith("3D006")
    assert any(set(index.terms("photo curable")) <= set(g) for g in search_mod.query_weights(index, "UV-curable"))


def test_the_lists_names_of_the_light_imply_its_wavelength(control_data: ControlData) -> None:
    """"Extreme ultraviolet" written out implies 13.5 nm as "EUV" does (and "deep ultraviolet" 193 nm as "DUV"), once
    even when the number is stated too: the scanner paragraph "light source wavelength shorter than 193 nm" (EU
    3B001.f.1.a) is then compared with it."""
    assert [p.text for p in query_parameters("lithography with extreme ultraviolet light")] == ["13.5 nm"]
    assert [p.text for p in query_parameters("EUV, extreme ultraviolet, 13.5 nm")] == ["13.5 nm"]
    assert [p.text for p in query_parameters("deep-ultraviolet exposure")] == ["193 nm"]
    assert not query_parameters("ultraviolet lamp, extreme conditions")
    hits = search("exposure machines working with extreme ultraviolet light", regime="eu", limit=5, data=control_data)
    (f1,) = [h for h in hits if h.code.startswith("3B001.f.1")]
    assert any(p["meets"] and "193" in str(p["entry"]) for p in f1.parameters)


def test_the_words_of_a_rate_read_as_tpp_are_not_searched() -> None:
    """"2,000 TOPS INT8 dense" is TPP 16,000, compared with 3A090's thresholds; its words are not searched too: stemmed,
    "dense" matched the "performance density" of US 3A090.b and ranked it above 3A090.a.1 (TPP 4800 or more). A rate
    not read as TPP (no number format, or sparse) keeps its words, and so does "dense" elsewhere."""
    assert {"tops", "int8", "dense"} <= search_mod.stated_units("GPU, 2,000 TOPS INT8 dense")
    assert not search_mod.stated_units("8 TOPS or more") and not search_mod.stated_units("dense carbon hardmask")
    assert not search_mod.stated_units("1979 TOPS INT8 with sparsity")


def test_a_dense_rate_ranks_the_tpp_threshold_it_meets_first(control_data: ControlData) -> None:
    assert search("GPU, 2,000 TOPS INT8 dense", regime="us", limit=1, data=control_data)[0].code == "3A090.a.1"


def test_plain_and_press_words_are_searched_as_the_lists_word_them(index: SearchIndex,
                                                                   control_data: ControlData) -> None:
    """control-search-9: a "light-sensitive"/"photosensitive" coating is a photoresist; tools that "carve" holes etch
    them; an "MCU" is a microcontroller microcircuit; "polysilicon" is polycrystalline silicon; equipment that "grows"
    layers is epitaxial growth equipment (the stemmer keeps "grow" apart from "growth")."""
    def expanded(text: str, words: str) -> bool:
        return any(set(index.terms(words)) <= set(g) for g in search_mod.query_weights(index, text))

    assert expanded("light-sensitive coating", "photoresist") and expanded("photosensitive film", "photoresist")
    assert expanded("tools that carve holes", "etching") and not expanded("tools that cut holes", "etching")
    assert expanded("32-bit MCU", "microcontroller microcircuits")
    assert expanded("polysilicon rods", "polycrystalline silicon")
    assert expanded("grows GaAs layers", "growth") and index.terms("grows") != index.terms("growth")

    def top5(text: str, regime: str) -> list[str]:
        return [h.code for h in search(text, regime=regime, limit=5, data=control_data)]

    assert any(c.startswith(("3C002", "3C992")) for c in top5("light-sensitive coating for 365 nm lithography", "us"))
    assert any(c.startswith(("3B001.c", "3B993.c")) for c in top5("machines that carve deep trenches with plasma", "us"))
    assert any(c.startswith("3A991.a") for c in top5("automotive MCU, 300 MHz clock", "us"))
    assert any(c.startswith("3B991.b.1.a") for c in top5("polysilicon production reactor", "us"))
    assert any(c.startswith("3B001.a") for c in top5("equipment that grows gallium arsenide crystal layers", "eu"))


def test_two_word_names_of_software_and_technology_name_the_group() -> None:
    """"technical data" and "technical assistance" are the forms "technology" takes (the lists' definitions), "source
    code" a form of "software"; neither word alone names a group."""
    assert query_groups("technical data package for building cryocoolers") == {"E"}
    assert query_groups("technical assistance with commissioning an etcher") == {"E"}
    assert query_groups("source code of a scanner's exposure control") == {"D"}
    assert query_groups("data logger for a vacuum gauge") == set()
    assert query_groups("ion source with a code wheel") == set()
