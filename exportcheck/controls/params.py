"""Numeric parameters (nm, µm, %, K, °C, GHz, keV ...) in control texts and product descriptions.

Why: a query "193 nm immersion scanner with 1.5 nm overlay" and the entry "light source wavelength
shorter than 193 nm" share a number and a unit, and whether 193 satisfies "shorter than 193" is what
the user needs to see. Numbers are read as the classifier reads them (:mod:`.units`: the OJ's decimal commas
``2,5 %`` and thousands spaces, the eCFR's ``1,000``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from exportcheck.controls.units import NUMBER, in_search_base, parse_number

#: Counts that control search compares as it does units: not units of pint's.
_COUNTS = {"qubit": "qubit", "qubits": "qubit"}
_PARAM = re.compile(r"(" + NUMBER + r")\s?(nm|µm|um|microns?|mm|cm|mK|K|°C|THz|GHz|MHz|kHz|Hz|%|percent|MeV|keV|eV|mA|kW|mW|µW|uW|W|kPa|MPa|Pa|Gbit/s|Gbps|qubits?|degrees?)(?![A-Za-z])")
#: A minus sign before a number ("-273,15 °C", "−268.65 °C"), not a range's dash ("4-12 GHz", "2 - 4 GHz").
_MINUS = re.compile(r"(?:^|[\s(\[])[-−–]\s?$")
#: "less (better) than or equal to 4.0 nm": the lists put a comparison's sense in brackets inside it (102 times).
_SENSE = r"(?:\s*\((?:better|worse)\))?"
#: "at or below a temperature of 0.1 K": the quantity may stand between the comparison and its number.
_NAMED = r"(?:\s+(?:a|an|the)\s+[a-z]+(?:\s+[a-z]+)?\s+of)?"
_LESS = re.compile(rf"((?:less|shorter|smaller|lower){_SENSE} than|below|not exceeding|up to|≤|<|under){_NAMED}\s*"
                   r"(?:or equal to\s*)?(?:±\s*)?$", re.I)
_MORE = re.compile(rf"((?:more|greater|longer|higher){_SENSE} than|exceeding|above|≥|>|over|at least){_NAMED}\s*"
                   r"(?:or equal to\s*)?(?:±\s*)?$", re.I)
_AFTER_LESS = re.compile(r"^\s*(?:\w+\s){0,2}?(or less|or smaller|or lower|or shorter)", re.I)
_AFTER_MORE = re.compile(r"^\s*(?:\w+\s){0,2}?(or more|or greater|or higher|or longer)", re.I)


#: What a number measures, from the words of the phrase it belongs to: a wavelength is not an overlay error even
#: though both are in nm, so numbers are compared only where these agree (or one side names none). These words
#: name the measured quantity itself ("overlay ... above 1.5 nm", "248 nm excimer laser", "110 nm node").
QUANTITIES: dict[str, tuple[str, ...]] = {
    "wavelength": ("wavelength", "light source", "laser", "excimer"),
    "overlay": ("overlay", "accuracy", "alignment", "placement"),
    "resolution": ("resolvable", "mrf", "feature", "resolution", "half-pitch", "half pitch", "pitch", "node",
                   "line width", "linewidth", "critical dimension", "beam size", "spot size"),
    "temperature": ("temperature", "cooled", "cooling", "cryogenic", "°c", "kelvin", "refrigerat"),
    "frequency": ("frequency", "ghz", "mhz", "bandwidth", "clock"),
    "thickness": ("thick", "layer", "film", "uniform"),
    "energy": ("energy", "kev", "mev", "implant"),
    "current": ("current",),
    "power": ("power", "output"),
    "pressure": ("pressure",),
    "size": ("diameter", "wafer", "distance", "length", "across"),
}
#: Words that only say what kind of item the phrase is about ("deep-ultraviolet immersion lithography equipment"):
#: they suggest a quantity where the phrase names none, and never win over a word of ``QUANTITIES``. "Decrease
#: the maximum 'dedicated chuck overlay' of deep-ultraviolet ... equipment above 1.5 nm" is an overlay.
HINTS: dict[str, tuple[str, ...]] = {"wavelength": ("euv", "duv", "ultraviolet", "exposure", "light", "source")}
#: The quantities a base unit can measure: a length in nm is never a temperature, whatever word is nearest.
UNIT_QUANTITIES: dict[str, tuple[str, ...]] = {"m": ("wavelength", "overlay", "resolution", "thickness", "size")}
#: Where the phrase a number belongs to ends: a clause break (";", ":", a sentence end, a bracket) or, looking back,
#: a comma ("110 nm node, 248 nm excimer laser" is two phrases). A decimal point is not a break, and nor is a
#: parenthesis looking back: "'Minimum Resolvable Feature size' (MRF) of 45 nm" is one phrase.
_BREAK_BACK = re.compile(r"[;:\[\]]|[.,](?!\d)")
_BREAK_AHEAD = re.compile(r"[;:,()\[\]]|\.(?!\d)")
#: The words right after a number, up to a preposition or conjunction: "300 mm wafers", "248 nm excimer laser" and
#: "7 nm overlay" name their quantity there; "less than 20 nm on metal features" does not.
_ATTACHED = re.compile(r"^\s*((?:(?!(?:on|of|in|and|or|for|with|at|to|by|from|but|per)\b)[\w'‘’-]+\s*){1,2})")


def _last(text: str, table: dict[str, tuple[str, ...]], allowed: tuple[str, ...] | None) -> str:
    """The quantity of ``table`` whose word ends latest in ``text`` (the one closest to a number after it)."""
    best, where = "", -1
    for name, words in table.items():
        if allowed is not None and name not in allowed:
            continue
        for word in words:
            pos = text.rfind(word)
            if pos >= 0 and pos + len(word) > where:
                best, where = name, pos + len(word)
    return best


def _first(text: str, table: dict[str, tuple[str, ...]], allowed: tuple[str, ...] | None) -> str:
    """The quantity of ``table`` whose word starts first in ``text`` (the one closest to a number before it)."""
    best, where = "", len(text) + 1
    for name, words in table.items():
        if allowed is not None and name not in allowed:
            continue
        for word in words:
            pos = text.find(word)
            if 0 <= pos < where:
                best, where = name, pos
    return best


def quantity_near(before: str, after: str, unit: str = "") -> str:
    """What a number measures, only among the quantities its base unit can measure (``UNIT_QUANTITIES``): a quantity
    word right after it ("300 mm wafers"), else the nearest one back in its phrase, else one ahead in its phrase,
    else a hint of the phrase (``HINTS``), else ``""``."""
    before, after = before.lower(), after.lower()
    cuts = list(_BREAK_BACK.finditer(before))
    phrase_before = before[cuts[-1].end():] if cuts else before
    ahead = _BREAK_AHEAD.search(after)
    phrase_after = after[:ahead.start()] if ahead else after
    attached = _ATTACHED.match(phrase_after)
    allowed = UNIT_QUANTITIES.get(unit)
    return (_first(attached.group(1) if attached else "", QUANTITIES, allowed)
            or _last(phrase_before, QUANTITIES, allowed) or _first(phrase_after[:25], QUANTITIES, allowed)
            or _last(phrase_before, HINTS, allowed) or _first(phrase_after[:25], HINTS, allowed))


class Parameter(BaseModel):
    """One number with its unit, as written and in base units, and the comparison the text puts on it."""

    text: str
    value: float
    unit: str  # base unit (:data:`.units.SEARCH_BASES`): m, K (°C too), Hz, %, eV, ...
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


def extract_parameters(text: str, decimal_comma: bool | None = None) -> list[Parameter]:
    """Every number+unit in a text; "193 nm", "2,5 %", "1 000 cm3" (not a unit here), "4 K". ``decimal_comma``: how
    the text writes numbers (:func:`.units.parse_number`: True for the OJ, False for the eCFR, None when unknown)."""
    found = []
    for m in _PARAM.finditer(text or ""):
        unit_raw = m.group(2)
        sign = -1.0 if _MINUS.search(text[max(0, m.start() - 3):m.start()]) else 1.0
        value = sign * parse_number(m.group(1), decimal_comma)
        counted = _COUNTS.get(unit_raw.lower())
        converted = (value, counted) if counted else in_search_base(value, unit_raw)
        if converted is None:
            continue
        value, base = converted
        before, after = text[max(0, m.start() - 160):m.start()], text[m.end():m.end() + 30]
        relation = "<" if _LESS.search(before) or _AFTER_LESS.match(after) else (
            ">" if _MORE.search(before) or _AFTER_MORE.match(after) else "=")
        found.append(Parameter(text=m.group(0), value=value, unit=base, relation=relation,
                               quantity=quantity_near(before, after, base)))
    return found
