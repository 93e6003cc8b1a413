"""Checkers of notebook 06 (softmax MLP on the 8x8 digits).

For every code exercise: the solution's answer passes and its placeholder raises NotImplementedError;
other correct answers pass (loops, other equivalent forms); every odd return gets a teaching message;
the library's shortcuts and numerical gradients are refused; many wrong answers, listed here and
nowhere else, are rejected with a message that fits on the screen and holds no pasteable code; an
answer tuned to the public inputs fails in grading mode; the hints are staged and code-free.

The reference answers are the answer cells of ``solutions/06_softmax_mlp_digits.ipynb`` itself, run in
a namespace holding only ``np`` and ``tl`` (plus, for 6.12, the names its answer cell reads).
"""

import contextlib
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.special  # noqa: E402
from checker_contract import (  # noqa: E402
    MAX_LINES, ODD_RETURNS, assert_hints_are_staged, assert_odd_returns_rejected, assert_teaching_message,
    failure_message, pasteable_code,
)
from notebook_answers import (  # noqa: E402
    DEF_NAME, assert_reference_passes, assert_unattempted_raises, define, exercises, mistake_message, run_check,
)
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting, widgets  # noqa: E402
from tutorial_lib.authoring.markers import blank_code_answers  # noqa: E402
from tutorial_lib.checks import _common, nb06  # noqa: E402

NOTEBOOK = "06_softmax_mlp_digits"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["6.2", "6.4", "6.6", "6.7", "6.9", "6.10", "6.11", "6.12"]
WRITTEN_EXERCISES = ["6.1", "6.3", "6.5", "6.8", "6.13"]
FUNCTION_EXERCISES = CODE_EXERCISES[:-1]  # 6.12's answer is a choice of settings, not a function


def ref(exercise):
    """The solution notebook's function for a function exercise."""
    return define(EXERCISES[exercise].answer_source)


def check(exercise):
    return getattr(checks, "exercise_" + exercise.replace(".", "_"))


def rejected(exercise, argument, *needles, call=None) -> str:
    """The check fails with a teaching message holding every needle; returns the message.

    A message may quote the student's own line ("at line N of your code: ..."), which is their code, not
    a hint: that line is left out of the pasteable-code test.
    """
    message = failure_message(call or check(exercise), argument)
    assert len(message.split("\n")) <= MAX_LINES, message
    assert_teaching_message("\n".join(line for line in message.split("\n") if "of your code" not in line), exercise)
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def reject_all(exercise, wrong: dict) -> None:
    """Every ``{name: (function, needle)}`` is rejected with a teaching message holding its needle."""
    for name, (fn, needle) in wrong.items():
        try:
            rejected(exercise, fn, needle)
        except AssertionError as exc:
            raise AssertionError(f"wrong answer {name!r} was not rejected as expected") from exc


def passes(exercise, argument, call=None) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        (call or check(exercise))(argument)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


@contextlib.contextmanager
def grading(seed=4242):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


def memorized(reference, key):
    """An answer that replays the reference's outputs for the public inputs only (zeros elsewhere)."""
    table = {}

    def recorder(*args, **kwargs):
        result = reference(*args, **kwargs)
        table[key(*args)] = result
        return result

    def zeros_like(value):
        if isinstance(value, (tuple, list)):
            return type(value)(zeros_like(v) for v in value)
        return np.zeros_like(np.asarray(value, dtype=float))

    def lookup(*args, **kwargs):
        k = key(*args)
        return table[k] if k in table else zeros_like(next(iter(table.values())))

    return recorder, lookup


def assert_public_only(exercise, reference, key):
    """A hard-coded answer tuned to the public inputs passes them, and fails under a grading seed."""
    recorder, lookup = memorized(reference, key)
    passes(exercise, recorder)
    passes(exercise, lookup)
    with grading():
        rejected(exercise, lookup)
    with grading():
        passes(exercise, reference)


# ============================================================================ the notebook and the module
def test_the_notebook_has_exactly_the_exercises_the_checkers_cover():
    assert list(EXERCISES) == CODE_EXERCISES
    assert sorted(name for name in dir(nb06) if name.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)
    assert EXERCISES["6.12"].argument == "net, lr, epochs, batch_size, lam"
    from notebook_answers import solution_notebook
    text = "\n".join(c.source for c in solution_notebook(NOTEBOOK).cells if c.cell_type == "markdown")
    for ex in WRITTEN_EXERCISES:
        assert f"**Exercise {ex} (written).**" in text
    for ex in CODE_EXERCISES:
        assert f"**Exercise {ex}.**" in text


def test_the_notebook_is_self_contained_and_derives_before_it_shows():
    from notebook_answers import solution_notebook
    cells = solution_notebook(NOTEBOOK).cells
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    text = "\n".join(markdown)
    # what a student sees: the model answers of the written exercises are not handed out
    shown = re.sub(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", "", text, flags=re.DOTALL)
    for cited in ("Lemma", "eq. (", "eqs. (", "Note 2", "Note 5", "(53)", "(44)"):
        assert cited not in text, cited
    # every derivation shown in full sits in a collapsed block after a check cell, or in a model answer
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and "Worked derivation" in cell.source:
            assert cell.source.startswith("<details>") and cells[i - 1].source.startswith("# NBVAL_CHECK_OUTPUT")
    # the accuracy of the solution's run appears in no markdown cell, and its settings only in the answer region
    assert "0.971" not in shown and "1.5" not in shown and "= 20" not in shown
    answer = EXERCISES["6.12"].answer_source
    assert "1.5, 20, 32" in answer.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    assert answer.count("1.5") == 1


def test_the_checker_messages_cite_nothing_students_do_not_have():
    from pathlib import Path
    source = Path(nb06.__file__).read_text(encoding="utf-8")
    for cited in ("Lemma", "eq. ", "eqs. ", "Note 2", "(53)"):
        assert cited not in source, cited


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=3)


def test_every_code_exercise_has_planted_mistakes():
    assert {m["exercise"] for m in nb06.PLANTED_MISTAKES} == set(CODE_EXERCISES)
    kinds = " | ".join(m["kind"] for m in nb06.PLANTED_MISTAKES)
    for needed in ("1/n", "sign", "transposed", "broadcast"):
        assert needed in kinds


# ------------------------------------------------------------------ the names 6.12's answer cell reads
class _QuietMonitor:
    """Stands in for plotting.TrainingMonitor in the tests: no figure, no printing."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args):
        pass


class _QuietPlotting:
    TrainingMonitor = _QuietMonitor


@pytest.fixture(scope="module")
def split():
    X, Y, labels = tl.load_digits_onehot(return_labels=True)
    train, test = train_test_split(np.arange(labels.size), train_size=1344, stratify=labels, random_state=0)
    return {"X_train": X[:, train], "Y_train": Y[:, train], "labels_train": labels[train],
            "X_test": X[:, test], "labels_test": labels[test], "Y_test": Y[:, test]}


@pytest.fixture(scope="module")
def names_6_12(split):
    names = {k: v for k, v in split.items() if k != "Y_test"}
    return {**names, "plotting": _QuietPlotting, "train_sgd": ref("6.10")}


def run_6_12(source, names):
    """Run an answer cell of 6.12 and its check call; return what the check printed."""
    return run_check(NOTEBOOK, "6.12", source, **names)


@pytest.fixture(scope="module")
def trained(names_6_12):
    """The solution's trained network and settings, as its answer cell leaves them."""
    namespace = {"np": np, "tl": tl, **names_6_12}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(EXERCISES["6.12"].answer_source, "<6.12>", "exec"), namespace)  # noqa: S102
    return {k: namespace[k] for k in ("net", "lr", "epochs", "batch_size", "lam")}


# ============================================================================ reference and placeholder
@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


def test_6_12_reference_passes_and_placeholder_raises(names_6_12):
    assert run_6_12(EXERCISES["6.12"].answer_source, names_6_12) == "Exercise 6.12: passed the public checks.\n"
    blank = blank_code_answers(EXERCISES["6.12"].answer_source)
    assert "raise NotImplementedError()" in blank and "1.5" not in blank
    with pytest.raises(NotImplementedError):
        exec(compile(blank, "<6.12>", "exec"), {"np": np, "tl": tl, **names_6_12})  # noqa: S102


