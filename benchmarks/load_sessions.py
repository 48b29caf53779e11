"""Classroom load: N browser sessions open the default page of one served dashboard at once.

    python -m benchmarks.load_sessions --sessions 30

Starts the real server on a free 127.0.0.1 port, opens N concurrent headless Chromium contexts
from one browser, each loading the default page, and waits (bounded) for every session's status
line to report the finished run. Reports per-session completion time (median, p95), the server's
peak resident memory (VmHWM and polled VmRSS of the server process) and whether every session's
fingerprint equals `nncore.train(TrainConfig()).fingerprint()` computed alone in this process.
The server is always killed, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass

from benchmarks import serving

PROGRESS = '[data-testid="stProgress"]'
DONE = re.compile(r"(Completed|Diverged|Stopped): .*fingerprint (\w+)")
WAITING = "Waiting for a free training slot"
MAX_SESSIONS = 60  # a bound on what this script will open at once


@dataclass
class Session:
    index: int
    seconds: float | None = None   # from navigation start to the finished status line
    status: str = ""
    fingerprint: str = ""
    waited: bool = False           # the page showed the waiting-for-a-slot state
    first_status_s: float | None = None  # from navigation start to the first status line
    error: str = ""


@dataclass
class Report:
    sessions: int
    completed: int
    median_s: float
    p95_s: float
    max_s: float
    peak_rss_mb: float
    server_cpu_s: float
    browser_cpu_s: float
    machine_busy: float            # share of all cores busy during the run (0..1)
    expected_fingerprint: str
    fingerprints_equal: bool       # every session completed with the expected fingerprint
    fingerprint_mismatches: int    # finished sessions whose numbers differ from the lone run
    waited: int
    wall_s: float
    errors: list

    def lines(self) -> str:
        return (f"sessions {self.sessions}: completed {self.completed}, "
                f"median {self.median_s:.2f} s, p95 {self.p95_s:.2f} s, max {self.max_s:.2f} s, "
                f"server peak RSS {self.peak_rss_mb:.0f} MB, server CPU {self.server_cpu_s:.1f} s, "
                f"browser CPU {self.browser_cpu_s:.1f} s, machine busy {self.machine_busy:.0%}, "
                f"fingerprints equal "
                f"{self.fingerprints_equal} (expected {self.expected_fingerprint}), "
                f"{self.waited} sessions showed the waiting state, wall {self.wall_s:.1f} s")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


def expected_fingerprint() -> str:
    from nncore import TrainConfig, train

    return train(TrainConfig()).fingerprint()


async def _one(browser, url: str, session: Session, timeout_s: float, started: float,
               contexts: list) -> None:
    """One student: open the default page, wait for the finished run. The page stays open
    (connected to the server) until every session is done."""
    context = await browser.new_context(viewport={"width": 1024, "height": 700})
    contexts.append(context)
    try:
        page = await context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        t0 = time.time()
        await page.goto(url, wait_until="commit")
        await page.wait_for_function(
            """([sel, waiting]) => {
                const el = document.querySelector(sel);
                const text = el ? el.innerText : '';
                if (el && window.__first === undefined) window.__first = Date.now();
                if (text.includes(waiting)) window.__waited = true;
                return /(Completed|Diverged|Stopped): .*fingerprint \\w+/.test(text);
            }""", arg=[PROGRESS, WAITING], timeout=timeout_s * 1000, polling=100)
        session.seconds = time.perf_counter() - started
        text = await page.locator(PROGRESS).first.inner_text()
        match = DONE.search(text)
        session.status, session.fingerprint = match.group(1), match.group(2)
        session.waited = bool(await page.evaluate("window.__waited === true"))
        first = await page.evaluate("window.__first || null")
        session.first_status_s = first / 1000 - t0 if first else None
    except Exception as exc:  # a timeout or a crashed page: reported, never raised
        session.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


async def _drive(url: str, n: int, timeout_s: float) -> tuple[list[Session], dict]:
    """The sessions, and (until the last one finished) the wall time, the CPU seconds the
    browser's processes used and the share of the machine's cores that were busy."""
    from playwright.async_api import async_playwright

    sessions = [Session(i) for i in range(n)]
    contexts: list = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(**serving.launch_kwargs())
        try:
            before, (busy0, total0) = serving.chromium_cpu_seconds(), serving.machine_cpu()
            started = time.perf_counter()
            await asyncio.gather(*(_one(browser, url, s, timeout_s, started, contexts)
                                   for s in sessions))
            busy1, total1 = serving.machine_cpu()
            usage = {"wall_s": time.perf_counter() - started,
                     "browser_cpu_s": serving.chromium_cpu_seconds() - before,
                     "machine_busy": (busy1 - busy0) / max(total1 - total0, 1e-9)}
            for context in contexts:
                await context.close()
        finally:
            await browser.close()
    return sessions, usage


def run_load(n: int, *, timeout_s: float = 120.0, env: dict | None = None,
             log_name: str = "load-server.log") -> tuple[Report, list[Session]]:
    """Serve, open `n` sessions at once, measure; the server is always stopped afterwards."""
    if not 1 <= n <= MAX_SESSIONS:
        raise ValueError(f"sessions must be in 1..{MAX_SESSIONS}; got {n}")
    expected = expected_fingerprint()  # alone, before the server starts
    with serving.served(log_name, env=env, poll_rss_s=0.2) as server:
        sessions, usage = asyncio.run(asyncio.wait_for(_drive(server.url, n, timeout_s),
                                                       timeout_s + 60))
        peak = serving.peak_rss_mb(server)
        cpu = serving.cpu_seconds(server.pid)
    times = [s.seconds for s in sessions if s.seconds is not None and s.status == "Completed"]
    report = Report(
        sessions=n, completed=len(times),
        median_s=statistics.median(times) if times else float("nan"),
        p95_s=percentile(times, 95), max_s=max(times) if times else float("nan"),
        peak_rss_mb=peak, server_cpu_s=cpu, browser_cpu_s=usage["browser_cpu_s"],
        machine_busy=usage["machine_busy"], expected_fingerprint=expected,
        fingerprints_equal=all(s.fingerprint == expected for s in sessions),
        fingerprint_mismatches=sum(bool(s.fingerprint) and s.fingerprint != expected
                                   for s in sessions),
        waited=sum(s.waited for s in sessions), wall_s=usage["wall_s"],
        errors=[f"session {s.index}: {s.error}" for s in sessions if s.error])
    return report, sessions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent browser sessions")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds each session may take before it counts as failed")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    reason = serving.browser_missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    report, sessions = run_load(args.sessions, timeout_s=args.timeout)
    if args.json:
        print(json.dumps({**asdict(report), "per_session": [asdict(s) for s in sessions]},
                         indent=2))
    else:
        for s in sessions:
            shown = f"{s.seconds:6.2f} s" if s.seconds is not None else "   --   "
            first = f"{s.first_status_s:6.2f} s" if s.first_status_s is not None else "   --   "
            print(f"session {s.index:2d}: {shown} (status line after {first}) "
                  f"{s.status:9s} {s.fingerprint} "
                  f"{'waited' if s.waited else ''} {s.error}")
        print(report.lines())
    ok = (report.completed == args.sessions and report.fingerprints_equal)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
