"""Fixtures for the claims tests: real list rows in the engine's in-memory implementations.

The entity and control-list parsers are separate work; until their snapshots exist, these fixtures
read the few entries the tests need straight from the real files in ``../shared/data/raw`` (the
Entity List JSON, the 1260H transcription, EU Annex I 2025 JSON and the 2023 consolidated text) and
turn them into :class:`~exportcheck.model.Entity` / :class:`~exportcheck.model.ControlEntry` rows.
Nothing is canned: the engine reasons over those rows exactly as it would over a snapshot.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import pytest

from exportcheck.claims.memory import EntitySet, MemoryControls, MemoryScreener
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import SnapshotRef
from exportcheck.model import Alias, Citation, ControlEntry, Entity
from exportcheck.sources import get_source

EL_FILE = "us-ear/DERIVED_entity-list_part744-supp4_2026-07-09.json"
H1260_FILE = "us-1260h/DERIVED_opensanctions_us_dod_chinese_milcorps_2026-08-20.csv"
ANNEX_2025 = "eu-dual-use/DERIVED_annex-I_02021R0821-20251115.json"
TEXT_2023 = "eu-dual-use/DERIVED_consolidated-text_02021R0821-20230526_EN_chars320000-432000.txt.gz"
_FR = re.compile(r"(\d+ FR \d+),?\s*(\d{1,2})/(\d{1,2})/(\d{2,4})")


def _fr_citations(text: str | None) -> list[Citation]:
    out = []
    for m in _FR.finditer(text or ""):
        year = int(m.group(4))
        year += 2000 if year < 70 else (1900 if year < 100 else 0)
        out.append(Citation(citation=m.group(1), date=f"{year}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"))
    return out


@pytest.fixture(scope="session")
def entity_list_rows(raw_dir: Path) -> list[Entity]:
    """Every Chinese entry of the real Entity List JSON (eCFR, 2026-07-09) as Entity rows."""
    data = json.loads((raw_dir / EL_FILE).read_text(encoding="utf-8"))
    rows = []
    for i, e in enumerate(data["entities"]):
        if e.get("country") != "China":
            continue
        rows.append(Entity(
            entity_id=f"test-el:{i}", source="us-entity-list", list="Entity List", schema="Organization",
            name=e["name"], aliases=[Alias(name=a) for a in e.get("aliases") or []], countries=["CN"],
            citations=_fr_citations(e.get("federal_register")), licence_requirement=e.get("notes") or "",
            source_url="https://www.ecfr.gov/current/title-15/part-744/appendix-Supplement%20No.%204%20to%20Part%20744"))
    return rows


@pytest.fixture(scope="session")
def h1260_rows(raw_dir: Path) -> list[Entity]:
    """Every row (one per listing period) of the real 1260H transcription as Entity rows."""
    with (raw_dir / H1260_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Entity(entity_id=f"test-1260h:{i}", source="us-1260h", list="1260H", schema="Company",
                   name=r["Clean Name"], aliases=[Alias(name=a) for a in r["Alias"].split(";") if a.strip()],
                   listing_date=r["Start date"], end_date=r["End date"], parent_name=r["Parent Name"],
                   source_url=r["Source Url"]) for i, r in enumerate(rows)]


@pytest.fixture(scope="session")
def csl_2022_rows(raw_dir: Path) -> list[Entity]:
    """The real official CSL CSV of April 2022 through the project's own parser (SDN, NS-CMIC, Entity List …)."""
    parsed = get_source("us-csl").format("csl-csv").read([raw_dir / "us-csl" / "consolidated_2022-04.csv.gz"])
    return list(parsed.records)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def screener(entity_list_rows: list[Entity], h1260_rows: list[Entity], csl_2022_rows: list[Entity]) -> MemoryScreener:
    return MemoryScreener([
        EntitySet(SnapshotRef(source="us-csl", version="2022-04-21_test", data_date="2022-04-21"), csl_2022_rows),
        EntitySet(SnapshotRef(source="us-entity-list", version="2026-07-09_test", data_date="2026-07-09"),
                  entity_list_rows),
        EntitySet(SnapshotRef(source="us-1260h", version="2026-08-20_test", data_date="2026-08-20"), h1260_rows),
    ])


def _annex_2025_rows(raw_dir: Path, prefixes: tuple[str, ...]) -> list[ControlEntry]:
    """One row per dotted code (``3B001``, ``3B001.f``, ``3B001.f.1`` …) of the 2025-11-15 Annex I JSON,
    whose ``verbatim_text`` has one provision per line prefixed with its code."""
    data = json.loads((raw_dir / ANNEX_2025).read_text(encoding="utf-8"))
    texts: dict[str, list[str]] = {}
    for entry in data["entries"]:
        if not entry["entry_code"].startswith(prefixes):
            continue
        for line in entry["verbatim_text"].splitlines():
            code, _, rest = line.partition(" ")
            texts.setdefault(code, []).append(rest)
    return [ControlEntry(entry_id=f"eu:{code}@2025-11-15", regime="eu", source="eu-dual-use", code=code,
                         parent_code=code.rsplit(".", 1)[0] if "." in code else "", depth=code.count("."),
                         heading=lines[0][:200], text="\n".join(lines), valid_from="2025-11-15",
                         version="02021R0821-20251115", source_url=data.get("source_url", ""))
            for code, lines in texts.items()]


def _annex_2023_rows(raw_dir: Path) -> list[ControlEntry]:
    """3B001 and 3B001.f of the 2023-05-26 consolidation, from its real (partial) text."""
    text = gzip.decompress((raw_dir / TEXT_2023).read_bytes()).decode("utf-8")
    start = text.index("3B001")
    block = text[start:text.index("3B002", start)]
    lith = block.index("Lithography equipment")
    common = {"regime": "eu", "source": "eu-dual-use", "valid_from": "2023-05-26", "version": "02021R0821-20230526",
              "partial": True, "source_url": "https://eur-lex.europa.eu/eli/reg/2021/821/2023-05-26/eng"}
    return [
        ControlEntry(entry_id="eu:3B001@2023-05-26", code="3B001", heading=block[5:120].strip(), text=block[:4000],
                     **common),
        ControlEntry(entry_id="eu:3B001.f@2023-05-26", code="3B001.f", parent_code="3B001", depth=1,
                     heading=block[lith:lith + 120], text=block[lith:lith + 2500], **common),
    ]


@pytest.fixture(scope="session")
def controls(raw_dir: Path) -> MemoryControls:
    """EU Annex I rows (3B001*, 3B5xx*) of the 2023-05-26 and 2025-11-15 versions, from the real texts."""
    return MemoryControls(_annex_2023_rows(raw_dir) + _annex_2025_rows(raw_dir, ("3B001", "3B5")))


@pytest.fixture
def ctx(screener: MemoryScreener, controls: MemoryControls) -> Context:
    return Context(screener, controls)


@pytest.fixture(scope="session")
def examples_file() -> Path:
    return Path(__file__).resolve().parents[2] / "examples" / "cetc-2024.yaml"