def test_6_12_trains_with_the_library_when_train_sgd_is_not_written(names_6_12):
    placeholder = define(blank_code_answers(EXERCISES["6.10"].answer_source))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        output = run_6_12(EXERCISES["6.12"].answer_source, {**names_6_12, "train_sgd": placeholder})
    output = out.getvalue() + output
    assert output.endswith("Exercise 6.12: passed the public checks.\n") and "net.fit trains instead" in output


@pytest.mark.parametrize("mistake", nb06.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake, names_6_12):
    answer = EXERCISES[mistake["exercise"]]
    # The planted cell replaces the answer cell: same function (same docstring), or 6.12's cell around it.
    assert answer.answer_source.split("### BEGIN SOLUTION")[0].rstrip() in mistake["source"]
    if mistake["exercise"] != "6.12":
        assert DEF_NAME.findall(mistake["source"]) == [answer.argument.split(",")[0]]
    message = mistake_message(NOTEBOOK, mistake, **(names_6_12 if mistake["exercise"] == "6.12" else {}))
    assert_teaching_message(message, mistake["exercise"])


# ============================================================================ odd returns (every exercise)
@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    if exercise == "6.10":
        sgd = ref("6.10")

        def wrap(value):
            def student(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
                sgd(net, X, Y, lr, epochs, batch_size, lam=lam, seed=seed, callback=callback)
                return value
            return student
        assert_odd_returns_rejected(check(exercise), exercise, wrap=wrap)
    else:
        assert_odd_returns_rejected(check(exercise), exercise)


def test_odd_pairs_and_lists_get_a_message():
    for value in [(np.zeros((3, 3)),), [np.zeros(2)] * 3, ("dW", "dA")]:
        rejected("6.6", lambda *a, v=value: v)
    for value in [(np.zeros((3, 3)), np.zeros(3)), [np.zeros(2)] * 4, {"dW1": 1}, "dW", 0.0]:
        rejected("6.7", lambda *a, v=value: v)
    for value in [(0.1, 0.2, 0.3), [0.1], np.zeros(2), (np.zeros((1, 1)), [np.zeros((8, 6))] * 3)]:
        rejected("6.9", lambda *a, v=value: v)


@pytest.mark.parametrize("label", list(ODD_RETURNS))
def test_odd_settings_and_networks_of_6_12_get_a_message(label, trained):
    value = ODD_RETURNS[label]
    for name in ("net", "lr", "epochs", "batch_size", "lam"):
        args = {**trained, name: value}
        rejected("6.12", None, call=lambda _, a=args: checks.exercise_6_12(**a))


# ============================================================================ 6.2 softmax Jacobian
def _stable(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_6_2_other_correct_answers_pass():
    def loops(z):
        p = _stable(z)
        K = z.size
        J = np.zeros((K, K))
        for i in range(K):
            for j in range(K):
                J[i, j] = p[i] * ((1.0 if i == j else 0.0) - p[j])
        return J

    def broadcast(z):
        p = tl.softmax(z[:, None])[:, 0]
        return p[:, None] * (np.eye(z.size) - p[None, :])

    def einsum(z):
        p = _stable(z)
        return np.einsum("i,ij->ij", p, np.eye(z.size)) - np.einsum("i,j->ij", p, p)

    def products(z):
        p = tl.softmax(z.reshape(-1, 1))
        return np.diagflat(p) - p @ p.T

    def log_softmax(z):
        log_p = z - z.max() - np.log(np.exp(z - z.max()).sum())
        p = np.exp(log_p)
        return np.diag(p) - np.outer(p, p)

    def with_shuffle(z):  # rng.shuffle(order) equals rng.permutation(n): not relevant here; plain copy
        return np.array(np.diag(_stable(z)) - np.outer(_stable(z), _stable(z)))

    for fn in (ref("6.2"), loops, broadcast, einsum, products, log_softmax, with_shuffle):
        passes("6.2", fn)
        with grading():
            passes("6.2", fn)


def test_6_2_shortcuts_and_numerical_jacobians_are_refused():
    from tutorial_lib.activations import softmax_jacobian as sj
    from tutorial_lib.gradcheck import numerical_jacobian

    rejected("6.2", lambda z: tl.softmax_jacobian(z), "write the maths yourself", "tl.softmax_jacobian")
    rejected("6.2", lambda z: sj(z).copy(), "write the maths yourself")
    rejected("6.2", lambda z: numerical_jacobian(lambda v: tl.softmax(v[:, None])[:, 0], z),
             "write the maths yourself")

    def central_differences(z, eps=1e-6):
        K = z.size
        J = np.zeros((K, K))
        for j in range(K):
            step = np.zeros(K)
            step[j] = eps
            J[:, j] = (_stable(z + step) - _stable(z - step)) / (2 * eps)
        return J

    rejected("6.2", central_differences, "finite differences")
    rejected("6.2", lambda z: central_differences(z, 1e-4), "finite differences")


def test_6_2_wrong_answers_are_rejected():
    def jac(build, softmax=_stable):
        return lambda z: build(softmax(z), z)

    naive = lambda z: np.exp(z) / np.exp(z).sum()  # noqa: E731
    wrong = {
        "diag(p) only": (jac(lambda p, z: np.diag(p)), "only the diagonal matrix"),
        "sign flipped": (jac(lambda p, z: np.outer(p, p) - np.diag(p)), "wrong sign"),
        "diagonal entries only": (jac(lambda p, z: np.diag(p * (1 - p))), "only the diagonal entries"),
        "outer only": (jac(lambda p, z: -np.outer(p, p)), "diagonal entries also get"),
        "dot product": (jac(lambda p, z: np.diag(p) - p @ p), "dot product"),
        "(1 - p_j) off the diagonal": (jac(lambda p, z: np.diag(p) - np.outer(p, 1 - p)), "not -p_i (1 - p_j)"),
        "logits for probabilities": (jac(lambda p, z: np.diag(z) - np.outer(z, z)), "logits z"),
        "K times the outer product": (jac(lambda p, z: np.diag(p) - z.size * np.outer(p, p)), "K times"),
        "no max shift": (jac(lambda p, z: np.diag(p) - np.outer(p, p), naive), "overflowed"),
        "softmax of a row": (lambda z: np.diag(tl.softmax(z.reshape(1, -1))[0]) - 1.0, ""),
        "p instead of J": (jac(lambda p, z: p), "shape"),
        "one row too many": (jac(lambda p, z: np.vstack([np.diag(p) - np.outer(p, p), p])), "shape"),
        "half": (jac(lambda p, z: (np.diag(p) - np.outer(p, p)) / 2), ""),
        "identity": (lambda z: np.eye(z.size), ""),
        "float32": (jac(lambda p, z: (np.diag(p) - np.outer(p, p)).astype(np.float32)), "float32"),
        "rounded": (jac(lambda p, z: np.round(np.diag(p) - np.outer(p, p), 4)), ""),
        "softmax over 1-D z with tl": (lambda z: tl.softmax(z), "raised"),
        "nested list": (jac(lambda p, z: (np.diag(p) - np.outer(p, p)).tolist()[:-1]), ""),
    }
    reject_all("6.2", wrong)


def test_6_2_large_logits_catch_a_missing_max_shift():
    naive = define(next(m["source"] for m in nb06.PLANTED_MISTAKES if "max shift" in m["kind"]))
    message = rejected("6.2", naive, "near +1000", "subtract the largest one")
    assert "expected: finite numbers everywhere" in message


def _shifted(shift):
    """A softmax that subtracts ``shift(z)`` (instead of the largest logit) before exponentiating."""
    def softmax(z):
        e = np.exp(z - shift(z))
        return e / e.sum()
    return softmax


def _jacobian_from(softmax):
    return lambda z: np.diag(softmax(z)) - np.outer(softmax(z), softmax(z))


SHIFTS = {
    "by z[0] (red team)": lambda z: z[0],
    "by the mean (red team)": lambda z: z.mean(),
    "by the last logit": lambda z: z[-1],
    "by the smallest logit": lambda z: z.min(),
    "by the median": lambda z: np.median(z),
    "by the mean of the two first logits": lambda z: (z[0] + z[1]) / 2,
}


@pytest.mark.parametrize("shift", sorted(SHIFTS))
def test_6_2_a_softmax_shifted_by_anything_but_the_max_is_named_on_mixed_logits(shift):
    """The large-logit cases add one offset to a small spread, which any shift survives; samples that mix logits
    near +1000, 0 and -1000 (one with the first logit far below the others) overflow every shift but the max's."""
    answer = _jacobian_from(_shifted(SHIFTS[shift]))
    message = rejected("6.2", answer, "has nan or inf entries", "expected: finite numbers everywhere",
                       "only the LARGEST logit", "1000")
    assert "logits z = [" in message.split("\n")[0], message       # the sample that overflowed is shown
    with grading():
        rejected("6.2", answer, "has nan or inf entries")


def test_6_2_a_max_shifted_softmax_passes_the_mixed_logits_exactly():
    for softmax in (_stable, scipy.special.softmax, lambda z: tl.softmax(z[:, None])[:, 0],
                    _shifted(lambda z: np.max(z))):
        passes("6.2", _jacobian_from(softmax))
        with grading():
            passes("6.2", _jacobian_from(softmax))


def test_6_2_the_mixed_logits_overflow_a_shift_by_z0_and_by_the_mean():
    mixed = [z for z, _, kind in nb06._logit_cases() if kind == "mixed"]
    assert len(mixed) == 2 and mixed[1][0] < -900                      # the second: its first logit far below
    for z in mixed:
        with np.errstate(all="ignore"):
            assert not np.isfinite(_shifted(lambda v: v[0])(z)).all()
            assert not np.isfinite(_shifted(lambda v: v.mean())(z)).all()
        assert np.isfinite(_stable(z)).all() and 0.01 < _stable(z).max() < 0.99     # p is not one-hot
    with grading():
        assert len([z for z, _, kind in nb06._logit_cases() if kind == "mixed"]) == 4


def test_6_2_an_answer_tuned_to_the_public_mixed_logits_fails_in_grading():
    public = [z.tobytes() for z, _, kind in nb06._logit_cases() if kind == "mixed"]
    careless = _shifted(lambda z: z.max() if z.tobytes() in public or z.max() - z.min() < 100 else z[0])
    passes("6.2", _jacobian_from(careless))
    with grading():
        rejected("6.2", _jacobian_from(careless), "has nan or inf entries")


def test_6_2_answers_tuned_to_the_public_logits_fail_in_grading():
    assert_public_only("6.2", ref("6.2"), key=lambda z: z.tobytes())


# ============================================================================ 6.4 output error
def test_6_4_other_correct_answers_pass():
    def loop(Y_hat, Y):
        n = Y.shape[1]
        out = np.empty_like(Y_hat)
        for i in range(n):
            out[:, i] = (Y_hat[:, i] - Y[:, i]) / n
        return out

    for fn in (ref("6.4"), loop, lambda Y_hat, Y: np.subtract(Y_hat, Y) / Y_hat.shape[1],
               lambda Y_hat, Y: (Y_hat - Y) * (1.0 / Y.shape[1]), lambda Y_hat, Y: Y_hat / Y.shape[1] - Y / Y.shape[1],
               lambda Y_hat, Y: np.mean(np.stack([Y_hat - Y]), axis=0) / Y.shape[1]):
        passes("6.4", fn)
        with grading():
            passes("6.4", fn)


def test_6_4_shortcuts_and_numerical_gradients_are_refused():
    rejected("6.4", lambda Y_hat, Y: np.column_stack(
        [tl.softmax_jacobian(np.log(Y_hat[:, i])).T @ tl.softmax_ce_grad(Y_hat, Y)[:, i] for i in range(Y.shape[1])]),
        "write the maths yourself")
    rejected("6.4", lambda Y_hat, Y: Y_hat * (tl.softmax_ce_grad(Y_hat, Y) - (Y_hat * tl.softmax_ce_grad(
        Y_hat, Y)).sum(axis=0)), "write the maths yourself", "tl.softmax_ce_grad")

    def library_numeric(Y_hat, Y):
        F = np.log(Y_hat)
        return tl.numerical_gradient(lambda: tl.softmax_ce_loss(tl.softmax(F), Y), F)

    rejected("6.4", library_numeric, "write the maths yourself")

    def hand_numeric(Y_hat, Y, eps=1e-6):
        F = np.log(Y_hat)
        n = Y.shape[1]

        def loss(G):
            G = G - G.max(axis=0)
            return -(Y * (G - np.log(np.exp(G).sum(axis=0)))).sum() / n

        grad = np.zeros_like(F)
        for idx in np.ndindex(F.shape):
            step = np.zeros_like(F)
            step[idx] = eps
            grad[idx] = (loss(F + step) - loss(F - step)) / (2 * eps)
        return grad

    rejected("6.4", hand_numeric, "finite differences")


def test_6_4_wrong_answers_are_rejected():
    def long_way(Y_hat, Y):
        n = Y.shape[1]
        cols = []
        for i in range(n):
            p, y = Y_hat[:, i], Y[:, i]
            cols.append((np.diag(p) - np.outer(p, p)).T @ (-y / p))
        return np.column_stack(cols) / n

    def in_place(Y_hat, Y):
        Y_hat -= Y
        return Y_hat / Y.shape[1]

    wrong = {
        "missing 1/n": (lambda Y_hat, Y: Y_hat - Y, "12 times too large"),
        "dE/dY_hat": (lambda Y_hat, Y: -Y / Y_hat / Y.shape[1], "dE/dY_hat"),
        "divided by K n": (lambda Y_hat, Y: (Y_hat - Y) / Y.size, "K times n"),
        "divided by K": (lambda Y_hat, Y: (Y_hat - Y) / Y.shape[0], "number of classes"),
        "sign": (lambda Y_hat, Y: (Y - Y_hat) / Y.shape[1], "wrong sign"),
        "n squared": (lambda Y_hat, Y: (Y_hat - Y) / Y.shape[1] ** 2, "divided by n twice"),
        "diagonal factor": (lambda Y_hat, Y: Y_hat * (1 - Y_hat) * (Y_hat - Y) / Y.shape[1], "extra factor"),
        "only Y_hat divided": (lambda Y_hat, Y: Y_hat / Y.shape[1] - Y, "only Y_hat was divided"),
        "only Y divided": (lambda Y_hat, Y: Y_hat - Y / Y.shape[1], "only Y was divided"),
        "mean over samples": (lambda Y_hat, Y: (Y_hat - Y).mean(axis=1, keepdims=True), "one column instead"),
        "transposed": (lambda Y_hat, Y: ((Y_hat - Y) / Y.shape[1]).T, "transposed"),
        "long way through -y/p": (long_way, "no division by p"),
        "in place": (in_place, "in place"),
        "times Y_hat": (lambda Y_hat, Y: Y_hat * (Y_hat - Y) / Y.shape[1], ""),
        "loss value": (lambda Y_hat, Y: float(-(Y * np.log(Y_hat + 1e-300)).sum() / Y.shape[1]), "shape"),
        "1-D": (lambda Y_hat, Y: ((Y_hat - Y) / Y.shape[1]).ravel(), "lost a dimension"),
        "list of columns": (lambda Y_hat, Y: list((Y_hat - Y).T / Y.shape[1]), ""),
    }
    reject_all("6.4", wrong)


def test_6_4_answers_tuned_to_the_public_inputs_fail_in_grading():
    assert_public_only("6.4", ref("6.4"), key=lambda Y_hat, Y: Y_hat.tobytes())


# ============================================================================ 6.6 one layer
def test_6_6_other_correct_answers_pass():
    def with_ones(dF, A_prev, W):
        ones = np.ones((1, A_prev.shape[1]))
        return np.vstack([ones, A_prev]) @ dF.T, (dF.T @ W[1:].T).T

    def loops(dF, A_prev, W):
        dW = np.zeros_like(W)
        dA = np.zeros_like(A_prev)
        for i in range(dF.shape[1]):
            x = np.concatenate([[1.0], A_prev[:, i]])
            dW += np.outer(x, dF[:, i])
            dA[:, i] = W[1:] @ dF[:, i]
        return dW, dA

    def einsum(dF, A_prev, W):
        dW = np.empty_like(W)
        dW[0] = dF.sum(axis=1)
        dW[1:] = np.einsum("ri,ji->rj", A_prev, dF)
        return [dW, np.einsum("rj,ji->ri", W[1:], dF)]

    for fn in (ref("6.6"), with_ones, loops, einsum, lambda dF, A, W: (tl.add_bias_row(A) @ dF.T, W[1:] @ dF)):
        passes("6.6", fn)
        with grading():
            passes("6.6", fn)


def test_6_6_shortcuts_and_numerical_gradients_are_refused():
    def library_backward(dF, A_prev, W):
        net = tl.MLP([np.vstack([np.zeros((1, A_prev.shape[0])), np.eye(A_prev.shape[0])]), W],
                     ["identity", "identity"], hidden_bias=True)
        net.forward(tl.add_bias_row(A_prev))
        net.backward(np.zeros((W.shape[1], A_prev.shape[1])), loss="mse")
        return net.grad_W[1], W[1:] @ dF

    rejected("6.6", library_backward, "write the maths yourself", "MLP.backward")

    def surrogate(dF, A_prev, W, numeric):
        X = tl.add_bias_row(A_prev)
        V = W.copy()

        def E():
            return float((dF * (V.T @ X)).sum())

        return numeric(E, V), W[1:] @ dF

    rejected("6.6", lambda dF, A, W: surrogate(dF, A, W, tl.numerical_gradient), "write the maths yourself")

    def hand(E, V, eps=1e-6):
        g = np.zeros_like(V)
        for idx in np.ndindex(V.shape):
            old = V[idx]
            V[idx] = old + eps
            up = E()
            V[idx] = old - eps
            down = E()
            V[idx] = old
            g[idx] = (up - down) / (2 * eps)
        return g

    rejected("6.6", lambda dF, A, W: surrogate(dF, A, W, hand), "finite differences")


def test_6_6_wrong_answers_are_rejected():
    def pair(dW, dA):
        return lambda dF, A, W: (dW(dF, A, W), dA(dF, A, W))

    good_dW = lambda dF, A, W: np.vstack([dF.sum(axis=1), A @ dF.T])  # noqa: E731
    good_dA = lambda dF, A, W: W[1:] @ dF  # noqa: E731

    def in_place(dF, A_prev, W):
        dF *= 2.0
        return np.vstack([dF.sum(axis=1), A_prev @ dF.T]) / 2, W[1:] @ dF / 2

    wrong = {
        "transposed": (pair(lambda dF, A, W: np.hstack([dF.sum(axis=1, keepdims=True), dF @ A.T]), good_dA),
                       "transposed"),
        "bias row missing": (pair(lambda dF, A, W: A @ dF.T, good_dA), "one row too few"),
        "bias as a mean": (pair(lambda dF, A, W: np.vstack([dF.mean(axis=1), A @ dF.T]), good_dA), "plain sum"),
        "bias at the bottom": (pair(lambda dF, A, W: np.vstack([A @ dF.T, dF.sum(axis=1)]), good_dA), "row 0"),
        "bias zero": (pair(lambda dF, A, W: np.vstack([0 * dF.sum(axis=1), A @ dF.T]), good_dA), "gradient too"),
        "bias ones": (pair(lambda dF, A, W: np.vstack([np.ones(dF.shape[0]), A @ dF.T]), good_dA), "holds ones"),
        "body divided by n": (pair(lambda dF, A, W: np.vstack([dF.sum(axis=1), A @ dF.T / A.shape[1]]), good_dA),
                              "divided by n once more"),
        "body times n": (pair(lambda dF, A, W: np.vstack([dF.sum(axis=1), A @ dF.T * A.shape[1]]), good_dA),
                         "extra n"),
        "slope of the inputs": (pair(lambda dF, A, W: np.vstack([dF.sum(axis=1), (A * (1 - A)) @ dF.T]), good_dA),
                                "slope"),
        "missing 1/n everywhere": (pair(lambda dF, A, W: good_dW(dF, A, W) * A.shape[1], good_dA), "too large"),
        "whole dW divided by n": (pair(lambda dF, A, W: good_dW(dF, A, W) / A.shape[1], good_dA), "divided by n"),
        "sign": (pair(lambda dF, A, W: -good_dW(dF, A, W), good_dA), "wrong sign"),
        "extra ones row": (pair(lambda dF, A, W: np.vstack([dF.sum(axis=1), tl.add_bias_row(A) @ dF.T]), good_dA),
                           "one row too many"),
        "bias row sent back": (pair(good_dW, lambda dF, A, W: W @ dF), "leave out row 0"),
        "sigmoid slope too early": (pair(good_dW, lambda dF, A, W: (W[1:] @ dF) * A * (1 - A)), "slope"),
        "last row dropped": (pair(good_dW, lambda dF, A, W: W[:-1] @ dF), "last row"),
        "dA divided by n": (pair(good_dW, lambda dF, A, W: W[1:] @ dF / A.shape[1]), "divided by n"),
        "dA transposed": (pair(good_dW, lambda dF, A, W: (W[1:] @ dF).T), "transposed"),
        "dA with W transposed": (pair(good_dW, lambda dF, A, W: W[1:].T @ dF), "raised ValueError"),
        "pair swapped": (lambda dF, A, W: (good_dA(dF, A, W), good_dW(dF, A, W)), "wrong order"),
        "only dW": (lambda dF, A, W: good_dW(dF, A, W), "returned one array"),
        "bias summed over the wrong axis": (pair(lambda dF, A, W: np.vstack([dF.sum(axis=0), A @ dF.T]), good_dA),
                                           "raised ValueError"),
        "in place": (in_place, "in place"),
    }
    reject_all("6.6", wrong)


def test_6_6_answers_tuned_to_the_public_inputs_fail_in_grading():
    assert_public_only("6.6", ref("6.6"), key=lambda dF, A, W: dF.tobytes())


# ============================================================================ 6.7 the whole backward pass
def _forward(weights, X, softmax=tl.softmax):
    W1, W2, W3 = weights
    a1 = tl.sigmoid(W1.T @ X)
    a2 = tl.sigmoid(W2[1:].T @ a1 + W2[:1].T)
    return a1, a2, softmax(W3[1:].T @ a2 + W3[:1].T)


def test_6_7_other_correct_answers_pass():
    layer = ref("6.6")
    delta = ref("6.4")

    def with_helpers(weights, X, Y):
        W1, W2, W3 = weights
        a1, a2, Y_hat = _forward(weights, X)
        d3 = delta(Y_hat, Y)
        dW3, dA2 = layer(d3, a2, W3)
        d2 = dA2 * a2 * (1 - a2)
        dW2, dA1 = layer(d2, a1, W2)
        d1 = dA1 * a1 * (1 - a1)
        dW1, _ = layer(d1, X[1:], W1)
        return dW1, dW2, dW3

    def explicit_ones(weights, X, Y):
        W1, W2, W3 = weights
        n = X.shape[1]
        a1 = tl.sigmoid(W1.T @ X)
        h1 = tl.add_bias_row(a1)
        a2 = tl.sigmoid(W2.T @ h1)
        h2 = tl.add_bias_row(a2)
        F3 = W3.T @ h2
        F3 = F3 - F3.max(axis=0)
        Y_hat = np.exp(F3) / np.exp(F3).sum(axis=0)
        d3 = (Y_hat - Y) / n
        d2 = (W3 @ d3)[1:] * tl.sigmoid_grad(W2.T @ h1)
        d1 = (W2 @ d2)[1:] * tl.sigmoid_grad(W1.T @ X)
        return [X @ d1.T, h1 @ d2.T, h2 @ d3.T]

    def per_sample(weights, X, Y):
        W1, W2, W3 = weights
        grads = [np.zeros_like(W) for W in weights]
        n = X.shape[1]
        for i in range(n):
            x = X[:, i:i + 1]
            a1, a2, p = _forward(weights, x)
            d3 = (p - Y[:, i:i + 1]) / n
            d2 = (W3[1:] @ d3) * a2 * (1 - a2)
            d1 = (W2[1:] @ d2) * a1 * (1 - a1)
            grads[2] += np.vstack([np.ones((1, 1)), a2]) @ d3.T
            grads[1] += np.vstack([np.ones((1, 1)), a1]) @ d2.T
            grads[0] += x @ d1.T
        return grads

    for fn in (ref("6.7"), with_helpers, explicit_ones, per_sample):
        passes("6.7", fn)
        with grading():
            passes("6.7", fn)


def _variant(slope=lambda a, f: a * (1 - a), bias_mean=False, each_n=False, forward_bias=True, axis=0,
             softmax=None, inv_n=True, order=(0, 1, 2), extra_ones=False):
    def student(weights, X, Y):
        W1, W2, W3 = weights
        n = X.shape[1]
        f1 = W1.T @ X
        a1 = tl.sigmoid(f1)
        f2 = W2[1:].T @ a1 + (W2[:1].T if forward_bias else 0)
        a2 = tl.sigmoid(f2)
        f3 = W3[1:].T @ a2 + (W3[:1].T if forward_bias else 0)
        if softmax is not None:
            Y_hat = softmax(f3)
        else:
            e = np.exp(f3 - f3.max(axis=axis, keepdims=True))
            Y_hat = e / e.sum(axis=axis, keepdims=True)
        d3 = (Y_hat - Y) / (n if inv_n else 1)
        bias = (lambda d: d.mean(axis=1)) if bias_mean else (lambda d: d.sum(axis=1))
        dW3 = np.vstack([bias(d3), a2 @ d3.T])
        d2 = (W3[1:] @ d3) * slope(a2, f2) / (n if each_n else 1)
        dW2 = np.vstack([bias(d2), a1 @ d2.T])
        d1 = (W2[1:] @ d2) * slope(a1, f1) / (n if each_n else 1)
        dW1 = (tl.add_bias_row(X) if extra_ones else X) @ d1.T
        grads = [dW1, dW2, dW3]
        return [grads[i] for i in order]
    return student


def test_6_7_shortcuts_and_numerical_gradients_are_refused():
    def library(weights, X, Y):
        net = tl.MLP(weights, ["sigmoid", "sigmoid", "softmax"], hidden_bias=True)
        net.forward(X)
        return net.backward(Y, loss="softmax_ce")

    rejected("6.7", library, "write the maths yourself", "MLP.backward")

    def library_numeric(weights, X, Y):
        net = tl.MLP(weights, ["sigmoid", "sigmoid", "softmax"], hidden_bias=True)
        return [tl.numerical_gradient(lambda: net.loss(X, Y, loss="softmax_ce"), W) for W in net.weights]

    rejected("6.7", library_numeric, "write the maths yourself")

    def check_gradients(weights, X, Y):
        net = tl.MLP(weights, ["sigmoid", "sigmoid", "softmax"], hidden_bias=True)
        tl.check_gradients(net, X, Y, loss="softmax_ce")
        return [np.zeros_like(W) for W in weights]

    rejected("6.7", check_gradients, "write the maths yourself")

    def hand_numeric(weights, X, Y, eps=1e-6):
        def loss():
            _, _, Y_hat = _forward(weights, X)
            return -(Y * np.log(Y_hat)).sum() / X.shape[1]

        grads = []
        for W in weights:
            g = np.zeros_like(W)
            for idx in np.ndindex(W.shape):
                old = W[idx]
                W[idx] = old + eps
                up = loss()
                W[idx] = old - eps
                down = loss()
                W[idx] = old
                g[idx] = (up - down) / (2 * eps)
            grads.append(g)
        return grads

    rejected("6.7", hand_numeric, "finite differences")


def test_6_7_wrong_answers_are_rejected():
    def modifies_weights(weights, X, Y):
        grads = ref("6.7")(weights, X, Y)
        weights[0] -= 0.1 * grads[0]
        return grads

    def naive_softmax(F):
        return np.exp(F) / np.exp(F).sum(axis=0)

    def bias_row_sent_down(weights, X, Y):
        W1, W2, W3 = weights
        a1, a2, Y_hat = _forward(weights, X)
        d3 = (Y_hat - Y) / X.shape[1]
        d2 = (W3 @ d3) * a2 * (1 - a2)
        return [X @ d2.T, d2, d3]

    wrong = {
        "no sigmoid slope": (_variant(slope=lambda a, f: 1.0), "slope is missing"),
        "slope from f": (_variant(slope=lambda a, f: f * (1 - f)), "pre-activation"),
        "ReLU slope": (_variant(slope=lambda a, f: (f > 0).astype(float)), "ReLU"),
        "tanh slope": (_variant(slope=lambda a, f: 1 - a ** 2), "tanh"),
        "slope applied twice": (_variant(slope=lambda a, f: (a * (1 - a)) ** 2), ""),
        "bias rows as means": (_variant(bias_mean=True), "plain sum"),
        "1/n at every layer": (_variant(each_n=True), "at every layer"),
        "missing 1/n": (_variant(inv_n=False), "times too large"),
        "no biases in the forward pass": (_variant(forward_bias=False), "leaves out the biases"),
        "softmax over the samples": (_variant(axis=1), "normalises each row"),
        "softmax without the max shift": (_variant(softmax=naive_softmax), "logits near 800"),
        "reverse order": (_variant(order=(2, 1, 0)), "reverse order"),
        "extra ones row for layer 1": (_variant(extra_ones=True), "one row too many"),
        "only two gradients": (lambda w, X, Y: ref("6.7")(w, X, Y)[1:], "returned 2 item"),
        "sign": (lambda w, X, Y: [-g for g in ref("6.7")(w, X, Y)], "wrong sign"),
        "transposed dW3": (lambda w, X, Y: ref("6.7")(w, X, Y)[:2] + [ref("6.7")(w, X, Y)[2].T], "transposed"),
        "weights changed in place": (modifies_weights, "changed W[1]"),
        "bias row kept in the product going down": (bias_row_sent_down, "raised ValueError"),
        "W2 with its bias row in the forward pass": (
            lambda w, X, Y: [w[1].T @ tl.sigmoid(w[0].T @ X)] * 3, "raised ValueError"),
        "one array": (lambda w, X, Y: ref("6.7")(w, X, Y)[0], "one array"),
    }
    reject_all("6.7", wrong)


def test_6_7_answers_tuned_to_the_public_inputs_fail_in_grading():
    assert_public_only("6.7", ref("6.7"), key=lambda weights, X, Y: X.tobytes())


# ============================================================================ 6.9 L2 penalty
def test_6_9_other_correct_answers_pass():
    def loops(weights, lam):
        total = 0.0
        grads = []
        for W in weights:
            for w in W.ravel():
                total += lam * w * w
            grads.append(2.0 * lam * W)
        return total, grads

    for fn in (ref("6.9"), loops,
               lambda ws, lam: (lam * sum(np.linalg.norm(W) ** 2 for W in ws), [lam * 2 * W for W in ws]),
               lambda ws, lam: (float(lam * sum(np.sum(W * W) for W in ws)), tuple(2 * lam * W for W in ws)),
               lambda ws, lam: (lam * sum(np.einsum("ij,ij->", W, W) for W in ws), [W * (2 * lam) for W in ws])):
        passes("6.9", fn)
        with grading():
            passes("6.9", fn)


def test_6_9_shortcuts_are_refused():
    def through_the_library(weights, lam):
        net = tl.MLP(weights, ["sigmoid", "sigmoid", "softmax"], hidden_bias=True)
        X = tl.add_bias_row(np.zeros((weights[0].shape[0] - 1, 2)))
        Y = np.zeros((weights[-1].shape[1], 2))
        Y[0] = 1.0
        penalty = net.loss(X, Y, loss="softmax_ce", l2=lam) - net.loss(X, Y, loss="softmax_ce")
        return penalty, [2 * lam * W for W in weights]

    rejected("6.9", through_the_library, "write the maths yourself", "MLP.loss")

    def numeric(weights, lam):
        penalty = lam * sum(float((W ** 2).sum()) for W in weights)
        copies = [W.copy() for W in weights]
        grads = [tl.numerical_gradient(lambda: lam * sum(float((V ** 2).sum()) for V in copies), V) for V in copies]
        return penalty, grads

    rejected("6.9", numeric, "write the maths yourself")


def test_6_9_wrong_answers_are_rejected():
    sq = lambda ws: sum(float((W ** 2).sum()) for W in ws)  # noqa: E731
    good = lambda ws, lam: [2 * lam * W for W in ws]  # noqa: E731

    def no_bias_grads(ws, lam):
        out = []
        for W in ws:
            g = 2 * lam * W
            g[0] = 0.0
            out.append(g)
        return out

    def shrinks(ws, lam):
        for W in ws:
            W *= 1.0 - 2 * lam
        return lam * sq(ws), good(ws, lam)

    wrong = {
        "biases left out": (lambda ws, lam: (lam * sum(float((W[1:] ** 2).sum()) for W in ws), good(ws, lam)),
                            "left out the bias rows"),
        "half": (lambda ws, lam: (lam / 2 * sq(ws), good(ws, lam)), "half"),
        "no lam": (lambda ws, lam: (sq(ws), good(ws, lam)), "lam is missing"),
        "norm not squared": (lambda ws, lam: (lam * sum(np.linalg.norm(W) for W in ws), good(ws, lam)), "not squared"),
        "one root": (lambda ws, lam: (lam * np.sqrt(sq(ws)), good(ws, lam)), "square root"),
        "L1": (lambda ws, lam: (lam * sum(float(np.abs(W).sum()) for W in ws), good(ws, lam)), "L1"),
        "mean of squares": (lambda ws, lam: (lam * sum(float((W ** 2).mean()) for W in ws), good(ws, lam)),
                            "averaged"),
        "last layer only": (lambda ws, lam: (lam * float((ws[-1] ** 2).sum()), good(ws, lam)), "last layer"),
        "factor 2 in the penalty": (lambda ws, lam: (2 * lam * sq(ws), good(ws, lam)), "twice too large"),
        "penalty as an array": (lambda ws, lam: (np.array([[lam * sq(ws)]]), good(ws, lam)), "single number"),
        "penalty per layer": (lambda ws, lam: ([lam * float((W ** 2).sum()) for W in ws], good(ws, lam)),
                              "single number"),
        "grad missing 2": (lambda ws, lam: (lam * sq(ws), [lam * W for W in ws]), "factor 2 is missing"),
        "grad bias row zero": (lambda ws, lam: (lam * sq(ws), no_bias_grads(ws, lam)), "bias row (row 0)"),
        "grad missing lam": (lambda ws, lam: (lam * sq(ws), [2 * W for W in ws]), "lam is missing"),
        "grad L1": (lambda ws, lam: (lam * sq(ws), [2 * lam * np.sign(W) for W in ws]), "L1"),
        "grad squared": (lambda ws, lam: (lam * sq(ws), [lam * W ** 2 for W in ws]), "not its derivative"),
        "grad sign": (lambda ws, lam: (lam * sq(ws), [-2 * lam * W for W in ws]), "wrong sign"),
        "grad reversed": (lambda ws, lam: (lam * sq(ws), good(ws, lam)[::-1]), "reverse order"),
        "grad one array": (lambda ws, lam: (lam * sq(ws), 2 * lam * ws[0]), "one array per layer"),
        "grad generator": (lambda ws, lam: (lam * sq(ws), (2 * lam * W for W in ws)), "one array per layer"),
        "grad missing a layer": (lambda ws, lam: (lam * sq(ws), good(ws, lam)[:2]), "one per layer"),
        "grad transposed": (lambda ws, lam: (lam * sq(ws), [2 * lam * W.T for W in ws]), "transposed"),
        "shrinks the weights": (shrinks, "in place"),
    }
    reject_all("6.9", wrong)


def test_6_9_answers_tuned_to_the_public_inputs_fail_in_grading():
    assert_public_only("6.9", ref("6.9"), key=lambda ws, lam: (lam, ws[0].tobytes()))


# ============================================================================ 6.10 the SGD loop
def _sgd(order="permutation", stop=lambda n, B: n, update=lambda W, g, lr, B: W.__isub__(lr * g), lam_used=True,
         loss="softmax_ce", history="after", calls="each", seed_used=True):
    """A student's train_sgd, right by default, with one switch changed to make a mistake."""
    def train_sgd(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        cb = callback
        n = X.shape[1]
        rng = np.random.default_rng(seed if seed_used else 0)
        fixed = rng.permutation(n)
        rng = np.random.default_rng(seed if seed_used else 0)
        hist = []
        if history == "with start":
            hist.append(net.loss(X, Y, loss="softmax_ce", l2=lam))
        for epoch in range(epochs):
            if order == "permutation":
                idx_all = rng.permutation(n)
            elif order == "fixed":
                idx_all = fixed
            elif order == "none":
                idx_all = np.arange(n)
            elif order == "global":
                idx_all = np.random.default_rng(12345 + epoch).permutation(n)
            elif order == "choice":
                idx_all = rng.choice(n, n, replace=True)
            elif order == "new rng each epoch":
                idx_all = np.random.default_rng(seed).permutation(n)
            for start in range(0, stop(n, batch_size), batch_size):
                idx = idx_all[start:start + batch_size]
                net.forward(X[:, idx])
                grads = net.backward(Y[:, idx], loss=loss, l2=lam if lam_used else 0.0)
                for W, g in zip(net.weights, grads):
                    new = update(W, g, lr, idx.size)
                    if new is not None and new is not W:
                        W = new  # rebinding: the network keeps its old array
                if history == "per batch":
                    hist.append(net.loss(X, Y, loss="softmax_ce", l2=lam))
                if calls == "per batch" and cb is not None:
                    cb(epoch + 1, net, net.loss(X, Y, loss="softmax_ce", l2=lam))
            value = (net.loss(X, Y, loss="softmax_ce") if history == "no l2" else
                     net.loss(X[:, idx], Y[:, idx], loss="softmax_ce", l2=lam) if history == "last batch" else
                     net.loss(X, Y, loss="softmax_ce", l2=lam))
            if history in ("after", "no l2", "last batch", "with start"):
                hist.append(value)
            if cb is not None:
                if calls == "each":
                    cb(epoch + 1, net, value)
                elif calls == "from 0":
                    cb(epoch, net, value)
                elif calls == "no net":
                    cb(epoch + 1, value)
                elif calls == "wrong loss":
                    cb(epoch + 1, net, value + 1.0)
                elif calls == "kwargs":
                    cb(epoch=epoch + 1, net=net, loss=value)
        return np.array(hist)
    return train_sgd


def test_6_10_other_correct_answers_pass():
    def with_step(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        n = X.shape[1]
        rng = np.random.default_rng(seed)
        history = []
        for epoch in range(1, epochs + 1):
            order = np.arange(n)
            rng.shuffle(order)  # the same order as rng.permutation(n)
            start = 0
            while start < n:
                idx = order[start:start + batch_size]
                net.forward(X[:, idx])
                net.step(net.backward(Y[:, idx], loss="softmax_ce", l2=lam), lr)
                start += batch_size
            history.append(net.loss(X, Y, loss="softmax_ce", l2=lam))
            if callback:
                callback(epoch, net, history[-1])
        return history

    def rebinding_into_the_list(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        n = X.shape[1]
        rng = np.random.default_rng(seed)
        history = np.zeros(epochs)
        for epoch in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                net.forward(X[:, idx])
                grads = net.backward(Y[:, idx], loss="softmax_ce", l2=lam)
                net.weights = [W - lr * g for W, g in zip(net.weights, grads)]
            history[epoch] = net.loss(X, Y, loss="softmax_ce", l2=lam)
            if callback is not None:
                callback(epoch + 1, net, history[epoch])
        return history

    def own_loss(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        n = X.shape[1]
        rng = np.random.default_rng(seed)
        history = []
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                net.forward(X[:, idx])
                for i, g in enumerate(net.backward(Y[:, idx], loss="softmax_ce", l2=lam)):
                    net.weights[i] -= lr * g
            Y_hat = net.forward(X)
            loss = -np.sum(Y * np.log(Y_hat)) / n + lam * sum(np.sum(W ** 2) for W in net.weights)
            history.append(loss)
            if callback is not None:
                callback(epoch, net, loss)
        return np.array(history)

    for fn in (ref("6.10"), with_step, rebinding_into_the_list, own_loss, _sgd(), _sgd(calls="kwargs")):
        passes("6.10", fn)
        with grading():
            passes("6.10", fn)


def test_6_10_fit_is_refused():
    def fit(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        return net.fit(X, Y, lr=lr, epochs=epochs, loss="softmax_ce", batch_size=batch_size, seed=seed, l2=lam,
                       callback=callback)

    rejected("6.10", fit, "write the maths yourself", "MLP.fit")


def test_6_10_wrong_answers_are_rejected():
    def rebind(W, g, lr, B):
        return W - lr * g

    wrong = {
        "no shuffling": (_sgd(order="none"), "not shuffled"),
        "one order for all epochs": (_sgd(order="fixed"), "same order"),
        "a new generator every epoch": (_sgd(order="new rng each epoch"), "same order"),
        "another generator": (_sgd(order="global"), "differ from the library"),
        "sampling with replacement": (_sgd(order="choice"), "differ from the library"),
        "seed ignored": (_sgd(seed_used=False), "differ from the library"),
        "last batch dropped": (_sgd(stop=lambda n, B: n - n % B if n % B else n), "last, shorter batch"),
        "gradient ascent": (_sgd(update=lambda W, g, lr, B: W.__iadd__(lr * g)), "uphill"),
        "no learning rate": (_sgd(update=lambda W, g, lr, B: W.__isub__(g)), "learning rate is missing"),
        "divided by the batch size again": (_sgd(update=lambda W, g, lr, B: W.__isub__(lr * g / B)), "batch size once"),
        "no L2 in backward": (_sgd(lam_used=False), "lam is missing"),
        "binary cross-entropy": (_sgd(loss="bce"), "binary cross-entropy"),
        "rebinding a loop variable": (_sgd(update=rebind), "did not change"),
        "history with the starting loss": (_sgd(history="with start"), "entries for"),
        "history per batch": (_sgd(history="per batch", calls="each"), "one per batch"),
        "history without L2": (_sgd(history="no l2"), "leaves out the L2 term"),
        "history of the last batch": (_sgd(history="last batch"), "last batch"),
        "callback never called": (_sgd(calls="never"), "never called"),
        "callback from 0": (_sgd(calls="from 0"), "from 0"),
        "callback per batch": (_sgd(calls="per batch"), "called"),
        "callback without the net": (_sgd(calls="no net"), "arguments"),
        "callback with another loss": (_sgd(calls="wrong loss"), "other losses"),
    }
    reject_all("6.10", wrong)

    def returns_nothing(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        ref("6.10")(net, X, Y, lr, epochs, batch_size, lam=lam, seed=seed, callback=callback)

    rejected("6.10", returns_nothing, "None")

    def other_signature(net, X, Y, lr, epochs, batch_size):
        return ref("6.10")(net, X, Y, lr, epochs, batch_size)

    rejected("6.10", other_signature, "signature")

    def rows_as_batches(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(X.shape[1])
            for start in range(0, X.shape[1], batch_size):
                idx = order[start:start + batch_size]
                net.forward(X[idx])
        return np.zeros(epochs)

    rejected("6.10", rows_as_batches, "raised")

    def keeps_the_labels_of_the_whole_set(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(X.shape[1])
            for start in range(0, X.shape[1], batch_size):
                idx = order[start:start + batch_size]
                net.forward(X[:, idx])
                net.backward(Y, loss="softmax_ce", l2=lam)
        return np.zeros(epochs)

    rejected("6.10", keeps_the_labels_of_the_whole_set, "raised")


def test_6_10_answers_tuned_to_the_public_inputs_fail_in_grading():
    table = {}
    sgd = ref("6.10")

    def recorder(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        history = sgd(net, X, Y, lr, epochs, batch_size, lam=lam, seed=seed, callback=None)
        table[X.tobytes()] = ([W.copy() for W in net.weights], history)
        if callback is not None:
            for e, v in enumerate(history, start=1):
                callback(e, net, v)
        return history

    def replay(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
        weights, history = table.get(X.tobytes(), ([W + 0.01 for W in net.weights], np.zeros(epochs)))
        for W, V in zip(net.weights, weights):
            W[...] = V
        if callback is not None:
            for e, v in enumerate(history, start=1):
                callback(e, net, v)
        return history

    passes("6.10", recorder)
    passes("6.10", replay)
    with grading():
        rejected("6.10", replay)


# ============================================================================ 6.11 accuracy
def test_6_11_other_correct_answers_pass():
    def loop(net, X, labels):
        Y_hat = net.forward(X)
        right = 0
        for i in range(X.shape[1]):
            right += int(np.argmax(Y_hat[:, i]) == labels[i])
        return right / X.shape[1]

    for fn in (ref("6.11"), loop,
               lambda net, X, labels: accuracy_score(labels, net.forward(X).argmax(axis=0)),
               lambda net, X, labels: np.count_nonzero(np.argmax(net.forward(X), axis=0) == labels) / labels.size,
               lambda net, X, labels: (net.forward(X).argmax(0) == labels).mean()):
        passes("6.11", fn)
        with grading():
            passes("6.11", fn)


def test_6_11_predict_is_refused():
    rejected("6.11", lambda net, X, labels: float(np.mean(net.predict(X) == labels)), "write the maths yourself",
             "MLP.predict")


def test_6_11_wrong_answers_are_rejected():
    wrong = {
        "arg max over the wrong axis": (lambda net, X, labels: float(np.mean(net.forward(X).argmax(axis=1) == labels)),
                                        "arg max ran over the wrong axis"),
        "count": (lambda net, X, labels: float(np.sum(net.forward(X).argmax(0) == labels)), "number of correct"),
        "percentage": (lambda net, X, labels: 100 * float(np.mean(net.forward(X).argmax(0) == labels)), "percentage"),
        "error rate": (lambda net, X, labels: float(np.mean(net.forward(X).argmax(0) != labels)), "error rate"),
        "wrong count": (lambda net, X, labels: float(np.sum(net.forward(X).argmax(0) != labels)), "number of wrong"),
        "rounded": (lambda net, X, labels: round(float(np.mean(net.forward(X).argmax(0) == labels)), 2), "rounded"),
        "arg min": (lambda net, X, labels: float(np.mean(net.forward(X).argmin(0) == labels)), "largest probability"),
        "mask": (lambda net, X, labels: net.forward(X).argmax(0) == labels, "single number"),
        "a truth value": (lambda net, X, labels: bool(np.mean(net.forward(X).argmax(0) == labels) > 0.5),
                          "truth value"),
        "(1,) array": (lambda net, X, labels: np.array([np.mean(net.forward(X).argmax(0) == labels)]),
                       "single number"),
        "pairwise comparison": (lambda net, X, labels: float(np.mean(net.forward(X).argmax(0)[:, None] == labels)),
                                "largest probability"),
        "first ten images": (lambda net, X, labels: float(np.mean(net.forward(X[:, :10]).argmax(0) == labels[:10])),
                             ""),
        "largest probability itself": (lambda net, X, labels: float(net.forward(X).max(axis=0).mean()), ""),
        "labels against the pixels": (lambda net, X, labels: float(np.mean(X.argmax(0) == labels)), ""),
        "always one": (lambda net, X, labels: 1.0, ""),
        "a tuple": (lambda net, X, labels: (0.5, 0.5), "single number"),
        "a string": (lambda net, X, labels: f"{np.mean(net.forward(X).argmax(0) == labels):.3f}", "text"),
    }
    reject_all("6.11", wrong)


def test_6_11_answers_tuned_to_the_public_inputs_fail_in_grading():
    assert_public_only("6.11", ref("6.11"), key=lambda net, X, labels: X.tobytes())


# ============================================================================ 6.12 the trained network
def check_6_12(**kwargs):
    return lambda _: checks.exercise_6_12(**kwargs)


def test_6_12_the_solutions_network_passes_and_its_accuracy_is_measured_by_the_check(trained, split):
    passes("6.12", None, call=check_6_12(**trained))
    accuracy = float(np.mean(trained["net"].predict(split["X_test"]) == split["labels_test"]))
    assert accuracy >= nb06.ACCURACY_GOAL


def test_6_12_other_settings_that_reach_the_goal_pass(names_6_12):
    source = EXERCISES["6.12"].answer_source
    region = source[source.index("### BEGIN SOLUTION"):source.index("### END SOLUTION") + len("### END SOLUTION")]
    for settings in ("lr, epochs, batch_size = 2.0, 15, 32", "lr, epochs, batch_size = 1.0, 20, 16"):
        assert run_6_12(source.replace(region, settings), names_6_12) == "Exercise 6.12: passed the public checks.\n"
    # numpy integers and floats are numbers too
    out = run_6_12(source.replace(region, "lr, epochs, batch_size = np.float64(1.5), np.int64(20), np.int32(32)"),
                   names_6_12)
    assert out == "Exercise 6.12: passed the public checks.\n"


def test_6_12_wrong_settings_and_networks_are_rejected(trained, split):
    def fitted(lr=1.5, epochs=20, batch_size=32, lam=1e-5, sizes=(65, 200, 100, 10), seed=0, X=None, Y=None,
               hidden_bias=True):
        acts = ["sigmoid"] * (len(sizes) - 2) + ["softmax"]
        net = tl.MLP.from_sizes(list(sizes), acts, seed=seed, hidden_bias=hidden_bias)
        net.fit(split["X_train"] if X is None else X, split["Y_train"] if Y is None else Y, lr=lr, epochs=epochs,
                loss="softmax_ce", batch_size=batch_size, seed=0, l2=lam)
        return net

    X_all = np.hstack([split["X_train"], split["X_test"]])
    Y_all = np.hstack([split["Y_train"], split["Y_test"]])
    untrained = tl.MLP.from_sizes([65, 200, 100, 10], ["sigmoid", "sigmoid", "softmax"], seed=0, hidden_bias=True)
    cheat = untrained.copy()
    cheat.forward = lambda X: np.eye(10)[:, split["labels_test"]]  # a forward pass that knows the answers
    good = trained

    cases = {
        "learning rate too small": (dict(good, lr=0.5, net=fitted(lr=0.5)), "below the goal"),
        "too few epochs": (dict(good, epochs=5, net=fitted(epochs=5)), "below the goal"),
        "declares fewer epochs than it trained": (dict(good, epochs=10), "below the goal"),
        "declares other settings": (dict(good, lr=2.0, epochs=15), "is not the network"),
        "untrained": (dict(good, net=untrained), "starting weights"),
        "forward pass replaced": (dict(good, net=cheat), "starting weights"),
        "trained on the held-out images too": (dict(good, net=fitted(X=X_all, Y=Y_all)), "is not the network"),
        "another starting seed": (dict(good, net=fitted(seed=1)), "is not the network"),
        "trained twice as long": (dict(good, net=fitted(epochs=40)), "is not the network"),
        "another L2 strength": (dict(good, lam=0.0), "is not the network"),
        "another network": (dict(good, net=fitted(sizes=(65, 100, 10), epochs=5)), "65-200-100-10"),
        "no hidden biases": (dict(good, net=tl.MLP.from_sizes([65, 200, 100, 10], ["sigmoid", "sigmoid", "softmax"],
                                                              seed=0)), "hidden biases"),
        "net as a name": (dict(good, net="net"), "65-200-100-10"),
        "weights only": (dict(good, net=[W for W in good["net"].weights]), "65-200-100-10"),
        "negative rate": (dict(good, lr=-1.5), "out of range"),
        "zero rate": (dict(good, lr=0), "out of range"),
        "rate as text": (dict(good, lr="1.5"), "one number"),
        "epochs as a float": (dict(good, epochs=20.0), "whole number"),
        "epochs as a bool": (dict(good, epochs=True), "one number"),
        "zero epochs": (dict(good, epochs=0), "out of range"),
        "far too many epochs": (dict(good, epochs=100000), "more than this check retrains"),
        "batch size zero": (dict(good, batch_size=0), "out of range"),
        "batch size None": (dict(good, batch_size=None), "one number"),
        "batch size as a float": (dict(good, batch_size=32.5), "whole number"),
        "negative lam": (dict(good, lam=-1e-5), "out of range"),
        "infinite rate": (dict(good, lr=float("inf")), "finite"),
        "diverging rate": (dict(good, lr=1e6, epochs=1), ""),
    }
    for name, (kwargs, needle) in cases.items():
        try:
            rejected("6.12", None, needle, call=check_6_12(**kwargs))
        except AssertionError as exc:
            raise AssertionError(f"wrong answer {name!r} was not rejected as expected") from exc


def test_6_12_ignores_the_names_of_the_notebook_it_runs_in(names_6_12):
    """Changed held-out images or labels in the notebook do not change the check: it loads its own."""
    source = EXERCISES["6.12"].answer_source
    poisoned = {**names_6_12, "X_test": names_6_12["X_test"][:, :5], "labels_test": names_6_12["labels_test"][:5]}
    assert run_6_12(source, poisoned) == "Exercise 6.12: passed the public checks.\n"


# ------------------------------------------------------------------ the notebook's figures and explorer
def test_digit_gallery_tiles_every_image_with_its_title():
    X, _, labels = tl.load_digits_onehot(return_labels=True)
    fig = plotting.digit_gallery(X[:, :11], titles=[f"digit {d}" for d in labels[:11]], ncols=4, title="t")
    ax = fig.axes[0]
    assert len(ax.images) == 1 and len(ax.texts) == 11 and len(ax.patches) == 11
    assert ax.images[0].get_array().shape[1] == 4 * 10  # 4 columns of 8 pixels + 2 of margin
    plt.close(fig)
    with pytest.raises(ValueError, match="64 pixel rows"):
        plotting.digit_gallery(np.ones((10, 3)))
    with pytest.raises(ValueError, match="titles"):
        plotting.digit_gallery(X[:, :3], titles=["a"])


def test_training_monitor_follows_the_students_loop_and_prints_outside_ipython(capsys, split):
    net = tl.MLP.from_sizes([65, 8, 10], ["sigmoid", "softmax"], seed=0, hidden_bias=True)
    X, Y, labels = split["X_train"][:, :300], split["Y_train"][:, :300], split["labels_train"][:300]
    monitor = plotting.TrainingMonitor(4, X, labels, split["X_test"][:, :100], split["labels_test"][:100],
                                       redraw_every=2)
    history = ref("6.10")(net, X, Y, 1.0, 4, 50, lam=1e-5, seed=0, callback=monitor)
    assert monitor.history["epoch"] == [1, 2, 3, 4]
    assert np.allclose(monitor.history["loss"], history)
    assert monitor.history["test_acc"][-1] == pytest.approx(
        float(np.mean(net.predict(split["X_test"][:, :100]) == split["labels_test"][:100])))
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("[")[0].strip() for line in printed] == ["epoch   2/4", "epoch   4/4"]


def test_training_curves_and_probability_view_draw_labelled_axes():
    history = {"epoch": [1, 2, 3], "loss": [2.3, 1.0, 0.5], "train_acc": [0.1, 0.6, 0.9],
               "test_acc": [0.1, 0.5, 0.85]}
    ax_loss, ax_acc = plotting.training_curves(history, epochs=3)
    assert ax_loss.get_ylabel() and ax_acc.get_ylabel() == "accuracy (fraction correct)"
    plt.close("all")
    X, _, labels = tl.load_digits_onehot(return_labels=True)
    fig = widgets.draw_digit_probabilities(X[:, 0], np.full(10, 0.1), int(labels[0]))
    assert fig.axes[1].get_xlabel() == "digit k"
    plt.close(fig)


def test_probability_explorer_switches_to_the_mistakes(trained, split):
    net, X_test, labels_test = trained["net"], split["X_test"], split["labels_test"]
    explorer = widgets.digit_probability_explorer(net, X_test, labels_test)
    which, position = explorer.children[0], explorer.children[1]
    n_wrong = int((net.predict(X_test) != labels_test).sum())
    assert position.max == labels_test.size - 1 and not position.continuous_update
    which.value = "misclassified only"
    assert position.max == n_wrong - 1 and position.value == 0
    plt.close("all")


def test_no_pasteable_code_in_the_fixed_texts_of_the_checker():
    for stages in nb06.HINTS.values():
        for text in stages:
            assert not pasteable_code(text), text


def test_the_student_notebook_shows_no_result_of_the_solutions_run():
    """Only what illustration cells show is there (as markdown below them); none of those cells uses an
    exercise's function or shows a result."""
    from pathlib import Path

    from notebook_answers import SOLUTIONS, solution_notebook
    from tutorial_lib.authoring.build import student_notebook

    student = student_notebook(solution_notebook(NOTEBOOK), Path(SOLUTIONS / f"{NOTEBOOK}.ipynb"))
    names = {DEF_NAME.search(e.answer_source).group(1) for e in EXERCISES.values() if DEF_NAME.search(e.answer_source)}
    assert not any(c.outputs for c in student.cells if c.cell_type == "code")
    by_id = {c.id: c for c in student.cells}
    shown = [c for c in student.cells if c.id.endswith("-shown")]
    assert shown
    for cell in shown:
        code = by_id[cell.id.removesuffix("-shown")]
        assert "illustration" in code.metadata.get("tags", [])
        assert not any(re.search(rf"\b{name}\(", code.source) for name in names), code.source
        assert "accuracy" not in cell.source and "passed" not in cell.source
    assert all(c.execution_count is None for c in student.cells if c.cell_type == "code")


# ============================================================================ the checker's own helpers
def test_6_7_a_call_into_the_checkers_own_backward_is_refused():
    rejected("6.7", lambda weights, X, Y: nb06._backward_variant(weights, X, Y), "write the maths yourself")
