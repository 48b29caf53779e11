"""What each preset shows, in words, with the numbers measured on seeds 0-19.

Every range here is written from nncore/claims.py's table (`c(key)`), which the tests check
on the 20 seeds a student can pick; a sentence about sparsity says which optimiser it holds for.
"""

from __future__ import annotations

from .claims import ON_SEEDS
from .claims import text as c

PRESET_NOTES: dict[str, str] = {
    "book-ch14": "The notes' chapter 14: 300 spiral points, L2 5e-4 on the hidden layer, no "
                 f"dropout. Training accuracy climbs to {c('book-ch14 train accuracy')} while "
                 f"validation stays lower ({c('book-ch14 val accuracy')}, {ON_SEEDS}; the "
                 "book: about 0.95 and 0.83): the gap is the overfitting later chapters attack.",
    "book-ch15": "The notes' chapter 15: 3,000 points, L2 5e-4 and dropout 0.1. Training "
                 "accuracy (measured with dropout on) ends at "
                 f"{c('book-ch15 train accuracy')} and validation at "
                 f"{c('book-ch15 val accuracy')} ({ON_SEEDS}), about as high or higher: the "
                 f"model no longer memorises. Reg loss ends at {c('book-ch15 reg loss')}.",
    "overfit": "90 noisy points on three circles and two layers of 128 neurons, no "
               f"regularisation. Training accuracy reaches {c('overfit train accuracy')}: the "
               "region borders bend to put almost every noisy training point on its own "
               f"colour's side. Validation loss is lowest ({c('overfit lowest val loss')}) "
               f"after about 50 epochs and then climbs to {c('overfit final val loss')} "
               f"({ON_SEEDS}).",
    "overfit-l2": "The same network and data with L2 1e-2 on weights and biases (Adam). The "
                  "reg-loss band appears under the data loss, the region borders smooth out "
                  f"(training accuracy {c('overfit-l2 train accuracy')}), and validation loss "
                  "ends at its "
                  f"lowest, {c('overfit-l2 final val loss')}, instead of climbing to "
                  f"{c('overfit final val loss')} as without L2 ({ON_SEEDS}).",
    "overfit-dropout": "The same again with dropout 0.8 after each hidden layer instead of L2: "
                       "4 of 5 units are off on every step. Training accuracy (measured with "
                       "dropout on) is noisier and lower, "
                       f"{c('overfit-dropout train accuracy')} against "
                       f"{c('overfit train accuracy')} without dropout, in the range of "
                       f"validation's {c('overfit-dropout val accuracy')}; validation loss "
                       f"ends at {c('overfit-dropout final val loss')}, within 7% of its "
                       "lowest, where without "
                       f"dropout it climbs to {c('overfit final val loss')} ({ON_SEEDS}).",
    "l2-adam": "The overfit network with L2 3e-3 on the weights, under Adam. The weight "
               f"histogram piles up at 0: {c('adam-l2 near zero')} of the weights end within "
               f"1e-3 of zero, {c('adam-l2 exactly zero')} exactly 0 (they shrank below "
               "what float32 can use, about 2e-17 at this λ, and were set to 0: an artefact "
               "of the number format, not of L2). Adam divides each weight's gradient by its "
               "own running size, so L2's pull 2λw on a weight the data no longer uses is a "
               "step of about the learning rate, however small w is: the weights the data "
               "does not need end at or next to 0, as with L1. Validation loss ends at "
               f"{c('adam-l2 final val loss')} ({ON_SEEDS}). Switch the optimiser to AdamW: "
               "the same λ leaves "
               f"{c('adamw same lambda near zero')} near zero and the network overfits "
               f"again (validation loss {c('adamw same lambda final val loss')}).",
    "l2-adamw": "The overfit network under AdamW with L2 1 on the weights: L2 as decoupled "
                "weight decay, each weight shrunk by the factor 1 − 2λ·lr_t every step, in "
                "proportion to its size, as with SGD. The histogram narrows instead of piling "
                f"up at 0: {c('adamw-l2 near zero')} of the weights end within 1e-3 of zero, "
                "none exactly 0. λ means something else here than under Adam: l2-adam's 3e-3 "
                f"changes almost nothing (validation loss {c('adamw same lambda final val loss')}"
                f", as without L2), and even λ = 1, the slider's top, regularises less than "
                f"3e-3 under Adam: validation loss ends at {c('adamw-l2 final val loss')} "
                f"(l2-adam: {c('adam-l2 final val loss')}; {ON_SEEDS}). The reg-loss band "
                f"(λΣw², {c('adamw-l2 reg loss')} at the end) dwarfs the data loss: "
                "AdamW does not minimise data + reg loss, it only shrinks each weight a little "
                "every step while Adam's normalised steps push the weights the data needs "
                "out, so the total is shown, not minimised.",
    "l1-sparse": "L1 1.5e-4 on the weights of a 64-neuron layer learning the two moons, with "
                 f"SGD and a decaying step. {c('l1-sparse near zero')} of the weights end "
                 "within 1e-3 of zero (a spike at 0 in the histogram; none exactly 0: a sign "
                 "step almost never lands on 0) and validation accuracy stays "
                 f"{c('l1-sparse val accuracy')}. Compare L2 1e-3 instead: "
                 f"{c('l1-sparse L2 near zero')}, shrunk in proportion. Raise L1 to 1e-3 and "
                 f"{c('l1-sparse strong near zero')} go, with validation accuracy "
                 f"{c('l1-sparse strong val accuracy')} ({ON_SEEDS}).",
}
