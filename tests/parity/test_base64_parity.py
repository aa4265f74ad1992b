"""Parity: base64 embeddings, well-formed and broken, upserted on the mock and on real Chroma 1.5.9.

Chroma decodes them with Rust's `base64` crate (standard alphabet, canonical padding, no trailing
bits), whose errors name the first bad symbol and its offset; the mock emulates that decoder. Each
example upserts one record to both servers (in the same order, so the collection's dimension, fixed
by the first accepted vector, is the same on both) and the answers must be equal: status and body.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .filter_data import SETTINGS
from .harness import C, Servers

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


Paths = tuple[Servers, str, str]


@pytest.fixture(scope="module")
def upserts(parity_servers: Servers) -> Iterator[Paths]:
    """One collection on each server (after a reset); the module's examples upsert into it."""
    found = []
    for client in (parity_servers.real, parity_servers.mock):
        assert client.post("/api/v2/reset").json() is True
        created = client.post(C, json={"name": "parity-base64"})
        assert created.status_code == 200, created.text
        found.append(f"{C}/{created.json()['id']}/upsert")
    parity_servers.dirty = True
    yield parity_servers, found[0], found[1]


def check(upserts: Paths, text: str) -> None:
    servers, real_path, mock_path = upserts
    body = {"ids": ["x"], "embeddings": [text]}
    want, got = servers.real.post(real_path, json=body), servers.mock.post(mock_path, json=body)
    assert (got.status_code, got.json()) == (want.status_code, want.json()), text


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid encoding of 0-5 floats (+0-3 bytes), then maybe: padding cut, a symbol replaced, text appended."""
    floats = draw(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), max_size=5))
    raw = struct.pack(f"<{len(floats)}f", *floats) + draw(st.binary(max_size=3))
    text = base64.b64encode(raw).decode()
    change = draw(st.sampled_from(["none", "strip", "replace", "append"]))
    if change == "strip":
        text = text.rstrip("=")
    elif change == "replace" and text:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from([*"=-_!é .\n", *ALPHABET])) + text[at + 1 :]
    elif change == "append":
        text += draw(st.text(alphabet=ALPHABET + "=!é", max_size=3))
    return text


@pytest.mark.parametrize(
    "text",
    ["!!!!", "AAAAPw", "AAAA-_-_", "A===", "AB==", "AAB=", "AAAAA", "AA=A", "AAAA====", "AAAAéAAA", "", "AAAAPw=="],
)
def test_catalogued_base64_strings(upserts: Paths, text: str) -> None:
    check(upserts, text)


@SETTINGS
@given(st.one_of(mutated(), st.text(alphabet=ALPHABET + "=-_!é .", max_size=14)))
def test_generated_base64_strings(upserts: Paths, text: str) -> None:
    check(upserts, text)
