"""Parsers for file formats, and the helpers they share.

Layers, bottom up (checked by import-linter and ``tests/formats/test_layering.py``):

- ``base`` (what a parser returns, its :class:`~exportcheck.formats.base.ParseContext`, record skips),
  ``common`` (normalisers: countries, dates, names, Federal Register citations), ``safeio``, ``xmlsafe``
  and ``jsonsafe`` (reading files safely): shared by every parser.
- Conventions of one publisher's family, shared by its shapes: ``ofac``, ``csl``, ``ear_lists``,
  ``control_tree``.
- Parsers, one per file shape (``csl_csv``, ``ofac_enhanced_xml``, ``nsfreg`` ...): each takes the files
  and a context naming the list, imports no sibling parser and nothing from the source declarations,
  which name the parser they use (zavod's ``entry_point``).
"""
