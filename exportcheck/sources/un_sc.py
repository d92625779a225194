"""UN Security Council Consolidated List — source declaration. Parser: :mod:`exportcheck.formats.un_sc_xml`."""

from __future__ import annotations

from exportcheck.formats import un_sc_xml
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='un-sc',
    title='UN Security Council Consolidated List',
    publisher='United Nations Security Council',
    kind='entities',
    homepage='https://www.un.org/securitycouncil/content/un-sc-consolidated-list',
    nature='sanctions',
    jurisdiction='UN',
    topics=['sanction'],
    effect=("UN member states must freeze the listed party's assets and bar dealings (binding UN Security Council"
            ' resolutions; in the EU applied through Council decisions and regulations).'),
    list_label='UN',
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

FORMATS: tuple[Format, ...] = (
    Format(name="un-sc-xml", parse=un_sc_xml.parse, primary="consolidated*.xml"),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
