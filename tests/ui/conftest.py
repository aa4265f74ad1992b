"""Browser tests: a real headless Chromium (Debian's `chromium` + `chromium-driver`) driven by Selenium.

They never skip: without the browser they fail and say how to install it (`.ci/run` installs it).
Screenshots of each view go to `test-artifacts/ui/` (gitignored) for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from mockserver.api.app import MockApp, create_app
from mockserver.pytest.server_thread import MockServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)

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


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"the browser tests need Debian's chromium and chromium-driver ({', '.join(missing)} missing): "
            "apt-get install -y chromium chromium-driver (.ci/run does this)",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def seeded_app() -> MockApp:
    app = create_app()
    app.seed = seed()
    app.reset()
    return app


@pytest.fixture()
def served() -> Iterator[tuple[MockApp, str]]:
    app = seeded_app()
    with MockServer(app) as server:
        yield app, server.url
        server.raise_errors()
