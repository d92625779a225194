"""Screening against the real lists: the Python API, the index cache, related parties, --as-of, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import exportcheck.matching as matching
from exportcheck.cli import app
from exportcheck.cli.screen import excel_safe
from exportcheck.errors import InputError
from exportcheck.matching import Match, Screener, screen, screen_frame
from exportcheck.matching.index import CANDIDATES, build_index, load_or_build
from exportcheck.matching.indexfile import MANIFEST, folder_for
from exportcheck.matching.normalise import name_form

runner = CliRunner()


def test_public_names() -> None:
    assert set(matching.__all__) >= {"screen", "screen_frame", "Match", "DEFAULT_THRESHOLD", "matchers"}
    assert set(matching.matchers()) >= {"exportcheck", "rapidfuzz-wratio"}


def test_candidates_come_from_the_index_not_a_scan(screener: Screener, real_entities: pd.DataFrame) -> None:
    index = screener.index
    assert len(index.names) > len(real_entities)  # names + aliases
    for query in ("CETC 14", "Nanjing Research Institute of Electronic Technology", "Huawei Technologies"):
        found = index.candidates(name_form(query))
        assert 0 < len(found) <= CANDIDATES


def test_index_cache_is_written_and_reused(real_entities: pd.DataFrame, tmp_path: Path) -> None:
    calls = []
    sample = real_entities.head(300)  # the cache does not depend on size; keep the test quick

    def load() -> pd.DataFrame:
        calls.append(1)
        return sample

    first = load_or_build(load, "k1", tmp_path)
    assert (folder_for(tmp_path, "k1") / MANIFEST).exists() and len(calls) == 1
    again = load_or_build(load, "k1", tmp_path)
    assert len(calls) == 1 and len(again.names) == len(first.names)
    assert again.names[5].form == first.names[5].form
    load_or_build(load, "k2", tmp_path)  # another snapshot set: built anew
    assert len(calls) == 2
    (folder_for(tmp_path, "k1") / MANIFEST).write_bytes(b"damaged")
    assert len(load_or_build(load, "k1", tmp_path).names) == len(first.names) and len(calls) == 3


def test_screen_finds_a_cetc_institute_and_reports_the_group_as_related(real_lists: Path) -> None:
    frame = screen("14th Research Institute of CETC", lists_dir=real_lists)
    assert list(frame.columns)[:3] == ["query", "score", "is_match"]
    hits = frame[frame["is_match"]]
    entity_list = hits[(hits["list"] == "Entity List") & hits["name"].str.contains("14th Research Institute")]
    assert len(entity_list) >= 1 and set(hits["list"]) >= {"Entity List", "1260H"}
    top = entity_list.iloc[0]
    assert "aligned:" in top["explanation"] and "14" in top["explanation"]
    assert "parent group: China Electronics Technology Group Corporation (NS-CMIC" in top["related"]
    assert "parent group: China Electronics Technology Group Corporation (1260H" in top["related"]
    # the parent group itself is on NS-CMIC and 1260H, but is never reported as the same party
    group_rows = frame[frame["name"].str.upper() == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"]
    assert not group_rows["is_match"].any()
    assert frame["score"].is_monotonic_decreasing


def test_numbers_decide_on_the_real_index(screener: Screener) -> None:
    for match in screener.screen("15th Research Institute of CETC"):
        assert not (match.is_match and "14th" in match.name), match.explanation


def test_subordinate_units_are_found_with_their_parent_as_related(screener: Screener, real_entities: pd.DataFrame) -> None:
    unit = real_entities[real_entities["name"].str.contains("Subordinate Institution - ", regex=False)].iloc[0]
    short = unit["name"].split("Subordinate Institution - ")[1]
    matches = screener.screen(short)
    top = next(m for m in matches if m.entity_id == unit["entity_id"])
    assert top.is_match and top.matched_name == short
    assert any(r.relation == "parent" for r in top.related)


def test_as_of_filters_listings_by_date(real_lists: Path, real_entities: pd.DataFrame) -> None:
    cetc14 = real_entities[(real_entities["name"] == "China Electronics Technology Group Corporation 14th Research Institute (CETC 14)")
                           & (real_entities["source"] == "us-entity-list")]
    listed_on = cetc14["listing_date"].iloc[0]
    assert listed_on == "2018-08-01"
    before = screen("CETC 14", as_of=date(2018, 7, 31), lists_dir=real_lists)
    after = screen("CETC 14", as_of=date(2018, 8, 1), lists_dir=real_lists)
    assert cetc14["entity_id"].iloc[0] not in set(before["entity_id"])
    assert cetc14["entity_id"].iloc[0] in set(after[after["is_match"]]["entity_id"])
    notes = matching.dated_screener(real_lists, date(2018, 7, 31)).notes
    assert before.attrs["notes"] == notes and after.attrs["notes"] != notes
    assert any("newer than 2018-07-31" in n for n in notes)
    assert any(n.startswith("us-csl:") and "no listing dates" in n for n in notes)  # the compact CSL keeps none


def test_screen_frame_keeps_every_input_row(real_lists: Path) -> None:
    names = pd.DataFrame({"customer": ["CETC 14", "Stichting Nobody Here", None], "cc": ["CN", "NL", ""]})
    out = screen_frame(names, "customer", country_column="cc", lists_dir=real_lists, limit=2)
    assert set(out["row"]) == {0, 1, 2}
    assert out[out["row"] == 0]["is_match"].iloc[0]
    assert not out[out["row"] == 2]["is_match"].any()
    with pytest.raises(InputError):
        screen_frame(names, "nope", lists_dir=real_lists)


def test_match_model_round_trips() -> None:
    m = Match(score=0.9, is_match=True, entity_id="x", source="us-csl", list="Entity List", name="A", matched_name="A")
    assert Match.model_validate_json(m.model_dump_json()) == m and "0.90" in m._repr_html_()


def test_cli_json_explains_the_result(real_lists: Path) -> None:
    result = runner.invoke(app, ["screen", "China Electronics Technology Group Corporation 14th Research Institute",
                                 "--json", "--limit", "3", "--lists-dir", str(real_lists)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"query", "as_of", "matches"}
    first = data["matches"][0]
    assert set(first) >= {"score", "is_match", "entity_id", "source", "list", "name", "matched_name", "listing_date",
                          "end_date", "countries", "programs", "licence_requirement", "related", "explanation", "snapshot"}
    assert first["is_match"] and any(m["snapshot"].startswith("us-csl@") for m in data["matches"] if m["is_match"])
    assert [m["score"] for m in data["matches"]] == sorted((m["score"] for m in data["matches"]), reverse=True)


def test_cli_24th_institute(real_lists: Path, real_entities: pd.DataFrame) -> None:
    """The motivating case: the 24th institute is on the Entity List only as the alias "CETC 24" of
    CETC Chip Technology (the 2026 CSL and the eCFR Entity List); its parent CETC is on NS-CMIC and 1260H."""
    holders = real_entities[real_entities["aliases"].map(lambda a: any(x["name"] == "CETC 24" for x in a))]
    # METI's End User List holds the same alias, spelt without the final full stop
    assert set(zip(holders["name"], holders["list"], strict=True)) == {
        ("CETC Chip Technology Co., Ltd.", "Entity List"), ("CETC Chip Technology Co., Ltd", "METI End User List")}
    result = runner.invoke(app, ["screen", "24th Research Institute of CETC", "--json", "--lists-dir", str(real_lists)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    hits = [m for m in data["matches"] if m["is_match"]]
    assert {m["entity_id"] for m in hits} == set(holders["entity_id"])
    first = next(m for m in hits if m["list"] == "Entity List")
    assert first["matched_name"] == "CETC 24" and first["name"] == "CETC Chip Technology Co., Ltd."
    assert "alias" in first["explanation"] and "24" in first["explanation"] and "cetc" in first["explanation"]
    parents = {(r["list"], r["relation"]) for r in first["related"]}
    assert {("NS-CMIC", "parent group"), ("1260H", "parent group")} <= parents
    assert {r["list"] for r in data["related_to_query"]} >= {"NS-CMIC", "1260H"}
    # the 14th and 26th institutes are listed too, and must not be passed off as the 24th
    assert not any(m["matched_name"] == "CETC 26" or "14th" in m["name"] for m in hits)


def test_cli_batch_is_excel_safe(real_lists: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    pd.DataFrame({"name": ["CETC 14", "=HYPERLINK(\"http://x\")", "+31 Trading"]}).to_csv(source, index=False)
    out = tmp_path / "results.csv"
    result = runner.invoke(app, ["screen", "--file", str(source), "--column", "name", "--out", str(out),
                                 "--lists-dir", str(real_lists)])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert not written.map(lambda v: v.startswith(("=", "+", "-", "@"))).any().any()
    assert "'=HYPERLINK(\"http://x\")" in set(written["query"])
    assert written[written["query"] == "CETC 14"]["is_match"].iloc[0] == "True"


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_cli_batch_reads_excel_and_parquet(real_lists: Path, tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({"name": ["CETC 14"], "cc": ["CN"]})
    path = tmp_path / f"in{suffix}"
    frame.to_excel(path, index=False) if suffix == ".xlsx" else frame.to_parquet(path)
    result = runner.invoke(app, ["screen", "--file", str(path), "--column", "name", "--country-column", "cc",
                                 "--json", "--lists-dir", str(real_lists)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["is_match"] is True


@pytest.mark.parametrize("args", [
    ["screen"],
    ["screen", "x", "--as-of", "2024-02-30"],
    ["screen", "x", "--source", "no-such-list"],
    ["screen", "--file", "missing.csv", "--column", "a"],
    ["screen", "--file", "x.docx", "--column", "a"],
])
def test_cli_bad_input_is_one_line(real_lists: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--lists-dir", str(real_lists)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.output.strip().startswith("error:")


@pytest.mark.parametrize(("name", "content"), [
    ("not-a-zip.xlsx", b"name\nHuawei\n"),  # a CSV renamed .xlsx
    ("no-workbook.xlsx", None),  # a zip, but without the workbook's parts
    ("torn.parquet", b"PAR1xxxxPAR1"),
])
def test_cli_unreadable_file_is_one_line(real_lists: Path, tmp_path: Path, name: str, content: bytes | None) -> None:
    import zipfile

    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.txt", "x")
    else:
        path.write_bytes(content)
    result = runner.invoke(app, ["screen", "--file", str(path), "--column", "name", "--lists-dir", str(real_lists)])
    assert result.exit_code == 2, result.output
    assert result.output.strip().startswith(f"error: {path}: cannot read as {path.suffix[1:]}:")


def test_a_country_hint_reads_codes_and_names_as_the_lists_codes(real_lists: Path) -> None:
    """"CHN", "China" and "CN" are one hint: read as the lists' ISO-2 codes, none marks the Chinese party as of
    another country (before, "CHN" lowered every Chinese match: "listed for CN, not CHN")."""
    query = "Huawei Technologies Co., Ltd."
    plain = screen(query, country="CN", lists_dir=real_lists)
    for hint in ("CHN", "China", "cn"):
        frame = screen(query, country=hint, lists_dir=real_lists)
        assert frame[["entity_id", "score"]].equals(plain[["entity_id", "score"]])
        assert not frame.explanation.str.contains("not CHN|not CHINA").any()
    assert plain.score.iloc[0] == 1.0
    result = runner.invoke(app, ["screen", query, "--country", "Narnia", "--lists-dir", str(real_lists)])
    assert result.exit_code == 2 and result.output.startswith("error: --country 'Narnia': not a country")


def test_a_party_the_csl_lists_under_a_country_name_is_of_that_country(real_lists: Path) -> None:
    """The compact CSL writes some countries as names ("TURKIYE"): read as TR, a hint "TR" (or "Turkey") marks
    no mismatch; before, every such party was "listed for TURKIYE, not TR" and lowered."""
    query = "Metafor Lojistik"  # on the Unverified List, its country written "TURKIYE"
    plain = screen(query, lists_dir=real_lists, limit=1)
    assert plain.name.iloc[0] == "Metafor Lojistik" and "TR" in plain.countries.iloc[0]
    for hint in ("TR", "Turkey", "TUR"):
        hinted = screen(query, country=hint, lists_dir=real_lists, limit=1)
        assert hinted.score.iloc[0] == plain.score.iloc[0], hint
        assert "listed for" not in hinted.explanation.iloc[0]
    other = screen(query, country="GR", lists_dir=real_lists, limit=1)  # a real mismatch is still marked
    assert "listed for TR, not GR" in other.explanation.iloc[0]


def test_batch_country_cells_are_read_as_hints_and_a_cell_naming_none_gives_none(real_lists: Path,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    pd.DataFrame({"name": ["Huawei Technologies Co., Ltd."] * 3, "cc": ["CN", "China", "n/a"]}).to_csv(path, index=False)
    result = runner.invoke(app, ["screen", "--file", str(path), "--column", "name", "--country-column", "cc",
                                 "--json", "--lists-dir", str(real_lists)])
    assert result.exit_code == 0, result.output
    rows = pd.DataFrame(json.loads(result.stdout))
    best = rows.groupby("row").score.max()
    assert best.tolist() == [1.0, 1.0, 1.0]
    assert not rows.explanation.str.contains("not CHINA|not N/A").any()


def test_excel_safe() -> None:
    assert [excel_safe(v) for v in ["=1+1", "@x", "-2", "+3", "ok", 0.5]] == ["'=1+1", "'@x", "'-2", "'+3", "ok", 0.5]


def test_build_index_on_an_empty_table() -> None:
    from exportcheck.model import Entity
    from exportcheck.tables import empty_frame

    index = build_index(empty_frame(Entity), "empty")
    assert index.candidates(name_form("anything")).size == 0


def test_undated_csl_rows_take_the_dates_of_their_entity_list_twin(real_lists: Path, real_entities: pd.DataFrame) -> None:
    """The compact CSL keeps no dates; its Entity List rows borrow them from the eCFR copy, so --as-of works."""
    chip = real_entities[real_entities["name"] == "CETC Chip Technology Co., Ltd."]
    assert set(chip["source"]) == {"us-csl", "us-entity-list"}
    assert (chip[chip["source"] == "us-csl"]["listing_date"] == "").all()
    listed = chip[chip["source"] == "us-entity-list"]["listing_date"].iloc[0]
    day = date.fromisoformat(listed)
    before = screen("CETC 24", as_of=date.fromordinal(day.toordinal() - 1), lists_dir=real_lists)
    on = screen("CETC 24", as_of=day, lists_dir=real_lists)
    assert not set(chip["entity_id"]) & set(before[before["is_match"]]["entity_id"])
    hits = on[on["is_match"] & on["entity_id"].isin(chip["entity_id"])]
    assert set(hits["source"]) == {"us-csl", "us-entity-list"}
    # the compact CSL row carries its twin's dates as fields, and names the twin it took them from
    el = hits[hits["source"] == "us-entity-list"]
    assert set(el["listing_date"]) == {listed} and set(el["dates_borrowed_from"]) == {""}
    csl = hits[hits["source"] == "us-csl"]
    assert set(csl["listing_date"]) == {listed}
    assert set(csl["dates_borrowed_from"]) == set(chip[chip["source"] == "us-entity-list"]["entity_id"])
    assert csl["explanation"].str.contains(f"is dated {listed}").all()


def test_a_match_carries_what_evidence_cites(screener: Screener, real_lists: Path) -> None:
    """Citations, source URL, snapshot and its data date are fields of a Match (no caller re-reads a snapshot)."""
    from exportcheck.store import SnapshotStore

    full = SnapshotStore(real_lists).latest("us-entity-list")
    assert full is not None
    table = full.load(columns=["entity_id", "citations", "source_url"]).set_index("entity_id")
    match = next(m for m in screener.screen("CETC 24") if m.source == "us-entity-list")
    assert match.snapshot == f"us-entity-list@{full.version}"
    assert match.snapshot_date == full.meta.data_date.isoformat()  # type: ignore[union-attr]
    stored = table.loc[match.entity_id]
    assert [(c.citation, c.date) for c in match.citations] == [(c["citation"], c["date"]) for c in stored["citations"]]
    assert match.citations and match.source_url == (stored["source_url"] or "")
    assert 0.0 <= match.score <= 1.0
    with pytest.raises(ValueError):
        Match(score=93.0, is_match=True, entity_id="x", source="s", list="l", name="n", matched_name="n")


@pytest.mark.parametrize("cell", ["Limited", "Ltd", "LLC", "Group", "Private", "China", "Russia", "Beijing", "Shanghai",
                                  "Hong Kong", "HK", "Individual"])
def test_a_cell_holding_a_qualifier_matches_no_party(screener: Screener, cell: str) -> None:
    """Each was a 1.00 match: the index took a bracket that only qualifies a listed name as a name of its own
    ("China Communications Construction Group (Limited)", "Piotech (Shanghai) Co., Ltd.", "MFK Fulcrum (Russia)")."""
    found = screener.screen(cell, limit=3)
    assert not any(m.is_match for m in found), [(m.name, m.matched_name, m.score) for m in found]


def test_a_bracket_is_a_name_only_when_it_names_the_party() -> None:
    from exportcheck.matching.index import derived_names

    def brackets(name: str) -> list[str]:
        return [text for text, note in derived_names(name) if note == "short form in brackets"]

    for qualified in ("Piotech (Shanghai) Co., Ltd.", "Comsum Technologies (Group) Ltd.", "Mecatech (Private) Limited",
                      "MFK Fulcrum (Russia)", "Huawei Technologies (HK) Co., Ltd.", "Emily Liu (individual)",
                      "China Communications Construction Group (Limited)", "Foo Academy (11th Institute)"):
        assert brackets(qualified) == [], qualified
        assert derived_names(qualified)[0][1] == "name without brackets"  # the name without it still is one
    assert brackets("Islamic Revolutionary Guard Corps (IRGC)") == ["IRGC"]
    assert brackets("China Electronics Technology Group Corporation 14th Research Institute (CETC 14)") == ["CETC 14"]
