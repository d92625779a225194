"""Does exporting an Annex I item to a destination need an individual authorisation, and the item verdict.

Art. 3 of Regulation (EU) 2021/821: exporting an Annex I item out of the EU needs an authorisation. A
Union general export authorisation (Annex II) may cover it: EU001 covers every Annex I item except
those in Annex II Section I, for Australia, Canada, Iceland, Japan, New Zealand, Norway, Switzerland
incl. Liechtenstein, the United Kingdom and the United States (read from the EU001 text in the 2025
JSON; its Section I list is held only in part, so "covered" is said as "may cover"). EU002–EU008
cover named items or situations (repair, exhibitions, telecoms, chemicals, intra-group technology,
encryption); none covers a sale of semiconductor-manufacturing equipment to China. Transfers inside
the EU are not exports (Annex IV items excepted, not judged here).

:func:`item_verdict` turns a :class:`~exportcheck.controls.classifier.Classification` into the verdict
issue 11 asks for: contradicted only on stated facts that meet an entry in force whose listing needs
a licence for that destination, never on keyword similarity.
"""

from __future__ import annotations

from exportcheck import law
from exportcheck.controls.classifier import Classification
from exportcheck.controls.evaluate import EntryResult

EU_MEMBERS = frozenset(["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"])
#: EU001's destinations, from the one legal timeline (``law`` fact ``eu-001``; GB is the United Kingdom).
EU001 = frozenset(law.fact("eu-001").countries)
SITUATIONAL = ("EU003 (export after repair/replacement) and EU004 (temporary export for an exhibition or fair) "
               "cover only those situations, which the claim does not state")


def licence_needed(destination: str) -> tuple[bool | None, str]:
    """(True: individual authorisation needed | False: not an export or a GEA may cover it | None: unknown, why)."""
    dest = (destination or "").upper()
    if not dest:
        return None, "no destination is stated, so whether Art. 3 requires an authorisation cannot be told"
    if dest in EU_MEMBERS:
        return False, f"{dest} is in the EU: a transfer inside the Union is not an export under Art. 3 (Annex IV items aside)"
    if dest in EU001:
        return False, (f"the Union general export authorisation EU001 may cover exports to {dest} (subject to its "
                       "conditions and its Section I exclusions, which are held only in part here)")
    return True, (f"exporting it to {dest} needs an authorisation under Art. 3 of Regulation (EU) 2021/821; no Union "
                  f"general export authorisation covers a sale of it to {dest} ({SITUATIONAL})")


def _entry_line(e: EntryResult) -> str:
    return f"EU {e.code} ({e.version}): " + "; ".join(e.met)


def item_verdict(result: Classification, kind: str, destination: str) -> tuple[str, str]:
    """(contradicted | consistent | undetermined, finding) for an item-not-controlled / no-licence-required claim."""
    if result.regime != "eu":
        return "undetermined", "; ".join(result.messages) or f"{result.regime.upper()} verdicts are not made here"
    read = (result.read_from_description[:1].upper() + result.read_from_description[1:] + ". ") if result.read_from_description else ""
    basis_ok = result.basis in ("in-force", "bracketing")
    meets = [e for e in result.entries if e.status == "meets"]
    if meets and basis_ok:
        needed, why = licence_needed(destination)
        lines = "; ".join(_entry_line(e) for e in meets)
        if needed:
            return "contradicted", (f"{read}The stated facts meet an Annex I entry in force on {result.as_of}: {lines}. "
                                    f"So the item is listed, and {why}.")
        if kind == "item-not-controlled":  # listed is listed, wherever it goes
            return "contradicted", (f"{read}The stated facts meet an Annex I entry in force on {result.as_of}: {lines}. "
                                    "The item is a listed (controlled) item.")
        return "undetermined", (f"{read}The stated facts meet an Annex I entry in force on {result.as_of}: {lines}; "
                                f"but {why}.")
    of_kind = [e for e in result.entries if e.kind_matched]
    if of_kind and basis_ok and all(e.status == "excluded" for e in of_kind):
        lines = "; ".join(f"{e.code}: {', '.join(e.failing) if e.failing else e.reason}" for e in of_kind)
        return "consistent", (f"{read}The stated facts exclude every candidate entry of this kind of item: {lines}. "
                              "Entries of other kinds were not judged (the item's kind is not theirs).")
    parts = [read.strip()] if read else []
    missing = result.missing()
    if missing:
        parts.append("Missing facts that would decide the candidates: " + ", ".join(missing) + ".")
    opened = [e for e in result.entries if e.status == "open"]
    if opened:
        parts.append("Open candidates: " + "; ".join(f"{e.code} ({e.reason})" for e in opened[:4]) + ".")
    if not basis_ok:
        parts.append(" ".join(result.messages) + ".")
    if not result.entries:
        parts.append("No candidate entry was found for the item.")
    return "undetermined", " ".join(p for p in parts if p)
