"""Search: parameters compared, scores 0..1, labels that exist, and the held-out recall floor on real entries."""

from __future__ import annotations

import re

import pytest

from exportcheck.bench.controls_search import load_cases, recall, run_cases
from exportcheck.controls import ControlData, extract_parameters, search
from exportcheck.controls.search import query_parameters, query_weights, search_terms, stated_units
from exportcheck.controls.search_index import (
    borrowing,
    build_index,
    by_unit,
    excluded_references,
    group_rows,
    references,
    same_item,
)

#: Held-out recall@5 over both regimes was 0.930 (132 of 142 pairs; EU 0.962, US 0.910) when this floor was set,
#: after borrowed search text, named-entry text for software/technology and the residual-entry cap; tuning 0.987.
#: Then 0.937 (133 of 142; EU 0.962, US 0.921) after units read as numbers only and unknown trade words searched
#: through their expansion in full, measured once; tuning 0.989 on 167 descriptions (69 added, labels first).
#: Then 0.944 (134 of 142; EU 0.962, US 0.933) after a number's quantity follows its unit and phrase (params.py)
#: and bare group references ("or 3B") are read, measured once by the lead; tuning 0.989. Target 0.95: one pair short.
#: Then 0.958 (136 of 142; EU 0.962, US 0.955) after the 2026-11-28 tuning batch and the changes it led to (an entry met
#: through its sub-paragraphs, the lists' words for press and trade wording), measured once by the lead; tuning 0.945 on
#: 691 pairs. The floor is now the issue's target: a change that loses the target fails here.
HOLDOUT_RECALL_AT_5_FLOOR = 0.95


def test_parameters_read_relations_and_decimal_commas() -> None:
    got = [(round(p.value * 1e9) if p.unit == "m" else p.value, p.unit, p.relation) for p in extract_parameters(
        "uniform to less than ± 2,5 % across a distance of 75 mm or more; shorter than 193 nm")]
    assert got == [(2.5, "%", "<"), (75_000_000, "m", ">"), (193, "m", "<")]
    (q,) = extract_parameters("cooled to 4 K")
    assert q.unit == "K" and q.value == 4.0


def test_search_explains_parameters(control_data: ControlData) -> None:
    hits = search("193 nm immersion scanner with 1.5 nm overlay", limit=10, data=control_data)
    scanners = ("3B001.f.1", "3B501.f.1", "3B993.f.1")
    assert any(h.code == s or h.code.startswith(s + ".") for h in hits for s in scanners)
    with_params = [h for h in hits if h.parameters]
    assert with_params and "nm" in with_params[0].explanation
    assert all(h.matched_terms for h in hits)
    us_only = search("EUV pellicle", regime="us", limit=3, data=control_data)
    assert us_only and all(h.regime == "us" for h in us_only) and us_only[0].rank == 1


