"""Name matchers registered by name, so that they can be compared on the same benchmark.

Like nomenklatura's ``ALGORITHMS``: each matcher has a ``NAME``, a ``DEFAULT_THRESHOLD`` (the
score at which it calls a pair a match, as its authors ship it) and ``compare(a, b, schema)`` → score in
[0, 1]. OpenSanctions' logic-v1, logic-v2 and ``ofac`` are registered only where nomenklatura is installed
(the ``bench`` or ``ofac`` extra); they compare followthemoney entities, built here with one name each.
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar, Protocol

from rapidfuzz import fuzz, utils

from exportcheck.matching.normalise import name_form
from exportcheck.matching.score import DEFAULT_THRESHOLD, compare


class NameMatcher(Protocol):
    @property
    def NAME(self) -> str: ...  # the registry key, as nomenklatura spells it

    @property
    def DEFAULT_THRESHOLD(self) -> float: ...

    def compare(self, a: str, b: str, schema: str = "LegalEntity") -> float: ...


class ExportcheckMatcher:
    """This package's matcher (:mod:`exportcheck.matching.score`) without an index (class weights only)."""

    NAME = "exportcheck"
    DEFAULT_THRESHOLD = DEFAULT_THRESHOLD

    def compare(self, a: str, b: str, schema: str = "LegalEntity") -> float:
        return compare(name_form(a), name_form(b), person=schema == "Person").score


class WRatioMatcher:
    """The plain baseline: rapidfuzz WRatio on lower-cased, punctuation-free names; threshold 0.85 (85/100),
    the cut-off commonly used with it in screening scripts."""

    NAME = "rapidfuzz-wratio"
    DEFAULT_THRESHOLD = 0.85

    def compare(self, a: str, b: str, schema: str = "LegalEntity") -> float:
        return fuzz.WRatio(a, b, processor=utils.default_process) / 100.0


class _Nomenklatura:
    """nomenklatura's scoring algorithms on one-name followthemoney entities; threshold 0.7 as yente ships."""

    NAME: ClassVar[str] = ""
    DEFAULT_THRESHOLD: ClassVar[float] = 0.7
    _algorithm: Any = None

    def compare(self, a: str, b: str, schema: str = "LegalEntity") -> float:
        from followthemoney import model
        from nomenklatura.matching import ScoringConfig

        def make(name: str, ident: str) -> Any:
            entity = model.make_entity(schema or "LegalEntity")
            entity.id = ident
            entity.add("name", name)
            return entity

        # nomenklatura caches per entity id: every pair needs ids of its own or stale scores come back
        self._pairs = getattr(self, "_pairs", 0) + 1
        result = self._algorithm.compare(make(a, f"q{self._pairs}"), make(b, f"r{self._pairs}"),
                                         ScoringConfig.defaults())
        return float(result.score)


@cache
def matchers() -> dict[str, NameMatcher]:
    """Every available matcher by name: exportcheck and the baseline always, nomenklatura's if installed."""
    found: dict[str, NameMatcher] = {"exportcheck": ExportcheckMatcher(), "rapidfuzz-wratio": WRatioMatcher()}
    try:
        from nomenklatura.matching import ALGORITHMS, LogicV1, LogicV2
    except ImportError:
        return found
    ofac: list[Any] = [a for a in ALGORITHMS if a.NAME == "ofac"]  # the OFAC method as nomenklatura implements it
    algorithm: Any
    for algorithm in (LogicV1, LogicV2, *ofac):
        wrapper = type(f"Nomenklatura{algorithm.__name__}", (_Nomenklatura,),
                       {"NAME": algorithm.NAME, "_algorithm": algorithm})()
        found[algorithm.NAME] = wrapper
    return found
