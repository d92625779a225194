"""EU dual-use list: Annex I to Regulation (EU) 2021/821 — declaration and the shapes we can read.

Two shapes are held on the mirror: the JSON copy of the consolidated version valid from 2025-11-15
(complete) and the plain-text segments of the 2023-05-26 consolidated version (categories 0, 3, 4
complete; parts of 1, 2, 5). Each becomes its own dated snapshot, so ``--as-of`` can pick the one
in force; the segments of one date form one input set (same date key in their names).
"""

from __future__ import annotations

from exportcheck.formats import eu_annex_json, eu_consolidated_text
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='eu-dual-use',
    title='EU dual-use list: Annex I to Regulation (EU) 2021/821',
    publisher='European Union (EUR-Lex)',
    kind='controls',
    homepage='https://eur-lex.europa.eu/eli/reg/2021/821',
    nature='export-control-items',
    jurisdiction='EU',
    topics=['export.control'],
    effect=('Exporting a listed item out of the EU needs an authorisation (Regulation (EU) 2021/821, Art. 3); '
            'only the exporter or the authority classifies an item.'),
    formats_published=['EUR-Lex consolidated HTML', 'Formex XML', 'PDF'],
    licence='EUR-Lex reuse (CC BY 4.0)',
    attribution='Regulation (EU) 2021/821, Annex I, consolidated text, EUR-Lex',
    min_records=300,
    max_records=20000,
    mirror_dirs=['eu-dual-use'],
    downloads=[
        OfficialFile(name='02021R0821-20251115.html', url='http://publications.europa.eu/resource/celex/02021R0821-20251115')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="eu-annex-json", parse=eu_annex_json.parse, primary="DERIVED_annex-I_*.json",
           official=False, parser_version="2"),
    # Every segment of one date joins one set: the first in name order is the primary, the others companions.
    Format(name="eu-consolidated-text", parse=eu_consolidated_text.parse,
           primary="DERIVED_consolidated-text_*_chars*.txt*", companions=("DERIVED_consolidated-text_*_chars*.txt*",),
           official=False, parser_version="1", min_records=100),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
