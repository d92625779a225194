"""The REST API over real HTTP on 127.0.0.1, against the real lists (refreshed once from the mirror)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportcheck.server.state import NOT_ADVICE
from tests.server.support import REPO, Server

EXAMPLE = REPO / "examples" / "cetc-2024.yaml"


def problem(response, status: int, field: str | None = None) -> dict:
    """Assert an RFC 9457 problem document with this status (and field); return it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    doc = response.json()
    assert doc["status"] == status and doc["type"].startswith("https://") and doc["title"] and doc["detail"]
    assert "Traceback" not in response.text
    if field is not None:
        assert doc["field"] == field, doc
    return doc


def test_health_ready_and_docs(server: Server) -> None:
    with server.client() as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz").json()
        assert ready["status"] == "ready" and ready["generation"] >= 1
        assert ready["snapshots"]["us-csl"]["data_date"] and ready["snapshots"]["eu-dual-use"]["kind"] == "controls"
        spec = http.get("/openapi.json").json()
        for path in ("/screen", "/match/{dataset}", "/controls/{regime}/{code}", "/controls/search", "/verify",
                     "/sources", "/reconcile"):
            assert path in spec["paths"], path
        assert "swagger" in http.get("/docs").text.lower()


def test_screen_finds_a_listed_party_with_its_snapshot(server: Server) -> None:
    with server.client() as http:
        answer = http.get("/screen", params={"q": "Huawei Technologies Co., Ltd.", "limit": 5}).json()
    assert answer["disclaimer"] == NOT_ADVICE
    top = answer["matches"][0]
    assert top["is_match"] and top["score"] >= 0.95 and "huawei" in top["name"].lower()
    source = top["snapshot"].split("@")[0]
    assert answer["snapshots"][source]["data_date"], "every answer names the data date it rests on"
    assert top["explanation"]


def test_screen_as_of_uses_the_lists_of_that_date(server: Server) -> None:
    """CETC's 24th institute was added to the Entity List in 2024 (after Feb): not a match on 2024-02-05."""
    with server.client() as http:
        later = http.get("/screen", params={"q": "24th Research Institute of CETC", "as_of": "2025-06-01"}).json()
        earlier = http.get("/screen", params={"q": "24th Research Institute of CETC", "as_of": "2024-02-05"}).json()
    assert any(m["is_match"] and m["list"] == "Entity List" for m in later["matches"]), later["matches"][:3]
    assert not any(m["is_match"] and m["list"] == "Entity List" for m in earlier["matches"])
    assert any("CETC" in r["note"] for r in earlier["related_to_query"]), "the group named in the query is reported"


def test_screen_filters_by_source_and_repeats_from_the_cache(server: Server) -> None:
    with server.client() as http:
        before = http.get("/readyz").json()["cache"]
        params = {"q": "Rosneft", "source": "us-ofac-sdn", "limit": 3}
        first = http.get("/screen", params=params)
        second = http.get("/screen", params=params)
        after = http.get("/readyz").json()["cache"]
    assert first.content == second.content
    assert after["hits"] >= before["hits"] + 1
    assert {m["source"] for m in first.json()["matches"]} <= {"us-ofac-sdn"}
    assert set(first.json()["snapshots"]) == {"us-ofac-sdn"}


@pytest.mark.parametrize(("params", "status", "field"), [
    ({}, 422, "q"),
    ({"q": "   "}, 422, "q"),
    ({"q": "x" * 2001}, 422, "q"),
    ({"q": "Huawei", "as_of": "2024-13-01"}, 422, "as_of"),
    ({"q": "Huawei", "country": "Narnia"}, 422, "country"),
    ({"q": "Huawei", "source": "no-such-list"}, 422, "source"),
    ({"q": "Huawei", "limit": "0"}, 422, "limit"),
    ({"q": "Huawei", "limit": "many"}, 422, "limit"),
    ({"q": "Huawei", "threshold": "2"}, 422, "threshold"),
])
def test_screen_bad_input_is_a_problem_naming_the_field(server: Server, params: dict, status: int, field: str) -> None:
    with server.client() as http:
        problem(http.get("/screen", params=params), status, field)


def test_unknown_path_and_method_are_problems(server: Server) -> None:
    with server.client() as http:
        problem(http.get("/no/such/thing"), 404)
        problem(http.delete("/screen"), 405)


