"""The operator console in a real headless browser, against the real binary on loopback.

The service runs with an API key configured, so the page must ask for it and send it: the page
itself is open, its API calls are not. Each test reads like what an operator does: open /console,
enter the key, paste a comment and press Score, search the lexicon, run a small labeled file.

Run through `tests/console/run.sh` (it makes the virtual environment; Chromium and chromedriver
are Debian's packages).
"""

import json
import os
import pathlib
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

REPO = pathlib.Path(__file__).resolve().parents[2]
KEY = "console-test-key"
COMMENT = "you are a 1d10t and I will find you and kill you"
SCREENSHOT = REPO / "target" / "console.png"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Starts tamiz on a free port with an API key; yields its base URL."""
    root = tmp_path_factory.mktemp("tamiz")
    (root / "config").mkdir()
    shutil.copy(REPO / "config" / "default.toml", root / "config" / "default.toml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAMIZ")}
    env.update(
        {
            "TAMIZ__SERVER__HOST": "127.0.0.1",
            "TAMIZ__SERVER__PORT": "0",
            "TAMIZ__SERVER__WORKERS": "2",
            "TAMIZ__AUTH__API_KEYS": KEY,
            "TAMIZ__LEXICON__DIR": str(REPO / "wordlists"),
            "TAMIZ__LEXICON__WATCH": "false",
            "TAMIZ__FEEDBACK__PATH": str(root / "feedback.jsonl"),
            "TAMIZ__LOG__LEVEL": "warn",
        }
    )
    binary = os.environ.get("TAMIZ_BIN", str(REPO / "target" / "debug" / "tamiz"))
    proc = subprocess.Popen(
        [binary, "serve", "--config", str(root / "config")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stderr], daemon=True).start()
    url = None
    deadline = time.monotonic() + 60
    seen = []
    while url is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if m:
            url = m.group(1)
    if url is None:
        proc.kill()
        pytest.fail("tamiz did not start:\n" + "".join(seen))
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian with a fresh profile; no network beyond loopback needed."""
    profile = tempfile.mkdtemp(prefix="tamiz-console-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1100",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, seconds=15):
    # The page re-renders tables wholesale; an element read mid-render is simply read again.
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))


def first_lexicon_pattern(driver):
    return driver.execute_script(
        "const r = document.querySelector('#lex-results tbody tr'); return r ? r.dataset.pattern : null;"
    )


def open_console_with_key(browser, server):
    """Opens /console; the first API call is refused (no key yet), then the key is entered."""
    browser.get(server + "/console")
    # A fresh tab: no key remembered from an earlier test.
    browser.execute_script("sessionStorage.clear();")
    browser.refresh()
    banner = wait(browser).until(EC.visibility_of_element_located((By.ID, "banner")))
    wait(browser).until(lambda d: "API key" in banner.text)
    key = browser.find_element(By.ID, "api-key")
    key.clear()
    key.send_keys(KEY)
    browser.find_element(By.ID, "key-save").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "lexicon-info").text.startswith("lexicon "))


def severe_console_errors(browser):
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"]]


def test_page_is_open_but_its_api_needs_the_key(server):
    with urllib.request.urlopen(server + "/console") as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        page = r.read().decode()
    # Everything the page loads is served by tamiz itself: no CDN.
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []
    for path in ("/console/api/thresholds", "/console/api/lexicon?q=idiot"):
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(server + path)
        assert e.value.code == 401
    req = urllib.request.Request(server + "/console/api/thresholds", headers={"Authorization": "Bearer " + KEY})
    with urllib.request.urlopen(req) as r:
        body = json.load(r)
    assert body["thresholds"]["threat"] == {"review": 0.4, "reject": 0.7}


