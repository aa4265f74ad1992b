"""Run: Hypothesis' example database under the user cache (never the cwd), and the stored failures a run replays.

Hypothesis keeps the failing examples it finds and tries them first in every later run that shares the
database. That is what makes a failure stick, so the run counts the stored failing examples it replays
and says so. Hypothesis' other files (constants, unicode caches) go to the same directory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir, storage_directory
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

from contracts.model import default_hypothesis_db

PROFILE = "chroma-contracts-run"
#: Hypothesis stores the failing example of a test under its key; other corpora under suffixed keys.
_NOT_FAILURES = (b".secondary", b".pareto")


class ReplayCounter(ExampleDatabase):
    """A directory database that counts the stored failing examples Hypothesis fetches to replay."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.inner = DirectoryBasedExampleDatabase(str(path))
        self.replayed = 0
        self._saved: set[tuple[bytes, bytes]] = set()  # by this run: a later phase replaying them is no news
        self._lock = threading.Lock()

    def fetch(self, key: bytes) -> Iterable[bytes]:
        for value in self.inner.fetch(key):
            if not key.endswith(_NOT_FAILURES):
                with self._lock:
                    self.replayed += (key, value) not in self._saved
            yield value

    def save(self, key: bytes, value: bytes) -> None:
        with self._lock:
            self._saved.add((key, value))
        self.inner.save(key, value)

    def delete(self, key: bytes, value: bytes) -> None:
        self.inner.delete(key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.inner.move(src, dest, value)


@contextmanager
def example_database(directory: Path | None) -> Iterator[ReplayCounter | None]:
    """For the duration of a run: Hypothesis' files in `directory` (None: no database, caches in the user cache).

    The database reaches schemathesis through Hypothesis' default settings (schemathesis builds each
    test's settings on top of them), so the previous profile and home directory are restored afterwards.
    The run's profile is never derandomized: under `CI=true` Hypothesis loads its `ci` profile
    (derandomize=True, database=None), which would refuse a database and replace the run's fresh seed
    by one fixed per test, so every CI run would fuzz the same cases.
    """
    previous_home = storage_directory(intent_to_write=False).home_directory
    previous_profile = settings.get_current_profile_name()
    set_hypothesis_home_dir(directory or default_hypothesis_db())
    counter = ReplayCounter(directory / "examples") if directory is not None else None
    settings.register_profile(
        PROFILE, parent=settings.get_profile(previous_profile), database=counter, derandomize=False
    )
    settings.load_profile(PROFILE)
    try:
        yield counter
    finally:
        settings.load_profile(previous_profile)
        set_hypothesis_home_dir(previous_home)


def replay_note(counter: ReplayCounter | None) -> str | None:
    """What the run says about stored examples (None when it replayed none)."""
    if counter is None or not counter.replayed:
        return None
    return (
        f"replayed {counter.replayed} failing example(s) stored by earlier runs in {counter.path} (Hypothesis "
        "tries them first, so a failure found before shows again until it is fixed; --hypothesis-db none turns "
        "the database off)"
    )
