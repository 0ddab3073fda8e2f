"""The rest of the ML code-execution surface: native code (MLW111),
torch.package (MLW116), msgpack-numpy (MLW117), the datasets "pandas"
builder (MLW118), tar extraction (MLW210), and loader functions handed over
as values (MLW101/102/103/104)."""

import textwrap

import pytest

from mlwarden.core.config import Config, config_from_mapping
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def findings(code, rule, **options):
    config = config_from_mapping(dict(options)) if options else Config()
    config.select = [rule]
    config.severity = Severity.LOW  # every finding: these tests judge severities
    result = check_source(textwrap.dedent(code), "m.py", config=config)
    assert not result.errors, result.errors
    return result.findings


# -- MLW111: literal paths are low, computed paths medium ---------------------------

NATIVE = [
    ("import torch\ntorch.ops.load_library('build/libcustom.so')", Severity.LOW),
    ("import torch\nLIB = 'ext/ops.so'\ntorch.classes.load_library(LIB)", Severity.LOW),
    ("import torch\ndef load(lib):\n    torch.ops.load_library(lib)", Severity.MEDIUM),
    ("import tensorflow\ntensorflow.load_op_library(input())", Severity.MEDIUM),
    ("import tensorflow\ndef f(p):\n    return tensorflow.load_library(p + '.so')", Severity.MEDIUM),
    ("from numpy import f2py\nf2py.compile(input(), modulename='sub')", Severity.MEDIUM),
    ("import onnxruntime as ort\nso = ort.SessionOptions()\nso.register_custom_ops_library('libortcustomops.so')", Severity.LOW),
    ("import onnxruntime as ort\nso = ort.SessionOptions()\nso.register_custom_ops_library(get_library_path())", Severity.MEDIUM),
]


@pytest.mark.parametrize("code, severity", NATIVE)
def test_native_code_severity(code, severity):
    [finding] = findings(code, "MLW111")
    assert finding.severity is severity


def test_f2py_module_name_is_not_the_source():
    """Source written in the code is the project's own code: no finding,
    whatever the module name; source computed at run time is reported."""
    assert findings("from numpy import f2py\nSRC = 'x'\nf2py.compile(SRC, modulename=input())", "MLW111") == []
    assert findings("from numpy import f2py\nf2py.compile('subroutine s\\nend', modulename='s')", "MLW111") == []
    assert [f.severity for f in findings("from numpy import f2py\nf2py.compile(input(), modulename='s')", "MLW111")] == [Severity.MEDIUM]


# -- MLW116 / MLW117 / MLW118 -----------------------------------------------------------

@pytest.mark.parametrize(
    "code",
    [
        "import torch.package\nimp = torch.package.PackageImporter(path)",
        "from torch.package import package_importer\nimp = package_importer.PackageImporter(buf)",
        "import torch\nimp = torch.package.PackageImporter(path)",
    ],
)
def test_torch_package_importer(code):
    assert len(findings(code, "MLW116")) == 1


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import msgpack, msgpack_numpy\nmsgpack.unpackb(b, object_hook=msgpack_numpy.decode)", 1),
        ("import msgpack\nfrom msgpack_numpy import decode\nmsgpack.unpackb(b, object_hook=decode)", 1),
        ("import msgpack, msgpack_numpy as m\nm.patch()\nu = msgpack.Unpacker(f)", 1),
        ("import msgpack, msgpack_numpy as m\nmsgpack.unpackb(b)", 0),
        ("import msgpack, msgpack_numpy as m\nm.packb(x)", 0),
        ("import msgpack_numpy as m\nm.unpackb(m.packb(x))", 0),
    ],
)
def test_msgpack_numpy(code, expected):
    assert len(findings(code, "MLW117")) == expected


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import datasets\nds = datasets.load_dataset('pandas', data_files='d.pkl')", 1),
        ("from datasets.load import load_dataset\nds = load_dataset(path='pandas')", 1),
        ("import datasets\nds = datasets.load_dataset('json', data_files='d.json')", 0),
        ("import datasets\nds = datasets.load_dataset(name)", 0),
    ],
)
def test_datasets_pandas_builder(code, expected):
    assert len(findings(code, "MLW118")) == expected


# -- MLW210 ---------------------------------------------------------------------------------

