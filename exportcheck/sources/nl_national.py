"""Regeling geavanceerde productieapparatuur voor halfgeleiders (NL) — declaration and readable shapes.

Official shape: the Staatscourant XML (parser tested on a hand-written fixture only: not verified).
The mirror holds only page openings (``PAGES_*.txt``) without the annex; they are read into a
snapshot with no control entries and a warning saying the annex is not held (min_records=0 for
that shape, so refresh reports it instead of failing or skipping silently).
"""

from __future__ import annotations

from exportcheck.formats import nl_staatscourant
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='nl-national',
    title='Regeling geavanceerde productieapparatuur voor halfgeleiders (NL)',
    publisher='Ministerie van Buitenlandse Zaken (Staatscourant)',
    kind='controls',
    homepage='https://zoek.officielebekendmakingen.nl/stcrt-2023-18212.html',
    nature='export-control-items',
    jurisdiction='NL',
    topics=['export.control'],
    effect=('Exporting a listed advanced semiconductor item from the Netherlands needs a Dutch licence (national '
            'measure under Art. 9 of Regulation (EU) 2021/821).'),
    formats_published=['Staatscourant XML', 'HTML', 'PDF'],
    licence='Dutch government publication, public domain (Auteurswet art. 11)',
    attribution='Staatscourant 2023, 18212, as amended (Stcrt. 2024 BZ2404162; 2025)',
    min_records=3,
    max_records=500,
    mirror_dirs=['nl-national'],
    downloads=[
        OfficialFile(name='stcrt-2023-18212.xml', url='https://zoek.officielebekendmakingen.nl/stcrt-2023-18212.xml')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="staatscourant-xml", parse=nl_staatscourant.parse, primary="stcrt-*.xml", official=True, verified=False),
    # The real page openings hold no annex: they prove nothing about parsing control entries, so the
    # source stays "not verified on a real file" until an official Staatscourant XML is parsed.
    Format(name="page-openings", parse=nl_staatscourant.parse_pages, primary="PAGES_*.txt", companions=("PAGES_*.txt",),
           official=False, verified=False, min_records=0),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
