"""Checkers of notebook 00 (the chain rule and computation graphs).

* 0.1 ``j_table(x)``: the forward and backward columns of ``J = cos(sin(x^2) + 3x^2)``;
* 0.2, 0.3, 0.8: backward rules ``rule(node)`` of the engine's operations, each tested alone
  (a node with an upstream ``node.grad`` and parents whose ``grad`` is already non-zero, as if
  another use had contributed), then together inside :meth:`engine.Value.backward`; the inputs
  include the points where a shortcut goes wrong: negative bases of ``a ** k`` (whole ``k``), the
  ReLU's kink at exactly 0 and exact ties of ``max`` (the first input wins);
* 0.5 ``topological_order(root)`` and ``backward(root, rules)``: the engine's backward pass itself,
  on graphs where a node is used twice (``x * x``), diamonds, the slides' ``J``, random graphs and a
  chain of 20 diamonds (about a million paths: a walk without a visited set is stopped and named);
  the check hands in rules that record every call, so it sees the order of the visits;
* 0.7 ``quiz_gradients(x, z)``: the differentiation quiz with the engine;
* 0.9 ``pattern_grads``: four gradients of a small circuit read off with "add distributes, mul
  swaps, max routes";
* 0.10 ``grad_wrt_W(W, X, Y)``: ``dE/dW`` for ``E = mse_loss(W.T @ X, Y)``;
* 0.12 ``engine_mlp_loss(W1, W2, X, Y)``: the loss of a 3-2-1 ReLU/sigmoid network built from
  engine Values, whose gradients must equal :class:`tutorial_lib.MLP`'s to 1e-12.

References are computed at check time: the library engine (whose tests compare it with central
differences and hand-derived values), :class:`tutorial_lib.MLP`, closed forms.  Random inputs come
from :func:`~._common.grading_cases`, so a graded run tries inputs the student never saw.  While
a student's function runs, the library's own answer to that exercise is unavailable (``forbid=``).
"""

from __future__ import annotations

import inspect
import math
from collections import Counter

import numpy as np

from .. import engine
from ..activations import relu_grad, sigmoid_grad, tanh_grad
from ..data import load_wine_binary
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian
from ..losses import mse_grad, mse_loss
from ..mlp import MLP
from ._common import (
    CheckFailure, NotAttempted, _describe_type, _student_frame, call_student, expect_array, expect_close,
    expect_number, fail, fmt_array, grading_cases, passed,
)

__all__ = ["exercise_0_1", "exercise_0_2", "exercise_0_3", "exercise_0_5", "exercise_0_7", "exercise_0_8",
           "exercise_0_9", "exercise_0_10", "exercise_0_12", "HINTS", "PLANTED_MISTAKES"]

# ---------------------------------------------------------------------- staged hints (checks.hint)
HINTS = {
    "0.1": [
        "Work down the table from dJ/dJ = 1. Each backward entry is the gradient arriving from above "
        "(upstream) times the local derivative of one operation: how J reacts to u, how u reacts to u1, ...",
        "The local derivatives you need: d cos(u)/du, du/du1 and du/du2 (an addition), d sin(t)/dt, d(3t)/dt "
        "and d(x squared)/dx. Mind the sign of the cosine's derivative. t feeds two operations, so dJ/dt is a "
        "sum of two contributions.",
        "dJ/du is minus sin(u); dJ/du1 and dJ/du2 both equal dJ/du; dJ/dt is dJ/du1 times cos(t) plus "
        "dJ/du2 times 3; dJ/dx is dJ/dt times 2x.",
    ],
    "0.2": [
        "A rule adds, to each parent's grad, the upstream gradient node.grad times the local derivative of "
        "the node with respect to that parent. Work out the local derivatives on paper first: of a + b, -a, "
        "a - b, a times b and a / b, each with respect to a and to b.",
        "The local derivatives: a + b gives 1 and 1; -a gives -1; a - b gives 1 and -1; a times b gives b "
        "with respect to a and a with respect to b (each factor's gradient uses the OTHER factor's value); "
        "a / b gives 1/b and -a/b squared. The numbers are the parents' data.",
        "Each rule runs once per node. Add to the parents' grads (+=), never replace them (=): a parent used "
        "by two nodes, or twice by one node as in x times x, collects one contribution per use.",
    ],
    "0.3": [
        "Same recipe as exercise 0.2: upstream node.grad times the local derivative, added to the parent's "
        "grad. Write down the derivatives of a to the power k, exp(a), log(a), sin(a) and cos(a) first.",
        "The local derivatives: k times a to the power k - 1 (k is node.exponent); exp(a) itself, already "
        "stored in node.data; 1/a; cos(a); minus sin(a). The parent's data is a plain float, so the math "
        "module's functions apply.",
        "The two classic slips: the cosine's derivative carries a minus sign, and the power rule lowers the "
        "exponent by one. Every rule adds (+=) and touches only node.parents.",
    ],
    "0.5": [
        "Two functions. topological_order(root): every node the root depends on, each exactly once, each "
        "after all of its parents, the root last. backward(root, rules): reset the grad of every node of that "
        "list to 0, set the root's grad to 1, then walk the list from its end to its start and run, for each "
        "node that has parents, the rule named by its op.",
        "For the order, walk from the root through the parents depth first. Keep a set of the nodes already "
        "visited (a node reached along two paths is placed once), and append a node only after all of its "
        "parents (post-order). A leaf has no parents and no rule (its op is the empty string): skip it in "
        "the backward walk.",
        "Why the reverse order: when a node's rule runs, its grad must already hold the contributions of "
        "every node that uses it, and all of those come later in the topological order. Seed the root with 1 "
        "after the reset, not before; inside the walk only the rules touch the grads, and they add.",
    ],
    "0.7": [
        "Build y from two engine.Value leaves with the engine's functions (exp, log, sin) and +, *, /, "
        "exactly as the formula is written; compute x z and log x once and reuse them.",
        "Watch the brackets: the last term divides by the product x z. After building y, run its backward "
        "pass: the two partial derivatives are then in the grad of each leaf.",
        "Hand back the two numbers held in the leaves' grads, dy/dx first: not the nodes themselves, and not "
        "their data.",
    ],
    "0.8": [
        "Same recipe as exercises 0.2 and 0.3: upstream times local derivative, added to each parent. Work "
        "out the local derivatives of relu(a), tanh(a) and max(a, b) on paper.",
        "relu(a) has slope 1 where a is positive and 0 elsewhere (decide from the input a); the derivative of "
        "tanh(a) is 1 minus tanh(a) squared, and tanh(a) is already stored in node.data; max(a, b) has slope "
        "1 with respect to the larger input and 0 with respect to the other.",
        "So a relu passes the upstream gradient through or blocks it; a tanh scales it by one minus the square "
        "of its output; a max hands the whole upstream gradient to the input that won (the first on a tie) and "
        "nothing to the other.",
    ],
    "0.9": [
        "Walk the circuit from f down. f is 3 times s, so s receives 3 times the upstream 1 (the other factor "
        "of that product). Then apply one pattern per gate.",
        "Add distributes: both inputs of a sum receive the full upstream gradient. Mul swaps: each input of a "
        "product receives the upstream gradient times the other input. Max routes: the larger input receives "
        "the upstream gradient, the smaller one 0.",
        "With the numbers: the product x y and the max both receive 3; x receives 3 times y and y receives 3 "
        "times x; of z and w, only the larger receives 3.",
    ],
    "0.10": [
        "Write F in index form: F_qi is the sum over p of W_pq X_pi. Which entries of F does one weight W_pq "
        "influence, and with which local derivative?",
        "dE/dF_qi is (F_qi - Y_qi)/n: the 2 of the square cancels the 1/2. W_pq reaches only the entries F_qi "
        "of row q, one per sample i, each with local derivative X_pi, so the chain rule sums over i.",
        "dE/dW_pq is the sum over the samples i of X_pi times (F_qi - Y_qi)/n: the matrix X times the "
        "transpose of dE/dF, of shape (fan_in, fan_out) like W.",
    ],
    "0.12": [
        "Follow the network entry by entry: the hidden pre-activation f1[j][i] is the sum over p of W1[p][j] "
        "times X[p, i]; then the ReLU; the output f2[i] is the sum over j of W2[j][0] times hidden unit j; "
        "then the sigmoid, 1/(1 + exp(-f2)).",
        "The loss is the mean over the n samples of -(Y_i log Y_hat_i + (1 - Y_i) log(1 - Y_hat_i)). Keep "
        "every step an engine operation on Values (the weights are Values; X and Y hold plain numbers), so "
        "the backward pass can reach the weights.",
        "Common slips: the bias row X[0] (all ones) belongs to the sum over p, which starts at 0; the ReLU "
        "sits between the two layers; the 1/n and the minus sign are part of the loss; never rebuild a node "
        "from a number (a new Value made from .data): that cuts the graph.",
    ],
}

# ---------------------------------------------------------------------- named hints (messages)
HINT_COS = ("sign error in the backward of cos: the derivative of cos(u) is minus sin(u) (sin gives +cos, "
            "cos gives -sin).")
HINT_COS_NOT_COS = "the derivative of cos(u) is minus sin(u), not cos(u) or minus cos(u)."
HINT_OVERWRITE = ("you overwrote the gradient (=) instead of accumulating it (+=). A node used twice, as x in "
                  "x times x or t in both sin(t) and 3t, receives one contribution per use and the chain rule "
                  "adds them.")
HINT_TABLE_ACCUMULATE = ("dJ/dt keeps only one of its two paths: t feeds both u1 = sin(t) and u2 = 3t, so dJ/dt "
                         "is the sum of the contribution through u1 and the one through u2 (the += of the table).")
HINT_MUL_OWN = ("the backward of mul must use the other factor instead of the node's own value: the derivative "
                "of a times b with respect to a is b, and with respect to b it is a.")
HINT_UPSTREAM = ("the local derivative is right but it was not multiplied by node.grad, the gradient arriving "
                 "from above (the chain rule: dJ/da is dJ/dnode times dnode/da).")
HINT_UNCHANGED = ("your rule left the parent's grad unchanged. A rule hands nothing back; it adds its "
                  "contribution to the grad of each parent in node.parents.")
HINT_RETURNED = ("your rule returned a value and left the parent's grad unchanged: a rule hands nothing back, it "
                 "adds upstream times local derivative to each parent's grad.")
HINT_QUIZ_SWAPPED = "your two numbers are swapped: hand back (dy/dx, dy/dz) in that order."
HINT_QUIZ_LOG10 = "log here is the natural logarithm (the engine's log), not log10."
HINT_QUIZ_PRECEDENCE = ("operator precedence: sin(log x) / x * z divides by x and then multiplies by z; the quiz "
                        "divides by the product x z.")
