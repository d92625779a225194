"""The control lists as the claims engine reads them: :mod:`exportcheck.controls`, answered for a date.

``exportcheck.controls.lookup`` answers for the version in force on the date and, where that version
is not held, says which held versions bracket it (``bracket``) without showing an entry; the engine
needs both texts to tell an entry that only a later version has, so :meth:`Controls.lookup` reads the
entry of each bracketing version too. :meth:`Controls.search` returns candidate entries for an item
description in the version(s) for the date, with a score relative to the best candidate (0..1).

The loaded control data is memoised per lists folder and set of control snapshots (snapshots are
immutable, so the same set always loads the same data; a refresh changes the key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from exportcheck import controls as control_lists
from exportcheck.controls.data import control_versions
from exportcheck.errors import InputError, SnapshotError
from exportcheck.store import SnapshotStore

VersionBasis = Literal["in-force", "bracketing", "earlier-only", "later-only", "none"]


class ControlVersion(BaseModel):
    """One held version of a control list (an Annex I consolidation, a CCL issue)."""

    version: str
    valid_from: str = ""
    partial: bool = False


class VersionChoice(BaseModel):
    """Which version(s) of a regime's list an answer for a date rests on, and why."""

    regime: str
    as_of: str = ""
    basis: VersionBasis
    versions: list[ControlVersion] = Field(default_factory=list)
    explanation: str = ""


class ControlHit(BaseModel):
    """One control entry found by code or by text."""

    regime: str
    code: str
    heading: str = ""
    text: str = ""
    matched_text: str = ""
    score: float | None = Field(default=None, ge=0.0, le=1.0,
                                description="Text-search rank relative to the best candidate (1 = best); none for a code")
    not_used: bool = False
    reasons_for_control: list[str] = Field(default_factory=list)
    country_chart: list[str] = Field(default_factory=list)
    version: str = ""
    valid_from: str = ""
    partial: bool = False
    source: str = ""
    source_url: str = ""
    snapshot: str = Field(default="", description="Snapshot id in the store holding this version")


class ControlAnswer(BaseModel):
    """Entries found (by code or text) in the version(s) chosen for the date."""

    regime: str
    query: str
    version: VersionChoice
    hits: list[ControlHit] = Field(default_factory=list)


