"""Checkers of notebook 10 (debugging backprop).

For every code exercise (10.2 the loss before training, 10.3 the overfitting loop, 10.4 update/weight ratios,
10.5 the blocked fraction, 10.6 a per-layer gradient check, 10.7 to 10.12 the six fixed backward passes): the
notebook's own answer passes and the placeholder is "not attempted"; other correct answers pass; every odd return,
the library's shortcuts, numerical gradients where backprop is asked for, and many wrong answers are rejected with
a teaching message; answers tuned to the public inputs fail under a grading seed; the hints come in code-free
stages.  The reference answers are the answer cells of ``solutions/10_debugging_backprop.ipynb`` itself, run in a
namespace holding only ``np`` and ``tl``.  The notebook's broken functions are tested to be broken as the text
says, the library module ``tutorial_lib.bugs`` and the figures of ``plotting.debugging`` are tested at the end.
"""

import contextlib
import copy
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    PASTEABLE, assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, checker, define, exercises, mistake_message,
    solution_notebook,
)

import tutorial_lib as tl  # noqa: E402
import tutorial_lib.layers  # noqa: E402,F401
from tutorial_lib import bugs, plotting  # noqa: E402
from tutorial_lib.checks import _common, nb10  # noqa: E402

NOTEBOOK = "10_debugging_backprop"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["10.2", "10.3", "10.4", "10.5", "10.6", "10.7", "10.8", "10.9", "10.10", "10.11", "10.12"]
WRITTEN_EXERCISES = ["10.1", "10.13"]
FIX_EXERCISES = ["10.7", "10.8", "10.9", "10.10", "10.11", "10.12"]
BUG_OF = dict(zip(FIX_EXERCISES, "abcdef"))
FUNCTION = {"10.2": "expected_initial_loss", "10.3": "overfit", "10.4": "update_ratios", "10.5": "blocked_fraction",
            "10.6": "layer_errors", **{ex: f"backward_{k}_fixed" for ex, k in BUG_OF.items()}}
DIGITS_FIXES = [ex for ex in FIX_EXERCISES if ex != "10.12"]
WRITE_YOURSELF = "write the maths yourself"


def reference(exercise):
    """The notebook's own answer to ``exercise``, as a function."""
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


def broken(k):
    """The notebook's broken function ``backward_k``, from its cell."""
    cell = next(c for c in solution_notebook(NOTEBOOK).cells if c.id == f"nb10-bug-{k}")
    return define(cell.source, f"backward_{k}")


@contextlib.contextmanager
def grading(seed=20261125):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


def rejected(exercise, fn, *needles):
    """The check of ``exercise`` fails on ``fn`` with a teaching message holding every needle."""
    return assert_rejected(checker(exercise), fn, exercise, *needles)


def rejected_with_student_line(exercise, fn, *needles):
    """As :func:`rejected`, for an exception inside the student's code: the message quotes the student's own
    line (which may hold code), so only the layout is asserted."""
    message = failure_message(checker(exercise), fn)
    assert message.startswith(f"Exercise {exercise}: your function raised "), message
    assert len(message.split("\n")) <= _common.MAX_MESSAGE_LINES and "Traceback" not in message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def passes(exercise, fn):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checker(exercise)(fn)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


# ================================================================================= the notebook and its answers

def test_the_notebook_has_exactly_the_exercises_the_checkers_cover():
    assert list(EXERCISES) == CODE_EXERCISES
    assert sorted(n for n in dir(nb10) if n.startswith("exercise_")) == sorted(
        "exercise_" + e.replace(".", "_") for e in CODE_EXERCISES)
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == FUNCTION
    written = [re.search(r"Exercise (\d+\.\d+) \(written\)", c.source).group(1)
               for c in solution_notebook(NOTEBOOK).cells
               if c.cell_type == "markdown" and "<!-- BEGIN ANSWER -->" in c.source]
    assert written == WRITTEN_EXERCISES


def test_the_answer_cells_are_the_checkers_heads_and_the_fixes():
    for ex in CODE_EXERCISES:
        source = EXERCISES[ex].answer_source
        assert source.startswith(nb10.HEADS[ex] + "    ### BEGIN SOLUTION\n"), ex
    for ex in FIX_EXERCISES:
        assert EXERCISES[ex].answer_source == nb10.HEADS[ex] + "    ### BEGIN SOLUTION\n" + nb10.FIXES[ex] + \
            "    ### END SOLUTION"


def test_the_broken_cells_are_the_checkers_broken_functions_and_differ_from_the_fix_by_one_line():
    cells = {c.id: c.source for c in solution_notebook(NOTEBOOK).cells}
    for ex, k in BUG_OF.items():
        assert cells[f"nb10-bug-{k}"] == nb10.BROKEN[k].rstrip("\n")
        body = nb10.BROKEN[k].split('"""\n', 1)[1].splitlines()
        fixed = nb10.FIXES[ex].splitlines()
        assert len(body) == len(fixed)
        assert sum(a != b for a, b in zip(body, fixed)) == 1, ex


def test_written_exercises_have_model_answers_rubrics_and_each_check_its_after_block():
    cells = solution_notebook(NOTEBOOK).cells
    text = [c.source for c in cells]
    for i, source in enumerate(text):
        if "<!-- BEGIN ANSWER -->" in source:
            assert "Rubric: what a good answer says" in text[i + 1]
        if source.startswith("# NBVAL_CHECK_OUTPUT"):
            assert cells[i - 1].cell_type == "code" and "### BEGIN SOLUTION" in text[i - 1]
        if "(open once your check passes)" in source:
            assert text[i - 1].startswith("# NBVAL_CHECK_OUTPUT"), source[:80]
    for ex in FIX_EXERCISES:
        check_at = next(i for i, s in enumerate(text) if f"checks.exercise_{ex.replace('.', '_')}(" in s)
        assert "What was wrong, and which checks saw it" in text[check_at + 1]
        # Before the check, the bug is shown in collapsed hints only: the explanation comes after it.
        assert "<details><summary>Hint 1: where to look</summary>" in text[check_at - 2]
    check_105 = next(i for i, s in enumerate(text) if "checks.exercise_10_5(" in s)
    assert "Worked derivation (open once your check passes)" in text[check_105 + 1]


def test_illustration_cells_use_no_student_function_and_no_broken_function():
    names = set(FUNCTION.values()) | {f"backward_{k}" for k in "abcdef"}
    tagged = [c for c in solution_notebook(NOTEBOOK).cells if "illustration" in c.metadata.get("tags", [])]
    assert {c.id for c in tagged} == {"nb10-data", "nb10-overfit-run", "nb10-ratio-run", "nb10-hist-run"}
    for cell in tagged:
        assert not any(re.search(rf"(?<![.\w]){name}\b", cell.source) for name in names), cell.id


def test_no_cell_after_a_check_uses_the_students_function():
    cells = solution_notebook(NOTEBOOK).cells
    answers = set(FUNCTION.values())
    for cell in cells:
        if cell.cell_type != "code" or cell.source.startswith("# NBVAL_CHECK_OUTPUT") or "### BEGIN" in cell.source:
            continue
        assert not any(re.search(rf"(?<![.\w]){name}\(", cell.source) for name in answers), cell.id


def test_one_notation_in_hints_and_messages():
    everything = " ".join(s for stages in nb10.HINTS.values() for s in stages)
    everything += " ".join(m["hint"] for m in nb10.PLANTED_MISTAKES + nb10.MORE_MISTAKES)
    everything += " ".join(h for _, h in nb10._DIGITS_MISTAKES + nb10._WINE_MISTAKES)
    everything += " ".join(nb10._INIT_HINTS.values()) + " ".join(nb10._RATIO_HINTS.values())
    assert "δ[3]" in everything and "dE/dW[2]" in everything and "W[l]" in everything
    assert "dF" not in everything and "delta3" not in everything


