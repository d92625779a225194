"""exportcheck: check company export statements against public control and sanctions lists.

The public API is what ``__all__`` lists; everything else may change between releases.

The exceptions are imported here (they are light); ``Lists``, ``load`` and ``refresh_lists`` are
resolved on first use (PEP 562 module ``__getattr__``), because they pull in pandas, pyarrow and
the claims engine, and ``exportcheck --help`` must not wait for them.
"""

import typing

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

if typing.TYPE_CHECKING:
    from exportcheck.api import Lists, load, refresh_lists

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

_LAZY = {"Lists", "load", "refresh_lists"}


def __getattr__(name: str) -> object:
    """The heavy part of the public API, imported from :mod:`exportcheck.api` on first access."""
    if name in _LAZY:
        from exportcheck import api

        value = getattr(api, name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
