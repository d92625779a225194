"""Export the latest entity snapshots as FollowTheMoney (FtM) entities, one JSON object per line.

Why FtM: it is the data model of Aleph, OpenSanctions, nomenklatura and yente, so lists exportcheck
has parsed (including the ones OpenSanctions does not carry in this shape, such as the Entity List with
its licence columns and footnotes) can be loaded and matched with that tooling. Each listed party
becomes one entity of its FtM schema (our ``Aircraft`` is FtM's ``Airplane``) and, where the list states
something about the listing (programme, dates, licence requirement and policy, citations), one
``Sanction`` entity pointing at it, as OpenSanctions models listings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import pyarrow.parquet as pq
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import ENTITY_ID_LEN

from exportcheck.errors import ConfigError, SnapshotError
from exportcheck.model import Entity
from exportcheck.sources import all_sources, entity_source_ids
from exportcheck.store import SnapshotStore

__all__ = ["entity_to_ftm", "export_ftm", "ftm_id", "iter_ftm", "topics"]

SCHEMAS = {"Aircraft": "Airplane"}
#: FtM properties for our identifier types (lower-cased); anything else becomes ``idNumber`` where the schema has it.
IDENTIFIER_PROPS = {"website": "website", "web": "website", "email": "email", "phone": "phone", "imo number": "imoNumber",
                    "imonumber": "imoNumber", "passport": "passportNumber", "national passport": "passportNumber",
                    "passportnumber": "passportNumber", "registration number": "registrationNumber",
                    "registrationnumber": "registrationNumber", "swiftbic": "swiftBic", "leicode": "leiCode",
                    "inncode": "innCode", "ogrncode": "ogrnCode", "taxnumber": "taxNumber"}
_ID_UNSAFE = re.compile(r"[^0-9a-zA-Z.\-]+")


def ftm_id(entity_id: str, suffix: str = "") -> str:
    """An FtM-valid id for one of our ids (FtM allows only letters, digits, ``.`` and ``-``)."""
    text = _ID_UNSAFE.sub("-", entity_id + (f"-{suffix}" if suffix else "")).strip("-.")
    if len(text) > ENTITY_ID_LEN:
        text = f"{text[:ENTITY_ID_LEN - 41]}-{hashlib.sha1(text.encode()).hexdigest()}"
    return text


def _add(proxy: EntityProxy, prop: str, values: Iterable[str] | str) -> None:
    """Add values to a property the schema has; skip a property the schema lacks.

    A value FtM would reject (an address longer than FtM's 250-character limit, a phone number it
    cannot read) is not dropped: it goes into ``notes`` (or ``summary``) with the property named.
    """
    prop_obj = proxy.schema.get(prop)
    if prop_obj is None:
        return
    fallback = "notes" if proxy.schema.get("notes") is not None else "summary"
    for value in [values] if isinstance(values, str) else values:
        if not value:
            continue
        if prop_obj.type.validate(value):
            proxy.add(prop, value)
        elif prop != fallback:
            proxy.add(fallback, f"{prop}: {value}")


def topics(source_id: str, list_name: str) -> list[str]:
    """FtM topics of a listing: what its source declares for its sub-list (a CSL Entity List row is
    ``export.control``, not ``sanction``); none for a source that is not declared."""
    source = all_sources().get(source_id)
    return source.spec.topics_of(list_name) if source is not None else []


def entity_to_ftm(entity: Entity) -> list[EntityProxy]:
    """The FtM entities for one listed party: the party itself and, where useful, its ``Sanction``."""
    schema = SCHEMAS.get(entity.schema_, entity.schema_)
    proxy = model.make_entity(schema)
    proxy.id = ftm_id(entity.entity_id)
    proxy.add("name", entity.name)
    for alias in entity.aliases:
        prop = "previousName" if alias.type == "fka" else ("weakAlias" if alias.quality == "weak" else "alias")
        _add(proxy, prop, alias.name)
    _add(proxy, "country", entity.countries)
    _add(proxy, "address", [a.full for a in entity.addresses])
    for ident in entity.identifiers:
        prop = IDENTIFIER_PROPS.get(ident.type.lower(), "idNumber")
        _add(proxy, prop if proxy.schema.get(prop) is not None else "idNumber", ident.value)
    _add(proxy, "birthDate", entity.birth_dates)
    _add(proxy, "nationality", entity.nationalities)
    _add(proxy, "notes", [t for t in (entity.remarks, f"Parent: {entity.parent_name}" if entity.parent_name else "")])
    _add(proxy, "sourceUrl", entity.source_url)
    _add(proxy, "topics", topics(entity.source, entity.list))
    _add(proxy, "program", entity.programs)
    sanction = model.make_entity("Sanction")
    sanction.id = ftm_id(entity.entity_id, "sanction")
    sanction.add("entity", proxy.id)
    sanction.add("authority", entity.list)
    _add(sanction, "program", entity.programs)
    _add(sanction, "listingDate", entity.listing_date)
    _add(sanction, "startDate", entity.listing_date)
    _add(sanction, "endDate", entity.end_date)
    _add(sanction, "reason", entity.licence_requirement)
    _add(sanction, "provisions", entity.licence_policy)
    _add(sanction, "authorityId", [c.citation + (f" ({c.date})" if c.date else "") for c in entity.citations])
    _add(sanction, "summary", [f for f in entity.flags])
    _add(sanction, "sourceUrl", entity.source_url)
    return [proxy, sanction]


def _entity_sources(source_ids: Sequence[str]) -> list[str]:
    known = entity_source_ids()
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise ConfigError(f"not an entity source: {', '.join(unknown)}; entity sources: {', '.join(known)}")
    return list(source_ids) or list(known)


def iter_ftm(store: SnapshotStore, source_ids: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """FtM entity dicts from the latest snapshot of each named (default: every) entity source.

    Sources with no snapshot are skipped when none were named, an error when named explicitly.
    """
    for source_id in _entity_sources(source_ids):
        snapshot = store.latest(source_id)
        if snapshot is None:
            if source_ids:
                raise SnapshotError(f"{source_id}: no snapshot to export; run `exportcheck refresh {source_id}`")
            continue
        for row in pq.read_table(snapshot.table_path("entities")).to_pylist():
            for proxy in entity_to_ftm(Entity.model_validate(row)):
                yield proxy.to_dict()


def export_ftm(store: SnapshotStore, out: IO[str], source_ids: Sequence[str] = ()) -> int:
    """Write FtM JSON lines to ``out``; returns the number of lines written."""
    count = 0
    for data in iter_ftm(store, source_ids):
        out.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
