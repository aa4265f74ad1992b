"""The pytest plugin's profile choice: `--chroma-profile`, ini `chroma_profile`, the `chroma_profile` marker."""

from __future__ import annotations

from collections.abc import Callable

import pytest

RunPytest = Callable[..., pytest.RunResult]

TESTS = """
import httpx
import pytest

def profile_of(chroma_mock):
    return chroma_mock.app.store.profile.name

def test_session_profile(chroma_mock, expected_profile):
    assert profile_of(chroma_mock) == expected_profile

@pytest.mark.chroma_profile("cloud")
def test_marker_cloud(chroma_mock):
    assert profile_of(chroma_mock) == "cloud"
    client = chroma_mock.client()
    collection = client.create_collection("ccc")
    collection.add(ids=["a"], embeddings=[[1.0, 0.0]])
    from chromadb import Search
    assert collection.search(Search())["ids"] == [["a"]]

@pytest.mark.chroma_profile("local")
def test_marker_local(chroma_mock):
    assert profile_of(chroma_mock) == "local"
    r = httpx.post(chroma_mock.url + "/api/v2/tenants/default_tenant/databases/default_database/collections",
                   json={"name": "ccc"})
    cid = r.json()["id"]
    r = httpx.post(chroma_mock.url + f"/api/v2/tenants/default_tenant/databases/default_database/collections/{cid}/search",
                   json={"searches": [{"filter": None, "rank": None}]})
    assert r.status_code == 501
"""


@pytest.mark.parametrize(
    ("args", "ini", "expected"),
    [(("--chroma-profile", "cloud"), "", "cloud"), (("--chroma-profile", "local"), "chroma_profile = cloud", "local"), ((), "chroma_profile = cloud", "cloud")],
)
def test_profile_options(
    pytester: pytest.Pytester, run_pytest: RunPytest, args: tuple[str, ...], ini: str, expected: str
) -> None:
    """The option wins over the ini value; a marker asking for the other profile gets a second server."""
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makeconftest(f"import pytest\n@pytest.fixture\ndef expected_profile():\n    return {expected!r}\n")
    pytester.makepyfile(test_profiles=TESTS)
    result = run_pytest(*args)
    result.assert_outcomes(passed=3)


def test_unknown_profile_marker_is_a_usage_error(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    pytester.makepyfile(
        test_bad="import pytest\n@pytest.mark.chroma_profile('edge')\ndef test_x(chroma_mock):\n    pass\n"
    )
    result = run_pytest()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*chroma_profile marker: 'local' or 'cloud', not 'edge'*"])


def test_quotas_from_ini_and_option(pytester: pytest.Pytester, run_pytest: RunPytest) -> None:
    """ini `chroma_quotas` and `--chroma-quota` set the cloud profile's quotas (the option wins); the
    client the handle gives sends an API key, and a write over the quota gets Cloud's error."""
    pytester.makeini("[pytest]\nchroma_profile = cloud\nchroma_quotas =\n    num_records=1\n    limit_value=7\n")
    pytester.makepyfile(
        test_quota="""
import pytest
from chromadb.errors import ChromaError

def test_quota(chroma_mock):
    limits = chroma_mock.app.store.profile.quotas.limits
    assert (limits["num_records"], limits["limit_value"]) == (2, 7)
    collection = chroma_mock.client().create_collection("ccc")
    with pytest.raises(ChromaError, match="'Number of records' exceeded quota limit for action 'Add'"):
        collection.add(ids=["a", "b", "c"], embeddings=[[1.0]] * 3)
    collection.add(ids=["a", "b"], embeddings=[[1.0]] * 2)
"""
    )
    run_pytest("--chroma-quota", "num_records=2").assert_outcomes(passed=1)
    run_pytest("--chroma-quota", "bogus=2").stdout.fnmatch_lines(["*unknown quota 'bogus'*"])
