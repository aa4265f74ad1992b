"""Fixtures for the contract harness: the real Chroma 1.5.9 server, and small run options.

The real server is `chroma run <config.yaml>` from the pinned chromadb test dependency, on a free
port with a temporary persist path and `allow_reset: true`. If it cannot start, the tests that need
it FAIL with the reason (never skip): a contract run without the oracle proves nothing.
Fixture names are prefixed (`contracts_`) because schemathesis' pytest plugin loads everywhere.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest
from real_chroma import real_chroma

STARTUP_TIMEOUT_S = 60.0

#: Small budgets keep the suite quick on a shared 2-core machine; the CLI default is larger.
TEST_MAX_EXAMPLES = 4


@pytest.fixture(scope="session")
def contracts_max_examples() -> int:
    return int(os.environ.get("CONTRACTS_TEST_MAX_EXAMPLES", TEST_MAX_EXAMPLES))


@pytest.fixture(scope="session")
def contracts_seed(request: pytest.FixtureRequest) -> int:
    """A fresh Hypothesis seed for each session's contract runs, printed; CONTRACTS_TEST_SEED=N pins it."""
    pinned = os.environ.get("CONTRACTS_TEST_SEED")
    seed = int(pinned) if pinned else random.SystemRandom().randrange(2**31)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = f"contract runs use seed {seed} ({'pinned' if pinned else 'fresh'}; replay with CONTRACTS_TEST_SEED={seed})"
    if reporter is not None:
        reporter.write_line(f"\n{line}")
    else:
        print(line)
    return seed


@pytest.fixture(scope="session")
def contracts_chroma_url() -> Iterator[str]:
    """A private real Chroma 1.5.9 for the session; stopped and deleted at the end."""
    with real_chroma("contracts-chroma-", timeout_s=STARTUP_TIMEOUT_S) as url:
        yield url
