"""CLI: `contracts run` (and `contracts drift`), flags -> RunOptions -> run -> report -> exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts.diff.cli import add_parser as add_diff_parser
from contracts.diff.cli import main as diff_main
from contracts.drift import DriftFileError, load_drift
from contracts.model import GENERATED_PHASES, RunOptions, default_hypothesis_db
from contracts.report import ConsoleProgress, summary, write_junit, write_markdown
from contracts.sandbox import SandboxError
from contracts.target import TargetError
import mockserver

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _header(value: str) -> tuple[str, str]:
    name, sep, content = value.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected 'Name: value', got {value!r}")
    return name.strip(), content.strip()


def _phases(value: str) -> tuple[str, ...]:
    names = tuple(p.strip() for p in value.split(",") if p.strip())
    unknown = [p for p in names if p not in GENERATED_PHASES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown phase(s) {unknown}; choose from {', '.join(GENERATED_PHASES)}")
    return names


RUN_EPILOG = """\
examples:
  contracts run --mock
  contracts run --url http://127.0.0.1:8000 --junit out/junit.xml --report out/report.md
  contracts run --url https://staging.example.com --token "$CHROMA_TOKEN" --seed 1234 --strict

exit codes:
  0  nothing new failed (known drift is reported, not failed)
  1  a new failure (or known drift under --strict), or the harness hit an error
  2  usage error, unreadable spec or drift file, or the target cannot be reached
