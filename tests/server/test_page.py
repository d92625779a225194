"""The fact-checkers' page in headless Chromium (Debian's ``chromium`` via ``chromedriver``) against the real lists.

Pastes the company's real statement (``shared/cases``), checks the claims found, verifies them with one
fact filled in, adds a claim by hand that the lists contradict, downloads the HTML report, searches a name
and looks a control code up — all through the page, as a fact-checker would.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.support import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not Path(CHROMIUM).exists() or not Path(DRIVER).exists():
        pytest.fail(f"the page test needs Debian's chromium and chromium-driver ({CHROMIUM}, {DRIVER}); "
                    "apt-get install chromium chromium-driver (.ci/run does)")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1600"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def wait_for(driver: Any, css: str, timeout: float = 300) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_page_uses_no_external_assets(server: Server) -> None:
    page = httpx.get(server.url + "/").text
    assert "/static/app.js" in page and "/static/app.css" in page
    for text in (page, httpx.get(server.url + "/static/app.js").text, httpx.get(server.url + "/static/app.css").text):
        assert "http://" not in text.replace("http://127.0.0.1", "") and "https://" not in text
    assert "default-src 'self'" in httpx.get(server.url + "/").headers["content-security-policy"]


def test_statement_to_claims_to_verdicts_and_report(server: Server, browser: Any, cases_dir: Path,
                                                    tmp_path: Path, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    statement = (cases_dir / "nieuwsuur-asml-correspondence-2025.nl.txt").read_text(encoding="utf-8")
    box = browser.find_element(By.ID, "statement")
    browser.execute_script("arguments[0].value = arguments[1]", box, statement)
    browser.find_element(By.ID, "extract").click()
    wait_for(browser, "#claims .claim", 60)
    cards = browser.find_elements(By.CSS_SELECTOR, "#claims .claim")
    kinds = [c.find_element(By.CSS_SELECTOR, ".c-kind").get_attribute("value") for c in cards]
    assert "no-licence-required" in kinds and "customer-judgement" in kinds
    texts = " ".join(c.find_element(By.CSS_SELECTOR, ".c-text").get_attribute("value") for c in cards)
    assert "vergunningplicht" in texts, "the company's own words are quoted"
    assert browser.find_element(By.ID, "exporter").get_attribute("value") == "ASML"

    # edit the first licence claim: the facts it is about
    licence = cards[kinds.index("no-licence-required")]
    licence.find_element(By.CSS_SELECTOR, ".c-date").send_keys("2024-01-01/2024-12-31")
    licence.find_element(By.CSS_SELECTOR, ".c-dest").send_keys("CN")
    licence.find_element(By.CSS_SELECTOR, ".c-parties").send_keys("24th Research Institute of CETC / CETC 24")
    # add a claim by hand that the lists contradict: the institute was on the Entity List in June 2025
    browser.find_element(By.ID, "add-claim").click()
    added = browser.find_elements(By.CSS_SELECTOR, "#claims .claim")[-1]
    added.find_element(By.CSS_SELECTOR, ".c-text").send_keys("Our customer is not on any list.")
    added.find_element(By.CSS_SELECTOR, ".c-date").send_keys("2025-06-01")
    added.find_element(By.CSS_SELECTOR, ".c-dest").send_keys("CN")
    added.find_element(By.CSS_SELECTOR, ".c-parties").send_keys("24th Research Institute of CETC")
    browser.find_element(By.ID, "verify").click()
    wait_for(browser, "#verdicts .verdict")
    assert browser.find_element(By.ID, "error").text == ""
    verdicts = browser.find_elements(By.CSS_SELECTOR, "#verdicts .verdict")
    assert len(verdicts) == len(cards) + 1
    statuses = {v.get_attribute("data-claim"): v.find_element(By.CSS_SELECTOR, ".status").text.lower() for v in verdicts}
    assert all(s in ("consistent", "contradicted", "undetermined") for s in statuses.values())
    hand = [k for k in statuses if k.endswith("party-not-listed")][-1]
    assert statuses[hand] == "contradicted", statuses
    assert "1 contradicted" in browser.find_element(By.ID, "counts").text
    contradicted = browser.find_element(By.CSS_SELECTOR, f'.verdict[data-claim="{hand}"]')
    contradicted.find_element(By.CSS_SELECTOR, "summary").click()
    assert "Entity List" in contradicted.text and "data date" in contradicted.text
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "verdicts-box"))
    browser.save_screenshot(str(tmp_path / "verdicts.png"))

    browser.find_element(By.ID, "download").click()
    link = wait_for(browser, "#download-link", 120)
    assert link.get_attribute("download") == "exportcheck-report.html"
    saved = downloads / "exportcheck-report.html"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not saved.exists():
        time.sleep(0.2)
    html = saved.read_text(encoding="utf-8")
    assert "<html" in html.lower() and hand in html and "contradicted" in html.lower()
    assert "src=\"http" not in html and "href=\"http" not in html.split("<body", 1)[0]


def test_name_search_and_control_lookup(server: Server, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    browser.find_element(By.ID, "tab-name").click()
    browser.find_element(By.ID, "name-q").send_keys("Huawei Technologies Co., Ltd.")
    browser.find_element(By.ID, "name-go").click()
    table = wait_for(browser, "#name-table", 60)
    assert "YES" in table.text and "huawei" in table.text.lower()
    assert "not legal advice" in browser.find_element(By.ID, "name-results").text

    browser.find_element(By.ID, "tab-control").click()
    browser.find_element(By.ID, "control-code").send_keys("3B001.f")
    browser.find_element(By.ID, "control-go").click()
    head = wait_for(browser, "#control-head", 60)
    assert head.text.startswith("EU 3B001.f") and "listed" in head.text
    assert "ithograph" in browser.find_element(By.ID, "control-text").text

    browser.find_element(By.ID, "control-code").clear()
    browser.find_element(By.ID, "control-code").send_keys("not-a-code")
    browser.find_element(By.ID, "control-go").click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not browser.find_element(By.ID, "error").text:
        time.sleep(0.2)
    assert "not a control code" in browser.find_element(By.ID, "error").text
