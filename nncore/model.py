"""Model: Dense -> ReLU -> Dropout blocks, a Dense output, softmax; built from a TrainConfig."""

from __future__ import annotations

import numpy as np

from .layers import Dense, Dropout, ReLU, ReLUDropout, fuse
from .losses import softmax
from .params import ParamSet
from .regularisation import add_penalty_grad, penalty


class Model:
    """A stack of layers whose parameters live in one ParamSet."""

    def __init__(self, layers: list, dtype="float32"):
        self.layers = layers
        self._run = fuse(layers)  # what forward/backward execute (same maths, fewer passes)
        for before, layer in zip(self._run[:-1], self._run[1:], strict=True):
            # A Dense layer's training output is its own buffer, read by nobody but the next
            # layer: an activation may overwrite it.
            if isinstance(before, Dense) and isinstance(layer, (ReLU, ReLUDropout)):
                layer.overwrite_input = True
        for before, layer in zip(self._run[:-1], self._run[1:], strict=True):
            # ... and the Dense after such an activation reads that buffer (its training input)
            # last of all, in its own backward pass: dL/dx can go into it (one activation-sized
            # array fewer in cache; the same numbers).
            if isinstance(layer, Dense) and getattr(before, "overwrite_input", False):
                layer.grad_into_input = True
            if isinstance(layer, Dense) and isinstance(before, (ReLU, ReLUDropout)):
                layer.input_zero_stops_grad = True  # see Dense._drop_dead_inputs
        self.dtype = np.dtype(dtype)
        self.params = ParamSet([p for layer in layers for p in layer.params], self.dtype)
        dense = [layer for layer in layers if isinstance(layer, Dense)]
        dense[0].need_input_grad = False  # nothing upstream wants dL/dX
        for layer in dense:
            layer.bind(self.params)

    @property
    def n_params(self) -> int:
        return self.params.size

    def forward(self, x: np.ndarray, *, training: bool, workspace: dict | None = None
                ) -> np.ndarray:
        """Logits (n, classes).

        `workspace`: for inference, a dict that the caller owns and passes again with inputs
        of the same shape (the training loop's validation pass, every epoch); the layers keep
        their outputs in it, and the logits returned are one of them, overwritten by the next
        call. Without it each call allocates its arrays: freeing a few arrays of 100 kB or
        more every epoch let the C allocator hand the memory back to the system and fault it
        in again (~90 page faults an epoch, a fifth of a fresh worker's time on a sweep's runs).
        The model keeps nothing for inference itself: it may be evaluated from several threads.
        """
        x = np.asarray(x, dtype=self.dtype)
        if training:
            for layer in self._run:
                x = layer.forward(x, training=True)
            return x
        for layer in self._run:
            x = layer.forward(x, training=False, workspace=workspace)
        return x

    def backward(self, grad_logits: np.ndarray, *, l2: bool = True) -> None:
        """Fill every param.grad with d(data loss)/d(param) + d(reg loss)/d(param); with
        l2=False the L2 term is left out (an optimiser that decays the weights itself: AdamW)."""
        g = grad_logits
        for layer in reversed(self._run):
            g = layer.backward(g)
        if self.params.regularised:
            p = self.params
            add_penalty_grad(p.value, p.l1_terms, p.l2_terms if l2 else None, p.grad)

    def reg_loss(self) -> float:
        if not self.params.regularised:
            return 0.0
        return penalty(self.params.value, self.params.l1_terms, self.params.l2_terms)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (n, classes), dropout off; NaN rows (no warnings) for a
        diverged model, which callers detect with np.isfinite."""
        with np.errstate(all="ignore"):
            return softmax(self.forward(x, training=False))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted class labels (n,)."""
        return self.forward(x, training=False).argmax(axis=1)

    def weights(self) -> list[tuple[str, np.ndarray]]:
        """(name, copy of value) for every parameter, e.g. ("dense1.weights", W)."""
        return [(p.name, p.value.copy()) for p in self.params.params]


def build_model(config, n_inputs: int, n_classes: int, rng: np.random.Generator,
                dropout_rng: np.random.Generator) -> Model:
    """Hidden Dense layers carry the config's lambdas (the output layer too if
    regularise_output); dropout follows each hidden ReLU when its rate is above 0."""
    lambdas = dict(weight_l1=config.weight_l1, weight_l2=config.weight_l2,
                   bias_l1=config.bias_l1, bias_l2=config.bias_l2)
    layers: list = []
    sizes = (n_inputs, *config.hidden)
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        layers += [Dense(n_in, n_out, rng, config.dtype, name=f"dense{i}", **lambdas), ReLU()]
        if config.dropout > 0:
            layers.append(Dropout(config.dropout, dropout_rng))
    out_lambdas = lambdas if config.regularise_output else {}
    layers.append(Dense(sizes[-1], n_classes, rng, config.dtype,
                        name=f"dense{len(sizes)}", **out_lambdas))
    return Model(layers, config.dtype)
