"""Parser for the OpenSanctions transcription of the DoD 1260H list (``sanctions.csv`` of us_dod_chinese_milcorps).

Source: https://github.com/opensanctions/opensanctions datasets/us/dod_chinese_milcorps/sanctions.csv,
typed by hand from the DoD PDFs / Federal Register notices. Header ``Name, Clean Name, Alias, Previous
Name, Parent Name, Note, Start date, End date, Source Url``; one row per listing period (a company
listed in 2021 and again in the 2025 edition has one row per edition that restated it; a delisted
one has an ``End date``). ``Name`` is copied from the PDF, ``*`` markers included.

One entity per company (id = slug of the clean name, so the same company keeps its id across
editions and matches the nsfreg JSON copy); every row is kept in the ``listing_periods`` table.
The entity's ``listing_date`` is its first start date; ``end_date`` is set only when every period of
it has ended (a delisted company keeps the date its listing ended).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, name_slug, partial_date, split_multi
from exportcheck.model import Alias, Entity

COLUMNS = ["Name", "Clean Name", "Alias", "Previous Name", "Parent Name", "Note", "Start date", "End date",
           "Source Url"]
ASTERISK = "asterisk-in-source"
_PAREN_TAIL = re.compile(r"\s*\([^()]*\)\s*$")


def clean_name(raw: str) -> str:
    """The company name from a PDF ``Name`` cell: no ``*`` markers, no trailing ``(short name)``, no end dot."""
    text = clean(raw.replace("*", ""))
    text = _PAREN_TAIL.sub("", text)
    return text.rstrip(".").strip() if text.endswith(").") else text


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per company; the listing periods as an extra table."""
    import pandas as pd  # here, not at import: reading the source declaration (snapshot choice) needs none

    source_id = ctx.source_id
    (path,) = paths
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(source_id, f"{path.name}: not UTF-8 at byte {exc.start}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParseError(source_id, f"{path.name}: not the 1260H CSV, missing columns {', '.join(missing)}")
    extra = [c for c in header if c not in COLUMNS]
    warnings = [f"{path.name}: unknown new columns not read: {', '.join(extra)}"] if extra else []
    periods: list[dict[str, str]] = []
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise ParseError(source_id, f"{path.name} line {reader.line_num}: wrong number of fields (truncated file?)")
            name = clean(row["Clean Name"]) or clean_name(row["Name"])
            if not name:
                raise ParseError(source_id, f"{path.name} line {reader.line_num}: no name")
            periods.append({"entity_id": f"{source_id}:{name_slug(name)}", "name": name, "name_raw": row["Name"],
                            "alias": row["Alias"], "previous_name": row["Previous Name"],
                            "parent_name": clean(row["Parent Name"]), "note": clean(row["Note"]),
                            "start_date": partial_date(row["Start date"]), "end_date": partial_date(row["End date"]),
                            "source_url": clean(row["Source Url"]), "line": str(reader.line_num)})
    except csv.Error as exc:
        raise ParseError(source_id, f"{path.name} line {reader.line_num}: {exc}") from exc
    groups: dict[str, list[dict[str, str]]] = {}
    for period in periods:
        groups.setdefault(period["entity_id"], []).append(period)
    records = [_entity(eid, rows, ctx) for eid, rows in groups.items()]
    table = pd.DataFrame([{k: v for k, v in p.items() if k not in ("alias", "previous_name")} for p in periods])
    starts = [p["start_date"] for p in periods if len(p["start_date"]) == 10]
    newest = max(starts + [p["end_date"] for p in periods if len(p["end_date"]) == 10], default="")
    return Parsed(records=records, data_date=pd.Timestamp(newest).date() if newest else None,
                  data_date_basis="file (newest edition date)", extra_tables={"listing_periods": table},
                  warnings=warnings)


def _entity(entity_id: str, rows: list[dict[str, str]], ctx: ParseContext) -> Entity:
    rows = sorted(rows, key=lambda r: r["start_date"])
    latest = rows[-1]
    aliases: dict[tuple[str, str], Alias] = {}
    for row in rows:
        for part in split_multi(row["alias"]):
            aliases.setdefault((part, "aka"), Alias(name=part, type="aka"))
        for part in split_multi(row["previous_name"]):
            aliases.setdefault((part, "fka"), Alias(name=part, type="fka"))
    ended = all(r["end_date"] for r in rows)
    return Entity(
        entity_id=entity_id,
        source=ctx.source_id,
        list=ctx.list_label,
        schema="Company",
        name=latest["name"],
        aliases=list(aliases.values()),
        countries=["CN"],  # the list is by statute of "Chinese military companies"
        listing_date=rows[0]["start_date"],
        end_date=max(r["end_date"] for r in rows) if ended else "",
        remarks=next((r["note"] for r in reversed(rows) if r["note"]), ""),
        parent_name=next((r["parent_name"] for r in reversed(rows) if r["parent_name"]), ""),
        flags=[ASTERISK] if any("*" in r["name_raw"] for r in rows) else [],
        source_url=next((r["source_url"] for r in reversed(rows) if r["source_url"]), ""),
        raw_id=latest["name_raw"],
    )
