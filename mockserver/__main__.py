"""CLI: `python -m mockserver` is `mockserver`."""

from mockserver.cli import main

raise SystemExit(main())
