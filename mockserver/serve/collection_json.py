"""Persist: a Collection as the JSON of its `--state-file` snapshot row, and back; with its cloud-profile state.

`collection_json` keeps every dataclass field of a `Collection` but its records (so fields added to
the store later persist too). The cloud profile's state lives beside those fields (in runtime
attributes) and is stored under a `_cloud` key of the same JSON:

- `lineage`: the fork tree, as the id of its first collection in the snapshot (the same key for
  every collection of one tree) and its fork count;
- `attached_function`: the function attached to the collection, field by field;
- `version` and `total_ops`: the log's counters. A snapshot holds the records as of the last write,
  so a restored collection comes back compacted: the writes not yet compacted count as indexed and,
  if there were any, as one more compaction (its `version` rises by one, never goes back).
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from mockserver.store.collections import Collection, Collections, Lineage
from mockserver.store.compaction import Wal
from mockserver.store.configuration import Configuration, Hnsw
from mockserver.store.functions import AttachedFunction


def cloud_fields(collections: Collections) -> dict[str, dict[str, Any]]:
    """Collection id -> its `_cloud` JSON (only the collections that have some cloud state)."""
    trees: dict[int, str] = {}
    out: dict[str, dict[str, Any]] = {}
    for cid, collection in collections.by_id.items():
        state: dict[str, Any] = {}
        if collection.lineage is not None:
            key = trees.setdefault(id(collection.lineage), cid)
            state["lineage"] = {"tree": key, "forks": collection.lineage.forks}
        if collection.attached_function is not None:
            state["attached_function"] = asdict(collection.attached_function)
        wal = collection.wal
        if wal is not None and (wal.version or wal.total_ops):
            state["version"] = wal.version + (1 if wal.pending else 0)
            state["total_ops"] = wal.total_ops
        if state:
            out[cid] = state
    return out


def restore_cloud(collections: Collections, states: dict[str, dict[str, Any]]) -> None:
    """Give the restored collections their cloud state (the log only in a store with the cloud profile)."""
    trees: dict[str, Lineage] = {}
    for cid, state in states.items():
        collection: Collection | None = collections.by_id.get(cid)
        if collection is None:
            continue
        tree = state.get("lineage")
        if tree is not None:
            collection.lineage = trees.setdefault(tree["tree"], Lineage(forks=int(tree["forks"])))
        function = state.get("attached_function")
        if function is not None:
            collection.attached_function = AttachedFunction(**function)
        if "version" in state and collections.profile.compaction_delay is not None:
            wal = Wal.for_collection(collection)
            wal.version = int(state["version"])
            wal.total_ops = wal.indexed_ops = int(state["total_ops"])
            collection.wal = wal


def collection_json(collection: Collection, cloud: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every field of a Collection but its records (so fields added to the store later persist too),
    and its cloud-profile state under `_cloud` (from `cloud_fields`)."""
    out: dict[str, Any] = {} if cloud is None else {"_cloud": cloud}
    for f in fields(collection):
        if f.name == "configuration":
            config = collection.configuration
            out[f.name] = {
                c.name: asdict(config.hnsw) if c.name == "hnsw" else getattr(config, c.name) for c in fields(config)
            }
        elif not f.name.startswith("_"):  # the record table is stored apart
            out[f.name] = getattr(collection, f.name)
    return out


def collection_from_json(data: dict[str, Any]) -> Collection:
    data = _repair_spaces(data)
    config: dict[str, Any] = {k: Hnsw(**v) if k == "hnsw" else v for k, v in data.pop("configuration").items()}
    return Collection(configuration=Configuration(**config), **data)


def _repair_spaces(node: Any) -> Any:
    """Files written before the log kept the accepted body may hold a distance space as the client
    wrote it, `{"cosine": null}` (serde's other spelling of "cosine"): read it as the variant."""
    if isinstance(node, list):
        return [_repair_spaces(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "space" and isinstance(value, dict) and len(value) == 1 and next(iter(value.values())) is None:
            value = next(iter(value))
        out[key] = _repair_spaces(value)
    return out
