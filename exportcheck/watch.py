"""Watchlists: be told when one of *your* parties is listed, changed or delisted.

A fact-checker or compliance team keeps the parties it cares about (customers, suppliers, the subjects
of a story) in ``<lists dir>/watch/watchlist.json``. After each refresh, :func:`check` re-screens every
watched party against the entity lists and compares with what the last check saw
(``watch/state.json``): a *new* match (a listing that names or now matches the party), a *removed*
match (delisted, or no longer matching), and a *changed* entry (the listing is still there but its
fields changed, with the fields from :mod:`exportcheck.diff`). Reports are text, JSON and an Atom feed
(``watch/feed.xml`` by default) that a feed reader or a scheduled job can follow.

Why compare with the last check and not with "the previous snapshot": a job may skip a day, and a
party may be added to the watchlist later; what matters is what the watcher has not been told yet.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from exportcheck.countries import country_hint
from exportcheck.diff import diff_snapshots
from exportcheck.errors import InputError, SnapshotError
from exportcheck.jsonstate import read_state, write_state
from exportcheck.review import Reviews, decision_for
from exportcheck.store import Snapshot, SnapshotStore

#: Entries kept in the Atom feed; older ones drop off (a feed is a notice board, not an archive: the
#: screening log keeps the history).
FEED_ENTRIES = 200
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Watched:
    """One watched party."""

    id: int
    name: str
    country: str = ""
    note: str = ""
    added_at: str = ""


@dataclass
class WatchEvent:
    """One thing a watcher has not been told yet."""

    kind: str  # "new" | "removed" | "changed"
    party: str
    party_id: int
    entity_id: str
    source: str
    listed_name: str
    score: float = 0.0
    snapshot: str = ""
    fields: list[str] = field(default_factory=list)
    explanation: str = ""
    review: str = ""

    def line(self) -> str:
        where = f"{self.listed_name} [{self.source}, {self.entity_id}]"
        if self.kind == "new":
            text = f"NEW match for {self.party!r}: {where}, score {self.score:.2f}, in {self.snapshot}"
        elif self.kind == "removed":
            text = f"REMOVED: {where} no longer matches {self.party!r} (delisted or renamed; now {self.snapshot or 'absent'})"
        else:
            text = f"CHANGED: {where} (watched as {self.party!r}): {', '.join(self.fields)} changed, in {self.snapshot}"
        return text + (f" — review: {self.review}" if self.review else "")


@dataclass
class WatchReport:
    """The result of one check."""

    checked_at: str
    baseline: dict[str, str]
    current: dict[str, str]
    events: list[WatchEvent]
    parties: int

    @property
    def has_news(self) -> bool:
        return bool(self.events)

    def counts(self) -> dict[str, int]:
        return {kind: sum(e.kind == kind for e in self.events) for kind in ("new", "removed", "changed")}

    def to_dict(self) -> dict[str, Any]:
        return {"checked_at": self.checked_at, "parties": self.parties, "counts": self.counts(),
                "baseline": self.baseline, "current": self.current, "events": [asdict(e) for e in self.events],
                "note": "exportcheck shows what public lists say; it is not legal advice."}

    def text(self) -> str:
        head = (f"watch check {self.checked_at}: {self.parties} watched parties; "
                + ", ".join(f"{n} {k}" for k, n in self.counts().items()))
        return "\n".join([head, *(e.line() for e in self.events)])


class Watchlist:
    """The watched parties and the state of the last check of one lists folder."""

    def __init__(self, lists_dir: Path) -> None:
        self.lists_dir = lists_dir
        self.folder = lists_dir / "watch"
        self.path = self.folder / "watchlist.json"
        self.state_path = self.folder / "state.json"

    def parties(self) -> list[Watched]:
        return [Watched(**row) for row in read_state(self.path, {"parties": []}).get("parties", [])]

    def add(self, names: list[tuple[str, str]], note: str = "") -> list[Watched]:
        """Watch these (name, country) pairs; a pair already watched is not added twice."""
        parties = self.parties()
        seen = {(p.name.casefold(), p.country) for p in parties}
        next_id = max((p.id for p in parties), default=0) + 1
        added = []
        for name, country in names:
            name, country = name.strip(), country_hint(country, "--country") or ""
            if not name:
                continue
            if (name.casefold(), country) in seen:
                continue
            party = Watched(next_id, name, country, note, datetime.now(UTC).isoformat(timespec="seconds"))
            parties.append(party)
            added.append(party)
            seen.add((name.casefold(), country))
            next_id += 1
        if not added and names:
            raise InputError("nothing to add: every name is empty or already watched")
        self._save(parties)
        return added

    def remove(self, key: str) -> Watched:
        parties = self.parties()
        found = next((p for p in parties if str(p.id) == key.strip() or p.name.casefold() == key.strip().casefold()),
                     None)
        if found is None:
            raise InputError(f"{key!r} is not on the watchlist (see `exportcheck watch list`)")
        self._save([p for p in parties if p.id != found.id])
        return found

    def _save(self, parties: list[Watched]) -> None:
        write_state(self.path, {"parties": [asdict(p) for p in parties]})

    def state(self) -> dict[str, Any]:
        return read_state(self.state_path, {})


def _current(store: SnapshotStore) -> dict[str, Snapshot]:
    from exportcheck.matching.lists import choose_snapshots

    snaps, _ = choose_snapshots(store)
    return {s.meta.source: s for s in snaps}


def _baseline_since(store: SnapshotStore, since: str) -> dict[str, str]:
    """Versions to compare with for ``--since DATE`` or ``--since VERSION`` (the data date of that version)."""
    from exportcheck.matching.lists import entity_sources

    when: date | None = None
    try:
        when = date.fromisoformat(since)
    except ValueError:
        for source_id in entity_sources():
            if store.has_version(source_id, since):
                snap = store.get(source_id, since)
                when = snap.meta.data_date or snap.meta.retrieved_at.date()
                break
    if when is None:
        raise InputError(f"--since {since!r}: neither a date (YYYY-MM-DD) nor a snapshot version held here")
    versions = {}
    for source_id in entity_sources():
        choice = store.choose(source_id, when)
        if choice.snapshot is not None and (choice.snapshot.meta.data_date or when) <= when:
            versions[source_id] = choice.snapshot.version
    return versions


def _screen(party: Watched, lists_dir: Path) -> dict[str, dict[str, Any]]:
    """entity id → what the last check needs to know of each match of one party."""
    from exportcheck.matching import DEFAULT_THRESHOLD, get_screener

    screener = get_screener(lists_dir)
    found = {}
    for m in screener.screen(party.name, country=party.country or None, limit=25, threshold=DEFAULT_THRESHOLD):
        if m.is_match:
            found[m.entity_id] = {"source": m.source, "name": m.name, "score": m.score, "snapshot": m.snapshot,
                                  "explanation": m.explanation}
    return found


def _changed_fields(store: SnapshotStore, source: str, old_version: str, new: Snapshot,
                    cache: dict[tuple[str, str], dict[str, list[str]]]) -> dict[str, list[str]]:
    """entity id → changed fields between two snapshots of a source (diffed once per pair)."""
    key = (source, old_version)
    if key not in cache:
        try:
            old = store.get(source, old_version)
        except SnapshotError:
            cache[key] = {}
        else:
            cache[key] = {c.key: c.fields for c in diff_snapshots(old, new, key="id").changed}
    return cache[key]


def check(lists_dir: Path, since: str | None = None, *, record: bool = True) -> WatchReport:
    """Re-screen every watched party and report what changed since the last check (or ``since``)."""
    watchlist = Watchlist(lists_dir)
    parties = watchlist.parties()
    if not parties:
        raise InputError("the watchlist is empty (add parties with `exportcheck watch add NAME`)")
    store = SnapshotStore(lists_dir)
    current = _current(store)
    state = watchlist.state()
    previous: dict[str, dict[str, dict[str, Any]]] = state.get("matches", {})
    baseline: dict[str, str] = state.get("versions", {})
    if since is not None:
        baseline = _baseline_since(store, since)
        previous = _matches_at(store, baseline, parties, lists_dir)
    reviews = Reviews(lists_dir).lookup()
    events: list[WatchEvent] = []
    now_matches: dict[str, dict[str, dict[str, Any]]] = {}
    diffs: dict[tuple[str, str], dict[str, list[str]]] = {}
    for party in parties:
        pid = str(party.id)
        now = _screen(party, lists_dir)
        now_matches[pid] = now
        before = previous.get(pid, {})
        for entity_id, hit in now.items():
            review = decision_for(reviews, party.name, entity_id)
            if entity_id not in before:
                events.append(WatchEvent("new", party.name, party.id, entity_id, hit["source"], hit["name"],
                                         hit["score"], hit["snapshot"], explanation=hit["explanation"], review=review))
                continue
            old_version = baseline.get(hit["source"], "")
            snap = current.get(hit["source"])
            if snap is None or not old_version or old_version == snap.version:
                continue
            fields = _changed_fields(store, hit["source"], old_version, snap, diffs).get(entity_id)
            if fields:
                events.append(WatchEvent("changed", party.name, party.id, entity_id, hit["source"], hit["name"],
                                         hit["score"], hit["snapshot"], fields=fields, review=review))
        for entity_id, hit in before.items():
            if entity_id not in now:
                snap = current.get(hit["source"])
                events.append(WatchEvent("removed", party.name, party.id, entity_id, hit["source"], hit["name"],
                                         float(hit.get("score", 0.0)), f"{snap.meta.source}@{snap.version}" if snap else "",
                                         review=decision_for(reviews, party.name, entity_id)))
    report = WatchReport(datetime.now(UTC).isoformat(timespec="seconds"), baseline,
                         {s: snap.version for s, snap in current.items()}, events, len(parties))
    if record:
        write_state(watchlist.state_path, {"checked_at": report.checked_at, "versions": report.current,
                                           "matches": now_matches})
    return report


def _matches_at(store: SnapshotStore, versions: dict[str, str], parties: list[Watched],
                lists_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """What a check would have seen with the baseline snapshots (for ``--since``)."""
    from exportcheck.matching import DEFAULT_THRESHOLD
    from exportcheck.matching.index import INDEX_COLUMNS, load_or_build
    from exportcheck.matching.lists import snapshot_entities
    from exportcheck.matching.screener import Screener

    snaps = [store.get(source, version) for source, version in sorted(versions.items())]
    if not snaps:
        return {}
    key = ",".join(f"{s.meta.source}@{s.version}" for s in snaps)
    index = load_or_build(lambda: snapshot_entities(snaps, columns=INDEX_COLUMNS), key,
                          lists_dir / ".cache" / "matching")
    screener = Screener(index)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for party in parties:
        out[str(party.id)] = {
            m.entity_id: {"source": m.source, "name": m.name, "score": m.score, "snapshot": m.snapshot}
            for m in screener.screen(party.name, country=party.country or None, limit=25, threshold=DEFAULT_THRESHOLD)
            if m.is_match}
    return out


def write_atom(report: WatchReport, path: Path, title: str = "exportcheck watchlist") -> int:
    """Add the report's events to an Atom 1.0 feed file (created if absent); returns the entries written."""
    ET.register_namespace("", ATOM)
    entries: list[ET.Element] = []
    if path.exists():
        try:
            old = ET.parse(path).getroot()
        except ET.ParseError as exc:
            raise InputError(f"{path}: not a readable Atom feed ({exc})") from exc
        entries = old.findall(f"{{{ATOM}}}entry")
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, str(path.resolve())))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = report.checked_at
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "exportcheck"
    fresh = []
    for event in report.events:
        entry = ET.Element(f"{{{ATOM}}}entry")
        digest = hashlib.sha256(f"{report.checked_at}|{event.kind}|{event.party_id}|{event.entity_id}".encode()).hexdigest()
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:exportcheck:watch:{digest[:32]}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{event.kind}: {event.listed_name} ({event.source}) — {event.party}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = report.checked_at
        ET.SubElement(entry, f"{{{ATOM}}}category", term=event.kind)
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = event.line()
        fresh.append(entry)
    for entry in (fresh + entries)[:FEED_ENTRIES]:
        feed.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    ET.ElementTree(feed).write(tmp, encoding="utf-8", xml_declaration=True)
    tmp.replace(path)
    return len(fresh)
