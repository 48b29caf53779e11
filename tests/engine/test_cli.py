"""`python -m nncore train`: progress lines, validation line, --json, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    return subprocess.run([sys.executable, "-m", "nncore", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120)


def test_prints_progress_every_100_epochs_and_validation():
    out = _run("train", "--preset", "book-ch14", "--epochs", "201")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert [line.split(",")[0] for line in lines[:-1]] == ["epoch: 0", "epoch: 100", "epoch: 200"]
    assert "acc: " in lines[0] and "(data_loss: " in lines[0] and "reg_loss: " in lines[0]
    assert "lr: " in lines[0]
    assert lines[-1].startswith("validation, acc: ") and ", loss: " in lines[-1]


def test_json_output_has_config_and_metrics():
    out = _run("train", "--epochs", "50", "--hidden", "8,8", "--weight-l1", "1e-4", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["config"]["hidden"] == [8, 8] and result["config"]["weight_l1"] == 1e-4
    assert result["status"] == "completed"
    assert {"accuracy", "val_accuracy", "val_loss", "reg_loss"} <= set(result["final"])


@pytest.mark.parametrize("args,message", [
    (["--dropout", "1"], "dropout must be in [0, 1)"),
    (["--epochs", "ten"], "epochs must be"),
    (["--preset", "nope"], "invalid choice"),
    (["--bogus", "1"], "unrecognized arguments"),
])
def test_bad_arguments_exit_nonzero_with_one_line(args, message):
    out = _run("train", *args)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr
    assert "Traceback" not in out.stderr


def test_divergence_is_reported():
    out = _run("train", "--optimizer", "sgd", "--learning_rate", "100", "--momentum", "0.9",
               "--decay", "0", "--epochs", "500")
    assert out.returncode == 1
    assert "diverged at epoch" in out.stderr and "learning_rate" in out.stderr
