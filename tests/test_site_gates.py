"""The rules' piece tests (``site_gate``) and the ast gate of MLW207 lose
nothing: on code written to get round them (aliases, star imports,
constants, ``**`` mappings, parameter defaults, publishers in other
functions, URLs split over literals), the fast path finds exactly what the
equivalence mode (every rule on the whole module) finds. And they do their
job: a piece whose calls are all safe as written is not sent to libcst."""

from __future__ import annotations

import ast

import pytest

from mlwarden.core.bindings import ModuleFacts
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.gate import candidate_rules
from mlwarden.core.locate import plan
from mlwarden.core.registry import all_rules

RULES = {r.id: r for r in all_rules()}

#: (rule, source, expected finding lines): each must be found (or not) the same way by both modes
CASES = [
    # MLW102: aliases, references, star imports, rebinding
    ("MLW102", "import torch\n\ndef f(p):\n    return torch.load(p, weights_only=True)\n", []),
    ("MLW102", "import torch\nL = torch.load\n\ndef f(p):\n    return L(p)\n", [2, 5]),
    ("MLW102", "from torch import load as fetch\n\ndef f(p):\n    return fetch(p, map_location='cpu')\n", [4]),
    ("MLW102", "import torch\n\ndef f(paths):\n    return list(map(torch.load, paths))\n", [4]),
    ("MLW102", "from torch import *\n\ndef f(p):\n    return load(p)\n", [4]),
    ("MLW102", "import torch as T\n\nclass M:\n    def restore(self, p):\n        return T.serialization.load(p, weights_only=False)\n", [5]),
    ("MLW102", "import torch\n\ndef f(p, kw):\n    return torch.load(p, weights_only=True, **kw)\n", []),
    ("MLW102", "import torch\nSAFE = False\n\ndef f(p):\n    return torch.load(p, weights_only=SAFE)\n", [5]),
    # MLW105: allow_pickle by keyword, position, constant mapping
    ("MLW105", "import numpy as np\n\ndef f(p):\n    return np.load(p)\n", []),
    ("MLW105", "import numpy as np\n\ndef f(p):\n    return np.load(p, None, True)\n", [4]),
    ("MLW105", "import numpy as np\nOPTS = {'allow_pickle': True}\n\ndef f(p):\n    return np.load(p, **OPTS)\n", [5]),
    ("MLW105", "from numpy import load as L\n\ndef f(p):\n    return L(p, allow_pickle=True)\n", [4]),
    # MLW205: every spelling of torch.hub, and files that import an unrelated `hub`
    ("MLW205", "from torch import hub as H\n\ndef f():\n    return H.load('owner/repo', 'm')\n", [4]),
    ("MLW205", "from torch.hub import list as hub_list\n\ndef f():\n    return hub_list('owner/repo:main')\n", [4]),
    ("MLW205", "import torch\nfrom . import hub\n\ndef f(x):\n    return hub.cached(x), json.load(x), list(x)\n", []),
    ("MLW205", "import torch.hub\nREPO = 'owner/repo'\n\ndef f():\n    return torch.hub.load(REPO, 'm')\n", [5]),
    # MLW202: opaque **kwargs, constant mappings, aliases, publishers in other pieces, timm names
    ("MLW202", "from transformers import AutoModel\n\nclass A:\n    @classmethod\n    def load(cls, name, **kwargs):\n        return AutoModel.from_pretrained('org/x', **kwargs)\n", []),
    ("MLW202", "from transformers import AutoModel\n\nclass A:\n    def load(self):\n        return AutoModel.from_pretrained('org/x', **self.kw)\n", []),
    ("MLW202", "from transformers import AutoModel\n\ndef f(cfg):\n    return AutoModel.from_pretrained('org/x', **cfg['load'])\n", []),
    ("MLW202", "from transformers import AutoModel\nKW = {'revision': 'main'}\n\ndef f():\n    return AutoModel.from_pretrained('org/x', **KW)\n", [5]),
    ("MLW202", "from transformers import AutoModel\nfp = AutoModel.from_pretrained\n\ndef f():\n    return fp('org/x')\n", [5]),
    ("MLW202", "from transformers import AutoModel\n\ndef f(kw):\n    return AutoModel.from_pretrained('org/x', revision='main', **kw)\n", [4]),
    ("MLW202", "from transformers import AutoModel\n\ndef pub(m):\n    m.push_to_hub('acme/x')\n\ndef f():\n    return AutoModel.from_pretrained('acme/y')\n", [7]),
    ("MLW201", "from transformers import AutoModel\n\nclass P:\n    def up(self, m):\n        m.push_to_hub('acme/x')\n\ndef f():\n    return AutoModel.from_pretrained('acme/y', trust_remote_code=True)\n", [8]),
    ("MLW202", "import timm\n\ndef f(**kw):\n    return timm.create_model('hf_hub:org/vit', **kw)\n", [4]),
    # MLW201: parameter defaults, constants, mappings, keys held in constants
    ("MLW201", "from transformers import AutoModel\n\ndef f(name, trust_remote_code=False):\n    return AutoModel.from_pretrained(name, trust_remote_code=trust_remote_code)\n", []),
    ("MLW201", "from transformers import AutoModel\n\ndef f(name, trust_remote_code=True):\n    return AutoModel.from_pretrained(name, trust_remote_code=trust_remote_code)\n", [4]),
    ("MLW201", "from transformers import AutoModel\nTRC = True\n\ndef f():\n    return AutoModel.from_pretrained('org/x', trust_remote_code=TRC)\n", [5]),
    ("MLW201", "from transformers import AutoModel\nKW = {'trust_remote_code': True}\n\ndef f():\n    return AutoModel.from_pretrained('org/x', **KW)\n", [5]),
    ("MLW201", "from transformers import pipeline\nKEY = 'trust_remote_code'\n\ndef f():\n    return {KEY: True}\n", [5]),
    ("MLW201", "from transformers import pipeline\n\ndef f():\n    return pipeline('t', model='org/x', model_kwargs=dict(trust_remote_code=True))\n", [4]),
    ("MLW201", "from transformers import AutoModel\nSAFE = False\n\ndef f():\n    return AutoModel.from_pretrained('org/x', trust_remote_code=not SAFE)\n", [5]),
    ("MLW201", "from transformers import AutoModel\n\ndef f(args):\n    return AutoModel.from_pretrained('org/x', trust_remote_code=args.trust)\n", []),
    # MLW204: parameter defaults, constants, mappings
    ("MLW204", "from transformers import AutoModel\n\ndef f(p, use_safetensors=None):\n    return AutoModel.from_pretrained(p, use_safetensors=use_safetensors)\n", []),
    ("MLW204", "from transformers import AutoModel\n\ndef f(p, use_safetensors=False):\n    return AutoModel.from_pretrained(p, use_safetensors=use_safetensors)\n", [4]),
    ("MLW204", "from transformers import AutoModel\nOPTS = {'use_safetensors': False}\n\ndef f(p):\n    return AutoModel.from_pretrained(p, **OPTS)\n", [5]),
    ("MLW204", "def f(model, out):\n    model.save_pretrained(out, **{'use_safetensors': 0})\n", [2]),
    ("MLW204", "SAFE = False\n\ndef f(model, out):\n    model.save_pretrained(out, use_safetensors=SAFE)\n", [4]),
    # MLW107: the environment variable through constants, keywords, dicts; the except retry
    ("MLW107", "import os\nimport torch\nKEY = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'\n\ndef f(p):\n    os.environ[KEY] = '1'\n    return torch.load(p, weights_only=True)\n", [6]),
    ("MLW107", "import os\n\ndef f():\n    os.environ.update(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')\n", [4]),
    ("MLW107", "import torch\n\ndef f(p):\n    try:\n        return torch.load(p, weights_only=True)\n    except Exception:\n        return torch.load(p, weights_only=False)\n", [7]),
    ("MLW107", "import torch\nfrom torch.serialization import add_safe_globals as allow\n\ndef f():\n    allow([eval])\n", [5]),
    ("MLW107", "import torch\n\ndef f(p):\n    try:\n        return torch.load(p, weights_only=True)\n    except Exception:\n        return None\n", []),
    # MLW211: a sink imported under another name
    ("MLW211", "import openai\nfrom subprocess import run as go\n\ndef f(client):\n    cmd = client.chat.completions.create(model='m', messages=[]).choices[0].message.content\n    go(cmd, shell=True)\n", [6]),
    # MLW207: the known beginning of a URL is built from literals in many ways
    ("MLW207", "import requests\n\ndef f(name):\n    return requests.get(f'https://example.com/{name}')\n", []),
    ("MLW207", "import requests\nBASE = 'ht' + 'tp://example.com/'\n\ndef f(name):\n    return requests.get(BASE + name)\n", []),
    ("MLW207", "import requests\n\ndef f(name):\n    return requests.get('HTTP://example.com/' + name)\n", [4]),
    ("MLW207", "import urllib.request\nU = 'http://example.com/m.bin'\n\ndef f():\n    urllib.request.urlretrieve(U, 'm.bin')\n", [5]),
]


