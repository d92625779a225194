"""trade.gov Consolidated Screening List: the official CSV and JSON, and a third party's compact JSON copy.

The official CSV is what ``refresh`` downloads; the official JSON has the same fields (arrays for the
multi-valued ones); ``DERIVED_csl-compact_*.json`` is the only 2026 copy on the mirror (fields trimmed).
"""

from __future__ import annotations

from exportcheck.formats import csl_compact, csl_csv, csl_json
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
    # No real consolidated.json is held here: tested on a fixture written in the documented shape.
    Format(name="csl-json", parse=csl_json.parse, primary="consolidated*.json", verified=False),
    Format(name="csl-compact-json", parse=csl_compact.parse, primary="DERIVED_csl-compact_*.json", official=False),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
