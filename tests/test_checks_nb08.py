"""Checkers of notebook 08 (auditing a worked answer), its table and its figure.

For every code exercise (8.1 the sheet's loss scale, 8.3 a shape assertion, 8.4 the row-layout forward pass,
8.6 the hidden-layer gradient of the sheet's questions 4-6, 8.8 the Jacobian of its question 10, 8.10 and
8.11 its softmax derivatives): the notebook's own answer passes and the placeholder is "not attempted";
other correct answers pass; every odd return, the library's shortcuts, numerical derivatives where the exact
one is asked for, and many wrong answers are rejected with a teaching message; answers tuned to the public
inputs fail under a grading seed; the hints come in code-free stages.  The sheet's numbers that the notebook
states are recomputed here by hand (``math``, ``fractions``), independently of the library.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.special  # noqa: E402
from checker_contract import (  # noqa: E402
    assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message, failure_message,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, checker, define, exercises, mistake_message,
    solution_notebook,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting  # noqa: E402
from tutorial_lib.checks import _common, nb08  # noqa: E402

NOTEBOOK = "08_audit_a_worked_answer"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["8.1", "8.3", "8.4", "8.6", "8.8", "8.10", "8.11"]
WRITTEN_EXERCISES = ["8.2", "8.5", "8.7", "8.9", "8.12"]
FUNCTION = {"8.1": "sheet_loss_and_gradients", "8.3": "expect_shape", "8.4": "forward_rows",
            "8.6": "hidden_layer_gradient", "8.8": "composite_jacobian", "8.10": "softmax_jacobian_sheet",
            "8.11": "log_softmax_jacobian"}


def reference(exercise):
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


def passes(exercise, answer):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checker(exercise)(answer)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


def rejected(exercise, answer, *needles):
    return assert_rejected(checker(exercise), answer, exercise, *needles)


def rejected_with_student_line(exercise, answer, *needles):
    """A failure that quotes the student's own line (which may hold code); the rest must teach."""
    message = failure_message(checker(exercise), answer)
    assert message.startswith(f"Exercise {exercise}: "), message
    assert "\n  at line " in message, message
    assert_teaching_message("\n".join(line for line in message.split("\n") if not line.startswith("  at line ")),
                            exercise)
    for needle in needles:
        assert needle in message, (needle, message)
    return message


@contextlib.contextmanager
def grading(seed=8008):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


def _cells():
    return solution_notebook(NOTEBOOK).cells


