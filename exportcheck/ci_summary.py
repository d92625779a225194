"""The change summary of a scheduled refresh: a commit message, per-source diffs, and a pass/fail verdict.

Used by ``.github/workflows/refresh.yml``; it reads what ``exportcheck refresh --json`` printed (one
outcome per source or dated file) and, for every source that published a new snapshot, the same
diff ``exportcheck diff SOURCE --to VERSION --json`` prints. Why a module rather than shell in the
workflow: the summary is tested like the rest of the code and runs the same on a laptop::

    exportcheck refresh --json > outcomes.json; python -m exportcheck.ci_summary outcomes.json \\
        --message commit-message.txt --diff-dir summary
    python -m exportcheck.ci_summary outcomes.json --check   # exit 1 when a source failed
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exportcheck.diff import diff_source
from exportcheck.errors import ExportcheckError
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore

#: Names listed per section in the commit message; the full lists are in the diff JSON artifacts.
NAMES_SHOWN = 10


def read_outcomes(path: Path) -> list[dict[str, Any]] | None:
    """The outcomes ``refresh --json`` wrote, or ``None`` when it wrote none (it stopped on a bad argument)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else None


def _names(label: str, items: list[dict[str, Any]]) -> list[str]:
    if not items:
        return []
    shown = ", ".join(str(i["name"]) for i in items[:NAMES_SHOWN])
    more = f" … and {len(items) - NAMES_SHOWN} more" if len(items) > NAMES_SHOWN else ""
    return [f"  {label}: {shown}{more}"]


def summarise(outcomes: list[dict[str, Any]] | None, store: SnapshotStore,
              diff_dir: Path | None = None, today: str | None = None) -> str:
    """A commit message: a title line with counts, then one block per published or failed source."""
    day = today or datetime.now(UTC).date().isoformat()
    if outcomes is None:
        return f"Refresh lists {day}: refresh did not run\n\nSee the workflow log."
    counts = Counter(o["status"] for o in outcomes)
    title = (f"Refresh lists {day}: {counts['published']} published, {counts['unchanged']} unchanged, "
             f"{counts['failed']} failed")
    body: list[str] = []
    for o in outcomes:
        if o["status"] != "published":
            continue
        try:
            diff = diff_source(store, o["source"], to_version=o["version"])
        except ExportcheckError:  # the first snapshot of a source: nothing to compare with
            body.append(f"{o['source']}: first snapshot {o['version']}, {o['records']} records")
            continue
        data = diff.to_dict()
        if diff_dir is not None:
            diff_dir.mkdir(parents=True, exist_ok=True)
            (diff_dir / f"diff-{o['source']}-{o['version']}.json").write_text(
                json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        body.append(diff.summary() + f" ({o['records']} records)")
        body += _names("added", data["added"]) + _names("removed", data["removed"]) + _names("changed", data["changed"])
    for o in outcomes:
        if o["status"] == "failed":
            body.append(f"FAILED {o['source']}: {o['message']} (previous snapshot kept)")
    return title + ("\n\n" + "\n".join(body) if body else "")


def failures(outcomes: list[dict[str, Any]] | None) -> list[str]:
    """One line per failed source; a refresh that wrote no outcomes is a failure too."""
    if outcomes is None:
        return ["refresh did not run (no outcomes written)"]
    return [f"{o['source']}: {o['message']}" for o in outcomes if o["status"] == "failed"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exportcheck.ci_summary", description=__doc__.splitlines()[0])
    parser.add_argument("outcomes", type=Path, help="JSON written by `exportcheck refresh --json`")
    parser.add_argument("--lists-dir", type=Path, default=None)
    parser.add_argument("--message", type=Path, help="write the commit message here (default: stdout)")
    parser.add_argument("--diff-dir", type=Path, help="write each published source's diff JSON here")
    parser.add_argument("--check", action="store_true",
                        help="print a GitHub error annotation per failed source and exit 1 if any failed")
    args = parser.parse_args(argv)
    outcomes = read_outcomes(args.outcomes)
    if args.check:
        failed = failures(outcomes)
        for line in failed:
            print(f"::error title=refresh failed::{line}")
        return 1 if failed else 0
    message = summarise(outcomes, SnapshotStore(get_settings(args.lists_dir).lists_dir), args.diff_dir)
    if args.message:
        args.message.write_text(message + "\n", encoding="utf-8")
    else:
        sys.stdout.write(message + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