def test_match_in_yentes_shape(server: Server) -> None:
    body = {"queries": {
        "q1": {"schema": "Company", "properties": {"name": ["Huawei Technologies Co., Ltd."], "country": ["cn"]}},
        "q2": {"schema": "Person", "properties": {"name": ["Vladimir Vladimirovich Putin"]}},
        "q3": {"schema": "Company", "properties": {"name": ["Bakkerij Van der Molen Haarlem"]}},
    }}
    with server.client() as http:
        response = http.post("/match/default", json=body, params={"limit": 3})
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data["responses"]) == {"q1", "q2", "q3"} and data["limit"] == 3 and "name_match" in data["matcher"]
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"]["relation"] == "eq" and q1["query"]["schema"] == "Company"
    hit = q1["results"][0]
    for key in ("id", "caption", "schema", "properties", "datasets", "score", "match", "features"):
        assert key in hit, key
    assert hit["match"] and "huawei" in hit["caption"].lower() and hit["schema"] in ("Company", "Organization", "LegalEntity")
    assert hit["properties"]["name"] and hit["datasets"][0] in data["snapshots"]
    assert len(q1["results"]) <= 3
    q2 = data["responses"]["q2"]["results"]
    assert q2 and all(r["schema"] in ("Person", "LegalEntity") for r in q2) and q2[0]["match"]
    assert not any(r["match"] for r in data["responses"]["q3"]["results"])


