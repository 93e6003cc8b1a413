"""Speed of tutorial_lib's forward+backward, measured in one interleaved run per thread count.

Two shapes from the workbook:

* ``deep``: the vanishing-gradient network, 50 hidden sigmoid layers of 32
  units, sigmoid output, binary cross-entropy, 1100 samples;
* ``digits``: the 65-200-100-10 network with hidden bias, sigmoid hidden
  layers, softmax output, cross-entropy, on the 1797 digits.

For each shape and each thread count (default 1 and 2: a shared server's
stable figure and what a student's two-core laptop does) the script times,
round-robin so that machine noise hits all alike, and reports medians:

* ``tutorial_lib``: ``net.forward(X)`` then ``net.backward(Y, ...)``, the public API;
* ``matmuls only``: the same matrix products on preallocated arrays and
  nothing else (a floor for any implementation of this maths in numpy);
* ``per-sample loop``: the same maths one sample (column) at a time in Python;
* ``PyTorch autograd``: float64 CPU tensors, ``loss.backward()`` (if torch is installed:
  ``pip install -e ".[bench]"``);
* ``baseline``: with ``--baseline DIR``, the ``tutorial_lib`` package found in DIR
  (e.g. an older version: ``git archive HEAD~3 tutorial_lib | tar -x -C /tmp/old``),
  imported under another name and timed in the same rounds, so before and after
  are measured side by side.

The thread count applies to both libraries alike: BLAS through threadpoolctl,
PyTorch through ``torch.set_num_threads``.  numpy's elementwise functions use one
thread whatever the setting.  Every variant's gradients are first checked against
tutorial_lib's, so the figures compare equal work.  The first lines say which SIMD
extensions numpy found on this CPU (its float64 ``exp`` is vectorised only with
AVX-512) and which PyTorch uses.

Usage: ``python benchmarks/run.py [--repeats N] [--threads 1 2] [--baseline DIR]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

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

def interleaved(variants: dict, repeats: int, settle: float = 0.0) -> dict:
    """Median seconds per call of each variant, timed round-robin.

    ``variants`` maps a name to ``(function, every, runtime)``: the function is timed in
    every ``every``-th round; ``runtime`` names whose threads it uses ("numpy" for OpenBLAS,
    "torch").  Each round runs the variants in a new order (a fixed-seed shuffle), those of
    one runtime together.  With more than one thread, a library's worker threads keep
    spinning for a while after its call returns and take the second core from whatever
    runs next; so between the runtimes the round pauses ``settle`` seconds, long enough for
    them to go to sleep, and no variant always pays for its predecessor.
    """
    times = {name: [] for name in variants}
    for fn, _, _ in variants.values():
        fn()  # warm-up: caches, BLAS threads, torch's lazy initialisation, the network's buffers
    shuffle = np.random.default_rng(0)
    runtimes = sorted({runtime for _, _, runtime in variants.values()})
    for r in range(repeats):
        for runtime in shuffle.permutation(runtimes):
            if settle and len(runtimes) > 1:
                time.sleep(settle)
            names = [name for name, (_, _, rt) in variants.items() if rt == runtime]
            for name in shuffle.permutation(names):
                fn, every, _ = variants[name]
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


def simd_line() -> str:
    """What ``numpy.show_runtime()`` reports as SIMD extensions: baseline, found, not found."""
    try:
        from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    found = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    missing = [f for f in __cpu_dispatch__ if not __cpu_features__.get(f)]
    return (f"numpy SIMD: baseline {' '.join(__cpu_baseline__) or '-'}; found {' '.join(found) or '-'}; "
            f"not found {' '.join(missing) or '-'}")


def load_baseline(folder: Path):
    """The ``tutorial_lib`` package in ``folder``, imported as ``tutorial_lib_baseline``."""
    init = folder / "tutorial_lib" / "__init__.py"
    if not init.exists():
        raise SystemExit(f"--baseline: no tutorial_lib package in {folder}")
    spec = importlib.util.spec_from_file_location("tutorial_lib_baseline", init,
                                                  submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


LABELS = {"deep": "50x32 sigmoid, n = 1100", "digits": "65-200-100-10 softmax, n = 1797"}


def run_table(threads: int, repeats: int, torch, baseline) -> dict:
    """One table: every network and variant at ``threads`` threads; returns the medians."""
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    results = {}
    with threadpool_limits(limits=threads):
        if torch is not None:
            torch.set_num_threads(threads)
        print(f"{threads} thread(s): BLAS and PyTorch (numpy's elementwise functions use one); "
              f"load average before: {os.getloadavg()[0]:.2f}")
        header = f"{'network':<31} {'variant':<18} {'ms':>9} {'vs tutorial_lib':>16}"
        print(header)
        print("-" * len(header))
        for name in ("deep", "digits"):
            net, X, Y, loss = make_problem(name)
            reference = [g.copy() for g in library_step(net, X, Y, loss)]
            variants = {"tutorial_lib": (lambda: library_step(net, X, Y, loss), 1, "numpy"),
                        "matmuls only": (MatmulsOnly(net, X), 1, "numpy")}
            if baseline is not None:
                old = baseline.MLP(net.weights, net.activations, hidden_bias=net.hidden_bias)
                assert _max_rel(library_step(old, X, Y, loss), reference) < 1e-12, "baseline disagrees"
                variants["baseline"] = (lambda: library_step(old, X, Y, loss), 1, "numpy")
            loop_grads = per_sample_loop(net, X, Y, loss)
            assert _max_rel(loop_grads, reference) < 1e-10, "per-sample loop disagrees with tutorial_lib"
            # The loop is ~30x slower: time it on every 10th round to keep the run short.
            variants["per-sample loop"] = (lambda: per_sample_loop(net, X, Y, loss), 10, "numpy")
            if torch is not None:
                step = TorchStep(torch, net, X, Y, loss)
                assert _max_rel([g.numpy() for g in step()], reference) < 1e-10, "PyTorch disagrees with tutorial_lib"
                variants["PyTorch autograd"] = (step, 1, "torch")
            medians = interleaved(variants, repeats, settle=0.25 if threads > 1 else 0.0)
            base = medians["tutorial_lib"]
            for variant, seconds in medians.items():
                print(f"{LABELS[name]:<31} {variant:<18} {seconds * 1e3:>9.2f} {seconds / base:>15.2f}x")
            print(f"{'':<31} tutorial_lib / matmuls only: {base / medians['matmuls only']:.2f}"
                  + (f"; PyTorch / tutorial_lib: {medians['PyTorch autograd'] / base:.2f}" if torch else ""))
            print()
            results[name] = medians
    print(f"load average after: {os.getloadavg()[0]:.2f} (other processes on the {os.cpu_count()} cores "
          f"slow down every multi-threaded figure)\n")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per variant (default 30)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts, one table each, the same for BLAS and PyTorch (default: 1 2)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a folder holding another tutorial_lib package to time side by side")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        torch = None
    baseline = load_baseline(args.baseline) if args.baseline else None

    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}, "
          f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed"))
    print(simd_line())
    if torch is not None:
        print(f"PyTorch CPU capability: {torch.backends.cpu.get_cpu_capability()}")
    print(f"date: {time.strftime('%Y-%m-%d')}; float64; medians of {args.repeats} interleaved calls"
          + (f"; baseline: {args.baseline}" if baseline else "") + "\n")
    for threads in args.threads:
        run_table(threads, args.repeats, torch, baseline)
    print(f"import tutorial_lib (fresh interpreter, numpy included): {import_time() * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