HINT_QUIZ_ZERO = "both derivatives are 0: did you run the backward pass on y before reading the leaves' grads?"
HINT_VISITED = ("a node reached along two paths was expanded twice: keep a set of the nodes already visited and "
                "skip a node that is in it.")
HINT_REVERSE = ("the backward pass walks the topological order backwards, from the output down: a node's rule may "
                "run only after the rules of all the nodes that use it.")
HINT_CUT = ("somewhere between these weights and the loss a node was rebuilt from a number (a new Value made from "
            "a .data), or a step was computed on plain floats: that cuts the graph, and no gradient flows back "
            "through it. Build every step with the engine's operations.")

_NUMERICAL = (numerical_gradient, numerical_jacobian, check_gradients)
_ENGINE_PASS = (engine.Value.backward, engine.Value.topological_order, engine.value_and_grad)
_LIBRARY_RULES = tuple(engine.BACKWARD_RULES.values())


# ---------------------------------------------------------------------- helpers
def _name(node) -> str:
    return node.label or node.op or f"{node.data:g}"


def _number(exercise: str, name: str, value) -> float:
    """``value`` as a float, or a failure that says what came back instead (a node, a tuple, text...)."""
    if isinstance(value, engine.Value):
        fail(exercise, f"{name} is a Value node; a number was expected.", got=repr(value),
             hint="hand back the number the node holds (its grad or its data), not the node itself.")
    return expect_number(exercise, name, value)


def _kind(value) -> str:
    """What came back, in words: "None", "a function", "a numpy array of shape (2, 2)", "a tuple of 2 items"..."""
    if value is None:
        return "None"
    if inspect.isgenerator(value):
        return "a generator"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if callable(value) and not isinstance(value, type):
        return "a function"
    if isinstance(value, (str, bytes, tuple, list, dict, set, frozenset, bool, int, float)):
        return _describe_type(value)
    return f"an object of type {type(value).__name__}"


def _numbers(exercise: str, name: str, values) -> np.ndarray:
    return np.array([_number(exercise, name, v) for v in values], dtype=np.float64)


# ---------------------------------------------------------------------- exercise 0.1
_TABLE_VALUES = ("t", "u1", "u2", "u", "J")
_TABLE_GRADS = ("u", "u1", "u2", "t", "x")


def _j_reference(x: float):
    xv = engine.Value(x, label="x")
    t = xv ** 2
    u1 = engine.sin(t)
    u2 = 3 * t
    u = u1 + u2
    J = engine.cos(u)
    J.backward()
    return ({"t": t.data, "u1": u1.data, "u2": u2.data, "u": u.data, "J": J.data},
            {"u": u.grad, "u1": u1.grad, "u2": u2.grad, "t": t.grad, "x": xv.grad})


def exercise_0_1(j_table) -> None:
    """Check ``j_table(x) -> (values, grads)`` for ``J = cos(sin(x^2) + 3x^2)``.

    ``values`` maps ``"t", "u1", "u2", "u", "J"`` to the forward values and ``grads`` maps
    ``"u", "u1", "u2", "t", "x"`` to ``dJ/d`` that variable.  Tested at x = 1 and at random points
    against the library engine (exactly: a central difference is named as such); the first wrong
    entry, in table order, is reported.
    """
    ex = "0.1"
    xs = [1.0]
    for (seed,) in grading_cases(ex, [(100,)]):
        xs += [float(v) for v in np.random.default_rng(seed).uniform(-2.0, 2.0, size=4)]
    got_vals = {k: [] for k in _TABLE_VALUES}
    got_grads = {k: [] for k in _TABLE_GRADS}
    for x in xs:
        result = call_student(ex, j_table, x, forbid=_ENGINE_PASS + _NUMERICAL + _LIBRARY_RULES)
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and all(isinstance(d, dict) for d in result)):
            fail(ex, f"j_table({x:.4g}) should hand back two dicts, (values, grads); got {_kind(result)}.",
                 hint="the last lines of the answer cell build the two dicts and hand them back as a pair: keep them.")
        values, grads = result
        for d, keys, what in ((values, _TABLE_VALUES, "values"), (grads, _TABLE_GRADS, "grads")):
            missing = [k for k in keys if k not in d]
            if missing:
                fail(ex, f"the {what} dict has no entry for {missing}.", expected=f"keys {list(keys)}",
                     got=f"keys {sorted(map(str, d))}")
        for k in _TABLE_VALUES:
            got_vals[k].append(_number(ex, f"values[{k!r}] at x = {x:.4g}", values[k]))
        for k in _TABLE_GRADS:
            got_grads[k].append(_number(ex, f"grads[{k!r}] at x = {x:.4g}", grads[k]))

    refs = [_j_reference(x) for x in xs]
    ref_vals = {k: np.array([r[0][k] for r in refs]) for k in _TABLE_VALUES}
    ref = {k: np.array([r[1][k] for r in refs]) for k in _TABLE_GRADS}
    x = np.array(xs)
    t, u1, u2, u = (ref_vals[k] for k in ("t", "u1", "u2", "u"))
    at = f"at x = {fmt_array(x, 3)}"
    value_mistakes = {
        "t": [(2 * x, "t is x squared, not 2x.")],
        "u1": [(np.sin(x), "u1 is the sine of t, not of x."), (np.cos(t), "u1 is sin(t), not cos(t).")],
        "u2": [(3 * x, "u2 is 3t, three times t (not three times x).")],
        "u": [(u1 * u2, "u is the sum u1 + u2, not their product.")],
        "J": [(np.sin(u), "J is cos(u), not sin(u)."), (np.cos(u1), "J is the cosine of u = u1 + u2, not of u1.")],
    }
    for k in _TABLE_VALUES:
        expect_array(ex, f"the forward value {k} {at}", got_vals[k], ref_vals[k], mistakes=value_mistakes[k],
                     rtol=1e-9, atol=1e-12,
                     hint="recompute the forward column from the bottom of the table: t, then u1 and u2, then u, "
                          "then J.")
    dJ_du = ref["u"]
    grad_mistakes = {
        "u": [(np.sin(u), HINT_COS), (-np.cos(u), HINT_COS_NOT_COS), (np.cos(u), HINT_COS_NOT_COS),
              (np.ones_like(u), "dJ/du is dJ/dJ = 1 times the local derivative of cos at u; 1 alone is only dJ/dJ.")],
        "u1": [(np.ones_like(u), "dJ/du1 is dJ/du times du/du1 = 1: multiply by the upstream dJ/du."),
               (-np.sin(u1), "u feeds J, so dJ/du1 is the upstream dJ/du times du/du1 = 1, not the derivative "
                             "of cos at u1.")],
        "u2": [(np.ones_like(u), "dJ/du2 is dJ/du times du/du2 = 1: multiply by the upstream dJ/du."),
               (3 * dJ_du, "the 3 of u2 = 3t belongs to the next step down (dJ/dt); dJ/du2 is dJ/du times 1.")],
        "t": [(dJ_du * np.cos(t), HINT_TABLE_ACCUMULATE), (dJ_du * 3, HINT_TABLE_ACCUMULATE),
              (dJ_du * np.sin(t) + dJ_du * 3, "the derivative of sin(t) is cos(t), not sin(t)."),
              (dJ_du * np.cos(t) + dJ_du * 3 * t, "the derivative of 3t with respect to t is 3, not 3t."),
              (dJ_du * np.cos(t) * 3, "the two paths through u1 and u2 add; they do not multiply.")],
        "x": [(ref["t"], "dJ/dx is dJ/dt times dt/dx, and dt/dx = 2x: that factor is missing."),
              (ref["t"] * x, "dt/dx is 2x for t = x squared: the factor 2 is missing."),
              (ref["t"] * t, "dt/dx is 2x for t = x squared, not x squared."),
              (ref["t"] * 2, "dt/dx is 2x, not 2: the factor x is missing.")],
    }
    for k in _TABLE_GRADS:
        expect_array(ex, f"dJ/d{k} {at}", got_grads[k], ref[k], mistakes=grad_mistakes[k], exact=True,
                     rtol=1e-6, atol=1e-9,
                     hint=f"dJ/d{k} is the upstream gradient times the local derivative, summed over every "
                          f"node that uses {k}; follow the backward column of the table from the top.")
    passed(ex)


# ---------------------------------------------------------------------- rules: exercises 0.2, 0.3 and 0.8
def _signed(rng, k):
    return rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.4, 2.0, size=k)


def _positive(rng, k):
    return rng.uniform(0.5, 2.0, size=k)


def _one(sampler):
    return lambda rng, k: [sampler(rng, k)]


def _two_signed(rng, k):
    return [_signed(rng, k), _signed(rng, k)]


def _two_apart(rng, k):
    # Inputs of a max, never tied: b lies 0.2 to 1.0 above or below a.
    a = _signed(rng, k)
    return [a, a + rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.2, 1.0, size=k)]


def _relu_inputs(rng, k):
    # Signed inputs, then the kink itself: exactly 0, where the engine's ReLU has slope 0.
    return [np.concatenate([_signed(rng, k), [0.0]])]


def _max_inputs(rng, k):
    # Inputs apart, then two exact ties (one at 0): on a tie the first input, a, gets the whole gradient.
    a, b = _two_apart(rng, k)
    tie = float(_signed(rng, 1)[0])
    return [np.concatenate([a, [tie, 0.0]]), np.concatenate([b, [tie, 0.0]])]


#: op -> (number of inputs, sampler of the inputs over k trials)
_OP_SPECS = {
    "add": (2, _two_signed), "mul": (2, _two_signed), "neg": (1, _one(_signed)), "sub": (2, _two_signed),
    "div": (2, _two_signed), "pow": (1, _one(_positive)), "exp": (1, _one(_signed)), "log": (1, _one(_positive)),
    "sin": (1, _one(_signed)), "cos": (1, _one(_signed)), "relu": (1, _relu_inputs), "tanh": (1, _one(_signed)),
    "max": (2, _max_inputs),
}
#: Exponents of the pow rule: on positive bases, then on negative bases (whole exponents only: a negative base
#: has no real power 0.5).
_EXPONENTS = (2.0, 3.0, -1.0, 0.5, 2.5)
_NEGATIVE_BASE_EXPONENTS = (2.0, 3.0, -1.0, -2.0)
_TRIALS = 5


def _pow_case(rng):
    """Bases and exponents of the pow rule: positive bases with every exponent, then negative bases."""
    bases = np.concatenate([_positive(rng, len(_EXPONENTS)), -_positive(rng, len(_NEGATIVE_BASE_EXPONENTS))])
    return [bases], np.array(_EXPONENTS + _NEGATIVE_BASE_EXPONENTS)


