"""`contracts` console script: options, exit codes, reports, and the safety defaults."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.cli import main, options_from, parser
from contracts.model import GENERATED_PHASES
from mockserver import __version__
from mockserver.serve.cli import build_parser


def test_options_map_to_run_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMA_TOKEN", "from-env")
    args = parser().parse_args(
        ["run", "--url", "http://x:1", "--header", "X-Team: search", "--max-examples", "7", "--workers", "2",
         "--seed", "42", "--include-operation", "collection_add", "--exclude-operation", "collection_get",
         "--request-timeout", "3.5", "--rate-limit", "10/s", "--strict", "--allow-destructive",
         "--phases", "fuzzing,stateful", "--junit", "j.xml", "--report", "r.md"]
    )  # fmt: skip
    options = options_from(args)
    assert options.url == "http://x:1" and not options.mock
    assert options.token == "from-env"
    assert options.headers == (("X-Team", "search"),)
    assert (options.max_examples, options.workers, options.seed) == (7, 2, 42)
    assert options.include_operations == ("collection_add",) and options.exclude_operations == ("collection_get",)
    assert options.request_timeout == 3.5 and options.rate_limit == "10/s"
    assert options.strict and options.allow_destructive
    assert options.phases == ("fuzzing", "stateful")
    assert options.junit == Path("j.xml") and options.report == Path("r.md")


def test_defaults_are_safe_and_complete() -> None:
    options = options_from(parser().parse_args(["run", "--url", "http://x:1", "--token", "t"]))
    assert options.token == "t"
    assert not options.allow_destructive and not options.strict
    assert options.phases == GENERATED_PHASES and options.scenarios
    assert options.spec is None and not options.spec_from_target


@pytest.mark.parametrize(
    "argv",
    [
        ["run"],  # neither --url nor --mock
        ["run", "--url", "http://x", "--mock"],
        ["run", "--mock", "--header", "no-colon"],
        ["run", "--mock", "--phases", "bogus"],
        ["run", "--mock", "--spec", "a.yaml", "--spec-from-target"],
    ],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_unreachable_target_is_a_usage_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--url", "http://127.0.0.1:9", "--request-timeout", "1", "-q"])
    assert code == 2
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err


def test_drift_command_lists_entries_by_category(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift"]) == 0
    out = capsys.readouterr().out
    assert "undocumented-status:" in out and "undocumented-422" in out and "auth-not-enforced" in out


def test_mock_run_writes_junit_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit, report = tmp_path / "out" / "junit.xml", tmp_path / "out" / "report.md"
    code = main(["run", "--mock", "--spec-from-target", "--phases", "examples", "--max-examples", "1",
                 "--hypothesis-db", "none", "--junit", str(junit), "--report", str(report)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[0].startswith("contracts run: in-process mock")
    assert "scenario " in out and "examples " in out  # progress lines
    assert "Spec:   http://chroma-mock/openapi.json" in out
    assert ET.parse(junit).getroot().get("failures") == "0"
    assert "# Contract run: PASSED" in report.read_text()


def test_console_script_entry_point_runs() -> None:
    """`python -m contracts.cli` is what the `contracts` entry point calls."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "contracts.cli", "drift"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and "known-drift" not in done.stderr and "entries for chroma 1.5.9" in done.stdout


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every option string of a parser and its subcommands -> its action (help and version left out)."""
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.update(_options(sub))
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            found.update({option: action for option in action.option_strings})
    return found


PARSERS = {"contracts": parser, "mockserver": build_parser}
README = Path(__file__).resolve().parents[2] / "README.md"
CONTRACTS_README = Path(__file__).resolve().parents[2] / "contracts" / "README.md"


@pytest.mark.parametrize("program", sorted(PARSERS))
def test_every_option_states_its_default(program: str) -> None:
    missing = [option for option, action in _options(PARSERS[program]()).items() if "default" not in (action.help or "")]
    assert not missing, f"{program}: the help of {missing} does not state a default"


@pytest.mark.parametrize("program", sorted(PARSERS))
def test_version(program: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        PARSERS[program]().parse_args(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"{program} {__version__}"


def test_run_help_shows_an_example_and_the_exit_codes() -> None:
    text = parser()._subparsers._group_actions[0].choices["run"].format_help()  # type: ignore[union-attr]
    assert "contracts run --mock" in text and "contracts run --url http://127.0.0.1:8000" in text
    for code in ("0  nothing new failed", "1  a new failure", "2  usage error"):
        assert code in text
    assert "--hypothesis-db" in text and "'none' turns it off" in " ".join(text.split())


def _readme_options(path: Path) -> set[str]:
    """The option strings in the first cell of the README's option tables."""
    found: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `-"):
            found.update(re.findall(r"`(--?[a-z][a-z-]*)", line.split(" | ")[0]))
    return found


@pytest.mark.parametrize(("program", "readme"), [("contracts", CONTRACTS_README), ("mockserver", README)])
def test_every_option_is_in_the_readme(program: str, readme: Path) -> None:
    known = set(_options(PARSERS[program]()))
    documented = _readme_options(readme)
    assert not known - documented, f"{program} options missing from {readme.name}'s tables: {sorted(known - documented)}"


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """`contracts drift FILE | head -1`: the pipe closes under the listing (long enough to outgrow the pipe)."""
    import subprocess
    import sys

    drift = tmp_path / "long.yaml"
    entries = "".join(
        f"  - id: entry-{n}\n    category: auth-not-enforced\n    reason: {'x' * 100}\n    match: {{operations: [heartbeat]}}\n"
        for n in range(2000)
    )
    drift.write_text("target: long\ndrifts:\n" + entries, encoding="utf-8")
    code = f"import sys; from contracts.cli import main; sys.exit(main(['drift', '--drift', {str(drift)!r}]))"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as listing:
        assert listing.stdout is not None and listing.stderr is not None
        assert listing.stdout.readline()
        listing.stdout.close()  # what `head -1` does after its line; 2,000 lines (200 KB) cannot fit in the pipe
        errors = listing.stderr.read().decode()
        assert listing.wait(timeout=60) == 1
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
