"""Do speed changes keep every result? Record the matcher's answers on the bench queries once, then compare.

Why: a speed change to normalising, candidate search or scoring must not move a score or a ranking.
``record`` saves, for the first N shuffled hold-out queries of the matcher bench plus every negative
name, ``top_score`` (score and party) and the top 10 (entity, score) of ``screen``, and for the first
``--full`` of them every field of every result (``Match.model_dump``: explanation, related parties, citations,
...), from a second screener asked in another order (so a result does not depend on what was asked before);
``check`` recomputes them with the code at hand and lists every difference. The file holds derivatives of the lists: keep it
outside the repository (e.g. under /tmp).

``python -m exportcheck.bench._same_results record|check LISTS_DIR FILE [--n 10000] [--full 1000]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any


def answers(lists_dir: Path, n: int, full: int = 0) -> dict[str, Any]:
    """Every query's top score and its top-10 results, from an index built afresh (nothing read from a cache);
    the first ``full`` queries' results whole too (asked last to first of a fresh screener)."""
    from exportcheck.bench.matcher import holdout_queries, negative_names
    from exportcheck.matching.index import INDEX_COLUMNS, build_index
    from exportcheck.matching.lists import load_lists
    from exportcheck.matching.screener import Screener
    from exportcheck.store import SnapshotStore

    loaded = load_lists(SnapshotStore(lists_dir), columns=INDEX_COLUMNS)
    screener = Screener(build_index(loaded.entities, loaded.key))
    queries = [q for _, q, _ in holdout_queries(screener)]
    random.Random(1).shuffle(queries)
    queries = queries[:n] + negative_names()
    ids = screener.index.column("entity_id")
    out: dict[str, Any] = {}
    started = time.perf_counter()
    for q in queries:
        score, row = screener.top_score(q)
        top = [(m.entity_id, m.score) for m in screener.screen(q, limit=10)]
        out[q] = {"top_score": [repr(score), None if row is None else ids[row]], "top10": top}
    fresh = Screener(screener.index)
    for q in reversed(queries[:full]):
        out[q]["full"] = [m.model_dump(mode="json") for m in fresh.screen(q, limit=10)]
    print(f"{len(queries)} queries in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exportcheck.bench._same_results")
    parser.add_argument("action", choices=("record", "check"))
    parser.add_argument("lists", type=Path)
    parser.add_argument("file", type=Path)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--full", type=int, default=1_000, help="queries whose results are compared field by field")
    args = parser.parse_args(argv)
    found = json.loads(json.dumps(answers(args.lists, args.n, args.full)))  # tuples as lists, as stored
    if args.action == "record":
        args.file.write_text(json.dumps(found))
        print(f"recorded {len(found)} queries in {args.file}")
        return 0
    saved = json.loads(args.file.read_text())
    differ = [q for q in saved if found.get(q) != saved[q]]
    for q in differ[:20]:
        print(f"DIFFERS {q!r}\n  was {saved[q]}\n  now {found.get(q)}")
    print(f"{len(saved) - len(differ)} of {len(saved)} queries give the same answers; {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
