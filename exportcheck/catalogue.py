"""The catalogue of sources with the state of their latest snapshot (what ``exportcheck sources`` shows)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from exportcheck.errors import SnapshotError
from exportcheck.sources import all_sources, binds_as_listing
from exportcheck.store import SnapshotStore


def source_statuses(store: SnapshotStore) -> list[dict[str, Any]]:
    """One dict per declared source: its declaration and its latest snapshot (``None`` if none).

    ``nature`` and ``effect`` are the source's own declaration (what a listing does in law, in one line);
    ``binding_listing`` says whether the claims engine counts a hit as a listing that makes an export
    licensable or prohibited, or reports it as a red flag (:func:`exportcheck.sources.binds_as_listing`).
    """
    now = datetime.now(UTC)
    rows = []
    for source in all_sources().values():
        spec = source.spec
        try:
            latest = store.latest(source.id)
        except SnapshotError:
            latest = None
        snapshot = None
        if latest is not None:
            meta = latest.meta
            snapshot = {
                "version": meta.version,
                "data_date": meta.data_date.isoformat() if meta.data_date else None,
                "retrieved_at": meta.retrieved_at.isoformat(),
                "records": meta.record_count,
                "aliases": meta.alias_count,
                "sha256": {f.name: f.sha256 for f in meta.files},
                "age_days": (now.date() - meta.data_date).days if meta.data_date else None,
                "format": meta.format,
                "verified_on_real_file": meta.verified_on_real_file,
                "snapshots": len(store.index(source.id).versions),
            }
        rows.append({
            "id": source.id, "title": spec.title, "publisher": spec.publisher, "kind": spec.kind,
            "url": spec.url, "homepage": spec.homepage, "formats": spec.formats_published,
            "licence": spec.licence, "attribution": spec.attribution,
            "record_bounds": [spec.min_records, spec.max_records],
            "nature": spec.nature, "jurisdiction": spec.jurisdiction, "effect": spec.effect,
            "binding_listing": binds_as_listing(spec.nature),
            "sub_lists": {name: {"nature": sub.nature, "effect": sub.effect} for name, sub in spec.sub_lists.items()},
            "has_parser": source.has_parser, "verified_on_real_file": source.verified,
            "mirror_formats": [f.name for f in source.formats], "snapshot": snapshot,
        })
    return rows
