"""An OFAC-style score beside exportcheck's own, for users who must say what OFAC's search would score.

Why a second score and not a mode: exportcheck's score decides ``is_match`` (numbers and groups decide,
country companies rank after their parent); OFAC's Sanctions List Search scores names by its own
fuzzy logic, and a compliance file sometimes has to quote that figure. The column is computed with
nomenklatura's ``ofac`` algorithm (OpenSanctions' re-implementation of the published OFAC method) on
the query and the listed name that matched, and never replaces or changes exportcheck's score.

nomenklatura is an optional extra (``pip install 'exportcheck[ofac]'``); without it, asking for the
column is one clear error, not a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import count
from typing import Any

from exportcheck.errors import ConfigError

ALSO_CHOICES = ("ofac",)
INSTALL_HINT = "--also ofac needs nomenklatura: pip install 'exportcheck[ofac]'"
_ids = count()


@cache
def _algorithm() -> tuple[Any, Any, Any]:
    try:
        from followthemoney import model
        from nomenklatura.matching import ALGORITHMS, ScoringConfig
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    found = next((a for a in ALGORITHMS if a.NAME == "ofac"), None)
    if found is None:
        raise ConfigError(INSTALL_HINT + " (a version with the 'ofac' algorithm)")
    return found, model, ScoringConfig.defaults()


def check_also(also: Iterable[str] | None) -> list[str]:
    """The extra score columns asked for, validated (``--also``): unknown names and a missing extra fail here."""
    wanted = [a.strip().lower() for a in also or [] if a.strip()]
    for name in wanted:
        if name not in ALSO_CHOICES:
            raise ConfigError(f"--also {name!r}: unknown score (choose from {', '.join(ALSO_CHOICES)})")
    if "ofac" in wanted:
        _algorithm()
    return wanted


def ofac_score(query: str, listed: str, schema: str = "LegalEntity") -> float:
    """nomenklatura's ``ofac`` score of a query against one listed name, in [0, 1]."""
    if not query.strip() or not listed.strip():
        return 0.0
    algorithm, model, config = _algorithm()

    def make(name: str) -> Any:
        entity = model.make_entity(schema)
        entity.id = f"exportcheck-ofac-{next(_ids)}"  # nomenklatura caches by id: every entity its own
        entity.add("name", name)
        return entity

    return round(float(algorithm.compare(make(query), make(listed), config).score), 4)




def ofac_column(frame: Any, query: str = "query", matched: str = "matched_name") -> list[float | None]:
    """The OFAC-style score of every row of a batch result (None where the row has no matched name)."""
    return [ofac_score(str(q), str(m)) if isinstance(m, str) and m else None
            for q, m in zip(frame[query], frame[matched], strict=True)]


__all__ = ["ALSO_CHOICES", "INSTALL_HINT", "check_also", "ofac_column", "ofac_score"]
