"""trade.gov Consolidated Screening List: the official CSV and JSON, and a third party's compact JSON copy.

The official CSV is what ``refresh`` downloads; the official JSON has the same fields (arrays for the
multi-valued ones); ``DERIVED_csl-compact_*.json`` is the only 2026 copy on the mirror (fields trimmed).
"""

from __future__ import annotations

from exportcheck.formats import csl_compact, csl_csv, csl_json
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec, SubList

#: What each sub-list of the CSL is in law, by the ``list`` value the CSL parsers give its rows
#: (:func:`exportcheck.formats.csl.list_name`). A CSL row from the Entity List is an export-control
#: end-user listing, not a sanction; the CSL itself adds nothing to its sub-lists' effect.
_OFAC_BLOCKING = SubList(nature="sanctions", topics=["sanction"],
                         effect="OFAC SDN: US persons must block the party's property and may not deal with it.")
_OFAC_NON_SDN = SubList(nature="sanctions", topics=["sanction"],
                        effect="OFAC non-SDN list: sub-list-specific restrictions on US persons, no blocking.")
_EAR_END_USER = SubList(nature="export-control-end-user", topics=["export.control"],
                        effect="BIS end-user listing: a licence is needed for items subject to the EAR (15 CFR 744).")
SUB_LISTS = {
    "SDN": _OFAC_BLOCKING,
    "SSI": _OFAC_NON_SDN, "FSE": _OFAC_NON_SDN, "PLC": _OFAC_NON_SDN, "NS-PLC": _OFAC_NON_SDN,
    "CAPTA": _OFAC_NON_SDN, "NS-MBS": _OFAC_NON_SDN,
    "NS-CMIC": SubList(nature="red-flag", topics=["invest.ban"],
                       effect="OFAC NS-CMIC (EO 14032): bars US persons from buying the company's securities; "
                              "not an export ban."),
    "Entity List": _EAR_END_USER,
    "MEU": SubList(nature="export-control-end-user", topics=["export.control"],
                   effect="BIS MEU List: a licence is needed for items in Supp. No. 2 to part 744 (15 CFR 744.21)."),
    "UVL": SubList(nature="export-control-end-user", topics=["export.control"],
                   effect="BIS Unverified List: no licence exceptions and a UVL statement is needed (15 CFR 744.15)."),
    "DPL": SubList(nature="export-control-end-user", topics=["export.control"],
                   effect="BIS Denied Persons List: the party may not take part in any export subject to the EAR."),
    "DTC": SubList(nature="export-control-end-user", topics=["export.control", "debarment"],
                   effect="State AECA debarment: the party may not take part in exports of defence articles (ITAR)."),
    "ISN": SubList(nature="procurement", topics=["debarment"],
                   effect="State nonproliferation sanctions: measures differ per listing (mostly US procurement and "
                          "assistance bans); not an EU export ban."),
}

SPEC = SourceSpec(
    id='us-csl',
    title='Consolidated Screening List',
    publisher='US International Trade Administration (trade.gov)',
    kind='entities',
    homepage='https://www.trade.gov/consolidated-screening-list',
    nature='red-flag',
    jurisdiction='US',
    topics=['export.risk'],
    effect=("trade.gov's merger of US screening lists: a row has the legal effect of its sub-list (declared per "
            'sub-list); a sub-list not declared is only a red flag.'),
    sub_lists=SUB_LISTS,
    formats_published=['CSV', 'JSON', 'TSV'],
    licence='US Government work, public domain',
    attribution='Consolidated Screening List, International Trade Administration, U.S. Department of Commerce',
    min_records=5000,
    max_records=100000,
    # Chinese rows: 1,039 in the April 2022 CSV, 2,575 in the July 2026 copy.
    country_bounds={'CN': (500, 10000)},
    mirror_dirs=['us-csl'],
    downloads=[
        OfficialFile(name='consolidated.csv', url='https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="csl-csv", parse=csl_csv.parse, primary="consolidated*.csv*"),
    # No real consolidated.json is held here: tested on a fixture written in the documented shape.
    Format(name="csl-json", parse=csl_json.parse, primary="consolidated*.json", verified=False),
    # parser 2: address countries read to ISO-2 ("TURKIYE" -> TR), unread ones kept in remarks
    Format(name="csl-compact-json", parse=csl_compact.parse, primary="DERIVED_csl-compact_*.json", official=False,
           parser_version="2"),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
