"""MLW201: a dict of help texts keyed by argument names is not remote code
turned on (mergekit's option descriptions, fresh31); a flag value is, and a
call that receives the help dict is still judged at the call."""

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

ALL = Config(select=["MLW201"], severity=Severity.LOW)

CASES = {
    "help table": ('OPTIONS = {\n    "model": "Path or hub id of the model",\n    "trust_remote_code": "Trust remote code from the model repository",\n}\n', []),
    "help via dict()": ('OPTIONS = dict(trust_remote_code="Allow custom modelling code from the hub")\n', []),
    "flag": ('KW = {"trust_remote_code": True}\n', [(1, Severity.MEDIUM)]),
    "one-word string": ('KW = {"trust_remote_code": "yes"}\n', [(1, Severity.MEDIUM)]),
    "help handed to a loader": (
        'from transformers import AutoModel\nHELP = {"trust_remote_code": "Trust remote code from the hub"}\nm = AutoModel.from_pretrained("org/m", **HELP)\n',
        [(3, Severity.HIGH)],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("full", [False, True], ids=["fast", "full"])
def test_text_values(name, full):
    source, expected = CASES[name]
    result = check_source(source, "cli.py", config=ALL, full=full)
    assert [(f.line, f.severity) for f in result.findings] == expected
