"""EU dual-use list: Annex I to Regulation (EU) 2021/821 — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='eu-dual-use',
    title='EU dual-use list: Annex I to Regulation (EU) 2021/821',
    publisher='European Union (EUR-Lex)',
    kind='controls',
    homepage='https://eur-lex.europa.eu/eli/reg/2021/821',
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

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