TAR = {
    "tarfile-TarFile": ("import tarfile\nt = tarfile.TarFile('a.tar')\nt.extractall('out')", 1),
    "gzopen": ("import tarfile\nt = tarfile.TarFile.gzopen(p)\nt.extractall(d)", 1),
    "filter-none": ("import tarfile\ntarfile.open(p).extractall(d, filter=None)", 1),
    "filter-data-filter": ("import tarfile\ntarfile.open(p).extractall(d, filter=tarfile.data_filter)", 0),
    "custom-filter": ("import tarfile\ntarfile.open(p).extractall(d, filter=my_filter)", 0),
    "class-filter-set": (
        "import tarfile\ntarfile.TarFile.extraction_filter = staticmethod(tarfile.data_filter)\ntarfile.open(p).extractall(d)",
        0,
    ),
    # members that select nothing: every member, as with no `members=`
    "members-getmembers": ("import tarfile\nt = tarfile.open(p)\nt.extractall(d, members=t.getmembers())", 1),
    "members-the-archive": ("import tarfile\nwith tarfile.open(p) as arc:\n    arc.extractall(d, members=arc)", 1),
    "members-none": ("import tarfile\nt = tarfile.open(p)\nt.extractall(d, members=None)", 1),
    "members-a-selection": ("import tarfile\nt = tarfile.open(p)\nt.extractall(d, members=[m for m in t.getmembers() if ok(m)])", 0),
    # the caller's selection (a parameter) filters nothing this function can see; a local selection does
    "members-a-parameter": ("import tarfile\ndef unpack(src, out, picked=None):\n    with tarfile.open(src) as t:\n        t.extractall(out, members=picked)", 1),
    "members-local-getmembers": ("import tarfile\ndef unpack(src, out):\n    t = tarfile.open(src)\n    allm = t.getmembers()\n    t.extractall(out, members=allm)", 1),
    "members-comprehension-without-condition": ("import tarfile\nt = tarfile.open(p)\nt.extractall(d, members=[x for x in t])", 1),
    "members-local-filtered": ("import tarfile\ndef unpack(src, out):\n    t = tarfile.open(src)\n    ok = [m for m in t if not m.name.startswith('/')]\n    t.extractall(out, members=ok)", 0),
    "members-a-helper": ("import tarfile\ndef unpack(src, out, root):\n    t = tarfile.open(src)\n    t.extractall(out, members=inside(t, root))", 0),
    # the binding that reaches the call decides (a later rebinding does not)
    "rebound-archive-name": ("import tarfile\narc = Other(q)\narc = tarfile.open(p)\narc.extractall(d)\narc = Other(r)", 1),
    "rebound-to-something-else": ("import tarfile\narc = tarfile.open(p)\narc = Other(q)\narc.extractall(d)", 0),
    "rebound-filter-name": ("import tarfile\nmode = 'data'\nmode = 'fully_trusted'\ntarfile.open(p).extractall(d, filter=mode)\nmode = 'data'", 1),
    "rebound-filter-to-data": ("import tarfile\nmode = 'fully_trusted'\nmode = 'data'\ntarfile.open(p).extractall(d, filter=mode)", 0),
    "conditional-filter": ("import tarfile\nmode = 'data'\nif legacy:\n    mode = None\ntarfile.open(p).extractall(d, filter=mode)", 0),
    # a TarFile subclass of this module, and contextlib.closing around an open
    "tarfile-subclass-open": ("import tarfile\nclass Pack(tarfile.TarFile):\n    pass\nwith Pack.open(name=p) as pk:\n    pk.extractall(d)", 1),
    "tarfile-subclass-chain": ("from tarfile import TarFile\nclass A(TarFile):\n    pass\nclass B(A):\n    pass\nB(p).extract(m, d)", 1),
    "closing-around-open": ("import tarfile\nfrom contextlib import closing\nwith closing(tarfile.open(p)) as t:\n    t.extractall(d)", 1),
    "unrelated-subclass": ("class Pack(Base):\n    pass\nwith Pack.open(p) as pk:\n    pk.extractall(d)", 0),
    "unpack-format-zip": ("import shutil\nshutil.unpack_archive(p, d, format='zip')", 0),
    "unpack-format-gztar": ("import shutil\nshutil.unpack_archive(p, d, format='gztar')", 1),
    "unpack-tar-literal": ("import shutil\nshutil.unpack_archive('data.tar.gz', 'data')", 1),
    "unknown-receiver": ("import tarfile\ndef f(archive):\n    archive.extractall('x')", 0),
    "zipfile": ("import zipfile\nzipfile.ZipFile(p).extractall(d)", 0),
}


