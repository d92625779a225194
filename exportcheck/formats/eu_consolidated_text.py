"""Parser for the plain-text rendering of the EUR-Lex consolidated Regulation (EU) 2021/821, in segments.

Source here: ``eu-dual-use/DERIVED_consolidated-text_02021R0821-20230526_EN_chars<from>-<to>.txt.gz``,
gzip segments of one UTF-8 text converted by a third party from the EUR-Lex consolidated HTML as at
26.05.2023 (see SOURCES.md). The ``chars<from>-<to>`` part of each name is the character range of the
full text the segment holds; ranges in between are missing, so the version is only partly here.

Layout (the converter's, not the OJ's): one paragraph per line, blank lines between; list labels on
their own line with a trailing space (`` a. ``, `` 1. ``); the numbered points of a Note's own list
have no trailing space (`` 1.``); note headings split as ``Note`` / `` : `` / text; entry codes glued
to their headings (``3B001Equipment ...``); EUR-Lex amendment markers (``►B``, ``▼M4``) and footnote
references split over three lines. Labels carry no full code, so the code of each paragraph is
rebuilt from the label sequence (letters at odd depths, numbers at even depths).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.control_tree import (
    CODE,
    TreeBuilder,
    annex_definitions,
    definitions_frame,
    link_terms,
    note_definitions,
)
from exportcheck.formats.safeio import read_input
from exportcheck.model import ControlEntry

_RANGE = re.compile(r"chars(\d+)-(\d+)", re.IGNORECASE)
_VERSION = re.compile(r"(0\d{4}R\d{4})-(\d{4})(\d{2})(\d{2})")
_MARKER = re.compile(r"[►▼◄]\s?(?:[BMCA]\d{0,2})?")
_FOOTNOTE = re.compile(r"\(\s*\n\s*\d{1,3}\s*\n\s*\)")
_SPLIT_NOTE = re.compile(r"^([ \t]*(?:Technical\s+)?Notes?(?:\s+\d+)?|[ \t]*N\.B\.\s?\d*\.?)[ \t]*\n[ \t]*:[ \t]*\n", re.MULTILINE)
_CATEGORY = re.compile(r"^\s*CATEGORY\s+(\d)\b")
#: An entry code glued to its heading (``3B001Equipment ...``) or alone on its line (``3D006``, heading below).
_ENTRY = re.compile(r"^\s*(\d[A-E]\d{3})([^\s\d.](?![.\d]).*|\s*)$")  # not "1C111a.2.a." (a reference)
_GROUP = re.compile(r"^\s*(\d[A-E])([A-Z][a-z].*)$")
_ITEM_LABEL = re.compile(r"^ ([a-z]|\d{1,2})\. $")
_NOTE_LABEL = re.compile(r"^\s*(?:[a-z]|\d{1,2})\.\s*$|^\s*—\s*$")
_NOTE_HEAD = re.compile(r"^\s*((?:Technical\s+)?Notes?(?:\s+\d+)?|N\.B\.\s?\d*\.?)\s*:?\s*(.*)$")
#: A note about a code names it first ("3B001.a.1. includes", "In 0A001.h.", "For the purpose of
#: 3B001.e."); a code further in is a cross-reference ("For zirconium pressure tubes see 0A001.e.").
_NOTE_SUBJECT = re.compile(rf"^(?:\d{{1,2}}\.\s+)?(?:(?:In|For the purposes? of)\s+)?({CODE.pattern})")
_DEFS_START = "DEFINITIONS OF TERMS USED IN THIS ANNEX"


@dataclass
class _Segment:
    path: Path
    start: int
    end: int
    text: str


@dataclass
class _Note:
    kind: str
    target: str
    entry: str
    lines: list[str] = field(default_factory=list)


def _read(path: Path, source_id: str) -> _Segment:
    match = _RANGE.search(path.name)
    if not match:
        raise ParseError(source_id, f"{path.name}: no chars<from>-<to> range in the file name")
    raw = read_input(path, source_id)  # gzip decompressed with the size cap
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(source_id, f"{path.name}: not UTF-8 text ({exc})") from exc
    return _Segment(path, int(match.group(1)), int(match.group(2)), text)


def _prepare(text: str) -> str:
    text = _FOOTNOTE.sub("", text)
    text = _MARKER.sub("", text)
    return _SPLIT_NOTE.sub(lambda m: m.group(1) + ":\n", text)


def _successor(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _is_first(label: str) -> bool:
    return label in ("a", "1")


_CONJ = re.compile(r"(?:[;,]\s*|\s)(?:or|and)\s*$")


def ends_with_conjunction(text: str) -> bool:
    """``...; or`` / ``...; and``: in Annex I the next item of the same list is its last one."""
    return bool(_CONJ.search(text.strip()))


def resolve_depth(stack: list[str], label: str, texts: Sequence[str] = (), conj: Sequence[bool] = (),
                  next_text: str = "") -> int:
    """Depth (1-based, below the entry) of a list label, given the labels open above it.

    Each depth keeps the kind (letter or number) of its first label. A label can follow the open
    label of its depth (``b`` after ``a``) or open a new level (``a``/``1`` one deeper); where several
    fit (``4.`` after ``f.3.b.3`` could be ``f.4`` or ``f.3.b.4``):

    1. the OJ's punctuation: a list whose items used "; or"/"; and" is closed once an item ends
       without one, and a new level opens only under an item ending with ":";
    2. then parallel wording: siblings in Annex I are drafted alike ("Equipment and components,
       specially designed or prepared for ... process, as follows:"), so the level whose open item
       shares most words with the new item's text (``next_text``) wins; ties keep the deepest.

    ``texts``/``conj`` give, per open depth, the item text and whether its list has used a
    conjunction. Where nothing fits (a gap in the numbering) the deepest level of the right kind
    whose open label precedes it is taken.
    """
    kind = label.isdigit()
    candidates = [d for d in range(1, len(stack) + 2) if d == len(stack) + 1 or stack[d - 1].isdigit() == kind]
    valid = [d for d in candidates
             if (d <= len(stack) and stack[d - 1] == _predecessor(label)) or (d == len(stack) + 1 and _is_first(label))]
    acceptable = []
    for d in sorted(valid, reverse=True):
        if d == len(stack) + 1:
            last = texts[-1] if texts else ""
            if not texts or last.rstrip().endswith(":"):
                return d
            continue
        if d <= len(texts) and d <= len(conj):
            closed = conj[d - 1] and not ends_with_conjunction(texts[d - 1]) and not texts[d - 1].rstrip().endswith(":")
            if closed:
                continue
        acceptable.append(d)
    if len(acceptable) > 1 and next_text and len(texts) >= max(acceptable):
        deepest = acceptable[0]
        best = max(acceptable[1:], key=lambda d: (_likeness(texts[d - 1], next_text), d))
        if _likeness(texts[best - 1], next_text) > _likeness(texts[deepest - 1], next_text) + LIKENESS_MARGIN:
            return best
        return deepest
    if acceptable:
        return acceptable[0]
    if valid:
        return max(valid)
    ordered = [d for d in candidates if d <= len(stack) and _before(stack[d - 1], label)]
    if ordered:
        return max(ordered)
    return candidates[0] if candidates else 1


#: How much more alike a shallower sibling must be before it beats the deepest open list (checked
#: against the codes the 2025 JSON spells out for entries unchanged since 2023).
LIKENESS_MARGIN = 0.15


def _likeness(a: str, b: str) -> float:
    """Share of words in common (Jaccard) between two item texts."""
    wa, wb = set(re.findall(r"[a-z]{3,}", a.lower())), set(re.findall(r"[a-z]{3,}", b.lower()))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _predecessor(label: str) -> str:
    if label.isdigit():
        return str(int(label) - 1)
    return chr(ord(label) - 1)


def _before(a: str, b: str) -> bool:
    if a.isdigit() and b.isdigit():
        return int(a) < int(b)
    return a.isalpha() and b.isalpha() and a < b


class _AnnexReader:
    """Walks the lines of one segment, feeding items and notes to a shared :class:`TreeBuilder`."""

    def __init__(self, builder: TreeBuilder) -> None:
        self.builder = builder
        self.entry = ""
        self.stack: list[str] = []
        self.conj: list[bool] = []
        self.current = ""
        self.note: _Note | None = None
        self.pending = ""
        self.orphans = 0
        self.categories_seen: list[str] = []

    def item_text(self, depth: int) -> str:
        node = self.builder.nodes.get(".".join([self.entry, *self.stack[:depth]]))
        return " ".join(node.text) if node else ""

    def code(self) -> str:
        return ".".join([self.entry, *self.stack]) if self.entry else ""

    def flush_note(self) -> None:
        note, self.note = self.note, None
        if note is None or not note.entry:
            return
        text = " ".join(" ".join(note.lines).split())
        target = note.target
        referenced = ""
        if head := _NOTE_SUBJECT.match(text):
            referenced = head.group(1)
        elif not note.kind.startswith("N.B"):  # "... in 3A001.h. includes ...": a Note's first code, unless "see CODE"
            first = CODE.search(text[:120])
            if first and not re.search(r"\bsee\s*$", text[: first.start()], re.IGNORECASE):
                referenced = first.group(0)
        if referenced and referenced.startswith(note.entry) and referenced in self.builder:
            target = referenced
        self.builder.add_note(target, note.kind, text)

    def reset_segment(self) -> None:
        """A new segment follows a gap: nothing open in the previous one continues into it."""
        self.flush_note()
        self.entry, self.stack, self.current, self.pending = "", [], "", ""

    def place(self, label: str, next_text: str = "") -> None:
        """Open the item a list label stands for: the code is rebuilt from the labels above it."""
        self.flush_note()
        texts = [self.item_text(i) for i in range(1, len(self.stack) + 1)]
        depth = resolve_depth(self.stack, label, texts, self.conj, next_text)
        continuing = depth <= len(self.stack)
        seen_conj = continuing and (self.conj[depth - 1] or ends_with_conjunction(texts[depth - 1]))
        self.stack = [*self.stack[: depth - 1], label]
        self.conj = [*self.conj[: depth - 1], seen_conj]
        self.current = self.code()
        self.builder.add_item(self.current, "")

    def line(self, raw: str) -> None:
        """One line of the annex. A list label waits for the next line: text indented by a space under
        an open note is a point of that note's own list (``Note: ... a. Four grammes ...``), not an item."""
        if not raw.strip():
            return
        if self.pending:
            label, self.pending = self.pending, ""
            if self.note is not None and raw.startswith(" ") and not _ITEM_LABEL.match(raw) and not _ENTRY.match(raw):
                self.note.lines.append(f"{label}. {raw.strip()}")
                return
            self.place(label, raw.strip())
        if m := _CATEGORY.match(raw):
            self.flush_note()
            self.categories_seen.append(m.group(1))
            self.entry, self.stack, self.current = "", [], ""
            return
        if m := _ENTRY.match(raw):
            self.flush_note()
            self.entry, self.stack, self.conj = m.group(1), [], []
            self.current = self.entry
            self.builder.add_item(self.entry, m.group(2).strip())
            return
        if _GROUP.match(raw) and not raw.startswith("  "):
            self.flush_note()
            self.entry, self.stack, self.current = "", [], ""
            return
        if m := _ITEM_LABEL.match(raw):
            if not self.entry:
                self.orphans += 1
                return
            self.pending = m.group(1)
            return
        if self.note is None and (m := _NOTE_HEAD.match(raw)):
            self.note = _Note(kind=" ".join(m.group(1).split()), target=self.current, entry=self.entry,
                              lines=[m.group(2)] if m.group(2).strip() else [])
            return
        if self.note is not None:
            if (m := _NOTE_HEAD.match(raw)) and not raw.strip().startswith(tuple("0123456789")):
                self.flush_note()
                self.note = _Note(kind=" ".join(m.group(1).split()), target=self.current, entry=self.entry,
                                  lines=[m.group(2)] if m.group(2).strip() else [])
                return
            self.note.lines.append(raw.strip())
            return
        if _NOTE_LABEL.match(raw):
            return
        if not self.entry:
            self.orphans += 1
            return
        self.builder.append(self.current, raw.strip())


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One snapshot of the 2023-05-26 text from all its segments; every entry flagged ``partial``."""
    source_id = ctx.source_id
    segments = sorted((_read(p, source_id) for p in paths), key=lambda s: s.start)
    names = " ".join(p.name for p in paths)
    found = _VERSION.search(names)
    if not found:
        raise ParseError(source_id, f"{paths[0].name}: no CELEX consolidated version (0YYYYRNNNN-YYYYMMDD) in the file names")
    version = f"{found.group(1)}-{found.group(2)}{found.group(3)}{found.group(4)}"
    valid_from = f"{found.group(2)}-{found.group(3)}-{found.group(4)}"
    builder = TreeBuilder()
    reader = _AnnexReader(builder)
    in_annex = False
    definition_lines: list[str] = []
    complete: set[str] = set()
    partial_seen: set[str] = set()
    warnings: list[str] = []
    for segment in segments:
        reader.reset_segment()
        lines = _prepare(segment.text).split("\n")
        seen_here: list[str] = []
        in_defs = False
        annex_ended = False
        for raw in lines:
            stripped = raw.strip()
            if stripped == "ANNEX I":
                in_annex = True
                continue
            if not in_annex:
                continue
            if re.fullmatch(r"ANNEX (?:II|III|IV|V|VI)[A-Z]?", stripped):
                seen_here.append("end")
                annex_ended = True
                break
            if stripped.startswith(_DEFS_START):
                in_defs = True
                continue
            if m := _CATEGORY.match(raw):
                in_defs = False
                seen_here.append(m.group(1))
            if in_defs:
                definition_lines.append(stripped)
                continue
            reader.line(raw)
        reader.flush_note()
        for i, cat in enumerate(seen_here):
            if cat == "end":
                continue
            nxt = seen_here[i + 1] if i + 1 < len(seen_here) else None
            (complete if nxt is not None else partial_seen).add(cat)
        if annex_ended:
            break
    if not in_annex:
        raise ParseError(source_id, f"{segments[0].path.name}: no 'ANNEX I' heading in any segment")
    if reader.orphans:
        warnings.append(f"{reader.orphans} lines at the start of a segment belong to an entry whose heading "
                        "is in a missing range; left out")
    url = f"http://publications.europa.eu/resource/celex/{version}"
    entries = builder.entries(regime="eu", source=source_id, version=version, valid_from=valid_from,
                              partial=True, source_url=url)
    rows = annex_definitions(definition_lines, regime="eu", version=version, valid_from=valid_from, source=source_id)
    rows += note_definitions(entries, regime="eu", version=version, valid_from=valid_from, source=source_id)
    definitions = definitions_frame(rows)
    link_terms(entries, definitions)
    coverage = _coverage(entries, complete, partial_seen, version, valid_from, segments)
    warnings.append(f"{version} is only partly held (segments {', '.join(f'{s.start}-{s.end}' for s in segments)}): "
                    f"complete categories {', '.join(sorted(complete)) or 'none'}; partial "
                    f"{', '.join(coverage.loc[coverage.status == 'partial', 'category']) or 'none'}; absent "
                    f"{', '.join(coverage.loc[coverage.status == 'absent', 'category']) or 'none'}")
    return Parsed(records=entries, data_date=pd.Timestamp(valid_from).date(), data_date_basis="file name (CELEX version)",
                  extra_tables={"definitions": definitions, "coverage": coverage}, warnings=warnings)


def _coverage(entries: list[ControlEntry], complete: set[str], seen: set[str], version: str, valid_from: str,
              segments: list[_Segment]) -> pd.DataFrame:
    """One row per category 0-9: complete (its heading and the next one are in one segment), partial, absent."""
    rows = []
    for cat in "0123456789":
        tops = sorted(e.code for e in entries if e.category == cat and e.depth == 0)
        status = "complete" if cat in complete else ("partial" if tops or cat in seen else "absent")
        rows.append({"version": version, "valid_from": valid_from, "category": cat, "status": status,
                     "entries": len(tops), "first": tops[0] if tops else "", "last": tops[-1] if tops else "",
                     "segments": ";".join(f"{s.start}-{s.end}" for s in segments)})
    return pd.DataFrame(rows)
