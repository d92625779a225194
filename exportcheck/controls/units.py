"""Numbers and units as control texts write them, read into pint quantities.

Why pint: an entry says "958 K (685 °C)", a datasheet says "685 C"; "1,50 nm" and "1.5 nm" are the
same threshold; "15 µm" and "15000 nm" compare. Hand-written factors get offsets (°C) and prefixes
wrong; pint does not. The OJ writes decimal commas and groups thousands with (thin) spaces
("1 000"), the eCFR decimal points and commas for thousands ("1,000"): :func:`parse_number` reads
both, deciding a comma by the digits after it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: How units are written in the lists → pint unit names. Only these are read as units: a word such as
#: "a" or "m" alone is too ambiguous in running text to be taken as ampere or metre.
UNIT_WORDS: dict[str, str] = {
    "nm": "nanometer", "µm": "micrometer", "μm": "micrometer", "um": "micrometer", "micron": "micrometer",
    "microns": "micrometer", "micrometer": "micrometer", "micrometers": "micrometer", "percent": "percent",
    "mm": "millimeter", "cm": "centimeter", "m": "meter", "km": "kilometer",
    "pm": "picometer", "å": "angstrom",
    "k": "kelvin", "mk": "millikelvin", "°c": "degC", "°f": "degF",
    "hz": "hertz", "khz": "kilohertz", "mhz": "megahertz", "ghz": "gigahertz", "thz": "terahertz",
    "ev": "electron_volt", "kev": "kiloelectron_volt", "mev": "megaelectron_volt",
    "w": "watt", "mw": "milliwatt", "kw": "kilowatt", "µw": "microwatt", "uw": "microwatt", "nw": "nanowatt",
    "v": "volt", "kv": "kilovolt", "mv": "millivolt",
    "a": "ampere", "ma": "milliampere", "µa": "microampere", "na": "nanoampere",
    "pa": "pascal", "kpa": "kilopascal", "mpa": "megapascal", "gpa": "gigapascal", "bar": "bar", "mbar": "millibar",
    "s": "second", "seconds": "second", "milliseconds": "millisecond", "microseconds": "microsecond",
    "nanoseconds": "nanosecond", "minutes": "minute", "hours": "hour", "ms": "millisecond", "µs": "microsecond", "ns": "nanosecond", "ps": "picosecond", "fs": "femtosecond",
    "kg": "kilogram", "g": "gram", "mg": "milligram",
    "db": "decibel", "dbm": "dBm", "%": "percent", "degrees": "degree", "°": "degree",
    "rpm": "revolution_per_minute", "j": "joule", "kj": "kilojoule", "mj": "millijoule",
    "l": "liter", "t": "tesla",
    "wh/kg": "watt*hour/kilogram", "gbyte/s": "gigabyte/second", "tops": "tera_ops", "va": "volt*ampere", "kva": "kilovolt*ampere", "gy": "gray", "gy/s": "gray/second", "mrad": "milliradian",
    "gb/s": "gigabit/second", "tb/s": "terabit/second", "mb/s": "megabit/second", "gbps": "gigabit/second",
    "ppm": "ppm", "ppb": "ppb", "kn": "kilonewton", "n": "newton", "nm/s": "nanometer/second",
    "bit/s": "bit/second", "gbit/s": "gigabit/second", "mbit/s": "megabit/second",
    "bits": "bit", "bit": "bit", "byte": "byte",
}
#: Units that need their own spelling out of running text (longest first in the pattern).
_UNIT_ALTS = sorted([u for u in UNIT_WORDS if u not in {"a", "m", "s", "g", "l", "t", "j", "w", "v", "k", "°", "n"}]
                    + ["A", "m", "s", "g", "W", "V", "K", "J", "N"]
                    + [u.replace("µ", "μ") for u in UNIT_WORDS if "µ" in u], key=len, reverse=True)
NUMBER = r"(?:\d+(?:[.,]\d+)?\s?×\s?10\s?[-−]?\d{1,2}(?!\d)|\d{1,3}(?:[  \u2009\u202f]\d{3})+(?:[.,]\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
#: A number and a unit: "193 nm", "1,50 nm", "958 K", "685 °C", "2,5 %", "1 000 mm".
QUANTITY = re.compile(r"(?<![\w.,])(" + NUMBER + r")\s?(" + "|".join(re.escape(u) for u in _UNIT_ALTS)
                      + r")(?![\w/])", re.I)
#: A ratio "100:1" (selectivity, aspect ratio).
RATIO = re.compile(r"(?<![\w.,])(" + NUMBER + r")\s?:\s?1(?![\d])")


#: How each regime's texts write numbers (:func:`parse_number`'s ``decimal_comma``): the OJ with decimal commas, the
#: eCFR with commas between thousands; other texts (the Dutch national measures) are read without knowing.
DECIMAL_COMMA: dict[str, bool] = {"eu": True, "us": False}


def parse_number(raw: str, decimal_comma: bool | None = None) -> float:
    """``1,50`` → 1.5 (OJ decimal comma); ``1 000`` → 1000; ``1,000`` → 1000 (eCFR thousands); ``2.5`` → 2.5.

    ``decimal_comma``: True for the OJ's texts, where a comma is always the decimal sign ("99,999 %", "101,325 kPa":
    the OJ groups thousands with spaces); False for the eCFR's, where it groups thousands; None where the writer's
    convention is unknown (a user's description): three digits after a single comma are then read as thousands.
    """
    text = re.sub(r"[  \u2009\u202f]", "", raw.strip())
    power = re.fullmatch(r"(\d+(?:[.,]\d+)?)×10([-−]?\d{1,2})", text.replace("−", "-"))
    if power:  # "5 × 103": the OJ's superscript flattened by the text conversion (5 × 10^3)
        return parse_number(power.group(1), decimal_comma) * 10 ** int(power.group(2))
    if "," in text and ("." in text or decimal_comma is False):
        return float(text.replace(",", ""))
    if "," in text and decimal_comma:
        return float(text.replace(",", "."))
    if "," in text:
        head, _, tail = text.rpartition(",")
        if len(tail) == 3 and head and len(head) <= 3 and re.fullmatch(r"\d{1,3}(,\d{3})*", text) and text.count(",") >= 1 \
                and not text.startswith("0"):
            # "1,000": the eCFR's thousands (the OJ never writes three decimals after a comma in thresholds
            # of this kind; "0,350" starts with 0 and stays a decimal)
            return float(text.replace(",", ""))
        return float(text.replace(",", "."))
    return float(text)


def format_number(value: float, comma: bool = True, digits: int | None = None) -> str:
    """A number as the text writes it: ``1,35`` (OJ decimal comma by default); ``digits`` rounds (35.74 → ``35,7``)."""
    if digits is not None:
        text = f"{value:.{digits}f}"
    elif abs(value) >= 1e6 or (0 < abs(value) < 1e-3):
        text = f"{value:.3g}"
    else:
        text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


@lru_cache(maxsize=1)
def registry() -> Any:
    """One pint registry for the process (building one takes about a second)."""
    import pint

    reg: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    reg.define("tera_ops = 1e12 = TOPS")  # processing performance ("8 TOPS or more"): operations, a count
    return reg


#: The units control search compares (:mod:`.params`), by pint name: the base unit each is compared in, the factor
#: to it and the offset (°C to K). Why not pint: a first search would wait a second for pint's registry, to convert a
#: few dozen units whose factors are SI prefixes. How a unit is written is read by :func:`unit_name` alone.
SEARCH_BASES: dict[str, tuple[str, float, float]] = {
    "nanometer": ("m", 1e-9, 0.0), "micrometer": ("m", 1e-6, 0.0), "millimeter": ("m", 1e-3, 0.0),
    "centimeter": ("m", 1e-2, 0.0), "kelvin": ("K", 1.0, 0.0), "millikelvin": ("K", 1e-3, 0.0),
    "degC": ("K", 1.0, 273.15), "hertz": ("Hz", 1.0, 0.0), "kilohertz": ("Hz", 1e3, 0.0),
    "megahertz": ("Hz", 1e6, 0.0), "gigahertz": ("Hz", 1e9, 0.0), "terahertz": ("Hz", 1e12, 0.0),
    "percent": ("%", 1.0, 0.0), "electron_volt": ("eV", 1.0, 0.0), "kiloelectron_volt": ("eV", 1e3, 0.0),
    "megaelectron_volt": ("eV", 1e6, 0.0), "ampere": ("A", 1.0, 0.0), "milliampere": ("A", 1e-3, 0.0),
    "watt": ("W", 1.0, 0.0), "kilowatt": ("W", 1e3, 0.0), "milliwatt": ("W", 1e-3, 0.0),
    "microwatt": ("W", 1e-6, 0.0), "degree": ("°", 1.0, 0.0), "pascal": ("Pa", 1.0, 0.0),
    "kilopascal": ("Pa", 1e3, 0.0), "megapascal": ("Pa", 1e6, 0.0), "gigabit/second": ("bit/s", 1e9, 0.0),
}


def in_search_base(value: float, written: str) -> tuple[float, str] | None:
    """``value`` of a unit as written, in the base unit control search compares it in (``SEARCH_BASES``): 685 °C →
    958.15 K, 193 nm → 1.93e-7 m; ``None`` for a unit search does not compare."""
    base = SEARCH_BASES.get(unit_name(written))
    if base is None:
        return None
    symbol_, factor, offset = base
    return value * factor + offset, symbol_


def unit_name(written: str) -> str:
    """The pint unit for a unit as written (``"nm"`` → ``"nanometer"``), or ``""`` if not a unit we read."""
    key = written.strip().replace("μ", "µ")
    if key in {"K", "A", "W", "V", "J", "m", "s", "g", "T", "L"}:
        return UNIT_WORDS.get(key.lower(), "")
    if key == "mA" or key == "MA":
        return "milliampere"
    if key.lower() == "mw" and key == "MW":
        return "megawatt"
    if key.lower() == "mv" and key == "MV":
        return "megavolt"
    if key == "Mbit/s":
        return "megabit/second"
    return UNIT_WORDS.get(key.lower(), "")


def quantity(value: float, unit: str) -> Any:
    """A pint quantity; ``unit`` is a pint name or ``"ratio"``/``""`` (dimensionless)."""
    reg = registry()
    if unit in ("", "ratio"):
        return reg.Quantity(value, "dimensionless")
    return reg.Quantity(value, unit)


def compare_units(fact_value: float, fact_unit: str, limit_unit: str) -> float | None:
    """The fact's value in the limit's unit, or ``None`` where the dimensions differ (nm vs K)."""
    if fact_unit == limit_unit:
        return fact_value
    if {fact_unit, limit_unit} <= {"", "ratio", "dimensionless"}:
        return fact_value
    try:
        return float(quantity(fact_value, fact_unit).to(limit_unit).magnitude)
    except Exception:  # pint's DimensionalityError / UndefinedUnitError: not comparable, said as such
        return None


def symbol(unit: str) -> str:
    """How a pint unit name is written back in reports (``nanometer`` → ``nm``)."""
    if unit in ("", "dimensionless"):
        return ""
    if unit == "ratio":
        return ":1"
    for written, name in UNIT_WORDS.items():
        if name == unit and written not in {"microns", "micron", "um", "μm"}:
            return {"k": "K", "°c": "°C", "°f": "°F", "a": "A", "w": "W", "v": "V", "j": "J", "ma": "mA",
                    "ghz": "GHz", "mhz": "MHz", "khz": "kHz", "thz": "THz", "hz": "Hz", "ev": "eV", "kev": "keV",
                    "mev": "MeV", "db": "dB", "dbm": "dBm", "pa": "Pa", "kpa": "kPa", "mpa": "MPa", "gpa": "GPa",
                    "kw": "kW", "mw": "mW", "mk": "mK", "kv": "kV", "mv": "mV"}.get(written, written)
    return unit
