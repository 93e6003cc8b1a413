"""Checkers of notebook 00 (the chain rule and computation graphs).

Every reference is computed at check time by central differences
(``(f(v + h) - f(v - h)) / 2h``) or by the library (:mod:`tutorial_lib.engine`,
:func:`tutorial_lib.numerical_gradient`), never pasted in.  The backward rules
of exercises 0.2 and 0.3 are each tested alone: the checker builds a node with
the engine, gives it an upstream gradient ``node.grad`` and gives each parent a
non-zero ``grad`` (as if another use of that parent had already contributed),
calls the student's rule once and compares what it added with
``node.grad * d node / d parent`` from central differences.
"""

from __future__ import annotations

import math

import numpy as np

from .. import engine
from ..gradcheck import numerical_gradient
from ..losses import mse_loss
from ._common import call_student, expect_array, fail, fmt_array, passed

__all__ = ["exercise_0_1", "exercise_0_2", "exercise_0_3", "exercise_0_5", "exercise_0_7", "PLANTED_MISTAKES"]

_H = 1e-6          # central-difference step
_RTOL, _ATOL = 1e-6, 1e-7   # central differences agree with exact derivatives to about 1e-9 here

# The hints, named so that PLANTED_MISTAKES and the tests can refer to them.
HINT_COS = ("sign error in the backward of cos: d cos(u)/du = -sin(u), with a minus sign "
            "(the derivative of sin is +cos, the derivative of cos is -sin).")
HINT_COS_NOT_COS = "the derivative of cos(u) is -sin(u), not cos(u) or -cos(u)."
HINT_OVERWRITE = ("you overwrote the gradient (=) instead of accumulating it (+=). A node used twice, "
                  "as in x*x or t in both sin(t) and 3t, receives one contribution per use, and the "
                  "chain rule adds them: write a.grad += ..., never a.grad = ....")
HINT_TABLE_ACCUMULATE = ("dJ/dt keeps only one of its two paths: t feeds both u1 = sin(t) and u2 = 3t, so "
                         "accumulate both contributions, dJ/dt = dJ/du1 * cos(t) + dJ/du2 * 3 "
                         "(the += of the table).")
HINT_MUL_OWN = ("the backward of mul must use the other factor instead of the node's own value: "
                "d(a*b)/da = b and d(a*b)/db = a, so a.grad += b.data * node.grad.")
HINT_UPSTREAM = ("the local derivative is right but it was not multiplied by node.grad, the gradient "
                 "arriving from above (the chain rule: dJ/da = dJ/dnode * dnode/da).")
HINT_UNCHANGED = ("your rule left the parent's grad unchanged. A rule returns nothing; it adds its "
                  "contribution to each parent in node.parents, e.g. a.grad += ... .")
HINT_QUIZ_SWAPPED = "your two numbers are swapped: return (dy/dx, dy/dz) in that order."
HINT_QUIZ_LOG10 = "log here is the natural logarithm (engine.log, np.log), not log10."
HINT_QUIZ_PRECEDENCE = ("operator precedence: sin(log(x)) / x * z divides by x and then multiplies by z; "
                        "the quiz divides by the product, sin(log(x)) / (x * z).")
HINT_QUIZ_ZERO = "both derivatives are 0: did you call y.backward() before reading x.grad and z.grad?"


# ---------------------------------------------------------------------- helpers
def _central(f, v: float) -> float:
    return (f(v + _H) - f(v - _H)) / (2 * _H)


def _float(exercise: str, name: str, value) -> float:
    if isinstance(value, engine.Value):
        fail(exercise, f"{name} is a Value node; a number was expected.", got=repr(value),
             hint="return the number it holds, e.g. x.grad (a float), not the node x itself.")
    if value is None:
        fail(exercise, f"{name} came back as None.", hint="did you forget the `return` statement?")
    try:
        return float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        fail(exercise, f"{name} must be a single number; got {type(value).__name__}.", got=fmt_array(value))


