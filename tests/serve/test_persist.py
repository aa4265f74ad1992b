"""Persist: the state file in-process: log replay, incremental snapshots, side effects of failed writes, crashes mid-snapshot."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.control.seed import export_state
from mockserver.serve import oplog, persist
from mockserver.serve.persist import Persistence, StateFileError
from mockserver.serve.standalone import Options, Stack, build
from mockserver.store import Store

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def crash(stack: Stack) -> None:
    """What SIGKILL leaves: the connection goes away without the shutdown compaction."""
    assert stack.persistence is not None
    stack.persistence.db.close()


def log_rows(stack: Stack) -> int:
    """Rows in the log (through the server's own connection: the file is locked for everyone else)."""
    assert stack.persistence is not None
    return int(stack.persistence.db.execute("SELECT count(*) FROM log").fetchone()[0])


@pytest.fixture()
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


@pytest.fixture()
def open_stacks() -> Iterator[list[Stack]]:
    stacks: list[Stack] = []
    yield stacks
    for stack in stacks:
        if stack.persistence is not None and not stack.persistence.closed:
            try:
                stack.persistence.close()
            except sqlite3.ProgrammingError:
                pass


def start(open_stacks: list[Stack], state: Path, **options: Any) -> tuple[Stack, TestClient]:
    stack = build(Options(state_file=str(state), **options))
    open_stacks.append(stack)
    key = {"x-chroma-token": "ck-any"} if options.get("profile") == "cloud" else {}  # the cloud profile wants a key
    return stack, TestClient(stack.asgi, base_url="http://localhost", headers=key)  # the Host check accepts localhost


def make(client: TestClient, name: str = "things") -> str:
    response = client.post(f"{BASE}/collections", json={"name": name})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def add(client: TestClient, cid: str, ids: list[str], dim: int = 2) -> None:
    response = client.post(f"{BASE}/collections/{cid}/add", json={"ids": ids, "embeddings": [[float(len(i))] * dim for i in ids]})
    assert response.status_code == 201, response.text


def test_writes_are_logged_then_replayed_after_a_crash(state: Path, open_stacks: list[Stack]) -> None:
    stack, client = start(open_stacks, state)
    assert stack.persistence is not None and stack.persistence.fresh
    cid = make(client)
    add(client, cid, ["a", "b", "c"])
    client.post(f"{BASE}/collections/{cid}/delete", json={"ids": ["b"]})
    assert client.get(f"{BASE}/collections/{cid}/count").json() == 2  # reads are not logged
    assert log_rows(stack) == 3
    before = export_state(stack.app.store)
    crash(stack)
    again, _ = start(open_stacks, state)
    assert again.persistence is not None and not again.persistence.fresh and again.persistence.replayed == 3
    assert export_state(again.app.store) == before
    assert log_rows(again) == 0  # compacted at start-up


def test_failed_writes_are_not_logged_but_a_fixed_dimension_is(state: Path, open_stacks: list[Stack]) -> None:
    stack, client = start(open_stacks, state)
    cid = make(client)
    # fixes the dimension, then fails Chroma's later check of the column lengths
    assert client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a", "b"], "embeddings": [[1, 2]]}).status_code == 400
    assert client.get(f"{BASE}/collections/things").json()["dimension"] == 2
    assert client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["x"], "embeddings": [[1, 2, 3]]}).status_code == 400
    assert client.post("/api/v2/tenants", json={"name": "default_tenant"}).status_code == 409
    assert log_rows(stack) == 2  # create_collection + the dimension
    crash(stack)
    again, client = start(open_stacks, state)
    assert client.get(f"{BASE}/collections/things").json()["dimension"] == 2


def test_api_reset_admin_reset_and_import_survive(state: Path, open_stacks: list[Stack]) -> None:
    stack, client = start(open_stacks, state)
    add(client, make(client), ["a"])
    snapshot = export_state(stack.app.store)
    assert client.post("/api/v2/reset").status_code == 200
    assert client.post("/api/v2/tenants", json={"name": "after"}).status_code == 200
    crash(stack)
    stack, client = start(open_stacks, state)
    assert sorted(stack.app.store.catalog.tenants) == ["after", "default_tenant"]
    assert client.post("/__mock/import", json=snapshot).status_code == 200
    crash(stack)
    stack, client = start(open_stacks, state)
    assert export_state(stack.app.store) == snapshot
    assert client.post("/__mock/reset", json={}).status_code == 200
    crash(stack)
    stack, client = start(open_stacks, state)
    assert export_state(stack.app.store)["collections"] == []