def _build(op: str, parents, k: float):
    a = parents[0]
    if op == "add":
        return a + parents[1]
    if op == "mul":
        return a * parents[1]
    if op == "sub":
        return a - parents[1]
    if op == "div":
        return a / parents[1]
    if op == "neg":
        return -a
    if op == "pow":
        return a ** k
    if op == "max":
        return engine.maximum(a, parents[1])
    return getattr(engine, op)(a)


def _rule_mistakes(op: str, slot: int, data, out, g, before, d, ks):
    """Predictable wrong results for ``parents[slot].grad`` after the rule (arrays over the trials)."""
    a = data[0]
    b = data[1] if len(data) > 1 else None
    name = "ab"[slot]
    specific = []
    if op == "mul":
        own = data[slot]
        specific = [(before + own * g, HINT_MUL_OWN), (before + out * g, HINT_MUL_OWN), (own * g, HINT_MUL_OWN)]
    elif op == "sub" and slot == 1:
        specific = [(before + g, "sign error in the backward of sub: the derivative of a - b with respect to b "
                                 "is -1.")]
    elif op == "neg":
        specific = [(before + g, "sign error in the backward of neg: the derivative of -a is -1.")]
    elif op == "div" and slot == 0:
        specific = [(before + g * b, "the derivative of a / b with respect to a is 1/b: divide by b, do not "
                                     "multiply."),
                    (before - g / b ** 2, "the derivative of a / b with respect to a is 1/b (the -a/b squared "
                                          "belongs to b).")]
    elif op == "div" and slot == 1:
        specific = [(before + g * a / b ** 2, "sign error in the backward of div: the derivative of a / b with "
                                              "respect to b is -a/b squared."),
                    (before - g / b ** 2, "the derivative of a / b with respect to b is -a/b squared: the factor "
                                          "a is missing."),
                    (before - g * a / b, "the derivative of a / b with respect to b is -a/b squared: b must be "
                                         "squared."),
                    (before + g / b, "the derivative of a / b with respect to b is -a/b squared (1/b is the one "
                                     "with respect to a).")]
    elif op == "pow":
        specific = [(before + g * ks * np.abs(a) ** (ks - 1), "the sign is wrong for a negative base a: a to the "
                                                              "power k - 1 is negative when a is negative and k - 1 "
                                                              "is odd. Use a itself, not its absolute value."),
                    (before + g * ks * a ** ks, "the power rule lowers the exponent by one: k times a to the "
                                                "power k - 1."),
                    (before + g * a ** (ks - 1), "the power rule has the factor k in front: k times a to the "
                                                 "power k - 1."),
                    (before + g * (ks - 1) * a ** (ks - 1), "the power rule has k in front, not k - 1.")]
    elif op == "exp":
        specific = [(before + g * a, "the derivative of exp(a) is exp(a), the node's own value, not a.")]
    elif op == "log":
        specific = [(before + g * np.log(a), "the derivative of log(a) is 1/a: divide the upstream gradient by "
                                             "the parent's value."),
                    (before - g / a, "sign error in the backward of log: the derivative of log(a) is +1/a.")]
    elif op == "sin":
        specific = [(before + g * np.sin(a), "the derivative of sin(a) is cos(a), not sin(a)."),
                    (before - g * np.cos(a), "sign error in the backward of sin: the derivative of sin(a) is "
                                             "+cos(a).")]
    elif op == "cos":
        specific = [(before + g * np.sin(a), HINT_COS), (before + g * np.cos(a), HINT_COS_NOT_COS),
                    (before - g * np.cos(a), HINT_COS_NOT_COS)]
    elif op == "relu":
        kink = a == 0
        specific = [(before + g * (a >= 0), "at the kink, an input of exactly 0, the engine's ReLU has slope 0: "
                                            "the gradient passes only where the input is strictly positive."),
                    (before + g * ((a > 0) + 0.5 * kink), "at the kink, an input of exactly 0, the engine's ReLU "
                                                           "has slope 0 (not 1/2): the gradient passes only where "
                                                           "the input is strictly positive."),
                    (before + g * (a < 0), "the ReLU mask is the wrong way round: the gradient passes where the "
                                           "input is positive and is blocked where it is negative."),
                    (before + g, "a ReLU blocks the gradient where its input is negative: the slope there is 0, "
                                 "not 1."),
                    (before + g * np.maximum(a, 0), "the slope of the ReLU is 1 or 0 (is the input positive?), "
                                                    "not the ReLU's output value.")]
    elif op == "tanh":
        t = np.tanh(a)
        specific = [(before + g * (1 - a ** 2), "the derivative of tanh(a) is 1 minus tanh(a) squared, from the "
                                                "output node.data, not 1 minus a squared."),
                    (before + g * (1 - t), "the derivative of tanh(a) is 1 minus tanh(a) SQUARED."),
                    (before + g * t, "the derivative of tanh(a) is 1 minus tanh(a) squared, not tanh(a)."),
                    (before + g * (1 + t ** 2), "the derivative of tanh(a) is 1 MINUS tanh(a) squared.")]
    elif op == "max":
        mine, other = data[slot], data[1 - slot]
        won = mine >= other if slot == 0 else mine > other    # a tie goes to the first input, a
        tie = mine == other
        on_tie = ("on a tie (a equal to b) the engine's max hands the whole upstream gradient to the first input, "
                  "a, and nothing to b.")
        if slot == 0:
            specific = [(before + g * (mine > other), on_tie + " Your a received nothing there.")]
        else:
            specific = [(before + g * (mine >= other), on_tie + " Your b received it too (or instead).")]
        specific += [
                    (before + g * (won & ~tie) + g * tie / 2,
                     "the max does not share, not even on a tie (a equal to b): the engine's max hands the whole "
                     "upstream gradient to the first input, a, and nothing to b."),
                    (before + g, "the max routes: only the input that won (the larger one) receives the "
                                 "upstream gradient; the other receives nothing."),
                    (before + g * ~won, "the max routes the gradient to the LARGER input; yours went to the "
                                        "smaller one."),
                    (before + g * out * won, "the max passes the upstream gradient itself to the winner (slope 1), "
                                             "not the gradient times the max's value."),
                    (before + g * won / 2 + g * ~won / 2, "the max does not share: the winner receives the whole "
                                                          "upstream gradient, the other input nothing."),
                    (before + g / 2, "the max does not share: the winner receives the whole upstream gradient, the "
                                     "other input nothing.")]
    generic = [
        (before, HINT_UNCHANGED),
        (g * d, HINT_OVERWRITE),
        (np.where(d != 0, g * d, before), HINT_OVERWRITE),   # assigned only where the slope is not 0
        (d, HINT_OVERWRITE),
        (before + d, HINT_UPSTREAM),
        (before - g * d, f"sign error in the backward of {op}: every contribution to {name}.grad has the wrong "
                         f"sign."),
    ]
    return specific + generic


def _call_rule(exercise: str, op: str, rule, node, forbid, values, k):
    """``call_student`` on one node; a crash names the inputs it happened on (a negative base, a tie, ...)."""
    try:
        return call_student(exercise, rule, node, forbid=forbid)
    except CheckFailure as exc:
        lines = str(exc).split("\n")
        if not lines[0].startswith(f"Exercise {exercise}: your function raised"):
            raise
        inputs = ", ".join(f"{'ab'[j]} = {v:g}" for j, v in enumerate(values)) + (f", k = {k:g}" if op == "pow"
                                                                                     else "")
        lines[0] = f"Exercise {exercise}: your {op!r} rule raised {lines[0].split(' raised ', 1)[1]}"
        lines.insert(1, f"  on the inputs {inputs}")
        if op == "pow" and values[0] <= 0:
            lines = [line for line in lines if not line.startswith("  hint: ")]
            lines.insert(-1 if lines[-1].startswith("  more help") else len(lines),
                         "  hint: a negative base has a real power, and a power rule, when k is a whole number: "
                         "work with a itself (a logarithm of a, or a square root, needs a > 0).")
        raise CheckFailure("\n".join(lines)) from None


def _check_rule(exercise: str, op: str, rule, seed: int, forbid) -> None:
    n_in, sample = _OP_SPECS[op]
    inputs, gs, befores, exponents = [], [], [], []
    for (case_seed,) in grading_cases(exercise, [(seed,)], k=1):
        rng = np.random.default_rng(case_seed)
        case, case_ks = _pow_case(rng) if op == "pow" else (sample(rng, _TRIALS), None)
        m = case[0].size
        inputs.append(case)
        exponents.append(np.zeros(m) if case_ks is None else case_ks)
        gs.append(_signed(rng, m))
        befores.append([rng.uniform(-1.0, 1.0, size=m) for _ in range(n_in)])
    inputs = [np.concatenate([case[j] for case in inputs]) for j in range(n_in)]
    g = np.concatenate(gs)
    before = [np.concatenate([case[j] for case in befores]) for j in range(n_in)]
    trials = g.size
    ks = np.concatenate(exponents)
    after = [np.zeros(trials) for _ in range(n_in)]
    expected = [np.zeros(trials) for _ in range(n_in)]
    local = [np.zeros(trials) for _ in range(n_in)]
    outs = np.zeros(trials)
    returned = False
    for i in range(trials):
        parents = [engine.Value(float(v[i]), label="ab"[j]) for j, v in enumerate(inputs)]
        node = _build(op, parents, float(ks[i]))
        outs[i] = node.data
        for j, p in enumerate(parents):
            p.grad = float(before[j][i])
        node.grad = float(g[i])
        result = _call_rule(exercise, op, rule, node, forbid, [float(v[i]) for v in inputs], float(ks[i]))
        returned = returned or result is not None
        if not (isinstance(node.grad, float) and node.grad == float(g[i])):
            fail(exercise, f"your {op!r} rule changed node.grad, the upstream gradient it reads.",
                 expected=f"{float(g[i]):.6g}", got=fmt_array(node.grad) if not isinstance(node.grad, engine.Value)
                 else "a Value", hint="a rule only adds to the grads of node.parents; it leaves node.grad as it is.")
        for j, p in enumerate(parents):
            after[j][i] = _number(exercise, f"{'ab'[j]}.grad after your {op!r} rule", p.grad)
        # The reference: the library's rule on a twin, once from the same start and once from zero with an
        # upstream gradient of 1 (the local derivative itself).
        for upstream, start, target in ((float(g[i]), True, expected), (1.0, False, local)):
            twins = [engine.Value(float(v[i])) for v in inputs]
            twin = _build(op, twins, float(ks[i]))
            for j, p in enumerate(twins):
                p.grad = float(before[j][i]) if start else 0.0
            twin.grad = upstream
            engine.BACKWARD_RULES[op](twin)
            for j, p in enumerate(twins):
                target[j][i] = p.grad
    for j in range(n_in):
        name = "ab"[j]
        mistakes = _rule_mistakes(op, j, inputs, outs, g, before[j], local[j], ks)
        if returned:
            mistakes = [(before[j], HINT_RETURNED)] + mistakes
        what = ", for a to the power k = 2, 3, -1, -2, 0.5, 2.5 (a of both signs)" if op == "pow" else ""
        expect_array(exercise, f"{name}.grad after your {op!r} rule{what}", after[j], expected[j],
                     mistakes=mistakes, exact=True, rtol=1e-6, atol=1e-9,
                     hint=(f"the check set {name}.grad to a non-zero start (as if another use of {name} had "
                           f"already contributed) and node.grad to an upstream gradient, then called your rule "
                           f"once; {name}.grad should grow by node.grad times the local derivative."))


