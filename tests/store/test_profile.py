"""Profiles: names, overrides, and where the choice is made (app, serve, seed, contracts)."""

from __future__ import annotations

import pytest

from contracts.cli import options_from, parser
from mockserver.api.app import create_app
from mockserver.control.seed import SeedError, load_seed
from mockserver.serve.cli import build_parser
from mockserver.serve.standalone import Options, SetupError, build
from mockserver.store import Store
from mockserver.store.profile import CLOUD, LOCAL, profile_named


def test_named_profiles_and_overrides() -> None:
    assert profile_named("local") is LOCAL and not LOCAL.search and LOCAL.compaction_delay is None
    assert profile_named("cloud") is CLOUD and CLOUD.search and CLOUD.result_cap == 300
    assert profile_named("cloud", compaction_delay=0.0).compaction_delay == 0.0
    assert profile_named(CLOUD, result_cap=5).result_cap == 5
    with pytest.raises(ValueError, match="unknown profile 'edge'"):
        profile_named("edge")


def test_create_app_default_is_local() -> None:
    assert create_app().store.profile is LOCAL
    assert create_app(profile="cloud").store.profile is CLOUD


def test_serve_options() -> None:
    args = build_parser().parse_args(["serve", "--profile", "cloud", "--compaction-delay", "0.5"])
    assert (args.profile, args.compaction_delay) == ("cloud", 0.5)
    stack = build(Options(profile="cloud", compaction_delay=0.5, cors=False))
    assert stack.app.store.profile.name == "cloud" and stack.app.store.profile.compaction_delay == 0.5
    with pytest.raises(SetupError, match="needs --profile cloud"):
        build(Options(compaction_delay=0.5))
    with pytest.raises(SetupError, match="0 or more"):
        build(Options(profile="cloud", compaction_delay=-1))


def test_seed_profile_key() -> None:
    seed = {"profile": "cloud", "collections": [{"name": "ccc"}]}
    assert load_seed(Store(CLOUD), seed).collections == 1
    with pytest.raises(SeedError, match="written for the cloud profile, this server runs the local profile"):
        load_seed(Store(LOCAL), seed)
    with pytest.raises(SeedError, match="unknown profile"):
        load_seed(Store(LOCAL), {"profile": "edge"})
    assert load_seed(Store(CLOUD), {"collections": [{"name": "ccc"}]}).collections == 1  # no key: either


def test_contracts_mock_profile_option() -> None:
    options = options_from(parser().parse_args(["run", "--mock", "--profile", "cloud"]))
    assert options.mock and options.profile == "cloud"
    assert options_from(parser().parse_args(["run", "--mock"])).profile == "local"


def test_pre_flight_batch_size_follows_the_profile() -> None:
    from starlette.testclient import TestClient

    for profile, size in (("local", 5461), ("cloud", 1000)):
        with TestClient(create_app(profile=profile)) as client:
            assert client.get("/api/v2/pre-flight-checks").json()["max_batch_size"] == size
