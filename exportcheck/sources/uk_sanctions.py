"""UK sanctions: the FCDO UK Sanctions List XML and OFSI's Consolidated List (ConList) CSV/XLSX editions.

The FCDO XML is what ``refresh`` downloads (no real file is held on the mirror, so that format stays
"not verified"). OFSI's ConList is verified on five real editions (CSV 2014 and 2018, XLSX 2023 and
2025): the UK's history back to 2014, one party per OFSI Group ID. OFSI announced the closure of the
ConList in favour of the FCDO list in early 2026 (date unconfirmed here), so these files end in 2025.
"""

from __future__ import annotations

from exportcheck.formats import ofsi_conlist, uk_fcdo
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='uk-sanctions',
    title='UK Sanctions List',
    publisher='UK Foreign, Commonwealth & Development Office; HM Treasury OFSI (Consolidated List)',
    kind='entities',
    homepage='https://www.gov.uk/government/publications/the-uk-sanctions-list',
    nature='sanctions',
    jurisdiction='GB',
    topics=['sanction'],
    effect=('UK asset freezes and trade measures binding UK persons and conduct in the UK (SAMLA 2018); not '
            'binding on an EU exporter as such.'),
    list_label='UK Sanctions List',
    formats_published=['XML', 'CSV', 'ODS', 'HTML', 'OFSI ConList CSV/XLSX (until 2025)'],
    licence='Open Government Licence v3.0',
    attribution='UK Sanctions List, Foreign, Commonwealth & Development Office; Consolidated List of Financial '
                'Sanctions Targets, HM Treasury OFSI (OGL v3.0)',
    min_records=1000,
    max_records=50000,
    mirror_dirs=['uk-sanctions'],
    downloads=[
        OfficialFile(name='UK-Sanctions-List.xml', url='https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="uk-sanctions-xml", parse=uk_fcdo.parse, primary="*UK*Sanctions*List*.xml", verified=False),
    # A complete edition re-saved once in Excel by a third party (cell values untouched): same parser.
    Format(name="ofsi-conlist-xlsx-resaved", parse=ofsi_conlist.parse, primary="DERIVED_ofsi-conlist_*.xlsx",
           official=False),
    Format(name="ofsi-conlist-xlsx", parse=ofsi_conlist.parse, primary="*conlist*.xlsx"),
    Format(name="ofsi-conlist-csv", parse=ofsi_conlist.parse, primary="*conlist*.csv"),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