def _check_composed(exercise: str, rules: dict, fn, args, what: str, hint: str) -> None:
    got = call_student(exercise, lambda: engine.value_and_grad(fn, *args, rules=rules)[1])
    _, ref = engine.value_and_grad(fn, *args)
    expect_array(exercise, f"the gradient of {what}", _numbers(exercise, "a gradient", got), np.array(ref),
                 exact=True, mistakes=[], hint=hint)


def _check_rules(exercise: str, rules, ops, forbid) -> dict:
    if not isinstance(rules, dict):
        fail(exercise, f"expected a dict {{op name: rule}}; got {_kind(rules)}.",
             hint="hand the dict built at the bottom of the answer cell to the check.")
    missing = [op for op in ops if op not in rules]
    if missing:
        fail(exercise, f"the dict has no rule for {missing}.", expected=f"keys {list(ops)}",
             got=f"keys {sorted(map(str, rules))}")
    for op in ops:
        if not callable(rules[op]):
            fail(exercise, f"rules[{op!r}] is {_kind(rules[op])}, not a function.",
                 hint="map each op name to the rule function itself (its name, without parentheses).")
    for op in ops:
        _check_rule(exercise, op, rules[op], seed=200 + engine.OPS.index(op), forbid=forbid)
    return {op: rules[op] for op in ops}


_COMPOSED_HINT = "each rule passed alone; make sure every rule adds (+=) and touches only node.parents."
_RULE_FORBID = _LIBRARY_RULES + _ENGINE_PASS + _NUMERICAL


def exercise_0_2(rules) -> None:
    """Check the backward rules of ``add``, ``neg``, ``sub``, ``mul`` and ``div``.

    ``rules`` maps each op name to ``rule(node)``.  Each rule is tested alone against the library's
    rule (to rounding), then all together on ``x * x`` and on a small expression.
    """
    ex = "0.2"
    mine = _check_rules(ex, rules, ("add", "neg", "sub", "mul", "div"), _RULE_FORBID)
    _check_composed(ex, mine, lambda x: x * x, (1.7,), "x * x at x = 1.7", HINT_OVERWRITE)
    _check_composed(ex, mine, lambda a, b: (a * b - a / b) + -(b - a) * a, (1.3, -0.7),
                    "(a b - a/b) + (-(b - a)) a at a = 1.3, b = -0.7", _COMPOSED_HINT)
    passed(ex)


def exercise_0_3(rules) -> None:
    """Check the backward rules of ``pow``, ``exp``, ``log``, ``sin`` and ``cos``.

    Each rule is tested alone (``pow`` also on negative bases, with whole exponents), then together on
    ``J = cos(sin(x**2) + 3 x**2)``, ``x**3 - 2 x**2`` at a negative x and ``exp(sin(x)) * log(x**2 + 1)``.
    """
    ex = "0.3"
    mine = _check_rules(ex, rules, ("pow", "exp", "log", "sin", "cos"), _RULE_FORBID)
    _check_composed(ex, mine, lambda x: engine.cos(engine.sin(x ** 2) + 3 * x ** 2), (1.0,),
                    "J = cos(sin(x squared) + 3 x squared) at x = 1", _COMPOSED_HINT)
    _check_composed(ex, mine, lambda x: x ** 3 - 2 * x ** 2, (-0.9,), "x cubed - 2 x squared at x = -0.9",
                    "the power rule holds for a negative base too, when k is a whole number: k times a to the power "
                    "k - 1, with a itself.")
    _check_composed(ex, mine, lambda x: engine.exp(engine.sin(x)) * engine.log(x ** 2 + 1), (0.8,),
                    "exp(sin(x)) log(x squared + 1) at x = 0.8", _COMPOSED_HINT)
    passed(ex)


def exercise_0_8(rules) -> None:
    """Check the backward rules of the gates ``relu``, ``tanh`` and ``max``.

    Each rule is tested alone (also at the ReLU's kink, an input of exactly 0, and on exact ties of ``max``,
    where the first input wins), then together on
    ``tanh(x) + relu(x) * max(x, y)`` and ``max(relu(x y), tanh(y) y)``.
    """
    ex = "0.8"
    mine = _check_rules(ex, rules, ("relu", "tanh", "max"), _RULE_FORBID + (relu_grad, tanh_grad, sigmoid_grad))
    _check_composed(ex, mine, lambda x, y: engine.tanh(x) + engine.relu(x) * engine.maximum(x, y), (0.9, -0.4),
                    "tanh(x) + relu(x) max(x, y) at x = 0.9, y = -0.4", _COMPOSED_HINT)
    _check_composed(ex, mine, lambda x, y: engine.maximum(engine.relu(x * y), engine.tanh(y) * y), (-1.2, 0.7),
                    "max(relu(x y), tanh(y) y) at x = -1.2, y = 0.7", _COMPOSED_HINT)
    _check_composed(ex, mine, lambda x, y: engine.maximum(x, y) + engine.relu(x - y) * y, (0.6, 0.6),
                    "max(x, y) + relu(x - y) y at the tie x = y = 0.6",
                    "at a tie of max the first input gets the whole gradient, and at an input of exactly 0 the "
                    "ReLU has slope 0; every rule adds (+=) and touches only node.parents.")
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.5: the backward pass
class _TooManyVisits(BaseException):
    """Raised inside the student's walk when it reads far more parents than the graph has nodes.

    A ``BaseException``, so that a student's ``except Exception`` cannot swallow it.
    """


class _LeafLookup(KeyError):
    """The student's backward looked up the rule of a leaf (op ``""``) in the rules it was given."""


class _WrongRule(Exception):
    """A rule handed to the student's backward was called on something other than a node of its op."""


_BUDGET = {"count": 0, "limit": None, "tripped": False}


class _Node(engine.Value):
    """A node whose ``parents`` are counted while the student's code walks the graph."""

    @property
    def parents(self):
        if _BUDGET["limit"] is not None:
            _BUDGET["count"] += 1
            if _BUDGET["count"] > _BUDGET["limit"]:
                _BUDGET["tripped"] = True
                raise _TooManyVisits()   # again at every later read, so a bare except cannot walk on
        return self._parents

    @parents.setter
    def parents(self, value):
        self._parents = value


class _Counting:
    """``with _Counting(n_nodes):`` counts reads of ``.parents``; far more than the graph needs stops the walk."""

    def __init__(self, n_nodes: int):
        self.limit = 200 * n_nodes + 2000

    def __enter__(self):
        _BUDGET["count"], _BUDGET["limit"], _BUDGET["tripped"] = 0, self.limit, False

    def __exit__(self, *exc):
        _BUDGET["limit"] = None
        if exc[0] is None and _BUDGET["tripped"]:
            raise _TooManyVisits()   # the walk swallowed the stop and finished anyway
        return False


def _graph(root, what: str):
    """Turn the graph of ``root`` into counting nodes; return ``(root, nodes in topological order, what)``."""
    nodes = root.topological_order()
    for n in nodes:
        n._parents = n.__dict__.pop("parents")
        n.__class__ = _Node
    return root, nodes, what


def _graph_square(seed):
    x = engine.Value(float(np.random.default_rng(seed).uniform(0.5, 2.0)), label="x")
    return _graph((x * x).named("y"), "y = x * x (x used twice by one node)")


def _graph_diamond(seed):
    rng = np.random.default_rng(seed)
    x, w = engine.Value(float(rng.uniform(0.5, 1.5)), label="x"), engine.Value(float(rng.uniform(-1.5, -0.5)),
                                                                                label="w")
    a = (x * w).named("a")
    b = engine.sin(a).named("b")
    c = engine.cos(a).named("c")
    out = ((b * c).named("d") + a).named("out")
    return _graph(out, "a diamond: a = x w feeds b = sin(a), c = cos(a) and out = b c + a")


def _graph_J(seed):
    x = engine.Value(float(np.random.default_rng(seed).uniform(-2.0, 2.0)), label="x")
    t = (x ** 2).named("t")
    J = engine.cos((engine.sin(t).named("u1") + (3 * t).named("u2")).named("u")).named("J")
    return _graph(J, "J = cos(sin(x squared) + 3 x squared)")


def _graph_chain(seed, depth: int = 20):
    v = engine.Value(float(np.random.default_rng(seed).uniform(-1.0, 1.0)), label="x")
    for k in range(1, depth + 1):
        p = engine.sin(v).named(f"p{k}")
        q = engine.cos(v).named(f"q{k}")
        v = ((p + q).named(f"s{k}") * 0.7).named(f"v{k}")
    return _graph(v.named("out"), f"a chain of {depth} diamonds (about a million paths from x to the output)")


_RANDOM_OPS = ("add", "mul", "sub", "neg", "sin", "cos", "tanh", "relu", "max")


def _graph_random(seed):
    rng = np.random.default_rng(seed)
    pool = [engine.Value(float(v), label=f"x{i + 1}") for i, v in enumerate(_signed(rng, 3))]
    used = set()
    for k in range(1, 13):
        op = _RANDOM_OPS[int(rng.integers(len(_RANDOM_OPS)))]
        # Prefer recent nodes, so that the graph is deep, and allow a node twice (x * x).
        weights = np.arange(1, len(pool) + 1, dtype=float) ** 2
        i = int(rng.choice(len(pool), p=weights / weights.sum()))
        j = int(rng.choice(len(pool), p=weights / weights.sum()))
        a, b = pool[i], pool[j]
        if op == "max" and a is b:
            op = "add"
        node = _build(op, [a, b] if _OP_SPECS[op][0] == 2 else [a], 0.0).named(f"v{k}")
        if not math.isfinite(node.data) or abs(node.data) > 1e6:
            continue
        used.update({id(a), id(b) if _OP_SPECS[op][0] == 2 else id(a)})
        pool.append(node)
    sinks = [n for n in pool if id(n) not in used]
    out = sinks[0]
    for s in sinks[1:]:
        out = out + s
    return _graph(out.named("out"), f"a random graph of {len(pool) + 1} nodes")


