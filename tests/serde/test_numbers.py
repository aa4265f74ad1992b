"""serde_float: serde_json's (not correctly rounded) number parsing, the cheap slow-path test, parse_json."""

from __future__ import annotations

import json
import math
import random
import struct

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.api.validate import parse_json
from mockserver.errors import InvalidArgument
from mockserver.serde.numbers import NumberOutOfRange, json_number, needs_serde, serde_number, serde_roundtrip

U64_MAX = 2**64 - 1
I32_MAX = 2**31 - 1
POW10 = [float(f"1e{k}") for k in range(309)]


# --- a literal port of serde_json 1.x de.rs (no float_roundtrip), character by character -----------
class _Ref:
    def __init__(self, text: str) -> None:
        self.s, self.i = text, 0

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def digit(self) -> int | None:
        c = self.peek()
        return ord(c) - 48 if c and "0" <= c <= "9" else None

    def parse(self) -> int | float:
        positive = True
        if self.peek() == "-":
            self.i += 1
            positive = False
        first = self.digit()
        assert first is not None
        self.i += 1
        if first == 0:
            assert self.digit() is None
            return self.parse_number(positive, 0)
        significand = first
        while (d := self.digit()) is not None:
            if _overflow(significand, d, U64_MAX):
                return self.parse_long_integer(positive, significand)
            self.i += 1
            significand = significand * 10 + d
        return self.parse_number(positive, significand)

    def parse_number(self, positive: bool, significand: int) -> int | float:
        if self.peek() == ".":
            return self.parse_decimal(positive, significand, 0)
        if self.peek() in ("e", "E"):
            return self.parse_exponent(positive, significand, 0)
        if positive:
            return significand
        neg = (-significand) & U64_MAX
        neg = neg - 2**64 if neg >= 2**63 else neg  # wrapping_neg as i64
        if neg >= 0:
            return -float(significand)
        return neg

    def parse_decimal(self, positive: bool, significand: int, exponent_before: int) -> float:
        self.i += 1
        after = 0
        while (d := self.digit()) is not None:
            if _overflow(significand, d, U64_MAX):
                while self.digit() is not None:
                    self.i += 1
                if self.peek() in ("e", "E"):
                    return self.parse_exponent(positive, significand, exponent_before + after)
                return _ref_f64_from_parts(positive, significand, exponent_before + after)
            self.i += 1
            significand = significand * 10 + d
            after -= 1
        assert after != 0
        if self.peek() in ("e", "E"):
            return self.parse_exponent(positive, significand, exponent_before + after)
        return _ref_f64_from_parts(positive, significand, exponent_before + after)

    def parse_exponent(self, positive: bool, significand: int, starting: int) -> float:
        self.i += 1
        positive_exp = True
        if self.peek() == "+":
            self.i += 1
        elif self.peek() == "-":
            self.i += 1
            positive_exp = False
        exp = self.digit()
        assert exp is not None
        self.i += 1
        while (d := self.digit()) is not None:
            self.i += 1
            if _overflow(exp, d, I32_MAX):
                if significand != 0 and positive_exp:
                    raise NumberOutOfRange()
                while self.digit() is not None:
                    self.i += 1
                return 0.0 if positive else -0.0
            exp = exp * 10 + d
        final = starting + exp if positive_exp else starting - exp
        return _ref_f64_from_parts(positive, significand, max(-(2**31), min(I32_MAX, final)))

    def parse_long_integer(self, positive: bool, significand: int) -> float:
        exponent = 0
        while self.digit() is not None:
            self.i += 1
            exponent += 1
        if self.peek() == ".":
            return self.parse_decimal(positive, significand, exponent)
        if self.peek() in ("e", "E"):
            return self.parse_exponent(positive, significand, exponent)
        return _ref_f64_from_parts(positive, significand, exponent)


def _overflow(a: int, b: int, c: int) -> bool:
    return a >= c // 10 and (a > c // 10 or b > c % 10)


def _ref_f64_from_parts(positive: bool, significand: int, exponent: int) -> float:
    f = float(significand)
    while True:
        if abs(exponent) <= 308:
            if exponent >= 0:
                f *= POW10[exponent]
                if math.isinf(f):
                    raise NumberOutOfRange()
            else:
                f /= POW10[-exponent]
            break
        if f == 0.0:
            break
        if exponent >= 0:
            raise NumberOutOfRange()
        f /= 1e308
        exponent += 308
    return f if positive else -f


