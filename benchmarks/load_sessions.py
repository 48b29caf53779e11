"""Classroom load: N sessions open the default page of one served dashboard at once.

    python -m benchmarks.load_sessions --sessions 30                  # websocket clients
    python -m benchmarks.load_sessions --sessions 30 --seeds distinct # no two runs alike
    python -m benchmarks.load_sessions --sessions 30 --heavy 2        # 2 long runs among them
    python -m benchmarks.load_sessions --sessions 10 --client chromium
    python -m benchmarks.load_sessions --sessions 30 --sweeps 2      # two sweeps running too

Starts the real server on a free 127.0.0.1 port, opens N concurrent sessions and waits (bounded)
for every session's status line to report the finished run. A session is either a client of
Streamlit's own websocket protocol (`--client ws`, the default: benchmarks/ws_client.py; it costs
the machine almost nothing, as a student's browser runs on the student's machine) or a headless
Chromium context of one browser (`--client chromium`: the real frontend, but its rendering runs
on the server's cores too). Reports per-session completion time (median, p95), the server's peak
resident memory (VmHWM and polled VmRSS of the server process) and whether every session's
fingerprint equals `nncore.train(config).fingerprint()` of the same config computed alone in this
process. `--heavy K` makes the first K sessions long runs (100,000 epochs) and reports the
p95 of the others too. `--seeds distinct` gives session i the seed i + 1 (so no run can be
answered from another's result); `--rounds R` opens the N sessions R times, one round after the
other, and reports the resident memory of the server and its training workers after each
(sessions that closed must not pile up).
The server is always killed, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from benchmarks import serving, ws_client

PROGRESS = '[data-testid="stProgress"]'
DONE = ws_client.DONE
WAITING = ws_client.WAITING
MAX_SESSIONS = 60  # a bound on what this script will open at once
CLIENTS = ("ws", "chromium")


@dataclass
class Session:
    index: int
    query: str = ""                # the page's query string ("" = the default config)
    heavy: bool = False            # trains the HEAVY config (a long run)
    expected: str = ""             # fingerprint of the same config trained alone
    seconds: float | None = None   # from the round's start to the finished status line
    status: str = ""
    fingerprint: str = ""
    waited: bool = False           # the page showed the waiting-for-a-slot state
    first_status_s: float | None = None  # from the round's start to the first status line
    error: str = ""


@dataclass
class Report:
    sessions: int
    client: str
    seeds: str
    completed: int
    median_s: float
    p95_s: float
    max_s: float
    heavy: int                     # sessions that train the HEAVY config
    p95_default_s: float           # p95 over the other (default-config) sessions
    peak_rss_mb: float            # the server process
    peak_total_rss_mb: float      # the server and its training workers together
    server_cpu_s: float           # the server and its training workers
    client_cpu_s: float            # this process (ws) or every chromium process (chromium)
    machine_busy: float            # share of all cores busy during the run (0..1)
    fingerprints_equal: bool       # every session completed with its config's lone fingerprint
    fingerprint_mismatches: int    # finished sessions whose numbers differ from the lone run
    waited: int
    wall_s: float
    server_tracebacks: int         # "Traceback" lines in the server's log (should be none)
    rss_after_rounds_mb: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def lines(self) -> str:
        rounds = ""
        if len(self.rss_after_rounds_mb) > 1:
            rounds = (", server RSS after each round "
                      + " / ".join(f"{mb:.0f}" for mb in self.rss_after_rounds_mb) + " MB")
        return (f"sessions {self.sessions} ({self.client} clients, {self.seeds} seeds): "
                f"completed {self.completed}, "
                f"median {self.median_s:.2f} s, p95 {self.p95_s:.2f} s, max {self.max_s:.2f} s, "
                + (f"{self.heavy} heavy: p95 of the others {self.p95_default_s:.2f} s, "
                   if self.heavy else "") +
                f"server peak RSS {self.peak_rss_mb:.0f} MB "
                f"({self.peak_total_rss_mb:.0f} MB with its workers), "
                f"server CPU {self.server_cpu_s:.1f} s, "
                f"client CPU {self.client_cpu_s:.1f} s, machine busy {self.machine_busy:.0%}, "
                f"fingerprints equal {self.fingerprints_equal} "
                f"({self.fingerprint_mismatches} mismatched), "
                f"{self.waited} sessions showed the waiting state, wall {self.wall_s:.1f} s, "
                f"{self.server_tracebacks} tracebacks in the server log"
                + rounds)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


HEAVY = {"epochs": 100_000}  # a long run (workers.cost.is_long): ~11 s alone here


def plan(n: int, seeds: str, heavy: int = 0, epochs: int | None = None) -> list[Session]:
    """The sessions of one round and, for each, its config's fingerprint trained alone here.
    The first `heavy` sessions train the HEAVY config instead of the default; `epochs`: the
    others' epochs (None: the default config's)."""
    from nncore import TrainConfig, train

    if seeds not in ("same", "distinct"):
        raise ValueError(f"seeds must be 'same' or 'distinct'; got {seeds!r}")
    if not 0 <= heavy <= n:
        raise ValueError(f"heavy must be in 0..{n}; got {heavy}")
    alone: dict[tuple, str] = {}
    sessions = []
    for i in range(n):
        own = {"epochs": epochs} if epochs is not None else {}
        fields = {**(HEAVY if i < heavy else own), "seed": 0 if seeds == "same" else i + 1}
        key = tuple(sorted(fields.items()))
        if key not in alone:
            alone[key] = train(TrainConfig(**fields)).fingerprint()
        query = "&".join(f"{k}={v}" for k, v in fields.items() if (k, v) != ("seed", 0))
        sessions.append(Session(i, query=query, expected=alone[key], heavy=i < heavy))
    return sessions


def _finish(session: Session, text: str, seconds: float) -> None:
    match = DONE.search(text)
    session.seconds = seconds
    session.status, session.fingerprint = match.group(1), match.group(2)


async def _one_ws(url: str, session: Session, timeout_s: float, started: float,
                  hold: asyncio.Event) -> None:
    """One student as a websocket client; the connection stays open until `hold` is set."""
    def seen(run: ws_client.WsRun) -> None:
        match = run.done
        if match:
            _finish(session, match.group(0), run.done_s)
        else:
            session.error = run.exception or "the run ended without a finished status line"
        session.waited = run.waited
        session.first_status_s = run.progress[0][0] if run.progress else None

    try:
        await ws_client.open_session(url, session.query, timeout_s=timeout_s, started=started,
                                     hold=hold, on_finished=seen)
    except Exception as exc:  # a timeout or a dropped connection: reported, never raised
        if session.seconds is None and not session.error:
            first_line = (str(exc).splitlines() or [""])[0][:200]
            session.error = f"{type(exc).__name__}: {first_line}"


async def _one_chromium(browser, url: str, session: Session, timeout_s: float, started: float,
                        contexts: list) -> None:
    """One student in a Chromium context. The page stays open (connected to the server) until
    every session is done."""
    context = await browser.new_context(viewport={"width": 1024, "height": 700})
    contexts.append(context)
    try:
        page = await context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        await page.goto(f"{url}/?{session.query}" if session.query else url,
                        wait_until="commit")
        await page.wait_for_function(
            """([sel, waiting]) => {
                const el = document.querySelector(sel);
                const text = el ? el.innerText : '';
                if (el && window.__first === undefined) window.__first = Date.now();
                if (text.includes(waiting)) window.__waited = true;
                return /(Completed|Diverged|Stopped): .*fingerprint \\w+/.test(text);
            }""", arg=[PROGRESS, WAITING], timeout=timeout_s * 1000, polling=100)
        seconds = time.perf_counter() - started
        round_start_epoch = time.time() - seconds  # the round's start on the wall clock
        _finish(session, await page.locator(PROGRESS).first.inner_text(), seconds)
        session.waited = bool(await page.evaluate("window.__waited === true"))
        first = await page.evaluate("window.__first || null")
        session.first_status_s = first / 1000 - round_start_epoch if first else None
    except Exception as exc:  # a timeout or a crashed page: reported, never raised
        session.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


async def _drive_ws(url: str, sessions: list[Session], timeout_s: float) -> dict:
    hold = asyncio.Event()
    cpu0, (busy0, total0) = time.process_time(), serving.machine_cpu()
    started = time.perf_counter()
    tasks = [asyncio.ensure_future(_one_ws(url, s, timeout_s, started, hold))
             for s in sessions]
    deadline = started + timeout_s
    while (any(s.seconds is None and not s.error for s in sessions)
           and time.perf_counter() < deadline):
        await asyncio.sleep(0.05)
    usage = _usage(started, time.process_time() - cpu0, busy0, total0)
    hold.set()  # every session is done (or failed): the students close their pages
    await asyncio.gather(*tasks)
    return usage


async def _drive_chromium(url: str, sessions: list[Session], timeout_s: float) -> dict:
    from playwright.async_api import async_playwright

    contexts: list = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(**serving.launch_kwargs())
        try:
            before, (busy0, total0) = serving.chromium_cpu_seconds(), serving.machine_cpu()
            started = time.perf_counter()
            await asyncio.gather(*(_one_chromium(browser, url, s, timeout_s, started, contexts)
                                   for s in sessions))
            usage = _usage(started, serving.chromium_cpu_seconds() - before, busy0, total0)
            for context in contexts:
                await context.close()
        finally:
            await browser.close()
    return usage


def _usage(started: float, client_cpu_s: float, busy0: float, total0: float) -> dict:
    busy1, total1 = serving.machine_cpu()
    return {"wall_s": time.perf_counter() - started, "client_cpu_s": client_cpu_s,
            "machine_busy": (busy1 - busy0) / max(total1 - total0, 1e-9)}


def _drive(client: str, url: str, sessions: list[Session], timeout_s: float) -> dict:
    drive = _drive_ws if client == "ws" else _drive_chromium
    return asyncio.run(asyncio.wait_for(drive(url, sessions, timeout_s), timeout_s + 60))


SWEEP = "weight_l2%3D1e-05%3A0.1%3Alog%3A10%3Bseeds%3D5"  # 50 runs of the default config


@contextmanager
def sweeps_running(url: str, k: int):
    """`k` Sweep pages in headless Chromium, each running a 50-run sweep, for the block (in a
    thread of their own: Playwright's sync API keeps an event loop in its thread)."""
    if k == 0:
        yield
        return
    import threading

    ready, done, failed = threading.Event(), threading.Event(), []

    def drive() -> None:
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(**serving.launch_kwargs())
                try:
                    for _ in range(k):
                        page = browser.new_page(viewport={"width": 1200, "height": 900})
                        page.set_default_timeout(60_000)
                        page.goto(f"{url}/sweep?sweep={SWEEP}")
                        page.get_by_role("button", name="Run sweep").click()
                        page.wait_for_function(
                            "(sel) => /Sweeping: /.test("
                            "document.querySelector(sel)?.innerText || '')", arg=PROGRESS)
                    ready.set()
                    done.wait(600)
                finally:
                    browser.close()
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            failed.append(exc)
            ready.set()

    thread = threading.Thread(target=drive, daemon=True)
    thread.start()
    ready.wait(120)
    if failed:
        raise RuntimeError(f"the sweeps did not start: {failed[0]}")
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=30)


