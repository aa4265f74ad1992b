"""contracts: schemathesis conformance runs against the mock or any Chroma deployment (see issue 4)."""
