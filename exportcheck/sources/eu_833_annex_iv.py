"""EU Regulation 833/2014 Annex IV (military end users), from OpenSanctions' transcription of the OJ annexes.

The annex is published only as Official Journal text; the OpenSanctions consolidated CSV of 833/2014
(all annexes, one row per listing) is the machine-readable copy; this source reads its ``IV`` rows.
"""

from __future__ import annotations

from exportcheck.formats import os_eu_journal
from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='eu-833-annex-iv',
    title='EU Regulation 833/2014 Annex IV (military end users)',
    publisher='Council of the European Union',
    kind='entities',
    homepage='https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02014R0833',
    nature='export-control-end-user',
    jurisdiction='EU',
    topics=['export.control'],
    effect=('Authorisations to sell dual-use and advanced-technology items to the listed (mostly Russian) '
            'military end users are largely excluded (Regulation (EU) 833/2014, Art. 2 and 2a; derogations not '
            'confirmed here); binds exporters in the EU.'),
    list_label='EU 833/2014 Annex IV',
    formats_published=['Official Journal (HTML, PDF, Formex XML)'],
    licence='EUR-Lex reuse (CC BY 4.0); transcription by OpenSanctions',
    attribution='Council Regulation (EU) No 833/2014, Annex IV; transcription by OpenSanctions',
    min_records=100,
    max_records=5000,
    mirror_dirs=['eu-reg833-annexes'],
    downloads=[
        OfficialFile(name='32014R0833.csv', url='https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/eu/journal_sanctions/data/consolidated/32014R0833.csv')
    ],
)

FORMATS: tuple[Format, ...] = (
    Format(name="opensanctions-journal-csv", primary="*32014R0833*.csv", official=False,
           parse=os_eu_journal.parser("IV")),
)

SOURCE = Source(spec=SPEC, formats=FORMATS)
