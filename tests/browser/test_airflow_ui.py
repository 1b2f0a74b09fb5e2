"""The operator's path through the real Airflow UI, in headless Chromium: log in as `operator`, see every
linewatch DAG listed and no import errors, trigger the daily summary for a sample day through the trigger
form, and watch it succeed. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import shutil
import time
from datetime import date

import pytest

from tests.conftest import ARTIFACTS, count

pytestmark = pytest.mark.skipif(shutil.which("chromedriver") is None or not shutil.which("chromium"),
                                reason="chromium/chromedriver missing: make test installs them "
                                       "(scripts/provision-browser.sh)")

SHOTS = ARTIFACTS / "browser"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")
DAY = date(2026, 11, 2)
RUN_TIMEOUT = 150


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # elements come and go while the React UI renders
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(f"waited {timeout}s for {what}")


def test_operator_logs_in_sees_the_dags_and_runs_the_daily_summary(local_airflow, browser, engine):
    from selenium.webdriver.common.by import By

    from linewatch.orchestration import CONFIG

    ui = local_airflow.url
    browser.get(ui + "/")
    wait_until(lambda: "/auth/login" in browser.current_url, 30, "the login page (login is required)")
    browser.find_element(By.NAME, "username").send_keys("operator")
    browser.find_element(By.NAME, "password").send_keys(local_airflow.password("operator"))
    browser.save_screenshot(str(SHOTS / "01-login.png"))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(lambda: "/auth/login" not in browser.current_url, 30, "the login to go through")

    expected = {"linewatch_reference", "linewatch_flag_incidents", "linewatch_daily_summary",
                "linewatch_maintenance"} | {f"linewatch_ingest_{feed.name}" for feed in CONFIG.feeds}
    browser.get(ui + "/dags")
    wait_until(lambda: expected <= {a.text for a in browser.find_elements(By.TAG_NAME, "a")}, 60,
               f"every DAG in the list: {sorted(expected)}")
    browser.save_screenshot(str(SHOTS / "02-dag-list.png"))
    # The DAG processor of this instance has parsed the files: no import errors.
    wait_until(lambda: all(d["last_parsed_time"] for d in local_airflow.api(
        "GET", "/api/v2/dags?dag_id_pattern=linewatch&limit=100")["dags"]), 60, "the DAGs to be parsed")
    assert local_airflow.api("GET", "/api/v2/importErrors")["total_entries"] == 0
    assert "Import Error" not in browser.page_source

    # Trigger the daily summary for a sample day through the trigger form (it unpauses the DAG too).
    before = {r["dag_run_id"] for r in local_airflow.api(
        "GET", "/api/v2/dags/linewatch_daily_summary/dagRuns?limit=100")["dag_runs"]}
    browser.get(ui + "/dags/linewatch_daily_summary")
    wait_until(lambda: browser.find_element(By.CSS_SELECTOR, "button[aria-label='Trigger Dag']"), 30,
               "the Trigger button").click()
    day_input = wait_until(lambda: browser.find_element(By.NAME, "element_day"), 30, "the trigger form")
    day_input.send_keys(DAY.strftime("%m%d%Y"))  # a native date input, US locale
    assert day_input.get_attribute("value") == DAY.isoformat()
    browser.save_screenshot(str(SHOTS / "03-trigger-form.png"))
    submit = [b for b in browser.find_elements(By.TAG_NAME, "button")
              if (b.get_attribute("textContent") or "").strip() == "Trigger" and not b.get_attribute("aria-label")]
    assert len(submit) == 1, "the trigger form's submit button"
    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", submit[0])

    def new_run():
        runs = local_airflow.api("GET", "/api/v2/dags/linewatch_daily_summary/dagRuns?limit=100")["dag_runs"]
        return [r for r in runs if r["dag_run_id"] not in before]

    (run,) = wait_until(new_run, 30, "the triggered run")
    assert run["conf"]["day"] == DAY.isoformat() and run["run_type"] == "manual"
    states = local_airflow.wait_for_runs("linewatch_daily_summary", {run["dag_run_id"]}, RUN_TIMEOUT)
    browser.get(f"{ui}/dags/linewatch_daily_summary/runs/{run['dag_run_id']}")
    time.sleep(2)
    browser.save_screenshot(str(SHOTS / "04-run.png"))
    assert states[run["dag_run_id"]] == "success", (ARTIFACTS / "airflow-local.log")
    assert count(engine, "SELECT count(*) FROM linewatch.daily_report WHERE report_date = :d", d=DAY) >= 1
