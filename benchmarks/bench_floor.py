"""How fast can a pure-NumPy epoch of the chapter-15 run be? A yardstick for the engine target.

    python -m benchmarks.bench_floor [--epochs 1000] [--repeats 3] [--block 1000] [--check]

Issue 10 asks nncore for 15x the book-style reference on chapter 15 in float32. This file is
the fastest pure-NumPy version of that one run we could write, with every trick the engine
could adopt and some it could not: one fixed architecture (2 -> 64 -> 3, L2 on the first
layer, dropout 0.1, Adam), no layers or History, samples in blocks of `--block` that stay in
the L2 cache (the engine sums whole-batch products), the dropout scale folded into the next
layer's weights, products padded to 4 rows (OpenBLAS's small-matrix sweet spot), SFC64 for the
dropout bits. It still records what the engine records every epoch (training loss and
accuracy with dropout on, regularisation loss, validation loss and accuracy) and does the
engine's Adam with its subnormal flush. It is timed in the same process as the reference and
as `nncore.train`, interleaved; it prints, asserts nothing.

`--check` first proves that it computes the engine's maths: for one fixed dropout mask its
loss and gradients equal a float64 whole-batch computation (relative error below 1e-4), and
a full 10,001-epoch run ends at the book's numbers.

What it showed (2 cores, OPENBLAS_NUM_THREADS=1, 2026-12-04, `--check`): reference 247
epochs/s; this floor 2,662 (10.8x) in blocks of 1,000 and 2,303 (9.3x) without blocks; nncore
9.4x. The check's full run: train acc 0.714, reg loss 0.020, val acc 0.727, val loss 0.632.
Where the floor's ~375 us go (a line profile of one version): the five products ~95 us, the
dropout bits and keep-mask ~60-80, the other passes over (block, 64) arrays (ReLU compare,
and, convert, two multiplies) ~70, the loss on (3, block) ~55, validation ~20, Adam ~15. So
15x (~0.27 ms an epoch here) is beyond a NumPy engine on this workload, and nncore is within
~1.2x of this floor.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy starts its threads

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.book_reference import run_reference  # noqa: E402
from nncore import PRESETS, train  # noqa: E402
from nncore.data import make_dataset  # noqa: E402
from nncore.model import build_model  # noqa: E402
from nncore.train import _streams  # noqa: E402

CLIP = 1e-7
F = np.float32


def _softmax_loss(logits, true, top, tot, cor, at_max) -> tuple[float, int]:
    """Summed cross-entropy and correct count of (k, n) `logits`, which become the softmax
    probabilities in place; `true` holds each sample's flat index of its class's logit."""
    np.maximum.reduce(logits, axis=0, out=top)
    np.subtract(logits, top, out=logits)
    np.equal(logits, 0, out=at_max)
    np.exp(logits, out=logits)
    np.divide(logits, np.add.reduce(logits, axis=0, out=tot), out=logits)
    c = logits.take(true, out=cor)
    np.maximum(c, CLIP, out=c)
    np.minimum(c, 1 - CLIP, out=c)
    return -float(np.add.reduce(np.log(c, out=c))), int(np.count_nonzero(at_max.take(true)))


class FloorCh15:
    """The chapter-15 run (book-ch15's data, initial weights and hyper-parameters), one epoch
    per call of `epoch`, in blocks of `block` samples."""

    def __init__(self, block: int = 1000, seed: int = 0):
        cfg = dataclasses.replace(PRESETS["book-ch15"], seed=seed)
        self.cfg = cfg
        data_seq, init_rng, _ = _streams(seed)
        data = make_dataset(cfg, data_seq)
        model = build_model(cfg, 2, 3, init_rng, np.random.default_rng(0))  # its weights only
        n, h, k = len(data.y), cfg.hidden[0], data.classes
        if n % block:
            raise ValueError(f"--block must divide the {n} training samples; got {block}")
        self.n, self.h, self.k, self.nb, self.b = n, h, k, n // block, block
        # theta = [W1 (2, h); b1 (1, h); W2 (h, k); b2 (k)]: one flat vector for Adam.
        self.theta = np.zeros(3 * h + h * k + k, F)
        self.w1b, self.w2, self.b2 = self._views(self.theta)
        self.grad = np.zeros_like(self.theta)
        self.g_w1b, self.g_w2, self.g_b2 = self._views(self.grad)
        weights = dict(model.weights())
        self.w1b[:2], self.w1b[2] = weights["dense1.weights"], weights["dense1.biases"][0]
        self.w2[...], self.b2[...] = weights["dense2.weights"], weights["dense2.biases"][0]
        self.l2 = np.zeros_like(self.theta)
        self.l2[: 3 * h] = cfg.weight_l2  # the notes' 5e-4 on dense1's weights and biases
        assert cfg.weight_l2 == cfg.bias_l2
        # Inputs as rows [x0; x1; 1; 0], one C-contiguous (4, block) array per block.
        x4 = np.zeros((4, n), F)
        x4[:2], x4[2] = data.X.T, 1
        self.xb = [np.ascontiguousarray(x4[:, i * block:(i + 1) * block]) for i in range(self.nb)]
        self.xv = np.ascontiguousarray(data.X_val.astype(F))
        self.y, self.yv = data.y, data.y_val
        self.true = [self.y[i * block:(i + 1) * block] * block + np.arange(block)
                     for i in range(self.nb)]
        self.onehot = []
        for t in self.true:
            o = np.zeros((k, block), F)
            o.reshape(-1)[t] = 1
            self.onehot.append(o)
        nv = len(self.yv)
        self.true_v = self.yv * nv + np.arange(nv)
        self.bits = np.random.SFC64(np.random.SeedSequence(seed).spawn(3)[2])
        self.threshold = min(int(round(cfg.dropout * 65536)), 65535)
        self.scale = F(1.0 / (1.0 - self.threshold / 65536))
        self.fixed_keep: np.ndarray | None = None  # set by check(): a given (n, h) keep-mask
        b = block
        self.z, self.dx = np.empty((b, h), F), np.empty((b, h), F)
        self.keep, self.mask = np.empty((b, h), bool), np.empty((b, h), F)
        self.active = np.empty((b, h), bool)
        self.xw, self.g4 = np.empty((b, k), F), np.zeros((4, b), F)  # g4: 4th row stays 0
        self.w2s, self.w2s_t = np.empty((h, k), F), np.zeros((4, h), F)
        self.w1b4 = np.zeros((4, h), F)
        self.top, self.tot, self.cor = np.empty(b, F), np.empty(b, F), np.empty(b, F)
        self.at_max = np.empty((k, b), bool)
        self.d_w2t, self.d_w1b = np.empty((self.nb, 4, h), F), np.empty((self.nb, 4, h), F)
        self.d_b2 = np.empty((self.nb, k), F)
        self.zv, self.lv = np.empty((nv, h), F), np.empty((k, nv), F)
        self.topv, self.totv, self.corv = np.empty(nv, F), np.empty(nv, F), np.empty(nv, F)
        self.at_v, self.xwv = np.empty((k, nv), bool), np.empty((nv, k), F)
        self.m, self.v = np.zeros_like(self.theta), np.zeros_like(self.theta)
        self.step, self.den = np.empty_like(self.theta), np.empty_like(self.theta)
        self.abs, self.small = np.empty_like(self.theta), np.empty(self.theta.size, bool)
        self.iterations = 0
        self.records = np.empty((cfg.epochs, 5))  # data loss, reg loss, acc, val loss, val acc

    def _views(self, flat):
        h, k = self.h, self.k
        return (flat[: 3 * h].reshape(3, h), flat[3 * h: 3 * h + h * k].reshape(h, k),
                flat[3 * h + h * k:])

    def _adam(self) -> None:
        c = self.cfg
        t = self.iterations + 1
        lr = c.learning_rate / (1.0 + c.decay * self.iterations)
        root_c2 = math.sqrt(1 - c.beta2**t)
        m, v, step, den = self.m, self.v, self.step, self.den
        m *= c.beta1
        m += np.multiply(self.grad, 1 - c.beta1, out=step)
        v *= c.beta2
        np.multiply(self.grad, self.grad, out=step)
        step *= 1 - c.beta2
        v += step
        np.sqrt(v, out=den)
        den += c.eps * root_c2
        np.divide(m, den, out=step)
        step *= lr * root_c2 / (1 - c.beta1**t)
        self.theta -= step
        for a in (self.theta, m, v):  # the engine's subnormal flush
            np.abs(a, out=self.abs)
            np.less(self.abs, np.finfo(F).tiny, out=self.small)
            np.copyto(a, 0, where=self.small)
        self.iterations += 1

    def _keep(self, i: int) -> np.ndarray:
        if self.fixed_keep is not None:
            np.copyto(self.keep, self.fixed_keep[i * self.b:(i + 1) * self.b])
            return self.keep
        raw = self.bits.random_raw(self.b * self.h // 4)
        return np.greater_equal(raw.view(np.uint16).reshape(self.b, self.h), self.threshold,
                                out=self.keep)

    def epoch(self, e: int, backward: bool = True) -> None:
        if e > 0:
            self._adam()
        z, mask, dx, g4, lt = self.z, self.mask, self.dx, self.g4, self.g4[: self.k]
        self.w1b4[:3] = self.w1b
        np.multiply(self.w2, self.scale, out=self.w2s)
        np.multiply(self.w2.T, self.scale, out=self.w2s_t[: self.k])
        loss, hits = 0.0, 0
        for i, x in enumerate(self.xb):
            np.matmul(x.T, self.w1b4, out=z)
            keep = self._keep(i)
            np.logical_and(keep, np.greater(z, 0, out=self.active), out=keep)
            np.copyto(mask, keep)  # 0/1: the scale 1/keep is in w2s
            np.multiply(z, mask, out=z)
            np.matmul(z, self.w2s, out=self.xw)
            np.add(self.xw.T, self.b2[:, None], out=lt)
            block_loss, block_hits = _softmax_loss(lt, self.true[i], self.top, self.tot,
                                                   self.cor, self.at_max)
            loss += block_loss
            hits += block_hits
            if not backward:
                continue
            np.subtract(lt, self.onehot[i], out=lt)
            np.multiply(lt, 1.0 / self.n, out=lt)
            np.add.reduce(lt, axis=1, out=self.d_b2[i])
            np.matmul(g4, z, out=self.d_w2t[i])
            np.matmul(g4.T, self.w2s_t, out=dx)
            np.multiply(dx, mask, out=dx)
            np.matmul(x, dx, out=self.d_w1b[i])
        np.add.reduce(self.d_w1b[:, :3], axis=0, out=self.g_w1b)
        np.multiply(np.add.reduce(self.d_w2t[:, : self.k], axis=0).T, self.scale, out=self.g_w2)
        np.add.reduce(self.d_b2, axis=0, out=self.g_b2)
        reg = float(np.dot(self.l2, self.theta * self.theta))
        self.grad += 2 * self.l2 * self.theta
        # Validation: whole set, no dropout.
        zv, lv = self.zv, self.lv
        np.matmul(self.xv, self.w1b[:2], out=zv)
        zv += self.w1b[2]
        np.maximum(zv, 0, out=zv)
        np.matmul(zv, self.w2, out=self.xwv)
        np.add(self.xwv.T, self.b2[:, None], out=lv)
        val_loss, val_hits = _softmax_loss(lv, self.true_v, self.topv, self.totv, self.corv,
                                           self.at_v)
        nv = len(self.yv)
        self.records[e] = (loss / self.n, reg, hits / self.n, val_loss / nv, val_hits / nv)

    def run(self, epochs: int) -> np.ndarray:
        with np.errstate(all="ignore"):
            for e in range(epochs):
                self.epoch(e, backward=e < epochs - 1)
        return self.records[:epochs]


def check(block: int) -> None:
    """The floor computes the engine's maths: one epoch's loss and gradients against float64
    whole-batch formulas for the same keep-mask, then a full run against the book's numbers."""
    floor = FloorCh15(block)
    rng = np.random.default_rng(7)
    floor.fixed_keep = rng.integers(0, 65536, (floor.n, floor.h)) >= floor.threshold
    floor.theta += (0.05 * rng.standard_normal(floor.theta.size)).astype(F)  # biases non-zero
    theta = floor.theta.astype(np.float64)
    w1b, w2, b2 = floor._views(theta)
    x = np.c_[np.vstack([xb[:2].T for xb in floor.xb]), np.ones(floor.n)]
    z = x @ w1b
    mask = (z > 0) * floor.fixed_keep / (1.0 - floor.threshold / 65536)
    hid = z * mask
    logits = hid @ w2 + b2
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(np.clip(p[np.arange(floor.n), floor.y], CLIP, 1 - CLIP)).mean()
    g = p.copy()
    g[np.arange(floor.n), floor.y] -= 1
    g /= floor.n
    grad = np.concatenate([(x.T @ ((g @ w2.T) * mask)).ravel(), (hid.T @ g).ravel(), g.sum(0)])
    grad += 2 * floor.l2 * theta
    with np.errstate(all="ignore"):
        floor.epoch(0)
    rel = np.abs(floor.grad - grad).max() / np.abs(grad).max()
    print(f"check: loss {floor.records[0, 0]:.6f} vs {loss:.6f} (float64); gradient max "
          f"relative error {rel:.1e}")
    if abs(floor.records[0, 0] - loss) > 1e-4 * loss or rel > 1e-4:
        raise SystemExit("the floor does not compute the engine's maths")
    start = time.perf_counter()
    records = FloorCh15(block).run(PRESETS["book-ch15"].epochs)
    data_loss, reg, acc, val_loss, val_acc = records[-1]
    print(f"check: {len(records)} epochs in {time.perf_counter() - start:.2f} s: train acc "
          f"{acc:.3f}, reg loss {reg:.3f}, val acc {val_acc:.3f}, val loss {val_loss:.3f} (the "
          f"book: ~0.69, ~0.016, ~0.74-0.76, ~0.67-0.71)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000, help="epochs per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each")
    parser.add_argument("--block", type=int, default=1000, help="samples per block")
    parser.add_argument("--check", action="store_true", help="prove the maths first")
    args = parser.parse_args(argv)
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, numpy {np.__version__}")
    if args.check:
        check(args.block)
    ch15 = dataclasses.replace(PRESETS["book-ch15"], epochs=args.epochs)
    runs = {
        "reference (book-style, float64)": lambda: run_reference(args.epochs),
        f"floor (pure NumPy, blocks of {args.block})": lambda: FloorCh15(args.block).run(
            args.epochs),
        "floor without blocks": lambda: FloorCh15(3000).run(args.epochs),
        "nncore float32": lambda: train(ch15),
    }
    for run in runs.values():  # warm-up
        run()
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - start)
    rate = {name: args.epochs / statistics.median(s) for name, s in seconds.items()}
    ref = rate["reference (book-style, float64)"]
    print(f"\nchapter 15, {args.epochs} epochs, median of {args.repeats}, wall time of each call")
    for name in runs:
        print(f"  {name:38s} {rate[name]:7.0f} epochs/s  {rate[name] / ref:5.1f}x the reference")


if __name__ == "__main__":
    main()
