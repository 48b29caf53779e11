"""Serve the real dashboard on a free loopback port and drive Debian's headless Chromium.

Shared by the real-browser tests (tests/e2e), the load test (tests/load) and the load benchmark
(`python -m benchmarks.load_sessions`). Loopback only; bounded waits; the server is always killed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "artifacts"  # gitignored


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"no healthy server at {url} after {timeout:.0f} s")


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log_path: Path
    rss_samples: list[int] = field(default_factory=list)  # polled VmRSS in kB
    tree_rss_samples: list[int] = field(default_factory=list)  # ... of it and its children

    @property
    def pid(self) -> int:
        return self.proc.pid


def proc_status_kb(pid: int, key: str) -> int | None:
    """A `key:` line (VmRSS, VmHWM, ...) of /proc/<pid>/status in kB, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb(server: Server) -> float:
    """The server's peak resident memory so far: VmHWM, or the largest polled VmRSS."""
    hwm = proc_status_kb(server.pid, "VmHWM") or 0
    return max([hwm, *server.rss_samples]) / 1024


def peak_tree_rss_mb(server: Server) -> float:
    """The largest polled sum of VmRSS over the server and its child processes (the training
    workers), at least the server's own peak."""
    return max([*server.tree_rss_samples, 0]) / 1024 or peak_rss_mb(server)


def children(pid: int) -> list[int]:
    """Every descendant process of `pid` (from /proc/<n>/stat's parent field)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, p in parents.items() if p == parent]
        found += kids
        frontier += kids
    return found


def tree_rss_kb(pid: int) -> int:
    """VmRSS of `pid` plus every descendant's, in kB."""
    return sum(proc_status_kb(p, "VmRSS") or 0 for p in [pid, *children(pid)])


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid` and its living descendants (the workers live as long as it)."""
    return sum(cpu_seconds(p) for p in [pid, *children(pid)])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (its threads included)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


def chromium_cpu_seconds() -> float:
    """CPU seconds used so far by every running chromium process (browser, GPU, renderers)."""
    total = 0.0
    for status in Path("/proc").glob("[0-9]*/comm"):
        try:
            if status.read_text().strip() == "chromium":
                total += cpu_seconds(int(status.parent.name))
        except (OSError, ValueError):
            continue
    return total


@contextmanager
def served(log_name: str = "server.log", *, env: dict | None = None, startup_s: float = 60.0,
           poll_rss_s: float | None = None, port: int | None = None,
           root: Path = ROOT) -> Iterator[Server]:
    """`streamlit run dashboard.py` on 127.0.0.1:<free port>; terminated (then killed) on exit.

    The server inherits this environment; OPENBLAS_NUM_THREADS is deliberately *not* forced here
    (the dashboard limits BLAS threads itself). With `poll_rss_s`, VmRSS is sampled that often.
    `port`: serve on this one (a server restarted on the same address), else a free one.
    `root`: the checkout to serve (another commit's, unpacked, for a side-by-side benchmark).
    """
    port = port or free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    full_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=root, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", proc, log_path)
        stop = threading.Event()
        poller = None
        if poll_rss_s:
            def poll() -> None:
                while not stop.wait(poll_rss_s):
                    kb = proc_status_kb(proc.pid, "VmRSS")
                    if kb:
                        server.rss_samples.append(kb)
                        server.tree_rss_samples.append(tree_rss_kb(proc.pid))
            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
        try:
            wait_healthy(server.url, proc, startup_s)
            yield server
        finally:
            stop.set()
            if poller is not None:
                poller.join(timeout=5)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@contextmanager
def busy_processes(n: int, seconds: float = 120.0) -> Iterator[list[subprocess.Popen]]:
    """`n` processes that spin on a core each (a classroom's other work), for at most
    `seconds` (each ends itself then, even if this process dies) or until the block ends."""
    spin = ("import time\nend = time.monotonic() + " + repr(float(seconds))
            + "\nwhile time.monotonic() < end: pass")
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(n)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait(timeout=10)


def browser_missing() -> str | None:
    """Why no real browser can be driven here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def launch_kwargs() -> dict:
    """Debian's chromium for Playwright's `chromium.launch` (never `playwright install`)."""
    return {"executable_path": str(CHROMIUM), "args": list(CHROMIUM_ARGS)}


# A chart of the page (ui/canvas.py's component) once plotly.js has drawn it, and what it has
# drawn: the count of its marks (curve and band paths, points, bars, the regions' image) that
# have a shape; 0 while it is blank.
CHART = ".lab-chart[data-drawn]"
MARKS = """(c) => {
    const r = c.getBoundingClientRect();
    if (!c.dataset.drawn || r.width < 50 || r.height < 50) return 0;
    let n = 0;
    for (const m of c.querySelectorAll('.scatterlayer path, .barlayer path, svg image')) {
        const d = m.getAttribute('d'), h = m.getAttribute('href') || m.getAttribute('xlink:href');
        if ((d && d.length > 8 && d !== 'M0,0Z') || (h && h.length > 30)) n++;
    }
    return n;
}"""


def ink(page, selector: str) -> int:
    """Pixels of the first element matching `selector` that are not white (or nearly), from a
    screenshot of it (Pillow: a dependency of streamlit)."""
    import io

    import numpy as np
    from PIL import Image

    shot = page.locator(selector).first.screenshot()
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)
    return int(np.sum(~np.all(rgb > 234, axis=-1)))
