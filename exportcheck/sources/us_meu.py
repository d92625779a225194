"""Military End-User List (15 CFR 744 Supp. No. 7) — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-meu',
    title='Military End-User List (15 CFR 744 Supp. No. 7)',
    publisher='US Bureau of Industry and Security',
    kind='entities',
    homepage='https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/appendix-Supplement%20No.%207%20to%20Part%20744',
    formats_published=['eCFR XML', 'HTML'],
    licence='US Government work, public domain',
    attribution='Code of Federal Regulations, 15 CFR part 744 Supplement No. 7, via eCFR',
    min_records=20,
    max_records=2000,
    mirror_dirs=['us-ear'],
    downloads=[
        OfficialFile(name='title-15-part-744.xml', url='https://www.ecfr.gov/api/versioner/v1/full/current/title-15.xml?part=744')
    ],
)

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
