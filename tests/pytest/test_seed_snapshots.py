"""LocalMock.prepare: seed files loaded once, then restored from a store snapshot before each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy  # noqa: F401 -- imported at collection: an in-process pytester run elsewhere drops modules it first imported
import pytest

from mockserver.api.app import create_app
from mockserver.control import seed
from mockserver.intercept.scopes import ScopedApps
from mockserver.intercept.server_thread import MockServer
from mockserver.pytest.handles import LocalMock

SEED = "collections:\n  - name: fruit\n    records:\n      - {id: apple, document: Apples are red}\n"
TENANT, DB = "default_tenant", "default_database"


@pytest.fixture
def mock() -> Iterator[LocalMock]:
    app = create_app()
    scopes = ScopedApps(app)
    with MockServer(scopes) as server:
        yield LocalMock(app, server, scopes)


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    loads: list[object] = []
    real = seed.load_seed
    monkeypatch.setattr(seed, "load_seed", lambda store, source: loads.append(source) or real(store, source))
    return loads


def test_a_seed_file_is_loaded_once_and_restored(mock: LocalMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = count_loads(monkeypatch)
    path = tmp_path / "fruit.yaml"
    path.write_text(SEED)
    for _ in range(3):
        mock.prepare([path])
        fruit = mock.store.get_collection(TENANT, DB, "fruit")
        assert mock.store.count(DB, fruit.id) == 1
        mock.store.delete_collection(TENANT, DB, "fruit")  # what a test may do; the next one starts seeded
        mock.persistent_store(tmp_path / "db").create_collection(TENANT, DB, "scoped")
    assert len(loads) == 1
    mock.prepare([])
    assert mock.store.count_collections(TENANT, DB) == 0
    assert mock.persistent_store(tmp_path / "db").count_collections(TENANT, DB) == 0  # per-path states reset too
    path.write_text(SEED.replace("red", "crimson"))  # changed: loaded again
    mock.prepare([path])
    assert len(loads) == 2


def test_dict_seeds_are_loaded_every_time(mock: LocalMock, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = count_loads(monkeypatch)
    for _ in range(2):
        mock.prepare([{"collections": [{"name": "notes"}]}])
        assert mock.store.count_collections(TENANT, DB) == 1
    assert len(loads) == 2
