"""Checkers of notebook 07, gradient descent on ``f(x1, x2) = x1**2 + x1 x2 + 4 x2**2``.

* 7.1 ``grad_f(x)``: the gradient, against the exact gradient at fixed and random points;
* 7.2 ``eta_smallest_diverging``: the smallest diverging step size on the 0.01 grid, by running
  gradient descent with it and with the step 0.01 below;
* 7.4 ``largest_stable_step(H)``: ``2 / lambda_max(H)``, on the notebook's Hessian and random
  symmetric positive-definite matrices;
* 7.6 ``gradient_descent(f, grad, x0, eta, tol, max_iter, rule)``: stopping rules, against a
  reference loop on several quadratics, step sizes, tolerances and both rules;
* 7.8 ``logistic_hessian(X, W)``: the Hessian of notebook 01's mean binary cross-entropy, against
  the exact formula on random data and weights.

7.3, 7.5, 7.7 and 7.9 are written exercises.  Random inputs come from :func:`grading_cases`, so a
graded run uses points, matrices and data the student never saw.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian
from ..mlp import MLP
from ..plotting.descent import course_gradient, descent_path, stability_limit
from ._common import (
    NotAttempted, _as_result_array, _describe_type, call_student, expect_array, expect_number, expect_true, fail,
    fmt_array, grading_cases, passed,
)

__all__ = ["exercise_7_1", "exercise_7_2", "exercise_7_4", "exercise_7_6", "exercise_7_8", "HINTS",
           "PLANTED_MISTAKES"]

#: The notebook's objective f(x) = 1/2 x^T H x has this constant Hessian.
_H = np.array([[2.0, 1.0], [1.0, 8.0]])
_X0 = np.array([3.0, 3.0])

#: Staged hints: ``checks.hint("7.1")`` prints them one at a time.  Maths in words, never code.
HINTS = {
    "7.1": [
        "A partial derivative treats every other variable as a constant. Go through the three terms of f "
        "one at a time, first for x1, then for x2.",
        "The term x1 x2 contributes to both partial derivatives: with x2 held fixed it is a constant times "
        "x1, with x1 held fixed a constant times x2. The power rule turns c x^2 into 2 c x.",
        "df/dx1 collects 2 x1 from x1^2 and x2 from x1 x2; df/dx2 collects x1 from x1 x2 and 8 x2 from "
        "4 x2^2. Entry 0 of the result is df/dx1, entry 1 is df/dx2, as one array of shape (2,).",
    ],
    "7.2": [
        "Start the explorer at a step that converges (0.2) and raise it 0.01 at a time; watch whether f(x_k) "
        "ends below or above f(x_0) = 54.",
        "The switch is sharp: one grid value still converges (slowly, with a growing zig-zag), the next one "
        "makes f grow. Give the first value that grows, on the grid 0.01, 0.02, 0.03, ...",
        "Section 3 explains the switch: it happens where one step multiplies the steep direction's "
        "coordinate by -1, at eta = 2 divided by the largest eigenvalue of the Hessian (about 0.245). The "
        "answer is the first multiple of 0.01 above that limit.",
    ],
    "7.4": [
        "Use what you derived in Exercise 7.3: in the eigenvector coordinates each step multiplies coordinate "
        "i by one factor. For which eta do all factors have magnitude below 1?",
        "|1 - η λ| < 1 means 0 < η λ < 2. The condition must hold for every eigenvalue at once, "
        "so the largest eigenvalue decides.",
        "The answer is 2 divided by the largest eigenvalue of H. For a symmetric matrix, numpy's eigvalsh "
        "returns the eigenvalues in ascending order (its eigvals, without the h, does not sort them).",
    ],
    "7.6": [
        "Keep a list of the iterates that starts with a copy of x0; every update appends one new point. Make "
        "a fresh array at each update instead of changing x0 or the last point in place.",
        "Use a loop that can make at most max_iter updates. With rule 'grad' test the gradient's Euclidean "
        "norm BEFORE the update (and stop without updating); with rule 'f' make the update first, then "
        "compare |f(new) - f(old)| with tol.",
        "Stop as soon as the rule holds: for 'grad' the last row is the first iterate whose gradient norm is "
        "below tol; for 'f' it is the new point of the update that changed f by less than tol. At the end "
        "stack the list into one array of shape (k + 1, d), one row per iterate, x0 first.",
    ],
    "7.8": [
        "Start from the gradient of notebook 01, dE/dW = (1/n) times the sum over the samples of "
        "(Y_hat_i - Y_i) times the column X_i. Differentiate it once more: which factor depends on W?",
        "Only Y_hat_i = sigmoid(f_i) depends on W, and d Y_hat_i / d W_m = Y_hat_i (1 - Y_hat_i) X_mi. The "
        "labels Y drop out: the Hessian does not depend on them.",
        "H[j, m] = (1/n) times the sum over i of Y_hat_i (1 - Y_hat_i) X_ji X_mi: each sample's column times "
        "its own transpose, weighted by Y_hat_i (1 - Y_hat_i), averaged over the n samples. The result is "
        "(features + 1) by (features + 1) and symmetric.",
    ],
}


def _one_number(exercise: str, name: str, got) -> float:
    """``got`` as a float; a tuple or list is named as such ("a tuple of 2 values")."""
    if isinstance(got, (tuple, list)):
        kind = type(got).__name__
        fail(exercise, f"{name} came back as a {kind} of {len(got)} values.", expected="one number (a float)",
             got=f"a {kind} of {len(got)} values",
             hint="hand back only the number the exercise asks for; leave anything else you computed (the "
                  "eigenvalues, say) out of the result.")
    if not isinstance(got, (np.ndarray, np.generic, int, float)):
        # e.g. a range or another array-like: read it as an array first (expect_number expects an ndarray).
        arr = _as_result_array(exercise, name, got, "number")
        if arr.ndim > 0:
            fail(exercise, f"{name} should be a single number; got {_describe_type(got)} of shape {arr.shape}.",
                 expected="one number (a float)", got=fmt_array(arr),
                 hint="reduce to the one number the exercise asks for.")
    return expect_number(exercise, name, got)


def _random_spd(rng, d):
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = rng.uniform(0.3, 12.0, size=d)
    H = Q @ np.diag(lam) @ Q.T
    return (H + H.T) / 2


# ---------------------------------------------------------------------------- 7.1
def exercise_7_1(grad_f) -> None:
    """``grad_f(x)`` for ``x`` of shape (2,) returns the gradient of f, shape (2,)."""
    ex = "7.1"
    points = [np.array([1.0, -2.0]), _X0.copy(), np.array([-0.5, 0.25])]
    for (seed,) in grading_cases(ex, [(71,), (72,)]):
        rng = np.random.default_rng(seed)
        points += [rng.normal(0.0, 3.0, size=2) for _ in range(2)]
    for x in points:
        got = call_student(ex, grad_f, x.copy(), forbid=(numerical_gradient, numerical_jacobian, course_gradient))
        name = f"grad_f({fmt_array(x, 3)})"
        if isinstance(got, tuple) and len(got) == 2 and all(np.isscalar(v) for v in got):
            fail(ex, f"{name} came back as a tuple of 2 values.", expected="one array of shape (2,)",
                 got="a tuple of 2 numbers",
                 hint="put the two partial derivatives into one numpy array of shape (2,), df/dx1 first.")
        x1, x2 = x
        expected = _H @ x
        mistakes = [
            (np.array([2 * x1 + x2, x1 + 4 * x2]),
             "the derivative of 4 x2^2 with respect to x2 is 8 x2 (the power rule brings down the 2)."),
            (np.array([2 * x1, 8 * x2]),
             "the cross term x1 x2 is missing: it adds x2 to df/dx1 and x1 to df/dx2."),
            (np.array([2 * x1 + 2 * x2, 2 * x1 + 8 * x2]),
             "the cross term x1 x2 contributes x2 (not 2 x2) to df/dx1 and x1 (not 2 x1) to df/dx2."),
            (np.array([x1 + 8 * x2, 2 * x1 + x2]),
             "the two components are swapped: entry 0 is df/dx1, entry 1 is df/dx2."),
            (np.array([x1 + x2, x1 + 8 * x2]), "the derivative of x1^2 is 2 x1, not x1."),
            (np.array([3 * x1, 9 * x2]),
             "the cross term is differentiated with respect to the wrong variable: with x2 held fixed, the "
             "derivative of x1 x2 with respect to x1 is x2, not x1."),
            (np.array([2 * x1 + x2, 8 * x2]), "df/dx2 is missing the x1 that the cross term x1 x2 contributes."),
            (np.array([2 * x1, x1 + 8 * x2]), "df/dx1 is missing the x2 that the cross term x1 x2 contributes."),
            (expected / 2, "every entry is half the gradient: the power rule's factor 2 is missing "
                           "(the derivative of x^2 is 2 x)."),
            (2 * expected, "every entry is twice the gradient: the power rule's 2 was applied twice."),
            (np.array([x1 ** 2 + x1 * x2, x1 * x2 + 4 * x2 ** 2]),
             "these are terms of f itself, not derivatives: differentiate each term."),
            (np.full(2, x1 ** 2 + x1 * x2 + 4 * x2 ** 2), "this is the value f(x), not its gradient."),
        ]
        expect_array(ex, name, got, expected, mistakes=mistakes, exact=True,
                     hint="differentiate x1^2 + x1 x2 + 4 x2^2 once with respect to x1 (x2 held fixed) and once "
                          "with respect to x2 (x1 held fixed); entry 0 is df/dx1, entry 1 is df/dx2.")
    passed(ex)


# ---------------------------------------------------------------------------- 7.2
def _f(x):
    x = np.asarray(x, dtype=float)
    return float(x @ _H @ x / 2)


def _f_after(eta, steps=200):
    """f(x_steps) of gradient descent from (3, 3) with step eta (inf once it overflows)."""
    x = _X0.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - eta * (_H @ x)
        value = float(x @ _H @ x / 2)
    return value if np.isfinite(value) else np.inf


def exercise_7_2(eta_smallest_diverging) -> None:
    """``eta_smallest_diverging``: the smallest step size on the grid 0.01, 0.02, ... that diverges."""
    ex = "7.2"
    if eta_smallest_diverging is None:
        raise NotAttempted(f"Exercise {ex}: not attempted yet: set eta_smallest_diverging to a number in the answer "
                           f"cell (and delete the `raise NotImplementedError()` line), run it, then this one.")
    eta = _one_number(ex, "eta_smallest_diverging", eta_smallest_diverging)
    expect_true(ex, np.isfinite(eta) and eta > 0, "the step size must be a positive, finite number.",
                got=fmt_array(eta),
                hint="a step size of 0 does not move and a negative one climbs uphill: that is gradient ascent, "
                     "not a diverging descent.")
    expect_true(ex, abs(eta * 100 - round(eta * 100)) < 1e-6,
                f"give the step size on the grid 0.01, 0.02, 0.03, ...; got {eta:g}.",
                hint="round to two decimals: the question asks for the first value of that grid that diverges, "
                     "not for the exact limit between converging and diverging.")
    f0 = _f(_X0)
    f_end = _f_after(eta)
    if not f_end > f0:
        fail(ex, f"gradient descent with eta = {eta:.2f} does not diverge.",
             expected=f"f(x_200) above f(x_0) = {f0:.4g}", got=f"f(x_200) = {f_end:.4g}",
             hint="this step size still converges (perhaps slowly): try larger values until f grows from one "
                  "step to the next.")
    below = round(eta - 0.01, 2)
    if below > 0 and not _f_after(below) < f0:
        fail(ex, f"eta = {eta:.2f} diverges, but so does the smaller eta = {below:.2f}.",
             expected="the smallest diverging step size on the 0.01 grid", got=f"{eta:.2f}",
             hint="lower the step size 0.01 at a time until it converges again; the answer is the last value "
                  "that still diverges.")
    passed(ex)


# ---------------------------------------------------------------------------- 7.4
def exercise_7_4(largest_stable_step) -> None:
    """``largest_stable_step(H)`` returns 2 / lambda_max(H) for symmetric positive-definite H."""
    ex = "7.4"
    cases = [_H.copy(), np.diag([9.0, 1.0, 4.0])]
    for d, seed in grading_cases(ex, [(2, 741), (3, 742), (5, 743)]):
        cases.append(_random_spd(np.random.default_rng(seed), d))
    for H in cases:
        got = call_student(ex, largest_stable_step, H.copy(), forbid=(stability_limit,))
        name = f"largest_stable_step(H) for a {H.shape[0]}x{H.shape[0]} H"
        value = _one_number(ex, name, got)
        lam = np.linalg.eigvalsh(H)
        lam_min, lam_max = float(lam[0]), float(lam[-1])
        expected = 2.0 / lam_max
        others = [(2.0 / float(other), "this is 2 divided by an eigenvalue that is not the largest: numpy's "
                                       "eigvals (without the h) returns the eigenvalues in no particular order, "
                                       "so its last entry need not be the largest.")
                  for other in lam[1:-1]]
        mistakes = [
            (1.0 / lam_max, "this is 1/lambda_max, which is stable but not the largest stable step: the factor "
                            "(1 - eta lambda_max) may turn negative (a zig-zag) as long as its magnitude stays "
                            "below 1."),
            (2.0 / lam_min, "this uses the smallest eigenvalue. The limit comes from the LARGEST eigenvalue (the "
                            "steepest direction), which is the first to overshoot. The symmetric eigenvalue "
                            "routine lists the eigenvalues in ascending order: the first is the smallest."),
            (1.0 / lam_min, "this is 1/lambda_min: use the largest eigenvalue, and keep the factor 2."),
            (2.0 / (lam_min + lam_max), "this is 2/(lambda_min + lambda_max) (for a 2x2 H, 2 over the trace), the "
                                        "step that makes the flattest and the steepest direction shrink equally "
                                        "fast, not the largest step that still converges."),
            (2.0 / float(np.trace(H)), "this divides by the trace (the sum of the eigenvalues); the limit is 2 "
                                       "divided by the largest eigenvalue alone."),
            (2.0 / float(np.max(np.abs(H))), "this divides by the largest entry of H, not by its largest "
                                             "eigenvalue; the eigenvalues of a matrix with off-diagonal entries "
                                             "differ from its entries."),
            (lam_max / 2.0, "your step grows with lambda_max, but a steeper direction needs a SMALLER step: the "
                            "limit is inversely proportional to the largest eigenvalue."),
            (2.0 * lam_max, "your step grows with lambda_max, but a steeper direction needs a SMALLER step: the "
                            "limit is inversely proportional to the largest eigenvalue."),
            (2.0 / lam_max ** 2, "the largest eigenvalue appears squared; in the condition |1 - η λ| < 1 it "
                                 "appears once."),
            (2.0 / float(np.linalg.norm(H)), "this divides by the Frobenius norm of H (all entries squared and "
                                             "summed); the limit uses the largest eigenvalue."),
            (2.0 / float(np.abs(H).sum(axis=1).max()), "this divides by the largest row sum of |H|, a bound on "
                                                       "lambda_max that is safe but too small; use the largest "
                                                       "eigenvalue itself."),
            (2.0 / float(np.mean(lam)), "this divides by the mean eigenvalue; the limit uses the largest."),
            (2.0 / float(np.linalg.det(H)), "this divides by the determinant (the product of the eigenvalues); "
                                            "the limit uses the largest eigenvalue alone."),
        ] + others + [
            (2.0 / float(H[-1, -1]), "this divides by the last diagonal entry of H, not by its largest "
                                     "eigenvalue."),
        ]
        expect_array(ex, name, np.asarray(value), np.asarray(expected), mistakes=mistakes,
                     hint="solve |1 - η λ| < 1 for η, for every eigenvalue λ of H at once "
                          "(Exercise 7.3).")
    passed(ex)


# ---------------------------------------------------------------------------- 7.6
class _TooManyCalls(Exception):
    """Raised by the checker's gradient when a loop ignores max_iter (let through by call_student)."""


