"""ASPI's China Defence Universities Tracker: research, not law.

The tracker (unitracker.aspi.org.au) rates Chinese universities and institutes by their defence links.
The mirror holds the MISP galaxy copy scraped in August 2020: 159 institutions with Chinese names,
298 defence laboratories and 153 subsidiaries (each its own entity with ``parent_name``); ASPI's risk
ratings are not in it.

Declared with the nature ``research``: no government designated anyone, so a hit is a red flag relevant to
awareness and never "being listed"; the claims engine never lets it contradict a claim, and its 2020 copy
never makes a claim undetermined for lack of a snapshot dated near the export (issue 14).
"""

from __future__ import annotations

from exportcheck.formats import aspi_unitracker
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='aspi-unitracker',
    title='ASPI China Defence Universities Tracker',
    publisher='Australian Strategic Policy Institute, International Cyber Policy Centre',
    kind='entities',
    homepage='https://unitracker.aspi.org.au',
    formats_published=['HTML'],
    licence='MISP galaxy copy: CC0 1.0 / BSD-2-Clause',
    attribution='China Defence Universities Tracker, ASPI International Cyber Policy Centre; via MISP galaxy',
    min_records=150,
    max_records=5000,
    country_bounds={'CN': (150, 5000)},
    mirror_dirs=['aspi-unitracker'],
    notes='Research by a think tank: a red flag relevant to awareness, never a listing.',
    nature='research',
    jurisdiction='AU',
    topics=['mil', 'export.risk'],
    effect='No legal effect: research on Chinese institutions\' military links, relevant to what an exporter knew.',
    list_label='ASPI China Defence Universities Tracker',
)

FORMATS: tuple[Format, ...] = (
    Format(name="misp-galaxy-json", primary="DERIVED_misp-galaxy_china-defence-universities_*.json", official=False,
           parse=aspi_unitracker.parse),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
