"""Diff catalogue: edge-case request sequences (names, ids, metadata, embeddings, filters, includes, limits, missing things).

Each entry is one short sequence in the side's sandbox database: usually a fresh collection
(`$c` is its id, captured from the create), a few records, then the requests that probe one edge.
They are fixed, so the same edge is probed the same way on every run; the expected answers are not
written down: the diff is what the two targets do differently.
"""

from __future__ import annotations

from typing import Any

from contracts.diff.model import Request

DB = (("tenant", "$tenant"), ("database", "$database"))
LISTING = (("tenant", "$tenant"), ("database", "listing"))  # a database of its own: listings are complete
MISSING_ID = "00000000-0000-4000-8000-000000000000"
SEED = {
    "ids": ["a", "b", "c", "d"],
    "embeddings": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]],
    "documents": ["apple pie", "banana split", "cherry tart", None],
    "metadatas": [{"n": 1, "s": "x", "f": 0.5, "b": True}, {"n": 2, "s": "y"}, {"n": 3, "tags": ["t1", "t2"]}, None],
}
Steps = tuple[Request, ...]


def db(operation_id: str, body: Any = None, **path: str) -> Request:
    """A request on the sandbox database (`path` adds collection_id etc.)."""
    return Request(operation_id, (*DB, *path.items()), body)


def rec(operation_id: str, body: Any = None) -> Request:
    """A request on the sequence's collection `$c`."""
    return db(operation_id, body, collection_id="$c")


def create(name: str, **extra: Any) -> Request:
    return Request("create_collection", DB, {"name": name, **extra}, capture="c")


def seeded(name: str) -> Steps:
    return (create(name), rec("collection_add", SEED))


def get(**body: Any) -> Request:
    return rec("collection_get", body)


def query(**body: Any) -> Request:
    body.setdefault("query_embeddings", [[1.0, 0.0, 0.0]])
    return rec("collection_query", body)


def add(**body: Any) -> Steps:
    return (rec("collection_add", body), get(include=["embeddings", "documents", "metadatas", "uris"]))


def _names() -> dict[str, Steps]:
    names = {"short-2": "ab", "min-3": "abc", "long-63": "n" * 63, "long-64": "n" * 64, "long-512": "n" * 512,
             "long-513": "n" * 513, "leading-dash": "-abc", "trailing-dot": "abc.", "double-dot": "a..b",
             "ipv4": "192.168.0.1", "space": "has space", "unicode": "n\u00e4me", "mixed": "Mixed_Case.ok-1",
             "empty": ""}  # fmt: skip
    cases: dict[str, Steps] = {
        f"names/collection-{label}": (create(name), db("get_collection", collection_id=name or "x"))
        for label, name in names.items()
    }
    for label in ("ab", "", "db/slash", "n" * 513):
        cases[f"names/database-{label[:12] or 'empty'}"] = (db("create_database", {"name": label}),)
    cases["names/collection-twice-409"] = (create("twice"), create("twice"))
    cases["names/get-or-create-keeps-metadata"] = (
        create("goc", metadata={"v": 1}), create("goc", metadata={"v": 2}, get_or_create=True),
        db("get_collection", collection_id="goc"),
    )  # fmt: skip
    cases["names/tenant-create-get"] = (
        Request("create_tenant", (), {"name": "$tenant-t1"}), Request("get_tenant", (("tenant_name", "$tenant-t1"),)),
        Request("create_tenant", (), {"name": "$tenant-t1"}),
    )  # fmt: skip
    cases["names/rename-collection"] = (
        create("before"), rec("update_collection", {"new_name": "after"}), db("get_collection", collection_id="after"),
        db("get_collection", collection_id="before"),
    )  # fmt: skip
    return cases


def _ids() -> dict[str, Steps]:
    e = [[1.0, 2.0]]
    return {
        "ids/empty-string": (create("ids-empty"), *add(ids=[""], embeddings=e)),
        "ids/duplicate-in-batch": (create("ids-dup"), *add(ids=["x", "x"], embeddings=e * 2)),
        "ids/long-1000": (create("ids-long"), *add(ids=["i" * 1000], embeddings=e)),
        "ids/unicode": (create("ids-uni"), *add(ids=["\u00efd-\u2713"], embeddings=e)),
        "ids/count-mismatch": (create("ids-mismatch"), *add(ids=["x", "y"], embeddings=e)),
        "ids/none": (create("ids-none"), *add(ids=[], embeddings=[])),
        "ids/existing-skipped": (*seeded("ids-exist"), *add(ids=["a"], embeddings=[[9.0, 9.0, 9.0]])),
        "ids/get-unknown": (*seeded("ids-unknown"), get(ids=["a", "zz"])),
        "ids/get-empty-list": (*seeded("ids-get-empty"), get(ids=[])),
        "ids/delete-unknown": (*seeded("ids-del"), rec("collection_delete", {"ids": ["zz"]}), rec("collection_count")),
        "ids/update-unknown": (*seeded("ids-upd"), rec("collection_update", {"ids": ["zz"], "documents": ["q"]})),
    }


