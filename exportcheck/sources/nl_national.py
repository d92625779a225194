"""Regeling geavanceerde productieapparatuur voor halfgeleiders (NL) — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='nl-national',
    title='Regeling geavanceerde productieapparatuur voor halfgeleiders (NL)',
    publisher='Ministerie van Buitenlandse Zaken (Staatscourant)',
    kind='controls',
    homepage='https://zoek.officielebekendmakingen.nl/stcrt-2023-18212.html',
    formats_published=['Staatscourant XML', 'HTML', 'PDF'],
    licence='Dutch government publication, public domain (Auteurswet art. 11)',
    attribution='Staatscourant 2023, 18212, as amended (Stcrt. 2024 BZ2404162; 2025)',
    min_records=3,
    max_records=500,
    mirror_dirs=['nl-national'],
    downloads=[
        OfficialFile(name='stcrt-2023-18212.xml', url='https://zoek.officielebekendmakingen.nl/stcrt-2023-18212.xml')
    ],
)

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
