"""UK Sanctions List (FCDO): the official XML file.

No real file is held on the mirror, so the parser is tested on a fixture written in the published
format and the source shows "not verified on a real file" until one is read.
"""

from __future__ import annotations

from exportcheck.formats import uk_fcdo
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='uk-sanctions',
    title='UK Sanctions List',
    publisher='UK Foreign, Commonwealth & Development Office',
    kind='entities',
    homepage='https://www.gov.uk/government/publications/the-uk-sanctions-list',
    nature='sanctions',
    jurisdiction='GB',
    topics=['sanction'],
    effect=('UK asset freezes and trade measures binding UK persons and conduct in the UK (SAMLA 2018); not '
            'binding on an EU exporter as such.'),
    list_label='UK Sanctions List',
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

FORMATS: tuple[Format, ...] = (
    Format(name="uk-sanctions-xml", parse=uk_fcdo.parse, primary="*UK*Sanctions*List*.xml", verified=False),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
