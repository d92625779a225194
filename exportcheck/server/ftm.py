"""FollowTheMoney in and out: yente-shaped ``/match`` queries and answers, and reconciliation candidates.

yente (OpenSanctions' API) takes example entities (``{"schema": "Company", "properties": {"name": [...],
"country": [...]}}``) and answers with scored FtM entities; clients written for it (screening scripts,
nomenklatura tooling) work against this server unchanged. The names of the example (``name``,
``alias``, ``previousName``, ``weakAlias``) are screened with exportcheck's matcher and the best score
per listed party is kept; the first country (``country``, ``jurisdiction``, ``nationality``,
``citizenship``, ``mainCountry``) is passed as the matcher's country hint. Other properties (birth
dates, identifiers) are accepted and not scored: the answer's ``features`` say what was compared.
"""

from __future__ import annotations

from typing import Any

from followthemoney import model
from pydantic import BaseModel, ConfigDict, Field

from exportcheck.export_ftm import SCHEMAS, entity_to_ftm, ftm_id
from exportcheck.model import Entity
from exportcheck.server.problems import Problem
from exportcheck.server.service import check_country
from exportcheck.server.state import NOT_ADVICE, LoadedLists

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry")
#: What ``features`` holds, in yente's ``matcher`` shape.
FEATURES = {
    "name_match": {"description": "exportcheck's name score of the best-matching query name against the listed "
                                  "name or alias (aliases, transliteration, legal forms, numbers, acronyms)",
                   "coefficient": 1.0, "url": "https://github.com/exportcheck/exportcheck#screening"},
    "country_mismatch": {"description": "1 when the query gives a country and the listing names others "
                                        "(the score is lowered, not zeroed: lists often give one of several countries)",
                         "coefficient": 0.0, "url": "https://github.com/exportcheck/exportcheck#screening"},
}


