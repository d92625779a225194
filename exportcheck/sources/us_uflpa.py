"""UFLPA Entity List (DHS): entities whose goods are presumed made with forced labour on import into the US.

The official list is a web page; the mirror holds the nsfreg project's copy (148 entities, all in China,
each with the date it was added and the UFLPA section it was listed under).
"""

from __future__ import annotations

from exportcheck.formats import nsfreg
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='us-uflpa',
    title='UFLPA Entity List',
    publisher='US Department of Homeland Security, Forced Labor Enforcement Task Force',
    kind='entities',
    homepage='https://www.dhs.gov/uflpa-entity-list',
    formats_published=['HTML'],
    licence='US Government work, public domain; machine-readable copy by phagehunter/nsfreg',
    attribution='UFLPA Entity List, US Department of Homeland Security; copied by nsfreg',
    min_records=50,
    max_records=2000,
    country_bounds={'CN': (50, 2000)},
    mirror_dirs=['us-uflpa'],
    notes='Official only as a web page; no file is downloaded by refresh.',
    nature='import-restriction',
    jurisdiction='US',
    topics=['forced.labor'],
    effect='Rebuttable presumption that goods made wholly or partly by the entity are barred from import into '
           'the US (UFLPA s. 3); no export licence effect.',
    list_label='UFLPA Entity List',
)

FORMATS: tuple[Format, ...] = (
    Format(name="nsfreg-json", primary="DERIVED_dhs-uflpa_*.json",
           parse=nsfreg.parser(nsfreg.ListShape('Company', notes_are_licence_requirement=False, id_by_country=False))),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
