"""serde.messages: serde's 422 and 400 wording (as observed on Chroma 1.5.9; the parity cases in
tests/parity/cases/messages.py compare them with a real server), without a server."""

from __future__ import annotations

import pytest

from mockserver.api.spec import load_spec
from mockserver.api.validate import Validator
from mockserver.errors import InvalidArgument, MockError, Unprocessable

SPEC = load_spec()
VALIDATOR = Validator(SPEC)
PARAMS = {"tenant": "t", "database": "d", "collection_id": "x"}
PREFIX_422 = "Failed to deserialize the JSON body into the target type: "
PREFIX_400 = "Failed to parse the request body as JSON: "
ADD = '{"ids":["a"],"embeddings":[[1,2]],'


def refused(op_id: str, body: str) -> MockError:
    with pytest.raises(MockError) as caught:
        VALIDATOR.check(SPEC.operation(op_id), PARAMS, b"", "application/json", body.encode())
    return caught.value


@pytest.mark.parametrize(
    ("op_id", "body", "message"),
    [
        ("collection_get", '{"limit":-1}', "limit: invalid value: integer `-1`, expected u32 at line 1 column 11"),
        ("collection_get", '{"limit":1.5}', "limit: invalid type: floating point `1.5`, expected u32 at line 1 column 12"),
        ("collection_get", '{"limit":1e2}', "limit: invalid type: floating point `100.0`, expected u32 at line 1 column 12"),
        ("collection_get", '{"limit":"3"}', 'limit: invalid type: string "3", expected u32 at line 1 column 12'),
        ("collection_get", '{"limit":true}', "limit: invalid type: boolean `true`, expected u32 at line 1 column 13"),
        ("collection_get", '{"limit":{}}', "limit: invalid type: map, expected u32 at line 1 column 9"),
        ("collection_get", '{"ids":{"a":1}}', "ids: invalid type: map, expected a sequence at line 1 column 7"),
        (
            "collection_get",
            '{"include":["documentz"]}',
            "include[0]: unknown variant `documentz`, expected one of `distances`, `documents`, `embeddings`, "
            "`metadatas`, `uris` at line 1 column 23",
        ),
        (
            "create_collection",
            '{"name":"abc2","configuration":{"hnsw":{"spacee":"l2"}}}',
            "configuration.hnsw.spacee: unknown field `spacee`, expected one of `space`, `ef_construction`, "
            "`ef_search`, `max_neighbors`, `num_threads`, `resize_factor`, `sync_threshold`, `batch_size` "
            "at line 1 column 48",
        ),
        (
            "create_collection",
            '{"name":"abc4","configuration":{"hnsw":{"ef_search":1.5}}}',
            "configuration.hnsw.ef_search: invalid type: floating point `1.5`, expected usize at line 1 column 55",
        ),
        (
            "collection_add",
            ADD + '"metadatas":[{"x":{"y":1}}]}',
            "metadatas[0].x: data did not match any variant of untagged enum MetadataValue at line 1 column 60",
        ),
        (
            "collection_add",
            ADD + '"metadatas":[{"x": {"y":1}  , "z":1}]}',
            "metadatas[0].x: data did not match any variant of untagged enum MetadataValue at line 1 column 62",
        ),
        (
            "collection_update",
            '{"ids":["a"],"metadatas":[{"x":{"y":1}}]}',
            "metadatas[0].x: data did not match any variant of untagged enum UpdateMetadataValue at line 1 column 39",
        ),
        (
            "collection_add",
            '{"ids":["b"],"embeddings":[["x",2]]}',
            "embeddings: data did not match any variant of untagged enum EmbeddingsPayload at line 1 column 36",
        ),
        ("collection_add", '{"embeddings":[[1,2]]}', "missing field `ids` at line 1 column 22"),
        (
            "collection_query",
            '{"query_embeddings":[["x"]]}',
            'query_embeddings[0][0]: invalid type: string "x", expected f32 at line 1 column 25',
        ),
    ],
)
def test_422_in_serdes_words(op_id: str, body: str, message: str) -> None:
    error = refused(op_id, body)
    assert isinstance(error, Unprocessable)
    assert error.message == PREFIX_422 + message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (ADD + '"metadatas":[{"x":NaN}]}', "metadatas[0].x: expected value at line 1 column 53"),
        (ADD + '"metadatas":[{"x":1e400}]}', "metadatas[0].x: number out of range at line 1 column 57"),
    ],
)
def test_400_with_the_path(body: str, message: str) -> None:
    error = refused("collection_add", body)
    assert isinstance(error, InvalidArgument)
    assert error.message == PREFIX_400 + message


def test_a_problem_not_modelled_keeps_json_schemas_words() -> None:
    error = refused("create_collection", '{"name":"abc","configuration":{"embedding_function":5}}')
    assert isinstance(error, Unprocessable)
    assert error.message == PREFIX_422 + (
        "configuration: a map is not valid under any of the schemas listed in the 'anyOf' keyword"  # never the value
    )