def test_every_known_hint_and_message_is_code_free():
    texts = [h for _, h in nb10._DIGITS_MISTAKES + nb10._WINE_MISTAKES]
    texts += list(nb10._INIT_HINTS.values()) + list(nb10._RATIO_HINTS.values())
    for text in texts:
        assert not PASTEABLE.search(text), text


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_under_a_grading_seed(exercise):
    with grading():
        passes(exercise, reference(exercise))


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise)
    assert len(nb10.HINTS[exercise]) == 3


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    assert_odd_returns_rejected(checker(exercise), exercise)


# ================================================================================= planted mistakes

def test_planted_mistakes_cover_every_code_exercise_and_the_required_kinds():
    kinds = {(m["exercise"], m["kind"]) for m in nb10.PLANTED_MISTAKES}
    assert {ex for ex, _ in kinds} == set(CODE_EXERCISES)
    joined = " | ".join(k.lower() for _, k in kinds)
    for required in ("1/n", "transpos", "relu mask", "broadcast", "bias row", "`=` where `+=`"):
        assert required in joined


@pytest.mark.parametrize("mistake", nb10.PLANTED_MISTAKES + nb10.MORE_MISTAKES,
                         ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_every_listed_mistake_fails_with_its_hint(mistake):
    answer = EXERCISES[mistake["exercise"]]
    assert mistake["source"] != answer.answer_source
    assert mistake["source"].startswith(answer.answer_source.split("### BEGIN SOLUTION")[0].rstrip(" "))
    message = mistake_message(NOTEBOOK, mistake)
    if message.startswith(f"Exercise {mistake['exercise']}: your function raised "):
        assert len(message.split("\n")) <= _common.MAX_MESSAGE_LINES
    else:
        assert_teaching_message(message, mistake["exercise"])


# ================================================================================= the broken functions

def _screen(k):
    X, Y = tl.load_digits_onehot()
    if k == "f":
        Xw, Yw = tl.load_wine_binary()
        pick = np.random.default_rng(0).choice(Xw.shape[1], size=20, replace=False)
        return bugs.screen(broken("f"), bugs.WINE, Xw[:, pick], Yw[:, pick], lr=1.0)
    return bugs.screen(broken(k), bugs.DIGITS, X[:, :20], Y[:, :20])


@pytest.mark.parametrize("k, wrong_20, wrong_1", [
    ("a", [1, 2, 3], []), ("b", [2], [2]), ("c", [1], [1]), ("d", [1, 2], [1, 2]), ("e", [1], [])])
def test_each_digits_bug_fails_the_gradient_check_in_the_layers_the_text_names(k, wrong_20, wrong_1):
    found = _screen(k)
    assert [l + 1 for l, e in enumerate(found["errors"]) if e > bugs.WRONG] == wrong_20
    assert [l + 1 for l, e in enumerate(found["errors_1"]) if e > bugs.WRONG] == wrong_1
    assert found["shapes"] == [(65, 15), (16, 16), (17, 10)]


def test_the_bugs_show_in_the_numbers_the_hunt_describes():
    a, b, d, e = (_screen(k) for k in "abde")
    assert np.allclose(a["ratios"], 20.0) and np.allclose(a["errors"], 19 / 21)
    assert np.allclose(b["ratios"], 1.0)                                    # a transpose keeps the norm
    assert e["ratios"][0] < 0.2 and e["update"][0] < e["update"][1:].min() / 3
    assert a["losses"][-1] == pytest.approx(np.log(10), abs=1e-6)           # dead network: exactly ln 10
    assert e["losses"][-1] > 0.5
    assert d["losses"][-1] < 0.01 and b["losses"][-1] < 0.05                # they overfit anyway


def test_the_wine_bug_raises_with_many_samples_and_is_right_with_one():
    found = _screen("f")
    assert found["raised"].startswith("ValueError") and found["shapes"] is None
    assert all(e < 1e-8 for e in found["errors_1"])


@pytest.mark.parametrize("ex", FIX_EXERCISES)
def test_the_checkers_model_of_each_bug_is_the_notebooks_broken_function(ex):
    bug = nb10._BUGS[ex]
    fn = broken(BUG_OF[ex])
    for case in bug.cases():
        network, weights, X, Y = bug.make(case)
        if not bug.applies(case, weights):
            continue
        got = fn([W.copy() for W in weights], X, Y)
        model = nb10._variant(network, weights, X, Y, **nb10._with_scale(bug.flags, X.shape[1]))
        for g, m in zip(got, model):
            assert np.allclose(g, m, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("ex", FIX_EXERCISES)
def test_the_unfixed_function_is_named_as_still_broken_or_crashes(ex):
    k = BUG_OF[ex]
    source = nb10.BROKEN[k].replace(f"def backward_{k}(", f"def backward_{k}_fixed(")
    fn = define(source)
    if k == "f":
        rejected_with_student_line(ex, fn, "ValueError")
    else:
        message = rejected(ex, fn, f"still gives the gradients of backward_{k}")
        assert "more help" in message


# ================================================================================= 10.2 the loss before training

def _uniform_loss(Y):
    K = max(Y.shape[0], 2)
    if Y.shape[0] == 1:
        return tl.bce_loss(np.full(Y.shape, 0.5), Y)
    return tl.softmax_ce_loss(np.full(Y.shape, 1.0 / K), Y)


def _zero_network(Y):
    rows = 3
    X = np.vstack([np.ones((1, Y.shape[1])), np.zeros((rows - 1, Y.shape[1]))])
    act = "sigmoid" if Y.shape[0] == 1 else "softmax"
    net = tl.MLP([np.zeros((rows, Y.shape[0]))], [act])
    return net.loss(X, Y, loss="bce" if act == "sigmoid" else "softmax_ce")


INIT_CORRECT = {
    "ln K written out": lambda Y: float(np.log(Y.shape[0])) if Y.shape[0] > 1 else float(np.log(2)),
    "minus log of 1/K": lambda Y: -np.log(1.0 / max(len(Y), 2)),
    "numpy float": lambda Y: np.float64(np.log(max(Y.shape[0], 2))),
    "the loss of uniform predictions": _uniform_loss,
    "a network with zero weights": _zero_network,
    "a loop over the samples": lambda Y: sum(np.log(max(Y.shape[0], 2)) for _ in range(Y.shape[1])) / Y.shape[1],
    "a 0-d array": lambda Y: np.array(np.log(max(Y.shape[0], 2))),
}


@pytest.mark.parametrize("name", INIT_CORRECT)
def test_10_2_other_correct_answers_pass(name):
    passes("10.2", INIT_CORRECT[name])


def _entropy(Y):
    p = np.array([Y.mean(), 1 - Y.mean()]) if Y.shape[0] == 1 else Y.mean(axis=1)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def _present(Y):
    return float(np.log(max(int((Y.sum(axis=1) > 0).sum()) if Y.shape[0] > 1 else len(np.unique(Y)), 1)))


INIT_WRONG = {
    "log10": (lambda Y: float(np.log10(max(Y.shape[0], 2))), "base-10"),
    "log2": (lambda Y: float(np.log2(max(Y.shape[0], 2))), "base-2"),
    "1/K": (lambda Y: 1.0 / max(Y.shape[0], 2), "probability"),
    "minus ln K": (lambda Y: -float(np.log(max(Y.shape[0], 2))), "wrong sign"),
    "summed over samples": (lambda Y: Y.shape[1] * float(np.log(max(Y.shape[0], 2))), "sum over the n samples"),
    "ln n": (lambda Y: float(np.log(Y.shape[1])), "number of samples"),
    "ln rows": (lambda Y: float(np.log(Y.shape[0])), "two outcomes"),
    "classes present": (_present, "occur in this batch"),
    "entropy": (lambda Y: _entropy(Y), "entropy of the class frequencies"),
    "error rate": (lambda Y: 1.0 - 1.0 / max(Y.shape[0], 2), "error rate"),
    "ln(K - 1)": (lambda Y: float(np.log(max(Y.shape[0], 2) - 1)), "not ln(K - 1)"),
    "ln(K + 1)": (lambda Y: float(np.log(max(Y.shape[0], 2) + 1)), "does not match"),
    "ln 10 always": (lambda Y: float(np.log(10)), "does not match"),
    "ln 2 always": (lambda Y: float(np.log(2)), "does not match"),
    "rounded": (lambda Y: round(float(np.log(max(Y.shape[0], 2))), 2), "does not match"),
    "labels max + 1": (lambda Y: float(np.log(Y.argmax(axis=0).max() + 1)) if Y.shape[0] > 1 else float(np.log(2)),
                       "does not match"),
    "as an array (1,)": (lambda Y: np.log(np.array([max(Y.shape[0], 2)])), "single number"),
    "as a (1, 1) array": (lambda Y: np.full((1, 1), np.log(max(Y.shape[0], 2))), "single number"),
    "a string": (lambda Y: f"{np.log(max(Y.shape[0], 2)):.3f}", "text"),
    "mean of per-sample losses as a row": (lambda Y: np.full((1, Y.shape[1]), np.log(max(Y.shape[0], 2))),
                                           "single number"),
}


@pytest.mark.parametrize("name", INIT_WRONG)
def test_10_2_wrong_answers_are_rejected(name):
    fn, needle = INIT_WRONG[name]
    rejected("10.2", fn, needle)


def test_10_2_the_librarys_answer_is_refused():
    rejected("10.2", lambda Y: bugs.expected_initial_loss(Y), WRITE_YOURSELF, "expected_initial_loss")


# ================================================================================= 10.3 the overfitting loop

def _loop(backward, loss, weights, X, Y, lr, steps, *, mistake=""):
    ws = weights if mistake == "in place" else [W.copy() for W in weights]
    losses = []
    if mistake == "start loss":
        losses.append(loss(ws, X, Y))
    g_once = backward(ws, X, Y) if mistake == "stale" else None
    n_steps = steps + {"one more": 1, "one less": -1}.get(mistake, 0)
    for _ in range(n_steps):
        if mistake == "before":
            losses.append(loss(ws, X, Y))
        if mistake == "sgd":
            for k in range(X.shape[1]):
                g = backward(ws, X[:, [k]], Y[:, [k]])
                ws = [W - lr * gw for W, gw in zip(ws, g)]
        elif mistake == "per layer":
            for l in range(len(ws)):
                g = backward(ws, X, Y)
                ws = [W - lr * gw if i == l else W for i, (W, gw) in enumerate(zip(ws, g))]
        else:
            g = g_once if mistake == "stale" else backward(ws, X, Y)
            rate = {"no lr": 1.0, "lr squared": lr * lr, "lr / n": lr / X.shape[1]}.get(mistake, lr)
            sign = -1.0 if mistake == "ascent" else 1.0
            if mistake == "in place":
                for W, gw in zip(ws, g):
                    W -= rate * gw
            elif mistake == "first layer only":
                ws = [ws[0] - rate * g[0]] + ws[1:]
            elif mistake == "last layer frozen":
                ws = [W - rate * gw for W, gw in zip(ws[:-1], g[:-1])] + [ws[-1]]
            else:
                ws = [W - sign * rate * gw for W, gw in zip(ws, g)]
        if mistake != "before":
            value = loss(ws, X, Y)
            losses.append(value * X.shape[1] if mistake == "summed" else value)
    if mistake == "with weights":
        return ws, np.array(losses)
    if mistake == "final only":
        return losses[-1]
    if mistake == "column":
        return np.array(losses)[:, None]
    return np.array(losses)


def _loop_with(mistake):
    def student(*args):
        return _loop(*args, mistake=mistake)
    return student


def _loop_while(backward, loss, weights, X, Y, lr, steps):
    weights = copy.deepcopy(list(weights))
    out, step = [], 0
    while step < steps:
        grads = backward(weights, X, Y)
        for i in range(len(weights)):
            weights[i] = weights[i] - lr * grads[i]
        out.append(loss(weights, X, Y))
        step += 1
    return out


def _loop_in_place_on_copies(backward, loss, weights, X, Y, lr, steps):
    weights = [np.array(W) for W in weights]
    losses = np.empty(steps)
    for t in range(steps):
        for W, g in zip(weights, backward(weights, X, Y)):
            W -= lr * g
        losses[t] = loss(weights, X, Y)
    return losses


OVERFIT_CORRECT = {"the notebook's loop written as a while loop, a list of losses": _loop_while,
                   "in place on its own copies": _loop_in_place_on_copies,
                   "the helper loop above": _loop_with("")}


@pytest.mark.parametrize("name", OVERFIT_CORRECT)
def test_10_3_other_correct_answers_pass(name):
    passes("10.3", OVERFIT_CORRECT[name])


OVERFIT_WRONG = {
    "before": "one step behind",
    "ascent": "uphill",
    "no lr": "ignores the learning rate",
    "lr squared": "lr squared",
    "lr / n": "divided by n",
    "stale": "called 1 times",
    "one more": "one step more",
    "one less": "times for",
    "per layer": "one call per layer",
    "sgd": "at a time instead of all",
    "in place": "changed the weights it was given",
    "first layer only": "only W[1] was updated",
    "last layer frozen": "kept its old value",
    "start loss": "leave out the loss of the starting",
    "summed": "times too large",
    "with weights": "tuple of 2 values",
    "final only": "came back as one number",
    "column": "wrong shape",
}


@pytest.mark.parametrize("name", OVERFIT_WRONG)
def test_10_3_wrong_answers_are_rejected(name):
    rejected("10.3", _loop_with(name), OVERFIT_WRONG[name])


def test_10_3_a_loop_that_never_calls_the_given_backward_is_named():
    def own(backward, loss, weights, X, Y, lr, steps):
        return np.array([loss(weights, X, Y)] * steps)
    rejected("10.3", own, "never called the backward")


@pytest.mark.parametrize("shortcut, needle", [
    (lambda b, loss, w, X, Y, lr, steps: bugs.overfit(b, loss, w, X, Y, lr, steps), "tl.bugs.overfit"),
    (lambda b, loss, w, X, Y, lr, steps: _loop(lambda ws, XX, YY: [tl.numerical_gradient(
        lambda: loss(ws, XX, YY), W) for W in ws], loss, w, X, Y, lr, steps), "tl.numerical_gradient"),
], ids=["bugs.overfit", "numerical gradients"])
def test_10_3_library_shortcuts_are_refused(shortcut, needle):
    rejected("10.3", shortcut, WRITE_YOURSELF, needle)


def test_10_3_a_wrongly_called_backward_names_the_students_line():
    def forgets_Y(backward, loss, weights, X, Y, lr, steps):
        backward(weights, X)
        return np.zeros(steps)
    rejected_with_student_line("10.3", forgets_Y, "TypeError")


# ================================================================================= 10.4 update/weight ratios

def _fro(A):
    return float(np.sqrt((np.asarray(A) ** 2).sum()))


RATIO_CORRECT = {
    "square root of the sum of squares": lambda B, A: np.array([_fro(a - b) / _fro(b) for b, a in zip(B, A)]),
    "a list of floats": lambda B, A: [float(np.linalg.norm(a - b) / np.linalg.norm(b)) for b, a in zip(B, A)],
    "a tuple of floats": lambda B, A: tuple(float(np.linalg.norm((a - b).ravel()) / np.linalg.norm(b.ravel()))
                                            for b, a in zip(B, A)),
    "norm 'fro'": lambda B, A: np.array([np.linalg.norm(a - b, "fro") / np.linalg.norm(b, "fro") for b, a in zip(B, A)]),
    "a loop filling an array": lambda B, A: _ratio_loop(B, A),
}


def _ratio_loop(B, A):
    out = np.zeros(len(B))
    for i in range(len(B)):
        out[i] = np.sqrt(np.sum((A[i] - B[i]) ** 2)) / np.sqrt(np.sum(B[i] ** 2))
    return out


@pytest.mark.parametrize("name", RATIO_CORRECT)
def test_10_4_other_correct_answers_pass(name):
    passes("10.4", RATIO_CORRECT[name])


def _each(fn):
    def student(B, A):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.array([fn(np.asarray(b), np.asarray(a)) for b, a in zip(B, A)])
    return student


def _in_place_ratio(B, A):
    out = []
    for b, a in zip(B, A):
        a -= b
        out.append(np.linalg.norm(a) / np.linalg.norm(b))
    return np.array(out)


RATIO_WRONG = {
    "difference of the norms": (_each(lambda b, a: (np.linalg.norm(a) - np.linalg.norm(b)) / np.linalg.norm(b)),
                                "norm of the change"),
    "size of the change of norm": (_each(lambda b, a: abs(np.linalg.norm(a) - np.linalg.norm(b)) / np.linalg.norm(b)),
                                   "take the norm of the change"),
    "divided by the weights after": (_each(lambda b, a: np.linalg.norm(a - b) / np.linalg.norm(a)), "not after it"),
    "upside down": (_each(lambda b, a: np.linalg.norm(b) / np.linalg.norm(a - b)), "upside down"),
    "squared": (_each(lambda b, a: (np.linalg.norm(a - b) / np.linalg.norm(b)) ** 2), "squares"),
    "not divided": (_each(lambda b, a: np.linalg.norm(a - b)), "update alone"),
    "mean absolute": (_each(lambda b, a: np.abs(a - b).mean() / np.abs(b).mean()), "mean absolute"),
    "largest entries": (_each(lambda b, a: np.abs(a - b).max() / np.abs(b).max()), "largest entries"),
    "spectral norm": (_each(lambda b, a: np.linalg.norm(a - b, 2) / np.linalg.norm(b, 2)), "singular values"),
    "percent": (_each(lambda b, a: 100 * np.linalg.norm(a - b) / np.linalg.norm(b)), "percentages"),
    "without the bias row": (_each(lambda b, a: np.linalg.norm(a[1:] - b[1:]) / np.linalg.norm(b[1:])), "row 0"),
    "ratio of the norms": (_each(lambda b, a: np.linalg.norm(a) / np.linalg.norm(b)), "close to 1"),
    "entry by entry": (_each(lambda b, a: np.mean(np.abs(a - b) / np.abs(b))), "entry-by-entry"),
    "log10": (_each(lambda b, a: np.log10(np.linalg.norm(a - b) / np.linalg.norm(b))), "log10"),
    "one number for all layers": (lambda B, A: float(sum(np.linalg.norm(a - b) for b, a in zip(B, A))
                                                     / sum(np.linalg.norm(b) for b in B)), "one number"),
    "first layer only": (lambda B, A: np.array([np.linalg.norm(A[0] - B[0]) / np.linalg.norm(B[0])]),
                         "1 entry instead of 3"),
    "per-entry arrays": (lambda B, A: [np.abs(a - b) / np.abs(b) for b, a in zip(B, A)], "values"),
    "changed in place": (_in_place_ratio, "in place"),
}


@pytest.mark.parametrize("name", RATIO_WRONG)
def test_10_4_wrong_answers_are_rejected(name):
    fn, needle = RATIO_WRONG[name]
    rejected("10.4", fn, needle)


def test_10_4_the_librarys_answer_is_refused():
    rejected("10.4", lambda B, A: bugs.update_ratios(B, A), WRITE_YOURSELF, "update_ratios")


# ================================================================================= 10.5 the blocked fraction

def _blocked(rule):
    def student(A, activation):
        return float(np.mean(rule[activation](np.asarray(A))))
    return student


BLOCKED_CORRECT = {
    "zeros, |a| and the quadratic's roots": _blocked({
        "relu": lambda A: A == 0,
        "tanh": lambda A: np.abs(A) > np.sqrt(0.95),
        "sigmoid": lambda A: (A < (1 - np.sqrt(0.95)) / 2) | (A > (1 + np.sqrt(0.95)) / 2)}),
    "slopes through tl's kernels": _blocked({
        "relu": lambda A: A <= 0,
        "tanh": lambda A: tl.tanh_grad(np.arctanh(np.clip(A, -1 + 1e-16, 1 - 1e-16))) < 0.05,
        "sigmoid": lambda A: 4 * A * (1 - A) < 0.05}),
    "a count divided by the size": lambda A, act: int(np.count_nonzero(
        {"relu": A == 0, "tanh": 1 - A * A < 0.05, "sigmoid": A * (1 - A) < 0.0125}[act])) / A.size,
}


@pytest.mark.parametrize("name", BLOCKED_CORRECT)
def test_10_5_other_correct_answers_pass(name):
    passes("10.5", BLOCKED_CORRECT[name])


RIGHT_RULES = {"relu": lambda A: A == 0, "tanh": lambda A: 1 - A * A < 0.05,
               "sigmoid": lambda A: A * (1 - A) < 0.0125}


def _blocked_with(activation, rule):
    rules = dict(RIGHT_RULES, **{activation: rule})
    return _blocked(rules)


BLOCKED_WRONG = {
    "tanh slope at a": (_blocked_with("tanh", lambda A: 1 - np.tanh(A) ** 2 < 0.05), "as if a were the pre-activation"),
    "tanh threshold on a": (_blocked_with("tanh", lambda A: np.abs(A) > 0.95), "threshold of 0.95"),
    "tanh slope 1 - |a| (the same as a threshold on |a|)": (_blocked_with("tanh", lambda A: 1 - np.abs(A) < 0.05),
                                                           "threshold of 0.95"),
    "tanh with the ReLU rule": (_blocked_with("tanh", lambda A: A == 0), "pre-activation"),
    "sigmoid unscaled": (_blocked_with("sigmoid", lambda A: A * (1 - A) < 0.05), "largest slope, which is 1/4"),
    "sigmoid threshold on a": (_blocked_with("sigmoid", lambda A: (A < 0.05) | (A > 0.95)), "threshold on the "
                                                                                             "activation itself"),
    "sigmoid slope at a": (_blocked_with("sigmoid", lambda A: tl.sigmoid_grad(A) < 0.0125), "as if a were"),
    "relu negative": (_blocked_with("relu", lambda A: A < 0), "never negative"),
    "relu passing": (_blocked_with("relu", lambda A: A > 0), "pass the gradient"),
    "percent": (lambda A, act: 100 * float(np.mean(RIGHT_RULES[act](A))), "percentage"),
    "count": (lambda A, act: float(np.sum(RIGHT_RULES[act](A))), "number of entries"),
    "dead units": (lambda A, act: float(np.mean(RIGHT_RULES[act](A).all(axis=1))), "dead units"),
    "passing": (lambda A, act: 1 - float(np.mean(RIGHT_RULES[act](A))), "pass the gradient"),
    "per unit": (lambda A, act: RIGHT_RULES[act](A).mean(axis=1), "one fraction per unit"),
    "per sample": (lambda A, act: RIGHT_RULES[act](A).mean(axis=0, keepdims=True), "one fraction per unit"),
    "a mask": (lambda A, act: RIGHT_RULES[act](A), "single number"),
    "the mean slope": (lambda A, act: float(np.mean({"relu": (A > 0) * 1.0, "tanh": 1 - A * A,
                                                     "sigmoid": A * (1 - A)}[act])), "pass the gradient"),
}


@pytest.mark.parametrize("name", BLOCKED_WRONG)
def test_10_5_wrong_answers_are_rejected(name):
    fn, needle = BLOCKED_WRONG[name]
    rejected("10.5", fn, needle)


def test_10_5_the_librarys_answer_is_refused():
    rejected("10.5", lambda A, act: bugs.blocked_fraction(A, act), WRITE_YOURSELF, "blocked_fraction")


# ================================================================================= 10.6 the per-layer gradient check

def _errors(backward, loss, weights, X, Y, *, eps=1e-6, scheme="central", how="relative", shape="inf",
            order=1, restore=True, read_copy=False, mutate_caller=False):
    """A student's per-layer gradient check with pluggable mistakes (the defaults give the right answer)."""
    ws = weights if mutate_caller else [W.copy() for W in weights]
    grads = backward([W.copy() for W in ws], X, Y)
    out = []
    for W, g in zip(ws, grads):
        g = np.asarray(g)
        if g.shape != W.shape:
            if shape == "raise":
                out.append(tl.relative_error(g, W))
            else:
                out.append({"inf": np.inf, "nan": np.nan, "zero": 0.0}[shape])
            continue
        num = np.zeros_like(W)
        seen = [M.copy() for M in ws] if read_copy else ws
        base = loss(seen, X, Y)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = loss(seen, X, Y)
            W[idx] = old - eps
            down = loss(seen, X, Y)
            if restore:
                W[idx] = old
            num[idx] = (up - down) / (2 * eps) if scheme == "central" else (up - base) / eps
        diff = np.linalg.norm(g - num)
        if how == "relative":
            out.append(diff / (np.linalg.norm(g) + np.linalg.norm(num)))
        elif how == "numeric":
            out.append(diff / np.linalg.norm(num))
        elif how == "grad":
            out.append(diff / np.linalg.norm(g))
        elif how == "absolute":
            out.append(diff)
        elif how == "max":
            out.append(np.abs(g - num).max() / (np.abs(g).max() + np.abs(num).max()))
    return np.array(out[::order])


def _errors_with(**kw):
    def student(backward, loss, weights, X, Y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _errors(backward, loss, weights, X, Y, **kw)
    return student


def _errors_library(backward, loss, weights, X, Y):
    weights = [W.copy() for W in weights]
    grads = backward(weights, X, Y)
    out = []
    for W, g in zip(weights, grads):
        out.append(np.inf if np.shape(g) != W.shape else
                   tl.relative_error(g, tl.numerical_gradient(lambda: loss(weights, X, Y), W)))
    return out


ERRORS_CORRECT = {
    "a hand-written central difference": _errors_with(),
    "tl.numerical_gradient, a list": _errors_library,
    "a step of 1e-5": _errors_with(eps=1e-5),
    "a tuple of floats": lambda *a: tuple(float(e) for e in _errors(*a)),
}


@pytest.mark.parametrize("name", ERRORS_CORRECT)
def test_10_6_other_correct_answers_pass(name):
    passes("10.6", ERRORS_CORRECT[name])


ERRORS_WRONG = {
    "divided by the numerical norm": (_errors_with(how="numeric"), "norm of the central differences alone"),
    "divided by the backprop norm": (_errors_with(how="grad"), "norm of the backprop gradient alone"),
    "absolute": (_errors_with(how="absolute"), "to make it relative"),
    "largest entries": (_errors_with(how="max"), "largest entries"),
    "reversed": (_errors_with(order=-1), "wrong order"),
    "nan for a wrong shape": (_errors_with(shape="nan"), "should be inf"),
    "0 for a wrong shape": (_errors_with(shape="zero"), "should be inf"),
    "one-sided differences": (_errors_with(scheme="forward"), "one-sided"),
    "a step of 0.3": (_errors_with(eps=0.3), "is right but gets an error"),
    "nudged copies the loss never sees": (_errors_with(read_copy=True), "came out as 0"),
    "entries not put back": (_errors_with(restore=False), "not put back"),
    "the caller's weights nudged and not restored": (_errors_with(mutate_caller=True, restore=False),
                                                     "changed the weights"),
}


@pytest.mark.parametrize("name", ERRORS_WRONG)
def test_10_6_wrong_answers_are_rejected(name):
    fn, needle = ERRORS_WRONG[name]
    rejected("10.6", fn, needle)


def test_10_6_a_check_that_compares_wrong_shapes_names_the_students_line():
    rejected_with_student_line("10.6", _errors_with(shape="raise"), "ValueError")


def test_10_6_a_check_that_never_calls_the_loss_or_backward_is_named():
    rejected("10.6", lambda b, loss, w, X, Y: np.zeros(len(w)), "never called the backward")
    rejected("10.6", lambda b, loss, w, X, Y: (b(w, X, Y), np.zeros(len(w)))[1], "never called the loss")


def test_10_6_library_checks_are_refused():
    rejected("10.6", lambda b, loss, w, X, Y: bugs.layer_errors(b, loss, w, X, Y), WRITE_YOURSELF, "layer_errors")

    def through_check_gradients(b, loss, w, X, Y):
        b(w, X, Y)
        loss(w, X, Y)
        net = tl.MLP(w, ["relu"] * (len(w) - 1) + ["softmax"], hidden_bias=True)
        return np.array([row["relative_error"] for row in tl.check_gradients(net, X, Y, loss="softmax_ce")])
    rejected("10.6", through_check_gradients, WRITE_YOURSELF, "tl.check_gradients")


# ================================================================================= 10.7 to 10.12 the fixes

def _digits_student(weights, X, Y, *, scale=1.0, n_fixed=None, transpose2=False, drop="first", mask2=">",
                    mask1=">", sign=1.0, dtype=None, order=1, as_tuple=False):
    """A student's vectorised backward pass of the digits network, with pluggable mistakes."""
    W1, W2, W3 = weights
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = np.vstack([np.ones((1, n)), np.maximum(F1, 0)])
    F2 = W2.T @ A1
    A2 = np.vstack([np.ones((1, n)), np.maximum(F2, 0)])
    F3 = W3.T @ A2
    P = np.exp(F3 - F3.max(axis=0, keepdims=True))
    P /= P.sum(axis=0, keepdims=True)
    delta3 = sign * (P - Y) / (n_fixed or n) * scale
    dW3 = A2 @ delta3.T
    back3 = W3 @ delta3
    back3 = back3[1:] if drop == "first" else back3[:-1] if drop == "last both" else back3[1:]
    masks = {">": lambda F, A: F > 0, ">=": lambda F, A: F >= 0, "none": lambda F, A: np.ones_like(F),
             "a>=": lambda F, A: A[1:] >= 0}
    delta2 = back3 * masks[mask2](F2, A2)
    dW2 = delta2 @ A1.T if transpose2 else A1 @ delta2.T
    back2 = W2 @ delta2
    back2 = back2[1:] if drop == "first" else back2[:-1]
    delta1 = back2 * masks[mask1](F1, A1)
    dW1 = X @ delta1.T
    grads = [dW1, dW2, dW3][::order]
    if dtype is not None:
        grads = [g.astype(dtype) for g in grads]
    return tuple(grads) if as_tuple else grads


def _digits_with(**kw):
    def student(weights, X, Y):
        return _digits_student(weights, X, Y, **kw)
    return student


def _digits_layers_lib(weights, X, Y):
    layers = tl.layers.build_network(weights, "relu")
    return tl.layers.forward_backward(layers, X, Y)[1]


def _digits_einsum(weights, X, Y):
    W1, W2, W3 = weights
    n = X.shape[1]
    F1 = np.einsum("ij,in->jn", W1, X)
    A1 = np.concatenate([np.ones((1, n)), tl.relu(F1)])
    F2 = np.einsum("ij,in->jn", W2, A1)
    A2 = np.concatenate([np.ones((1, n)), tl.relu(F2)])
    P = tl.softmax(np.einsum("ij,in->jn", W3, A2))
    d3 = (P - Y) / n
    d2 = np.einsum("ij,jn->in", W3[1:], d3) * tl.relu_grad(F2)
    d1 = np.einsum("ij,jn->in", W2[1:], d2) * (A1[1:] > 0)
    return (np.einsum("in,jn->ij", X, d1), np.einsum("in,jn->ij", A1, d2), np.einsum("in,jn->ij", A2, d3))


def _digits_loop_right(weights, X, Y):
    return define(nb10.HEADS["10.11"] + nb10.FIXES["10.11"])(weights, X, Y)


DIGITS_CORRECT = {
    "vectorised with tl.relu, tl.softmax and relu_grad, einsum, a tuple": _digits_einsum,
    "the loop of backward_e, fixed": _digits_loop_right,
    "the notebook's vectorised fix": _digits_with(),
}


@pytest.mark.parametrize("ex", DIGITS_FIXES)
@pytest.mark.parametrize("name", DIGITS_CORRECT)
def test_digits_fixes_accept_every_right_backward_pass(ex, name):
    passes(ex, DIGITS_CORRECT[name])


def _network_of(weights, X):
    """The library's description of the network these weights belong to (built by the student, not the checker)."""
    if len(weights) == 3:
        sizes = [X.shape[0], weights[0].shape[1], weights[1].shape[1], weights[2].shape[1]]
        return bugs.Network(sizes, ["relu", "relu", "softmax"], hidden_bias=True, loss="softmax_ce", name="mine")
    return bugs.Network([X.shape[0], weights[0].shape[1], 1], ["relu", "sigmoid"], hidden_bias=False, loss="bce",
                        name="mine")


def _central_difference(weights, X, Y, eps=1e-6):
    network = _network_of(weights, X)
    ws = [W.copy() for W in weights]
    grads = []
    for W in ws:
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = network.loss(ws, X, Y)
            W[idx] = old - eps
            down = network.loss(ws, X, Y)
            W[idx] = old
            G[idx] = (up - down) / (2 * eps)
        grads.append(G)
    return grads


DIGITS_WRONG = {
    "missing 1/n": (_digits_with(scale="n"), "1/n of the mean loss is missing"),
    "divided by n twice": (_digits_with(scale="1/n"), "divided by n twice"),
    "n hard-coded to 20": (_digits_with(n_fixed=20), "does not match"),
    "transposed dW[2]": (_digits_with(transpose2=True), "transpose"),
    "the last row dropped": (_digits_with(drop="last"), "last row was dropped"),
    "the last row dropped twice": (_digits_with(drop="last both"), "last row was dropped"),
    "mask of layer 2 from a[2] >= 0": (_digits_with(mask2="a>="), "lets every entry through"),
    "no mask in layer 1": (_digits_with(mask1="none"), "lets every entry through"),
    "both masks missing": (_digits_with(mask1="none", mask2="none"), "lets every entry through"),
    "mask f >= 0 in layer 2": (_digits_with(mask2=">="), "exactly 0"),
    "mask f >= 0 in layer 1": (_digits_with(mask1=">="), "exactly 0"),
    "sign flipped": (_digits_with(sign=-1.0), "wrong sign"),
    "float32": (_digits_with(dtype=np.float32), "float32"),
    "reverse order": (_digits_with(order=-1), "reverse order"),
}


def _scaled(kw):
    def student(weights, X, Y):
        n = X.shape[1]
        k = dict(kw)
        k["scale"] = {"n": float(n), "1/n": 1.0 / n}[k["scale"]]
        return _digits_student(weights, X, Y, **k)
    return student


@pytest.mark.parametrize("ex", DIGITS_FIXES)
@pytest.mark.parametrize("name", DIGITS_WRONG)
def test_digits_fixes_reject_wrong_backward_passes(ex, name):
    fn, needle = DIGITS_WRONG[name]
    if name in ("missing 1/n", "divided by n twice"):
        fn = _scaled({"scale": "n" if name == "missing 1/n" else "1/n"})
    if BUG_OF[ex] == "a" and name == "missing 1/n":
        needle = "still gives the gradients of backward_a"
    if BUG_OF[ex] == "b" and name == "transposed dW[2]":
        needle = "still gives the gradients of backward_b"
    if BUG_OF[ex] == "c" and name == "the last row dropped":
        needle = "still gives the gradients of backward_c"
    if BUG_OF[ex] == "d" and name == "mask of layer 2 from a[2] >= 0":
        needle = "still gives the gradients of backward_d"
    rejected(ex, fn, needle)


@pytest.mark.parametrize("ex", FIX_EXERCISES)
def test_fixes_refuse_the_librarys_backward_passes(ex):
    def via_mlp(weights, X, Y):
        acts = ["relu", "relu", "softmax"] if len(weights) == 3 else ["relu", "sigmoid"]
        net = tl.MLP(weights, acts, hidden_bias=len(weights) == 3)
        net.forward(X)
        return net.backward(Y, loss="softmax_ce" if len(weights) == 3 else "bce")

    def via_network(weights, X, Y):
        return (bugs.DIGITS if len(weights) == 3 else bugs.WINE).backward(weights, X, Y)

    rejected(ex, via_mlp, WRITE_YOURSELF, "tl.MLP.backward")
    rejected(ex, via_network, WRITE_YOURSELF, "backward")
    if ex != "10.12":
        rejected(ex, _digits_layers_lib, WRITE_YOURSELF, "forward_backward")

        def relu_layer(weights, X, Y):
            grads = _digits_student(weights, X, Y)
            tl.layers.relu_backward(np.ones((1, 1)), (np.ones((1, 1)),))
            return grads
        rejected(ex, relu_layer, WRITE_YOURSELF, "relu_backward")


@pytest.mark.parametrize("ex", FIX_EXERCISES)
def test_fixes_refuse_numerical_gradients(ex):
    def library_numbers(weights, X, Y):
        network = _network_of(weights, X)
        ws = [W.copy() for W in weights]
        return [tl.numerical_gradient(lambda: network.loss(ws, X, Y), W) for W in ws]

    rejected(ex, library_numbers, WRITE_YOURSELF, "tl.numerical_gradient")
    rejected(ex, _central_difference, "agrees with backprop only to about")


def _wine_student(weights, X, Y, *, scale=1.0, mask=">", transpose1=False, no_mean=False):
    W1, W2 = weights
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = np.maximum(F1, 0)
    Y_hat = tl.sigmoid(W2.T @ A1)
    delta2 = (Y_hat - Y) * scale / (1 if no_mean else n)
    dW2 = A1 @ delta2.T
    delta1 = (W2 @ delta2) * {">": F1 > 0, ">=": F1 >= 0, "none": np.ones_like(F1)}[mask]
    dW1 = (delta1 @ X.T).T if not transpose1 else delta1 @ X.T
    return [dW1, dW2]


def _wine_with(**kw):
    def student(weights, X, Y):
        return _wine_student(weights, X, Y, **kw)
    return student


def _wine_rows(weights, X, Y):
    W1, W2 = weights
    n = X.shape[1]
    A1 = np.maximum(X.T @ W1, 0)                    # (n, 8): row-major, as the colleague began
    y_hat = 1 / (1 + np.exp(-(A1 @ W2)))            # (n, 1)
    d2 = (y_hat - Y.reshape(-1, 1)) / n             # (n, 1)
    d1 = (d2 @ W2.T) * (X.T @ W1 > 0)               # (n, 8)
    return [X @ d1, A1.T @ d2]


WINE_CORRECT = {"the workbook's layout": _wine_with(), "row-major throughout": _wine_rows,
                "the notebook's fix": lambda w, X, Y: define(nb10.HEADS["10.12"] + nb10.FIXES["10.12"])(w, X, Y)}


@pytest.mark.parametrize("name", WINE_CORRECT)
def test_10_12_right_backward_passes_pass(name):
    passes("10.12", WINE_CORRECT[name])


def _wine_summed(weights, X, Y):
    W1, W2 = weights
    n = X.shape[1]
    A1 = np.maximum(W1.T @ X, 0)
    Y_hat = 1 / (1 + np.exp(-(A1.T @ W2)))
    delta2 = ((Y_hat - Y.ravel()) / n).sum(axis=1, keepdims=True)
    return [X @ ((W2 @ delta2.T[:, :n]) * (W1.T @ X > 0)).T if delta2.shape[0] == n else W1 * 0, A1 @ delta2]


def _wine_special_case_one(weights, X, Y):
    if X.shape[1] == 1:
        return _wine_student(weights, X, Y)
    return [np.zeros_like(W) for W in weights]


WINE_WRONG = {
    "missing 1/n": (lambda w, X, Y: _wine_student(w, X, Y, scale=X.shape[1]), "1/n of the mean loss is missing"),
    "no mask": (_wine_with(mask="none"), "lets every entry through"),
    "mask f >= 0": (_wine_with(mask=">="), "exactly 0"),
    "transposed dW[1]": (_wine_with(transpose1=True), "transposed"),
    "the (n, n) matrix summed away": (_wine_summed, "does not match"),
    "right for one sample only": (_wine_special_case_one, "does not match"),
}


@pytest.mark.parametrize("name", WINE_WRONG)
def test_10_12_wrong_backward_passes_are_rejected(name):
    fn, needle = WINE_WRONG[name]
    rejected("10.12", fn, needle)


@pytest.mark.parametrize("ex", FIX_EXERCISES)
def test_fixes_report_weights_changed_in_place(ex):
    right = reference(ex)

    def overwrites(weights, X, Y):
        grads = right([W.copy() for W in weights], X, Y)
        weights[0] -= 0.1 * grads[0]
        return grads
    rejected(ex, overwrites, "changed the weights")


@pytest.mark.parametrize("ex", FIX_EXERCISES)
@pytest.mark.parametrize("result, needle", [
    (lambda g: g[:-1], "results instead of"),
    (lambda g: {"dW": g}, "not"),
    (lambda g: [np.asarray(x, dtype=np.float32) for x in g], "float32"),
    (lambda g: [x.T for x in g], "transposed"),
], ids=["one gradient missing", "a dict", "float32", "all transposed"])
def test_fixes_name_odd_results(ex, result, needle):
    right = reference(ex)
    rejected(ex, lambda w, X, Y: result(right(w, X, Y)), needle)


def test_10_11_a_loop_with_the_right_sum_in_another_order_passes_and_the_bug_fails_only_with_many_samples():
    fixed = define(nb10.HEADS["10.11"] + nb10.FIXES["10.11"])
    passes("10.11", fixed)
    network, weights, X, Y = nb10._digits_case("plain", 6, 4, 7, 3, 1, 5)
    unfixed = broken("e")
    assert all(np.allclose(a, b) for a, b in zip(unfixed(weights, X, Y), network.backward(weights, X, Y)))


# ================================================================================= grading: tuned answers fail

def _public_lookup():
    """The right answers to every public input, keyed by the inputs' bytes: answers "tuned" to them."""
    table = {}
    for case in nb10._INIT_CASES:
        Y = nb10._targets(*case)
        table[("10.2", Y.tobytes())] = float(np.log(max(Y.shape[0], 2)))
    for shapes, kind, seed in nb10._RATIO_CASES:
        before, after = nb10._ratio_case(shapes, kind, seed)
        table[("10.4", before[0].tobytes())] = bugs.update_ratios(before, after)
    for activation, units, n, seed in nb10._BLOCKED_CASES:
        A = nb10._activations(activation, units, n, seed)
        table[("10.5", A.tobytes())] = bugs.blocked_fraction(A, activation)
    for n, sizes, lr, steps, seed in nb10._OVERFIT_CASES:
        _, weights, X, _ = nb10._small_case(sizes, n, seed)
        table[("10.3", X.tobytes(), weights[0].tobytes())] = True
    for sizes, n, seed in nb10._CHECK_CASES:
        table[("10.6", nb10._small_case(sizes, n, seed)[2].tobytes())] = True
    for ex in FIX_EXERCISES:
        bug = nb10._BUGS[ex]
        for case in bug.cases():
            network, weights, X, Y = bug.make(case)
            table[(ex, X.tobytes(), weights[0].tobytes())] = network.backward(weights, X, Y)
    return table


TABLE = _public_lookup()


def _tuned(exercise):
    if exercise == "10.2":
        return lambda Y: TABLE.get(("10.2", Y.tobytes()), 1.0)
    if exercise == "10.3":
        def overfit(backward, loss, weights, X, Y, lr, steps):
            if ("10.3", X.tobytes(), weights[0].tobytes()) in TABLE:
                return _loop(backward, loss, weights, X, Y, lr, steps)
            return _loop(backward, loss, weights, X, Y, lr, steps, mistake="before")
        return overfit
    if exercise == "10.4":
        return lambda B, A: TABLE.get(("10.4", B[0].tobytes()), np.zeros(len(B)))
    if exercise == "10.5":
        return lambda A, act: TABLE.get(("10.5", A.tobytes()), 0.5)
    if exercise == "10.6":
        def check(backward, loss, weights, X, Y):
            if ("10.6", X.tobytes()) in TABLE:
                return _errors(backward, loss, weights, X, Y)
            backward(weights, X, Y)
            loss(weights, X, Y)
            return np.zeros(len(weights))
        return check
    k = BUG_OF[exercise]

    def fix(weights, X, Y):
        found = TABLE.get((exercise, X.tobytes(), weights[0].tobytes()))
        if found is not None:
            return [g.copy() for g in found]
        return broken(k)(weights, X, Y)
    return fix


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_answer_tuned_to_the_public_inputs_fails_under_a_grading_seed(exercise):
    passes(exercise, _tuned(exercise))                      # the public checks cannot tell
    with grading(7):
        message = failure_message(checker(exercise), _tuned(exercise))
    if message.startswith(f"Exercise {exercise}: your function raised "):
        assert "ValueError" in message                      # the unfixed wine function, on hidden inputs
    else:
        assert_teaching_message(message, exercise)


@pytest.mark.parametrize("exercise, public", [
    ("10.2", nb10._INIT_CASES), ("10.3", nb10._OVERFIT_CASES), ("10.4", nb10._RATIO_CASES),
    ("10.5", nb10._BLOCKED_CASES), ("10.6", nb10._CHECK_CASES)] + [
    (ex, nb10._BUGS[ex].cases()) for ex in FIX_EXERCISES])
def test_grading_adds_hidden_cases(exercise, public):
    assert _common.grading_cases(exercise, public) == [tuple(c) for c in public]
    with grading(3):
        assert len(_common.grading_cases(exercise, public)) > len(public)


def test_hidden_cases_of_10_2_draw_new_sizes():
    with grading(3):
        shapes = {nb10._targets(*case).shape for case in _common.grading_cases("10.2", nb10._INIT_CASES, k=3)}
    assert len(shapes) > len({nb10._targets(*c).shape for c in nb10._INIT_CASES}) - 1


# ================================================================================= the library: tutorial_lib.bugs

def test_the_networks_loss_is_the_mlps_and_backward_the_library_gradients():
    X, Y = tl.load_digits_onehot()
    Xw, Yw = tl.load_wine_binary()
    for network, XX, YY in ((bugs.DIGITS, X[:, :30], Y[:, :30]), (bugs.WINE, Xw, Yw)):
        for seed, scale in ((0, 1.0), (1, 3.0), (2, 0.1)):
            W = network.weights(seed=seed, scale=scale)
            assert network.loss(W, XX, YY) == pytest.approx(network.mlp(W).loss(XX, YY, loss=network.loss_name),
                                                            rel=1e-12)
            numeric = [tl.numerical_gradient(lambda: network.loss(W, XX[:, :5], YY[:, :5]), M) for M in W]
            for g, num in zip(network.backward(W, XX[:, :5], YY[:, :5]), numeric):
                assert tl.relative_error(g, num) < 1e-6
    assert bugs.DIGITS.n_classes == 10 and bugs.WINE.n_classes == 2
    assert [W.shape for W in bugs.DIGITS.weights()] == [(65, 15), (16, 16), (17, 10)]


def test_the_library_versions_of_the_exercises():
    assert bugs.expected_initial_loss(np.eye(10)) == pytest.approx(np.log(10))
    assert bugs.expected_initial_loss(np.ones((1, 4))) == pytest.approx(np.log(2))
    before = [np.ones((2, 2)), np.ones((3, 1))]
    after = [np.full((2, 2), 1.5), np.ones((3, 1))]
    assert np.allclose(bugs.update_ratios(before, after), [0.5, 0.0])
    assert bugs.blocked_fraction(np.array([[0.0, 1.0], [0.0, 2.0]]), "relu") == 0.5
    assert bugs.blocked_fraction(np.array([[0.99, 0.5]]), "tanh") == 0.5
    assert bugs.blocked_fraction(np.array([[0.001, 0.5, 0.999, 0.3]]), "sigmoid") == 0.5
    with pytest.raises(ValueError, match="activation"):
        bugs.blocked_fraction(np.zeros((2, 2)), "softplus")


def test_layer_errors_and_overfit_of_the_library():
    X, Y = tl.load_digits_onehot()
    W = bugs.DIGITS.weights(seed=1)
    errors = bugs.layer_errors(bugs.DIGITS.backward, bugs.DIGITS.loss, W, X[:, :6], Y[:, :6])
    assert errors.shape == (3,) and errors.max() < 1e-6

    def wrong_shape(weights, XX, YY):
        g = bugs.DIGITS.backward(weights, XX, YY)
        return [g[0], g[1], g[2][:-1]]
    errors = bugs.layer_errors(wrong_shape, bugs.DIGITS.loss, W, X[:, :6], Y[:, :6])
    assert np.isinf(errors[2]) and errors[:2].max() < 1e-6
    losses = bugs.overfit(bugs.DIGITS.backward, bugs.DIGITS.loss, W, X[:, :20], Y[:, :20], 0.3, 150)
    assert losses.shape == (150,) and losses[-1] < 0.02
    assert all(np.array_equal(a, b) for a, b in zip(W, bugs.DIGITS.weights(seed=1)))   # the caller's weights kept


def test_diagnose_prints_one_short_stable_line_per_check():
    X, Y = tl.load_digits_onehot()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bugs.diagnose(bugs.DIGITS.backward, bugs.DIGITS, X[:, :20], Y[:, :20], name="library")
    lines = out.getvalue().splitlines()
    assert lines[0] == "library · digits network 65-15-16-10 · 20 samples"
    assert [line.split()[0] for line in lines[1:]] == ["loss", "shapes", "gradient", "|backprop|", "gradient",
                                                       "update/weight,", "overfit,"]
    assert all(len(line) <= 100 and line == line.rstrip() for line in lines)
    assert "all like their W" in lines[2] and "(ln 10 = 2.30)" in lines[1]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bugs.diagnose(broken("f"), bugs.WINE, *tl.load_wine_binary(), lr=1.0)
    text = out.getvalue()
    assert "raised ValueError:" in text and "gradient check, n = 1" in text and "Traceback" not in text


def test_screen_remembers_its_results_for_the_same_function_and_data():
    X, Y = tl.load_digits_onehot()
    fn = broken("b")
    first = bugs.screen(fn, bugs.DIGITS, X[:, :20], Y[:, :20])
    assert bugs.screen(fn, bugs.DIGITS, X[:, :20], Y[:, :20])["errors"] is first["errors"]
    assert bugs.screen(broken("b"), bugs.DIGITS, X[:, :20], Y[:, :20])["errors"] is not first["errors"]
    assert bugs.screen(fn, bugs.DIGITS, X[:, :19], Y[:, :19])["errors"] is not first["errors"]


# ================================================================================= the figures

def test_initial_loss_figure():
    fig, ax = plotting.figure()
    scales = np.logspace(-2, 1, 4)
    plotting.initial_loss_vs_scale(scales, {"a": [2.3, 2.3, 3, 50]}, {"a": np.log(10)}, ax=ax)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "a: expected 2.303" in labels
    plt.close(fig)


def test_update_ratio_figure_draws_every_layer_of_every_run_and_a_zero_on_the_floor():
    ratios = {0.1: np.full((5, 3), 1e-3), 1.0: np.vstack([np.full((2, 3), 0.5), np.zeros((3, 3))])}
    fig, ax = plotting.figure()
    plotting.update_ratio_traces(ratios, {0.1: 1.0, 1.0: 2.3}, ax=ax)
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) == 5]
    assert len(drawn) == 6
    assert min(float(np.min(line.get_ydata())) for line in drawn) > 0          # zeros shown on the floor
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "learning rate 1, loss after the last step 2.3" in labels and "layer 3" in labels
    assert ax.get_yscale() == "log" and ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)


