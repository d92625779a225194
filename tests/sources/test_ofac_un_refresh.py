"""`exportcheck refresh us-ofac-sdn us-ofac-cons un-sc --mirror RAW --all-dates` publishes one snapshot
per dated input set, and the published tables hold what the files hold.

Expected counts are not pinned: each format has an independent counter (lxml / csv on the real file,
never the parser), so a new mirror file of a known format is checked as soon as it appears."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.sources import all_sources
from exportcheck.store import SnapshotStore

Fact = tuple[str, int, int]  # data date, records, aliases
SOURCES = ("us-ofac-sdn", "us-ofac-cons", "un-sc")
_QUOTED_REMARK_ALIAS = re.compile(r"[afn]\.k\.a\.,? +'[^']*'")  # only aliases whose closing quote survived the cut


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


def _legacy_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8").rstrip("\x1a")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row and row[0].strip()]


def _date_in_name(name: str) -> str:
    found = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", name)
    assert found, name
    return f"{found[1]}-{found[2]}-{found[3] or '01'}"


# Independent counts, one per format: each reads the real files with lxml / csv (never the parser) and
# returns (data date, records, aliases) as the file itself states them.
def _count_sdnlist_xml(files: list[Path]) -> Fact:
    root = etree.parse(str(files[0])).getroot()
    stated = root.xpath(f"//{_local('Record_Count')}/text()")
    entries = root.xpath(f"//{_local('sdnEntry')}")
    assert [str(len(entries))] == stated, f"{files[0].name}: Record_Count says {stated}"
    month, day, year = root.xpath(f"//{_local('Publish_Date')}/text()")[0].split("/")
    return f"{year}-{month}-{day}", len(entries), len(root.xpath(f"//{_local('aka')}"))


def _count_enhanced_xml(files: list[Path]) -> Fact:
    with zipfile.ZipFile(files[0]) as archive:
        root = etree.fromstring(archive.read(archive.namelist()[0]))
    entities = root.xpath(f"//{_local('entities')}/{_local('entity')}")
    names = [t for t in root.xpath(f"//{_local('entity')}/{_local('names')}/{_local('name')}/{_local('translations')}"
                                   f"/{_local('translation')}/{_local('formattedFullName')}/text()") if t.strip()]
    as_of = root.xpath(f"//{_local('publicationInfo')}/{_local('dataAsOf')}/text()")[0][:10]
    return as_of, len(entities), len(names) - len(entities)  # every name but each entity's one primary


def _count_legacy_csv(files: list[Path]) -> Fact:
    by_prefix = {f.name.split("_")[-2] if f.name.startswith("cons_") else f.name.split("_")[0]: f for f in files}
    primary = _legacy_rows(files[0])
    alt = _legacy_rows(by_prefix["alt"]) if "alt" in by_prefix else []
    comments = _legacy_rows(by_prefix["comments"]) if "comments" in by_prefix else []
    remark_aliases = sum(len(_QUOTED_REMARK_ALIAS.findall(row[11])) for row in primary)
    remark_aliases += sum(len(_QUOTED_REMARK_ALIAS.findall(row[1])) for row in comments)
    return _date_in_name(files[0].name), len(primary), len(alt) + remark_aliases


def _count_names_csv(files: list[Path]) -> Fact:
    with files[0].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    aliases = sum(len([a for a in row["alternate_names"].split("; ") if a.strip()]) for row in rows)
    meta = json.loads(files[1].read_text(encoding="utf-8"))
    assert (meta["counts"]["entries"], meta["counts"]["alternateNames"]) == (len(rows), aliases), files[1].name
    return meta["published"], len(rows), aliases


def _count_un_xml(files: list[Path]) -> Fact:
    root = etree.parse(str(files[0])).getroot()
    parties = root.findall("INDIVIDUALS/INDIVIDUAL") + root.findall("ENTITIES/ENTITY")
    aliases = [a for a in root.iter("INDIVIDUAL_ALIAS", "ENTITY_ALIAS") if (a.findtext("ALIAS_NAME") or "").strip()]
    scripts = [n for n in root.iter("NAME_ORIGINAL_SCRIPT") if (n.text or "").strip()]
    return root.get("dateGenerated", "")[:10], len(parties), len(aliases) + len(scripts)


COUNTERS: dict[str, Callable[[list[Path]], Fact]] = {
    "ofac-sdnlist-xml": _count_sdnlist_xml,
    "ofac-enhanced-xml": _count_enhanced_xml,
    "ofac-legacy-csv": _count_legacy_csv,
    "ofac-sdn-names-csv": _count_names_csv,
    "un-sc-xml": _count_un_xml,
}


def _mirror_file(raw_dir: Path, source: str, name: str) -> Path:
    folders = all_sources()[source].mirror_dir_names()
    found = [raw_dir / folder / name for folder in folders if (raw_dir / folder / name).is_file()]
    assert found, f"{source}: {name} is not in {folders}"
    return found[0]


@pytest.fixture(scope="module")
def published(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    lists = tmp_path_factory.mktemp("lists")
    result = CliRunner().invoke(app, ["refresh", "us-ofac-sdn", "us-ofac-cons", "un-sc", "--mirror", str(raw_dir),
                                      "--all-dates", "--lists-dir", str(lists)])
    assert result.exit_code == 0, result.output
    return lists


def test_every_snapshot_holds_what_its_files_state(published: Path, raw_dir: Path) -> None:
    """Each published snapshot's date, record and alias counts equal an independent count of its files."""
    store = SnapshotStore(published)
    for source in SOURCES:
        snapshots = store.snapshots(source)
        assert snapshots, source
        for snap in snapshots:
            meta = snap.meta
            assert meta.format in COUNTERS, f"{source}: no independent count for format {meta.format}; write one"
            files = [_mirror_file(raw_dir, source, f.name) for f in meta.files]
            data_date, records, aliases = COUNTERS[meta.format](files)
            assert meta.data_date is not None and records > 0
            assert (meta.data_date.isoformat(), meta.record_count, meta.alias_count) == (data_date, records, aliases), \
                f"{source} {[f.name for f in meta.files]}"


