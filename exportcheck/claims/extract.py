"""Find checkable claims in a company statement (English or Dutch) and write a claims-file skeleton.

Input is the plain text of a statement or of a correspondence (like the Nieuwsuur exchange in
``shared/cases/``). Where the text marks the company's replies (``Reactie ASML`` … up to the next
``Verzonden:`` or letter), only those replies are read, so a journalist's paraphrase or question is
never taken for the company's claim; questions are skipped in any case. Each sentence is matched
against phrase patterns per claim kind; a sentence can yield several kinds ("not subject to any
licence requirement … or sanctions" is both a licence and a sanctions claim).

The skeleton quotes each sentence verbatim and leaves the facts (date, parties, item) for a person
to fill in: extraction finds what was said, never what it was about.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from exportcheck.claims.model import ClaimKind

#: Phrase patterns per language and kind. Written from the real statements and the usual wording of
#: compliance statements; each is a regular expression searched case-insensitively in one sentence.
PATTERNS: dict[str, dict[ClaimKind, list[str]]] = {
    "nl": {
        "no-licence-required": [
            r"niet onderhevig (?:zijn |is )?aan (?:enige |een |de )?vergunningplicht",
            r"(geen|niet) (export)?vergunning(plicht)? (nodig|vereist|verplicht)",
            r"geen (export)?vergunning nodig",
            r"geldige (export)?vergunning",
            r"(export)?vergunning(en)? nodig (zijn|is)",
            r"niet vergunningplichtig",
        ],
        "sanctions-compliant": [
            r"(niet|geen)\b.{0,120}\bsancties",
            r"(voldoen|houden) .{0,40}(aan )?(alle )?sanctie",
        ],
        "party-not-listed": [
            r"(staat|staan) niet op .{0,40}lijst",
            r"geen .{0,30}(gesanctioneerde|gelijste) (partijen|bedrijven|klanten)",
        ],
        "item-not-controlled": [
            r"niet op de .{0,30}(dual-use|controle)\s?lijst",
            r"geen dual-use",
            r"niet .{0,20}onder (de )?exportcontrole",
        ],
        "customer-judgement": [
            r"(kunnen|kan) niet zelf inschatten",
            r"niet zelf (be)?oordelen",
        ],
    },
    "en": {
        "no-licence-required": [
            r"not subject to any (export )?licen[cs]e",
            r"no (export )?licen[cs]e (was |is )?(required|needed|necessary)",
            r"did not require (an? )?(export )?licen[cs]e",
            r"valid (export )?licen[cs]e",
            r"licen[cs]es? (are|is|were|was) (required|needed)",
        ],
        "sanctions-compliant": [
            r"(not|no)\b.{0,120}\bsanctions",
            r"compl(y|ies|ied) with .{0,40}sanctions",
        ],
        "party-not-listed": [
            r"(is|are|was|were) not (on|listed on) (any|the) .{0,30}list",
            r"no (listed|sanctioned|restricted) (part(y|ies)|entit(y|ies)|customers?)",
        ],
        "item-not-controlled": [
            r"not (a )?dual-use",
            r"not (on|listed on|included in) .{0,30}control list",
            r"(is|are|were) not (export[- ])?controlled",
        ],
        "customer-judgement": [
            r"cannot (themselves |itself )?(judge|assess|determine) whether",
            r"not in a position to (judge|assess)",
        ],
    },
}
_DUTCH_WORDS = {"de", "het", "een", "en", "van", "niet", "zijn", "wij", "we", "voor", "dat", "die", "aan", "met"}
_ENGLISH_WORDS = {"the", "a", "and", "of", "not", "are", "we", "for", "that", "which", "to", "with", "is"}
_REPLY = re.compile(r"^\s*(?:Reactie|Reply|Response|Antwoord|Statement)\s+(?:van\s+|from\s+|of\s+)?(?P<who>[A-Z][\w&.\- ]{1,40}?)\s*:?\s*$")
_END_REPLY = re.compile(r"^\s*(?:Verzonden|Sent|Beste|Dear|Geachte)\b", re.I)
_RECEIVED = re.compile(r"^\s*(?:Ontvangen|Received)\s*:?\s*(?P<when>[\d\-/. ]+\d)\s*$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Z0-9À-Ý])")


@dataclass(frozen=True)
class Found:
    """One checkable sentence and the kind of claim it makes."""

    kind: ClaimKind
    sentence: str
    matched: str
    said_by: str
    lang: str


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    nl = sum(w in _DUTCH_WORDS for w in words)
    en = sum(w in _ENGLISH_WORDS for w in words)
    return "nl" if nl > en else "en"


def _paragraphs(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs; a bullet or blank line starts a new one."""
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped[0] in "•·-*–":
            if current:
                paras.append(" ".join(current))
            current = [stripped.lstrip("•·-*– ").strip()] if stripped else []
            continue
        current.append(stripped)
    if current:
        paras.append(" ".join(current))
    return [re.sub(r"\s+", " ", p).strip() for p in paras if p.strip()]


