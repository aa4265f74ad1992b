"""Standalone: assemble `mockserver serve` around a MockApp: auth, state file, seed, CORS, --reload and the lifespan.

The ASGI stack, outermost first:

    Lifecycle           lifespan: starts the --reload poller, closes the state file on shutdown
    HostCheck           403 for a `Host` the server is not meant to be reached by (mockserver.serve.hosts)
    CORSMiddleware      Starlette's; answers preflights for every path (the spec's and /__mock/)
    MockApp             .auth (mockserver.serve.auth), .persistence (mockserver.serve.persist), .seed,
                        .trusted_origins (the CORS origins: who may change state from a browser)

CORS default: browser pages served from a loopback origin (`http(s)://localhost`, `127.0.0.1` or
`[::1]`, any port) may call the mock, so a web app on a dev server (Vite on :5173, Next on :3000 ...)
works against `mockserver serve` without flags. Only loopback pages qualify, and the mock listens
on 127.0.0.1 by default. `--cors-origin ORIGIN` (repeatable; `*` for any) replaces that list;
`--no-cors` sends no CORS headers at all and answers OPTIONS with 405, exactly as Chroma does
without `cors_allow_origins`. Whenever CORS is on, preflights allow every method and echo the
requested headers (so `x-chroma-token`, `authorization` and `content-type` pass), like Chroma's
CorsLayer; `chroma-trace-id` is exposed to scripts; Chrome's private-network preflight is allowed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from starlette.middleware.cors import CORSMiddleware

from mockserver.api.app import MockApp, create_app
from mockserver.control.journal import Journal
from mockserver.control.origins import LOOPBACK_ORIGINS, OriginPolicy
from mockserver.errors import MockError
from mockserver.serve.auth import Auth, AuthFileError
from mockserver.serve.hosts import HostCheck, HostPolicy
from mockserver.serve.reload import Reloader
from mockserver.store.profile import Profile, profile_named
from mockserver.store.quotas import QuotaFileError, load_quota_file, parse_quota_option

if TYPE_CHECKING:
    from mockserver.serve.persist import Persistence  # sqlite3 and numpy: imported only for --state-file

from mockserver.asgi import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("mockserver")


class SetupError(Exception):
    """An option that cannot be honoured (unreadable auth file, locked state file, bad seed ...)."""


@dataclass
class Options:
    spec: str | None = None
    allow_reset: bool = True
    cors_origins: Sequence[str] | None = None  # None: the loopback default
    cors: bool = True
    state_file: str | None = None
    auth_file: str | None = None
    seed_file: str | None = None
    reload: bool = False
    journal_size: int = 1000
    host: str = "127.0.0.1"  # the bind address (--host): decides which Host headers are accepted
    allowed_hosts: Sequence[str] | None = None  # --allowed-host
    profile: str = "local"  # "local" | "cloud" (mockserver.store.profile)
    compaction_delay: float | None = None  # cloud profile: None keeps the profile's default
    quotas: Sequence[str] = ()  # cloud profile: --quota NAME=VALUE
    quota_file: str | None = None  # cloud profile: --quotas FILE
    no_quotas: bool = False  # cloud profile: --no-quotas


@dataclass
class Stack:
    app: MockApp
    asgi: ASGIApp
    persistence: Persistence | None = None
    reloader: Reloader | None = None
    notes: list[str] = field(default_factory=list)  # one line per option in effect, for the banner


def build(options: Options) -> Stack:
    """Create the app and everything around it; raises SetupError with a message for the user."""
    try:
        app = create_app(
            options.spec,
            allow_reset=options.allow_reset,
            journal=Journal(maxlen=max(0, options.journal_size)),
            profile=_profile(options),
        )
    except (OSError, ValueError) as exc:  # the spec's YAML errors are ValueErrors
        raise SetupError(f"cannot load the spec {options.spec}: {exc}") from None
    try:
        hosts = HostPolicy.for_bind(options.host, options.allowed_hosts)
    except ValueError as exc:
        raise SetupError(str(exc)) from None
    stack = Stack(app, app)
    if options.auth_file is not None:
        try:
            app.auth = Auth.from_file(options.auth_file)
        except AuthFileError as exc:
            raise SetupError(str(exc)) from None
        admins = sum(1 for identity in app.auth.tokens.values() if identity.is_admin)
        gate = f"/__mock/ needs an admin token ({admins} in the file)" if admins else (
            'no admin token (tenant "*", every database) in the file: /__mock/ answers only health and openapi.json'
        )
        stack.notes.append(f"auth: {len(app.auth.tokens)} tokens from {options.auth_file}; {gate}")
    elif app.store.profile.api_key_required:
        stack.notes.append("API key: required (x-chroma-token); any non-empty key, as tenant default_tenant (--auth to map keys)")
    if app.store.profile.is_cloud:
        quotas = app.store.profile.quotas
        stack.notes.append("quotas: off" if quotas is None else f"quotas: Chroma Cloud's ({len(quotas.limits)} limits; README, Quotas)")
    if options.state_file is not None:
        from mockserver.serve.persist import Persistence, StateFileError

        try:
            stack.persistence = Persistence.open(options.state_file, app.store)
        except StateFileError as exc:
            raise SetupError(str(exc)) from None
        app.persistence = stack.persistence
        restored = "new file" if stack.persistence.fresh else f"restored, {stack.persistence.replayed} logged writes replayed"
        stack.notes.append(f"state file: {options.state_file} ({restored})")
    if options.seed_file is not None:
        _seed(stack, options.seed_file)
    if options.reload:
        stack.reloader = Reloader(app, app.spec.source, options.seed_file)
        stack.notes.append("reload: watching " + " and ".join(str(p) for p in stack.reloader.files.values()))
    asgi: ASGIApp = app
    if options.cors:
        asgi = with_cors(app, options.cors_origins)
        app.trusted_origins = OriginPolicy.loopback() if options.cors_origins is None else OriginPolicy(tuple(options.cors_origins))
        stack.notes.append(f"CORS: {app.trusted_origins.describe()}")
    else:
        stack.notes.append("CORS: off")
    stack.notes.append(f"Host names accepted: {hosts.describe()}")
    stack.asgi = Lifecycle(HostCheck(asgi, hosts), stack)
    return stack


def _profile(options: Options) -> Profile:
    if options.compaction_delay is not None and options.compaction_delay < 0:
        raise SetupError("--compaction-delay must be 0 or more seconds")
    if options.compaction_delay is not None and options.profile != "cloud":
        raise SetupError("--compaction-delay needs --profile cloud (the local profile indexes every write at once)")
    overrides: dict[str, Any] = {} if options.compaction_delay is None else {"compaction_delay": options.compaction_delay}
    quota_options = bool(options.quotas or options.quota_file or options.no_quotas)
    if quota_options and options.profile != "cloud":
        raise SetupError("--quota, --quotas and --no-quotas need --profile cloud (the local profile has no quotas)")
    profile = profile_named(options.profile, **overrides)
    if options.no_quotas:
        return replace(profile, quotas=None)
    if profile.quotas is None or not quota_options:
        return profile
    try:
        limits = load_quota_file(options.quota_file) if options.quota_file else {}
        limits.update(parse_quota_option(text) for text in options.quotas)
        return replace(profile, quotas=profile.quotas.replaced(limits))
    except QuotaFileError as exc:
        raise SetupError(str(exc)) from None


def _seed(stack: Stack, seed_file: str) -> None:
    from mockserver.control.seed import load_seed

    app, persistence = stack.app, stack.persistence
    app.seed = Path(seed_file)
    if persistence is not None and not persistence.fresh:
        stack.notes.append(f"seed: {seed_file} not loaded, the state file has state (POST /__mock/reset re-seeds)")
        return
    try:
        summary = load_seed(app.store, seed_file)
    except MockError as exc:
        raise SetupError(exc.message) from None
    if persistence is not None:
        persistence.checkpoint()
    stack.notes.append(f"seed: {seed_file} ({summary.collections} collections, {summary.records} records)")


def with_cors(app: ASGIApp, origins: Sequence[str] | None) -> ASGIApp:
    """Starlette's CORS middleware with the mock's policy (see the module docstring)."""
    common: dict[str, Any] = {
        "allow_methods": ["*"],
        "allow_headers": ["*"],
        "expose_headers": ["chroma-trace-id"],
        "allow_private_network": True,
    }
    if origins is None:
        return CORSMiddleware(app, allow_origin_regex=LOOPBACK_ORIGINS, **common)
    return CORSMiddleware(app, allow_origins=list(origins), **common)


class Lifecycle:
    """Runs the stack's start-up and shutdown work on the lifespan messages, then lets the app see them."""

    def __init__(self, app: ASGIApp, stack: Stack) -> None:
        self.app = app
        self.stack = stack
        self._tasks: list[asyncio.Task[None]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def hooked_receive() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.startup()
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
            return message

        await self.app(scope, hooked_receive, send)

    def startup(self) -> None:
        if self.stack.reloader is not None:
            self._tasks.append(asyncio.create_task(self.stack.reloader.run()))

    async def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.stack.persistence is not None:
            self.stack.persistence.close()
