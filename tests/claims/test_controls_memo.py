"""The claims engine's control data: loaded once per lists folder and snapshot set, one copy per folder kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from exportcheck.claims import controls as claims_controls
from exportcheck.controls.data import CONTROL_SOURCES
from exportcheck.controls.precompute import CACHE_DIR
from exportcheck.store import SnapshotStore


def test_one_control_data_per_lists_folder_across_refreshes(tmp_path: Path, real_lists_dir: Path) -> None:
    folder = tmp_path / "lists"
    for sid in CONTROL_SOURCES:
        shutil.copytree(real_lists_dir / sid, folder / sid)
    shutil.copytree(real_lists_dir / CACHE_DIR, folder / CACHE_DIR)
    first = claims_controls.Controls(folder).data
    assert first is not None and first.derived is not None  # read from what the refresh precomputed
    assert claims_controls.Controls(folder).data is first  # a second run in the process reuses it

    # a new snapshot set in the same folder (here: the CCL's history dropped) is loaded afresh, and replaces the old
    index = SnapshotStore(folder).index("us-ccl")
    (folder / "us-ccl" / "versions.json").write_text(index.model_copy(update={"versions": []}).model_dump_json(),
                                                     encoding="utf-8")
    second = claims_controls.Controls(folder).data
    assert second is not None and second is not first
    assert set(second.entries.regime) == {"eu"}
    mine = [k for k in claims_controls._LOADED if k[0] == str(folder.resolve())]
    assert len(mine) == 1
