"""Store: embedding input decoding (float arrays or base64 little-endian float32) and dimension rules."""

from __future__ import annotations

import base64
import binascii
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


def _decode_base64(text: str) -> Vector:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidArgument(f"Invalid base64 string: {exc}") from None
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


def check_values(vectors: list[Vector | None] | None) -> None:
    for vector in vectors or []:
        if vector is None:
            continue
        if vector.size == 0:
            raise InvalidArgument("Validation error: embeddings: Each embedding must have at least 1 dimension")
        if not np.isfinite(vector).all():
            raise InvalidArgument("Validation error: embeddings: Embeddings must not contain NaN or Infinity values")


def check_dimension(vectors: list[Vector | None] | None, dimension: int | None) -> int | None:
    """Return the dimension these vectors fix (or confirm); raise 400 on a mismatch.

    The caller records a newly fixed dimension *before* any later check can fail, as Chroma does.
    """
    lengths = [v.size for v in vectors or [] if v is not None]
    if not lengths:
        return dimension
    first = lengths[0]
    if dimension is None:
        if any(n != first for n in lengths):
            raise InvalidArgument("Inconsistent dimensions in provided embeddings")
        return first
    for n in lengths:
        if n != dimension:
            raise InvalidArgument(f"Collection expecting embedding with dimension of {dimension}, got {n}")
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
