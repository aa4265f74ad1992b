"""Dashboard: the page at /__mock/ui/ in a real headless Chromium, against a live mock server."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from mockserver.api.app import MockApp

T = TypeVar("T")
BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def wait(driver: WebDriver, condition: Callable[[WebDriver], T], timeout: float = 10) -> T:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def open_page(driver: WebDriver, url: str, view: str = "data") -> None:
    driver.get(f"{url}/__mock/ui/#{view}")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def texts(driver: WebDriver, css: str) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]


def fill(element: WebElement, value: str) -> None:
    element.clear()
    element.send_keys(value)


def shot(driver: WebDriver, artifacts: Path, name: str) -> None:
    # the whole page, not only the window: the tables run below the fold
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 1000)")
    driver.set_window_size(1400, min(int(height) + 40, 3000))
    driver.save_screenshot(str(artifacts / f"{name}.png"))
    driver.set_window_size(1400, 1000)


def collection_link(driver: WebDriver, name: str) -> WebElement:
    return wait(
        driver,
        lambda d: next(
            (a for a in d.find_elements(By.CSS_SELECTOR, "#tree a.collection") if a.text.split("\n")[0] == name), None
        ),
    )


def test_data_view_shows_the_seeded_collection_pages_filters_and_queries(
    browser: WebDriver, served: tuple[MockApp, str], artifacts: Path
) -> None:
    app, url = served
    open_page(browser, url)
    link = collection_link(browser, "articles")
    assert link.text.split("\n") == ["articles", "120"]
    assert collection_link(browser, "empty-notes").text.split("\n") == ["empty-notes", "0"]
    link.click()
    wait(browser, lambda d: len(texts(d, "#records tbody td.id")) == 50)
    assert browser.find_element(By.ID, "page-info").text == "records 1–50 of 120"
    assert texts(browser, "#records tbody td.id")[:2] == ["art-000", "art-001"]
    assert "docs-team" in browser.find_element(By.ID, "col-metadata").get_attribute("textContent")
    assert '"hnsw"' in browser.find_element(By.ID, "col-configuration").get_attribute("textContent")
    shot(browser, artifacts, "01-data")

    browser.find_element(By.ID, "next-page").click()
    wait(browser, lambda d: d.find_element(By.ID, "page-info").text == "records 51–100 of 120")
    assert texts(browser, "#records tbody td.id")[0] == "art-050"

    fill(browser.find_element(By.ID, "where"), '{"$and": [{"genre": "jazz"}, {"n": {"$gte": 60}}]}')
    fill(browser.find_element(By.ID, "where-document"), '{"$contains": "Article 9"}')
    browser.find_element(By.ID, "apply-filter").click()
    wait(browser, lambda d: "matching the filter" in d.find_element(By.ID, "page-info").text)
    ids = texts(browser, "#records tbody td.id")
    assert ids == ["art-090", "art-093", "art-096", "art-099"]
    assert browser.find_element(By.ID, "page-info").text == "records 1–4 matching the filter (of 120 in the collection)"

    browser.find_elements(By.CSS_SELECTOR, "#records tbody button")[1].click()  # neighbours of art-093
    wait(browser, lambda d: len(texts(d, "#neighbours tbody td.id")) == 4)
    assert texts(browser, "#neighbours tbody td.id")[0] == "art-093"
    assert float(texts(browser, "#neighbours tbody td.num.mono")[0]) == 0.0
    shot(browser, artifacts, "02-data-filtered-and-neighbours")

    fill(browser.find_element(By.ID, "where"), "{not json")
    browser.find_element(By.ID, "apply-filter").click()
    flash = wait(browser, lambda d: d.find_element(By.ID, "flash") if d.find_element(By.ID, "flash").is_displayed() else None)
    assert "where is not JSON" in flash.text
