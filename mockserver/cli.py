"""CLI: `mockserver serve` runs the mock under uvicorn (in-memory state by default)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description="A stateful mock of the Chroma 1.5.9 HTTP API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mock over HTTP")
    serve.add_argument("--spec", help="OpenAPI document to serve (default: the bundled Chroma 1.5.9 spec)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-reset", action="store_true", help="answer POST /api/v2/reset with 403, as Chroma does without allow_reset")
    serve.add_argument("--quiet", action="store_true", help="do not log one line per request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockserver.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    app = create_app(args.spec, allow_reset=not args.no_reset)
    print(
        f"chroma-mockserver: Chroma 1.5.9 API ({len(app.spec.operations)} operations from {app.spec.source}) "
        f"on http://{args.host}:{args.port}",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
        lifespan="off",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
