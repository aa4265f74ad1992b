"""Seed: loading from dicts and files, derived embeddings, validation errors, export -> import round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mockserver
from mockserver.control.seed import (
    DEFAULT_DIMENSION,
    SeedError,
    embed_text,
    export_state,
    import_state,
    load_seed,
    read_seed,
)
from mockserver.errors import InvalidArgument, NotFound
from mockserver.store import RecordBatch, Store

FRUIT_YAML = """
tenants: [acme]
databases:
  - {name: prod, tenant: acme}
collections:
  - name: fruit
    tenant: acme
    database: prod
    metadata: {topic: food}
    configuration: {hnsw: {space: cosine}}
    dimension: 16
    records:
      - {id: apple, document: Apples are red and sweet, metadata: {colour: red}}
      - {id: lime, document: Limes are green and sour, metadata: {colour: green}, uri: "https://x/lime"}
      - {id: given, embedding: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
"""


def test_yaml_file_with_derived_embeddings(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(FRUIT_YAML)
    store = Store()
    summary = load_seed(store, path)
    assert (summary.tenants, summary.databases, summary.collections, summary.records) == (1, 1, 1, 3)
    collection = store.get_collection("acme", "prod", "fruit")
    assert collection.dimension == 16 and collection.space == "cosine" and collection.metadata == {"topic": "food"}
    got = store.get("prod", collection.id, include=["embeddings", "documents", "metadatas", "uris"])
    records = got.records
    assert records.ids == ["apple", "lime", "given"]
    assert records.documents == ["Apples are red and sweet", "Limes are green and sour", None]
    assert records.uris == [None, "https://x/lime", None]
    assert records.embeddings is not None
    assert np.allclose(records.embeddings[0], embed_text("Apples are red and sweet", 16))
    assert records.embeddings[2].tolist()[0] == 1.0


def test_json_file_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps(
            {
                "collections": [
                    {
                        "name": "cols",
                        "records": {"ids": ["a", "b"], "documents": ["one", "two"], "metadatas": [{"n": 1}, None]},
                    }
                ]
            }
        )
    )
    store = Store()
    load_seed(store, str(path))
    collection = store.get_collection("default_tenant", "default_database", "cols")
    assert collection.dimension == DEFAULT_DIMENSION
    assert store.get("default_database", collection.id).records.metadatas == [{"n": 1}, None]


def test_embeddings_are_deterministic_unit_vectors_across_processes() -> None:
    here = embed_text("The quick brown fox", 32)
    code = "from mockserver.control.seed import embed_text; print(embed_text('The quick brown fox', 32))"
    root = Path(mockserver.__file__).parent.parent
    there = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={"PYTHONHASHSEED": "123"},
    ).stdout
    assert str(here) == there.strip()
    assert abs(float(np.linalg.norm(here)) - 1.0) < 1e-6
    assert len(embed_text("x")) == DEFAULT_DIMENSION
    assert embed_text("Hello, World") == embed_text("hello world")  # case and punctuation do not matter
    assert embed_text("!!!", 8) == embed_text("!!!", 8) and np.linalg.norm(embed_text("!!!", 8)) > 0.99
    with pytest.raises(ValueError):
        embed_text("x", 0)


def test_derived_embeddings_put_shared_words_close() -> None:
    def cos(a: str, b: str) -> float:
        return float(np.dot(embed_text(a), embed_text(b)))

    assert cos("red apples", "apples are red") > cos("red apples", "green limes are sour") + 0.3


def test_dimension_comes_from_given_embeddings_when_not_stated() -> None:
    store = Store()
    load_seed(
        store,
        {
            "collections": [
                {"name": "mixed", "records": [{"id": "a", "embedding": [0.1, 0.2, 0.3]}, {"id": "b", "document": "b"}]}
            ]
        },
    )
    collection = store.get_collection("default_tenant", "default_database", "mixed")
    assert collection.dimension == 3 and store.count("default_database", collection.id) == 2


def test_record_without_document_derives_from_its_id() -> None:
    seed = read_seed({"collections": [{"name": "ids", "dimension": 4, "records": [{"id": "lonely"}]}]})
    records = seed.collections[0].records
    assert records is not None and records.embeddings == [embed_text("lonely", 4)]


def test_missing_tenants_and_databases_are_created_existing_ones_kept() -> None:
    store = Store()
    summary = load_seed(
        store,
        {
            "tenants": ["default_tenant"],
            "databases": ["default_database", "analytics"],
            "collections": [{"name": "c01", "tenant": "other", "database": "db2"}],
        },
    )
    assert (summary.tenants, summary.databases, summary.collections, summary.records) == (1, 2, 1, 0)
    assert store.get_tenant("other") == "other"
    assert store.get_database("default_tenant", "analytics").name == "analytics"
    assert store.get_collection("other", "db2", "c01").name == "c01"


@pytest.mark.parametrize(
    ("seed", "where"),
    [
        ({"collection": []}, "unknown key(s) collection"),
        ({"collections": [{"name": "ok", "metadta": {}}]}, "collections[0]: unknown key(s) metadta"),
        ({"collections": [{"metadata": {}}]}, "collections[0]: a collection needs a name"),
        ({"collections": [{"name": "x"}]}, "collections[0] ('x'): Validation error: name"),
        ({"collections": [{"name": "good", "metadata": {}}]}, "Metadata cannot be empty"),
        ({"collections": [{"name": "good", "configuration": {"hnsw": {"nope": 1}}}]}, "collections[0] ('good')"),
        (
            {"collections": [{"name": "good", "records": {"ids": ["a", "b"], "documents": ["x"]}}]},
            "has 1 entries for 2 ids",
        ),
        ({"collections": [{"name": "good", "records": [{"document": "x"}]}]}, "records[0]: a record needs an id"),
        (
            {"collections": [{"name": "good", "dimension": 2, "records": [{"id": "a", "embedding": [1, 2, 3]}]}]},
            "expecting embedding with dimension of 2, got 3",
        ),
        ({"collections": [{"name": "good", "id": "not-a-uuid"}]}, "not a UUID"),
        ({"version": 2}, "unsupported seed format version"),
        ({"tenants": "acme"}, "tenants: expected a list"),
        ({"databases": [{"name": "x!"}]}, "database 'x!'"),
    ],
)
def test_bad_seeds_name_the_place(seed: dict[str, Any], where: str) -> None:
    with pytest.raises(SeedError) as info:
        load_seed(Store(), seed)
    assert where in str(info.value)
    assert isinstance(info.value, InvalidArgument) and info.value.status == 400


def test_existing_collection_is_an_error_and_bad_files_are_reported(tmp_path: Path) -> None:
    store = Store()
    load_seed(store, {"collections": [{"name": "twice"}]})
    with pytest.raises(SeedError, match="already exists"):
        load_seed(store, {"collections": [{"name": "twice"}]})
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(store, tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("collections: [\n")
    with pytest.raises(SeedError, match="not valid YAML"):
        load_seed(store, bad)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_seed(store, empty).collections == 0


def populated_store() -> Store:
    store = Store()
    store.create_tenant("acme")
    store.create_database("acme", "prod")
    a = store.create_collection(
        "acme", "prod", "alpha", metadata={"k": "v"}, configuration={"hnsw": {"space": "ip", "ef_search": 42}}
    )
    store.create_collection("acme", "prod", "legacy", metadata={"hnsw:space": "cosine"})
    store.add(
        "prod",
        a.id,
        RecordBatch(
            ["x", "y", "z"],
            [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]],
            ["doc x", None, "doc z"],
            [None, "s3://y", None],
            [{"n": 1, "tags": ["a", "b"]}, {"only_y": "gone"}, {"f": 1.5, "b": True}],
        ),
    )
    store.delete("prod", a.id, ids=["y"])  # `only_y` stays in the collection's schema
    store.add(
        "prod", a.id, RecordBatch(["y"], [[0.7, 0.8]], ["doc y again"], None, None)
    )  # re-added: last in storage order
    empty = store.create_collection("default_tenant", "default_database", "empty-one")
    store.add("default_database", empty.id, RecordBatch(["gone"], [[1.0, 2.0, 3.0]], None, None, None))
    store.delete("default_database", empty.id, ids=["gone"])  # keeps its dimension, no records
    return store


def test_export_import_round_trip_keeps_ids_order_config_and_embeddings() -> None:
    source = populated_store()
    snapshot = export_state(source)
    json.dumps(snapshot)  # plain JSON, no NumPy
    target = Store()
    target.create_collection("default_tenant", "default_database", "to-be-replaced")
    summary = import_state(target, snapshot)
    assert summary.collections == 3 and summary.records == 3
    assert export_state(target) == snapshot
    for name in ("alpha", "legacy"):  # what clients see of a collection, schema included, is unchanged
        assert target.get_collection("acme", "prod", name).body() == source.get_collection("acme", "prod", name).body()
    alpha = source.get_collection("acme", "prod", "alpha")
    copy = target.get_collection("acme", "prod", "alpha")
    assert copy.space == "ip" and copy.configuration.hnsw.ef_search == 42
    assert "only_y" in copy.body()["schema"]["keys"]
    assert target.get_collection("acme", "prod", "legacy").space == "cosine"
    assert target.get_database("acme", "prod").id == source.get_database("acme", "prod").id
    got = target.get("prod", copy.id, include=["embeddings", "documents", "metadatas", "uris"]).records
    assert got.ids == ["x", "z", "y"]
    assert got.embeddings is not None and got.embeddings.dtype == np.float32
    original = source.get("prod", alpha.id, include=["embeddings"]).records.embeddings
    assert original is not None and got.embeddings.tolist() == original.tolist()
    assert target.get_collection("default_tenant", "default_database", "empty-one").dimension == 3
    with pytest.raises(NotFound, match="does not exist"):
        target.get_collection("default_tenant", "default_database", "to-be-replaced")


def test_import_is_all_or_nothing() -> None:
    store = populated_store()
    before = export_state(store)
    with pytest.raises(SeedError):
        import_state(store, {"collections": [{"name": "fine"}, {"name": "x"}]})
    assert export_state(store) == before


def test_load_refuses_a_collection_id_in_use() -> None:
    store = populated_store()
    snapshot = export_state(store)
    with pytest.raises(SeedError, match="already in use"):
        load_seed(store, {"collections": [{"name": "other-name", "id": snapshot["collections"][0]["id"]}]})


def test_a_seed_file_is_parsed_once_while_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    path = tmp_path / "fruit.yaml"
    path.write_text(FRUIT_YAML)
    parses = []
    real_load = yaml.load
    monkeypatch.setattr(yaml, "load", lambda raw, Loader: parses.append(Loader) or real_load(raw, Loader=Loader))
    first = read_seed(path)
    assert read_seed(str(path)) is first
    assert parses == [getattr(yaml, "CSafeLoader", yaml.SafeLoader)]  # libyaml's loader when PyYAML has it
    for store in (Store(), Store()):  # the cached seed loads into any number of stores
        load_seed(store, first)
        store.update_collection("prod", store.get_collection("acme", "prod", "fruit").id, new_metadata={"x": 1})
    assert read_seed(path).collections[0].metadata == {"topic": "food"}  # the stores did not own the seed's dicts
    path.write_text(FRUIT_YAML.replace("Apples are red", "Apples are green"))
    second = read_seed(path)
    assert second is not first and len(parses) == 2
