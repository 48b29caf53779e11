"""`python -m nncore sweep`: run a sweep from the terminal; progress on stderr, a table or JSON
on stdout, every run's row in a CSV with --out."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import sys
import time

from ..cliflags import add_config_flags, add_preset_flag, config_from_args
from .cluster import SCHEDULER_ENV, scheduler_from_env
from .executor import Sweep, run_sweep
from .local import local_jobs, usable_cores
from .presets import SWEEP_PRESETS
from .run import best_point
from .spec import MAX_RUNS, make_spec

BAR = 30


def add_sweep_parser(sub) -> None:
    """The `sweep` subcommand on the `python -m nncore` subparsers `sub`."""
    p = sub.add_parser("sweep", help="train a grid of configurations over several seeds",
                       description=__doc__)
    add_preset_flag(p, "base config: a named preset")
    p.add_argument("--sweep-preset", choices=sorted(SWEEP_PRESETS),
                   help="a named sweep (base, varied field, seeds); flags below override it")
    p.add_argument("--vary", action="append", metavar="FIELD=SPEC", default=[],
                   help="a varied field, once or twice: FIELD=LO:HI:log:N, FIELD=LO:HI:lin:N "
                        "or FIELD=V1,V2,...")
    p.add_argument("--seeds", metavar="K", help="runs per grid point, seeds seed..seed+K-1")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="local worker processes (default: one per usable core; never more "
                        "than the runs or the usable cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help=f"a Dask scheduler, tcp://HOST:8786 (default: ${SCHEDULER_ENV}; "
                        "'local' runs locally even when it is set)")
    p.add_argument("--json", action="store_true", help="print one JSON document at the end")
    p.add_argument("--out", metavar="FILE.csv", help="also write every run's row to a CSV file")
    add_config_flags(p)


def spec_from_args(args: argparse.Namespace):
    """The SweepSpec the flags describe (ValueError naming what is wrong)."""
    preset = SWEEP_PRESETS.get(args.sweep_preset) if args.sweep_preset else None
    base = config_from_args(args, preset.base if preset else None)
    axes = args.vary or (list(preset.axes) if preset else [])
    if not axes:
        raise ValueError("give a varied field: --vary FIELD=LO:HI:log:N (or --sweep-preset NAME; "
                         f"presets: {', '.join(SWEEP_PRESETS)})")
    seeds = args.seeds if args.seeds is not None else (preset.seeds if preset else 1)
    return make_spec(base, axes, seeds)


def _progress(stream, start: float):
    tty = stream.isatty()

    def show(row: dict, sweep: Sweep) -> None:
        filled = BAR * sweep.done // sweep.total
        line = (f"[{'#' * filled}{'.' * (BAR - filled)}] {sweep.done}/{sweep.total} runs, "
                f"{time.perf_counter() - start:.1f} s")
        end = "\n" if not tty or sweep.done == sweep.total else ""
        print(("\r" if tty else "") + line, end=end, file=stream, flush=True)
    return show


def _cell(x, digits: int = 4) -> str:
    if isinstance(x, float):
        return "-" if math.isnan(x) else f"{x:.{digits}g}"
    return str(x)


def summary_table(result) -> str:
    """One line per grid point: varied fields, completed runs, the means (± std over seeds)."""
    fields = [a.field for a in result.spec.axes]
    best = best_point(result.summary)
    head = [*fields, "runs", "val_loss", "± std", "val_acc", "± std", "train_loss", "reg_loss",
            "w~0", "best"]
    lines = [head]
    for e in result.summary:
        lines.append([*(_cell(e[f]) for f in fields), f"{e['completed']}/{e['runs']}",
                      *(_cell(e[k], 3) for k in ("val_loss_mean", "val_loss_std",
                                                 "val_accuracy_mean", "val_accuracy_std",
                                                 "data_loss_mean", "reg_loss_mean",
                                                 "near_zero_weights_mean")),
                      "*" if e["point"] == best else ""])
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                     for row in lines)


def write_csv(f, runs: list[dict]) -> None:
    """Every run's row; hidden layer sizes as one cell "128,128"."""
    writer = csv.DictWriter(f, fieldnames=list(runs[0]) if runs else ["index"])
    writer.writeheader()
    for row in runs:
        writer.writerow({k: ",".join(map(str, v)) if isinstance(v, list) else v
                         for k, v in row.items()})


def run_sweep_command(args: argparse.Namespace) -> int:
    """Exit 0 when the sweep ran (diverged runs are results), 1 if a run failed, 2 on bad
    arguments or no cluster; every error is one line on stderr."""
    scheduler = args.scheduler if args.scheduler is not None else scheduler_from_env()
    scheduler = None if scheduler in ("", "local") else scheduler
    try:
        spec = spec_from_args(args)
        if args.jobs is not None and not 1 <= args.jobs <= MAX_RUNS:
            raise ValueError(f"--jobs must be in [1, {MAX_RUNS}]; got {args.jobs}")
        out = open(args.out, "w", newline="") if args.out else None  # a bad path fails first
        with out or contextlib.nullcontext():
            if scheduler is None and args.jobs is not None:
                jobs = local_jobs(spec.n_runs, args.jobs)
                if jobs < args.jobs:  # one line, before the progress
                    print(f"--jobs {args.jobs}: starting {jobs} worker processes "
                          f"({spec.n_runs} runs, {usable_cores()} usable cores)", file=sys.stderr)
            result = run_sweep(spec, jobs=args.jobs, scheduler=scheduler,
                               on_row=_progress(sys.stderr, time.perf_counter()))
            if out:
                write_csv(out, result.runs)
    except ConnectionError as e:
        where = "" if args.scheduler is not None else (f" (the address is ${SCHEDULER_ENV}'s; "
                                                        "--scheduler local runs here)")
        print(f"error: {e}{where}", file=sys.stderr)
        return 2
    except (ValueError, ImportError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the sweep's exit cancelled the runs not started
        print("\ninterrupted: the sweep was stopped", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(summary_table(result))
    return 1 if any(r["status"] == "error" for r in result.runs) else 0
