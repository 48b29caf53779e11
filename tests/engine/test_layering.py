"""Architecture rules: dependencies point one way (pages -> ui -> {workers, nncore}; workers ->
nncore), and nothing touches the global RNG."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [ROOT / "nncore", ROOT / "workers", ROOT / "ui", ROOT / "pages", ROOT / "dashboard.py"]
GLOBAL_RNG = re.compile(r"np\.random\.(seed|rand|randn|random|binomial|normal|uniform|choice|"
                        r"shuffle|permutation|randint|standard_normal)\(|nnfs\.init\(")


def _sources(paths):
    for p in paths:
        if p.is_dir():
            yield from p.rglob("*.py")
        elif p.exists():
            yield p


def _loaded_in_a_fresh_interpreter(modules: str, banned: tuple[str, ...]) -> list[str]:
    """The modules of the `banned` top-level packages that importing `modules` loads."""
    code = (f"import sys, {modules}; "
            f"print([m for m in sys.modules if m.split('.')[0] in {banned!r}])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout)  # noqa: S307 - a list of module names printed by the line above


def test_nncore_does_not_import_ui_packages():
    assert _loaded_in_a_fresh_interpreter(
        "nncore, nncore.cli, nncore.gradcheck",
        ("streamlit", "plotly", "pandas", "ui", "pages", "workers")) == []


def test_no_global_rng_or_nnfs_init_in_product_code():
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in _sources(PRODUCT)
            for i, line in enumerate(p.read_text().splitlines(), 1) if GLOBAL_RNG.search(line)]
    assert hits == []


def test_no_pickle_in_product_code():
    hits = [str(p.relative_to(ROOT)) for p in _sources(PRODUCT)
            if re.search(r"\bpickle\b|allow_pickle\s*=\s*True", p.read_text())]
    assert hits == []


def _imports(path: Path) -> set[str]:
    import ast
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


# The project's packages each may import (beside itself; relative imports stay inside it).
PROJECT = {"nncore", "workers", "ui", "pages"}
MAY_IMPORT = {"nncore": set(), "workers": {"nncore"}, "ui": {"workers", "nncore"},
              "pages": {"ui"}}
# workers/ is the server's training processes: the engine, numpy and the standard library
# (threadpoolctl limits BLAS threads); never streamlit, plotly, pandas or a UI package.
WORKERS_THIRD_PARTY = {"numpy", "threadpoolctl"}


def test_each_package_imports_only_the_packages_below_it():
    found = []
    for package, allowed in MAY_IMPORT.items():
        for path in (ROOT / package).rglob("*.py"):
            bad = (_imports(path) & PROJECT) - allowed - {package}
            found += [f"{path.relative_to(ROOT)}: {name}" for name in sorted(bad)]
    bad = (_imports(ROOT / "dashboard.py") & PROJECT) - {"ui"}
    found += [f"dashboard.py: {name}" for name in sorted(bad)]
    assert not found, found


def test_workers_import_the_engine_numpy_and_the_standard_library_only():
    allowed = set(sys.stdlib_module_names) | WORKERS_THIRD_PARTY | {"nncore", "workers"}
    found = [f"{path.relative_to(ROOT)}: {name}" for path in (ROOT / "workers").rglob("*.py")
             for name in sorted(_imports(path) - allowed)]
    assert not found, found
    modules = ", ".join(f"workers.{p.stem}" for p in (ROOT / "workers").glob("*.py")
                        if p.stem != "__init__")
    assert _loaded_in_a_fresh_interpreter(
        modules, ("streamlit", "plotly", "pandas", "ui", "pages")) == []


def test_pages_use_ui_not_the_engine_and_charts_do_not_use_streamlit():
    for page in [*(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"]:
        assert not {"nncore", "workers"} & _imports(page), page.name
    builders = sorted((ROOT / "ui" / "charts").glob("*.py"))
    assert len(builders) >= 5, builders  # __init__, common and one module per subject
    found = [str(p.relative_to(ROOT)) for p in builders if "streamlit" in _imports(p)]
    assert not found, found  # ui/charts/ builds specs; ui/canvas.py draws them
    modules = ", ".join(f"ui.charts.{p.stem}" for p in builders if p.stem != "__init__")
    # not even through what they import
    assert _loaded_in_a_fresh_interpreter(modules, ("streamlit",)) == []


def test_every_page_script_leaves_the_legacy_pages_mode_first():
    """A pages/ folder starts Streamlit's old multipage mode (ui/legacy_pages.py): the
    entrypoint and every page call the guard before any other Streamlit call."""
    import ast
    for script in [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]:
        body = [n for n in ast.parse(script.read_text()).body
                if not isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        first = body[0]
        assert (isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)
                and getattr(first.value.func, "id", "") == "leave_legacy_pages_mode"), script.name


def test_streamlit_internals_are_used_in_ui_internals_only():
    """`import streamlit as st` is the public API; any other streamlit module (runtime, script
    runner, pages manager) and the names that reach into it are used in ui/internals.py only,
    which says which Streamlit it was written against and why each is needed."""
    import ast
    names = {"Runtime", "PagesManager", "get_script_run_ctx", "add_script_run_ctx",
             "StopException", "RerunException"}
    found = []
    for path in [*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
                 ROOT / "dashboard.py"]:
        if path == ROOT / "ui" / "internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                used = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                used = [node.module or ""]
            else:  # a name, an attribute, or a string compared with a class's name
                used = [getattr(node, "id", None) or getattr(node, "attr", None)
                        or (node.value if isinstance(node, ast.Constant) else None)]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in used
                      if isinstance(n, str) and (n in names or (
                          n.startswith("streamlit.") and not n.startswith("streamlit.components")))]
    assert not found, found
