"""Reviewer decisions: "this hit is not the party" (or is), with who, when and why.

A newsroom or compliance team reviews screening hits once; later screens, batches and watch checks
show the decision next to the hit instead of hiding it, so a reader sees both the match and the human
judgement on it. Decisions are keyed by the normalised query and the listed entity id, stored in
``<lists dir>/reviews/decisions.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, cast

from normality import normalize

from exportcheck.errors import InputError
from exportcheck.jsonstate import read_state, write_state

Decision = Literal["not-the-party", "is-the-party"]
DECISIONS: tuple[str, ...] = ("not-the-party", "is-the-party")


def query_key(query: str) -> str:
    """The form a query is matched under: case, accents and punctuation do not make a new query."""
    return normalize(query or "", ascii=True) or (query or "").strip().lower()


@dataclass(frozen=True)
class Review:
    """One decision on one hit."""

    id: int
    query: str
    entity_id: str
    decision: Decision
    by: str
    why: str
    at: str

    def label(self) -> str:
        return f"{self.decision} (reviewed by {self.by} on {self.at[:10]}: {self.why})"


class Reviews:
    """The decisions of one lists folder."""

    def __init__(self, lists_dir: Path) -> None:
        self.path = lists_dir / "reviews" / "decisions.json"

    def all(self) -> list[Review]:
        data = read_state(self.path, {"reviews": []})
        return [Review(**row) for row in data.get("reviews", [])]

    def add(self, query: str, entity_id: str, decision: str, by: str, why: str) -> Review:
        if decision not in DECISIONS:
            raise InputError(f"--decision {decision!r}: use one of {', '.join(DECISIONS)}")
        if not query.strip() or not entity_id.strip():
            raise InputError("a review needs --query and --entity")
        if not by.strip() or not why.strip():
            raise InputError("a review needs --by (who decided) and --why (the reason)")
        self.check_held(entity_id)
        reviews = [r for r in self.all() if not (query_key(r.query) == query_key(query) and r.entity_id == entity_id)]
        new = Review(id=max([r.id for r in self.all()], default=0) + 1, query=query.strip(),
                     entity_id=entity_id.strip(), decision=cast(Decision, decision), by=by.strip(), why=why.strip(),
                     at=datetime.now(UTC).isoformat(timespec="seconds"))
        self._save([*reviews, new])
        return new

    def check_held(self, entity_id: str) -> None:
        """Refuse an entity id that no held snapshot has: a mistyped id would be recorded and never shown.

        Why every readable snapshot of the id's source and not only the latest: a decision on a party delisted
        since is still a decision on a hit that an earlier (or ``--as-of``) screen shows.
        """
        from exportcheck.matching.lists import entity_sources
        from exportcheck.store import SnapshotStore

        lists_dir = self.path.parent.parent
        source = entity_id.strip().split(":", 1)[0]
        if source not in entity_sources(lists_dir):
            raise InputError(f"--entity {entity_id!r}: not an entity id (copy the entity_id of a screen hit; it starts "
                             "with the list's source id, e.g. us-entity-list:...)")
        for snapshot in reversed(SnapshotStore(lists_dir).readable(source)):
            if entity_id.strip() in set(snapshot.load(columns=["entity_id"])["entity_id"]):
                return
        raise InputError(f"--entity {entity_id!r}: no such entity in any held snapshot of {source}")

    def remove(self, review_id: int) -> Review:
        reviews = self.all()
        found = next((r for r in reviews if r.id == review_id), None)
        if found is None:
            raise InputError(f"no review with id {review_id}")
        self._save([r for r in reviews if r.id != review_id])
        return found

    def lookup(self) -> dict[tuple[str, str], Review]:
        """(query key, entity id) → decision, for annotating many hits at once."""
        return {(query_key(r.query), r.entity_id): r for r in self.all()}

    def _save(self, reviews: list[Review]) -> None:
        write_state(self.path, {"reviews": [asdict(r) for r in reviews]})


def decision_for(lookup: dict[tuple[str, str], Review], query: str, entity_id: str) -> str:
    """The decision text to show next to a hit ("" where nobody reviewed it)."""
    review = lookup.get((query_key(query), entity_id))
    return review.label() if review else ""
