"""Store: embedding input decoding (float arrays or base64 little-endian float32) and dimension rules."""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np
import numpy.typing as npt

from mockserver.errors import InvalidArgument

Vector = npt.NDArray[np.float32]


def decode(embeddings: list[Any] | None) -> list[Vector | None] | None:
    """Decode each entry (list of numbers, base64 string, or null) to float32 (400 on bad input)."""
    if embeddings is None:
        return None
    out: list[Vector | None] = []
    for entry in embeddings:
        if entry is None:
            out.append(None)
        elif isinstance(entry, str):
            out.append(_decode_base64(entry))
        else:
            with np.errstate(over="ignore"):
                out.append(np.asarray(entry, dtype=np.float32))
    return out


_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_INVALID = re.compile(rb"[^A-Za-z0-9+/]")


def _base64_error(data: bytes) -> str | None:
    """What Rust's `base64` 0.22 (STANDARD: canonical padding, no trailing bits) says about `data`, or None.

    Its decoder reads the complete quads before the last one (any byte outside the alphabet, `=`
    included, is an invalid symbol at its offset), then the last one to four bytes with their padding.
    """
    rem = len(data) % 4
    if rem == 1 and data[-1] != 0x3D and data[-1] not in _ALPHABET:
        return f"Invalid symbol {data[-1]}, offset {len(data) - 1}."
    body = max(0, len(data) - rem - (4 if rem == 0 else 0))
    bad = _INVALID.search(data, 0, body)
    if bad:
        return f"Invalid symbol {data[bad.start()]}, offset {bad.start()}."
    morsels: list[int] = []
    pads, first_pad = 0, 0
    for n, byte in enumerate(data[body:]):
        if byte == 0x3D:
            if n < 2:
                return f"Invalid symbol {byte}, offset {body + n}."
            first_pad = first_pad if pads else n
            pads += 1
        elif pads:
            return f"Invalid symbol 61, offset {body + first_pad}."
        elif byte not in _ALPHABET:
            return f"Invalid symbol {byte}, offset {body + n}."
        else:
            morsels.append(_ALPHABET.index(byte))
    if data and len(morsels) < 2:
        return f"Invalid input length: {body + len(morsels)}"
    if (pads + len(morsels)) % 4:
        return "Invalid padding"
    bits = sum(m << (26 - 6 * i) for i, m in enumerate(morsels))
    if bits & (0xFFFFFFFF >> (len(morsels) * 6 // 8 * 8)):
        return f"Invalid last symbol {data[body + len(morsels) - 1]}, offset {body + len(morsels) - 1}."
    return None


def _decode_base64(text: str) -> Vector:
    data = text.encode("utf-8", "surrogatepass")
    error = _base64_error(data)
    if error is not None:
        raise InvalidArgument(f"Invalid base64 string: {error}")
    raw = base64.b64decode(data)
    if len(raw) % 4:
        raise InvalidArgument(
            f"Invalid byte length: {len(raw)} bytes cannot be converted to f32 values (must be divisible by 4)"
        )
    vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    bad = np.flatnonzero(~np.isfinite(vector))
    if bad.size:
        value = vector[bad[0]]
        name = "NaN" if np.isnan(value) else ("inf" if value > 0 else "-inf")
        raise InvalidArgument(f"Non-finite float value at embedding index {int(bad[0])}: {name}")
    return vector


def check_values(vectors: list[Vector | None] | None, *, per_record: bool = False) -> None:
    """Chroma's embeddings validators. add and upsert check the whole batch for an empty vector, then
    for NaN or infinity; update (whose entries may be null) checks both on each vector in turn."""
    present = [vector for vector in vectors or [] if vector is not None]
    groups = [[vector] for vector in present] if per_record else [present]
    for group in groups:
        if any(vector.size == 0 for vector in group):
            raise InvalidArgument("Validation error: embeddings: Each embedding must have at least 1 dimension")
        if not all(np.isfinite(vector).all() for vector in group):
            raise InvalidArgument("Validation error: embeddings: Embeddings must not contain NaN or Infinity values")


def check_dimension(vectors: list[Vector | None] | None, dimension: int | None) -> int | None:
    """Return the dimension these vectors fix (or confirm); raise 400 on a mismatch.

    The caller records a newly fixed dimension *before* any later check can fail, as Chroma does.
    """
    lengths = [v.size for v in vectors or [] if v is not None]
    if not lengths:
        return dimension
    first = lengths[0]
    if any(n != first for n in lengths):  # the batch itself first, then against the collection
        raise InvalidArgument("Inconsistent dimensions in provided embeddings")
    if dimension is None:
        return first
    if first != dimension:
        raise InvalidArgument(f"Collection expecting embedding with dimension of {dimension}, got {first}")
    return dimension



_COSINE_EPSILON = np.float32(1e-30)


def cosine_stored(vector: Vector) -> Vector:
    """What a cosine collection keeps of a vector: Chroma normalises it in float32 and scales it back.

    `(x * (1 / (n + 1e-30))) * n`, with `n` the square root of a *sequential* float32 sum of
    squares (as Chroma's Rust loop adds them); `np.cumsum` adds in order, where `np.sum` would add
    pairwise. So `[-1, -1, 0, -1]` comes back as `[-0.99999994, -0.99999994, 0.0, -0.99999994]`.
    """
    squares = np.cumsum(vector * vector, dtype=np.float32)
    norm = np.sqrt(squares[-1]) if squares.size else np.float32(0)
    inverse = np.float32(1) / (norm + _COSINE_EPSILON)
    return ((vector * inverse) * norm).astype(np.float32)
