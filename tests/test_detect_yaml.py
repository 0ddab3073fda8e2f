"""MLW106 beyond its examples: every PyYAML loader spelling, FullLoader by
PyYAML version, ruamel.yaml's `typ` semantics, and the name-binding cases
that rely on the engine's shadowing (core/bindings.py)."""

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def findings(code, **options):
    from mlwarden.core.config import config_from_mapping

    config = config_from_mapping(dict(options)) if options else Config()
    config.select = ["MLW106"]
    config.severity = Severity.LOW  # every finding: these tests judge severities
    result = check_source(code, "example.py", config=config)
    assert not result.errors, result.errors
    return result.findings


# -- PyYAML loaders: every spelling gets the right verdict --------------------------

UNSAFE = [
    "import yaml\nyaml.load(f, Loader=yaml.Loader)",
    "import yaml\nyaml.load(f, yaml.Loader)",
    "import yaml\nyaml.load(f, yaml.UnsafeLoader)",
    "import yaml\nyaml.load(f, Loader=yaml.CLoader)",
    "import yaml\nyaml.load_all(f, Loader=yaml.CUnsafeLoader)",
    "from yaml import CLoader as Loader\nimport yaml\nyaml.load(f, Loader=Loader)",
    "from yaml import load, Loader\nload(f, Loader)",
    "import yaml.loader\nimport yaml\nyaml.load(f, Loader=yaml.loader.UnsafeLoader)",
    "import yaml\nyaml.load(f, Loader=getattr(yaml, 'CLoader', yaml.Loader))",
    "import yaml\nyaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.UnsafeLoader))",
    "try:\n    from yaml import CLoader as Loader\nexcept ImportError:\n    from yaml import Loader\nimport yaml\nyaml.load(f, Loader)",
    "try:\n    from yaml import CSafeLoader as L\nexcept ImportError:\n    from yaml import Loader as L\nimport yaml\nyaml.load(f, Loader=L)",
    "import yaml\nLOADER = yaml.Loader\nyaml.load(f, LOADER)",
    "import yaml as y\ny.unsafe_load(f)",
    "import yaml\nyaml.load(f)",
]
SAFE = [
    "import yaml\nyaml.load(f, Loader=yaml.SafeLoader)",
    "import yaml\nyaml.load(f, yaml.CSafeLoader)",
    "import yaml\nyaml.load(f, yaml.BaseLoader)",
    "import yaml.cyaml\nimport yaml\nyaml.load(f, yaml.cyaml.CSafeLoader)",
    "from yaml.loader import SafeLoader as NewSafeLoader\nimport yaml\nyaml.load('{}', NewSafeLoader)",
    "import yaml\nyaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))",
    "try:\n    from yaml import CSafeLoader as SafeLoader\nexcept ImportError:\n    from yaml import SafeLoader\nimport yaml\nyaml.load(f, SafeLoader)",
    "import yaml\nyaml.safe_load(f)",
    "import yaml\nyaml.safe_load_all(f)",
]


@pytest.mark.parametrize("code", UNSAFE)
def test_unsafe_loader_spellings_are_high(code):
    [finding] = findings(code)
    assert finding.severity is Severity.HIGH


@pytest.mark.parametrize("code", SAFE)
def test_safe_loader_spellings_are_quiet(code):
    assert findings(code) == []


# -- FullLoader / full_load: version-aware ----------------------------------------------

FULL = [
    "import yaml\nyaml.full_load(f)",
    "import yaml\nyaml.full_load_all(f)",
    "import yaml\nyaml.load(f, Loader=yaml.FullLoader)",
    "import yaml\nyaml.load(f, yaml.FullLoader)",
    "from yaml import FullLoader, load\nload(f, FullLoader)",
    "import yaml\nyaml.load(f, Loader=getattr(yaml, 'CFullLoader', yaml.FullLoader))",
]


@pytest.mark.parametrize("code", FULL)
def test_full_loader_is_high_without_a_pyyaml_pin(code):
    [finding] = findings(code)
    assert finding.severity is Severity.HIGH
    assert "5.4" in finding.message


@pytest.mark.parametrize("code", FULL)
def test_full_loader_is_low_when_pyyaml_54_is_guaranteed(code):
    [finding] = findings(code, **{"assume-versions": {"PyYAML": "5.4.1"}})
    assert finding.severity is Severity.LOW


@pytest.mark.parametrize("pin, severity", [("pyyaml==5.3.1", Severity.HIGH), ("PyYAML>=6.0", Severity.LOW)])
def test_full_loader_reads_the_project_pin(tmp_path, pin, severity):
    (tmp_path / "requirements.txt").write_text(pin + "\n")
    script = tmp_path / "load.py"
    script.write_text("import yaml\ncfg = yaml.full_load(open('c.yaml'))\n")
    results, _ = check_paths([str(script)], Config(select=["MLW106"], root=tmp_path, severity=Severity.LOW))
    [finding] = [f for r in results for f in r.findings]
    assert finding.severity is severity