@pytest.mark.parametrize("name", sorted(TAR))
def test_tar_extraction(name):
    code, expected = TAR[name]
    assert len(findings(code, "MLW210")) == expected


def test_python_314_default_filter_is_version_aware():
    code = "import tarfile\ntarfile.open(p).extractall(d)"
    assert findings(code, "MLW210", **{"assume-versions": {"python": "3.14"}}) == []
    assert len(findings(code, "MLW210", **{"assume-versions": {"python": "3.12"}})) == 1


def test_tar_fix_adds_data_filter_after_a_trailing_comma():
    from mlwarden.core.registry import rule_by_id
    from mlwarden.testing import fix_all

    code = "import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(\n        path,\n    )\n"
    fixed = fix_all(rule_by_id("MLW210"), code)
    # one argument per line, the trailing comma kept, the block's indentation too
    assert fixed == 'import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(\n        path,\n        filter="data",\n    )\n'
    assert findings(fixed, "MLW210") == []
    compile(fixed, "fixed.py", "exec")


#: members the project checks itself before extracting (code, severities of the findings)
_VET = (
    "import tarfile as tf\nfrom pathlib import PurePosixPath\n"
    "def _vet(member, dest):\n    name = PurePosixPath(member.name)\n"
    "    if name.is_absolute() or '..' in name.parts:\n        raise ValueError(member.name)\n{links}"
)
_LINKS = "    if member.issym() or member.islnk():\n        raise ValueError('a link')\n"
CHECKED_MEMBERS = {
    # a loop over the members calls a function of the module that rejects escaping paths and links
    "loop-calls-full-check": (_VET.format(links=_LINKS) + "def unpack(blob, d):\n    with tf.open(fileobj=blob) as arc:\n"
                              "        chosen = arc.getmembers()\n        for m in chosen:\n            _vet(m, d)\n"
                              "        arc.extractall(d, members=chosen)\n", []),
    # ... that rejects escaping paths only: a symlink member still points outside, low
    "loop-calls-path-check": (_VET.format(links="") + "def unpack(p, d):\n    with tf.open(p) as arc:\n"
                              "        for m in arc.getmembers():\n            _vet(m, d)\n        arc.extractall(d)\n", [Severity.LOW]),
    # the check written in the loop; only regular files allowed (no links)
    "inline-check-regular-files": ("import tarfile, os\ndef unpack(p, d):\n    t = tarfile.open(p)\n    for info in t.getmembers():\n"
                                   "        if os.path.isabs(info.name) or not info.isfile():\n            raise OSError(info.name)\n"
                                   "    t.extractall(d)\n", []),
    # a function of the module handed the archive goes over its members
    "archive-handed-to-a-check": ("import tarfile\ndef inside(tar, root):\n    for m in tar.getmembers():\n"
                                  "        if not (root / m.name).resolve().is_relative_to(root) or m.issym():\n            raise PermissionError(m.name)\n"
                                  "def unpack(p, root):\n    tar = tarfile.open(p)\n    inside(tar, root)\n    tar.extractall(root)\n", []),
    # single members extracted in the checked loop
    "extract-in-the-checked-loop": (_VET.format(links=_LINKS) + "def unpack(p, d):\n    t = tf.open(p)\n    for m in t:\n"
                                    "        _vet(m, d)\n        t.extract(m, d)\n", []),
    # not a check: after the extraction, only logging, a check that does not reject, another archive's members
    "check-after-extraction": (_VET.format(links=_LINKS) + "def unpack(p, d):\n    t = tf.open(p)\n    t.extractall(d)\n"
                               "    for m in t.getmembers():\n        _vet(m, d)\n", [Severity.MEDIUM]),
    "loop-only-logs": ("import tarfile\ndef unpack(p, d):\n    t = tarfile.open(p)\n    for m in t.getmembers():\n"
                       "        print(m.name, m.name.startswith('..'))\n    t.extractall(d)\n", [Severity.MEDIUM]),
    "check-that-warns": ("import tarfile, logging\ndef unpack(p, d):\n    t = tarfile.open(p)\n    for m in t.getmembers():\n"
                         "        if m.name.startswith('/') or m.issym():\n            logging.warning('odd member %s', m.name)\n"
                         "    t.extractall(d)\n", [Severity.MEDIUM]),
    "other-archive-checked": (_VET.format(links=_LINKS) + "def unpack(p, q, d):\n    a = tf.open(p)\n    b = tf.open(q)\n"
                              "    for m in a.getmembers():\n        _vet(m, d)\n    b.extractall(d)\n", [Severity.MEDIUM]),
    # a module-level loop is not a function's check
    "unknown-helper": ("import tarfile\nfrom .util import vet\ndef unpack(p, d):\n    t = tarfile.open(p)\n    for m in t.getmembers():\n"
                       "        vet(m)\n    t.extractall(d)\n", [Severity.MEDIUM]),
}


