"""Pytest: the `chroma_mock` plugin, its handles, the in-thread server, `--chroma-url` remote mode and `--contracts-url`."""
