"""Interception: chromadb's default embedding function made offline and deterministic while the mock is in use.

chromadb embeds `documents` and `query_texts` with its default function (`DefaultEmbeddingFunction`,
which runs `ONNXMiniLM_L6_V2`), downloading an 80 MB model on first use. `offline_embeddings()`
replaces the `__call__` of both classes with the seed embedding (`mockserver.control.seed_format.embed_text`,
feature hashing, 384 dimensions like the model): no download, no network, the same vector for the same
text on every machine, and documents sharing words land near each other. Only the computation changes:
the classes, their names ("default", "onnx_mini_lm_l6_v2") and so the collection configuration
chromadb sends stay as they are. Explicitly chosen embedding functions are untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mockserver.control.seed_format import DEFAULT_DIMENSION, embed_text

__all__ = ["embed_documents", "offline_embeddings"]

_lock = threading.Lock()
_depth = 0
_originals: list[tuple[type[Any], Any]] = []


def embed_documents(texts: Sequence[str], dimension: int = DEFAULT_DIMENSION) -> list[Any]:
    """float32 vectors of `texts`, as chromadb's embedding functions return them."""
    import numpy as np

    return [np.asarray(embed_text(str(text), dimension), dtype=np.float32) for text in texts]


def _offline_call(self: Any, input: Sequence[str]) -> list[Any]:  # noqa: A002 -- chromadb checks the name
    return embed_documents(input)


@contextmanager
def offline_embeddings() -> Iterator[None]:
    """chromadb's default embedding function computes offline inside the block (reentrant)."""
    global _depth
    with _lock:
        if _depth == 0:
            from chromadb.api.types import DefaultEmbeddingFunction
            from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

            for cls in (DefaultEmbeddingFunction, ONNXMiniLM_L6_V2):
                _originals.append((cls, cls.__dict__["__call__"]))
                cls.__call__ = _offline_call  # type: ignore[method-assign]
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                while _originals:
                    cls, call = _originals.pop()
                    cls.__call__ = call
