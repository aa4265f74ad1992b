"""CLI: `python -m mockserver` is `mockserver`."""

from mockserver.serve.cli import main

raise SystemExit(main())
