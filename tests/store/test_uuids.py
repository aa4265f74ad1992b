"""Store: UUID strings as Rust's `uuid` crate (1.18) reads them, and its reasons when it does not."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.store.uuids import parse_uuid, uuid_error

NIL = "00000000-0000-0000-0000-000000000000"
CHAR = "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{}` at {}"


@pytest.mark.parametrize(
    "text",
    [
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "67e5504410b1426f9247bb680e5fe0c8",
        "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
        "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        "F9168C5E-CEB2-4faa-B6BF-329BF39FA1E4",
    ],
)
def test_the_four_forms_parse_to_the_canonical_one(text: str) -> None:
    assert parse_uuid(text) == str(uuid.UUID(text)) and uuid_error(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [  # the crate's own test vectors (src/parser.rs), and ones checked against chroma run 1.5.9
        ("", "invalid length: expected length 32 for simple format, found 0"),
        ("!", CHAR.format("!", 1)),
        ("F9168C5E-CEB2-4faa-B6BF-329BF39FA1E45", "invalid group length in group 4: expected 12, found 13"),
        ("F9168C5E-CEB2-4faa-BBF-329BF39FA1E4", "invalid group length in group 3: expected 4, found 3"),
        ("F9168C5E-CEB2-4faa-B6BF-329BF39FA1E4-", "invalid group count: expected 5, found 6"),
        ("0000000-00000-0000-0000-000000000000", "invalid group length in group 0: expected 8, found 7"),
        ("00000000-0000-0000-0000", "invalid group count: expected 5, found 4"),
        ("0000000000000000000000000000000g", CHAR.format("g", 32)),
        ("00000000-0000-0000-0000-00000000000g", CHAR.format("g", 36)),
        ("o\x9f", CHAR.format("o", 1)),
        ("1234", "invalid length: expected length 32 for simple format, found 4"),
        ("{0000000g-0000-0000-0000-000000000000}", CHAR.format("g", 8)),  # the crate reports inside the braces
        ("urn:uuid:0000000g-0000-0000-0000-000000000000", CHAR.format("g", 8)),
        ("urn:uuid:00000000-0000-0000-0000-0000000000", "invalid group length in group 4: expected 12, found 19"),
        ("0000_0000000000000000000000000000", CHAR.format("_", 5)),
        ("é", CHAR.format("é", 1)),
        ("0€", CHAR.format("€", 2)),
    ],
)
def test_refused_strings_say_why_as_the_crate_does(text: str, reason: str) -> None:
    assert parse_uuid(text) is None
    assert uuid_error(text) == reason


def test_what_python_accepts_and_rust_does_not() -> None:
    for text in ("0-0000000000000000000000000000000-0", "uuid:" + NIL, "{{" + NIL + "}}", "+" + "0" * 31):
        assert parse_uuid(text) is None and uuid_error(text) is not None


@given(st.text(alphabet="0123456789abcdefABCDEF-{}:urnidg", max_size=46))
def test_parse_and_error_agree(text: str) -> None:
    """Exactly one of the two answers, whatever the string."""
    assert (parse_uuid(text) is None) == (uuid_error(text) is not None)
