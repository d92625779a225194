"""exportcheck: check company export statements against public control and sanctions lists.

The public API is what ``__all__`` lists; everything else may change between releases.
"""

from exportcheck.api import Lists, load, refresh_lists
from exportcheck.errors import (
    BoundsError,
    ConfigError,
    ExportcheckError,
    FetchError,
    InputError,
    ParseError,
    RecordSkipped,
    SnapshotError,
    SourceError,
)

__version__ = "0.1.0"

__all__ = [
    "BoundsError",
    "ConfigError",
    "ExportcheckError",
    "FetchError",
    "InputError",
    "Lists",
    "ParseError",
    "RecordSkipped",
    "SnapshotError",
    "SourceError",
    "__version__",
    "load",
    "refresh_lists",
]
