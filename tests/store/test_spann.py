"""Cloud profile: dense vector indexes are SPANN in the configuration and schema views; local stays HNSW."""

from __future__ import annotations

from typing import Any

from mockserver.store import Store
from mockserver.store.profile import profile_named
from mockserver.store.spann import SPANN_DEFAULTS

T, DB = "default_tenant", "default_database"


def cloud() -> Store:
    return Store(profile_named("cloud", compaction_delay=3600.0))


def embedding_index(body: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = body["schema"]["keys"]["#embedding"]["float_list"]["vector_index"]["config"]
    return config


def test_default_collection_reports_spann() -> None:
    body = cloud().create_collection(T, DB, "plain").body()
    assert body["configuration_json"]["hnsw"] is None
    assert body["configuration_json"]["spann"] == {
        "search_nprobe": 64, "write_nprobe": 32, "space": "l2", "ef_construction": 200, "ef_search": 200,
        "max_neighbors": 64, "reassign_neighbor_count": 64, "split_threshold": 50, "merge_threshold": 25,
    }  # fmt: skip
    assert embedding_index(body)["spann"] == SPANN_DEFAULTS and "hnsw" not in embedding_index(body)
    defaults = body["schema"]["defaults"]["float_list"]["vector_index"]["config"]
    assert defaults["spann"] == SPANN_DEFAULTS and "hnsw" not in defaults


def test_hnsw_configuration_keeps_only_its_space() -> None:
    body = (
        cloud()
        .create_collection(T, DB, "hnsw-config", configuration={"hnsw": {"space": "cosine", "ef_search": 7}})
        .body()
    )
    assert body["configuration_json"]["hnsw"] is None
    assert body["configuration_json"]["spann"]["space"] == "cosine"
    assert body["configuration_json"]["spann"]["ef_search"] == 200
    legacy = cloud().create_collection(T, DB, "legacy", metadata={"hnsw:space": "ip"}).body()
    assert legacy["configuration_json"]["spann"]["space"] == "ip"


def test_spann_configuration_and_schema_are_merged_over_the_defaults() -> None:
    store = cloud()
    body = store.create_collection(
        T, DB, "spann-config", configuration={"spann": {"space": "ip", "search_nprobe": 16}}
    ).body()
    assert body["configuration_json"]["spann"]["search_nprobe"] == 16
    assert body["configuration_json"]["spann"]["write_nprobe"] == 32
    schema = {
        "defaults": {},
        "keys": {
            "#embedding": {
                "float_list": {
                    "vector_index": {
                        "enabled": True,
                        "config": {"space": "cosine", "source_key": "#document",
                                   "spann": {"search_nprobe": 16, "write_nprobe": 8}},
                    }
                }
            }
        },
    }  # fmt: skip
    driven = store.create_collection(T, DB, "schema", schema=schema)
    config = embedding_index(driven.body())
    assert (config["space"], config["spann"]["search_nprobe"], config["spann"]["write_nprobe"]) == ("cosine", 16, 8)
    assert config["spann"]["max_neighbors"] == 64
    # an update changes search_nprobe and ef_search only; an hnsw update is ignored
    store.update_collection(DB, driven.id, new_configuration={"spann": {"search_nprobe": 20, "ef_search": 50}})
    store.update_collection(DB, driven.id, new_configuration={"hnsw": {"ef_search": 9}})
    after = store.collection(DB, driven.id).body()
    assert after["configuration_json"]["spann"]["search_nprobe"] == 20
    assert embedding_index(after)["spann"]["ef_search"] == 50
    assert after["schema"]["defaults"]["float_list"]["vector_index"]["config"]["spann"]["search_nprobe"] == 20
    assert after["configuration_json"]["hnsw"] is None


def test_local_profile_stays_hnsw() -> None:
    body = Store().create_collection(T, DB, "local").body()
    assert body["configuration_json"]["spann"] is None and body["configuration_json"]["hnsw"]["ef_search"] == 100
    assert "spann" not in embedding_index(body) and embedding_index(body)["hnsw"]["ef_search"] == 100
