"""Batch screening at every scale gives the single-process rows: local worker processes, Dask, the CLI.

The input mixes real listed names (as written and with a dropped letter), real unlisted organisations
(the benchmark's negative names), a formula-like cell, an empty cell and a country column, so that
matches, near misses and empty rows all occur. Worker processes are real (spawned), and the Dask test
starts a real LocalCluster with two worker processes; each loads the index from the lists folder.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from exportcheck.matching import Screener, screen_frame
from exportcheck.matching.batch import BatchSpec, flat_rows, result_hash, run_chunks
from exportcheck.screenlog import read as read_log

REPO = Path(__file__).resolve().parents[2]
NEGATIVES = REPO / "exportcheck" / "bench" / "data" / "negative_names.txt"


@pytest.fixture(scope="module")
def names(real_entities: pd.DataFrame) -> pd.DataFrame:
    rng = random.Random(13)
    listed = rng.sample(sorted(set(real_entities["name"].dropna().astype(str))), 60)
    typos = [n[:len(n) // 2] + n[len(n) // 2 + 1:] for n in listed[:20]]
    unlisted = [line.strip() for line in NEGATIVES.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")][:30]
    column = [*listed, *typos, *unlisted, "=HYPERLINK(\"x\")", "", "CETC 14"]
    rng.shuffle(column)
    countries = [rng.choice(["CN", "RU", "", "NL"]) for _ in column]
    return pd.DataFrame({"name": column, "cc": countries})


@pytest.fixture(scope="module")
def single(names: pd.DataFrame, real_lists: Path) -> pd.DataFrame:
    """The single-process result (also writes the index cache the worker processes then load)."""
    return screen_frame(names, "name", country_column="cc", limit=3, lists_dir=real_lists)


def test_single_process_result_has_matches_misses_and_empty_rows(single: pd.DataFrame, names: pd.DataFrame) -> None:
    assert list(single["row"].drop_duplicates()) == list(range(len(names)))  # every input row, in order
    assert single["is_match"].sum() >= 40 and (~single["is_match"]).sum() >= 10
    assert (single["entity_id"] == "").any()  # input rows with no candidate keep one empty line


def test_local_workers_give_the_single_process_rows(names: pd.DataFrame, single: pd.DataFrame,
                                                    real_lists: Path) -> None:
    spec = BatchSpec(column="name", country_column="cc", limit=3, lists_dir=str(real_lists.resolve()))
    done = run_chunks(names, spec, workers=2, chunk_rows=25)
    assert [d.number for d in done] == list(range(5))
    # screened in worker processes (which of the two takes which chunk is the pool's business)
    assert all(d.pid != os.getpid() for d in done) and len({d.pid for d in done}) <= 2
    merged = pd.concat([d.frame for d in done if d.frame is not None], ignore_index=True)
    pd.testing.assert_frame_equal(merged, flat_rows(single, {}))
    here = run_chunks(names, spec, workers=1, chunk_rows=25)
    assert result_hash([d.sha256 for d in here]) == result_hash([d.sha256 for d in done])


def test_dask_cluster_gives_the_single_process_rows(names: pd.DataFrame, single: pd.DataFrame,
                                                    real_lists: Path) -> None:
    import dask.dataframe as dd  # the dask extra is part of dev
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        lazy = screen_frame(dd.from_pandas(names, npartitions=4), "name", country_column="cc", limit=3,
                            lists_dir=real_lists)
        assert not isinstance(lazy, pd.DataFrame)  # a dask DataFrame, screened on the workers
        result = lazy.compute().reset_index(drop=True)
        pd.testing.assert_frame_equal(result, single, check_dtype=False)
        workers = client.run(lambda: __import__("exportcheck.matching", fromlist=["_SCREENERS"])._SCREENERS)
        # one index per worker process, however many partitions it screened (the scheduler decides how many)
        assert len(workers) == 2 and all(len(cached) <= 1 for cached in workers.values())
        assert any(cached for cached in workers.values())
        # the CLI's path: the same chunks submitted to the scheduler by address
        spec = BatchSpec(column="name", country_column="cc", limit=3, lists_dir=str(real_lists.resolve()))
        done = run_chunks(names, spec, dask=cluster.scheduler_address, chunk_rows=40)
        merged = pd.concat([d.frame for d in done if d.frame is not None], ignore_index=True)
        pd.testing.assert_frame_equal(merged, flat_rows(single, {}), check_dtype=False)


def test_cli_workers_write_parquet_parts_equal_to_the_csv(names: pd.DataFrame, real_lists: Path, tmp_path: Path,
                                                          single: pd.DataFrame) -> None:
    source = tmp_path / "in"
    source.mkdir()
    names.iloc[:60].to_parquet(source / "a.parquet")  # a folder of Parquet files, read in name order
    names.iloc[60:].to_parquet(source / "b.parquet")
    folder = tmp_path / "out"
    base = [sys.executable, "-m", "exportcheck", "screen", "--file", str(source), "--column", "name",
            "--country-column", "cc", "--limit", "3", "--lists-dir", str(real_lists)]
    run = subprocess.run([*base, "--workers", "2", "--out", str(folder)], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert "names screened" in run.stderr and "Parquet parts" in run.stderr
    parts = sorted(folder.glob("part-*.parquet"))
    assert parts
    written = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    csv = subprocess.run([*base, "--workers", "1", "--json"], capture_output=True, text=True, cwd=REPO)
    assert csv.returncode == 0, csv.stderr
    as_json = pd.DataFrame(json.loads(csv.stdout))
    pd.testing.assert_frame_equal(written, as_json, check_dtype=False)
    expected = flat_rows(single, {})
    assert written["row"].tolist() == expected["row"].tolist()
    assert written["entity_id"].tolist() == expected["entity_id"].tolist()
    assert written["score"].tolist() == expected["score"].tolist()
    log = [line for line in read_log(real_lists) if line["command"] == "screen --file"][-2:]
    assert log[0]["result_sha256"] == log[1]["result_sha256"]  # the same result, whatever the number of workers
    assert log[0]["counts"] == log[1]["counts"] == {"rows": len(names), "matches": int(single["is_match"].sum())}


@pytest.mark.parametrize("args", [
    ["CETC", "--workers", "2"],  # no --file
    ["--file", "x.csv", "--column", "name", "--workers", "2", "--dask", "tcp://127.0.0.1:1"],
])
def test_cli_batch_options_need_a_file_and_one_scale(real_lists: Path, args: list[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "exportcheck", "screen", *args, "--lists-dir", str(real_lists)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 2 and run.stderr.startswith("error:") and "Traceback" not in run.stderr


def test_cli_refuses_a_non_empty_out_folder(names: pd.DataFrame, real_lists: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    names.iloc[:3].to_csv(source, index=False)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    run = subprocess.run([sys.executable, "-m", "exportcheck", "screen", "--file", str(source), "--column", "name",
                          "--out", str(tmp_path / "out"), "--lists-dir", str(real_lists)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 2 and "not an empty folder" in run.stderr
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"


def test_the_batch_benchmark_generates_listed_and_unlisted_names(screener: Screener) -> None:
    from exportcheck.bench.batch import generate

    frame = generate(screener, 400, seed=3)
    assert len(frame) == 400 and frame["listed"].sum() == 200 and frame["name"].str.len().min() > 0
    assert frame["name"].nunique() > 300  # generated, not one name repeated
    hit = {listed: sum(bool(screener.screen(n, limit=1)) and screener.screen(n, limit=1)[0].is_match
                       for n in frame.loc[frame["listed"] == listed, "name"].head(40))
           for listed in (True, False)}
    assert hit[True] >= 28 and hit[False] <= 4, hit  # the listed half is found, the unlisted half mostly is not
