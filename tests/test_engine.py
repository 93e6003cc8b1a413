"""tutorial_lib.engine: every operation and composed expressions against central differences,
the differentiation quiz against numpy, the rules hook, and the graph drawing."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tutorial_lib import engine  # noqa: E402
from tutorial_lib.engine import Value, cos, exp, log, sin, value_and_grad  # noqa: E402

H = 1e-6
RTOL = 1e-6


def central(f, args, j):
    up, down = list(args), list(args)
    up[j] += H
    down[j] -= H
    return (f(*up) - f(*down)) / (2 * H)


def numeric_grads(fn, args):
    """Central differences of fn evaluated on plain numbers through the engine's forward pass."""
    return [central(lambda *xs: fn(*[Value(v) for v in xs]).data, args, j) for j in range(len(args))]


# op name -> (expression, points)
OP_CASES = {
    "add": (lambda a, b: a + b, [(1.3, -0.4), (-2.0, 0.7)]),
    "mul": (lambda a, b: a * b, [(1.3, -0.4), (-2.0, 0.7)]),
    "neg": (lambda a: -a, [(1.3,), (-0.2,)]),
    "sub": (lambda a, b: a - b, [(1.3, -0.4), (-2.0, 0.7)]),
    "div": (lambda a, b: a / b, [(1.3, -0.4), (-2.0, 0.7)]),
    "pow": (lambda a: a ** 3, [(1.3,), (-0.6,)]),
    "exp": (lambda a: exp(a), [(1.3,), (-0.6,)]),
    "log": (lambda a: log(a), [(1.3,), (0.2,)]),
    "sin": (lambda a: sin(a), [(1.3,), (-2.5,)]),
    "cos": (lambda a: cos(a), [(1.3,), (-2.5,)]),
}


def test_every_op_has_a_case_and_a_rule():
    assert set(OP_CASES) == set(engine.OPS) == set(engine.BACKWARD_RULES)


@pytest.mark.parametrize("op", engine.OPS)
def test_each_op_against_central_differences(op):
    fn, points = OP_CASES[op]
    for args in points:
        leaves = [Value(a) for a in args]
        out = fn(*leaves)
        assert out.op == op
        out.backward()
        np.testing.assert_allclose([v.grad for v in leaves], numeric_grads(fn, args), rtol=RTOL, atol=1e-8)


@pytest.mark.parametrize("k", [2, 3, -1, 0.5, 2.5, 0])
def test_pow_by_constants(k):
    _, (g,) = value_and_grad(lambda a: a ** k, 1.7)
    assert g == pytest.approx(k * 1.7 ** (k - 1), rel=1e-12)


COMPOSED = [
    ("J of the slides", lambda x: cos(sin(x ** 2) + 3 * x ** 2), (1.0,)),
    ("x * x", lambda x: x * x, (-1.3,)),
    ("shared node", lambda a, b: a * b + a, (2.0, 3.0)),
    ("constants on both sides", lambda x: 2 - x + 3 / x - (1 + x) * 0.5, (1.4,)),
    ("chain of functions", lambda x: exp(sin(x)) * log(x ** 2 + 1) + cos(x) ** 3, (0.8,)),
    ("quotient of sums", lambda a, b: (a + b) / (a - b) - -a, (2.5, 0.5)),
]


@pytest.mark.parametrize("name, fn, args", COMPOSED, ids=[c[0] for c in COMPOSED])
def test_composed_expressions(name, fn, args):
    _, grads = value_and_grad(fn, *args)
    np.testing.assert_allclose(grads, numeric_grads(fn, args), rtol=1e-6, atol=1e-8)


def test_table_of_the_slides_at_x_equal_1():
    x = Value(1.0)
    t = x ** 2
    u1, u2 = sin(t), 3 * t
    u = u1 + u2
    J = cos(u)
    J.backward()
    dJ_du = -math.sin(3 + math.sin(1))
    assert u.grad == pytest.approx(dJ_du)
    assert u1.grad == pytest.approx(dJ_du) and u2.grad == pytest.approx(dJ_du)
    assert t.grad == pytest.approx(dJ_du * (math.cos(1) + 3))
    assert x.grad == pytest.approx(dJ_du * (math.cos(1) + 3) * 2)
    assert round(x.grad, 4) == 4.5608


def quiz_numpy(x, z):
    return np.exp(x * z) + x * z / np.log(x) + np.sin(np.log(x)) / (x * z)


