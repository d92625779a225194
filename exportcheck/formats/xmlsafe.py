"""The one way exportcheck reads XML: entity resolution, DTD loading and network access all off.

Why: list files come from the internet (or a mirror of it); a file carrying a billion-laughs entity
bomb or an external entity (XXE) must fail that source, not exhaust memory or read local files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from exportcheck.errors import ParseError


def safe_parser(**overrides: bool) -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
               "huge_tree": False, "remove_comments": True}
    options.update(overrides)
    return etree.XMLParser(**options)


def _reject_doctype_entities(tree: etree._ElementTree, source_id: str, name: str) -> None:
    doctype = tree.docinfo.internalDTD
    if doctype is not None and any(True for _ in doctype.iterentities()):
        raise ParseError(source_id, f"{name}: declares XML entities in its DOCTYPE; refused (entity expansion attack?)")


def parse_xml(source: Path | IO[bytes], source_id: str, name: str | None = None) -> etree._ElementTree:
    """Parse a whole XML file safely; malformed XML raises :class:`ParseError` naming file and line."""
    label = name or (source.name if isinstance(source, Path) else "XML document")
    try:
        tree = etree.parse(str(source) if isinstance(source, Path) else source, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(source_id, f"{label}: malformed XML at line {exc.lineno}: {exc.msg}") from exc
    _reject_doctype_entities(tree, source_id, label)
    return tree


_PROLOGUE_BYTES = 1 << 16


def _refuse_declared_entities(path: Path, source_id: str) -> None:
    """Refuse a file whose DOCTYPE declares entities, before streaming it.

    Why here and not only through parser options: libxml2 expands internal entities inside attribute
    values even with ``resolve_entities=False`` (a billion-laughs bomb in ``wholeName="&c;"`` still
    explodes), and ``iterparse`` gives no DTD to inspect until the whole file is read. List files
    never declare entities, so any declaration in the prologue is refused.
    """
    with path.open("rb") as handle:
        head = handle.read(_PROLOGUE_BYTES)
    doctype = head.find(b"<!DOCTYPE")
    if doctype == -1:
        return
    root = head.find(b"<", doctype + 9)
    while root != -1 and head[root:root + 2] in (b"<!", b"<?"):
        root = head.find(b"<", root + 2)
    if b"<!ENTITY" in head[doctype: root if root != -1 else len(head)]:
        raise ParseError(source_id, f"{path.name}: declares XML entities in its DOCTYPE; refused (entity expansion attack?)")


def iter_elements(path: Path, tag: str | tuple[str, ...], source_id: str) -> Iterator[etree._Element]:
    """Stream elements with the given (namespaced or local) tag(s), freeing each after use.

    For large files (EU FSF, OFAC advanced XML): memory stays flat. The caller must not keep references
    to yielded elements after the next iteration.
    """
    tags = (tag,) if isinstance(tag, str) else tag
    _refuse_declared_entities(path, source_id)
    try:
        for _event, element in etree.iterparse(str(path), events=("end",), tag=tags, resolve_entities=False,
                                               no_network=True, load_dtd=False, huge_tree=False):
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise ParseError(source_id, f"{path.name}: malformed XML at line {exc.lineno}: {exc.msg}") from exc


def local(tag: str | bytes | object) -> str:
    """The local name of a (possibly namespaced) tag: ``{ns}entity`` → ``entity``."""
    text = tag if isinstance(tag, str) else str(tag)
    return text.rsplit("}", 1)[-1]


def text_of(element: etree._Element | None, path: str | None = None) -> str:
    """Stripped text of an element (or of its first child matching a local-name path), ``""`` if none."""
    if element is None:
        return ""
    target = element
    if path:
        for step in path.split("/"):
            target = next((c for c in target if isinstance(c.tag, str) and local(c.tag) == step), None)
            if target is None:
                return ""
    return " ".join((target.text or "").split())
