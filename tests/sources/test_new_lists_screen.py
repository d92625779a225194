"""The new lists after a refresh of the real mirror: listed by ``exportcheck sources`` and found by ``screen``
under their listed spellings, including Chinese and Japanese names (examples picked from the files)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exportcheck.matching import screen_matches
from exportcheck.store import SnapshotStore
from tests.conftest import REPO

NEW = {  # source → (records, data date) in the mirror's files
    "us-1286": (134, "2026-07-09"), "us-uflpa": (148, "2026-07-09"), "us-fcc-covered": (13, "2026-07-09"),
    "us-state-nonproliferation": (528, "2026-07-09"), "jp-meti-eul": (835, "2025-09-29"),
    "cn-mofcom": (417, "2026-08-05"),
}
#: (source, the spelling screened, the entry's name in the list). Spellings are copied from the files.
SPELLINGS = [
    ("us-1286", "Beijing Academy of Quantum Information Sciences", "Beijing Academy of Quantum Information Sciences"),
    ("us-1286", "Beihang University", "Beijing University of Aeronautics and Astronautics"),
    ("us-uflpa", "Hotan Haolin Hair Accessories", "Hetian Haolin Hair Accessories Co. Ltd"),
    ("us-uflpa", "Baoding LYSZD Trade and Business Co., Ltd", "Baoding LYSZD Trade and Business Co., Ltd"),
    ("jp-meti-eul", "中国電子科技集団公司第十研究所",
     "10th Research Institute of China Electronic Technology Group Corporation (CETC)"),
    ("jp-meti-eul", "鴨緑江開発銀行", "Amroggang Development Banking Corporation"),
    ("jp-meti-eul", "セソン技術貿易", "セソン技術貿易"),
    ("jp-meti-eul", "Southwest Institute of Electronic Technology",
     "10th Research Institute of China Electronic Technology Group Corporation (CETC)"),
    ("cn-mofcom", "洛克希德·马丁导弹与火控公司", "Lockheed Martin Missiles and Fire Control"),
    ("cn-mofcom", "通用动力公司", "General Dynamics"),
    ("cn-mofcom", "L3 Harris Technologies", "L3 Harris Technologies"),
]


def test_sources_lists_the_new_lists_with_snapshots(real_lists_dir: Path) -> None:
    def sources(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "exportcheck", "sources", *extra, "--lists-dir",
                               str(real_lists_dir)], capture_output=True, text=True, cwd=REPO, check=False,
                              env={**os.environ, "COLUMNS": "200"})

    listed = {row["id"]: row for row in json.loads(sources("--json").stdout)}
    table = sources().stdout
    store = SnapshotStore(real_lists_dir)
    for source_id, (records, data_date) in NEW.items():
        snap = listed[source_id]["snapshot"]
        assert (snap["records"], snap["data_date"]) == (records, data_date)
        assert snap["verified_on_real_file"] and source_id in table
        latest = store.latest(source_id)
        assert latest is not None and latest.meta.record_count == records


@pytest.mark.parametrize("source_id, spelling, listed", SPELLINGS)
def test_screen_finds_the_listed_spelling(real_lists_dir: Path, source_id: str, spelling: str, listed: str) -> None:
    matches = screen_matches(spelling, lists_dir=real_lists_dir, limit=20)
    hits = [m for m in matches if m.source == source_id and m.is_match and m.name == listed]
    assert hits, [(m.source, m.name, m.score) for m in matches[:5]]
    assert hits[0].score >= 0.95


def test_cli_screen_of_a_chinese_name(real_lists_dir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "exportcheck", "screen", "通用动力公司", "--json",
                             "--lists-dir", str(real_lists_dir)], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)["matches"]
    assert any(m["source"] == "cn-mofcom" and m["name"] == "General Dynamics" and m["is_match"] for m in found)
