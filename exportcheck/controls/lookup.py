"""Look a control code up: the entry, its ancestors and children, the version in force, other regimes.

Same code ≠ same control: EU 3B001, US 3B001 and the Dutch 3B001.l are different legal texts, so a
lookup names the regime of every entry and warns where the same string exists elsewhere. Dates
matter: with ``as_of`` the answer comes from the version in force on that day, or, where that version
is not held, from the held versions on either side, with whether the entry is the same in both.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from exportcheck import law
from exportcheck.controls.data import ControlData
from exportcheck.controls.us_licence import UsLicenceDetermination, determine, normalise_destination
from exportcheck.controls.versions import eu_only_from, eu_version_on, is_eu_only_code
from exportcheck.dates import as_date
from exportcheck.errors import InputError

REGIMES = ("eu", "us", "nl")
_CODE = re.compile(r"^\d[A-E]\d{3}(?:\.[a-z0-9]+)*$")
ENTRY_FIELDS = ["regime", "code", "parent_code", "depth", "text", "notes", "not_used", "defined_terms",
                "reasons_for_control", "country_chart", "version", "valid_from", "partial", "source", "source_url"]


class VersionCheck(BaseModel):
    """One held version on either side of a date whose own version is not held."""

    version: str
    valid_from: str
    side: str  # "before" | "after"
    exists: bool | None  # None: the part of that version holding this entry is not here
    same_text: bool | None = None


class ControlLookup(BaseModel):
    """The answer to "what does CODE say (in REGIME, on DATE)?" with everything needed to cite it."""

    code: str
    regime: str
    as_of: str = ""
    status: str  # listed | not-listed | not-held | not-applicable | unknown
    applicable_version: str = ""
    version_held: bool = True
    entry: dict[str, Any] | None = None
    ancestors: list[dict[str, Any]] = Field(default_factory=list)
    children: list[dict[str, Any]] = Field(default_factory=list)
    bracket: list[VersionCheck] = Field(default_factory=list)
    other_regimes: list[dict[str, Any]] = Field(default_factory=list)
    licence: list[dict[str, Any]] = Field(default_factory=list)  # the licence rows of us_licence, flattened
    us_licence: UsLicenceDetermination | None = None  # US only: the Part 738 / 746 / 744 determination
    definitions: list[dict[str, Any]] = Field(default_factory=list)  # the defined terms the entry quotes
    messages: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def _repr_html_(self) -> str:
        text = self.entry["text"] if self.entry else "(no entry)"
        notes = "".join(f"<li><i>{n['kind']}</i>: {n['text']}</li>" for n in (self.entry or {}).get("notes", []))
        msgs = "".join(f"<li>{m}</li>" for m in self.messages + self.warnings)
        return f"<b>{self.regime.upper()} {self.code}</b> [{self.status}] {text}<ul>{notes}</ul><ul>{msgs}</ul>"


def norm_text(text: str) -> str:
    """Wording compared across versions: quotes, case, spacing and closing punctuation ignored."""
    text = re.sub(r"[\"“”‘’']", "", text or "").lower()
    return " ".join(text.split()).rstrip(";.,: ").removesuffix(" or").removesuffix(" and").rstrip(";., ")


def _row_dict(row: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        value: Any = row.get(name)
        if value is not None and hasattr(value, "tolist"):
            value = value.tolist()
        if name == "notes":
            value = [dict(n) for n in (value or [])]
        out[name] = value
    return out


def _versions(frame: pd.DataFrame, regime: str) -> list[tuple[str, str]]:
    sub = frame[frame.regime == regime][["version", "valid_from"]].drop_duplicates()
    return sorted(((str(v), str(f)) for v, f in zip(sub.version, sub.valid_from, strict=True)), key=lambda x: x[1])


def _category_held(data: ControlData, version: str, category: str) -> bool:
    cov = data.table("coverage")
    if cov.empty or "version" not in cov:
        return True
    rows = cov[(cov.version == version) & (cov.category == category)]
    return rows.empty or bool((rows.status == "complete").any())


def lookup(code: str, regime: str | None = None, as_of: date | str | None = None, *,
           data: ControlData | None = None, lists_dir: str | None = None, country: str | None = None) -> ControlLookup:
    """The entry ``code`` of ``regime`` (default: EU, else whichever regime has it) as of a date."""
    from exportcheck.controls.data import load_controls

    code = code.strip().rstrip(".")
    if not _CODE.match(code):
        raise InputError(f"not a control code: {code!r} (expected e.g. 3B001 or 3B001.f.1.b)")
    if regime is not None and regime not in REGIMES:
        raise InputError(f"unknown regime {regime!r}; use one of {', '.join(REGIMES)}")
    when = as_date(as_of, "as_of")
    data = data or load_controls(lists_dir)
    frame = data.entries
    present = [r for r in REGIMES if ((frame.regime == r) & (frame.code == code)).any()]
    chosen = regime or (present[0] if present else "eu")
    result = ControlLookup(code=code, regime=chosen, as_of=when.isoformat() if when else "", status="unknown")
    if country is not None and chosen != "us":
        # read the destination all the same (a typo is an error whatever the regime), and say where it counts:
        # a destination silently dropped reads as an answer about it
        normalise_destination(country)
        result.messages.append(f"the destination ({country.strip()}) is read for the US licence determination only "
                               f"(regime us); this {chosen.upper()} entry is shown without one")
    versions = _versions(frame, chosen)
    if not versions:
        result.status = "not-held"
        result.version_held = False
        result.messages.append(f"no {chosen.upper()} control list is held here")
        result.warnings += _source_warnings(data, chosen)
        return result
    target = _pick_version(result, data, chosen, code, when, versions)
    if target:
        _fill_entry(result, frame, chosen, code, target, data)
    _other_regimes(result, frame, code, chosen)
    if chosen == "us" and (result.entry is not None or any(c.exists for c in result.bracket)):
        # before the only US text held, the determination is still made, on that later text, and says so
        result.us_licence = determine(code, country or "CN", when, data=data)
        result.licence = licence_rows(result.us_licence)
    result.warnings += _source_warnings(data, chosen)
    return result


def _source_warnings(data: ControlData, regime: str) -> list[str]:
    source = {"eu": "eu-dual-use", "us": "us-ccl", "nl": "nl-national"}[regime]
    return [w for w in data.warnings.get(source, []) if "annex" in w.lower() or "not verified" in w.lower()]


def _pick_version(result: ControlLookup, data: ControlData, regime: str, code: str, when: date | None,
                  versions: list[tuple[str, str]]) -> str:
    """Set the version fields and messages; the version whose entry to show ("" for none)."""
    frame = data.entries
    if when is None:
        version, valid_from = versions[-1]
        result.applicable_version = version
        result.messages.append(f"latest held version {version} (valid from {valid_from}); no --as-of date given")
        return version
    if regime == "eu" and is_eu_only_code(code) and when < eu_only_from():
        result.status = "not-applicable"
        result.messages.append(f"{code} is an EU-only entry created by Delegated Regulation (EU) 2025/2003; "
                               f"it applies only from {eu_only_from().isoformat()}, not on {when.isoformat()}")
    if regime != "eu":
        held = [v for v in versions if v[1] <= when.isoformat()]
        if held:
            result.applicable_version = held[-1][0]
            result.messages.append(f"version {held[-1][0]} (from {held[-1][1]}) is the newest held on or before "
                                   f"{when.isoformat()}; later amendments before that date may exist")
            return held[-1][0]
        result.version_held = False
        result.status = "not-held" if result.status == "unknown" else result.status
        result.messages.append(f"the only {regime.upper()} version held here dates from {versions[0][1]} "
                               f"({versions[0][0]}); the list as it stood on {when.isoformat()} is not held")
        result.bracket.append(_check(frame, data, regime, code, versions[0], "after", None))
        return ""
    known = eu_version_on(when)
    if known is None or known.edition is None:
        result.version_held = False
        result.status = "not-held" if result.status == "unknown" else result.status
        first = law.editions("eu")[0]
        before_821 = law.fact("ec-428-2009")
        result.messages.append(f"no Annex I edition of Regulation (EU) 2021/821 was in force on {when.isoformat()}: "
                               f"the first, {first.label()}, applies from {first.start.isoformat()}; before that "
                               f"{before_821.label()} applied, which this tool does not hold")
        return ""
    result.applicable_version = known.label
    named = f"in force on {when.isoformat()}: {known.edition.describe()}"
    held_ids = {v for v, _ in versions}
    if known.version and known.version in held_ids:
        result.messages.append(named)
        return known.version
    result.version_held = False
    before = [v for v in versions if v[1] <= when.isoformat()]
    after = [v for v in versions if v[1] > when.isoformat()]
    nearest = " and ".join(f"{v} (from {f})" for v, f in ([before[-1]] if before else []) + ([after[0]] if after else []))
    result.messages.append(f"{named}; its text is not held here, the nearest held versions are {nearest or 'none'}")
    pair = (before[-1] if before else None, after[0] if after else None)
    checks = [_check(frame, data, regime, code, v, side, None) for v, side in zip(pair, ("before", "after"), strict=True) if v]
    if len(checks) == 2 and checks[0].exists and checks[1].exists:
        same = _subtree_same(frame, regime, code, pair[0][0], pair[1][0])  # type: ignore[index]
        for c in checks:
            c.same_text = same
        result.messages.append("the entry exists in both held versions " + ("with the same text: it very likely "
                               "read the same on that date (the version in between is not held to confirm)" if same
                               else "but its text differs: what applied on that date cannot be told from here"))
    elif all(c.exists is False for c in checks):
        result.messages.append("the entry is in neither held version")
    else:
        result.messages.append("the entry is not in both held versions (or a held version lacks its part): "
                               "whether it applied on that date cannot be told from here")
    result.bracket = checks
    if result.status == "unknown":
        result.status = "not-held"
    return ""


def _check(frame: pd.DataFrame, data: ControlData, regime: str, code: str, version: tuple[str, str], side: str,
           same: bool | None) -> VersionCheck:
    exists = bool(((frame.regime == regime) & (frame.code == code) & (frame.version == version[0])).any())
    if not exists and not _category_held(data, version[0], code[0]):
        return VersionCheck(version=version[0], valid_from=version[1], side=side, exists=None)
    return VersionCheck(version=version[0], valid_from=version[1], side=side, exists=exists, same_text=same)


def _subtree_same(frame: pd.DataFrame, regime: str, code: str, v1: str, v2: str) -> bool:
    def subtree(version: str) -> dict[str, str]:
        sub = frame[(frame.regime == regime) & (frame.version == version)
                    & ((frame.code == code) | frame.code.str.startswith(code + "."))]
        return {c: norm_text(t) for c, t in zip(sub.code, sub.text, strict=True)}
    return subtree(v1) == subtree(v2)


def _fill_entry(result: ControlLookup, frame: pd.DataFrame, regime: str, code: str, version: str,
                data: ControlData) -> None:
    sub = frame[(frame.regime == regime) & (frame.version == version)]
    row = sub[sub.code == code]
    top = code.split(".", 1)[0]
    merged = merged_entries(data, regime, version)
    if row.empty:
        if top in merged.eccn.values:
            lost = merged[merged.eccn == top].iloc[0]
            result.status = "not-held" if result.status == "unknown" else result.status
            result.messages.append(lost_entry(version, top, str(lost.held_under), str(lost.evidence))
                                   + f": whether and how {code} reads cannot be told from it")
        elif not _category_held(data, version, code[0]):
            result.status = "unknown"
            result.messages.append(f"version {version} is only partly held and category {code[0]} is not complete "
                                   f"here: whether {code} was in it cannot be told")
        else:
            result.status = "not-listed" if result.status == "unknown" else result.status
            result.messages.append(f"{regime.upper()} {code} is not in version {version}")
        return
    entry = _row_dict(row.iloc[0])
    result.entry = entry
    hosted = merged[merged.held_under == top]
    for eccn, evidence in zip(hosted.eccn, hosted.evidence, strict=True):
        result.warnings.append(lost_entry(version, str(eccn), top, str(evidence))
                               + f": {top}'s paragraphs, notes and Country Chart lines may include {eccn}'s")
    result.definitions = _definitions(data, regime, version, code, entry["defined_terms"] or [])
    if result.status == "unknown":
        result.status = "not-used" if entry["not_used"] else "listed"
    if entry.get("partial") and not _category_held(data, version, code[0]):
        result.warnings.append(f"version {version} is only partly held; category {code[0]} is incomplete here")
    parent = entry["parent_code"]
    while parent:
        prow = sub[sub.code == parent]
        if prow.empty:
            result.ancestors.insert(0, {"code": parent, "text": "(not in this list)", "regime": regime})
            parent = parent.rsplit(".", 1)[0] if "." in parent else ""
            continue
        result.ancestors.insert(0, _row_dict(prow.iloc[0]))
        parent = prow.iloc[0]["parent_code"]
    kids = sub[sub.parent_code == code]
    result.children = [_row_dict(r) for _, r in kids.iterrows()]


def lost_entry(version: str, eccn: str, held_under: str, evidence: str) -> str:
    """The one wording of "the held copy lost this ECCN into another" (see :func:`merged_entries`)."""
    return (f"the held copy of version {version} has no entry {eccn} ({evidence}: the file seems to have merged {eccn} "
            f"into {held_under}; check the eCFR text)")


def merged_entries(data: ControlData, regime: str, version: str) -> pd.DataFrame:
    """The ECCNs the held copy of ``version`` lost into another entry (see :func:`..formats.ccl_json._merged_entries`)."""
    table = data.table("merged_entries")
    if table.empty or regime != "us":
        return pd.DataFrame({"eccn": [], "held_under": [], "evidence": []})
    return table[table.version == version]


def _definitions(data: ControlData, regime: str, version: str, code: str, keys: list[str]) -> list[dict[str, Any]]:
    """Definitions of the terms an entry quotes: the annex-wide one, or a Technical Note's on this code or above."""
    defs = data.table("definitions")
    if defs.empty or not keys:
        return []
    sub = defs[(defs.regime == regime) & (defs.version == version) & defs.key.isin(keys)]
    scopes = {"annex"} | {code.rsplit(".", i)[0] for i in range(code.count(".") + 1)}
    sub = sub[sub.scope.isin(scopes)]
    return [{"term": r.term, "key": r.key, "scope": r.scope, "text": r.text} for r in sub.itertuples()]


