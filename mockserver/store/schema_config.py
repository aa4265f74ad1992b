"""Store: a client `schema` on create, checked and reconciled with the configuration as Chroma 1.5.9 does.

A schema is *default* when every setting it gives is one the default schema has: on `#embedding`
a vector index (enabled, `source_key` "#document"; see `is_default_schema` for when it may be
missing) whose space is `l2` or unset, whose embedding
function is the `default` one or unset and whose HNSW values are the defaults; the same vector
settings (without `source_key`) in `defaults`; the default inverted and full-text indexes; no other
key. (The Python client's `Schema()` is default; `{"space": "l2"}` on `#embedding` without
`source_key` is not: the server replaces a key's index config as a whole.) The configuration is
default when it resolves to the default HNSW parameters (explicit values or `hnsw:*` metadata),
has no SPANN settings and no embedding function other than `default`. Then:

- a non-default schema with a non-default configuration: 400 "Cannot set both ...";
- a non-default schema *drives* the collection: the `#embedding` vector index config gives the
  space, HNSW parameters and embedding function of `configuration_json` (the configuration's own
  embedding function is dropped), and the `defaults` vector index config is kept for the
  schema's `defaults` view (`Configuration.defaults_vector`);
- otherwise the configuration drives, as without a schema, and the schema only adds its
  metadata-index settings to the view.
"""

from __future__ import annotations

import copy
from dataclasses import fields, replace
from typing import Any

from mockserver.errors import InvalidArgument
from mockserver.store.configuration import (
    Configuration,
    Hnsw,
    JsonObject,
    configuration_for_create,
    embedding_function_as_read,
    hnsw_view,
)
from mockserver.store.schema_checks import validate_schema

CONFLICT = "Failed to reconcile schema: Cannot set both collection config and schema simultaneously"
_HNSW_FIELDS = {f.name for f in fields(Hnsw)} - {"space"}
#: Chroma's `ValueTypes` struct: value type -> the index fields of its struct
VALUE_TYPE_INDEXES: dict[str, tuple[str, ...]] = {
    "string": ("fts_index", "string_inverted_index"),
    "float_list": ("vector_index",),
    "sparse_vector": ("sparse_vector_index",),
    "int": ("int_inverted_index",),
    "float": ("float_inverted_index",),
    "bool": ("bool_inverted_index",),
}
#: the default schema's indexes other than the vector index: (where, value type, index) -> enabled
_DEFAULT_ENABLED = {
    ("defaults", "string", "fts_index"): False,
    ("defaults", "string", "string_inverted_index"): True,
    ("defaults", "int", "int_inverted_index"): True,
    ("defaults", "float", "float_inverted_index"): True,
    ("defaults", "bool", "bool_inverted_index"): True,
    ("defaults", "sparse_vector", "sparse_vector_index"): False,
    ("#document", "string", "fts_index"): True,
    ("#document", "string", "string_inverted_index"): False,
}


def reconcile(
    configuration: JsonObject | None, metadata: JsonObject | None, schema: JsonObject | None, sparse: bool = False
) -> Configuration:
    """The configuration of a new collection from create_collection's three inputs (`sparse`: sparse
    vector indexes may be declared, as in a distributed deployment)."""
    from_config = configuration_for_create(configuration, metadata)
    if schema is None:
        return from_config
    schema = check_schema(schema)
    if not sparse:
        refuse_sparse_indexes(schema)
    if not _is_default_configuration(configuration, from_config):
        if not is_default_schema(schema):
            raise InvalidArgument(CONFLICT)
        return replace(from_config, user_schema=schema)
    if is_default_schema(schema, merged=True):
        return replace(from_config, user_schema=schema)
    return _from_schema(schema)


def is_default_ef(ef: Any) -> bool:
    return ef is None or (isinstance(ef, dict) and ef.get("type") == "known" and ef.get("name") == "default")


def _is_default_configuration(given: JsonObject | None, resolved: Configuration) -> bool:
    spann = (given or {}).get("spann") or {}
    spann_default = all(v is None or (k == "space" and v == "l2") for k, v in spann.items())
    return resolved.hnsw == Hnsw() and spann_default and is_default_ef((given or {}).get("embedding_function"))


def is_default_schema(schema: JsonObject, merged: bool = False) -> bool:
    """Whether `schema` asks for nothing but the defaults. The server asks it twice: as given, to
    refuse it next to a non-default configuration, and merged with the default schema (a missing
    `#embedding` `source_key` is then "#document"), to decide whether it drives the collection."""
    for kind, indexes in (schema.get("defaults") or {}).items():
        for name, index in (indexes or {}).items():
            if (kind, name) == ("float_list", "vector_index"):
                if not _default_vector(index, enabled=False, source_key=None):
                    return False
            elif index is not None and not _default_index("defaults", kind, name, index):
                return False
    for key, value_types in (schema.get("keys") or {}).items():
        if key not in ("#embedding", "#document"):
            return False
        for kind, indexes in (value_types or {}).items():
            for name, index in (indexes or {}).items():
                if key == "#embedding":
                    if not _default_vector(index, enabled=True, source_key="#document", source_key_optional=merged):
                        return False
                elif index is not None and not _default_index(key, kind, name, index):
                    return False
    return True


def _default_index(where: str, kind: str, name: str, index: Any) -> bool:
    if not isinstance(index, dict) or _DEFAULT_ENABLED.get((where, kind, name)) != index.get("enabled"):
        return False
    config = index.get("config") or {}
    if kind == "sparse_vector":
        return config.get("embedding_function") in (None, {"type": "unknown"}) and not config.get("bm25") and (
            config.get("source_key") is None
        )
    return not config