def _iso(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


_LOADED: dict[tuple[str, ...], control_lists.ControlData] = {}


def _control_key(lists_dir: Path) -> tuple[str, ...]:
    return (str(Path(lists_dir).resolve()), *control_versions(SnapshotStore(lists_dir)))


_ORIGIN_COLUMNS = ("source", "source_url", "partial", "snapshot")


def _origins(data: control_lists.ControlData) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(regime, version, code) → where the entry came from; built once per ControlData (a few thousand rows)."""
    found = data.cache.get("claims-origins")
    if found is None:
        frame = data.entries
        keys = zip(frame["regime"].astype(str), frame["version"].astype(str), frame["code"].astype(str), strict=True)
        cols = [c for c in _ORIGIN_COLUMNS if c in frame]
        rows = zip(*(frame[c].tolist() for c in cols), strict=True)
        found = {}
        for key, values in zip(keys, rows, strict=True):
            found.setdefault(key, dict(zip(cols, values, strict=True)))
        data.cache["claims-origins"] = found
    return found


@dataclass
class Controls:
    """Control-list look-up and search for the claims engine, over one lists folder."""

    lists_dir: Path
    _data: control_lists.ControlData | None = None
    _missing: str = ""
    _origins: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    name = "exportcheck.controls"

    @property
    def data(self) -> control_lists.ControlData | None:
        """Every held version of every control list (None, with the reason kept, where none is held)."""
        if self._data is None and not self._missing:
            key = _control_key(self.lists_dir)
            if key not in _LOADED:
                try:
                    loaded = control_lists.load_controls(str(self.lists_dir))
                    for old in [k for k in _LOADED if k[0] == key[0]]:  # an older snapshot set of this folder:
                        del _LOADED[old]  # a long-running server keeps one copy per lists folder, not one per refresh
                    _LOADED[key] = loaded
                except SnapshotError as exc:  # no control list refreshed yet: steps say so, screening still runs
                    self._missing = str(exc)
                    return None
            self._data = _LOADED[key]
            self._origins = _origins(self._data)
        return self._data

    def _none(self, regime: str, query: str, as_of: date | None) -> ControlAnswer:
        return ControlAnswer(regime=regime, query=query, version=VersionChoice(
            regime=regime, as_of=_iso(as_of), basis="none", explanation=self._missing or "no control list held"))

    def _origin(self, regime: str, version: str, code: str) -> dict[str, Any]:
        """source, source_url, partial and snapshot of one entry (search hits do not carry them)."""
        row = self._origins.get((regime, version, code))
        if row is None:
            return {}
        return {"source": str(row.get("source") or ""), "source_url": str(row.get("source_url") or ""),
                "partial": bool(row.get("partial")), "snapshot": str(row.get("snapshot") or "")}

    def _hit(self, entry: dict[str, Any]) -> ControlHit:
        regime, version, code = entry.get("regime") or "", entry.get("version") or "", entry.get("code") or ""
        text = entry.get("text") or ""
        origin = {"partial": bool(entry.get("partial")), "source": entry.get("source") or "",
                  "source_url": entry.get("source_url") or "", **self._origin(regime, version, code)}
        return ControlHit(regime=regime, code=code, heading=text.split("\n", 1)[0][:200], text=text,
                          not_used=bool(entry.get("not_used")),
                          reasons_for_control=list(entry.get("reasons_for_control") or []),
                          country_chart=list(entry.get("country_chart") or []), version=version,
                          valid_from=_iso(entry.get("valid_from")), **origin)

    def lookup(self, code: str, regime: str, as_of: date | None = None) -> ControlAnswer:
        """The entry for ``code`` in the version(s) that applied on ``as_of``."""
        data = self.data
        if data is None:
            return self._none(regime, code, as_of)
        try:
            result = control_lists.lookup(code, regime, as_of, data=data)
        except InputError as exc:
            choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis="none", explanation=str(exc))
            return ControlAnswer(regime=regime, query=code, version=choice)
        hits = [self._hit(result.entry)] if result.entry else []
        versions = []
        sides = set()
        for check in result.bracket:
            sides.add(check.side)
            versions.append(ControlVersion(version=check.version, valid_from=check.valid_from))
            if check.exists:
                held = control_lists.lookup(code, regime, check.valid_from, data=data)
                if held.entry:
                    hits.append(self._hit(held.entry))
        basis: VersionBasis
        if result.entry:
            basis = "in-force"
            versions.insert(0, ControlVersion(version=result.entry.get("version") or result.applicable_version,
                                              valid_from=_iso(result.entry.get("valid_from")),
                                              partial=bool(result.entry.get("partial"))))
        elif sides == {"before", "after"}:
            basis = "bracketing"
        elif sides:
            basis = "earlier-only" if sides == {"before"} else "later-only"
        else:
            basis = "in-force" if result.version_held and result.applicable_version else "none"
        choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis=basis, versions=versions,
                               explanation="; ".join([*result.messages, *result.warnings]).rstrip(".")
                               or f"version {result.applicable_version}")
        return ControlAnswer(regime=regime, query=code, version=choice, hits=hits)

    def search(self, text: str, regime: str, limit: int = 5, as_of: date | None = None) -> ControlAnswer:
        """Entries whose text best matches ``text``: candidates for a human to read, not a classification."""
        data = self.data
        if data is None:
            return self._none(regime, text, as_of)
        held = data.entries
        if held.empty or not bool((held.regime == regime).any()):
            return ControlAnswer(regime=regime, query=text, version=VersionChoice(
                regime=regime, as_of=_iso(as_of), basis="none", explanation=f"no {regime.upper()} control list is held"))
        found = control_lists.search(text, regime, limit, as_of, data=data) if text.strip() else []
        notes = [n for n in control_lists.version_notes(data, as_of) if n.upper().startswith(regime.upper())]
        joined = " ".join(notes)
        basis: VersionBasis = ("later-only" if "is newer than" in joined else
                               "earlier-only" if "is not held" in joined else "in-force")
        if basis == "earlier-only" and as_of is not None and text.strip():
            # trap 3: the version in force is not held; show the next held version's candidates beside the
            # earlier one's, each marked with its own date, so the reader sees both sides of the date
            sub = held[held.regime == regime]
            later = sorted(v for v in set(sub.valid_from.astype(str)) if v > as_of.isoformat())
            if later:
                seen = {(f.code, f.version) for f in found}
                found = found + [h for h in control_lists.search(text, regime, limit, date.fromisoformat(later[0][:10]),
                                                                 data=data) if (h.code, h.version) not in seen]
                basis = "bracketing"
                notes.append(f"candidates from the next held version (from {later[0][:10]}) are shown too, "
                             "marked as later")
        versions = {h.version: ControlVersion(version=h.version, valid_from=h.valid_from) for h in found}
        choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis=basis, versions=list(versions.values()),
                               explanation="; ".join(notes).rstrip(".") or
                               ("searched the version in force on the date" if as_of else "searched the latest version"))
        best = max((float(h.score) for h in found), default=0.0)
        hits = [ControlHit(regime=h.regime, code=h.code, heading=h.text.split("\n", 1)[0][:200], text=h.text,
                           matched_text=(h.explanation if h.borrowed_from else ", ".join(h.matched_terms))
                           or h.explanation,  # a hit found through another regime's text says so
                           score=round(max(0.0, float(h.score)) / best, 3) if best > 0 else 0.0,
                           version=h.version, valid_from=h.valid_from, **self._origin(h.regime, h.version, h.code))
                for h in found]
        return ControlAnswer(regime=regime, query=text, version=choice, hits=hits)