@pytest.mark.parametrize("rule_id, source, lines", CASES)
def test_fast_path_finds_what_the_whole_module_finds(rule_id, source, lines):
    rules = [RULES[rule_id]]
    config = Config(severity=Severity.LOW)
    fast = check_source(source, "m.py", config=config, rules=rules)
    full = check_source(source, "m.py", config=config, rules=rules, full=True)
    assert not fast.errors and not full.errors
    shown = lambda result: [(f.line, f.col, f.message, f.severity) for f in result.findings]  # noqa: E731
    assert shown(fast) == shown(full)
    assert sorted({f.line for f in full.findings}) == lines


#: (rule, source): the triggers fire, but every call is safe as written: nothing reaches libcst
GATED_OUT = [
    ("MLW102", "import torch\n\ndef f(p):\n    return torch.load(p, weights_only=True)\n"),
    ("MLW105", "import numpy as np\n\ndef f(p):\n    return np.load(p, mmap_mode='r')\n"),
    ("MLW205", "import torch\nfrom . import hub\n\ndef f(x):\n    return hub.cached(x), torch.load.__doc__\n"),
    ("MLW202", "from transformers import AutoModel\n\ndef f(name, **kwargs):\n    return AutoModel.from_pretrained(name, **kwargs)\n"),
    ("MLW204", "from transformers import AutoModel\n\ndef f(p, use_safetensors=None):\n    return AutoModel.from_pretrained(p, use_safetensors=use_safetensors)\n"),
    ("MLW107", "import torch\n\ndef f(p):\n    try:\n        return torch.load(p, weights_only=True)\n    except OSError:\n        return None\n"),
    ("MLW201", "from transformers import AutoModel\n\ndef f(name, trust_remote_code=None):\n    return AutoModel.from_pretrained(name, trust_remote_code=trust_remote_code)\n"),
]


