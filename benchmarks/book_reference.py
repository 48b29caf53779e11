"""Book-style reference for the chapter-15 run (spiral 1000x3, L2, dropout, Adam), to time against.

This is the notes' "Full Code Up To This Point" kept in its own vocabulary and habits on purpose:
classes named like the book's, `np.random.seed` and the global RNG, `np.random.binomial` for the
dropout mask, optimiser state attached to layers with `hasattr`. It is a yardstick, not a model
for nncore, which draws from seeded Generators passed as arguments, keeps optimiser state in
the optimiser keyed by parameter, and never calls `nnfs.init()`.

Changes from the notes, and why:
- `Loss.regularization_loss` used two spellings of its accumulator (`regularization_loss` /
  `regularisation_loss`) and raised at the first `+=`; it uses one name here.
- Only the classes this run needs are kept (no SGD/Adagrad/RMSprop, no stand-alone softmax
  backward: the fused softmax + cross-entropy backward is the one the book trains with).
- Dropout's `forward` takes `training` (as in the notes' dropout section), so validation runs
  without it, which is what the book does by skipping the layer.
- `nnfs.init()` is NOT called in-process: it replaces `np.dot`, `np.zeros`, `np.eye` and
  `np.random.randn` for the whole process (casting through float64 to float32 on every call),
  which would slow and change any nncore code timed in the same process. So this reference runs
  in numpy's default float64, and is the faster of the two: the book's own set-up, WITH
  nnfs.init(), ran at ~180 epochs/s on a 2-core machine, so a ratio against this reference is
  conservative. The gap is small: 10,001 epochs here took 52 s without nnfs.init() and 54 s
  with it (193 vs 184 epochs/s, OPENBLAS_NUM_THREADS=1).
  `python -m benchmarks.book_reference --nnfs-init` reproduces the book's set-up in a process
  of its own. Final numbers, seed 0, without it: train acc 0.698, reg loss 0.016, validation
  acc 0.733, loss 0.670 (the notes: 0.753, 0.692).

Kept from the book although it is a defect (nncore draws validation data from its own seed
stream, before training): the validation set is drawn after training, from a global RNG that
dropout has consumed, so it depends on the number of epochs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from nnfs.datasets import spiral_data


class Layer_Dense:
    def __init__(self, n_inputs, n_neurons,
                 weight_regulariser_l1=0, weight_regulariser_l2=0,
                 bias_regulariser_l1=0, bias_regulariser_l2=0):
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        self.weight_regulariser_l1 = weight_regulariser_l1
        self.weight_regulariser_l2 = weight_regulariser_l2
        self.bias_regulariser_l1 = bias_regulariser_l1
        self.bias_regulariser_l2 = bias_regulariser_l2

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues):
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        # The book's L1 derivative (+1 at w == 0, where sign(0) would be 0); unused in this run.
        if self.weight_regulariser_l1 > 0:
            dL1 = np.ones_like(self.weights)
            dL1[self.weights < 0] = -1
            self.dweights += self.weight_regulariser_l1 * dL1
        if self.weight_regulariser_l2 > 0:
            self.dweights += 2 * self.weight_regulariser_l2 * self.weights
        if self.bias_regulariser_l1 > 0:
            dL1 = np.ones_like(self.biases)
            dL1[self.biases < 0] = -1
            self.dbiases += self.bias_regulariser_l1 * dL1
        if self.bias_regulariser_l2 > 0:
            self.dbiases += 2 * self.bias_regulariser_l2 * self.biases
        self.dinputs = np.dot(dvalues, self.weights.T)


class Layer_Dropout:
    def __init__(self, rate):
        # Keep rate: dropping 0.1 means each unit survives with probability 0.9.
        self.rate = 1 - rate

    def forward(self, inputs, training):
        self.inputs = inputs
        if not training:
            self.output = inputs
            return
        self.binary_mask = np.random.binomial(1, self.rate, size=inputs.shape) / self.rate
        self.output = inputs * self.binary_mask

    def backward(self, dvalues):
        self.dinputs = dvalues * self.binary_mask


class Activation_ReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0


class Activation_Softmax:
    def forward(self, inputs):
        self.inputs = inputs
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)


class Loss:
    def regularization_loss(self, layer):
        # The notes spelled this accumulator two ways and crashed here; one name now.
        regularization_loss = 0
        if layer.weight_regulariser_l1 > 0:
            regularization_loss += layer.weight_regulariser_l1 * np.sum(np.abs(layer.weights))
        if layer.weight_regulariser_l2 > 0:
            regularization_loss += layer.weight_regulariser_l2 * np.sum(
                layer.weights * layer.weights)
        if layer.bias_regulariser_l1 > 0:
            regularization_loss += layer.bias_regulariser_l1 * np.sum(np.abs(layer.biases))
        if layer.bias_regulariser_l2 > 0:
            regularization_loss += layer.bias_regulariser_l2 * np.sum(
                layer.biases * layer.biases)
        return regularization_loss

    def calculate(self, output, y):
        sample_losses = self.forward(output, y)
        return np.mean(sample_losses)


class Loss_CategoricalCrossentropy(Loss):
    def forward(self, y_pred, y_true):
        samples = len(y_pred)
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if len(y_true.shape) == 1:
            correct_confidences = y_pred_clipped[range(samples), y_true]
        else:
            correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
        return -np.log(correct_confidences)


class Activation_Softmax_Loss_CategoricalCrossentropy:
    def __init__(self):
        self.activation = Activation_Softmax()
        self.loss = Loss_CategoricalCrossentropy()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues, y_true):
        # Fused gradient of softmax + cross-entropy: (p - onehot(y)) / n.
        samples = len(dvalues)
        if len(y_true.shape) == 2:
            y_true = np.argmax(y_true, axis=1)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


class Optimiser_Adam:
    def __init__(self, learning_rate=0.001, decay=0., epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = self.learning_rate * (
                1. / (1. + self.decay * self.iterations))

    def update_params(self, layer):
        if not hasattr(layer, 'weight_cache'):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)
        b1, b2, t = self.beta_1, self.beta_2, self.iterations + 1
        layer.weight_momentums = b1 * layer.weight_momentums + (1 - b1) * layer.dweights
        layer.bias_momentums = b1 * layer.bias_momentums + (1 - b1) * layer.dbiases
        weight_momentums_corrected = layer.weight_momentums / (1 - b1 ** t)
        bias_momentums_corrected = layer.bias_momentums / (1 - b1 ** t)
        layer.weight_cache = b2 * layer.weight_cache + (1 - b2) * layer.dweights ** 2
        layer.bias_cache = b2 * layer.bias_cache + (1 - b2) * layer.dbiases ** 2
        weight_cache_corrected = layer.weight_cache / (1 - b2 ** t)
        bias_cache_corrected = layer.bias_cache / (1 - b2 ** t)
        layer.weights += -self.current_learning_rate * weight_momentums_corrected / (
            np.sqrt(weight_cache_corrected) + self.epsilon)
        layer.biases += -self.current_learning_rate * bias_momentums_corrected / (
            np.sqrt(bias_cache_corrected) + self.epsilon)

    def post_update_params(self):
        self.iterations += 1


def run_reference(epochs: int, seed: int = 0, print_every: int = 0) -> dict:
    """Train the chapter-15 model for `epochs` full-batch epochs, book-style.

    Returns elapsed_s (the training loop only, time.perf_counter), epochs, and the final
    accuracy, loss, data_loss, reg_loss (last training epoch, with dropout, like the book) and
    val_accuracy, val_loss (100 samples per class drawn after training; data loss only).
    """
    np.random.seed(seed)
    X, y = spiral_data(samples=1000, classes=3)
    dense1 = Layer_Dense(2, 64, weight_regulariser_l2=5e-4, bias_regulariser_l2=5e-4)
    activation1 = Activation_ReLU()
    dropout1 = Layer_Dropout(0.1)
    dense2 = Layer_Dense(64, 3)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
    optimiser = Optimiser_Adam(learning_rate=0.05, decay=5e-5)

    start = time.perf_counter()
    for epoch in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dropout1.forward(activation1.output, training=True)
        dense2.forward(dropout1.output)
        data_loss = loss_activation.forward(dense2.output, y)
        regularization_loss = (loss_activation.loss.regularization_loss(dense1)
                               + loss_activation.loss.regularization_loss(dense2))
        loss = data_loss + regularization_loss
        predictions = np.argmax(loss_activation.output, axis=1)
        accuracy = np.mean(predictions == y)
        if print_every and not epoch % print_every:
            print(f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f} '
                  f'(data_loss: {data_loss:.3f}, reg_loss: {regularization_loss:.3f}), '
                  f'lr: {optimiser.current_learning_rate}')

        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        dropout1.backward(dense2.dinputs)
        activation1.backward(dropout1.dinputs)
        dense1.backward(activation1.dinputs)

        optimiser.pre_update_params()
        optimiser.update_params(dense1)
        optimiser.update_params(dense2)
        optimiser.post_update_params()
    elapsed_s = time.perf_counter() - start

    X_test, y_test = spiral_data(samples=100, classes=3)
    dense1.forward(X_test)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    val_loss = loss_activation.forward(dense2.output, y_test)
    val_accuracy = np.mean(np.argmax(loss_activation.output, axis=1) == y_test)
    return {
        'elapsed_s': elapsed_s, 'epochs': epochs,
        'accuracy': float(accuracy), 'loss': float(loss), 'data_loss': float(data_loss),
        'reg_loss': float(regularization_loss),
        'val_accuracy': float(val_accuracy), 'val_loss': float(val_loss),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=10001)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--print-every', type=int, default=100)
    parser.add_argument('--nnfs-init', action='store_true',
                        help="call nnfs.init() first, as the book does (this process only)")
    args = parser.parse_args(argv)
    if args.nnfs_init:
        import nnfs
        nnfs.init(random_seed=args.seed)
    result = run_reference(args.epochs, seed=args.seed, print_every=args.print_every)
    print(f"validation, acc: {result['val_accuracy']:.3f}, loss: {result['val_loss']:.3f}")
    rate = result['epochs'] / result['elapsed_s']
    print(f"{result['epochs']} epochs in {result['elapsed_s']:.2f} s = {rate:.0f} epochs/s "
          f"({'with' if args.nnfs_init else 'without'} nnfs.init())")


if __name__ == '__main__':
    main()
