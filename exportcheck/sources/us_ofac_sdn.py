"""OFAC Specially Designated Nationals and Blocked Persons List — source declaration. Parsers: :mod:`exportcheck.formats.ofac_legacy_csv`, ``ofac_sdnlist_xml``, ``ofac_enhanced_xml``, ``ofac_names_csv``."""

from __future__ import annotations

from exportcheck.formats import ofac_enhanced_xml, ofac_legacy_csv, ofac_names_csv, ofac_sdnlist_xml
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-ofac-sdn',
    title='OFAC Specially Designated Nationals and Blocked Persons List',
    publisher='US Treasury, Office of Foreign Assets Control',
    kind='entities',
    homepage='https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists',
    nature='sanctions',
    jurisdiction='US',
    topics=['sanction'],
    effect=("US persons must block the listed party's property and may not deal with it (31 CFR chapter V); binds"
            ' US persons and dealings with a US nexus, not an EU exporter as such.'),
    list_label='SDN',
    formats_published=['legacy CSV (sdn/add/alt/comments)', 'sdn.xml', 'SDN_ENHANCED.XML', 'sdn_advanced.xml'],
    licence='US Government work, public domain',
    attribution='Specially Designated Nationals List, OFAC, U.S. Department of the Treasury',
    min_records=5000,
    max_records=100000,
    mirror_dirs=['us-ofac-sdn'],
    downloads=[
        OfficialFile(name='sdn.csv', url='https://www.treasury.gov/ofac/downloads/sdn.csv'),
        OfficialFile(name='add.csv', url='https://www.treasury.gov/ofac/downloads/add.csv'),
        OfficialFile(name='alt.csv', url='https://www.treasury.gov/ofac/downloads/alt.csv'),
        OfficialFile(name='sdn_comments.csv', url='https://www.treasury.gov/ofac/downloads/sdn_comments.csv')
    ],
)

FORMATS: tuple[Format, ...] = (
    # sdn.csv as published, or sdn_<date>.csv in a mirror; never sdn_comments*.csv or cons_* files.
    Format(name="ofac-legacy-csv", parse=ofac_legacy_csv.parse, primary="sdn.csv",
               also_primary=("sdn_[0-9]*.csv",),
               companions=("add.csv", "add_*.csv", "alt.csv", "alt_*.csv", "sdn_comments*.csv")),
    # Verified on the same sdnList schema: consolidated.xml of 2018 and of 2025 (the namespace served since
    # 2024) are real files of it, read by this parser; no real sdn.xml is held here (over the mirror's size cap).
    Format(name="ofac-sdnlist-xml", parse=ofac_sdnlist_xml.parse, primary="sdn.xml",
           also_primary=("sdn_[0-9]*.xml",)),
    # Same schema as CONS_ENHANCED.XML, which is tested on a real file; no real SDN_ENHANCED here yet.
    Format(name="ofac-enhanced-xml", parse=ofac_enhanced_xml.parse, primary="sdn_enhanced*.zip",
               also_primary=("sdn_enhanced*.xml",), verified=False),
    # Third-party names-only copy (newest SDN data on this mirror); not what refresh downloads.
    Format(name="ofac-sdn-names-csv", parse=ofac_names_csv.parse, primary="derived_ofac-sdn-names_*.csv",
           companions=("derived_ofac-sdn-names_*.metadata.json",), official=False, country_bounds={}),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