def _check_order(ex: str, got, root, nodes, what: str) -> None:
    head = f"topological_order on {what}"
    if got is None:
        fail(ex, f"{head} came back as None.", hint="did you forget to hand back the list at the end?")
    if isinstance(got, (set, frozenset)):
        fail(ex, f"{head} came back as a set.", expected="a list, parents first",
             hint="a set has no order: collect the nodes in a list, in the order you place them.")
    if isinstance(got, np.ndarray):
        fail(ex, f"{head} came back as a numpy array.", expected="a list of the graph's nodes, parents first",
             hint="collect the nodes in a plain list and hand that list back.")
    if inspect.isgenerator(got) or not isinstance(got, (list, tuple)):
        fail(ex, f"{head} came back as {_kind(got)}.", expected="a list of the graph's nodes, parents first",
             hint="collect the nodes in a list and hand that list back.")
    for i, item in enumerate(got):
        if not isinstance(item, engine.Value):
            fail(ex, f"{head}: item {i} of your list is {_kind(item)}, not a node.",
                 expected="Value nodes", got=_kind(item),
                 hint="put the nodes themselves in the list, not their labels, values or ids.")
    graph_ids = {id(n) for n in nodes}
    foreign = [n for n in got if id(n) not in graph_ids]
    if foreign:
        fail(ex, f"{head}: your list holds a node that is not part of the graph ({_name(foreign[0])!r}).",
             hint="new Values made while walking are copies: list the nodes you reach through .parents.")
    counts = Counter(id(n) for n in got)
    twice = [n for n in nodes if counts[id(n)] > 1]
    if twice:
        fail(ex, f"{head}: node {_name(twice[0])!r} appears {counts[id(twice[0])]} times in your list.",
             expected="each node once", got=f"{len(got)} items for {len(nodes)} nodes", hint=HINT_VISITED)
    missing = [n for n in nodes if id(n) not in counts]
    if missing:
        names = ", ".join(repr(_name(n)) for n in missing[:4]) + (" ..." if len(missing) > 4 else "")
        if any(n is root for n in missing):
            hint = "the output node itself belongs to the order too: it comes last."
        elif all(not n.parents for n in missing):
            hint = "the leaves (inputs and constants) belong to the order too: they come first."
        else:
            hint = "walk through the parents of every node you reach, all the way down to the leaves."
        are = "is" if len(missing) == 1 else "are"
        fail(ex, f"{head}: {len(missing)} of the {len(nodes)} nodes {are} missing from your list ({names}).",
             expected=f"{len(nodes)} nodes", got=f"{len(got)} node{'' if len(got) == 1 else 's'}", hint=hint)
    where = {id(n): i for i, n in enumerate(got)}
    for n in got:
        for p in n.parents:
            if where[id(p)] > where[id(n)]:
                if got[0] is root:
                    fail(ex, f"{head}: your list starts with the output node.",
                         expected="parents first, the output last", got=f"{_name(got[0])!r} first",
                         hint="that is the reverse order: the backward pass reverses the list itself, so "
                              "topological_order places every node after its parents.")
                fail(ex, f"{head}: node {_name(n)!r} comes before its parent {_name(p)!r}.",
                     expected=f"{_name(p)!r} before {_name(n)!r}",
                     got=f"{_name(n)!r} at position {where[id(n)]}, {_name(p)!r} at {where[id(p)]}",
                     hint="append a node only after all of its parents have been appended: in a depth-first "
                          "walk, after the calls for its parents, not before.")


class _Rules(dict):
    """The rules handed to the student's backward: the library's rules, recording every call."""

    def __init__(self, log: list):
        def recorder(op):
            rule = engine.BACKWARD_RULES[op]

            def recorded(node):
                if not isinstance(node, engine.Value) or node.op != op:
                    raise _WrongRule(op, node)
                log.append((op, node, node.grad))
                rule(node)
            return recorded

        super().__init__({op: recorder(op) for op in engine.OPS})

    def __missing__(self, key):
        raise _LeafLookup(key)


def _walk(nodes, root, reset, overwrite: bool) -> np.ndarray:
    """A backward pass over ``nodes`` with a planted fault; the grads it leaves, in the order of ``nodes``.

    ``reset``: True (every grad to 0 first), False (none) or ``"leaves"`` (only the leaves' grads).
    """
    for n in nodes:
        if reset is True or (reset == "leaves" and not n.parents):
            n.grad = 0.0
    root.grad = 1.0
    for n in reversed(nodes):
        if n.parents:
            if overwrite:
                for p in n.parents:
                    p.grad = 0.0
            engine.BACKWARD_RULES[n.op](n)
    return np.array([n.grad for n in nodes])


def _check_backward(ex: str, backward, build, seed: int) -> None:
    root, nodes, what = build(seed)
    root.backward()
    ref = np.array([n.grad for n in nodes])
    stale = np.random.default_rng(seed + 7).uniform(0.5, 2.0, size=len(nodes))
    for n, s in zip(nodes, stale):
        n.grad = float(s)
    log = []
    head = f"backward on {what}"
    try:
        with _Counting(len(nodes)):
            call_student(ex, backward, root, _Rules(log), forbid=_ENGINE_PASS, passthrough=(_LeafLookup, _WrongRule))
    except _TooManyVisits:
        fail(ex, f"{head}: your backward kept walking, far past the {len(nodes)} nodes of the graph.",
             detail="a walk that expands a node once per path visits it about a million times here",
             hint=HINT_VISITED)
    except _LeafLookup as exc:
        fail(ex, f"{head}: your backward asked for the rule of op {exc.args[0]!r}.",
             hint="only a node with parents has a rule; a leaf (an input or a constant, op '') has none: skip the "
                  "nodes without parents.")
    except _WrongRule as exc:
        op, node = exc.args
        what = (f"node {_name(node)!r}, made by {node.op or 'no operation'!r}" if isinstance(node, engine.Value)
                else _kind(node))
        fail(ex, f"{head}: the rule of {op!r} was called on {what}.",
             hint="look the rule up by the op name of the node you are visiting, and call it on that node itself.")
    got = [n.grad for n in nodes]
    nonleaf = [n for n in nodes if n.parents]
    kids = {id(n): [] for n in nodes}
    for n in nodes:
        for p in set(n.parents):
            kids[id(p)].append(n)
    if not log:
        if all(isinstance(v, float) and v == s for v, s in zip(got, stale)):
            fail(ex, f"{head}: your backward did nothing: no rule ran and no grad changed.",
                 hint="reset the grads, seed the output with 1, then run the rule of every node with parents, "
                      "from the output down.")
        if all(isinstance(v, (int, float)) and abs(v - r) <= 1e-9 * (1 + abs(r)) for v, r in zip(got, ref)):
            fail(ex, f"{head}: your backward never called the rules it was given.",
                 hint="run rules[op] for each node, with op the node's op name: the check hands in rules that "
                      "count their calls, so it sees the order of your walk.")
        fail(ex, f"{head}: no rule ran; the rule of {_name(root)!r}, the output, never ran.",
             expected=f"{len(nonleaf)} rule calls", got="0",
             hint="run the rule of every node that has parents, the output included, from the output down.")
    counts = Counter(id(node) for _, node, _ in log)
    for n in nonleaf:
        if counts[id(n)] > 1:
            fail(ex, f"{head}: the rule of node {_name(n)!r} ran {counts[id(n)]} times.",
                 expected="each rule once", got=f"{len(log)} rule calls for {len(nonleaf)} nodes with parents",
                 detail="every extra run adds that node's contributions to its parents again (double counting)",
                 hint=HINT_VISITED)
    never = [n for n in nonleaf if not counts[id(n)]]
    if never:
        fail(ex, f"{head}: the rule of node {_name(never[0])!r} never ran.",
             expected=f"{len(nonleaf)} rule calls", got=f"{len(log)}",
             hint="run the rule of every node that has parents, in the whole list from topological_order.")
    position = {id(node): k for k, (_, node, _) in enumerate(log)}
    late = [(n, c) for n in nonleaf for c in kids[id(n)] if position[id(c)] > position[id(n)]]
    if late:
        forward = all(position[id(p)] < position[id(n)] for n in nonleaf for p in n.parents if p.parents)
        if forward:
            fail(ex, f"{head}: your backward ran the rules parents first, in topological order.",
                 expected=f"{_name(root)!r} first", got=f"{_name(log[0][1])!r} first", hint=HINT_REVERSE)
        n, c = late[0]
        fail(ex, f"{head}: the rule of {_name(n)!r} ran before the rule of {_name(c)!r}, which uses {_name(n)!r}.",
             detail=f"at that moment {_name(n)}.grad did not yet hold the contribution from {_name(c)!r}",
             hint=HINT_REVERSE)
    r = _number(ex, f"the output's grad after your backward on {what}", root.grad)
    stale_root = float(stale[[i for i, n in enumerate(nodes) if n is root][0]])
    if r != 1.0:
        if r == 0.0:
            hint = ("the walk starts from dJ/dJ = 1: set the output's grad to 1 after resetting the grads "
                    "(resetting after seeding wipes the seed).")
        elif r == stale_root:
            hint = ("the output still holds its grad from before the pass: reset every grad, then seed the output "
                    "with 1.")
        else:
            hint = "the output's own gradient dJ/dJ is 1, whatever the graph."
        fail(ex, f"{head}: the output's grad is {r:.6g}.", expected="1", got=f"{r:.6g}", hint=hint)
    got = _numbers(ex, "a grad after your backward", got)
    scale = np.abs(got - ref) <= 1e-12 * (np.abs(ref) + np.max(np.abs(ref)))
    if not np.all(scale):
        first = next(i for i in range(len(nodes) - 1, -1, -1) if not scale[i])
        for n, s in zip(nodes, stale):
            n.grad = float(s)
        kept = _walk(nodes, root, reset=False, overwrite=False)
        for n, s in zip(nodes, stale):
            n.grad = float(s)
        leaves_only = _walk(nodes, root, reset="leaves", overwrite=False)
        overwritten = _walk(nodes, root, reset=True, overwrite=True)
        if np.allclose(got, kept, rtol=1e-9, atol=1e-12):
            hint = ("the grads from before your pass were still there: reset the grad of every node of the graph "
                    "to 0 first (the output too), then seed the output with 1.")
        elif np.allclose(got, leaves_only, rtol=1e-9, atol=1e-12):
            hint = ("the intermediate nodes kept their grads from before your pass: reset every node of the graph, "
                    "not only the leaves.")
        elif np.allclose(got, overwritten, rtol=1e-9, atol=1e-12):
            hint = HINT_OVERWRITE
        else:
            hint = ("the rules ran in a good order, so look at what happens to the grads around them: reset them all "
                    "once at the start, seed the output with 1, and never assign a grad inside the walk.")
        fail(ex, f"{head}: the grads after your backward do not match.",
             detail=f"first wrong node from the output down: {_name(nodes[first])!r}, expected "
                    f"{ref[first]:.6g}, got {got[first]:.6g}",
             hint=hint)


