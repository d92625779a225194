"""Control-list lookup and search: EU Annex I, US Commerce Control List, Dutch national measures.

The claims engine calls :func:`lookup` ("what does 3B001.f say, in which regime, on which date?")
and :func:`search` ("which entries could a '193 nm immersion scanner' fall under?"). Both read the
snapshot store (``lists_dir``) or a :class:`ControlData` built from DataFrames.
"""

from __future__ import annotations

from exportcheck.controls.classifier import Classification, classify
from exportcheck.controls.compare import Comparison, compare
from exportcheck.controls.data import ControlData, load_controls
from exportcheck.controls.lookup import ControlLookup, VersionCheck, lookup, us_licence
from exportcheck.controls.params import Parameter, extract_parameters
from exportcheck.controls.search import ControlHit, search, version_notes

__all__ = ["Classification", "Comparison", "ControlData", "ControlHit", "ControlLookup", "Parameter", "VersionCheck",
           "classify", "compare", "extract_parameters", "load_controls", "lookup", "search", "us_licence", "version_notes"]
