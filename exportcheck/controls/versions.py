"""Which version of a control list applied on a date, and which versions are held here.

The dates are not written here: they come from the one table of legal facts, :mod:`exportcheck.law`
(``law/timeline.yaml``), which ``verify`` reads too, so ``control show --as-of`` and a verified claim
name the same Annex I edition. An edition whose in-force date is not confirmed from the primary text
says so in its label. The US list is held as one eCFR issue only, and the Dutch measures only as the
versions whose Staatscourant text was imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exportcheck import law


@dataclass(frozen=True)
class KnownVersion:
    """One edition of a list in the legal timeline, whether or not a copy is held here."""

    regime: str
    label: str  # the edition's name, marked where its date is not confirmed
    valid_from: date
    version: str = ""  # the version id our parsers write (CELEX consolidated id) where a copy is held
    edition: law.Edition | None = None


def _known(edition: law.Edition) -> KnownVersion:
    return KnownVersion("eu", edition.label(), edition.start, edition.held[0] if edition.held else "", edition)


def eu_timeline() -> tuple[KnownVersion, ...]:
    """Every Annex I edition the legal timeline knows, oldest first."""
    return tuple(_known(e) for e in law.editions("eu"))


def eu_only_from() -> date:
    """EU-only entries (third digit 5: 3A501, 3B501 ...) were created by Delegated Regulation 2025/2003."""
    start = law.fact("eu-annex-i-2025-2003").start
    assert start is not None  # an edition always has a start (validated by exportcheck.law)
    return start


def is_eu_only_code(code: str) -> bool:
    """``3B501``, ``4A506.b``: the EU-only "5xx" numbers, not Wassenaar entries."""
    top = code.split(".", 1)[0]
    return len(top) == 5 and top[2] == "5"


def eu_version_on(when: date) -> KnownVersion | None:
    """The Annex I edition in force on ``when`` (``None`` before Regulation 2021/821 applied)."""
    edition = law.edition_in_force("eu", when)
    return _known(edition) if edition else None


def next_eu_version(after: KnownVersion) -> KnownVersion | None:
    later = [k for k in eu_timeline() if k.valid_from > after.valid_from]
    return later[0] if later else None