_PASS_GRAPHS = (_graph_square, _graph_diamond, _graph_J)


def exercise_0_5(topological_order, backward) -> None:
    """Check the engine's backward pass written by the student.

    ``topological_order(root)`` must list every node ``root`` depends on once, each after its
    parents; ``backward(root, rules)`` must reset the grads, seed ``root.grad = 1`` and run
    ``rules[node.op](node)`` for every node with parents, in reverse topological order.  Tested on
    ``x * x``, a diamond, the slides' ``J``, random graphs and a chain of 20 diamonds, each with stale
    grads from an earlier pass; the rules handed in record their calls, so the check sees the walk.
    """
    ex = "0.5"
    cases = [(g, 500 + i) for i, g in enumerate(_PASS_GRAPHS)]
    cases += [(_graph_random, seed) for (seed,) in grading_cases(ex, [(511,), (512,)])]
    cases.append((_graph_chain, 520))
    for build, seed in cases:
        root, nodes, what = build(seed)
        try:
            with _Counting(len(nodes)):
                got = call_student(ex, topological_order, root, forbid=_ENGINE_PASS)
        except _TooManyVisits:
            fail(ex, f"topological_order on {what}: your walk kept going, far past the {len(nodes)} nodes of "
                     f"the graph.", detail="a walk that expands a node once per path visits it about a million "
                                           "times here", hint=HINT_VISITED)
        _check_order(ex, got, root, nodes, what)
    for build, seed in cases:
        _check_backward(ex, backward, build, seed)
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.7: the quiz
def _quiz_y(x, z, log=math.log):
    return math.exp(x * z) + x * z / log(x) + math.sin(log(x)) / (x * z)


def _quiz_grads(x, z):
    L = math.log(x)
    dx = z * math.exp(x * z) + z / L - z / L ** 2 + (math.cos(L) - math.sin(L)) / (x ** 2 * z)
    dz = x * math.exp(x * z) + x / L - math.sin(L) / (x * z ** 2)
    return dx, dz


def _central_grads(y, points, h=1e-6):
    return np.array([[(y(x + h, z) - y(x - h, z)) / (2 * h), (y(x, z + h) - y(x, z - h)) / (2 * h)]
                     for x, z in points])


def exercise_0_7(quiz_gradients) -> None:
    """Check ``quiz_gradients(x, z) -> (dy/dx, dy/dz)`` for ``y = exp(xz) + xz/log x + sin(log x)/(xz)``.

    Tested at the quiz's point (2, 3) and at random points against the closed form, exactly: the
    engine's backward pass agrees to rounding, a central difference does not.
    """
    ex = "0.7"
    points = [(2.0, 3.0)]
    for (seed,) in grading_cases(ex, [(701,), (702,)]):
        rng = np.random.default_rng(seed)
        points.append((float(rng.uniform(1.3, 3.0)), float(rng.uniform(0.3, 2.5))))
    got = []
    for x, z in points:
        result = call_student(ex, quiz_gradients, x, z, forbid=_NUMERICAL + (engine.quiz_graph,))
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            fail(ex, f"quiz_gradients({x:.4g}, {z:.4g}) should hand back two numbers (dy/dx, dy/dz); got "
                     f"{_kind(result)}.", hint="hand back the two leaves' grads as a pair, dy/dx first.")
        got.append([_number(ex, "dy/dx", result[0]), _number(ex, "dy/dz", result[1])])
    got = np.array(got)
    ref = np.array([_quiz_grads(x, z) for x, z in points])
    mistakes = [
        (ref[:, ::-1], HINT_QUIZ_SWAPPED),
        (_central_grads(lambda x, z: _quiz_y(x, z, log=math.log10), points), HINT_QUIZ_LOG10),
        (_central_grads(lambda x, z: math.exp(x * z) + x * z / math.log(x) + math.sin(math.log(x)) / x * z, points),
         HINT_QUIZ_PRECEDENCE),
        (np.zeros_like(ref), HINT_QUIZ_ZERO),
        (np.array([[z * math.exp(x * z), x * math.exp(x * z)] for x, z in points]),
         "only the exponential term came through: y has three terms, and each adds to both derivatives."),
        (np.array([[_quiz_y(x, z), _quiz_y(x, z)] for x, z in points]),
         "these are the value of y, not its derivatives: read the leaves' grads after the backward pass."),
        (np.array([[x, z] for x, z in points]),
         "these are the inputs' values (their data), not their grads."),
    ]
    where = ", ".join(f"({x:.3g}, {z:.3g})" for x, z in points[:3]) + (" ..." if len(points) > 3 else "")
    expect_array(ex, f"(dy/dx, dy/dz) at (x, z) = {where}", got, ref, exact=True, rtol=1e-6, atol=1e-6,
                 mistakes=mistakes,
                 hint="build y from the two leaves with the engine's operations exactly as the quiz writes it, run "
                      "the backward pass, and read the two leaves' grads.")
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.9: the gate patterns
#: The circuit of exercise 0.9, f = 3 (x y + max(z, w)), at these inputs.
CIRCUIT = {"x": 2.0, "y": -1.5, "z": -1.0, "w": 0.5}


def _circuit_grads() -> np.ndarray:
    leaves = {k: engine.Value(v, label=k) for k, v in CIRCUIT.items()}
    f = 3 * (leaves["x"] * leaves["y"] + engine.maximum(leaves["z"], leaves["w"]))
    f.backward()
    return np.array([leaves[k].grad for k in "xyzw"])


def exercise_0_9(pattern_grads) -> None:
    """Check ``pattern_grads``: ``{"x": df/dx, "y": ..., "z": ..., "w": ...}`` for
    ``f = 3 (x y + max(z, w))`` at x = 2, y = -1.5, z = -1, w = 0.5, against the engine."""
    ex = "0.9"
    if isinstance(pattern_grads, dict) and pattern_grads and all(v is None for v in pattern_grads.values()):
        raise NotAttempted(f"Exercise {ex}: not attempted yet: put your four numbers in place of the None "
                           f"values, run that cell, then this one.")
    if not isinstance(pattern_grads, dict):
        fail(ex, f"pattern_grads should be a dict of four numbers; got {_kind(pattern_grads)}.",
             expected='keys "x", "y", "z", "w"', hint="keep the dict of the answer cell and fill in its four numbers.")
    missing = [k for k in "xyzw" if k not in pattern_grads]
    if missing:
        fail(ex, f"pattern_grads has no entry for {missing}.", expected='keys "x", "y", "z", "w"',
             got=f"keys {sorted(map(str, pattern_grads))}")
    got = np.array([_number(ex, f'pattern_grads["{k}"]', pattern_grads[k]) for k in "xyzw"])
    ref = _circuit_grads()
    v = CIRCUIT
    mistakes = [
        (np.array([3 * v["y"], 3 * v["x"], 3.0, 3.0]), "max routes: only the larger of z and w receives the "
                                                       "gradient; the other one gets 0."),
        (np.array([3 * v["y"], 3 * v["x"], 3.0, 0.0]), "max routes the gradient to the LARGER input: compare z "
                                                       "and w."),
        (np.array([3 * v["x"], 3 * v["y"], 0.0, 3.0]), "mul swaps: x receives the upstream gradient times y, and y "
                                                       "the upstream gradient times x."),
        (np.array([v["y"], v["x"], 0.0, 1.0]), "every gradient below f = 3 s carries that factor 3: s receives 3, "
                                               "and the add passes 3 on to both of its inputs."),
        (np.array([1.5 * v["y"], 1.5 * v["x"], 0.0, 1.5]), "add distributes: each input of a sum receives the FULL "
                                                           "upstream gradient, not a share of it."),
        (np.array([3 * v["y"], 3 * v["x"], 0.0, 1.0]), "max routes the upstream gradient itself (here 3) to the "
                                                       "winner, not a 1."),
        (np.array([v["x"], v["y"], v["z"], v["w"]]), "these are the inputs' values, not the gradients of f."),
        (np.array([v["y"], v["x"], 0.0, 1.0]) * 3 * 3, "f = 3 s multiplies by 3 once: s receives 3, not 9."),
    ]
    expect_array(ex, "the gradient vector (df/dx, df/dy, df/dz, df/dw)", got, ref, mistakes=mistakes,
                 hint="walk the circuit from f down, one gate at a time: add distributes, mul swaps, max routes.")
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.10: a gradient's shape
def exercise_0_10(grad_wrt_W) -> None:
    """Check ``grad_wrt_W(W, X, Y)``: dE/dW for ``E = mse_loss(W.T @ X, Y)``.

    Tested on random W of shapes (3, 2), (4, 3), (3, 3) and (2, 1) with several n, against the
    closed form, exactly (a central-difference answer is named as such); the result has W's shape.
    """
    ex = "0.10"
    public = [(4, 3, 7, 1001), (3, 2, 5, 1002), (3, 3, 4, 1003), (2, 1, 6, 1004)]
    forbid = _NUMERICAL + (mse_grad, MLP.backward, MLP._backward)
    for fan_in, fan_out, n, seed in grading_cases(ex, public):
        rng = np.random.default_rng(seed)
        W = rng.normal(size=(fan_in, fan_out))
        X = np.vstack([np.ones((1, n)), rng.normal(size=(fan_in - 1, n))])
        Y = rng.normal(size=(fan_out, n))
        got = call_student(ex, grad_wrt_W, W, X, Y, forbid=forbid)
        F = W.T @ X
        ref = X @ (F - Y).T / n
        mistakes = [(2 * ref, "E carries a factor 1/2 that cancels the 2 of the square: no factor 2 in dE/dW."),
                    (X @ F.T / n, "the target Y is missing: the error is F - Y."),
                    (X @ (Y - F).T / n, "sign error: the error is F - Y (prediction minus target), not Y - F."),
                    (X @ (F - Y).T / (2 * n), "the 1/2 of E cancels against the 2 of the square; do not keep both.")]
        if fan_out > 1:
            mistakes.append((ref / fan_out, "E divides by n, the number of samples, not by the number of entries "
                                            "of F: sum over the rows q, average over the columns i."))
        expect_array(ex, f"dE/dW for W of shape {W.shape} and n = {n}", got, ref, n=n, exact=True, rtol=1e-6,
                     atol=1e-9, mistakes=mistakes,
                     hint="write dE/dW_pq in index form first (see the hints): a sum over the samples of an entry "
                          "of X times an entry of dE/dF; the result has W's shape (fan_in, fan_out).")
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.12: a network of Values
def exercise_0_12(engine_mlp_loss) -> None:
    """Check ``engine_mlp_loss(W1, W2, X, Y) -> E``: the 3-2-1 ReLU/sigmoid network's mean binary
    cross-entropy built from engine Values.

    ``W1`` (3 x 2) and ``W2`` (2 x 1) are nested lists of weight leaves (``engine.values_of``),
    ``X`` (3, n) and ``Y`` (1, n) hold a few wines.  ``E.data`` must equal :meth:`tl.MLP.loss` and,
    after the library's backward pass on ``E``, the weights' grads must equal
    :meth:`tl.MLP.backward` to 1e-12.
    """
    ex = "0.12"
    X_all, Y_all = load_wine_binary()
    forbid = _NUMERICAL + (engine.mlp_loss, MLP.forward, MLP._forward, MLP.loss, MLP.backward, MLP._backward,
                           MLP.fit)
    for n, seed in grading_cases(ex, [(4, 1201), (7, 1202)]):
        rng = np.random.default_rng(seed)
        idx = np.sort(rng.choice(X_all.shape[1], size=n, replace=False))
        X, Y = X_all[:, idx], Y_all[:, idx]
        W1, W2 = rng.normal(size=(3, 2)), rng.normal(size=(2, 1))
        V1, V2 = engine.values_of(W1, "W1"), engine.values_of(W2, "W2")
        try:
            E = call_student(ex, engine_mlp_loss, V1, V2, X, Y, forbid=forbid, passthrough=(ValueError,))
        except ValueError as exc:
            text = str(exc).split("\n", 1)[0][:160]
            hint = ("the engine's log refuses a number that is not positive: Y_hat must be a probability, the "
                    "sigmoid of f2, so that both Y_hat and 1 - Y_hat lie strictly between 0 and 1."
                    if "log needs a positive input" in text else
                    "run your function on a small input of your own and look at each intermediate value.")
            fail(ex, f"your function raised ValueError: {text}", detail=_student_frame(exc.__traceback__), hint=hint)
        if not isinstance(E, engine.Value):
            if isinstance(E, (float, int, np.floating)) and not isinstance(E, bool):
                fail(ex, "engine_mlp_loss handed back a number; the loss node E itself was expected.",
                     got=f"{float(E):.6g}", hint="hand back the Value node of the loss: the backward pass needs its "
                                                 "graph, not only its number.")
            fail(ex, f"engine_mlp_loss should hand back the loss as a Value node; got {_kind(E)}.",
                 hint="build E with the engine's operations and hand back that one node.")
        net = MLP([W1, W2], ["relu", "sigmoid"])
        ref_loss = net.loss(X, Y)
        grads = net.backward(Y)
        Y_hat = net.a[-1]
        log_terms = Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)
        W1_no_bias = W1.copy()
        W1_no_bias[0] = 0.0
        mistakes = [
            (MLP([W1, W2], ["identity", "sigmoid"]).loss(X, Y), "the ReLU of the hidden layer is missing: the "
                                                                "hidden units pass max(0, f1), not f1."),
            (MLP([W1, W2], ["tanh", "sigmoid"]).loss(X, Y), "the hidden layer uses a ReLU here, not a tanh."),
            (MLP([W1_no_bias, W2], ["relu", "sigmoid"]).loss(X, Y), "the bias row X[0] (all ones) is part of the "
                                                                   "sum over p, which starts at p = 0."),
            (ref_loss / math.log(10), "log here is the natural logarithm, not log10."),
            (mse_loss(Y_hat, Y), "the loss is the binary cross-entropy, not the squared error."),
            (2 * mse_loss(Y_hat, Y), "the loss is the binary cross-entropy, not the squared error."),
            (float(-(Y * np.log(Y_hat)).sum() / n), "the term of the wines with Y = 0, (1 - Y) log(1 - Y_hat), is "
                                                    "missing."),
            (float(-((1 - Y) * np.log(1 - Y_hat)).sum() / n), "the term of the wines with Y = 1, Y log(Y_hat), is "
                                                              "missing."),
            (float(-log_terms.sum() / n ** 2), "you divided by n twice."),
        ]
        value = _number(ex, "E.data", E.data)
        expect_close(ex, f"the loss E on {n} wines", value, ref_loss, n=n, mistakes=mistakes, rtol=1e-9, atol=1e-12,
                     hint="the network: hidden f1 = W1 transposed times X, a1 = ReLU(f1), f2 = W2 transposed "
                          "times a1, Y_hat = sigmoid(f2); the loss averages over the n columns.")
        for row in V1 + V2:
            for v in row:
                v.grad = 0.0
        call_student(ex, E.backward)
        for name, grid, ref in (("dE/dW1", V1, grads[0]), ("dE/dW2", V2, grads[1])):
            got = np.array([[_number(ex, f"the grad of {v.label}", v.grad) for v in row] for row in grid])
            expect_array(ex, f"{name} from your graph, on {n} wines", got, ref, exact=True,
                         mistakes=[(np.zeros_like(ref), HINT_CUT)] if np.any(ref != 0) else [],
                         hint="the loss value is right, so some step is computed partly outside the graph: every "
                              "step must be an engine operation on the weight nodes.")
    passed(ex)


