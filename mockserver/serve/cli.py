"""CLI: `mockserver serve` runs the mock under uvicorn (in-memory state by default)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

import mockserver


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description="A stateful mock of the Chroma 1.5.9 HTTP API")
    parser.add_argument("--version", action="version", version=f"%(prog)s {mockserver.__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mock over HTTP")
    serve.add_argument("--spec", help="OpenAPI document to serve (default: the bundled Chroma 1.5.9 spec)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    serve.add_argument(
        "--no-reset",
        action="store_true",
        help="answer POST /api/v2/reset with 403, as Chroma does without allow_reset (default: off, reset allowed)",
    )
    serve.add_argument("--quiet", action="store_true", help="do not log one line per request (default: off)")
    serve.add_argument(
        "--profile",
        choices=("local", "cloud"),
        default="local",
        help="local: a single-node `chroma run` 1.5.9 (default); cloud: Chroma Cloud (search, compaction, ...)",
    )
    serve.add_argument(
        "--compaction-delay",
        type=float,
        metavar="SECONDS",
        help="cloud profile: seconds from a write to its compaction into the index (default 0.1; 0: at once)",
    )
    serve.add_argument(
        "--quota",
        action="append",
        metavar="NAME=VALUE",
        help="cloud profile: set one of Chroma Cloud's quotas, e.g. num_records=1000 (repeatable; see the README's "
        "quota table) (default: the documented Cloud limits)",
    )
    serve.add_argument(
        "--quotas",
        metavar="FILE",
        help="cloud profile: YAML/JSON mapping of quota name -> limit, applied before --quota (default: none)",
    )
    serve.add_argument(
        "--no-quotas", action="store_true", help="cloud profile: check no quota at all (default: off, quotas checked)"
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        metavar="ORIGIN",
        help="allow browser pages from ORIGIN (repeatable; '*' for any) (default: loopback origins "
        "http://localhost:*, 127.0.0.1, [::1])",
    )
    serve.add_argument(
        "--no-cors", action="store_true", help="no CORS headers, OPTIONS answered 405, as Chroma by default (default: off)"
    )
    serve.add_argument(
        "--state-file", metavar="PATH", help="keep the state in this SQLite file across restarts (default: in memory)"
    )
    serve.add_argument(
        "--auth",
        metavar="FILE",
        help="YAML/JSON token table: require tokens, restrict tenants/databases (default: no auth)",
    )
    serve.add_argument(
        "--seed", metavar="FILE", help="YAML/JSON seed loaded at start and on /__mock/reset (default: empty state)"
    )
    serve.add_argument(
        "--reload", action="store_true", help="reload the spec and the seed file when they change (default: off)"
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="also answer requests whose Host is NAME (repeatable; '*' for any) (default: IP addresses, localhost "
        "and the --host name; any name when bound to 0.0.0.0 or ::, which this option then restricts)",
    )
    serve.add_argument(
        "--journal-size",
        type=int,
        default=1000,
        metavar="N",
        help="requests kept in the journal (/__mock/journal; at most 64 MiB of bodies); 0 turns it off "
        "(default: %(default)s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockserver.serve.standalone import Options, SetupError, build

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.no_cors and args.cors_origin:
        print("mockserver: --no-cors and --cors-origin exclude each other", file=sys.stderr)
        return 2
    options = Options(
        spec=args.spec,
        allow_reset=not args.no_reset,
        cors_origins=args.cors_origin,
        cors=not args.no_cors,
        state_file=args.state_file,
        auth_file=args.auth,
        seed_file=args.seed,
        reload=args.reload,
        journal_size=args.journal_size,
        host=args.host,
        allowed_hosts=args.allowed_host,
        profile=args.profile,
        compaction_delay=args.compaction_delay,
        quotas=args.quota or [],
        quota_file=args.quotas,
        no_quotas=args.no_quotas,
    )
    try:
        stack = build(options)
    except SetupError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    app = stack.app
    url = base_url(args.host, args.port)
    print(
        f"chroma-mockserver: Chroma 1.5.9 API, {app.store.profile.name} profile "
        f"({len(app.spec.operations)} operations from {app.spec.source}) on {url}",
        file=sys.stderr,
        flush=True,
    )
    print(f"  dashboard: {url}/__mock/ui/  (API docs: {url}/docs/)", file=sys.stderr, flush=True)
    for note in stack.notes:
        print(f"  {note}", file=sys.stderr, flush=True)
    try:
        uvicorn.run(
            stack.asgi,
            host=args.host,
            port=args.port,
            log_level="warning" if args.quiet else "info",
            access_log=not args.quiet,
            lifespan="on",
        )
    finally:
        if stack.persistence is not None:
            stack.persistence.close()  # a no-op when the lifespan shutdown already closed it
    return 0


def base_url(host: str, port: int) -> str:
    """The URL a browser on this machine opens: a wildcard address is reached through loopback."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


if __name__ == "__main__":
    raise SystemExit(main())