# ---------------------------------------------------------------------- exercise 0.1
_TABLE_VALUES = ("t", "u1", "u2", "u", "J")
_TABLE_GRADS = ("u", "u1", "u2", "t", "x")


def exercise_0_1(j_table) -> None:
    """Check ``j_table(x) -> (values, grads)`` for ``J = cos(sin(x^2) + 3x^2)``.

    ``values`` maps ``"t", "u1", "u2", "u", "J"`` to the forward values and
    ``grads`` maps ``"u", "u1", "u2", "t", "x"`` to ``dJ/d`` that variable.
    Tested at x = 1 and four random points against numpy (forward) and central
    differences of the partial functions (backward); the first wrong entry,
    in table order, is reported.
    """
    ex = "0.1"
    rng = np.random.default_rng(100)
    xs = [1.0] + [float(v) for v in rng.uniform(-2.0, 2.0, size=4)]
    got_vals = {k: [] for k in _TABLE_VALUES}
    got_grads = {k: [] for k in _TABLE_GRADS}
    for x in xs:
        result = call_student(ex, j_table, x)
        if not (isinstance(result, tuple) and len(result) == 2 and all(isinstance(d, dict) for d in result)):
            fail(ex, f"j_table({x:.4f}) should return two dicts, (values, grads); got {type(result).__name__}.",
                 hint="end with `return values, grads`.")
        values, grads = result
        for d, keys, what in ((values, _TABLE_VALUES, "values"), (grads, _TABLE_GRADS, "grads")):
            missing = [k for k in keys if k not in d]
            if missing:
                fail(ex, f"the {what} dict has no entry for {missing}.", expected=f"keys {list(keys)}",
                     got=f"keys {sorted(map(str, d))}")
        for k in _TABLE_VALUES:
            got_vals[k].append(_float(ex, f"values[{k!r}]", values[k]))
        for k in _TABLE_GRADS:
            got_grads[k].append(_float(ex, f"grads[{k!r}]", grads[k]))

    x = np.array(xs)
    t = x ** 2
    u1, u2 = np.sin(t), 3 * t
    u = u1 + u2
    ref_vals = {"t": t, "u1": u1, "u2": u2, "u": u, "J": np.cos(u)}
    for k in _TABLE_VALUES:
        expect_array(ex, f"the forward value {k} at x = {fmt_array(x, 3)}", got_vals[k], ref_vals[k],
                     hint="recompute the forward column: t = x**2, u1 = sin(t), u2 = 3t, u = u1 + u2, J = cos(u).")

    ref = {
        "u": np.array([_central(math.cos, ui) for ui in u]),
        "u1": np.array([_central(lambda v, b=b: math.cos(v + b), a) for a, b in zip(u1, u2)]),
        "u2": np.array([_central(lambda v, a=a: math.cos(a + v), b) for a, b in zip(u1, u2)]),
        "t": np.array([_central(lambda v: math.cos(math.sin(v) + 3 * v), ti) for ti in t]),
        "x": np.array([_central(lambda v: math.cos(math.sin(v * v) + 3 * v * v), xi) for xi in x]),
    }
    dJ_du = -np.sin(u)
    mistakes = {
        "u": [(np.sin(u), HINT_COS), (-np.cos(u), HINT_COS_NOT_COS), (np.cos(u), HINT_COS_NOT_COS)],
        "u1": [(np.ones_like(u), "dJ/du1 = dJ/du * du/du1 with du/du1 = 1: multiply by the upstream dJ/du.")],
        "u2": [(np.ones_like(u), "dJ/du2 = dJ/du * du/du2 with du/du2 = 1: multiply by the upstream dJ/du.")],
        "t": [(dJ_du * np.cos(t), HINT_TABLE_ACCUMULATE), (dJ_du * 3, HINT_TABLE_ACCUMULATE),
              (dJ_du * np.sin(t) + dJ_du * 3, "d sin(t)/dt = cos(t), not sin(t).")],
        "x": [(ref["t"], "dJ/dx = dJ/dt * dt/dx, and dt/dx = 2x: the factor 2x is missing."),
              (ref["t"] * x, "dt/dx = 2x for t = x**2: the factor 2 is missing."),
              (ref["t"] * t, "dt/dx = 2x for t = x**2, not x**2.")],
    }
    for k in _TABLE_GRADS:
        expect_array(ex, f"dJ/d{k} at x = {fmt_array(x, 3)}", got_grads[k], ref[k], mistakes=mistakes[k],
                     rtol=1e-5, atol=1e-6,
                     hint=f"dJ/d{k} is the upstream gradient times the local derivative, summed over every "
                          f"node that uses {k}; follow the backward column of the table from the top.")
    passed(ex)


