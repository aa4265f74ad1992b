"""Parity: a payload with several invalid fields gets one 400 listing every field's problem, as Chroma's
`validator` crate reports them. Chroma's order of the lines varies between requests, so the lines are
compared as sets."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .harness import C

BAD_NAME_AND_METADATA = [
    ("create", {"name": "", "metadata": {"": 1}}),
    ("create", {"metadata": {"#a": 1}, "name": "x"}),
    ("create", {"name": "a..b", "metadata": {}}),
    ("update", {"new_name": "x", "new_metadata": {}}),
    ("update", {"new_metadata": {"$k": 1}, "new_name": "1.2.3.4"}),
    ("create", {"name": "a", "schema": {"defaults": {}, "keys": {}, "source_attached_function_id": "x"}}),
]
THREE_FIELDS = {
    "name": "a",
    "metadata": {},
    "schema": {"defaults": {"string": {"fts_index": {"enabled": True, "config": {}}}}, "keys": {}},
}


def _lines(response: httpx.Response) -> tuple[int, str, set[str]]:
    body = response.json()
    prefix, _, rest = body["message"].partition(": ")
    return response.status_code, f"{body['error']} {prefix}", set(rest.split("\n"))


@pytest.mark.parametrize(("op", "body"), BAD_NAME_AND_METADATA)
def test_every_invalid_field_is_listed(clients: tuple[httpx.Client, httpx.Client], op: str, body: Any) -> None:
    answers = []
    for client in clients:
        if op == "create":
            answers.append(client.post(C, json=body))
        else:
            created = client.post(C, json={"name": "target"})
            assert created.status_code == 200, created.text
            answers.append(client.put(f"{C}/{created.json()['id']}", json=body))
    real, mock = (_lines(answer) for answer in answers)
    assert real[0] == 400 and len(real[2]) == 2, real
    assert mock == real


def test_three_fields(clients: tuple[httpx.Client, httpx.Client]) -> None:
    real, mock = (_lines(client.post(C, json=THREE_FIELDS)) for client in clients)
    assert real[0] == 400 and len(real[2]) == 3, real
    assert mock == real


def test_an_update_reads_the_configuration_before_it_validates_the_fields(
    clients: tuple[httpx.Client, httpx.Client],
) -> None:
    body = {"new_name": "a", "new_configuration": {"hnsw": {"ef_search": 5}, "spann": {"search_nprobe": 4}}}
    answers = []
    for client in clients:
        created = client.post(C, json={"name": "target"})
        answers.append(client.put(f"{C}/{created.json()['id']}", json=body))
    assert [(a.status_code, a.json()) for a in answers][0] == [(a.status_code, a.json()) for a in answers][1]
    assert answers[0].json()["message"] == "Multiple vector index configurations provided"


RECORD_BODIES = [
    {"ids": ["a", "b"], "embeddings": [[], [1]], "metadatas": [{"": 1}, None]},
    {"ids": ["a", ""], "embeddings": [[1e39], [1]], "metadatas": [{"#a": 1}, None]},
    {"ids": [], "embeddings": [[1e39]], "metadatas": [{"$a": 1}], "uris": ["x"]},
]


@pytest.mark.parametrize("op", ["add", "upsert", "update"])
@pytest.mark.parametrize("body", RECORD_BODIES)
def test_record_writes_list_embeddings_and_metadatas_together(
    clients: tuple[httpx.Client, httpx.Client], op: str, body: Any
) -> None:
    answers = []
    for client in clients:
        created = client.post(C, json={"name": "writes"})
        answers.append(client.post(f"{C}/{created.json()['id']}/{op}", json=body))
    real, mock = (_lines(answer) for answer in answers)
    assert real[0] == 400 and len(real[2]) == 2, real
    assert mock == real