def _reference_descent(f, grad, x0, eta, tol, max_iter, rule, variant=None):
    """The loop the notebook specifies; ``variant`` reproduces a known mistake instead."""
    x = np.array(x0, dtype=float)
    path = [x.copy()]
    updates = max_iter + 1 if variant == "extra_update" else max_iter
    for _ in range(updates):
        g = grad(x)
        norm = float(np.linalg.norm(g))
        if variant == "squared":
            measure = norm ** 2
        elif variant == "x_norm":
            measure = float(np.linalg.norm(x))
        elif variant == "maxabs":
            measure = float(np.max(np.abs(g)))
        else:
            measure = norm
        if rule == "grad" and variant not in ("late_check", "no_rule") and measure < tol:
            break
        x_new = x + eta * g if variant == "ascent" else x - eta * g
        path.append(x_new.copy())
        if rule == "grad" and variant == "late_check" and norm < tol:
            break
        if rule == "f" and variant != "no_rule":
            change = f(x_new) - f(x)
            if variant == "no_abs":
                test = change
            elif variant == "f_value":
                test = abs(f(x_new))
            else:
                test = abs(change)
            if test < tol:
                break
        x = x_new
    return np.array(path)


_VARIANTS = {
    "ascent": "the path climbs: gradient DESCENT subtracts eta times the gradient from the current point.",
    "no_abs": ("the 'f' rule needs the absolute value: f(x_k+1) - f(x_k) is negative whenever descent works, "
               "so without the absolute value the test passes after the first update."),
    "late_check": ("you make one update too many: test the gradient norm at x_k BEFORE updating, so that the last "
                   "iterate is the one that passed the test."),
    "squared": "compare the gradient's Euclidean NORM with tol, not its square.",
    "no_rule": "your loop always makes max_iter updates: it never applies the stopping rule.",
    "extra_update": "your loop can make max_iter + 1 updates; at most max_iter are allowed.",
    "x_norm": "the 'grad' rule tests the norm of the gradient at x_k, not the norm of x_k itself.",
    "f_value": ("the 'f' rule tests the CHANGE |f(x_k+1) - f(x_k)|, not the value f(x_k+1): the minimum value "
                "need not be 0."),
    "maxabs": "the 'grad' rule uses the Euclidean norm (square root of the sum of squares), not the largest entry.",
}


