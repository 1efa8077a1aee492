"""The shape the product code keeps: no module over 450 lines, no function over 80 lines outside the sandbox.

Tests, the benchmarks and migrations are not product code; the sandbox (a stand-in for seven platforms) may hold
long request handlers, but not long modules.
"""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
# Folders at the top of the project that hold no product code.
NOT_PRODUCT = {"tests", "bench", ".venv", "var", "node_modules", ".git"}


def _product_modules() -> list[Path]:
    modules = []
    for path in sorted(BASE_DIR.rglob("*.py")):
        parts = path.relative_to(BASE_DIR).parts
        if parts[0] in NOT_PRODUCT or "migrations" in parts or any(part.startswith(".") for part in parts):
            continue
        modules.append(path)
    return modules


PRODUCT_MODULES = _product_modules()
FUNCTION_CHECKED_MODULES = [path for path in PRODUCT_MODULES if path.relative_to(BASE_DIR).parts[0] != "sandbox"]


def _name(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


def test_the_product_modules_are_found():
    # given the project's folders, when the product modules are listed, then the apps are among them and tests not
    names = {_name(path) for path in PRODUCT_MODULES}
    assert {"manage.py", "growthhub/settings/__init__.py", "stores/models/__init__.py"} <= names
    assert not any(name.startswith(("tests/", "bench/")) or "/migrations/" in name for name in names)


@pytest.mark.parametrize("path", PRODUCT_MODULES, ids=_name)
def test_no_module_is_over_450_lines(path):
    # given a product module, when its lines are counted, then there are at most 450
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines (at most {MAX_MODULE_LINES})"


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    long = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # From the first decorator (or the def) to the last line of the body.
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{node.name} (line {node.lineno}, {length} lines)")
    return long


@pytest.mark.parametrize("path", FUNCTION_CHECKED_MODULES, ids=_name)
def test_no_function_is_over_80_lines_outside_the_sandbox(path):
    # given a product module outside the sandbox, when its functions are measured, then none is over 80 lines
    assert _long_functions(path) == [], f"{_name(path)}: functions over {MAX_FUNCTION_LINES} lines"
