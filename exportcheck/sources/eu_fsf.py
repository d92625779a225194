"""EU Consolidated Financial Sanctions List (FSF): the official XML 1.1 file.

No real file is held on the mirror, so the parser is tested on a fixture written in the published
format and the source shows "not verified on a real file" until one is read.
"""

from __future__ import annotations

from exportcheck.formats import eu_fsf
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='eu-fsf',
    title='EU Consolidated Financial Sanctions List',
    publisher='European Commission (DG FISMA)',
    kind='entities',
    homepage='https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions',
    nature='sanctions',
    jurisdiction='EU',
    topics=['sanction'],
    effect=('Assets of the listed party are frozen and no funds or economic resources may be made available to '
            'it, binding every person and business in the EU (Art. 215 TFEU regulations).'),
    list_label='EU FSF',
    formats_published=['XML 1.1', 'XML 1.0', 'CSV', 'PDF'],
    licence='European Commission reuse policy (CC BY 4.0)',
    attribution='Consolidated list of persons, groups and entities subject to EU financial sanctions, European Commission',
    min_records=1000,
    max_records=50000,
    mirror_dirs=['eu-fsf'],
    downloads=[
        OfficialFile(name='xmlFullSanctionsList_1_1.xml', url='https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="fsf-xml-1.1", parse=eu_fsf.parse, primary="*xmlFullSanctionsList_1_1*.xml", verified=False),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