def _student_markdown():
    return "\n".join(re.sub(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", "", c.source, flags=re.S)
                     for c in _cells() if c.cell_type == "markdown")


# ================================================================================ the sheet, recomputed by hand
def _sigmoid(s):
    return 1.0 / (1.0 + math.exp(-s))


SHEET_X = [(1, 1, 2), (1, 1, 3), (1, 2, 2)]                       # samples, bias first
SHEET_W = [(Fraction(1, 100), Fraction(2, 100), Fraction(3, 100)),
           (Fraction(3, 100), Fraction(1, 100), Fraction(2, 100)),
           (Fraction(2, 100), Fraction(3, 100), Fraction(1, 100))]  # row j: w_j
SHEET_V = [0.01, 0.02, 0.03, 0.04]
SHEET_Y = [8.0, 11.0, 10.0]


def _by_hand():
    pre = [[sum(w * x for w, x in zip(SHEET_W[j], SHEET_X[i])) for i in range(3)] for j in range(3)]
    act = [[_sigmoid(float(pre[j][i])) for i in range(3)] for j in range(3)]          # act[unit][sample]
    y_hat = [SHEET_V[0] + math.fsum(SHEET_V[j + 1] * act[j][i] for j in range(3)) for i in range(3)]
    y_sheet = [SHEET_V[0] + math.fsum(SHEET_V[j + 1] * act[i][j] for j in range(3)) for i in range(3)]
    L = math.fsum((y_hat[i] - SHEET_Y[i]) ** 2 for i in range(3))
    return pre, act, y_hat, y_sheet, L


def test_the_sheets_numbers_recomputed_by_hand_match_the_library_and_the_notebooks_text():
    pre, act, y_hat, y_sheet, L = _by_hand()
    assert [[float(p) for p in row] for row in pre] == [[0.09, 0.12, 0.11], [0.08, 0.10, 0.09], [0.07, 0.08, 0.10]]
    # The sheet's printed predictions are what the activations give when used transposed.
    assert [round(y, 4) for y in y_sheet] == [0.0574, 0.0570, 0.0569]
    net = tl.MLP([nb08.SHEET_W_ROWS.T, nb08.SHEET_V], ["sigmoid", "identity"], hidden_bias=True)
    X, Y = nb08.SHEET_X_ROWS.T, nb08.SHEET_Y.T
    np.testing.assert_allclose(net.forward(X).ravel(), y_hat, rtol=1e-14)
    np.testing.assert_allclose(net.a[0], act, rtol=1e-14)
    assert 2 * 3 * net.loss(X, Y, loss="mse") == pytest.approx(L, rel=1e-13)
    # The numbers the notebook states in its text and prints are these.
    text = _student_markdown()
    outputs = "".join(o.get("text", "") for c in _cells() for o in c.get("outputs", []))
    assert f"{L:.5f}" in text and f"{L:.5f}" in outputs
    for y in y_hat:
        assert f"{y:.5f}" in text and f"{y:.5f}" in outputs
    # The sheet's own terms, and the total of question 13(d) from its own predictions.
    terms = [63.0841, 119.7482, 98.9643]
    assert f"{math.fsum(terms):.3f}" in text
    own_13d = math.fsum((y - p) ** 2 for y, p in zip(SHEET_Y, (0.0574, 0.0570, 0.0571)))
    assert f"{own_13d:.3f}" in text and f"{own_13d:.4f}" in outputs
    assert f"{(SHEET_Y[2] - y_sheet[2]) ** 2:.4f}" in text                          # 98.8643 from its own y_hat


def test_the_sheets_gradients_recomputed_by_hand_match_the_notebooks_output():
    pre, act, y_hat, y_sheet, L = _by_hand()
    d_y = [2 * (y_hat[i] - SHEET_Y[i]) for i in range(3)]
    d_v = [math.fsum(d_y)] + [math.fsum(d_y[i] * act[j][i] for i in range(3)) for j in range(3)]
    d_w = [[math.fsum(d_y[i] * SHEET_V[j + 1] * act[j][i] * (1 - act[j][i]) * SHEET_X[i][m] for i in range(3))
            for j in range(3)] for m in range(3)]                                    # rows: inputs, columns: units
    printed = next(o["text"] for c in _cells() if "def sheet_L" in c.source for o in c.outputs)
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d+", printed)]
    for value in d_y + d_v + [entry for row in d_w for entry in row]:
        assert min(abs(value - v) for v in numbers) < 1e-5, value
    # The sheet's printed dL/dy_hat is 2 (y - y_hat) of its own (transposed) predictions: the sign flipped.
    assert [round(2 * (SHEET_Y[i] - y_sheet[i]), 3) for i in range(3)] == [15.885, 21.886, 19.886]


def _F1(a, b):
    c, d = a - 5 * b, a * b
    return 3 * c * d


def test_the_sheets_jacobian_slip_by_hand():
    def composite(a, b):
        return Fraction(6) * a * b - 15 * b * b, 3 * a * a - 30 * a * b

    for a, b in ((Fraction(2), Fraction(1)), (Fraction(1), Fraction(-2)), (Fraction(1, 2), Fraction(3))):
        dF1_da, dF1_db = composite(a, b)
        h = Fraction(1, 1000)
        # F1 = 3 (a - 5b) a b is quadratic in a and in b, so exact central differences give its partials exactly.
        assert (_F1(a + h, b) - _F1(a - h, b)) / (2 * h) == dF1_da
        assert (_F1(a, b + h) - _F1(a, b - h)) / (2 * h) == dF1_db
        # the sheet's 9ab - 15b^2 and 3a^2 - 33ab differ by +3ab and -3ab
        assert 9 * a * b - 15 * b * b - dF1_da == 3 * a * b
        assert 3 * a * a - 33 * a * b - dF1_db == -3 * a * b
    printed = next(o["text"] for c in _cells() if "sheet_jacobian" in c.source for o in c.outputs)
    assert "[[6.0, -6.0], [0.0, 0.0]]" in printed and "[[4.5, -4.5], [0.0, 0.0]]" in printed


# ================================================================================ the notebook
def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert sorted(EXERCISES, key=lambda e: int(e.split(".")[1])) == CODE_EXERCISES
    assert {ex: e.argument for ex, e in EXERCISES.items()} == FUNCTION
    assert sorted(n for n in dir(nb08) if n.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


def test_written_exercises_have_rubrics_and_code_exercises_have_hints():
    text = [c.source for c in _cells()]
    for ex in WRITTEN_EXERCISES:
        i = next(k for k, s in enumerate(text) if f"**Exercise {ex} (written).**" in s)
        assert "<!-- BEGIN ANSWER -->" in text[i] and "<!-- END ANSWER -->" in text[i], ex
        assert text[i + 1].startswith("<details><summary>Rubric: what a good answer says</summary>"), ex
    for ex in CODE_EXERCISES:
        k = next(k for k, s in enumerate(text) if s.startswith(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_"
                                                               f"{ex.replace('.', '_')}("))
        above = next(s for s in reversed(text[:k - 1]) if f"**Exercise {ex}.**" in s)
        assert above.count("<details><summary>Hint") >= 2 and f'checks.hint("{ex}")' in above, ex
    for ex in ["8.1", "8.6", "8.8", "8.11"]:
        k = next(k for k, s in enumerate(text) if s.startswith(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_"
                                                               f"{ex.replace('.', '_')}("))
        assert text[k + 1].startswith("<details><summary>Worked derivation (open once your check passes)"), ex


def test_the_careful_readers_items_are_fixed_and_nothing_leaks():
    text = _student_markdown()
    assert "copied from its question 12, with" not in text
    assert "question 13(d)" in text and "287.694" in text
    assert "source 001" not in text
    # Derive first: the factor 2n is not stated before Exercise 8.1's check.
    cells = _cells()
    check = next(k for k, c in enumerate(cells) if c.source.startswith("# NBVAL_CHECK_OUTPUT\nchecks.exercise_8_1("))
    before = "\n".join(c.source for c in cells[:check])
    assert "2n = 6" not in before and "L = 2n" not in before
    # The cell after 8.1's check does not compute the answer's scale; the cells around 8.10/8.11 hold no formula.
    after = "\n".join(c.source for c in cells[check + 1:check + 4] if c.cell_type == "code")
    assert "2 * n" not in after and "scale" not in after
    softmax_cells = "\n".join(c.source for c in cells if c.cell_type == "code" and "BEGIN SOLUTION" not in c.source)
    assert "np.eye(3) - p[None, :]" not in softmax_cells and "p[:, None] * (np.eye" not in softmax_cells
    # The sheet's questions 4-6 and 10 are audited, with the slip of question 10 named in the model answer.
    full = "\n".join(c.source for c in cells)
    assert "6ab - 15b^2" in full and "3a^2 - 30ab" in full and "9ab - 15b^2" in full
    assert "questions 4 to 6" in text and "question 10" in text
    summary = cells[-1].source.split("## Summary", 1)[1]
    for phrase in ("2n = 6", "transposed", "square", "p_i - y_i", "independent variables"):
        assert phrase not in summary, phrase


def test_the_heat_map_labels_the_sheets_columns_as_samples():
    source = next(c.source for c in _cells() if "transposed_activations" in c.source)
    assert 'used_col_labels=[f"sample {i + 1}"' in source and 'used_row_labels=[f"unit {j + 1}"' in source
    fig, axes = plotting.figure(ncols=2)
    A = np.arange(6.0).reshape(2, 3) / 10
    plotting.transposed_activations(A.T, A, ax=axes, used_row_labels=["unit 1", "unit 2"],
                                    used_col_labels=["sample 1", "sample 2", "sample 3"],
                                    used_xlabel="sample (activation, dimensionless)")
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["sample 1", "sample 2", "sample 3"]
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["unit 1", "unit 2"]
    assert axes[1].get_xlabel().startswith("sample")
    plt.close(fig)


def test_illustration_cells_use_no_student_function():
    tagged = [c for c in _cells() if "illustration" in c.metadata.get("tags", [])]
    assert len(tagged) >= 6
    for cell in tagged:
        assert cell.cell_type == "code"
        for name in FUNCTION.values():
            assert not re.search(rf"(?<![\w.]){name}\b", cell.source), (name, cell.source)


# ================================================================================ every code exercise
@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_under_a_grading_seed(exercise):
    with grading():
        passes(exercise, reference(exercise))


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=2)
    assert len(nb08.HINTS[exercise]) == 3


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    assert_odd_returns_rejected(checker(exercise), exercise)


FUNCTION_EXERCISES_ALL = CODE_EXERCISES

#: More odd values than ``checker_contract.ODD_RETURNS``: array-likes, scalars, nested and empty containers.
MORE_ODD_VALUES = [1, 1.5, np.nan, np.inf, -1, b"x", [], [[]], [1, 2], [[1, 2], [3, 4]], (1,), (np.zeros(2),), {},
                   np.zeros((0, 0)), np.zeros((2, 2, 2)), np.array(["a", "b"]), np.array([1, "a"], dtype=object),
                   np.float32(1), np.int64(3), np.array([[np.nan]]), np.ones((1, 1)), np.ones(2), np.ones((2, 1)),
                   np.ones((3, 3)), range(3), Ellipsis, 1j, np.ma.masked_array([1.0, 2.0], mask=[0, 1])]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES_ALL)
