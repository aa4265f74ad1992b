"""Fuzzing the mock on a fresh seed: over 5,000 generated cases, no server error of our own, no new check failure.

schemathesis' coverage phase (boundary and invalid values for every operation, positive and negative)
and its fuzzing phase (Hypothesis, random on the session's seed, positive and negative data) against
the mock in-process. A 5xx is allowed only where the drift list says real Chroma answers one too
(its 500s and 501s, which the mock copies); any other 5xx, or any check failure that is not known
drift, fails with the request that caused it. The seed is printed at the start of the session;
`CONTRACTS_TEST_SEED=N` replays it.
"""

from __future__ import annotations

import os

from contracts.drift import load_drift
from contracts.model import RunOptions
from contracts.report import summary
from contracts.run import run
from mockserver.api.app import create_app

MIN_CASES = 5000
#: Per operation and phase; with the coverage phase (about 2,900 cases) this sends about 5,300.
FUZZ_MAX_EXAMPLES = int(os.environ.get("CONTRACTS_FUZZ_MAX_EXAMPLES", 80))


def test_fuzzing_the_mock_finds_no_server_error_and_nothing_new(contracts_seed: int) -> None:
    options = RunOptions(
        mock=True, phases=("coverage", "fuzzing"), scenarios=False, max_examples=FUZZ_MAX_EXAMPLES,
        seed=contracts_seed, hypothesis_db=None,
    )  # fmt: skip
    result = run(options, app=create_app())
    report = summary(result, load_drift())
    assert result.cases >= MIN_CASES, f"only {result.cases} cases (seed {contracts_seed})"
    tested = {stats.operation_id for stats in result.operations if stats.cases}
    assert tested >= {stats.operation_id for stats in result.operations} - {"reset"}, "every operation is fuzzed"
    server_errors = [
        f"{issue.finding.operation_id} -> {issue.finding.status_code}: {issue.finding.response[:200]}\n"
        f"  {issue.finding.reproduction}"
        for issue in result.issues
        if (issue.finding.status_code or 0) >= 500 and issue.first.drift_id is None
    ]
    assert not server_errors, f"seed {contracts_seed}: 5xx from the mock's own bugs:\n" + "\n".join(server_errors)
    assert result.passed, report
