"""DoD 1260H list of Chinese military companies — source declaration. Parsers for its formats are added in ``formats``."""

from __future__ import annotations

from exportcheck.sources.base import Format, OfficialFile, Source, SourceSpec

SPEC = SourceSpec(
    id='us-1260h',
    title='DoD 1260H list of Chinese military companies',
    publisher='US Department of Defense (War)',
    kind='entities',
    homepage='https://www.federalregister.gov/documents/2026/06/10/2026-11571',
    formats_published=['PDF', 'Federal Register notice'],
    licence='US Government work; transcription by OpenSanctions (CC BY-NC 4.0)',
    attribution='Section 1260H list, US Department of Defense; machine-readable transcription by OpenSanctions',
    min_records=40,
    max_records=2000,
    mirror_dirs=['us-1260h'],
    notes='Official only as PDF/Federal Register; the OpenSanctions transcription with start/end dates per edition is the machine-readable source.',
    downloads=[
        OfficialFile(name='sanctions.csv', url='https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/us/dod_chinese_milcorps/sanctions.csv')
    ],
)

FORMATS: tuple[Format, ...] = ()

SOURCE = Source(spec=SPEC, formats=FORMATS)
