"""The legacy CSV set (2025-12) and the enhanced XML (2025-01-10) of the consolidated list describe the
same entries in two shapes; where both hold an entry, the parsers must agree on what does not change
between editions. This is the evidence behind reading alt.csv names as strong and remark names as weak.
"""

from __future__ import annotations

import pytest

from exportcheck.model import Entity
from exportcheck.sources import get_source
from tests.conftest import raw_file

CONS = ["cons_prim_2025-12.csv", "cons_add_2025-12.csv", "cons_alt_2025-12.csv", "cons_comments_2025-12.csv"]


@pytest.fixture(scope="module")
def pairs() -> list[tuple[Entity, Entity]]:
    legacy = {e.raw_id: e for e in get_source("us-ofac-cons").format("ofac-legacy-csv").read([raw_file("us-ofac-sdn", n) for n in CONS]).records
              if isinstance(e, Entity)}
    enhanced = get_source("us-ofac-cons").format("ofac-enhanced-xml").read([raw_file("us-ofac-sdn", "CONS_ENHANCED_2025-01-10.ZIP")]).records
    found = [(legacy[e.raw_id], e) for e in enhanced if isinstance(e, Entity) and e.raw_id in legacy]
    assert len(found) > 400
    return found


def test_alias_quality_agrees(pairs: list[tuple[Entity, Entity]]) -> None:
    compared = 0
    for old, new in pairs:
        quality = {a.name: a.quality for a in new.aliases if a.type != "original-script"}
        for alias in old.aliases:
            if alias.name in quality:
                compared += 1
                assert alias.quality == quality[alias.name], (old.raw_id, alias.name)
    assert compared > 1000


def test_cmic_entries_agree(pairs: list[tuple[Entity, Entity]]) -> None:
    cmic = [(old, new) for old, new in pairs if new.list == "NS-CMIC"]
    assert len(cmic) == 68
    for old, new in cmic:
        assert (old.list, old.listing_date, old.schema_) == (new.list, new.listing_date, new.schema_)


def test_sub_lists_agree_except_where_the_legacy_shape_cannot_tell(pairs: list[tuple[Entity, Entity]]) -> None:
    differ = [(old.raw_id, old.list, new.list) for old, new in pairs if old.list != new.list]
    assert differ == []
    # the legacy shapes cannot see SDN membership; the enhanced XML flags it
    assert sum("also-listed:SDN" in new.flags for _, new in pairs) > 50
