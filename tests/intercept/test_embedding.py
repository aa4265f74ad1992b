"""offline_embeddings: chromadb's default embedding function patched without importing chromadb for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from mockserver.intercept.embedding import offline_embeddings
from mockserver.control.seed_format import embed_text

with offline_embeddings():
    assert "chromadb" not in sys.modules  # entering does not import chromadb
    import chromadb  # imported inside the block: patched as it loads
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2
    for cls in (DefaultEmbeddingFunction, ONNXMiniLM_L6_V2):
        vector = cls()(["red apples"])[0]
        assert vector.dtype.name == "float32" and len(vector) == 384
        assert [round(float(x), 5) for x in vector] == [round(x, 5) for x in embed_text("red apples")]
    with offline_embeddings():  # reentrant
        pass
    assert DefaultEmbeddingFunction.__call__.__module__ == "mockserver.intercept.embedding"
assert DefaultEmbeddingFunction.__call__.__module__ != "mockserver.intercept.embedding"
assert ONNXMiniLM_L6_V2.__call__.__module__ != "mockserver.intercept.embedding"
print("ok")
"""


def test_classes_imported_inside_the_block_are_patched_and_restored_after() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
