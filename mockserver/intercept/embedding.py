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

import importlib.abc
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

from mockserver.control.seed_format import DEFAULT_DIMENSION, embed_text

__all__ = ["embed_documents", "offline_embeddings"]

_lock = threading.RLock()  # exec_module may run while a patching thread holds it
_depth = 0
_originals: list[tuple[type[Any], Any]] = []


def embed_documents(texts: Sequence[str], dimension: int = DEFAULT_DIMENSION) -> list[Any]:
    """float32 vectors of `texts`, as chromadb's embedding functions return them."""
    import numpy as np

    return [np.asarray(embed_text(str(text), dimension), dtype=np.float32) for text in texts]


def _offline_call(self: Any, input: Sequence[str]) -> list[Any]:  # noqa: A002 -- chromadb checks the name
    return embed_documents(input)



#: Where the two classes live, and their names.
_TARGETS = {
    "chromadb.api.types": "DefaultEmbeddingFunction",
    "chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2": "ONNXMiniLM_L6_V2",
}


@contextmanager
def offline_embeddings() -> Iterator[None]:
    """chromadb's default embedding function computes offline inside the block (reentrant).

    chromadb is not imported for this (it takes a second or more): the classes already imported are
    patched at once, the others as soon as their module is imported inside the block.
    """
    global _depth
    with _lock:
        if _depth == 0:
            for module in _TARGETS:
                if module in sys.modules:
                    _patch(sys.modules[module])
            if len(_originals) < len(_TARGETS):
                sys.meta_path.insert(0, _FINDER)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _FINDER in sys.meta_path:
                    sys.meta_path.remove(_FINDER)
                while _originals:
                    cls, call = _originals.pop()
                    cls.__call__ = call


def _patch(module: ModuleType) -> None:
    cls = getattr(module, _TARGETS[module.__name__])
    if all(patched is not cls for patched, _ in _originals):
        _originals.append((cls, cls.__dict__["__call__"]))
        cls.__call__ = _offline_call


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patches a target module right after it is executed (when chromadb is imported inside the block)."""

    def find_spec(self, fullname: str, path: Any, target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname not in _TARGETS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, is_package ... of the real loader
        return getattr(self.loader, name)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        with _lock:
            if _depth > 0:
                _patch(module)


_FINDER = _PatchOnImport()
