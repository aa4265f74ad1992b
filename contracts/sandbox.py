"""Sandbox: a throwaway tenant and databases for one run, the guard that keeps calls inside them.

Every generated and scripted call is pinned to the sandbox tenant; databases are drawn from the
sandbox's own. Tenant names that tests create are prefixed with the sandbox tenant. `reset` is
never called unless `--allow-destructive`; when it is (or the sandbox database gets deleted by a
generated call), the sandbox is re-created straight away so the rest of the run keeps its footing.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

if TYPE_CHECKING:
    from schemathesis import Case, Response

    from contracts.target import Caller, JsonObject

PREFIX = "contracts"
RUN_MARKER = "x-contracts-run"  # put in the spec document, so hooks only touch this run's calls
TENANT_PARAMETERS = ("tenant", "tenant_name")
_DB_DICTIONARY = "contracts_sandbox_database"
_SCRATCH_DICTIONARY = "contracts_scratch_database"
_NAMES_DICTIONARY = "contracts_valid_names"
#: Valid collection/database names: random strings rarely pass Chroma's name rule, and a chain that
#: starts with a failed create goes nowhere.
VALID_NAMES = ("alpha", "beta.2", "gamma-3", "delta_4", "epsilon5", "zeta.z-z_z", "eta123", "theta")


class SandboxError(RuntimeError):
    """The sandbox could not be created (the target refused a tenant or database)."""


class TargetUnreachable(SandboxError):
    """The target did not answer at all (connection refused, DNS, timeout)."""


class DestructiveCallBlocked(RuntimeError):
    """A call outside the sandbox was about to be sent without --allow-destructive."""


@dataclass(frozen=True)
class Sandbox:
    """Names of this run's tenant and databases; a random suffix keeps concurrent runs apart."""

    tenant: str
    database: str  # where generated cases go
    scenario_database: str  # where the scripted scenarios run
    scratch_database: str  # never created: what delete_database is generated against

    @classmethod
    def new(cls, suffix: str | None = None) -> Sandbox:
        tag = suffix or secrets.token_hex(4)
        tenant = f"{PREFIX}-{tag}"
        return cls(tenant, f"{tenant}-db", f"{tenant}-scenarios", f"{tenant}-scratch")

    @property
    def databases(self) -> tuple[str, str]:
        return (self.database, self.scenario_database)

    def config_overrides(self) -> JsonObject:
        """schemathesis config: tenant pinned; database drawn from the sandbox 90% of the time.

        A hard override of `database` would also overwrite the values the stateful links carry
        (create_database -> create_collection), so it is a dictionary binding instead; any other
        value it generates still addresses a database inside the sandbox tenant.
        """
        return {
            "parameters": {
                **{f"path.{name}": self.tenant for name in TENANT_PARAMETERS},
                "path.database": {"dictionary": _DB_DICTIONARY, "probability": 0.9},
            },
            "dictionaries": {
                _DB_DICTIONARY: {"values": [self.database]},
                _SCRATCH_DICTIONARY: {"values": [self.scratch_database]},
                _NAMES_DICTIONARY: {"values": list(VALID_NAMES)},
            },
            "operations": [
                {
                    "include-operation-id": "delete_database",
                    "parameters": {"path.database": {"dictionary": _SCRATCH_DICTIONARY, "probability": 0.9}},
                },
                {
                    "include-operation-id": ["create_collection", "create_database"],
                    "parameters": {"body.name": {"dictionary": _NAMES_DICTIONARY, "probability": 0.5}},
                },
            ],
        }

    # lifecycle ---------------------------------------------------------------------------------
    def create(self, caller: Caller) -> None:
        try:
            self._create(caller)
        except SandboxError:
            raise
        except Exception as exc:  # noqa: BLE001 - network errors and the like: the target is not usable
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise TargetUnreachable(f"cannot reach {caller.target.label}: {type(exc).__name__}: {first}") from None

    def _create(self, caller: Caller) -> None:
        reply = caller.call("create_tenant", body={"name": self.tenant})
        if reply.status not in (200, 409):
            raise SandboxError(f"create_tenant {self.tenant!r} answered {reply.status}: {reply.text[:300]}")
        for database in self.databases:
            reply = caller.call("create_database", {"tenant": self.tenant}, {"name": database})
            if reply.status not in (200, 409):
                raise SandboxError(f"create_database {database!r} answered {reply.status}: {reply.text[:300]}")

    def remove(self, caller: Caller) -> list[str]:
        """Delete every database of the sandbox tenant; return notes on what could not be removed."""
        notes: list[str] = []
        reply = caller.call("list_databases", {"tenant": self.tenant})
        names = [d.get("name") for d in reply.body or [] if isinstance(d, dict)] if reply.status == 200 else []
        for name in names:
            gone = caller.call("delete_database", {"tenant": self.tenant, "database": str(name)})
            if gone.status not in (200, 404):
                notes.append(f"could not delete sandbox database {name!r}: {gone.status} {gone.text[:200]}")
        if reply.status != 200:
            notes.append(f"could not list the sandbox databases: {reply.status} {reply.text[:200]}")
        notes.append(
            f"tenant {self.tenant!r} (and tenants named {self.tenant}-*) remain, empty: "
            "Chroma's API has no way to delete a tenant"
        )
        return notes


class Guard:
    """schemathesis hooks that keep this run's calls inside the sandbox (installed for one run)."""

    def __init__(self, sandbox: Sandbox, run_id: str, allow_destructive: bool) -> None:
        self.sandbox = sandbox
        self.run_id = run_id
        self.allow_destructive = allow_destructive
        self.caller: Caller | None = None
        self.recreated = 0
        self._lock = threading.Lock()
        self._hooks: tuple[tuple[Any, str], ...] = ()

    def install(self, caller: Caller) -> None:
        self.caller = caller
        # Bound methods are new objects on every access; keep the registered ones to unregister them.
        self._hooks = ((self.before_call, "before_call"), (self.after_call, "after_call"))
        for hook, name in self._hooks:
            GLOBAL_HOOK_DISPATCHER.register_hook_with_name(hook, name)

    def uninstall(self) -> None:
        for hook, _ in self._hooks:
            GLOBAL_HOOK_DISPATCHER.unregister(hook)
        self._hooks = ()

    def _ours(self, case: Case[Any]) -> bool:
        return bool(case.operation.schema.raw_schema.get(RUN_MARKER) == self.run_id)

    def before_call(self, context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
        if not self._ours(case):
            return
        operation_id = case.operation.definition.raw.get("operationId")
        if operation_id == "reset" and not self.allow_destructive:
            raise DestructiveCallBlocked("reset is only called with --allow-destructive")
        params = case.path_parameters
        if params:
            for parameter in TENANT_PARAMETERS:
                if parameter in params:
                    params[parameter] = self.sandbox.tenant
        if operation_id == "create_tenant" and isinstance(case.body, dict):
            name = case.body.get("name")
            if isinstance(name, str) and not name.startswith(self.sandbox.tenant):
                case.body["name"] = f"{self.sandbox.tenant}-{name}"

    def after_call(self, context: HookContext, case: Case[Any], response: Response) -> None:
        if not self._ours(case) or response.status_code != 200 or self.caller is None:
            return
        operation_id = case.operation.definition.raw.get("operationId")
        database = (case.path_parameters or {}).get("database")
        if operation_id == "reset" or (operation_id == "delete_database" and database in self.sandbox.databases):
            with self._lock:
                self.recreated += 1
                self.sandbox.create(self.caller)
