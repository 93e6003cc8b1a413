"""Speed of tutorial_lib's forward+backward, measured in one interleaved run.

Two shapes from the workbook:

* ``deep``: the vanishing-gradient network, 50 hidden sigmoid layers of 32
  units, sigmoid output, binary cross-entropy, 1100 samples;
* ``digits``: the 65-200-100-10 network with hidden bias, sigmoid hidden
  layers, softmax output, cross-entropy, on the 1797 digits.

For each shape the script times, round-robin so that machine noise hits all
alike, and reports medians:

* ``tutorial_lib``: ``net.forward(X)`` then ``net.backward(Y, ...)``, the public API;
* ``matmuls only``: the same matrix products on preallocated arrays and
  nothing else (a floor for any implementation of this maths in numpy);
* ``per-sample loop``: the same maths one sample (column) at a time in Python;
* ``PyTorch autograd``: float64 CPU tensors, ``loss.backward()`` (if torch is installed:
  ``pip install -e ".[bench]"``).

Every variant's gradients are first checked against tutorial_lib's, so the
figures compare equal work.  Usage: ``python benchmarks/run.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

import tutorial_lib as tl


# --------------------------------------------------------------------------- problems

def make_problem(name: str):
    if name == "deep":
        X, Y = tl.load_wine_imbalanced()
        net = tl.MLP.from_sizes([3] + [32] * 50 + [1], "sigmoid", seed=0)
        return net, X, Y, "bce"
    X, Y = tl.load_digits_onehot()
    net = tl.MLP.from_sizes([65, 200, 100, 10], ["sigmoid", "sigmoid", "softmax"], seed=0, hidden_bias=True)
    return net, X, Y, "softmax_ce"


def library_step(net, X, Y, loss):
    net.forward(X)
    return net.backward(Y, loss=loss)


class MatmulsOnly:
    """The forward and backward matrix products of ``net``, on preallocated buffers."""

    def __init__(self, net, X):
        self.X = X
        self.Ws = [W[1:] if (i > 0 and net.hidden_bias) else W for i, W in enumerate(net.weights)]
        n = X.shape[1]
        self.acts = [np.empty((W.shape[1], n)) for W in self.Ws]
        self.back = [np.empty((W.shape[0], n)) for W in self.Ws]
        self.grads = [np.empty(W.shape) for W in self.Ws]
        self.dF = [np.ones((W.shape[1], n)) * 1e-3 for W in self.Ws]

    def __call__(self):
        inp = self.X
        for W, out in zip(self.Ws, self.acts):
            np.matmul(W.T, inp, out=out)
            inp = out
        for i in range(len(self.Ws) - 1, -1, -1):
            inp = self.X if i == 0 else self.acts[i - 1]
            np.matmul(inp, self.dF[i].T, out=self.grads[i])
            if i > 0:
                np.matmul(self.Ws[i], self.dF[i], out=self.back[i])
        return self.grads


def per_sample_loop(net, X, Y, loss):
    """The same gradients, one sample at a time (what a first, loop-based version looks like)."""
    L = net.n_layers
    n = X.shape[1]
    grads = [np.zeros_like(W) for W in net.weights]
    for j in range(n):
        x = X[:, j]
        inputs, fs, acts = [], [], []
        a = x
        for i, W in enumerate(net.weights):
            inp = np.concatenate(([1.0], a)) if (i > 0 and net.hidden_bias) else a
            f = W.T @ inp
            a = tl.activations._softmax(f[:, None])[:, 0] if net.activations[i] == "softmax" else \
                tl.activations._sigmoid(f)
            inputs.append(inp), fs.append(f), acts.append(a)
        y = Y[:, j]
        dF = (acts[-1] - y) / n  # sigmoid + BCE and softmax + CE both give (Y_hat - Y)/n
        for i in range(L - 1, -1, -1):
            grads[i] += np.outer(inputs[i], dF)
            if i > 0:
                dA = net.weights[i] @ dF
                if net.hidden_bias:
                    dA = dA[1:]
                dF = dA * acts[i - 1] * (1.0 - acts[i - 1])
    return grads


class TorchStep:
    """Forward+backward with PyTorch's CPU autograd on the same float64 data and weights."""

    def __init__(self, torch, net, X, Y, loss):
        self.torch = torch
        self.hidden_bias = net.hidden_bias
        self.softmax = loss == "softmax_ce"
        self.X = torch.tensor(X)
        self.Y = torch.tensor(Y)
        self.Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]

    def __call__(self):
        torch = self.torch
        for W in self.Ws:
            W.grad = None
        a = self.X
        n = self.X.shape[1]
        for i, W in enumerate(self.Ws):
            if i > 0 and self.hidden_bias:
                f = W[1:].T @ a + W[0][:, None]
            else:
                f = W.T @ a
            if i < len(self.Ws) - 1:
                a = torch.sigmoid(f)
        if self.softmax:
            loss = -(self.Y * torch.log_softmax(f, dim=0)).sum() / n
        else:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(f, self.Y, reduction="sum") / n
        loss.backward()
        return [W.grad for W in self.Ws]


