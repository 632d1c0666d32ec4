"""Web pages, JSON twins, API validation, hostile text, exports read back; a browser test."""
from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from nestor.models import Accord, Article, ArticleResult, Claim, Event, Mention, Sentence, content_id
from nestor.store import Store

HOSTILE = ('Norway and Chile Sign Pact <script>alert("x")</script>\n\n'
           'Norway signed an agreement with Chile. <img src=x onerror=alert(1)> The deal covers fish.')


def build_store(db: str) -> dict:
    text = HOSTILE
    aid = content_id(text)
    s0 = text.index("Norway signed")
    s1 = text.index(". <img") + 1
    art = Article(id=aid, text=text, title='Norway and Chile Sign Pact <script>alert("x")</script>',
                  published=date(2021, 3, 3), date_source="metadata", source="example", n_chars=len(text))
    ev = Event(id="ev1", article_id=aid, sent_idx=1, sent_start=s0, sent_end=s1, trigger_start=s0 + 7,
               trigger_end=s0 + 13, trigger="signed", event_type="AGREE", mode="sign", cameo="057", quad_class=1,
               intensity=5.0, source_id="NOR", source_code="NOR", source_text="Norway", target_id="CHL",
               target_code="CHL", target_text="Chile", date=date(2021, 3, 3), date_precision="day",
               date_source="publication", confidence=0.8, evidence=text[s0:s1])
    ev2 = Event(**{**ev.__dict__, "id": "ev2", "source_id": "CHL", "source_code": "CHL", "target_id": "NOR",
                   "target_code": "NOR"})
    res = ArticleResult(
        article=art, sentences=[Sentence(aid, 0, 0, s0 - 2), Sentence(aid, 1, s0, s1)],
        mentions=[Mention(aid, 1, s0, s0 + 6, "Norway", "NOR", "Norway", "state", "NOR", None, "NOR", "kb")],
        events=[ev, ev2],
        claims=[Claim(id="c1", article_id=aid, sent_idx=1, sent_start=s0, sent_end=s1, start=s0, end=s0 + 6,
                      text="$5 billion", value=5e9, unit="USD", measure="bilateral_trade", actors=["CHL", "NOR"],
                      period_start=date(2020, 1, 1), period_end=date(2020, 12, 31), status="achieved",
                      evidence=text[s0:s1])],
        accords=[Accord(id="a1", article_id=aid, sent_idx=1, sent_start=s0, sent_end=s1, start=s0 + 14,
                        end=s0 + 26, title="agreement", doc_type="agreement", parties=["CHL", "NOR"],
                        event_id="ev1", evidence=text[s0:s1])],
    )
    store = Store(db)
    with store.writer() as con:
        Store.write_results(con, [res], "test-run")
        from nestor import stories

        stories.update(con, None)
    return {"article": aid}


@pytest.fixture(scope="module")
def store_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("web") / "w.duckdb")
    info = build_store(db)
    return db, info


@pytest.fixture(scope="module")
def client(store_db):
    from fastapi.testclient import TestClient

    from nestor.web import create_app

    return TestClient(create_app(store_db[0]))


def test_pages_and_json_twins(client, store_db):
    aid = store_db[1]["article"]
    for url in ("/", "/dyad/NOR-CHL", "/events", "/articles", "/stories", "/codebook", f"/article/{aid}",
                "/actor/NOR"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "text/html" in r.headers["content-type"]
        twin = r.headers["link"].split(";")[0].strip("<>")
        j = client.get(twin)
        assert j.status_code == 200 and j.headers["content-type"].startswith("application/json"), twin
    d = client.get("/dyad/NOR-CHL.json").json()
    assert d["dyad"] == "CHL-NOR" and len(d["timeline"]) == 1 and d["claims"][0]["text"] == "$5 billion"
    sid = d["timeline"][0]["id"]
    r = client.get(f"/story/{sid}")
    assert r.status_code == 200 and '<mark class="evidence">' in r.text
    assert client.get(f"/story/{sid}", headers={"accept": "application/json"}).json()["id"] == sid


def test_hostile_text_is_escaped_and_scripts_forbidden(client, store_db):
    aid = store_db[1]["article"]
    r = client.get(f"/article/{aid}")
    assert "<script>alert" not in r.text and "&lt;script&gt;alert" in r.text
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert "script-src" not in r.headers["content-security-policy"]
    assert "default-src 'none'" in r.headers["content-security-policy"]
    api = client.get(f"/api/articles/{aid}").json()
    assert "<script>" in api["text"]   # JSON carries the text as data, for the client to escape


@pytest.mark.parametrize("url,status", [
    ("/api/events?limit=100000", 422), ("/api/events?since=yesterday", 422), ("/api/events?type=DANCE", 400),
    ("/api/events?quad_class=9", 422), ("/api/events?dyad=RUS", 400), ("/events?type=DANCE", 400),
    ("/dyad/NOT-A-DYAD-AT-ALL", 400), ("/story/nope", 404), ("/article/ffff", 404), ("/dyad/NOR-FRA", 404),
    ("/api/timeline/NOR/FRA", 404), ("/api/actors/ZZZ", 404), ("/actor/ZZZ", 404), ("/api/events?sort=drop", 400),
    ("/api/events?offset=-1", 422), ("/stories?quad_class=7", 422),
    ("/api/claims?status=dreamt", 422), ("/api/timeline/R%20U/CHN", 400), ("/static/../../etc/passwd", 404),
])
def test_bad_parameters_are_4xx(client, url, status):
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:200])
    if url.startswith("/api"):
        assert r.json()["detail"]