def test_compaction_rewrites_only_changed_collections_and_drops_deleted_ones(
    state: Path, open_stacks: list[Stack], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persist, "COMPACT_EVERY_ROWS", 5)
    stack, client = start(open_stacks, state)
    one, two, three = make(client, "one"), make(client, "two"), make(client, "three")
    for i in range(6):
        add(client, one, [f"a{i}"])
    add(client, two, ["b0", "b1"])
    add(client, three, ["c0"])
    client.delete(f"{BASE}/collections/three")
    assert stack.persistence is not None
    written: list[str] = []
    real = persist._record_rows

    def spy(cid: str, table: Any) -> list[tuple[Any, ...]]:
        written.append(cid)
        return real(cid, table)

    monkeypatch.setattr(persist, "_record_rows", spy)
    add(client, two, ["b2"])
    stack.persistence.checkpoint()
    assert written == [two]  # one and three are unchanged since the last compaction
    query = "SELECT collection_id, sum(json_array_length(ids)) FROM records GROUP BY collection_id"
    by_collection = dict(stack.persistence.db.execute(query).fetchall())
    assert by_collection == {one: 6, two: 3}
    before = export_state(stack.app.store)
    crash(stack)
    again, _ = start(open_stacks, state)
    assert export_state(again.app.store) == before


def test_a_crash_in_the_middle_of_a_compaction_loses_nothing(state: Path, open_stacks: list[Stack], monkeypatch: pytest.MonkeyPatch) -> None:
    stack, client = start(open_stacks, state)
    cid = make(client)
    add(client, cid, ["a", "b"])
    before = export_state(stack.app.store)

    def explode(cid: str, table: Any) -> list[Any]:
        raise KeyboardInterrupt("killed mid-snapshot")

    monkeypatch.setattr(persist, "_record_rows", explode)
    assert stack.persistence is not None
    with pytest.raises(KeyboardInterrupt):
        stack.persistence.checkpoint()
    monkeypatch.undo()
    crash(stack)
    again, _ = start(open_stacks, state)
    assert export_state(again.app.store) == before


def test_a_write_the_file_cannot_take_is_a_500_and_stops_further_writes(state: Path, open_stacks: list[Stack]) -> None:
    stack, client = start(open_stacks, state)
    cid = make(client)
    assert stack.persistence is not None
    stack.persistence.db.execute("DROP TABLE log")
    response = client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a"], "embeddings": [[1.0]]})
    assert response.status_code == 500 and "state file" in response.json()["message"]
    response = client.post(f"{BASE}/collections/{cid}/add", json={"ids": ["b"], "embeddings": [[1.0]]})
    assert response.status_code == 500 and "restart the server" in response.json()["message"]
    assert client.get(f"{BASE}/collections/{cid}/count").json() == 1  # reads still work
    assert client.get("/api/v2/heartbeat").status_code == 200


def test_the_seed_goes_into_a_fresh_state_file_only(state: Path, tmp_path: Path, open_stacks: list[Stack]) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("collections:\n  - name: seeded\n    records:\n      - {id: a, document: hello world}\n")
    stack, client = start(open_stacks, state, seed_file=str(seed))
    assert [c["name"] for c in client.get(f"{BASE}/collections").json()] == ["seeded"]
    client.delete(f"{BASE}/collections/seeded")
    crash(stack)
    stack, client = start(open_stacks, state, seed_file=str(seed))
    assert client.get(f"{BASE}/collections").json() == []
    assert any("not loaded, the state file has state" in note for note in stack.notes)


def test_a_log_entry_that_no_longer_applies_is_skipped(state: Path, open_stacks: list[Stack]) -> None:
    stack, client = start(open_stacks, state)
    make(client)
    assert stack.persistence is not None
    stack.persistence.db.execute("INSERT INTO log (op, args, body) VALUES ('create_tenant', '{}', ?)", (b'{"name": "x"}',))
    crash(stack)
    again, client = start(open_stacks, state)
    assert client.get(f"{BASE}/collections/things").status_code == 200


