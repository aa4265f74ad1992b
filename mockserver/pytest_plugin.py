"""Pytest plugin entry point (`pytest11`, `-p mockserver.pytest_plugin`): re-exports `mockserver.pytest.plugin`.

Kept so the entry point and the documented `from mockserver.pytest_plugin import ChromaMock` stay stable
while the plugin lives in the `mockserver.pytest` package. Hooks and fixtures are registered from here.
"""

from __future__ import annotations

from mockserver.pytest.handles import ChromaMock, LocalMock, RemoteChroma
from mockserver.pytest.plugin import (
    _chroma_intercept_switch,
    chroma_intercept,
    chroma_mock,
    chroma_mock_profiles,
    chroma_mock_session,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_call,
)

__all__ = [
    "ChromaMock",
    "LocalMock",
    "RemoteChroma",
    "_chroma_intercept_switch",
    "chroma_intercept",
    "chroma_mock",
    "chroma_mock_profiles",
    "chroma_mock_session",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_runtest_call",
]
