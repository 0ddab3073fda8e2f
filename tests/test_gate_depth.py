"""gate.nesting_depth decides whether libcst may parse a file on the main
thread, on a big stack, or not at all: it must count every level exactly as
a plain recursive walk does (BoolOp chains as libcst nests them)."""

import ast
import sys
from pathlib import Path

import pytest

from mlwarden.core.gate import nesting_depth

ROOT = Path(__file__).resolve().parents[1]


def _reference(node: ast.AST, depth: int = 1) -> int:
    inner = depth + (max(len(node.values) - 1, 1) if isinstance(node, ast.BoolOp) else 1)
    return max([depth, *(_reference(child, inner) for child in ast.iter_child_nodes(node))])


SAMPLES = [
    "x",
    "x = 1",
    "del a, b[0], c.d",
    "f(a)(b)(c)",
    "a and b and c and d",
    "(a or b) and not (c or d or e)",
    "[y for x in range(3) if x for y in x]",
    "def f(a, *b, c=1, **d):\n    return lambda e=[1, {2: 'x'}]: (yield e)\n",
    "class A(B, metaclass=M):\n    x: int = 1\n    def g(self):\n        if a:\n            pass\n        elif b:\n            pass\n",
    "match p:\n    case Point(x=0, y=[1, *rest]) | None:\n        pass\n",
    "f'{a!r:>{w}} and {b}'",
    "try:\n    pass\nexcept* (A, B) as e:\n    raise X from e\n",
    "with a as (b, c), d[e:f:g] as h:\n    async def k():\n        await m\n",
    "x = " + "+".join(["1"] * 300),
    "y = " + " and ".join(["z"] * 300),
]


@pytest.mark.parametrize("source", SAMPLES, ids=range(len(SAMPLES)))
def test_depth_is_the_recursive_count(source):
    tree = ast.parse(source)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        assert nesting_depth(tree) == _reference(tree)
    finally:
        sys.setrecursionlimit(old)


def test_depth_on_the_package_modules():
    files = sorted((ROOT / "src" / "mlwarden").rglob("*.py"))
    assert len(files) > 50
    for path in files[::4]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert nesting_depth(tree) == _reference(tree), path
