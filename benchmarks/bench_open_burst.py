"""A class opening one link at once: this checkout's server against another commit's, side by
side in one run on one machine.

    python -m benchmarks.bench_open_burst [--sessions 30] [--rounds 3] [--reference COMMIT]
                                          [--query preset=overfit-l2]

Each side is served from its own checkout (the reference unpacked with `git archive`, as
benchmarks/bench_charts_browser.py does) with this venv's Python, one at a time. Two sessions
open the link first, one after the other (the first trains its run; the run is then in the
server's cache). Then, `rounds` times, `sessions` websocket clients (benchmarks/ws_client.py:
Streamlit's own protocol, no browser: a student's browser runs on the student's machine) open
it at once. Prints, per side, the medians over the rounds of: the seconds until the median and
the last session had its finished run's status line (sent with its charts), and the server's
CPU milliseconds per session; and the ratios new / reference.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from benchmarks import serving, ws_client
from benchmarks.bench_charts_browser import unpack

# the last commit before the server kept a finished run's charts (ui/panels.py
# encoded_charts) and stopped collecting garbage after every script run (.streamlit/config.toml)
REFERENCE = "564e3f7"


def _done_after(run: ws_client.WsRun) -> float:
    """Seconds until the session's status line said the run had finished."""
    return next((t for t, text in run.progress if ws_client.DONE.search(text)), float("inf"))




def measure(root: Path, query: str, sessions: int, rounds: int) -> dict[str, float]:
    out: dict[str, list[float]] = {"median_s": [], "last_s": [], "cpu_ms": []}
    with serving.served(f"bench-burst-{root.name}.log", root=root) as srv:
        for _ in range(2):  # the run trained, then shown from the cache
            asyncio.run(ws_client.open_session(srv.url, query))
        for _ in range(rounds):
            cpu = serving.cpu_seconds(srv.pid)
            done = [_done_after(run) for run in
                    asyncio.run(ws_client.open_sessions(srv.url, query, sessions))]
            out["cpu_ms"].append((serving.cpu_seconds(srv.pid) - cpu) * 1000 / sessions)
            out["median_s"].append(statistics.median(done))
            out["last_s"].append(max(done))
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference", default=REFERENCE)
    parser.add_argument("--query", default="", help="the link's query string (default: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="burst-ref-") as tmp:
        ref = measure(unpack(args.reference, Path(tmp)), args.query, args.sessions, args.rounds)
    new = measure(serving.ROOT, args.query, args.sessions, args.rounds)
    print(f"{args.sessions} sessions open ?{args.query} at once, {args.rounds} rounds (medians)")
    print(f"{'':<40}{args.reference:>12}{'this':>10}{'new/ref':>9}")
    names = {"median_s": "median session: status line after (s)",
             "last_s": "last session: status line after (s)",
             "cpu_ms": "server CPU per session (ms)"}
    for key, name in names.items():
        print(f"{name:<40}{ref[key]:>12.2f}{new[key]:>10.2f}{new[key] / ref[key]:>9.2f}")


if __name__ == "__main__":
    main()