def _default_vector(index: Any, enabled: bool, source_key: str | None, source_key_optional: bool = False) -> bool:
    if index is None:
        return True
    if not isinstance(index, dict) or index.get("enabled") is not enabled:
        return False
    config = index.get("config") or {}
    hnsw = Hnsw()
    return (
        config.get("space") in (None, "l2")
        and is_default_ef(config.get("embedding_function"))
        and config.get("source_key") in ((source_key, None) if source_key_optional else (source_key,))
        and config.get("spann") is None
        and all(v is None or v == getattr(hnsw, k, None) for k, v in (config.get("hnsw") or {}).items())
    )


def _from_schema(schema: JsonObject) -> Configuration:
    """The configuration a non-default schema gives (the `#embedding` vector index drives it)."""
    embedding = _vector_index(schema.get("keys", {}).get("#embedding"))
    config = embedding.get("config") or {}
    defaults = _vector_index(schema.get("defaults")).get("config") or {}
    default_view: JsonObject = {"space": defaults.get("space") or "l2"}
    for extra in ("embedding_function", "source_key"):
        if defaults.get(extra) is not None:
            default_view[extra] = copy.deepcopy(defaults[extra])
    default_view["hnsw"] = hnsw_view(_merged_hnsw(defaults))
    return Configuration(
        hnsw=replace(_merged_hnsw(config), space=config.get("space") or "l2"),
        embedding_function=copy.deepcopy(config.get("embedding_function")),
        user_schema=schema,
        embedding_enabled=embedding.get("enabled") is not False,
        defaults_vector=default_view,
    )


def _vector_index(value_types: Any) -> JsonObject:
    index = ((value_types or {}).get("float_list") or {}).get("vector_index")
    return index if isinstance(index, dict) else {}


def _merged_hnsw(config: JsonObject) -> Hnsw:
    given = {k: v for k, v in (config.get("hnsw") or {}).items() if v is not None and k in _HNSW_FIELDS}
    if "resize_factor" in given:
        given["resize_factor"] = float(given["resize_factor"])
    return replace(Hnsw(), **given)


def schema_as_read(schema: JsonObject) -> JsonObject:
    """A client schema (already valid against the spec) as Chroma's serde structs read it: a copy
    without the fields its structs do not have (serde ignores unknown fields) and without the
    `null` ones (not serialized back); embedding functions keep only their variant's fields."""
    read: JsonObject = {"defaults": _value_types_as_read(schema.get("defaults"))}
    read["keys"] = {key: _value_types_as_read(types) for key, types in (schema.get("keys") or {}).items()}
    for extra in ("cmek", "source_attached_function_id"):
        if schema.get(extra) is not None:
            read[extra] = copy.deepcopy(schema[extra])
    return read


def _value_types_as_read(value_types: Any) -> JsonObject:
    read: JsonObject = {}
    for kind, index_names in VALUE_TYPE_INDEXES.items():
        indexes = value_types.get(kind) if isinstance(value_types, dict) else None
        if not isinstance(indexes, dict):
            continue
        read[kind] = {}
        for name in index_names:
            index = indexes.get(name)
            if isinstance(index, dict):
                config = {k: _without_nulls(v) for k, v in (index.get("config") or {}).items() if v is not None}
                if config.get("embedding_function") is not None:
                    config["embedding_function"] = embedding_function_as_read(config["embedding_function"])
                read[kind][name] = {"enabled": index.get("enabled"), "config": config}
    return read


def _without_nulls(value: Any) -> Any:
    """A config value (hnsw, spann) without its `null` fields (an embedding function is kept whole)."""
    if isinstance(value, dict) and "type" not in value:
        return {k: copy.deepcopy(v) for k, v in value.items() if v is not None}
    return copy.deepcopy(value)


def check_schema(schema: JsonObject) -> JsonObject:
    """The validator's 400s for a client schema (`schema_checks`), then the schema as read to keep."""
    read = schema_as_read(schema)
    validate_schema(read)
    return read


def refuse_sparse_indexes(schema: JsonObject) -> None:
    """The single-node server refuses sparse vector indexes when it reconciles the schema (after validation)."""
    for value_types in (schema.get("keys") or {}).values():
        if _enabled(value_types, "sparse_vector", "sparse_vector_index"):
            raise InvalidArgument(
                "Failed to reconcile schema: Invalid schema input: Sparse vector indexing is not enabled in local"
            )


def _enabled(value_types: Any, kind: str, index_name: str) -> bool:
    index = ((value_types or {}).get(kind) or {}).get(index_name) or {}
    return isinstance(index, dict) and index.get("enabled") is True


def schema_to_recreate(configuration: Configuration) -> JsonObject | None:
    """For an export: the schema that creates this collection again, with no configuration, as it
    is now (configuration updates since the create included); None if a schema does not drive it."""
    if configuration.user_schema is None or configuration.defaults_vector is None:
        return None
    schema = copy.deepcopy(configuration.user_schema)
    h = configuration.hnsw
    embedding: JsonObject = {"space": h.space, "source_key": "#document"}
    if configuration.spann is not None:
        embedding["spann"] = dict(configuration.spann)
    else:
        embedding["hnsw"] = hnsw_view(h)
    if configuration.embedding_function is not None:
        embedding["embedding_function"] = copy.deepcopy(configuration.embedding_function)
    keys = schema.setdefault("keys", {})
    keys.setdefault("#embedding", {})["float_list"] = {
        "vector_index": {"enabled": configuration.embedding_enabled, "config": embedding}
    }
    schema.setdefault("defaults", {})["float_list"] = {
        "vector_index": {"enabled": False, "config": copy.deepcopy(configuration.defaults_vector)}
    }
    return schema
