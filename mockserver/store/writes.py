"""Store: record writes (add, upsert, update, delete) with Chroma's check order and merge rules.

Each write validates everything first and then applies its entries in order, as a log: nothing is
half-applied when a request fails. The one exception is Chroma's own: the first embeddings seen
fix the collection dimension even when a later check of the same request fails.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mockserver.errors import InvalidArgument
from mockserver.store import embeddings as emb
from mockserver.store import metadata as md
from mockserver.store.batch import RecordBatch
from mockserver.store.collections import Collection
from mockserver.store.configuration import metadata_value_type
from mockserver.store.filters import parse_filters, select
from mockserver.store.validator import validate_fields


def _prepare(collection: Collection, batch: RecordBatch, *, update: bool = False) -> list[emb.Vector | None] | None:
    vectors = emb.decode(batch.embeddings)
    validate_fields(lambda: emb.check_values(vectors, per_record=update), lambda: md.check_record_metadatas(batch.metadatas))
    dimension = emb.check_dimension(vectors, collection.dimension)
    if dimension is not None and collection.dimension is None:
        _fix_dimension(collection, dimension)
    n = len(batch.ids)
    for column in (vectors, batch.documents, batch.uris, batch.metadatas):
        if column is not None and len(column) != n:
            raise InvalidArgument("Inconsistent number of IDs, embeddings, documents, URIs and metadatas")
    if any(i == "" for i in batch.ids):
        raise InvalidArgument("Empty ID, ID must have at least one character")
    if not collection.profile.sparse_vectors:
        md.reject_sparse(batch.metadatas)
    if vectors is not None and collection.space == "cosine":
        vectors = [None if v is None else emb.cosine_stored(v) for v in vectors]
    return vectors


def _fix_dimension(collection: Collection, dimension: int) -> None:
    collection.dimension = dimension
    collection.records.ensure_dimension(dimension)


def _at(column: list[Any] | None, i: int) -> Any:
    return None if column is None else column[i]


def _split(
    collection: Collection, batch: RecordBatch, i: int
) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """Entry i's document, uri and metadata: user metadata `chroma:document` and `chroma:uri` stand in
    for a document or uri the entry does not give. Also notes the entry's metadata keys in the schema."""
    document, uri, metadata = _at(batch.documents, i), _at(batch.uris, i), _at(batch.metadatas, i)
    if metadata:
        _note_types(collection, metadata)
        if md.DOCUMENT_KEY in metadata or md.URI_KEY in metadata:
            metadata = dict(metadata)
            meta_document, meta_uri = metadata.pop(md.DOCUMENT_KEY, None), metadata.pop(md.URI_KEY, None)
            if document is None and isinstance(meta_document, str):
                document = meta_document
            if uri is None and isinstance(meta_uri, str):
                uri = meta_uri
    return document, uri, metadata


def _note_types(collection: Collection, metadata: dict[str, Any]) -> None:
    """Chroma adds every metadata key a write applies to the collection's `schema.keys`, per value type."""
    for key, value in metadata.items():
        if value is None or key.startswith(md.HIDDEN_PREFIX):
            continue
        kind = metadata_value_type(md.normalise_value(value))
        if kind is not None and kind not in collection.metadata_types.setdefault(key, []):
            collection.metadata_types[key].append(kind)


def add(collection: Collection, batch: RecordBatch) -> None:
    vectors = _prepare(collection, batch)
    table = collection.records
    for i, record_id in enumerate(batch.ids):
        if record_id in table.row_of:
            continue
        document, uri, metadata = _split(collection, batch, i)
        vector = None if vectors is None else vectors[i]
        assert vector is not None  # add requires embeddings (schema-checked)
        table.append(record_id, vector, document, uri, md.fresh(metadata))


def upsert(collection: Collection, batch: RecordBatch) -> None:
    vectors = _prepare(collection, batch)
    table = collection.records
    for i, record_id in enumerate(batch.ids):
        row = table.row_of.get(record_id)
        document, uri, metadata = _split(collection, batch, i)
        vector = None if vectors is None else vectors[i]
        if row is None:
            assert vector is not None
            table.append(record_id, vector, document, uri, md.fresh(metadata))
        else:
            _change(collection, row, vector, document, uri, metadata)


def update(collection: Collection, batch: RecordBatch) -> None:
    vectors = _prepare(collection, batch, update=True)
    table = collection.records
    for i, record_id in enumerate(batch.ids):
        row = table.row_of.get(record_id)
        if row is None:
            continue
        document, uri, metadata = _split(collection, batch, i)
        _change(collection, row, None if vectors is None else vectors[i], document, uri, metadata)


def _change(
    collection: Collection,
    row: int,
    vector: emb.Vector | None,
    document: str | None,
    uri: str | None,
    metadata: dict[str, Any] | None,
) -> None:
    table = collection.records
    if vector is not None:
        table.set_vector(row, vector)
    if document is not None:
        table.documents[row] = document
    if uri is not None:
        table.uris[row] = uri
    if metadata:
        table.set_metadata(row, md.merge(table.metadata(row), metadata))
    table.touch()


def delete(
    collection: Collection,
    ids: list[str] | None,
    where: Any,
    where_document: Any,
    limit: int | None,
) -> int:
    """Chroma's delete: id-only deletes report the number of ids sent, filtered ones the matches."""
    where_node, document_node = parse_filters(where, where_document, collection.configuration.inverted_index_enabled)
    has_filter = where_node is not None or document_node is not None
    if ids is not None and len(ids) == 0 and not has_filter:
        raise InvalidArgument("Validation error: ids, where: Either ids or where must be specified")
    if limit is not None and not has_filter:
        raise InvalidArgument("Validation error: limit, where: limit can only be specified when a where clause is provided")
    table = collection.records
    if not has_filter:
        if ids is None:
            return 0
        table.delete_rows(table.rows_for_ids(ids))
        return len(ids)
    rows = table.live_rows() if ids is None else table.rows_for_ids(ids)
    rows = select(table, rows, where_node, document_node)
    if limit is not None:
        rows = rows[:limit]
    if rows.size:
        table.delete_rows(np.asarray(rows, dtype=np.int64))
    return int(rows.size)
