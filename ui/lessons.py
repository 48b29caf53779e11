"""The guided lesson through the notes: overfit -> L2 -> L1 -> dropout -> learning-rate decay ->
the chapter-15 run. Each step is a preset (and a few changed fields), what to look for, the
formula, and a question for the class. Pure data; the numbers quoted are the presets' tested
ones (tests/engine/test_presets.py, tests/engine/test_lessons.py)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from nncore import PRESETS, TrainConfig
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
         ("Training accuracy climbs to 98-100%: the network has learned the 90 points by heart.",
          "Validation loss is lowest (0.22-0.31) after about 50 epochs, then climbs to "
          "0.42-0.84: every epoch after that makes the model worse on new points.",
          "The decision regions wrap around single, noisy points."),
         "Total loss",
         "Which curve tells you the network memorises, and at which epoch would you have "
         "stopped it?"),
    Step("L2: small weights", "overfit-l2", {},
         ("The orange band appears: the regularisation loss is part of what is minimised.",
          "Validation loss ends at its lowest, 0.24-0.29, instead of climbing.",
          "The regions smooth out: no island around a single point."),
         "Regularisation loss (hidden layers)",
         "L2's gradient is 2λw: which weights does it shrink most, and why do they never "
         "reach exactly 0?"),
    Step("L1: weights switched off", "l1-sparse", {},
         ("The weight histogram grows a spike at 0: 38-52% of the hidden layer's weights end "
          "within 1e-3 of zero (with L2 instead: 3-16%).",
          "Validation accuracy stays 99-100%: the two moons need few units.",
          "Open **Inside the network**: many units' maps are flat, their weights near 0."),
         "Its gradient (added to each weight's gradient)",
         "L1's gradient is λ·sign(w), the same size for every weight: why does that push the "
         "small ones all the way to zero when L2 does not?"),
    Step("Dropout: a different network every step", "overfit-dropout", {},
         ("Training accuracy (measured with dropout on) is noisier and lower, 0.88-0.91, "
          "about as high as validation's 0.87-0.89.",
          "Validation loss ends at 0.32-0.38, within 4% of its lowest; without dropout it "
          "climbs to 0.42-0.84."),
         "Dropout (training only)",
         "With 4 of 5 units off on every step, why can the network not memorise single "
         "points?"),
    Step("Learning-rate decay: the steps shrink", "overfit-l2",
         {"learning_rate": 0.05, "decay": 0.0},
         ("A larger step (lr 0.05) and no decay: the loss keeps jumping, 17-41 times by more "
          "than 10% in the second half of training.",
          "Now set **Learning-rate decay** to 2e-2: the step shrinks to 1/31 of lr₀ by the "
          "last epoch, and the loss settles with no jump.",
          "The learning-rate chart shows lr₀ / (1 + decay·t)."),
         "Learning-rate decay",
         "If the loss settles only because the steps got small, is the model at the bottom "
         "of the loss, or just stopped?"),
    Step("The notes' chapter 15", "book-ch15", {},
         ("3,000 points, L2 5e-4 and dropout 0.1: training accuracy (dropout on) 0.67-0.71, "
          "validation 0.69-0.77, about as high or higher.",
          "The reg loss ends at 0.017-0.022: a thin band, readable on its own scale below."),
         "Total loss",
         "In chapter 14 training accuracy was well above validation's; what closed the gap "
         "here?"),
)


def step_number(raw) -> int | None:
    """The step a link asks for (1-based), or None if it is not one."""
    try:
        number = whole(str(raw).strip())  # the one reader of a link's numbers
    except ValueError:
        return None
    return number if 1 <= number <= len(STEPS) else None
