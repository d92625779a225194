"""Entity List (15 CFR 744 Supp. No. 4): the official eCFR XML of part 744 and the nsfreg JSON copy.

The eCFR XML is what ``refresh`` downloads (not verified on a real file: none is held here); the
mirror holds only the nsfreg copy ``DERIVED_entity-list_part744-supp4_*.json`` (official=False).
"""

from __future__ import annotations

from exportcheck.formats import ecfr_744, nsfreg
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-entity-list',
    title='Entity List (15 CFR 744 Supp. No. 4)',
    publisher='US Bureau of Industry and Security',
    kind='entities',
    homepage='https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/appendix-Supplement%20No.%204%20to%20Part%20744',
    nature='export-control-end-user',
    jurisdiction='US',
    topics=['export.control'],
    effect=('A BIS licence is needed to export, reexport or transfer items subject to the EAR to the listed '
            "party, per the entry's licence requirement and review policy (15 CFR 744.11); binds only items "
            'subject to the EAR.'),
    list_label='Entity List',
    formats_published=['eCFR XML', 'HTML'],
    licence='US Government work, public domain',
    attribution='Code of Federal Regulations, 15 CFR part 744 Supplement No. 4, via eCFR',
    min_records=1000,
    max_records=20000,
    # China is where the list matters most here: 1,106 CN entries in the 2026-07-09 copy.
    country_bounds={'CN': (700, 5000)},
    mirror_dirs=['us-ear'],
    downloads=[
        OfficialFile(name='title-15-part-744.xml', url='https://www.ecfr.gov/api/versioner/v1/full/current/title-15.xml?part=744')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="ecfr-xml", parse=ecfr_744.parser(supplement=4), primary="title-15-part-744*.xml", verified=False),
    Format(name="nsfreg-json", primary="DERIVED_entity-list_part744-supp4_*.json", official=False,
           parse=nsfreg.parser(nsfreg.ListShape('LegalEntity', notes_are_licence_requirement=True, id_by_country=True))),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
