"""Pytest plugin (I/O stage, loaded through `pytest11`): the `chroma_mock` and `chroma_intercept` fixtures, markers, options.

One mock server per session (per xdist worker) in a background thread, reset before every test (seed
files loaded once, then restored from a store snapshot); `chroma_intercept` (or the `chroma_intercept`
ini switch or marker) points every chromadb client the code under test builds at it; chromadb's default
embedding function runs offline while `chroma_mock` is in use. `--chroma-url` runs the same tests
against a real Chroma; `--contracts-url` runs the contract suite. Heavy imports (the app, uvicorn,
chromadb) happen only when a test asks for these fixtures.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mockserver.pytest.handles import ChromaMock, LocalMock, RemoteChroma, SeedSource

if TYPE_CHECKING:
    from mockserver.store.profile import Profile

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
        "--chroma-real-embeddings",
        action="store_true",
        default=None,
        help="keep chromadb's real default embedding model (downloads it) instead of the offline one",
    )
    group.addoption(
        "--chroma-profile",
        choices=("local", "cloud"),
        help="behaviour of the mock: local (`chroma run`, default) or cloud (Chroma Cloud: search, fork, ...)",
    )
    parser.addini("chroma_spec", "OpenAPI document the mock serves (relative to the ini file)", default="")
    group.addoption(
        "--chroma-quota",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="cloud profile: set one of Chroma Cloud's quotas, repeatable (default: the documented Cloud limits)",
    )
    parser.addini("chroma_profile", "behaviour of the mock: local (default) or cloud", default="local")
    parser.addini("chroma_quotas", "cloud profile: quotas as NAME=VALUE, one per line", type="linelist", default=[])
    parser.addini("chroma_host", "address the mock listens on", default="127.0.0.1")
    parser.addini(
        "chroma_intercept", "point every chromadb client of every test at chroma_mock", type="bool", default=False
    )
    parser.addini(
        "chroma_real_embeddings",
        "keep chromadb's real default embedding model instead of the offline one",
        type="bool",
        default=False,
    )
    parser.addini(
        "chroma_seed", "seed files (relative to the ini file) loaded into chroma_mock for every test", type="linelist"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "chroma_seed(*sources): seed chroma_mock before the test from YAML/JSON files (relative to the test file) or dicts",
    )
    config.addinivalue_line(
        "markers", "chroma_intercept: point every chromadb client the test builds at chroma_mock (see chroma_intercept)"
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


def _with_quotas(config: pytest.Config, profile: str) -> Profile:
    """The profile called `profile`, its quotas replaced by ini `chroma_quotas` and `--chroma-quota`."""
    from mockserver.store.profile import profile_named
    from mockserver.store.quotas import QuotaFileError, parse_quota_option

    base = profile_named(profile)
    texts = [*config.getini("chroma_quotas"), *(config.getoption("chroma_quota") or [])]
    if not texts or base.quotas is None:
        return base
    try:
        return replace(base, quotas=base.quotas.replaced(dict(parse_quota_option(t) for t in texts)))
    except QuotaFileError as exc:
        raise pytest.UsageError(f"chroma quotas: {exc}") from None


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
    from mockserver.intercept.scopes import ScopedApps
    from mockserver.intercept.server_thread import MockServer

    host = pytestconfig.getoption("chroma_host") or str(pytestconfig.getini("chroma_host")) or "127.0.0.1"
    app = create_app(_spec_path(pytestconfig), profile=_with_quotas(pytestconfig, _profile(pytestconfig)))
    scopes = ScopedApps(app)
    with MockServer(scopes, host=host) as server:
        yield LocalMock(app, server, scopes)


def _session_seeds(config: pytest.Config) -> list[SeedSource]:
    base = config.inipath.parent if config.inipath else config.rootpath
    return [base / line for line in config.getini("chroma_seed")]


def _real_embeddings(config: pytest.Config) -> bool:
    option = config.getoption("chroma_real_embeddings")
    return bool(option) if option is not None else bool(config.getini("chroma_real_embeddings"))


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
        from mockserver.intercept.scopes import ScopedApps
        from mockserver.intercept.server_thread import MockServer

        host = self.config.getoption("chroma_host") or str(self.config.getini("chroma_host")) or "127.0.0.1"
        app = create_app(_spec_path(self.config), profile=_with_quotas(self.config, profile))
        scopes = ScopedApps(app)
        server = self.stack.enter_context(MockServer(scopes, host=host))
        handle = self[profile] = LocalMock(app, server, scopes)
        return handle


@pytest.fixture
def chroma_mock(chroma_mock_session: ChromaMock, request: pytest.FixtureRequest) -> Iterator[ChromaMock]:
    """A Chroma server with nothing in it but the `chroma_seed` ini files and this test's `chroma_seed` markers."""
    handle = chroma_mock_session
    marker = request.node.get_closest_marker("chroma_profile")
    if marker is not None and isinstance(handle, LocalMock):
        wanted = str(marker.args[0]) if marker.args else str(marker.kwargs.get("name", "local"))
        if wanted not in ("local", "cloud"):
            raise pytest.UsageError(f"chroma_profile marker: 'local' or 'cloud', not {wanted!r}")
        if wanted != handle.app.store.profile.name:
            handle = request.getfixturevalue("chroma_mock_profiles")[wanted]
    handle.base_dir = request.node.path.parent
    sources = _session_seeds(request.config)
    for marker in reversed(list(request.node.iter_markers("chroma_seed"))):  # module, class, then function
        sources.extend(marker.args)
    handle.prepare(sources)
    request.node.stash[_HANDLE] = handle
    with ExitStack() as stack:
        if not _real_embeddings(request.config):
            from mockserver.intercept.embedding import offline_embeddings

            stack.enter_context(offline_embeddings())
        yield handle
    if isinstance(handle, LocalMock):
        handle.server.raise_errors()  # failures from fixtures that used the server in their teardown


@pytest.fixture
def chroma_intercept(chroma_mock: ChromaMock) -> Iterator[ChromaMock]:
    """`chroma_mock`, with every chromadb client the test builds (PersistentClient, HttpClient,
    AsyncHttpClient, CloudClient, LangChain's and LlamaIndex's ...) pointed at it."""
    with chroma_mock.intercept():
        yield chroma_mock


@pytest.fixture(autouse=True)
def _chroma_intercept_switch(request: pytest.FixtureRequest) -> None:
    """Turns `chroma_intercept` on for tests under the ini switch or the `chroma_intercept` marker."""
    if request.node.get_closest_marker("chroma_intercept") is not None or request.config.getini("chroma_intercept"):
        request.getfixturevalue("chroma_intercept")


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
