"""`contracts` console script: options, exit codes, reports, and the safety defaults."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.cli import main, options_from, parser
from contracts.model import GENERATED_PHASES


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
                 "--junit", str(junit), "--report", str(report)])  # fmt: skip
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
