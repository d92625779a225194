"""Search: parameters extracted and compared; the labelled set reaches recall@5 >= 0.9."""

from __future__ import annotations

from exportcheck.bench.controls_search import evaluate
from exportcheck.controls import ControlData, extract_parameters, search


def test_parameters_read_relations_and_decimal_commas() -> None:
    got = [(round(p.value * 1e9) if p.unit == "m" else p.value, p.unit, p.relation) for p in extract_parameters(
        "uniform to less than ± 2,5 % across a distance of 75 mm or more; shorter than 193 nm")]
    assert got == [(2.5, "%", "<"), (75_000_000, "m", ">"), (193, "m", "<")]
    (q,) = extract_parameters("cooled to 4 K")
    assert q.unit == "K" and q.value == 4.0


def test_search_explains_parameters(control_data: ControlData) -> None:
    hits = search("193 nm immersion scanner with 1.5 nm overlay", limit=10, data=control_data)
    codes = {h.code for h in hits}
    assert codes & {"3B001.f.1", "3B001.f.1.a", "3B501.f.1", "3B993.f.1"}
    with_params = [h for h in hits if h.parameters]
    assert with_params and "nm" in with_params[0].explanation
    assert all(h.matched_terms for h in hits)
    us_only = search("EUV pellicle", regime="us", limit=3, data=control_data)
    assert us_only and all(h.regime == "us" for h in us_only) and us_only[0].rank == 1


def test_recall_at_5_on_labelled_set(control_data: ControlData) -> None:
    recall, _missed = evaluate(control_data)
    assert recall >= 0.9
