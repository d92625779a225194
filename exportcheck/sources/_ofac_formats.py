"""File-name rules for OFAC's mirror files, shared by ``us-ofac-sdn`` and ``us-ofac-cons``.

Why a Format subclass: OFAC names the SDN primary ``sdn.csv`` and its comments file
``sdn_comments.csv``, so no single glob matches ``sdn.csv`` and ``sdn_2024-05-03.csv`` but not
``sdn_comments_2025-12.csv``. :class:`GlobFormat` takes several primary globs and exclusions; it is
otherwise a plain :class:`~exportcheck.sources.base.Format` for the refresh framework.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from exportcheck.sources.base import Format


@dataclass(frozen=True)
class GlobFormat(Format):
    """A format whose primary file matches ``primary`` or any of ``also_primary``, minus ``exclude``."""

    also_primary: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def matches_primary(self, name: str) -> bool:
        lowered = name.lower()
        if any(fnmatch.fnmatch(lowered, pat.lower()) for pat in self.exclude):
            return False
        return any(fnmatch.fnmatch(lowered, pat.lower()) for pat in (self.primary, *self.also_primary))
