"""Store: tenants and databases (pure state; no HTTP)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mockserver.errors import AlreadyExists, NotFound
from mockserver.store.names import check_database_name, check_tenant_name

DEFAULT_TENANT = "default_tenant"
DEFAULT_DATABASE = "default_database"
DEFAULT_DATABASE_ID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Database:
    id: str
    name: str
    tenant: str

    def body(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "tenant": self.tenant}


class Catalog:
    """The set of tenants and the databases of each tenant (a database may name a missing tenant)."""

    def __init__(self) -> None:
        self.tenants: set[str] = set()
        self.databases: dict[tuple[str, str], Database] = {}
        self.reset()

    def reset(self) -> None:
        self.tenants = {DEFAULT_TENANT}
        self.databases = {
            (DEFAULT_TENANT, DEFAULT_DATABASE): Database(DEFAULT_DATABASE_ID, DEFAULT_DATABASE, DEFAULT_TENANT)
        }

    def copy(self) -> Catalog:
        """An independent copy (for store snapshots); `Database` entries are frozen and shared."""
        other = Catalog()
        other.tenants = set(self.tenants)
        other.databases = dict(self.databases)
        return other

    # tenants ------------------------------------------------------------------------------
    def create_tenant(self, name: str) -> None:
        check_tenant_name(name)
        if name in self.tenants:
            raise AlreadyExists(f"Tenant [{name}] already exists")
        self.tenants.add(name)

    def get_tenant(self, name: str) -> str:
        if name not in self.tenants:
            raise NotFound(f"Tenant [{name}] not found")
        return name

    # databases ----------------------------------------------------------------------------
    def create_database(self, tenant: str, name: str, database_id: str | None = None) -> Database:
        check_database_name(name)
        if (tenant, name) in self.databases:
            raise AlreadyExists(f"Database [{name}] already exists")
        db = Database(database_id or str(uuid.uuid4()), name, tenant)
        self.databases[(tenant, name)] = db
        return db

    def find_database(self, tenant: str, name: str) -> Database | None:
        return self.databases.get((tenant, name))

    def get_database(self, tenant: str, name: str) -> Database:
        db = self.databases.get((tenant, name))
        if db is None:
            raise NotFound(f"Database [{name}] not found. Are you sure it exists?")
        return db

    def list_databases(self, tenant: str, limit: int | None, offset: int, only: frozenset[str] | None = None) -> list[Database]:
        found = sorted(
            (db for (t, name), db in self.databases.items() if t == tenant and (only is None or name in only)),
            key=lambda d: d.name,
        )
        end = None if limit is None else offset + limit
        return found[offset:end]

    def delete_database(self, tenant: str, name: str) -> Database:
        db = self.databases.pop((tenant, name), None)
        if db is None:
            raise NotFound(f"Database [{name}] not found")
        return db
