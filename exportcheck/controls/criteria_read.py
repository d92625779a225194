"""Reading the comparisons out of one sentence of a control text: "shorter than 193 nm" → λ < 193 nm.

Why its own module: the same reading serves the entries (thresholds) and nothing else; it knows
the comparator phrases of the OJ and the eCFR ("less than or equal to", "45 nm or less", "equal to
or longer than", "from 1 to 5 GHz"), ratios ("100:1"), temperatures written twice ("958 K (685 °C)"
is one limit) and qualifiers ("mean + 3 sigma", "maximum").
"""

from __future__ import annotations

import re

from exportcheck.controls.criteria import Comparator, Criterion
from exportcheck.controls.units import NUMBER, QUANTITY, RATIO, parse_number, unit_name

_BEFORE: list[tuple[Comparator, str]] = [
    ("<=", r"less than or equal to|less than or equal|less \(better\) than or equal to|below or equal to|"
           r"equal to or less \(better\) than|up to and including|equal to or less than|equal to or smaller than|smaller than or equal to|"
           r"equal to or shorter than|equal to or lower than|equal to or below|not exceeding|not more than|"
           r"no more than|not greater than|at most|up to|a maximum of|≤"),
    (">=", r"greater than or equal to|equal to or greater \(better\) than|equal to or greater than|equal to or more than|equal to or longer than|"
           r"equal to or higher than|equal to or larger than|more than or equal to|at least|not less than|"
           r"a minimum of|no less than|≥"),
    ("<", r"finer than|less \((?:better|lower|shorter|faster)\) than|better \(less\) than|better \(lower\) than|lower \(better\) than|"
          r"smaller \(better\) than|less than|shorter than|smaller than|lower than|below|under|fewer than|narrower than|thinner than|<"),
    (">", r"greater \((?:better|higher)\) than|higher \(better\) than|better \(greater\) than|beyond|greater than|more than|exceeding|exceeds|in excess of|longer than|higher than|larger than|above|"
          r"over|wider than|greater|>"),
]
_BEFORE_RE = [(cmp, re.compile(r"(?:^|[\s(])(" + words + r")\s*(?:±\s*|\+/-\s*)?$", re.I)) for cmp, words in _BEFORE]
_BETTER = re.compile(r"(?:^|\s)better than\s*(?:±\s*)?$", re.I)
_AFTER_RE: list[tuple[Comparator, re.Pattern[str]]] = [
    ("<=", re.compile(r"^\s*(?:\([^)]{0,30}\)\s*)?,?\s*(?:or less|or smaller|or lower|or shorter|or below|or fewer|"
                      r"or narrower|or thinner|or finer)\b", re.I)),
    (">=", re.compile(r"^\s*(?:\([^)]{0,30}\)\s*)?,?\s*(?:or more|or greater|or higher|or longer|or above|or larger|"
                      r"or wider)\b", re.I)),
]
_RANGE = re.compile(r"(?:from|between|in the range(?: of)?|range of)\s+(" + NUMBER + r")\s*([^\s;,.()]{0,5})\s*(?:\([^)]{0,20}\)\s*)?"
                    r"(?:to|and|-|–|up to and including|up to)\s*(" + NUMBER + r")\s?([^\s;,.)]{1,6})", re.I)
#: "rated for operation in the temperature range from below −54 °C to above +125 °C": the rated range reaches past
#: both numbers, so its lower end is below the first and its upper end above the second (two limits, not one value).
_SIGNED = r"[−+-]?" + NUMBER
_BEYOND = re.compile(r"from\s+(?:below|under|less than|lower than)\s+(" + _SIGNED + r")\s?([^\s;,.()]{1,5})\s*"
                     r"(?:\([^)]{0,20}\)\s*)?to\s+(?:above|over|more than|greater than|higher than|exceeding)\s+("
                     + _SIGNED + r")\s?([^\s;,.)]{1,5})", re.I)
_SIGN = re.compile(r"(?:^|(?<=[\s(]))[−-]$")  # a minus sign written just before a number ("below −54 °C")
_BARE = re.compile(r"(?<![\w.,'’-])(" + NUMBER + r")(?![\w.,]*\d)(?:\s+([A-Za-z][\w-]*))?")
WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12, "fifteen": 15, "sixteen": 16, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "hundred": 100}
_WORD_NUMBER = re.compile(r"\b(" + "|".join(WORD_NUMBERS) + r")\b(?:\s+([A-Za-z][\w-]*))?", re.I)
_QUALIFIER = re.compile(r"^\s*\((mean\s*\+\s*\d\s*(?:sigma|σ)|[^)]{0,40}sigma[^)]{0,10})\)", re.I)
_CODE_LIKE = re.compile(r"\d[A-E]\d{3}")

