"""The charts in a real browser, this checkout's against another commit's (by default the last
Vega-Lite one), side by side in one run on one machine: page open to every chart painted (a
run in the server's cache, and a fresh run), the bytes the page receives, and while a preset
retrains the browser's long-task time and the websocket's bytes, per second.

    python -m benchmarks.bench_charts_browser [--trials 5] [--reference COMMIT] [--busy 0]
                                              [--crowd 29]
    python -m benchmarks.bench_charts_browser --floor [--trials 9]

A reference with Plotly charts (plotly.js in its static/) is counted as this checkout is.

Each side is served from its own checkout (the reference unpacked with `git archive`) with
this venv's Python, one at a time. A trial opens the link in a new browser context (an empty
browser cache, as a student's first visit). Prints medians and the ratio new / reference, and
the time of one request on a kept-alive connection (ui/internals.tcp_nodelay).

`--crowd N` (29 by default; 0: not measured): also the cached link opened while N other
sessions (websocket clients, benchmarks/ws_client.py) open it at the same moment, a class
opening one link together.

`--floor`: instead, the cached link's page open to painted for this checkout's page and for a
page of its seven charts alone (benchmarks/charts_only_app.py), one after the other in rounds:
how much of the time is the charts' own, and how much the rest of the page.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import math
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks import load_sessions, serving, ws_client

REFERENCE = "2791156"  # the last commit whose charts were Vega-Lite
N_CHARTS = 7  # the Playground's charts, the same set on both sides
PROGRESS = load_sessions.PROGRESS

# How many charts are painted (the reference: the Vega canvases' pixels; this checkout: the
# Plotly marks, the regions' image included). The regions chart is the first on both.
VEGA_PAINTED = """() => {
    const painted = c => {
        const canvas = c.querySelector('canvas');
        if (!canvas || canvas.width < 50 || canvas.height < 50) return 0;
        const ctx = canvas.getContext('2d');
        const {width, height} = canvas;
        const {data} = ctx.getImageData(0, 0, width, height);
        let hits = 0;
        for (let i = 0; i < 40; i++) for (let j = 0; j < 20; j++) {
            const x = Math.floor(width * (i + 0.5) / 40), y = Math.floor(height * (j + 0.5) / 20);
            const k = 4 * (y * width + x);
            const white = data[k] > 234 && data[k + 1] > 234 && data[k + 2] > 234;
            if (data[k + 3] > 0 && !white) hits++;
        }
        return hits / 800;
    };
    const shares = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(painted);
    return shares.filter((s, i) => s > (i === 0 ? 0.25 : 0.02)).length;
}"""
PLOTLY_PAINTED = """() => {
    const marks = MARKS;
    const charts = [...document.querySelectorAll('.lab-chart')];
    const regions = charts.length ? charts[0].querySelectorAll('svg image')
        .length : 0;
    return charts.map(marks).filter((s, i) => s > 0 && (i > 0 || regions > 0)).length;
}""".replace("MARKS", serving.MARKS)
LONG_TASKS = """() => { window.__long = 0; new PerformanceObserver(list => {
    for (const e of list.getEntries()) window.__long += e.duration; })
    .observe({type: 'longtask'}); }"""


def unpack(commit: str, into: Path) -> Path:
    """The tree of `commit` under `into` (no .git: served as it stands)."""
    archive = subprocess.run(["git", "archive", commit], cwd=serving.ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def open_to_painted(browser, url: str, painted_js: str) -> tuple[float, int]:
    """Seconds from navigating to `url` until every chart is painted, and the bytes of
    websocket messages received meanwhile, in a fresh context."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda frame: received.__setitem__(0, received[0] + len(frame))))
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(f"() => ({painted_js})() >= {N_CHARTS}", timeout=120_000,
                               polling=20)
        return time.perf_counter() - start, received[0]
    finally:
        context.close()


def open_in_a_crowd(browser, url: str, query: str, painted_js: str, others: int) -> float:
    """open_to_painted of `url`/?`query` while `others` websocket sessions open it at the same
    moment (in a thread of their own)."""
    thread = threading.Thread(
        target=lambda: asyncio.run(ws_client.open_sessions(url, query, others)), daemon=True)
    thread.start()
    try:
        return open_to_painted(browser, f"{url}/?{query}", painted_js)[0]
    finally:
        thread.join(timeout=120)


def kept_alive_ms(url: str, n: int = 20) -> float:
    """Median ms of a request (the 2-byte /_stcore/health) on a kept-alive connection, its
    first request left out: a browser loads a page's ~130 files over six such connections."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    times = []
    try:
        for i in range(n + 1):
            start = time.perf_counter()
            conn.request("GET", "/_stcore/health")
            conn.getresponse().read()
            if i:
                times.append((time.perf_counter() - start) * 1000)
    finally:
        conn.close()
    return statistics.median(times)


def long_tasks_per_second(browser, url: str) -> tuple[float, float]:
    """Browser long-task ms, and websocket kB received, per second while the preset at `url`
    retrains (Train again)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda frame: received.__setitem__(0, received[0] + len(frame))))
    try:
        page.goto(url)
        page.wait_for_function("(s) => /Completed/.test(document.querySelector(s)?.innerText"
                               " || '')", arg=PROGRESS, timeout=240_000)
        time.sleep(1.0)
        page.evaluate(LONG_TASKS)
        received[0] = 0
        start = time.perf_counter()
        page.locator(".st-key-pg_again button:enabled").first.click()
        page.wait_for_function("(s) => /Training: epoch/.test(document.querySelector(s)"
                               "?.innerText || '')", arg=PROGRESS, timeout=60_000)
        page.wait_for_function("(s) => /Completed/.test(document.querySelector(s)?.innerText"
                               " || '')", arg=PROGRESS, timeout=240_000, polling=100)
        seconds = time.perf_counter() - start
        return page.evaluate("() => window.__long") / seconds, received[0] / 1024 / seconds
    finally:
        context.close()