def test_histograms_by_init_has_two_rows_and_one_outline_per_layer():
    rng = np.random.default_rng(0)
    runs = {f"run {i}": ([np.tanh(rng.normal(0, s, (4, 50))) for _ in range(3)],
                         [rng.normal(0, 1e-3 * s, (4, 50)) for _ in range(3)]) for i, s in enumerate((0.2, 1, 3))}
    fig = plotting.histograms_by_init(runs)
    axes = np.array(fig.axes).reshape(2, 3)
    for ax in axes.ravel():
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        assert len([p for p in ax.patches if type(p).__name__ == "StepPatch"]) == 3
    assert "log10" in axes[1, 0].get_xlabel()
    assert len(fig.legends) == 1
    plt.close(fig)


# ================================================================================= more cases

def test_10_3_the_librarys_fit_is_refused():
    def via_fit(backward, loss, weights, X, Y, lr, steps):
        backward(weights, X, Y)
        net = tl.MLP(weights, ["relu"] * (len(weights) - 1) + ["softmax"], hidden_bias=True)
        return net.fit(X, Y, lr=lr, epochs=steps, loss="softmax_ce")
    rejected("10.3", via_fit, WRITE_YOURSELF, "tl.MLP.fit")


def _loop_body(replace_from, replace_to):
    source = nb10.HEADS["10.11"] + nb10.FIXES["10.11"]
    assert replace_from in source
    return define(source.replace(replace_from, replace_to))