#: Words naming a parameter → the fact name the evaluator looks up. Matched in the words before a
#: number; the match ending closest to the number wins (a longer one on a tie).
PARAMETER_WORDS: list[tuple[str, str]] = [
    ("dedicated chuck overlay", "dedicated_chuck_overlay"), ("single machine overlay", "dedicated_chuck_overlay"),
    ("minimum resolvable feature", "mrf"), ("mrf", "mrf"), ("resolution", "resolution"),
    ("temperature range", "temperature"), ("frequency range", "frequency"), ("stability", "stability"),
    ("overlay", "overlay"), ("wavelength", "wavelength"), ("numerical aperture", "numerical_aperture"),
    ("beam size", "beam_size"), ("spot size", "spot_size"), ("image placement", "image_placement"),
    ("selectivity", "selectivity"), ("features", "feature_size"), ("feature size", "feature_size"),
    ("half-pitch", "feature_size"), ("temperature", "temperature"), ("frequency", "frequency"),
    ("bandwidth", "bandwidth"), ("thickness", "thickness"), ("thick", "thickness"), ("diameter", "diameter"),
    ("pressure", "pressure"), ("power", "power"), ("energy", "energy"), ("current", "current"),
    ("voltage", "voltage"), ("accuracy", "accuracy"), ("uniform", "uniformity"), ("aspect ratio", "aspect_ratio"),
    ("switching time", "switching_time"), ("data rate", "data_rate"), ("bit rate", "data_rate"),
    ("sampling rate", "sampling_rate"), ("resolution of", "resolution"), ("gain", "gain"), ("noise", "noise"),
    ("qubit", "qubits"), ("coherence time", "coherence_time"), ("efficiency", "efficiency"),
    ("wafer", "wafer_diameter"), ("mass", "mass"), ("weight", "mass"), ("speed", "speed"), ("velocity", "speed"),
    ("duration", "duration"), ("pulse", "pulse"), ("range", "range"), ("length", "length"), ("width", "width"),
    ("distance", "distance"), ("density", "density"), ("purity", "purity"), ("impurit", "impurity"),
    ("strength", "strength"), ("modulus", "modulus"), ("flow", "flow"), ("throughput", "throughput"),
]
_STOP_LABEL = {"a", "an", "the", "of", "with", "having", "is", "are", "being", "value", "equal", "to", "and", "or",
               "any", "all", "than", "which", "that", "for", "in", "at", "by", "on", "its", "their", "following"}


def _label(window: str) -> tuple[str, str]:
    """The parameter named in ``window`` (words before a number): (canonical name, words as written)."""
    low = window.lower()
    best, best_end, best_len = "", -1, 0
    for words, name in PARAMETER_WORDS:
        pos = low.rfind(words)
        if pos < 0:
            continue
        end = pos + len(words)
        if end > best_end or (end == best_end and len(words) > best_len):
            best, best_end, best_len = name, end, len(words)
    tail = re.split(r"[;:]", window)[-1]
    written_words = [w for w in re.findall(r"[\w'’‘\-()]+", tail) if w.lower().strip("'’‘()") not in _STOP_LABEL]
    written = " ".join(written_words[-6:]).strip()
    if best:
        return best, written
    slug = "_".join(w.lower().strip("'’‘()") for w in written_words[-3:] if w.strip("'’‘()"))
    return re.sub(r"[^a-z0-9_]+", "", slug), written


def _comparator(before: str, after: str) -> Comparator:
    for cmp, pattern in _BEFORE_RE:
        if pattern.search(before):
            return cmp
    if _BETTER.search(before):  # "stability better than 0,1 %": a tolerance, smaller is better
        return "<"
    for cmp, pattern in _AFTER_RE:
        if pattern.match(after):
            return cmp
    return "="


def _qualifier(label: str, after: str) -> str:
    parts = []
    m = _QUALIFIER.match(after)
    if m:
        parts.append(" ".join(m.group(1).split()))
    low = label.lower()
    for word in ("maximum", "minimum", "largest", "smallest", "peak", "average"):
        if re.search(rf"(?<!half-)\b{word}\b(?! resolvable)", low):
            parts.append(word)
    return ", ".join(parts)