class EntityExample(BaseModel):
    """One example entity, as yente takes it."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    schema_: str = Field(alias="schema", examples=["Company"])
    properties: dict[str, list[Any] | str] = Field(examples=[{"name": ["Huawei Technologies"], "country": ["cn"]}])


class MatchRequest(BaseModel):
    """The body of ``POST /match/{dataset}`` (yente's shape; ``weights`` and ``config`` are accepted, unused)."""

    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


def values(example: EntityExample, props: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for prop in props:
        raw = example.properties.get(prop)
        for value in [raw] if isinstance(raw, str) else raw or []:
            text = str(value).strip() if isinstance(value, str | int | float) else ""
            if text and text not in out:
                out.append(text)
    return out


def query_schema(example: EntityExample, field: str) -> Any:
    schema = model.get(example.schema_)
    if schema is None:
        raise Problem(422, f"{field}: unknown FollowTheMoney schema {example.schema_!r} (e.g. Company, Person, "
                      "Organization, LegalEntity)", field=field)
    if not schema.matchable:
        raise Problem(422, f"{field}: {example.schema_} entities cannot be matched; use a matchable schema such "
                      "as Company, Person, Organization or LegalEntity", field=field)
    return schema


def ftm_schema(ours: str) -> str:
    return SCHEMAS.get(ours, ours)


def entity_dict(loaded: LoadedLists, match: dict[str, Any]) -> dict[str, Any]:
    """The listed party of a match as an FtM entity dict (id, caption, schema, properties, datasets)."""
    row = loaded.entity_row(match.get("snapshot") or f"{match['source']}@", match["entity_id"])
    if row is not None:
        proxy = entity_to_ftm(Entity.model_validate(row))[0]
        data = proxy.to_dict()
        caption = proxy.caption
    else:  # the row could not be read (a snapshot removed under us): what the match itself says
        data = {"id": ftm_id(match["entity_id"]), "schema": "LegalEntity",
                "properties": {"name": [match["name"]], "country": match.get("countries", [])}}
        caption = match["name"]
    return {"id": data["id"], "caption": caption, "schema": data["schema"], "properties": data.get("properties", {}),
            "datasets": [match["source"]], "referents": [match["entity_id"]], "target": True,
            "first_seen": None, "last_seen": None, "last_change": None}


def best_matches(loaded: LoadedLists, names: list[str], country: str | None, sources: list[str] | None,
                 limit: int, threshold: float) -> list[dict[str, Any]]:
    """Matches for several names of one party: the best score per listed entity, best first."""
    best: dict[str, dict[str, Any]] = {}
    screener = loaded.screener
    for name in names:
        for m in screener.screen(name, country=country, sources=sources, limit=limit * 3, threshold=threshold):
            data = m.model_dump()
            if data["entity_id"] not in best or best[data["entity_id"]]["score"] < data["score"]:
                best[data["entity_id"]] = data
    return sorted(best.values(), key=lambda d: (-d["score"], d["entity_id"]))


def match_one(loaded: LoadedLists, key: str, example: EntityExample, *, sources: list[str] | None, limit: int,
              threshold: float, exclude_schema: set[str], max_chars: int) -> dict[str, Any]:
    """One yente ``responses[key]`` entry."""
    schema = query_schema(example, f"queries.{key}.schema")
    names = values(example, NAME_PROPS)
    if not names:
        raise Problem(422, f"queries.{key}.properties.name: give at least one name (name, alias, previousName "
                      "or weakAlias)", field=f"queries.{key}.properties.name")
    for name in names:
        if len(name) > max_chars:
            raise Problem(422, f"queries.{key}.properties.name: a name of {len(name)} characters; at most {max_chars}",
                          field=f"queries.{key}.properties.name")
    countries = values(example, COUNTRY_PROPS)
    # read as every other way in reads a country ("cn", "CHN", "China"; "uk" is GB): taken only when two letters,
    # "China" was dropped and "uk" never equalled the lists' GB; text naming no country is a 422, as on /reconcile
    country = check_country(countries[0], f"queries.{key}.properties.country") if countries else None
    matchable = {s.name for s in schema.matchable_schemata}
    results: list[dict[str, Any]] = []
    total = 0
    for m in best_matches(loaded, names, country, sources, limit, threshold):
        entity = entity_dict(loaded, m)
        if entity["schema"] not in matchable or entity["schema"] in exclude_schema:
            continue
        total += 1
        if len(results) >= limit:
            continue
        mismatch = 1.0 if country and m.get("countries") and country not in m["countries"] else 0.0
        results.append({**entity, "score": m["score"], "match": bool(m["is_match"]),
                        "features": {"name_match": m["score"], "country_mismatch": mismatch},
                        "explanation": m["explanation"], "list": m["list"], "listing_date": m["listing_date"],
                        "end_date": m["end_date"], "snapshot": m["snapshot"]})
    query = example.model_dump(by_alias=True)
    return {"status": 200, "results": results, "total": {"value": total, "relation": "eq"}, "query": query}


def match(loaded: LoadedLists, request: MatchRequest, *, dataset: str, limit: int, threshold: float,
          include_dataset: list[str], exclude_dataset: list[str], exclude_schema: list[str], max_batch: int,
          max_chars: int) -> dict[str, Any]:
    """The whole yente ``/match`` answer for a batch of example entities."""
    from exportcheck.server.service import check_sources, need_entities
    from exportcheck.sources import entity_source_ids

    need_entities(loaded)
    if not request.queries:
        raise Problem(422, "queries: give at least one example entity", field="queries")
    if len(request.queries) > max_batch:
        raise Problem(422, f"queries: {len(request.queries)} queries; at most {max_batch} in one batch "
                      "(EXPORTCHECK_MAX_BATCH)", field="queries")
    scope = dataset_sources(loaded, dataset)
    if include_dataset:
        scope = [s for s in check_sources(include_dataset, loaded, "include_dataset") or [] if s in scope]
    if exclude_dataset:
        known = entity_source_ids()
        for value in exclude_dataset:
            if value not in known:
                raise Problem(422, f"exclude_dataset: unknown entity source {value!r}", field="exclude_dataset")
        scope = [s for s in scope if s not in exclude_dataset]
    responses = {key: match_one(loaded, key, example, sources=scope, limit=limit, threshold=threshold,
                                exclude_schema=set(exclude_schema), max_chars=max_chars)
                 for key, example in request.queries.items()} if scope else {
        key: {"status": 200, "results": [], "total": {"value": 0, "relation": "eq"},
              "query": example.model_dump(by_alias=True)} for key, example in request.queries.items()}
    return {"responses": responses, "matcher": FEATURES, "limit": limit,
            "snapshots": {k: v for k, v in loaded.snapshot_dates("entities").items() if k in scope},
            "disclaimer": NOT_ADVICE}


def dataset_sources(loaded: LoadedLists, dataset: str) -> list[str]:
    """yente's dataset: ``default`` (or ``all``, ``sanctions``) = every entity list held; else one source id."""
    from exportcheck.server.service import check_sources
    from exportcheck.sources import entity_source_ids

    held = sorted(k for k, v in loaded.snapshots.items() if v.kind == "entities")
    if dataset in ("default", "all", "sanctions"):
        return held
    if dataset not in entity_source_ids():
        raise Problem(404, f"dataset: no dataset {dataset!r}; use default or one of {', '.join(entity_source_ids())}",
                      field="dataset")
    return check_sources([dataset], loaded, "dataset") or held
