"""Parser for a JSON copy of Annex I to Regulation (EU) 2021/821, one provision per line.

Source here: ``eu-dual-use/DERIVED_annex-I_02021R0821-20251115.json`` (a third party's container,
verbatim EUR-Lex text of the consolidated version CELEX 02021R0821-20251115, valid from 2025-11-15).
Keys: ``corpus_version, celex, valid_from, source_url, entry_count, index, entries[{entry_code,
category, verbatim_text, ...}], docs[{doc_type, title, verbatim_text}], geas``.

Each line of ``verbatim_text`` starts with its dotted code (``3B001.f.1.b ...``). Notes keep that
prefix (``3B001.f.1.b Technical Note: ...``), so a note is attached to exactly the code it carries.
A line that repeats a code without a note heading continues what came before it for that code
(``3B001.f.1.b where the K factor = 0,35.`` finishes the MRF Technical Note).

Dropped on purpose: ``entries[].parameters`` and ``entries[].applicable_notes`` are the third party's
own extractions from ``verbatim_text``; both are re-derived here from the verbatim lines (notes on
the code they carry; parameters by :mod:`exportcheck.controls.params`). ``index`` is only used to
check the entry count. ``docs``, ``geas`` and ``gea_common_list`` go to the ``documents`` table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import to_date
from exportcheck.formats.control_tree import (
    CODE,
    TreeBuilder,
    annex_definitions,
    definitions_frame,
    link_terms,
    note_definitions,
)

_LINE = re.compile(rf"^({CODE.pattern})\.?\s+(.*)$")
#: Note headings as Annex I writes them: "Note:", "Note 2:", "Technical Notes:", "N.B.", "N.B.1.", "Nota".
NOTE_HEAD = re.compile(
    r"^(?P<kind>N\.\s?B\.?\s*\d*\.?|(?:Technical\s+)?Notes?(?:\s+\d+)?(?:\s+to\s+[^:]{1,40})?|Nota|Decontrol notes?)"
    r"\s*(?::|(?=\s)|$)\s*(?P<text>.*)$"
)


def _load(path: Path, source_id: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(source_id, f"{path.name}: not valid JSON ({exc})") from exc
    missing = [k for k in ("entries", "valid_from", "corpus_version") if k not in data]
    if missing:
        raise ParseError(source_id, f"{path.name}: not an Annex I JSON, missing keys {', '.join(missing)}")
    return data


def note_heading(rest: str) -> tuple[str, str] | None:
    """``("Technical Note", "text")`` where a line opens with a note heading, else ``None``.

    A line such as ``Note 9E003 includes ...`` (no colon) is a note too; "Notes" alone is not text.
    """
    match = NOTE_HEAD.match(rest)
    if not match:
        return None
    kind = " ".join(match.group("kind").split())
    if kind.replace(" ", "").startswith("N.B"):
        kind = kind.replace(" ", "").rstrip(".") + ("." if not kind.rstrip(".")[-1:].isdigit() else "")
    return kind, match.group("text").strip()


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every code of Annex I at every depth; definitions and general notes in extra tables."""
    source_id = ctx.source_id
    (path,) = paths
    data = _load(path, source_id)
    version = str(data["corpus_version"])
    valid_from = str(data["valid_from"])
    url = str(data.get("source_url", ""))
    builder = TreeBuilder()
    warnings: list[str] = []
    for number, entry in enumerate(data["entries"], start=1):
        top = entry.get("entry_code", "")
        moved: dict[str, str] = {}  # carried code -> the code its last note went to (its continuation lines follow)
        for line in str(entry.get("verbatim_text", "")).split("\n"):
            if not line.strip():
                continue
            match = _LINE.match(line)
            if not match or not match.group(1).startswith(top):
                raise ParseError(source_id, f"{path.name}: entries[{number}] ({top}): line without its code: {line[:80]!r}")
            code, rest = match.groups()
            note = note_heading(rest)
            if note is not None:
                target = builder.named_by(top, note[1]) or code
                if target != code:
                    moved[code] = target
                else:
                    moved.pop(code, None)
                builder.add_note(target, *note)
            elif code in moved:  # a line continuing a note that went to the code it names
                builder.append_note(moved[code], rest.strip())
            else:
                builder.add_item(code, rest.strip())
    count = sum(1 for code in builder.nodes if "." not in code)
    stated = data.get("entry_count")
    if stated is not None and stated != count:
        warnings.append(f"{path.name}: states entry_count {stated} but holds {count} top-level entries")
    indexed = {str(i.get("code")) for i in data.get("index", [])}
    if indexed and indexed != {c for c in builder.nodes if "." not in c}:
        warnings.append(f"{path.name}: index and entries name different codes")
    entries = builder.entries(regime="eu", source=source_id, version=version, valid_from=valid_from, source_url=url)
    docs = data.get("docs", [])
    definition_rows = []
    for doc in docs:
        if doc.get("doc_type") == "definitions_annex":
            definition_rows += annex_definitions(str(doc.get("verbatim_text", "")).split("\n"), regime="eu",
                                                 version=version, valid_from=valid_from, source=source_id)
    definition_rows += note_definitions(entries, regime="eu", version=version, valid_from=valid_from, source=source_id)
    definitions = definitions_frame(definition_rows)
    link_terms(entries, definitions)
    documents = pd.DataFrame(
        [{"version": version, "kind": d.get("doc_type", ""), "title": d.get("title", ""),
          "text": d.get("verbatim_text", "")} for d in docs]
        + [{"version": version, "kind": "general_export_authorisation", "title": g.get("title", g.get("id", "")),
            "text": g.get("verbatim_text", "")} for g in data.get("geas", [])]
        + ([{"version": version, "kind": "gea_common_list", "title": "Annex II Section I (items excluded from the GEAs)",
             "text": str(data["gea_common_list"])}] if data.get("gea_common_list") else []),
        columns=["version", "kind", "title", "text"],
    )
    categories = sorted({e.category for e in entries})
    coverage = pd.DataFrame([{"version": version, "valid_from": valid_from, "category": c, "status": "complete",
                              "entries": sum(1 for e in entries if e.category == c and e.depth == 0)}
                             for c in categories])
    return Parsed(records=entries, data_date=to_date(valid_from), data_date_basis="file (valid_from)",
                  extra_tables={"definitions": definitions, "documents": documents, "coverage": coverage},
                  warnings=warnings)