def _quadratic(H, b):
    def f(x):
        x = np.asarray(x, dtype=float)
        return float(0.5 * x @ H @ x - b @ x)

    def grad(x):
        return H @ np.asarray(x, dtype=float) - b

    return f, grad


def _updates(k):
    return f"{k} update{'' if k == 1 else 's'} ({k + 1} row{'' if k == 0 else 's'})"


def exercise_7_6(gradient_descent) -> None:
    """``gradient_descent(f, grad, x0, eta, tol, max_iter, rule)`` returns the iterates, shape (k + 1, d)."""
    ex = "7.6"
    course = _quadratic(_H, np.zeros(2))
    cases = [
        # (problem, x0, eta, tol, max_iter, rule)
        (course, _X0, 0.1, 1e-6, 10_000, "grad"),
        (course, _X0, 0.1, 1e-6, 10_000, "f"),
        (course, _X0, 0.2, 1e-8, 10_000, "grad"),
        (course, _X0, 0.2, 1e-8, 10_000, "f"),
        (course, _X0, 0.1, 100.0, 10_000, "grad"),   # ||grad f(x0)|| < 100: no update at all
        (course, _X0, 0.3, 1e-6, 25, "grad"),        # diverges: max_iter stops it
        (course, _X0, 0.3, 1e-6, 25, "f"),
    ]
    for d, seed in grading_cases(ex, [(3, 75), (4, 76)]):
        rng = np.random.default_rng(seed)
        H = _random_spd(rng, d)
        problem = _quadratic(H, rng.normal(size=d))
        eta = 1.0 / float(np.linalg.eigvalsh(H)[-1])
        x0 = rng.normal(0.0, 2.0, size=d)
        cases += [(problem, x0, eta, 1e-7, 10_000, "grad"), (problem, x0, eta, 1e-7, 10_000, "f")]
    for (f, grad), x0, eta, tol, max_iter, rule in cases:
        calls = {"n": 0}
        limit = 3 * max_iter + 20

        def counted_grad(x, _grad=grad):
            calls["n"] += 1
            if calls["n"] > limit:
                raise _TooManyCalls()
            return _grad(x)

        setting = f"eta = {eta:.3g}, tol = {tol:g}, max_iter = {max_iter}, rule = {rule!r}"
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                got = call_student(ex, gradient_descent, f, counted_grad, np.array(x0, dtype=float), eta, tol,
                                   max_iter, rule, forbid=(descent_path,), passthrough=(_TooManyCalls,))
        except _TooManyCalls:
            fail(ex, f"with {setting} your loop kept going after max_iter = {max_iter} updates.",
                 expected=f"at most {max_iter} updates", got=f"more than {limit} gradient evaluations",
                 hint="make at most max_iter updates even when the stopping rule never fires (a diverging step "
                      "size): a loop over a fixed number of steps, left early when the rule holds.")
        name = f"the path for {setting}"
        if isinstance(got, list):
            fail(ex, f"{name} came back as a list of {len(got)} items.", expected="one array of shape (k + 1, d)",
                 got=_describe_type(got),
                 hint="collect the iterates in a list if you like, but stack them into one numpy array, one "
                      "row per iterate, before handing it back.")
        with np.errstate(over="ignore", invalid="ignore"):
            expected = _reference_descent(f, grad, x0, eta, tol, max_iter, rule)
        got = _as_result_array(ex, name, got, "(k + 1, d)", allow_nonfinite=True)
        d = expected.shape[1]
        if got.ndim == 1 and got.size == d:
            fail(ex, f"{name} is a single point.", expected=f"shape (k + 1, {d}): every iterate, x0 first",
                 got=f"shape {got.shape}",
                 hint="return the whole path, one row per iterate, not only where the loop ended.")
        if got.ndim != 2 or got.shape[1] != d:
            fail(ex, f"{name} has the wrong shape.", expected=f"shape (k + 1, {d}): one row per iterate, x0 first",
                 got=f"shape {got.shape}",
                 hint="one row per iterate, including the starting point; each row is a point of dimension d.")
        if got.shape[0] > 1 and np.allclose(got, got[-1]) and not np.allclose(expected, expected[-1]):
            fail(ex, f"every row of {name} is the same point.", expected=fmt_array(expected), got=fmt_array(got),
                 hint="you stored the same array object several times and then changed it in place; store a new "
                      "array (or a copy) at each update.")
        if got.shape[0] != expected.shape[0]:
            k_exp, k_got = expected.shape[0] - 1, got.shape[0] - 1
            hint = ("check when you test the rule: 'grad' tests the gradient norm at x_k before each update; 'f' "
                    "tests |f(x_k+1) - f(x_k)| after each update; at most max_iter updates.")
            with np.errstate(over="ignore", invalid="ignore"):
                candidates = [(_reference_descent(f, grad, x0, eta, tol, max_iter, rule, variant=variant), text)
                              for variant, text in _VARIANTS.items()]
                candidates += [(_reference_descent(f, grad, x0, factor * eta, tol, max_iter, rule),
                                f"each step is {text} as long as it should be: move by eta times the gradient, "
                                f"with the eta you are given.") for factor, text in ((2.0, "twice"), (0.5, "half"))]
                for alt, variant_hint in candidates:
                    if alt.shape == got.shape and np.allclose(alt, got, rtol=1e-6, atol=1e-9, equal_nan=True):
                        hint = variant_hint
                        break
                else:
                    if (k_got == k_exp + 1 and got.shape[0] > 1 and np.allclose(got[0], got[1])
                            and np.allclose(got[1:], expected, rtol=1e-6, atol=1e-9)):
                        hint = "the starting point appears twice: store x0 once, then one new row per update."
                    elif k_got == k_exp + 1 and np.allclose(got[:-1], expected, rtol=1e-6, atol=1e-9):
                        hint = ("you make one update too many: stop as soon as the rule holds, and hand back the "
                                "iterates up to that point.")
                    elif k_got + 1 == k_exp and np.allclose(got, expected[:-1], rtol=1e-6, atol=1e-9):
                        hint = ("you stop one update early: the last iterate should be the first one that "
                                "satisfies the rule ('grad') or the one whose update changed f by less than tol "
                                "('f').")
                    elif k_got + 1 == k_exp and np.allclose(got, expected[1:], rtol=1e-6, atol=1e-9):
                        hint = "the starting point x0 is missing: the first row must be x0 itself."
            fail(ex, f"the number of updates is wrong for {setting}.",
                 expected=_updates(k_exp), got=_updates(k_got), hint=hint)
        with np.errstate(over="ignore", invalid="ignore"):
            # Same number of updates as the reference, so that a climbing path of that length is recognised.
            ascent = _reference_descent(f, grad, x0, eta, -np.inf, expected.shape[0] - 1, rule, variant="ascent")
            mistakes = [(ascent, _VARIANTS["ascent"])]
            k = expected.shape[0] - 1
            for factor, text in ((2.0, "twice"), (0.5, "half")):
                alt = _reference_descent(f, grad, x0, factor * eta, -np.inf, k, rule)
                mistakes.append((alt, f"each step is {text} as long as it should be: move by eta times the "
                                      f"gradient, with the eta you are given."))
        expect_array(ex, name, got, expected, mistakes=mistakes,
                     hint="each row must be the previous one minus eta times the gradient there, starting from x0.",
                     rtol=1e-7, atol=1e-9)
    passed(ex)


