"""The config flags `python -m nncore train` and `sweep` share, and the TrainConfig they build."""

from __future__ import annotations

import argparse

from .config import DATASETS, FIELD_SPECS, TrainConfig
from .presets import PRESETS


def add_preset_flag(parser: argparse.ArgumentParser, help: str) -> None:
    """`--preset NAME`: the base config, a named preset (read by config_from_args)."""
    parser.add_argument("--preset", choices=sorted(PRESETS), help=help)


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per config field, `--weight_l2` or `--weight-l2`, each read as text (the
    field's own parser checks it in config_from_args)."""
    for spec in FIELD_SPECS.values():
        parser.add_argument(f"--{spec.name}", f"--{spec.name.replace('_', '-')}", dest=spec.name,
                            metavar="VALUE", help=f"{spec.help} ({spec.allowed()})")


def config_from_args(args: argparse.Namespace, default: TrainConfig | None = None) -> TrainConfig:
    """The config the flags give over `--preset` (else over `default`, else TrainConfig());
    ValueError naming the field at fault, or for dataset csv (see require_builtin_dataset)."""
    if args.preset:
        base = PRESETS[args.preset]
    else:
        base = default if default is not None else TrainConfig()
    given = {k: getattr(args, k) for k in FIELD_SPECS if getattr(args, k) is not None}
    config = TrainConfig.from_dict(given, base=base)
    require_builtin_dataset(config)
    return config


def require_builtin_dataset(config: TrainConfig) -> None:
    """ValueError for dataset csv: its points come from a file the CLI has no flag for."""
    if config.dataset == "csv":
        builtin = ", ".join(d for d in DATASETS if d != "csv")
        raise ValueError(f"dataset csv needs a file of points, which the CLI does not take: it "
                         f"trains the built-in datasets ({builtin}); load a CSV on the dashboard")
