"""The read side of a load-or-build cache (rules/_samefile.py, ``cache_note``):
the load runs when the file exists, and the same function writes that path
with a serializer when it is missing. Low, saying where the file is written;
never dropped. A download or copy into the path, a write on the load's own
branch, a rebound path, a path from an attribute other code sets, or a check
of another file keeps the rule's severity. Fast == full on each case."""

from __future__ import annotations

import pytest
from test_roundtrip_written import the_finding as written_finding

from mlwarden.core.finding import Severity
from mlwarden.rules._helpers import notebook_json

NOTE_START = " (low: a cache file this code writes itself when it is missing, at "


def the_finding(code, rule, filename="pkg/features.py"):
    return written_finding(code, rule, filename, with_cell=True)


LOW = {
    "exists-and-size-else-branch": (
        "MLW102",
        """
        import os
        import torch

        def gradients(model, cache_file=None):
            if cache_file is not None and os.path.exists(cache_file) and os.path.getsize(cache_file) > 0:
                grads = torch.load(cache_file, map_location="cpu")
            else:
                grads = estimate(model)
                if cache_file is not None:
                    os.makedirs(os.path.dirname(cache_file), exist_ok=True)
                    torch.save(grads, cache_file)
            return grads
        """,
        "line 12",
    ),
    "early-return-then-build": (
        "MLW102",
        """
        import os.path as osp
        import torch as T

        def covariances(model, cov_path):
            if osp.exists(cov_path):
                stats = T.load(cov_path)
                apply(model, stats)
                return
            stats = collect(model)
            T.save(stats, cov_path)
        """,
        "line 11",
    ),
    "token-handle-written-after-the-check": (
        "MLW101",
        """
        import os
        import pickle

        def credentials(user):
            creds = None
            token_file = f"token_{user}.pickle"
            if os.path.exists(token_file):
                with open(token_file, "rb") as token:
                    creds = pickle.load(token)
            if not creds or not creds.valid:
                creds = login()
                with open(token_file, "wb") as token:
                    pickle.dump(creds, token)
            return creds
        """,
        "line 13",
    ),
    "pathlib-exists-and-aliases": (
        "MLW101",
        """
        from pathlib import Path
        import pickle as pk

        def vocabulary(root):
            target = Path(root) / "vocab.pkl"
            if target.is_file():
                return pk.load(open(target, "rb"))
            vocab = count_tokens(root)
            pk.dump(vocab, open(target, "wb"))
            return vocab
        """,
        "line 10",
    ),
    "try-file-not-found": (
        "MLW105",
        """
        import numpy as np

        def features(cache="feats.npy"):
            try:
                return np.load(cache, allow_pickle=True)
            except (FileNotFoundError, EOFError):
                feats = compute()
                np.save(cache, feats, allow_pickle=True)
                return feats
        """,
        "line 9",
    ),
    "build-if-missing-then-load": (
        "MLW102",
        """
        import os, torch

        def embeddings(folder):
            dest = os.path.join(folder, "emb.pt")
            if not os.path.exists(dest):
                torch.save(encode_all(), dest)
            return torch.load(dest)
        """,
        "line 7",
    ),
    "method-with-self-path": (
        "MLW102",
        """
        import os
        import torch

        class Index:
            def __init__(self, root):
                self.path = os.path.join(root, "index.pt")

            def get(self):
                if os.path.isfile(self.path):
                    return torch.load(self.path)
                table = self.build()
                torch.save(table, self.path)
                return table
        """,
        "line 13",
    ),
}


@pytest.mark.parametrize("name", sorted(LOW))
def test_the_read_side_of_a_load_or_build_cache_is_low(name):
    rule, code, where = LOW[name]
    _line, _cell, severity, message = the_finding(code, rule)
    assert severity is Severity.LOW, message
    assert message.endswith(NOTE_START + where + "; keep the cache folder private)"), message


def test_a_notebook_cell_caching_its_features():
    nb = notebook_json(
        "import os, pickle\nFEATS = 'features.pkl'",
        "if os.path.exists(FEATS):\n    feats = pickle.load(open(FEATS, 'rb'))\nelse:\n    feats = extract()\n    pickle.dump(feats, open(FEATS, 'wb'))",
    )
    line, cell, severity, message = the_finding(nb, "MLW101", filename="notebooks/explore.ipynb")
    assert (cell, line, severity) == (2, 2, Severity.LOW)
    assert NOTE_START + "cell 2, line 5;" in message


