"""Cases: serde's error messages, compared word for word (line and column included): the 422s of
bodies that do not fit their Rust types, and the 400s of bodies that are not JSON where a value starts."""

from __future__ import annotations

from ..harness import C, Case, Step, case, records, req
from .writes import c

JSON = {"content-type": "application/json"}


def sent(op: str, body: str, status: int) -> Step:
    """A raw JSON body to a record endpoint of the collection `w`, its error message compared."""
    return records("w", op, raw=body.encode(), headers=JSON, status=status, message=True)


def create(body: str, status: int) -> Step:
    return req("POST", C, raw=body.encode(), headers=JSON, status=status, message=True)


ADD = '{"ids":["a"],"embeddings":[[1,2]],'
CASES: list[Case] = [
    # invalid integers: negative, too large, a float, a string, a boolean, a sequence
    case("msg-limit-negative-422", c(), sent("get", '{"limit":-1}', 422)),
    case("msg-limit-above-u32-422", c(), sent("get", '{"limit":99999999999}', 422)),
    case("msg-limit-float-422", c(), sent("get", '{"limit":1.5}', 422)),
    case("msg-limit-float-exponent-422", c(), sent("get", '{"limit":1e20}', 422)),
    case("msg-limit-beyond-u64-422", c(), sent("get", '{"limit":123456789012345678901234}', 422)),
    case("msg-limit-string-422", c(), sent("get", '{"limit":"3"}', 422)),
    case("msg-limit-bool-422", c(), sent("get", '{"limit":true}', 422)),
    case("msg-limit-sequence-422", c(), sent("get", '{"limit":[1]}', 422)),
    case("msg-n-results-negative-422", c(), sent("query", '{"query_embeddings":[[1,2]],"n_results":-2}', 422)),
    case("msg-hnsw-usize-422", create('{"name":"m1","configuration":{"hnsw":{"ef_search":-1}}}', 422)),
    # unknown fields and variants
    case("msg-hnsw-unknown-field-422", create('{"name":"m2","configuration":{"hnsw":{"space":"l2","zzz":1}}}', 422)),
    case("msg-spann-unknown-field-422", create('{"name":"m3","configuration":{"spann":{"foo":1}}}', 422)),
    case("msg-include-unknown-variant-422", c(), sent("get", '{"include":["documentz"]}', 422)),
    # untagged enums: a metadata value (NaN as the Python client sends it: null), embeddings
    case("msg-metadata-null-untagged-422", c(), sent("add", ADD + '"metadatas":[{"x":null}]}', 422)),
    case("msg-metadata-object-untagged-ws-422", c(), sent("add", ADD + '"metadatas":[{"x": {"y":1}  , "z":1}]}', 422)),
    case("msg-update-metadata-untagged-422", c(), sent("update", '{"ids":["a"],"metadatas":[{"x":{"y":1}}]}', 422)),
    case("msg-collection-metadata-untagged-422", create('{"name":"m4","metadata":{"x":null}}', 422)),
    case("msg-embeddings-untagged-422", c(), sent("add", '{"ids":["b"],"embeddings":[["x",2]]}', 422)),
    # wrong types and missing fields
    case("msg-ids-not-a-sequence-422", c(), sent("add", '{"ids":"a","embeddings":[[1,2]]}', 422)),
    case("msg-document-not-a-string-422", c(), sent("add", ADD + '"documents":[5]}', 422)),
    case("msg-query-embedding-string-422", c(), sent("query", '{"query_embeddings":[["x"]]}', 422)),
    case("msg-missing-field-422", c(), sent("add", '{"embeddings":[[1,2]]}', 422)),
    # not JSON where a value starts (NaN written by json.dumps), a number out of range: 400 with the path
    case("msg-metadata-nan-literal-400", c(), sent("add", ADD + '"metadatas":[{"x":NaN}]}', 400)),
    case("msg-where-nan-literal-400", c(), sent("get", '{"where":{"x":NaN}}', 400)),
    case("msg-metadata-number-out-of-range-400", c(), sent("add", ADD + '"metadatas":[{"x":1e400}]}', 400)),
]
