"""Reload: `--reload` watches the spec and seed files (an mtime poll on the server's event loop) and applies changes live.

Every `interval` seconds (0.5 by default) `Reloader.poll` stats the two files; a file whose
(mtime, size, inode) changed since the last poll is reloaded:

- spec: loaded and compiled (routes, validators) first; only a spec that loads replaces the running
  one (`MockApp.use_spec`). The state is kept. A broken spec is logged and the old one stays.
- seed: parsed and trial-loaded into a scratch store first; only a seed that loads replaces the
  whole state (`mockserver.control.seed.import_state`, all or nothing), becomes the app's reset seed, and
  is snapshotted to the state file when there is one. A broken seed is logged and the state stays.

The poll runs on the event loop (started by the server's lifespan), so a swap never lands in the
middle of a request's synchronous part. Polling, rather than inotify, keeps it dependency-free and
works for editors that save by renaming a new file over the old one.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mockserver.api.spec import load_spec
from mockserver.errors import MockError

if TYPE_CHECKING:
    from mockserver.api.app import MockApp

log = logging.getLogger("mockserver")

Signature = tuple[int, int, int] | None


def _signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Reloader:
    """Polls a spec file and an optional seed file; see the module docstring."""

    def __init__(self, app: MockApp, spec_path: str | Path | None, seed_path: str | Path | None, interval: float = 0.5) -> None:
        self.app = app
        self.interval = interval
        self.files: dict[str, Path] = {}
        if spec_path is not None:
            self.files["spec"] = Path(spec_path)
        if seed_path is not None:
            self.files["seed"] = Path(seed_path)
        self.seen: dict[str, Signature] = {kind: _signature(path) for kind, path in self.files.items()}
        self.reloads = 0  # successful reloads, for tests and logs

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.poll()
            except Exception:  # never let the watcher die silently
                log.exception("--reload: poll failed")

    def poll(self) -> list[str]:
        """Reload what changed since the last poll; returns the kinds reloaded ("spec", "seed")."""
        done = []
        for kind, path in self.files.items():
            signature = _signature(path)
            if signature is None or signature == self.seen.get(kind):
                continue  # missing (mid-save) or unchanged
            self.seen[kind] = signature
            if self.reload_spec(path) if kind == "spec" else self.reload_seed(path):
                done.append(kind)
                self.reloads += 1
        return done

    def reload_spec(self, path: Path) -> bool:
        try:
            spec = load_spec(path)
            self.app.use_spec(spec)
        except Exception as exc:  # YAML errors, bad documents, schemas that do not compile
            log.error("--reload: keeping the old spec; %s does not load: %s", path, exc)
            return False
        log.warning("--reload: spec reloaded from %s (%d operations)", path, len(spec.operations))
        return True

    def reload_seed(self, path: Path) -> bool:
        from mockserver.control.seed import import_state, read_seed

        try:
            seed = read_seed(path)
            summary = import_state(self.app.store, seed)
        except MockError as exc:
            log.error("--reload: keeping the current state; the seed does not load: %s", exc.message)
            return False
        self.app.seed = seed
        persistence = getattr(self.app, "persistence", None)
        if persistence is not None:
            persistence.checkpoint()
        log.warning(
            "--reload: state replaced by the seed %s (%d collections, %d records)", path, summary.collections, summary.records
        )
        return True