def measure(root: Path, painted_js: str, trials: int, busy: int, crowd: int = 0) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"cached_s": [], "cached_kb": [], "fresh_s": [],
                                   "long_ms_per_s": [], "live_kb_per_s": [], "keepalive_ms": [],
                                   "crowd_s": []}
    with serving.served(f"bench-charts-{root.name}.log", root=root) as srv, \
            sync_playwright() as p:
        browser = p.chromium.launch(**serving.launch_kwargs())
        cached = f"{srv.url}/?preset=overfit-l2"
        open_to_painted(browser, cached, painted_js)  # trains it once: the cache holds it
        out["keepalive_ms"].append(kept_alive_ms(srv.url))  # (after a first script run)
        with serving.busy_processes(busy, seconds=900) if busy else _nothing():
            for i in range(trials):
                s, nbytes = open_to_painted(browser, cached, painted_js)
                out["cached_s"].append(s)
                out["cached_kb"].append(nbytes / 1024)
                out["fresh_s"].append(open_to_painted(browser, f"{srv.url}/?seed={1000 + i}",
                                                      painted_js)[0])
                if crowd:
                    out["crowd_s"].append(open_in_a_crowd(browser, srv.url, "preset=overfit-l2",
                                                          painted_js, crowd))
            for _ in range(max(trials // 2, 1)):
                long_ms, live_kb = long_tasks_per_second(browser, f"{srv.url}/?preset=book-ch14")
                out["long_ms_per_s"].append(long_ms)
                out["live_kb_per_s"].append(live_kb)
        browser.close()
    return {k: statistics.median(v) if v else math.nan for k, v in out.items()}


def charts_only_root(into: Path) -> Path:
    """A directory serving benchmarks/charts_only_app.py as dashboard.py, with this checkout's
    packages, static files and Streamlit config linked in."""
    for name in ("nncore", "ui", "workers", "static", ".streamlit"):
        (into / name).symlink_to(serving.ROOT / name)
    shutil.copy(serving.ROOT / "benchmarks" / "charts_only_app.py", into / "dashboard.py")
    return into


def floor(trials: int) -> dict[str, list[float]]:
    """Seconds from opening `?preset=overfit-l2` (cached) to all charts painted, this page and
    the charts alone, taken in turns (`trials` each)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"page": [], "charts only": []}
    with tempfile.TemporaryDirectory(prefix="charts-only-") as tmp, \
            contextlib.ExitStack() as stack, sync_playwright() as p:
        servers = {"page": stack.enter_context(serving.served("bench-floor-page.log")),
                   "charts only": stack.enter_context(serving.served(
                       "bench-floor-charts.log", root=charts_only_root(Path(tmp))))}
        browser = p.chromium.launch(**serving.launch_kwargs())
        for srv in servers.values():  # trains it once, then a first page from the cache
            for _ in range(2):
                open_to_painted(browser, f"{srv.url}/?preset=overfit-l2", PLOTLY_PAINTED)
        for i in range(trials):
            for name in (list(servers) if i % 2 == 0 else list(servers)[::-1]):
                out[name].append(open_to_painted(
                    browser, f"{servers[name].url}/?preset=overfit-l2", PLOTLY_PAINTED)[0])
        browser.close()
    return out


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--reference", default=REFERENCE)
    parser.add_argument("--busy", type=int, default=0, help="busy processes beside (load)")
    parser.add_argument("--crowd", type=int, default=29,
                        help="sessions opening the cached link with the browser's (0: none)")
    parser.add_argument("--floor", action="store_true",
                        help="this page against its seven charts alone (a cached link)")
    args = parser.parse_args()
    reason = serving.browser_missing()
    if reason:
        raise SystemExit(reason)
    if args.floor:
        times = floor(args.trials)
        page, alone = (statistics.median(times[k]) for k in ("page", "charts only"))
        print(f"open ?preset=overfit-l2 (cached) to all {N_CHARTS} painted, median of "
              f"{args.trials}: the page {page:.2f} s, its charts alone {alone:.2f} s "
              f"(charts alone / page {alone / page:.2f})")
        return
    with tempfile.TemporaryDirectory(prefix="vega-ref-") as tmp:
        reference = unpack(args.reference, Path(tmp))
        plotly = any((reference / "static").glob("plotly*.js"))  # (no static/: Vega-Lite)
        ref = measure(reference, PLOTLY_PAINTED if plotly else VEGA_PAINTED, args.trials,
                      args.busy, args.crowd)
    new = measure(serving.ROOT, PLOTLY_PAINTED, args.trials, args.busy, args.crowd)
    print(f"{'median':<34}{('Plotly ' if plotly else 'Vega-Lite ') + args.reference:>18}"
          f"{'this':>16}{'new/ref':>9}")
    names = {"cached_s": "open link, cached run: painted (s)",
             "cached_kb": "  websocket received (kB)",
             "fresh_s": "open link, fresh run: painted (s)",
             "long_ms_per_s": "long tasks during retrain (ms/s)",
             "live_kb_per_s": "  websocket during retrain (kB/s)",
             "keepalive_ms": "kept-alive request (ms)",
             "crowd_s": f"open link, cached, +{args.crowd} at once (s)"}
    for key, name in names.items():
        if key == "crowd_s" and not args.crowd:
            continue
        print(f"{name:<34}{ref[key]:>18.2f}{new[key]:>16.2f}{new[key] / ref[key]:>9.2f}")


if __name__ == "__main__":
    main()
