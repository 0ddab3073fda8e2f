"""MLW201 on model registry records: a call that is not a load but describes
one (``ModelMeta(name="org/model", revision=SHA, loader_kwargs={
"trust_remote_code": True})``, as mteb lists its models) is judged as the
load of the repository it names at the revision it gives, with the same
ladder and messages as ``from_pretrained``: pinned to a commit is medium and
says "review that commit", a moving or missing revision is high. A record
that names no repository keeps the run-time-path verdict."""

from __future__ import annotations

import textwrap

import nbformat
import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

SHA = "5d1f3c2b9a8e7d6c5b4a39281706f5e4d3c2b1a0"
HEAD = "from mteb.models import ModelMeta\nfrom mteb.models import sentence_transformers_loader as st_loader\n"


def findings(code, filename="registry.py", options=None, full=False):
    config = Config(select=["MLW201"], severity=Severity.LOW, options=options or {})
    return check_source(textwrap.dedent(code), filename, config=config, full=full).findings


def record(**keywords):
    body = "".join(f"    {k}={v},\n" for k, v in keywords.items())
    return HEAD + "meta = ModelMeta(\n    loader=st_loader,\n    loader_kwargs={'trust_remote_code': True, 'model_kwargs': {'dtype': 'bf16'}},\n" + body + ")\n"


@pytest.mark.parametrize(
    "keywords, severity, says",
    [
        ({"name": "'acme-lab/embed-7b'", "revision": f"'{SHA}'"}, Severity.MEDIUM, "(pinned to a commit); review the code at that commit"),
        ({"name": "'acme-lab/embed-7b'", "revision": "'main'"}, Severity.HIGH, "at revision `main`"),
        ({"name": "'acme-lab/embed-7b'"}, Severity.HIGH, "without a pinned revision"),
        ({"model_id": "'embed-base'", "revision": "'v2'"}, Severity.HIGH, "at revision `v2`"),
        # a constant id and a constant pin, defined elsewhere in the module
        ({"name": "MODEL", "revision": "REV"}, Severity.MEDIUM, "(pinned to a commit)"),
        # `name` that is a display name, not a repository: the receiver is unknown
        ({"name": "'Embed 7B (bf16)'", "revision": f"'{SHA}'"}, Severity.MEDIUM, "whatever repository the run-time model path names"),
        ({"name": "args.model"}, Severity.MEDIUM, "whatever repository the run-time model path names"),
    ],
)
def test_a_record_is_judged_as_the_load_it_describes(keywords, severity, says):
    code = record(**keywords)
    if "MODEL" in keywords.values():
        code = code.replace("meta = ", f"MODEL = 'acme-lab/embed-7b'\nREV = '{SHA}'\nmeta = ", 1)
    [finding] = findings(code)
    assert (finding.line, finding.severity) == (code.splitlines().index("meta = ModelMeta(") + 1, severity), finding.message
    assert says in finding.message and "ModelMeta(..., loader_kwargs=" in finding.message
    assert [(f.line, f.col, f.severity, f.message) for f in findings(code, full=True)] == [(finding.line, finding.col, finding.severity, finding.message)]


def test_trusted_models_and_the_pin_policy_apply_to_records():
    code = record(name="'acme-lab/embed-7b'", revision="'main'")
    assert findings(code, options={"trusted-models": ["acme-lab/*"]}) == []
    assert [f.severity for f in findings(code, options={"trusted-models": ["other/*"]})] == [Severity.HIGH]


def test_a_record_in_a_notebook_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# registry"), nbformat.v4.new_code_cell(record(name="'acme-lab/embed-7b'", revision="'dev'"))]
    [finding] = findings(nbformat.writes(nb), filename="models.ipynb")
    assert finding.cell == 2 and finding.severity is Severity.HIGH and "at revision `dev`" in finding.message