"""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="contracts", description="Contract tests for Chroma HTTP API deployments.")
    root.add_argument("--version", action="version", version=f"%(prog)s {mockserver.__version__}")
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run",
        help="run schemathesis-generated and scripted contract tests against a target",
        description="Run schemathesis-generated and scripted contract tests against a Chroma deployment.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = run.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL of the Chroma deployment, e.g. http://127.0.0.1:8000 (default: none)")
    where.add_argument("--mock", action="store_true", help="test the bundled mock in-process, no sockets (default: off)")
    run.add_argument(
        "--profile", choices=("local", "cloud"), default="local", help="--mock: the mock's profile (default: %(default)s)"
    )
    spec = run.add_mutually_exclusive_group()
    spec.add_argument("--spec", type=Path, help="OpenAPI file (default: the spec bundled with mockserver)")
    spec.add_argument(
        "--spec-from-target", action="store_true", help="use the target's own /openapi.json (default: off)"
    )
    run.add_argument("--token", help="sent as x-chroma-token (default: env CHROMA_TOKEN, else none)")
    run.add_argument(
        "--header",
        action="append",
        type=_header,
        default=[],
        metavar="'NAME: VALUE'",
        help="extra header on every request, repeatable (default: none)",
    )
    run.add_argument(
        "--max-examples", type=int, default=25, help="generated cases per operation and phase (default: %(default)s)"
    )
    run.add_argument(
        "--workers",
        type=int,
        default=1,
        help="concurrent workers; >1 turns off follow-up checks (default: %(default)s)",
    )
    run.add_argument(
        "--seed", type=int, help="Hypothesis seed, to repeat a run's generation (default: a fresh random seed, printed)"
    )
    run.add_argument(
        "--hypothesis-db",
        metavar="DIR|none",
        default=str(default_hypothesis_db()),
        help="Hypothesis' example database: failing examples are stored there and replayed first by later runs; "
        "'none' turns it off (default: %(default)s, from $XDG_CACHE_HOME)",
    )
    run.add_argument(
        "--include-operation",
        action="append",
        default=[],
        metavar="OPERATION_ID",
        help="test only these operationIds, repeatable (default: all but reset)",
    )
    run.add_argument(
        "--exclude-operation",
        action="append",
        default=[],
        metavar="OPERATION_ID",
        help="do not test these operationIds, repeatable (default: none)",
    )
    run.add_argument(
        "--request-timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default: %(default)s)"
    )
    run.add_argument("--rate-limit", metavar="N/UNIT", help="e.g. 100/s or 1000/m (default: no limit)")
    run.add_argument(
        "--phases",
        type=_phases,
        default=GENERATED_PHASES,
        help=f"generated phases to run (default: {','.join(GENERATED_PHASES)})",
    )
    run.add_argument("--no-scenarios", action="store_true", help="skip the scripted semantic scenarios (default: off)")
    run.add_argument(
        "--strict", action="store_true", help="ignore the known-drift list: every spec deviation fails (default: off)"
    )
    run.add_argument(
        "--drift",
        type=Path,
        help="known-drift file, or a bundled one by name: chroma-1.5.9, chroma-cloud-1.5.9 (for Chroma Cloud-like "
        "targets) (default: chroma-1.5.9; chroma-cloud-1.5.9 with --mock --profile cloud)",
    )
    run.add_argument(
        "--allow-destructive",
        action="store_true",
        help="also call reset (wipes the whole server); only for disposable targets (default: off)",
    )
    run.add_argument("--shrink", action="store_true", help="let Hypothesis shrink failing cases, slower (default: off)")
    run.add_argument("--junit", type=Path, metavar="PATH", help="write a JUnit XML report (default: none)")
    run.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="write a Markdown report; long request bodies go in PATH's folder (default: none)",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress output (default: off)")

    drift = commands.add_parser("drift", help="list the known-drift entries")
    drift.add_argument(
        "--drift", type=Path, help="known-drift file or bundled name, e.g. chroma-cloud-1.5.9 (default: chroma-1.5.9)"
    )
    add_diff_parser(commands, _header)
    return root


def options_from(args: argparse.Namespace) -> RunOptions:
    return RunOptions(
        url=args.url,
        mock=args.mock,
        profile=args.profile,
        spec=args.spec,
        spec_from_target=args.spec_from_target,
        token=args.token or os.environ.get("CHROMA_TOKEN") or None,
        headers=tuple(args.header),
        max_examples=args.max_examples,
        workers=args.workers,
        seed=args.seed,
        include_operations=tuple(args.include_operation),
        exclude_operations=tuple(args.exclude_operation),
        request_timeout=args.request_timeout,
        rate_limit=args.rate_limit,
        strict=args.strict,
        allow_destructive=args.allow_destructive,
        phases=tuple(args.phases),
        scenarios=not args.no_scenarios,
        drift_file=args.drift,
        shrink=args.shrink,
        junit=args.junit,
        report=args.report,
        hypothesis_db=None if args.hypothesis_db.lower() == "none" else Path(args.hypothesis_db),
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `contracts drift | head`: the reader left; no traceback (and no verdict)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    args = parser().parse_args(argv)
    if args.command == "drift":
        return _list_drift(args.drift)
    if args.command == "diff":
        return diff_main(args)
    from contracts.run import NullProgress, run

    options = options_from(args)
    try:
        drift = load_drift(options.drift_file, options.profile if options.mock else "local")
    except (OSError, DriftFileError) as exc:
        print(f"contracts: cannot load the drift list: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = NullProgress() if args.quiet else ConsoleProgress()
    if not args.quiet:
        print(f"contracts run: {'in-process mock' if options.mock else options.url} "
              f"(max {options.max_examples} examples, {options.workers} worker(s)"
              f"{', strict' if options.strict else ''})")  # fmt: skip
    try:
        result = run(options, progress=progress)
    except (TargetError, SandboxError) as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(summary(result, drift, options.report))
    if options.junit:
        write_junit(result, options.junit)
    if options.report:
        write_markdown(result, options.report, drift)
    return EXIT_PASSED if result.passed else EXIT_FAILED


def _list_drift(path: Path | None) -> int:
    try:
        drift = load_drift(path)
    except (OSError, DriftFileError) as exc:
        print(f"contracts: cannot load the drift list: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{drift.source}: {len(drift.entries)} entries for {drift.target}")
    for category in drift.categories:
        print(f"\n{category}:")
        for entry in (e for e in drift.entries if e.category == category):
            print(f"  {entry.id:<34} {entry.reason}")
    return EXIT_PASSED


if __name__ == "__main__":
    sys.exit(main())