def quiz_closed_form(x, z):
    L = np.log(x)
    dx = z * np.exp(x * z) + z / L - z / L ** 2 + (np.cos(L) - np.sin(L)) / (x ** 2 * z)
    dz = x * np.exp(x * z) + x / L - np.sin(L) / (x * z ** 2)
    return dx, dz


@pytest.mark.parametrize("x, z", [(2.0, 3.0), (1.5, 0.8), (3.0, 0.4)])
def test_quiz_against_numpy(x, z):
    def fn(x, z):
        xz = x * z
        lx = log(x)
        return exp(xz) + xz / lx + sin(lx) / xz

    value, grads = value_and_grad(fn, x, z)
    assert value == pytest.approx(quiz_numpy(x, z), rel=1e-12)
    np.testing.assert_allclose(grads, quiz_closed_form(x, z), rtol=1e-12)
    fd = [(quiz_numpy(x + H, z) - quiz_numpy(x - H, z)) / (2 * H),
          (quiz_numpy(x, z + H) - quiz_numpy(x, z - H)) / (2 * H)]
    np.testing.assert_allclose(grads, fd, rtol=1e-6)


def test_quiz_answers_to_the_nearest_integer():
    dx, dz = quiz_closed_form(2.0, 3.0)
    assert (round(dx), round(dz)) == (1208, 810)
    # The exponential term alone would round to (1210, 807): the other terms matter.
    assert (round(3 * np.exp(6)), round(2 * np.exp(6))) == (1210, 807)


def test_backward_twice_gives_the_same_gradients():
    x = Value(0.7)
    y = x * x + sin(x)
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == first == pytest.approx(2 * 0.7 + math.cos(0.7))


def test_topological_order_puts_parents_first_and_each_node_once():
    x = Value(1.0, label="x")
    t = x ** 2
    y = sin(t) + 3 * t + t * t
    order = y.topological_order()
    assert order[-1] is y
    assert len(order) == len({id(n) for n in order})
    where = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            assert where[id(p)] < where[id(n)]


def test_long_chain_has_no_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y + x
    y.backward()
    assert x.grad == 5001


def test_rules_hook_replaces_one_rule_for_one_call():
    calls = []

    def my_mul(node):
        calls.append(node)
        engine.BACKWARD_RULES["mul"](node)

    x = Value(3.0)
    y = x * x
    y.backward(rules={"mul": my_mul})
    assert x.grad == 6.0 and calls == [y]
    y.backward()
    assert len(calls) == 1


def test_overwriting_rule_loses_a_contribution():
    def overwriting_mul(node):
        a, b = node.parents
        a.grad = node.grad * b.data
        b.grad = node.grad * a.data

    x = Value(3.0)
    y = x * x
    y.backward(rules={"mul": overwriting_mul})
    assert x.grad == 3.0


def test_rules_are_validated():
    y = Value(1.0) * 2
    with pytest.raises(ValueError, match="unknown operations"):
        y.backward(rules={"tanh": lambda node: None})
    with pytest.raises(TypeError, match="must be a function"):
        y.backward(rules={"mul": 3})


def test_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="positive"):
        log(Value(-1.0))
    with pytest.raises(TypeError, match="constant power"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="negative base"):
        Value(-2.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(TypeError, match="real number"):
        Value("3")
    with pytest.raises(ValueError, match="finite"):
        Value(float("nan"))
    with pytest.raises(TypeError, match="must return a Value"):
        value_and_grad(lambda x: 3.0, 1.0)


def test_repr_is_short_and_stable():
    x = Value(1.0, label="x")
    y = (x * 2).named("y")
    y.backward()
    assert repr(x) == "Value('x', data=1, grad=2)"
    assert repr(y) == "Value('y', data=2, grad=1, op='mul')"


def test_graph_layout_and_drawing():
    from tutorial_lib.plotting import draw_graph, graph_layout

    x, z = Value(2.0, label="x"), Value(3.0, label="z")
    xz, lx = x * z, log(x)
    y = exp(xz) + xz / lx + sin(lx) / xz
    y.backward()
    positions, routes = graph_layout(y)
    for n in y.topological_order():
        for p in n.parents:
            assert positions[id(p)][0] < positions[id(n)][0]
            assert len(routes[(id(p), id(n))]) == positions[id(n)][0] - positions[id(p)][0] - 1
    ax = draw_graph(y, title="quiz")
    texts = [t.get_text() for t in ax.texts]
    assert "grad 1208.3812" in texts and "grad 809.7075" in texts
    plt.close(ax.figure)
