"""serde_json's number parsing (its default, not correctly rounded, algorithm), for JSON number tokens.

Chroma 1.5.9 parses request bodies with serde_json 1.x without the `float_roundtrip` feature
(`de.rs`: `parse_integer`, `parse_long_integer`, `parse_decimal`, `parse_decimal_overflow`,
`parse_exponent`, `f64_from_parts`):

- the decimal digits (integer part, then fraction) are accumulated into a u64 significand until the
  next digit would overflow it. Further integer digits are dropped, each one adding 1 to the
  exponent; after such an overflow the first fraction digit is still taken if it fits; once a
  fraction digit overflows, the remaining fraction digits are dropped;
- a number without fraction and exponent is an integer (u64, or i64 when negative); `-0` and
  negative numbers below i64::MIN are floats, as are numbers that overflowed the u64;
- the float is `significand as f64` times or divided by `POW10[|e|]` (10^0..10^308 as f64
  literals), once; below 1e-308 it is first divided by 1e308 as often as needed. A product that is
  infinite, or an exponent beyond 308 on a non-zero significand, is "number out of range" (an
  exponent that overflows i32: out of range when positive, a signed zero when negative).

That is correctly rounded only when the significand is below 2^53 and |e| <= 22 (both operands
exact, one IEEE operation); otherwise the result can be 1 ulp (or more) off the correctly rounded
value, e.g. `123456.78899999999` parses to 123456.789. `needs_serde` is a cheap test for a body that
may hold such a number; `serde_number` parses one token.
"""

from __future__ import annotations

import re

__all__ = [
    "NumberOutOfRange",
    "json_float",
    "json_int",
    "json_number",
    "needs_serde",
    "serde_number",
    "serde_roundtrip",
]

U64_MAX = 2**64 - 1
_U64_MAX_DIV10, _U64_MAX_MOD10 = divmod(U64_MAX, 10)
I32_MAX = 2**31 - 1
I32_MIN = -(2**31)
POW10: tuple[float, ...] = tuple(float(f"1e{k}") for k in range(309))


class NumberOutOfRange(ValueError):
    """serde_json's `ErrorCode::NumberOutOfRange` (a syntax error: Chroma answers 400)."""

    def __init__(self) -> None:
        super().__init__("number out of range")


_TOKEN = re.compile(r"(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?)(\d+))?", re.ASCII)


