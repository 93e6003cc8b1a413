"""Checkers of notebook 07, gradient descent on ``f(x1, x2) = x1**2 + x1 x2 + 4 x2**2``.

* 7.1 ``grad_f(x)``: the gradient, against central differences of ``f``;
* 7.2 ``eta_smallest_diverging``: the smallest diverging step size on the 0.01 grid, by running
  gradient descent with it and with the step 0.01 below;
* 7.3 ``largest_stable_step(H)``: ``2 / lambda_max(H)``, on the notebook's Hessian and
  random symmetric positive-definite matrices;
* 7.5 ``gradient_descent(f, grad, x0, eta, tol, max_iter, rule)``: stopping rules, against
  a reference loop on several quadratics, step sizes, tolerances and both rules.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import numerical_gradient
from ._common import call_student, expect_array, expect_close, expect_true, fail, fmt_array, passed

__all__ = ["exercise_7_1", "exercise_7_2", "exercise_7_3", "exercise_7_5", "PLANTED_MISTAKES"]

_X0 = np.array([3.0, 3.0])


def _f(x):
    x = np.asarray(x, dtype=float)
    return float(x[0] ** 2 + x[0] * x[1] + 4.0 * x[1] ** 2)


def _hessian_of_f() -> np.ndarray:
    # Central differences of central differences; exact for a quadratic up to rounding.
    def grad(x):
        w = np.array(x, dtype=float)
        return numerical_gradient(lambda: _f(w), w, eps=1e-4)

    H = np.empty((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = 1e-3
        H[:, j] = (grad(e) - grad(-e)) / 2e-3
    return (H + H.T) / 2


# ---------------------------------------------------------------------------- 7.1
def exercise_7_1(grad_f) -> None:
    """``grad_f(x)`` for ``x`` of shape (2,) returns the gradient of f, shape (2,)."""
    rng = np.random.default_rng(71)
    points = [_X0.copy(), np.array([1.0, -2.0])] + [rng.normal(0.0, 3.0, size=2) for _ in range(4)]
    for x in points:
        got = call_student("7.1", grad_f, x.copy())
        w = x.copy()
        expected = numerical_gradient(lambda: _f(w), w)
        x1, x2 = x
        mistakes = [
            (np.array([2 * x1 + x2, x1 + 4 * x2]),
             "the derivative of 4 x2^2 with respect to x2 is 8 x2 (the power rule brings down the 2)."),
            (np.array([2 * x1, 8 * x2]),
             "the cross term x1 x2 is missing: it adds x2 to df/dx1 and x1 to df/dx2."),
            (np.array([2 * x1 + 2 * x2, 2 * x1 + 8 * x2]),
             "the cross term x1 x2 contributes x2 (not 2 x2) to df/dx1 and x1 (not 2 x1) to df/dx2."),
            (np.array([x1 + 8 * x2, 2 * x1 + x2]),
             "the two components are swapped: entry 0 is df/dx1, entry 1 is df/dx2."),
        ]
        expect_array("7.1", f"grad_f({fmt_array(x, 3)})", got, expected, mistakes=mistakes,
                     hint="differentiate x1^2 + x1 x2 + 4 x2^2 once with respect to x1 (x2 held fixed) and "
                          "once with respect to x2; return np.array([df/dx1, df/dx2]).", rtol=1e-6, atol=1e-7)
    passed("7.1")


# ---------------------------------------------------------------------------- 7.2
def _f_after(eta, steps=200):
    """f(x_steps) of gradient descent from (3, 3) with step eta (inf once it overflows)."""
    H = _hessian_of_f()
    x = _X0.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - eta * (H @ x)
        value = float(x @ H @ x / 2)
    return value if np.isfinite(value) else np.inf


def exercise_7_2(eta_smallest_diverging) -> None:
    """``eta_smallest_diverging``: the smallest step size on the grid 0.01, 0.02, ... that diverges."""
    if eta_smallest_diverging is None:
        raise NotImplementedError("Exercise 7.2: set eta_smallest_diverging to a number.")
    got = np.asarray(eta_smallest_diverging, dtype=float)
    expect_true("7.2", got.size == 1, "eta_smallest_diverging must be a single number.",
                got=fmt_array(got), hint="set eta_smallest_diverging = <a number>, e.g. 0.37.")
    eta = float(got.reshape(()))
    expect_true("7.2", np.isfinite(eta) and eta > 0, "the step size must be a positive, finite number.",
                got=fmt_array(eta),
                hint="a step size of 0 does not move and a negative one climbs uphill: that is gradient ascent, "
                     "not a diverging descent.")
    expect_true("7.2", abs(eta * 100 - round(eta * 100)) < 1e-6,
                f"give the step size on the grid 0.01, 0.02, 0.03, ...; got {eta:g}.",
                hint="round to two decimals: the question asks for the first value of that grid that diverges.")
    f0 = _f(_X0)
    f_end = _f_after(eta)
    if not f_end > f0:
        fail("7.2", f"gradient descent with eta = {eta:.2f} does not diverge.",
             expected=f"f(x_200) above f(x_0) = {f0:.4g}", got=f"f(x_200) = {f_end:.4g}",
             hint="this step size still converges (perhaps slowly): try larger values until f grows from one "
                  "step to the next.")
    below = round(eta - 0.01, 2)
    if below > 0 and not _f_after(below) < f0:
        fail("7.2", f"eta = {eta:.2f} diverges, but so does the smaller eta = {below:.2f}.",
             expected="the smallest diverging step size on the 0.01 grid", got=f"{eta:.2f}",
             hint="lower the step size 0.01 at a time until it converges again; the answer is the last value "
                  "that still diverges.")
    passed("7.2")


# ---------------------------------------------------------------------------- 7.3
def _random_spd(rng, d):
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = rng.uniform(0.3, 12.0, size=d)
    H = Q @ np.diag(lam) @ Q.T
    return (H + H.T) / 2


def exercise_7_3(largest_stable_step) -> None:
    """``largest_stable_step(H)`` returns 2 / lambda_max(H) for symmetric positive-definite H."""
    rng = np.random.default_rng(73)
    cases = [_hessian_of_f().round(6)] + [_random_spd(rng, d) for d in (2, 3, 5)]
    for H in cases:
        got = call_student("7.3", largest_stable_step, H.copy())
        lam = np.linalg.eigvalsh(H)
        lam_min, lam_max = float(lam[0]), float(lam[-1])
        mistakes = [
            (1.0 / lam_max, "this is 1/lambda_max, half the limit. Along the eigenvector of lambda_max one step "
                            "multiplies the error by (1 - eta lambda_max), and |1 - eta lambda_max| < 1 allows "
                            "eta up to 2/lambda_max."),
            (2.0 / lam_min, "this uses the smallest eigenvalue. The stability limit comes from the LARGEST "
                            "eigenvalue (the steepest direction): eta < 2/lambda_max. Note that "
                            "np.linalg.eigvalsh returns the eigenvalues in ascending order, so [0] is the "
                            "smallest."),
            (1.0 / lam_min, "this is 1/lambda_min: use the largest eigenvalue, and the factor 2: "
                            "eta < 2/lambda_max."),
            (2.0 / float(np.trace(H)), "this divides by the trace (the sum of the eigenvalues); the limit is "
                                       "2 divided by the largest eigenvalue alone."),
            (2.0 / float(np.max(np.abs(H))), "this divides by the largest entry of H, not by its largest "
                                             "eigenvalue; compute the eigenvalues with np.linalg.eigvalsh(H)."),
        ]
        expect_close("7.3", f"largest_stable_step(H) for a {H.shape[0]}x{H.shape[0]} H", got, 2.0 / lam_max,
                     mistakes=mistakes, hint="the largest stable step is 2 / lambda_max, where lambda_max is "
                                             "the largest eigenvalue of the Hessian H.")
    passed("7.3")


# ---------------------------------------------------------------------------- 7.5
class _TooManyCalls(Exception):
    pass


def _reference_descent(f, grad, x0, eta, tol, max_iter, rule, variant=None):
    """The loop the notebook specifies; ``variant`` reproduces a known mistake instead.

    Variants: ``"ascent"`` (x + eta g), ``"no_abs"`` ('f' rule without abs),
    ``"late_check"`` ('grad' rule tested after the update), ``"squared"``
    ('grad' rule on the squared norm).
    """
    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(max_iter):
        g = grad(x)
        norm = float(np.linalg.norm(g))
        measure = norm ** 2 if variant == "squared" else norm
        if rule == "grad" and variant != "late_check" and measure < tol:
            break
        x_new = x + eta * g if variant == "ascent" else x - eta * g
        path.append(x_new.copy())
        if rule == "grad" and variant == "late_check" and norm < tol:
            break
        if rule == "f":
            change = f(x_new) - f(x)
            if (change if variant == "no_abs" else abs(change)) < tol:
                break
        x = x_new
    return np.array(path)


def _quadratic(H, b):
    def f(x):
        x = np.asarray(x, dtype=float)
        return float(0.5 * x @ H @ x - b @ x)

    def grad(x):
        return H @ np.asarray(x, dtype=float) - b

    return f, grad


def exercise_7_5(gradient_descent) -> None:
    """``gradient_descent(f, grad, x0, eta, tol, max_iter, rule)`` returns the iterates, shape (k + 1, d)."""
    rng = np.random.default_rng(75)
    H2 = _hessian_of_f()
    course = _quadratic(H2, np.zeros(2))
    H3 = _random_spd(rng, 3)
    other = _quadratic(H3, rng.normal(size=3))
    eta3 = 1.0 / float(np.linalg.eigvalsh(H3)[-1])
    x3 = rng.normal(0.0, 2.0, size=3)
    cases = [
        # (problem, x0, eta, tol, max_iter, rule)
        (course, _X0, 0.1, 1e-6, 10_000, "grad"),
        (course, _X0, 0.1, 1e-6, 10_000, "f"),
        (course, _X0, 0.2, 1e-8, 10_000, "grad"),
        (course, _X0, 0.2, 1e-8, 10_000, "f"),
        (other, x3, eta3, 1e-7, 10_000, "grad"),
        (other, x3, eta3, 1e-7, 10_000, "f"),
        (course, _X0, 0.1, 100.0, 10_000, "grad"),   # ||grad f(x0)|| < 100: no update at all
        (course, _X0, 0.3, 1e-6, 25, "grad"),        # diverges: max_iter stops it
        (course, _X0, 0.3, 1e-6, 25, "f"),
    ]
    for (f, grad), x0, eta, tol, max_iter, rule in cases:
        calls = {"n": 0}
        limit = 3 * max_iter + 20

        def counted_grad(x, _grad=grad):
            calls["n"] += 1
            if calls["n"] > limit:
                raise _TooManyCalls()
            return _grad(x)

        setting = f"eta = {eta:g}, tol = {tol:g}, max_iter = {max_iter}, rule = {rule!r}"
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                got = call_student("7.5", gradient_descent, f, counted_grad, np.array(x0, dtype=float), eta,
                                   tol, max_iter, rule)
        except _TooManyCalls:
            fail("7.5", f"with {setting} your loop kept going after max_iter = {max_iter} updates.",
                 hint="stop after at most max_iter updates, e.g. `for k in range(max_iter):`, even when the "
                      "stopping rule never fires (a diverging step size).")
        if got is None:
            fail("7.5", "gradient_descent returned None.", hint="return the array of iterates, np.array(path).")
        got = np.asarray(got, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            expected = _reference_descent(f, grad, x0, eta, tol, max_iter, rule)
        d = expected.shape[1]
        if got.ndim != 2 or got.shape[1] != d:
            fail("7.5", f"the path has the wrong shape for {setting}.",
                 expected=f"shape (k + 1, {d}): one row per iterate, x_0 first",
                 got=f"shape {got.shape}",
                 hint="collect x_0, x_1, ..., x_k in a list and return np.array(path), one row per iterate "
                      "(include the starting point).")
        if got.shape[0] != expected.shape[0]:
            k_exp, k_got = expected.shape[0] - 1, got.shape[0] - 1
            hint = ("check when you test the rule: 'grad' tests ||grad f(x_k)|| < tol before each update; "
                    "'f' tests |f(x_k+1) - f(x_k)| < tol after each update; at most max_iter updates.")
            with np.errstate(over="ignore", invalid="ignore"):
                variants = {
                    "ascent": "the path climbs: gradient DESCENT subtracts, x_k+1 = x_k - eta grad f(x_k).",
                    "no_abs": ("the 'f' rule needs the absolute value: f(x_k+1) - f(x_k) is negative whenever "
                               "descent works, so without abs() it is below tol after the first update."),
                    "late_check": ("you make one update too many: test ||grad f(x_k)|| < tol BEFORE the update "
                                   "x_k+1 = x_k - eta grad f(x_k), so the last iterate is the one that passed."),
                    "squared": ("compare the gradient NORM ||grad f(x_k)|| = np.linalg.norm(g) with tol, "
                                "not its square."),
                }
                for variant, variant_hint in variants.items():
                    alt = _reference_descent(f, grad, x0, eta, tol, max_iter, rule, variant=variant)
                    if alt.shape == got.shape and np.allclose(alt, got, rtol=1e-6, atol=1e-9, equal_nan=True):
                        hint = variant_hint
                        break
                else:
                    if k_got == k_exp + 1 and np.allclose(got[:-1], expected, rtol=1e-6, atol=1e-9):
                        hint = ("you make one update too many: stop as soon as the rule holds, and return the "
                                "iterates up to that point.")
                    elif k_got + 1 == k_exp and np.allclose(got, expected[:-1], rtol=1e-6, atol=1e-9):
                        hint = ("you stop one update early: the last iterate should be the first one that "
                                "satisfies the rule ('grad') or the one whose update changed f by less than tol "
                                "('f').")
            def updates(k):
                return f"{k} update{'' if k == 1 else 's'} ({k + 1} row{'' if k == 0 else 's'})"

            fail("7.5", f"the number of updates is wrong for {setting}.",
                 expected=updates(k_exp), got=updates(k_got), hint=hint)
        with np.errstate(over="ignore", invalid="ignore"):
            # Same number of updates as the reference, so that a climbing path of that length is recognised.
            ascent = _reference_descent(f, grad, x0, eta, -np.inf, expected.shape[0] - 1, rule, variant="ascent")
        expect_array("7.5", f"the path for {setting}", got, expected,
                     mistakes=[(ascent, "the path climbs: gradient DESCENT subtracts, "
                                        "x_k+1 = x_k - eta grad f(x_k).")],
                     hint="each row must be the previous one minus eta times the gradient there, starting from x0.",
                     rtol=1e-7, atol=1e-9)
    passed("7.5")


# ---------------------------------------------------------------------------- planted mistakes
_GRAD_HEAD = '''def grad_f(x):
    """Gradient of f(x1, x2) = x1^2 + x1 x2 + 4 x2^2 at x = (x1, x2), as an array of shape (2,)."""
    ### BEGIN SOLUTION
'''

_ETA_HEAD = "eta_smallest_diverging = None   # replace None by your step size\n### BEGIN SOLUTION\n"

_STEP_HEAD = '''def largest_stable_step(H):
    """The largest step size eta for which gradient descent on f(x) = 1/2 x^T H x converges."""
    ### BEGIN SOLUTION
'''

_GD_HEAD = '''def gradient_descent(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    """Gradient descent from x0; returns the iterates x_0, ..., x_k as an array of shape (k + 1, d).

    rule="grad": stop before an update when ||grad(x_k)|| < tol.
    rule="f":    stop after an update when |f(x_k+1) - f(x_k)| < tol.
    Never more than max_iter updates.
    """
    ### BEGIN SOLUTION
'''

_GD_BODY = '''    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(max_iter):
        g = grad(x)
        if rule == "grad" and np.linalg.norm(g) < tol:
            break
        x_new = x - eta * g
        path.append(x_new)
        if rule == "f" and {f_test}:
            break
        x = x_new
    return np.array(path)
    ### END SOLUTION
'''

PLANTED_MISTAKES = [
    {"exercise": "7.1", "kind": "power rule dropped on 4 x2^2",
     "source": _GRAD_HEAD + "    x1, x2 = x\n    return np.array([2 * x1 + x2, x1 + 4 * x2])\n"
               "    ### END SOLUTION\n",
     "hint": "the derivative of 4 x2^2 with respect to x2 is 8 x2"},
    {"exercise": "7.1", "kind": "cross term missing",
     "source": _GRAD_HEAD + "    x1, x2 = x\n    return np.array([2 * x1, 8 * x2])\n    ### END SOLUTION\n",
     "hint": "the cross term x1 x2 is missing"},
    {"exercise": "7.2", "kind": "step size that still converges",
     "source": _ETA_HEAD + "eta_smallest_diverging = 0.24\n### END SOLUTION\n",
     "hint": "this step size still converges"},
    {"exercise": "7.2", "kind": "diverges but is not the smallest",
     "source": _ETA_HEAD + "eta_smallest_diverging = 0.3\n### END SOLUTION\n",
     "hint": "but so does the smaller"},
    {"exercise": "7.3", "kind": "1/lambda_max instead of 2/lambda_max",
     "source": _STEP_HEAD + "    return 1.0 / np.linalg.eigvalsh(H).max()\n    ### END SOLUTION\n",
     "hint": "this is 1/lambda_max"},
    {"exercise": "7.3", "kind": "smallest eigenvalue",
     "source": _STEP_HEAD + "    return 2.0 / np.linalg.eigvalsh(H)[0]\n    ### END SOLUTION\n",
     "hint": "this uses the smallest eigenvalue"},
    {"exercise": "7.5", "kind": "change in f without abs()",
     "source": _GD_HEAD + _GD_BODY.format(f_test="f(x_new) - f(x) < tol"),
     "hint": "the 'f' rule needs the absolute value"},
    {"exercise": "7.5", "kind": "gradient ascent",
     "source": _GD_HEAD + _GD_BODY.format(f_test="abs(f(x_new) - f(x)) < tol").replace(
         "x_new = x - eta * g", "x_new = x + eta * g"),
     "hint": "the path climbs"},
    {"exercise": "7.5", "kind": "stopping test after the update",
     "source": _GD_HEAD + '''    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(max_iter):
        g = grad(x)
        x_new = x - eta * g
        path.append(x_new)
        if rule == "grad" and np.linalg.norm(g) < tol:
            break
        if rule == "f" and abs(f(x_new) - f(x)) < tol:
            break
        x = x_new
    return np.array(path)
    ### END SOLUTION
''',
     "hint": "you make one update too many"},
]
