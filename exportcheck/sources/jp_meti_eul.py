"""Japan's End User List (METI): foreign entities of WMD or conventional-weapons concern.

Verified on the XLSX of 2025-09-29 (in force 2025-10-09; 835 entries).

The PDF edition of 2025-01-31 (748 entries, no CW column) is NOT read by ``refresh``, on purpose. It is
parsed reliably by :func:`exportcheck.formats.meti_eul.parse_pdf` (rows must be numbered 1..N without a gap
or repeat; tested on the real file), but pdfplumber's layout analysis of its 29 pages costs ~10 s of CPU
(measured 9.7 s CPU / 58 s wall on this project's 2-core machine under a load of ~9, issue 14): about half
of the 20 s budget for parsing the whole mirror (``python -m exportcheck.bench parse``), for one edition
that lapsed on 2025-10-08. The profile is pdfminer's content-stream interpretation (about half) and
pdfplumber's per-cell character search (about a fifth): no table-finder setting removes the first. So
as-of checks read the September 2025 XLSX, whose entries carry no listing date: for an export before
2025-09-29 a hit says it was found only in a later edition. Declare
``Format(name="meti-pdf", primary="*end-user-list*.pdf", parse=meti_eul.parse_pdf)`` where the January 2025
edition is needed and the time is acceptable.
"""

from __future__ import annotations

from exportcheck.formats import meti_eul
from exportcheck.sources.base import Format, Source, SourceSpec

SPEC = SourceSpec(
    id='jp-meti-eul',
    title='End User List (外国ユーザーリスト)',
    publisher='Japan Ministry of Economy, Trade and Industry (METI), Security Export Control Policy Division',
    kind='entities',
    homepage='https://www.meti.go.jp/policy/anpo/law05.html',
    formats_published=['XLSX', 'PDF'],
    licence='Government of Japan Standard Terms of Use (compatible with CC BY 4.0)',
    attribution='End User List, Ministry of Economy, Trade and Industry, Japan',
    min_records=300,
    max_records=3000,
    country_bounds={'CN': (50, 1000), 'IR': (100, 1000), 'KP': (50, 1000), 'RU': (30, 1000)},
    mirror_dirs=['jp-meti-eul'],
    notes='The list is published as an attachment to METI notices; file names change with each edition.',
    nature='foreign-export-control',
    jurisdiction='JP',
    topics=['export.control'],
    effect='A Japanese exporter needs a METI licence (catch-all control) for exports to a listed end user unless '
           'the goods are clearly not for WMD or conventional-weapons use; binds Japanese exporters only.',
    list_label='METI End User List',
)

FORMATS: tuple[Format, ...] = (
    Format(name="meti-xlsx", primary="*end-user-list*.xlsx",
           parse=meti_eul.parse),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
