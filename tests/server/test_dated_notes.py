"""The server's ``/screen`` answers carry the notes of the date asked, whichever date was asked before.

Two dates before every list's oldest snapshot choose one snapshot set, so the server screens both with
one shared screener; the notes (which name the date) must still be each request's own.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.server.support import Server

EARLY, LATER = "2012-01-01", "2013-06-01"


def notes_of(server: Server, day: str | None, name: str = "Rosneft") -> list[str]:
    with server.client() as http:
        answer = http.get("/screen", params={"q": name, **({"as_of": day} if day else {})})
    assert answer.status_code == 200, answer.text
    notes: list[str] = answer.json()["notes"]
    return notes


def test_screen_answers_carry_the_notes_of_their_own_date(server: Server) -> None:
    for day, other in ((EARLY, LATER), (LATER, EARLY), (EARLY, LATER)):
        notes = notes_of(server, day)
        assert any(f"newer than {day}" in n for n in notes) and not any(other in n for n in notes), notes
    assert notes_of(server, None) == []  # the latest lists: nothing to say about a date
    # asked at once from several threads (new names each, so none is answered from the cache)
    with ThreadPoolExecutor(4) as pool:
        asks = [(day, pool.submit(notes_of, server, day, f"Rosneft {i}")) for i in range(8) for day in (EARLY, LATER)]
        for day, ask in asks:
            other = LATER if day == EARLY else EARLY
            notes = ask.result(timeout=300)
            assert any(f"newer than {day}" in n for n in notes) and not any(other in n for n in notes), (day, notes)