# ---------------------------------------------------------------------------- 7.8
def _sigmoid(f):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-f))


def exercise_7_8(logistic_hessian) -> None:
    """``logistic_hessian(X, W)``: the Hessian of the mean binary cross-entropy at W, shape (d + 1, d + 1)."""
    ex = "7.8"
    for n, d, scale, seed in grading_cases(ex, [(7, 2, 1.0, 781), (12, 2, 2.5, 782), (30, 3, 0.5, 783),
                                                (9, 4, 1.5, 784)]):
        rng = np.random.default_rng(seed)
        X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.5, size=(d, n))])
        W = rng.normal(0.0, scale, size=(d + 1, 1))
        got = call_student(ex, logistic_hessian, X.copy(), W.copy(),
                           forbid=(MLP.backward, MLP._backward, numerical_gradient, numerical_jacobian,
                                   check_gradients))
        f = W.T @ X
        p = _sigmoid(f)
        s = p * (1.0 - p)

        def weighted(weights):
            return (X * weights) @ X.T / n

        expected = weighted(s)
        mistakes = [
            (X @ X.T / n, "the weights Y_hat_i (1 - Y_hat_i) are missing: each sample's term is multiplied by the "
                          "sigmoid's slope at that sample."),
            (X @ X.T / (4 * n), "you used the sigmoid's slope at f = 0, which is 1/4; at other weights it is "
                                "Y_hat_i (1 - Y_hat_i), different for every sample."),
            (weighted(f * (1.0 - f)), "the slope must be computed from Y_hat = sigmoid(f), not from the "
                                      "pre-activation f."),
            (weighted(s ** 2), "the slope Y_hat_i (1 - Y_hat_i) enters once, not squared."),
            (weighted(p), "the weight of sample i is Y_hat_i (1 - Y_hat_i), the derivative of Y_hat_i with respect "
                          "to f_i, not Y_hat_i itself."),
            (weighted(1.0 - p), "the weight of sample i is Y_hat_i (1 - Y_hat_i), not 1 - Y_hat_i."),
            (weighted(np.sqrt(s)), "the slope Y_hat_i (1 - Y_hat_i) enters once, not as a square root."),
            (weighted(s) * n / (n - 1), "the loss averages over n samples: divide by n, not by n - 1."),
        ]
        expect_array(ex, f"the Hessian for n = {n} samples and {d} features", got, expected, n=n,
                     mistakes=mistakes, exact=True,
                     hint="differentiate the gradient (1/n) sum_i (Y_hat_i - Y_i) X_i once more with respect to "
                          "each weight; only Y_hat_i depends on W.")
    passed(ex)


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

