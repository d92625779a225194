"""Consolidated Screening List — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.formats import csl_csv
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-csl',
    title='Consolidated Screening List',
    publisher='US International Trade Administration (trade.gov)',
    kind='entities',
    homepage='https://www.trade.gov/consolidated-screening-list',
    formats_published=['CSV', 'JSON', 'TSV'],
    licence='US Government work, public domain',
    attribution='Consolidated Screening List, International Trade Administration, U.S. Department of Commerce',
    min_records=5000,
    max_records=100000,
    mirror_dirs=['us-csl'],
    downloads=[
        OfficialFile(name='consolidated.csv', url='https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="csl-csv", parse=csl_csv.parse, primary="consolidated*.csv*"),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
