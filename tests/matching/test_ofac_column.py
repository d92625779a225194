"""``screen --also ofac``: nomenklatura's OFAC score as an extra column, never instead of exportcheck's."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.matching.ofac import ofac_score

runner = CliRunner()


def test_ofac_score_is_nomenklaturas() -> None:
    from followthemoney import model
    from nomenklatura.matching import ALGORITHMS, ScoringConfig

    algorithm = next(a for a in ALGORITHMS if a.NAME == "ofac")
    a, b = model.make_entity("LegalEntity"), model.make_entity("LegalEntity")
    a.id, b.id = "x-a", "x-b"
    a.add("name", "Huawei Technologies Co Ltd")
    b.add("name", "Huawei Technologies (New Zealand) Company Limited")
    expected = float(algorithm.compare(a, b, ScoringConfig.defaults()).score)
    assert ofac_score("Huawei Technologies Co Ltd", "Huawei Technologies (New Zealand) Company Limited") == round(
        expected, 4)
    assert 0.0 < expected < 1.0  # OFAC's method scores the subsidiary as a near match; ours ranks it lower


def test_single_name_gets_the_column_and_keeps_its_own_score(real_lists: Path) -> None:
    args = ["screen", "Huawei Technologies Company Ltd.", "--json", "--limit", "5", "--lists-dir", str(real_lists)]
    plain = runner.invoke(app, args)
    also = runner.invoke(app, [*args, "--also", "ofac"])
    assert plain.exit_code == 0 and also.exit_code == 0, also.output
    before, after = json.loads(plain.stdout)["matches"], json.loads(also.stdout)["matches"]
    assert [m["score"] for m in before] == [m["score"] for m in after]
    assert [m["is_match"] for m in before] == [m["is_match"] for m in after]
    assert all("ofac_score" not in m for m in before)
    for m in after:
        assert m["ofac_score"] == ofac_score("Huawei Technologies Company Ltd.", m["matched_name"])
        assert 0.0 <= m["ofac_score"] <= 1.0
    table = runner.invoke(app, [*args[:2], "--limit", "2", "--lists-dir", str(real_lists), "--also", "ofac"])
    assert table.exit_code == 0 and "ofac" in table.stdout


def test_batch_gets_the_column_beside_the_score(real_lists: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    pd.DataFrame({"party": ["CETC 14", "Siemens AG"]}).to_csv(names, index=False)
    done = runner.invoke(app, ["screen", "--file", str(names), "--column", "party", "--limit", "2",
                               "--lists-dir", str(real_lists), "--also", "ofac"])
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)
    columns = list(frame.columns)
    assert columns.index("ofac_score") == columns.index("score") + 1
    scored = frame[frame["matched_name"] != ""]
    assert len(scored) >= 1
    for _, row in scored.iterrows():
        assert float(row["ofac_score"]) == ofac_score(row["query"], row["matched_name"])


def test_unknown_score_is_one_line_error(real_lists: Path) -> None:
    done = runner.invoke(app, ["screen", "CETC", "--also", "soundex", "--lists-dir", str(real_lists)])
    assert done.exit_code != 0
    assert "unknown score" in done.output and "Traceback" not in done.output


def test_missing_extra_is_one_line_error(tmp_path: Path) -> None:
    """Without nomenklatura (blocked in a fresh interpreter) the CLI says what to install, no traceback."""
    code = ("import sys; sys.modules['nomenklatura'] = None; from exportcheck.cli import main; "
            f"sys.argv = ['exportcheck', 'screen', 'CETC', '--also', 'ofac', '--lists-dir', {str(tmp_path)!r}]; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    output = (done.stdout + done.stderr).strip()
    assert "pip install 'exportcheck[ofac]'" in output and "Traceback" not in output
    assert len(output.splitlines()) == 1, output
