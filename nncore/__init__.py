"""nncore: a small NumPy neural-network engine for seeing what regularisation does."""

from .config import (
    DATASETS,
    DTYPES,
    FIELD_SPECS,
    MAX_HIDDEN_LAYERS,
    OPTIMIZERS,
    TWO_CLASS_DATASETS,
    ConfigError,
    FieldSpec,
    TrainConfig,
)
from .csvdata import CsvError, load_csv
from .data import Dataset, make_dataset, split_dataset
from .grid import decision_grid
from .history import History
from .model import Model
from .notes import PRESET_NOTES
from .presets import PRESETS
from .sweep import (
    SWEEP_PRESET_NOTES,
    SWEEP_PRESETS,
    Sweep,
    SweepResult,
    SweepSpec,
    make_spec,
    run_one,
    run_sweep,
    start_sweep,
    summarise,
)
from .train import train, train_stream

__all__ = [
    "DATASETS", "DTYPES", "FIELD_SPECS", "MAX_HIDDEN_LAYERS", "OPTIMIZERS", "PRESETS",
    "PRESET_NOTES", "SWEEP_PRESETS", "SWEEP_PRESET_NOTES", "TWO_CLASS_DATASETS", "ConfigError",
    "CsvError", "Dataset", "FieldSpec", "History", "Model", "Sweep",
    "SweepResult", "SweepSpec", "TrainConfig", "decision_grid", "load_csv", "make_dataset",
    "make_spec", "run_one", "run_sweep", "split_dataset", "start_sweep", "summarise", "train",
    "train_stream",
]