KEPT = {
    "download-into-the-path": (
        "MLW102",
        """
        import os, torch
        from urllib.request import urlretrieve

        def weights(url, dest):
            if os.path.exists(dest):
                return torch.load(dest)
            urlretrieve(url, dest)
            state = convert(dest)
            torch.save(state, dest)
            return state
        """,
    ),
    "write-on-the-loads-branch-only": (
        "MLW102",
        """
        import os, torch

        def resume(model, ckpt):
            if os.path.exists(ckpt):
                state = torch.load(ckpt)
                torch.save(state, ckpt)
            return model
        """,
    ),
    "rebound-between": (
        "MLW101",
        """
        import os, pickle

        def table(name):
            path = f"{name}.pkl"
            path = fetch_from_cache_server(name)
            if os.path.exists(path):
                return pickle.load(open(path, "rb"))
            pickle.dump(build(), open(path, "wb"))
        """,
    ),
    "checks-another-file": (
        "MLW102",
        """
        import os, torch

        def stats(a, b):
            if os.path.exists(a):
                return torch.load(b)
            torch.save(compute(), b)
        """,
    ),
    "attribute-of-args": (
        "MLW102",
        """
        import os, torch

        def resume(args, model):
            if os.path.exists(args.checkpoint):
                model.load_state_dict(torch.load(args.checkpoint))
            else:
                torch.save(model.state_dict(), args.checkpoint)
        """,
    ),
    "self-path-from-a-download": (
        "MLW102",
        """
        import os, torch
        from huggingface_hub import hf_hub_download

        class Cached:
            def __init__(self, repo):
                self.path = hf_hub_download(repo, "table.pt")

            def get(self):
                if os.path.exists(self.path):
                    return torch.load(self.path)
                torch.save(self.build(), self.path)
        """,
    ),
    "self-path-set-again-after-the-check": (
        "MLW102",
        """
        import os, torch

        class Cached:
            def __init__(self, root):
                self.path = os.path.join(root, "t.pt")

            def get(self, other):
                if os.path.exists(self.path):
                    self.path = other
                    return torch.load(self.path)
                torch.save(self.build(), self.path)
        """,
    ),
    "self-path-set-by-a-loop-elsewhere": (
        "MLW101",
        """
        import os, pickle

        class Cached:
            def __init__(self, found):
                self.path = "state.pkl"
                for self.path in found:
                    break

            def get(self):
                if os.path.exists(self.path):
                    return pickle.load(open(self.path, "rb"))
                pickle.dump(self.build(), open(self.path, "wb"))
        """,
    ),
    "self-path-from-a-parameter-in-a-tuple": (
        "MLW101",
        """
        import os, pickle

        class Cached:
            def __init__(self, pair):
                self.path, self.other = pair

            def get(self):
                if os.path.exists(self.path):
                    return pickle.load(open(self.path, "rb"))
                pickle.dump(self.build(), open(self.path, "wb"))
        """,
    ),
    "self-path-handed-to-a-copy-elsewhere": (
        "MLW102",
        """
        import os, shutil, torch

        class Cached:
            def __init__(self, root):
                self.path = os.path.join(root, "t.pt")

            def seed(self, src):
                shutil.copy(src, self.path)

            def get(self):
                if os.path.exists(self.path):
                    return torch.load(self.path)
                torch.save(self.build(), self.path)
        """,
    ),
    "or-force-is-not-an-existence-check": (
        "MLW102",
        """
        import os, torch

        def get(p, force):
            if os.path.exists(p) or force:
                return torch.load(p)
            torch.save(build(), p)
        """,
    ),
    "handler-for-another-error": (
        "MLW101",
        """
        import pickle

        def get(p):
            try:
                return pickle.load(open(p, "rb"))
            except ValueError:
                pickle.dump(build(), open(p, "wb"))
        """,
    ),
    "global-path": (
        "MLW101",
        """
        import os, pickle

        CACHE = "c.pkl"

        def redirect(p):
            global CACHE
            CACHE = p

        def get():
            if os.path.exists(CACHE):
                return pickle.load(open(CACHE, "rb"))
            pickle.dump(build(), open(CACHE, "wb"))
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_otherwise_the_severity_stays(name):
    rule, code = KEPT[name]
    _line, _cell, severity, message = the_finding(code, rule)
    assert severity is not Severity.LOW, message
    assert NOTE_START not in message


def test_the_language_servers_incremental_check_agrees_after_edits_elsewhere():
    """The note depends on other methods of the class (a copy into the
    cached path, how the attribute is set): an editor's incremental
    re-check must agree with a fresh check after each edit."""
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source
    from mlwarden.core.incremental import IncrementalCheck

    filler = "".join(f"    def m{i}(self, a):\n        return str(a * {i}).strip()\n\n" for i in range(40))
    template = (
        "import os, shutil, torch\n\nclass Table:\n    def __init__(self, root):\n        self.path = {init}\n\n"
        "    def seed(self, src):\n        {seed}\n\n" + filler.replace("{", "{{").replace("}", "}}")
        + "    def get(self):\n        if os.path.exists(self.path):\n            return torch.load(self.path)\n"
        "        torch.save(self.build(), self.path)\n"
    )
    config = Config(select=["MLW102"], severity=Severity.LOW)
    incremental = IncrementalCheck()
    seen = []
    edits = [
        ("os.path.join(root, 't.pt')", "print(src)"),
        ("os.path.join(root, 't.pt')", "shutil.copy(src, self.path)"),
        ("os.path.join(root, 't.pt')", "print(src, 2)"),
        ("fetch(root)", "print(src, 2)"),
        ("os.path.join(root, 'u.pt')", "print(src, 3)"),
    ]
    for init, seed in edits:
        source = template.format(init=init, seed=seed)
        fresh = [(f.line, f.severity) for f in check_source(source, "pkg/table.py", config=config).findings]
        assert [(f.line, f.severity) for f in incremental.check(source, "pkg/table.py", config=config).findings] == fresh, seed
        seen.append(fresh[0][1])
    assert seen == [Severity.LOW, Severity.HIGH, Severity.LOW, Severity.HIGH, Severity.LOW]
