"""MLW402's text gate (``mlwarden.secrets.textgate``) never hides a finding.

The gate reads the raw text before anything is parsed, so it is held to the
rule itself run without any gate (the engine's ``full`` mode) on every
example, fixture and on generated sources meant to trip a text test: sinks
split across lines, comments and backslashes between a keyword and its
value, every string prefix and quoting, module constants bound in odd ways,
aliases, chained assignments, notebooks whose constant and call sit in
different cells. Wherever the rule reports, the gate must say yes; and the
engine's findings with the gate are the same as without it."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import nbformat
import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.gate import candidate_rules, gate_words
from mlwarden.core.registry import rule_by_id, rule_refs
from mlwarden.secrets.textgate import WORDS, may_hold_credential

ROOT = Path(__file__).resolve().parents[1]
RULE = rule_by_id("MLW402")
CONFIG = Config(severity=Severity.LOW)
SECRET = "team-token-7d1e9a0c3b"

# how a literal can be written where the rule reads a value
LITERALS = [
    f'"{SECRET}"',
    f"'{SECRET}'",
    f'r"{SECRET}"',
    f'U"{SECRET}"',
    f'"""{SECRET}"""',
    '("team-token-" "7d1e9a0c3b")',
    f'(\n    "{SECRET}"\n)',
    f'(  # the team token\n    "{SECRET}"\n)',
    f'\\\n    "{SECRET}"',
]

# a module constant holding the literal, and how its name is bound at the top level
CONSTANTS = [
    f'TOKEN = "{SECRET}"\n',
    f'TOKEN: str = "{SECRET}"\n',
    f'TOKEN: Optional[\n    str\n] = "{SECRET}"\n',
    f'OTHER = TOKEN = "{SECRET}"\n',
    f'import os; TOKEN = "{SECRET}"\n',
    f'(TOKEN) = "{SECRET}"\n',
    f'TOKEN \\\n    = "{SECRET}"\n',
    f'TOKEN = \\\n    "{SECRET}"\n',
    f'_T = "{SECRET}"\nTOKEN = _T\n',
    f'TÖKEN_ = "{SECRET}"\nTOKEN = TÖKEN_\n',
]

# (imports, call with a value slot {v}) for every kind of sink
SINKS = [
    ("from huggingface_hub import login", "login(token={v})"),
    ("from huggingface_hub import login", "login({v})"),
    ("import huggingface_hub as hub", "hub.login(\n    {v}\n)"),
    ("from huggingface_hub import login as hf_login", "hf_login({v})"),
    ("import huggingface_hub", "do_login = huggingface_hub.login\ndo_login({v})"),
    ("import huggingface_hub", "def go(fn=huggingface_hub.login):\n    fn({v})"),
    ("from huggingface_hub import HfFolder", "HfFolder.save_token({v})"),
    ("import wandb", "wandb.login(key={v})"),
    ("import wandb", "wandb.login(None, {v})"),
    ("import wandb", "wandb.login(\n    anonymous='never',\n    key  # the team key\n    = {v},\n)"),
    ("import openai", "openai.api_key = {v}"),
    ("import openai", "openai . api_key \\\n    = {v}"),
    ("import openai", "def setup():\n    openai.api_key = tmp = {v}\n    return tmp"),
    ("from openai import OpenAI", "client = OpenAI(api_key={v})"),
    ("from openai import OpenAI", "client = OpenAI(\n    api_key=\n        {v},\n)"),
    ("from openai import OpenAI", "client = OpenAI(default_headers={{'X-API-Key': {v}}})"),
    ("import boto3", "s3 = boto3.client('s3', aws_secret_access_key={v})"),
    ("import cohere", "co = cohere.Client({v})"),
    ("from cohere import ClientV2 as Co", "co = Co({v})"),
    ("import replicate", "r = replicate.Client(\n    # read from the vault later\n    {v}\n)"),
    ("from transformers import AutoModel", "m = AutoModel.from_pretrained('org/m', token={v})"),
    ("from transformers import AutoModel", "m = AutoModel.from_pretrained('org/m', **{{'token': {v}}})"),
    ("from transformers import AutoModel", "m = AutoModel.from_pretrained('org/m', **dict(token={v}))"),
    ("import requests", "requests.post(url, headers={{'Authorization': {v}}})"),
    ("import httpx", "httpx.get(url, headers=dict(Authorization={v}))"),
    ("import os", "os.environ['HF_TOKEN'] = {v}"),
    ("import os", "os.environ[\n    'HF_TOKEN'\n] = {v}"),
    ("import os", "KEYS = {{'hf': 'HF_TOKEN'}}\nos.environ[KEYS['hf']] = {v}"),
    ("import os", "os.environ['HF_TOKEN'] = os.environ['HUGGING_FACE_HUB_TOKEN'] = {v}"),
    ("import os", "cache = {{}}\nos.environ['HF_TOKEN'] = cache['hf'] = {v}"),
    ("import os", "os.environ.setdefault('OPENAI_API_KEY', {v})"),
    ("import os", "os.environ.update(HF_TOKEN={v})"),
    ("import os", "os.environ.update({{'WANDB_API_KEY': {v}}})"),
    ("import os", "os.putenv('HF_TOKEN', {v})"),
    ("from os import environ", "environ['HF_TOKEN'] = {v}"),
    ("from os import environ as env", "env['HF_TOKEN'] = {v}"),
    ("import os", "env = os.environ\nenv['HF_TOKEN'] = {v}"),
    ("import os", "put = os.environ.setdefault\nput('HF_TOKEN', {v})"),
]

# what is not a literal for the rule: the gate may say no (and should, mostly)
NOT_LITERALS = ["token", "os.environ['HF_TOKEN']", "getpass()", "None", "kwargs.get('token')", 'f"{prefix}-7d1e9a0c3b"']


def mlw402(source: str, filename: str = "sample.py", full: bool = True):
    result = check_source(source, filename, config=CONFIG, rules=[RULE], full=full)
    return [f for f in result.findings if f.rule_id == "MLW402"], result


def gate(source: str) -> bool:
    """The gate as the engine runs it (with the prefilter's words), checked
    against the gate given no words."""
    with_words = bool(candidate_rules(source, [RULE]))
    alone = may_hold_credential(source)
    assert not with_words or alone, "the words only narrow what the text shows"
    return with_words


def generated():
    for (imports, call), literal in itertools.product(SINKS, LITERALS):
        yield f"{imports}\n{call.format(v=literal)}\n"
    for (imports, call), constant in itertools.product(SINKS, CONSTANTS):
        yield f"{imports}\n{constant}\n\ndef main():\n    {call.format(v='TOKEN').replace(chr(10), chr(10) + '    ')}\n"


@pytest.mark.sweep(every=3)
@pytest.mark.parametrize("source", list(generated()))
def test_the_gate_passes_every_source_the_rule_reports_in(source):
    found, result = mlw402(source)
    assert not result.errors, result.errors
    if found:
        assert gate(source), source
    fast, _ = mlw402(source, full=False)
    assert [(f.line, f.col, f.message) for f in fast] == [(f.line, f.col, f.message) for f in found]


def test_the_generated_sources_reach_the_rule():
    """Most generated sources are findings, so the test above tests the gate."""
    sources = list(generated())
    reported = sum(1 for s in sources if mlw402(s)[0])
    assert reported >= 0.8 * len(sources)


@pytest.mark.parametrize("imports,call", SINKS)
@pytest.mark.parametrize("value", NOT_LITERALS)
def test_no_literal_no_finding(imports, call, value):
    source = f"{imports}\n\ndef main(token, prefix, kwargs):\n    {call.format(v=value).replace(chr(10), chr(10) + '    ')}\n"
    assert not mlw402(source)[0]


@pytest.mark.parametrize(
    "source",
    [
        "from huggingface_hub import login\n\ndef main(token):\n    login(token=token)\n",
        "from huggingface_hub import login\n\ndef main(token):\n    login(token)\n",
        "import wandb\n\ndef main(key):\n    wandb.login(\n        key  # the team key\n        = key,\n    )\n",
        "import openai\nfrom getpass import getpass\nopenai.api_key = getpass()\n",
        "import os\n\ndef main(token):\n    os.environ[KEY] = token\n    os.environ.update(HF_TOKEN=token)\n",
        "from openai import OpenAI\n\ndef main(api_key, **kwargs):\n    return OpenAI(api_key=api_key, **kwargs)\n",
    ],
)
def test_no_literal_no_parse(source):
    assert not mlw402(source)[0]
    assert not gate(source), source


def test_pass_throughs_are_not_parsed():
    source = (
        "from transformers import AutoModel, AutoTokenizer\n\n\n"
        "def load(name, token=None, **kwargs):\n"
        "    token = kwargs.pop('use_auth_token', token)\n"
        "    tok = AutoTokenizer.from_pretrained(name, token=token, pad_token='<pad>')\n"
        "    return AutoModel.from_pretrained(name, token=token, **kwargs), tok\n"
    )
    assert not gate(source)
    assert gate(source + f"\nDEFAULT_TOKEN = '{SECRET}'\nload('org/m', token=DEFAULT_TOKEN)\n")


def test_strings_comments_and_docstrings_may_let_a_file_through_but_never_hide_one():
    # text that looks like a sink is allowed to open the gate (the ast gate and the rule decide) ...
    assert gate(f'from huggingface_hub import login\n"""login(token="{SECRET}")"""\n')
    assert gate(f'from huggingface_hub import login\n# login(token="{SECRET}")\n')
    # ... and a real sink next to such text is still seen
    source = f'from huggingface_hub import login\nx = "token=" # token=\nlogin(\n    token  # hf\n    =  # the value:\n    "{SECRET}")\n'
    assert mlw402(source)[0] and gate(source)


def test_random_formatting_of_a_call():
    """Random blanks, comments and line breaks between the tokens of a sink."""
    rng = random.Random(15)
    fillers = [" ", "", "\n    ", "  # note\n    ", " \\\n    "]
    seen = 0
    for _ in range(150):
        f = [rng.choice(fillers) for _ in range(6)]
        source = (
            f"from openai import OpenAI\nclient = OpenAI({f[0]}base_url=u,{f[1]}api_key{f[2]}={f[3]}({f[4]}'{SECRET}'{f[5]}))\n"
        )
        try:
            compile(source, "s.py", "exec")
        except SyntaxError:
            continue
        seen += 1
        assert mlw402(source)[0], source
        assert gate(source), source
    assert seen > 50


def test_notebook_constant_and_call_in_different_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fine-tune"),
        nbformat.v4.new_code_cell("%pip install -q transformers\nfrom huggingface_hub import login"),
        nbformat.v4.new_code_cell(f'HF = "{SECRET}"'),
        nbformat.v4.new_code_cell("login(token=HF)"),
        nbformat.v4.new_code_cell("def push(token):\n    login(token=token)"),
    ]
    text = nbformat.writes(nb)
    full, _ = mlw402(text, "tune.ipynb")
    fast, _ = mlw402(text, "tune.ipynb", full=False)
    assert [(f.line, f.cell) for f in fast] == [(f.line, f.cell) for f in full]
    assert len(full) == 1 and full[0].cell is not None


@pytest.mark.parametrize(
    "example", [e.code for e in RULE.VALID] + [e.code for e in RULE.INVALID], ids=lambda c: c.splitlines()[-1][:40]
)
def test_rule_examples(example):
    found, _ = mlw402(example)
    if found:
        assert gate(example)
    assert [f.line for f in mlw402(example, full=False)[0]] == [f.line for f in found]


def test_fixture_file():
    source = (ROOT / "fixtures" / "rules" / "MLW402.py").read_text(encoding="utf-8")
    found, _ = mlw402(source)
    assert found and gate(source)
    assert [f.line for f in mlw402(source, full=False)[0]] == [f.line for f in found]


def test_the_gate_words_are_the_rules_trigger_words():
    """The engine hands the gate the trigger words it found: every word the
    gate needs must be one, or the gate would not see it."""
    ref = next(r for r in rule_refs() if r.id == "MLW402")
    assert WORDS <= gate_words(RULE)
    assert ref.has_source_gate and ref.source_gate is not None


def test_many_names_are_found_in_one_pass_with_the_same_answers():
    from mlwarden.secrets import textgate

    names = [f"name_{i}" for i in range(100)]
    source = "".join(
        [f"{n} = 'v'\n" if i % 3 == 0 else f"def f{i}():\n    {n} = 1\n" if i % 3 == 1 else f"x = {n} = 2\n" for i, n in enumerate(names)]
    )
    one_by_one = {n for n in names if textgate._top_level_target(source, n)}
    assert textgate._top_level_targets(source) & set(names) == one_by_one
    scan = textgate._Scan(source)
    assert {n for n in names if n in scan} == one_by_one and scan.all_targets is not None
    assert len(one_by_one) == 67


def test_an_odd_text_too_long_to_walk_goes_to_the_parser():
    # `a ** b ** c …` on one line: each `**` would walk the rest of the statement
    source = "import transformers\nx = " + " ** ".join(f"v{i}" for i in range(300_000)) + "\n"
    assert may_hold_credential(source)


BANNER = "    " + "#" * 60


def test_comment_banners_after_a_sink_word_do_not_backtrack_for_ever():
    # a class attribute typed with a sink's last name, then a banner of `#`s
    # (argilla's API modules): each comment must match in one way only, else
    # a failed `(`/`=` look-up after the word splits every `####…` line in
    # 2**n ways and the gate never returns. Run in a child process so that a
    # regression fails here instead of hanging the suite.
    import subprocess
    import sys

    source = "class Api:\n    http_client: httpx.Client\n\n" + f"{BANNER}\n    # CRUD methods #\n{BANNER}\n" * 3 + "    def get(self):\n        pass\n"
    code = (
        "import sys\n"
        "from mlwarden.secrets.textgate import may_hold_credential\n"
        "print(may_hold_credential(sys.stdin.read()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], input=source, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # nothing there can hold a literal credential (the rule agrees)
    assert done.stdout.strip() == "False"
    assert check_source(source, "api.py", config=CONFIG, rules=[RULE]).findings == []
    # and the same banner after a real sink still lets the literal through
    assert may_hold_credential(f"client = Client(\n{BANNER}\n    api_key='{SECRET}')\n")
