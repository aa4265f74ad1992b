"""The parity catalogue: request sequences played on the real server and the mock (data, not code)."""

from __future__ import annotations

from ..harness import Case
from . import collections, configuration, messages, reads, robustness, schema, search, system, tenants, values, writes

ALL_CASES: list[Case] = [
    *system.CASES,
    *tenants.CASES,
    *collections.CASES,
    *configuration.CASES,
    *schema.CASES,
    *writes.CASES,
    *values.CASES,
    *reads.CASES,
    *messages.CASES,
    *robustness.CASES,
    *search.CASES,
]
