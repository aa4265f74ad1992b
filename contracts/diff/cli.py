"""Diff CLI: `contracts diff` flags -> DiffOptions -> run_diff -> reports -> exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from contracts.diff.model import SOURCES, DiffOptions
from contracts.drift import DriftFileError
from contracts.sandbox import SandboxError
from contracts.target import TargetError

EXIT_SAME = 0
EXIT_CHANGED = 1
EXIT_USAGE = 2


def _sources(value: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in names if s not in SOURCES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown source(s) {unknown}; choose from {', '.join(SOURCES)}")
    return names


def add_parser(commands: Any, header_type: Any) -> None:
    """Add `contracts diff` to the `contracts` sub-commands (`header_type` parses `--header`)."""
    diff = commands.add_parser(
        "diff",
        help="replay the same request sequences on two deployments and report what changed between them",
        description="Replay the scripted scenarios, the edge-case catalogue and schemathesis-generated cases on a "
        "base and a candidate deployment (each in its own sandbox tenant) and report every difference a client "
        "could notice. Exit code 0 only when nothing differs beyond --allow.",
    )
    for role in ("base", "candidate"):
        where = diff.add_mutually_exclusive_group(required=True)
        where.add_argument(f"--{role}", metavar="URL|mock[:PROFILE]",
                           help=f"the {role} deployment: a base URL, or the bundled mock (in-process) (default: none, required)")  # fmt: skip
        where.add_argument(f"--{role}-mock", action="store_const", const="mock", dest=role,
                           help=f"the bundled mock as the {role} (profile from --profile) (default: off)")  # fmt: skip
    diff.add_argument("--profile", default="local", help="mock profile for a plain `mock` side (default: %(default)s)")
    diff.add_argument("--spec", type=Path, help="OpenAPI file the cases are generated from (default: the bundled one)")
    diff.add_argument("--token", default=os.environ.get("CHROMA_TOKEN"),
                      help="x-chroma-token for both sides (default: env CHROMA_TOKEN, else none)")  # fmt: skip
    diff.add_argument("--base-token", help="x-chroma-token for the base only (default: --token)")
    diff.add_argument("--candidate-token", help="x-chroma-token for the candidate only (default: --token)")
    diff.add_argument("--header", action="append", type=header_type, default=[], metavar="'NAME: VALUE'",
                      help="extra header on every request to both sides (repeatable) (default: none)")  # fmt: skip
    diff.add_argument("--max-examples", type=int, default=5,
                      help="generated cases per operation, positive and negative each (default: %(default)s)")  # fmt: skip
    diff.add_argument("--seed", type=int, help="Hypothesis seed, to generate the same cases again (default: a fresh random seed, printed)")
    diff.add_argument("--sources", type=_sources, default=SOURCES,
                      help=f"what to replay (default: {','.join(SOURCES)})")  # fmt: skip
    diff.add_argument("--include-operation", action="append", default=[], metavar="OPERATION_ID",
                      help="replay only sequences made of these operationIds (repeatable) (default: all)")  # fmt: skip
    diff.add_argument("--exclude-operation", action="append", default=[], metavar="OPERATION_ID",
                      help="leave out sequences using these operationIds (repeatable) (default: none)")  # fmt: skip
    diff.add_argument("--request-timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default: %(default)s)")
    diff.add_argument("--rate-limit", metavar="N/UNIT", help="per side, e.g. 50/s or 1000/m (default: no limit)")
    diff.add_argument("--allow-destructive", action="store_true",
                      help="also generate reset cases (wipes the whole server); only for disposable targets (default: off)")  # fmt: skip
    diff.add_argument("--ignore-version", action="store_true", help="do not report the version string changing (default: off)")
    diff.add_argument("--allow", type=Path, metavar="FILE", help="accepted differences (YAML, see contracts/README.md) (default: none)")
    diff.add_argument("--report", type=Path, metavar="PATH", help="write a Markdown report (default: none)")
    diff.add_argument(
        "--junit", type=Path, metavar="PATH", help="write a JUnit XML report (one testcase per operation) (default: none)"
    )
    diff.add_argument("--json", type=Path, metavar="PATH", help="write the whole result as JSON (default: none)")
    diff.add_argument("-q", "--quiet", action="store_true", help="no progress output (default: off)")


def options_from(args: argparse.Namespace) -> DiffOptions:
    return DiffOptions(
        base=args.base, candidate=args.candidate, profile=args.profile, spec=args.spec, token=args.token or None,
        base_token=args.base_token, candidate_token=args.candidate_token, headers=tuple(args.header),
        max_examples=args.max_examples, seed=args.seed, sources=tuple(args.sources),
        include_operations=tuple(args.include_operation), exclude_operations=tuple(args.exclude_operation),
        request_timeout=args.request_timeout, rate_limit=args.rate_limit, allow_destructive=args.allow_destructive,
        ignore_version=args.ignore_version, allow_file=args.allow, report=args.report, junit=args.junit,
        json=args.json,
    )  # fmt: skip


def main(args: argparse.Namespace) -> int:
    from contracts.diff.engine import run_diff
    from contracts.diff.replay import NullProgress
    from contracts.diff.report import ConsoleProgress, summary, verdict, write_json, write_junit, write_markdown

    options = options_from(args)
    if not args.quiet:
        print(f"contracts diff: base {options.base}, candidate {options.candidate} "
              f"(max {options.max_examples} generated examples per operation and mode)")  # fmt: skip
    try:
        result = run_diff(options, progress=NullProgress() if args.quiet else ConsoleProgress())
    except (TargetError, SandboxError, OSError, DriftFileError) as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(verdict(result) if args.quiet else summary(result))
    if options.report:
        write_markdown(result, options.report)
    if options.junit:
        write_junit(result, options.junit)
    if options.json:
        write_json(result, options.json)
    return EXIT_SAME if result.same else EXIT_CHANGED
