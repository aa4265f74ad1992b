"""Store: Chroma's `validate_schema`, the validator's 400s for a client schema on create_collection.

The checks and their order follow `rust/types/src/validators.rs` at 1.5.9: the reserved
`source_attached_function_id`, the indexes `defaults` may not enable, then each key. Chroma keeps
`keys` in a hash map, so when several keys are wrong the one it reports varies between requests;
the mock reads them in the order the body has them.
"""

from __future__ import annotations

from typing import Any

from mockserver.errors import InvalidArgument
from mockserver.serde.debug import rust_debug

JsonObject = dict[str, Any]
_PREFIX = "Validation error: schema: "
_NOT_ON_DOCUMENT = ("boolean", "float", "int", "float_list", "sparse_vector")
_NOT_ON_EMBEDDING = ("boolean", "float", "int", "string", "sparse_vector")


def _fail(message: str) -> None:
    raise InvalidArgument(_PREFIX + message)


def _index(value_types: Any, kind: str, name: str) -> JsonObject | None:
    """The index `name` of value type `kind`, when the schema (as read) declares it."""
    index = ((value_types or {}).get(kind) or {}).get(name)
    return index if isinstance(index, dict) else None


def _enabled(index: JsonObject | None) -> bool:
    return index is not None and index.get("enabled") is True


def _config(index: JsonObject | None) -> JsonObject:
    return (index or {}).get("config") or {}


def validate_schema(schema: JsonObject) -> None:
    """400 "Validation error: schema: ..." for the first problem; `schema` is read as serde reads it."""
    if schema.get("source_attached_function_id") is not None:
        _fail("Cannot set source_attached_function_id. This field is reserved for system use.")
    defaults = schema.get("defaults") or {}
    vector = _index(defaults, "float_list", "vector_index")
    if _enabled(vector):
        _fail("Vector index cannot be enabled by default. It can only be enabled on #embedding field.")
    if _config(vector).get("hnsw") is not None and _config(vector).get("spann") is not None:
        _fail("Both spann and hnsw config cannot be present at the same time.")
    if _enabled(_index(defaults, "sparse_vector", "sparse_vector_index")):
        _fail(
            "Sparse vector index cannot be enabled by default. Please enable sparse vector index on specific "
            "keys. At most one sparse vector index is allowed for the collection."
        )
    if _enabled(_index(defaults, "string", "fts_index")):
        _fail(
            "Full text search / regular expression index cannot be enabled by default. It can only be enabled "
            "on #document field."
        )
    sparse_keys: list[str] = []
    for key, value_types in (schema.get("keys") or {}).items():
        _check_key(key, value_types or {}, sparse_keys)


def _check_key(key: str, value_types: JsonObject, sparse_keys: list[str]) -> None:
    if key.startswith("#") and key not in ("#document", "#embedding"):
        _fail(f"key cannot begin with '#'. Keys starting with '#' are reserved for system use: {key}")
    if key == "#document" and any(value_types.get(kind) is not None for kind in _NOT_ON_DOCUMENT):
        _fail(f"Document field cannot have any value types other than string: {key}")
    if key == "#embedding" and any(value_types.get(kind) is not None for kind in _NOT_ON_EMBEDDING):
        _fail(f"Embedding field cannot have any value types other than float_list: {key}")
    vector = _index(value_types, "float_list", "vector_index")
    if vector is not None:
        if _enabled(vector) and key != "#embedding":
            _fail(f"Vector index can only be enabled on #embedding field: {key}")
        if _config(vector).get("source_key") not in (None, "#document"):
            _fail("Vector index can only source from #document")
    sparse = _index(value_types, "sparse_vector", "sparse_vector_index")
    if sparse is not None:
        source_key = _config(sparse).get("source_key")
        if _enabled(sparse):
            sparse_keys.append(key)
            if len(sparse_keys) > 1:
                shown = ", ".join(rust_debug(k) for k in sparse_keys)
                _fail(f"At most one sparse vector index is allowed for the collection: [{shown}]")
            if source_key is not None and _config(sparse).get("embedding_function") is None:
                _fail(
                    "If source_key is provided then embedding_function must also be provided since there is no "
                    "default embedding function."
                )
        if isinstance(source_key, str) and source_key.startswith("#") and source_key != "#document":
            _fail(
                "source_key cannot begin with '#'. The only valid key starting with '#' is Key.DOCUMENT or '#document'."
            )
    if _enabled(_index(value_types, "string", "fts_index")) and key != "#document":
        _fail(f"Full text search / regular expression index can only be enabled on #document field: {key}")
    if _enabled(_index(value_types, "string", "string_inverted_index")) and key == "#document":
        _fail(f"String inverted index can not be enabled on #document key: {key}")
