"""The guided lesson through the notes: overfit -> L2 -> L1 -> dropout -> learning-rate decay ->
the chapter-15 run -> L2 under Adam and AdamW. Each step is a preset (and a few changed fields),
what to look for, the formula, and a question for the class. Pure data; every
range quoted is written from nncore/claims.py's table, measured on seeds 0-19 and checked by
tests/engine/test_claims.py."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from nncore import PRESETS, TrainConfig
from nncore.claims import text as c
from nncore.numtext import whole


@dataclass(frozen=True)
class Step:
    title: str
    preset: str
    changes: dict           # fields set on top of the preset
    look: tuple[str, ...]   # what to look for, as markdown bullets
    formula: str            # which of ui.formulas' rows to show (by title)
    question: str

    @property
    def config(self) -> TrainConfig:
        return dataclasses.replace(PRESETS[self.preset], **self.changes)


STEPS: tuple[Step, ...] = (
    Step("A network that memorises", "overfit", {},
         (f"Training accuracy climbs to {c('overfit train accuracy')}: the network has learned "
          "the 90 points by heart.",
          f"Validation loss is lowest ({c('overfit lowest val loss')}) after about 50 epochs, "
          f"then climbs to {c('overfit final val loss')}: every epoch after that makes the "
          "model worse on new points.",
          "The region borders bend to put almost every noisy training point on its own "
          "colour's side."),
         "Total loss",
         "Which curve tells you the network memorises, and at which epoch would you have "
         "stopped it?"),
    Step("L2: small weights", "overfit-l2", {},
         ("The orange band appears: the regularisation loss is part of what is minimised.",
          f"Validation loss ends at its lowest, {c('overfit-l2 final val loss')}, instead of "
          "climbing.",
          "The region borders smooth out: training accuracy "
          f"{c('overfit-l2 train accuracy')} instead of {c('overfit train accuracy')}."),
         "Regularisation loss (hidden layers)",
         "L2's gradient is 2λw: with plain SGD, which weights does it shrink most, and why "
         "would they never reach exactly 0? (Step 7 shows what Adam, used here, does to it.)"),
    Step("L1: weights switched off", "l1-sparse", {},
         ("With SGD, the weight histogram grows a spike at 0: "
          f"{c('l1-sparse near zero')} of the hidden layer's weights end within 1e-3 of zero "
          f"(with L2 instead: {c('l1-sparse L2 near zero')}).",
          f"Validation accuracy stays {c('l1-sparse val accuracy')}: the two moons need few "
          "units.",
          "Open **Inside the network**: many units' maps are flat, their weights near 0."),
         "Its gradient (added to each weight's gradient)",
         "L1's gradient is λ·sign(w), the same size for every weight: why does that push the "
         "small ones to zero, when L2's pull fades as they shrink?"),
    Step("Dropout: a different network every step", "overfit-dropout", {},
         ("Training accuracy (measured with dropout on) is noisier and lower, "
          f"{c('overfit-dropout train accuracy')} against {c('overfit train accuracy')} "
          f"without dropout, in the range of validation's {c('overfit-dropout val accuracy')}.",
          f"Validation loss ends at {c('overfit-dropout final val loss')}, within 7% of its "
          "lowest; "
          f"without dropout it climbs to {c('overfit final val loss')}."),
         "Dropout (training only)",
         "With 4 of 5 units off on every step, why can the network not memorise single "
         "points?"),
    Step("Learning-rate decay: the steps shrink", "overfit-l2",
         {"learning_rate": 0.05, "decay": 0.0},
         ("A larger step (lr 0.05) and no decay: the loss keeps jumping, "
          f"{c('decay step jumps')} times by more than 10% in the second half of training.",
          "Now set **Learning-rate decay** to 2e-2: the step shrinks to 1/31 of lr₀ by the "
          "last epoch, and the loss settles with no jump.",
          "The learning-rate chart shows lr₀ / (1 + decay·t)."),
         "Learning-rate decay",
         "If the loss settles only because the steps got small, is the model at the bottom "
         "of the loss, or just stopped?"),
    Step("The notes' chapter 15", "book-ch15", {},
         ("3,000 points, L2 5e-4 and dropout 0.1: training accuracy (dropout on) "
          f"{c('book-ch15 train accuracy')}, validation {c('book-ch15 val accuracy')}, about "
          "as high or higher.",
          f"The reg loss ends at {c('book-ch15 reg loss')}: a thin band, readable on its own "
          "scale below."),
         "Total loss",
         "In chapter 14 training accuracy was well above validation's; what closed the gap "
         "here?"),
    Step("L2 under Adam and AdamW", "l2-adam", {},
         ("Under Adam, L2 3e-3 piles the weights up at 0: "
          f"{c('adam-l2 near zero')} end within 1e-3 of zero and {c('adam-l2 exactly zero')} "
          "exactly 0, set to 0 when they shrank below what float32 can use (the number "
          "format's doing, not L2's).",
          "Adam divides each weight's gradient by its own running size: L2's pull 2λw on a "
          "weight the data no longer uses becomes a step of about the learning rate, however "
          "small w is.",
          "Now set **Optimiser** to AdamW (decoupled weight decay: w shrinks by 2λ·lr_t·w "
          f"each step, outside Adam's division): {c('adamw same lambda near zero')} end near "
          "zero and the network overfits again (validation loss "
          f"{c('adamw same lambda final val loss')}); preset **l2-adamw** needs λ = 1."),
         "Regularisation loss (hidden layers)",
         "With SGD or AdamW, L2 shrinks every weight in proportion; why does Adam's "
         "per-weight normalisation make it empty the unused weights instead, as L1 does?"),
)


def step_number(raw) -> int | None:
    """The step a link asks for (1-based), or None if it is not one."""
    try:
        number = whole(str(raw).strip())  # the one reader of a link's numbers
    except ValueError:
        return None
    return number if 1 <= number <= len(STEPS) else None