def reference(token: str) -> int | float | str:
    try:
        return _Ref(token).parse()
    except NumberOutOfRange:
        return "out of range"


def ours(token: str) -> int | float | str:
    value: int | float | str
    hook: int | float | str
    try:
        value = serde_number(token)
    except NumberOutOfRange:
        value = "out of range"
    try:
        hook = json_number(token)  # the json.loads hooks (their shortcut for the usual shapes)
    except NumberOutOfRange:
        hook = "out of range"
    assert same(hook, value), token
    return value


def same(a: object, b: object) -> bool:
    """Equal, of the same type, and (for floats) with the same sign bit."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


# --- tokens --------------------------------------------------------------------------------------
@st.composite
def number_tokens(draw: st.DrawFn) -> str:
    """JSON number tokens of every shape, biased towards the u64 / 2^53 / POW10 / i32 edges."""
    sign = draw(st.sampled_from(["", "-"]))
    integer = draw(
        st.one_of(
            st.just("0"),
            st.integers(1, 10**25).map(str),
            st.sampled_from(
                ["18446744073709551615", "18446744073709551616", "1844674407370955161", "9223372036854775808"]
            ),
            st.integers(1, 10**9).map(lambda k: f"{2**53 + k - 5 * 10**8}"),
        )
    )
    fraction = draw(
        st.one_of(
            st.none(),
            st.tuples(st.integers(0, 20), st.integers(0, 10**30)).map(lambda zd: "0" * zd[0] + str(zd[1])),
        )
    )
    exponent = draw(
        st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(["e", "E-", "e+", "e-", "e0", "E-00"]),
                st.one_of(st.integers(0, 30), st.integers(0, 400), st.sampled_from([I32_MAX, I32_MAX + 1, 10**12])),
            ).map(lambda se: f"{se[0]}{se[1]}"),
        )
    )
    return sign + integer + ("" if fraction is None else "." + fraction) + (exponent or "")


def random_doubles(n: int, seed: int) -> list[float]:
    rnd, out = random.Random(seed), list[float]()
    while len(out) < n:
        x = (
            struct.unpack("<d", struct.pack("<Q", rnd.getrandbits(64)))[0]
            if rnd.random() < 0.5
            else rnd.uniform(-1e3, 1e3)
        )
        if math.isfinite(x):
            out.append(x)
    return out


# --- serde_number vs the literal port -----------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(number_tokens())
def test_serde_number_matches_the_literal_port(token: str) -> None:
    assert same(ours(token), reference(token)), token


@pytest.mark.parametrize("fmt", ["%.17g", "%.16g", "%.18g", "%.20g", "%.25g", "%.15g"])
def test_serde_number_matches_the_literal_port_on_printed_doubles(fmt: str) -> None:
    for x in random_doubles(2000, seed=len(fmt)):
        token = fmt % x
        assert same(ours(token), reference(token)), token


@pytest.mark.parametrize(
    "token",
    [
        "0", "-0", "0.0", "-0.0", "0e5", "-0e-5", "1", "-1", "9223372036854775807", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "-18446744073709551615", "18446744073709551616",
        "184467440737095516150", "1844674407370955161.5", "1844674407370955161.6", "18446744073709551619.5e-3",
        "1844674407370955161999.5", "123456789012345678901234567890", "1e308", "1e309", "0e309", "1e-400",
        "4.9e-324", "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308", "17976931348623158e292",
        "1e2147483647", "1e2147483648", "1e-2147483648", "0.1e-2147483648", "10e2147483647", "1e99999999999",
        "-1e99999999999", "1e-99999999999", "0." + "0" * 400 + "1", "1" + "0" * 400 + ".5e-400", "1E+0", "1e-000022",
        "0.0000000000000000000000000000123456789012345678912345",
    ],
)  # fmt: skip
def test_serde_number_edge_cases(token: str) -> None:
    assert same(ours(token), reference(token)), token


def random_tokens(n: int, seed: int) -> list[str]:
    """Cheaper than hypothesis: many random tokens of every shape."""
    rnd, out = random.Random(seed), list[str]()
    for _ in range(n):
        integer = rnd.choice(["0", str(rnd.randrange(1, 10 ** rnd.randint(1, 25))), str(2**53 + rnd.randint(-9, 9)),
                              str(U64_MAX + rnd.randint(-9, 9)), "1844674407370955161"])  # fmt: skip
        fraction = rnd.choice(["", "." + "0" * rnd.randint(0, 20) + str(rnd.randrange(10 ** rnd.randint(1, 20)))])
        exponent = rnd.choice(["", f"{rnd.choice('eE')}{rnd.choice(['', '+', '-'])}{rnd.randint(0, 30)}",
                               f"e{rnd.choice(['', '-'])}{rnd.randint(0, 400)}"])  # fmt: skip
        out.append(rnd.choice(["", "-"]) + integer + fraction + exponent)
    return out


def test_serde_number_and_needs_serde_on_random_tokens() -> None:
    slow = 0
    for token in random_tokens(20000, seed=3):
        expected = reference(token)
        assert same(ours(token), expected), token
        if needs_serde(f"[{token}]".encode()):
            slow += 1
        else:
            assert same(orjson.loads(f"[{token}]")[0], expected), token
    assert 0 < slow < 20000


# --- what the real Chroma 1.5.9 answered ---------------------------------------------------------
def test_observed_operands() -> None:
    """Operands whose serde value is a neighbour of the correctly rounded one (see test_filters_parity)."""
    assert serde_number("123456.78899999999") == 123456.789 != float("123456.78899999999")
    assert serde_number("-1.9999999999999998") == -2.0
    assert serde_number("0.9999999999999999") == 1.0
    assert same(serde_number("-9.223372036854775e18"), -(2.0**63))
    assert same(serde_number("9.223372036854775e18"), 2.0**63)
    assert same(serde_number("-0"), -0.0)  # the real server: `limit: -0` is "floating point `-0.0`"
    assert same(serde_number("-9223372036854775808"), -(2**63))
    assert same(serde_number("18446744073709551615"), U64_MAX)


# Record metadata written with 17 significant digits, as the real server stored and returned it
# (two parses: the request, then an internal JSON round trip).
REAL_STORED = [
    ("933.1286246343909", 933.1286246343908),
    ("456.52858284641525", 456.5285828464153),
    ("455.51826977210203", 455.518269772102),
    ("926.49929550479578", 926.499295504796),
    ("999.3262420163087", 999.3262420163088),
    ("743.81346482814183", 743.8134648281417),
    ("-883.02992625997945", -883.0299262599796),
    ("-919.02590170638439", -919.0259017063844),
    ("-961.15838034368289", -961.1583803436828),
    ("920.69202021015394", 920.692020210154),
    ("990.17252719795897", 990.1725271979592),
    ("-225.45666063363058", -225.45666063363055),
    ("880.10309202265239", 880.1030920226523),
    ("998.33026100328493", 998.3302610032848),
    ("373.14644553437597", 373.146445534376),
    ("-77.670833443038759", -77.67083344303875),
    ("47.397105090811692", 47.3971050908117),
    ("944.02948640144973", 944.0294864014496),
    ("-798.77691723079545", -798.7769172307956),
    ("-749.05321083670071", -749.0532108367006),
    ("123.35233110907461", 123.3523311090746),
    ("88.570456181706504", 88.57045618170649),
    ("-942.16055896509079", -942.1605589650908),
    ("-877.03594410719734", -877.0359441071972),
    ("-372.67525087733725", -372.6752508773373),
    ("-102.53425145568133", -102.53425145568131),
    ("764.77133049776216", 764.7713304977623),
    ("-204.20008604324335", -204.20008604324337),
    ("505.25552301743437", 505.2555230174344),
    ("373.26005123393884", 373.2600512339389),
    ("952.70113702999993", 952.70113703),
    ("-2.1602842792736253e-241", -2.160284279273625e-241),
    ("-2.9664472495542527e-243", -2.9664472495542533e-243),
    ("-4.2963789887371462e+158", -4.2963789887371467e158),
    ("-7.5386553881733165e-104", -7.538655388173318e-104),
    ("-7.3716469556345917e-180", -7.3716469556345926e-180),
    ("2.170703219502361e-144", 2.1707032195023613e-144),
    ("1.7763361430975051e-277", 1.7763361430975056e-277),
    ("9.3703074693857467e+108", 9.370307469385749e108),
    ("-3.2864378805784192e+243", -3.28643788057842e243),
    ("-3.0354318368391327e+217", -3.0354318368391327e217),
    ("1.2704407329373333e-161", 1.2704407329373331e-161),
    ("-7.7806597135874114e-112", -7.7806597135874105e-112),
    ("1.5353463235046895e+29", 1.5353463235046897e29),
    ("-2.5396864161718034e-205", -2.539686416171803e-205),
    ("-4.2942802025774455e+238", -4.294280202577446e238),
    ("-4.3435397662180533e-236", -4.3435397662180525e-236),
    ("-2.1892639345175798e+17", -2.18926393451758e17),
    ("-7.8799967272112162e+233", -7.879996727211215e233),
    ("6.8311004762749137e+193", 6.8311004762749145e193),
    ("-7.8389342021112584e-219", -7.838934202111257e-219),
    ("1.3386488224172355e-95", 1.3386488224172356e-95),
    ("-3.0791972307675401e-130", -3.0791972307675397e-130),
    ("0.00095749037570445775", 0.0009574903757044576),
    ("8.0799390062873653e+51", 8.079939006287364e51),
    ("6.5203424409834791e+246", 6.520342440983481e246),
    ("2.5295656786456663e-171", 2.529565678645667e-171),
    ("2.2993213824494231e+39", 2.2993213824494228e39),
    ("-8.7151974837064642e+89", -8.715197483706463e89),
    ("7.0408549332585182e-29", 7.040854933258518e-29),
]


@pytest.mark.parametrize(("token", "stored"), REAL_STORED)
def test_record_metadata_as_the_real_server_stores_it(token: str, stored: float) -> None:
    value = serde_number(token)
    assert isinstance(value, float)
    assert serde_roundtrip(value) == stored


# Numbers the real server rejected with 400 "number out of range" (and some it accepted).
@pytest.mark.parametrize(
    ("token", "out_of_range"),
    [
        ("17976931348623157" + "0" * 292 + ".0", True),
        ("17976931348623157" + "0" * 290 + ".0", False),
        ("-17976931348623156" + "9" * 290 + ".0", False),
        ("1.7976931348623158e308", True), ("1.7976931348623159e308", True), ("17976931348623158e292", True),
        ("1e309", True), ("0.1e310", True), ("-1e99999999999", True), ("1e2147483647", True), ("1e2147483648", True),
        ("100000000000000000000e2147483647", True), ("1e400", True),
        ("0e99999999999", False), ("1e-99999999999", False), ("0e309", False), ("1e-400", False),
        ("10000000000000000000000000e-2147483648", False), ("1.5e-2147483648", False),
        ("1.7976931348623157e308", False), ("-1.7976931348623157e308", False),
    ],
)  # fmt: skip
def test_out_of_range_like_the_real_server(token: str, out_of_range: bool) -> None:
    assert (ours(token) == "out of range") is out_of_range


# --- needs_serde: False must mean orjson's value is serde's --------------------------------------
@settings(max_examples=300, deadline=None)
@given(number_tokens(), st.sampled_from(["[{}]", '{{"a":{}}}', "[1, {}]", "{}", ' {{ "a" :\n\t{} }}', '["\\"-0", {}]']))
def test_no_slow_path_means_orjson_agrees(token: str, frame: str) -> None:
    body = frame.format(token).encode()
    if needs_serde(body):
        return
    expected = reference(token)
    assert expected != "out of range", token
    parsed = orjson.loads(body)
    value = parsed if isinstance(parsed, (int, float)) else (parsed["a"] if isinstance(parsed, dict) else parsed[-1])
    assert same(value, expected), token


@pytest.mark.parametrize("fmt", ["%.15g", "%.14g", "%.10g", "%.6g", "%.3g", "%.15e", "%.8e", "%.1f"])
def test_short_floats_take_the_fast_path_and_agree(fmt: str) -> None:
    for x in random_doubles(3000, seed=len(fmt) + 99):
        token = fmt % x
        body = f"[{token}]".encode()
        mantissa, _, exponent = token.lstrip("-").partition("e")
        if needs_serde(body):  # only for 15+ digits and a dot, or an exponent that may leave the exact range
            assert len(mantissa) >= 16 or not -8 < int(exponent or 0) < 23, token
            continue
        assert same(orjson.loads(body)[0], reference(token)), token


@pytest.mark.parametrize(
    "body",
    [
        b'{"x":123456.78899999999}', b"[1.2345678901234567]", b"[ 1234567890123456e0]", b'{"a":\n -0}',
        b"[1e23]", b"[5e-8]", b"[1.5E+0023]", b"[-9223372036854775809]", b"[18446744073709551616]",
        b"1.2345678901234567", b" -0", b'{"a":[0.1,0.2,1234567.123456789]}', b'[-0e5,-0]', b"[1e-7,-0\n]",
        b'["\\"",-0]', b'["\\\\",-0]', b"[12345678901234567]",
    ],
)  # fmt: skip
def test_needs_serde_finds(body: bytes) -> None:
    assert needs_serde(body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"ids":["123e4567-e89b-12d3-a456-426614174000"],"embeddings":["AAAAPwAAoL8="]}',
        b'{"x":1.5,"y":-0.25,"z":[0.12345678901234,1e22,1e-7,-7.5e+10,-0e-07,1.0E-07]}',
        b'{"limit":10,"offset":0,"n":-9223372036854775,"u":9223372036854775}',
        b'{"x":0.12345678901234,"y":-0.00000000000001,"z":12345678901234.5}',
        b'["\\"", 1.5, "\\\\", 2.5, "\\u0022 1.2345678901234567 -0"]',
        b'{"documents":["call 1234567890123456789 or 1e300 or -0"]}',
        b'{"a":-0.0,"b":0,"c":-1}',
    ],
)  # fmt: skip
def test_needs_serde_leaves_alone(body: bytes) -> None:
    assert not needs_serde(body)


# --- parse_json ---------------------------------------------------------------------------------
def test_parse_json_uses_serde_numbers_on_the_slow_path() -> None:
    body = b'{"where":{"f":123456.78899999999},"n":[-9.223372036854775e18,-0,1,2.5,"1.2345678901234567"],"u":18446744073709551615}'
    data = parse_json(body)
    assert data == {
        "where": {"f": 123456.789},
        "n": [-(2.0**63), -0.0, 1, 2.5, "1.2345678901234567"],
        "u": U64_MAX,
    }
    assert math.copysign(1.0, data["n"][1]) == -1.0 and type(data["n"][2]) is int and type(data["u"]) is int
    assert parse_json(b"[123456789012345678901234567890]") == [float(serde_number("123456789012345678901234567890"))]


def test_parse_json_fast_path_is_orjson() -> None:
    body = b'{"ids":["a"],"embeddings":[[0.5,-1.25,3]],"metadatas":[{"a":1,"b":0.1}]}'
    assert parse_json(body) == orjson.loads(body)


@pytest.mark.parametrize(
    "body",
    [b"NaN", b"[NaN]", b'{"x":Infinity}', b"[-Infinity, 1.2345678901234567]", b"[1e400]", b'{"x":-1e400}',
     b"[1.7976931348623158e308]", b"[1.2345678901234567,]", b'{"x":1.2345678901234567'],
)  # fmt: skip
def test_parse_json_rejects_like_serde(body: bytes) -> None:
    with pytest.raises(InvalidArgument, match="Failed to parse the request body as JSON"):
        parse_json(body)


def test_parse_json_large_embedding_list_matches_serde() -> None:
    values = random_doubles(384, seed=7)
    body = json.dumps({"embeddings": [values]}).encode()
    parsed = parse_json(body)["embeddings"][0]
    assert all(same(p, reference(repr(v))) for p, v in zip(parsed, values, strict=True))


def test_parse_json_takes_str_too() -> None:
    assert parse_json('{"f":[123456.78899999999,0.5]}') == {"f": [123456.789, 0.5]}
    assert parse_json('{"f":0.5}') == {"f": 0.5}


def test_parse_json_sees_numbers_between_escaped_quotes() -> None:
    body = b'{"a":"x\\"y\\\\","f":123456.78899999999,"b":"\\\\\\"","g":-0}'
    assert parse_json(body) == {"a": 'x"y\\', "f": 123456.789, "b": '\\"', "g": -0.0}
    assert math.copysign(1.0, parse_json(body)["g"]) == -1.0


def test_only_record_metadata_gets_the_second_round_trip() -> None:
    from mockserver.store import metadata as md

    value = 933.1286246343909  # Chroma stores and returns 933.1286246343908 for a record
    assert md.stored_value(value) == 933.1286246343908
    assert md.check_collection_metadata({"x": value}, "metadata") == {"x": value}  # parsed once
    assert str(md.stored_value(-0.0)) == "0.0"
