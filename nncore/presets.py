"""Named configurations: the notes' chapter 14 and 15 runs and the teaching stories (their
notes, with the numbers measured on 20 seeds: nncore/notes.py)."""

from __future__ import annotations

from .config import TrainConfig

_BOOK = dict(dataset="spiral", classes=3, hidden=(64,), weight_l2=5e-4, bias_l2=5e-4,
             optimizer="adam", epochs=10001, val_samples=100, seed=0)
# A small noisy set and a big network: memorises the training points unless regularised.
# Three circles with noise 0.1, 30 points each: learnable (a good model scores ~0.9 on the
# validation points) but noisy enough that two layers of 128 neurons memorise the 90 points.
# (The spiral of the notes, at 30 points a class, could not be learned at all: every model's
# validation loss stayed near chance, ln 3.) The learning rate decays to 1/46 of lr0 by the
# last epoch, so each run settles where its regulariser leaves it.
_SMALL = dict(dataset="circles", samples=30, classes=3, noise=0.1, val_samples=200,
              hidden=(128, 128), optimizer="adam", learning_rate=0.01, decay=3e-2, epochs=1501,
              weight_l1=0.0, weight_l2=0.0, bias_l1=0.0, bias_l2=0.0, dropout=0.0, seed=0)

PRESETS: dict[str, TrainConfig] = {
    "book-ch14": TrainConfig(**_BOOK, samples=100, learning_rate=0.02, decay=5e-7),
    "book-ch15": TrainConfig(**_BOOK, samples=1000, dropout=0.1, learning_rate=0.05, decay=5e-5),
    "overfit": TrainConfig(**_SMALL),
    "overfit-l2": TrainConfig(**{**_SMALL, "weight_l2": 1e-2, "bias_l2": 1e-2}),
    "overfit-dropout": TrainConfig(**{**_SMALL, "dropout": 0.8}),
    # L1's gradient lambda*sign(w) is a step of the same size towards 0 for every weight. With
    # Adam each step is normalised to about the learning rate, so a weight L1 pushes to 0 keeps
    # jumping across it by ~lr; with SGD it jumps by lr_t * lambda, which the decay shrinks, so
    # the weights L1 does not need settle next to 0 (none lands on 0 exactly: a sign step
    # almost never does).
    # L2 under Adam and under AdamW (decoupled weight decay), on the overfit network: Adam divides
    # L2's gradient 2*l2*w by its own running size, so the weights of units the data no longer
    # uses move towards 0 by about lr a step and end at 0; AdamW shrinks every weight by the
    # factor 1 - 2*l2*lr_t a step, in proportion, as SGD does (nncore/optim.py).
    "l2-adam": TrainConfig(**{**_SMALL, "weight_l2": 3e-3}),
    "l2-adamw": TrainConfig(**{**_SMALL, "weight_l2": 1.0, "optimizer": "adamw"}),
    "l1-sparse": TrainConfig(dataset="moons", samples=100, classes=2, noise=0.1, hidden=(64,),
                             weight_l1=1.5e-4, weight_l2=0.0, bias_l2=0.0, optimizer="sgd",
                             learning_rate=0.5, momentum=0.9, decay=1e-2, epochs=3001, seed=0),
}
