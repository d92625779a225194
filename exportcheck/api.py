"""The public Python API: ``load()`` the lists as they stood on a date, as pandas DataFrames.

Researchers in Jupyter start here::

    import exportcheck
    lists = exportcheck.load()                 # latest snapshots
    lists.entities.query("list == 'Entity List'")
    lists.sources()

Everything here reads the snapshot store only (no network); run ``exportcheck refresh`` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from exportcheck.catalogue import source_statuses
from exportcheck.claims.model import ClaimsFile
from exportcheck.claims.verdict import Report
from exportcheck.controls import ControlData, ControlHit, ControlLookup, load_controls, lookup
from exportcheck.controls import search as search_control_entries
from exportcheck.dates import as_date, in_force_mask
from exportcheck.diff import SnapshotDiff, diff_source
from exportcheck.model import ControlEntry, Entity
from exportcheck.settings import get_settings
from exportcheck.sources import all_sources
from exportcheck.store import Snapshot, SnapshotStore
from exportcheck.tables import empty_frame


class Lists:
    """The lists of one snapshot store as they stood on ``as_of`` (default: the latest snapshots)."""

    def __init__(self, store: SnapshotStore, as_of: date | None = None) -> None:
        self.store = store
        self.as_of = as_of

    def __repr__(self) -> str:
        when = self.as_of.isoformat() if self.as_of else "latest"
        return f"<exportcheck.Lists {self.store.root} as of {when}>"

    def snapshot(self, source_id: str) -> Snapshot | None:
        """The snapshot used for a source: the one valid on ``as_of``, or the latest (:meth:`SnapshotStore.choose`)."""
        return self.store.choose(source_id, self.as_of).snapshot

    def snapshots(self, kind: str | None = None) -> dict[str, Snapshot]:
        chosen = {}
        for source_id, source in all_sources().items():
            if kind and source.spec.kind != kind:
                continue
            snap = self.snapshot(source_id)
            if snap is not None:
                chosen[source_id] = snap
        return chosen

    def _table(self, kind: str) -> pd.DataFrame:
        frames = []
        for snap in self.snapshots(kind).values():
            frame = snap.load()
            frame["snapshot"] = snap.version
            frame["data_date"] = snap.meta.data_date.isoformat() if snap.meta.data_date else ""
            frames.append(frame)
        if not frames:
            frame = empty_frame(Entity if kind == "entities" else ControlEntry)
            return frame.assign(snapshot=pd.Series(dtype=str), data_date=pd.Series(dtype=str))
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def entities(self) -> pd.DataFrame:
        """Every listed party of every entity source, one row per party and list.

        With ``as_of``, listings that began after or ended before that date are left out
        (:func:`exportcheck.dates.in_force`; undated listings are kept).
        """
        frame = self._table("entities")
        if self.as_of is not None and len(frame):
            frame = frame[in_force_mask(frame, self.as_of)].reset_index(drop=True)
        return frame

    @cached_property
    def controls(self) -> pd.DataFrame:
        """Every control-list entry of every control source (EU, US, NL)."""
        return self._table("controls")

    def sources(self) -> pd.DataFrame:
        """The declared sources with their latest snapshot, one row each."""
        rows = []
        for row in source_statuses(self.store):
            snap = row.pop("snapshot") or {}
            rows.append({**{k: v for k, v in row.items() if not isinstance(v, list | dict)},
                         "version": snap.get("version"), "data_date": snap.get("data_date"),
                         "records": snap.get("records"), "retrieved_at": snap.get("retrieved_at")})
        return pd.DataFrame(rows)

    # --- screening ----------------------------------------------------------------------------
    def screen(self, name: str, *, country: str | None = None, sources: Sequence[str] | None = None,
               limit: int = 10, threshold: float | None = None) -> pd.DataFrame:
        """Screen one name against every entity list (as of the Lists' date): one row per candidate, best first.

        ``is_match`` marks rows at or above ``threshold`` (default :data:`exportcheck.matching.DEFAULT_THRESHOLD`);
        the others are near misses for review. ``explanation`` says which listed name matched and why.
        """
        from exportcheck.matching import DEFAULT_THRESHOLD, screen

        return screen(name, country=country, sources=sources, limit=limit,
                      threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                      as_of=self.as_of, lists_dir=self.store.root)

    def screen_frame(self, frame: pd.DataFrame, column: str, *, country_column: str | None = None,
                     sources: Sequence[str] | None = None, limit: int = 3,
                     threshold: float | None = None) -> pd.DataFrame:
        """Screen every row of ``frame[column]``; every input row appears (``row``), with its best matches."""
        from exportcheck.matching import DEFAULT_THRESHOLD, screen_frame

        return screen_frame(frame, column, country_column=country_column, sources=sources, limit=limit,
                            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                            as_of=self.as_of, lists_dir=self.store.root)

    # --- control lists ------------------------------------------------------------------------
    @cached_property
    def _control_data(self) -> ControlData:
        return load_controls(str(self.store.root))

    def control(self, code: str, regime: str | None = None, as_of: date | str | None = None) -> ControlLookup:
        """A control entry with its ancestors, children, notes and version (``as_of`` defaults to the Lists' date).

        Reads every held version of the control lists, so dated questions are answered with the version
        in force then (or the held versions that bracket the date).
        """
        return lookup(code, regime, as_date(as_of, "as_of") or self.as_of, data=self._control_data)

    def search_controls(self, text: str, regime: str | None = None, limit: int = 10,
                        as_of: date | str | None = None) -> pd.DataFrame:
        """Control entries ranked for a free-text product description, with why each ranks."""
        hits = search_control_entries(text, regime, limit, as_date(as_of, "as_of") or self.as_of, data=self._control_data)
        columns = list(ControlHit.model_fields)
        return pd.DataFrame([h.model_dump() for h in hits], columns=columns)

    def classify(self, description: str = "", parameters: dict[str, str | float] | None = None, regime: str = "eu",
                 as_of: date | str | None = None, codes: list[str] | None = None) -> pd.DataFrame:
        """Candidate entries for an item, each met / excluded / open against its stated facts, with the arithmetic.

        ``as_of`` defaults to the Lists' date; the Annex I edition in force then is read.
        """
        from exportcheck.controls.classifier import classify

        result = classify(description, parameters, regime, as_date(as_of, "as_of") or self.as_of, codes=codes,
                          data=self._control_data)
        return result.to_frame()

    # --- claims --------------------------------------------------------------------------------
    def verify(self, claims: ClaimsFile | Path | str) -> Report:
        """Verdicts for a claims file (path, YAML/JSON text's path, or a loaded :class:`ClaimsFile`).

        The result renders as a table in Jupyter; ``.to_frame()``, ``.steps_frame()`` and
        ``.evidence_frame()`` give DataFrames, and :mod:`exportcheck.reports` writes Markdown/HTML/JSON.
        """
        from exportcheck.claims import default_context, load_claims
        from exportcheck.claims import verify as verify_claims

        label = ""
        if not isinstance(claims, ClaimsFile):
            label = str(claims)
            claims = load_claims(Path(claims))
        return verify_claims(claims, default_context(get_settings(self.store.root)), claims_file=label)

    def diff(self, source_id: str, from_version: str | None = None, to_version: str | None = None) -> SnapshotDiff:
        """What changed in a source between two snapshots (default: the last two)."""
        return diff_source(self.store, source_id, from_version, to_version)


def refresh_lists(
    sources: list[str] | None = None,
    mirror: str | Path | None = None,
    all_dates: bool = False,
    lists_dir: Path | str | None = None,
) -> pd.DataFrame:
    """Refresh snapshots (from the publishers, or a mirror folder/URL); one row per outcome.

    Named ``refresh_lists`` because ``exportcheck.refresh`` is the pipeline module.

    The same as ``exportcheck refresh``: a failing source keeps its last good snapshot and its row
    says why (``status == "failed"``); nothing is raised for one source's failure.
    """
    from exportcheck.refresh import refresh as run_refresh

    outcomes = run_refresh(sources or [], get_settings(lists_dir), mirror=str(mirror) if mirror else None,
                           all_dates=all_dates)
    return pd.DataFrame([o.__dict__ for o in outcomes])


def load(as_of: date | str | None = None, lists_dir: Path | str | None = None) -> Lists:
    """The lists in ``lists_dir`` (default: ``EXPORTCHECK_LISTS_DIR`` or ``lists/``) as of a date."""
    return Lists(SnapshotStore(get_settings(lists_dir).lists_dir), as_date(as_of, "as_of"))
