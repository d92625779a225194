"""Country names inside organisation names: "Huawei Technologies (New Zealand) Co." is a subsidiary.

Why: groups list their country companies one by one ("Banco Santander México", "Huawei Technologies
(New Zealand) Company Limited"), and a query that names no country means the group's own company.
A country written in one name and not the other lowers the score a little (the exact party then ranks
first); two different countries lower it more (Bowne Global Solutions Sweden is not Bowne Global
Solutions Finland). See :data:`exportcheck.matching.score.PLACE_ONE_SIDED`.

The names are rigour's territory table (every current country, in English, normalised the way
names are), so the list is maintained upstream, not here.
"""

from __future__ import annotations

from functools import cache

# China's provinces and autonomous regions: country companies of Chinese groups are named by them
# ("Hikvision (Guangdong)"), and the lists' aliases sometimes hold a region alone ("Inner Mongolia").
CHINESE_REGIONS = (
    "anhui", "fujian", "gansu", "guangdong", "guangxi", "guizhou", "hainan", "hebei", "heilongjiang", "henan",
    "hubei", "hunan", "inner mongolia", "jiangsu", "jiangxi", "jilin", "liaoning", "ningxia", "qinghai", "shaanxi",
    "shandong", "shanxi", "sichuan", "tibet", "xinjiang", "yunnan", "zhejiang",
)


def is_place(tokens: list[str] | tuple[str, ...]) -> bool:
    """Whether the whole name is a place ("Hong Kong", "Inner Mongolia"): never a party's distinctive name."""
    return tuple(tokens) in place_names()


@cache
def place_names() -> frozenset[tuple[str, ...]]:
    """Every country's name as normalised tokens ("new", "zealand"), plus the forms the lists abbreviate."""
    from rigour.territories import get_territories

    from exportcheck.matching.normalise import normalise

    names: set[tuple[str, ...]] = {("uk",), ("us",), ("hong", "kong"), ("macau",), ("macao",), ("taiwan",)}
    names.update(tuple(p.split()) for p in CHINESE_REGIONS)
    for territory in get_territories():
        if not territory.is_country or territory.is_historical:
            continue
        tokens = tuple(normalise(territory.name).split())
        if 0 < len(tokens) <= 3 and not any(t.startswith("#") for t in tokens):
            names.add(tokens)
    return frozenset(names)


@cache
def place_words() -> frozenset[str]:
    """Every word of every place name: a name with none of them names no place (the fast path)."""
    return frozenset(word for name in place_names() for word in name)


def places_in(tokens: list[str] | tuple[str, ...], skip_first: bool = True) -> set[tuple[str, ...]]:
    """The country names written in ``tokens``; a country that opens the name ("China Railway") is its
    name, not a qualifier, and is skipped."""
    if place_words().isdisjoint(tokens[1 if skip_first else 0:]):
        return set()
    known = place_names()
    found: set[tuple[str, ...]] = set()
    for start in range(1 if skip_first else 0, len(tokens)):
        for size in (3, 2, 1):
            run = tuple(tokens[start:start + size])
            if len(run) == size and run in known:
                found.add(run)
                break
    return found

