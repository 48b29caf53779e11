"""Local worker processes: how many, and the loky pool that runs them (one BLAS thread each)."""

from __future__ import annotations

import concurrent.futures as cf
import os

# Set in each local worker before numpy loads: one BLAS thread per process, one process a core.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def usable_cores() -> int:
    """Cores this process may run on (a container's or taskset's limit, not the host's; off
    Linux, where there is no affinity call, every core)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # macOS, Windows
        return os.cpu_count() or 1


def local_jobs(runs: int, jobs: int | None = None) -> int:
    """Local worker processes for `runs` runs: `jobs` (default: every usable core), but never
    more than the runs or the usable cores (a process more would only wait or share a core)."""
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1; got {jobs}")
    return max(1, min(jobs or usable_cores(), runs, usable_cores()))


def local_executor(jobs: int | None = None) -> cf.Executor:
    """A pool of `jobs` worker processes (default: one per usable core), one BLAS thread each.

    loky, not the standard library's ProcessPoolExecutor: with spawn or forkserver the standard
    pool makes every worker re-run the parent's `__main__` from its file, and inside a Streamlit
    server `sys.modules["__main__"]` is the page script being run (the script runner installs
    it there), so each worker would run the page; fork is unsafe in a server full of threads.
    loky starts clean interpreters (fork+exec) that do not import the parent's main module
    (tests/engine/test_sweep.py checks it with a script that has no main guard).
    """
    from loky import ProcessPoolExecutor

    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1; got {jobs}")
    return ProcessPoolExecutor(max_workers=jobs or usable_cores(), env=ONE_BLAS_THREAD)