@pytest.mark.parametrize("name", sorted(CHECKED_MEMBERS))
def test_members_the_project_checks(name):
    code, expected = CHECKED_MEMBERS[name]
    found = findings(code, "MLW210")
    assert [f.severity for f in found] == expected
    if expected == [Severity.LOW]:
        assert "_vet(...)" in found[0].message and "links" in found[0].message
    config = Config(select=["MLW210"], severity=Severity.LOW)
    full = check_source(textwrap.dedent(code), "m.py", config=config, full=True).findings
    assert [(f.line, f.col, f.severity) for f in full] == [(f.line, f.col, f.severity) for f in found]


def test_members_checked_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    cell1 = _VET.format(links=_LINKS)
    cell2 = "def unpack(p, d):\n    t = tf.open(p)\n    for m in t.getmembers():\n        _vet(m, d)\n    t.extractall(d)\n    t.extractall(d + '2')"
    config = Config(select=["MLW210"], severity=Severity.LOW)
    result = check_source(notebook_json(cell1, cell2), "n.ipynb", config=config)
    assert result.findings == []
    unchecked = check_source(notebook_json(cell1, cell2.replace("_vet(m, d)", "print(m)")), "n.ipynb", config=config)
    assert [(f.cell, f.severity) for f in unchecked.findings] == [(2, Severity.MEDIUM), (2, Severity.MEDIUM)]


# -- loader functions handed over as values ------------------------------------------------

REFERENCES = [
    ("import pickle\nwith Pool() as p:\n    objs = p.map(pickle.loads, blobs)", "MLW101"),
    ("import pickle\nfrom functools import partial\nload = partial(pickle.load, encoding='latin1')", "MLW101"),
    ("import dill\nhooks = {'load': dill.load}\nregister(loader=dill.load)", "MLW101"),
    ("import joblib\nloader = joblib.load", "MLW103"),
    ("import pandas as pd\ndfs = [*map(pd.read_pickle, paths)]", "MLW104"),
    ("import torch\ndataset = DatasetFolder(root, loader=torch.load, extensions=('.pt',))", "MLW102"),
]


@pytest.mark.parametrize("code, rule", REFERENCES)
def test_function_handed_over(code, rule):
    assert len(findings(code, rule)) >= 1


@pytest.mark.parametrize(
    "code, rule",
    [
        ("import pickle\nassert callable(pickle.load)", "MLW101"),
        ("import pickle\nif hasattr(pickle, 'load'):\n    pass", "MLW101"),
        ("import torch\nloader = partial(torch.load, weights_only=True)", "MLW102"),
        ("import torch\nfrom functools import partial\nloader = partial(torch.load, weights_only=True)", "MLW102"),
        ("import torch\ndataset = DatasetFolder(root, loader=torch.load)", "MLW102"),
    ],
)
def test_references_that_are_not_loads(code, rule):
    options = {"assume-versions": {"torch": "2.6"}} if "DatasetFolder" in code else {}
    assert findings(code, rule, **options) == []


# -- severity of loads of literal data ------------------------------------------------------