def test_replay_refuses_unknown_operations() -> None:
    with pytest.raises(ValueError):
        oplog.replay(Store(), "no_such_operation", {}, {})


def test_the_lock_and_the_format_are_checked(state: Path, open_stacks: list[Stack]) -> None:
    stack, _ = start(open_stacks, state)
    with pytest.raises(StateFileError, match="in use"):
        Persistence(state, Store())
    assert stack.persistence is not None
    stack.persistence.close()
    db = sqlite3.connect(state)
    try:
        with db:
            db.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
    finally:
        db.close()
    with pytest.raises(StateFileError, match="format 99"):
        Persistence.open(state, Store())


def test_closed_persistence_refuses_writes(state: Path, open_stacks: list[Stack]) -> None:
    stack, client = start(open_stacks, state)
    assert stack.persistence is not None
    stack.persistence.close()
    stack.persistence.close()  # idempotent
    response = client.post("/api/v2/tenants", json={"name": "late"})
    assert response.status_code == 500
    assert "closed" in response.json()["message"]


#: Non-GET operations the log leaves out, and why.
NOT_LOGGED = {
    "collection_get": "a read",
    "collection_query": "a read",
    "collection_search": "a read (501 locally)",
    "update_tenant": "a no-op locally",
}


def test_every_writing_operation_of_the_spec_is_logged_or_known_not_to_write() -> None:
    from mockserver.api.spec import load_spec

    for op in load_spec().operations:
        if op.method != "GET":
            assert (op.operation_id in oplog.RECORDED) != (op.operation_id in NOT_LOGGED), op.operation_id


# --- what the API accepted is what comes back (issue 15) ----------------------------------------------
SCHEMA_VARIANT = {
    "defaults": {},
    "keys": {"#embedding": {"float_list": {"vector_index": {"enabled": True, "config": {"space": {"ip": None}}}}}},
}
#: bodies the validator normalises on the way in: unit variants written `{"x": null}`, serde's floats
NORMALISED_CREATES = [
    b'{"name": "variant", "configuration": {"hnsw": {"space": {"cosine": null}}}}',
    b'{"name": "schema-variant", "schema": ' + json.dumps(SCHEMA_VARIANT).encode() + b"}",
    (
        b'{"name": "serde-floats", "metadata": {"f": 123456.78899999999, "g": 0.00095749037570445775, '
        b'"h": 123456789012345678901234567890, "i": -0, "j": 9223372036854775807}}'
    ),
]


@pytest.mark.parametrize("clean", [False, True], ids=["log-replay", "snapshot"])
def test_a_restart_restores_exactly_what_the_api_accepted(state: Path, open_stacks: list[Stack], clean: bool) -> None:
    stack, client = start(open_stacks, state)
    for body in NORMALISED_CREATES:
        created = client.post(f"{BASE}/collections", content=body, headers={"content-type": "application/json"})
        assert created.status_code == 200, created.text
        cid = created.json()["id"]
        add(client, cid, ["a", "bb"])
    renamed = client.put(
        f"{BASE}/collections/{cid}", content=b'{"new_metadata": {"k": 1.9999999999999998e0}}',
        headers={"content-type": "application/json"},
    )
    assert renamed.status_code == 200, renamed.text
    upserted = client.post(  # a record write: logged raw, parsed again as serde parsed it
        f"{BASE}/collections/{cid}/upsert",
        content=b'{"ids": ["c"], "embeddings": [[0.9999999999999999, 123456.78899999999]], '
        b'"metadatas": [{"f": 0.00095749037570445775, "n": -0}], "documents": ["d"]}',
        headers={"content-type": "application/json"},
    )
    assert upserted.status_code == 200, upserted.text
    records = client.post(f"{BASE}/collections/{cid}/get", json={"include": ["embeddings", "metadatas", "documents"]})
    assert records.json()["metadatas"][-1] == {"f": 0.0009574903757044576, "n": -0.0}
    before = {c["id"]: c for c in client.get(f"{BASE}/collections").json()}
    assert before[cid]["metadata"] == {"k": 2.0}  # serde's rounding, as the real server stores it

    def queries() -> dict[str, Any]:
        out = {}
        for qid in before:
            query = client.post(f"{BASE}/collections/{qid}/query", json={"query_embeddings": [[1.0, 3.0]], "n_results": 2})
            assert query.status_code == 200, query.text
            out[qid] = query.json()
        return out

    answers = queries()
    assert stack.persistence is not None
    if clean:
        stack.persistence.close()
    else:
        crash(stack)
    _, client = start(open_stacks, state)
    for seen in before.values():
        assert client.get(f"{BASE}/collections/{seen['name']}").json() == seen
    assert queries() == answers
    assert client.post(f"{BASE}/collections/{cid}/get", json={"include": ["embeddings", "metadatas", "documents"]}).json() == records.json()


