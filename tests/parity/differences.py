"""Documented differences: the only places where the mock knowingly answers unlike real Chroma 1.5.9.

Each entry is a case id of the catalogue and the reason. In these cases the real server panics in
its handler and closes the connection without any HTTP response; the mock cannot copy that
usefully, so it answers 500 `InternalError` instead. The runner asserts both sides: the real
server must really drop the connection, and the mock must answer 500 InternalError.

The only other place a comparison leaves something out is case `openapi-json-served`: the mock
serves openapi.yaml, which is the server's /openapi.json without its `x-codeSamples`.
"""

from __future__ import annotations

_CRN = "a well-formed CRN (tenant:database:collection): get_collection_by_crn is not implemented for SQLite and panics"
_ARRAY = "an array or sparse-vector value in collection metadata: the conversion to the SQLite sysdb panics"

DIFFERENCES: dict[str, str] = {
    "crn-well-formed-drops-connection": _CRN,
    "crn-well-formed-missing-drops-connection": _CRN,
    "coll-meta-array-drops-connection": _ARRAY,
    "coll-meta-empty-array-drops-connection": _ARRAY,
    "coll-meta-sparse-drops-connection": _ARRAY,
    "cupd-metadata-array-drops-connection": _ARRAY,
}
