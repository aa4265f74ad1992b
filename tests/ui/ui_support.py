"""Browser tests: what the fixtures and the tests share (the seed, the served app)."""

from __future__ import annotations

from typing import Any, NamedTuple

from mockserver.api.app import MockApp, create_app

DIMENSION = 8
GENRES = ("jazz", "rock", "folk")


def seed() -> dict[str, Any]:
    """Two collections; `articles` holds 120 records (more than two pages) with embeddings and genres."""
    records = []
    for n in range(120):
        vector = [((n * 7 + d * 3) % 17) / 17.0 for d in range(DIMENSION)]
        records.append(
            {
                "id": f"art-{n:03d}",
                "document": f"Article {n} about {GENRES[n % 3]} music",
                "metadata": {"genre": GENRES[n % 3], "n": n},
                "embedding": vector,
            }
        )
    return {
        "version": 1,
        "collections": [
            {"name": "articles", "metadata": {"owner": "docs-team"}, "records": records},
            {"name": "empty-notes"},
        ],
    }


def seeded_app() -> MockApp:
    app = create_app()
    app.seed = seed()
    app.reset()
    return app


class Served(NamedTuple):
    app: MockApp
    url: str
    requests: list[tuple[str, str, dict[str, str]]]  # method, path, headers of every request the server got


