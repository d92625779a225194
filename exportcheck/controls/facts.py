"""An item's technical facts: stated parameters (``item.parameters``) and numbers read from its description.

Why both, and why the reading is shown: a claims file may state ``numerical_aperture: 1.35``; a
reporter's description says "ArF immersion scanner, NA 1.35, overlay 1.4 nm". The evaluator compares
facts with an entry's criteria, so every fact carries where it came from; facts read from a
description are reported as "read from the description: …" so a reader can check the reading.
A trade word implies a number only where the physics fixes it (EUV light is 13,5 nm, ArF 193 nm,
KrF 248 nm, i-line 365 nm). A plain "overlay" is not taken as a 'dedicated chuck overlay': the
entries distinguish them, so only words that name it ("dedicated chuck", "single machine") do.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from exportcheck.controls.units import NUMBER, QUANTITY, RATIO, format_number, parse_number, symbol, unit_name
from exportcheck.errors import InputError

#: Names accepted for stated parameters → the fact names criteria use.
ALIASES: dict[str, str] = {
    "wavelength": "wavelength", "lambda": "wavelength", "λ": "wavelength", "light_source_wavelength": "wavelength",
    "numerical_aperture": "numerical_aperture", "na": "numerical_aperture",
    "maximum_numerical_aperture": "maximum_numerical_aperture", "max_na": "maximum_numerical_aperture",
    "dedicated_chuck_overlay": "dedicated_chuck_overlay", "dco": "dedicated_chuck_overlay",
    "single_machine_overlay": "dedicated_chuck_overlay", "overlay": "overlay", "mrf": "mrf",
    "minimum_resolvable_feature_size": "mrf", "resolution": "resolution", "feature_size": "feature_size",
    "features": "feature_size", "half_pitch": "feature_size", "beam_size": "beam_size",
    "minimum_beam_size": "beam_size", "spot_size": "spot_size", "selectivity": "selectivity",
    "etch_selectivity": "selectivity", "temperature": "temperature", "frequency": "frequency",
}
#: Trade words that fix a wavelength.
IMPLIED = {"euv": 13.5, "extreme ultraviolet": 13.5, "arf": 193.0, "krf": 248.0, "i-line": 365.0}
#: Words before (or after) a number in a description → fact name; checked in this order.
DESCRIPTION_WORDS: list[tuple[str, str]] = [
    (r"dedicated[\s-]chuck[\s-]overlay|single[\s-]machine[\s-]overlay|\bdco\b", "dedicated_chuck_overlay"),
    (r"\boverlay\b", "overlay"), (r"\bmrf\b|resolvable feature|resolution", "mrf"),
    (r"minimum beam size|beam size|beam diameter", "beam_size"), (r"spot size", "spot_size"),
    (r"features? of|feature size|half[\s-]pitch|critical dimension|\bcd\b", "feature_size"),
    (r"selectivity", "selectivity"), (r"wavelength|light source|laser|exposure", "wavelength"),
    (r"temperature|cooled to|base temperature", "temperature"), (r"frequency", "frequency"),
]
_NA = re.compile(r"\b(?:max(?:imum)?\.?\s+)?(?:NA|numerical aperture)\s*(?:of|=|:)?\s*(" + NUMBER + r")", re.I)
_NA_AFTER = re.compile(r"(?<![\w.,])(" + NUMBER + r")\s*(?:NA|numerical aperture)\b", re.I)
_LITHO = re.compile(r"scanner|stepper|lithograph|exposure|aligner", re.I)


class Fact(BaseModel):
    """One technical fact about the item, with where it comes from."""

    name: str
    value: float
    unit: str = ""  # pint unit name, "" dimensionless, "ratio"
    written: str = ""
    origin: str = "stated"  # stated | description

    def show(self, comma: bool = False) -> str:
        unit = symbol(self.unit)
        sep = "" if unit.startswith(":") or not unit else " "
        return f"{self.name} = {format_number(self.value, comma)}{sep}{unit}"


def _value(name: str, raw: Any) -> Fact:
    """A stated parameter: a number, or a string "193 nm", "1,3 nm", "150:1", "4 K"."""
    key = ALIASES.get(name.strip().lower().replace(" ", "_").replace("-", "_"), name.strip().lower().replace(" ", "_"))
    if isinstance(raw, bool):
        raise InputError(f"parameter {name!r}: expected a number with its unit, got {raw!r}")
    if isinstance(raw, int | float):
        return Fact(name=key, value=float(raw), written=str(raw))
    text = str(raw).strip()
    m = RATIO.fullmatch(text)
    if m:
        return Fact(name=key, value=parse_number(m.group(1)), unit="ratio", written=text)
    m = re.fullmatch(r"(" + NUMBER + r")\s*(\S*)", text)
    if not m:
        raise InputError(f"parameter {name!r}: cannot read {text!r} (give a number and a unit, e.g. '193 nm')")
    unit = unit_name(m.group(2)) if m.group(2) else ""
    if m.group(2) and not unit:
        raise InputError(f"parameter {name!r}: unknown unit {m.group(2)!r} in {text!r}")
    return Fact(name=key, value=parse_number(m.group(1)), unit=unit, written=text)


def stated_facts(parameters: dict[str, Any] | None) -> dict[str, Fact]:
    """``item.parameters`` / ``--param NAME=VALUE`` → facts by name."""
    return {f.name: f for f in (_value(k, v) for k, v in (parameters or {}).items())}


def parse_param_option(option: str) -> tuple[str, str]:
    """``NAME=VALUE`` from the command line."""
    name, sep, value = option.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise InputError(f"--param {option!r}: use NAME=VALUE, e.g. --param wavelength='193 nm'")
    return name.strip(), value.strip()


def _name_near(before: str, after: str) -> str:
    # only the words of the number's own clause: "scanner 193 nm, overlay 1.4 nm" has two clauses
    low_before = re.split(r"[,;()]", before.lower())[-1]
    low_after = re.split(r"[,;()]", after.lower()[:25])[0]
    best, where = "", -1
    for pattern, name in DESCRIPTION_WORDS:
        for m in re.finditer(pattern, low_before):
            if m.end() > where:
                best, where = name, m.end()
    if best:
        return best
    for pattern, name in DESCRIPTION_WORDS:
        if re.search(pattern, low_after):
            return name
    return ""


def description_facts(text: str) -> dict[str, Fact]:
    """Facts read from a free-text description ("248 nm", "NA 0.93", "overlay 1.4 nm", "selectivity of 150:1")."""
    text = text or ""
    out: dict[str, Fact] = {}
    for m in _NA.finditer(text):
        maximum = m.group(0).lower().startswith("max")
        name = "maximum_numerical_aperture" if maximum else "numerical_aperture"
        out.setdefault(name, Fact(name=name, value=parse_number(m.group(1)), written=m.group(0).strip(), origin="description"))
    for m in _NA_AFTER.finditer(text):
        out.setdefault("numerical_aperture", Fact(name="numerical_aperture", value=parse_number(m.group(1)),
                                                  written=m.group(0).strip(), origin="description"))
    for m in RATIO.finditer(text):
        name = _name_near(text[max(0, m.start() - 40):m.start()], text[m.end():]) or "ratio"
        out.setdefault(name, Fact(name=name, value=parse_number(m.group(1)), unit="ratio", written=m.group(0), origin="description"))
    for m in QUANTITY.finditer(text):
        unit = unit_name(m.group(2))
        if not unit:
            continue
        before = text[max(0, m.start() - 40):m.start()]
        name = _name_near(before, text[m.end():])
        if not name and unit == "nanometer" and _LITHO.search(text):
            name = "wavelength"  # "a 248 nm scanner": the number a lithography tool is named by is its wavelength
        if not name:
            continue
        out.setdefault(name, Fact(name=name, value=parse_number(m.group(1)), unit=unit,
                                  written=(" ".join(before.split(",")[-1].split()[-3:]) + " " + m.group(0)).strip(), origin="description"))
    if "wavelength" not in out:
        low = text.lower()
        for word, nm in IMPLIED.items():
            if re.search(rf"\b{re.escape(word)}\b", low):
                out["wavelength"] = Fact(name="wavelength", value=nm, unit="nanometer", origin="description",
                                         written=f"{word.upper() if len(word) <= 4 else word} (light of {format_number(nm, False)} nm)")
                break
    return out


def item_facts(description: str = "", parameters: dict[str, Any] | None = None) -> dict[str, Fact]:
    """Stated parameters win over the description's readings of the same fact."""
    facts = description_facts(description)
    facts.update(stated_facts(parameters))
    return facts


def readings(facts: dict[str, Fact]) -> str:
    """``read from the description: wavelength = 248 nm ("248 nm"); …`` ("" when nothing was read)."""
    read = [f for f in facts.values() if f.origin == "description"]
    if not read:
        return ""
    return "read from the description: " + "; ".join(f'{f.show()} ("{f.written}")' for f in read)
