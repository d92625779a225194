"""Reading a JSON list file so that a truncated or malformed download names the file, line and column.

Why a helper: ``json.load`` raises ``JSONDecodeError`` with a position the user needs; every JSON
parser must turn it into a :class:`ParseError` for its source in the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exportcheck.errors import ParseError


def load_json(path: Path, source_id: str) -> Any:
    """The decoded JSON of ``path``; a :class:`ParseError` naming file, line and column otherwise."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(source_id, f"{path.name}: not UTF-8 at byte {exc.start}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(source_id, f"{path.name} line {exc.lineno} column {exc.colno}: "
                                    f"invalid JSON ({exc.msg}; truncated file?)") from exc


def expect(value: Any, kind: type, source_id: str, where: str) -> Any:
    """``value`` if it is a ``kind``; a :class:`ParseError` saying what was found at ``where`` otherwise."""
    if not isinstance(value, kind):
        raise ParseError(source_id, f"{where}: expected a JSON {kind.__name__}, found {type(value).__name__}")
    return value


def unknown_keys(found: set[str], known: set[str], where: str) -> list[str]:
    """A warning listing keys the parser does not read (a format change must be seen, not dropped)."""
    extra = sorted(found - known)
    return [f"{where}: unknown keys not read: {', '.join(extra)}"] if extra else []


def audited_objects(items: list[Any], known: set[str], source_id: str, label: str, stated: Any,
                    warnings: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each object of a JSON array with its location (``label[i]``), checking what the file claims.

    Why one walk: every JSON list copy states a count and may grow new keys; a count that disagrees
    and keys we never read are appended to ``warnings`` (reported, not dropped) once the walk ends.
    """
    if isinstance(stated, int) and stated != len(items):
        warnings.append(f"{label}: the file states {stated} but {len(items)} are present")
    extra: set[str] = set()
    for index, raw in enumerate(items):
        where = f"{label}[{index}]"
        item = expect(raw, dict, source_id, where)
        extra |= set(item) - known
        yield where, item
    warnings += unknown_keys(extra, set(), label)



#: The shape of the nsfreg project's copies of US lists (Entity List, MEU, 1260H, 1286, UFLPA, FCC, State).
NSFREG_TOP_KEYS = {"list_id", "source_file", "extracted", "count", "entities"}
NSFREG_ENTITY_KEYS = {"name", "aliases", "country", "address", "status", "effective_date", "federal_register", "notes"}


def nsfreg_entities(path: Path, source_id: str) -> tuple[dict[str, Any], Iterator[tuple[str, dict[str, Any]]], list[str]]:
    """An nsfreg list file: its top object, an audited walk over its entities, and the warnings list.

    Why shared: five parsers read this shape; each must refuse a file without ``entities``, warn about
    keys it does not read and check the stated ``count`` in the same way.
    """
    data = expect(load_json(path, source_id), dict, source_id, path.name)
    if "entities" not in data:
        raise ParseError(source_id, f"{path.name}: not an nsfreg list file, no 'entities' key")
    entities = expect(data["entities"], list, source_id, f"{path.name}: entities")
    warnings = unknown_keys(set(data), NSFREG_TOP_KEYS, path.name)
    walk = audited_objects(entities, NSFREG_ENTITY_KEYS, source_id, f"{path.name}: entities", data.get("count"),
                           warnings)
    return data, walk, warnings
