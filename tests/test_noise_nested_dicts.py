"""MLW201 and config dicts handed to other dicts (mmengine / xtuner style):
``model = dict(type=..., llm=dict(type=AutoModelForCausalLM.from_pretrained,
trust_remote_code=True))`` and ``tokenizer = dict(...)`` later passed as
``dict(tokenizer=tokenizer)``. A dict passed to a dict is not passed to a
loader, so it is judged as a dict; when its ``type=`` is a Hub loader it is
judged as that call (a literal repo id: high unless pinned; a run-time path:
medium). A dict passed to a loader call directly, or as ``**dict(...)``, is
still judged with the call. Fast path == equivalence mode throughout (the
``findings`` helper checks it), and the language server agrees."""

from __future__ import annotations

import pytest

from test_noise_optin import findings, one

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.incremental import IncrementalCheck
from mlwarden.rules._helpers import notebook_json

XTUNER_LIKE = """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base_model = "acme-lab/chat-13b"

    tokenizer = dict(
        type=AutoTokenizer.from_pretrained,
        pretrained_model_name_or_path=base_model,
        trust_remote_code=True,
        padding_side="right")

    model = dict(
        type=SupervisedFinetune,
        llm=dict(
            type=AutoModelForCausalLM.from_pretrained,
            pretrained_model_name_or_path=base_model,
            trust_remote_code=True,
            torch_dtype="float16"))

    train_dataset = dict(type=process_dataset, tokenizer=tokenizer, max_length=2048)
    """


def test_xtuner_config_reports_both_loader_dicts_as_the_loads_they_describe():
    found = findings(XTUNER_LIKE, "MLW201")
    assert [(line, severity) for line, severity, _ in found] == [(9, Severity.HIGH), (17, Severity.HIGH)]
    assert "`dict(type=AutoTokenizer.from_pretrained, trust_remote_code=True)`" in found[0][2]
    assert "`dict(type=AutoModelForCausalLM.from_pretrained, trust_remote_code=True)`" in found[1][2]
    assert all("without a pinned revision" in message for _, _, message in found)


RANKED = {
    # aliases: the module and the class
    "module-alias": (
        "import transformers as hf\n\ncfg = dict(wrapper=dict(type=hf.AutoModel.from_pretrained, pretrained_model_name_or_path='org/m', trust_remote_code=True))\n",
        Severity.HIGH, "`dict(type=AutoModel.from_pretrained, trust_remote_code=True)`",
    ),
    "class-alias-odd-formatting": (
        "from transformers import AutoTokenizer as Tok\n"
        "cfg = dict(  # the tokenizer\n"
        "    tok = dict( type = Tok.from_pretrained ,\n"
        "        model_name_or_path = ('org/'\n"
        "                              'm'),\n"
        "        trust_remote_code = 1 , ) ,\n"
        ")\n",
        Severity.HIGH, "`dict(type=AutoTokenizer.from_pretrained, trust_remote_code=True)`",
    ),
    "literal-inside-a-dict-call": (
        "from transformers import AutoModel\n\ncfg = dict(llm={'type': AutoModel.from_pretrained, 'pretrained_model_name_or_path': 'org/m', 'trust_remote_code': True})\n",
        Severity.HIGH, "`{'type': AutoModel.from_pretrained, 'trust_remote_code': True}`",
    ),
    "pinned-to-a-commit": (
        "from transformers import AutoModel\n\ncfg = dict(llm=dict(type=AutoModel.from_pretrained, pretrained_model_name_or_path='org/m',\n"
        "    revision='ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971', trust_remote_code=True))\n",
        Severity.MEDIUM, "(pinned to a commit)",
    ),
    "local-directory": (
        "from transformers import AutoModel\n\ncfg = dict(llm=dict(type=AutoModel.from_pretrained, pretrained_model_name_or_path='./checkpoints/m', trust_remote_code=True))\n",
        Severity.MEDIUM, "runs Python code from the model repository",
    ),
    "run-time-path": (
        "from transformers import AutoModel\n\ndef build(path):\n    return dict(model=dict(type=AutoModel.from_pretrained, pretrained_model_name_or_path=path, trust_remote_code=True))\n",
        Severity.MEDIUM, "whatever repository the run-time model path names",
    ),
    "parameter-default-is-the-repo": (
        "from transformers import AutoModel\n\ndef build(path='org/m'):\n    return dict(model=dict(type=AutoModel.from_pretrained, pretrained_model_name_or_path=path, trust_remote_code=True))\n",
        Severity.MEDIUM, "whatever repository the run-time model path names",
    ),
    "dataset-loader": (
        "from datasets import load_dataset\n\ndata = dict(train=dict(type=load_dataset, path='org/data', trust_remote_code=True))\n",
        Severity.HIGH, "`dict(type=datasets.load_dataset, trust_remote_code=True)`",
    ),
    "registry-name-of-an-auto-class": (
        "model = dict(\n    type='MiniGPT4',\n    lang_encoder=dict(\n        type='AutoModelForCausalLM',\n        name_or_path='org/m',\n        trust_remote_code=True))\n",
        Severity.HIGH, "`dict(type='AutoModelForCausalLM', trust_remote_code=True)`",
    ),
    "registry-name-not-an-auto-class": (
        "model = dict(head=dict(type='Automaton', name_or_path='org/m', trust_remote_code=True))\n",
        Severity.MEDIUM, "`{'trust_remote_code': True}` lets the call",
    ),
    "no-loader-type": (
        "cfg = dict(runner=dict(kwargs=dict(trust_remote_code=True)))\n",
        Severity.MEDIUM, "`{'trust_remote_code': True}` lets the call that receives these arguments",
    ),
    "behind-an-opt-in": (
        "from transformers import AutoModel\n\ndef build(name, trust_remote_code=False):\n    if not trust_remote_code:\n        return {}\n"
        "    return dict(model=dict(type=AutoModel.from_pretrained, pretrained_model_name_or_path='org/m', trust_remote_code=True))\n",
        Severity.LOW, "behind the opt-in",
    ),
    "module-constant-passed-to-a-dict": (
        "TOK = dict(trust_remote_code=True)\nrunner = dict(tokenizer=TOK)\n",
        Severity.MEDIUM, "`{'trust_remote_code': True}`",
    ),
    "unpacked-into-a-dict": (
        "KW = {'trust_remote_code': True}\ncfg = dict(**KW, name='x')\n",
        Severity.MEDIUM, "`{'trust_remote_code': True}`",
    ),
}


