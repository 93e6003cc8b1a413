"""tutorial_lib.engine: every operation and composed expressions against central differences,
the differentiation quiz against numpy, the rules hook, and the graph drawing."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import engine  # noqa: E402
from tutorial_lib.engine import Value, cos, exp, log, maximum, relu, sin, tanh, value_and_grad  # noqa: E402

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
    "relu": (lambda a: relu(a), [(1.3,), (-0.6,)]),
    "tanh": (lambda a: tanh(a), [(1.3,), (-2.5,)]),
    "max": (lambda a, b: maximum(a, b), [(1.3, -0.4), (-2.0, 0.7)]),
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
    """The quiz's answer at x = 2, z = 3, rounded as the quiz asks, from the engine's backward pass.

    By hand: dy/dx = z e^(xz) + z/ln x - z/(ln x)^2 + (cos ln x - sin ln x)/(x^2 z)
    = 1210.29 + 4.33 - 6.24 + 0.01 = 1208.38 and dy/dz = x e^(xz) + x/ln x - sin(ln x)/(x z^2)
    = 806.86 + 2.89 - 0.04 = 809.71, so (1208, 810).  The exponential term alone gives
    (3 e^6, 2 e^6) = (1210.29, 806.86), which rounds to (1210, 807): an engine that loses the
    contributions of the other paths through the shared nodes x z and ln x gives a wrong answer."""
    value, (dx, dz) = value_and_grad(lambda x, z: exp(x * z) + x * z / log(x) + sin(log(x)) / (x * z), 2.0, 3.0)
    assert (round(dx), round(dz)) == (1208, 810)
    assert value == pytest.approx(math.exp(6) + 6 / math.log(2) + math.sin(math.log(2)) / 6, rel=1e-14)
    # With the shared nodes xz = x z and lx = ln x written once, as in the lecture's graph.
    x, z = Value(2.0), Value(3.0)
    xz, lx = x * z, log(x)
    y = exp(xz) + xz / lx + sin(lx) / xz
    y.backward()
    assert (round(x.grad), round(z.grad)) == (1208, 810)
    assert (x.grad, z.grad) == pytest.approx((dx, dz), rel=1e-14)
    _, (ex, ez) = value_and_grad(lambda x, z: exp(x * z), 2.0, 3.0)
    assert (round(ex), round(ez)) == (1210, 807)


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
        y.backward(rules={"sigmoid": lambda node: None})
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


# ---------------------------------------------------------------------- the gates of a neural network
@pytest.mark.parametrize("a, expected", [(1.7, 1.0), (-0.3, 0.0), (0.0, 0.0)])
def test_relu_passes_or_blocks_the_gradient(a, expected):
    value, (g,) = value_and_grad(lambda x: relu(x) * 3, a)
    assert value == pytest.approx(3 * max(a, 0.0))
    assert g == 3 * expected      # slope 1 for a positive input, 0 elsewhere (the kink counts as 0)


@pytest.mark.parametrize("a", [-2.0, -0.4, 0.0, 0.9, 3.0])
def test_tanh_slope_is_one_minus_the_square_of_its_output(a):
    _, (g,) = value_and_grad(tanh, a)
    assert g == pytest.approx(1.0 / math.cosh(a) ** 2, rel=1e-13)


def test_max_routes_the_whole_gradient_to_the_larger_input():
    _, grads = value_and_grad(lambda a, b: 5 * maximum(a, b), 0.2, 1.1)
    assert grads == (0.0, 5.0)
    _, grads = value_and_grad(lambda a, b: 5 * maximum(a, b), 1.1, 0.2)
    assert grads == (5.0, 0.0)
    _, grads = value_and_grad(lambda a, b: maximum(a, b), 0.5, 0.5)   # a tie: the first input
    assert grads == (1.0, 0.0)
    assert maximum(Value(1.0), 3).data == 3.0 and maximum(2, Value(1.0)).data == 2.0


def test_add_distributes_mul_swaps_max_routes():
    # f = 3 (x y + max(z, w)) at the inputs of notebook 00, by hand: x gets 3y, y gets 3x, only w gets 3.
    _, grads = value_and_grad(lambda x, y, z, w: 3 * (x * y + maximum(z, w)), 2.0, -1.5, -1.0, 0.5)
    assert grads == (-4.5, 6.0, 0.0, 3.0)


GATE_COMPOSED = [
    ("relu of a product", lambda x, y: relu(x * y) + tanh(y) * x, (0.7, -1.3)),
    ("max of two paths", lambda x, y: maximum(tanh(x) * y, relu(y - x)) * x, (0.4, 1.5)),
    ("a node used by every gate", lambda x: relu(x) * tanh(x) + maximum(x, x * x), (0.8,)),
]


@pytest.mark.parametrize("name, fn, args", GATE_COMPOSED, ids=[c[0] for c in GATE_COMPOSED])
def test_gates_in_composed_expressions(name, fn, args):
    _, grads = value_and_grad(fn, *args)
    np.testing.assert_allclose(grads, numeric_grads(fn, args), rtol=1e-6, atol=1e-8)


def test_quiz_graph_names_its_nodes_and_matches_the_closed_form():
    y, nodes = engine.quiz_graph(2.0, 3.0)
    assert set(nodes) == {"x", "z", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "y"}
    y.backward()
    assert y.data == pytest.approx(quiz_numpy(2.0, 3.0), rel=1e-14)
    np.testing.assert_allclose([nodes["x"].grad, nodes["z"].grad], quiz_closed_form(2.0, 3.0), rtol=1e-13)
    # v1 = x z feeds three operations and v2 = log x two: their grads sum the contributions
    v1, v2 = nodes["v1"], nodes["v2"]
    assert v1.grad == pytest.approx(nodes["v3"].data + 1 / v2.data - nodes["v5"].data / v1.data ** 2, rel=1e-13)


# ---------------------------------------------------------------------- a network of Values
def test_values_of_and_grads_of_round_trip():
    W = np.arange(6.0).reshape(3, 2)
    grid = engine.values_of(W, "W1")
    assert [[v.data for v in row] for row in grid] == W.tolist()
    assert grid[2][1].label == "W1[2][1]"
    grid[1][0].grad = 4.0
    g = engine.grads_of(grid)
    assert g.shape == (3, 2) and g.dtype == np.float64 and g[1, 0] == 4.0 and g.sum() == 4.0
    with pytest.raises(ValueError, match="2-D"):
        engine.values_of([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="real number"):
        engine.values_of([["a"]])


def few_wines(n, seed):
    X, Y = tl.load_wine_binary()
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(X.shape[1], size=n, replace=False))
    return X[:, idx], Y[:, idx], rng


@pytest.mark.parametrize("acts", [("relu", "sigmoid"), ("tanh", "sigmoid"), ("relu", "tanh", "sigmoid"),
                                  ("identity", "sigmoid")])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_loss_equals_the_matrix_network(acts, seed):
    X, Y, rng = few_wines(7, seed)
    sizes = [3, 2, 3][: len(acts)] + [1]
    Ws = [rng.normal(size=(sizes[i], sizes[i + 1])) for i in range(len(acts))]
    grids = [engine.values_of(W, f"W{i + 1}") for i, W in enumerate(Ws)]
    E = engine.mlp_loss(grids, X, Y, activations=acts)
    net = tl.MLP(Ws, list(acts))
    assert E.data == pytest.approx(net.loss(X, Y), rel=1e-13)
    E.backward()
    for grid, ref in zip(grids, net.backward(Y)):
        got = engine.grads_of(grid)
        assert np.all(np.abs(got - ref) <= 1e-12 * (np.abs(ref) + np.abs(ref).max()))


def test_mlp_loss_gradients_against_central_differences():
    # An independent reference: perturb one weight at a time and re-evaluate the loss (no backward pass).
    X, Y, rng = few_wines(5, 3)
    W1, W2 = rng.normal(size=(3, 2)), rng.normal(size=(2, 1))

    def loss(W1, W2):
        return engine.mlp_loss([engine.values_of(W1), engine.values_of(W2)], X, Y).data

    grids = [engine.values_of(W1, "W1"), engine.values_of(W2, "W2")]
    E = engine.mlp_loss(grids, X, Y)
    E.backward()
    for k, W in enumerate((W1, W2)):
        numeric = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            up, down = W.copy(), W.copy()
            up[idx] += H
            down[idx] -= H
            args_up = (up, W2) if k == 0 else (W1, up)
            args_down = (down, W2) if k == 0 else (W1, down)
            numeric[idx] = (loss(*args_up) - loss(*args_down)) / (2 * H)
        np.testing.assert_allclose(engine.grads_of(grids[k]), numeric, rtol=1e-6, atol=1e-9)


def test_mlp_loss_by_hand_for_one_wine():
    # One sample, hand-derived: E = -log(sigmoid(f2)) for Y = 1, dE/dW2_j = (Y_hat - 1) * relu(f1_j).
    x = np.array([[1.0], [0.5], [-0.25]])
    W1 = np.array([[0.2, -0.4], [1.0, 0.3], [0.6, 0.8]])
    W2 = np.array([[1.5], [-2.0]])
    f1 = W1.T @ x
    a1 = np.maximum(f1, 0.0)
    y_hat = 1 / (1 + math.exp(-float((W2.T @ a1)[0, 0])))
    grids = [engine.values_of(W1), engine.values_of(W2)]
    E = engine.mlp_loss(grids, x, np.array([[1.0]]))
    assert E.data == pytest.approx(-math.log(y_hat), rel=1e-14)
    E.backward()
    np.testing.assert_allclose(engine.grads_of(grids[1]), (y_hat - 1) * a1, rtol=1e-13)
    dW1 = x @ ((y_hat - 1) * W2 * (f1 > 0)).T
    np.testing.assert_allclose(engine.grads_of(grids[0]), dW1, rtol=1e-13, atol=1e-16)


def test_mlp_loss_refuses_what_it_cannot_build():
    X, Y, rng = few_wines(3, 0)
    grids = [engine.values_of(rng.normal(size=(3, 2))), engine.values_of(rng.normal(size=(2, 1)))]
    with pytest.raises(ValueError, match="sigmoid"):
        engine.mlp_loss(grids, X, Y, activations=("relu", "relu"))
    with pytest.raises(ValueError, match="rows"):
        engine.mlp_loss(grids, X[1:], Y)
    with pytest.raises(ValueError, match=r"\(1, n\)"):
        engine.mlp_loss(grids, X, Y[:, :2])
    with pytest.raises(ValueError, match="activations"):
        engine.mlp_loss(grids, X, Y, activations=("softplus", "sigmoid"))


def test_drawing_a_gate_with_two_inputs():
    from tutorial_lib.plotting import draw_graph

    z, w = Value(-1.0, label="z"), Value(0.5, label="w")
    m = maximum(z, w).named("m")
    out = (relu(m) + tanh(z)).named("out")
    out.backward()
    ax = draw_graph(out, show_grad=False)
    texts = [t.get_text() for t in ax.texts]
    assert "m = max(z, w)" in texts and "relu(m)" in texts and not any(t.startswith("grad") for t in texts)
    plt.close(ax.figure)