# ---------------------------------------------------------------------- planted mistakes
# Each "source" is a whole answer cell, a realistic wrong one: tests/test_notebooks.py plants it in the
# notebook in place of the answer cell, tests/test_checks_nb00.py runs it against the checker.
_J_TABLE_HEAD = '''def j_table(x):
    """Forward and backward pass of J = cos(sin(x**2) + 3 x**2), following the table.

    Returns (values, grads): values["t"], ..., values["J"] from the forward pass and
    grads["u"], grads["u1"], grads["u2"], grads["t"], grads["x"], each dJ/d(that variable).
    """
'''
_J_TABLE_RETURN = '''    values = {"t": t, "u1": u1, "u2": u2, "u": u, "J": J}
    grads = {"u": dJ_du, "u1": dJ_du1, "u2": dJ_du2, "t": dJ_dt, "x": dJ_dx}
    return values, grads
'''
_J_FORWARD = '''    t = x ** 2
    u1 = np.sin(t)
    u2 = 3 * t
    u = u1 + u2
    J = np.cos(u)
'''
_QUIZ_HEAD = '''def quiz_gradients(x, z):
    """(dy/dx, dy/dz) of y = exp(xz) + xz / log(x) + sin(log(x)) / (xz), with the engine."""
    x, z = engine.Value(x, label="x"), engine.Value(z, label="z")
'''
_GRADW_HEAD = '''def grad_wrt_W(W, X, Y):
    """dE/dW for F = W.T @ X and E = (1/(2n)) * sum((F - Y)**2); same shape as W."""
'''
# The rules a planted cell of exercise 0.2 or 0.3 does not get wrong, written plainly.
_ARITHMETIC_OK = {
    "add": '''def backward_add(node):
    """node = a + b."""
    a, b = node.parents
    a.grad = a.grad + node.grad
    b.grad = b.grad + node.grad
''',
    "neg": '''def backward_neg(node):
    """node = -a."""
    (a,) = node.parents
    a.grad = a.grad - node.grad
''',
    "sub": '''def backward_sub(node):
    """node = a - b."""
    a, b = node.parents
    a.grad = a.grad + node.grad
    b.grad = b.grad - node.grad
''',
    "mul": '''def backward_mul(node):
    """node = a * b."""
    a, b = node.parents
    a.grad = a.grad + b.data * node.grad
    b.grad = b.grad + a.data * node.grad
''',
    "div": '''def backward_div(node):
    """node = a / b."""
    a, b = node.parents
    a.grad = a.grad + node.grad / b.data
    b.grad = b.grad - node.grad * a.data / (b.data * b.data)
''',
}
_FUNCTION_OK = {
    "pow": '''def backward_pow(node):
    """node = a ** k, with the constant k = node.exponent."""
    (a,) = node.parents
    k = node.exponent
    a.grad = a.grad + k * a.data ** (k - 1) * node.grad
''',
    "exp": '''def backward_exp(node):
    """node = exp(a)."""
    (a,) = node.parents
    a.grad = a.grad + math.exp(a.data) * node.grad
''',
    "log": '''def backward_log(node):
    """node = log(a), the natural logarithm."""
    (a,) = node.parents
    a.grad = a.grad + node.grad * (1.0 / a.data)
''',
    "sin": '''def backward_sin(node):
    """node = sin(a)."""
    (a,) = node.parents
    a.grad = a.grad + math.cos(a.data) * node.grad
''',
    "cos": '''def backward_cos(node):
    """node = cos(a)."""
    (a,) = node.parents
    a.grad = a.grad - math.sin(a.data) * node.grad
''',
}
_GATES_OK = {
    "relu": '''def backward_relu(node):
    """node = relu(a) = max(0, a)."""
    (a,) = node.parents
    a.grad = a.grad + (node.grad if a.data > 0 else 0.0)
''',
    "tanh": '''def backward_tanh(node):
    """node = tanh(a)."""
    (a,) = node.parents
    a.grad = a.grad + node.grad * (1.0 - math.tanh(a.data) ** 2)
''',
    "max": '''def backward_max(node):
    """node = max(a, b)."""
    a, b = node.parents
    winner = a if a.data >= b.data else b
    winner.grad = winner.grad + node.grad
''',
}
_RULE_DICTS = {
    "0.2": ("arithmetic_rules", _ARITHMETIC_OK),
    "0.3": ("function_rules", _FUNCTION_OK),
    "0.8": ("gate_rules", _GATES_OK),
}


def _rules_cell(exercise: str, **wrong: str) -> str:
    """An answer cell of a rules exercise: the given rules wrong, the others right."""
    dict_name, right = _RULE_DICTS[exercise]
    parts = [wrong.get(op, right[op]) for op in right]
    entries = ", ".join(f'"{op}": backward_{op}' for op in right)
    return "\n\n".join(parts) + f"\n\n{dict_name} = {{{entries}}}\n"


_TOPO_OK = '''def topological_order(root):
    """Every node root depends on, each once, each after its parents; root last."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order
'''
_BACKWARD_OK = '''def backward(root, rules):
    """Fill node.grad = d root / d node for every node of root's graph, with rules[op](node)."""
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        if node.parents:
            rules[node.op](node)
'''


def _pass_cell(topo: str = _TOPO_OK, back: str = _BACKWARD_OK) -> str:
    return topo + "\n\n" + back


_MLP_HEAD = '''def engine_mlp_loss(W1, W2, X, Y):
    """Mean binary cross-entropy of the 3-2-1 ReLU/sigmoid network, built from engine Values."""
    n = X.shape[1]
'''
_MLP_HIDDEN = '''    hidden = []
    for j in range(2):
        row = []
        for i in range(n):
            f = W1[0][j] * X[0, i] + W1[1][j] * X[1, i] + W1[2][j] * X[2, i]
            row.append(engine.relu(f))
        hidden.append(row)
'''

