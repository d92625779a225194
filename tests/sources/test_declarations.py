"""Every declared source says what it is in law (issue 10 §3), and the readers of that use it.

The declarations are the one place for a list's legal nature, jurisdiction, FtM topics and effect;
the claims engine (``claims/rules.py``) and the FtM export read them. These tests check every declared
source, including ones added later, and check the per-sub-list declaration of the CSL against the real
files: a sub-list appearing in a real CSL must be declared, or its rows would silently take the
CSL's own "red flag" nature.
"""

from __future__ import annotations

import typing
from collections import Counter
from pathlib import Path

import pytest
from followthemoney.types import registry
from pydantic import ValidationError

from exportcheck.claims import rules
from exportcheck.sources import LegalNature, all_sources, get_source
from exportcheck.sources.base import SourceSpec
from tests.conftest import raw_file

NATURES = set(typing.get_args(LegalNature))
REQUIRED = ("nature", "jurisdiction", "topics", "effect")


@pytest.mark.parametrize("source_id", sorted(all_sources()))
def test_every_source_declares_what_it_is(source_id: str) -> None:
    spec = get_source(source_id).spec
    assert spec.nature in NATURES
    assert spec.jurisdiction in ("EU", "UN") or (len(spec.jurisdiction) == 2 and spec.jurisdiction.isupper())
    assert spec.topics and all(registry.topic.validate(t) for t in spec.topics), spec.topics
    assert spec.effect and "\n" not in spec.effect and len(spec.effect) <= 300
    for name, sub in spec.sub_lists.items():
        assert sub.nature in NATURES and sub.effect and all(registry.topic.validate(t) for t in sub.topics), name
    for country, (low, high) in spec.country_bounds.items():
        assert len(country) == 2 and country.isupper() and 0 <= low <= high, country


@pytest.mark.parametrize("source_id", sorted(all_sources()))
def test_every_format_gets_its_source_context(source_id: str) -> None:
    source = get_source(source_id)
    for fmt in source.formats:
        assert fmt.context is not None and fmt.context.source_id == source_id
        assert fmt.context.list_label == source.spec.list_label


@pytest.mark.parametrize("field", REQUIRED)
def test_the_legal_fields_are_required(field: str) -> None:
    values = {"id": "x", "title": "x", "publisher": "x", "kind": "entities", "homepage": "https://example.org",
              "nature": "red-flag", "jurisdiction": "US", "topics": ["export.risk"], "effect": "none"}
    SourceSpec(**values)  # type: ignore[arg-type]
    del values[field]
    with pytest.raises(ValidationError, match=field):
        SourceSpec(**values)  # type: ignore[arg-type]


def test_lists_that_are_not_export_bans_are_red_flags() -> None:
    """DOMAIN.md: 1260H and NS-CMIC are red flags, never sanctions or end-user listings (trap 7)."""
    assert rules.list_category("us-1260h", "1260H") == "red-flag"
    assert rules.list_category("us-ofac-cons", "NS-CMIC") == "red-flag"
    assert rules.list_category("us-csl", "NS-CMIC") == "red-flag"
    assert rules.list_category("us-ofac-cons", "SSI") == "sanctions"


def test_csl_rows_take_their_sub_lists_nature() -> None:
    """The two readers agree: a CSL Entity List row is an end-user listing for claims and FtM alike."""
    from exportcheck.export_ftm import topics

    assert rules.list_category("us-csl", "Entity List") == rules.list_category("us-entity-list", "Entity List")
    assert topics("us-csl", "Entity List") == topics("us-entity-list", "Entity List") == ["export.control"]
    assert rules.list_category("us-csl", "SDN") == rules.list_category("us-ofac-sdn", "SDN") == "sanctions"
    assert rules.jurisdiction("us-csl", "SDN") == "us" and rules.jurisdiction("eu-fsf", "EU FSF") == "eu"
    assert rules.list_category("not-a-source", "SDN") == "other"


def test_sanctions_sources_come_from_the_declarations() -> None:
    declared = {sid for sid, s in all_sources().items() if s.spec.kind == "entities"
                and "sanctions" in {s.spec.nature, *(sub.nature for sub in s.spec.sub_lists.values())}}
    assert set(rules.SANCTIONS_SOURCES) == declared >= {"eu-fsf", "un-sc", "us-ofac-sdn", "us-csl"}
    assert set(rules.EU_BINDING_SANCTIONS) == {s for s in declared if get_source(s).spec.jurisdiction in ("EU", "UN")}


@pytest.mark.parametrize(("fmt", "name"), [("csl-csv", "consolidated_2022-04.csv.gz"),
                                           ("csl-compact-json", "DERIVED_csl-compact_2026-07-31.json")])
def test_every_real_csl_sub_list_is_declared(fmt: str, name: str) -> None:
    source = get_source("us-csl")
    parsed = source.format(fmt).read([raw_file("us-csl", name)])
    found = Counter(r.list for r in parsed.records)
    assert set(found) <= set(source.spec.sub_lists), set(found) - set(source.spec.sub_lists)
    assert found["Entity List"] > 1000  # the sub-list the lists once disagreed about is there


def test_country_bounds_hold_on_the_real_files() -> None:
    """Each declared country bound holds on every real file the source's formats read."""
    raw = raw_file()
    for source in all_sources().values():
        for fmt in source.formats:
            bounds = fmt.country_bounds if fmt.country_bounds is not None else source.spec.country_bounds
            if not bounds:
                continue
            for folder in source.mirror_dir_names():
                names = sorted(p.name for p in (raw / folder).glob("*")) if (raw / folder).is_dir() else []
                for primary in [n for n in names if fmt.matches_primary(n)]:
                    paths = [Path(raw / folder / primary)] + [raw / folder / n for n in names
                                                             if fmt.matches_companion(n) and n != primary]
                    counts = Counter(c for r in fmt.read(paths).records for c in set(r.countries))  # type: ignore[union-attr]
                    for country, (low, high) in bounds.items():
                        assert low <= counts[country] <= high, (source.id, primary, country, counts[country])


def test_refresh_refuses_a_file_that_lost_a_countrys_rows(tmp_path: Path) -> None:
    """A copy whose Chinese rows lost their country keeps its total in bounds; the CN bound must catch it."""
    import json

    from exportcheck.refresh import refresh
    from exportcheck.settings import get_settings
    from exportcheck.store import SnapshotStore

    real = raw_file("us-ear", "DERIVED_entity-list_part744-supp4_2026-07-09.json")
    mirror = tmp_path / "mirror" / "us-ear"
    mirror.mkdir(parents=True)
    (mirror / real.name).write_bytes(real.read_bytes())
    data = json.loads(real.read_text(encoding="utf-8"))
    for entity in data["entities"]:
        if entity.get("country") == "China":
            entity["country"] = ""
    (mirror / "DERIVED_entity-list_part744-supp4_2026-07-10.json").write_text(json.dumps(data), encoding="utf-8")
    lists = tmp_path / "lists"
    outcomes = refresh(["us-entity-list"], get_settings(lists), mirror=str(tmp_path / "mirror"), all_dates=True)
    assert [o.status for o in outcomes] == ["published", "failed"]
    assert "records with country CN, outside the expected 700-5000" in outcomes[1].message
    assert "kept the previous snapshot" in outcomes[1].message
    latest = SnapshotStore(lists).latest("us-entity-list")
    assert latest is not None and latest.version == outcomes[0].version and latest.meta.record_count == 3409
