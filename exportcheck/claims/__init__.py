"""The claims engine: check what a company said about an export against public lists and rules.

Load a claims file (:func:`load_claims`), build a :class:`Context` (a screener and control lists —
:func:`default_context` uses the lists in the snapshot store), and :func:`verify` it into a
:class:`Report` that :mod:`exportcheck.reports` renders as JSON, Markdown or HTML.
"""

from exportcheck.claims.engine import verify, verify_claim
from exportcheck.claims.loader import load_claims, parse_claims
from exportcheck.claims.model import Claim, ClaimsFile, Item, Party, Period
from exportcheck.claims.protocols import ControlLists, EntityScreener
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import ClaimResult, Evidence, Report, Step

__all__ = [
    "Claim",
    "ClaimResult",
    "ClaimsFile",
    "Context",
    "ControlLists",
    "EntityScreener",
    "Evidence",
    "Item",
    "Party",
    "Period",
    "Report",
    "Step",
    "load_claims",
    "parse_claims",
    "verify",
    "verify_claim",
]