PLANTED_MISTAKES = [
    {"exercise": "0.1", "kind": "cos sign error",
     "source": _J_TABLE_HEAD + _J_FORWARD + '''    dJ_du = np.sin(u)   # d cos(u)/du without its minus sign
    dJ_du1 = dJ_du
    dJ_du2 = dJ_du
    dJ_dt = dJ_du1 * np.cos(t) + dJ_du2 * 3
    dJ_dx = dJ_dt * 2 * x
''' + _J_TABLE_RETURN,
     "hint": "sign error in the backward of cos"},
    {"exercise": "0.1", "kind": "overwrite instead of accumulate",
     "source": _J_TABLE_HEAD + _J_FORWARD + '''    dJ_du = -np.sin(u)
    dJ_du1 = dJ_du
    dJ_du2 = dJ_du
    dJ_dt = dJ_du1 * np.cos(t)   # path through u1 = sin(t)
    dJ_dt = dJ_du2 * 3           # path through u2 = 3t: overwrites the first path
    dJ_dx = dJ_dt * 2 * x
''' + _J_TABLE_RETURN,
     "hint": "keeps only one of its two paths"},
    {"exercise": "0.1", "kind": "missing dt/dx",
     "source": _J_TABLE_HEAD + _J_FORWARD + '''    dJ_du = -np.sin(u)
    dJ_du1 = dJ_du
    dJ_du2 = dJ_du
    dJ_dt = dJ_du1 * np.cos(t) + dJ_du2 * 3
    dJ_dx = dJ_dt
''' + _J_TABLE_RETURN,
     "hint": "that factor is missing"},
    {"exercise": "0.2", "kind": "mul uses own value",
     "source": _rules_cell("0.2", mul='''def backward_mul(node):
    """node = a * b."""
    a, b = node.parents
    a.grad += node.grad * a.data
    b.grad += node.grad * b.data
'''),
     "hint": "instead of the node's own value"},
    {"exercise": "0.2", "kind": "overwrite instead of accumulate (x*x)",
     "source": _rules_cell("0.2", mul='''def backward_mul(node):
    """node = a * b."""
    a, b = node.parents
    a.grad = node.grad * b.data
    b.grad = node.grad * a.data
'''),
     "hint": "instead of accumulating it (+=)"},
    {"exercise": "0.2", "kind": "sub sign error",
     "source": _rules_cell("0.2", sub='''def backward_sub(node):
    """node = a - b."""
    a, b = node.parents
    a.grad += node.grad
    b.grad += node.grad
'''),
     "hint": "sign error in the backward of sub"},
    {"exercise": "0.2", "kind": "div forgets the upstream gradient",
     "source": _rules_cell("0.2", div='''def backward_div(node):
    """node = a / b."""
    a, b = node.parents
    a.grad += 1.0 / b.data
    b.grad += node.grad * (-a.data / b.data ** 2)
'''),
     "hint": "not multiplied by node.grad"},
    {"exercise": "0.3", "kind": "cos sign error",
     "source": _rules_cell("0.3", cos='''def backward_cos(node):
    """node = cos(a)."""
    (a,) = node.parents
    a.grad += node.grad * math.sin(a.data)
'''),
     "hint": "sign error in the backward of cos"},
    {"exercise": "0.3", "kind": "pow keeps the exponent",
     "source": _rules_cell("0.3", pow='''def backward_pow(node):
    """node = a ** k, with the constant k = node.exponent."""
    (a,) = node.parents
    k = node.exponent
    a.grad += node.grad * k * a.data ** k
'''),
     "hint": "lowers the exponent by one"},
    {"exercise": "0.3", "kind": "pow through the absolute value of a negative base",
     "source": _rules_cell("0.3", pow='''def backward_pow(node):
    """node = a ** k, with the constant k = node.exponent."""
    (a,) = node.parents
    k = node.exponent
    a.grad += node.grad * k * abs(a.data) ** (k - 1)
'''),
     "hint": "not its absolute value"},
    {"exercise": "0.3", "kind": "overwrite instead of accumulate",
     "source": _rules_cell("0.3", sin='''def backward_sin(node):
    """node = sin(a)."""
    (a,) = node.parents
    a.grad = node.grad * math.cos(a.data)
'''),
     "hint": "instead of accumulating it (+=)"},
    {"exercise": "0.5", "kind": "forward instead of reverse order",
     "source": _pass_cell(back='''def backward(root, rules):
    """Fill node.grad = d root / d node for every node of root's graph, with rules[op](node)."""
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in order:              # parents first: the wrong direction
        if node.parents:
            rules[node.op](node)
'''),
     "hint": "parents first, in topological order"},
    {"exercise": "0.5", "kind": "no visited set (a node placed twice)",
     "source": _pass_cell(topo='''def topological_order(root):
    """Every node root depends on, each once, each after its parents; root last."""
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order
'''),
     "hint": "keep a set of the nodes already visited"},
    {"exercise": "0.5", "kind": "output gradient not seeded",
     "source": _pass_cell(back='''def backward(root, rules):
    """Fill node.grad = d root / d node for every node of root's graph, with rules[op](node)."""
    order = topological_order(root)
    root.grad = 1.0
    for node in order:
        node.grad = 0.0
    for node in reversed(order):
        if node.parents:
            rules[node.op](node)
'''),
     "hint": "resetting after seeding wipes the seed"},
    {"exercise": "0.5", "kind": "recursion without a visited set (double counting)",
     "source": _pass_cell(back='''def backward(root, rules):
    """Fill node.grad = d root / d node for every node of root's graph, with rules[op](node)."""
    for node in topological_order(root):
        node.grad = 0.0
    root.grad = 1.0

    def push(node):
        if node.parents:
            rules[node.op](node)
            for parent in node.parents:
                push(parent)

    push(root)
'''),
     "hint": "was expanded twice"},
    {"exercise": "0.7", "kind": "log10 instead of log",
     "source": _QUIZ_HEAD + '''    xz = x * z
    log_x = engine.log(x) / math.log(10)
    y = engine.exp(xz) + xz / log_x + engine.sin(log_x) / xz
    y.backward()
    return x.grad, z.grad
''',
     "hint": "natural logarithm"},
    {"exercise": "0.7", "kind": "operator precedence",
     "source": _QUIZ_HEAD + '''    y = engine.exp(x * z) + x * z / engine.log(x) + engine.sin(engine.log(x)) / x * z
    y.backward()
    return x.grad, z.grad
''',
     "hint": "operator precedence"},
    {"exercise": "0.7", "kind": "swapped outputs",
     "source": _QUIZ_HEAD + '''    y = engine.exp(x * z) + x * z / engine.log(x) + engine.sin(engine.log(x)) / (x * z)
    y.backward()
    return z.grad, x.grad
''',
     "hint": "swapped"},
    {"exercise": "0.8", "kind": "ReLU mask from the wrong side",
     "source": _rules_cell("0.8", relu='''def backward_relu(node):
    """node = relu(a) = max(0, a)."""
    (a,) = node.parents
    if a.data < 0:
        a.grad += node.grad
'''),
     "hint": "mask is the wrong way round"},
    {"exercise": "0.8", "kind": "tanh derivative from the input",
     "source": _rules_cell("0.8", tanh='''def backward_tanh(node):
    """node = tanh(a)."""
    (a,) = node.parents
    a.grad += node.grad * (1 - a.data ** 2)
'''),
     "hint": "not 1 minus a squared"},
    {"exercise": "0.8", "kind": "max shares the gradient",
     "source": _rules_cell("0.8", max='''def backward_max(node):
    """node = max(a, b)."""
    a, b = node.parents
    a.grad += node.grad
    b.grad += node.grad
'''),
     "hint": "only the input that won"},
    {"exercise": "0.8", "kind": "ReLU slope 1 at the kink",
     "source": _rules_cell("0.8", relu='''def backward_relu(node):
    """node = relu(a) = max(0, a)."""
    (a,) = node.parents
    if a.data >= 0:
        a.grad += node.grad
'''),
     "hint": "at the kink"},
    {"exercise": "0.8", "kind": "max tie goes to b",
     "source": _rules_cell("0.8", max='''def backward_max(node):
    """node = max(a, b); on a tie the first input, a, counts as the larger."""
    a, b = node.parents
    if a.data > b.data:
        a.grad += node.grad
    else:
        b.grad += node.grad
'''),
     "hint": "on a tie (a equal to b)"},
    {"exercise": "0.9", "kind": "max routes to both inputs",
     "source": '''pattern_grads = {"x": -4.5, "y": 6.0, "z": 3.0, "w": 3.0}
''',
     "hint": "only the larger of z and w"},
    {"exercise": "0.9", "kind": "mul not swapped",
     "source": '''pattern_grads = {"x": 6.0, "y": -4.5, "z": 0.0, "w": 3.0}
''',
     "hint": "mul swaps"},
    {"exercise": "0.10", "kind": "transposed gradient",
     "source": _GRADW_HEAD + "    return (W.T @ X - Y) @ X.T / X.shape[1]\n",
     "hint": "has the shape of what it differentiates"},
    {"exercise": "0.10", "kind": "missing 1/n",
     "source": _GRADW_HEAD + "    return X @ (W.T @ X - Y).T\n",
     "hint": "the 1/n is missing"},
    {"exercise": "0.12", "kind": "hidden ReLU missing",
     "source": _MLP_HEAD + _MLP_HIDDEN.replace("engine.relu(f)", "f") + '''    total = 0.0
    for i in range(n):
        f2 = W2[0][0] * hidden[0][i] + W2[1][0] * hidden[1][i]
        y_hat = 1 / (1 + engine.exp(-f2))
        y = float(Y[0, i])
        total = total - (y * engine.log(y_hat) + (1 - y) * engine.log(1 - y_hat))
    return total / n
''',
     "hint": "the ReLU of the hidden layer is missing"},
    {"exercise": "0.12", "kind": "ReLU rebuilt from numbers (cut graph)",
     "source": _MLP_HEAD + _MLP_HIDDEN.replace("engine.relu(f)", "engine.Value(max(f.data, 0.0))") + '''    total = 0.0
    for i in range(n):
        f2 = W2[0][0] * hidden[0][i] + W2[1][0] * hidden[1][i]
        y_hat = 1 / (1 + engine.exp(-f2))
        y = float(Y[0, i])
        total = total - (y * engine.log(y_hat) + (1 - y) * engine.log(1 - y_hat))
    return total / n
''',
     "hint": "cuts the graph"},
    {"exercise": "0.12", "kind": "missing 1/n",
     "source": _MLP_HEAD + _MLP_HIDDEN + '''    total = 0.0
    for i in range(n):
        f2 = W2[0][0] * hidden[0][i] + W2[1][0] * hidden[1][i]
        y_hat = 1 / (1 + engine.exp(-f2))
        y = float(Y[0, i])
        total = total - (y * engine.log(y_hat) + (1 - y) * engine.log(1 - y_hat))
    return total
''',
     "hint": "the 1/n is missing"},
]
