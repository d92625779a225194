"""US licence determination (15 CFR 738.4 and what lies on top) over the real CCL, Country Chart and groups.

The eCFR issue held is 2026-07-23. Every expectation below can be checked by reading the real rows:
3A001 "NS applies to entire entry → NS Column 2", the China row's marks, Iran's row pointing to Part 746,
3B001's "Macau or Country Group D:5" rows, the Ukraine row's footnote 9.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.controls import ControlData
from exportcheck.controls.us_chart import parse_applies, parse_chart
from exportcheck.controls.us_law_facts import all_facts
from exportcheck.controls.us_licence import determine, entity_footnotes, entity_list_finding
from exportcheck.errors import InputError

EMBARGOED = ["IR", "KP", "CU", "SY"]


@pytest.mark.parametrize("code", ["3A001", "3B001", "3B001.f.1", "3B001.a.1"])
@pytest.mark.parametrize("iso", EMBARGOED)
def test_embargoed_destinations_never_read_no_x(control_data: ControlData, code: str, iso: str) -> None:
    r = determine(code, iso, data=control_data)
    assert r.outcome == "licence-required-part-746" and r.required is True
    assert r.summary.startswith("Licence required: see Part 746")
    assert not [x for x in r.reasons if x.requirement == "no-x"]  # the chart row has no marks; never "no X"
    assert any(e.startswith("the Country Chart row says") and "746" in e for e in r.embargo)  # its own pointer


def test_iran_3a001_every_reason_is_part_746_or_required(control_data: ControlData) -> None:
    r = determine("3A001", "IR", data=control_data)
    reasons = {x.reason for x in r.reasons}
    assert {"NS", "RS", "MT", "NP", "AT"} <= reasons
    assert {x.requirement for x in r.reasons} <= {"see-part-746", "required"}
    assert any(f["key"] == "ear-746-7-iran" and f["verified"] is False for f in r.facts)  # dated, marked unconfirmed


def test_china_3a001_ns2_x(control_data: ControlData, us_paths: list[Path]) -> None:
    chart = json.loads(us_paths[1].read_text(encoding="utf-8"))
    assert "NS 2" in chart["countries"]["China"]["marks"] and "AT 1" not in chart["countries"]["China"]["marks"]
    r = determine("3A001", "CN", "2024-02-05", data=control_data)
    assert r.outcome == "licence-required"
    ns2 = next(x for x in r.reasons if x.columns == ["NS2"])
    assert ns2.coverage == "all" and ns2.requirement == "required"
    at1 = next(x for x in r.reasons if x.columns == ["AT1"])
    assert at1.requirement == "no-x"  # China has no AT X: shown as such, and the NS2 X still decides
    assert "EARLIER than that text" in r.text_note and r.text_issue_date == "2026-07-23"
    a2 = determine("3A001.a.2", "CN", data=control_data)  # MT/NP/RS1 rows name other paragraphs: not cited for a.2
    assert a2.outcome == "licence-required" and "NS2" in a2.summary and "MT" not in a2.summary
    named = {x["exception"]: x["text"] for x in r.exceptions_named}  # as 3A001's own table writes them
    assert {"LVS", "GBS", "STA"} <= set(named) and "N/A for MT, NP" in named["LVS"]


def test_hong_kong_is_judged_as_china(control_data: ControlData) -> None:
    hk, cn = determine("3A001", "HK", data=control_data), determine("3A001", "CN", data=control_data)
    assert hk.chart_row == "China" and hk.outcome == cn.outcome == "licence-required"
    assert [x.requirement for x in hk.reasons] == [x.requirement for x in cn.reasons]
    assert any("Hong Kong" in m and "China" in m for m in hk.messages)
    assert any(f["key"] == "ear-hong-kong-as-china" for f in hk.facts)


@pytest.mark.parametrize("code", ["3A001", "3A001.b.2", "3B001", "3B001.f.1", "3B001.f.2", "3B001.c.1.a", "3B993"])
def test_hong_kong_equals_china_for_each_paragraph(control_data: ControlData, code: str) -> None:
    hk, cn = determine(code, "HK", "2025-06-01", data=control_data), determine(code, "CN", "2025-06-01", data=control_data)
    assert (hk.outcome, hk.paragraphs_requiring, hk.summary) == (cn.outcome, cn.paragraphs_requiring, cn.summary)


def test_hong_kong_before_the_2020_rule_is_not_read_as_china(control_data: ControlData) -> None:
    r = determine("3A001", "HK", "2019-06-01", data=control_data)
    assert r.outcome == "undetermined" and r.required is None and "own Country Chart row" in r.summary


def test_3b001_paragraphs_against_the_real_rows(control_data: ControlData) -> None:
    # f.1 is in "a.4, c, d, f.1, ... → Macau or D:5"; China is in D:5, Germany is not
    cn = determine("3B001.f.1", "CN", data=control_data)
    assert cn.outcome == "licence-required"
    assert all(x.kind == "destinations" for x in cn.reasons if x.coverage == "all" and x.requirement == "required")
    de = determine("3B001.f.1", "DE", data=control_data)
    assert de.outcome == "no-licence-on-chart" and "ONLY IF General Prohibitions" in de.summary
    # f.2 is under NS Column 2: X for China, none for Germany
    assert determine("3B001.f.2", "CN", data=control_data).outcome == "licence-required"
    assert determine("3B001.f.2", "DE", data=control_data).outcome == "no-licence-on-chart"
    # c.1.a is a worldwide control: a licence even to the Netherlands
    nl = determine("3B001.c.1.a", "NL", data=control_data)
    assert nl.outcome == "licence-required" and any(x.kind == "worldwide" for x in nl.reasons if x.coverage == "all")
    # the whole entry to Germany: some paragraphs (the worldwide ones) need a licence, most do not
    whole = determine("3B001", "DE", data=control_data)
    assert whole.outcome == "depends-on-paragraph"
    assert "3B001.c.1.a" in whole.paragraphs_requiring and "3B001.f.1.a" in whole.paragraphs_not_requiring


def test_macau_has_its_own_row_and_is_named_beside_d5(control_data: ControlData) -> None:
    r = determine("3B001.f.1", "MO", data=control_data)
    assert r.chart_row == "Macau" and "D:5" not in r.country_groups and r.outcome == "licence-required"


def test_north_korea_and_russia(control_data: ControlData) -> None:
    kp = determine("3B001.f.1", "KP", data=control_data)
    assert "742.19" in " ".join(kp.embargo)
    ru = determine("3A001", "RU", "2024-02-05", data=control_data)
    assert ru.outcome == "licence-required-part-746"
    assert any(f["number"] == "6" and "746.8" in f["text"] for f in ru.footnotes)  # the real footnote text
    at1 = next(x for x in ru.reasons if x.columns == ["AT1"])
    assert at1.requirement == "see-part-746"  # no AT X for Russia, but 746.8 reaches every CCL item


def test_a_date_before_a_rule_began(control_data: ControlData) -> None:
    ru = determine("3B001.f.2", "RU", "2021-06-01", data=control_data)  # before 746.8 (24 Feb 2022)
    assert ru.outcome == "licence-required"  # the NS2 X alone
    assert any("NOT yet in force" in e for e in ru.embargo)
    ru_at = determine("3A991", "RU", "2021-06-01", data=control_data)
    assert ru_at.outcome == "no-licence-on-chart"
    assert determine("3A991", "RU", "2023-06-01", data=control_data).outcome == "licence-required-part-746"
    early = determine("3B993", "CN", "2024-06-01", data=control_data)
    assert early.outcome == "undetermined" and "did not exist" in early.summary


def test_744_23_by_date(control_data: ControlData) -> None:
    before = determine("3B001.f.1", "CN", "2022-06-01", data=control_data)
    rule = next(e for e in before.end_use if e.key.startswith("ear-744-23"))
    assert rule.in_force is False and "did not yet apply" in rule.sentence
    after = determine("3B001.f.1", "CN", "2024-02-05", data=control_data)
    current = next(e for e in after.end_use if e.key.startswith("ear-744-23"))
    assert current.in_force and current.key == "ear-744-23-2023"
    assert any(e.key == "ear-744-21" and e.in_force for e in after.end_use)
    assert not [e for e in determine("3B001.f.1", "DE", "2024-02-05", data=control_data).end_use]


def test_crimea_region(control_data: ControlData) -> None:
    r = determine("3B001.f.2", "UA-43", "2023-01-01", data=control_data)
    assert r.outcome == "licence-required-part-746" and any(f["number"] == "9" for f in r.footnotes)
    plain = determine("3B001.f.2", "UA", "2023-01-01", data=control_data)
    assert plain.outcome != "licence-required-part-746" and any("746.6" in m for m in plain.messages)


def test_a_table_merged_into_the_heading_is_read_from_it(control_data: ControlData) -> None:
    # 3E001's table sits in its heading in the copy held; the countryChart field holds the next ECCN's rows
    r = determine("3E001", "CN", data=control_data)
    assert any("read from that heading text" in m for m in r.messages)
    assert {x.reason for x in r.reasons} == {"NS", "MT", "NP", "RS", "AT"}
    ns1 = next(x for x in r.reasons if x.columns == ["NS1"])
    assert ns1.requirement == "required" and ns1.coverage == "part"  # "technology for commodities controlled by ..."
    assert r.outcome == "depends-on-paragraph" and r.required is None  # never a plain "no X" from the AT row alone


def test_wording_without_paragraphs_is_never_ignored() -> None:
    a = parse_applies("3E001", "“technology” for commodities controlled by 3A001 or 3A101 for MT Reasons")
    assert a.covers("") == "part" and a.condition


def test_unknown_destination_is_an_input_error(control_data: ControlData) -> None:
    with pytest.raises(InputError):
        determine("3A001", "XX", data=control_data)


def test_row_parsers() -> None:
    a = parse_applies("3B001", "3B001.a.1 to a.3, b, e, f.2 to f.4, g to j")
    assert a.covers("a.2") == "all" and a.covers("a.4") == "none" and a.covers("h.1") == "all"
    assert a.covers("f") == "part" and a.covers("f.1") == "none" and a.covers("") == "part"
    ex = parse_applies("0D606", "entire entry, except 0D606.y")
    assert ex.covers("a") == "all" and ex.covers("y") == "none"
    assert parse_chart("NS Column 2.").requires("CN", {"NS2"}, set()) is True
    d5 = parse_chart("To or within Macau or a destination specified in Country Group D:5 of supplement no. 1 to "
                     "part 740 of the EAR. See § 742.4(a)(4) of the EAR.")
    assert d5.requires("MO", set(), set()) and d5.requires("CN", set(), {"D:5"}) and not d5.requires("DE", set(), set())
    uae = parse_chart("To or within the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and "
                      "D:5 of supplement no. 1 to part 740 of the EAR, excluding any destination also specified in "
                      "Country Groups A:5 or A:6. See § 742.6(a)(6)(iii)(B) of the EAR.")
    assert uae.requires("AE", set(), {"A:5"}) is False and uae.requires("CN", set(), {"D:1", "D:5"})
    assert parse_chart("China, Russia, or Venezuela (see § 742.6(a)(7)).").countries == ("CN", "RU", "VE")
    assert parse_chart("See § 742.6(a)(11) of the EAR.").requires("CN", set(), set()) is None


def test_entity_list_footnotes_by_date(raw_dir: Path) -> None:
    entities = json.loads((raw_dir / "us-ear" / "DERIVED_entity-list_part744-supp4_2026-07-09.json")
                          .read_text(encoding="utf-8"))["entities"]
    by_note = {tuple(entity_footnotes(e["notes"] or "")) for e in entities}
    fn5 = next(e for e in entities if entity_footnotes(e["notes"] or "") == [5])
    assert "89 FR 96836" in fn5["federal_register"]
    after = entity_list_finding(fn5["notes"], "2025-03-01")
    assert after.all_items and after.footnotes[0]["number"] == 5 and after.footnotes[0]["existed"] is True
    before = entity_list_finding(fn5["notes"], "2024-06-01")
    assert before.footnotes[0]["existed"] is False and "did NOT exist" in before.sentence
    fn4 = next(e for e in entities if entity_footnotes(e["notes"] or "") == [4])
    assert entity_list_finding(fn4["notes"], "2022-01-01").footnotes[0]["existed"] is False
    assert entity_list_finding(fn4["notes"], "2023-01-01").footnotes[0]["existed"] is True
    assert (1,) in by_note or (1, 2) in by_note  # Huawei-type entries carry footnote 1
    assert entity_footnotes("For all items subject to the EAR. (See § 744.11 of the EAR)") == []
    limited = next(e["notes"] for e in entities if (e["notes"] or "").startswith("For items on the CCL and listed"))
    assert entity_list_finding(limited, "2025-01-01").all_items is False  # not every item: no blanket answer


def test_every_fact_says_whether_it_is_confirmed() -> None:
    facts = all_facts()
    assert len({f.key for f in facts}) == len(facts)
    assert all(f.basis for f in facts)
    assert all(("[unconfirmed]" in f.label()) != f.verified for f in facts)


def test_all_destination_entries(control_data: ControlData, us_paths: list[Path]) -> None:
    chart = json.loads(us_paths[1].read_text(encoding="utf-8"))
    assert "0A983" in chart["allDestinationsEntries"]["noLicenceExceptions"]  # 738.3(a)(1) in the copy held
    r = determine("0A983", "DE", data=control_data)  # its CCL entry has no Country Chart rows at all
    assert r.outcome == "licence-required" and "every destination" in r.summary and "none" in r.summary
    f1 = determine("5A001.f.1", "CA", data=control_data)
    assert f1.outcome == "licence-required" and "GOV only" in f1.summary


def test_cli_show_iran_and_hong_kong(control_lists_dir: Path) -> None:
    runner = CliRunner()
    base = ["control", "show", "3A001", "--regime", "us", "--lists-dir", str(control_lists_dir)]
    iran = runner.invoke(app, [*base, "--country", "IR"], env={"COLUMNS": "250"})
    assert iran.exit_code == 0, iran.output
    licence = iran.output[iran.output.index("US licence"):]
    assert "licence-required-part-746" in licence and "Licence required: see Part 746" in licence
    assert "no X" not in licence and "no licence" not in licence.lower()
    assert "text used: read in the eCFR issue of 2026-07-23" in licence and "unconfirmed" in licence
    hk = runner.invoke(app, [*base, "--country", "HK", "--json"])
    found = json.loads(hk.output)["us_licence"]
    assert found["chart_row"] == "China" and found["outcome"] == "licence-required"
    dated = runner.invoke(app, [*base, "--country", "CN", "--as-of", "2024-02-05", "--json"])
    assert "EARLIER than that text" in json.loads(dated.output)["us_licence"]["text_note"]
    bad = runner.invoke(app, [*base, "--country", "Atlantis"])
    assert bad.exit_code != 0 and "unknown destination" in bad.output and "Traceback" not in bad.output


def test_a_destination_given_for_an_eu_entry_is_read_and_said_to_count_for_the_us_only(control_data: ControlData) -> None:
    """``control show 3B001 --country RU`` shows the EU entry: the destination must not read as part of its answer."""
    from exportcheck.controls import lookup

    eu = lookup("3B001", None, None, data=control_data, country="RU")
    assert eu.regime == "eu" and eu.us_licence is None
    assert any("read for the US licence determination only" in m for m in eu.messages)
    assert not any("destination" in m for m in lookup("3B001", None, None, data=control_data).messages)
    with pytest.raises(InputError, match="unknown destination 'Narnia'"):
        lookup("3B001", None, None, data=control_data, country="Narnia")  # a typo is an error whatever the regime
    us = lookup("3B001", "us", None, data=control_data, country="RU")
    assert us.us_licence is not None and us.us_licence.destination_iso == "RU"
    assert not any("read for the US licence determination only" in m for m in us.messages)


def test_a_region_named_in_words_is_shown_by_its_code(control_data) -> None:  # type: ignore[no-untyped-def]
    """"Crimea" is determined and shown as UA-43, so the answer names the region the law covers."""
    found = determine("3A991", "Crimea", "2023-03-01", data=control_data)
    assert (found.destination, found.destination_iso) == ("UA-43", "UA") and "746.6" in " ".join(found.lines())
