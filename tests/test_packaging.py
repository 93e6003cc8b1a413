"""The project's set-up files agree with each other, and the package imports light.

The README promises Python 3.10+, so this file needs nothing newer or undeclared: pyproject.toml
and environment.yml are read by the two small readers below (the subset of TOML and YAML these
files use), not by ``tomllib`` (3.11+) or PyYAML (no dependency of the workbook).  Where
``tomllib`` exists, the TOML reader is checked against it.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: PyPI names whose conda-forge package is called differently.
CONDA_NAMES = {"playwright": "playwright-python"}

#: Modules that a file of this project must not import unguarded: ``tomllib`` is not in Python 3.10,
#: ``yaml`` (PyPI's PyYAML) is not a dependency of the workbook.
UNAVAILABLE = {"tomllib": "not in Python 3.10", "yaml": "PyYAML is not a declared dependency"}


# --------------------------------------------------------------------------- readers

def _array_after(text: str, start: int) -> str:
    """The text of the bracketed array that opens at or after ``text[start]``, comments removed."""
    i = text.index("[", start)
    depth, out, quote = 0, [], None
    while True:
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c == "#":
            i = text.index("\n", i)
            continue
        else:
            out.append(c)
            if c in "\"'":
                quote = c
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return "".join(out)
        i += 1


def toml_string_array(text: str, table: str, key: str) -> list:
    """``key = ["...", ...]`` of the ``[table]`` of a TOML document, as a list of str."""
    header = re.search(rf"(?m)^\[{re.escape(table)}\][ \t]*$", text)
    if header is None:
        raise KeyError(f"no [{table}] table")
    body_end = re.compile(r"(?m)^\[").search(text, header.end())
    body = text[header.end():body_end.start() if body_end else len(text)]
    entry = re.search(rf"(?m)^{re.escape(key)}[ \t]*=[ \t]*\[", body)
    if entry is None:
        raise KeyError(f"no {key} in [{table}]")
    values = ast.literal_eval(_array_after(body, entry.start()))
    assert all(isinstance(v, str) for v in values), values
    return list(values)


def toml_string(text: str, table: str, key: str) -> str:
    header = re.search(rf"(?m)^\[{re.escape(table)}\][ \t]*$", text)
    body_end = re.compile(r"(?m)^\[").search(text, header.end())
    body = text[header.end():body_end.start() if body_end else len(text)]
    return ast.literal_eval(re.search(rf"(?m)^{re.escape(key)}[ \t]*=[ \t]*(\".*\")[ \t]*$", body).group(1))


def environment_dependencies(text: str):
    """``(conda, pip)`` of an environment.yml: the strings of its ``dependencies:`` list, and those of
    the list under its ``- pip:`` item (the only nested mapping conda environments use)."""
    conda, pip, section, pip_indent = [], [], None, None
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line:
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0:
            section = "dependencies" if item == "dependencies:" else None
            pip_indent = None
            continue
        if section != "dependencies" or not item.startswith("- "):
            continue
        value = item[2:].strip()
        if pip_indent is not None and indent > pip_indent:
            pip.append(value)
        elif value == "pip:":
            pip_indent = indent
        else:
            pip_indent = None
            conda.append(value)
    return conda, pip


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return (ROOT / "pyproject.toml").read_text()


# --------------------------------------------------------------------------- the readers themselves

def test_toml_reader_agrees_with_tomllib_where_there_is_one():
    text = _pyproject()
    deps = toml_string_array(text, "project", "dependencies")
    browser = toml_string_array(text, "project.optional-dependencies", "browser")
    assert deps and all(isinstance(d, str) for d in deps)
    assert toml_string(text, "project", "requires-python").startswith(">=")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: test_readers_on_tricky_input still checks the reader
        return
    parsed = tomllib.loads(text)
    assert deps == parsed["project"]["dependencies"]
    assert browser == parsed["project"]["optional-dependencies"]["browser"]
    assert toml_string(text, "project", "requires-python") == parsed["project"]["requires-python"]


def test_readers_on_tricky_input():
    text = ('[project]\nname = "x"\ndependencies = [\n    "a>=1",  # comment with ] and "quotes"\n'
            '    "b[extra]>=2", \'c\'\n]\n\n[tool.other]\ndependencies = ["not this one"]\n')
    assert toml_string_array(text, "project", "dependencies") == ["a>=1", "b[extra]>=2", "c"]
    assert toml_string_array(text, "tool.other", "dependencies") == ["not this one"]
    env = ("# comment\nname: e\nchannels:\n  - conda-forge\ndependencies:\n  - python>=3.10  # why\n"
           "  - pip\n  - numpy>=1.24\n  - pip:\n      # a comment\n      - --no-deps\n      - -e .\n"
           "  - after-pip>=1\n")
    assert environment_dependencies(env) == (["python>=3.10", "pip", "numpy>=1.24", "after-pip>=1"],
                                             ["--no-deps", "-e ."])


# --------------------------------------------------------------------------- the project's files

def _make_install_extras() -> list:
    """The extras that ``make lab`` / ``make test`` install: ``pip install -e ".[a,b]"`` in the
    recipe of the install stamp, ``$(STAMP)``."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"(?ms)^\$\(STAMP\):.*?(?=^\S|\Z)", makefile).group(0)
    extras = re.search(r'pip install[^\n]*-e "\.\[([^\]]*)\]"', recipe)
    return [e.strip() for e in extras.group(1).split(",")] if extras else []


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    """The conda route gets what ``make lab`` / ``make test`` install: the dependencies and the
    extras the Makefile installs (among them ``browser``; PyPI's playwright is conda-forge's
    playwright-python)."""
    text = _pyproject()
    extras = _make_install_extras()
    assert "browser" in extras, "make test runs the browser test, so it installs the browser extra"
    requirements = toml_string_array(text, "project", "dependencies")
    for extra in extras:
        requirements += toml_string_array(text, "project.optional-dependencies", extra)
    wanted = {}
    for requirement in requirements:
        spec = requirement.replace(" ", "")
        name = _name(spec)
        conda_name = CONDA_NAMES.get(name, name)
        wanted[conda_name] = conda_name + spec[len(name):]
    conda_list, pip_list = environment_dependencies((ROOT / "environment.yml").read_text())
    conda = {_name(d): d.replace(" ", "") for d in conda_list}
    assert conda.pop("python") == "python" + toml_string(text, "project", "requires-python")
    conda.pop("pip")
    assert set(conda) == set(wanted), (f"only in pyproject: {set(wanted) - set(conda)}; "
                                       f"only in environment.yml: {set(conda) - set(wanted)}")
    for name, spec in wanted.items():
        assert conda[name] == spec, f"{name}: pyproject says {spec}, environment.yml says {conda[name]}"
    assert "playwright-python" in conda, "the conda route must be able to run tests/test_browser.py"
    assert pip_list == ["--no-deps", "-e ."], "pip adds only the workbook itself, without re-resolving"


