"""Commerce Control List (15 CFR 774 Supp. No. 1) — declaration and the shapes we can read.

The official shape is the eCFR XML of part 774 (parser tested on a fixture we wrote: not verified on a
real file). The mirror holds a third party's JSON build of the 2026-07-23 eCFR issue, read together
with the Country Chart (part 738) and Country Groups (part 740) JSON of the same date.
"""

from __future__ import annotations

from exportcheck.formats import ccl_json, ecfr_ccl
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-ccl',
    title='Commerce Control List (15 CFR 774 Supp. No. 1)',
    publisher='US Bureau of Industry and Security',
    kind='controls',
    homepage='https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-774',
    nature='export-control-items',
    jurisdiction='US',
    topics=['export.control'],
    effect=('An item subject to the EAR with an ECCN needs a BIS licence where the Country Chart marks its '
            'destination, unless a licence exception applies (15 CFR 738, 740, 774).'),
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

FORMATS: tuple[Format, ...] = (
    Format(name="ecfr-xml", parse=ecfr_ccl.parse, primary="title-15*774*.xml", official=True, verified=False),
    Format(name="ccl-json", parse=ccl_json.parse, primary="DERIVED_ccl_part774-supp1_*.json", parser_version="5",
           companions=("DERIVED_country-chart_part738-supp1_*.json", "DERIVED_country-groups_part740-supp1_*.json"),
           official=False),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