# ---------------------------------------------------------------------- exercises 0.2 and 0.3
def _positive(rng, k):
    return rng.uniform(0.5, 2.0, size=k)


def _signed(rng, k):
    return rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.4, 2.0, size=k)


# op -> (number of inputs, forward on floats, samplers of the inputs)
_OP_SPECS = {
    "add": (2, lambda a, b: a + b, (_signed, _signed)),
    "mul": (2, lambda a, b: a * b, (_signed, _signed)),
    "neg": (1, lambda a: -a, (_signed,)),
    "sub": (2, lambda a, b: a - b, (_signed, _signed)),
    "div": (2, lambda a, b: a / b, (_signed, _signed)),
    "pow": (1, None, (_positive,)),
    "exp": (1, math.exp, (_signed,)),
    "log": (1, math.log, (_positive,)),
    "sin": (1, math.sin, (_signed,)),
    "cos": (1, math.cos, (_signed,)),
}
_EXPONENTS = (2.0, 3.0, -1.0, 0.5, 2.5)
_TRIALS = 5


def _build(op: str, parents, k: float):
    a = parents[0]
    if op in ("add", "mul", "sub", "div"):
        b = parents[1]
        return {"add": a + b, "mul": a * b, "sub": a - b, "div": a / b}[op]
    if op == "neg":
        return -a
    if op == "pow":
        return a ** k
    return getattr(engine, op)(a)


def _rule_mistakes(op: str, slot: int, data, out, g, before, local):
    """Predictable wrong results for ``parents[slot].grad`` after the rule (arrays over trials)."""
    a = data[0]
    b = data[1] if len(data) > 1 else None
    name = "ab"[slot]
    specific = []
    if op == "mul":
        own = data[slot]
        specific = [(before + own * g, HINT_MUL_OWN), (before + out * g, HINT_MUL_OWN),
                    (own * g, HINT_MUL_OWN)]
    elif op == "sub" and slot == 1:
        specific = [(before + g, "sign error in the backward of sub: d(a - b)/db = -1, so b.grad += -node.grad.")]
    elif op == "neg":
        specific = [(before + g, "sign error in the backward of neg: d(-a)/da = -1, so a.grad += -node.grad.")]
    elif op == "div" and slot == 0:
        specific = [(before + g * b, "d(a/b)/da = 1/b: divide node.grad by b.data."),
                    (before - g / b ** 2, "d(a/b)/da = 1/b (the -a/b**2 belongs to b).")]
    elif op == "div" and slot == 1:
        specific = [(before + g * a / b ** 2, "sign error in the backward of div: d(a/b)/db = -a/b**2."),
                    (before - g / b ** 2, "d(a/b)/db = -a/b**2: the factor a is missing."),
                    (before - g * a / b, "d(a/b)/db = -a/b**2: b must be squared."),
                    (before + g / b, "d(a/b)/db = -a/b**2 (1/b is the derivative with respect to a).")]
    elif op == "pow":
        k = local["k"]
        specific = [(before + g * k * a ** k, "d(a**k)/da = k * a**(k - 1): lower the exponent by one."),
                    (before + g * a ** (k - 1), "d(a**k)/da = k * a**(k - 1): the factor k is missing."),
                    (before + g * (k - 1) * a ** (k - 1), "d(a**k)/da = k * a**(k - 1), with k, not k - 1, in front.")]
    elif op == "exp":
        specific = [(before + g * a, "d exp(a)/da = exp(a), the node's own value node.data, not a.")]
    elif op == "log":
        specific = [(before + g * np.log(a), "d log(a)/da = 1/a: divide node.grad by a.data."),
                    (before - g / a, "sign error in the backward of log: d log(a)/da = +1/a.")]
    elif op == "sin":
        specific = [(before + g * np.sin(a), "d sin(a)/da = cos(a), not sin(a)."),
                    (before - g * np.cos(a), "sign error in the backward of sin: d sin(a)/da = +cos(a).")]
    elif op == "cos":
        specific = [(before + g * np.sin(a), HINT_COS), (before + g * np.cos(a), HINT_COS_NOT_COS),
                    (before - g * np.cos(a), HINT_COS_NOT_COS)]
    d = local["d"]
    generic = [
        (before, HINT_UNCHANGED),
        (g * d, HINT_OVERWRITE),
        (d, HINT_OVERWRITE),
        (before + d, HINT_UPSTREAM),
        (before - g * d, f"sign error in the backward of {op}: every contribution to {name}.grad has the "
                         f"wrong sign."),
    ]
    return specific + generic


