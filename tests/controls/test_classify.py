"""Items judged against the entries in force on their date: the outcomes issue 11 requires."""

from __future__ import annotations

import pytest

from exportcheck.controls.classifier import classify
from exportcheck.controls.facts import description_facts, stated_facts
from exportcheck.errors import InputError


def _by_code(result):  # type: ignore[no-untyped-def]
    return {e.code: e for e in result.entries}


def test_euv_scanner_meets_3b001_f_1_a(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("EUV scanner with a 13.5 nm light source", regime="eu", as_of="2026-01-10", data=control_data)
    e = _by_code(r)["3B001.f.1"]
    assert e.status == "meets" and e.kind_matched
    assert any("13,5 nm < 193 nm" in line for line in e.met)
    assert _by_code(r)["3B501.f.1"].status == "excluded"
    assert "read from the description" in r.read_from_description


def test_krf_scanner_meets_neither_lithography_entry(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("KrF scanner, 248 nm, NA 0.80", regime="eu", as_of="2026-01-10", data=control_data)
    by = _by_code(r)
    assert by["3B001.f.1"].status == "excluded" and by["3B501.f.1"].status == "excluded"
    assert any("248 × 0,35 / 0,8 = 108,5 nm" in f for f in by["3B001.f.1"].failing)
    assert any("248 × 0,25 / 0,8 = 77,5 nm" in f for f in by["3B501.f.1"].failing)
    assert not r.meets


@pytest.mark.parametrize(("overlay", "status"), [("1.3 nm", "meets"), ("1,50 nm", "meets"), ("1.6 nm", "excluded")])
def test_arf_immersion_na_120_depends_on_dedicated_chuck_overlay(control_data, overlay: str, status: str) -> None:  # type: ignore[no-untyped-def]
    r = classify("ArF immersion scanner", {"numerical_aperture": 1.20, "dedicated_chuck_overlay": overlay},
                 regime="eu", as_of="2026-01-10", data=control_data)
    by = _by_code(r)
    assert by["3B001.f.1"].status == "excluded"
    assert by["3B501.f.1"].status == status
    if status == "meets":
        assert any("MRF = λ × K / NA max = 193 × 0,25 / 1,2 = 40,2 nm ≤ 45 nm" in m for m in by["3B501.f.1"].met)


def test_arf_immersion_without_overlay_stays_open_naming_it(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("ArF immersion scanner NA 1.20", regime="eu", as_of="2026-01-10", data=control_data)
    e = _by_code(r)["3B501.f.1"]
    assert e.status == "open" and "dedicated_chuck_overlay" in e.missing
    assert "dedicated_chuck_overlay" in r.missing()


def test_2024_export_is_read_against_the_annex_in_force_then(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("ArF immersion scanner", {"numerical_aperture": 1.20, "dedicated_chuck_overlay": "1.3 nm"},
                 regime="eu", as_of="2024-02-05", data=control_data)
    assert r.basis == "bracketing"
    assert "3B501.f.1" not in _by_code(r)
    assert any(x.startswith("3B501.f.1") for x in r.not_in_force)
    assert _by_code(r)["3B001.f.1"].status == "excluded"
    assert not r.meets


def test_calibration_part_never_meets_on_keywords(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("a part used to calibrate a lithography machine", regime="eu", as_of="2024-02-05", data=control_data)
    assert r.entries and not r.meets
    assert all(e.status != "meets" for e in r.entries if e.code.startswith(("6B007", "9E003")))


def test_a_part_is_not_taken_as_the_listed_equipment(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("spare part for an EUV scanner", regime="eu", as_of="2026-01-10", data=control_data)
    e = _by_code(r).get("3B001.f.1")
    assert e is None or (e.status == "open" and not e.kind_matched)


def test_claimed_code_sets_the_kind(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("tool", {"wavelength": "13.5 nm"}, regime="eu", as_of="2026-01-10", codes=["3B001.f.1"],
                 data=control_data)
    assert _by_code(r)["3B001.f.1"].status == "meets"


def test_dutch_annex_is_said_plainly_not_held(control_data) -> None:  # type: ignore[no-untyped-def]
    r = classify("ArF immersion scanner", regime="nl", data=control_data)
    assert any("not held" in m for m in r.messages) and not r.entries


def test_facts_from_descriptions_and_parameters() -> None:
    facts = description_facts("immersion scanner 193 nm, NA 0.93, overlay 1.4 nm, etch selectivity of 150:1, "
                              "features of 20 nm, minimum beam size 8 nm")
    assert {k: f.value for k, f in facts.items()} == {"numerical_aperture": 0.93, "selectivity": 150.0, "wavelength": 193.0,
                                                      "overlay": 1.4, "feature_size": 20.0, "beam_size": 8.0}
    assert "dedicated_chuck_overlay" not in facts  # a plain overlay is not the entry's 'dedicated chuck overlay'
    stated = stated_facts({"wavelength": "193 nm", "NA": 1.35, "dedicated chuck overlay": "1,3 nm"})
    assert stated["dedicated_chuck_overlay"].value == 1.3 and stated["numerical_aperture"].value == 1.35
    with pytest.raises(InputError, match="unknown unit"):
        stated_facts({"wavelength": "193 parsecs"})


def test_item_verdicts_for_the_destination(control_data) -> None:  # type: ignore[no-untyped-def]
    from exportcheck.controls.eu_licence import item_verdict

    euv = classify("EUV scanner with a 13.5 nm light source", regime="eu", as_of="2026-01-10", data=control_data)
    status, why = item_verdict(euv, "item-not-controlled", "CN")
    assert status == "contradicted" and "3B001.f.1" in why and "13,5 nm < 193 nm" in why
    assert item_verdict(euv, "no-licence-required", "US")[0] == "undetermined"  # EU001 may cover it
    assert item_verdict(euv, "no-licence-required", "DE")[0] == "undetermined"  # not an export
    krf = classify("KrF scanner, 248 nm, NA 0.80", regime="eu", as_of="2026-01-10", data=control_data)
    assert item_verdict(krf, "item-not-controlled", "CN")[0] == "consistent"


def test_labelled_verdict_set_precision_and_recall(control_data) -> None:  # type: ignore[no-untyped-def]
    from exportcheck.bench.criteria import verdicts

    table, scores = verdicts(control_data)
    assert scores["claims"] >= 40 and 0.4 <= scores["should_contradict"] / scores["claims"] <= 0.6
    assert scores["precision"] == 1.0, table[~table.right]
    assert scores["recall"] >= 0.9, table[~table.right]


def test_a_parameter_word_does_not_make_a_scanner_an_imprint_tool(control_data) -> None:  # type: ignore[no-untyped-def]
    """'features of 20 nm' shares the word 'features' with 3B001.f.2 (imprint lithography): that is not the kind."""
    r = classify("ArF immersion scanner with features of 20 nm", regime="eu", as_of="2026-01-10", data=control_data)
    f2 = _by_code(r).get("3B001.f.2")
    assert f2 is None or f2.status != "meets"
    assert not r.meets
    euv = classify("EUV scanner with a 13.5 nm light source", regime="eu", as_of="2026-01-10", data=control_data)
    pellicles = _by_code(euv).get("3B501.m")  # a search candidate or not: 'EUV' names a wavelength, not pellicles
    assert pellicles is None or not pellicles.kind_matched
