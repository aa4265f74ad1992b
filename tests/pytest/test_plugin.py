"""The pytest plugin, run the way a client repo runs it (pytester)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mockserver.api.app import create_app
from mockserver.pytest.server_thread import MockServer

RunPytest = Callable[..., pytest.RunResult]
REPO = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).parent / "samples"


def copy_samples(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_client_app=(SAMPLES / "sample_client_app.py").read_text())
    (pytester.path / "fruit.yaml").write_text((SAMPLES / "fruit.yaml").read_text())


def readme_example(pytester: pytest.Pytester) -> int:
    """Write the copy-paste example of the README's pytest section into the pytester dir; return its number of tests."""
    text = (REPO / "README.md").read_text()
    yaml_block = re.search(r"`tests/data/fruit.yaml`:\n\n```yaml\n(.*?)```", text, re.DOTALL)
    python_block = re.search(r"`tests/test_search.py`:\n\n```python\n(.*?)```", text, re.DOTALL)
    assert yaml_block and python_block, "README.md lost its pytest example"
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "fruit.yaml").write_text(yaml_block.group(1))
    (pytester.path / "test_search.py").write_text(python_block.group(1))
    return python_block.group(1).count("\ndef test_")


def test_sample_client_module_and_docs_example_pass(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    copy_samples(pytester)
    documented = readme_example(pytester)
    result = run_pytest()
    result.assert_outcomes(passed=8 + documented)


def test_against_a_real_server_with_chroma_url(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    """--chroma-url: same module; reset and seeding over HTTP, journal/fault tests skip with the reason."""
    copy_samples(pytester)
    with MockServer(create_app()) as real:  # stands in for `chroma run`: it answers POST /api/v2/reset too
        result = run_pytest("--chroma-url", real.url, "-rs")
    result.assert_outcomes(passed=4, skipped=4)
    result.stdout.fnmatch_lines(
        ["SKIPPED*test_client_app.py:*chroma_mock.requests (the request journal) needs the chroma-mockserver mock*"]
    )
    result.stdout.fnmatch_lines(["*chroma_mock.fail() (fault injection) needs the chroma-mockserver mock*"])


def test_assertion_failures_read_well(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_sequence(chroma_mock):
            httpx.get(chroma_mock.url + "/api/v2/heartbeat")
            httpx.get(chroma_mock.url + "/api/v2/version")
            assert chroma_mock.requests.operations() == ["heartbeat", "healthcheck"]

        def test_helper(chroma_mock):
            httpx.get(chroma_mock.url + "/api/v2/version")
            chroma_mock.requests.assert_called("create_collection")
        """
    )
    result = run_pytest()
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "AssertionError: assert ['heartbeat', 'version'] == ['heartbeat', 'healthcheck']" in out
    assert "At index 1 diff: 'version' != 'healthcheck'" in out
    result.stdout.fnmatch_lines(
        [
            "*expected create_collection to be called, but it never was.",
            "*Requests recorded (1):",
            "*GET /api/v2/version -> 200 (version)",
        ]
    )


def test_server_errors_fail_the_test_that_caused_them(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    pytester.makepyfile(
        """
        import httpx
        from mockserver.api import handlers

        def broken(ctx, req):
            return 1 / 0

        def test_client_ignores_the_500(chroma_mock, monkeypatch):
            monkeypatch.setitem(handlers.HANDLERS, "version", broken)
            assert httpx.get(chroma_mock.url + "/api/v2/version").status_code == 500

        def test_client_raises_on_the_500(chroma_mock, monkeypatch):
            monkeypatch.setitem(handlers.HANDLERS, "version", broken)
            httpx.get(chroma_mock.url + "/api/v2/version").raise_for_status()

        def test_next_test_is_clean(chroma_mock):
            assert httpx.get(chroma_mock.url + "/api/v2/version").status_code == 200
        """
    )
    result = run_pytest()
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*ZeroDivisionError: division by zero",
            "*The above exception was the direct cause of the following exception*",
            "*MockServerError: chroma-mockserver raised inside its server thread (1 request(s)):",
            "*GET /api/v2/version: ZeroDivisionError: division by zero",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*HTTPStatusError*", "*chroma-mockserver raised while answering GET /api/v2/version:*"]
    )
    assert "test_next_test_is_clean FAILED" not in result.stdout.str()


def test_xdist_gives_each_worker_its_own_server(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    pytester.makepyfile(
        """
        import os, httpx, pytest

        @pytest.mark.parametrize("n", range(8))
        def test_same_name_everywhere(chroma_mock, n, tmp_path_factory):
            base = chroma_mock.url + "/api/v2/tenants/default_tenant/databases/default_database"
            assert httpx.post(base + "/collections", json={"name": "shared"}).status_code == 200
            assert httpx.get(base + "/collections_count").json() == 1
            worker = os.environ["PYTEST_XDIST_WORKER"]
            (tmp_path_factory.getbasetemp().parent / f"{worker}-{n}").write_text(str(chroma_mock.port))
        """
    )
    result = run_pytest("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=8)
    ports = {p.name.split("-")[0]: p.read_text() for p in pytester.path.glob("**/gw*-*") if p.is_file()}
    assert set(ports) == {"gw0", "gw1"} and len(set(ports.values())) == 2


def test_options_and_ini(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    spec = pytester.path / "specs" / "chroma.yaml"
    spec.parent.mkdir()
    spec.write_bytes((REPO / "openapi.yaml").read_bytes())
    pytester.makeini("[pytest]\nchroma_spec = specs/chroma.yaml\nchroma_host = 127.0.0.1\n")
    pytester.makepyfile(
        f"""
        def test_config(chroma_mock):
            assert chroma_mock.host == "127.0.0.1"
            assert chroma_mock.app.spec.source == {str(spec)!r}
        """
    )
    run_pytest().assert_outcomes(passed=1)
    missing = run_pytest("--chroma-spec", "missing.yaml")  # the option wins over the ini value
    missing.assert_outcomes(errors=1)
    missing.stdout.fnmatch_lines(["*missing.yaml*"])


def test_options_are_registered(pytester: pytest.Pytester, request: pytest.FixtureRequest) -> None:
    # Installed, the plugin is already loaded through its pytest11 entry point; from a bare checkout it is not.
    installed = request.config.pluginmanager.has_plugin("chroma_mockserver")
    load = () if installed else ("-p", "mockserver.pytest_plugin")
    config = pytester.parseconfig(*load, "--chroma-url", "http://chroma:8000")
    assert config.getoption("chroma_url") == "http://chroma:8000"
    assert config.getoption("chroma_spec") is None and config.getoption("contracts_url") is None
    assert config.getini("chroma_host") == "127.0.0.1" and config.getini("chroma_spec") == ""


def test_markers_stack_and_dicts_work(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "one.json").write_text('{"collections": [{"name": "one"}]}')
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.chroma_seed("data/one.json")

        @pytest.mark.chroma_seed({"collections": [{"name": "two"}]})
        def test_both(chroma_mock):
            assert sorted(c.name for c in chroma_mock.store.list_collections("default_tenant", "default_database")) == [
                "one", "two"]

        def test_module_only(chroma_mock):
            assert chroma_mock.store.count_collections("default_tenant", "default_database") == 1
        """
    )
    run_pytest("--strict-markers").assert_outcomes(passed=2)


def test_plugin_loads_from_its_entry_point(
    pytester: pytest.Pytester, run_pytest: RunPytest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `pip install chroma-mockserver` registers: pytest11 chroma_mockserver = mockserver.pytest_plugin."""
    site = pytester.path / "site"
    dist = site / "chroma_mockserver_under_test-0.0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: chroma-mockserver-under-test\nVersion: 0.0.0\n")
    (dist / "entry_points.txt").write_text("[pytest11]\nchroma_mockserver = mockserver.pytest_plugin\n")
    pytester.makepyfile("def test_it(chroma_mock):\n    assert chroma_mock.is_mock\n")
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ["PYTHONPATH"]]))
    heavy = ("schemathesis", "hypothesispytest", "anyio", "xdist", "xdist.looponfail")  # installed, not needed here
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *(f"-pno:{name}" for name in heavy))
    result.assert_outcomes(passed=1)


FAKE_HARNESS = """
import sys, types
from contracts.model import Classified, Finding, Issue, RunResult

def finding(op, check, status, message):
    return Finding(op, "POST", "/api/v2/tenants/{tenant}/databases/{database}/collections", check, "Failure",
                   f"{check} failed", message, status, "fuzzing", "curl -X POST http://chroma/api/v2/...")

def run(options):
    new = Issue(Classified(finding("create_collection", "not_a_server_error", 500, "Server error"), None, None, True),
                3, ("fuzzing", "coverage"))
    drift = Issue(Classified(finding("version", "response_schema_conformance", 200, "not an object"), "version-string",
                             "schema", False), 1, ("examples",))
    return RunResult(options.url, "openapi.yaml", "contracts-abc", False, 1, 1.0, 10, (), (new, drift), (), ())

harness = types.ModuleType("contracts.run")
harness.run = run
sys.modules["contracts.run"] = harness
"""


def test_contracts_url_turns_the_suite_into_items(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    pytester.makeconftest(FAKE_HARNESS)  # stands in for contracts.run: one new problem, one known drift
    result = run_pytest("--contracts-url", "http://chroma.test:8000", "-m", "chroma_contracts", "-rA")
    operations = len(create_app().spec.operations)
    result.assert_outcomes(passed=operations, failed=1)
    result.stdout.fnmatch_lines([f"collected {operations + 1} items"])
    result.stdout.fnmatch_lines(
        [
            "*_ contracts::create_collection _*",
            "1 contract problem(s) on create_collection against http://chroma.test:8000",
            (
                "POST /api/v2/tenants/{tenant}/databases/{database}/collections [[]create_collection[]] -> HTTP 500:"
                " not_a_server_error / Failure (seen 3x, phases: fuzzing, coverage)"
            ),
            "  not_a_server_error failed",
            "  Server error",
            "  reproduce: curl -X POST http://chroma/api/v2/...",
        ]
    )
    result.stdout.fnmatch_lines(["*known drift*", "*known drift version-string (schema)*"])
    assert "Traceback" not in result.stdout.str() and "def runtest" not in result.stdout.str()


def test_contracts_url_reports_a_harness_crash_once(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    pytester.makeconftest(
        "import sys, types\n"
        "def run(options):\n"
        "    raise FileNotFoundError('no drift file')\n"
        "sys.modules['contracts.run'] = types.SimpleNamespace(run=run)\n"
    )
    args = "--include-operation heartbeat --include-operation version"
    result = run_pytest("--contracts-url", "http://chroma.test:8000", "--contracts-args", args)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ contracts::heartbeat _*",
            "the contract run did not finish: FileNotFoundError: no drift file (traceback under contracts::run)",
        ]
    )
    assert result.stdout.str().count("Traceback") <= 1 and "def run(options):" in result.stdout.str()


def test_contracts_url_runs_the_real_harness(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    """End to end through contracts.run against a mock server: the wiring, not the verdicts."""
    drift = pytester.path / "drift.yaml"
    drift.write_text("target: test\ndrifts: []\n")
    args = f"--max-examples 1 --phases examples --no-scenarios --include-operation heartbeat --drift {drift}"
    with MockServer(create_app()) as target:
        result = run_pytest("--contracts-url", target.url, "--contracts-args", args, "-rA")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) + outcomes.get("skipped", 0) == 2, outcomes
    assert "did not finish" not in result.stdout.str() and "error" not in outcomes
    result.stdout.fnmatch_lines(["*contracts summary*"])
