"""Store: UUID strings read as Chroma reads them, with Rust's `uuid` crate (1.18) and its error messages.

The crate takes exactly four forms: 32 hex digits, the hyphenated 8-4-4-4-12 form, and that form in
braces or after `urn:uuid:` (Python's `uuid.UUID` takes more: hyphens anywhere, `+` and `_` inside,
either prefix alone). When parsing fails, the crate looks at the input again to say why: the first
character that is not a hex digit or a hyphen, else a wrong length, group count or group length.
"""

from __future__ import annotations

import re

#: the form clients send (and the store keeps): parsed by a match, not byte by byte
_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_HYPHENS = (8, 13, 18, 23)
_GROUP_STARTS = (0, 9, 14, 19, 24)
_GROUP_LENGTHS = (8, 4, 4, 4, 12)


class _Invalid(Exception):
    """The bytes the crate's parser gave up on (the whole input, or its part inside braces or after urn:uuid:)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data


def parse_uuid(value: str) -> str | None:
    """The canonical hyphenated form of a UUID string, or None when Rust's `Uuid::parse_str` refuses it."""
    if _CANONICAL.fullmatch(value):
        return value
    try:
        digits = _try_parse(value.encode("utf-8", "surrogatepass"))
    except _Invalid:
        return None
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def uuid_error(value: str) -> str | None:
    """What `Uuid::parse_str(value)` says when it fails (its `Display`), or None when it parses."""
    try:
        _try_parse(value.encode("utf-8", "surrogatepass"))
    except _Invalid as invalid:
        return _explain(invalid.data)
    return None


def _try_parse(data: bytes) -> str:
    if len(data) == 32:
        return _simple(data)
    if len(data) == 36:
        return _hyphenated(data)
    if len(data) == 38 and data[:1] == b"{" and data[-1:] == b"}":
        return _hyphenated(data[1:-1])
    if len(data) == 45 and data.startswith(b"urn:uuid:"):
        return _hyphenated(data[9:])
    raise _Invalid(data)


def _simple(data: bytes) -> str:
    if not all(byte in _HEX for byte in data):
        raise _Invalid(data)
    return data.decode("ascii").lower()


def _hyphenated(data: bytes) -> str:
    digits = b"".join(data[start : start + length] for start, length in zip(_GROUP_STARTS, _GROUP_LENGTHS))
    if any(data[at] != 0x2D for at in _HYPHENS) or not all(byte in _HEX for byte in digits):
        raise _Invalid(data)
    return digits.decode("ascii").lower()


def _explain(data: bytes) -> str:
    """`InvalidUuid::into_err` of uuid 1.18, then the error's `Display`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "non-UTF8 input"
    body, offset, simple = text, 0, True
    if len(data) >= 2 and text.startswith("{") and text.endswith("}"):
        body, offset, simple = text[1:-1], 1, False
    elif data.startswith(b"urn:uuid:"):
        body, offset, simple = text[9:], 9, False
    hyphens: list[int] = []
    index = 0  # byte offset in `body`, as Rust's char_indices gives it
    for character in body:
        code = ord(character)
        if code > 0xFF or (character != "-" and not (code < 0x80 and code in _HEX)):
            return (
                "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], "
                f"found `{character}` at {index + offset + 1}"
            )
        if character == "-":
            hyphens.append(index)
        index += len(character.encode("utf-8"))
    if not hyphens and simple:
        return f"invalid length: expected length 32 for simple format, found {len(data)}"
    if len(hyphens) != 4:
        return f"invalid group count: expected 5, found {len(hyphens) + 1}"
    for group in range(4):
        if hyphens[group] != _GROUP_STARTS[group + 1] - 1:
            found = hyphens[group] - _GROUP_STARTS[group]
            return f"invalid group length in group {group}: expected {_GROUP_LENGTHS[group]}, found {found}"
    return f"invalid group length in group 4: expected 12, found {len(data) - _GROUP_STARTS[4]}"
