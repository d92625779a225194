"""The exceptions exportcheck raises, so callers can catch one root and the CLI can print one line.

    ExportcheckError                 root: every library error
    ├── ConfigError                  a setting or argument is unusable (bad path, unknown source id)
    ├── SourceError                  one source failed; the others go on, its last snapshot stays
    │   ├── FetchError               download failed (network, HTTP status, timeout, size cap, HTML page)
    │   ├── ParseError               a file could not be read in its declared format
    │   └── BoundsError              the parse yielded a record count outside the source's bounds
    ├── SnapshotError                the snapshot store is missing, damaged or has no such version
    └── InputError                   a user's file (claims, names to screen) is malformed

    RecordSkipped                    not an error of a run: a parser raises it for one unusable record
                                     (e.g. listed without a name), counts it in ``Parsed.warnings`` and
                                     goes on (formats.base.Skips)

Every class is exported from :mod:`exportcheck` and shows there (``__module__ = "exportcheck"``, as
httpx does), so tracebacks and ``repr`` name the public import path.
"""

from __future__ import annotations


class ExportcheckError(Exception):
    """Root of every exportcheck error; its message is one line meant for a user."""


class ConfigError(ExportcheckError):
    """A setting, path or argument cannot be used as given."""


class SourceError(ExportcheckError):
    """A source failed as a whole: refresh aborts that source and leaves its last snapshot alone."""

    def __init__(self, source_id: str, message: str) -> None:
        self.source_id = source_id
        super().__init__(f"{source_id}: {message}")


class FetchError(SourceError):
    """Downloading a source's file failed."""


class ParseError(SourceError):
    """A source file is truncated, malformed or not in the declared format.

    The message names the file and, where known, the line or element, so a user can look at it.
    """


class BoundsError(SourceError):
    """The parsed record count is outside the source's declared bounds (a truncated or wrong file)."""


class RecordSkipped(Exception):
    """Raised inside a parser for one record that cannot be used; the parser counts it in its warnings and goes on.

    Distinct from ParseError, which aborts the whole source (nomenklatura's Enrichment split).
    """


class SnapshotError(ExportcheckError):
    """The snapshot store has no usable snapshot, or the requested version does not exist."""


class InputError(ExportcheckError):
    """A file the user gave us (claims file, names to screen) is malformed; the message names the field."""


__all__ = ["BoundsError", "ConfigError", "ExportcheckError", "FetchError", "InputError", "ParseError", "RecordSkipped",
           "SnapshotError", "SourceError"]

for _name in __all__:
    globals()[_name].__module__ = "exportcheck"
