"""Numeric parameters (nm, µm, %, K, °C, GHz, keV ...) in control texts and product descriptions.

Why: a query "193 nm immersion scanner with 1.5 nm overlay" and the entry "light source wavelength
shorter than 193 nm" share a number and a unit, and whether 193 satisfies "shorter than 193" is what
the user needs to see. Decimal commas (the OJ's ``2,5 %``) and thousands spaces are read.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

_UNITS = {
    "nm": ("m", 1e-9), "µm": ("m", 1e-6), "um": ("m", 1e-6), "micron": ("m", 1e-6), "microns": ("m", 1e-6),
    "mm": ("m", 1e-3), "cm": ("m", 1e-2), "k": ("K", 1.0), "mk": ("K", 1e-3), "°c": ("°C", 1.0),
    "hz": ("Hz", 1.0), "khz": ("Hz", 1e3), "mhz": ("Hz", 1e6), "ghz": ("Hz", 1e9), "thz": ("Hz", 1e12),
    "%": ("%", 1.0), "percent": ("%", 1.0), "ev": ("eV", 1.0), "kev": ("eV", 1e3), "mev": ("eV", 1e6),
    "ma": ("A", 1e-3), "a": ("A", 1.0), "w": ("W", 1.0), "kw": ("W", 1e3), "mw": ("W", 1e-3),
    "pa": ("Pa", 1.0), "kpa": ("Pa", 1e3), "mpa": ("Pa", 1e6), "gbit/s": ("bit/s", 1e9), "gbps": ("bit/s", 1e9),
    "qubits": ("qubit", 1.0), "qubit": ("qubit", 1.0), "na": ("NA", 1.0),
}
_NUMBER = r"(\d{1,3}(?:[  ]\d{3})+|\d+(?:[.,]\d+)?)"
_PARAM = re.compile(_NUMBER + r"\s?(nm|µm|um|microns?|mm|cm|mK|K|°C|THz|GHz|MHz|kHz|Hz|%|percent|MeV|keV|eV|mA|kW|mW|W|kPa|MPa|Pa|Gbit/s|Gbps|qubits?)(?![A-Za-z])")
_LESS = re.compile(r"(less than|shorter than|smaller than|below|lower than|not exceeding|up to|≤|<|under)\s*(?:or equal to\s*)?(?:±\s*)?$", re.I)
_MORE = re.compile(r"(more than|greater than|exceeding|longer than|above|higher than|≥|>|over|at least)\s*(?:or equal to\s*)?(?:±\s*)?$", re.I)
_AFTER_LESS = re.compile(r"^\s*(?:\w+\s){0,2}?(or less|or smaller|or lower|or shorter)", re.I)
_AFTER_MORE = re.compile(r"^\s*(?:\w+\s){0,2}?(or more|or greater|or higher|or longer)", re.I)


#: What a number measures, from the words next to it: a wavelength is not an overlay error even
#: though both are in nm, so numbers are compared only where these agree (or one side names none).
QUANTITIES = {
    "wavelength": ("wavelength", "euv", "duv", "ultraviolet", "light source", "exposure"),
    "overlay": ("overlay",),
    "resolution": ("resolvable", "mrf", "feature", "resolution", "half-pitch", "pitch", "node", "beam size", "spot size"),
    "temperature": ("temperature", "cooled", "cooling", "cryogenic", "°c", "kelvin", "refrigerat"),
    "frequency": ("frequency", "ghz", "mhz", "bandwidth", "clock"),
    "thickness": ("thick", "layer", "film", "uniform"),
    "energy": ("energy", "kev", "mev", "implant"),
    "current": ("current",),
    "power": ("power", "output"),
    "pressure": ("pressure",),
    "size": ("diameter", "wafer", "distance", "length", "across"),
}


def quantity_near(before: str, after: str) -> str:
    """The quantity named closest to a number (looking back first), or ``""``."""
    before, after = before.lower(), after.lower()
    best, where = "", -1
    for name, words in QUANTITIES.items():
        for word in words:
            pos = before.rfind(word)
            if pos > where:
                best, where = name, pos
    if best:
        return best
    for name, words in QUANTITIES.items():
        if any(word in after[:25] for word in words):
            return name
    return ""


class Parameter(BaseModel):
    """One number with its unit, as written and in base units, and the comparison the text puts on it."""

    text: str
    value: float
    unit: str  # base unit: m, K, Hz, %, eV, ...
    relation: str = "="  # "<" (less/shorter than, or less), ">" (more than, or more), "="
    quantity: str = ""  # wavelength, overlay, temperature ... where the words around say so

    def satisfied_by(self, other: Parameter) -> bool | None:
        """Whether a query value meets this (entry) threshold; None where they measure different things."""
        if other.unit != self.unit:
            return None
        if self.quantity and other.quantity and self.quantity != other.quantity:
            return None
        if self.relation == "<":
            return other.value <= self.value * 1.0000001
        if self.relation == ">":
            return other.value >= self.value * 0.9999999
        return abs(other.value - self.value) <= 0.1 * abs(self.value)


def _number(raw: str) -> float:
    return float(re.sub(r"[  ]", "", raw).replace(",", "."))


def extract_parameters(text: str) -> list[Parameter]:
    """Every number+unit in a text; "193 nm", "2,5 %", "1 000 cm3" (not a unit here), "4 K"."""
    found = []
    for m in _PARAM.finditer(text or ""):
        unit_raw = m.group(2)
        base, factor = _UNITS.get(unit_raw.lower(), ("", 1.0))
        if not base:
            continue
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 30]
        relation = "<" if _LESS.search(before) or _AFTER_LESS.match(after) else (
            ">" if _MORE.search(before) or _AFTER_MORE.match(after) else "=")
        found.append(Parameter(text=m.group(0), value=_number(m.group(1)) * factor, unit=base, relation=relation,
                               quantity=quantity_near(before, after)))
    return found
