"""Reading a claims file (YAML or JSON) into :class:`~exportcheck.claims.model.ClaimsFile`.

Bad files become one :class:`~exportcheck.errors.InputError` naming the field, e.g.
``claims.yaml: claims[2].date: invalid date '2024-13-01'`` — never a traceback. YAML's own date
parsing is switched off (dates stay strings) so that the claims model, not the YAML library,
decides what a valid date is and can name the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from exportcheck.claims.model import ClaimsFile
from exportcheck.errors import InputError


class _NoDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as strings."""


_NoDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``('claims', 2, 'date')`` → ``claims[2].date``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def _message(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after[_ordered(), Period]",))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field missing"
        elif err["type"] == "literal_error":
            msg = f"{err.get('input')!r} is not one of {err['ctx']['expected']}" if "ctx" in err else msg
        path = field_path(loc)
        if msg.startswith("claims[") and path == "(file)":
            lines.append(msg)
        else:
            lines.append(f"{path}: {msg}")
    more = f" (and {len(lines) - 3} more)" if len(lines) > 3 else ""
    return "; ".join(lines[:3]) + more


def parse_claims(data: Any, label: str = "claims") -> ClaimsFile:
    """Validate already-parsed data; ``label`` prefixes error messages (usually the file name)."""
    if isinstance(data, list):
        data = {"claims": data}
    if not isinstance(data, dict):
        raise InputError(f"{label}: expected a mapping with a 'claims' list, got {type(data).__name__}")
    try:
        return ClaimsFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{label}: {_message(exc)}") from None


def load_claims(path: Path | str) -> ClaimsFile:
    """Read and validate a claims file; ``.json`` is JSON, anything else YAML (a superset of JSON)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such claims file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_NoDatesLoader)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InputError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    return parse_claims(data, str(path))
