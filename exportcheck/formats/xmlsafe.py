"""The one way exportcheck reads XML: entity declarations refused, DTD loading and network access off.

Why: list files come from the internet (or a mirror of it); a file carrying a billion-laughs entity
bomb or an external entity (XXE) must fail that source, not exhaust memory or read local files.

Parser options alone are not enough: libxml2 expands internal entities inside attribute values even
with ``resolve_entities=False`` (``<r at="&a;">`` comes back as ``at="hello"``). So before any parse,
:func:`refuse_entities` lets lxml itself read the prologue, however long (a DOCTYPE padded past any
fixed scan window still ends before the root element), stops at the root element and refuses a DOCTYPE
that declares an entity. List files never declare entities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from exportcheck.errors import ParseError

#: An opener for an XML stream that is not a plain file (a zip member): called once per pass.
Opener = Callable[[], IO[bytes]]
_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def safe_parser(**overrides: bool) -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    options = {**_OPTIONS, "dtd_validation": False, "remove_comments": True}
    options.update(overrides)
    return etree.XMLParser(**options)


def _entity_error(source_id: str, name: str) -> ParseError:
    return ParseError(source_id, f"{name}: declares XML entities in its DOCTYPE; refused (entity expansion attack?)")


def _syntax_error(source_id: str, name: str, exc: etree.XMLSyntaxError) -> ParseError:
    return ParseError(source_id, f"{name}: malformed XML at line {exc.lineno}: {exc.msg}")


def _open(source: Path | Opener) -> IO[bytes]:
    return source.open("rb") if isinstance(source, Path) else source()


def refuse_entities(source: Path | Opener, source_id: str, name: str) -> None:
    """Raise :class:`ParseError` when the document's DOCTYPE declares any entity; read only up to the root tag."""
    with _open(source) as handle:
        events = etree.iterparse(handle, events=("start",), **_OPTIONS)
        try:
            for _event, element in events:
                dtd = element.getroottree().docinfo.internalDTD
                if dtd is not None and any(True for _ in dtd.iterentities()):
                    raise _entity_error(source_id, name)
                return
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(source_id, name, exc) from exc


def parse_xml(source: Path | Opener, source_id: str, name: str | None = None) -> etree._ElementTree:
    """Parse a whole XML file (or opened stream) safely; malformed XML names the file and line."""
    label = name or (source.name if isinstance(source, Path) else "XML document")
    refuse_entities(source, source_id, label)
    try:
        if isinstance(source, Path):
            tree = etree.parse(str(source), safe_parser())
        else:
            with source() as handle:
                tree = etree.parse(handle, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(source_id, label, exc) from exc
    dtd = tree.docinfo.internalDTD  # belt and braces: never hand on a tree that declared entities
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entity_error(source_id, label)
    return tree


def iter_elements(path: Path, tag: str | tuple[str, ...], source_id: str) -> Iterator[etree._Element]:
    """Stream elements with the given (namespaced or local) tag(s), freeing each after use.

    For large files (EU FSF, OFAC advanced XML): memory stays flat. The caller must not keep references
    to yielded elements after the next iteration.
    """
    tags = (tag,) if isinstance(tag, str) else tag
    refuse_entities(path, source_id, path.name)
    try:
        for _event, element in etree.iterparse(str(path), events=("end",), tag=tags, **_OPTIONS):
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(source_id, path.name, exc) from exc


def strip_namespaces(root: etree._Element) -> None:
    """Drop namespaces from every tag in place, so elements are found by local name.

    Why: OFAC's files declare a namespace that differs from the one their XSD names, and may change it.
    """
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = local(element.tag)


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
