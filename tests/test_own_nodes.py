"""``gate.own_nodes``: the nodes of a function's own body, as the value flow
(returns, constructor and environment look-ups), MLW707's helpers and the
pip-wrapper reader read them. Functions, lambdas and classes defined in the
body are not the function's code, also when one is the body's first
statement (two private walkers entered those)."""

from __future__ import annotations

import ast

from mlwarden.core.gate import own_nodes


def kinds(code: str):
    return sorted(type(n).__name__ for n in own_nodes(ast.parse(code).body[0]))


def test_nested_scopes_are_not_the_function_s_own_code():
    code = (
        "def outer(pkg):\n"
        "    def helper():\n"
        "        return subprocess.run(['pip', 'install', pkg])\n"
        "    class Box:\n"
        "        size = 3\n"
        "    key = lambda item: item.name\n"
        "    return 'done'\n"
    )
    assert kinds(code) == sorted(["Assign", "Name", "Store", "Return", "Constant"])


def test_every_node_of_a_flat_body_once():
    code = "async def serve(host='0.0.0.0'):\n    if host:\n        await run(app, host=host)\n    return None\n"
    tree = ast.parse(code).body[0]
    want = [n for stmt in tree.body for n in ast.walk(stmt)]
    got = list(own_nodes(tree))
    assert len(got) == len(want) and {id(n) for n in got} == {id(n) for n in want}