_HESS_HEAD = '''def logistic_hessian(X, W):
    """Hessian of notebook 01's mean binary cross-entropy at W (features + 1, 1); shape (features + 1, features + 1)."""
    ### BEGIN SOLUTION
'''

PLANTED_MISTAKES = [
    {"exercise": "7.1", "kind": "power rule dropped on 4 x2^2",
     "source": _GRAD_HEAD + "    x1, x2 = x\n    return np.array([2 * x1 + x2, x1 + 4 * x2])\n"
               "    ### END SOLUTION\n",
     "hint": "the derivative of 4 x2^2 with respect to x2 is 8 x2"},
    {"exercise": "7.1", "kind": "cross term missing",
     "source": _GRAD_HEAD + "    x1, x2 = x\n    return np.array([2 * x1, 8 * x2])\n    ### END SOLUTION\n",
     "hint": "the cross term x1 x2 is missing"},
    {"exercise": "7.1", "kind": "components swapped",
     "source": _GRAD_HEAD + "    x1, x2 = x\n    return np.array([x1 + 8 * x2, 2 * x1 + x2])\n"
               "    ### END SOLUTION\n",
     "hint": "the two components are swapped"},
    {"exercise": "7.2", "kind": "step size that still converges",
     "source": _ETA_HEAD + "eta_smallest_diverging = 0.24\n### END SOLUTION\n",
     "hint": "this step size still converges"},
    {"exercise": "7.2", "kind": "diverges but is not the smallest",
     "source": _ETA_HEAD + "eta_smallest_diverging = 0.3\n### END SOLUTION\n",
     "hint": "but so does the smaller"},
    {"exercise": "7.4", "kind": "1/lambda_max instead of 2/lambda_max",
     "source": _STEP_HEAD + "    return 1.0 / np.linalg.eigvalsh(H).max()\n    ### END SOLUTION\n",
     "hint": "this is 1/lambda_max"},
    {"exercise": "7.4", "kind": "smallest eigenvalue",
     "source": _STEP_HEAD + "    return 2.0 / np.linalg.eigvalsh(H)[0]\n    ### END SOLUTION\n",
     "hint": "this uses the smallest eigenvalue"},
    {"exercise": "7.6", "kind": "change in f without abs() (sign)",
     "source": _GD_HEAD + _GD_BODY.format(f_test="f(x_new) - f(x) < tol"),
     "hint": "the 'f' rule needs the absolute value"},
    {"exercise": "7.6", "kind": "gradient ascent",
     "source": _GD_HEAD + _GD_BODY.format(f_test="abs(f(x_new) - f(x)) < tol").replace(
         "x_new = x - eta * g", "x_new = x + eta * g"),
     "hint": "the path climbs"},
    {"exercise": "7.6", "kind": "stopping test after the update",
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
    {"exercise": "7.8", "kind": "missing 1/n",
     "source": _HESS_HEAD + '''    Y_hat = tl.sigmoid(W.T @ X)
    return (X * (Y_hat * (1 - Y_hat))) @ X.T
    ### END SOLUTION
''',
     "hint": "the 1/n is missing"},
    {"exercise": "7.8", "kind": "slope of the sigmoid at 0 only",
     "source": _HESS_HEAD + '''    return X @ X.T / (4 * X.shape[1])
    ### END SOLUTION
''',
     "hint": "you used the sigmoid's slope at f = 0"},
]
