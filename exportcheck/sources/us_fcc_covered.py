"""FCC Covered List: communications equipment and services deemed a national-security risk.

The official list is a web page; the mirror holds the nsfreg project's copy (15 entries: 13 named
producers or providers, 2 classes of foreign-made equipment kept in the ``covered_classes`` table).
"""

from __future__ import annotations

from exportcheck.formats import fcc_covered
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='us-fcc-covered',
    title='FCC Covered List (Secure and Trusted Communications Networks Act, s. 2)',
    publisher='US Federal Communications Commission, Public Safety and Homeland Security Bureau',
    kind='entities',
    homepage='https://www.fcc.gov/supplychain/coveredlist',
    formats_published=['HTML'],
    licence='US Government work, public domain; machine-readable copy by phagehunter/nsfreg',
    attribution='Covered List, Federal Communications Commission; copied by nsfreg',
    min_records=5,
    max_records=200,
    mirror_dirs=['us-fcc-covered'],
    notes='Official only as a web page; no file is downloaded by refresh.',
    nature='equipment-authorisation',
    jurisdiction='US',
    topics=['export.risk'],
    effect='The FCC authorises no new equipment from the listed producers, and USF funds may not buy their '
           'equipment or services (47 CFR 2.903, 54.9); no export licence effect.',
    list_label='FCC Covered List',
)

FORMATS: tuple[Format, ...] = (
    Format(name="nsfreg-json", primary="DERIVED_fcc-covered-list_*.json",
           parse=fcc_covered.parse),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
