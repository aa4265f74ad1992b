"""Store: behaviour profiles: `local` (a single-node `chroma run` 1.5.9) and `cloud` (a distributed deployment).

A profile is a frozen value the store and the handlers consult where the two deployments differ;
there is one code path per operation, never a copy per profile. `local` is the default and keeps
exactly the single-node behaviour (search, fork, fork_count and indexing_status refused as
`chroma run` refuses them). `cloud` runs what Chroma Cloud runs: `search` is executed, writes go to
a log compacted after `compaction_delay` seconds, and so on (README, "Cloud profile").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mockserver.store.quotas import DEFAULT_QUOTAS, Quotas

PROFILE_NAMES = ("local", "cloud")


@dataclass(frozen=True)
class Profile:
    name: str
    #: `search` is executed (else validated, then 501 as `chroma run` answers)
    search: bool = False
    #: sparse vectors in record metadata and sparse vector indexes in a collection schema
    sparse_vectors: bool = False
    #: dense vector indexes are SPANN (a distributed deployment's default KNN index), not HNSW;
    #: None: as the deployment (SPANN in the cloud profile, HNSW in the local one)
    spann_index: bool | None = None
    #: search results silently capped at this many per payload (Cloud's "Number of results" quota)
    result_cap: int | None = None
    #: seconds from a write to its compaction into the index (None: no log, every write indexed at once)
    compaction_delay: float | None = None
    #: WAL entries an `index_and_bounded_wal` read sees beyond the index (worker `bounded_wal_limit`)
    bounded_wal_limit: int = 250
    #: `pre_flight_checks.max_batch_size`
    max_batch_size: int = 5461
    #: every secured operation needs an API key (without `--auth`: any non-empty key, mockserver.api.api_keys)
    api_key_required: bool = False
    #: Chroma Cloud's quotas (mockserver.store.quotas): None, no quota is checked
    quotas: Quotas | None = None

    @property
    def is_cloud(self) -> bool:
        return self.name == "cloud"

    @property
    def spann(self) -> bool:
        """Whether dense vector indexes are SPANN (`spann_index`, else the deployment's default)."""
        return self.is_cloud if self.spann_index is None else self.spann_index


LOCAL = Profile("local")
#: 300: the "Maximum number of results returned" of Chroma Cloud's documented quotas (the code default
#: of the open quota vocabulary is 100); 0.1 s: short enough that a test polling `version` waits little.
CLOUD = Profile(
    "cloud",
    search=True,
    sparse_vectors=True,
    result_cap=300,
    compaction_delay=0.1,
    max_batch_size=1000,
    api_key_required=True,
    quotas=DEFAULT_QUOTAS,
)


def profile_named(name: str | Profile, **overrides: Any) -> Profile:
    """The profile called `name` ("local" or "cloud"), with any fields replaced by `overrides`."""
    if isinstance(name, Profile):
        base = name
    elif name == "local":
        base = LOCAL
    elif name == "cloud":
        base = CLOUD
    else:
        raise ValueError(f"unknown profile {name!r}: choose one of {', '.join(PROFILE_NAMES)}")
    return replace(base, **overrides) if overrides else base