def _metadata() -> dict[str, Steps]:
    values = {"scalars": {"b": True, "i": 2, "f": 2.0, "s": "", "u": "\u00fc", "neg": -7},
              "int-above-i64": {"big": 9223372036854775808}, "int-i64-max": {"max": 9223372036854775807},
              "float-above-f32": {"f": 1e39}, "arrays": {"ai": [1, 2], "as": ["x"], "ab": [True], "af": [1.5]},
              "empty-array": {"e": []}, "mixed-array": {"m": [1, "x"]}, "nested-object": {"m": {"b": 1}},
              "null-value": {"m": None}, "empty-key": {"": 1}, "hash-key": {"#x": 1}, "dollar-key": {"$x": 1},
              "document-key": {"chroma:document": "x"}, "empty": {}}  # fmt: skip
    cases: dict[str, Steps] = {
        f"metadata/{label}": (create(f"meta-{n}"), *add(ids=["x"], embeddings=[[1.0]], metadatas=[value]))
        for n, (label, value) in enumerate(values.items())
    }
    cases["metadata/update-merges-null-deletes"] = (
        *seeded("meta-merge"), rec("collection_update", {"ids": ["a"], "metadatas": [{"s": None, "new": 1}]}),
        get(ids=["a"], include=["metadatas"]),
    )  # fmt: skip
    cases["metadata/collection-values"] = (
        create("meta-coll", metadata={"i": 1, "f": 1.5, "s": "x", "b": False}),
        db("get_collection", collection_id="meta-coll"),
        rec("update_collection", {"new_metadata": {"only": "this"}}),
        db("get_collection", collection_id="meta-coll"),
    )  # fmt: skip
    cases["metadata/collection-empty"] = (create("meta-coll-empty", metadata={}),)
    cases["metadata/collection-nested"] = (create("meta-coll-nested", metadata={"o": {"a": 1}}),)
    return cases


def _embeddings() -> dict[str, Steps]:
    bodies: dict[str, dict[str, Any]] = {"dimension-mismatch": {"ids": ["x", "y"], "embeddings": [[1.0, 2.0], [1.0]]},
              "empty-vector": {"ids": ["x"], "embeddings": [[]]}, "integers": {"ids": ["x"], "embeddings": [[1, 2]]},
              "above-f32": {"ids": ["x"], "embeddings": [[1e39, 1.0]]}, "tiny": {"ids": ["x"], "embeddings": [[1e-46]]},
              "null-vector": {"ids": ["x"], "embeddings": [None]}, "strings": {"ids": ["x"], "embeddings": [["a"]]},
              "documents-only": {"ids": ["x"], "documents": ["no vector"]},
              "nothing-but-ids": {"ids": ["x"]}}  # fmt: skip
    cases: dict[str, Steps] = {
        f"embeddings/{label}": (create(f"emb-{n}"), *add(**body)) for n, (label, body) in enumerate(bodies.items())
    }
    cases["embeddings/other-dimension-than-collection"] = (
        *seeded("emb-dim"), *add(ids=["e"], embeddings=[[1.0, 2.0]]), query(query_embeddings=[[1.0, 2.0]]),
    )  # fmt: skip
    cases["embeddings/upsert-replaces"] = (
        *seeded("emb-upsert"), rec("collection_upsert", {"ids": ["a", "n"], "embeddings": [[5.0, 5.0, 5.0]] * 2}),
        get(ids=["a", "n"], include=["embeddings"]),
    )  # fmt: skip
    return cases


def _filters() -> dict[str, Steps]:
    wheres = {"eq": {"n": 1}, "gt": {"n": {"$gt": 1}}, "gte-float": {"n": {"$gte": 1.5}}, "ne": {"s": {"$ne": "x"}},
              "in": {"s": {"$in": ["x", "y"]}}, "nin-empty": {"s": {"$nin": []}}, "in-empty": {"s": {"$in": []}},
              "and": {"$and": [{"n": {"$gt": 1}}, {"s": "y"}]}, "or-single": {"$or": [{"n": 1}]},
              "and-empty": {"$and": []}, "unknown-operator": {"n": {"$bad": 1}}, "gt-string": {"n": {"$gt": "x"}},
              "array-contains": {"tags": {"$contains": "t1"}}, "missing-key": {"missing": 1}, "bool": {"b": True},
              "two-keys": {"n": 1, "s": "x"}, "empty": {}, "int-matches-float": {"f": {"$lt": 1}}}  # fmt: skip
    documents = {"contains": {"$contains": "an"}, "not-contains": {"$not_contains": "apple"},
                 "regex": {"$regex": "^b"}, "bad-regex": {"$regex": "["}, "contains-empty": {"$contains": ""},
                 "unknown": {"$like": "x"}}  # fmt: skip
    cases: dict[str, Steps] = {}
    for n, (label, where) in enumerate(wheres.items()):
        cases[f"filters/where-{label}"] = (*seeded(f"where-{n}"), get(where=where, include=["metadatas"]))
    for n, (label, where_document) in enumerate(documents.items()):
        cases[f"filters/document-{label}"] = (*seeded(f"wdoc-{n}"), get(where_document=where_document))
    cases["filters/query-where"] = (*seeded("where-q"), query(where={"n": {"$lte": 2}}, n_results=4))
    cases["filters/delete-where"] = (*seeded("where-del"), rec("collection_delete", {"where": {"n": {"$gte": 2}}}),
                                     get(include=[]))  # fmt: skip
    return cases


