"""Parity: a path parameter left empty inside the path (`/tenants//databases`) is matched as an empty
value, as axum's router does (an empty last segment is no match: 404); every operation of the spec,
each of its parameters in turn, on the mock and on real Chroma 1.5.9: same status and error type."""

from __future__ import annotations

from typing import Any

import httpx
import yaml

from mockserver.api.spec import default_spec_path

from .harness import C


def _outcome(response: httpx.Response) -> tuple[int, Any]:
    try:
        body = response.json()
    except ValueError:
        return response.status_code, response.text[:80]
    return response.status_code, body.get("error") if isinstance(body, dict) else body


def test_every_operation_with_each_parameter_empty(clients: tuple[httpx.Client, httpx.Client]) -> None:
    spec = yaml.safe_load(default_spec_path().read_text(encoding="utf-8"))
    ids = [client.post(C, json={"name": "segments"}).json()["id"] for client in clients]
    differences, checked = [], 0
    for template, item in spec["paths"].items():
        names = [segment[1:-1] for segment in template.split("/") if segment.startswith("{")]
        for empty in names:
            for method in ("get", "post", "put", "patch", "delete"):
                if method not in item:
                    continue
                outcomes = []
                for client, collection_id in zip(clients, ids):
                    values = dict.fromkeys(("tenant", "tenant_name"), "default_tenant")
                    values |= dict.fromkeys(("database", "database_name"), "default_database")
                    values |= {"collection_id": collection_id, "crn": "a:b:c", "function_name": "fn", "name": "fn"}
                    values[empty] = ""
                    body = {} if method in ("post", "put", "patch") else None
                    outcomes.append(_outcome(client.request(method.upper(), template.format(**values), json=body)))
                checked += 1
                if outcomes[0] != outcomes[1]:
                    differences.append(
                        f"{method.upper()} {template} ({empty} empty): real {outcomes[0]}, mock {outcomes[1]}"
                    )
    assert checked > 60
    assert not differences, "\n".join(differences)
