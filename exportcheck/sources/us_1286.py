"""DoD Section 1286 list: foreign institutions and talent programmes that restrict DoD research funding.

Official only as a PDF on the DoD Basic Research Office's page; the mirror holds the nsfreg project's
parse of the FY2024 list (public release V2): 134 entries, 143 aliases, no countries and no dates, so
entries carry no country and no listing date (inventing either would mislead an as-of check).
"""

from __future__ import annotations

from exportcheck.formats import nsfreg
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='us-1286',
    title='DoD Section 1286 list (foreign institutions of concern for research security)',
    publisher='US Department of Defense, Basic Research Office',
    kind='entities',
    homepage='https://basicresearch.defense.gov/Programs/Academic-Research-Security/',
    formats_published=['PDF'],
    licence='US Government work, public domain; machine-readable copy by phagehunter/nsfreg',
    attribution='Section 1286 List, US Department of Defense (FY2024, public release V2); parsed by nsfreg',
    min_records=60,
    max_records=1000,
    mirror_dirs=['us-1286'],
    notes='Official only as PDF; no file is downloaded by refresh. The nsfreg parse keeps no countries or dates.',
    nature='research-security',
    jurisdiction='US',
    topics=['export.risk'],
    effect='Restricts DoD funding of fundamental research with the named institutions and talent programmes '
           '(NDAA FY2019 s. 1286); no export licence effect.',
    list_label='DoD 1286',
)

FORMATS: tuple[Format, ...] = (
    # official=True: there is no machine-readable official file to prefer (the PDF is not parsed).
    Format(name="nsfreg-json", primary="DERIVED_dow-1286_*.json",
           parse=nsfreg.parser(nsfreg.ListShape('Organization', notes_are_licence_requirement=False, id_by_country=False))),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
