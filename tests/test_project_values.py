"""Values imported from the project's own modules (core/project.py): a
serving host set in another module of the package is followed, read with
``ast`` and never run, and the results cache and the editor server drop a
result when that module changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.incremental import IncrementalCheck
from mlwarden.core.project import module_file, module_values
from mlwarden.core.run import check_paths

APP = "from fastapi import FastAPI\napp = FastAPI()\n"


def package(root: Path, files: dict) -> Path:
    pkg = root / "svc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "app.py").write_text(APP)
    for name, text in files.items():
        (pkg / name).write_text(text)
    return pkg


def exposed(root: Path, target: Path, cache: bool = False):
    results, _ = check_paths([str(target)], Config(root=root, select=["MLW707"]), cache=cache)
    assert not [e for r in results for e in r.errors]
    return [(Path(f.path).name, f.line) for r in results for f in r.findings]


SERVER = "import uvicorn\nfrom .app import app\n{imports}\n\ndef main():\n    uvicorn.run(app, host={host}, port=8000)\n"


@pytest.mark.parametrize(
    "files, imports, host, expected",
    [
        ({"constants.py": "HOST = '0.0.0.0'\n"}, "from .constants import HOST", "HOST", [6]),
        ({"constants.py": "HOST = '127.0.0.1'\n"}, "from .constants import HOST", "HOST", []),
        ({"constants.py": "BIND_ALL = '0.0.0.0'\n"}, "from .constants import BIND_ALL as H", "H", [6]),
        ({"constants.py": "HOST = '0.0.0.0'\n"}, "from svc.constants import HOST", "HOST", [6]),
        ({"constants.py": "import os\nHOST = os.environ['HOST']\n"}, "from .constants import HOST", "HOST", []),
        ({"constants.py": "HOST = '0.0.0.0'\nHOST = '127.0.0.1'\n"}, "from .constants import HOST", "HOST", []),
        ({"settings.py": "class Settings:\n    host: str = '0.0.0.0'\n"}, "from .settings import Settings\nsettings = Settings()", "settings.host", [7]),
        ({"settings.py": "from pydantic import Field\nclass Settings:\n    host: str = Field('0.0.0.0')\n"}, "from .settings import Settings\nsettings = Settings()", "settings.host", [7]),
        ({"settings.py": "class Settings:\n    host: str = '127.0.0.1'\n"}, "from .settings import Settings\nsettings = Settings()", "settings.host", []),
        ({"cli.py": "import argparse\np = argparse.ArgumentParser()\np.add_argument('--host', default='0.0.0.0')\n"}, "from .cli import p", "p.parse_args().host", [6]),
    ],
)
def test_a_host_from_a_project_module(tmp_path, files, imports, host, expected):
    pkg = package(tmp_path, files)
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports=imports, host=host))
    assert [line for _name, line in exposed(tmp_path, server)] == expected


def test_a_parameter_that_shadows_the_import_is_not_the_constant(tmp_path):
    pkg = package(tmp_path, {"constants.py": "HOST = '0.0.0.0'\n"})
    server = pkg / "server.py"
    server.write_text("import uvicorn\nfrom .app import app\nfrom .constants import HOST\n\ndef main(HOST):\n    uvicorn.run(app, host=HOST)\n")
    assert exposed(tmp_path, server) == []


def test_the_other_module_is_read_never_run(tmp_path):
    marker = tmp_path / "ran"
    pkg = package(tmp_path, {"constants.py": f"open({str(marker)!r}, 'w').write('x')\nHOST = '0.0.0.0'\n"})
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports="from .constants import HOST", host="HOST"))
    assert exposed(tmp_path, server) == [("server.py", 6)]
    assert not marker.exists()


def test_the_cache_drops_a_result_when_the_imported_module_changes(tmp_path):
    pkg = package(tmp_path, {"constants.py": "HOST = '0.0.0.0'\n"})
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports="from .constants import HOST", host="HOST"))
    assert exposed(tmp_path, server, cache=True) == [("server.py", 6)]
    assert exposed(tmp_path, server, cache=True) == [("server.py", 6)]  # from the cache
    (pkg / "constants.py").write_text("HOST = '127.0.0.1'\n")
    assert exposed(tmp_path, server, cache=True) == []
    (pkg / "constants.py").unlink()
    assert exposed(tmp_path, server, cache=True) == []


def test_the_editor_does_not_reuse_a_judgment_that_read_another_module(tmp_path):
    pkg = package(tmp_path, {"constants.py": "HOST = '0.0.0.0'\n"})
    server = pkg / "server.py"
    source = SERVER.format(imports="from .constants import HOST", host="HOST")
    server.write_text(source)
    check = IncrementalCheck()
    config = Config(root=tmp_path, select=["MLW707"])
    assert [f.line for f in check.check(source, str(server), config=config).findings] == [6]
    (pkg / "constants.py").write_text("HOST = '127.0.0.1'\n")
    assert check.check(source, str(server), config=config).findings == []


def test_module_files_are_the_projects_own(tmp_path):
    pkg = package(tmp_path, {"constants.py": "X = 1\n"})
    (pkg / "sub").mkdir()
    (pkg / "sub" / "__init__.py").write_text("")
    here = pkg / "sub" / "mod.py"
    here.write_text("")
    assert module_file(here, "constants", 2) == pkg / "constants.py"
    assert module_file(here, "svc.constants", 0) == pkg / "constants.py"
    assert module_file(here, "os.path", 0) is None  # not this project's
    assert module_file(here, "", 1) is None  # `from . import x`: a module, not a value
    assert module_values(pkg / "constants.py").constants == {"X": 1}


ENV_MODULE = (
    "import os\nfrom functools import cached_property\nclass _Env:\n"
    "    def _var(self, name, default=None):\n        return os.environ.get(name, default)\n"
    "    @cached_property\n    def listen(self):\n        return self._var('LISTEN', default={listen!r})\n"
    "    @property\n    def other(self):\n        if os.environ.get('X'):\n            return '127.0.0.1'\n        return os.getenv('OTHER', '0.0.0.0')\n"
    "ENV = _Env()\n"
)


@pytest.mark.parametrize(
    "listen, function, expected",
    [
        # a parameter default that is a property of the project's object, in the CLI's signature or a typer option
        ("0.0.0.0", "def main(host: str = ENV.listen):\n    uvicorn.run(app, host=host)\n", [6]),
        ("::", "import typer\ndef main(host: str = typer.Option(ENV.listen, '--host')):\n    uvicorn.run(app, host=host)\n", [7]),
        ("0.0.0.0", "def main():\n    uvicorn.run(app, host=ENV.listen)\n", [6]),
        ("127.0.0.1", "def main(host: str = ENV.listen):\n    uvicorn.run(app, host=host)\n", []),
        # a property whose returns disagree gives no default
        ("0.0.0.0", "def main(host: str = ENV.other):\n    uvicorn.run(app, host=host)\n", []),
    ],
)
def test_a_host_from_a_property_of_a_project_object(tmp_path, listen, function, expected):
    pkg = package(tmp_path, {"env.py": ENV_MODULE.format(listen=listen)})
    server = pkg / "server.py"
    server.write_text("import uvicorn\nfrom .app import app\nfrom .env import ENV\n\n" + function)
    assert [line for _name, line in exposed(tmp_path, server)] == expected
    values = module_values(pkg / "env.py")
    assert values.attribute_defaults.get("listen") == (listen,)
    assert "other" not in values.attribute_defaults


@pytest.mark.parametrize(
    "init, imports, host, expected",
    [
        # a settings class re-exported by the sub-package's __init__
        ("from .fields import ServeConfig\n", "from .conf import ServeConfig\ncfg = ServeConfig()", "cfg.listen", [7]),
        ("from .fields import ServeConfig\n", "from svc.conf import ServeConfig\ncfg = ServeConfig()", "cfg.listen", [7]),
        # under `if TYPE_CHECKING:`, as lazily importing packages write it
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .fields import ServeConfig\n", "from .conf import ServeConfig\ncfg = ServeConfig()", "cfg.listen", [7]),
        # a constant re-exported under another name
        ("from .fields import WILDCARD as DEFAULT_LISTEN\n", "from .conf import DEFAULT_LISTEN", "DEFAULT_LISTEN", [6]),
        # the re-exported class gives a local default; a name the package does not re-export
        ("from .local_fields import ServeConfig\n", "from .conf import ServeConfig\ncfg = ServeConfig()", "cfg.listen", []),
        ("from .local_fields import ServeConfig\n", "from .conf import Other\ncfg = Other()", "cfg.listen", []),
    ],
)
def test_a_host_through_a_package_that_reexports_it(tmp_path, init, imports, host, expected):
    pkg = package(tmp_path, {})
    conf = pkg / "conf"
    conf.mkdir()
    (conf / "__init__.py").write_text(init)
    (conf / "fields.py").write_text("WILDCARD = '0.0.0.0'\nclass ServeConfig:\n    listen: str = '0.0.0.0'\n")
    (conf / "local_fields.py").write_text("class ServeConfig:\n    listen: str = '127.0.0.1'\n")
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports=imports, host=host))
    assert [line for _name, line in exposed(tmp_path, server)] == expected


def test_the_cache_drops_a_result_when_the_reexported_module_changes(tmp_path):
    pkg = package(tmp_path, {})
    conf = pkg / "conf"
    conf.mkdir()
    (conf / "__init__.py").write_text("from .fields import ServeConfig\n")
    (conf / "fields.py").write_text("class ServeConfig:\n    listen: str = '0.0.0.0'\n")
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports="from .conf import ServeConfig\ncfg = ServeConfig()", host="cfg.listen"))
    assert exposed(tmp_path, server, cache=True) == [("server.py", 7)]
    (conf / "fields.py").write_text("class ServeConfig:\n    listen: str = 'localhost'\n")
    assert exposed(tmp_path, server, cache=True) == []


YAML_READER = "import yaml\n{imports}\n\ndef read(stream):\n    return yaml.load(stream, Loader={loader})\n"


def yaml_findings(root: Path, target: Path, cache: bool = False):
    results, _ = check_paths([str(target)], Config(root=root, select=["MLW106"], severity=Severity.LOW), cache=cache)
    assert not [e for r in results for e in r.errors]
    return [(f.line, f.severity) for r in results for f in r.findings]


@pytest.mark.parametrize(
    "loaders, imports, loader, expected",
    [
        # a subclass of a safe loader in another module of the package: safe
        ("import yaml\nclass PlainLoader(yaml.SafeLoader):\n    pass\n", "from .loaders import PlainLoader", "PlainLoader", []),
        ("from yaml import CSafeLoader as Fast\nclass PlainLoader(Fast):\n    pass\n", "from svc.loaders import PlainLoader as PL", "PL", []),
        # through the package's re-export
        (None, "from .conf import PlainLoader", "PlainLoader", []),
        # a subclass of an unsafe loader: reported high, as in the same file
        ("import yaml\nclass PlainLoader(yaml.UnsafeLoader):\n    pass\n", "from .loaders import PlainLoader", "PlainLoader", [(5, Severity.HIGH)]),
        # bases we cannot read: still "cannot be verified" (medium)
        ("import yaml\nfrom .base import Mixin\nclass PlainLoader(Mixin):\n    pass\n", "from .loaders import PlainLoader", "PlainLoader", [(5, Severity.MEDIUM)]),
        ("import yaml\nPlainLoader = pick()\n", "from .loaders import PlainLoader", "PlainLoader", [(5, Severity.MEDIUM)]),
    ],
)
def test_a_yaml_loader_class_from_a_project_module(tmp_path, loaders, imports, loader, expected):
    pkg = package(tmp_path, {"loaders.py": loaders or "import yaml\nclass PlainLoader(yaml.SafeLoader):\n    pass\n"})
    if loaders is None:
        (pkg / "conf").mkdir()
        (pkg / "conf" / "__init__.py").write_text("from ..loaders import PlainLoader\n")
    reader = pkg / "reader.py"
    reader.write_text(YAML_READER.format(imports=imports, loader=loader))
    assert yaml_findings(tmp_path, reader) == expected


def test_the_cache_drops_a_yaml_verdict_when_the_loader_module_changes(tmp_path):
    pkg = package(tmp_path, {"loaders.py": "import yaml\nclass PlainLoader(yaml.SafeLoader):\n    pass\n"})
    reader = pkg / "reader.py"
    reader.write_text(YAML_READER.format(imports="from .loaders import PlainLoader", loader="PlainLoader"))
    assert yaml_findings(tmp_path, reader, cache=True) == []
    (pkg / "loaders.py").write_text("import yaml\nclass PlainLoader(yaml.Loader):\n    pass\n")
    assert yaml_findings(tmp_path, reader, cache=True) == [(5, Severity.HIGH)]


#: round s9: one reader for defaults, in this file and in the package's other
#: modules (MLW707 used a libcst finder of its own for the file itself)
SAME_FILE_DEFAULTS = {
    # an option default through a module constant; a settings property; a pydantic Field
    "argparse-default-constant": ("import argparse\nimport uvicorn\nLISTEN = '0.0.0.0'\np = argparse.ArgumentParser()\np.add_argument('--bind-host', default=LISTEN)\nargs = p.parse_args()\nuvicorn.run('a:b', host=args.bind_host)\n", 7),
    "property-getenv": ("import os\nimport uvicorn\nclass Env:\n    @property\n    def listen(self):\n        return os.getenv('LISTEN', '::')\nuvicorn.run('a:b', host=Env().listen)\n", 7),
    "field-call": ("import uvicorn\nfrom pydantic import BaseModel, Field\nclass S(BaseModel):\n    where: str = Field(default='0.0.0.0')\nuvicorn.run('a:b', host=S().where)\n", 5),
}
SAME_FILE_QUIET = [
    # two options of that name, one loopback: not every default binds every interface
    "import argparse\nimport uvicorn\na = argparse.ArgumentParser()\na.add_argument('--host', default='0.0.0.0')\nb = argparse.ArgumentParser()\nb.add_argument('--host', default='127.0.0.1')\nuvicorn.run('a:b', host=b.parse_args().host)\n",
    "import uvicorn\nclass S:\n    where = 'localhost'\nuvicorn.run('a:b', host=S().where)\n",
]


@pytest.mark.parametrize("name", sorted(SAME_FILE_DEFAULTS))
def test_defaults_of_the_file_itself(name):
    from mlwarden.core.engine import check_source

    code, line = SAME_FILE_DEFAULTS[name]
    for full in (False, True):
        got = check_source(code, "serve.py", config=Config(select=["MLW707"], severity=Severity.LOW), full=full).findings
        assert [f.line for f in got] == [line], (full, got)


@pytest.mark.parametrize("code", SAME_FILE_QUIET)
def test_defaults_of_the_file_itself_quiet(code):
    from mlwarden.core.engine import check_source

    assert check_source(code, "serve.py", config=Config(select=["MLW707"], severity=Severity.LOW)).findings == []


def test_one_reader_for_this_file_and_other_modules(tmp_path):
    import ast
    from types import SimpleNamespace

    from mlwarden.core.project import file_values

    code = SAME_FILE_DEFAULTS["argparse-default-constant"][0] + SAME_FILE_DEFAULTS["property-getenv"][0]
    (tmp_path / "m.py").write_text(code)
    unit = SimpleNamespace(extra={})
    mine = file_values(unit, ast.parse(code))
    assert mine.attribute_defaults == module_values(tmp_path / "m.py").attribute_defaults
    assert mine.attribute_defaults["bind_host"] == ("0.0.0.0",) and mine.attribute_defaults["listen"] == ("::",)
    assert file_values(unit, None) is mine  # memoised on the unit


#: round s10: a constant of an imported project *module*, read as an
#: attribute of the module's local name (also as a parameter's default)
@pytest.mark.parametrize(
    "imports, host, expected",
    [
        ("from svc import constants", "constants.DEFAULT_INTERFACE", [6]),
        ("from . import constants as k", "k.DEFAULT_INTERFACE", [6]),
        ("import svc.constants as c", "c.DEFAULT_INTERFACE", [6]),
        ("from svc import constants", "constants.LOOPBACK", []),
        ("from svc import constants", "constants.MISSING", []),
        ("from svc import constants", "constants.TWICE", []),
    ],
)
def test_a_constant_of_an_imported_project_module(tmp_path, imports, host, expected):
    pkg = package(tmp_path, {"constants.py": "DEFAULT_INTERFACE = '0.0.0.0'\nLOOPBACK = '127.0.0.1'\nTWICE = '::'\nTWICE = 'localhost'\n"})
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports=imports, host=host))
    assert [line for _name, line in exposed(tmp_path, server)] == expected


def test_a_module_constant_as_a_parameter_default_of_an_untyped_app(tmp_path):
    pkg = package(tmp_path, {"constants.py": "DEFAULT_SERVER_INTERFACE = '0.0.0.0'\n", "factory.py": "def configure_app():\n    return None\n"})
    run = pkg / "run.py"
    run.write_text(
        "from svc import constants\nfrom svc.factory import configure_app\n\n"
        "def serve_application(interface=constants.DEFAULT_SERVER_INTERFACE, port=5005):\n"
        "    app = configure_app()\n    app.run(host=interface, port=port, workers=1)\n"
    )
    assert exposed(tmp_path, run) == [("run.py", 6)]


def test_a_local_name_that_shadows_the_module_is_not_the_module(tmp_path):
    pkg = package(tmp_path, {"constants.py": "HOST = '0.0.0.0'\n"})
    server = pkg / "server.py"
    server.write_text(
        "import uvicorn\nfrom .app import app\nfrom svc import constants\n\n"
        "def main(constants):\n    uvicorn.run(app, host=constants.HOST, port=8000)\n"
    )
    assert exposed(tmp_path, server) == []


def test_a_module_read_for_its_constants_invalidates_the_cache(tmp_path):
    pkg = package(tmp_path, {"constants.py": "HOST = '0.0.0.0'\n"})
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports="from svc import constants", host="constants.HOST"))
    assert exposed(tmp_path, server, cache=True) == [("server.py", 6)]
    assert exposed(tmp_path, server, cache=True) == [("server.py", 6)]
    (pkg / "constants.py").write_text("HOST = '127.0.0.1'  # now local\n")
    assert exposed(tmp_path, server, cache=True) == []


BASE = "class BaseServer:\n    def __init__(self, app, host: str = {host}, *, port: int = 8000):\n        self.app = app\n        self.host = host\n        self.port = port\n"


@pytest.mark.parametrize(
    "base_host, subclass_body, expected",
    [
        # the host a base class of another module gives `self.host` from its constructor's default
        ("'0.0.0.0'", "", [6]),
        ("'::'", "", [6]),
        ("'127.0.0.1'", "", []),
        # the subclass sets its own host: the base's default is not what runs
        ("'0.0.0.0'", "    def __init__(self, app):\n        super().__init__(app)\n        self.host = 'localhost'\n", []),
    ],
)
def test_a_host_from_a_base_class_constructor_in_another_module(tmp_path, base_host, subclass_body, expected):
    pkg = package(tmp_path, {"base.py": BASE.format(host=base_host)})
    server = pkg / "http.py"
    body = subclass_body + "    def serve(self):\n        uvicorn.run(self.app, host=self.host, port=self.port)\n"
    server.write_text("import uvicorn\nfrom .base import BaseServer\n\nclass HTTPServer(BaseServer):\n" + body)
    lines = [line for _name, line in exposed(tmp_path, server)]
    assert lines == ([6 + subclass_body.count("\n")] if expected else [])


@pytest.mark.parametrize(
    "env, imports, host, expected",
    [
        ("import os\nHOST = os.getenv('HOST', '0.0.0.0')\n", "from .env import HOST", "HOST", [6]),
        ("import os\nHOST = os.environ.get('APP_HOST', default='::')\n", "from .env import HOST as BIND", "BIND", [6]),
        ("from os import getenv\nHOST = getenv('HOST', '0.0.0.0')\n", "from svc.env import HOST", "HOST", [6]),
        ("import os\nHOST = os.getenv('HOST', '0.0.0.0')\n", "from svc import env", "env.HOST", [6]),
        # loopback default, no default, assigned twice, a look-up that is not the environment's
        ("import os\nHOST = os.getenv('HOST', '127.0.0.1')\n", "from .env import HOST", "HOST", []),
        ("import os\nHOST = os.getenv('HOST')\n", "from .env import HOST", "HOST", []),
        ("import os\nHOST = os.getenv('HOST', '0.0.0.0')\nHOST = 'localhost'\n", "from .env import HOST", "HOST", []),
        ("HOST = settings.get('HOST', '0.0.0.0')\n", "from .env import HOST", "HOST", []),
    ],
)
def test_an_environment_default_in_another_module(tmp_path, env, imports, host, expected):
    pkg = package(tmp_path, {"env.py": env})
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports=imports, host=host))
    assert [line for _name, line in exposed(tmp_path, server)] == expected
    if expected:
        results, _ = check_paths([str(server)], Config(root=tmp_path, select=["MLW707"]), cache=False)
        [finding] = [f for r in results for f in r.findings]
        assert "when the environment does not set `" in finding.message


def test_an_environment_default_through_a_class_attribute(tmp_path):
    """The host judged with ``ast`` (a class attribute set from the imported name) also reads it."""
    pkg = package(tmp_path, {"env.py": "import os\nHOST = os.getenv('HOST', '0.0.0.0')\n"})
    server = pkg / "server.py"
    server.write_text(
        "import uvicorn\nfrom .app import app\nfrom .env import HOST\n\nclass Api:\n    def __init__(self):\n        self.host = HOST\n"
        "    def start(self):\n        uvicorn.run(app, host=self.host)\n"
    )
    assert exposed(tmp_path, server) == [("server.py", 9)]


BOOT = (
    "import uvicorn\n\nclass Bootstrap:\n    def __init__(self, app, host{default}, port=8080):\n        self.app = app\n        self.host = host\n\n"
    "    def start(self):\n        uvicorn.run(self.app, host=self.host, port=8080)\n"
)


@pytest.mark.parametrize(
    "default, callers, expected",
    [
        ("", {"cli.py": "from .boot import Bootstrap\n\ndef main(app):\n    Bootstrap(app, '0.0.0.0').start()\n"}, [9]),
        ("", {"cli.py": "from svc.boot import Bootstrap as B\n\ndef main(app, host: str = '::'):\n    B(app, host=host).start()\n"}, [9]),
        # a loopback default the other module overrides with every interface
        (" = 'localhost'", {"cli.py": "from .boot import Bootstrap\nBootstrap(None, host='0.0.0.0')\n"}, [9]),
        # one caller passes loopback, one a value we cannot read, one leaves a loopback default
        ("", {"a.py": "from .boot import Bootstrap\nBootstrap(None, '0.0.0.0')\n", "b.py": "from .boot import Bootstrap\nBootstrap(None, '127.0.0.1')\n"}, []),
        ("", {"cli.py": "from .boot import Bootstrap\ndef main(args):\n    Bootstrap(None, args.host)\n"}, []),
        (" = '127.0.0.1'", {"cli.py": "from .boot import Bootstrap\nBootstrap(None)\n"}, []),
        # a class of the same name from somewhere else, or a module that only mentions it
        ("", {"cli.py": "from .other import Bootstrap\nBootstrap(None, '0.0.0.0')\n", "other.py": "class Bootstrap:\n    pass\n"}, []),
        ("", {"cli.py": "# Bootstrap('0.0.0.0') is what the docs show\n"}, []),
    ],
)
def test_constructor_callers_in_other_modules(tmp_path, default, callers, expected):
    pkg = package(tmp_path, {"boot.py": BOOT.format(default=default), **callers})
    assert [line for _name, line in exposed(tmp_path, pkg / "boot.py")] == expected
    if expected:
        results, _ = check_paths([str(pkg / "boot.py")], Config(root=tmp_path, select=["MLW707"]), cache=False)
        [finding] = [f for r in results for f in r.findings]
        assert "`Bootstrap(...)` is made with such a host in `" in finding.message


def test_constructor_callers_fast_equals_full(tmp_path):
    from mlwarden.core.engine import check_file
    from mlwarden.core.registry import rule_by_id

    pkg = package(tmp_path, {"boot.py": BOOT.format(default=""), "cli.py": "from .boot import Bootstrap\nBootstrap(None, '0.0.0.0')\n"})
    config = Config(root=tmp_path, select=["MLW707"], severity=Severity.LOW)
    fast = check_file(pkg / "boot.py", "python", [rule_by_id("MLW707")], config)
    full = check_file(pkg / "boot.py", "python", [rule_by_id("MLW707")], config, full=True)
    assert [(f.line, f.col) for f in fast.findings] == [(f.line, f.col) for f in full.findings] == [(9, 9)]


#: round s12: an option or field default that is a call of the project's
#: environment getter, a function that returns ``os.getenv(key)`` or the
#: default it is given (in this file or imported from a project module)
GETTER = "import os\n\ndef get_env_value(env_key, default, value_type=str):\n    value = os.getenv(env_key)\n    if value is None:\n        return default\n    return value_type(value)\n"


@pytest.mark.parametrize(
    "files, imports, host, expected",
    [
        # argparse default in another module, the getter in a third
        ({"utils.py": GETTER, "config.py": "import argparse\nfrom .utils import get_env_value\np = argparse.ArgumentParser()\np.add_argument('--host', default=get_env_value('HOST', '0.0.0.0'))\nargs = p.parse_args()\n"},
         "from .config import args", "args.host", [6]),
        # a settings field, the getter by keyword and aliased, os.environ.get's default parameter
        ({"envtools.py": "from os import environ\ndef read_env(name, fallback=None):\n    return environ.get(name, fallback)\n",
          "settings.py": "from .envtools import read_env as env\nclass Settings:\n    host: str = env(name='SVC_HOST', fallback='::')\n"},
         "from .settings import Settings\nsettings = Settings()", "settings.host", [7]),
        # a module constant
        ({"utils.py": GETTER, "consts.py": "from .utils import get_env_value\nHOST = get_env_value('HOST', '0.0.0.0')\n"}, "from .consts import HOST", "HOST", [6]),
        # loopback default; a helper that does not return its default; one that reads a fixed variable
        ({"utils.py": GETTER, "config.py": "import argparse\nfrom .utils import get_env_value\np = argparse.ArgumentParser()\np.add_argument('--host', default=get_env_value('HOST', '127.0.0.1'))\nargs = p.parse_args()\n"},
         "from .config import args", "args.host", []),
        ({"utils.py": "import os\ndef get_env_value(key, default):\n    return os.getenv(key) or compute(default)\n", "consts.py": "from .utils import get_env_value\nHOST = get_env_value('HOST', '0.0.0.0')\n"},
         "from .consts import HOST", "HOST", []),
        ({"utils.py": "import os\ndef get_env_value(key, default):\n    if os.getenv('STRICT'):\n        return '127.0.0.1'\n    return key\n", "consts.py": "from .utils import get_env_value\nHOST = get_env_value('HOST', '0.0.0.0')\n"},
         "from .consts import HOST", "HOST", []),
    ],
)
def test_an_environment_getter_of_the_project(tmp_path, files, imports, host, expected):
    pkg = package(tmp_path, files)
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports=imports, host=host))
    assert [line for _name, line in exposed(tmp_path, server)] == expected


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import os, uvicorn\ndef env(name, default=None):\n    return os.environ.get(name, default)\nuvicorn.run(app, host=env('BIND', '0.0.0.0'))\n", [4]),
        ("import os, uvicorn\ndef env(name, default=None):\n    return os.environ.get(name, default)\nuvicorn.run(app, host=env('BIND', 'localhost'))\n", []),
        # a local name that shadows the getter
        ("import os, uvicorn\ndef env(name, default=None):\n    return os.environ.get(name, default)\ndef main(env):\n    uvicorn.run(app, host=env('BIND', '0.0.0.0'))\n", []),
    ],
)
def test_an_environment_getter_in_the_file(code, expected):
    from mlwarden.core.engine import check_source

    config = Config(select=["MLW707"], severity=Severity.LOW)
    fast = check_source(code, "serve.py", config=config).findings
    full = check_source(code, "serve.py", config=config, full=True).findings
    assert [f.line for f in fast] == [f.line for f in full] == expected
    if expected:
        assert "when the environment does not set `BIND`" in fast[0].message


def test_an_environment_getter_in_a_notebook():
    from mlwarden.core.engine import check_source
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json("import os, uvicorn\ndef env(k, d):\n    return os.getenv(k, d)", "uvicorn.run(app, host=env('HOST', '0.0.0.0'))")
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.cell, f.line) for f in result.findings] == [(2, 1)]


def test_the_cache_drops_a_result_when_the_getter_module_changes(tmp_path):
    pkg = package(tmp_path, {"utils.py": GETTER, "consts.py": "from .utils import get_env_value\nHOST = get_env_value('HOST', '0.0.0.0')\n"})
    server = pkg / "server.py"
    server.write_text(SERVER.format(imports="from .consts import HOST", host="HOST"))
    assert exposed(tmp_path, server, cache=True) == [("server.py", 6)]
    assert exposed(tmp_path, server, cache=True) == [("server.py", 6)]  # from the cache
    (pkg / "utils.py").write_text("def get_env_value(key, default):\n    return '127.0.0.1'\n")
    assert exposed(tmp_path, server, cache=True) == []


#: round s12: a bind helper of this module (a function that serves on the
#: host or address it is given) that no code of the file calls, judged by
#: its callers in the package's other modules
HELPER = (
    "import socket\nimport uvicorn\n\n\ndef create_server_socket(addr):\n    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
    "    sock.bind(addr)\n    return sock\n\n\ndef serve_http(app, host, port):\n    uvicorn.run(app, host=host, port=port)\n"
)


@pytest.mark.parametrize(
    "callers, expected",
    [
        # a (host, port) tuple whose host falls back to every interface; a click option's default, an aliased import
        ({"serve.py": "from .launch import create_server_socket\ndef run(args):\n    return create_server_socket((args.host or '', args.port))\n"}, [7]),
        ({"cli.py": "import click\nfrom svc.launch import serve_http as go\n@click.command()\n@click.option('--host', default='::')\ndef main(host):\n    go(None, host, 80)\n"}, [12]),
        ({"cli.py": "from .launch import serve_http\ndef main(app, bind='0.0.0.0'):\n    serve_http(app, host=bind, port=80)\n"}, [12]),
        # one caller passes loopback, one a value that cannot be read; a configured value before the fallback
        ({"a.py": "from .launch import serve_http\nserve_http(None, '0.0.0.0', 1)\n", "b.py": "from .launch import serve_http\nserve_http(None, '127.0.0.1', 2)\n"}, []),
        ({"cli.py": "from .launch import serve_http\ndef main(args):\n    serve_http(None, args.host, 80)\n"}, []),
        ({"cli.py": "from .launch import serve_http\ndef main(app, host='127.0.0.1'):\n    serve_http(app, host or '0.0.0.0', 80)\n"}, []),
        # a function of the same name from another module
        ({"cli.py": "from .other import serve_http\nserve_http(None, '0.0.0.0', 1)\n", "other.py": "def serve_http(a, h, p):\n    pass\n"}, []),
    ],
)
def test_bind_helpers_called_from_other_modules(tmp_path, callers, expected):
    pkg = package(tmp_path, {"launch.py": HELPER, **callers})
    assert [line for _name, line in exposed(tmp_path, pkg / "launch.py")] == expected
    if expected:
        results, _ = check_paths([str(pkg / "launch.py")], Config(root=tmp_path, select=["MLW707"]), cache=False)
        [finding] = [f for r in results for f in r.findings]
        assert "is called only with such" in finding.message and sorted(callers)[0] in finding.message


def test_bind_helpers_called_from_other_modules_fast_equals_full(tmp_path):
    from mlwarden.core.engine import check_source

    pkg = package(tmp_path, {"launch.py": HELPER, "serve.py": "from .launch import create_server_socket\ncreate_server_socket(('', 8000))\n"})
    config = Config(root=tmp_path, select=["MLW707"], severity=Severity.LOW)
    source = (pkg / "launch.py").read_text()
    fast = check_source(source, str(pkg / "launch.py"), config=config).findings
    full = check_source(source, str(pkg / "launch.py"), config=config, full=True).findings
    assert [(f.line, f.col, f.message) for f in fast] == [(f.line, f.col, f.message) for f in full] and [f.line for f in fast] == [7]