def test_a_space_stored_as_written_by_an_older_version_is_read_as_the_variant(
    state: Path, open_stacks: list[Stack]
) -> None:
    """Before the fix, a replayed `{"cosine": null}` reached the snapshot as written; such files load."""
    stack, client = start(open_stacks, state)
    cid = client.post(f"{BASE}/collections", json={"name": "old", "configuration": {"hnsw": {"space": "cosine"}}}).json()["id"]
    add(client, cid, ["a", "bb"])
    expected = client.get(f"{BASE}/collections/old").json()
    assert stack.persistence is not None
    stack.persistence.close()
    db = sqlite3.connect(state)
    with db:
        (fields_json,) = db.execute("SELECT fields FROM collections").fetchone()
        damaged = fields_json.replace('"space":"cosine"', '"space":{"cosine":null}')
        assert damaged != fields_json
        db.execute("UPDATE collections SET fields = ?", (damaged,))
    db.close()
    _, client = start(open_stacks, state)
    assert client.get(f"{BASE}/collections/old").json() == expected
    query = client.post(f"{BASE}/collections/{cid}/query", json={"query_embeddings": [[1.0, 1.0]], "n_results": 1})
    assert query.status_code == 200, query.text


def test_record_writes_log_raw_bodies_because_the_validator_rewrites_nothing_in_them() -> None:
    """RAW_BODIES skip the second serialisation: their body schemas hold no enum to normalise."""
    from mockserver.api.spec import load_spec

    spec = load_spec()

    def has_enum(node: Any, seen: set[str]) -> bool:
        if isinstance(node, list):
            return any(has_enum(item, seen) for item in node)
        if not isinstance(node, dict):
            return False
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return False
            seen.add(name)
            return has_enum(spec.components.get(name), seen)
        return "enum" in node or any(has_enum(value, seen) for value in node.values())

    operations = {op.operation_id: op for op in spec.operations}
    assert has_enum(operations["create_collection"].body_schema, set())  # the walk finds them where they are
    for op in oplog.RAW_BODIES:
        assert not has_enum(operations[op].body_schema, set()), op


