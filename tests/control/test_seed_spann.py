"""Seed export: a cloud profile SPANN collection (configuration- or schema-driven) loads back the same."""

from __future__ import annotations

from mockserver.control.seed import export_state, load_seed
from mockserver.store import Store
from mockserver.store.profile import profile_named

T, DB = "default_tenant", "default_database"


def test_spann_collections_round_trip() -> None:
    store = Store(profile_named("cloud"))
    store.create_collection(T, DB, "spanny", configuration={"spann": {"space": "ip", "search_nprobe": 16}})
    spann = {"space": "cosine", "source_key": "#document", "spann": {"write_nprobe": 8}}
    schema = {
        "defaults": {},
        "keys": {"#embedding": {"float_list": {"vector_index": {"enabled": True, "config": spann}}}},
    }
    store.create_collection(T, DB, "driven", schema=schema)
    again = Store(profile_named("cloud"))
    load_seed(again, export_state(store))
    for name in ("spanny", "driven"):
        before, after = store.get_collection(T, DB, name).body(), again.get_collection(T, DB, name).body()
        assert before["configuration_json"] == after["configuration_json"]
        assert before["schema"] == after["schema"]
    assert again.get_collection(T, DB, "spanny").body()["configuration_json"]["spann"]["search_nprobe"] == 16