def test_unsafe_loader_stays_high_whatever_the_version():
    [finding] = findings("import yaml\nyaml.load(f, Loader=yaml.UnsafeLoader)", **{"assume-versions": {"pyyaml": "6.0.2"}})
    assert finding.severity is Severity.HIGH


# -- ruamel.yaml ------------------------------------------------------------------------

RUAMEL_UNSAFE = [
    "from ruamel.yaml import YAML\nYAML(typ='unsafe').load(f)",
    "from ruamel.yaml import YAML\nYAML(typ='unsafe', pure=True).load(f)",
    "from ruamel.yaml import YAML\nYAML(pure=True, typ=['unsafe']).load_all(f)",
    "from ruamel.yaml import YAML\nYAML(typ=('unsafe', 'pure')).load(f)",
    "from ruamel.yaml import YAML\nyaml = YAML(typ='unsafe')\ndata = yaml.load(f)",
    "import ruamel.yaml\ndef read(p):\n    loader = ruamel.yaml.YAML(typ='unsafe')\n    return loader.load(p)",
    "from ruamel.yaml import YAML\nclass C:\n    def __init__(self):\n        self.y = YAML(typ='unsafe')\n    def read(self, f):\n        return self.y.load(f)",
    "import srsly.ruamel_yaml\nsrsly.ruamel_yaml.YAML(typ='unsafe').load(f)",
    "from ruamel import yaml\nyaml.load(f)",
    "from ruamel import yaml\nyaml.load(f, Loader=yaml.Loader)",
    "import ruamel.yaml\nruamel.yaml.load(f, ruamel.yaml.UnsafeLoader)",
    "import ruamel.yaml\nruamel.yaml.unsafe_load(f)",
    "import ruamel.yaml\nruamel.yaml.load_all(f)",
]
RUAMEL_SAFE = [
    "from ruamel.yaml import YAML\nYAML().load(f)",
    "from ruamel.yaml import YAML\nYAML(typ='rt').load(f)",
    "from ruamel.yaml import YAML\nYAML(typ='safe', pure=True).load(f)",
    "from ruamel.yaml import YAML\nYAML(typ='base').load(f)",
    "from ruamel.yaml import YAML\nYAML(typ=['rt', 'unsafe']).load(f)",
    "from ruamel.yaml import YAML\nYAML(typ='full').dump(data, out)",
    "from ruamel.yaml import YAML\nyaml = YAML(typ='unsafe')\nyaml.dump(data, out)",
    "from ruamel import yaml\nyaml.safe_load(f)",
    "from ruamel import yaml\nyaml.round_trip_load(f)",
    "import ruamel.yaml\nruamel.yaml.load(f, Loader=ruamel.yaml.SafeLoader)",
    "import ruamel.yaml\nruamel.yaml.load(f, Loader=ruamel.yaml.RoundTripLoader)",
    "from ruamel.yaml import YAML\ndef a():\n    y = YAML(typ='unsafe')\n    y.dump(x, out)\ndef b(f):\n    y = YAML()\n    return y.load(f)",
]


@pytest.mark.parametrize("code", RUAMEL_UNSAFE)
def test_ruamel_unsafe(code):
    [finding] = findings(code)
    assert finding.severity is Severity.HIGH


@pytest.mark.parametrize("code", RUAMEL_SAFE)
def test_ruamel_safe(code):
    assert findings(code) == []


def test_ruamel_typ_from_a_parameter_is_medium():
    [finding] = findings("from ruamel.yaml import YAML\ndef read(f, typ):\n    return YAML(typ=typ).load(f)")
    assert finding.severity is Severity.MEDIUM and "cannot be verified" in finding.message


def test_ruamel_old_api_is_quiet_once_018_is_guaranteed():
    assert findings("import ruamel.yaml\nruamel.yaml.load(f)", **{"assume-versions": {"ruamel.yaml": "0.18.0"}}) == []
    assert len(findings("import ruamel.yaml\nruamel.yaml.load(f)", **{"assume-versions": {"ruamel.yaml": "0.17.40"}})) == 1


def test_ruamel_inline_fix_keeps_the_other_arguments():
    from mlwarden.core.registry import rule_by_id
    from mlwarden.testing import fix_all

    fixed = fix_all(rule_by_id("MLW106"), 'from ruamel.yaml import YAML\nd = YAML(pure=True, typ="unsafe").load(f)\n')
    assert fixed == 'from ruamel.yaml import YAML\nd = YAML(pure=True, typ="safe").load(f)\n'


def test_ruamel_instance_that_shadows_an_import_is_still_judged():
    """Whichever binding wins, `yaml.load` is unsafe here: reported once."""
    code = "import yaml\nfrom ruamel.yaml import YAML\nyaml = YAML(typ='unsafe')\ndata = yaml.load(f)"
    assert [f.line for f in findings(code)] == [4]


# -- name binding: the engine's shadowing (core/bindings.py) -------------------
# A variable named `yaml` that holds a ruamel.yaml.YAML() instance must not
# resolve to PyYAML's module; a local or module-level assignment shadows the
# import.


def test_module_level_ruamel_instance_shadows_pyyaml():
    code = "import yaml\nfrom ruamel.yaml import YAML\nyaml = YAML()\ncfg = yaml.load(open('c.yaml'))"
    assert findings(code) == []


