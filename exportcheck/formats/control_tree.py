"""Building control-list entries at every depth from a stream of (code, text, note) lines.

Shared by the EU Annex I, US CCL and Dutch parsers: each reads its own file shape and calls
:class:`TreeBuilder`, so the hierarchy (``parent_code``, ``depth``), "Not used" marking, note
attachment and defined-term linking work the same way for every regime.

Why one builder: the same code string means different things in different regimes, but the
*shape* of a code (``3B001.f.1.b.2``: entry, then letter/number levels) is common to all, and
one implementation keeps the counts comparable across regimes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from exportcheck.model import ControlEntry, ControlNote, Regime

#: An entry code: category digit, product group letter, three digits, then dotted sub-paragraphs.
CODE = re.compile(r"\d[A-E]\d{3}(?:\.[a-z0-9]+)*")
_NOT_USED = re.compile(r"^\s*(?:not used|\[reserved\])\s*[;.]?\s*(?:or|and)?\s*$", re.IGNORECASE)
#: Quoted terms as the annexes write them: "double", 'single', and the typographic variants.
_QUOTED = re.compile(r"\"([^\"\n]{2,80}?)\"|“([^”\n]{2,80}?)”|(?<![A-Za-z])'([^'\n]{2,80}?)'(?![A-Za-z])|‘([^’\n]{2,80}?)’")

DEFINITION_COLUMNS = ["term", "key", "regime", "version", "valid_from", "scope", "categories", "text", "source"]


def parent_of(code: str) -> str:
    """``3B001.f.1`` → ``3B001.f``; a top-level code has no parent."""
    return code.rsplit(".", 1)[0] if "." in code else ""


#: A note that opens by naming what it is about: "For the purposes of 3B001.f.1.b:", "1. For purposes of 3A991.j ...",
#: "In 1B117.d. the term ...", "In ECCN 3A233.d.2, ..." (a stray quote or a list number may come first).
_PURPOSE = re.compile(rf"^\W{{0,2}}(?:\d+\.\s+)?(?:For (?:the )?purposes? of|In(?: ECCN)?)\s+(?={CODE.pattern})")
#: Where the naming phrase ends: a colon, a quoted term, or the verb of the note's sentence.
_PHRASE_END = re.compile(r"[:'‘’“\"]|\s(?:is|are|means|may|should|shall|includes?|refers?|does|do|has|have|the following)\b")
_NAMED = re.compile(rf"{CODE.pattern}(?![A-Za-z0-9])")  # "2E503g" (for 2E503.g) is not read as 2E503
_RANGE = re.compile(rf"({CODE.pattern})\.?,?\s+(?:to|through)\s+({CODE.pattern}|\.?[a-z0-9]+(?:\.[a-z0-9]+)*)\b")


def common_ancestor(codes: Sequence[str]) -> str:
    """The deepest code every one of ``codes`` is, or descends from (``5A002.a.1``, ``5A002.a.4`` → ``5A002.a``)."""
    paths = [c.split(".") for c in codes]
    shared: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        shared.append(parts[0])
    return ".".join(shared)


def purpose_of(text: str) -> tuple[str | None, list[str]]:
    """(the one code a note says it is for, every code its opening phrase names), from the note's own words.

    Why: the source files put a technical note after the last paragraph before it, which is often not the
    paragraph it is about ("For the purposes of 3B001.f.1.b:" follows 3B001.f.1.b.2). The note is for one code
    when its opening phrase names exactly one, or a range ("5A002.a.1 to a.4": their nearest common ancestor);
    several codes ("1B101.a. and 1B101.b.") name no single place, so the first value is then ``None``.
    """
    head = _PURPOSE.match(text)
    if not head:
        return None, []
    rest = text[head.end():]
    end = _PHRASE_END.search(rest)
    phrase = rest[:end.start()] if end else rest
    named = [c.rstrip(".") for c in _NAMED.findall(phrase)]
    if not named:
        return None, []
    span = _RANGE.match(phrase)
    if span:
        first, last = span.group(1).rstrip("."), span.group(2).strip(".")
        if not CODE.fullmatch(last):  # "a.4" after "5A002.a.1": the same ECCN's paragraph
            top = first.split(".", 1)[0]
            last = f"{top}.{last}" if last[:1].isalpha() else f"{parent_of(first)}.{last}"
        return common_ancestor([first, last]), [first, last]
    codes = sorted(set(named))
    several = len(codes) > 1 or re.search(r"\s(?:and|or)\s+\.[a-z]", phrase)  # "4A090.a and .b"
    return (None if several else codes[0]), codes


def depth_of(code: str) -> int:
    """0 for ``3B001``, 1 for ``3B001.f``, 4 for ``3B001.f.1.b.2``."""
    return code.count(".")


def is_not_used(text: str) -> bool:
    """"Not used;" (EU) and "[Reserved]" (US) mark a paragraph kept only to hold its number."""
    return bool(_NOT_USED.match(text))


def term_key(term: str) -> str:
    """The key a quoted term is matched on: lower case, single spaces, no plural ``s``.

    Why strip the plural: Annex I defines "Nuclear reactor" and uses "nuclear reactors".
    """
    key = " ".join(term.lower().replace("’", "'").split()).strip(" ,.;:")
    if key.endswith("ies") and len(key) > 5:
        return key[:-3] + "y"
    if key.endswith("s") and not key.endswith("ss") and len(key) > 3:
        return key[:-1]
    return key


def quoted_terms(text: str) -> list[str]:
    """Every quoted term in a text, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _QUOTED.finditer(text or ""):
        term = next(g for g in match.groups() if g)
        seen.setdefault(" ".join(term.split()), None)
    return list(seen)


