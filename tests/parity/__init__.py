"""Parity: the mock against the real Chroma 1.5.9 server, on a catalogue of request sequences."""
