"""The screening log: one JSON line per screen, batch, watch check and verify.

Why: a newsroom must be able to show what it checked, when, against which snapshots and with which
version of the tool, and that the result it published is the one it got (the result hash). The log is
``<lists dir>/log/screening.jsonl``, appended to, never rewritten.

Writing the log never breaks the command that is logged; a failure is reported as a one-line warning
(so a missing log line is never silent).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from exportcheck.errors import InputError


def log_path(lists_dir: Path) -> Path:
    return lists_dir / "log" / "screening.jsonl"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    """The one file hash (refresh's file manifests use it too, through :mod:`exportcheck.http`); here, not
    there, so that logging a ``verify`` of a claims file does not import httpx."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def result_hash(result: Any) -> str:
    """A stable hash of a command's result (JSON with sorted keys)."""
    return sha256_text(json.dumps(result, sort_keys=True, ensure_ascii=False, default=str))


def append(lists_dir: Path, command: str, *, snapshots: Iterable[str], result: Any = None, query: str | None = None,
           input_file: Path | None = None, counts: dict[str, int] | None = None,
           result_sha256: str | None = None) -> str | None:
    """Append one line; return a warning text where it could not be written (None on success).

    ``result_sha256``: the result's hash computed by the caller, where the result is never in one piece
    (a batch screened in chunks by several processes hashes each chunk: :func:`exportcheck.matching.batch.result_hash`).
    """
    from exportcheck import __version__

    line: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "exportcheck": __version__,
        "snapshots": sorted(set(snapshots)),
        "result_sha256": result_sha256 or result_hash(result),
    }
    if query is not None:
        line["query"] = query
    if input_file is not None:
        line["input_file"] = str(input_file)
        # a folder of Parquet parts: the hash of its files' names and hashes, in name order
        line["input_sha256"] = (sha256_text("\n".join(f"{p.name} {sha256_file(p)}" for p in sorted(input_file.iterdir())
                                                      if p.is_file())) if input_file.is_dir()
                                else sha256_file(input_file))
    if counts:
        line["counts"] = counts
    path = log_path(lists_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError as exc:
        return f"the screening log could not be written ({path}: {exc.strerror or exc})"
    return None


def read(lists_dir: Path, since: date | None = None) -> list[dict[str, Any]]:
    """Every logged line (from ``since`` on), oldest first."""
    path = log_path(lists_dir)
    if not path.exists():
        return []
    lines = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} line {number}: not JSON ({exc})") from exc
        if since and str(row.get("at", ""))[:10] < since.isoformat():
            continue
        lines.append(row)
    return lines