def _strip_phrase(before: str) -> str:
    for _cmp, pattern in _BEFORE_RE:
        m = pattern.search(before)
        if m:
            return before[: m.start(1)]
    return before


def read_criteria(text: str, *, decimal_comma: bool | None = True) -> list[Criterion]:
    """Every comparison in one provision, in text order. ``decimal_comma``: how the text writes numbers
    (:func:`.units.parse_number`: True for the OJ, ``1,50`` = 1.5; False for the eCFR; None when unknown)."""
    found: list[tuple[int, int, Criterion]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def number(raw: str) -> float:
        return parse_number(raw, decimal_comma)

    def signed(raw: str) -> float:
        return -number(raw[1:]) if raw[:1] in "−-" else number(raw.lstrip("+"))

    for m in _BEYOND.finditer(text):
        low_unit, high_unit = unit_name(m.group(2)), unit_name(m.group(4))
        if not low_unit or not high_unit:
            continue
        param, label = _label(text[max(0, m.start() - 120): m.start()])
        param = param or "value"
        ends: tuple[tuple[str, Comparator, str, str], ...] = ((f"minimum_{param}", "<", m.group(1), low_unit),
                                                               (f"maximum_{param}", ">", m.group(3), high_unit))
        for name, cmp, raw, unit in ends:
            found.append((m.start(), m.end(), Criterion(parameter=name, label=label, comparator=cmp, value=signed(raw),
                                                        unit=unit, written=m.group(0).strip(), qualifier="")))
        taken.append((m.start(), m.end()))
    for m in _RANGE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        unit = unit_name(m.group(4)) or unit_name(m.group(2))
        if not unit:
            continue
        param, label = _label(text[max(0, m.start() - 120): m.start()])
        crit = Criterion(parameter=param or "value", label=label, comparator="between", value=number(m.group(1)),
                         value2=number(m.group(3)), unit=unit, written=m.group(0).strip(),
                         qualifier=_qualifier(label, text[m.end():]))
        found.append((m.start(), m.end(), crit))
        taken.append((m.start(), m.end()))
    quantities = [(m.start(), m.end(), m.group(1), unit_name(m.group(2))) for m in QUANTITY.finditer(text)]
    quantities += [(m.start(), m.end(), m.group(1), "ratio") for m in RATIO.finditer(text)]
    quantities.sort()
    previous_end = -10
    for start, end, raw, unit in quantities:
        if not unit or not free(start, end):
            continue
        # "958 K (685 °C)": the bracketed number restates the same limit in another unit
        if re.search(r"\d\s?[^\s\d(]{0,6}\s*\($", text[max(0, start - 12):start]):
            taken.append((start, end))
            continue
        window_start = max(previous_end, start - 160, 0)
        before = text[window_start:start]
        sign = _SIGN.search(before)  # "−54 °C" (not the dash of "10-20"): a negative limit; the words come before it
        if sign:
            before = before[:sign.start()]
        after = text[end:end + 40]
        cmp = _comparator(before, after)
        param, label = _label(_strip_phrase(before))
        qualifier = _qualifier(label, after)
        written = (before[-40:].lstrip() + ("−" if sign else "") + text[start:end]).strip()
        found.append((start, end, Criterion(parameter=param or "value", label=label, comparator=cmp,
                                            value=-number(raw) if sign else number(raw), unit=unit, written=written,
                                            qualifier=qualifier)))
        taken.append((start, end))
        previous_end = end
    bare = [(m, float(number(m.group(1)))) for m in _BARE.finditer(text)]
    bare += [(m, float(WORD_NUMBERS[m.group(1).lower()])) for m in _WORD_NUMBER.finditer(text)]
    for m, value in bare:
        start, end = m.start(1), m.end(1)
        if not free(start, end) or _CODE_LIKE.match(text[max(0, start - 1):end + 4]):
            continue
        before = text[max(0, start - 120):start]
        after = text[end:end + 40]
        cmp = _comparator(before, after)
        if cmp == "=":
            continue
        noun = m.group(2) or ""
        param, label = _label(_strip_phrase(before) + (" " + noun if noun else ""))
        found.append((start, end, Criterion(parameter=param or "count", label=label, comparator=cmp,
                                            value=value, unit="", written=(before[-40:] + m.group(0)).strip(),
                                            qualifier=_qualifier(label, after))))
        taken.append((start, end))
    return [c for _s, _e, c in sorted(found, key=lambda x: x[0])]
