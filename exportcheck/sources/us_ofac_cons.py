"""OFAC Consolidated (non-SDN) Sanctions List, incl. NS-CMIC — source declaration. Parsers: :mod:`exportcheck.formats.ofac_legacy_csv`, ``ofac_sdnlist_xml``, ``ofac_enhanced_xml``."""

from __future__ import annotations

from exportcheck.formats import ofac_enhanced_xml, ofac_legacy_csv, ofac_sdnlist_xml
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec, SubList

#: OFAC's non-SDN sub-lists by the ``list`` value its parsers give (:mod:`exportcheck.formats.ofac`):
#: NS-CMIC is a securities ban, not a sanction on dealings; the others take the source's nature.
SUB_LISTS = {
    "NS-CMIC": SubList(nature="red-flag", topics=["invest.ban"],
                       effect="OFAC NS-CMIC (EO 14032): bars US persons from buying the company's securities; "
                              "not an export ban."),
}

SPEC = SourceSpec(
    id='us-ofac-cons',
    title='OFAC Consolidated (non-SDN) Sanctions List, incl. NS-CMIC',
    publisher='US Treasury, Office of Foreign Assets Control',
    kind='entities',
    homepage='https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists',
    nature='sanctions',
    jurisdiction='US',
    topics=['sanction'],
    effect=("OFAC's non-SDN lists: restrictions specific to each sub-list (sectoral debt and equity, "
            'correspondent accounts, menu-based measures), no blocking; binds US persons; NS-CMIC is a securities'
            ' ban (declared per sub-list).'),
    sub_lists=SUB_LISTS,
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
    Format(name="ofac-legacy-csv", parse=ofac_legacy_csv.parse, primary="cons_prim*.csv",
           companions=("cons_add*.csv", "cons_alt*.csv", "cons_comments*.csv")),
    Format(name="ofac-sdnlist-xml", parse=ofac_sdnlist_xml.parse, primary="consolidated*.xml"),
    Format(name="ofac-enhanced-xml", parse=ofac_enhanced_xml.parse, primary="cons_enhanced*.zip",
               also_primary=("cons_enhanced*.xml",)),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
