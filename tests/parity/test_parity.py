"""Parity: every case of the catalogue, played on the real server and on the mock, must agree."""

from __future__ import annotations

import httpx
import pytest

from mockserver.api.routes import RouteTable
from mockserver.api.spec import load_spec

from .cases import ALL_CASES
from .differences import DIFFERENCES
from .harness import Case, Servers, play


def test_catalogue_ids_are_unique() -> None:
    ids = [c.id for c in ALL_CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_differences_name_real_cases() -> None:
    assert set(DIFFERENCES) <= {c.id for c in ALL_CASES}


def test_catalogue_covers_every_operation() -> None:
    spec = load_spec()
    routes = RouteTable(spec)
    covered = {
        match.operation.operation_id
        for c in ALL_CASES
        for step in c.steps
        if (match := routes.match(step.method, step.path.split("?")[0])).operation
    }
    assert {op.operation_id for op in spec.operations} - covered == set()


@pytest.mark.parametrize("parity_case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_parity(parity_case: Case, clients: tuple[httpx.Client, httpx.Client], parity_servers: Servers) -> None:
    real, mock = clients
    parity_servers.dirty = play(parity_case, real, mock, DIFFERENCES.get(parity_case.id))
