"""DoD 1260H list of Chinese military companies: the OpenSanctions transcription and the nsfreg JSON copy.

Official only as PDF / Federal Register notice; the OpenSanctions CSV (one row per listing period, with
start and end dates per edition) is the machine-readable source ``refresh`` downloads. The nsfreg
JSON holds 80 entries of the June 2026 edition only, so it is declared less full: on the same edition the
transcription is read (``same_edition_days``). Both give the same ids (a slug of the clean name).
"""

from __future__ import annotations

from exportcheck.formats import nsfreg, os_1260h
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-1260h',
    title='DoD 1260H list of Chinese military companies',
    publisher='US Department of Defense (War)',
    kind='entities',
    homepage='https://www.federalregister.gov/documents/2026/06/10/2026-11571',
    nature='red-flag',
    jurisdiction='US',
    topics=['mil'],
    effect=("DoD's designation of 'Chinese military companies' (NDAA FY2021 §1260H) restricts DoD procurement, "
            'not exports: a red flag relevant to what an exporter knew, never a licence trigger.'),
    list_label='1260H',
    formats_published=['PDF', 'Federal Register notice'],
    licence='US Government work; transcription by OpenSanctions (CC BY-NC 4.0)',
    attribution='Section 1260H list, US Department of Defense; machine-readable transcription by OpenSanctions',
    min_records=40,
    max_records=2000,
    # Every 1260H designation is a Chinese company (227 of 227 listing periods' entities, 2026-08-20).
    country_bounds={'CN': (40, 2000)},
    mirror_dirs=['us-1260h'],
    # The June 2026 edition is dated 2026-06-08 by the OpenSanctions transcription (DoD's release) and
    # 2026-06-10 by the nsfreg JSON (its Federal Register publication): one edition, two dates. Within a
    # week, the fuller transcription (every listing period, 376 current entries) is read, not the 80-entry copy.
    same_edition_days=7,
    notes='Official only as PDF/Federal Register; the OpenSanctions transcription with start/end dates per edition is the machine-readable source.',
    downloads=[
        OfficialFile(name='sanctions.csv', url='https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/us/dod_chinese_milcorps/sanctions.csv')
    ],
)

FORMATS: tuple[Format, ...] = (
    # official=True although it is a transcription: there is no machine-readable official file, and this
    # CSV is what ``refresh`` downloads (saved as sanctions.csv; the mirror copy is DERIVED_...milcorps...csv).
    Format(name="opensanctions-csv", parse=os_1260h.parse, primary="*sanctions*.csv", fullness=1),
    Format(name="nsfreg-json", primary="DERIVED_dow-1260h_*.json", official=False,
           parse=nsfreg.parser(nsfreg.ListShape("Company", notes_are_licence_requirement=False, id_by_country=False,
                                                date_from_effective_dates=True))),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
