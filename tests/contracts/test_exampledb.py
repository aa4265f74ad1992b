"""Hypothesis' example database: under the directory given (the user cache by default), never the cwd; replays said."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from contracts.cli import options_from, parser
from contracts.model import RunOptions, RunResult, default_hypothesis_db
from contracts.run import run
from mockserver.api.app import create_app


@pytest.fixture(params=["default", "ci"])
def hypothesis_profile(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each test runs under Hypothesis' own profile and under the `ci` one it loads when `CI` is set (as in
    a user's CI and ours): derandomize=True and database=None there must not reach the run."""
    previous = settings.get_current_profile_name()
    settings.load_profile(request.param)
    yield request.param
    settings.load_profile(previous)


def _run(tmp_path: Path, database: Path | None, seed: int) -> RunResult:
    """A small run that always fails (no drift list: `version` answers JSON where the spec says text)."""
    drift = tmp_path / "no-drift.yaml"
    drift.write_text("drifts: []\n", encoding="utf-8")
    options = RunOptions(
        mock=True, include_operations=("version",), phases=("fuzzing",), scenarios=False, max_examples=3,
        seed=seed, drift_file=drift, hypothesis_db=database,
    )  # fmt: skip
    return run(options, app=create_app())


def test_failures_are_stored_outside_the_cwd_and_a_replay_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hypothesis_profile: str
) -> None:
    work, database = tmp_path / "work", tmp_path / "db"
    work.mkdir()
    monkeypatch.chdir(work)
    profile = settings.get_current_profile_name()
    first = _run(tmp_path, database, seed=1)
    assert not first.passed and not any("replayed" in note for note in first.notes)
    assert any((database / "examples").iterdir()), "the failing example is stored"
    second = _run(tmp_path, database, seed=2)
    assert not second.passed
    replayed = [note for note in second.notes if note.startswith("replayed")]
    assert replayed and str(database / "examples") in replayed[0] and "--hypothesis-db none" in replayed[0]
    assert list(work.iterdir()) == [], "nothing (no .hypothesis/) in the working directory"
    assert settings.get_current_profile_name() == profile, "Hypothesis' settings are restored"


def test_none_keeps_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hypothesis_profile: str) -> None:
    monkeypatch.chdir(tmp_path)
    for seed in (1, 2):
        result = _run(tmp_path, None, seed)
        assert not result.passed and not any("replayed" in note for note in result.notes)
    assert not (tmp_path / ".hypothesis").exists()


def test_the_cli_default_is_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_hypothesis_db() == tmp_path / "chroma-mockserver" / "hypothesis"
    assert options_from(parser().parse_args(["run", "--mock"])).hypothesis_db == default_hypothesis_db()
    assert options_from(parser().parse_args(["run", "--mock", "--hypothesis-db", "none"])).hypothesis_db is None
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_hypothesis_db() == Path.home() / ".cache" / "chroma-mockserver" / "hypothesis"
