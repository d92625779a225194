"""EU Regulation 833/2014 Annex IV (military end users) — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='eu-833-annex-iv',
    title='EU Regulation 833/2014 Annex IV (military end users)',
    publisher='Council of the European Union',
    kind='entities',
    homepage='https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02014R0833',
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

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