def _check_rule(exercise: str, op: str, rule, seed: int) -> None:
    n_in, forward, samplers = _OP_SPECS[op]
    rng = np.random.default_rng(seed)
    inputs = [s(rng, _TRIALS) for s in samplers]
    if op == "pow":
        ks = np.array(_EXPONENTS)
    else:
        ks = np.zeros(_TRIALS)
    g = _signed(rng, _TRIALS)
    before = [rng.uniform(-1.0, 1.0, size=_TRIALS) for _ in range(n_in)]
    after = [np.zeros(_TRIALS) for _ in range(n_in)]
    outs = np.zeros(_TRIALS)
    for i in range(_TRIALS):
        parents = [engine.Value(float(v[i]), label="ab"[j]) for j, v in enumerate(inputs)]
        node = _build(op, parents, float(ks[i]))
        outs[i] = node.data
        for j, p in enumerate(parents):
            p.grad = float(before[j][i])
        node.grad = float(g[i])
        rule(node)
        for j, p in enumerate(parents):
            after[j][i] = _float(exercise, f"{'ab'[j]}.grad after your {op!r} rule", p.grad)
    for j in range(n_in):
        # Central differences of the op's forward pass with respect to input j.
        local = np.zeros(_TRIALS)
        for i in range(_TRIALS):
            args = [float(v[i]) for v in inputs]
            k = float(ks[i])

            def f(v, j=j, args=args, k=k):
                xs = list(args)
                xs[j] = v
                return xs[0] ** k if op == "pow" else forward(*xs)

            local[i] = _central(f, args[j])
        expected = before[j] + g * local
        name = "ab"[j]
        mistakes = _rule_mistakes(op, j, inputs, outs, g, before[j], {"d": local, "k": ks})
        what = ", a ** k for k = 2, 3, -1, 0.5, 2.5" if op == "pow" else ""
        expect_array(exercise, f"{name}.grad after your {op!r} rule (start value + node.grad * "
                               f"d(node)/d{name}{what})", after[j], expected,
                     mistakes=mistakes, rtol=_RTOL, atol=_ATOL,
                     hint=(f"the check set {name}.grad to a non-zero start value (as if another use of {name} "
                           f"had already contributed) and node.grad to an upstream gradient g, then called "
                           f"your rule once; {name}.grad should grow by g * d(node)/d{name}."))