def test_scoring_a_comment_highlights_its_spans(browser, server):
    open_console_with_key(browser, server)
    box = browser.find_element(By.ID, "comment")
    box.clear()
    box.send_keys(COMMENT)
    browser.find_element(By.ID, "score-button").click()
    decision = wait(browser).until(EC.visibility_of_element_located((By.ID, "decision")))
    wait(browser).until(lambda d: decision.text.strip() != "")
    assert decision.text.strip().lower() == "reject"
    assert "decision-reject" in decision.get_attribute("class")

    # Seven score bars, each with its review and reject ticks; threat is over its reject line.
    rows = browser.find_elements(By.CSS_SELECTOR, "#scores .score-row")
    assert [r.get_attribute("data-category") for r in rows] == [
        "toxicity",
        "severe_toxicity",
        "insult",
        "threat",
        "profanity",
        "identity_attack",
        "sexually_explicit",
    ]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#scores .tick.review")) == 7
    assert len(browser.find_elements(By.CSS_SELECTOR, "#scores .tick.reject")) == 7
    threat = browser.find_element(By.CSS_SELECTOR, '#scores .score-row[data-category="threat"]')
    assert threat.get_attribute("data-level") == "reject"

    # The highlighted text is the original text, with the leetspeak insult and the threat marked.
    highlighted = browser.find_element(By.ID, "highlighted")
    assert highlighted.text == COMMENT
    marks = highlighted.find_elements(By.CSS_SELECTOR, "mark.hl")
    insult = [m for m in marks if m.text == "1d10t"]
    assert insult, [m.text for m in marks]
    assert insult[0].get_attribute("data-category") == "insult"
    assert "lexicon:en/insult" in insult[0].get_attribute("title")
    # Evidence cites the entry as its list writes it: the prefix entry `idiot*`.
    assert '"idiot*"' in insult[0].get_attribute("title")
    threat_text = "".join(m.text for m in marks if "threat" in m.get_attribute("data-categories").split())
    assert threat_text == "I will find you and kill you"
    assert all("cat-threat" in m.get_attribute("class") for m in marks if m.text.strip() in ("I", "kill you"))

    # The evidence table names each rule; learned n-grams are hidden until asked for.
    evidence = [
        (r.get_attribute("data-category"), r.find_element(By.CSS_SELECTOR, ".matched").text)
        for r in browser.find_elements(By.CSS_SELECTOR, "#evidence tbody tr")
    ]
    assert ("insult", "1d10t") in evidence
    assert ("threat", "I will find you") in evidence
    assert ("threat", "will find you and kill you") in evidence
    hidden = len(evidence)
    browser.find_element(By.ID, "show-learned").click()
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence tbody tr")) > hidden)
    browser.find_element(By.ID, "show-learned").click()
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence tbody tr")) == hidden)

    assert severe_console_errors(browser) == []


def test_lexicon_search_finds_idiot(browser, server):
    open_console_with_key(browser, server)
    q = browser.find_element(By.ID, "lex-q")
    q.clear()
    q.send_keys("idiot")
    browser.find_element(By.ID, "lex-search").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lex-results tbody tr"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#lex-results tbody tr")
    first = rows[0]
    # Exact matches first.
    assert first.get_attribute("data-pattern") == "idiot"
    assert any(
        r.get_attribute("data-pattern") == "idiot" and r.get_attribute("data-category") == "insult" for r in rows
    )
    assert re.match(r"1–\d+ of \d+", browser.find_element(By.ID, "lex-count").text)
    # Leetspeak in the search box is read as the engine reads comments.
    q.clear()
    q.send_keys("1d10t")
    browser.execute_script("document.querySelector('#lex-results tbody').textContent = '';")
    browser.find_element(By.ID, "lex-search").click()
    wait(browser).until(lambda d: first_lexicon_pattern(d) == "idiot")
    assert severe_console_errors(browser) == []


def test_eval_of_a_small_file_draws_the_sweep(browser, server):
    open_console_with_key(browser, server)
    data = "\n".join(
        [
            "text,label",
            '"thanks for the article, very clear",0',
            '"you are an idiot",1',
            '"I will kill you",1',
            '"great point, well said",0',
            '"what a moron",1',
            '"the bill should die in committee",0',
            '"shut up you stupid clown",1',
            '"nice photo of the market",0',
        ]
    )
    area = browser.find_element(By.ID, "eval-data")
    # Typing eight lines key by key is slow; set the value as a paste would.
    browser.execute_script("arguments[0].value = arguments[1];", area, data)
    browser.find_element(By.ID, "eval-run").click()
    wait(browser, 30).until(EC.visibility_of_element_located((By.ID, "eval-result")))
    row = browser.find_element(By.CSS_SELECTOR, '#eval-categories tbody tr[data-category="toxicity"]')
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[1:3] == ["8", "4"], cells
    svg = browser.find_element(By.CSS_SELECTOR, '#eval-plots .plot[data-category="toxicity"] svg')
    assert len(svg.find_elements(By.TAG_NAME, "polyline")) == 3
    assert "review" in svg.text

    # Now the whole page, with a scored comment, for a person to look at.
    box = browser.find_element(By.ID, "comment")
    box.clear()
    box.send_keys(COMMENT)
    browser.find_element(By.ID, "score-button").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "decision").text.strip() != "")
    q = browser.find_element(By.ID, "lex-q")
    q.clear()
    q.send_keys("idiot")
    browser.find_element(By.ID, "lex-search").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lex-results tbody tr"))
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(int(height) + 200, 6000))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    # And the scoring panel alone, at full resolution.
    assert browser.find_element(By.ID, "score-section").screenshot(str(SCREENSHOT.with_name("console-score.png")))
    assert severe_console_errors(browser) == []