def test_no_odd_value_crashes_the_checker(exercise):
    """Each value, returned alone, as a pair, or inside a pair with a list, gets a CheckFailure or passes."""
    for value in MORE_ODD_VALUES:
        for returned in (value, (value, value), (1.0, [value, value])):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    checker(exercise)(lambda *args, _r=returned, **kwargs: _r)
            except checks.CheckFailure as failure:
                assert len(str(failure).split("\n")) <= _common.MAX_MESSAGE_LINES


def _key(args):
    return tuple(a.tobytes() if isinstance(a, np.ndarray) else repr(a) for a in args
                 if isinstance(a, (np.ndarray, float, int, str)))


@pytest.mark.parametrize("exercise", ["8.1", "8.4", "8.6", "8.8", "8.10", "8.11"])
def test_an_answer_tuned_to_the_public_inputs_fails_under_a_grading_seed(exercise):
    ref = reference(exercise)
    seen = {}

    def recorder(*args):
        seen[_key(args)] = result = ref(*args)
        return result

    passes(exercise, recorder)

    def memorised(*args):
        found = seen.get(_key(args))
        if found is None:
            first = next(iter(seen.values()))
            if isinstance(first, tuple):
                return 0.0, [np.zeros_like(g) for g in first[1]]
            return np.zeros_like(np.asarray(first, dtype=float))
        return found

    passes(exercise, memorised)
    with grading():
        assert_teaching_message(failure_message(checker(exercise), memorised), exercise)


def test_8_3_tuned_to_the_public_shapes_fails_under_a_grading_seed():
    public = {(3, 5), (5,), (5, 5), (2, 6), (1, 5), (4, 3)}

    def memorised(A, expected_shape, name="array"):
        if A.shape in public and A.shape != tuple(expected_shape):
            raise AssertionError(f"{name} has shape {A.shape}, expected {tuple(expected_shape)}")

    passes("8.3", memorised)
    with grading():
        assert_teaching_message(failure_message(checks.exercise_8_3, memorised), "8.3")


def test_planted_mistakes_cover_every_code_exercise_and_their_messages_teach():
    assert {m["exercise"] for m in nb08.PLANTED_MISTAKES} == set(CODE_EXERCISES)
    kinds = " ".join(m["kind"] for m in nb08.PLANTED_MISTAKES)
    assert "transposed hidden activations" in kinds and "1/n" in kinds and "transpose" in kinds
    for m in nb08.PLANTED_MISTAKES:
        assert "### BEGIN SOLUTION" in m["source"] and "### END SOLUTION" in m["source"]