def test_match_one_dataset_and_bad_queries(server: Server) -> None:
    with server.client() as http:
        only = http.post("/match/us-ofac-sdn", json={"queries": {"a": {"schema": "Person",
                                                                          "properties": {"name": "Putin"}}}}).json()
        assert all(r["datasets"] == ["us-ofac-sdn"] for r in only["responses"]["a"]["results"])
        problem(http.post("/match/nowhere", json={"queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}}}),
                404, "dataset")
        problem(http.post("/match/default", json={"queries": {"a": {"schema": "Banana", "properties": {"name": ["x"]}}}}),
                422, "queries.a.schema")
        problem(http.post("/match/default", json={"queries": {"a": {"schema": "Company", "properties": {"country": ["cn"]}}}}),
                422, "queries.a.properties.name")
        problem(http.post("/match/default", json={"queries": {"a": {"properties": {"name": ["x"]}}}}), 422,
                "queries.a.schema")
        problem(http.post("/match/default", content=b"{not json", headers={"content-type": "application/json"}),
                422, "body")
        many = {"queries": {f"q{i}": {"schema": "Company", "properties": {"name": ["x"]}} for i in range(101)}}
        problem(http.post("/match/default", json=many), 422, "queries")


def test_match_reads_a_country_as_every_other_way_in(server: Server) -> None:
    """"cn", "CHN" and "China" are one hint (before, only two letters were read: "China" was dropped, and "uk"
    never equalled the lists' GB); text naming no country is a 422, as on /reconcile."""
    def listed_for(code: str, name: str, country: str) -> list[dict]:
        """The results listed for ``code`` alone, asking for ``name`` with the hint ``country``."""
        body = {"queries": {"a": {"schema": "Company", "properties": {"name": [name], "country": [country]}}}}
        response = http.post("/match/default", json=body, params={"limit": 5})
        assert response.status_code == 200, response.text
        found = [r for r in response.json()["responses"]["a"]["results"] if r["properties"].get("country") == [code]]
        assert found, (name, country)
        return found

    with server.client() as http:
        for hint in ("cn", "CHN", "China"):  # a Russian party, asked as Chinese: marked as of another country
            assert all(r["features"]["country_mismatch"] == 1.0 for r in listed_for("ru", "Rosoboronexport", hint)), hint
        for hint in ("gb", "uk", "United Kingdom"):  # a British party: no mismatch
            assert all(r["features"]["country_mismatch"] == 0.0 for r in listed_for("gb", "EVRAZ PLC", hint)), hint
        problem(http.post("/match/default", json={"queries": {"a": {"schema": "Company", "properties": {
            "name": ["Huawei"], "country": ["Narnia"]}}}}), 422, "queries.a.properties.country")


def test_control_lookup_and_search(server: Server) -> None:
    with server.client() as http:
        entry = http.get("/controls/eu/3B001.f").json()
        assert entry["status"] == "listed" and entry["regime"] == "eu" and "ithograph" in entry["entry"]["text"]
        assert entry["snapshots"]["eu-dual-use"]["data_date"] and entry["disclaimer"] == NOT_ADVICE
        dated = http.get("/controls/eu/3B001.f", params={"as_of": "2024-02-05"}).json()
        assert dated["as_of"] == "2024-02-05" and dated["applicable_version"]
        found = http.get("/controls/search", params={"q": "immersion lithography 193 nm", "limit": 5}).json()
        assert found["results"] and all(r["code"] and r["regime"] in ("eu", "us", "nl") for r in found["results"])
        problem(http.get("/controls/xx/3B001"), 422, "regime")
        problem(http.get("/controls/eu/not-a-code"), 422, "code")
        problem(http.get("/controls/eu/3B001", params={"as_of": "yesterday"}), 422, "as_of")
        problem(http.get("/controls/search"), 422, "q")
        problem(http.get("/controls/search", params={"q": "laser", "regime": "fr"}), 422, "regime")


def test_verify_yaml_to_json_html_and_markdown(server: Server) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    with server.client() as http:
        as_json = http.post("/verify", content=text, headers={"content-type": "application/yaml"})
        assert as_json.status_code == 200, as_json.text
        report = as_json.json()
        ids = {r["claim_id"] for r in report["results"]}
        assert "cetc24-part-no-licence" in ids and report["snapshots"]
        assert all(r["status"] in ("consistent", "contradicted", "undetermined") for r in report["results"])
        assert as_json.headers["x-exportcheck-contradicted"] == str(sum(r["status"] == "contradicted" for r in report["results"]))
        html = http.post("/verify", content=text, headers={"content-type": "application/yaml", "accept": "text/html"})
        assert html.headers["content-type"].startswith("text/html") and "<html" in html.text.lower()
        assert "cetc24-part-no-licence" in html.text and "http://" not in html.text.split("<body", 1)[0].lower()
        md = http.post("/verify", params={"format": "md"}, content=text, headers={"content-type": "text/yaml"})
        assert md.headers["content-type"].startswith("text/markdown") and "cetc24-part-no-licence" in md.text


def test_verify_json_body(server: Server) -> None:
    claims = {"title": "t", "claims": [{"id": "c1", "kind": "party-not-listed", "date": "2025-06-01",
                                        "destination": "CN", "text": "Our customer is on no list.",
                                        "parties": [{"name": "24th Research Institute of CETC", "country": "CN"}]}]}
    with server.client() as http:
        report = http.post("/verify", json=claims).json()
    assert report["results"][0]["status"] == "contradicted", report["results"][0]["summary"]


def test_verify_bad_input(server: Server) -> None:
    with server.client() as http:
        yaml = {"content-type": "application/yaml"}
        problem(http.post("/verify", content="claims:\n  - id: a\n    kind: party-not-listed\n    date: 2024-13-01\n",
                          headers=yaml), 422, "claims[0].date")
        problem(http.post("/verify", content="claims:\n  - id: a\n    kind: nonsense\n", headers=yaml), 422, "claims[0].kind")
        problem(http.post("/verify", content="claims: [", headers=yaml), 422)
        problem(http.post("/verify", content="", headers=yaml), 422, "body")
        problem(http.post("/verify", content=b"\xff\xfe", headers=yaml), 422, "body")
        problem(http.post("/verify", content="x", headers={"content-type": "image/png"}), 415, "body")
        problem(http.post("/verify", params={"format": "pdf"}, content="x", headers=yaml), 422, "format")
        problem(http.post("/verify", content="x", headers={**yaml, "accept": "image/png"}), 406)


def test_extract_the_company_statement(server: Server, cases_dir: Path) -> None:
    text = (cases_dir / "nieuwsuur-asml-correspondence-2025.nl.txt").read_text(encoding="utf-8")
    with server.client() as http:
        found = http.post("/extract", json={"text": text}).json()
        assert found["language"] == "nl" and found["exporter"] == "ASML"
        kinds = {c["kind"] for c in found["claims"]}
        assert {"no-licence-required", "customer-judgement"} <= kinds
        assert any("vergunningplicht" in c["text"] for c in found["claims"])
        problem(http.post("/extract", json={"text": "  "}), 422, "text")
        problem(http.post("/extract", json={"text": "x", "lang": "fr"}), 422, "lang")


def test_sources_names_every_list_and_its_snapshot(server: Server) -> None:
    with server.client() as http:
        data = http.get("/sources").json()
    ids = {row["id"] for row in data["sources"]}
    assert {"us-csl", "eu-dual-use", "un-sc"} <= ids
    assert data["loaded"]["us-csl"]["version"] and data["disclaimer"] == NOT_ADVICE


def test_classify(server: Server) -> None:
    with server.client() as http:
        found = http.post("/classify", json={"description": "immersion lithography scanner",
                                             "parameters": {"wavelength": "193 nm"}, "regime": "eu"}).json()
        assert any(e["code"].startswith("3B001") for e in found["entries"]), found["entries"][:3]
        assert all(e["status"] in ("meets", "open", "excluded") for e in found["entries"])
        assert found["snapshots"]["eu-dual-use"]["data_date"] and found["disclaimer"] == NOT_ADVICE
        problem(http.post("/classify", json={"description": ""}), 422, "description")
        problem(http.post("/classify", json={"description": "laser", "regime": "fr"}), 422, "regime")
        problem(http.post("/classify", json={"description": "laser", "as_of": "2024-02-30"}), 422, "as_of")
