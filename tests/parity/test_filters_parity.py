"""Parity: hypothesis-generated `where` / `where_document` clauses, `get` on the mock vs real Chroma 1.5.9.

The same 56 records (see `filter_data`) are loaded into both servers once for the module; no
example writes, so the collections are never reset between examples. Each example sends one
`get` to both servers and compares:
- a valid clause (strategies in `filter_strategies`): the real server must answer 200, and the
  two whole response bodies must be equal: ids in order (storage order is deterministic on both
  servers), documents, metadatas, uris, embeddings, include;
- a malformed or borderline clause: the status and the error type must be equal (and the whole
  body when both answer 200).
Examples are fresh random ones on every run (a failure prints the blob that replays it) and bounded
(`MAX_EXAMPLES` per test).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .filter_data import IDS, MAX_EXAMPLES, N_RECORDS, SETTINGS, Loaded, error_of, load, post_both
from .filter_strategies import bad_where_documents, bad_wheres, where_documents, wheres
from .harness import C, Servers


@pytest.fixture(scope="module")
def loaded(parity_servers: Servers) -> Iterator[Loaded]:
    """The fixture collections on both servers, created once for this module."""
    yield load(parity_servers)
    parity_servers.dirty = True


includes = st.one_of(
    st.none(),  # the default: documents, metadatas
    st.lists(st.sampled_from(["documents", "metadatas", "uris", "embeddings", "distances"]), unique=True, max_size=4),
)
id_lists = st.one_of(st.none(), st.lists(st.sampled_from(IDS + ["nope", "r99"]), max_size=10))
pages = st.one_of(st.none(), st.integers(0, N_RECORDS + 2))


def get_body(
    where: Any, where_document: Any, ids: Any = None, include: Any = None, limit: Any = None, offset: Any = None
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in (("where", where), ("where_document", where_document), ("ids", ids), ("include", include)):
        if value is not None:
            body[key] = value
    if limit is not None:
        body["limit"] = limit
    if offset is not None:
        body["offset"] = offset
    return body


def check_valid(loaded: Loaded, body: dict[str, Any]) -> list[str]:
    """Send a valid `get` to both servers; both must answer 200 with the same body. Returns the ids."""
    real, mock = post_both(loaded, "l2", "get", body)
    assert real.status_code == 200, f"the strategy made an invalid clause: {body} -> {real.status_code} {real.text}"
    assert mock.status_code == 200, f"{body}\n real: 200 {real.json()['ids']}\n mock: {mock.status_code} {mock.text}"
    real_body, mock_body = real.json(), mock.json()
    assert real_body["ids"] == mock_body["ids"], f"{body}\n real: {real_body['ids']}\n mock: {mock_body['ids']}"
    assert real_body == mock_body, f"{body}\n real: {real_body}\n mock: {mock_body}"
    ids: list[str] = real_body["ids"]
    return ids


def check_any(loaded: Loaded, body: dict[str, Any]) -> tuple[int, str | None]:
    """Send a `get` that may be malformed; status and error type must agree (and bodies on 200)."""
    real, mock = post_both(loaded, "l2", "get", body)
    real_error, mock_error = error_of(real), error_of(mock)
    assert real_error == mock_error, (
        f"{body}\n real: {real.status_code} {real.text}\n mock: {mock.status_code} {mock.text}"
    )
    if real.status_code == 200:
        assert real.json() == mock.json(), f"{body}\n real: {real.text}\n mock: {mock.text}"
    return real_error


def size_class(ids: list[str]) -> str:
    return "none" if not ids else "all" if len(ids) == N_RECORDS else "some"


def test_where_get_parity(loaded: Loaded) -> None:
    """Valid `where` (sometimes with a `where_document`, ids, include, limit, offset)."""
    sizes: Counter[str] = Counter()

    @SETTINGS
    @given(
        where=wheres(),
        where_document=st.one_of(st.none(), where_documents(max_leaves=2)),
        ids=st.one_of(st.none(), st.none(), id_lists),
        include=includes,
        limit=st.one_of(st.none(), st.none(), pages),
        offset=st.one_of(st.none(), st.none(), pages),
    )
    # the float-bound truncation quirk (chroma-core/chroma#7491) and the other rows of reference 7.2
    @example(where={"i": 2.5}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"i": {"$gt": -2.5}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"i": {"$lt": 2.5}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"i": {"$nin": [2.5, -1.5]}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"f": {"$in": [2, -1]}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"n": {"$ne": True}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"n": 1}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"i": 9007199254740992.0}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"n": {"$gte": 9.3e18}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"tags": {"$contains": "x"}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"ai": {"$contains": 2.0}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"af": {"$not_contains": 2}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"tags": "x"}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"nokey": {"$ne": 1}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"$and": []}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"$or": []}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"f": {"$eq": 0}}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(where={"#id": "r01"}, where_document=None, ids=None, include=None, limit=None, offset=None)
    @example(
        where={"$or": [{"i": {"$gte": 1}}, {"#document": {"$regex": "(?i)^the"}}]},
        where_document={"$not_contains": "dog"},
        ids=["r40", "r03", "nope", "r03", "r10"],
        include=["uris", "embeddings"],
        limit=3,
        offset=1,
    )
    def run(where: Any, where_document: Any, ids: Any, include: Any, limit: Any, offset: Any) -> None:
        found = check_valid(loaded, get_body(where, where_document, ids, include, limit, offset))
        if ids is None and limit is None and offset is None:
            sizes[size_class(found)] += 1

    run()
    print(f"where parity, result sizes: {sizes}")
    # the strategy must produce selective filters, not only match-all / match-none ones
    assert sizes["some"] >= MAX_EXAMPLES // 6, sizes
    assert sizes["none"] >= MAX_EXAMPLES // 30 and sizes["all"] >= MAX_EXAMPLES // 30, sizes


def test_where_document_get_parity(loaded: Loaded) -> None:
    """Valid `where_document` (substrings of the documents, Rust regexes, `$and`/`$or`), sometimes with a `where`."""
    sizes: Counter[str] = Counter()

    @SETTINGS
    @given(
        where_document=where_documents(),
        where=st.one_of(st.none(), st.none(), wheres(max_leaves=2)),
        include=includes,
    )
    @example(where_document={"$contains": ""}, where=None, include=None)
    @example(where_document={"$not_contains": ""}, where=None, include=None)
    @example(where_document={"$regex": ""}, where=None, include=None)
    @example(where_document={"$regex": "^$"}, where=None, include=None)
    @example(where_document={"$not_regex": "^$"}, where=None, include=None)
    @example(where_document={"$contains": "%"}, where=None, include=None)
    @example(where_document={"$contains": "_"}, where=None, include=None)
    @example(where_document={"$contains": "\\"}, where=None, include=None)
    @example(where_document={"$regex": "line1$"}, where=None, include=None)
    @example(where_document={"$regex": "(?i)NAÏVE"}, where=None, include=None)
    @example(where_document={"$regex": "[[:^alpha:]]"}, where=None, include=None)
    @example(where_document={"$and": []}, where=None, include=None)
    @example(where_document={"$or": []}, where=None, include=None)
    def run(where_document: Any, where: Any, include: Any) -> None:
        found = check_valid(loaded, get_body(where, where_document, include=include))
        if where is None:
            sizes[size_class(found)] += 1

    run()
    print(f"where_document parity, result sizes: {sizes}")
    assert sizes["some"] >= MAX_EXAMPLES // 6, sizes
    assert sizes["none"] >= MAX_EXAMPLES // 30 and sizes["all"] >= MAX_EXAMPLES // 30, sizes


def test_malformed_where_parity(loaded: Loaded) -> None:
    """Malformed or borderline `where` clauses: same status and error type (same body on 200)."""
    outcomes: Counter[tuple[int, str | None]] = Counter()

    @SETTINGS
    @given(where=bad_wheres(), where_document=st.one_of(st.none(), st.none(), st.none(), where_documents(1)))
    def run(where: Any, where_document: Any) -> None:
        outcomes[check_any(loaded, get_body(where, where_document))] += 1

    run()
    print(f"malformed parity, outcomes: {outcomes}")
    assert outcomes[(400, "InvalidArgumentError")] >= MAX_EXAMPLES // 3, outcomes


def test_malformed_where_document_parity(loaded: Loaded) -> None:
    """Malformed `where_document` clauses (shapes, operand types, invalid Rust regexes), sometimes with a bad `where` too."""
    outcomes: Counter[tuple[int, str | None]] = Counter()

    @SETTINGS
    @given(where_document=bad_where_documents(), where=st.one_of(st.none(), st.none(), wheres(1), bad_wheres()))
    def run(where_document: Any, where: Any) -> None:
        outcomes[check_any(loaded, get_body(where, where_document))] += 1

    run()
    print(f"malformed parity, outcomes: {outcomes}")
    assert outcomes[(400, "InvalidArgumentError")] >= MAX_EXAMPLES // 3, outcomes


# fmt: off
REGEX_TOKENS = [
    "a", "b", "e", "o", "l", "(", ")", "[", "]", "{", "}", "\\", "^", "$", ".", "*", "+", "?", "|", "-", "d", "w",
    "s", "p", "P", "{L}", "(?i)", "(?m)", "(?s)", "(?x)", "(?U)", "(?-u)", "é", "1", "2", ",", ":", " ", "\n", "#",
    "&&", "--", "~~", "[:alpha:]", "[:^digit:]", "\\b", "\\B", "\\A", "\\z", "x", "u", "0", "9", "<", ">", "P<n>",
    "?:", "=", "!", "α", "ß", "K", "I",
]
# fmt: on


def test_regex_syntax_fuzz_parity(loaded: Loaded) -> None:
    """Random token soups as `$regex` / `$not_regex`: valid or not, both servers agree (status, error
    type, and the matching ids when valid). Exercises the Rust-regex parser and translator."""
    outcomes: Counter[tuple[int, str | None]] = Counter()

    @SETTINGS
    @given(st.lists(st.sampled_from(REGEX_TOKENS), max_size=8).map("".join), st.sampled_from(["$regex", "$not_regex"]))
    def run(pattern: str, op: str) -> None:
        outcomes[check_any(loaded, {"where_document": {op: pattern}, "include": []})] += 1

    run()
    print(f"regex fuzz parity, outcomes: {outcomes}")
    # both kinds are exercised (on fresh random examples the share of invalid patterns varies, 15-50%)
    assert outcomes[(200, None)] >= MAX_EXAMPLES // 15 and outcomes[(400, "InvalidArgumentError")] >= MAX_EXAMPLES // 15


# Floats whose shortest decimal form has 16-17 significant digits. The real server parses JSON numbers
# with serde_json's default (not correctly rounded) algorithm: the decimal significand as f64, then
# one multiplication or division by 10^k, so these land 1 ulp away from the correctly rounded value
# (the mock's JSON parser). Each bound below is 1 ulp away from a stored value.
SERDE_FLOAT_CLAUSES = [
    {"f": 123456.78899999999},  # serde: 123456.789, a stored value
    {"f": {"$nin": [123456.78899999999]}},
    {"i": {"$lt": -1.9999999999999998}},  # serde: -2.0
    {"i": {"$in": [-1.9999999999999998]}},
    {"n": {"$gt": 0.9999999999999999}},  # serde: 1.0
    {"n": -9.223372036854775e18},  # serde: -2**63, which matches int i64::MIN
    {"n": {"$ne": 9.223372036854775e18}},  # serde: 2**63, saturates to i64::MAX
]


def test_float_operand_parsing_parity(loaded: Loaded) -> None:
    """A float operand is parsed as the real server parses it (serde_json, not correctly rounded)."""
    failures = []
    for where in SERDE_FLOAT_CLAUSES:
        real, mock = post_both(loaded, "l2", "get", {"where": where, "include": []})
        assert real.status_code == 200, real.text
        if real.json() != mock.json():
            failures.append(f"{where}: real {real.json()['ids']} mock {mock.json()['ids']}")
    assert not failures, "\n".join(failures)


# The real server stores a metadata float after *two* such parses (the request, then an internal
# JSON round trip of the metadata), e.g. 933.1286246343909 is stored and returned as 933.1286246343908.
SERDE_FLOAT_VALUES = [933.1286246343909, -993.2337612512865, 496.79611296932603, -2.8403904009271395e-201, 0.1, 2.5]


def test_float_metadata_parsing_parity(loaded: Loaded) -> None:
    """Float metadata values come back as the real server stores them (a separate collection)."""
    servers = loaded.servers
    name = f"parity-floats-{uuid.uuid4().hex[:8]}"
    ids = [f"v{k}" for k in range(len(SERDE_FLOAT_VALUES))]
    body = {"ids": ids, "embeddings": [[1.0]] * len(ids), "metadatas": [{"x": v} for v in SERDE_FLOAT_VALUES]}
    answers = []
    for client in (servers.real, servers.mock):
        created = client.post(C, json={"name": name})
        assert created.status_code == 200, created.text
        path = f"{C}/{created.json()['id']}"
        assert client.post(f"{path}/add", json=body).status_code == 201
        got = client.post(f"{path}/get", json={"include": ["metadatas"]}).json()
        answers.append([m["x"] for m in got["metadatas"]])
    real, mock = answers
    assert real != SERDE_FLOAT_VALUES  # the real server really changes some of them
    assert mock == real, f"sent {SERDE_FLOAT_VALUES}\n real {real}\n mock {mock}"
