"""Interception: point every chromadb client at a mock, offline embeddings, `mock_chroma` (the moto model)."""