# a binding inside the function is judged by the MLW1xx rules themselves
# (RoundTripAware.shadowed), so these hold on this branch already
def test_local_ruamel_instance_shadows_pyyaml():
    code = "import yaml\nfrom ruamel.yaml import YAML\ndef read(p):\n    yaml = YAML(typ='safe')\n    return yaml.load(p)"
    assert findings(code) == []


def test_shadowed_unsafe_instance_is_reported_as_ruamel():
    code = "import yaml\nfrom ruamel.yaml import YAML\nyaml = YAML(typ='unsafe')\ndata = yaml.load(f)"
    [finding] = findings(code)
    assert "YAML(typ='unsafe')" in finding.message


def test_local_assignment_shadows_a_pickle_import():
    code = "import pickle\ndef f(data):\n    pickle = RestrictedPickle()\n    return pickle.loads(data)"
    result = check_source(code, "x.py", config=Config(select=["MLW101"]))
    assert result.findings == []


def test_parameter_named_like_the_module_is_not_the_module():
    code = "import yaml\ndef load(yaml, f):\n    return yaml.load(f)"
    assert findings(code) == []


def test_the_ruamel_instance_that_reaches_the_load_decides():
    # rebound on a straight line: each load sees the last instance made before it
    code = (
        "from ruamel.yaml import YAML\ndef read(f, g):\n    y = YAML(typ='unsafe')\n    y = YAML(typ='safe')\n"
        "    first = y.load(f)\n    y = YAML(typ='unsafe')\n    return first, y.load(g)\n"
    )
    assert [f.line for f in findings(code)] == [7]


def test_an_unsafe_instance_on_one_path_still_reaches_the_load():
    code = "from ruamel.yaml import YAML\ndef read(f, legacy):\n    y = YAML(typ='safe')\n    if legacy:\n        y = YAML(typ='unsafe')\n    return y.load(f)\n"
    assert [f.line for f in findings(code)] == [6]


# -- bare PyYAML names bound nowhere in the file (snippets, `%run -i` files) ---------

BARE_UNSAFE = [
    ("def parse(doc):\n    return unsafe_load(doc)", "`unsafe_load` is bound nowhere"),
    ("settings = full_load(open('s.yml'))", "`full_load` is bound nowhere"),
    ("for d in unsafe_load_all(stream):\n    print(d)", "`unsafe_load_all` is bound nowhere"),
    ("data = yaml.load_all(doc, Loader=Loader)", "`Loader` is bound nowhere"),
    ("cfg = yaml.load(text, UnsafeLoader)", "`UnsafeLoader` is bound nowhere"),
    ("def read(text):\n    return yaml.load(text, Loader=FullLoader)", "`FullLoader` is bound nowhere"),
]


@pytest.mark.parametrize("code,note", BARE_UNSAFE)
def test_bare_unsafe_yaml_names_are_assumed_and_say_so(code, note):
    found = findings(code)
    assert [f.rule_id for f in found] == ["MLW106"]
    assert found[0].severity == Severity.HIGH
    assert note in found[0].message
    # the fast path (word gate, pieces) finds what the whole-module run finds
    full = check_source(code, "example.py", config=_low(), full=True).findings
    assert [(f.rule_id, f.line) for f in full] == [(f.rule_id, f.line) for f in found]


BARE_SAFE = [
    "def read_config(path):\n    with open(path) as fh:\n        return yaml.load(fh, Loader=SafeLoader)",
    "cfg = yaml.load(stream, CBaseLoader)",
    "cfg = yaml.load(stream, Loader=BaseLoader)",
    "import yaml\nfrom yaml import Loader\nyaml.load(f, Loader=CSafeLoader)",
]


@pytest.mark.parametrize("code", BARE_SAFE)
def test_bare_safe_loader_names_are_safe(code):
    assert findings(code) == []


BARE_NOT_PYYAML = [
    # the file binds the name itself: its own function
    "def full_load(x):\n    return x\nsettings = full_load(open('s.yml'))",
    # a parameter or a local of that name
    "def run(unsafe_load, doc):\n    return unsafe_load(doc)",
    "import json\nfull_load = json.load\nfull_load(f)",
    # a star import may bind it: nothing is assumed
    "from helpers import *\nsettings = full_load(open('s.yml'))",
    # an attribute of something else
    "cache.full_load(key)",
]


@pytest.mark.parametrize("code", BARE_NOT_PYYAML)
def test_bare_names_bound_in_the_file_or_star_imported_are_not_assumed(code):
    assert findings(code) == []
    assert check_source(code, "example.py", config=_low(), full=True).findings == []


def test_bare_loader_bound_by_an_import_keeps_its_import():
    # `Loader` imported from another module is that module's: not verified, not assumed
    found = findings("from mylib import Loader\nimport yaml\nyaml.load(f, Loader=Loader)")
    assert [f.severity for f in found] == [Severity.MEDIUM]
    assert "bound nowhere" not in found[0].message


def _low():
    config = Config()
    config.select = ["MLW106"]
    config.severity = Severity.LOW
    return config