SEVERITY = [
    # a literal that imports or calls something: low (its bytes are the project's)
    ("import pickle\nobj = pickle.loads(b'cos\\nsystem\\n(S\\'id\\'\\ntR.')", "MLW101", Severity.LOW),
    ("import pickle\nBLOB = b'c__main__\\nC\\n)\\x81.'\nobj = pickle.loads(BLOB)", "MLW101", Severity.LOW),
    ("import pickle\nobj = pickle.loads(b'')", "MLW101", Severity.HIGH),
    ("import jsonpickle\nobj = jsonpickle.decode('{\"py/object\": \"os.system\"}')", "MLW114", Severity.LOW),
    # a malformed literal pickle is not judged inert
    ("import dill\nobj = dill.loads(b'\\x80\\x04K')", "MLW101", Severity.LOW),
    ("import marshal\ncode = marshal.loads(b'\\xe3')", "MLW112", Severity.LOW),
    # a literal path may name a downloaded file: unchanged
    ("import torch\nstate = torch.load('model.pt')", "MLW102", Severity.HIGH),
    ("import joblib\nclf = joblib.load('model.joblib')", "MLW103", Severity.HIGH),
    ("import pickle\nwith open('cache.pkl', 'rb') as f:\n    data = pickle.load(f)", "MLW101", Severity.HIGH),
    ("import numpy as np\na = np.load('objects.npy', allow_pickle=True)", "MLW105", Severity.HIGH),
    ("import pickle\ndef f(blob):\n    return pickle.loads(blob)", "MLW101", Severity.HIGH),
    ("import yaml\nyaml.load('{}', Loader=yaml.Loader)", "MLW106", Severity.HIGH),
]


#: literals that can only become plain data: no finding (nothing in them can run)
INERT = [
    ("import pickle\nobj = pickle.loads(b'\\x80\\x04K\\x01.')", "MLW101"),
    ("import pickle as pk\nBLOB = b'\\x80\\x04\\x95\\t\\x00\\x00\\x00\\x00\\x00\\x00\\x00]\\x94(K\\x01K\\x02e.'\nobj = pk.loads(BLOB)", "MLW101"),
    ("import jsonpickle\nobj = jsonpickle.decode('foobar')", "MLW114"),
    ("from jsonpickle import decode\nobj = decode('{\"a\": [1, 2]}')", "MLW114"),
]


@pytest.mark.parametrize("code, rule", INERT)
def test_inert_literal_is_not_a_finding(code, rule):
    assert findings(code, rule) == []


def test_inert_literal_needs_a_literal():
    """The same call on a parameter, or a name rebound locally, keeps the finding."""
    assert len(findings("import jsonpickle\ndef f(s):\n    return jsonpickle.decode(s)", "MLW114")) == 1
    code = "import pickle\nBLOB = b'\\x80\\x04K\\x01.'\ndef f(sock):\n    BLOB = sock.recv(9)\n    return pickle.loads(BLOB)"
    assert [f.severity for f in findings(code, "MLW101")] == [Severity.HIGH]


@pytest.mark.parametrize("code, rule, severity", SEVERITY)
def test_literal_data_is_low(code, rule, severity):
    [finding] = findings(code, rule)
    assert finding.severity is severity
    assert ("literal in the code" in finding.message) is (severity is Severity.LOW)


# -- a payload checked against an allowlist of literals, a literal encoded in place ---------

