"""The links overlay (stateful chains) and the pure parts of our checks (what a write must make visible)."""

from __future__ import annotations

import base64
import struct
from typing import Any

import schemathesis
import yaml

from contracts.checks import compare_records, expected_records, same_value
from contracts.target import apply_links, count_links, load_links, selected_operations


def bundled_spec() -> dict[str, Any]:
    from mockserver.api.spec import default_spec_path

    with open(default_spec_path(), encoding="utf-8") as fh:
        document: dict[str, Any] = yaml.safe_load(fh)
    return document


def test_every_link_of_the_overlay_lands_on_the_bundled_spec() -> None:
    overlay = load_links()
    patched = apply_links(bundled_spec(), overlay)
    expected = sum(len(links) for by_status in overlay.values() for links in by_status.values())
    assert count_links(patched) == expected


def test_links_carry_ids_and_names_along_the_main_chain() -> None:
    patched = apply_links(bundled_spec(), load_links())
    paths = patched["paths"]
    collections = "/api/v2/tenants/{tenant}/databases/{database}/collections"
    create_db = paths["/api/v2/tenants/{tenant}/databases"]["post"]["responses"]["200"]["links"]
    assert create_db["CreateCollectionInNewDatabase"]["parameters"] == {"path.database": "$request.body#/name"}
    create = paths[collections]["post"]["responses"]["200"]["links"]
    assert create["AddRecords"]["parameters"]["path.collection_id"] == "$response.body#/id"
    # GET/DELETE take the collection NAME (reference 10.1.1); record endpoints the UUID.
    assert create["GetCollectionByName"]["parameters"]["path.collection_id"] == "$response.body#/name"
    add = paths[collections + "/{collection_id}/add"]["post"]["responses"]["201"]["links"]
    assert add["UpdateAddedRecords"]["requestBody"] == {"ids": "$request.body#/ids"}
    update = paths[collections + "/{collection_id}/update"]["post"]["responses"]["200"]["links"]
    assert update["GetUpdatedRecords"]["operationId"] == "collection_get"
    deleted = paths[collections + "/{collection_id}"]["delete"]["responses"]["200"]["links"]
    assert deleted["GetDeletedCollection"]["operationId"] == "get_collection"


def test_schemathesis_accepts_the_links_as_transitions() -> None:
    assert schemathesis.openapi.from_dict(bundled_spec()).statistic.transitions.total == 0  # Chroma declares none
    patched = apply_links(bundled_spec(), load_links())
    schema = schemathesis.openapi.from_dict(patched)
    assert schema.statistic.transitions.total == count_links(patched) > 30
    assert "collection_update" in selected_operations(schema)


def test_links_to_operations_missing_from_the_spec_are_skipped() -> None:
    spec = bundled_spec()
    del spec["paths"]["/api/v2/tenants/{tenant}/databases/{database}/collections/{collection_id}/update"]
    patched = apply_links(spec, load_links())
    add = patched["paths"]["/api/v2/tenants/{tenant}/databases/{database}/collections/{collection_id}/add"]
    assert "UpdateAddedRecords" not in add["post"]["responses"]["201"]["links"]


# expected_records / compare_records ------------------------------------------------------------
def got(ids: list[str], **columns: list[Any]) -> dict[str, Any]:
    return {"ids": ids, **columns}


def test_update_merges_metadata_and_null_deletes() -> None:
    body = {"ids": ["r1"], "documents": ["after"], "metadatas": [{"b": None, "c": True}]}
    want = expected_records("collection_update", body)
    good = got(["r1"], documents=["after"], metadatas=[{"a": 1, "c": True}], embeddings=[[1.0]], uris=[None])
    assert compare_records(want, good) == []
    stale = got(["r1"], documents=["before"], metadatas=[{"a": 1, "b": "x"}], embeddings=[[1.0]], uris=[None])
    problems = compare_records(want, stale)
    assert any("document" in p for p in problems)
    assert any("'b'" in p and "null" in p for p in problems)
    assert any("'c'" in p for p in problems)


def test_update_of_a_missing_id_needs_nothing_but_add_needs_the_id() -> None:
    assert compare_records(expected_records("collection_update", {"ids": ["nope"]}), got([])) == []
    problems = compare_records(expected_records("collection_add", {"ids": ["a"], "embeddings": [[1.0]]}), got([]))
    assert problems == ["id 'a' was written but get does not return it"]


def test_a_batch_is_replayed_in_order_last_non_null_wins() -> None:
    body = {
        "ids": ["x", "x"],
        "embeddings": [[1.0], [2.0]],
        "documents": ["first", None],
        "metadatas": [{"a": 1}, {"b": 2}],
    }
    want = expected_records("collection_upsert", body)["x"]
    assert want.embedding == [2.0] and want.document == "first"
    assert want.metadata == {"a": 1, "b": 2}


def test_embeddings_compare_as_float32_and_base64_is_decoded() -> None:
    encoded = base64.b64encode(struct.pack("<2f", 0.5, -1.25)).decode()
    want = expected_records("collection_upsert", {"ids": ["e"], "embeddings": [encoded]})
    assert compare_records(want, got(["e"], embeddings=[[0.5, -1.25]])) == []
    f32 = expected_records("collection_upsert", {"ids": ["e"], "embeddings": [[0.123456789]]})
    assert compare_records(f32, got(["e"], embeddings=[[0.12345679]])) == []
    assert compare_records(f32, got(["e"], embeddings=[[0.5]]))


def test_same_value_keeps_bools_apart_from_numbers() -> None:
    assert same_value(2, 2.0) and same_value([1, 2], [1.0, 2.0])
    assert not same_value(True, 1) and not same_value(1, True)
    assert same_value({"a": [True]}, {"a": [True]}) and not same_value({"a": 1}, {"a": 1, "b": 2})