def _damage_by_truncating(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _damage_with_noise(path: Path) -> None:
    path.write_bytes(b"this is not an SQLite file at all\n" * 300)


def _damage_with_foreign_tables(path: Path) -> None:
    path.unlink()
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE collections (a, b)")
        db.execute("CREATE TABLE log (x)")
        db.execute("INSERT INTO log VALUES (1)")
    db.close()


def _damage_rows(sql: str, *params: Any) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        db = sqlite3.connect(path)
        with db:
            db.execute(sql, params)
        db.close()

    return damage


@pytest.mark.parametrize(
    "damage",
    [
        _damage_by_truncating,
        _damage_with_noise,
        _damage_with_foreign_tables,
        _damage_rows("UPDATE collections SET fields = ?", "{not json"),
        _damage_rows("UPDATE collections SET fields = ?", '{"unexpected": 1}'),
        _damage_rows("UPDATE records SET vectors = ?", b"\x01\x02\x03"),
        _damage_rows("UPDATE records SET ids = ?", "[1, 2"),
        _damage_rows("INSERT INTO log (op, args, body) VALUES ('create_tenant', '[]', 'x')"),
        _damage_rows("INSERT INTO log (op, args, body) VALUES ('create_collection', '{}', '{}')"),
        _damage_rows("INSERT INTO log (op, args, body) VALUES ('drop_everything', '{}', '')"),
        _damage_rows("INSERT INTO log (op, args, body) VALUES ('create_tenant', '{\"a\": 1}', '{\"name\"')"),
    ],
    ids=[
        "truncated", "not-sqlite", "foreign-tables", "fields-not-json", "fields-wrong", "vectors", "ids",
        "log-args", "log-body-fields", "log-op", "log-body-json",
    ],
)
def test_a_damaged_state_file_is_one_clean_line_at_start(
    state: Path, open_stacks: list[Stack], damage: Callable[[Path], None]
) -> None:
    stack, client = start(open_stacks, state)
    for n in range(3):
        add(client, make(client, f"things{n}"), [f"id{i}" for i in range(50)], dim=8)
    assert stack.persistence is not None
    stack.persistence.close()
    damage(state)
    with pytest.raises(StateFileError) as caught:
        Persistence.open(state, Store())
    message = str(caught.value)
    assert "\n" not in message and str(state) in message, message


def test_a_damaged_state_file_stops_the_cli_with_one_line(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mockserver.serve import cli

    state.write_bytes(b"garbage" * 1000)
    assert cli.main(["serve", "--state-file", str(state), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "state file" in err and len(err.strip().splitlines()) == 1, err


# --- the cloud profile: fork trees, attached functions and log counters survive a restart --------
def _cloud_state(client: TestClient, ids: dict[str, str]) -> dict[str, Any]:
    """What a client can see of the cloud state: fork counts, versions, index progress, the function."""
    seen: dict[str, Any] = {}
    for name, cid in ids.items():
        seen[name] = (
            client.get(f"{BASE}/collections/{cid}/fork_count").json()["count"],
            client.get(f"{BASE}/collections/{name}").json()["version"],  # by name
            client.get(f"{BASE}/collections/{cid}/indexing_status").json()["num_unindexed_ops"],
            client.post(f"{BASE}/collections/{cid}/get", json={}).json()["ids"],
        )
    function = client.get(f"{BASE}/collections/{ids['source']}/functions/counter")
    seen["function"] = (function.status_code, function.json())
    return seen


@pytest.mark.parametrize("clean", [False, True], ids=["log-replay", "snapshot"])
def test_the_cloud_state_survives_a_restart(state: Path, open_stacks: list[Stack], clean: bool) -> None:
    stack, client = start(open_stacks, state, profile="cloud", compaction_delay=3600.0)
    ids = {"source": make(client, "source")}
    add(client, ids["source"], ["a", "b"])
    assert client.post("/__mock/compact", json={}).status_code == 200
    add(client, ids["source"], ["c"])  # still in the log: restored compacted
    forked = client.post(f"{BASE}/collections/{ids['source']}/fork", json={"new_name": "forked"})
    assert forked.status_code == 200, forked.text
    ids["forked"] = forked.json()["id"]
    ids["other"] = make(client, "other")
    attach = {"name": "counter", "function_id": "record_counter", "output_collection": "counts", "params": {}}
    attached = client.post(f"{BASE}/collections/{ids['source']}/functions/attach", json=attach)
    assert attached.status_code == 200, attached.text
    before = _cloud_state(client, ids)
    assert before["source"][0] == before["forked"][0] == 1 and before["other"][0] == 0
    assert before["function"][0] == 200 and before["source"][2] == 1
    if clean:
        assert stack.persistence is not None
        stack.persistence.close()
    else:
        crash(stack)
    _, client = start(open_stacks, state, profile="cloud", compaction_delay=3600.0)
    after = _cloud_state(client, ids)
    for name in ("source", "forked", "other"):
        forks, _, unindexed, records = after[name]
        assert (forks, records) == (before[name][0], before[name][3]), name
        assert unindexed == 0, name  # restored compacted
    if clean:  # the snapshot keeps each version; the pending write counts as one more compaction
        assert [after[n][1] for n in ("source", "forked", "other")] == [before["source"][1] + 1, before["forked"][1] + 1, 0]
    else:  # a crash before any snapshot: the replayed log is compacted once (the count of earlier ones is not logged)
        assert after["source"][1] >= 1 and after["forked"][1] >= 1
    assert after["function"] == before["function"]
    again = client.post(f"{BASE}/collections/{ids['forked']}/fork", json={"new_name": "forked-again"})
    assert again.status_code == 200 and client.get(f"{BASE}/collections/{ids['source']}/fork_count").json()["count"] == 2
    detached = client.post(f"{BASE}/collections/{ids['source']}/attached_functions/counter/detach", json={})
    assert detached.status_code == 200, detached.text
