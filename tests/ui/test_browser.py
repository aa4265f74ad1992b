"""Dashboard: the page at /__mock/ui/ in a real headless Chromium, against a live mock server."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from ui_support import Served

from mockserver.serve.auth import Auth, parse_auth

T = TypeVar("T")
BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def wait(driver: WebDriver, condition: Callable[[WebDriver], T], timeout: float = 10) -> T:
    return WebDriverWait(driver, timeout, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException]).until(condition)


def open_page(driver: WebDriver, url: str, view: str = "data") -> None:
    driver.get(f"{url}/__mock/ui/#{view}")
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def texts(driver: WebDriver, css: str) -> list[str]:
    """The visible texts of the matching elements, read at once (the page re-renders lists as it polls)."""
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText.trim())", css
    )
    return found


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
    browser: WebDriver, served: Served, artifacts: Path
) -> None:
    url = served.url
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


def test_journal_shows_another_clients_request_live_filters_and_expands(
    browser: WebDriver, served: Served, artifacts: Path
) -> None:
    app, url = served.app, served.url
    open_page(browser, url, "journal")
    wait(browser, lambda d: "No request recorded yet." in d.find_element(By.ID, "journal").text)
    assert app.journal.entries()  # the page's own calls are journaled, and hidden by default
    with httpx.Client(base_url=url) as other:
        cid = other.post(f"{BASE}/collections", json={"name": "from-the-app"}).json()["id"]
        other.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a1"], "embeddings": [[1.0, 2.0]], "documents": ["hello"]})
        other.post(f"{BASE}/collections/{cid}/add", json={"ids": ["a2"], "embeddings": [[1.0]]})  # wrong dimension
    # no reload: the page polls the journal with a cursor
    wait(browser, lambda d: len(texts(d, "#journal tbody tr.entry")) == 3)
    assert texts(browser, "#journal tbody tr.entry td.status") == ["400", "201", "200"]  # newest first
    assert texts(browser, "#journal tbody tr.entry td:nth-child(5)") == ["collection_add", "collection_add", "create_collection"]
    assert browser.find_element(By.ID, "journal-badge").text == "3"

    Select(browser.find_element(By.ID, "j-status")).select_by_value("4xx")
    assert texts(browser, "#journal tbody tr.entry td.status") == ["400"]
    Select(browser.find_element(By.ID, "j-status")).select_by_value("")
    Select(browser.find_element(By.ID, "j-operation")).select_by_value("create_collection")
    assert texts(browser, "#journal tbody tr.entry td.status") == ["200"]
    Select(browser.find_element(By.ID, "j-operation")).select_by_value("collection_add")
    browser.find_elements(By.CSS_SELECTOR, "#journal tbody tr.entry")[1].click()  # the 201
    request = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#journal pre.request-body"))
    assert json.loads(request.text) == {"ids": ["a1"], "embeddings": [[1.0, 2.0]], "documents": ["hello"]}
    shot(browser, artifacts, "03-journal")

    browser.find_element(By.ID, "j-own").click()  # now the dashboard's own calls show too
    Select(browser.find_element(By.ID, "j-operation")).select_by_value("")
    assert any("via=mock-ui" in t for t in texts(browser, "#journal tbody td.path"))


def test_journal_view_stays_usable_with_a_full_journal(browser: WebDriver, served: Served) -> None:
    app, url = served.app, served.url
    for n in range(1000):
        app.journal.record_raw("heartbeat", "GET", "/api/v2/heartbeat", 200, b"", b'{"nanosecond heartbeat": %d}' % n, 0.1, time.time())
    started = time.perf_counter()
    open_page(browser, url, "journal")
    rows = "#journal tbody tr.entry"
    apps = lambda: sum("via=mock-ui" not in e.query.split("&") for e in app.journal.entries())
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) == apps() > 950)
    loaded = time.perf_counter() - started
    with httpx.Client(base_url=url) as other:
        other.get("/api/v2/version")
    wait(browser, lambda d: texts(d, f"{rows}:first-child td:nth-child(5)") == ["version"])
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) == apps())  # the oldest went
    assert len(app.journal) == 1000
    assert loaded < 5, f"1,000 entries took {loaded:.1f} s to show"


def test_fault_rule_added_in_the_page_fires_then_is_removed(
    browser: WebDriver, served: Served, artifacts: Path
) -> None:
    app, url = served.app, served.url
    open_page(browser, url, "faults")
    wait(browser, lambda d: "No fault rule" in d.find_element(By.ID, "faults").text)
    Select(browser.find_element(By.ID, "f-operation")).select_by_value("collection_count")
    fill(browser.find_element(By.ID, "f-status"), "503")
    fill(browser.find_element(By.ID, "f-times"), "2")
    fill(browser.find_element(By.ID, "f-message"), "count is down")
    browser.find_element(By.ID, "f-add").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#faults tbody tr[data-id]")) == 1)
    [rule] = app.faults.rules()
    assert (rule.rule.operation_id, rule.rule.status, rule.rule.times, rule.rule.message) == ("collection_count", 503, 2, "count is down")
    cid = app.store.list_collections("default_tenant", "default_database")[0].id
    with httpx.Client(base_url=url) as other:
        answer = other.get(f"{BASE}/collections/{cid}/count")
    assert (answer.status_code, answer.json()["message"]) == (503, "count is down")
    wait(browser, lambda d: texts(d, "#faults tbody td.hits") == ["1"])  # the list refreshes itself
    assert texts(browser, "#faults tbody td.status") == ["503 “count is down”"]
    shot(browser, artifacts, "04-faults")

    browser.find_element(By.ID, "tab-journal").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#journal tbody .tag"))
    assert texts(browser, "#journal tbody .tag")[0].startswith("rule ")

    browser.find_element(By.ID, "tab-faults").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#faults tbody tr[data-id] button"))[0].click()
    wait(browser, lambda d: "No fault rule" in d.find_element(By.ID, "faults").text)
    assert app.faults.rules() == []
    assert_writes_send_json(served)


def test_reset_empties_the_journal_and_faults_and_reseeds(browser: WebDriver, served: Served, artifacts: Path) -> None:
    app, url = served.app, served.url
    with httpx.Client(base_url=url) as other:
        other.post(f"{BASE}/collections", json={"name": "scratch"})
        other.post("/__mock/faults", json={"operation_id": "heartbeat", "status": 500})
    open_page(browser, url)
    assert collection_link(browser, "scratch").text == "scratch\n0"
    scratch = app.store.get_collection("default_tenant", "default_database", "scratch").id
    with httpx.Client(base_url=url) as other:  # the data view follows another client's writes
        other.post(f"{BASE}/collections/{scratch}/add", json={"ids": ["s1"], "embeddings": [[0.0]]})
    wait(browser, lambda d: "scratch\n1" in texts(d, "#tree a.collection"))
    browser.find_element(By.ID, "reset").click()
    wait(browser, lambda d: d.switch_to.alert).accept()
    wait(browser, lambda d: "The mock was reset." in d.find_element(By.ID, "flash").text)
    assert texts(browser, "#tree a.collection span:first-child") == ["articles", "empty-notes"]
    assert app.faults.rules() == [] and all("via=mock-ui" in e.query.split("&") for e in app.journal.entries())
    shot(browser, artifacts, "05-after-reset")
    assert_writes_send_json(served)


def test_docs_renders_every_operation_of_the_openapi_31_spec(browser: WebDriver, served: Served, artifacts: Path) -> None:
    app, url = served.app, served.url
    browser.get(f"{url}/docs/")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) == 35)
    assert "Unable to render" not in browser.find_element(By.TAG_NAME, "body").text
    summaries = {e.get_attribute("data-path") for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert "/api/v2/tenants/{tenant}/databases/{database}/collections/{collection_id}/query" in summaries
    assert len(app.spec.operations) == 35
    shot(browser, artifacts, "06-docs")


def assert_writes_send_json(served: Served) -> None:
    """Every write the page made carries `content-type: application/json` and no credentials but a bearer token."""
    writes = [(m, p, h) for m, p, h in served.requests if m not in ("GET", "HEAD")]
    assert writes
    for method, path, headers in writes:
        assert headers.get("content-type") == "application/json", (method, path, headers)
        assert "cookie" not in headers


def test_export_downloads_the_state_and_import_uploads_a_seed(
    browser: WebDriver, served: Served, artifacts: Path, tmp_path: Path
) -> None:
    app, url = served.app, served.url
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    open_page(browser, url)
    collection_link(browser, "articles")
    browser.find_element(By.ID, "export").click()
    exported = wait(browser, lambda d: [p for p in downloads.glob("chroma-mock-export-*.json")])[0]
    state = json.loads(wait(browser, lambda d: exported.read_text() or None))
    assert sorted(c["name"] for c in state["collections"]) == ["articles", "empty-notes"]
    assert len(next(c for c in state["collections"] if c["name"] == "articles")["records"]["ids"]) == 120

    upload = tmp_path / "shop.json"
    upload.write_text(json.dumps({"version": 1, "collections": [{"name": "products", "records": [{"id": "p1", "document": "a lamp", "embedding": [0.5, 0.5]}]}]}))
    browser.find_element(By.ID, "import-file").send_keys(str(upload))
    wait(browser, lambda d: "Imported shop.json: 1 collections, 1 records." in d.find_element(By.ID, "flash").text)
    wait(browser, lambda d: texts(d, "#tree a.collection") == ["products\n1"])
    assert [c.name for c in app.store.list_collections("default_tenant", "default_database")] == ["products"]
    assert_writes_send_json(served)


def test_with_auth_the_page_asks_for_a_token_and_sends_it_as_bearer(browser: WebDriver, served: Served, artifacts: Path) -> None:
    app, url = served.app, served.url
    app.auth = Auth(parse_auth({"tokens": {"s3cret": {"tenant": "*"}}}))
    browser.get(f"{url}/__mock/ui/#data")  # the page's files load without a token
    browser.execute_script("sessionStorage.clear()")
    browser.refresh()
    dialog = wait(browser, lambda d: d.find_element(By.ID, "token-dialog") if d.find_element(By.ID, "token-dialog").is_displayed() else None)
    assert "Unauthorized" in dialog.text
    shot(browser, artifacts, "07-token-prompt")
    fill(browser.find_element(By.ID, "token-input"), "wrong")
    browser.find_element(By.ID, "token-ok").click()
    wait(browser, lambda d: d.find_element(By.ID, "token-dialog").is_displayed())  # asked again
    fill(browser.find_element(By.ID, "token-input"), "s3cret")
    browser.find_element(By.ID, "token-ok").click()
    assert collection_link(browser, "articles").text == "articles\n120"
    assert browser.execute_script("return sessionStorage.getItem('chroma-mockserver-token')") == "s3cret"
    chroma_calls = [h for m, p, h in served.requests if p.startswith("/api/v2/tenants/")]
    assert chroma_calls[-1].get("authorization") == "Bearer s3cret"
    browser.execute_script("sessionStorage.clear()")


def test_a_collection_of_100000_records_pages_on_the_server(browser: WebDriver, served: Served) -> None:
    app, url = served.app, served.url
    with httpx.Client(base_url=url, timeout=60) as other:
        cid = other.post(f"{BASE}/collections", json={"name": "huge"}).json()["id"]
        for start in range(0, 100_000, 25_000):
            ids = [f"h{n:06d}" for n in range(start, start + 25_000)]
            body = {"ids": ids, "embeddings": [[n % 7, n % 11] for n in range(start, start + 25_000)], "documents": ids}
            assert other.post(f"{BASE}/collections/{cid}/add", json=body).status_code == 201
    open_page(browser, url)
    assert collection_link(browser, "huge").text == "huge\n100,000"
    started = time.perf_counter()
    collection_link(browser, "huge").click()
    wait(browser, lambda d: d.find_element(By.ID, "page-info").text == "records 1–50 of 100,000")
    browser.find_element(By.ID, "last-page").click()
    wait(browser, lambda d: d.find_element(By.ID, "page-info").text == "records 99,951–100,000 of 100,000")
    assert texts(browser, "#records tbody td.id")[-1] == "h099999"
    assert time.perf_counter() - started < 5
    gets = [e for e in app.journal.entries(operation_id="collection_get")]
    assert [(e.request_body["limit"], e.request_body["offset"]) for e in gets[-2:]] == [(51, 0), (51, 99_950)]
