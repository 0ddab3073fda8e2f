"""core/lazypackage.py: a package's submodules without its ``__init__``.

The partial libcst import must give the very objects the plain import gives
(a rule reads ``cst.Call``; the engine checks ``isinstance`` against it), must
fall back cleanly, and must actually leave the unused parts unimported (what
it is for: ~30 ms of each hook run that reaches the rules).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

import pytest

from mlwarden.core import lazypackage


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A package shaped like libcst: an ``__init__`` that re-exports names
    from submodules, a submodule that imports a name back from the package
    while the package is half-loaded, a heavy part, plain statements."""
    root = tmp_path / "lazypkg_probe"
    root.mkdir()
    (root / "__init__.py").write_text(textwrap.dedent('''
        from lazypkg_probe.core import Node, helper
        from lazypkg_probe.extra import Other as Renamed
        from lazypkg_probe.heavy import Heavy
        SIDE = "set by __init__"
        try:
            from lazypkg_probe.core import VERSION
        except ImportError:
            VERSION = None
        __all__ = ["Node", "helper", "Renamed", "Heavy", "SIDE", "VERSION"]
    '''))
    (root / "core.py").write_text("class Node:\n    pass\n\ndef helper():\n    return 1\n\nVERSION = '9'\n")
    (root / "extra.py").write_text("from lazypkg_probe import Node\n\nclass Other(Node):\n    pass\n")
    (root / "heavy.py").write_text("import sys\nsys.lazypkg_heavy_loaded = True\nclass Heavy:\n    pass\n")
    (root / "plain.py").write_text("VALUE = 3\n")
    (root / "broken.py").write_text("raise ImportError('layout moved')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "lazypkg_probe"
    for name in [n for n in sys.modules if n.startswith("lazypkg_probe")]:
        del sys.modules[name]
    if hasattr(sys, "lazypkg_heavy_loaded"):
        del sys.lazypkg_heavy_loaded


def test_listed_submodules_only_and_names_are_the_submodules_objects(fake_package):
    package = lazypackage.load(fake_package, (), ("lazypkg_probe.extra",))
    assert package is sys.modules[fake_package]
    assert "lazypkg_probe.heavy" not in sys.modules and not hasattr(sys, "lazypkg_heavy_loaded")
    core = sys.modules["lazypkg_probe.core"]
    extra = sys.modules["lazypkg_probe.extra"]
    assert package.Node is core.Node and package.helper is core.helper
    assert package.Renamed is extra.Other and issubclass(extra.Other, core.Node)
    assert "SIDE" not in vars(package)  # the __init__ has not run
    assert "lazypkg_probe.heavy" not in sys.modules


def test_a_submodule_named_in_from_import_is_the_submodule(fake_package):
    lazypackage.load(fake_package, (), ())
    from lazypkg_probe import plain

    assert plain.VALUE == 3 and plain is sys.modules["lazypkg_probe.plain"]
    assert "SIDE" not in vars(sys.modules[fake_package])


def test_a_name_the_init_does_not_import_runs_the_real_init_once(fake_package):
    package = lazypackage.load(fake_package, (), ())
    assert package.SIDE == "set by __init__"
    assert hasattr(sys, "lazypkg_heavy_loaded")  # the whole __init__ ran
    assert package.VERSION == "9" and package.__all__[0] == "Node"
    assert package.Heavy is sys.modules["lazypkg_probe.heavy"].Heavy
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        package.missing


def test_a_failing_part_leaves_nothing_behind(fake_package):
    assert lazypackage.load(fake_package, (), ("lazypkg_probe.core", "lazypkg_probe.broken")) is None
    assert not [n for n in sys.modules if n.startswith("lazypkg_probe")]
    import lazypkg_probe  # the plain import still works afterwards

    assert lazypkg_probe.SIDE == "set by __init__"


def test_an_already_imported_package_is_returned_as_it_is(fake_package):
    import lazypkg_probe

    assert lazypackage.load(fake_package, (), ("lazypkg_probe.core",)) is lazypkg_probe


LIBCST_PROBE = """
import json, os, sys
from mlwarden.core.codecache import load_libcst
cst = load_libcst()
before = {m: m in sys.modules for m in ("subprocess", "libcst.metadata.scope_provider", "libcst.metadata.type_inference_provider")}
names = json.loads(sys.argv[1])
described = {}
for name in names:
    value = getattr(cst, name)
    described[name] = [getattr(value, "__module__", None), getattr(value, "__qualname__", type(value).__qualname__)]
meta = {n: getattr(cst.metadata, n).__module__ for n in ("PositionProvider", "CodeRange", "CodePosition", "MetadataWrapper")}
tree = cst.parse_module("import torch\\nx = torch.load(p)\\n")
print(json.dumps({"before": before, "names": described, "meta": meta, "code": tree.code}))
"""


def _libcst_public_names():
    import importlib.util

    origin = importlib.util.find_spec("libcst").origin
    tree = ast.parse(open(origin, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return [elt.value for elt in node.value.elts]
    raise AssertionError("libcst's __init__ has no __all__")


def _probe(env_full: bool):
    import os

    env = dict(os.environ)
    env.pop("MLWARDEN_FULL_LIBCST", None)
    if env_full:
        env["MLWARDEN_FULL_LIBCST"] = "1"
    names = _libcst_public_names()
    proc = subprocess.run([sys.executable, "-c", LIBCST_PROBE, json.dumps(names)], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_partial_libcst_gives_what_the_plain_import_gives():
    partial, full = _probe(False), _probe(True)
    assert len(partial["names"]) > 150
    assert partial["names"] == full["names"]
    assert partial["meta"] == full["meta"]
    assert partial["code"] == full["code"] == "import torch\nx = torch.load(p)\n"
    # what the partial import is for: the unused parts stay unimported
    assert partial["before"] == {"subprocess": False, "libcst.metadata.scope_provider": False,
                                 "libcst.metadata.type_inference_provider": False}
    assert full["before"]["libcst.metadata.scope_provider"] is True  # the probe can see the difference
