"""contracts diff of real Chroma 1.5.9 (`chroma run`, base) against the bundled mock (candidate).

Clean except for the differences the shipped allowlist documents (the README's differences list and
the mock bugs `contracts diff` found, each named there); generated cases are few, to stay quick.
"""

from __future__ import annotations

from contracts.diff.allow import MOCK_VS_CHROMA, load_allow
from contracts.diff.engine import run_diff
from contracts.diff.model import DiffOptions
from contracts.diff.report import summary
from contracts.diff.sides import Side, parse_side


def test_real_chroma_against_the_mock_differs_only_where_documented(contracts_chroma_url: str) -> None:
    options = DiffOptions(
        base=contracts_chroma_url, candidate="mock", max_examples=2, seed=7, allow_file=MOCK_VS_CHROMA
    )
    result = run_diff(options)
    assert result.same, summary(result)
    assert result.cases > 450 and dict(result.per_source)["catalogue"] > 300
    documented = {entry.id for entry in load_allow(MOCK_VS_CHROMA).entries if entry.id.startswith("documented-")}
    assert "documented-422-messages" in {f.allowed_by for f in result.allowed} & documented
    # The sandboxes are gone from the real server (its tenant stays, empty: Chroma cannot delete tenants).
    side = Side(parse_side("base", contracts_chroma_url, "local"), options)
    listed = side.caller.call("list_databases", {"tenant": result.sandboxes[0]})
    assert listed.status == 200 and listed.body == []