def test_scores_are_shares_between_0_and_1(control_data: ControlData) -> None:
    hits = search("atomic layer deposition of tungsten", limit=10, data=control_data)
    assert hits and all(0.0 < h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # the share of what the query could reach: the same words against a longer, vaguer entry score less
    (best,) = search("atomic layer deposition of tungsten", regime="us", limit=1, data=control_data)
    assert best.score < 1.0 and "tungsten" in best.matched_terms


def test_hits_name_different_places_to_read(control_data: ControlData) -> None:
    hits = search("scanning electron microscope stage laser interferometry", regime="us", limit=5, data=control_data)
    codes = [h.code for h in hits]
    for i, code in enumerate(codes):
        assert not any(c.startswith(code + ".") or code.startswith(c + ".") for c in codes[:i] + codes[i + 1:])


def test_a_residual_entry_takes_one_place(control_data: ControlData) -> None:
    """US 3B991 ("Equipment not controlled by 3B001, 3B993, or 3B994", AT only) is shown once, not three times."""
    hits = search("electron beam mask writer", regime="us", limit=5, data=control_data)
    assert sum(h.code.startswith("3B991.") for h in hits) == 1
    assert sum(h.code.startswith("3B001.") for h in hits) >= 2


def test_synonyms_have_notes_and_trade_words_imply_only_wavelengths() -> None:
    synonyms, implied = search_terms()
    assert {"scanner", "stepper", "immersion", "euv", "etcher", "implanter", "cryostat", "dilution"} <= set(synonyms)
    assert all(re.fullmatch(r"wavelength [\d.]+ nm", text) for text in implied.values())


def test_labels_name_entries_that_exist(control_data: ControlData) -> None:
    """Every labelled code is an entry of the real EU 2025 or US file: a typo would silently never be found."""
    entries = control_data.entries
    known = set(zip(entries.regime, entries.code, strict=True))
    cases = load_cases()
    assert len(cases) >= 150
    assert {c.split for c in cases} == {"tuning", "holdout"}
    missing = [(regime, code, c.query) for c in cases for regime, codes in (c.expect | c.excluded_by).items()
               for code in codes if (regime, code) not in known]
    assert not missing
    assert all(set(c.expect) | c.not_listed for c in cases)


def test_heading_only_us_entries_are_found_through_the_eu_text_of_the_same_number(control_data: ControlData) -> None:
    """US 2B001's held text is its heading ("Machine tools ... for removing metals"): five axes are in EU 2B001.b only."""
    hits = search("five-axis machine tool for contouring, positioning accuracy 5 µm", regime="us", limit=5,
                  data=control_data)
    (hit,) = [h for h in hits if h.code == "2B001"]
    us_text = control_data.entries.query("regime == 'us' and code == '2B001'").text.iloc[0]
    assert hit.borrowed_from.startswith("eu:2B001.") and "02021R0821-20251115" in hit.borrowed_from
    assert hit.text == us_text and hit.version.startswith("eCFR")  # the US entry is shown, never the EU text
    assert hit.explanation.startswith("found through the EU text of the same number")
    assert hit.parameters == []  # borrowed text is never compared with stated numbers
    # an entry with its own paragraphs is found by them, never through borrowed text
    own = search("193 nm immersion scanner with 1.5 nm overlay", regime="us", limit=5, data=control_data)
    assert own and all(h.borrowed_from == "" for h in own if h.code.startswith("3B001"))


def test_borrowing_only_for_heading_only_entries_naming_the_same_item(control_data: ControlData) -> None:
    frame = control_data.entries
    selected = frame[(frame.regime == "us") | (frame.version == "02021R0821-20251115")].reset_index(drop=True)
    lent = {selected.code[row]: {selected.code[s] for s in sources} for row, sources in borrowing(selected).items()}
    assert {"2B350", "2B001", "6A005"} <= set(lent) and "2B350.d" in lent["2B350"]
    assert all(code.split(".")[0] == us for us, codes in lent.items() for code in codes)
    assert "3B001" not in lent and "3A001" not in lent  # they have their own paragraphs
    # the lists do not always agree on a number: US 9A120 is a whole UAV, EU 9A120 a propellant tank
    assert "9A120" not in lent
    assert not same_item("Complete unmanned aerial vehicles, not specified in 9A012", "Liquid or gel propellant tanks")
    assert same_item("Other “technology” as follows (see List of Items Controlled).", "Other \"technology\" as follows:")
    assert same_item("Valves having all of the following characteristics", "Valves having all of the following:")


def test_references_read_ranges_and_shorthand_and_leave_exclusions_out() -> None:
    us_3d001 = ("“Software” “specially designed” for the “development” or “production” of commodities controlled by "
                "3A001.b to 3A002.h, 3A090, or 3B (except 3B001.a.4, c, d, f.1, k to n, 3B903, or 3B994).")
    assert references(us_3d001) == ["3A001.b", "3A002.h", "3A090", "3B"]
    assert {"3B001.a.4", "3B001.k", "3B001.l", "3B903", "3B994"} <= excluded_references(us_3d001)
    assert references("“Software” for the “development” or “production” of commodities specified in 3B001.a.4, c, "
                      "f.1, k to m, or 3B002.c and “software” as follows") == [
        "3B001.a.4", "3B001.c", "3B001.f.1", "3B001.k", "3B001.l", "3B001.m", "3B002.c"]
    assert references('"Software" specially designed for the "use" of equipment specified in 3B001.a. to 3B001.c., '
                      '3B501.k. or 3B501.n.') == ["3B001.a", "3B001.b", "3B001.c", "3B501.k", "3B501.n"]
    assert references("“Software”, other than that controlled by 2D002, as follows") == []


def test_software_entries_are_found_by_the_items_they_name(control_data: ControlData) -> None:
    """US 3D901 names 3B904 ("Cryogenic wafer probing equipment") by number only."""
    hits = search("software for developing cryogenic wafer probers", regime="us", limit=5, data=control_data)
    assert "3D901" in [h.code for h in hits]
    (hit,) = [h for h in hits if h.code == "3D901"]
    assert "cryogen" in hit.matched_terms and "cryogen" not in " ".join(control_data.entries.query(
        "regime == 'us' and code == '3D901'").text).lower()


def test_synonyms_apply_to_plurals_and_product_generations(control_data: ControlData) -> None:
    (first, second) = search("ellipsometers", regime="us", limit=2, data=control_data)  # key: ellipsometer
    assert "3B994.q.3" in (first.code, second.code)
    assert {"thin", "film"} <= set(next(h for h in (first, second) if h.code == "3B994.q.3").matched_terms)
    (hit,) = search("HBM3E", regime="us", limit=1, data=control_data)  # key: hbm (high bandwidth memory)
    assert "memori" in hit.matched_terms
    # "AI" is searched as "artificial intelligence" only: the lists' own "AI" is avian influenza (1C351)
    assert all(not h.code.startswith("1C351") for h in search("AI chips", regime="us", limit=5, data=control_data))


def test_units_are_compared_as_numbers_not_searched_as_words(control_data: ControlData) -> None:
    """"8 nm resolution" is a number to compare; as the word "nm" it matched every entry with a length in nm."""
    assert stated_units("high-NA EUV scanner, 8 nm resolution, 13.5 nm source, 30 keV 12 mA") >= {"nm", "kev", "ma"}
    # EUV implies 13.5 nm; stated as well, it is one fact, not two bonuses
    assert [p.text for p in query_parameters("EUV scanner, 13.5 nm source")] == ["13.5 nm"]
    hits = search("high-NA EUV scanner, 0.55 NA anamorphic projection optics, 8 nm resolution, 13.5 nm source",
                  regime="us", limit=5, data=control_data)
    assert all("nm" not in h.matched_terms for h in hits)
    assert any(h.code.startswith("3B001.f.1") for h in hits)


def test_the_unit_fixes_the_quantity_compared() -> None:
    """"current implanter, 1 mA beam": "implanter" is the nearest quantity word (energy), but mA is a current."""
    (current, energy) = by_unit(extract_parameters("current implanter, 1 mA beam, 300 keV"))
    assert (current.quantity, energy.quantity) == ("current", "energy")
    (threshold,) = by_unit(extract_parameters("Beam current greater than 1uA and less than 5mA"))
    assert threshold.satisfied_by(current) is True


def test_a_word_no_entry_uses_counts_through_its_expansion(control_data: ControlData) -> None:
    search("warm up", data=control_data)
    index = next(v for k, v in control_data.cache.items() if k.startswith("search-index:") and v is not None)
    (group,) = query_weights(index, "nanoimprint")  # no entry says "nanoimprint": "imprint lithography" in full
    assert group["imprint"] == 1.0
    (known,) = query_weights(index, "implant")  # "implant" is: its expansion stays below the typed word
    assert known["implant"] == 1.0 and all(w < 1.0 for t, w in known.items() if t != "implant")
    hits = search("arsine gas, 99.9995% purity", regime="eu", limit=5, data=control_data)
    assert any(h.code.startswith("3C004") for h in hits)


@pytest.fixture(scope="module")
def outcomes(control_data: ControlData):  # type: ignore[no-untyped-def]
    return run_cases(control_data, load_cases())


#: Descriptions in the labelled set before the 2026-11-27 tuning batch (control-search-8), which added 100 harder
#: tuning descriptions (their recall@5 was 0.946 over the whole tuning half with the code of that day, 0.991 without
#: them). The 0.98 floor on the tuning half stays on the descriptions it was set on; the enlarged half has its own.
BEFORE_2026_11_27 = 421
#: Tuning recall@5 over the half enlarged by the 2026-11-27 batch: 0.953 (569 of 597 pairs) when this floor was set.
TUNING_RECALL_AT_5_FLOOR = 0.94
#: Descriptions before the 2026-11-28 tuning batch (control-search-9: 60 descriptions, 94 listed pairs, written before
#: any search ran on them; their recall@5 was 0.691 with the code of that day, the whole tuning half's 0.923). The 0.94
#: floor stays on the 597 pairs it was set on; the half enlarged again has its own.
BEFORE_2026_11_28 = 521
#: Tuning recall@5 over the whole tuning half (691 pairs): 0.923 with the code before control-search-9's changes.
ENLARGED_TUNING_RECALL_AT_5_FLOOR = 0.91


def test_held_out_recall_at_5_floor(outcomes) -> None:  # type: ignore[no-untyped-def]
    value, n = recall(outcomes, 5, "holdout")
    assert n >= 100
    assert value >= HOLDOUT_RECALL_AT_5_FLOOR
    earlier = {c.query for c in load_cases()[:BEFORE_2026_11_27]}
    tuning, n_earlier = recall([o for o in outcomes if o.case.query in earlier], 5, "tuning")
    assert n_earlier >= 450 and tuning >= 0.98
    before_batch_9 = {c.query for c in load_cases()[:BEFORE_2026_11_28]}
    tuning, n_before_batch_9 = recall([o for o in outcomes if o.case.query in before_batch_9], 5, "tuning")
    assert n_before_batch_9 > n_earlier and tuning >= TUNING_RECALL_AT_5_FLOOR
    tuning, n_all = recall(outcomes, 5, "tuning")
    assert n_all > n_before_batch_9 and tuning >= ENLARGED_TUNING_RECALL_AT_5_FLOOR


def test_bare_group_references_read_every_entry_of_the_group_but_its_exclusions() -> None:
    """Real entry phrases: US 3D001 "... or 3B (except ...)", US 8E001 "8A (Except 8A992), 8B or 8C", EU 2E001."""
    assert references('equipment or "software" specified in 2A, 2B or 2D.') == ["2A", "2B", "2D"]
    us_8e001 = "Equipment or Materials, Controlled by 8A (Except 8A992), 8B or 8C."
    assert references(us_8e001) == ["8A", "8B", "8C"] and excluded_references(us_8e001) == {"8A992"}
    assert references("specified by 7A. (except 7A994), 7B. (except 7B994), 7D001") == ["7A", "7B", "7D001"]
    # a "3D" that is not in a list of codes names no group (EU 9D004.a)
    assert references('2D or 3D viscous "software", validated with wind tunnel data') == []
    rows = [("3B001", 0), ("3B001.a", 1), ("3B001.a.2", 2), ("3B001.a.4", 3), ("3B903", 4), ("3A001", 5), ("3B904", 6)]
    assert group_rows("3B", rows, {"3B001.a.4", "3B903"}) == [0, 1, 2, 6]


def test_software_entries_naming_a_whole_group_are_found_by_its_entries_words(control_data: ControlData) -> None:
    """US 3D001 names "3B (except ... 3B903, 3B904 ...)": MOCVD reactors (3B001.a.2) are in it, SEMs (3B903) and
    cryogenic probers (3B904) are not."""
    frame = control_data.entries
    selected = frame[(frame.regime == "us") | (frame.version == "02021R0821-20251115")].reset_index(drop=True)
    index = build_index(selected)
    (row,) = [r for r, (regime, code) in enumerate(zip(index.regimes, index.codes, strict=True))
              if regime == "us" and code == "3D001"]
    refs = index.refs[row].split()
    assert "mocvd" in refs and "epitaxial" in refs
    assert "cryogenic" not in refs  # only 3B904, excluded, says it


def test_a_sub_paragraph_whose_own_threshold_is_met_takes_its_parents_place(control_data: ControlData) -> None:
    """US 3B994.b.2 "Ion implantation equipment as follows" has 3B994.b.2.c "angular accuracy equal to or less
    (better) than 0.1 degrees": a stated 0.05 degrees singles out the sub-paragraph, without one the parent stays."""
    stated = search("ion implanter for 300 mm wafers with beam angle control to 0.05 degrees", regime="us", limit=5,
                    data=control_data)
    codes = [h.code for h in stated]
    assert "3B994.b.2.c" in codes and "3B994.b.2" not in codes
    hit = stated[codes.index("3B994.b.2.c")]
    assert "shown instead of 3B994.b.2" in hit.explanation
    assert any(p["meets"] and "0.1" in str(p["entry"]) for p in hit.parameters)
    plain = [h.code for h in search("ion implanter for 300 mm wafers", regime="us", limit=5, data=control_data)]
    assert "3B994.b.2" in plain or "3B994.b" in plain
    assert not any(c.startswith("3B994.b.2.") for c in plain)
    assert [h.rank for h in stated] == [1, 2, 3, 4, 5]


def test_a_greek_mu_unit_is_compared_like_the_micro_sign(control_data: ControlData) -> None:
    """The EU Annex I writes "600 μW" with the Greek mu (U+03BC): it is compared as microwatts."""
    from exportcheck.controls.search_index import read_parameters

    greek, micro = read_parameters("600 \u03bcW"), read_parameters("600 \u00b5W")
    assert [(round(p.value, 9), p.unit) for p in greek] == [(round(p.value, 9), p.unit) for p in micro] == [(6e-4, "W")]
    hits = search("dilution refrigerator delivering 1 mW at 100 mK", regime="eu", limit=10, data=control_data)
    (hit,) = [h for h in hits if h.code == "3A504.a"]
    assert any(p["meets"] and "W" in str(p["entry"]) and "1 mW" in str(p["query"]) for p in hit.parameters)
