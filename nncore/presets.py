"""Named configurations: the notes' chapter 14 and 15 runs and the teaching stories."""

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
    "l1-sparse": TrainConfig(dataset="moons", samples=100, classes=2, noise=0.1, hidden=(64,),
                             weight_l1=1.5e-4, weight_l2=0.0, bias_l2=0.0, optimizer="sgd",
                             learning_rate=0.5, momentum=0.9, decay=1e-2, epochs=3001, seed=0),
}

# Every number below is measured on seeds 0-4 (tests/engine/test_presets.py, test_book.py).
PRESET_NOTES: dict[str, str] = {
    "book-ch14": "The notes' chapter 14: 300 spiral points, L2 5e-4 on the hidden layer, no "
                 "dropout. Training accuracy climbs to 0.90-0.95 while validation stays lower "
                 "(0.78-0.83; the book: about 0.95 and 0.83): the gap is the overfitting later "
                 "chapters attack.",
    "book-ch15": "The notes' chapter 15: 3,000 points, L2 5e-4 and dropout 0.1. Training "
                 "accuracy (measured with dropout on) ends at 0.67-0.71 and validation at "
                 "0.69-0.77, about as high or higher: the model no longer memorises. Reg loss "
                 "ends at 0.017-0.022.",
    "overfit": "90 noisy points on three circles and two layers of 128 neurons, no "
               "regularisation. Training accuracy reaches 98-100% and the regions wrap around "
               "single points; validation loss is lowest (0.22-0.31) after about 50 epochs and "
               "then climbs to 0.42-0.84.",
    "overfit-l2": "The same network and data with L2 1e-2 on weights and biases. The reg-loss "
                  "band appears under the data loss, the regions smooth out, and validation "
                  "loss ends at its lowest, 0.24-0.29, instead of climbing: 30-56% of what "
                  "the unregularised network ends with.",
    "overfit-dropout": "The same again with dropout 0.8 after each hidden layer instead of L2: "
                       "4 of 5 units are off on every step. Training accuracy (measured with "
                       "dropout on) is noisier and lower, 0.88-0.91, about as high as "
                       "validation's 0.87-0.89; validation loss ends at 0.32-0.38, within 4% of "
                       "its lowest, where without dropout it climbs to 0.42-0.84.",
    "l1-sparse": "L1 1.5e-4 on the weights of a 64-neuron layer learning the two moons, with "
                 "SGD and a decaying step (with Adam L1 only makes weights jitter around 0). "
                 "38-52% of the weights end within 1e-3 of zero (a spike at 0 in the "
                 "histogram) and validation accuracy stays 99-100%. Compare L2 1e-3 instead: "
                 "3-16%. Raise L1 to 1e-3 and 90-95% go: on 4 seeds of 5 the network underfits "
                 "(validation 86-90%).",
}
