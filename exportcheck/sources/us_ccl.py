"""Commerce Control List (15 CFR 774 Supp. No. 1) — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-ccl',
    title='Commerce Control List (15 CFR 774 Supp. No. 1)',
    publisher='US Bureau of Industry and Security',
    kind='controls',
    homepage='https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-774',
    formats_published=['eCFR XML', 'HTML'],
    licence='US Government work, public domain',
    attribution='Code of Federal Regulations, 15 CFR part 774 Supplement No. 1, via eCFR',
    min_records=300,
    max_records=50000,
    mirror_dirs=['us-ear'],
    downloads=[
        OfficialFile(name='title-15-part-774.xml', url='https://www.ecfr.gov/api/versioner/v1/full/current/title-15.xml?part=774')
    ],
)

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
