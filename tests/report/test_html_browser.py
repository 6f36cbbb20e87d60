"""The HTML pages in a real headless Chromium: no console errors, no requests beyond the file itself,
chart numbers equal to the JSON output, a working filter and sort, dark mode and print styles, and the
README's screenshots (written to docs/img/ by this run)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.fixtures.browser import open_page
from tests.report.html_pages import ROOT, Page, make_pages

SCREENSHOTS = ROOT / "docs" / "img"
NAMES = ("scan", "releases-scan", "plan")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, helm_binary: str) -> dict[str, Page]:
    return make_pages(tmp_path_factory.mktemp("html-browser"))


def show(browser: Any, page: Page) -> list[dict[str, Any]]:
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    return open_page(browser, page.path)


def chart(browser: Any, chart_id: str) -> dict[str, int]:
    """The chart's numbers as drawn: each bar's label and value texts (checked against its data attributes)."""
    bars = browser.find_elements(By.CSS_SELECTOR, f"svg#{chart_id} g.datum")
    drawn = {}
    for bar in bars:
        label, value = (t.text for t in bar.find_elements(By.TAG_NAME, "text"))
        assert (label, value) == (bar.get_attribute("data-label"), bar.get_attribute("data-value"))
        drawn[label] = int(value)
    return drawn


def visible_rows(browser: Any) -> list[Any]:
    return [row for row in browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr") if row.is_displayed()]


@pytest.mark.parametrize("name", NAMES)
def test_page_loads_cleanly_and_fetches_nothing(browser: Any, pages: dict[str, Page], name: str) -> None:
    logs = show(browser, pages[name])
    assert logs == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    navigation = browser.execute_script("return performance.getEntriesByType('navigation')[0].name")
    assert navigation == pages[name].path.resolve().as_uri()
    assert browser.title == browser.find_element(By.TAG_NAME, "h1").text


@pytest.mark.parametrize("name", ["scan", "releases-scan"])
def test_chart_numbers_equal_the_json_output(browser: Any, pages: dict[str, Page], name: str) -> None:
    page = pages[name]
    show(browser, page)
    summary, findings = page.data["summary"], page.data["findings"]
    assert chart(browser, "chart-severity") == {s: summary[s] for s in ("error", "removed", "deprecated", "warning",
                                                                        "info")}
    assert chart(browser, "chart-api") == dict(Counter(f["apiVersion"] or "(none)" for f in findings))
    # a release object without a namespace is in its release's namespace
    namespaces = [f["namespace"] or f["location"].get("namespace") or "(none)" for f in findings]
    assert chart(browser, "chart-namespace") == dict(Counter(namespaces))
    cards = {e.get_attribute("data-summary"): int(e.text) for e in browser.find_elements(By.CSS_SELECTOR,
                                                                                          "[data-summary]")}
    assert cards == summary
    label = browser.find_element(By.ID, "chart-severity").get_attribute("aria-label")
    assert f"removed: {summary['removed']}" in label and f"deprecated: {summary['deprecated']}" in label


def test_filter_shows_only_matching_findings(browser: Any, pages: dict[str, Page]) -> None:
    page = pages["scan"]
    show(browser, page)
    findings = page.data["findings"]
    box = browser.find_element(By.ID, "filter")
    status = browser.find_element(By.ID, "filter-status")
    assert len(visible_rows(browser)) == len(findings)
    box.send_keys("missing-selector")
    expected = sum(1 for f in findings if f["rule"] == "missing-selector")
    assert expected and len(visible_rows(browser)) == expected
    assert status.text == f"{expected} of {len(findings)} findings shown"
    assert all("missing-selector" in row.text for row in visible_rows(browser))
    box.clear()
    box.send_keys("STATEFULSET")  # case does not matter
    expected = sum(1 for f in findings if "statefulset" in (f["kind"] + f["message"]).lower())
    assert expected and len(visible_rows(browser)) == expected
    box.clear()
    box.send_keys("x")
    box.clear()
    browser.execute_script("document.getElementById('filter').dispatchEvent(new Event('input'))")
    assert len(visible_rows(browser)) == len(findings)


def column(browser: Any, index: int) -> list[str]:
    return [row.find_elements(By.TAG_NAME, "td")[index].get_attribute("textContent") for row in visible_rows(browser)]


def test_sorting_by_a_column_header(browser: Any, pages: dict[str, Page]) -> None:
    page = pages["scan"]
    show(browser, page)
    heads = browser.find_elements(By.CSS_SELECTOR, "#findings thead th")
    names = [h.text.strip() for h in heads]
    severity, kind_col = names.index("Severity"), names.index("Object")
    order = ["info", "warning", "deprecated", "removed", "error"]
    heads[severity].find_element(By.TAG_NAME, "button").click()
    assert heads[severity].get_attribute("aria-sort") == "ascending"
    ranks = [order.index(s) for s in column(browser, severity)]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    heads[severity].find_element(By.TAG_NAME, "button").click()
    assert heads[severity].get_attribute("aria-sort") == "descending"
    assert [order.index(s) for s in column(browser, severity)] == sorted(ranks, reverse=True)
    heads[kind_col].find_element(By.TAG_NAME, "button").click()
    assert heads[severity].get_attribute("aria-sort") is None
    objects = column(browser, kind_col)
    assert objects == sorted(objects, key=lambda s: s.lower()) or objects == sorted(objects)
    assert sorted(objects) == sorted(f"{f['kind']}/{f['name']}" if f["name"] else f["kind"]
                                     for f in page.data["findings"])


def test_plan_timeline_and_rollback_path(browser: Any, pages: dict[str, Page]) -> None:
    page = pages["plan"]
    assert show(browser, page) == []
    boxes = browser.find_elements(By.CSS_SELECTOR, ".timeline .box")
    steps = page.data["steps"]
    assert len(boxes) == len(steps) == 3
    for box, step in zip(boxes, steps, strict=True):
        fields = {dd.get_attribute("data-field"): dd.text for dd in box.find_elements(By.TAG_NAME, "dd")}
        assert fields["fix"] == str(len(step["mustFix"])) and fields["deprecated"] == str(len(step["deprecated"]))
        assert fields["etcd"] == f"{step['etcd']['before']} → {step['etcd']['after']}"
        assert box.is_displayed()
    tops = {box.location["y"] for box in boxes}
    assert len(tops) == 1  # one row: the hop reads left to right
    versions = browser.find_elements(By.CSS_SELECTOR, "#rollback-svg text.version")
    xs = [v.location["x"] for v in versions]
    assert [v.text for v in versions] == list(reversed(page.data["path"])) and xs == sorted(xs)


def test_copy_button_takes_the_commands(browser: Any, pages: dict[str, Page]) -> None:
    show(browser, pages["plan"])
    button = browser.find_element(By.CSS_SELECTOR, "button.copy")
    code = browser.find_element(By.ID, button.get_attribute("data-for"))
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    # the clipboard answers asynchronously
    WebDriverWait(browser, 10).until(lambda _: button.text != "Copy")
    assert button.text in ("Copied", "Selected: press Ctrl+C")
    if button.text.startswith("Selected"):
        assert browser.execute_script("return window.getSelection().toString()") == code.get_attribute("textContent")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def background(browser: Any) -> str:
    return str(browser.execute_script("return getComputedStyle(document.body).backgroundColor"))


def test_dark_mode_and_print(browser: Any, pages: dict[str, Page]) -> None:
    show(browser, pages["scan"])
    light = background(browser)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    assert background(browser) == "rgb(13, 17, 23)" and light == "rgb(255, 255, 255)"
    text = browser.execute_script("return getComputedStyle(document.body).color")
    assert text == "rgb(230, 237, 243)"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": [
        {"name": "prefers-color-scheme", "value": "dark"}]})
    assert background(browser) == "rgb(255, 255, 255)"  # paper stays white
    assert not browser.find_element(By.ID, "filter").is_displayed()
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    assert len(pdf["data"]) > 1000


@pytest.mark.parametrize("name", NAMES)
def test_readme_screenshot(browser: Any, pages: dict[str, Page], name: str) -> None:
    show(browser, pages[name])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target: Path = SCREENSHOTS / f"report-{name}.png"
    assert browser.save_screenshot(str(target))
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_sorting_and_filtering_work_from_the_keyboard(browser: Any, pages: dict[str, Page]) -> None:
    from selenium.webdriver.common.keys import Keys

    page = pages["releases-scan"]
    show(browser, page)
    browser.find_element(By.TAG_NAME, "body").click()
    box = browser.find_element(By.ID, "filter")
    box.send_keys("revision 3")
    expected = sum(1 for f in page.data["findings"] if f["location"]["revision"] == 3)
    assert expected and len(visible_rows(browser)) == expected
    box.send_keys(Keys.TAB)  # from the filter box to the table's scroll region, then to the first sort button
    region = browser.switch_to.active_element
    assert region.get_attribute("role") == "region"
    region.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.tag_name == "button" and focused.text == "Severity"
    focused.send_keys(Keys.ENTER)
    head = browser.find_element(By.CSS_SELECTOR, "#findings thead th")
    assert head.get_attribute("aria-sort") == "ascending"
    assert len(visible_rows(browser)) == expected  # sorting keeps the filter
