"""MLW206's severity follows what the download can do: a checkpoint that
`load_state_dict_from_url` also unpickles in full (its `weights_only`
defaults to False in every torch version) is high; with `weights_only=True`,
or a file only saved, it is medium."""

from __future__ import annotations

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

URL = '"https://models.example.org/encoder.pth"'


@pytest.mark.parametrize(
    "code, severity",
    [
        (f"import torch\nsd = torch.hub.load_state_dict_from_url({URL})\n", Severity.HIGH),
        (f"import torch.hub as hub\nsd = hub.load_state_dict_from_url(\n    {URL},\n    map_location='cpu',\n)\n", Severity.HIGH),
        (f"from torch.utils import model_zoo\nsd = model_zoo.load_url({URL}, weights_only=False)\n", Severity.HIGH),
        (f"from torch.utils.model_zoo import load_url\nSAFE = False\nsd = load_url({URL}, None, 'cpu', True, False, None, SAFE)\n", Severity.HIGH),
        (f"import torch\nsd = torch.hub.load_state_dict_from_url({URL}, weights_only=True)\n", Severity.MEDIUM),
        (f"import torch\nWEIGHTS = True\nsd = torch.hub.load_state_dict_from_url({URL}, check_hash=False, weights_only=WEIGHTS)\n", Severity.MEDIUM),
        (f"import torch\ndef get(safe):\n    return torch.hub.load_state_dict_from_url({URL}, weights_only=safe)\n", Severity.MEDIUM),
        (f"import torch\ntorch.hub.download_url_to_file({URL}, 'encoder.pth')\n", Severity.MEDIUM),
    ],
)
def test_severity_follows_what_the_download_can_do(code, severity):
    found = [f for f in check_source(code, "train.py", config=Config(select=["MLW206"], severity=Severity.LOW)).findings]
    assert [f.severity for f in found] == [severity], [f.message for f in found]
    if severity is Severity.HIGH:
        assert "weights_only=True" in found[0].message and "unpickles" in found[0].message


def test_verified_download_is_not_reported_whatever_weights_only_says():
    code = f"import torch\nsd = torch.hub.load_state_dict_from_url({URL[:-5]}-3f2a9c1e.pth\", check_hash=True)\n"
    assert check_source(code, "train.py", config=Config(select=["MLW206"], severity=Severity.LOW)).findings == []


def test_notebook_cell_is_high_too():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import torch"), nbformat.v4.new_code_cell(f"state = torch.hub.load_state_dict_from_url({URL})")]
    found = check_source(nbformat.writes(nb), "demo.ipynb", config=Config(select=["MLW206"], severity=Severity.LOW)).findings
    assert [(f.severity, f.cell) for f in found] == [(Severity.HIGH, 2)]
