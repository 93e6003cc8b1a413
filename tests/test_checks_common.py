"""The checker framework diagnoses the classic backprop mistakes with a teaching message."""

import numpy as np
import pytest

from tutorial_lib.checks._common import CheckFailure, call_student, expect_array, expect_close, passed

REF = np.array([[0.1, -0.2, 0.3, 0.05]])


def _message(got, expected=REF, **kwargs):
    with pytest.raises(AssertionError) as info:
        expect_array("1.3", "dE/df", got, expected, **kwargs)
    assert isinstance(info.value, CheckFailure)
    return str(info.value)


def test_match_passes_and_returns_the_array():
    out = expect_array("1.3", "dE/df", REF.tolist(), REF, n=4)
    np.testing.assert_array_equal(out, REF)


def test_missing_one_over_n():
    msg = _message(REF * 4, n=4)
    assert "4 times too large" in msg and "1/n is missing" in msg
    assert "expected:" in msg and "got:" in msg and "worst entry (0, 2)" in msg


def test_doubled_one_over_n():
    assert "divided by n twice" in _message(REF / 4, n=4)


def test_flipped_sign():
    assert "wrong sign" in _message(-REF, n=4)


def test_transposed_vector_and_square():
    assert "transposed" in _message(REF.T)
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transposed" in _message(square.T, expected=square)


def test_broadcast_to_n_by_n():
    msg = _message(np.ones((4, 4)))
    assert "broadcast to (n, n)" in msg and "(1, 4)" in msg and "(4, 4)" in msg


def test_lost_dimension_and_none():
    assert "lost a dimension" in _message(REF[0])
    assert "forget the `return`" in _message(None)


def test_known_mistake_variant_and_fallback_hint():
    swapped = REF * 3
    assert "alpha and beta are swapped" in _message(swapped, mistakes=[(swapped, "alpha and beta are swapped")])
    assert "look at the bias row" in _message(REF + 1, hint="look at the bias row")


def test_expect_close_scalar():
    assert expect_close("1.1", "E", 0.16425, 0.16425) == pytest.approx(0.16425)
    with pytest.raises(AssertionError, match=r"single number"):
        expect_close("1.1", "E", [0.1, 0.2], 0.16425)


def test_call_student_reports_in_place_changes():
    def bad(x):
        x *= 2
        return x

    with pytest.raises(AssertionError, match=r"changed its input"):
        call_student("1.2", bad, np.ones(3))
    with pytest.raises(NotImplementedError):
        call_student("1.2", lambda x: (_ for _ in ()).throw(NotImplementedError()), np.ones(3))


def test_passed_line(capsys):
    passed("2.4")
    assert capsys.readouterr().out == "Exercise 2.4: passed the public checks.\n"


# ------------------------------------------------------------------------------------------ calling the student
def _refused(fn, *args, forbid=(), **kwargs):
    with pytest.raises(CheckFailure) as info:
        call_student("1.3", fn, *args, forbid=forbid, **kwargs)
    return str(info.value)


def test_a_forbidden_library_call_is_refused_under_any_alias_and_in_a_thread():
    import concurrent.futures

    import tutorial_lib as tl
    from tutorial_lib.losses import bce_grad as renamed

    Y_hat, Y = np.array([[0.2, 0.7]]), np.array([[0.0, 1.0]])
    for student in (lambda a, b: tl.bce_grad(a, b), lambda a, b: renamed(a, b),
                    lambda a, b: concurrent.futures.ThreadPoolExecutor(1).submit(tl.bce_grad, a, b).result()):
        message = _refused(student, Y_hat, Y, forbid=[tl.bce_grad])
        assert "your function calls tl.bce_grad, the library's own answer" in message


def test_switching_the_watch_off_is_refused():
    import sys

    import tutorial_lib as tl

    def student(a, b):
        sys.setprofile(None)
        return tl.bce_grad(a, b)

    message = _refused(student, np.array([[0.2]]), np.array([[1.0]]), forbid=[tl.bce_grad])
    assert "switched off the check's watch" in message
    assert sys.getprofile() is None


def test_the_checkers_own_helpers_are_refused_but_what_they_hand_over_is_not():
    from tutorial_lib.checks import nb99

    message = _refused(lambda x: nb99._one_number("99.3", lambda v: 2 * v, 6.0, "x"), 3)
    assert "tutorial_lib.checks.nb99._one_number" in message

    # The same helper, handed to the student by the checker, may be called: that is what it is for.
    assert call_student("1.3", lambda f: f("99.3", lambda v: 2 * v, 6.0, "x") or "called", nb99._one_number) == "called"