def _check_composed(exercise: str, rules: dict, fn, args, what: str, hint: str) -> None:
    _, grads = engine.value_and_grad(fn, *args, rules=rules)
    ref = []
    for j in range(len(args)):
        def f(v, j=j):
            xs = list(args)
            xs[j] = v
            return engine.value_and_grad(fn, *xs)[0]
        ref.append(_central(f, args[j]))
    expect_array(exercise, f"the gradient of {what}", np.array(grads), np.array(ref), rtol=1e-5, atol=1e-6,
                 hint=hint)


def _check_rules(exercise: str, rules, ops) -> None:
    if not isinstance(rules, dict):
        fail(exercise, f"expected a dict {{op name: rule}}; got {type(rules).__name__}.",
             hint="pass the dict at the bottom of the answer cell.")
    missing = [op for op in ops if op not in rules]
    if missing:
        fail(exercise, f"the dict has no rule for {missing}.", expected=f"keys {list(ops)}",
             got=f"keys {sorted(map(str, rules))}")
    for op in ops:
        if not callable(rules[op]):
            fail(exercise, f"rules[{op!r}] is a {type(rules[op]).__name__}, not a function.",
                 hint="map each op name to the function itself, e.g. {'add': backward_add}.")
    for op in ops:
        _check_rule(exercise, op, rules[op], seed=200 + engine.OPS.index(op))


def exercise_0_2(rules) -> None:
    """Check the backward rules of ``add``, ``neg``, ``sub``, ``mul`` and ``div``.

    ``rules`` maps each op name to ``rule(node)``.  Each rule is tested alone
    against central differences (with a non-zero starting ``grad`` on each
    parent and a random upstream ``node.grad``), then all of them together on
    ``x * x`` and on a small expression, with :meth:`engine.Value.backward`.
    """
    ex = "0.2"
    ops = ("add", "neg", "sub", "mul", "div")
    _check_rules(ex, rules, ops)
    mine = {op: rules[op] for op in ops}
    _check_composed(ex, mine, lambda x: x * x, (1.7,), "x * x at x = 1.7", HINT_OVERWRITE)
    _check_composed(ex, mine, lambda a, b: (a * b - a / b) + -(b - a) * a, (1.3, -0.7),
                    "(a*b - a/b) + (-(b - a))*a at a = 1.3, b = -0.7",
                    "each rule passed alone; make sure every rule adds with += and only touches node.parents.")
    passed(ex)


def exercise_0_3(rules) -> None:
    """Check the backward rules of ``pow``, ``exp``, ``log``, ``sin`` and ``cos``.

    Each rule is tested alone against central differences, then together on
    ``J = cos(sin(x**2) + 3 * x**2)`` and on ``exp(sin(x)) * log(x**2 + 1)``.
    """
    ex = "0.3"
    ops = ("pow", "exp", "log", "sin", "cos")
    _check_rules(ex, rules, ops)
    mine = {op: rules[op] for op in ops}
    hint = "each rule passed alone; make sure every rule adds with += and only touches node.parents."
    _check_composed(ex, mine, lambda x: engine.cos(engine.sin(x ** 2) + 3 * x ** 2), (1.0,),
                    "J = cos(sin(x**2) + 3x**2) at x = 1", hint)
    _check_composed(ex, mine, lambda x: engine.exp(engine.sin(x)) * engine.log(x ** 2 + 1), (0.8,),
                    "exp(sin(x)) * log(x**2 + 1) at x = 0.8", hint)
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.5
def _quiz_y(x, z, log=math.log):
    return math.exp(x * z) + x * z / log(x) + math.sin(log(x)) / (x * z)


