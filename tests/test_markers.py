"""Solution and answer markers: replacement, indentation, and every malformed case."""

import pytest

from tutorial_lib.authoring.markers import (
    CODE, WRITTEN, MarkerError, blank_code_answers, blank_written_answers, find_regions, written_answer_texts,
)


def test_code_solution_becomes_placeholder_at_the_begin_markers_indentation():
    source = (
        'def bce_grad(Y_hat, Y):\n'
        '    """Gradient of the loss, shape (1, n)."""\n'
        '    ### BEGIN SOLUTION\n'
        '    n = Y.shape[1]\n'
        '    return (Y_hat - Y) / n\n'
        '    ### END SOLUTION'
    )
    assert blank_code_answers(source) == (
        'def bce_grad(Y_hat, Y):\n'
        '    """Gradient of the loss, shape (1, n)."""\n'
        '    # YOUR CODE HERE\n'
        '    raise NotImplementedError()'
    )


def test_code_outside_the_markers_is_kept_and_several_regions_are_replaced():
    source = (
        "class Layer:\n"
        "    def forward(self, a):\n"
        "        ### BEGIN SOLUTION\n"
        "        return a\n"
        "        ### END SOLUTION\n"
        "\n"
        "### BEGIN SOLUTION\n"
        "layer = Layer()\n"
        "### END SOLUTION\n"
        "print(layer)\n"
    )
    assert blank_code_answers(source) == (
        "class Layer:\n"
        "    def forward(self, a):\n"
        "        # YOUR CODE HERE\n"
        "        raise NotImplementedError()\n"
        "\n"
        "# YOUR CODE HERE\n"
        "raise NotImplementedError()\n"
        "print(layer)\n"
    )


def test_tab_indentation_is_copied():
    assert blank_code_answers("def f():\n\t### BEGIN SOLUTION\n\treturn 1\n\t### END SOLUTION") == (
        "def f():\n\t# YOUR CODE HERE\n\traise NotImplementedError()"
    )


def test_a_cell_without_markers_comes_back_byte_for_byte():
    source = "x = 1\r\ny = '\x0c'\n\n"
    assert blank_code_answers(source) == source
    assert blank_written_answers(source) == source


def test_written_answer_text_is_replaced_and_the_markers_stay():
    source = (
        "**Exercise 1.6 (written).** Why?\n"
        "\n"
        "<!-- BEGIN ANSWER -->\n"
        "Because the gradient\n"
        "\n"
        "vanishes.\n"
        "<!-- END ANSWER -->\n"
        "Thanks."
    )
    blanked = blank_written_answers(source)
    assert blanked == (
        "**Exercise 1.6 (written).** Why?\n"
        "\n"
        "<!-- BEGIN ANSWER -->\n"
        "*Your answer here.*\n"
        "<!-- END ANSWER -->\n"
        "Thanks."
    )
    assert written_answer_texts(source) == ["Because the gradient\n\nvanishes."]
    assert written_answer_texts(blanked) == ["*Your answer here.*"]


def test_regions_report_line_numbers():
    assert find_regions("a\n### BEGIN SOLUTION\nb\n### END SOLUTION\nc", CODE) == [(1, 3)]
    assert find_regions("<!-- BEGIN ANSWER -->\n<!-- END ANSWER -->", WRITTEN) == [(0, 1)]
    assert find_regions("no markers", CODE) == []


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "'### BEGIN SOLUTION' on line 1 has no '### END SOLUTION' after it"),
    ("x = 1\n### END SOLUTION", "'### END SOLUTION' on line 2 has no '### BEGIN SOLUTION' before it"),
    ("### BEGIN SOLUTION\n  ### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION",
     "'### BEGIN SOLUTION' on line 2 is nested inside the region opened on line 1"),
    ("### BEGIN SOLUTION:\nx = 1\n### END SOLUTION", "line 1 looks like a marker"),
    ("### BEGIN SOLUTION\nx = 1  ### END SOLUTION", "line 2 looks like a marker"),
    ("# begin solution\nx = 1", "line 1 looks like a marker"),
], ids=["begin-without-end", "end-without-begin", "nested", "trailing-colon", "not-alone", "lower-case"])
def test_malformed_code_markers_are_errors(source, message):
    with pytest.raises(MarkerError) as raised:
        blank_code_answers(source)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("source, message", [
    ("<!-- BEGIN ANSWER -->\ntext", "has no '<!-- END ANSWER -->' after it"),
    ("text\n<!-- END ANSWER -->", "has no '<!-- BEGIN ANSWER -->' before it"),
    ("<!-- BEGIN ANSWER -->\n<!-- BEGIN ANSWER -->\n<!-- END ANSWER -->", "is nested inside"),
    ("<!-- BEGIN ANSWER --> inline <!-- END ANSWER -->", "line 1 looks like a marker"),
])
def test_malformed_answer_markers_are_errors(source, message):
    with pytest.raises(MarkerError) as raised:
        blank_written_answers(source)
    assert message in str(raised.value)