@pytest.mark.parametrize("mistake", nb08.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    message = mistake_message(NOTEBOOK, mistake)
    assert_teaching_message(message, mistake["exercise"])


# ================================================================================ 8.1 the sheet's scale
def _scaled(scale_of_n, loss_scale=None, grads=lambda gs: gs):
    def answer(net, X, Y):
        n = X.shape[1]
        L = (loss_scale or scale_of_n)(n) * net.loss(X, Y, loss="mse")
        return L, grads([scale_of_n(n) * g for g in net.backward(Y, loss="mse")])
    return answer


def direct_sum(net, X, Y):
    Y_hat = net.forward(X)
    L = float(((Y_hat - Y) ** 2).sum())
    return L, [2 * Y.shape[1] * g for g in net.backward(Y, loss="mse")]


def loop_over_layers(net, X, Y):
    n = X.shape[1]
    E = net.loss(X, Y, loss="mse")
    grads = []
    for g in net.backward(Y, loss="mse"):
        grads.append(g * (2.0 * n))
    return [E * 2 * n, tuple(grads)]


@pytest.mark.parametrize("answer", [_scaled(lambda n: 2 * n), direct_sum, loop_over_layers,
                                    _scaled(lambda n: 2.0 * n, grads=tuple)],
                         ids=["scale", "direct sum", "loop and list", "tuple of grads"])
def test_8_1_correct_answers_pass(answer):
    passes("8.1", answer)


def central_by_hand(net, X, Y, eps=1e-6):
    def L():
        return float(((net.forward(X) - Y) ** 2).sum())
    grads = []
    for W in net.weights:
        g = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = L()
            W[idx] = old - eps
            down = L()
            W[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads.append(g)
    return L(), grads


@pytest.mark.parametrize("answer, needle", [
    (_scaled(lambda n: n), "factor 2 is missing"),
    (_scaled(lambda n: 2), "factor n is missing"),
    (_scaled(lambda n: 1), "library's own scale"),
    (_scaled(lambda n: 4 * n * n), "applied twice"),
    (_scaled(lambda n: 2 * n * n), "n times too large"),
    (_scaled(lambda n: n / 2), "4 times too small"),
    (_scaled(lambda n: 2 * n, loss_scale=lambda n: 1), "L is at the library's own scale"),
    (_scaled(lambda n: 1, loss_scale=lambda n: 2 * n), "library's own scale"),
    (_scaled(lambda n: -2 * n, loss_scale=lambda n: 2 * n), "the sheet's own slip"),
    (_scaled(lambda n: 2 * n, loss_scale=lambda n: -2 * n), "cannot be"),
    (_scaled(lambda n: 2 * n, grads=lambda gs: gs[::-1]), "wrong order"),
    (_scaled(lambda n: 2 * n, grads=lambda gs: gs[1:]), "one gradient per layer"),
    (_scaled(lambda n: 2 * n, grads=lambda gs: gs[0]), "one gradient per layer"),
    (_scaled(lambda n: 2 * n, grads=lambda gs: [gs[0].T, gs[1]]), "transposed"),
    (lambda net, X, Y: 2 * X.shape[1] * net.loss(X, Y, loss="mse"), "pair"),
    (lambda net, X, Y: (((net.forward(X) - Y) ** 2).sum(axis=1), net.backward(Y, loss="mse")), "single number"),
    (lambda net, X, Y: ((2 * X.shape[1] * net.loss(X, Y, loss="mse"), 0.0), []), "tuple of 2 values"),
    (central_by_hand, "agrees with backprop only"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_8_1_wrong_answers_are_rejected(answer, needle):
    rejected("8.1", answer, needle)


def test_8_1_refuses_numerical_gradients_and_names_the_wrong_loss():
    def numerical(net, X, Y):
        def L():
            return float(((net.forward(X) - Y) ** 2).sum())
        return L(), [tl.numerical_gradient(L, W) for W in net.weights]

    rejected("8.1", numerical, "write the maths yourself", "numerical_gradient")
    rejected_with_student_line("8.1", lambda net, X, Y: (net.loss(X, Y), net.backward(Y)), "ValueError")


# ================================================================================ 8.3 expect_shape
def shape_if(A, expected_shape, name="array"):
    if A.shape != tuple(expected_shape):
        raise AssertionError(f"{name}: shape {A.shape} is not {tuple(expected_shape)}")


@pytest.mark.parametrize("answer", [
    reference("8.3"),
    shape_if,
    lambda A, s, name="a": None if np.shape(A) == tuple(s) else (_ for _ in ()).throw(
        AssertionError(f"expected {tuple(s)} but {name} has {np.shape(A)}")),
], ids=["reference", "if-raise", "np.shape"])
def test_8_3_correct_answers_pass(answer):
    passes("8.3", answer)


def _assert_shape(test, message=True):
    """A student's expect_shape asserting ``test`` (source text, over ``shape`` and ``expected``).

    Defined from source so that pytest's assertion rewriting (which adds its own message) stays out.
    """
    text = 'f"{name} has shape {A.shape}, expected {tuple(expected_shape)}"' if message else '""'
    return define(f"""def expect_shape(A, expected_shape, name="array"):
    shape, expected = A.shape, tuple(expected_shape)
    assert {test}, {text}
""")


def value_error(A, expected_shape, name="array"):
    if A.shape != tuple(expected_shape):
        raise ValueError(f"{name} has shape {A.shape}, expected {tuple(expected_shape)}")


def returns_bool(A, expected_shape, name="array"):
    return A.shape == tuple(expected_shape)


def prints(A, expected_shape, name="array"):
    if A.shape != tuple(expected_shape):
        print(f"{name} has the wrong shape")


list_message = define('''def list_message(A, expected_shape, name="array"):
    assert A.shape == tuple(expected_shape), f"{name} has shape {list(A.shape)}, expected {list(expected_shape)}"
''')


@pytest.mark.parametrize("answer, needle", [
    (_assert_shape("np.prod(shape) == np.prod(expected)"), "same number of entries"),
    (_assert_shape("len(shape) == len(expected)"), "same number of entries"),
    (_assert_shape("shape[0] == expected[0]"), "Compare the whole shape tuple"),
    (_assert_shape("sorted(shape) == sorted(expected)"), "transposed"),
    (_assert_shape("shape == expected", message=False), "does not say which shapes"),
    (_assert_shape("shape == list(expected)"), "rejected an array of the right shape"),
    (_assert_shape("False"), "rejected an array of the right shape"),
    (_assert_shape("shape == expected[::-1]"), "rejected an array of the right shape"),
    (value_error, "should raise AssertionError"),
    (returns_bool, "instead of raising"),
    (prints, "accepted"),
    (list_message, "does not say which shapes"),
    (lambda A, s, name="a": None, "accepted"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_8_3_wrong_answers_are_rejected(answer, needle):
    with contextlib.redirect_stdout(io.StringIO()):
        rejected("8.3", answer, needle)


def test_8_3_a_type_error_names_the_students_line():
    compares_with_a_number = define('''def compares_with_a_number(A, expected_shape, name="array"):
    assert A.shape < 3, "too big"
''')

    rejected_with_student_line("8.3", compares_with_a_number, "TypeError")


# ================================================================================ 8.4 forward_rows
def rows_einsum(X_rows, W_rows, v):
    Z = tl.sigmoid(np.einsum("nd,kd->nk", X_rows, W_rows))
    return v[0, 0] + Z @ v[1:]


def rows_loop(X_rows, W_rows, v):
    out = np.zeros((X_rows.shape[0], 1))
    for i, x in enumerate(X_rows):
        z = [tl.sigmoid(np.array([[w @ x]]))[0, 0] for w in W_rows]
        out[i, 0] = v[0, 0] + sum(vj * zj for vj, zj in zip(v[1:, 0], z))
    return out


@pytest.mark.parametrize("answer", [reference("8.4"), rows_einsum, rows_loop,
                                    lambda X_rows, W_rows, v: np.column_stack(
                                        [np.ones(len(X_rows)), tl.sigmoid((W_rows @ X_rows.T).T)]) @ v],
                         ids=["reference", "einsum", "loop", "transpose afterwards"])
def test_8_4_correct_answers_pass(answer):
    passes("8.4", answer)


def _rows(hidden=lambda X, W: tl.sigmoid(X @ W.T), out=lambda Z, v: v[0, 0] + Z @ v[1:]):
    def forward_rows(X_rows, W_rows, v):
        return out(hidden(X_rows, W_rows), v)
    return forward_rows


def transposed_general(X_rows, W_rows, v):
    Z = tl.sigmoid(W_rows @ X_rows.T)          # (k, n): one row per unit
    return np.hstack([np.ones((Z.shape[0], 1)), Z]) @ v


def right_only_when_square(X_rows, W_rows, v):
    n, k = X_rows.shape[0], W_rows.shape[0]
    Z = tl.sigmoid(X_rows @ W_rows.T)
    if n != k:
        Z = Z.T                                # (k, n): the next product no longer fits
    return np.hstack([np.ones((n, 1)), Z]) @ v


@pytest.mark.parametrize("answer, needle", [
    (transposed_general, "the sheet's numbers"),
    (_rows(out=lambda Z, v: Z @ v[1:]), "output bias v[0] is missing"),
    (_rows(out=lambda Z, v: Z @ v[:-1] + v[-1, 0]), "FIRST entry"),
    (_rows(hidden=lambda X, W: X @ W.T), "sigmoid of the hidden layer is missing"),
    (_rows(out=lambda Z, v: tl.sigmoid(v[0, 0] + Z @ v[1:])), "output is linear"),
    (_rows(hidden=lambda X, W: np.maximum(X @ W.T, 0)), "sigmoid"),
    (_rows(hidden=lambda X, W: np.tanh(X @ W.T)), "not tanh"),
    (_rows(out=lambda Z, v: 2 * v[0, 0] + Z @ v[1:]), "added twice"),
    (_rows(hidden=lambda X, W: tl.sigmoid(X @ W) if X.shape[1] == W.shape[0] else tl.sigmoid(X @ W.T)),
     "pairs it with column j"),
    (_rows(out=lambda Z, v: (v[0, 0] + Z @ v[1:]).ravel()), "lost a dimension"),
    (_rows(out=lambda Z, v: (v[0, 0] + Z @ v[1:]).T), "transposed"),
    (_rows(out=lambda Z, v: Z), "shape"),
    (_rows(out=lambda Z, v: -(v[0, 0] + Z @ v[1:])), "wrong sign"),
    (lambda X_rows, W_rows, v: np.array([[0.05675], [0.05715], [0.05722]]), "does not match"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_8_4_wrong_answers_are_rejected(answer, needle):
    rejected("8.4", answer, needle)


def test_8_4_names_the_transpose_when_non_square_input_crashes():
    message = rejected_with_student_line("8.4", right_only_when_square, "raised ValueError", "transposed")
    assert "(n, k)" in message


def test_8_4_refuses_the_librarys_forward_pass():
    def library(X_rows, W_rows, v):
        return tl.MLP([W_rows.T, v], ["sigmoid", "identity"], hidden_bias=True).forward(X_rows.T).T

    rejected("8.4", library, "write the maths yourself", "MLP.forward")


# ================================================================================ 8.6 hidden-layer gradient
def hidden_per_sample(X, Y, W, V, output="identity"):
    dW = np.zeros_like(W)
    for i in range(X.shape[1]):
        x = X[:, i]
        z = 1.0 / (1.0 + np.exp(-(W.T @ x)))
        f2 = V.T @ z
        y_hat = 1.0 / (1.0 + np.exp(-f2)) if output == "sigmoid" else f2
        err = y_hat - Y[:, i]
        dW += np.outer(x, (V @ err) * z * (1 - z))
    return dW


def hidden_per_unit(X, Y, W, V, output="identity"):
    A = tl.sigmoid(W.T @ X)
    Y_hat = tl.sigmoid(V.T @ A) if output == "sigmoid" else V.T @ A
    columns = []
    for j in range(W.shape[1]):
        back = (V[j] @ (Y_hat - Y)) * A[j] * (1 - A[j])          # (n,)
        columns.append(X @ back)
    return np.column_stack(columns)


def hidden_chain_through_loss(X, Y, W, V, output="identity"):
    A = tl.sigmoid(W.T @ X)
    F2 = V.T @ A
    if output == "sigmoid":
        Y_hat = tl.sigmoid(F2)
        dY = -Y / Y_hat + (1 - Y) / (1 - Y_hat)
        dF2 = dY * Y_hat * (1 - Y_hat)
    else:
        dF2 = F2 - Y
    return X @ ((V @ dF2) * A * (1 - A)).T


@pytest.mark.parametrize("answer", [reference("8.6"), hidden_per_sample, hidden_per_unit, hidden_chain_through_loss],
                         ids=["reference", "per sample", "per unit", "through dE/dY_hat"])
def test_8_6_correct_answers_pass(answer):
    passes("8.6", answer)


def _hidden(out_act=None, out_slope=False, hidden_slope="a", use_v=True, scale=1.0, post=lambda g: g,
            same_columns=False):
    def answer(X, Y, W, V, output="identity"):
        act = output if out_act is None else out_act(output)
        A = tl.sigmoid(W.T @ X)
        F2 = V.T @ A
        Y_hat = tl.sigmoid(F2) if act == "sigmoid" else F2
        dF2 = Y_hat - Y
        if out_slope and output == "sigmoid":
            dF2 = dF2 * Y_hat * (1 - Y_hat)
        dA = V @ dF2 if use_v else dF2 * np.ones_like(A)
        slope = {"a": A * (1 - A), "f": (W.T @ X) * (1 - W.T @ X), "none": 1.0}[hidden_slope]
        dW = X @ (dA * slope).T
        if same_columns:
            dW = np.repeat(dW.sum(axis=1, keepdims=True), W.shape[1], axis=1)
        return post(scale * dW)
    return answer


def hidden_central_by_hand(X, Y, W, V, output="identity", eps=1e-6):
    def E(Wm):
        Y_hat = V.T @ tl.sigmoid(Wm.T @ X)
        if output == "sigmoid":
            Y_hat = tl.sigmoid(Y_hat)
            return -float((Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)).sum())
        return 0.5 * float(((Y_hat - Y) ** 2).sum())
    g = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        e = np.zeros_like(W)
        e[idx] = eps
        g[idx] = (E(W + e) - E(W - e)) / (2 * eps)
    return g


@pytest.mark.parametrize("answer, needle", [
    (_hidden(scale=1 / 5), "too small"),                      # a mean over the 5 samples of the first case
    (_hidden(scale=2.0), "twice"),
    (_hidden(hidden_slope="none"), "slope A(1 - A) of the hidden layer is missing"),
    (_hidden(hidden_slope="f"), "not from the pre-activations"),
    (_hidden(out_act=lambda o: "sigmoid" if o == "identity" else "identity"), "output named by the argument"),
    (_hidden(out_act=lambda o: "identity"), "output named by the argument"),
    (_hidden(out_slope=True), "do not multiply by it again"),
    (_hidden(use_v=False), "output weights are missing"),
    (_hidden(same_columns=True), "same gradient"),
    (_hidden(scale=-1.0), "wrong sign"),
    (_hidden(post=lambda g: g.T), "transposed"),
    (_hidden(post=lambda g: g.sum(axis=0)), "wrong shape"),
    (_hidden(post=lambda g: g[:, :1]), "shape"),
    (hidden_central_by_hand, "agrees with backprop only"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_8_6_wrong_answers_are_rejected(answer, needle):
    rejected("8.6", answer, needle)


def test_8_6_the_first_public_problem_has_five_samples():
    # The scale mistake above is named for a mean over the samples of the first public problem.
    assert nb08._hidden_problem(5, 2, 3, 1, "identity", 861)[0].shape == (3, 5)


def test_8_6_refuses_the_librarys_backward_and_numerical_gradients():
    def library(X, Y, W, V, output="identity"):
        net = tl.MLP([W, V], ["sigmoid", output])
        net.forward(X)
        return X.shape[1] * net.backward(Y, loss="mse" if output == "identity" else "bce")[0]

    def numerical(X, Y, W, V, output="identity"):
        return tl.numerical_gradient(lambda: 0.5 * float(((V.T @ tl.sigmoid(W.T @ X) - Y) ** 2).sum()), W)

    rejected("8.6", library, "write the maths yourself", "MLP.backward")
    rejected("8.6", numerical, "write the maths yourself", "numerical_gradient")


def test_8_6_the_wrong_product_order_names_the_students_line():
    def v_transposed(X, Y, W, V, output="identity"):
        A = tl.sigmoid(W.T @ X)
        dF1 = (V.T @ (V.T @ A - Y)) * A * (1 - A)
        return X @ dF1.T

    rejected_with_student_line("8.6", v_transposed, "ValueError")


# ================================================================================ 8.8 the Jacobian of F(G(a, b))
@pytest.mark.parametrize("answer", [
    reference("8.8"),
    lambda a, b: np.array([[6 * a * b - 15 * b ** 2, 3 * a ** 2 - 30 * a * b], [b - 1, a + 1]]),
    lambda a, b: [[6 * a * b - 15 * b ** 2, 3 * a ** 2 - 30 * a * b], [b - 1, a + 1]],
    lambda a, b: np.einsum("rc,cs->rs", np.array([[3 * a * b, 3 * (a - 5 * b), 0], [0, 1, -1]]),
                           np.array([[1, -5], [b, a], [1, -1]])),
], ids=["reference", "expanded", "nested list", "einsum"])
def test_8_8_correct_answers_pass(answer):
    passes("8.8", answer)


def _jac(dF, dG=lambda a, b: np.array([[1.0, -5.0], [b, a], [1.0, -1.0]]), post=lambda J: J):
    def answer(a, b):
        return post(np.array(dF(a, b), dtype=float) @ dG(a, b))
    return answer


def _dF(a, b, third=0.0, f2e=-1.0):
    return [[3 * a * b, 3 * (a - 5 * b), third], [0.0, 1.0, f2e]]


def jac_central_by_hand(a, b, eps=1e-6):
    def F(a_, b_):
        c, d, e = a_ - 5 * b_, a_ * b_, a_ - b_
        return np.array([3 * c * d, d - e])
    return np.column_stack([(F(a + eps, b) - F(a - eps, b)) / (2 * eps), (F(a, b + eps) - F(a, b - eps)) / (2 * eps)])


@pytest.mark.parametrize("answer, needle", [
    (_jac(lambda a, b: _dF(a, b, third=3 * a * b)), "the sheet's result"),
    (_jac(lambda a, b: _dF(a, b, f2e=1.0)), "dF2/de = -1"),
    (_jac(_dF, dG=lambda a, b: np.array([[1.0, -5.0], [a, b], [1.0, -1.0]])), "dd/da = b"),
    (_jac(lambda a, b: [[3 * (a - 5 * b), 3 * a * b, 0.0], [0.0, 1.0, -1.0]]), "dF1/dc = 3d"),
    (_jac(_dF, post=lambda J: J[:, ::-1]), "columns are swapped"),
    (_jac(_dF, post=lambda J: J[::-1]), "rows are swapped"),
    (_jac(_dF, post=lambda J: J.T), "transposed"),
    (_jac(_dF, post=lambda J: -J), "wrong sign"),
    (lambda a, b: np.array(_dF(a, b)), "shape"),
    (lambda a, b: np.array([3 * (a - 5 * b) * a * b, a * b - (a - b)]), "shape"),
    (lambda a, b: np.array([[1.0, -5.0], [b, a], [1.0, -1.0]]), "shape"),
    (lambda a, b: np.array([[6.0, -8.0], [0.0, 3.0]]), "does not match"),     # the values at (2, 1)
    (jac_central_by_hand, "agrees with backprop only"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_8_8_wrong_answers_are_rejected(answer, needle):
    rejected("8.8", answer, needle)


def test_8_8_refuses_the_librarys_numerical_jacobian():
    def numerical(a, b):
        return tl.gradcheck.numerical_jacobian(lambda t: np.array([3 * (t[0] - 5 * t[1]) * t[0] * t[1],
                                                                   t[0] * t[1] - t[0] + t[1]]), [a, b])

    rejected("8.8", numerical, "write the maths yourself", "numerical_jacobian")


# ================================================================================ 8.10 and 8.11 softmax
def _p(z):
    return tl.softmax(np.asarray(z, dtype=float).reshape(-1, 1))[:, 0]


def own_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@pytest.mark.parametrize("answer", [
    reference("8.10"),
    lambda z: np.diag(_p(z)) - np.outer(_p(z), _p(z)),
    lambda z: np.array([[_p(z)[j] * ((i == j) - _p(z)[i]) for i in range(z.size)] for j in range(z.size)]),
    lambda z: np.diag(own_softmax(z)) - np.outer(own_softmax(z), own_softmax(z)),
], ids=["reference", "diag-outer", "loops", "own stable softmax"])
def test_8_10_correct_answers_pass(answer):
    passes("8.10", answer)


def _central_jac(fn, z, eps=1e-6):
    return np.column_stack([(fn(z + eps * e) - fn(z - eps * e)) / (2 * eps) for e in np.eye(z.size)])


def naive_softmax_jacobian(z):
    e = np.exp(z)
    p = e / e.sum()
    return np.diag(p) - np.outer(p, p)


@pytest.mark.parametrize("answer, needle", [
    (lambda z: np.diag(_p(z) * (1 - _p(z))), "only the diagonal"),
    (lambda z: np.diag(_p(z)), "diagonal matrix of p alone"),
    (lambda z: -np.outer(_p(z), _p(z)), "diagonal term is missing"),
    (lambda z: np.diag(_p(z)) + np.outer(_p(z), _p(z)), "not added"),
    (lambda z: _p(z)[:, None] * (np.eye(z.size) - _p(z)[:, None]), "index slip"),
    (lambda z: np.eye(z.size) - _p(z)[None, :], "log-softmax Jacobian"),
    (lambda z: np.diag(z) - np.outer(z, z), "logits z"),
    (lambda z: np.eye(z.size) - np.ones((z.size, z.size)), "wrong axis"),
    (lambda z: -(np.diag(_p(z)) - np.outer(_p(z), _p(z))), "wrong sign"),
    (lambda z: (np.diag(_p(z)) - np.outer(_p(z), _p(z)))[:, :1], "shape"),
    (lambda z: (np.diag(_p(z)) - np.outer(_p(z), _p(z))).ravel(), "lost a dimension"),
    (naive_softmax_jacobian, "overflow"),
    (lambda z: _central_jac(_p, z), "agrees with backprop only"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_8_10_wrong_answers_are_rejected(answer, needle):
    with np.errstate(over="ignore", invalid="ignore"):
        rejected("8.10", answer, needle)


def test_8_10_unnormalised_exponentials_are_named():
    rejected("8.10", lambda z: np.diag(np.exp(z - z.max())) - np.outer(np.exp(z - z.max()), np.exp(z - z.max())),
             "does not match")
    with np.errstate(over="ignore", invalid="ignore"):
        rejected("8.10", lambda z: np.diag(np.exp(z)) - np.outer(np.exp(z), np.exp(z)), "unnormalised")


def _log_softmax_from_logsumexp(z):
    lse = z.max() + np.log(np.exp(z - z.max()).sum())
    return np.eye(z.size) - np.exp(z - lse)[None, :]


@pytest.mark.parametrize("answer", [
    reference("8.11"),
    lambda z: np.array([[(i == j) - _p(z)[i] for i in range(z.size)] for j in range(z.size)]),
    lambda z: np.eye(z.size) - np.tile(own_softmax(z), (z.size, 1)),
    lambda z: np.eye(z.size) - scipy.special.softmax(z)[None, :],
    _log_softmax_from_logsumexp,
], ids=["reference", "loops", "tile", "scipy softmax", "via logsumexp"])
def test_8_11_correct_answers_pass(answer):
    passes("8.11", answer)
    with grading():
        passes("8.11", answer)


def test_8_11_rows_of_the_softmax_jacobian_divided_by_p_fail_where_p_underflows():
    """Dividing row j of the softmax Jacobian by p_j is right on paper, and in floating point for ordinary logits;
    for a logit about 1000 below the largest, p_j is 0 and the row is 0/0.  Named as such."""
    rows_divided = lambda z: (np.diag(_p(z)) - np.outer(_p(z), _p(z))) / _p(z)[:, None]   # noqa: E731
    with np.errstate(invalid="ignore"):
        message = rejected("8.11", rows_divided, "rows 0, 3 and 4 have nan or inf", "0 divided by 0",
                           "z = [0, 1000, 999, -1000, 1]")
    assert "no division by p_j" in message
    with np.errstate(invalid="ignore"):      # the same answer on the ordinary logits alone is right
        np.testing.assert_allclose(rows_divided(np.array([0.5, -1.0, 2.0])),
                                   reference("8.11")(np.array([0.5, -1.0, 2.0])), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("answer, needle", [
    (lambda z: np.eye(z.size) - _p(z)[:, None], "the sheet's index slip"),
    (lambda z: np.eye(z.size) - np.diag(_p(z)), "only the diagonal of p"),
    (lambda z: (np.diag(_p(z)) - np.outer(_p(z), _p(z))) / _p(z)[None, :], "dividing columns"),
    (lambda z: np.diag(_p(z)) - np.outer(_p(z), _p(z)), "softmax Jacobian itself"),
    (lambda z: np.diag(1 - _p(z)), "only the diagonal"),
    (lambda z: np.eye(z.size) - np.outer(_p(z), _p(z)), "belongs to the softmax Jacobian"),
    (lambda z: _p(z)[None, :] - np.eye(z.size), "wrong sign"),
    (lambda z: np.eye(z.size) - _p(z), None),                                # broadcast: this one is right
    (lambda z: np.log(np.abs(np.diag(_p(z)) - np.outer(_p(z), _p(z)))), "does not match"),
    (lambda z: np.eye(z.size)[:-1] - _p(z), "shape"),
    (lambda z: _central_jac(lambda w: np.log(_p(w)), z), "agrees with backprop only"),
], ids=lambda v: v if isinstance(v, str) else "right")
def test_8_11_wrong_answers_are_rejected(answer, needle):
    if needle is None:
        passes("8.11", answer)
        return
    rejected("8.11", answer, needle)


# ------------------------------------------------------------------ 8.10 and 8.11: logits mixing +1000 and -1000
def _shifted(shift):
    """A softmax that subtracts ``shift(z)`` (instead of the largest logit) before exponentiating."""
    def softmax(z):
        e = np.exp(z - shift(z))
        return e / e.sum()
    return softmax


SHIFTS = {
    "by z[0] (red team)": lambda z: z[0],
    "by the mean (red team)": lambda z: z.mean(),
    "by the last logit": lambda z: z[-1],
    "by the smallest logit": lambda z: z.min(),
    "by the median": lambda z: np.median(z),
}
ANSWERS = {
    "8.10": lambda softmax: (lambda z: np.diag(softmax(z)) - np.outer(softmax(z), softmax(z))),
    "8.11": lambda softmax: (lambda z: np.eye(z.size) - softmax(z)[None, :]),
}


@pytest.mark.parametrize("exercise", ["8.10", "8.11"])
@pytest.mark.parametrize("shift", sorted(SHIFTS))
def test_8_10_and_8_11_a_softmax_shifted_by_anything_but_the_max_is_named(exercise, shift):
    answer = ANSWERS[exercise](_shifted(SHIFTS[shift]))
    with np.errstate(all="ignore"):
        message = rejected(exercise, answer, "has nan or inf entries", "LARGEST logit", "expected: finite numbers")
    assert "1000" in message.split("\n")[0], message             # the sample that overflowed is shown
    with grading(), np.errstate(all="ignore"):
        rejected(exercise, answer, "has nan or inf entries")


@pytest.mark.parametrize("exercise", ["8.10", "8.11"])
def test_8_10_and_8_11_a_max_shifted_softmax_passes_the_mixed_logits_exactly(exercise):
    for softmax in (own_softmax, scipy.special.softmax, _p, _shifted(lambda z: z.max())):
        passes(exercise, ANSWERS[exercise](softmax))
        with grading():
            passes(exercise, ANSWERS[exercise](softmax))


def test_8_10_and_8_11_the_mixed_logits_overflow_every_other_shift():
    mixed, first_low = nb08._MIXED_PUBLIC
    with np.errstate(all="ignore"):
        assert not np.isfinite(_shifted(lambda z: z[0])(mixed)).all()
        assert not np.isfinite(_shifted(lambda z: z.mean())(mixed)).all()
        assert not np.isfinite(_shifted(lambda z: z[0])(first_low)).all()      # first entry far below the others
    np.testing.assert_array_equal(own_softmax(mixed), _p(mixed))
    for seed in (104, 105, 123456):
        for first_low_ in (False, True):
            z = nb08._mixed_logits(5, first_low_, seed)
            assert z.max() - z[0] > 710 and z.max() - z.mean() > 710 and np.isfinite(own_softmax(z)).all()


@pytest.mark.parametrize("exercise", ["8.10", "8.11"])
def test_8_10_and_8_11_an_answer_tuned_to_the_public_mixed_logits_fails_when_graded(exercise):
    public = [z.tobytes() for z in nb08._MIXED_PUBLIC]
    careless = _shifted(lambda z: z.max() if z.tobytes() in public or z.max() - z.min() < 100 else z[0])
    answer = ANSWERS[exercise](careless)
    passes(exercise, answer)
    with grading(), np.errstate(all="ignore"):
        rejected(exercise, answer, "has nan or inf entries")


@pytest.mark.parametrize("exercise", ["8.10", "8.11"])
def test_8_10_and_8_11_refuse_the_librarys_jacobians(exercise):
    rejected(exercise, lambda z: tl.softmax_jacobian(z) / (_p(z)[:, None] if exercise == "8.11" else 1.0),
             "write the maths yourself", "softmax_jacobian")
    rejected(exercise, lambda z: tl.gradcheck.numerical_jacobian(_p, z), "write the maths yourself")


# ================================================================================ table and figure
def test_comparison_table_verdicts_allow_for_rounding():
    table = plotting.comparison_table([
        ("agrees at 4 decimals", 0.0570, 0.05704, 4),
        ("off in the 4th decimal", 0.0574, 0.05675, 4, "transposed"),
        ("not given", None, 1.0, 2),
    ])
    text = str(table)
    assert text.count("agrees") == 2 and "WRONG" in text and "not given" in text
    assert table.n_wrong == 1
    assert "-0.00065" in text and "0.05675" in text
    assert "<table>" in table._repr_html_() and "transposed" in table._repr_html_()
    assert "-0.00000" not in str(plotting.comparison_table([("tiny", 0.5, 0.5 - 1e-9, 5)]))


def test_audit_figure_draws():
    A = np.arange(9.0).reshape(3, 3) / 10
    fig, axes = plotting.figure(ncols=3)
    plotting.transposed_activations(A.T, A, ax=axes[:2])
    plotting.prediction_comparison([0.05675, 0.05715, 0.05722], [0.0574, 0.0570, 0.0569], ax=axes[2])
    fig.canvas.draw()
    for ax in axes:
        assert ax.get_xlabel() or ax.get_ylabel(), "every panel labels its axes"
        assert ax.images or ax.lines or ax.patches or ax.collections, "every panel draws something"
    assert axes[0].get_ylabel() and axes[2].get_ylabel()
    plt.close(fig)


# ================================================================================ the checker's own helpers
@pytest.mark.parametrize("exercise, answer", [
    ("8.4", lambda X_rows, W_rows, v: nb08._rows_forward(X_rows, W_rows, v)),
    ("8.6", lambda X, Y, W, V, output="identity": nb08._hidden_backward(X, Y, W, V, output)),
    ("8.8", lambda a, b: nb08._composite(a, b)),
    ("8.10", lambda z: np.diag(nb08._softmax_vector(z)) - np.outer(nb08._softmax_vector(z), nb08._softmax_vector(z))),
    ("8.11", lambda z: np.eye(z.size) - nb08._softmax_vector(z)[None, :]),
], ids=["8.4 _rows_forward", "8.6 _hidden_backward", "8.8 _composite", "8.10 _softmax_vector",
        "8.11 _softmax_vector"])
def test_calls_into_the_checkers_own_references_are_refused(exercise, answer):
    rejected(exercise, answer, "write the maths yourself")
