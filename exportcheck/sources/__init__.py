"""The source registry: every public list exportcheck knows, found by scanning this package.

Adding a list touches its declaration and its parser only: a new module here defining ``SOURCE`` (what
the list is in law, its count bounds, the parsers of :mod:`exportcheck.formats` that read it), and the
parser when no existing one reads its shape. Module names are the source ids with ``-`` written as
``_`` (``us-csl`` → ``us_csl.py``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from exportcheck.errors import ConfigError
from exportcheck.sources.base import (
    LISTING_NATURES,
    RED_FLAG_LABELS,
    Format,
    LegalNature,
    OfficialFile,
    Parsed,
    Source,
    SourceSpec,
    SubList,
    binds_as_listing,
    is_research,
)

__all__ = ["LISTING_NATURES", "RED_FLAG_LABELS", "Format", "LegalNature", "OfficialFile", "Parsed", "Source",
           "SourceSpec", "SubList", "all_sources", "binds_as_listing", "entity_source_ids", "get_source", "is_research"]

_NOT_SOURCES = {"base"}


@cache
def all_sources() -> dict[str, Source]:
    """Every declared source by id, in a stable order (entity lists first, then control lists)."""
    found: list[Source] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_SOURCES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            found.append(source)
    found.sort(key=lambda s: (s.spec.kind != "entities", s.id))
    return {s.id: s for s in found}


def entity_source_ids() -> list[str]:
    """The ids of the declared entity lists (parties, not control entries), in id order (as :func:`all_sources`)."""
    return [sid for sid, source in all_sources().items() if source.spec.kind == "entities"]


def get_source(source_id: str) -> Source:
    """The source with this id; a :class:`ConfigError` naming the known ids otherwise."""
    sources = all_sources()
    if source_id not in sources:
        raise ConfigError(f"unknown source {source_id!r}; known sources: {', '.join(sources)}")
    return sources[source_id]
