"""Diff: `contracts diff`, the same request sequences on two deployments and what changed between them."""
