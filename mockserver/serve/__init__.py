"""Serve: `mockserver serve` and its options: the CLI, the standalone assembly, `--state-file`, `--auth` and `--reload`."""