def run_load(n: int, *, client: str = "ws", seeds: str = "same", heavy: int = 0, rounds: int = 1,
             timeout_s: float = 120.0, env: dict | None = None,
             log_name: str = "load-server.log", settle_s: float = 0.0,
             sweeps: int = 0, epochs: int | None = None) -> tuple[Report, list[Session]]:
    """Serve, open `n` sessions at once (`rounds` times), measure; the server is always
    stopped afterwards. The report's times and CPU are those of the first round; its
    `rss_after_rounds_mb` has the server's resident memory after each round (taken
    `settle_s` seconds after the round's sessions closed)."""
    if not 1 <= n <= MAX_SESSIONS:
        raise ValueError(f"sessions must be in 1..{MAX_SESSIONS}; got {n}")
    if client not in CLIENTS:
        raise ValueError(f"client must be one of {', '.join(CLIENTS)}; got {client!r}")
    if not 1 <= rounds <= 10:
        raise ValueError(f"rounds must be in 1..10; got {rounds}")
    sessions = plan(n, seeds, heavy, epochs)  # the lone runs, before the server starts
    after_rounds = []
    with serving.served(log_name, env=env, poll_rss_s=0.2) as server, \
            sweeps_running(server.url, sweeps):
        cpu0 = serving.tree_cpu_seconds(server.pid)
        usage = _drive(client, server.url, sessions, timeout_s)
        cpu = serving.tree_cpu_seconds(server.pid) - cpu0
        for _ in range(rounds):
            if after_rounds:  # later rounds: fresh sessions, same configs
                _drive(client, server.url, plan(n, seeds, heavy, epochs), timeout_s)
            time.sleep(settle_s)
            after_rounds.append(serving.tree_rss_kb(server.pid) / 1024)
        peak, peak_total = serving.peak_rss_mb(server), serving.peak_tree_rss_mb(server)
    tracebacks = server.log_path.read_text(errors="replace").count("Traceback")
    times = [s.seconds for s in sessions if s.seconds is not None and s.status == "Completed"]
    report = Report(
        sessions=n, client=client, seeds=seeds, completed=len(times),
        median_s=statistics.median(times) if times else float("nan"),
        p95_s=percentile(times, 95), max_s=max(times) if times else float("nan"),
        heavy=heavy, p95_default_s=percentile(
            [s.seconds for s in sessions if s.seconds is not None and not s.heavy], 95),
        peak_rss_mb=peak, peak_total_rss_mb=peak_total, server_cpu_s=cpu,
        client_cpu_s=usage["client_cpu_s"],
        machine_busy=usage["machine_busy"],
        fingerprints_equal=all(s.fingerprint == s.expected for s in sessions),
        fingerprint_mismatches=sum(bool(s.fingerprint) and s.fingerprint != s.expected
                                   for s in sessions),
        waited=sum(s.waited for s in sessions), wall_s=usage["wall_s"],
        server_tracebacks=tracebacks,
        rss_after_rounds_mb=after_rounds,
        errors=[f"session {s.index}: {s.error}" for s in sessions if s.error])
    return report, sessions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions")
    parser.add_argument("--client", choices=CLIENTS, default="ws",
                        help="websocket-protocol clients (default) or headless Chromium pages")
    parser.add_argument("--seeds", choices=("same", "distinct"), default="same",
                        help="every session the default config, or session i seed i + 1")
    parser.add_argument("--heavy", type=int, default=0,
                        help="this many sessions train 100,000 epochs (a long run) instead")
    parser.add_argument("--sweeps", type=int, default=0,
                        help="this many Sweep pages run a 50-run sweep meanwhile (Chromium)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="open the sessions this many times; RSS is reported after each")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait after a round's sessions closed before reading RSS")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds each session may take before it counts as failed")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.client == "chromium":
        reason = serving.browser_missing()
        if reason:
            print(f"cannot run: {reason}", file=sys.stderr)
            return 2
    try:
        report, sessions = run_load(args.sessions, client=args.client, seeds=args.seeds,
                                    heavy=args.heavy,
                                    rounds=args.rounds, timeout_s=args.timeout,
                                    settle_s=args.settle, sweeps=args.sweeps)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({**asdict(report), "per_session": [asdict(s) for s in sessions]},
                         indent=2))
    else:
        for s in sessions:
            shown = f"{s.seconds:6.2f} s" if s.seconds is not None else "   --   "
            first = f"{s.first_status_s:6.2f} s" if s.first_status_s is not None else "   --   "
            mark = "" if s.fingerprint == s.expected else f"(expected {s.expected})"
            print(f"session {s.index:2d}: {shown} (status line after {first}) "
                  f"{s.status:9s} {s.fingerprint} {mark} "
                  f"{'waited' if s.waited else ''} {s.error}")
        print(report.lines())
    ok = (report.completed == args.sessions and report.fingerprints_equal
          and not report.server_tracebacks)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
