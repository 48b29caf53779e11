"""Import-time facts that concurrency depends on (checked in fresh interpreters)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}; import sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    return set(out.stdout.split())


def test_page_code_imports_pandas_before_any_session_needs_it():
    # A lazy first import of pandas in one session's thread was seen half-initialised by
    # another's: ui.panels (and so the Playground page) imports it up front.
    assert "pandas" in _modules_after("import ui.panels")


def test_training_workers_import_neither_streamlit_nor_pandas_nor_plotly():
    loaded = _modules_after("import workers.worker")
    assert not {"streamlit", "pandas", "plotly"} & loaded
