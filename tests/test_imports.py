"""The import graph of ``src/mlwarden`` has no cycles.

Sources turn bytes into units, the engine runs rules, front doors call the
engine: nothing below calls upward. Every import statement counts, including
the lazy ones inside functions (``importlib.import_module("literal")`` too),
because a lazy import is still a dependency. ``from package import submodule``
depends on the submodule only (Python resolves it without the package's own
names); ``from package import name`` depends on the package.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def module_files(root: Path) -> Dict[str, "tuple[Path, bool]"]:
    """module name -> (file, is a package)"""
    out = {}
    for path in sorted((root / "mlwarden").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_package)
    return out


def import_edges(root: Path) -> Dict[str, Set[str]]:
    modules = module_files(root)
    edges: Dict[str, Set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges[name].update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                submodules = {f"{target}.{alias.name}" for alias in node.names} & set(modules)
                edges[name].update(submodules)
                if target in modules and len(submodules) < len(node.names):
                    edges[name].add(target)
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in modules
            ):
                edges[name].add(node.args[0].value)
        edges[name].discard(name)
    return edges


def cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles():
    edges = import_edges(SRC)
    assert len(edges) > 100  # the whole package was read
    problems = cycles(edges)
    described = [" <-> ".join(c) + "\n    " + "\n    ".join(f"{m} -> {sorted(edges[m] & set(c))}" for m in c) for c in problems]
    assert not problems, "import cycles:\n" + "\n".join(described)


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_cycle_finder(graph, expected):
    assert cycles(graph) == expected


def test_lazy_imports_count(tmp_path):
    pkg = tmp_path / "mlwarden"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("def f():\n    from mlwarden.sub import b\n    return b\n")
    (pkg / "sub" / "b.py").write_text("def g():\n    from mlwarden.sub import f\n    return f\n")
    (pkg / "c.py").write_text("import importlib\nM = importlib.import_module('mlwarden.sub.b')\n")
    edges = import_edges(tmp_path)
    assert edges["mlwarden.sub"] == {"mlwarden.sub.b"}
    assert edges["mlwarden.sub.b"] == {"mlwarden.sub"}
    assert edges["mlwarden.c"] == {"mlwarden.sub.b"}
    assert cycles(edges) == [["mlwarden.sub", "mlwarden.sub.b"]]
