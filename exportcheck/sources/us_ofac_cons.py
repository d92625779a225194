"""OFAC Consolidated (non-SDN) Sanctions List, incl. NS-CMIC — source declaration. Parsers: :mod:`exportcheck.formats.ofac_legacy_csv`, ``ofac_sdnlist_xml``, ``ofac_enhanced_xml``."""

from __future__ import annotations

from exportcheck.formats import ofac_enhanced_xml, ofac_legacy_csv, ofac_sdnlist_xml
from exportcheck.sources._ofac_formats import GlobFormat
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-ofac-cons',
    title='OFAC Consolidated (non-SDN) Sanctions List, incl. NS-CMIC',
    publisher='US Treasury, Office of Foreign Assets Control',
    kind='entities',
    homepage='https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists',
    formats_published=['legacy CSV (cons_prim/add/alt/comments)', 'consolidated.xml', 'CONS_ENHANCED.XML', 'cons_advanced.xml'],
    licence='US Government work, public domain',
    attribution='Consolidated Sanctions List (Non-SDN Lists), OFAC, U.S. Department of the Treasury',
    min_records=100,
    max_records=20000,
    mirror_dirs=['us-ofac-sdn'],
    downloads=[
        OfficialFile(name='cons_prim.csv', url='https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv'),
        OfficialFile(name='cons_add.csv', url='https://www.treasury.gov/ofac/downloads/consolidated/cons_add.csv'),
        OfficialFile(name='cons_alt.csv', url='https://www.treasury.gov/ofac/downloads/consolidated/cons_alt.csv'),
        OfficialFile(name='cons_comments.csv', url='https://www.treasury.gov/ofac/downloads/consolidated/cons_comments.csv')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="ofac-legacy-csv", parse=ofac_legacy_csv.parse_cons, primary="cons_prim*.csv",
           companions=("cons_add*.csv", "cons_alt*.csv", "cons_comments*.csv")),
    Format(name="ofac-sdnlist-xml", parse=ofac_sdnlist_xml.parse_cons, primary="consolidated*.xml"),
    GlobFormat(name="ofac-enhanced-xml", parse=ofac_enhanced_xml.parse_cons, primary="cons_enhanced*.zip",
               also_primary=("cons_enhanced*.xml",)),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