def test_readme_promises_the_python_pyproject_requires():
    minimum = re.fullmatch(r">=(\d+\.\d+)", toml_string(_pyproject(), "project", "requires-python")).group(1)
    assert f"Python {minimum}+" in (ROOT / "README.md").read_text()


def _unguarded_imports(tree: ast.AST):
    """(line, module) of each import of an UNAVAILABLE module not inside ``try: ... except ImportError``."""
    found = []

    def visit(node, guarded):
        if isinstance(node, ast.Try):
            catches = any(h.type is None or any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError")
                                                  for n in ast.walk(h.type)) for h in node.handlers)
            for child in node.body:
                visit(child, guarded or catches)
            for child in node.handlers + node.orelse + node.finalbody:
                visit(child, guarded)
            return
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            if name.split(".")[0] in UNAVAILABLE and not guarded:
                found.append((node.lineno, name.split(".")[0]))
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    visit(tree, False)
    return found


def test_no_file_imports_what_python_3_10_or_the_dependencies_lack():
    problems = []
    for folder in ("tutorial_lib", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, module in _unguarded_imports(ast.parse(path.read_text(), filename=str(path))):
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module} ({UNAVAILABLE[module]})")
    assert not problems, "\n".join(problems)


def test_the_import_check_sees_guards():
    bad = ast.parse("import tomllib\nfrom yaml import safe_load\ndef f():\n    import yaml\n")
    assert [m for _, m in _unguarded_imports(bad)] == ["tomllib", "yaml", "yaml"]
    ok = ast.parse("try:\n    import tomllib\nexcept ModuleNotFoundError:\n    tomllib = None\n"
                   "if sys.version_info >= (3, 11):\n    try:\n        import yaml\n    except ImportError:\n        pass\n")
    assert _unguarded_imports(ok) == []


def test_import_loads_numpy_only():
    code = (
        "import sys, tutorial_lib\n"
        "heavy = [m for m in ('matplotlib', 'sklearn', 'ipywidgets', 'nbformat', 'nbclient', 'scipy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import tutorial_lib pulled in {out.stdout.strip()}"


def test_ci_script_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make test" in readme and "make lab" in readme


_CI_DRIVER = """
import os, sys, pytest
for ci in sys.argv[2:]:
    if ci == "unset":
        os.environ.pop("CI", None)
    else:
        os.environ["CI"] = ci
    print(f"=== CI={ci}", flush=True)
    code = pytest.main([sys.argv[1], "-x", "-q", "-p", "no:cacheprovider"])
    print(f"=== exit {int(code)}", flush=True)
"""


def test_browser_test_skips_only_when_CI_is_unset_or_false(tmp_path):
    """With no browser, tests/test_browser.py skips with one line on a student's machine, but fails
    under CI, whatever truthy value CI has (.ci/run sets CI=true; other systems set 1 or yes).

    One fresh interpreter runs the browser test once per value of CI, with a ``playwright`` that
    cannot be imported (a stub package first on the path), so the browser counts as missing.
    """
    stub = tmp_path / "stub" / "playwright"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('playwright hidden by test_packaging')\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    env["PYTHONPATH"] = str(stub.parent)
    values = ["true", "1", "yes", "unset", "false", "0"]
    run = subprocess.run([sys.executable, "-c", _CI_DRIVER, str(ROOT / "tests" / "test_browser.py"), *values],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    reports = dict(re.findall(r"=== CI=(\S+)\n(.*?)=== exit", run.stdout, flags=re.S))
    codes = dict(re.findall(r"=== CI=(\S+)\n.*?=== exit (\d+)", run.stdout, flags=re.S))
    assert set(codes) == set(values), run.stdout[-3000:] + run.stderr[-2000:]
    for ci in ("true", "1", "yes"):
        assert codes[ci] != "0" and "must run in CI" in reports[ci], f"CI={ci}:\n{reports[ci][-1500:]}"
    for ci in ("unset", "false", "0"):
        assert codes[ci] == "0" and "skipped" in reports[ci] and "must run in CI" not in reports[ci], \
            f"CI={ci}:\n{reports[ci][-1500:]}"