@dataclass
class _Node:
    code: str
    text: list[str] = field(default_factory=list)
    notes: list[ControlNote] = field(default_factory=list)
    last_was_note: bool = False


class TreeBuilder:
    """Collects items and notes by code, in document order, then emits :class:`ControlEntry` rows."""

    def __init__(self) -> None:
        self.nodes: dict[str, _Node] = {}
        self.headings: dict[str, str] = {}

    def __contains__(self, code: str) -> bool:
        return code in self.nodes

    def named_by(self, entry: str, note: str) -> str | None:
        """The code of ``entry`` (the entry itself or one of its paragraphs, already read) that a note's own words
        say it is for ("For the purposes of 3B001.f.1.b:"; :func:`purpose_of`), else None: a note naming several
        codes, or a code of another entry or one not in the file, stays where the file puts it."""
        code, _ = purpose_of(note)
        if code is None or code not in self.nodes or not (code == entry or code.startswith(f"{entry}.")):
            return None
        return code

    def add_item(self, code: str, text: str) -> None:
        """A provision: a new code, or more text for a code already seen (a continuation line)."""
        node = self.nodes.get(code)
        if node is None:
            self.nodes[code] = _Node(code, [text] if text else [])
            return
        self.append(code, text)

    def append(self, code: str, text: str) -> None:
        """More text for ``code``: goes to its last note when the last thing written to it was a note."""
        node = self.nodes.setdefault(code, _Node(code))
        if not text:
            return
        if node.last_was_note and node.notes:
            last = node.notes[-1]
            node.notes[-1] = ControlNote(kind=last.kind, text=f"{last.text} {text}".strip())
        else:
            node.text.append(text)
            node.last_was_note = False

    def append_note(self, code: str, text: str, at: int = -1) -> None:
        """More text for the last note of ``code`` (a note's own lettered list), even after other lines.

        ``at`` picks an earlier note of ``code``: a list that goes on after a technical note written inside it.
        """
        node = self.nodes.setdefault(code, _Node(code))
        if not node.notes:
            self.add_note(code, "Note", text)
            return
        last = node.notes[at]
        node.notes[at] = ControlNote(kind=last.kind, text=f"{last.text} {text}".strip())

    def add_note(self, code: str, kind: str, text: str) -> None:
        node = self.nodes.setdefault(code, _Node(code))
        node.notes.append(ControlNote(kind=kind.strip().rstrip(":").strip(), text=text.strip()))
        node.last_was_note = True

    def entries(
        self,
        *,
        regime: Regime,
        source: str,
        version: str,
        valid_from: str,
        partial: bool = False,
        source_url: str = "",
        extra: dict[str, dict[str, list[str]]] | None = None,
        fill_parents: bool = True,
    ) -> list[ControlEntry]:
        """The collected nodes as entries; parents that never had a line of their own are created empty.

        ``extra`` adds per-code list fields (``reasons_for_control``, ``country_chart``).
        """
        if fill_parents:  # off for lists that cite another list's codes (Dutch 3B001.l has no Dutch 3B001)
            self._fill_missing_parents()
        rows = []
        for code, node in self.nodes.items():
            text = " ".join(t for t in node.text if t).strip()
            top = code.split(".", 1)[0]
            fields = (extra or {}).get(code, {})
            rows.append(ControlEntry(
                entry_id=f"{regime}:{code}@{valid_from}",
                regime=regime,
                source=source,
                code=code,
                parent_code=parent_of(code),
                depth=depth_of(code),
                category=top[0],
                product_group=top[1] if len(top) > 1 else "",
                heading=self.headings.get(code, text if "." not in code else ""),
                text=text,
                notes=node.notes,
                not_used=is_not_used(text),
                reasons_for_control=fields.get("reasons_for_control", []),
                country_chart=fields.get("country_chart", []),
                valid_from=valid_from,
                version=version,
                partial=partial,
                source_url=source_url,
            ))
        return rows

    def _fill_missing_parents(self) -> None:
        for code in list(self.nodes):
            parent = parent_of(code)
            while parent and parent not in self.nodes:
                self.nodes[parent] = _Node(parent)
                parent = parent_of(parent)


