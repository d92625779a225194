"""The claims engine: check what a company said about an export against public lists and rules.

Load a claims file (:func:`load_claims`), build a :class:`Context` over a lists folder
(:func:`default_context`: the project's matcher and control lists read its snapshots directly), and
:func:`verify` it into a :class:`Report` that :mod:`exportcheck.reports` renders as JSON, Markdown or HTML.
"""

from exportcheck.claims.engine import verify, verify_claim
from exportcheck.claims.loader import load_claims, parse_claims
from exportcheck.claims.model import Claim, ClaimsFile, Item, Party, Period
from exportcheck.claims.screening import Context, default_context
from exportcheck.claims.verdict import ClaimResult, Evidence, Report, Step

__all__ = [
    "Claim",
    "ClaimResult",
    "ClaimsFile",
    "Context",
    "Evidence",
    "Item",
    "Party",
    "Period",
    "Report",
    "Step",
    "default_context",
    "load_claims",
    "parse_claims",
    "verify",
    "verify_claim",
]
