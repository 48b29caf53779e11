"""What a user sends can neither read nor write server files nor run code: no file access in
the UI layer or the server's training processes (workers/), which start one fixed command,
uploads parsed only as numbers by nncore.load_csv, and a hardened server config."""

import ast
import re
from pathlib import Path

import pytest

from ui import upload

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = [*sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py")),
            ROOT / "dashboard.py"]
WORKER_FILES = sorted((ROOT / "workers").glob("*.py"))  # the server's training processes
SERVED_FILES = [*UI_FILES, *WORKER_FILES]

# Calls that open, read, write or execute something; none belongs in the served code.
FORBIDDEN_NAMES = {"open", "eval", "exec", "compile", "__import__", "input", "breakpoint"}
FORBIDDEN_ATTRS = {"read_text", "read_bytes", "write_text", "write_bytes", "open", "unlink",
                   "rmdir", "mkdir", "system", "popen", "load",
                   "loads", "fromfile", "tofile", "loadtxt", "genfromtxt", "read_csv",
                   "read_json", "read_pickle", "to_pickle", "save", "savez", "spawn", "run"}
FORBIDDEN_MODULES = {"os", "subprocess", "pickle", "shelve", "marshal", "shutil", "importlib",
                     "tempfile", "socket", "ctypes", "builtins", "runpy", "dill", "joblib",
                     "multiprocessing", "concurrent"}
ALLOWED_ATTR_CALLS = {("page", "run"), ("json", "loads"), ("json", "dumps")}


def _calls(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _owner(func: ast.Attribute) -> str:
    value = func.value
    return value.id if isinstance(value, ast.Name) else type(value).__name__


def test_the_served_code_never_opens_reads_writes_or_executes():
    found = []
    for path in SERVED_FILES:
        name = path.relative_to(ROOT)
        for call in _calls(path):
            func = call.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
                found.append(f"{name}:{call.lineno} {func.id}()")
            elif (isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_ATTRS
                  and (_owner(func), func.attr) not in ALLOWED_ATTR_CALLS):
                found.append(f"{name}:{call.lineno} .{func.attr}()")
    assert WORKER_FILES and not found, found


def test_the_served_code_imports_no_file_process_or_serialisation_modules():
    found = []
    for path in SERVED_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in FORBIDDEN_MODULES]
    # The UI layer imports none of them. workers/worker.py starts the training workers
    # (checked below); workers/executor.py subclasses concurrent.futures' Executor and makes
    # Futures (it starts no process: its runs go to the training workers). ui/internals.py
    # names socket's constants to set TCP_NODELAY on the server's own connections (it opens
    # no socket: tcp_nodelay).
    found = [f for f in found
             if f not in ("workers/worker.py: multiprocessing", "workers/worker.py: subprocess",
                          "workers/executor.py: concurrent", "ui/internals.py: socket")]
    assert not found, found
    executor = (ROOT / "workers" / "executor.py").read_text()
    assert set(re.findall(r"\bcf\.(\w+)", executor)) == {"Executor", "Future"}


def test_the_training_workers_run_only_this_projects_code_and_hear_only_from_the_server():
    """workers/worker.py starts one fixed command, `python -m workers.worker <fd>` (no shell,
    nothing from the user in it), and talks to it over an anonymous pipe made by the server:
    the only pickles in the app, both ends this project's own processes (uploads were parsed
    into numbers before); no listening address anyone else could connect to."""
    source = (ROOT / "workers" / "worker.py").read_text()
    starts = re.findall(r"subprocess\.Popen\((\[[^\]]*\])", source)
    assert starts == ['[sys.executable, "-m", "workers.worker", str(fd)]'], starts
    assert 'if __name__ == "__main__":' in source  # the command runs this very module
    assert "shell=" not in source and "os.system" not in source
    assert re.findall(r"multiprocessing\.Pipe\(", source) and "Listener" not in source
    assert "Client(" not in source and "address" not in source


def test_uploads_are_read_only_in_ui_upload_and_parsed_only_by_nncore_load_csv():
    readers = [f"{p.name}:{c.lineno}" for p in UI_FILES for c in _calls(p)
               if isinstance(c.func, ast.Attribute)
               and c.func.attr in ("getvalue", "getbuffer", "read", "readlines")
               and _owner(c.func) != "buffer"]  # (io.StringIO buffers the app writes itself)
    assert [r.split(":")[0] for r in readers] == ["upload.py"], readers
    uploaders = [p.name for p in UI_FILES if "file_uploader(" in p.read_text()]
    assert uploaders == ["sidebar.py"]
    assert "upload.handle_upload(" in (ROOT / "ui" / "sidebar.py").read_text()
    source = (ROOT / "ui" / "upload.py").read_text()
    tree = ast.parse(source)
    parse = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
                 and n.name == "parse_upload")
    called = {c.func.id for c in ast.walk(parse) if isinstance(c, ast.Call)
              and isinstance(c.func, ast.Name)}
    assert "load_csv" in called
    assert "from nncore import" in source and "load_csv" in source
    # the uploaded name is only shown (cut to 80 characters), never used as a path
    assert not re.search(r"Path\(|os\.path|open\(", source)


def test_file_uploader_accepts_only_csv_text_files():
    sidebar = (ROOT / "ui" / "sidebar.py").read_text()
    assert re.search(r'file_uploader\([^)]*type=\["csv", "txt"\]', sidebar, re.S)


def _server_config() -> dict:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        return tomllib.load(f)


def test_xsrf_protection_is_on_and_uploads_are_size_limited():
    server = _server_config()["server"]
    assert server["enableXsrfProtection"] is True
    assert 0 < server["maxUploadSize"] <= 10  # MB
    assert upload.MAX_UPLOAD_BYTES == server["maxUploadSize"] * 1024 * 1024
    assert server.get("enableCORS", True) is True  # off would also switch XSRF off


def test_users_see_no_stack_traces_and_no_dev_tools():
    config = _server_config()
    assert config["client"]["showErrorDetails"] in ("none", "type", False)
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")
    assert config["server"].get("runOnSave", False) is False
    assert config["server"].get("fileWatcherType") == "none"
