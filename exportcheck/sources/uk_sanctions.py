"""UK Sanctions List — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='uk-sanctions',
    title='UK Sanctions List',
    publisher='UK Foreign, Commonwealth & Development Office',
    kind='entities',
    homepage='https://www.gov.uk/government/publications/the-uk-sanctions-list',
    formats_published=['XML', 'CSV', 'ODS', 'HTML'],
    licence='Open Government Licence v3.0',
    attribution='UK Sanctions List, Foreign, Commonwealth & Development Office (OGL v3.0)',
    min_records=1000,
    max_records=50000,
    mirror_dirs=['uk-sanctions'],
    downloads=[
        OfficialFile(name='UK-Sanctions-List.xml', url='https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml')
    ],
)

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
