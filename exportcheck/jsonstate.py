"""Small JSON state files in the lists folder (watchlist, reviewer decisions), written atomically.

Why atomic: a scheduled job and a person may both touch the lists folder; a reader must see either
the old file or the new one, never half of one. State lives beside the snapshots, so it survives a
refresh (which only adds snapshot folders) and travels with a committed lists folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from exportcheck.errors import InputError


def read_state(path: Path, default: Any) -> Any:
    """The JSON in ``path``, or ``default`` where the file does not exist yet."""
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: damaged state file ({exc}); fix or remove it") from exc


def write_state(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False, default=str)
            out.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
