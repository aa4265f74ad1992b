"""Faults: rule matching (operation, method, path), times, seeded probability, Prefer parsing."""

from __future__ import annotations

import pytest

from mockserver.control.faults import FaultRule, Faults, Preference, default_error, parse_prefer
from mockserver.errors import InvalidArgument

ADD = "/api/v2/tenants/default_tenant/databases/default_database/collections/c1/add"


def test_defaults_and_error_names_from_status() -> None:
    rule = FaultRule()
    assert (rule.status, rule.message, rule.times, rule.probability) == (500, "injected fault", None, 1.0)
    assert rule.body() == {"error": "InternalError", "message": "injected fault"}
    assert [default_error(s) for s in (400, 404, 500, 409, 503)] == [
        "InvalidArgumentError",
        "NotFoundError",
        "InternalError",
        "ChromaError",
        "ChromaError",
    ]
    assert FaultRule(status=404, error="Custom", message="m").body() == {"error": "Custom", "message": "m"}
    assert FaultRule(method="post").method == "POST"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": 200},
        {"status": 600},
        {"status": None},  # neither a status nor a delay
        {"delay_ms": -1},
        {"times": 0},
        {"probability": 1.5},
        {"path": "re:("},
        {"method": 1},
        {"path": ["/a"]},
    ],
)
def test_bad_rules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FaultRule(**kwargs)  # type: ignore[arg-type]


def test_from_json_rejects_unknown_fields() -> None:
    assert FaultRule.from_json({"operation_id": "heartbeat", "status": 503}).status == 503
    with pytest.raises(ValueError, match="unknown fault rule field"):
        FaultRule.from_json({"operation": "heartbeat"})
    with pytest.raises(ValueError):
        FaultRule.from_json([1])


def test_match_by_operation_method_and_path() -> None:
    faults = Faults()
    faults.add(FaultRule(operation_id="collection_add", status=503))
    faults.add(FaultRule(method="GET", status=404))
    faults.add(FaultRule(path="/api/v2/tenants/*", status=400))
    by_op = faults.match("collection_add", "POST", ADD)
    assert by_op is not None and by_op.status == 503
    by_method = faults.match("heartbeat", "GET", "/api/v2/heartbeat")
    assert by_method is not None and by_method.status == 404
    by_path = faults.match("create_tenant", "POST", "/api/v2/tenants/x")
    assert by_path is not None and by_path.status == 400
    assert faults.match("create_tenant", "POST", "/api/v2/tenants") is None  # `*` needs a segment
    assert faults.match("collection_get", "POST", ADD.replace("add", "get")) is None


def test_all_criteria_of_one_rule_must_hold() -> None:
    faults = Faults()
    faults.add(FaultRule(operation_id="collection_add", method="PUT", status=500))
    assert faults.match("collection_add", "POST", ADD) is None
    assert faults.match("collection_add", "PUT", ADD) is not None


def test_first_added_rule_wins() -> None:
    faults = Faults()
    faults.add(FaultRule(operation_id="heartbeat", status=500))
    faults.add(FaultRule(operation_id="heartbeat", status=404))
    rule = faults.match("heartbeat", "GET", "/api/v2/heartbeat")
    assert rule is not None and rule.status == 500


def test_times_are_used_up_and_the_rule_goes_away() -> None:
    faults = Faults()
    rule_id = faults.add(FaultRule(operation_id="heartbeat", status=500, times=2))
    first = faults.match_active("heartbeat", "GET", "/")
    assert first is not None and (first.id, first.remaining, first.hits) == (rule_id, 1, 1)
    assert faults.match("heartbeat", "GET", "/") is not None
    assert faults.match("heartbeat", "GET", "/") is None
    assert len(faults) == 0 and not faults.active


def test_seeded_probability_is_reproducible_and_roughly_right() -> None:
    def draws(seed: int) -> list[bool]:
        faults = Faults(seed=seed)
        faults.add(FaultRule(status=500, probability=0.3))
        return [faults.match("heartbeat", "GET", "/") is not None for _ in range(1000)]

    first = draws(7)
    assert first == draws(7)
    assert first != draws(8)
    assert 230 < sum(first) < 370
    never = Faults(seed=1)
    never.add(FaultRule(status=500, probability=0.0))
    assert all(never.match(None, "GET", "/") is None for _ in range(100))


def test_probability_miss_does_not_use_up_times() -> None:
    faults = Faults(seed=3)
    faults.add(FaultRule(status=500, probability=0.5, times=3))
    fired = sum(faults.match(None, "GET", "/") is not None for _ in range(200))
    assert fired == 3


def test_remove_clear_and_listing() -> None:
    faults = Faults()
    a = faults.add(FaultRule(operation_id="heartbeat"))
    b = faults.add(FaultRule(status=None, delay_ms=10))
    assert [f.id for f in faults.rules()] == [a, b]
    assert faults.get(b) is not None and faults.get("nope") is None
    assert faults.remove(a) and not faults.remove(a)
    assert faults.rules()[0].to_json()["delay_ms"] == 10
    assert faults.clear() == 1 and not faults.active


def test_delay_only_rule_matches_without_status() -> None:
    faults = Faults()
    faults.add(FaultRule(status=None, delay_ms=250))
    rule = faults.match("heartbeat", "GET", "/api/v2/heartbeat")
    assert rule is not None and rule.status is None and rule.delay_ms == 250
    assert rule.error_name is None


def test_parse_prefer() -> None:
    assert parse_prefer("code=404") == Preference(404, 0)
    assert parse_prefer("delay=500") == Preference(None, 500.0)
    assert parse_prefer('code="503", delay=20') == Preference(503, 20.0)
    assert parse_prefer("return=minimal; code=400") == Preference(400, 0)
    assert parse_prefer("return=minimal") is None
    assert parse_prefer("delay=0") is None
    for bad in ("code=200", "code=abc", "delay=-5", "delay=soon", "delay=nan", "delay=1e9"):
        with pytest.raises(InvalidArgument):
            parse_prefer(bad)
    forced = Preference(404, 0).rule()
    assert forced.body() == {"error": "NotFoundError", "message": "forced by the Prefer header (code=404)"}
