"""China's designations: MOFCOM's Export Control Control List, Unreliable Entity List, Watch List, and
MOFCOM / MFA countermeasures, from the combined CSV, each row linked to its official announcement.

The announcements are official web pages (Chinese); the mirror holds a third party's combined CSV
(417 rows, 2023-02 to 2026-08) and plain-text copies of 41 announcement pages in
``PAGES_announcements/``, which the parser checks each row against (URL and Chinese name).
"""

from __future__ import annotations

from exportcheck.formats import cn_designations
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='cn-mofcom',
    title="China's export-control and countermeasure lists (MOFCOM, MFA)",
    publisher="PRC Ministry of Commerce (MOFCOM); Ministry of Foreign Affairs (MFA)",
    kind='entities',
    homepage='https://www.mofcom.gov.cn/',
    formats_published=['HTML announcements'],
    licence='Official announcements; combined by third parties (ammitto/data-cn, xyna-bpinelab, EyeWarnYou)',
    attribution='Announcements of the PRC Ministry of Commerce and Ministry of Foreign Affairs',
    min_records=100,
    max_records=5000,
    mirror_dirs=['cn-mofcom'],
    notes='MFA countermeasure coverage is partial (some decisions name no English names). No file is '
          'downloaded by refresh.',
    nature='countermeasure',
    jurisdiction='CN',
    topics=['sanction.counter'],
    effect='Bars exports of Chinese dual-use items to the party and (per list) its trade and investment in China; '
           'binds exports from China and dealings with the party, not a Dutch or EU export licence.',
)

FORMATS: tuple[Format, ...] = (
    Format(name="combined-csv", primary="DERIVED_cn-designations-combined_*.csv", official=False,
           parse=cn_designations.parse),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
