"""Explanations a reviewer can check by eye: which listed name matched, how the words aligned, what cost.

Why plain sentences: a screening hit is handed to someone who decides whether to stop a shipment; they
must see at once that "24th Research Institute of CETC" matched the *alias* "CETC 24" of the entry
"CETC Chip Technology Co., Ltd." because 24 = 24 and CETC = CETC, and that "research institute" was
not in that alias.
"""

from __future__ import annotations

from functools import lru_cache

from exportcheck.matching.score import Comparison, Pair


@lru_cache(maxsize=100_000)
def _pair(pair: Pair) -> str:
    """One aligned pair as shown (kept: the same pairs, "co", "ltd", recur in result after result)."""
    q = pair.query.replace("#", "")
    c = pair.candidate.replace("#", "")
    if pair.how == "exact":
        return q
    if pair.how == "fuzzy":
        return f"{q}≈{c} ({pair.similarity:.2f})"
    if pair.how == "context":
        return f"{q.upper()} (group of the listed parent, not written in the name)"
    if pair.how == "phonetic":
        return f"{q}≈{c} (sounds alike)"
    if pair.how == "initial":
        return f"{q}={c} (initial)"
    if pair.how == "acronym":
        return f"{q}={c} (acronym)"
    return f"{q}={c} (spelled {'together' if ' ' in c or ' ' in q else 'apart'})"


def explain(comparison: Comparison, matched_name: str, how_named: str, entity_name: str,
            threshold: float, extra: list[tuple[str, float]] | None = None) -> str:
    """One paragraph: the listed name matched, aligned words, unaligned words, penalties, verdict."""
    if matched_name != entity_name:
        parts = [f"matched '{matched_name}' ({how_named} of '{entity_name}')"]
    else:
        parts = [f"matched '{matched_name}' (listed name)"]
    if comparison.pairs:
        parts.append("aligned: " + ", ".join(map(_pair, comparison.pairs)))
    # "#" marks number tokens; the separators hold none, so it is dropped from the joined words at once
    if comparison.unmatched_query:
        parts.append("query words not in the listed name: " + ", ".join(comparison.unmatched_query).replace("#", ""))
    if comparison.unmatched_candidate:
        parts.append("listed words not in the query: "
                     + ", ".join(comparison.unmatched_candidate).replace("#", ""))
    score = comparison.score
    notes = [*comparison.penalties, *extra] if extra else comparison.penalties
    if notes:
        penalties = [f"{text} (×{factor:g})" for text, factor in notes if factor != 1.0]
        others = [text for text, factor in notes if factor == 1.0]
        if others:
            parts.append("; ".join(others))
        parts.append("penalties: " + ("; ".join(penalties) if penalties else "none"))
        for _, factor in extra or ():
            score *= factor
    else:
        parts.append("penalties: none")
    verdict = "match" if score >= threshold else "below the match threshold"
    parts.append(f"score {score:.2f} ({verdict} {threshold:.2f})")
    return "; ".join(parts)
