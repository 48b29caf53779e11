"""`python -m nncore train`: train a preset or any config from the terminal, book-style
(`python -m nncore sweep`: see nncore/sweep/cli.py)."""

from __future__ import annotations

import argparse
import json
import sys

from .cliflags import add_config_flags, add_preset_flag, config_from_args
from .config import TrainConfig
from .sweep.cli import add_sweep_parser, run_sweep_command
from .train import train_stream

PRINT_EVERY = 100


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not a usage dump
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m nncore", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("train", help="train one configuration")
    add_preset_flag(run, "start from a named preset")
    run.add_argument("--json", action="store_true", help="print one JSON object at the end")
    add_config_flags(run)
    add_sweep_parser(sub)
    return parser


def _progress_line(history, i: int) -> str:
    data_loss, reg_loss = history.data_loss[i], history.reg_loss[i]
    return (f"epoch: {history.epoch[i]}, acc: {history.accuracy[i]:.3f}, "
            f"loss: {data_loss + reg_loss:.3f} (data_loss: {data_loss:.3f}, "
            f"reg_loss: {reg_loss:.3f}), lr: {history.learning_rate[i]:.10g}")


def run_train(config: TrainConfig, as_json: bool) -> int:
    printed = 0
    history = None
    for history in train_stream(config, chunk=PRINT_EVERY):
        for i in range(printed, history.n):
            if not as_json and history.epoch[i] % PRINT_EVERY == 0:
                print(_progress_line(history, i), flush=True)
        printed = history.n
    final = history.final()
    if as_json:
        print(json.dumps({"config": config.to_dict(), "status": history.status,
                          "diverged_at": history.diverged_at, "final": final}))
    elif history.diverged:
        print(f"diverged at epoch {history.diverged_at}: the loss became NaN or infinite; "
              "try a lower learning_rate", file=sys.stderr)
    else:
        print(f"validation, acc: {final['val_accuracy']:.3f}, loss: {final['val_loss']:.3f}")
    return 1 if history.diverged else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sweep":
        return run_sweep_command(args)
    try:
        config = config_from_args(args)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return run_train(config, args.json)
