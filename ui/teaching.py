"""The help sentences that teach what the regularisers do, each true for the optimiser it is
said under; every range comes from nncore/claims.py's table (measured on seeds 0-19), so
tests/engine/test_claims.py checks them with the preset notes and the lesson."""

from __future__ import annotations

from nncore.claims import ON_SEEDS
from nncore.claims import text as c

UNDERFLOW = ("exactly 0: it shrank too small for float32 to use (below 1.2e-38, or under L2 "
             "below about 1e-19 / (2λ), where its gradient's square underflows) and was "
             "flushed: the number format's doing, not the regulariser's")

L1_HELP = ("adds λ·Σ|{p}| to the loss; its gradient λ·sign({p}) pulls every {p} towards 0 at "
           "the same speed, however small it is, so with SGD the ones the data does not need "
           "end next to 0 (sparse; a sign step almost never lands on 0 exactly). 0 switches "
           "it off.")
L1_WEIGHTS = (f" Preset l1-sparse (SGD): {c('l1-sparse near zero')} of the weights end within "
              f"1e-3 of 0, {ON_SEEDS}.")
L2_HELP = ("adds λ·Σ{p}² to the loss; its gradient 2λ·{p} pulls in proportion to {p}: with SGD "
           "or AdamW every {p} shrinks a little and few end near 0. Adam divides each gradient "
           "by its own running size, so there L2 too drives the unneeded ones to 0. 0 switches "
           "it off.")
L2_WEIGHTS = (f" Within 1e-3 of 0, {ON_SEEDS}: {c('l1-sparse L2 near zero')} with SGD (preset "
              f"l1-sparse with L2 1e-3 instead of L1), {c('adamw-l2 near zero')} with AdamW "
              f"(l2-adamw), {c('adam-l2 near zero')} with Adam (l2-adam).")

ACCURACY = ("- **Accuracy**: training accuracy is measured on the training pass with dropout on, "
            "so dropout lowers it: in the overfit-dropout preset it ends at "
            f"{c('overfit-dropout train accuracy')}, in the range of validation accuracy "
            f"({c('overfit-dropout val accuracy')}), where without dropout it reaches "
            f"{c('overfit train accuracy')} ({ON_SEEDS}).")
WEIGHTS = ("- **Weights**: the weights of the layers the lambdas apply to (all layers when none "
           "is regularised) on a symmetric-log axis fixed for every run, so two runs compare. "
           "The centre bar is |w| < 0.001, the share the card counts. What piles up there "
           "depends on the optimiser: with SGD, L1 puts "
           f"{c('l1-sparse near zero')} of the weights there (preset l1-sparse) and L2 "
           f"{c('l1-sparse L2 near zero')}; under Adam L2 does it too "
           f"({c('adam-l2 near zero')}, preset l2-adam), under AdamW it does not "
           f"({c('adamw-l2 near zero')}, preset l2-adamw; {ON_SEEDS}). A weight shown as "
           f"{UNDERFLOW}.")
NEAR_ZERO_CARD = ("Share of the counted weights with |w| < {near:g}: the hidden layers' (and "
                  "the output layer's when it is regularised). With SGD, L1 drives it up and L2 "
                  "much less; under Adam, L2 drives it up too; under AdamW it does not.")

# Every text above, by name, for the claims test.
TEXTS = {"L1 on weights": L1_HELP + L1_WEIGHTS, "L2 on weights": L2_HELP + L2_WEIGHTS,
         "accuracy": ACCURACY, "weights": WEIGHTS, "near-zero card": NEAR_ZERO_CARD,
         "underflow": UNDERFLOW}


def exact_zero_note(share: float) -> str:
    """The histogram's words for the weights that are exactly 0 (all of them underflowed)."""
    return f"{share:.0%} set to 0: too small for float32" if share > 0 else "none exactly 0"
