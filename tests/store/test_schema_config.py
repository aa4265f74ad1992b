"""Store: a client schema reconciled with the configuration on create (what drives the collection)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.control.seed import export_state, import_state
from mockserver.errors import InvalidArgument
from mockserver.serve.standalone import Options, build
from mockserver.store import Store
from mockserver.store.configuration import Hnsw, configuration_for_update
from mockserver.store.schema_config import CONFLICT, is_default_schema, reconcile

EF = {"type": "known", "name": "default", "config": {}}
OTHER_EF = {"type": "known", "name": "openai", "config": {}}


def emb(enabled: bool = True, **config: Any) -> dict[str, Any]:
    return {"defaults": {}, "keys": {"#embedding": {"float_list": {"vector_index": {"enabled": enabled, "config": config}}}}}


@pytest.mark.parametrize(
    ("schema", "as_given", "merged"),
    [
        ({"defaults": {}, "keys": {}}, True, True),
        (emb(space="l2", source_key="#document", embedding_function=EF), True, True),
        (emb(source_key="#document", hnsw={"ef_search": 100}), True, True),
        (emb(space="l2"), False, True),  # no source_key: refused next to a configuration, but not driving
        (emb(), False, True),
        (emb(space="cosine", source_key="#document"), False, False),
        (emb(source_key="#document", hnsw={"ef_search": 101}), False, False),
        (emb(source_key="#document", embedding_function=OTHER_EF), False, False),
        (emb(enabled=False, source_key="#document"), False, False),
        ({"defaults": {"float_list": {"vector_index": {"enabled": False, "config": {"space": "l2"}}}}, "keys": {}}, True, True),
        ({"defaults": {"float_list": {"vector_index": {"enabled": False, "config": {"space": "ip"}}}}, "keys": {}}, False, False),
        ({"defaults": {"int": {"int_inverted_index": {"enabled": False, "config": {}}}}, "keys": {}}, False, False),
        ({"defaults": {}, "keys": {"foo": {}}}, False, False),
    ],
)
def test_what_counts_as_a_default_schema(schema: dict[str, Any], as_given: bool, merged: bool) -> None:
    assert is_default_schema(schema) is as_given
    assert is_default_schema(schema, merged=True) is merged


def test_a_driving_schema_gives_space_hnsw_and_embedding_function() -> None:
    config = reconcile(
        {"embedding_function": EF},  # a default configuration: its embedding function is dropped
        None,
        emb(space="cosine", hnsw={"ef_search": 40, "resize_factor": 2}, embedding_function=OTHER_EF),
    )
    assert config.hnsw == Hnsw(space="cosine", ef_search=40, resize_factor=2.0)
    assert config.embedding_function == OTHER_EF
    assert config.defaults_vector is not None and config.defaults_vector["space"] == "l2"
    view = config.schema_json()
    assert view["keys"]["#embedding"]["float_list"]["vector_index"]["config"]["space"] == "cosine"
    assert view["defaults"]["float_list"]["vector_index"]["config"]["hnsw"]["ef_search"] == 100
    updated = configuration_for_update(config, {"hnsw": {"ef_search": 77}})
    assert updated.hnsw.ef_search == 77 and updated.defaults_vector is not None
    assert updated.defaults_vector["hnsw"]["ef_search"] == 77 and updated.defaults_vector["space"] == "l2"


@pytest.mark.parametrize(
    ("configuration", "metadata"),
    [({"hnsw": {"space": "ip"}}, None), ({"spann": {"space": "ip"}}, None), ({"embedding_function": OTHER_EF}, None),
     (None, {"hnsw:M": 8})],
)
def test_a_configuration_and_a_schema_together_are_refused(configuration: Any, metadata: Any) -> None:
    with pytest.raises(InvalidArgument) as raised:
        reconcile(configuration, metadata, emb(space="cosine", source_key="#document"))
    assert str(raised.value) == CONFLICT


def test_a_default_schema_leaves_the_configuration_in_charge() -> None:
    config = reconcile({"hnsw": {"space": "ip"}, "embedding_function": EF}, None, emb(space="l2", source_key="#document"))
    assert config.hnsw.space == "ip" and config.embedding_function == EF and config.defaults_vector is None


def test_export_and_state_file_recreate_a_schema_driven_collection(tmp_path: Path) -> None:
    store = Store()
    created = store.create_collection(
        "default_tenant", "default_database", "driven", None, None,
        {"defaults": {"float_list": {"vector_index": {"enabled": False, "config": {"space": "ip"}}}},
         "keys": {"#embedding": {"float_list": {"vector_index": {"enabled": True, "config": {"space": "cosine"}}}}}},
    )
    store.update_collection("default_database", created.id, None, None, {"hnsw": {"ef_search": 77}})
    before = store.get_collection("default_tenant", "default_database", "driven").body()
    exported = export_state(store)
    again = Store()
    import_state(again, exported)
    assert again.get_collection("default_tenant", "default_database", "driven").body() == before
    # the state file keeps the same configuration across a restart
    state = tmp_path / "state.db"
    stack = build(Options(state_file=str(state)))
    import_state(stack.app.store, exported)
    assert stack.persistence is not None
    stack.persistence.checkpoint()
    stack.persistence.close()
    reopened = build(Options(state_file=str(state)))
    assert reopened.app.store.get_collection("default_tenant", "default_database", "driven").body() == before
    assert reopened.persistence is not None
    reopened.persistence.close()


def test_which_filters_a_client_schema_allows() -> None:
    index_off = {"enabled": False, "config": {}}
    config = reconcile(None, None, {
        "defaults": {"int": {"int_inverted_index": index_off}},
        "keys": {"foo": {"string": {"string_inverted_index": index_off}},
                 "bar": {"int": {"int_inverted_index": {"enabled": True, "config": {}}}},
                 "#document": {"string": {"fts_index": index_off}}},
    })
    allowed = config.inverted_index_enabled
    assert [allowed("foo", "str"), allowed("foo", "bool"), allowed("foo", "int")] == [False, True, False]
    assert [allowed("bar", "int"), allowed("zzz", "int"), allowed("zzz", "float")] == [True, False, True]
    assert [allowed("#document", "str"), allowed("#document", "fts")] == [False, False]
    plain = reconcile(None, None, None).inverted_index_enabled
    assert [plain("foo", "str"), plain("#document", "str"), plain("#document", "fts")] == [True, False, True]
