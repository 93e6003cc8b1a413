r"""A tiny scalar autodiff engine: reverse-mode differentiation on a computation graph.

Every arithmetic operation on a :class:`Value` returns a new ``Value`` that
remembers its inputs (``parents``) and the name of the operation (``op``).
The values therefore form a directed acyclic graph, the *computation graph*,
built as a side effect of ordinary Python arithmetic::

    >>> from tutorial_lib.engine import Value, cos, sin
    >>> x = Value(1.0, label="x")
    >>> J = cos(sin(x ** 2) + 3 * x ** 2)
    >>> J.backward()
    >>> round(x.grad, 4)
    4.5608

:meth:`Value.backward` is the algorithm of the lecture ("version B"):

1. order the nodes topologically (every node after its parents);
2. set every ``grad`` to 0, and the output's own ``grad`` (dJ/dJ) to 1;
3. visit the nodes in *reverse* topological order; at each node, run the
   backward rule of its operation, which *adds* ``node.grad * d node / d parent``
   to the ``grad`` of each parent.

When a node is visited, every node that uses it has already been visited, so
its ``grad`` is complete: the sum over all paths that the chain rule asks for.

The backward rules live in :data:`BACKWARD_RULES`, one small function per
operation, ``rule(node) -> None``.  ``backward(rules={...})`` replaces some of
them for one call: this is the hook through which the workbook's notebook 00
plugs in the rules that students write.

Operations: ``+``, ``*``, unary ``-``, binary ``-``, ``/``, ``** constant``,
:func:`exp`, :func:`log` (natural), :func:`sin`, :func:`cos`, and the gates of
a neural network, :func:`relu`, :func:`tanh` and :func:`maximum` (the ``max``
gate).  Python numbers mixed into an expression become constant leaves.

The engine grows into a neural network with :func:`values_of` (a matrix of
weight leaves), :func:`grads_of` (their gradients as an array) and
:func:`mlp_loss`, the loss of a small MLP in the workbook's notation built node
by node: its gradients are those of :class:`tutorial_lib.MLP`, to rounding.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Value", "BACKWARD_RULES", "OPS", "exp", "log", "sin", "cos", "relu", "tanh", "maximum",
           "value_and_grad", "quiz_graph", "values_of", "grads_of", "mlp_loss"]

#: The operations of the engine, in the order the notebook introduces them.
OPS = ("add", "mul", "neg", "sub", "div", "pow", "exp", "log", "sin", "cos", "relu", "tanh", "max")

#: The symbol drawn for each operation (``plotting.draw_graph`` uses it).
SYMBOLS = {"add": "+", "mul": "×", "neg": "−", "sub": "−", "div": "÷", "pow": "^",
           "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "relu": "relu", "tanh": "tanh",
           "max": "max"}


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r:.40}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    return value


class Value:
    """A scalar node of a computation graph: its value and, after a backward pass, its gradient.

    Parameters
    ----------
    data : float
        The number this node holds.
    label : str, optional
        A name for printing and drawing, e.g. ``"x"`` or ``"u1"``.
    parents, op, exponent
        Keyword-only; set by the operations that create a node, not by hand
        (see Attributes).

    Attributes
    ----------
    data : float
        The value computed on the forward pass.
    grad : float
        ``dJ/d(this node)`` after ``J.backward()``, where ``J`` is the node
        ``backward`` was called on; 0 before.
    parents : tuple of Value
        The inputs of the operation that made this node; ``()`` for a leaf.
    op : str
        The operation's name (one of :data:`OPS`); ``""`` for a leaf.
    exponent : float or None
        The constant power of a ``"pow"`` node; None otherwise.
    label : str
        The name given with ``label=`` or :meth:`named`; may be empty.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> c = a * b + a          # a is used twice
    >>> c.backward()
    >>> a.grad, b.grad         # dc/da = b + 1, dc/db = a
    (4.0, 2.0)
    """

    def __init__(self, data, label: str = "", *, parents=(), op: str = "", exponent=None):
        self.data = _number("data", data)
        self.grad = 0.0
        self.parents = tuple(parents)
        if any(not isinstance(p, Value) for p in self.parents):
            raise TypeError("parents must be Value objects.")
        if op and op not in OPS:
            raise ValueError(f"op must be one of {', '.join(OPS)} (or '' for a leaf); got {op!r}.")
        if bool(op) != bool(self.parents):
            raise ValueError("a leaf has neither op nor parents; an operation's node has both.")
        self.op = op
        self.exponent = exponent
        self.label = str(label)

    # ------------------------------------------------------------------ naming and printing
    def named(self, label: str) -> "Value":
        """Set :attr:`label` and return the node itself, e.g. ``t = (x ** 2).named("t")``."""
        self.label = str(label)
        return self

    def __repr__(self) -> str:
        name = f"{self.label!r}, " if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g}{op})"

    # ------------------------------------------------------------------ building the graph
    @staticmethod
    def _wrap(other) -> "Value":
        if isinstance(other, Value):
            return other
        value = _number("a number mixed into a Value expression", other)
        return Value(value, label=f"{value:g}")

    def __add__(self, other):
        other = Value._wrap(other)
        return Value(self.data + other.data, parents=(self, other), op="add")

    def __radd__(self, other):
        return Value._wrap(other) + self

    def __mul__(self, other):
        other = Value._wrap(other)
        return Value(self.data * other.data, parents=(self, other), op="mul")

    def __rmul__(self, other):
        return Value._wrap(other) * self

    def __neg__(self):
        return Value(-self.data, parents=(self,), op="neg")

    def __sub__(self, other):
        other = Value._wrap(other)
        return Value(self.data - other.data, parents=(self, other), op="sub")

    def __rsub__(self, other):
        return Value._wrap(other) - self

    def __truediv__(self, other):
        other = Value._wrap(other)
        if other.data == 0.0:
            raise ZeroDivisionError("division of a Value by zero.")
        return Value(self.data / other.data, parents=(self, other), op="div")

    def __rtruediv__(self, other):
        return Value._wrap(other) / self

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("this engine raises a Value only to a constant power: use a number, "
                            "e.g. x ** 2 (exp(k * log(x)) covers a variable exponent).")
        k = _number("the exponent", exponent)
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"a negative base ({self.data:g}) has no real power {k:g}.")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"0 to the negative power {k:g}.")
        return Value(self.data ** k, parents=(self,), op="pow", exponent=k)

    def exp(self):
        """``e ** self`` as a new node."""
        try:
            return Value(math.exp(self.data), parents=(self,), op="exp")
        except OverflowError:
            raise OverflowError(f"exp({self.data:g}) does not fit in a float.") from None

    def log(self):
        """The natural logarithm of ``self`` as a new node."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive input; got {self.data:g}.")
        return Value(math.log(self.data), parents=(self,), op="log")

    def sin(self):
        """``sin(self)`` as a new node."""
        return Value(math.sin(self.data), parents=(self,), op="sin")

    def cos(self):
        """``cos(self)`` as a new node."""
        return Value(math.cos(self.data), parents=(self,), op="cos")

    def relu(self):
        """``max(0, self)`` as a new node (the rectified linear unit)."""
        return Value(self.data if self.data > 0 else 0.0, parents=(self,), op="relu")

    def tanh(self):
        """``tanh(self)`` as a new node."""
        return Value(math.tanh(self.data), parents=(self,), op="tanh")

    def maximum(self, other):
        """The larger of ``self`` and ``other`` as a new ``max`` node (a tie picks ``self``)."""
        other = Value._wrap(other)
        return Value(max(self.data, other.data), parents=(self, other), op="max")

    # ------------------------------------------------------------------ the backward pass
    def topological_order(self) -> list:
        """Every node this one depends on, itself last, each node after all of its parents.

        An iterative depth-first search (no recursion limit for long chains);
        a node used several times appears once.

        Returns
        -------
        list of Value
        """
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for parent in reversed(node.parents):
                if id(parent) not in seen:
                    stack.append((parent, False))
        return order

    def backward(self, rules=None) -> None:
        """Fill ``grad`` of every node this one depends on with ``d self / d node``.

        Parameters
        ----------
        rules : dict, optional
            ``{op name: rule}`` replacing the engine's rules
            (:data:`BACKWARD_RULES`) for those operations during this call.
            A rule is a function ``rule(node) -> None`` that adds
            ``node.grad * d node / d parent`` to ``parent.grad`` for each parent
            in ``node.parents``.

        Notes
        -----
        All gradients of the graph are reset to 0 first, so calling
        ``backward`` twice gives the same result (the lecture's "version B").
        """
        table = dict(BACKWARD_RULES)
        if rules is not None:
            unknown = sorted(set(rules) - set(OPS))
            if unknown:
                raise ValueError(f"rules has unknown operations {unknown}; the operations are {', '.join(OPS)}.")
            for op, rule in rules.items():
                if not callable(rule):
                    raise TypeError(f"rules[{op!r}] must be a function rule(node); got {type(rule).__name__}.")
            table.update(rules)
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            if node.parents:
                table[node.op](node)