def test_every_data_file_is_published_or_reported(published: Path, raw_dir: Path) -> None:
    """No file in these sources' mirror folders is silently ignored: each is in a snapshot or a warning."""
    store = SnapshotStore(published)
    metas = [snap.meta for source in SOURCES for snap in store.snapshots(source)]
    used = {f.name for meta in metas for f in meta.files}
    warned = " ".join(w for meta in metas for w in meta.warnings)
    folders = {folder for source in SOURCES for folder in all_sources()[source].mirror_dir_names()}
    data = [p for folder in folders for p in (raw_dir / folder).glob("*") if p.is_file()
            and p.suffix.lower() not in {".xsd", ".md"}]
    assert len(data) >= 14
    missing = [p.name for p in data if p.name not in used and p.name not in warned]
    assert not missing, missing


def test_the_three_ofac_shapes_of_one_list_agree_on_its_size(published: Path) -> None:
    """The non-SDN list was 639 parties in 2018 and about 440 in 2025 in every format OFAC publishes it in."""
    metas = {(s.meta.format, s.meta.data_date.isoformat()): s.meta.record_count  # type: ignore[union-attr]
             for s in SnapshotStore(published).snapshots("us-ofac-cons")}
    assert metas[("ofac-sdnlist-xml", "2018-04-06")] == 639
    recent = [count for (fmt, day), count in metas.items() if day >= "2025"]
    assert len(recent) >= 3 and max(recent) - min(recent) <= 5, metas


def test_tables_hold_the_records(published: Path) -> None:
    store = SnapshotStore(published)
    frame = store.latest("us-ofac-cons").load()  # type: ignore[union-attr]
    assert len(frame) == 442 and frame["entity_id"].is_unique
    cetc = frame[frame["name"] == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"].iloc[0]
    assert cetc["list"] == "NS-CMIC" and cetc["listing_date"] == "2021-06-03"
    un = store.latest("un-sc").load()  # type: ignore[union-attr]
    assert len(un) == 1003 and un["entity_id"].str.startswith("un-sc:").all()


def test_orphan_companions_reported_not_joined(published: Path) -> None:
    store = SnapshotStore(published)
    (legacy,) = [s for s in store.snapshots("us-ofac-sdn") if s.meta.format == "ofac-legacy-csv"]
    assert any("add_2025-12.csv" in w and "no sdn.csv" in w for w in legacy.meta.warnings)


def test_refresh_twice_publishes_nothing_new(published: Path, raw_dir: Path) -> None:
    result = CliRunner().invoke(app, ["refresh", "un-sc", "--mirror", str(raw_dir), "--all-dates",
                                      "--lists-dir", str(published)])
    assert result.exit_code == 0 and "unchanged" in result.output
    assert len(SnapshotStore(published).snapshots("un-sc")) == 1
