"""Pytest plugin for running chromadb 1.5.9's own tests under this repo's pytest (9.x).

Their conftest renames items through `item._nodeid`, an attribute pytest 9 no longer has; give it
one first (the renamed id is cosmetic, the test itself is unchanged).
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """The default embedding function computes offline (the ONNX model cannot be downloaded in CI)."""
    from mockserver.intercept.embedding import offline_embeddings

    context = offline_embeddings()
    context.__enter__()
    config.add_cleanup(lambda: context.__exit__(None, None, None))


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    if not hasattr(item, "_nodeid"):
        item._nodeid = item.nodeid  # type: ignore[attr-defined]


#: The longest pause the wheel's tests may take. They sleep up to 60 s after a compaction "to
#: invalidate the frontend query cache" of a real deployment; the mock has no such cache.
MAX_SLEEP_S = 0.5


def _capped_sleep(seconds: float) -> None:
    import time

    time.sleep(min(seconds, MAX_SLEEP_S))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Cap the module-level `sleep` of the collected test modules; poll for compactions every 50 ms."""
    import time

    for item in items:
        module = getattr(item, "module", None)
        if module is not None and getattr(module, "sleep", None) is time.sleep:
            module.sleep = _capped_sleep
    try:
        from chromadb.test.utils import wait_for_version_increase
    except ImportError:
        return
    wait_for_version_increase.TIMEOUT_INTERVAL = 0.05  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """`WHEEL_MAX_EXAMPLES=N`: their property tests run N hypothesis examples (their "fast" preset runs 50)."""
    import os

    examples = os.environ.get("WHEEL_MAX_EXAMPLES")
    if examples:
        import hypothesis

        base = hypothesis.settings.get_profile("base")
        hypothesis.settings.register_profile("mockserver-ci", base, max_examples=int(examples))
        hypothesis.settings.load_profile("mockserver-ci")
