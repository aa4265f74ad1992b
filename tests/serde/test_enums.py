"""Validate: an enum given a shape serde cannot even parse is Chroma's 400, with serde's line and column.

The expected messages are the real server's (Chroma 1.5.9), observed for these exact bodies.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.api.app import create_app

C = "/api/v2/tenants/default_tenant/databases/default_database/collections"
PARSE = "Failed to parse the request body as JSON: "


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"name":"cm1","schema":{"cmek":{}}}', "schema.cmek: expected value at line 1 column 33"),
        ('{"name":"cm4","schema":{"cmek":5}}', "schema.cmek: expected value at line 1 column 32"),
        ('{"name":"cm9","schema":{"cmek":{"gcp":"x","b":1}}}', "schema.cmek: expected value at line 1 column 41"),
        ('{"name":"cm12","schema":{"cmek": { }}}', "schema.cmek: expected value at line 1 column 36"),
        ('{"name":"cm5","configuration":{"hnsw":{"space":5}}}', "configuration.hnsw.space: expected value at line 1 column 48"),
        ('{"name":"sp2","configuration":{"hnsw":{"space":{}}}}', "configuration.hnsw.space: expected value at line 1 column 49"),
        ('{"name":"sp4","configuration":{"hnsw":{"space":["l2"]}}}', "configuration.hnsw.space: expected value at line 1 column 48"),
        ('{"name":"sp7","configuration":{"hnsw":{"space":{"l2":null,"x":1}}}}',
         "configuration.hnsw.space: expected value at line 1 column 57"),
        ('{"name":"sp8","configuration":{"spann":{"space":3}}}', "configuration.spann.space: expected value at line 1 column 49"),
        ('{"name": "sp9",\n "configuration": {"hnsw": {"space": 7}}}', "configuration.hnsw.space: expected value at line 2 column 38"),
        ('{"configuration": {"hnsw": {"space": 5}}, "name": 5}', "configuration.hnsw.space: expected value at line 1 column 38"),
    ],
)
def test_enum_shapes_serde_cannot_parse_are_400(client: TestClient, body: str, message: str) -> None:
    response = client.post(C, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "InvalidArgumentError", "message": PARSE + message}


@pytest.mark.parametrize(
    "body",
    [
        '{"name":"cm3","schema":{"cmek":{"aws":"x"}}}',  # unknown variant
        '{"name":"cm10","schema":{"cmek":"gcp"}}',  # a newtype variant given as a unit one
        '{"name":"cm11","schema":{"cmek":{"gcp":5}}}',  # wrong content
        '{"name":"cm6","configuration":{"hnsw":{"space":"foo"}}}',
        '{"name":"sp6","configuration":{"hnsw":{"space":{"ip":1}}}}',
        '{"name": 5, "configuration": {"hnsw": {"space": 5}}}',  # serde meets the bad name first
    ],
)
def test_enum_data_errors_stay_422(client: TestClient, body: str) -> None:
    response = client.post(C, content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (422, "ChromaError")


def test_include_items(client: TestClient) -> None:
    cid = client.post(C, json={"name": "includes"}).json()["id"]
    expected = {
        '{"include":[5]}': (400, "include[0]: expected value at line 1 column 13"),
        '{"include":[{}]}': (400, "include[0]: expected value at line 1 column 14"),
        '{"include":[null]}': (400, "include[0]: expected value at line 1 column 13"),
        '{"include":["documents", 3]}': (400, "include[1]: expected value at line 1 column 26"),
        '{"where":{"a":1},"include":[[]]}': (400, "include[0]: expected value at line 1 column 29"),
        '{"include":["foo"]}': (422, None),
        '{"include":"documents"}': (422, None),
    }
    for body, (status, message) in expected.items():
        response = client.post(f"{C}/{cid}/get", content=body, headers={"content-type": "application/json"})
        assert response.status_code == status, body
        if message is not None:
            assert response.json()["message"] == PARSE + message


def test_a_unit_variant_written_as_an_object_is_read_as_the_variant(client: TestClient) -> None:
    created = client.post(C, json={"name": "variant-object", "configuration": {"hnsw": {"space": {"cosine": None}}}})
    assert created.status_code == 200 and created.json()["configuration_json"]["hnsw"]["space"] == "cosine"
    cid = created.json()["id"]
    got = client.post(f"{C}/{cid}/get", json={"include": [{"documents": None}, "metadatas"]})
    assert got.status_code == 200 and got.json()["include"] == ["documents", "metadatas"]
    other = client.post(f"{C}/{cid}/get", json={"include": [{"nope": None}]})  # an unknown variant stays a 422
    assert other.status_code == 422
