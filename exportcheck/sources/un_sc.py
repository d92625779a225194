"""UN Security Council Consolidated List — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='un-sc',
    title='UN Security Council Consolidated List',
    publisher='United Nations Security Council',
    kind='entities',
    homepage='https://www.un.org/securitycouncil/content/un-sc-consolidated-list',
    formats_published=['XML', 'HTML', 'PDF'],
    licence='United Nations; public information',
    attribution='United Nations Security Council Consolidated List',
    min_records=500,
    max_records=10000,
    mirror_dirs=['un-sc'],
    downloads=[
        OfficialFile(name='consolidated.xml', url='https://scsanctions.un.org/resources/xml/en/consolidated.xml')
    ],
)

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
