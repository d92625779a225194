"""The table of legal facts: it loads, validates, and answers "which edition applied" the one way.

The expected answers below are pinned by hand from the table's sources (see each fact's note), so a
change of a date in ``timeline.yaml`` fails here until the pin is changed on purpose.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta

import pytest

from exportcheck import law
from exportcheck.errors import ConfigError
from tests.conftest import raw_file

#: The Annex I edition in force on each boundary day (the day before and the day of each in-force date),
#: by the number of the act that set it; None before Regulation (EU) 2021/821 applied.
PINNED: dict[str, str | None] = {
    "2021-09-08": None, "2021-09-09": "2021/821",
    "2022-01-06": "2021/821", "2022-01-07": "2022/1",
    "2023-01-11": "2022/1", "2023-01-12": "2023/66",
    "2023-05-25": "2023/66", "2023-05-26": "2023/996",
    "2023-11-15": "2023/996", "2023-11-16": "2023/2616",
    "2024-11-14": "2023/2616", "2024-11-15": "2024/2547",
    "2025-11-14": "2024/2547", "2025-11-15": "2025/2003",
}


def boundary_days() -> list[date]:
    """The day before and the day of every Annex I edition's in-force date, from the table."""
    return sorted({d for e in law.editions("eu") for d in (e.start - timedelta(days=1), e.start)})


def test_every_edition_boundary_is_pinned() -> None:
    assert [d.isoformat() for d in boundary_days()] == list(PINNED)


@pytest.mark.parametrize("day", list(PINNED))
def test_edition_in_force_on_each_boundary(day: str) -> None:
    edition = law.edition_in_force("eu", date.fromisoformat(day))
    expected = PINNED[day]
    if expected is None:
        assert edition is None
    else:
        assert edition is not None and act_number(edition.title) == expected


def act_number(title: str) -> str:
    """``2022/1`` from "Annex I as replaced by Commission Delegated Regulation (EU) 2022/1"."""
    found = re.findall(r"\(EU\) (\d{4}/\d+)", title)
    assert len(found) == 1, title
    return found[0]


def test_editions_follow_each_other_without_gap_or_overlap() -> None:
    eds = law.editions("eu")
    assert [e.fact.celex for e in eds] == ["32021R0821", "32022R0001", "32023R0066", "32023R0996", "32023R2616",
                                           "32024R2547", "32025R2003"]
    for older, newer in itertools.pairwise(eds):
        assert older.until == newer.start - timedelta(days=1)
    assert eds[-1].until is None


def test_periods_list_every_edition_they_touch() -> None:
    during = law.editions_during("eu", date(2023, 1, 1), date(2023, 12, 31))
    assert [e.fact.celex for e in during] == ["32022R0001", "32023R0066", "32023R0996", "32023R2616"]


def test_unconfirmed_facts_say_so_and_confirmed_ones_do_not() -> None:
    unconfirmed = law.fact("eu-annex-i-2022-1")
    assert not unconfirmed.confirmed and unconfirmed.label().endswith(law.UNCONFIRMED)
    assert unconfirmed.cite().endswith(law.UNCONFIRMED)
    confirmed = law.fact("eu-2021-821")
    assert confirmed.confirmed and law.UNCONFIRMED not in confirmed.label() + confirmed.cite()


def test_every_fact_says_where_its_date_comes_from() -> None:
    for f in law.facts():
        assert len(f.note) >= 10, f.key
        assert f.citation and f.title, f.key


def test_held_editions_match_the_held_files() -> None:
    """The 2025 edition's start is the consolidated version date the held JSON states about itself."""
    annex = json.loads(raw_file("eu-dual-use", "DERIVED_annex-I_02021R0821-20251115.json").read_text("utf-8"))
    edition = next(e for e in law.editions("eu") if annex["corpus_version"] in e.held)
    assert edition.start.isoformat() == annex["valid_from"]
    assert edition.confirmed


def test_eu001_countries_are_those_of_the_held_annex_ii() -> None:
    annex = json.loads(raw_file("eu-dual-use", "DERIVED_annex-I_02021R0821-20251115.json").read_text("utf-8"))
    title = next(g["title"] for g in annex["geas"] if g["id"] == "EU001").upper()
    names = {"AU": "AUSTRALIA", "CA": "CANADA", "CH": "SWITZERLAND", "IS": "ICELAND", "JP": "JAPAN",
             "LI": "LIECHTENSTEIN", "NO": "NORWAY", "NZ": "NEW ZEALAND", "GB": "UNITED KINGDOM", "US": "UNITED STATES"}
    countries = law.fact("eu-001").countries
    assert set(countries) == set(names) and all(names[c] in title for c in countries)
    assert "CHINA" not in title


def test_affiliates_rule_window() -> None:
    from exportcheck.claims import rules

    assert not rules.affiliates_rule_applies(date(2025, 9, 28))
    assert rules.affiliates_rule_applies(date(2025, 9, 29)) and rules.affiliates_rule_applies(date(2025, 11, 9))
    assert not rules.affiliates_rule_applies(date(2025, 11, 10)) and not rules.affiliates_rule_applies(date(2026, 11, 9))
    assert rules.affiliates_rule_applies(date(2026, 11, 10))  # the suspension's stated end; extension not known


def test_unknown_key_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="eu-2021-821"):
        law.fact("eu-no-such-act")


GOOD = """
facts:
- key: a-rule
  regime: eu
  title: A rule
  citation: OJ L 1
  start: 2020-01-01
  confirmed: false
  note: a note long enough
"""


@pytest.mark.parametrize(("text", "message"), [
    (GOOD + GOOD.split("facts:")[1], "duplicate key 'a-rule'"),
    (GOOD.replace("  start: 2020-01-01", "  start: 2020-01-01\n  end: 2019-01-01"), "is before start"),
    (GOOD.replace("  note: a note long enough\n", ""), "facts.0.note: Field required"),
    (GOOD.replace("  confirmed: false\n", ""), "facts.0.confirmed: Field required"),
    (GOOD.replace("  regime: eu", "  regime: eu\n  countries: [NO]"), "quote the country codes"),
    (GOOD.replace("  regime: eu", "  regime: eu\n  kind: edition"), "needs a series"),
    (GOOD.replace("  regime: eu", "  regime: eu\n  kind: edition\n  series: x\n  end: 2021-01-01"), "no end"),
    (GOOD.replace("  regime: eu", "  regime: eu\n  held: [v1]"), "for editions"),
    (GOOD.replace("  regime: eu", "  regime: eu\n  typo: 1"), "Extra inputs are not permitted"),
    ("facts: [", "not valid YAML"),
])
def test_a_bad_table_is_one_line_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        law.load_timeline(text)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_the_good_example_loads() -> None:
    assert law.load_timeline(GOOD).facts[0].start == date(2020, 1, 1)
