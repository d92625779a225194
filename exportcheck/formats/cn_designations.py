"""Parser for the combined CSV of China's designations (MOFCOM and MFA lists), linked to the announcements.

Source: ``DERIVED_cn-designations-combined_*.csv`` (SOURCES.md, third pass): one row per party named in
an announcement of MOFCOM's Export Control Control List (出口管制管控名单), the Unreliable Entity List
(不可靠实体清单), MOFCOM's Watch List (关注名单), and MOFCOM / MFA countermeasures under the
Anti-Foreign Sanctions Law. Columns: ``list, list_name_zh, announcement_ref, date, seq, kind, name_zh,
name_en, note, status, status_effective, status_until, status_source, source_url, provenance,
announcement_file``. ``source_url`` is the official announcement page; ``announcement_file`` the
plain-text copy of that page held beside the CSV in ``PAGES_announcements/`` (first line: its URL).

One entity per row (one party named in one announcement): a party named twice (Illumina on the
Unreliable Entity List in February and March 2025) was subject to two decisions, each with its own
measures. The Chinese name is the listed spelling (the announcements are in Chinese); it is kept as an
alias of type ``chinese-name`` next to the English name. ``stopped`` rows end on their
``status_effective`` date; ``suspended`` rows (MOFCOM's suspension to 2026-11-10) keep no end date but
are flagged, since the listing itself was not revoked.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, partial_date, to_date
from exportcheck.model import Alias, Citation, Entity

COLUMNS = ["list", "list_name_zh", "announcement_ref", "date", "seq", "kind", "name_zh", "name_en", "note", "status",
           "status_effective", "status_until", "status_source", "source_url", "provenance", "announcement_file"]
#: The combined file's list codes → the list names records carry.
LISTS = {
    "CN-ECL": "MOFCOM Export Control Control List",
    "CN-UEL": "Unreliable Entity List",
    "CN-WL": "MOFCOM Watch List",
    "CN-MOFCOM-COUNTERMEASURE": "MOFCOM countermeasures",
    "CN-MFA-COUNTERMEASURE": "MFA countermeasures (Anti-Foreign Sanctions Law)",
}
STATUSES = {"listed (no change known to these sources)", "stopped", "suspended"}
ANNOUNCEMENTS_DIR = "PAGES_announcements"


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per designation row; ``entity_id`` = ``<source>:<list>:<date>:<seq>``."""
    (path,) = paths
    sid = ctx.source_id
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(sid, f"{path.name}: not UTF-8 at byte {exc.start}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != COLUMNS:
        raise ParseError(sid, f"{path.name}: header {reader.fieldnames} is not the combined designations header")
    seen: Counter[str] = Counter()
    records: list[Entity] = []
    rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise ParseError(sid, f"{path.name} line {line}: wrong number of fields (truncated file?)")
        records.append(_entity(row, line, path.name, ctx, seen))
    newest = max((r.listing_date for r in records if len(r.listing_date) == 10), default="")
    warnings = check_announcements(path, rows)
    no_url = [r for r in rows if not _is_url(r["source_url"])]
    if no_url:  # the copier took a page's byline for its URL; the row is kept, the link is not invented
        warnings.append(f"{path.name}: {len(no_url)} rows have no announcement URL (source_url holds "
                        f"{clean(no_url[0]['source_url'])!r})")
    return Parsed(records=records, data_date=to_date(newest), data_date_basis="file (newest announcement date)",
                  warnings=warnings)


def _is_url(text: str) -> bool:
    return clean(text).startswith(("https://", "http://"))


def _entity(row: dict[str, str], line: int, file_name: str, ctx: ParseContext, seen: Counter[str]) -> Entity:
    sid = ctx.source_id
    code = clean(row["list"])
    if code not in LISTS:
        raise ParseError(sid, f"{file_name} line {line}: unknown list {code!r}")
    status = clean(row["status"])
    if status not in STATUSES:
        raise ParseError(sid, f"{file_name} line {line}: unknown status {status!r}")
    name_en, name_zh = clean(row["name_en"]), clean(row["name_zh"])
    if not (name_en or name_zh):
        raise ParseError(sid, f"{file_name} line {line}: no name")
    listed = partial_date(row["date"])
    base = f"{sid}:{code.lower()}:{listed or 'undated'}:{clean(row['seq']) or line}"
    seen[base] += 1
    flags, facts = [], []
    end = ""
    if status == "stopped":
        end = partial_date(row["status_effective"])
        facts.append(f"measures stopped from {end or row['status_effective']}")
    elif status == "suspended":
        until = partial_date(row["status_until"])
        flags.append(f"suspended:{partial_date(row['status_effective'])}..{until}")
        facts.append(f"measures suspended from {partial_date(row['status_effective'])} until {until}")
    if row["status_source"]:
        facts.append(f"status per {clean(row['status_source'])}")
    if clean(row["note"]):
        facts.append(f"note: {clean(row['note']).lstrip('，,')}")
    facts.append(f"list: {clean(row['list_name_zh'])}")
    ref = clean(row["announcement_ref"])
    return Entity(
        entity_id=base if seen[base] == 1 else f"{base}:{seen[base]}",
        source=sid,
        list=LISTS[code],
        schema="Person" if clean(row["kind"]) == "person" else "Organization",
        name=name_en or name_zh,
        aliases=[Alias(name=name_zh, type="chinese-name")] if name_en and name_zh else [],
        listing_date=listed,
        end_date=end,
        citations=[Citation(citation=ref or f"{clean(row['list_name_zh'])} announcement of {listed}", date=listed)],
        remarks="; ".join(facts),
        flags=flags,
        source_url=clean(row["source_url"]) if _is_url(row["source_url"]) else "",
        raw_id=f"{code} {ref or listed} #{clean(row['seq'])}",
    )


def check_announcements(path: Path, rows: list[dict[str, str]]) -> list[str]:
    """Each row's ``announcement_file``, where the texts sit beside the CSV: its URL and the party's name in it.

    Why a check and not a join: the texts are the primary source behind the rows; a row whose
    announcement does not name the party (or is another page) must be seen. Where the folder is not
    beside the file (a download, an HTTP mirror), the links cannot be checked and the warning says so.
    """
    folder = path.parent / ANNOUNCEMENTS_DIR
    linked = [r for r in rows if clean(r["announcement_file"])]
    if not folder.is_dir():
        return [f"{path.name}: {ANNOUNCEMENTS_DIR}/ not beside the file; {len(linked)} announcement links not checked"]
    problems: list[str] = []
    texts: dict[str, str] = {}
    for row in linked:
        name = clean(row["announcement_file"])
        if name not in texts:
            target = (folder / name).resolve()
            if folder.resolve() not in target.parents or not target.is_file():
                problems.append(f"{name}: announcement file missing")
                texts[name] = ""
                continue
            texts[name] = target.read_text(encoding="utf-8", errors="replace")
        text = texts[name]
        if not text:
            continue
        url = text.split("\n", 1)[0].strip()
        if url != clean(row["source_url"]):
            problems.append(f"{name}: first line {url!r} is not the row's source_url {row['source_url']!r}")
        squeezed = "".join(text.split())
        if clean(row["name_zh"]) and "".join(row["name_zh"].split()) not in squeezed:
            problems.append(f"{name}: does not name {row['name_zh']!r}")
    return [f"{path.name}: announcement links: {p}" for p in dict.fromkeys(problems)]