def test_no_endpoint_writes(client):
    for path in ("/api/events", "/api/articles", "/"):
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405


def test_openapi_lists_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/events", "/api/stories", "/api/claims", "/api/accords", "/api/timeline/{a}/{b}", "/api/actors"):
        assert p in paths


def test_exports_read_back(tmp_path, store_db):
    from nestor.export import GDELT_COLUMNS, export, export_gdelt, export_polecat

    db = store_db[0]
    pq = export(db, "parquet", tmp_path / "pq")
    got = duckdb.sql(f"SELECT count(*), any_value(event_type) FROM read_parquet('{tmp_path}/pq/events.parquet')").fetchall()
    assert got == [(2, "AGREE")] and any(p.name == "claims.parquet" for p in pq)
    import pyarrow.parquet as papq

    assert papq.read_table(tmp_path / "pq" / "accords.parquet").column("parties").to_pylist() == [["CHL", "NOR"]]
    export(db, "csv", tmp_path / "csv")
    with open(tmp_path / "csv" / "accords.csv", newline="") as fh:
        assert next(csv.DictReader(fh))["parties"] == "CHL|NOR"
    pol = export_polecat(db, tmp_path / "p")
    recs = [json.loads(x) for x in pol.read_text("utf-8").splitlines()]
    assert {r["actor"]["code"] for r in recs} == {"NOR", "CHL"} and recs[0]["event"] == "AGREE"
    assert recs[0]["offsets"]["sentence"][1] > recs[0]["offsets"]["sentence"][0]
    g = export_gdelt(db, tmp_path / "g")
    with open(g, newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    assert len(GDELT_COLUMNS) == 61 and all(len(r) == 61 for r in rows) and len(rows) == 2
    row = dict(zip(GDELT_COLUMNS, rows[0], strict=False))
    assert row["EventCode"] == "057" and row["EventRootCode"] == "05" and row["SQLDATE"] == "20210303"
    assert row["QuadClass"] == "1" and row["NumArticles"] == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chrome(tmp_path, width: int, offline: bool = False):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_bin = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(chromium) and os.path.exists(driver_bin)):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", f"--user-data-dir={tmp_path / f'profile{width}'}", f"--window-size={width},900"):
        opts.add_argument(a)
    if offline:   # every host name but the loopback server's fails to resolve: no network at all
        opts.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    opts.add_experimental_option("prefs", {"download.default_directory": str(tmp_path / "downloads"),
                                           "download.prompt_for_download": False})
    drv = webdriver.Chrome(service=Service(driver_bin), options=opts)
    drv.implicitly_wait(10)   # a loaded CI machine can be slow to render the next page
    # Chrome's windows are at least 500 px wide: emulate the narrow screen itself
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900,
                                                                 "deviceScaleFactor": 1, "mobile": width < 600})
    drv.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                     "downloadPath": str(tmp_path / "downloads")})
    return drv


class _Server:
    def __init__(self, db: str) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "nestor", "serve", "--db", db, "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def live(store_db):
    srv = _Server(store_db[0])
    yield srv
    srv.stop()


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1400, 400])
def test_browser_home_dyad_story_evidence_article_and_back(live, tmp_path, width):
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(exist_ok=True)
    drv = _chrome(tmp_path, width)
    try:
        drv.get(live.base + "/")
        assert "what" in drv.find_element(By.TAG_NAME, "h1").text.lower()
        drv.find_element(By.LINK_TEXT, "CHL-NOR").click()
        assert "Chile" in drv.find_element(By.TAG_NAME, "h1").text
        # the page does not overflow sideways (wide tables and charts scroll inside their box)
        assert drv.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        drv.save_screenshot(str(ARTIFACTS / f"dyad-{width}.png"))
        drv.find_element(By.CSS_SELECTOR, ".story a").click()
        assert "signed" in drv.find_element(By.CSS_SELECTOR, "mark.evidence").text
        story_url = drv.current_url
        drv.save_screenshot(str(ARTIFACTS / f"story-{width}.png"))
        drv.find_element(By.CSS_SELECTOR, "a.evlink").click()
        assert drv.current_url.endswith("#s1")
        target = drv.find_element(By.ID, "s1")
        assert "Norway signed" in target.text
        # highlighted by :target and scrolled into view
        assert drv.execute_script("return getComputedStyle(arguments[0]).backgroundColor", target) == "rgb(255, 229, 138)"
        top = drv.execute_script("return arguments[0].getBoundingClientRect().top", target)
        assert 0 <= top < drv.execute_script("return window.innerHeight")
        drv.save_screenshot(str(ARTIFACTS / f"evidence-{width}.png"))
        drv.back()
        assert drv.current_url == story_url
    finally:
        drv.quit()


