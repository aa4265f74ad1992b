"""Store: record and collection metadata values: validation, normalisation and Chroma's merge rule."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from mockserver.errors import ConnectionDropped, InvalidArgument, Unimplemented
from mockserver.serde.numbers import serde_roundtrip

Metadata = dict[str, Any]
I64_MIN, I64_MAX = -(2**63), 2**63 - 1

DOCUMENT_KEY = "chroma:document"
URI_KEY = "chroma:uri"
HIDDEN_PREFIX = "chroma:"


def is_sparse_vector(value: Any) -> bool:
    return isinstance(value, dict)


def normalise_value(value: Any) -> Any:
    """Ints beyond i64 become floats; int/float mixed arrays become float arrays."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return value
    if isinstance(value, int):
        return value if I64_MIN <= value <= I64_MAX else float(value)
    if isinstance(value, list):
        if any(isinstance(v, float) for v in value) or any(
            isinstance(v, int) and not isinstance(v, bool) and not I64_MIN <= v <= I64_MAX for v in value
        ):
            return [float(v) for v in value]
        return list(value)
    return value


def stored_value(value: Any) -> Any:
    """A record metadata value as Chroma keeps it: floats go through one more serde_json round trip
    (`serde_roundtrip`), and -0.0 is stored as 0.0. Collection metadata is parsed only once."""
    value = normalise_value(value)
    if isinstance(value, float):
        return serde_roundtrip(value) + 0.0
    if isinstance(value, list) and value and isinstance(value[0], float):
        return [serde_roundtrip(v) + 0.0 for v in value]
    return value


def check_record_metadatas(metadatas: list[Metadata | None] | None, field: str = "metadatas") -> None:
    """Key rules (400) and sparse-vector shape (400), in request order; sparse values are 501 later."""
    if not metadatas:
        return
    for index, metadata in enumerate(metadatas):
        if not metadata:
            continue
        for key, value in metadata.items():
            if key == "" or key[0] in "#$":
                raise InvalidArgument(f"Validation error: {field}: Invalid metadata at index {index}")
            if is_sparse_vector(value):
                _check_sparse(value, field, index)


def _check_sparse(value: dict[str, Any], field: str, index: int) -> None:
    if sparse_problem(value) is not None:
        raise InvalidArgument(f"Validation error: {field}: Invalid metadata at index {index}")


def sparse_problem(value: dict[str, Any]) -> str | None:
    """Chroma's sparse-vector rule: parallel arrays of one length (checked first), indices strictly ascending."""
    indices, values, tokens = value.get("indices", []), value.get("values", []), value.get("tokens")
    if len(indices) != len(values) or (tokens is not None and len(tokens) != len(indices)):
        return "Sparse vector indices, values, and tokens (when present) must have the same length"
    if not all(a < b for a, b in pairwise(indices)):
        return "Sparse vector indices must be sorted in strictly ascending order (no duplicates)"
    return None


def reject_sparse(metadatas: list[Metadata | None] | None) -> None:
    for metadata in metadatas or []:
        for key, value in (metadata or {}).items():
            if is_sparse_vector(value):
                raise Unimplemented(f"Unimplemented: Sparse vector is not supported for local chroma: {key}")


def merge(current: Metadata | None, changes: Metadata) -> Metadata | None:
    """Chroma's record merge: null or [] deletes a key, anything else sets it."""
    merged = dict(current or {})
    for key, value in changes.items():
        if value is None or value == []:
            merged.pop(key, None)
        else:
            merged[key] = stored_value(value)
    return merged or None


def fresh(metadata: Metadata | None) -> Metadata | None:
    """Metadata of a new record: null and [] values are dropped."""
    if not metadata:
        return None
    return {k: stored_value(v) for k, v in metadata.items() if v is not None and v != []} or None


def visible(metadata: Metadata | None, has_uri: bool) -> Metadata | None:
    """What a response shows: `chroma:*` keys are hidden; a record with a uri shows {} rather than null."""
    if metadata is None:
        return {} if has_uri else None
    (shown,) = visible_many([(tuple(metadata), tuple(metadata.values()))], [has_uri])
    return shown


_UNSEEN: list[int] = []


def visible_many(
    items: list[tuple[tuple[str, ...], tuple[Any, ...]] | None], has_uri: list[bool]
) -> list[Metadata | None]:
    """`visible` for many records given as (keys, values) (see `RecordTable.metadata_items`): one
    new dict per record, the hidden keys looked up once per distinct key tuple."""
    keep_of: dict[tuple[str, ...], list[int] | None] = {}  # positions to show; None: all of them
    out: list[Metadata | None] = []
    for item, uri in zip(items, has_uri, strict=True):
        if item is None:
            out.append({} if uri else None)
            continue
        keys, values = item
        keep = keep_of.get(keys, _UNSEEN)
        if keep is _UNSEEN:
            positions = [i for i, key in enumerate(keys) if not key.startswith(HIDDEN_PREFIX)]
            keep = keep_of[keys] = None if len(positions) == len(keys) else positions
        shown = dict(zip(keys, values)) if keep is None else {keys[i]: values[i] for i in keep}
        out.append(shown if shown or uri or len(shown) != len(keys) else None)
    return out


def check_collection_metadata(metadata: Metadata | None, field: str, storing: bool = True) -> Metadata | None:
    """Collection metadata: non-empty, key rules and sparse-vector shape (400, in request order; Chroma's
    order varies between requests); then arrays and valid sparse vectors crash real Chroma when it
    stores them (`storing`; a create that finds the collection existing stores nothing)."""
    if metadata is None:
        return None
    if not metadata:
        raise InvalidArgument(f"Validation error: {field}: Metadata cannot be empty")
    for key, value in metadata.items():
        if key == "":
            raise InvalidArgument(f"Validation error: {field}: Metadata key cannot be empty")
        if key.startswith(("#", "$")):
            raise InvalidArgument(f"Validation error: {field}: Metadata key cannot start with '#' or '$': {key}")
        problem = sparse_problem(value) if is_sparse_vector(value) else None
        if problem is not None:
            raise InvalidArgument(f"Validation error: {field}: Invalid sparse vector: {problem}")
    if storing:
        refuse_unstorable(metadata, field)
    return {k: normalise_value(v) for k, v in metadata.items() if v is not None} or None


def refuse_unstorable(metadata: Metadata | None, field: str) -> None:
    """Arrays and sparse vectors in collection metadata: the real server's handler panics storing them."""
    if any(isinstance(value, (list, dict)) for value in (metadata or {}).values()):
        raise ConnectionDropped(f"{field}: array or sparse-vector value in collection metadata")
