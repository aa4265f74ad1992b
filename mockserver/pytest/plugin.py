"""Pytest plugin (I/O stage, loaded through `pytest11`): the `chroma_mock` fixture, its marker and options.

One mock server per session (per xdist worker) in a background thread, reset before every test;
`--chroma-url` runs the same tests against a real Chroma; `--contracts-url` runs the contract suite.
Heavy imports (the app, uvicorn) happen only when a test asks for `chroma_mock`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.pytest.handles import ChromaMock, LocalMock, RemoteChroma

__all__ = ["ChromaMock"]

_HANDLE = pytest.StashKey[ChromaMock]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("chroma-mockserver", "Chroma mock server (chroma-mockserver)")
    group.addoption(
        "--chroma-spec", metavar="PATH", help="OpenAPI document the mock serves (default: bundled Chroma 1.5.9)"
    )
    group.addoption("--chroma-host", metavar="HOST", help="address the mock listens on (default: 127.0.0.1)")
    group.addoption(
        "--chroma-url", metavar="URL", help="run chroma_mock tests against this real Chroma instead of the mock"
    )
    group.addoption(
        "--contracts-url", metavar="URL", help="run the contract suite against this Chroma-compatible server"
    )
    group.addoption(
        "--contracts-args", metavar="ARGS", help="more `contracts run` flags, e.g. '--max-examples 5 --strict'"
    )
    group.addoption(
        "--chroma-profile",
        choices=("local", "cloud"),
        help="behaviour of the mock: local (`chroma run`, default) or cloud (Chroma Cloud: search, fork, ...)",
    )
    parser.addini("chroma_spec", "OpenAPI document the mock serves (relative to the ini file)", default="")
    parser.addini("chroma_profile", "behaviour of the mock: local (default) or cloud", default="local")
    parser.addini("chroma_host", "address the mock listens on", default="127.0.0.1")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "chroma_seed(*sources): seed chroma_mock before the test from YAML/JSON files (relative to the test file) or dicts",
    )
    config.addinivalue_line("markers", "chroma_contracts: a contract-suite item added by --contracts-url")
    config.addinivalue_line(
        "markers",
        "chroma_profile(name): run this test's chroma_mock with the 'local' or 'cloud' profile "
        "(a second server is started once for the session when it differs from --chroma-profile)",
    )


def _profile(config: pytest.Config) -> str:
    chosen = config.getoption("chroma_profile") or str(config.getini("chroma_profile")) or "local"
    if chosen not in ("local", "cloud"):
        raise pytest.UsageError(f"chroma_profile must be 'local' or 'cloud', not {chosen!r}")
    return chosen


def _spec_path(config: pytest.Config) -> Path | None:
    option = config.getoption("chroma_spec")
    if option:
        return Path(config.invocation_params.dir, option)
    ini = str(config.getini("chroma_spec"))
    if ini:
        return (config.inipath.parent if config.inipath else config.rootpath) / ini
    return None


@pytest.fixture(scope="session")
def chroma_mock_session(pytestconfig: pytest.Config) -> Iterator[ChromaMock]:
    """The session's Chroma: the mock started once (per xdist worker), or the real one at --chroma-url."""
    url = pytestconfig.getoption("chroma_url")
    if url:
        if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
            raise pytest.UsageError(
                "--chroma-url resets that server before every test, so xdist workers cannot share it"
            )
        yield RemoteChroma(url, skip=pytest.skip)
        return
    from mockserver.api.app import create_app
    from mockserver.pytest.server_thread import MockServer

    host = pytestconfig.getoption("chroma_host") or str(pytestconfig.getini("chroma_host")) or "127.0.0.1"
    app = create_app(_spec_path(pytestconfig), profile=_profile(pytestconfig))
    with MockServer(app, host=host) as server:
        yield LocalMock(app, server)


@pytest.fixture(scope="session")
def chroma_mock_profiles(pytestconfig: pytest.Config) -> Iterator[dict[str, ChromaMock]]:
    """Mocks of other profiles than the session's, started on the first test that asks for one."""
    with contextlib.ExitStack() as stack:
        yield _LazyProfiles(pytestconfig, stack)


class _LazyProfiles(dict[str, ChromaMock]):
    """profile name -> its mock, started (and stopped with the session) on first use."""

    def __init__(self, config: pytest.Config, stack: contextlib.ExitStack) -> None:
        super().__init__()
        self.config, self.stack = config, stack

    def __missing__(self, profile: str) -> ChromaMock:
        from mockserver.api.app import create_app
        from mockserver.pytest.server_thread import MockServer

        host = self.config.getoption("chroma_host") or str(self.config.getini("chroma_host")) or "127.0.0.1"
        app = create_app(_spec_path(self.config), profile=profile)
        server = self.stack.enter_context(MockServer(app, host=host))
        handle = self[profile] = LocalMock(app, server)
        return handle


@pytest.fixture
def chroma_mock(chroma_mock_session: ChromaMock, request: pytest.FixtureRequest) -> Iterator[ChromaMock]:
    """A Chroma server with nothing in it but what this test's `chroma_seed` markers load."""
    handle = chroma_mock_session
    marker = request.node.get_closest_marker("chroma_profile")
    if marker is not None and isinstance(handle, LocalMock):
        wanted = str(marker.args[0]) if marker.args else str(marker.kwargs.get("name", "local"))
        if wanted not in ("local", "cloud"):
            raise pytest.UsageError(f"chroma_profile marker: 'local' or 'cloud', not {wanted!r}")
        if wanted != handle.app.store.profile.name:
            handle = request.getfixturevalue("chroma_mock_profiles")[wanted]
    handle.base_dir = request.node.path.parent
    handle.reset()
    for marker in reversed(list(request.node.iter_markers("chroma_seed"))):  # module, class, then function
        for source in marker.args:
            handle.seed(source)
    request.node.stash[_HANDLE] = handle
    yield handle
    if isinstance(handle, LocalMock):
        handle.server.raise_errors()  # failures from fixtures that used the server in their teardown


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test whose requests made the mock raise, with the server-side traceback."""
    try:
        result = yield
    except BaseException as exc:
        handle = item.stash.get(_HANDLE, None)
        if isinstance(handle, LocalMock):
            for failure in handle.server.take_errors():
                exc.add_note(f"\nchroma-mockserver raised while answering {failure.request}:\n{failure.traceback}")
        raise
    handle = item.stash.get(_HANDLE, None)
    if isinstance(handle, LocalMock):
        handle.server.raise_errors()
    return result


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect, so they apply to the contract items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --contracts-url, add the contract suite's items (see mockserver.pytest.contracts)."""
    url = config.getoption("contracts_url")
    if url:
        from mockserver.pytest.contracts import contract_items

        items.extend(contract_items(session, url))
