"""Two dates that choose the same snapshots share one screener, but each call keeps its own notes.

The notes say how the chosen snapshots stand on the date asked (a list whose oldest copy is newer than
the date, listings kept unchecked for lack of dates); their text names that date. Screeners are kept
per snapshot set and shared, so notes set on the screener were read by whichever caller came next.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from exportcheck import Lists
from exportcheck.cli import app
from exportcheck.matching import dated_screener, get_screener, screen, screen_frame
from exportcheck.store import SnapshotStore

#: Both before the oldest snapshot of every entity list in the real mirror: each list's oldest copy is
#: chosen for either, so both dates stand on one snapshot set (checked below, not assumed).
EARLY, LATER = date(2012, 1, 1), date(2013, 6, 1)
QUERY = "China Electronics Technology Group Corporation 14th Research Institute"


def only_about(notes: list[str], day: date, other: date) -> bool:
    """The notes are those of ``day``: they name it (a list newer than it) and never the other date."""
    return (any(f"newer than {day}" in n for n in notes) and any(f"kept for {day} unchecked" in n for n in notes)
            and not any(str(other) in n for n in notes))


def test_two_dates_on_one_snapshot_set_keep_their_own_notes(real_lists_dir: Path) -> None:
    early = dated_screener(real_lists_dir, EARLY)
    later = dated_screener(real_lists_dir, LATER)
    assert later.screener is early.screener, "the two dates must choose one snapshot set (one shared screener)"
    assert get_screener(real_lists_dir, EARLY) is early.screener
    # asked in turn: the first caller's notes are still its own after the second call
    assert only_about(early.notes, EARLY, LATER), early.notes
    assert only_about(later.notes, LATER, EARLY), later.notes
    # the same notes but for the date they name
    assert [n.replace(str(EARLY), "DAY") for n in early.notes] == [n.replace(str(LATER), "DAY") for n in later.notes]
    assert not hasattr(early.screener, "notes"), "the shared screener holds nothing of one call"


def test_two_threads_asking_different_dates_each_get_their_own_notes(real_lists_dir: Path) -> None:
    dated_screener(real_lists_dir, EARLY)  # the index is built or mapped once, before the race
    start = threading.Barrier(2)

    def ask(day: date, other: date) -> list[str]:
        wrong = []
        for _ in range(25):
            start.wait(timeout=60)
            frame = screen(QUERY, as_of=day, lists_dir=real_lists_dir, limit=1)
            dated = dated_screener(real_lists_dir, day)
            for notes in (frame.attrs["notes"], dated.notes):
                if not only_about(notes, day, other):
                    wrong.append(f"{day}: {notes[:1]}")
        return wrong

    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(ask, EARLY, LATER), pool.submit(ask, LATER, EARLY)]
        assert [run.result(timeout=600) for run in runs] == [[], []]


def test_the_cli_json_carries_the_notes_of_its_own_date(real_lists_dir: Path) -> None:
    """In one process (the CLI runner), one date after the other: each answer names its date only."""
    answers = {}
    for day in (EARLY, LATER, EARLY):
        result = CliRunner().invoke(app, ["screen", QUERY, "--as-of", day.isoformat(), "--json",
                                          "--lists-dir", str(real_lists_dir)])
        assert result.exit_code == 0, result.output
        answers[day] = json.loads(result.stdout)
        assert answers[day]["as_of"] == day.isoformat()
        assert only_about(answers[day]["notes"], day, LATER if day == EARLY else EARLY), answers[day]["notes"]
    latest = CliRunner().invoke(app, ["screen", QUERY, "--json", "--lists-dir", str(real_lists_dir)])
    assert latest.exit_code == 0, latest.output
    assert not any(str(EARLY) in n or str(LATER) in n for n in json.loads(latest.stdout)["notes"])


def test_api_results_carry_the_notes_of_their_own_date(real_lists_dir: Path) -> None:
    store = SnapshotStore(real_lists_dir)
    early, later = Lists(store, as_of=EARLY), Lists(store, as_of=LATER)
    names = pd.DataFrame({"customer": [QUERY, "Stichting Nobody Here"]})
    first = early.screen(QUERY)
    frame_first = early.screen_frame(names, "customer")
    second = later.screen(QUERY)
    frame_second = later.screen_frame(names, "customer")
    for result in (first, frame_first):
        assert only_about(result.attrs["notes"], EARLY, LATER), result.attrs["notes"]
    for result in (second, frame_second):
        assert only_about(result.attrs["notes"], LATER, EARLY), result.attrs["notes"]
    assert set(frame_first["row"]) == {0, 1}
    assert screen_frame(names, "customer", lists_dir=real_lists_dir).attrs["notes"] == []  # latest: nothing to say