_DEF_LINE = re.compile(r"^[\"“]([^\"”]{1,120})[\"”]\s*((?:\([^)]*\)\s*)*)(.*)$")
_TECH_DEF = re.compile(r"[‘'\"“]([^’'\"”]{2,100})[’'\"”]\s*(?:\([^)]{1,30}\)\s*)?(?:means|refers to|is defined as|is (?:a|an|the|calculated|equivalent to))\b")


def annex_definitions(
    lines: Iterable[str], *, regime: Regime, version: str, valid_from: str, source: str, scope: str = "annex"
) -> list[dict[str, str]]:
    """Rows of the definitions table from a list of ``"Term" (categories) means ...`` lines.

    Lines that do not open with a quoted term continue the previous definition (N.B. lines,
    lettered sub-points), so a definition keeps its full text.
    """
    rows: list[dict[str, str]] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        match = _DEF_LINE.match(line)
        if match:
            term, brackets, _rest = match.groups()
            categories = " ".join(re.findall(r"\(([^)]*)\)", brackets)[-1:]) if brackets else ""
            rows.append({"term": term.strip(), "key": term_key(term), "regime": regime, "version": version,
                         "valid_from": valid_from, "scope": scope, "categories": categories, "text": line,
                         "source": source})
        elif rows:
            rows[-1]["text"] += "\n" + line
    return rows


def note_definitions(
    entries: Sequence[ControlEntry], *, regime: Regime, version: str, valid_from: str, source: str
) -> list[dict[str, str]]:
    """Terms defined inside Technical Notes (``'sequential multiple wafer processing' means ...``)."""
    rows: list[dict[str, str]] = []
    for entry in entries:
        for note in entry.notes:
            for match in _TECH_DEF.finditer(note.text):
                term = match.group(1).strip()
                rows.append({"term": term, "key": term_key(term), "regime": regime, "version": version,
                             "valid_from": valid_from, "scope": entry.code, "categories": entry.category,
                             "text": note.text, "source": source})
    return rows


def definitions_frame(rows: Sequence[dict[str, str]]) -> pd.DataFrame:
    """The definitions table; one row per (term, scope), first definition kept."""
    frame = pd.DataFrame(list(rows), columns=DEFINITION_COLUMNS)
    return frame.drop_duplicates(subset=["key", "scope"], keep="first").reset_index(drop=True)


def link_terms(entries: list[ControlEntry], definitions: pd.DataFrame) -> list[ControlEntry]:
    """Set ``defined_terms`` of each entry to the definition keys its text and notes quote."""
    keys = set(definitions["key"]) if not definitions.empty else set()
    for entry in entries:
        used = quoted_terms(" ".join([entry.text, *(n.text for n in entry.notes)]))
        entry.defined_terms = sorted({term_key(t) for t in used} & keys)
    return entries
