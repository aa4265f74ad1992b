"""Store: the SPANN vector index of the cloud profile (a distributed deployment's default KNN index).

A distributed Chroma 1.5.9 builds every collection's dense vector index as SPANN, not HNSW
(`default_knn_index: spann`, `rust/types/src/collection_configuration.rs` `try_from_config`):

- an `hnsw` configuration (or `hnsw:*` metadata, or none) becomes the default SPANN configuration
  with only its `space` kept; a `spann` configuration is taken field by field over the defaults;
- in a client `schema`, the `spann` of a vector index config is merged over the defaults the same way;
- `configuration_json` then reads `"hnsw": null, "spann": {...}` (the 9 public fields of
  `SpannConfiguration`), and the schema's vector index configs carry a full `spann` object (the
  16 fields of `Schema::new_default(KnnIndex::Spann)`) in place of `hnsw`;
- an update changes only `search_nprobe` and `ef_search` of `spann` (an `hnsw` update is ignored).

The search itself stays exact (README, "Cloud profile": approximate KNN is not modelled).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from mockserver.store.configuration import Configuration, JsonObject, configuration_for_update

#: `Schema::new_default(KnnIndex::Spann)`'s SPANN config, in its struct order (chroma 1.5.9 defaults)
SPANN_DEFAULTS: JsonObject = {
    "search_nprobe": 64,
    "search_rng_factor": 1.0,
    "search_rng_epsilon": 10.0,
    "nreplica_count": 8,
    "write_rng_factor": 1.0,
    "write_rng_epsilon": 5.0,
    "split_threshold": 50,
    "num_samples_kmeans": 1000,
    "initial_lambda": 100.0,
    "reassign_neighbor_count": 64,
    "merge_threshold": 25,
    "num_centers_to_merge_to": 8,
    "write_nprobe": 32,
    "ef_construction": 200,
    "ef_search": 200,
    "max_neighbors": 64,
}
_FLOATS = {"search_rng_factor", "search_rng_epsilon", "write_rng_factor", "write_rng_epsilon", "initial_lambda"}
#: the fields an update may change
_UPDATABLE = ("search_nprobe", "ef_search")


def merged(given: Any) -> JsonObject:
    """A schema `spann` object: the given fields (those SPANN has, non-null) over the defaults."""
    spann = dict(SPANN_DEFAULTS)
    for key, value in (given if isinstance(given, dict) else {}).items():
        if key in spann and value is not None:
            spann[key] = float(value) if key in _FLOATS else value
    return spann


def as_spann(config: Configuration, configuration: JsonObject | None, schema: JsonObject | None) -> Configuration:
    """A new collection's resolved configuration with its vector index made SPANN (see the module doc)."""
    embedding = _vector_config(((schema or {}).get("keys") or {}).get("#embedding"))
    given = embedding.get("spann") if config.defaults_vector is not None else (configuration or {}).get("spann")
    result = replace(config, spann=merged(given))
    if config.defaults_vector is not None:
        view = {k: copy.deepcopy(v) for k, v in config.defaults_vector.items() if k != "hnsw"}
        view["spann"] = merged(_vector_config((schema or {}).get("defaults")).get("spann"))
        result = replace(result, defaults_vector=view)
    return result


def update(current: Configuration, new: JsonObject | None) -> Configuration:
    """`configuration_for_update` for a SPANN collection: `search_nprobe`/`ef_search` of `spann` change."""
    assert current.spann is not None
    new = new or {}
    result = configuration_for_update(current, {k: v for k, v in new.items() if k not in ("hnsw", "spann")})
    changes = {k: v for k, v in (new.get("spann") or {}).items() if k in _UPDATABLE and v is not None}
    if not changes:
        return result
    view = None if result.defaults_vector is None else copy.deepcopy(result.defaults_vector)
    if view is not None and isinstance(view.get("spann"), dict):
        view["spann"].update(changes)
    return replace(result, spann={**current.spann, **changes}, defaults_vector=view)


def _vector_config(value_types: Any) -> JsonObject:
    index = ((value_types or {}).get("float_list") or {}).get("vector_index") if isinstance(value_types, dict) else None
    config = index.get("config") if isinstance(index, dict) else None
    return config if isinstance(config, dict) else {}
