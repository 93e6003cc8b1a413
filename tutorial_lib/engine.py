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
and :func:`exp`, :func:`log` (natural), :func:`sin`, :func:`cos`.  Python
numbers mixed into an expression become constant leaves.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Value", "BACKWARD_RULES", "OPS", "exp", "log", "sin", "cos", "value_and_grad"]

#: The operations of the engine, in the order the notebook introduces them.
OPS = ("add", "mul", "neg", "sub", "div", "pow", "exp", "log", "sin", "cos")

#: The symbol drawn for each operation (``plotting.draw_graph`` uses it).
SYMBOLS = {"add": "+", "mul": "×", "neg": "−", "sub": "−", "div": "÷", "pow": "^",
           "exp": "exp", "log": "log", "sin": "sin", "cos": "cos"}


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


#: The engine's own backward rule for each operation: ``rule(node) -> None``.
BACKWARD_RULES = {
    "add": _backward_add, "mul": _backward_mul, "neg": _backward_neg, "sub": _backward_sub,
    "div": _backward_div, "pow": _backward_pow, "exp": _backward_exp, "log": _backward_log,
    "sin": _backward_sin, "cos": _backward_cos,
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
