"""What a number measures: the quantity follows its unit and the phrase it belongs to (real entry phrases)."""

from __future__ import annotations

import pytest

from exportcheck.controls.params import extract_parameters


def _read(text: str) -> list[tuple[str, str, str]]:
    return [(p.text, p.relation, p.quantity) for p in extract_parameters(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # US 3B993.f.4.b: "deep-ultraviolet" says what the tool is, not what 1.5 nm measures; both ends of the range
    ("Decrease the maximum 'dedicated chuck overlay' of deep-ultraviolet immersion lithography equipment above "
     "1.5 nm and below or equal to 2.4 nm.", [("1.5 nm", ">", "overlay"), ("2.4 nm", "<", "overlay")]),
    # US 3B993.f.2: an accuracy is a length, not a wavelength; "less (better) than or equal to" is "<"
    ("Lithography equipment having an overlay accuracy above 1.5 nm and less (better) than or equal to 4.0 nm.",
     [("1.5 nm", ">", "overlay"), ("4.0 nm", "<", "overlay")]),
    # US 3B001.f.1.b.1: the parenthesised (MRF) does not end the phrase
    ("Capability to produce a pattern with a “Minimum Resolvable Feature size” (MRF) of 45 nm or less; and",
     [("45 nm", "<", "resolution")]),
    # US 3B001.f.3.b.1: two numbers, two quantities in one sentence
    ("A Full-Width Half-Maximum (FWHM) spot size smaller than 65 nm and an image placement less than 17 nm",
     [("65 nm", "<", "resolution"), ("17 nm", "<", "overlay")]),
    # US 3B001.d.17.a: "on metal features" after the number does not make a thickness a feature size
    ("A thickness of more than 6 nm and less than 20 nm on metal features having less than",
     [("6 nm", ">", "thickness"), ("20 nm", "<", "thickness")]),
])
def test_lengths_that_are_not_wavelengths(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # US 3B001.f.1.a: "light source wavelength"
    ("A light source wavelength shorter than 193 nm; or", [("193 nm", "<", "wavelength")]),
    # EU 6A005.a.2: a laser's output wavelength, and its power in W (not a length)
    ("Output wavelength of 150 nm or more but not exceeding 510 nm and output power exceeding 30 W;",
     [("150 nm", ">", "wavelength"), ("510 nm", "<", "wavelength"), ("30 W", ">", "power")]),
    # US 3C002.a.1: "wavelengths" (the old reading found "length" in it and called 193 nm a size)
    ("Resists adjusted (optimized) for use at wavelengths less than 193 nm but equal to or greater than 15 nm;",
     [("193 nm", "<", "wavelength"), ("15 nm", ">", "wavelength")]),
])
def test_wavelengths_in_entry_texts(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _read(text) == expected


def test_a_description_binds_each_number_to_its_own_phrase() -> None:
    """A datasheet line: the word right after a number names it, and a comma starts the next number's phrase."""
    assert _read("KrF scanner for 110 nm node, 248 nm excimer laser, NA 0.80, mix-and-match overlay 7 nm") == [
        ("110 nm", "=", "resolution"), ("248 nm", "=", "wavelength"), ("7 nm", "=", "overlay")]
    assert _read("193 nm immersion scanner with 1.5 nm overlay") == [("193 nm", "=", ""), ("1.5 nm", "=", "overlay")]
    # US 3B994.q.3: "300mm wafers" is a wafer size, though "critical dimension" comes earlier in the phrase
    (wafer,) = extract_parameters("optical critical dimension metrology equipment designed for 300mm wafers")
    assert wafer.quantity == "size"


def test_an_overlay_threshold_is_not_compared_with_a_wavelength() -> None:
    (overlay,) = [p for p in extract_parameters("'dedicated chuck overlay' of deep-ultraviolet immersion lithography "
                                                "equipment below or equal to 1.5 nm.")]
    (krf,) = extract_parameters("248 nm excimer laser")
    (stated,) = extract_parameters("overlay 1.2 nm")
    assert overlay.satisfied_by(krf) is None
    assert overlay.satisfied_by(stated) is True


def test_microwatts_the_named_quantity_and_a_minus_sign_are_read() -> None:
    """EU 3A504.a / US 3A904.a: "a cooling power greater than or equal to 600 µW at or below a temperature of
    0,1 K (-273,05 °C)". The power was not read at all, the temperature read as "about 0.1 K", and -273,05 °C as
    +273,05 °C; a dash between two numbers is a range, not a sign."""
    power, kelvin, celsius = extract_parameters(
        "cooling power greater than or equal to 600 µW at or below a temperature of 0,1 K (-273,05 °C) for 48 hours")
    assert (power.unit, power.relation) == ("W", ">") and abs(power.value - 6e-4) < 1e-12
    assert (kelvin.value, kelvin.relation) == (0.1, "<")
    # the minus sign kept, and °C compared in kelvin: the bracketed Celsius figure is the same threshold
    assert celsius.unit == "K" and abs(celsius.value - 0.1) < 1e-9 and celsius.text == "273,05 °C"
    (colder,) = extract_parameters("dilution refrigerator reaching -273,1 °C")
    assert kelvin.satisfied_by(colder) and not kelvin.satisfied_by(extract_parameters("cooled to -270 °C")[0])
    (high,) = extract_parameters("parametric amplifier, 4-12 GHz")
    assert high.value == 12e9
    stated = extract_parameters("dilution refrigerator, 800 µW at 100 mK")
    assert power.satisfied_by(stated[0]) and kelvin.satisfied_by(stated[1])