@pytest.mark.parametrize("name", sorted(RANKED))
def test_a_dict_handed_to_a_dict_is_judged_as_a_dict(name):
    code, severity, text = RANKED[name]
    _line, got, message = one(code, "MLW201")
    assert got is severity, message
    assert text in message


def test_a_loader_dict_in_a_notebook():
    nb = notebook_json(
        "from transformers import AutoModelForCausalLM\nBASE = 'acme-lab/chat-13b'",
        "model = dict(type='Finetune',\n    llm=dict(type=AutoModelForCausalLM.from_pretrained,\n        pretrained_model_name_or_path=BASE, trust_remote_code=True))",
    )
    _line, severity, message = one(nb, "MLW201", filename="explore.ipynb")
    assert severity is Severity.HIGH and "AutoModelForCausalLM.from_pretrained" in message


def test_a_trusted_repository_in_a_loader_dict_is_exempt():
    code = "from transformers import AutoModel\ncfg = dict(llm=dict(type=AutoModel.from_pretrained, pretrained_model_name_or_path='my-org/m', trust_remote_code=True))\n"
    config = Config(select=["MLW201"], severity=Severity.LOW, options={"trusted-models": ["my-org/*"]})
    assert [f for f in check_source(code, "pkg/cfg.py", config=config).findings if f.rule_id == "MLW201"] == []
    # the premise: without the option it is reported
    assert len(findings(code, "MLW201")) == 1


UNCHANGED = {
    # a dict passed to a loader directly is judged with the call, once
    "keyword-dict-to-a-loader": (
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/m', model_kwargs=dict(trust_remote_code=True))\n",
        "`AutoModel.from_pretrained(..., model_kwargs={'trust_remote_code': True})`", Severity.HIGH,
    ),
    "star-star-dict-call": (
        "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/m', **dict(trust_remote_code=True))\n",
        "`AutoModel.from_pretrained(..., trust_remote_code=True)`", Severity.HIGH,
    ),
    "star-star-constant": (
        "from transformers import AutoModel\nKW = dict(trust_remote_code=True)\nm = AutoModel.from_pretrained('org/m', **KW)\n",
        "`AutoModel.from_pretrained(..., trust_remote_code=True)`", Severity.HIGH,
    ),
    "loader-dict-passed-to-a-builder-call": (
        "from transformers import AutoModel\nm = build(dict(type=AutoModel.from_pretrained, trust_remote_code=True))\n",
        None, None,
    ),
}


@pytest.mark.parametrize("name", sorted(UNCHANGED))
def test_a_dict_passed_to_a_call_is_still_judged_with_the_call(name):
    code, text, severity = UNCHANGED[name]
    found = findings(code, "MLW201")
    if text is None:
        # positional dicts to a call that is not a loader: judged with that
        # call, which does not read them (as before this change)
        assert found == []
        return
    assert len(found) == 1, found
    line, got, message = found[0]
    assert line == code.count("\n") and got is severity and text in message


def _comparable(result):
    return [(f.rule_id, f.line, f.col, f.severity, f.message) for f in result.findings]


def test_the_incremental_check_agrees_when_another_unit_consumes_the_dict():
    source = (
        "from transformers import AutoTokenizer\n\n"
        "tokenizer = dict(type=AutoTokenizer.from_pretrained, pretrained_model_name_or_path='org/m', trust_remote_code=True)\n\n\n"
        "def main():\n    pass\n"
    )
    edited = source.replace("    pass\n", "    return build(**tokenizer)\n")
    config = Config(severity=Severity.LOW)
    incremental = IncrementalCheck()
    seen = []
    for text in (source, edited, source, edited):
        fresh = check_source(text, "pkg/cfg.py", config=config)
        assert _comparable(incremental.check(text, "pkg/cfg.py", config=config)) == _comparable(fresh)
        seen.append([f for f in fresh.findings if f.rule_id == "MLW201"])
    # the premise: the dict is reported where it is written until a call in
    # another unit consumes it; then the call is reported instead
    assert [f.line for f in seen[0]] == [3] and [f.line for f in seen[1]] == [7]