# ---------------------------------------------------------------------- backward rules
def _backward_add(node: Value) -> None:
    a, b = node.parents
    a.grad += node.grad
    b.grad += node.grad


def _backward_mul(node: Value) -> None:
    a, b = node.parents
    a.grad += b.data * node.grad
    b.grad += a.data * node.grad


def _backward_neg(node: Value) -> None:
    (a,) = node.parents
    a.grad += -node.grad


def _backward_sub(node: Value) -> None:
    a, b = node.parents
    a.grad += node.grad
    b.grad += -node.grad


def _backward_div(node: Value) -> None:
    a, b = node.parents
    a.grad += node.grad / b.data
    b.grad += -node.grad * a.data / b.data ** 2


def _backward_pow(node: Value) -> None:
    (a,) = node.parents
    k = node.exponent
    a.grad += node.grad * k * a.data ** (k - 1)


def _backward_exp(node: Value) -> None:
    (a,) = node.parents
    a.grad += node.grad * node.data  # d e^a / da = e^a, already stored in the node


def _backward_log(node: Value) -> None:
    (a,) = node.parents
    a.grad += node.grad / a.data


def _backward_sin(node: Value) -> None:
    (a,) = node.parents
    a.grad += node.grad * math.cos(a.data)


def _backward_cos(node: Value) -> None:
    (a,) = node.parents
    a.grad += -node.grad * math.sin(a.data)