def serde_number(token: str) -> int | float:
    """The value serde_json gives a JSON number token: an int (u64 / i64) or a float.

    Raises NumberOutOfRange where serde_json does, ValueError on a malformed token."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise ValueError(f"invalid number: {token!r}")
    sign, integer, fraction, exp_sign, exp_digits = match.groups()
    positive = not sign
    if (
        fraction is None
        and exp_digits is None
        and (len(integer) < 20 or (len(integer) == 20 and int(integer) <= U64_MAX))
    ):
        value = int(integer)  # fits in a u64
        if positive:
            return value
        if value == 0 or value > 2**63:  # `-0`, or below i64::MIN: `-(significand as f64)`
            return -float(value)
        return -value
    fraction = fraction or ""
    digits = integer + fraction
    significant = digits.lstrip("0")
    if len(significant) <= 19:  # below 10^19: never overflows
        significand = int(significant) if significant else 0
        kept = len(digits)
    else:
        kept_significant = 20 if int(significant[:20]) <= U64_MAX else 19
        significand = int(significant[:kept_significant])
        kept = len(digits) - len(significant) + kept_significant
    # Digits of the integer part beyond the overflow are dropped but counted; fraction digits taken
    # lower it. (kept > len(integer) when fraction digits were taken.)
    exponent = len(integer) - kept
    if kept < len(integer) and fraction:
        # parse_long_integer -> parse_decimal: the first fraction digit is tried once more.
        first = ord(fraction[0]) - 48
        if significand < _U64_MAX_DIV10 or (significand == _U64_MAX_DIV10 and first <= _U64_MAX_MOD10):
            significand = significand * 10 + first
            exponent -= 1
    if exp_digits is not None:
        exp_digits = exp_digits.lstrip("0")
        if len(exp_digits) > 10 or int(exp_digits or "0") > I32_MAX:  # parse_exponent_overflow
            if significand != 0 and exp_sign != "-":
                raise NumberOutOfRange()
            return 0.0 if positive else -0.0
        explicit = int(exp_digits or "0")
        exponent = exponent - explicit if exp_sign == "-" else exponent + explicit
        exponent = max(I32_MIN, min(I32_MAX, exponent))  # saturating_add / saturating_sub
    return _f64_from_parts(positive, significand, exponent)


def _f64_from_parts(positive: bool, significand: int, exponent: int) -> float:
    f = float(significand)  # `u64 as f64`: round to nearest, ties to even, as Python's int -> float
    while True:
        if abs(exponent) < len(POW10):
            if exponent >= 0:
                f *= POW10[exponent]
                if f == _INF:
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


def json_float(token: str) -> float:
    """`serde_number` for a float token found by the stdlib JSON scanner (json.loads' `parse_float`):
    not validated again, with shortcuts for the usual shapes (no digit dropped, one POW10 entry)."""
    integer, dot, fraction = token.partition(".")
    if dot and len(token) < 21 and "e" not in fraction and "E" not in fraction:  # at most 19 digits
        significand = int(integer + fraction)  # signed
        if significand:
            return significand / POW10[len(fraction)]  # `significand as f64`, then one division
        return -0.0 if token[0] == "-" else 0.0
    mantissa, e, exp_digits = token.partition("e")
    if not e:
        mantissa, e, exp_digits = token.partition("E")
    integer, dot, fraction = mantissa.partition(".")
    if len(integer) + len(fraction) > 20 or len(exp_digits) > 6:  # (20: a sign and 19 digits)
        return float(serde_number(token))
    significand = int(integer + fraction)  # signed
    exponent = (int(exp_digits) if e else 0) - len(fraction)
    if significand == 0:
        return -0.0 if token[0] == "-" else 0.0
    negative = significand < 0
    if negative:
        significand = -significand
    if significand > U64_MAX or exponent > 308 or exponent < -308:
        return float(serde_number(token))
    return _f64_from_parts(not negative, significand, exponent)


def json_int(token: str) -> int | float:
    """`serde_number` for an integer token found by the stdlib JSON scanner (`parse_int`)."""
    if len(token) < 19:  # an i64 either way
        value = int(token)
        return value if value or token[0] != "-" else -0.0
    return serde_number(token)


def json_number(token: str) -> int | float:
    """`json_float` or `json_int`, whichever the token is."""
    return json_float(token) if "." in token or "e" in token or "E" in token else json_int(token)


_INF = float("inf")


def serde_roundtrip(value: float) -> float:
    """A float after one more serde_json round trip: written shortest (ryu), then parsed again.

    Python's repr writes the same shortest digits as ryu (only the exponent notation differs,
    which does not change the significand or exponent serde reads)."""
    result = serde_number(repr(value))
    return float(result)


# --- the cheap test --------------------------------------------------------------------------------
#
# serde's value equals the correctly rounded one (orjson's), with the same type, when the token has
#   - at most 15 digits in its mantissa (integer part and fraction), so the significand is below
#     10^15 < 2^53 and there are at most 15 fraction digits, and
#   - no explicit exponent, or one within [-7, 22], so e = exponent - fraction digits is within
#     [-22, 22] (10^|e| is exact: one IEEE multiplication or division of exact operands is
#     correctly rounded), or
# when it is an integer of at most 16 digits (an i64 either way) other than `-0`.
#
# `needs_serde` looks for any other number token, outside strings only: the body with its strings
# cut out (split at the quotes, after dropping escaped backslashes and quotes) holds nothing but
# structure, whitespace, true/false/null and numbers. There, with digits and `.` mapped to `0`
# and `E` to `e` (one `bytes.translate`), the tokens to send down the slow path show as substrings:
#   17 x `0`       a mantissa of 16+ digits and a dot, or an integer of 17+ digits;
#   16 x `0`, `e`  16 digits then an exponent (or 15 and a dot);
#   `0e`           some exponent: then a regex looks for one >= 23 or <= -8 (outside strings, `e`
#                  is only in exponents, true and false);
# and a regex finds the integer `-0` (serde: the float -0.0) when there is a `-` at all.
# Only C-speed primitives (split, join, translate, substring and literal-prefix regex searches) touch
# the bytes; strings (base64 embeddings, documents) are split off, never searched.
_NUMBER_SHAPES = bytes.maketrans(b"0123456789.E", b"00000000000e")
_E_LOWER = bytes.maketrans(b"E", b"e")
_BIG_EXPONENT = re.compile(rb"e(?:\+?0*(?:2[3-9]|[3-9]\d|[1-9]\d\d)|-0*(?:[89]|[1-9]\d))")
_MINUS_ZERO = re.compile(rb"-0(?![\d.eE])")


def needs_serde(body: bytes) -> bool:
    """True when the JSON text may hold a number that serde_json parses differently from a
    correctly rounding parser (or to another type). False guarantees it holds none.

    For JSON text (`body` that orjson accepted); on other text the answer means nothing."""
    first = body.find(b"\\")  # escapes only come in strings: drop escaped backslashes, then quotes
    if first >= 0 and body.find(b'\\"', first) >= 0:
        body = body[:first] + body[first:].replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(body.split(b'"')[::2]) if b'"' in body else body
    mapped = outside.translate(_NUMBER_SHAPES)
    if b"00000000000000000" in mapped:
        return True
    if (
        b"e" in mapped
        and b"0e" in mapped
        and (b"0000000000000000e" in mapped or _BIG_EXPONENT.search(outside.translate(_E_LOWER)) is not None)
    ):
        return True
    return b"-" in outside and _MINUS_ZERO.search(outside) is not None
