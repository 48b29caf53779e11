"""Named configurations: the notes' chapter 14 and 15 runs and the teaching stories."""

from __future__ import annotations

from .config import TrainConfig

_BOOK = dict(dataset="spiral", classes=3, hidden=(64,), weight_l2=5e-4, bias_l2=5e-4,
             optimizer="adam", epochs=10001, val_samples=100, seed=0)
# A small noisy set and a big network: memorises the training points unless regularised.
_SMALL = dict(dataset="spiral", samples=30, classes=3, noise=0.05, val_samples=200,
              hidden=(128, 128), optimizer="adam", learning_rate=0.01, decay=1e-4, epochs=1501,
              weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0, dropout=0.0, seed=0)

PRESETS: dict[str, TrainConfig] = {
    "book-ch14": TrainConfig(**_BOOK, samples=100, learning_rate=0.02, decay=5e-7),
    "book-ch15": TrainConfig(**_BOOK, samples=1000, dropout=0.1, learning_rate=0.05, decay=5e-5),
    "overfit": TrainConfig(**_SMALL),
    "overfit-l2": TrainConfig(**{**_SMALL, "weight_l2": 2e-3, "bias_l2": 2e-3}),
    "overfit-dropout": TrainConfig(**{**_SMALL, "dropout": 0.5}),
    # Adam and L1 on deep narrow nets kills every unit; moons with one layer stays learnable.
    "l1-sparse": TrainConfig(dataset="moons", samples=100, classes=2, noise=0.1, hidden=(64,),
                             weight_l1=1e-3, weight_l2=0.0, bias_l2=0.0, learning_rate=0.02,
                             decay=1e-4, epochs=2001, seed=0),
}

PRESET_NOTES: dict[str, str] = {
    "book-ch14": "The notes' chapter 14: 300 spiral points, L2 5e-4 on the hidden layer, no "
                 "dropout. Training accuracy climbs to about 0.95 while validation stays "
                 "lower (about 0.83): the gap is the overfitting later chapters attack.",
    "book-ch15": "The notes' chapter 15: 3,000 points, L2 5e-4 and dropout 0.1. Training "
                 "accuracy (measured with dropout on) sits near 0.7 and validation is about "
                 "as high or higher: the model no longer memorises. Reg loss ends near 0.016.",
    "overfit": "90 noisy points and two layers of 128 neurons, no regularisation. Watch "
               "training accuracy reach 1.0 and the decision regions wrap around single "
               "points while validation loss turns upward.",
    "overfit-l2": "The same network and data with L2 on weights and biases. The reg-loss band "
                  "appears under the data loss, the regions smooth out and the validation "
                  "loss no longer runs away.",
    "overfit-dropout": "The same again with dropout 0.5 after each hidden layer instead of L2. "
                       "Training accuracy is noisier and lower, because half the units are off "
                       "on every step; validation loss ends far lower than with no "
                       "regularisation (about 1.1 against 2.7).",
    "l1-sparse": "L1 1e-3 on the weights of a 64-neuron layer learning the two moons. L1 "
                 "pushes every weight towards zero by the same amount, so about half of them "
                 "end within 0.01 of zero (a spike at 0 in the weight histogram) while "
                 "validation accuracy stays near 0.9. Set L1 to 0 to compare: no weight is "
                 "that small. Raise it and the network underfits.",
}
