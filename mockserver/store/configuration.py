"""Store: collection configuration (HNSW, legacy `hnsw:*` metadata, embedding function) and its schema view."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any

from mockserver.errors import InvalidArgument

JsonObject = dict[str, Any]

SPACES = ("l2", "cosine", "ip")

#: legacy metadata key -> (hnsw field, expected type)
_LEGACY_KEYS: dict[str, tuple[str, type]] = {
    "hnsw:space": ("space", str),
    "hnsw:construction_ef": ("ef_construction", int),
    "hnsw:search_ef": ("ef_search", int),
    "hnsw:M": ("max_neighbors", int),
    "hnsw:num_threads": ("num_threads", int),
    "hnsw:resize_factor": ("resize_factor", float),
    "hnsw:batch_size": ("batch_size", int),
    "hnsw:sync_threshold": ("sync_threshold", int),
}


@dataclass(frozen=True)
class Hnsw:
    space: str = "l2"
    ef_construction: int = 100
    ef_search: int = 100
    max_neighbors: int = 16
    resize_factor: float = 1.2
    sync_threshold: int = 1000
    num_threads: int = 2
    batch_size: int = 100


def hnsw_view(h: Hnsw) -> JsonObject:
    """The `hnsw` object of a vector index config in a collection's `schema`, in Chroma's key order."""
    return {
        "ef_construction": h.ef_construction,
        "max_neighbors": h.max_neighbors,
        "ef_search": h.ef_search,
        "num_threads": h.num_threads,
        "batch_size": h.batch_size,
        "sync_threshold": h.sync_threshold,
        "resize_factor": h.resize_factor,
    }


@dataclass(frozen=True)
class Configuration:
    hnsw: Hnsw = field(default_factory=Hnsw)
    embedding_function: JsonObject | None = None
    user_schema: JsonObject | None = None  # keys the client set in `schema` on create
    #: a collection driven by a client schema (schema_config): whether its `#embedding` vector index
    #: is enabled, and the `defaults` vector index view (space, embedding function, hnsw)
    embedding_enabled: bool = True
    defaults_vector: JsonObject | None = None
    #: cloud profile: the SPANN index config (`mockserver.store.spann`) that replaces `hnsw` in the views
    spann: JsonObject | None = None
    #: cloud profile: the output collection of this attached function (`mockserver.store.functions`)
    source_attached_function_id: str | None = None

    def configuration_json(self) -> JsonObject:
        h = self.hnsw
        if self.spann is not None:
            spann = {**self.spann, "space": h.space}
            return {
                "hnsw": None,
                "spann": {key: spann[key] for key in _SPANN_PUBLIC},
                "embedding_function": copy.deepcopy(self.embedding_function),
            }
        return {
            "hnsw": {
                "space": h.space,
                "ef_construction": h.ef_construction,
                "ef_search": h.ef_search,
                "max_neighbors": h.max_neighbors,
                "resize_factor": h.resize_factor,
                "sync_threshold": h.sync_threshold,
            },
            "spann": None,
            "embedding_function": copy.deepcopy(self.embedding_function),
        }

    def schema_json(self, seen: dict[str, list[str]] | None = None) -> JsonObject:
        """The collection's `schema`: defaults, the client's schema, then the metadata keys `seen` in records."""
        h = self.hnsw
        hnsw = hnsw_view(h)

        def vector_config(source_key: bool) -> JsonObject:
            if not source_key and self.defaults_vector is not None:
                return copy.deepcopy(self.defaults_vector)
            config: JsonObject = {"space": h.space}
            if self.embedding_function is not None:
                config["embedding_function"] = copy.deepcopy(self.embedding_function)
            if source_key:
                config["source_key"] = "#document"
            if self.spann is not None:
                config["spann"] = dict(self.spann)
            else:
                config["hnsw"] = dict(hnsw)
            return config

        schema: JsonObject = {
            "defaults": {
                "string": {
                    "fts_index": {"enabled": False, "config": {}},
                    "string_inverted_index": {"enabled": True, "config": {}},
                },
                "float_list": {"vector_index": {"enabled": False, "config": vector_config(False)}},
                "sparse_vector": {
                    "sparse_vector_index": {
                        "enabled": False,
                        "config": {"embedding_function": {"type": "unknown"}, "bm25": False},
                    }
                },
                "int": {"int_inverted_index": {"enabled": True, "config": {}}},
                "float": {"float_inverted_index": {"enabled": True, "config": {}}},
                "bool": {"bool_inverted_index": {"enabled": True, "config": {}}},
            },
            "keys": {
                "#embedding": {
                    "float_list": {"vector_index": {"enabled": self.embedding_enabled, "config": vector_config(True)}}
                },
                "#document": {
                    "string": {
                        "fts_index": {"enabled": True, "config": {}},
                        "string_inverted_index": {"enabled": False, "config": {}},
                    }
                },
            },
        }
        if self.user_schema:
            for kind, indexes in (self.user_schema.get("defaults") or {}).items():
                if kind in _INVERTED and isinstance(indexes, dict):
                    schema["defaults"][kind].update(copy.deepcopy(indexes))
                elif kind == "sparse_vector" and isinstance(indexes.get("sparse_vector_index"), dict):
                    schema["defaults"][kind]["sparse_vector_index"] = _sparse_defaults(indexes["sparse_vector_index"])
            for key, value_types in (self.user_schema.get("keys") or {}).items():
                if key == "#embedding":
                    continue
                given = {k: copy.deepcopy(v) for k, v in value_types.items() if k in _VALUE_TYPES}
                if key == "#document":
                    schema["keys"][key]["string"].update(given.get("string", {}))
                else:
                    schema["keys"][key] = given
        for key, kinds in (seen or {}).items():
            entry = schema["keys"].setdefault(key, {})
            for kind in kinds:
                entry.setdefault(kind, copy.deepcopy(schema["defaults"][kind]))
        if self.source_attached_function_id is not None:
            schema["source_attached_function_id"] = self.source_attached_function_id
        return schema

    def inverted_index_enabled(self, key: str, kind: str) -> bool:
        """Whether `where` may filter on `key` with a `kind` ("str", "int", "float", "bool") value:
        the key's own setting for that type in the client's schema, else the schema's defaults
        (`kind` "fts": whether documents may be searched, `#document`'s full-text index)."""
        schema = self.user_schema or {}
        if kind == "fts":  # full-text search on documents: on unless the schema turned it off
            fts = (((schema.get("keys") or {}).get("#document") or {}).get("string") or {}).get("fts_index")
            return not (isinstance(fts, dict) and fts.get("enabled") is False)
        value_type = "string" if kind == "str" else kind
        if key == "#document" and value_type == "string":
            return False  # that is full-text search (a schema cannot turn this index on)
        index_name = f"{value_type}_inverted_index"
        for indexes in ((schema.get("keys") or {}).get(key), schema.get("defaults")):
            index = ((indexes or {}).get(value_type) or {}).get(index_name)
            if isinstance(index, dict) and isinstance(index.get("enabled"), bool):
                return bool(index["enabled"])
        return True

#: `SpannConfiguration` (the `spann` of `configuration_json`, `mockserver.store.spann`), in its struct order
_SPANN_PUBLIC = (
    "search_nprobe", "write_nprobe", "space", "ef_construction", "ef_search", "max_neighbors",
    "reassign_neighbor_count", "split_threshold", "merge_threshold",
)  # fmt: skip

#: The value types of a schema, and the inverted-index kinds a metadata value can add to `keys`.
_VALUE_TYPES = ("string", "float_list", "sparse_vector", "int", "float", "bool")
_INVERTED = ("string", "int", "float", "bool")


def _sparse_defaults(index: JsonObject) -> JsonObject:
    """The `defaults` sparse vector index: the client's settings field by field over the default's."""
    given = index.get("config") or {}
    config: JsonObject = {"embedding_function": copy.deepcopy(given.get("embedding_function") or {"type": "unknown"})}
    if given.get("source_key") is not None:
        config["source_key"] = given["source_key"]
    config["bm25"] = given.get("bm25") if given.get("bm25") is not None else False
    return {"enabled": index.get("enabled"), "config": config}


def embedding_function_as_read(ef: Any) -> Any:
    """An embedding function configuration as Chroma's serde enum reads it: the fields of its
    variant (`legacy` and `unknown` have none, `known` has `name` and `config`), others dropped."""
    if not isinstance(ef, dict):
        return ef
    if ef.get("type") == "known":
        return {"type": "known", "name": ef.get("name"), "config": copy.deepcopy(ef.get("config"))}
    return {"type": ef.get("type")}


def metadata_value_type(value: Any) -> str | None:
    """The schema value type a record metadata value indexes as (arrays: their elements'; [] is bool)."""
    if isinstance(value, list):
        return metadata_value_type(value[0]) if value else "bool"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return None


def configuration_for_create(configuration: JsonObject | None, metadata: JsonObject | None) -> Configuration:
    """Resolve create_collection's configuration (without a schema; see `schema_config.reconcile`).

    With `spann`, its space is used and `hnsw:*` metadata is ignored. Otherwise `hnsw:*` metadata
    is always validated, and used only when the explicit hnsw configuration resolves to the defaults.
    """
    configuration = configuration or {}
    hnsw_given, spann_given = configuration.get("hnsw"), configuration.get("spann")
    if hnsw_given is not None and spann_given is not None:
        raise InvalidArgument("Multiple vector index configurations provided")
    if spann_given is not None:
        hnsw = Hnsw() if spann_given.get("space") is None else Hnsw(space=spann_given["space"])
    else:
        legacy = _legacy_hnsw(metadata)
        hnsw = _hnsw({k: v for k, v in (hnsw_given or {}).items() if v is not None})
        if hnsw == Hnsw():
            hnsw = legacy
    return Configuration(
        hnsw=hnsw,
        embedding_function=embedding_function_as_read(configuration.get("embedding_function")),
    )


def _hnsw(values: dict[str, Any]) -> Hnsw:
    if "resize_factor" in values:
        values["resize_factor"] = float(values["resize_factor"])
    return Hnsw(**values)


def _legacy_hnsw(metadata: JsonObject | None) -> Hnsw:
    """The HNSW parameters in `hnsw:*` collection metadata (400 for an unknown key or a bad value)."""
    values: dict[str, Any] = {}
    for key, value in (metadata or {}).items():
        if not key.startswith("hnsw:"):
            continue
        name, kind = _LEGACY_KEYS.get(key, ("", type(None)))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        negative = isinstance(value, int) and value < 0  # the Rust fields are usize
        if not name or not isinstance(value, kind) or isinstance(value, bool) or negative or (
            name == "space" and value not in SPACES
        ):
            raise InvalidArgument("Failed to parse hnsw parameters from segment metadata")
        values[name] = value
    return _hnsw(values)


def configuration_for_update(current: Configuration, new: JsonObject | None) -> Configuration:
    if not new:
        return current
    hnsw_given, spann_given = new.get("hnsw"), new.get("spann")
    if hnsw_given is not None and spann_given is not None:
        raise InvalidArgument("Multiple vector index configurations provided")
    result = current
    # a schema-driven collection's `defaults` view follows the changes too (but keeps its space)
    view = None if current.defaults_vector is None else copy.deepcopy(current.defaults_vector)
    if hnsw_given is not None:
        changes = {k: v for k, v in hnsw_given.items() if v is not None}
        if "resize_factor" in changes:
            changes["resize_factor"] = float(changes["resize_factor"])
        result = replace(result, hnsw=replace(result.hnsw, **changes))
        if view is not None:
            view["hnsw"].update({k: v for k, v in changes.items() if k in view["hnsw"]})
    if new.get("embedding_function") is not None:
        ef = embedding_function_as_read(new["embedding_function"])
        result = replace(result, embedding_function=ef)
        if view is not None:
            view["embedding_function"] = copy.deepcopy(ef)
    if view is not None:
        result = replace(result, defaults_vector=view)
    return result