ALLOWLISTED = [
    # the payload is one of the listed literals: plain data, no finding
    ("import jsonpickle\ndef read(req):\n    if req in ['{\"a\": 1}', '[2, 3]']:\n        return jsonpickle.decode(req)", "MLW114", []),
    ("import jsonpickle as jp\nKNOWN = ('\"x\"', '\"y\"')\ndef read(req):\n    if req in KNOWN:\n        return jp.decode(req)", "MLW114", []),
    ("import jsonpickle\ndef read(req):\n    ok = {'1', '2'}\n    if req in ok:\n        obj = jsonpickle.decode(req)", "MLW114", []),
    # a listed literal that builds objects: low, as a literal payload is
    ("import jsonpickle\ndef read(req):\n    if req in ['{\"py/object\": \"m.C\"}']:\n        return jsonpickle.decode(req)", "MLW114", [Severity.LOW]),
    # not a guard that pins the value: high
    ("import jsonpickle\ndef read(req):\n    if req not in ['1']:\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req):\n    if req in ['1']:\n        pass\n    else:\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req, allowed):\n    if req in allowed:\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req, other):\n    if req in ['1']:\n        req = other\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req):\n    if req in ['1', make()]:\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req, x):\n    if x in ['1']:\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req):\n    allowed = ['1']\n    allowed = fetch()\n    if req in allowed:\n        return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    # a guard clause before the load pins it too
    ("import jsonpickle\ndef read(req):\n    if req not in ('1', '2'):\n        raise ValueError(req)\n    return jsonpickle.decode(req)", "MLW114", []),
    ("import jsonpickle\nOK = ['1']\ndef read(reqs):\n    for r in reqs:\n        if not r in OK: continue\n        jsonpickle.decode(r)", "MLW114", []),
    ("import jsonpickle\ndef read(req):\n    if req not in ('1', '2'):\n        log(req)\n    return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req, other):\n    if req not in ('1', '2'):\n        raise ValueError(req)\n    req = other\n    return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req):\n    if req not in ('1', '2'):\n        raise ValueError(req)\n    else:\n        pass\n    return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req):\n    if req in ('1', '2'):\n        raise ValueError(req)\n    return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    ("import jsonpickle\ndef read(req, flag):\n    if flag:\n        if req not in ('1',):\n            return None\n    return jsonpickle.decode(req)", "MLW114", [Severity.HIGH]),
    # a string literal encoded in place is a literal payload
    ("import pickle\nobj = pickle.loads('\\x80\\x04K\\x01.'.encode('latin-1'))", "MLW101", []),
    ("import pickle\nobj = pickle.loads('abc'.encode())", "MLW101", [Severity.LOW]),
    ("import pickle\nobj = pickle.loads(text.encode())", "MLW101", [Severity.HIGH]),
    ("import pickle\nobj = pickle.loads('abc'.encode(codec))", "MLW101", [Severity.HIGH]),
]


@pytest.mark.parametrize("code, rule, severities", ALLOWLISTED)
def test_payload_pinned_to_literals(code, rule, severities):
    assert [f.severity for f in findings(code, rule)] == severities


# -- a module bound by an import call (core/bindings.IMPORT_CALLS) ---------------------------

IMPORTED_BY_CALL = [
    ("import importlib\npk = importlib.import_module('pickle')\ndef f(b):\n    return pk.loads(b)", "MLW101", [4]),
    ("from importlib import import_module\nyaml = import_module('yaml')\ncfg = yaml.unsafe_load(stream)", "MLW106", [3]),
    ("from .utils import lazy_import\ntorch = lazy_import('torch')\nstate = torch.load(path, weights_only=False)", "MLW102", [3]),
    ("np = __import__('numpy')\na = np.load(p, allow_pickle=True)", "MLW105", [2]),
    # a computed name, a relative name, a fromlist: not followed
    ("import importlib\npk = importlib.import_module(name)\npk.loads(b)", "MLW101", []),
    ("import importlib\npk = importlib.import_module('.pickle', 'pkg')\npk.loads(b)", "MLW101", []),
    ("m = __import__('os.path', globals(), locals(), ['join'], 0)\nm.loads(b)", "MLW101", []),
]


@pytest.mark.parametrize("code, rule, lines", IMPORTED_BY_CALL)
def test_module_bound_by_an_import_call(code, rule, lines):
    assert sorted(f.line for f in findings(code, rule)) == lines


def test_parameter_defaulting_to_an_assumed_module():
    """Framework code that receives `pickle` as a parameter default, with no
    import of it in the file: reported once, with the note naming the module
    (this used to stop the file with an internal error)."""
    code = "def load(f, pickle_module=pickle, **kw):\n    return pickle_module.load(f, **kw)\n"
    [finding] = findings(code, "MLW101")
    assert finding.line == 2
    # the note names the alias the code uses and the module it was taken to be
    assert "`pickle_module` comes from a name bound nowhere in this file, taken to be the `pickle` module" in finding.message


def test_head_spellings_cover_the_assumed_aliases():
    """`np.load(...)` in a file with no numpy import and no word `numpy`
    reaches the rules: every alias of an assumed well-known module is a
    spelling of its head in the word gate."""
    from mlwarden.core.bindings import WELL_KNOWN_MODULES
    from mlwarden.core.gate import HEAD_SPELLINGS

    for alias, module in WELL_KNOWN_MODULES.items():
        assert alias in HEAD_SPELLINGS.get(module, frozenset({module})), (alias, module)
    [finding] = findings("def k(p):\n    return np.load(p, allow_pickle=True)\n", "MLW105")
    assert finding.line == 2


#: a project module that hands on a well-known module (a lazy or optional
#: import): `from .compat import torch` is torch; names projects give their
#: own modules, a renamed import and `from . import x` (a sibling module) are not
REEXPORTS = {
    "torch-from-a-compat-module": ("from .utils.compat import torch\ndef restore(p):\n    return torch.load(p)", "MLW102", 1),
    "numpy-alias-from-parent": ("from ..backend import np\nstate = np.load(p, allow_pickle=True)", "MLW105", 1),
    "joblib-from-lazy-module": ("from ._lazy import joblib\nmodel = joblib.load(p)", "MLW103", 1),
    "sibling-module-named-torch": ("from . import torch\ntorch.load(p)", "MLW102", 0),
    "renamed": ("from .compat import torch as backend\nbackend.load(p)", "MLW102", 0),
    "own-pickle-module": ("from .utils import pickle\npickle.loads(b)", "MLW101", 0),
    "absolute-project-import": ("from mypkg.compat import torch\ntorch.load(p)", "MLW102", 0),
}


@pytest.mark.parametrize("name", sorted(REEXPORTS))
def test_module_reexported_by_a_project_module(name):
    code, rule, expected = REEXPORTS[name]
    assert len(findings(code, rule)) == expected


#: round s12: TarFile.extractall / extract handed over as a value, not called.
#: (code, line of the finding or None)
HANDED_OVER = {
    "to-a-module-helper": (
        "import tarfile\ndef unpack(src, dest):\n    with tarfile.open(src) as tf:\n        _each(dest, tf.getmembers(), tf.extractall)\n"
        "def _each(dest, members, extract):\n    for m in members:\n        extract(dest, [m])\n",
        4,
    ),
    "partial-without-filter-aliased": (
        "import tarfile as T\nfrom functools import partial as bind\narc = T.open('x.tgz')\njob = bind(arc.extract, path='out')\n",
        4,
    ),
    "to-an-imported-runner": (
        "import tarfile\nfrom .pool import run_later\ndef go(p, d):\n    t = tarfile.open(p)\n    run_later(t.extractall, d)\n",
        5,
    ),
    # quiet: a partial with a safe filter, a helper that passes one, Python 3.14's default, not a tar archive
    "partial-with-filter": ("import tarfile, functools\narc = tarfile.open('x.tgz')\njob = functools.partial(arc.extractall, 'out', filter='data')\n", None),
    "helper-passes-a-filter": (
        "import tarfile\ndef go(p, d):\n    t = tarfile.open(p)\n    _safe(d, t.extractall)\ndef _safe(d, fn):\n    fn(d, filter='data')\n", None,
    ),
    "zip-archive": ("import zipfile\ndef go(p, d):\n    z = zipfile.ZipFile(p)\n    run_later(z.extractall, d)\n", None),
}


@pytest.mark.parametrize("name", sorted(HANDED_OVER))
def test_extraction_handed_over_as_a_value(name):
    code, line = HANDED_OVER[name]
    found = findings(code, "MLW210")
    assert [(f.line, f.severity) for f in found] == ([(line, Severity.MEDIUM)] if line else []), found
    if line:
        assert "as a value" in found[0].message
    config = Config(select=["MLW210"], severity=Severity.LOW)
    full = check_source(textwrap.dedent(code), "m.py", config=config, full=True).findings
    assert [(f.line, f.col) for f in full] == [(f.line, f.col) for f in found]


def test_extraction_handed_over_quiet_on_python_3_14():
    code = HANDED_OVER["to-a-module-helper"][0]
    assert findings(code, "MLW210", **{"assume-versions": {"python": "3.14"}}) == []


def test_extraction_handed_over_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json("import tarfile\nt = tarfile.open('m.tar')", "pool.submit(t.extractall, 'models')")
    result = check_source(source, "unpack.ipynb", config=Config(select=["MLW210"], severity=Severity.LOW))
    assert [(f.cell, f.line) for f in result.findings] == [(2, 1)]
