"""OpenRefine's Reconciliation Service API (v0.2) over real HTTP: manifest, queries, suggest, preview."""

from __future__ import annotations

import json

from tests.server.support import Server
from tests.server.test_rest import problem


def test_manifest(server: Server) -> None:
    with server.client() as http:
        manifest = http.get("/reconcile").json()
    assert "0.2" in manifest["versions"] and manifest["name"]
    assert manifest["identifierSpace"].startswith("http") and manifest["schemaSpace"].startswith("http")
    assert {t["id"] for t in manifest["defaultTypes"]} >= {"Organization", "Person"}
    assert "{{id}}" in manifest["preview"]["url"] and manifest["preview"]["width"] > 0
    assert "{{id}}" in manifest["view"]["url"]
    entity = manifest["suggest"]["entity"]
    assert entity["service_url"] == server.url and entity["service_path"] == "/reconcile/suggest/entity"


def test_queries_by_post_form_and_get(server: Server) -> None:
    queries = {"q0": {"query": "Huawei Technologies Co., Ltd.", "type": "Organization", "limit": 3,
                      "properties": [{"pid": "country", "v": "CN"}]},
               "q1": {"query": "Vladimir Vladimirovich Putin", "type": "Person"},
               "q2": {"query": "Bakkerij Van der Molen Haarlem", "type": "Organization"}}
    with server.client() as http:
        posted = http.post("/reconcile", data={"queries": json.dumps(queries)})
        assert posted.status_code == 200, posted.text
        got = http.get("/reconcile", params={"queries": json.dumps({"a": queries["q1"]})}).json()
    answer = posted.json()
    assert set(answer) == {"q0", "q1", "q2"}
    q0 = answer["q0"]["result"]
    assert 0 < len(q0) <= 3 and "huawei" in q0[0]["name"].lower() and q0[0]["score"] >= 90
    for candidate in q0:
        assert {"id", "name", "score", "match", "type"} <= set(candidate)
        assert candidate["type"][0]["id"] in ("Organization", "Company", "LegalEntity")
    assert all(c["type"][0]["id"] in ("Person", "LegalEntity") for c in answer["q1"]["result"])
    assert not any(c["match"] for c in answer["q2"]["result"])
    assert got["a"]["result"][0]["name"] == answer["q1"]["result"][0]["name"]


def test_suggest_and_preview(server: Server) -> None:
    with server.client() as http:
        suggested = http.get("/reconcile/suggest/entity", params={"prefix": "Rosneft"}).json()["result"]
        assert suggested and all({"id", "name"} <= set(s) for s in suggested)
        preview = http.get("/reconcile/preview", params={"id": suggested[0]["id"]})
        assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
        assert "snapshot" in preview.text and "not legal advice" in preview.text
        types = http.get("/reconcile/suggest/type", params={"prefix": "per"}).json()["result"]
        assert [t["id"] for t in types] == ["Person"]
        assert http.get("/reconcile/suggest/property", params={"prefix": "coun"}).json()["result"][0]["id"] == "country"
        problem(http.get("/reconcile/preview", params={"id": "us-csl:<script>"}), 404, "id")


def test_bad_queries(server: Server) -> None:
    with server.client() as http:
        problem(http.post("/reconcile", data={"queries": "{not json"}), 422, "queries")
        problem(http.post("/reconcile", data={"queries": json.dumps({"q0": {"type": "Person"}})}), 422, "queries.q0.query")
        problem(http.post("/reconcile", data={"queries": json.dumps([1, 2])}), 422, "queries")
        problem(http.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "x", "properties": [
            {"pid": "country", "v": "Narnia"}]}})}), 422, "queries.q0.properties.country")
