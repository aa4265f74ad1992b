"""Serde: how Chroma's serde_json reads numbers and enums, shared by the pipeline (validate) and the store (metadata)."""