def exercise_0_5(quiz_gradients) -> None:
    """Check ``quiz_gradients(x, z) -> (dy/dx, dy/dz)`` for the lecture's differentiation quiz.

    ``y = exp(xz) + xz / log(x) + sin(log(x)) / (xz)``, tested at the quiz's
    point (2, 3) and two others against central differences.
    """
    ex = "0.5"
    points = [(2.0, 3.0), (1.5, 0.8), (3.0, 0.4)]
    got = []
    for x, z in points:
        result = call_student(ex, quiz_gradients, x, z)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            fail(ex, f"quiz_gradients({x:g}, {z:g}) should return two numbers (dy/dx, dy/dz); "
                     f"got {type(result).__name__}.", hint="end with `return x.grad, z.grad`.")
        got.append([_float(ex, "dy/dx", result[0]), _float(ex, "dy/dz", result[1])])
    got = np.array(got)

    def grads(y):
        return np.array([[_central(lambda v: y(v, z), x), _central(lambda v: y(x, v), z)] for x, z in points])

    ref = grads(_quiz_y)
    wrong_log10 = grads(lambda x, z: _quiz_y(x, z, log=math.log10))
    wrong_prec = grads(lambda x, z: math.exp(x * z) + x * z / math.log(x) + math.sin(math.log(x)) / x * z)
    expect_array(ex, "(dy/dx, dy/dz) at (x, z) = (2, 3), (1.5, 0.8), (3, 0.4)", got, ref,
                 rtol=1e-6, atol=1e-6,
                 mistakes=[(ref[:, ::-1], HINT_QUIZ_SWAPPED), (wrong_log10, HINT_QUIZ_LOG10),
                           (wrong_prec, HINT_QUIZ_PRECEDENCE), (np.zeros_like(ref), HINT_QUIZ_ZERO)],
                 hint="build y from x and z with the engine's operations exactly as written in the quiz, "
                      "call y.backward(), then return x.grad and z.grad.")
    passed(ex)


# ---------------------------------------------------------------------- exercise 0.7
def exercise_0_7(grad_wrt_W) -> None:
    """Check ``grad_wrt_W(W, X, Y)``: dE/dW for ``E = mse_loss(W.T @ X, Y)``.

    Tested on a (3, 2) W with n = 5 samples and a (4, 3) W with n = 7, against
    :func:`tutorial_lib.numerical_gradient`; the result must have W's shape.
    """
    ex = "0.7"
    rng = np.random.default_rng(700)
    for fan_in, fan_out, n in ((3, 2, 5), (4, 3, 7)):
        W = rng.normal(size=(fan_in, fan_out))
        X = np.vstack([np.ones((1, n)), rng.normal(size=(fan_in - 1, n))])
        Y = rng.normal(size=(fan_out, n))
        got = call_student(ex, grad_wrt_W, W, X, Y)
        ref = numerical_gradient(lambda: mse_loss(W.T @ X, Y), W)
        F = W.T @ X
        expect_array(ex, f"dE/dW for W of shape {W.shape} and n = {n}", got, ref, n=n, rtol=1e-6, atol=1e-8,
                     mistakes=[(2 * ref, "E carries a factor 1/2 that cancels the 2 of the square: "
                                         "dE/dW = X @ (F - Y).T / n, without a 2."),
                               (X @ F.T / n, "the target Y is missing: the error is F - Y.")],
                     hint="dE/dW = X @ (F - Y).T / n with F = W.T @ X; it has W's shape (fan_in, fan_out).")
    passed(ex)