@pytest.mark.browser
def test_browser_filter_page_download_and_zoom(live, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select, WebDriverWait

    drv = _chrome(tmp_path, 1400)
    try:
        drv.get(live.base + "/events")
        drv.find_element(By.NAME, "actor").send_keys("Norway")
        Select(drv.find_element(By.NAME, "distinct")).select_by_value("false")
        Select(drv.find_element(By.NAME, "quad_class")).select_by_value("1")
        lim = drv.find_element(By.NAME, "limit")
        lim.clear()
        lim.send_keys("1")
        page = drv.find_element(By.TAG_NAME, "html")
        drv.find_element(By.CSS_SELECTOR, "form.filters button").click()
        WebDriverWait(drv, 10).until(staleness_of(page))     # the next page, not the old one's rows
        assert "2 stored rows" in drv.find_element(By.CSS_SELECTOR, ".pager").text
        first = drv.find_element(By.CSS_SELECTOR, "tbody tr").text
        page = drv.find_element(By.TAG_NAME, "html")
        drv.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
        WebDriverWait(drv, 10).until(staleness_of(page))
        assert "quad_class=1" in drv.current_url and "actor=Norway" in drv.current_url
        assert drv.find_element(By.CSS_SELECTOR, "tbody tr").text != first
        assert drv.find_elements(By.CSS_SELECTOR, "a[rel=prev]")
        drv.find_element(By.LINK_TEXT, "CSV").click()
        got = None
        for _ in range(300):
            files = list((tmp_path / "downloads").glob("*.csv")) if (tmp_path / "downloads").exists() else []
            if files:
                got = files[0]
                break
            time.sleep(0.1)
        assert got is not None, "the CSV download did not arrive"
        rows = list(csv.DictReader(got.open(encoding="utf-8")))
        assert len(rows) == 1 and rows[0]["event_type"] == "AGREE"
        # zoom: the period form redraws the chart for that period
        drv.get(live.base + "/dyad/CHL-NOR")
        for name, day in (("since", "03/01/2021"), ("until", "03/31/2021")):
            drv.find_element(By.CSS_SELECTOR, f"form.zoom input[name={name}]").send_keys(day)
        drv.find_element(By.CSS_SELECTOR, "form.zoom button").click()
        assert "since=2021-03-01" in drv.current_url and drv.find_element(By.LINK_TEXT, "whole period")
        assert "Mar 2021" in drv.find_element(By.CSS_SELECTOR, "svg.chart").text
        # a bar links to its period (at month bins: the month's events)
        drv.find_element(By.CSS_SELECTOR, "svg a[href*='since='] rect:last-of-type").click()
        assert "/events" in drv.current_url and "since=2021-03-01" in drv.current_url
        assert "Norway signed" in drv.find_element(By.CSS_SELECTOR, "tbody").text
        ARTIFACTS.mkdir(exist_ok=True)
        drv.save_screenshot(str(ARTIFACTS / "dyad-zoomed-1400.png"))
    finally:
        drv.quit()


@pytest.mark.browser
def test_browser_no_script_from_the_text_runs(live, store_db, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    drv = _chrome(tmp_path, 1400)
    try:
        drv.get(live.base + f"/article/{store_db[1]['article']}")
        body = drv.find_element(By.ID, "article-text").text
        assert '<script>alert("x")</script>' in body and "<img src=x onerror=alert(1)>" in body
        try:
            _ = drv.switch_to.alert
            pytest.fail("a script from the article text ran")
        except NoAlertPresentException:
            pass
        assert drv.execute_script("return document.querySelectorAll('#article-text script, #article-text img').length") == 0
    finally:
        drv.quit()


def test_claims_accords_and_actors_pages_are_counted_in_the_store(tmp_path):
    """Each page is cut in SQL (LIMIT/OFFSET) and the total counted there, so paging through every
    page gives each record once and the total matches, however many the store holds."""
    from fastapi.testclient import TestClient

    from nestor.web import create_app

    db = str(tmp_path / "p.duckdb")
    build_store(db)
    aid = content_id(HOSTILE)
    with Store(db).writer() as con:
        s0 = HOSTILE.index("Norway signed")
        for i in range(2, 8):     # five more claims of the same sentence, two more accords
            con.execute("INSERT INTO claims (id, article_id, sent_idx, sent_start, sent_end, start, \"end\", text, "
                        "value, unit, measure, actors, status, confidence, evidence) VALUES "
                        "(?, ?, 1, ?, ?, ?, ?, ?, ?, 'USD', 'bilateral_trade', ['CHL', 'NOR'], 'achieved', 0.5, 'x')",
                        [f"c{i}", aid, s0, s0 + 20, s0 + i, s0 + i + 3, f"${i} billion", i * 1e9])
            if i < 4:
                con.execute("INSERT INTO accords (id, article_id, sent_idx, sent_start, sent_end, start, \"end\", title, "
                            "doc_type, parties, confidence, evidence) VALUES (?, ?, 1, ?, ?, ?, ?, 'memorandum', "
                            "'memorandum', ['CHL', 'NOR'], 0.5, 'x')", [f"a{i}", aid, s0, s0 + 20, s0 + i, s0 + i + 5])
    client = TestClient(create_app(db))
    for url, n in (("/api/claims?dyad=NOR-CHL", 7), ("/api/accords", 3), ("/api/actors", 1)):
        seen: list[str] = []
        for offset in range(0, n + 2, 2):
            page = client.get(f"{url}{'&' if '?' in url else '?'}limit=2&offset={offset}").json()
            assert page["total"] == n, (url, page)
            seen += [r.get("id") or r.get("actor_id") for r in page["items"]]
        assert len(seen) == n and len(set(seen)) == n, (url, seen)


def test_gdelt_dates_are_filled_only_as_far_as_the_interval_is_known():
    from nestor.export import gdelt_dates

    assert gdelt_dates(date(2021, 3, 3), date(2021, 3, 3), "day") == ["20210303", "202103", "2021", "2021.1671"]
    # a month: no day, so no SQLDATE (GDELT has no precision column: a 1st would pass for a known day)
    assert gdelt_dates(date(2021, 3, 1), date(2021, 3, 31), "month") == ["", "202103", "2021", ""]
    assert gdelt_dates(date(2021, 1, 1), date(2021, 12, 31), "year") == ["", "", "2021", ""]
    assert gdelt_dates(date(2021, 3, 10), date(2021, 3, 20), "range") == ["", "202103", "2021", ""]
    assert gdelt_dates(date(2019, 6, 1), date(2021, 5, 31), "range") == ["", "", "", ""]
    assert gdelt_dates(None, None, None) == ["", "", "", ""]


@pytest.mark.browser
def test_browser_map_renders_offline_and_a_marker_opens_its_story(tmp_path):
    """The dyad's map draws in Chromium with every host but this server unreachable: country
    outlines and markers are there, nothing was requested from elsewhere, and a marker opens its story."""
    from selenium.webdriver.common.by import By
    from test_map import build_place_store

    _, db = build_place_store(str(tmp_path / "places.duckdb"))
    srv = _Server(db)
    drv = _chrome(tmp_path, 1400, offline=True)
    try:
        drv.get(srv.base + "/dyad/CHL-NOR")
        svg = drv.find_element(By.CSS_SELECTOR, "svg.map")
        assert len(svg.find_elements(By.CSS_SELECTOR, "path.country")) > 5
        box = svg.find_element(By.CSS_SELECTOR, "path.country").rect
        assert box["width"] > 0 and box["height"] > 0          # drawn, not only in the markup
        markers = svg.find_elements(By.CSS_SELECTOR, "a.place")
        assert len(markers) == 2
        # a hostile place name is shown as text, never run
        assert any("<script>alert(1)</script>" in m.find_element(By.TAG_NAME, "text").text for m in markers)
        hosts = drv.execute_script("return performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
        assert all(h == f"127.0.0.1:{srv.port}" for h in hosts), hosts
        oslo = next(m for m in markers if "Oslo" in m.find_element(By.TAG_NAME, "text").text)
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
        ARTIFACTS.mkdir(exist_ok=True)
        drv.save_screenshot(str(ARTIFACTS / "dyad-map-1400.png"))
        oslo.find_element(By.TAG_NAME, "circle").click()
        assert "/story/" in drv.current_url
        assert drv.find_element(By.CSS_SELECTOR, "h1").text and drv.find_element(By.CSS_SELECTOR, "svg.map")
        assert "Oslo" in drv.find_element(By.CSS_SELECTOR, "svg.map").text
    finally:
        drv.quit()
        srv.stop()
