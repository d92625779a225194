"""EU Consolidated Financial Sanctions List — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='eu-fsf',
    title='EU Consolidated Financial Sanctions List',
    publisher='European Commission (DG FISMA)',
    kind='entities',
    homepage='https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions',
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

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