# --------------------------------------------------------------------------- timing

def interleaved(variants: dict, repeats: int) -> dict:
    """Median seconds per call of each variant, timed round-robin."""
    times = {name: [] for name in variants}
    for fn, _ in variants.values():
        fn()  # warm-up: caches, BLAS threads, torch's lazy initialisation
    for r in range(repeats):
        for name, (fn, every) in variants.items():
            if r % every:
                continue
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def import_time(repeats: int = 5) -> float:
    """Median wall time of ``import tutorial_lib`` in a fresh interpreter (numpy included)."""
    code = "import time; t = time.perf_counter(); import tutorial_lib; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeats)]
    return statistics.median(runs)


def _max_rel(a_list, b_list) -> float:
    return max(tl.relative_error(np.asarray(a), np.asarray(b)) for a, b in zip(a_list, b_list))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per variant (default 30)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and PyTorch threads, the same for both (default 1: stable on a shared machine)")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    threadpool_limits(limits=args.threads)
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None

    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}, "
          f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed"))
    print(f"date: {time.strftime('%Y-%m-%d')}; {args.threads} thread(s); float64; "
          f"medians of {args.repeats} interleaved calls\n")
    header = f"{'network':<30} {'variant':<18} {'ms':>9} {'vs tutorial_lib':>16}"
    print(header)
    print("-" * len(header))
    for name in ("deep", "digits"):
        net, X, Y, loss = make_problem(name)
        reference = [g.copy() for g in library_step(net, X, Y, loss)]
        variants = {"tutorial_lib": (lambda: library_step(net, X, Y, loss), 1),
                    "matmuls only": (MatmulsOnly(net, X), 1)}
        loop_grads = per_sample_loop(net, X, Y, loss)
        assert _max_rel(loop_grads, reference) < 1e-10, "per-sample loop disagrees with tutorial_lib"
        # The loop is ~100x slower: time it on every 10th round to keep the run short.
        variants["per-sample loop"] = (lambda: per_sample_loop(net, X, Y, loss), 10)
        if torch is not None:
            step = TorchStep(torch, net, X, Y, loss)
            assert _max_rel([g.numpy() for g in step()], reference) < 1e-10, "PyTorch disagrees with tutorial_lib"
            variants["PyTorch autograd"] = (step, 1)
        medians = interleaved(variants, args.repeats)
        label = {"deep": "50x32 sigmoid, n = 1100", "digits": "65-200-100-10 softmax, n = 1797"}[name]
        base = medians["tutorial_lib"]
        for variant, seconds in medians.items():
            ratio = seconds / base
            print(f"{label:<30} {variant:<18} {seconds * 1e3:>9.2f} {ratio:>15.2f}x")
        print()
    print(f"import tutorial_lib (fresh interpreter, numpy included): {import_time() * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
