"""State Department nonproliferation sanctions (INKSNA, EO 12938, EO 13382, CBW Act, missile laws, ...).

The official list is a PDF table ("Nonproliferation Sanctions", updated May 2025); the mirror holds the
nsfreg project's parse of it: 528 parties, each with every sanction imposed on it (authority, imposition
date, status, Federal Register citation). Many are time-limited (two years under INKSNA and the missile
laws): each sanction is a row of the ``measures`` table and an entity's ``end_date`` is set once none is
in force, so as-of checks see lapsed sanctions as lapsed.
"""

from __future__ import annotations

from exportcheck.formats import state_nonproliferation
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='us-state-nonproliferation',
    title='US State Department nonproliferation sanctions',
    publisher='US Department of State, Bureau of International Security and Nonproliferation',
    kind='entities',
    homepage='https://www.state.gov/key-topics-bureau-of-international-security-and-nonproliferation/'
             'nonproliferation-sanctions/',
    formats_published=['PDF', 'Federal Register notices'],
    licence='US Government work, public domain; machine-readable copy by phagehunter/nsfreg',
    attribution='Nonproliferation Sanctions, US Department of State (May 2025 table); parsed by nsfreg',
    min_records=200,
    max_records=5000,
    country_bounds={'CN': (50, 1000), 'IR': (30, 1000), 'RU': (30, 1000)},
    mirror_dirs=['us-state-nonproliferation'],
    notes='Official only as PDF / Federal Register; no file is downloaded by refresh.',
    nature='procurement',
    jurisdiction='US',
    topics=['sanction', 'debarment'],
    effect='US government procurement, assistance and (under some statutes) US export-licence bans on the '
           'party, each for its own term; binds the US government and US exports, not a Dutch or EU export.',
    list_label='State nonproliferation sanctions',
)

FORMATS: tuple[Format, ...] = (
    Format(name="nsfreg-json", primary="DERIVED_state-nonproliferation_*.json",
           parse=state_nonproliferation.parse),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
