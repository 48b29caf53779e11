"""What a user sends (a link's values, a file's name, a CSV cell) is shown as literal text in
the real page: no link, no image, no request to an address it names (issue 8 item 8)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from benchmarks import load_sessions

pytestmark = pytest.mark.e2e
PROGRESS = load_sessions.PROGRESS
TRAP = "127.0.0.1:9"  # nothing listens there: a request to it is a leak
PHISH = "[Session expired - log in again](http://127.0.0.1:9/phish)"
PIXEL = "![x](http://127.0.0.1:9/t.png)"


def _requests_to_trap(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if TRAP in r.url else None)
    return seen


def _no_trap_in_dom(page) -> None:
    html = page.content()
    assert f'href="http://{TRAP}' not in html and f'src="http://{TRAP}' not in html
    assert page.locator(f'a[href*="{TRAP}"], img[src*="{TRAP}"]').count() == 0


def _settled(page) -> None:
    page.wait_for_function(
        "(sel) => /(Completed|Diverged|Stopped): /.test("
        "document.querySelector(sel)?.innerText || '')", arg=PROGRESS, timeout=90_000)


@pytest.mark.parametrize("query, shown", [
    (f"epochs=1&samples={quote(PHISH)}", f"samples={PHISH}"[:24]),
    (f"epochs=1&seed={quote(PIXEL)}", f"seed={PIXEL}"[:24]),
    (f"epochs=1&preset={quote(PHISH)}", f"preset={PHISH}"[:30]),
    ("epochs=1&samples=%D9%A3", "samples=٣"),   # Arabic-Indic 3: not taken as a number
    ("epochs=1&hidden=-5", "hidden=-5"),
])
def test_hostile_link_values_are_shown_literally(page, server, query, shown):
    leaks = _requests_to_trap(page)
    page.goto(f"{server}/?{query}")
    _settled(page)
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="in the link")
    warning.first.wait_for()
    assert shown in warning.first.inner_text()
    _no_trap_in_dom(page)
    page.wait_for_timeout(500)  # (a pending image would have been requested by now)
    assert leaks == []


def test_a_link_with_too_many_parameters_opens_the_defaults_and_says_so_in_the_address(
        page, server):
    """Streamlit drops a query string of over 1,000 parameters before the app sees it (so
    no warning can name it): the page shows the defaults and its address loses them too."""
    page.goto(f"{server}/?" + "&".join(f"x{i}=1" for i in range(1000)) + "&epochs=1")
    _settled(page)
    page.wait_for_url(re.compile(r"^[^?]*/?$"))
    assert "2,001 of 2,001 epochs" in page.locator(PROGRESS).first.inner_text()


@pytest.mark.parametrize("name, content, words", [
    (f"{PHISH}.csv", b"x1,x2,label\n1,2,zero\n", "not a number"),
    ("cells.csv", f"x1,x2,label\n1,{PIXEL},0\n".encode(), "not a number"),
    (f"{PIXEL}.csv", b"", "no data rows"),
])
def test_hostile_file_names_and_cells_are_shown_literally(page, server, name, content, words):
    leaks = _requests_to_trap(page)
    page.goto(f"{server}/?dataset=csv&epochs=1")
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    error = page.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(
        has_text="was not used")
    error.first.wait_for(timeout=60_000)
    text = error.first.inner_text()
    assert words in text and re.sub(r"\s+", " ", name)[:40] in text
    _no_trap_in_dom(page)
    page.wait_for_timeout(500)
    assert leaks == []


def test_a_good_file_with_a_hostile_name_trains_and_its_name_is_literal(page, server):
    leaks = _requests_to_trap(page)
    page.goto(f"{server}/?dataset=csv&epochs=11")
    rows = "\n".join(f"{i / 10},{(i % 7) / 10},{i % 2}" for i in range(40))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": f"{PIXEL}.csv", "mimeType": "text/csv",
                "buffer": f"x1,x2,label\n{rows}\n".encode()}])
    _settled(page)
    assert page.get_by_text(PIXEL).count() >= 1  # "Using ![x](...).csv: 40 rows, 2 classes."
    _no_trap_in_dom(page)
    page.wait_for_timeout(500)
    assert leaks == []