@pytest.mark.parametrize("rule_id, source", GATED_OUT)
def test_a_piece_with_only_safe_calls_is_not_parsed(rule_id, source):
    tree = ast.parse(source)
    rules = [RULES[rule_id]]
    assert candidate_rules(source, rules, tree) == rules  # the triggers and the file-level gates pass
    pruned = plan(tree, source, rules, ModuleFacts.from_ast(tree))
    assert pruned is not None and pruned.lines == []


def test_the_same_piece_with_one_unsafe_call_is_parsed():
    source = "import torch\n\ndef f(p):\n    torch.load(p, weights_only=True)\n    return torch.load(p)\n"
    tree = ast.parse(source)
    pruned = plan(tree, source, [RULES["MLW102"]], ModuleFacts.from_ast(tree))
    assert pruned is not None and pruned.lines == [3, 4, 5]


def test_mlw207_skips_a_file_whose_urls_are_all_https():
    rules = [RULES["MLW207"]]
    safe = "import requests\nrequests.get('https://example.com/a')\n"
    assert candidate_rules(safe, rules, ast.parse(safe)) == []
    for unsafe in ("import requests\nrequests.get('http://example.com/a')\n",
                   "import requests\nS = 'http'\nrequests.get(S + '://example.com/a')\n",
                   "import requests\nrequests.get('h' 'ttp://example.com/a')\n"):
        assert candidate_rules(unsafe, rules, ast.parse(unsafe)) == rules


def test_mlw211_needs_a_call_that_resolves_to_a_sink():
    """MLW211 sees the whole module of a file it may report in, so its ast
    gate resolves the callee: `backend.run(...)` beside `model.generate` is
    no `subprocess.run`, while every spelling of a real sink still counts."""
    rules = [RULES["MLW211"]]
    head = "from transformers import AutoModelForCausalLM\nout = AutoModelForCausalLM.from_pretrained('m').generate(ids)\n"
    quiet = head + "def tune(backend, n, **kw):\n    return backend.run(n, **kw)\n"
    assert candidate_rules(quiet, rules, ast.parse(quiet)) == []
    for sink in ("import subprocess\nsubprocess.run(cmd)\n", "from subprocess import run as go\ngo(cmd)\n",
                 "import os as o\no.system(cmd)\n", "exec(code)\n", "import builtins\nbuiltins.eval(text)\n"):
        source = head + sink
        assert candidate_rules(source, rules, ast.parse(source)) == rules, sink


def test_mlw211_needs_a_provider_in_code_not_only_in_strings():
    rules = [RULES["MLW211"]]
    sink = "import subprocess\n\ndef go(cmd):\n    subprocess.run(cmd, shell=True)\n"
    quiet = sink + "SKIP = 'test requires openai'\n"
    assert candidate_rules(quiet, rules, ast.parse(quiet)) == []
    for provider in ("import openai\n", "from openai import OpenAI\n", "import importlib\nclient = importlib.import_module('openai')\n"):
        source = provider + sink
        assert candidate_rules(source, rules, ast.parse(source)) == rules, provider
