"""Country names inside organisation names: "Huawei Technologies (New Zealand) Co." is a subsidiary.

Why: groups list their country companies one by one ("Banco Santander México", "Huawei Technologies
(New Zealand) Company Limited"), and a query that names no country means the group's own company.
A country written in the listed name and not in the query lowers the score a little (the exact party
then ranks first); two different countries lower it more (Bowne Global Solutions Sweden is not Bowne
Global Solutions Finland). A country only in the query costs nothing: the listed group of a country
company stays a match, for review, as any word only in the query does. See
:data:`exportcheck.matching.score.PLACE_ONE_SIDED`.

The names are rigour's territory table, normalised the way names are, so the list is maintained
upstream, not here: every current country's English name, and its other strong names in Latin script
(its names in its own languages, "Schweiz", "Suisse", "Svizzera", "Österreich", "Deutschland", and usual
short forms, "UAE", "DPRK"), each mapped to its country, so that "Huawei Technologies Deutschland GmbH"
names a country and "Deutsche Bank (Schweiz)" and "(Switzerland)" name the same one. Cities are not
places here: rigour holds capitals only, and many of its city names are also surnames (Hamilton, Darwin).
"""

from __future__ import annotations

import unicodedata
from functools import cache

# China's provinces, autonomous regions and the four municipalities of provincial rank: country companies of Chinese
# groups are named by them ("Hikvision (Guangdong)", "Piotech (Shanghai) Co., Ltd."), and the lists' aliases
# sometimes hold a region alone ("Inner Mongolia").
CHINESE_REGIONS = (
    "anhui", "fujian", "gansu", "guangdong", "guangxi", "guizhou", "hainan", "hebei", "heilongjiang", "henan",
    "hubei", "hunan", "inner mongolia", "jiangsu", "jiangxi", "jilin", "liaoning", "ningxia", "qinghai", "shaanxi",
    "shandong", "shanxi", "sichuan", "tibet", "xinjiang", "yunnan", "zhejiang",
    "beijing", "shanghai", "tianjin", "chongqing",
)


#: Strong names in rigour's table that are ordinary words, surnames or adjectives in listed names rather
#: than the country ("Al Maskah Used Car", "John Holland Group", "Sino-Russian Laboratory", "Green Island").
NOT_PLACES = frozenset({
    "car", "island", "mann", "holland", "trinidad",
    "russian", "ukrainian", "estonian", "qatari", "gabonese", "gabonais", "israelienne", "israelite", "iraki",
    "yisraeli", "turkmen", "magyar", "jerriais", "nederlands", "lietuviu kalba",
})


def is_place(tokens: list[str] | tuple[str, ...]) -> bool:
    """Whether the whole name is a place ("Hong Kong", "Inner Mongolia"): never a party's distinctive name."""
    return tuple(tokens) in place_names()


@cache
def place_names() -> frozenset[tuple[str, ...]]:
    """Every country's name as normalised tokens ("new", "zealand"), plus the forms the lists abbreviate."""
    return _places()[0]


def country_of(place: tuple[str, ...]) -> str:
    """The country (rigour's territory code) a place name names: "schweiz" and "switzerland" are both "ch"."""
    return _places()[1].get(place, " ".join(place))


def _plain(name: str) -> str:
    """``name`` without its accents where that leaves ASCII ("Österreich" → "Osterreich"), else as it is.

    Why: the names are read once per process, before the first screening, and transliteration is the slow
    step of :func:`normalise` (0.2 ms a name); for accented Latin letters it gives the same letters
    (a test checks every name in the table).
    """
    if name.isascii():
        return name
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return plain if plain.isascii() else name


@cache
def _places() -> tuple[frozenset[tuple[str, ...]], dict[tuple[str, ...], str]]:
    from exportcheck.matching.normalise import normalise
    from exportcheck.matching.scripts import is_latin

    country: dict[tuple[str, ...], str] = {("uk",): "gb", ("us",): "us", ("hong", "kong"): "hk", ("hk",): "hk",
                                           ("h", "k"): "hk", ("hongkong",): "hk", ("macau",): "mo", ("macao",): "mo", ("taiwan",): "tw"}
    country.update((tuple(p.split()), f"cn-{p}") for p in CHINESE_REGIONS)
    for territory, names in _country_names():
        for name in names:
            tokens = tuple(normalise(_plain(name)).split()) if is_latin(name) else ()
            if (0 < len(tokens) <= 3 and not any(t.startswith("#") for t in tokens)
                    and " ".join(tokens) not in NOT_PLACES):
                country.setdefault(tokens, territory)
    return frozenset(country), country


def _country_names() -> list[tuple[str, list[str]]]:
    """Each current country's code and names: its English name first, then rigour's strong names.

    The strong names are read the way :func:`exportcheck.formats.common.country_code` reads them, from
    rigour's private loader; where a rigour release moves it, only the English names are used (the
    place tests then fail, which is the point).
    """
    from rigour.territories import get_territories

    english = [(t.code, [t.name]) for t in get_territories() if t.is_country and not t.is_historical]
    try:
        from rigour.territories.lookup import _load_territory_names
    except ImportError:  # pragma: no cover - a rigour release that moved it
        return english
    # rigour appends the English and full names ("Swiss Confederation") to the strong ones: those are left out
    strong = {t.code: [n for n in names if n not in (t.name, t.full_name)]
              for t, names, _weak, _places in _load_territory_names()}
    return [(code, [*names, *strong.get(code, [])]) for code, names in english]


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