# ---------------------------------------------------------------------- planted mistakes
# Each "source" is a whole answer cell, a realistic wrong one: tests/test_notebooks.py plants it in the
# notebook in place of the answer cell, tests/test_checks_nb00.py runs it against the checker. A cell of
# rules takes the rules its mistake is not about from the engine, so that no model answer is copied here.
_J_TABLE_HEAD = '''def j_table(x):
    """Forward and backward pass of J = cos(sin(x**2) + 3 x**2), following the table.

    Returns (values, grads): values["t"], ..., values["J"] from the forward pass and
    grads["u"], grads["u1"], grads["u2"], grads["t"], grads["x"], each dJ/d(that variable).
    """
'''
_J_TABLE_RETURN = '''    values = {"t": t, "u1": u1, "u2": u2, "u": u, "J": np.cos(u)}
    grads = {"u": dJ_du, "u1": dJ_du, "u2": dJ_du, "t": dJ_dt, "x": dJ_dx}
    return values, grads
'''
_QUIZ_HEAD = '''def quiz_gradients(x, z):
    """(dy/dx, dy/dz) of y = exp(xz) + xz / log(x) + sin(log(x)) / (xz), with the engine."""
    x, z = engine.Value(x, label="x"), engine.Value(z, label="z")
'''
_GRADW_HEAD = '''def grad_wrt_W(W, X, Y):
    """dE/dW for F = W.T @ X and E = (1/(2n)) * sum((F - Y)**2); same shape as W."""
'''
_ARITHMETIC_RULES = '''arithmetic_rules = {"add": backward_add, "neg": backward_neg, "sub": backward_sub,
                    "mul": backward_mul, "div": backward_div}
'''
_FUNCTION_RULES = '''function_rules = {"pow": backward_pow, "exp": backward_exp, "log": backward_log,
                  "sin": backward_sin, "cos": backward_cos}
'''