def _backward_relu(node: Value) -> None:
    (a,) = node.parents
    if a.data > 0:  # slope 1 where the input is positive, 0 elsewhere (0 at the kink itself)
        a.grad += node.grad


def _backward_tanh(node: Value) -> None:
    (a,) = node.parents
    a.grad += node.grad * (1.0 - node.data ** 2)  # d tanh(a)/da = 1 - tanh(a)^2, from the stored output


def _backward_max(node: Value) -> None:
    a, b = node.parents
    # The max routes the whole upstream gradient to the input that won (the first one on a tie).
    if a.data >= b.data:
        a.grad += node.grad
    else:
        b.grad += node.grad


#: The engine's own backward rule for each operation: ``rule(node) -> None``.
BACKWARD_RULES = {
    "add": _backward_add, "mul": _backward_mul, "neg": _backward_neg, "sub": _backward_sub,
    "div": _backward_div, "pow": _backward_pow, "exp": _backward_exp, "log": _backward_log,
    "sin": _backward_sin, "cos": _backward_cos, "relu": _backward_relu, "tanh": _backward_tanh,
    "max": _backward_max,
}


# ---------------------------------------------------------------------- functions
def _unary(name: str, x):
    return getattr(Value._wrap(x), name)()


def exp(x) -> Value:
    """``e ** x`` for a :class:`Value` (or a number, which becomes a constant leaf)."""
    return _unary("exp", x)


def log(x) -> Value:
    """The natural logarithm of ``x``, a :class:`Value` or a positive number."""
    return _unary("log", x)


def sin(x) -> Value:
    """``sin(x)`` for a :class:`Value` or a number."""
    return _unary("sin", x)


def cos(x) -> Value:
    """``cos(x)`` for a :class:`Value` or a number."""
    return _unary("cos", x)


def relu(x) -> Value:
    """``max(0, x)`` for a :class:`Value` or a number."""
    return _unary("relu", x)


def tanh(x) -> Value:
    """``tanh(x)`` for a :class:`Value` or a number."""
    return _unary("tanh", x)


def maximum(a, b) -> Value:
    """The ``max`` gate: the larger of ``a`` and ``b`` (Values or numbers; a tie picks ``a``)."""
    return Value._wrap(a).maximum(b)


def value_and_grad(fn, *args, rules=None):
    """Evaluate ``fn`` on fresh leaves and differentiate it with one backward pass.

    Parameters
    ----------
    fn : callable
        ``fn(*values) -> Value``, written with this module's operations.
    *args : float
        The numbers at which to evaluate; each becomes a leaf.
    rules : dict, optional
        Passed to :meth:`Value.backward`.

    Returns
    -------
    value : float
        ``fn(*args)``.
    grads : tuple of float
        The partial derivative of ``fn`` with respect to each argument.

    Examples
    --------
    >>> value_and_grad(lambda x, z: x * z + x, 2.0, 3.0)
    (8.0, (4.0, 2.0))
    """
    leaves = [Value(a, label=f"arg{i}") for i, a in enumerate(args)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"fn must return a Value built from its arguments; got {type(out).__name__}.")
    out.backward(rules=rules)
    return out.data, tuple(leaf.grad for leaf in leaves)


