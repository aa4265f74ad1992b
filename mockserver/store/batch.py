"""Store: the columns of one record write (add, upsert, update), as the handlers pass them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordBatch:
    """One write request's columns (already schema-validated)."""

    ids: list[str]
    embeddings: list[Any] | None
    documents: list[str | None] | None
    uris: list[str | None] | None
    metadatas: list[dict[str, Any] | None] | None
