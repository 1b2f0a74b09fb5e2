"""The daily report opened in headless Chromium (Debian /usr/bin/chromium) through the DevTools protocol:
the map image decodes, the tables render, nothing logs an error, hostile feed text stays text (no script
runs, no dialog opens), a phone-width viewport does not scroll sideways; screenshots go to test-artifacts/.

The console check is itself tested: a page with a deliberate JS error and a console.error must fail it.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import websocket

from linewatch.ingest import ingest_file
from linewatch.periods import day_bounds
from linewatch.pipeline import flag_and_cluster
from linewatch.report.publish import publish_daily_report
from linewatch.report.render import render_report
from linewatch.sample import SAMPLE_DAYS
from tests.conftest import ARTIFACTS, SAMPLE
from tests.feedfiles import write_synthetic
from tests.unit.test_report_render import HOSTILE, incident, make_layers, make_summary

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
SHOTS = ARTIFACTS / "browser"
# Evaluated in the page once loaded: what a reader would see, and whether anything hostile ran.
PROBE = """(() => {
  const img = document.querySelector('figure img');
  return {
    mapWidth: img ? img.naturalWidth : 0, mapComplete: img ? img.complete : false,
    tables: document.querySelectorAll('table').length,
    rows: document.querySelectorAll('tbody tr').length,
    scripts: document.querySelectorAll('script').length,
    pwned: window.__pwned === true,
    text: document.body.innerText,
    scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
  };
})()"""


@dataclass
class PageResult:
    probe: dict
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class Chromium:
    """One headless Chromium with a fresh profile, driven over the DevTools websocket."""

    def __init__(self):
        self.profile = tempfile.TemporaryDirectory(prefix="linewatch-chromium-")
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile.name}", "--remote-debugging-port=0",
             "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            page = next(t for t in json.loads(response.read()) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self._id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)
            if message.get("method") == "Page.javascriptDialogOpening":  # never leave a dialog blocking
                self._id += 1
                self.ws.send(json.dumps({"id": self._id, "method": "Page.handleJavaScriptDialog",
                                         "params": {"accept": True}}))

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv()))

    def open(self, path: Path, screenshot: Path, width: int = 1280, height: int = 900) -> PageResult:
        self.events.clear()
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        probe = self.call("Runtime.evaluate", expression=PROBE, returnByValue=True)["result"]["value"]
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        result = PageResult(probe)
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                result.errors.append(params["exceptionDetails"].get("text", "exception") + " "
                                     + json.dumps(params["exceptionDetails"].get("exception", {})
                                                  .get("description", "")))
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                result.errors.append("console." + params["type"] + ": "
                                     + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                result.errors.append("log: " + params["entry"]["text"])
            elif method == "Page.javascriptDialogOpening":
                result.dialogs.append(params["message"])
        return result

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.profile.cleanup()


@pytest.fixture(scope="module")
def chromium():
    browser = Chromium()
    yield browser
    browser.close()


def assert_clean(result: PageResult, min_tables: int) -> None:
    p = result.probe
    assert result.errors == [], result.errors
    assert result.dialogs == [] and not p["pwned"] and p["scripts"] == 0
    assert p["mapComplete"] and p["mapWidth"] > 0
    assert p["tables"] >= min_tables and p["rows"] > 0


def test_the_console_check_catches_a_script_error(chromium, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><figure><img src='data:,'></figure>"
                    "<script>console.error('deliberate'); undefinedFunction();</script></body></html>")
    result = chromium.open(page, SHOTS / "broken.png")
    assert any("deliberate" in e for e in result.errors), result.errors
    assert any("undefinedFunction" in e for e in result.errors), result.errors
    with pytest.raises(AssertionError):
        assert_clean(result, 0)


def test_a_published_report_with_hostile_feed_text(chromium, reference, config, tmp_path):
    day = SAMPLE_DAYS[1]
    ingest_file(reference, SAMPLE / f"feeds/patrol/patrol_{day}.csv", "patrol", "synthetic")
    start = day_bounds(day, config.timezone)[0]
    hostile = write_synthetic(tmp_path / "hostile.csv", [
        {"report_id": "x-1", "at": start + timedelta(hours=3), "lon": 37.76, "lat": 48.15, "kind": "access_denied",
         "notes": HOSTILE + "<img src=x onerror=window.__pwned=true>", "sensor": HOSTILE},
        {"report_id": "x-2", "at": start + timedelta(hours=4), "lon": 37.77, "lat": 48.16, "kind": "explosion",
         "notes": HOSTILE},
    ])
    ingest_file(reference, hostile, HOSTILE, "synthetic")
    flag_and_cluster(reference, [day], config)
    published = publish_daily_report(reference, day, config, tmp_path / "reports")
    result = chromium.open(published.html, SHOTS / "report-desktop.png")
    assert_clean(result, min_tables=10)
    text = result.probe["text"]
    assert HOSTILE in text  # shown as the literal text it is
    assert "Restrictions of the mission's freedom of movement" in text and "access denied" in text
    phone = chromium.open(published.html, SHOTS / "report-phone.png", width=390, height=844)
    assert_clean(phone, min_tables=10)
    assert phone.probe["scrollWidth"] <= phone.probe["viewport"], "the page scrolls sideways on a phone"
    index = chromium.open(tmp_path / "reports" / "index.html", SHOTS / "index.png")
    assert index.errors == [] and index.probe["scripts"] == 0


def test_a_rendered_report_with_a_hostile_sector_name(chromium, tmp_path):
    incidents = [incident(1), incident(2, kind=HOSTILE, sector=HOSTILE)]
    paths = render_report(make_summary(incidents), make_layers(incidents), tmp_path)
    result = chromium.open(paths["html"], SHOTS / "report-hostile-sector.png")
    assert_clean(result, min_tables=10)
    assert f"In {HOSTILE} $x^$ | cost sector" in result.probe["text"]
