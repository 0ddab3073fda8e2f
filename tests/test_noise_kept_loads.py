"""Shapes from fresh17 that look safe and are not lowered, because the
rules cannot show that the file loaded is one the code wrote or pinned
(benchmarks/NOISE.md, "Session 10b"). Each stays at the severity of its
rule's ladder; fast path == equivalence mode (the ``findings`` helper)."""

from __future__ import annotations

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

KEPT = {
    # check_hash compares the file with the hash prefix in its own URL: the
    # server chooses both, and 8 hex digits are cheap to match
    "hash-checked-download-weights-only-false": (
        "import torch.hub as th\n\nCATALOG = {'small': 'https://example.org/models/small-1a2b3c4d.th'}\n\n"
        "def fetch(sig):\n    return th.load_state_dict_from_url(\n        CATALOG[sig], map_location='cpu',\n        check_hash=True, weights_only=False)\n",
        "MLW102", Severity.HIGH,
    ),
    "hash-checked-literal-url": (
        "from torch.hub import load_state_dict_from_url as fetch_url\n"
        "state = fetch_url('https://example.org/m-0123abcd.pt', check_hash=True, weights_only=False)\n",
        "MLW102", Severity.HIGH,
    ),
    # the checksum is the file name's own suffix, checked in another function
    "checksum-of-its-own-name-then-load": (
        "import hashlib\nimport torch\n\n\ndef verify(path, expected):\n    digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()\n"
        "    if digest[:len(expected)] != expected:\n        raise ValueError(path)\n\n\n"
        "def convert(path):\n    verify(path, path.stem.rsplit('-', 1)[1])\n    return torch.load(path, 'cpu', weights_only=False)\n",
        "MLW102", Severity.HIGH,
    ),
    # restore(path) reads whatever path its caller gives, not only what save wrote
    "class-restores-what-save-wrote": (
        "import pickle as pk\n\n\nclass Searcher:\n    def save(self, path):\n        with open(path, 'wb') as out:\n            pk.dump(self, out)\n\n"
        "    def restore(self, path):\n        with open(path, 'rb') as src:\n            state = pk.load(src)\n        self.__dict__ = state.__dict__\n",
        "MLW101", Severity.HIGH,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_looks_safe_but_stays(name):
    code, rule, severity = KEPT[name]
    found = findings(code, rule)
    assert [s for _, s, _ in found] == [severity], found


KEPT_S11 = {
    # the same attribute path on both sides, set from the constructor: the caller chooses the file
    "class-save-restore-same-attribute": (
        "import pickle\n\n\nclass Store:\n    def __init__(self, root):\n        self.state_file = root + '/state.pkl'\n\n"
        "    def persist(self, obj):\n        with open(self.state_file, 'wb') as fh:\n            pickle.dump(obj, fh)\n\n"
        "    def reload(self):\n        with open(self.state_file, 'rb') as fh:\n            return pickle.load(fh)\n",
        "MLW101", Severity.HIGH,
    ),
    # token counts read from records: not provably plain
    "gather-counts-read-from-records": (
        "import numpy as np\nimport torch.distributed as dist\n\n\ndef count(records, world):\n"
        "    lens = [r['n'] for r in records]\n    out = [None] * world\n    dist.all_gather_object(out, np.array(lens))\n    return out\n",
        "MLW110", Severity.MEDIUM,
    ),
    # a dataset one rank built, broadcast to the others
    "broadcast-built-dataset": (
        "from torch import distributed as td\n\n\ndef share(build, rank):\n"
        "    objs = [build()] if rank == 0 else [None]\n    td.broadcast_object_list(objs, src=0)\n    return objs[0]\n",
        "MLW110", Severity.MEDIUM,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT_S11))
def test_session_11_kept(name):
    code, rule, severity = KEPT_S11[name]
    found = findings(code, rule)
    assert [s for _, s, _ in found] == [severity], found


def test_plain_local_payload_is_still_low():
    code = (
        "import torch.distributed as dist\n\n\ndef sync(step, loss):\n"
        "    msg = [f'step {step}', round(float(loss), 4)]\n    out = [None] * dist.get_world_size()\n"
        "    dist.all_gather_object(out, msg)\n    return out\n"
    )
    assert [s for _, s, _ in findings(code, "MLW110")] == [Severity.LOW]
