"""Persist: the state file in-process: log replay, incremental snapshots, side effects of failed writes, crashes mid-snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterator

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
    return stack, TestClient(stack.asgi, base_url="http://localhost")  # the Host check accepts localhost


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
        oplog.replay(Store(), "fork_collection", {}, {})


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
    "fork_collection": "always 501 locally",
    "attach_function": "always an error locally",
    "detach_function": "always an error locally",
}


def test_every_writing_operation_of_the_spec_is_logged_or_known_not_to_write() -> None:
    from mockserver.api.spec import load_spec

    for op in load_spec().operations:
        if op.method != "GET":
            assert (op.operation_id in oplog.RECORDED) != (op.operation_id in NOT_LOGGED), op.operation_id
