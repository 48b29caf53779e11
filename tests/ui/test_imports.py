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


def test_figure_code_imports_pandas_before_any_figure_is_built():
    # Plotly imports pandas lazily on first use; two sessions' threads racing through that
    # import saw a half-initialised pandas. ui.figures (and so every page) imports it up front.
    assert "pandas" in _modules_after("import ui.figures")
    assert "pandas" in _modules_after("import ui.panels")


def test_training_workers_import_neither_streamlit_nor_pandas_nor_plotly():
    loaded = _modules_after("import ui.trainer")
    assert not {"streamlit", "pandas", "plotly"} & loaded