def _includes_and_limits() -> dict[str, Steps]:
    gets: dict[str, dict[str, Any]] = {"include-distances": {"include": ["distances"]}, "include-none": {"include": []},
            "include-uris": {"include": ["uris"]}, "include-unknown": {"include": ["foo"]},
            "limit-0": {"limit": 0}, "limit-offset": {"limit": 1, "offset": 1}, "limit-negative": {"limit": -1},
            "offset-past-end": {"offset": 100}, "offset-only": {"offset": 2}}  # fmt: skip
    queries: dict[str, dict[str, Any]] = {"include-distances": {"include": ["distances", "metadatas"]}, "include-none": {"include": []},
               "n-results-0": {"n_results": 0}, "n-results-1": {"n_results": 1}, "n-results-100": {"n_results": 100},
               "n-results-negative": {"n_results": -1}, "two-queries": {"query_embeddings": [[1.0, 0, 0], [0, 0, 1.0]]},
               "wrong-dimension": {"query_embeddings": [[1.0]]}, "no-queries": {"query_embeddings": []},
               "ids-subset": {"ids": ["b", "c"], "n_results": 5}}  # fmt: skip
    cases: dict[str, Steps] = {}
    for n, (label, body) in enumerate(gets.items()):
        cases[f"get/{label}"] = (*seeded(f"get-{n}"), get(**body))
    for n, (label, body) in enumerate(queries.items()):
        cases[f"query/{label}"] = (*seeded(f"query-{n}"), query(**body))
    return cases


def _missing_and_system() -> dict[str, Steps]:
    absent = (("collection_id", MISSING_ID),)
    return {
        "missing/collection-by-name": (db("get_collection", collection_id="never-created"),),
        "missing/collection-by-id": (db("get_collection_by_id", collection_id=MISSING_ID),),
        "missing/records-of-missing-collection": (
            Request("collection_get", (*DB, *absent), {}),
            Request("collection_count", (*DB, *absent)),
            Request("collection_add", (*DB, *absent), {"ids": ["x"], "embeddings": [[1.0]]}),
        ),
        "missing/invalid-uuid": (
            db("collection_get", {}, collection_id="not-a-uuid"),
            db("collection_count", collection_id="not-a-uuid"),
        ),
        "missing/delete-collection": (db("delete_collection", collection_id="never-created"),),
        "missing/database": (
            Request("get_database", (("tenant", "$tenant"), ("database", "nope"))),
            Request("list_collections", (("tenant", "$tenant"), ("database", "nope"))),
            Request("create_collection", (("tenant", "$tenant"), ("database", "nope")), {"name": "inside"}),
        ),
        "missing/tenant": (
            Request("get_tenant", (("tenant_name", "$tenant-missing"),)),
            Request("list_databases", (("tenant", "$tenant-missing"),)),
        ),
        "collections/list-and-count": (
            Request("create_database", DB[:1], {"name": "listing"}),
            *(Request("create_collection", LISTING, {"name": name}) for name in ("list-a", "list-b", "list-c")),
            Request("list_collections", LISTING),
            Request("count_collections", LISTING),
            # Chroma (and the mock) list by collection id, which is random: a page is compared by its size
            Request("list_collections", LISTING, query=(("limit", 10), ("offset", 0))),
            Request("list_collections", LISTING, query=(("limit", 1), ("offset", 3))),
            Request("list_databases", DB[:1]),
        ),
        "collections/fork-and-status": (
            *seeded("fork"),
            rec("fork_collection", {"new_name": "forked"}),
            rec("indexing_status"),
        ),
        "collections/search": (*seeded("search"), rec("collection_search", {"searches": [{}]})),
        "system/heartbeat-version": (Request("heartbeat"), Request("version"), Request("healthcheck")),
        "system/pre-flight-identity": (Request("pre_flight_checks"), Request("get_user_identity")),
    }


def catalogue() -> dict[str, Steps]:
    """Every catalogue sequence by name (`area/edge`), in replay order."""
    return {**_names(), **_ids(), **_metadata(), **_embeddings(), **_filters(), **_includes_and_limits(),
            **_missing_and_system()}  # fmt: skip