# ---------------------------------------------------------------------- worked examples
def quiz_graph(x: float, z: float):
    """The differentiation quiz's ``y = exp(xz) + xz / log(x) + sin(log(x)) / (xz)`` as a graph.

    Every intermediate is named (``v1 = x z``, ``v2 = log x``, ... ``y``) so that
    it can be printed and drawn; ``xz`` and ``log x`` are computed once and
    reused, as a careful hand derivation would.

    Parameters
    ----------
    x, z : float
        The point; ``x`` must be positive and not 1 (``log x`` divides).

    Returns
    -------
    y : Value
        The output node, before any backward pass.
    nodes : dict
        ``{label: node}`` for ``x, z, v1, ..., v7, y``.
    """
    x, z = Value(x, label="x"), Value(z, label="z")
    v1 = (x * z).named("v1")
    v2 = log(x).named("v2")
    v3 = exp(v1).named("v3")
    v4 = (v1 / v2).named("v4")
    v5 = sin(v2).named("v5")
    v6 = (v5 / v1).named("v6")
    y = ((v3 + v4).named("v7") + v6).named("y")
    return y, {n.label: n for n in y.topological_order() if n.label and not _is_number_label(n)}


def _is_number_label(node: Value) -> bool:
    try:
        float(node.label)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------- a network of Values
def values_of(array, label: str = "W") -> list:
    """A matrix of numbers as a nested list of leaves: ``grid[p][j]`` holds ``array[p, j]``.

    Parameters
    ----------
    array : array_like, shape (rows, cols)
    label : str
        Each leaf is labelled ``f"{label}[{p}][{j}]"``.

    Returns
    -------
    list of list of Value
    """
    rows = [[_number(f"{label}[{p}][{j}]", v) for j, v in enumerate(row)] for p, row in enumerate(array)]
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"{label} must be a non-empty 2-D matrix of numbers.")
    return [[Value(v, label=f"{label}[{p}][{j}]") for j, v in enumerate(row)] for p, row in enumerate(rows)]


def grads_of(grid):
    """The ``grad`` of every node of a nested list from :func:`values_of`, as a float64 array."""
    import numpy as np

    return np.array([[float(v.grad) for v in row] for row in grid], dtype=np.float64)


def _activate(name: str, f: Value) -> Value:
    if name == "relu":
        return f.relu()
    if name == "tanh":
        return f.tanh()
    if name == "sigmoid":
        return 1 / (1 + (-f).exp())
    if name == "identity":
        return f
    raise ValueError(f"mlp_loss knows the activations relu, tanh, sigmoid and identity; got {name!r}.")


def mlp_loss(weights, X, Y, activations=("relu", "sigmoid")) -> Value:
    r"""The binary cross-entropy of an MLP, built from scalar nodes: the matrix formulas, entry by entry.

    Layer ``l`` computes ``f[l][j][i] = sum_p W[l][p][j] * a[l-1][p][i]`` and
    ``a[l] = g(f[l])`` with ``a[0] = X``; the loss is
    ``E = -(1/n) sum_i Y_i log(Y_hat_i) + (1 - Y_i) log(1 - Y_hat_i)``, the
    mean over the ``n`` columns (samples).  No hidden bias rows: the bias is
    row 0 of ``X``, a row of ones, as in the workbook.

    Parameters
    ----------
    weights : list of nested lists of Value
        ``[W1, W2, ...]`` from :func:`values_of`; ``W[l]`` is ``fan_in`` rows of
        ``fan_out`` nodes.
    X : array_like, shape (fan_in of W1, n)
        Inputs, one column per sample, bias row of ones first (numbers, not nodes).
    Y : array_like, shape (1, n)
        Labels, 0 or 1.
    activations : sequence of str
        One per layer, from ``relu``, ``tanh``, ``sigmoid`` and ``identity``; the
        last must be ``sigmoid`` (the loss reads probabilities).

    Returns
    -------
    Value
        ``E``; ``E.backward()`` fills the ``grad`` of every weight node.
    """
    import numpy as np

    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or Y.shape != (1, X.shape[1]):
        raise ValueError(f"X must be (features + 1, n) and Y (1, n); got {X.shape} and {Y.shape}.")
    if len(weights) != len(activations) or activations[-1] != "sigmoid":
        raise ValueError("give one activation per layer, the last one 'sigmoid'.")
    n = X.shape[1]
    a = [[float(v) for v in row] for row in X]      # a[p][i], numbers for layer 0
    for W, name in zip(weights, activations):
        if len(W) != len(a):
            raise ValueError(f"a weight matrix has {len(W)} rows where its input has {len(a)}.")
        f = []
        for j in range(len(W[0])):
            row = []
            for i in range(n):
                total = W[0][j] * a[0][i]
                for p in range(1, len(W)):
                    total = total + W[p][j] * a[p][i]
                row.append(_activate(name, total))
            f.append(row)
        a = f
    if len(a) != 1:
        raise ValueError(f"the last layer must have one unit; it has {len(a)}.")
    total = None
    for i in range(n):
        y, p = float(Y[0, i]), a[0][i]
        term = None
        if y != 0.0:
            term = y * p.log()
        if y != 1.0:
            other = (1.0 - y) * (1 - p).log()
            term = other if term is None else term + other
        total = term if total is None else total + term
    return -(total / n)