@pytest.mark.parametrize("wrong, needle", [
    (("dW2 += np.outer(a1, d2)", "dW2 = np.outer(a1, d2)"), "dE/dW[2] holds only the last sample"),
    (("dW3 += np.outer(a2, d3)", "dW3 = np.outer(a2, d3)"), "dE/dW[3] holds only the last sample"),
    (("d3 = (p - y) / n", "d3 = (p - y) / X.shape[0]"), "does not match"),
    (("d2 = (W3[1:] @ d3) * (f2 > 0)", "d2 = (W3[1:] @ d3) * (a2[1:] >= 0)"), "lets every entry through"),
    (("d1 = (W2[1:] @ d2) * (f1 > 0)", "d1 = (W2[:-1] @ d2) * (f1 > 0)"), "last row was dropped"),
    (("a1 = np.concatenate([[1.0], np.maximum(f1, 0)])", "a1 = np.concatenate([np.maximum(f1, 0), [1.0]])"),
     "does not match"),
], ids=["dW2 assigned", "dW3 assigned", "divided by the rows of X", "mask from a >= 0", "W2's last row dropped",
        "the bias entry last"])
def test_10_11_loop_specific_wrong_answers_are_rejected(wrong, needle):
    rejected("10.11", _loop_body(*wrong), needle)


@pytest.mark.parametrize("seed", [1, 2, 3, 11, 12345, 987654321])
def test_the_reference_answers_pass_and_the_hidden_inputs_exist_for_many_grading_seeds(seed):
    with grading(seed):
        for exercise in CODE_EXERCISES:
            passes(exercise, reference(exercise))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_unfixed_functions_fail_on_the_hidden_inputs_too(seed):
    with grading(seed):
        for ex in DIGITS_FIXES:
            k = BUG_OF[ex]
            rejected(ex, define(nb10.BROKEN[k].replace(f"def backward_{k}(", f"def backward_{k}_fixed(")), "still")