def sentences(text: str) -> list[str]:
    result: list[str] = []
    for para in _paragraphs(text.splitlines()):
        result.extend(s.strip() for s in _SENTENCE_END.split(para) if s.strip())
    return result


def company_sections(text: str) -> list[tuple[str, str]]:
    """``(speaker, text)`` for each marked company reply; the whole text as one section if none is marked."""
    lines = text.splitlines()
    sections: list[tuple[str, list[str]]] = []
    received = ""
    current: tuple[str, list[str]] | None = None
    for line in lines:
        if m := _RECEIVED.match(line):
            received = m.group("when").strip()
            continue
        if m := _REPLY.match(line):
            who = m.group("who").strip()
            label = f"{who}, reply" + (f" received {received}" if received else "")
            current = (label, [])
            sections.append(current)
            continue
        if current is not None and _END_REPLY.match(line):
            current = None
            continue
        if current is not None:
            current[1].append(line)
    if not sections:
        return [("", text)]
    return [(who, "\n".join(body)) for who, body in sections]


def extract_claims(text: str, lang: str | None = None) -> list[Found]:
    """Every (sentence, kind) pair in the company's words that a claims file could check."""
    language = lang or detect_language(text)
    patterns = PATTERNS.get(language)
    if patterns is None:
        raise ValueError(f"unsupported language {language!r} (use en or nl)")
    found: list[Found] = []
    for who, body in company_sections(text):
        for sentence in sentences(body):
            if sentence.rstrip().endswith("?"):
                continue
            for kind, regexes in patterns.items():
                for rx in regexes:
                    if m := re.search(rx, sentence, re.I):
                        found.append(Found(kind, sentence, m.group(0), who, language))
                        break
    return found


def exporter_name(found: list[Found]) -> str:
    names = [f.said_by.split(",")[0] for f in found if f.said_by]
    return names[0] if names else ""


def skeleton_yaml(found: list[Found], *, source: str = "") -> str:
    """A claims file quoting each sentence, with the facts to fill in as comments. It loads as is."""
    q = json.dumps  # a JSON string is a valid YAML scalar and quotes anything safely
    out = [
        "# Claims found by `exportcheck extract`. Fill in the facts each claim is about (date, destination,",
        "# parties with every name variant, item), then run `exportcheck verify` on this file.",
        f"title: {q('Claims from ' + source if source else 'Extracted claims')}",
        f"source: {q(source)}",
    ]
    company = exporter_name(found)
    out.append(f"exporter: {{name: {q(company)}, country: \"\"}}  # TODO: exporter's ISO-2 country, e.g. NL"
               if company else "# exporter: {name: ..., country: NL}")
    if not found:
        out.append("claims: []  # no checkable sentence found")
        return "\n".join(out) + "\n"
    out.append("claims:")
    for i, f in enumerate(found, start=1):
        out += [
            f"  - id: claim-{i}-{f.kind}",
            f"    kind: {f.kind}",
            f"    text: {q(f.sentence)}",
            f"    said_by: {q(f.said_by)}" if f.said_by else "    said_by: \"\"",
            f"    lang: {f.lang}",
            f"    # matched: {q(f.matched)}",
            "    # TODO date: 2024-02-05            # or {from: 2024-01-01, to: 2024-12-31}",
            "    # TODO destination: CN",
            "    # TODO parties: [{name: ..., aliases: [...], country: CN, role: end-user}]",
        ]
        if f.kind in ("no-licence-required", "item-not-controlled"):
            out.append("    # TODO item: {description: ..., part_number: ..., control_codes: ['eu:...'], us_content: unknown}")
    return "\n".join(out) + "\n"