PLANTED_MISTAKES = [
    {"exercise": "0.1", "kind": "cos sign error",
     "source": _J_TABLE_HEAD + '''    t = x ** 2
    u1, u2 = np.sin(t), 3 * t
    u = u1 + u2
    dJ_du = np.sin(u)   # d cos(u)/du without its minus sign
    dJ_dt = dJ_du * np.cos(t) + dJ_du * 3
    dJ_dx = dJ_dt * 2 * x
''' + _J_TABLE_RETURN,
     "hint": "sign error in the backward of cos"},
    {"exercise": "0.1", "kind": "overwrite instead of accumulate",
     "source": _J_TABLE_HEAD + '''    t = x ** 2
    u1, u2 = np.sin(t), 3 * t
    u = u1 + u2
    dJ_du = -np.sin(u)
    dJ_dt = dJ_du * np.cos(t)   # path through u1 = sin(t)
    dJ_dt = dJ_du * 3           # path through u2 = 3t: overwrites the first path
    dJ_dx = dJ_dt * 2 * x
''' + _J_TABLE_RETURN,
     "hint": "keeps only one of its two paths"},
    {"exercise": "0.1", "kind": "missing dt/dx",
     "source": _J_TABLE_HEAD + '''    t = x ** 2
    u1, u2 = np.sin(t), 3 * t
    u = u1 + u2
    dJ_du = -np.sin(u)
    dJ_dt = dJ_du * np.cos(t) + dJ_du * 3
    dJ_dx = dJ_dt
''' + _J_TABLE_RETURN,
     "hint": "the factor 2x is missing"},
    {"exercise": "0.2", "kind": "mul uses own value",
     "source": '''backward_add, backward_neg, backward_sub, backward_div = (
    engine.BACKWARD_RULES[op] for op in ("add", "neg", "sub", "div"))


def backward_mul(node):
    """node = a * b."""
    a, b = node.parents
    a.grad += node.grad * a.data
    b.grad += node.grad * b.data


''' + _ARITHMETIC_RULES,
     "hint": "instead of the node's own value"},
    {"exercise": "0.2", "kind": "mul uses the output value",
     "source": '''backward_add, backward_neg, backward_sub, backward_div = (
    engine.BACKWARD_RULES[op] for op in ("add", "neg", "sub", "div"))


def backward_mul(node):
    """node = a * b."""
    a, b = node.parents
    a.grad += node.grad * node.data
    b.grad += node.grad * node.data


''' + _ARITHMETIC_RULES,
     "hint": "instead of the node's own value"},
    {"exercise": "0.2", "kind": "overwrite instead of accumulate (x*x)",
     "source": '''backward_add, backward_neg, backward_sub, backward_div = (
    engine.BACKWARD_RULES[op] for op in ("add", "neg", "sub", "div"))


def backward_mul(node):
    """node = a * b."""
    a, b = node.parents
    a.grad = node.grad * b.data
    b.grad = node.grad * a.data


''' + _ARITHMETIC_RULES,
     "hint": "instead of accumulating it (+=)"},
    {"exercise": "0.2", "kind": "sub sign error",
     "source": '''backward_add, backward_neg, backward_mul, backward_div = (
    engine.BACKWARD_RULES[op] for op in ("add", "neg", "mul", "div"))


def backward_sub(node):
    """node = a - b."""
    a, b = node.parents
    a.grad += node.grad
    b.grad += node.grad


''' + _ARITHMETIC_RULES,
     "hint": "sign error in the backward of sub"},
    {"exercise": "0.2", "kind": "div forgets the upstream gradient",
     "source": '''backward_add, backward_neg, backward_sub, backward_mul = (
    engine.BACKWARD_RULES[op] for op in ("add", "neg", "sub", "mul"))


def backward_div(node):
    """node = a / b."""
    a, b = node.parents
    a.grad += 1.0 / b.data
    b.grad += node.grad * (-a.data / b.data ** 2)


''' + _ARITHMETIC_RULES,
     "hint": "not multiplied by node.grad"},
    {"exercise": "0.3", "kind": "cos sign error",
     "source": '''backward_pow, backward_exp, backward_log, backward_sin = (
    engine.BACKWARD_RULES[op] for op in ("pow", "exp", "log", "sin"))


def backward_cos(node):
    """node = cos(a)."""
    (a,) = node.parents
    a.grad += node.grad * math.sin(a.data)


''' + _FUNCTION_RULES,
     "hint": "sign error in the backward of cos"},
    {"exercise": "0.3", "kind": "pow keeps the exponent",
     "source": '''backward_exp, backward_log, backward_sin, backward_cos = (
    engine.BACKWARD_RULES[op] for op in ("exp", "log", "sin", "cos"))


def backward_pow(node):
    """node = a ** k, with the constant k = node.exponent."""
    (a,) = node.parents
    k = node.exponent
    a.grad += node.grad * k * a.data ** k


''' + _FUNCTION_RULES,
     "hint": "lower the exponent by one"},
    {"exercise": "0.3", "kind": "overwrite instead of accumulate",
     "source": '''backward_pow, backward_exp, backward_log, backward_cos = (
    engine.BACKWARD_RULES[op] for op in ("pow", "exp", "log", "cos"))


def backward_sin(node):
    """node = sin(a)."""
    (a,) = node.parents
    a.grad = node.grad * math.cos(a.data)


''' + _FUNCTION_RULES,
     "hint": "instead of accumulating it (+=)"},
    {"exercise": "0.5", "kind": "log10 instead of log",
     "source": _QUIZ_HEAD + '''    xz = x * z
    log_x = engine.log(x) / math.log(10)
    y = engine.exp(xz) + xz / log_x + engine.sin(log_x) / xz
    y.backward()
    return x.grad, z.grad
''',
     "hint": "natural logarithm"},
    {"exercise": "0.5", "kind": "operator precedence",
     "source": _QUIZ_HEAD + '''    y = engine.exp(x * z) + x * z / engine.log(x) + engine.sin(engine.log(x)) / x * z
    y.backward()
    return x.grad, z.grad
''',
     "hint": "operator precedence"},
    {"exercise": "0.5", "kind": "swapped outputs",
     "source": _QUIZ_HEAD + '''    y = engine.exp(x * z) + x * z / engine.log(x) + engine.sin(engine.log(x)) / (x * z)
    y.backward()
    return z.grad, x.grad
''',
     "hint": "swapped"},
    {"exercise": "0.7", "kind": "transposed gradient",
     "source": _GRADW_HEAD + "    return (W.T @ X - Y) @ X.T / X.shape[1]\n",
     "hint": "has the shape of what it differentiates"},
    {"exercise": "0.7", "kind": "missing 1/n",
     "source": _GRADW_HEAD + "    return X @ (W.T @ X - Y).T\n",
     "hint": "the 1/n is missing"},
]