def _other_regimes(result: ControlLookup, frame: pd.DataFrame, code: str, regime: str) -> None:
    mine = norm_text(result.entry["text"]) if result.entry else ""
    for other in REGIMES:
        if other == regime:
            continue
        rows = frame[(frame.regime == other) & (frame.code == code)]
        if rows.empty:
            continue
        row = rows.sort_values("valid_from").iloc[-1]
        entry = _row_dict(row)
        same = mine and norm_text(entry["text"]) == mine
        entry["warning"] = (f"{other.upper()} {code} is a different control from {regime.upper()} {code}: "
                            + ("same wording of this paragraph, but a different legal instrument with its own scope, notes and licence rules"
                               if same else "the texts differ"))
        result.other_regimes.append(entry)
        result.warnings.append(entry["warning"])


def licence_rows(found: UsLicenceDetermination) -> list[dict[str, Any]]:
    """The determination's License Requirements rows as flat dicts (``licence_required``: True, False = no X, None)."""
    flag = {"required": True, "no-x": False}
    return [{"eccn": found.eccn, "reason": r.reason, "applies_to": r.applies_to, "country_chart": r.country_chart,
             "column": r.columns[0] if r.columns else "", "country": found.destination,
             "country_groups": ";".join(found.country_groups), "coverage": r.coverage, "requirement": r.requirement,
             "licence_required": flag.get(r.requirement), "explanation": r.explanation} for r in found.reasons]


def us_licence(data: ControlData, code: str, country: str = "CN", as_of: date | str | None = None) -> list[dict[str, Any]]:
    """Licence rows of an ECCN (paragraph) for a destination: see :func:`exportcheck.controls.us_licence.determine`.

    Embargoed destinations come back as ``requirement="see-part-746"`` (``licence_required`` None), never as "no X".
    """
    return licence_rows(determine(code, country, as_of, data=data))
