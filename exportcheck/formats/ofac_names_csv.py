"""Parser for a third-party names-only copy of the OFAC SDN list (``DERIVED_ofac-sdn-names_*.csv``).

Source: kindrat86/ofac-sdn-json ``data/ofac-sdn.csv`` + ``data/metadata.json``, a CC0 repackaging of
OFAC's SDN.CSV + ALT.CSV (https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/).
Not official: it keeps only uid, primary name, type, programs and alias names (``; ``-joined), so
addresses, ids, remarks and alias types are absent. Used where no newer official SDN file is mirrored.
The data date is ``published`` in the metadata file; the metadata's counts are checked against the CSV
so a truncated copy fails instead of shrinking the list.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats import ofac
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, split_multi, to_date
from exportcheck.model import Alias, Entity

COLUMNS = ["uid", "name", "type", "programs", "alternate_names"]


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per row; ``entity_id`` = ``<source>:<uid>``, the same ids the official shapes give."""
    source_id = ctx.source_id
    csv_path = next((p for p in paths if p.suffix.lower() == ".csv"), None)
    meta_path = next((p for p in paths if p.name.lower().endswith(".json")), None)
    if csv_path is None:
        raise ParseError(source_id, f"no names CSV among {', '.join(p.name for p in paths)}")
    meta: dict[str, object] = {}
    if meta_path is not None:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ParseError(source_id, f"{meta_path.name}: not valid JSON ({exc})") from exc
    try:
        text = csv_path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(source_id, f"{csv_path.name}: not UTF-8 at byte {exc.start}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParseError(source_id, f"{csv_path.name}: missing columns {', '.join(missing)}")
    warnings = [f"{csv_path.name}: unknown new columns not read: {', '.join(c for c in header if c not in COLUMNS)}"] \
        if any(c not in COLUMNS for c in header) else []
    records: list[Entity] = []
    seen: set[str] = set()
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise ParseError(source_id, f"{csv_path.name} line {line}: wrong number of fields (truncated file?)")
            uid = row["uid"].strip()
            schema = ofac.schema_for(row["type"])
            if not uid.isdigit() or schema is None or not clean(row["name"]):
                raise ParseError(source_id, f"{csv_path.name} line {line}: bad uid/type/name {uid!r}/{row['type']!r}")
            if uid in seen:
                raise ParseError(source_id, f"{csv_path.name} line {line}: uid {uid} repeated")
            seen.add(uid)
            records.append(Entity(
                entity_id=f"{source_id}:{uid}", source=source_id, list=ctx.list_label, schema=schema, name=clean(row["name"]),
                aliases=[Alias(name=a, type="aka") for a in split_multi(row["alternate_names"], "; ")],
                programs=split_multi(row["programs"], "; "), raw_id=uid,
            ))
    except csv.Error as exc:
        raise ParseError(source_id, f"{csv_path.name} line {reader.line_num}: {exc}") from exc
    counts = meta.get("counts") if isinstance(meta.get("counts"), dict) else {}
    assert isinstance(counts, dict)
    stated = counts.get("entries")
    if isinstance(stated, int) and stated != len(records):
        raise ParseError(source_id, f"{csv_path.name}: {len(records)} rows but {meta_path.name if meta_path else 'metadata'} "
                                    f"says {stated} entries (truncated copy?)")
    published = str(meta.get("published", ""))
    return Parsed(records=records, data_date=to_date(published),
                  data_date_basis="metadata.json (published)" if to_date(published) else "filename", warnings=warnings)
