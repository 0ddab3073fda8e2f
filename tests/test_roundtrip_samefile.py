"""A module-level load (a script, its ``if __name__ == "__main__":`` block, a
notebook's cells) of a file that the same file wrote earlier at the same
path (rules/_samefile.py): low, with where it was written; never dropped.
Anything that may change what the path names in between, a write that may
not run, or a path other code can change keeps the rule's severity. Fast ==
full on each case."""

from __future__ import annotations

import pytest
from test_roundtrip_written import the_finding as written_finding

from mlwarden.core.finding import Severity
from mlwarden.rules._helpers import notebook_json

NOTE_START = " (low: this file wrote it at the same path earlier, at "


def the_finding(code, rule, filename="examples/train_and_reload.py"):
    return written_finding(code, rule, filename, with_cell=True)


LOW = {
    "main-block-literal": (
        "MLW102",
        """
        import os
        import torch

        if __name__ == "__main__":
            model = build()
            train(model)
            os.makedirs("./logs", exist_ok=True)
            torch.save(model.state_dict(), "./logs/model.pth")
            print("saved", "./logs/model.pth")
            for batch in range(3):
                evaluate(model, batch)
            model.load_state_dict(torch.load("./logs/model.pth"))
        """,
        9,
    ),
    "constant-and-alias": (
        "MLW102",
        """
        import torch as th
        from os.path import join

        OUT = "runs/exp1"
        CKPT = join(OUT, "best.pt")

        net = make_net()
        th.save(net.state_dict(), CKPT)
        metrics = evaluate(net)
        state = th.load(
            CKPT,
            map_location="cpu",
        )
        """,
        9,
    ),
    "pickle-with-handles": (
        "MLW101",
        """
        import pickle as pkl

        results = {"acc": 0.9}
        with open(f"{RUN_DIR}/results.pkl", "wb") as out:
            pkl.dump(results, out)

        with open(f"{RUN_DIR}/results.pkl", "rb") as handle:
            again = pkl.load(handle)
        """,
        5,
    ),
    "run-time-path": (
        "MLW102",
        """
        import sys, torch

        path = sys.argv[1]
        torch.save({}, path)
        state = torch.load(path)
        """,
        5,
    ),
    "joblib-in-a-loop-body": (
        "MLW103",
        """
        import joblib

        for fold in range(5):
            clf = fit(fold)
            joblib.dump(clf, "fold.joblib")
            clf = joblib.load("fold.joblib")
        """,
        6,
    ),
}


@pytest.mark.parametrize("name", sorted(LOW))
def test_a_module_level_reload_of_its_own_save_is_low(name):
    rule, code, write_line = LOW[name]
    _line, _cell, severity, message = the_finding(code, rule)
    assert severity is Severity.LOW
    assert message.endswith(NOTE_START + f"line {write_line}; a file that was there before would have been replaced)")


def test_a_notebook_reloads_what_an_earlier_cell_saved():
    nb = notebook_json(
        "import torch\nCHECKPOINT = 'cyclegan.pt'",
        "# Training\nmodel = train()",
        "import os\nos.makedirs('out', exist_ok=True)\ntorch.save(model.state_dict(), CHECKPOINT)",
        "print('done')",
        "state = torch.load(CHECKPOINT)\nmodel.load_state_dict(state)",
    )
    line, cell, severity, message = the_finding(nb, "MLW102", filename="tutorials/cyclegan.ipynb")
    assert (cell, line, severity) == (5, 1, Severity.LOW)
    assert NOTE_START + "cell 3, line 3;" in message


KEPT = {
    "load-before-save": (
        "MLW102",
        """
        import torch
        state = torch.load("model.pt")
        torch.save(state, "model.pt")
        """,
    ),
    "save-under-its-own-if": (
        "MLW102",
        """
        import torch
        if args.train:
            torch.save(model, "model.pt")
        model = torch.load("model.pt")
        """,
    ),
    "save-in-a-function": (
        "MLW102",
        """
        import torch
        def save(m):
            torch.save(m, "model.pt")
        model = torch.load("model.pt")
        """,
    ),
    "different-path": (
        "MLW102",
        """
        import torch
        torch.save(model, "model.pt")
        model = torch.load("pretrained/model.pt")
        """,
    ),
    "constant-rebound-between": (
        "MLW102",
        """
        import torch
        CKPT = "mine.pt"
        torch.save(model, CKPT)
        CKPT = download_checkpoint()
        model = torch.load(CKPT)
        """,
    ),
    "rebound-later-in-the-loop": (
        "MLW101",
        """
        import pickle
        path = "state.pkl"
        pickle.dump(x, open(path, "wb"))
        for url in urls:
            state = pickle.load(open(path, "rb"))
            path = fetch(url)
        """,
    ),
    "downloaded-into-the-path-between": (
        "MLW102",
        """
        import torch, urllib.request
        torch.save(model, "weights.pt")
        urllib.request.urlretrieve(URL, "weights.pt")
        model = torch.load("weights.pt")
        """,
    ),
    "a-function-downloads-into-the-constant": (
        "MLW102",
        """
        import torch
        WEIGHTS = "weights.pt"
        def refresh():
            fetch_file(URL, WEIGHTS)
        torch.save(model, WEIGHTS)
        refresh()
        model = torch.load(WEIGHTS)
        """,
    ),
    "a-function-downloads-into-the-same-string": (
        "MLW102",
        """
        import torch
        CKPT = "best.pt"
        def refresh():
            fetch_file(URL, "best.pt")
        torch.save(model, CKPT)
        refresh()
        model = torch.load(CKPT)
        """,
    ),
    "global-in-a-function": (
        "MLW102",
        """
        import torch
        WEIGHTS = "weights.pt"
        def pick(name):
            global WEIGHTS
            WEIGHTS = name
        torch.save(model, WEIGHTS)
        pick(user_choice)
        model = torch.load(WEIGHTS)
        """,
    ),
    "attribute-path": (
        "MLW102",
        """
        import torch
        torch.save(model, args.out)
        parse_more(args)
        model = torch.load(args.out)
        """,
    ),
    "handle-bound-elsewhere": (
        "MLW101",
        """
        import pickle
        f = open("cache.pkl", "r+b")
        pickle.dump(x, f)
        f.seek(0)
        y = pickle.load(f)
        """,
    ),
    "opened-for-reading-only": (
        "MLW101",
        """
        import pickle
        with open("data.pkl", "rb") as f:
            pickle.dump(x, f)
        y = pickle.load(open("data.pkl", "rb"))
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_otherwise_the_severity_stays(name):
    rule, code = KEPT[name]
    _line, _cell, severity, message = the_finding(code, rule)
    assert severity is Severity.HIGH, message
    assert NOTE_START not in message


# -- __setstate__ unpickling the state it is handed ------------------------------------------

SETSTATE_NOTE_START = " (low: `__setstate__` receives this state from the unpickle that is running it"


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import cloudpickle\nclass W:\n    def __getstate__(self):\n        return cloudpickle.dumps(self.fn)\n"
         "    def __setstate__(self, blob):\n        self.fn = cloudpickle.loads(blob)\n", Severity.LOW),
        ("from dill import loads as undill\nclass W:\n    def __setstate__(\n        self,\n        state,\n    ):\n        self.__dict__.update(undill(state))\n", Severity.LOW),
        # the state is rebound, or something else is loaded, or it is not a method
        ("import pickle\nclass W:\n    def __setstate__(self, state):\n        state = fetch(state)\n        self.x = pickle.loads(state)\n", Severity.HIGH),
        ("import pickle\nclass W:\n    def __setstate__(self, state):\n        self.x = pickle.loads(state['payload'])\n", Severity.LOW),  # a part: session 16
        ("import pickle\nclass W:\n    def __setstate__(self, state):\n        self.x = pickle.loads(self.cache)\n", Severity.HIGH),
        ("import pickle\ndef __setstate__(self, state):\n    return pickle.loads(state)\n", Severity.HIGH),
        ("import pickle\nclass W:\n    def restore(self, state):\n        self.x = pickle.loads(state)\n", Severity.HIGH),
    ],
)
def test_setstate_unpickling_its_own_state_is_low(code, expected):
    _line, _cell, severity, message = the_finding(code, "MLW101", filename="pkg/wrappers.py")
    assert severity is expected, message
    assert (SETSTATE_NOTE_START in message) is (expected is Severity.LOW)


def test_the_language_servers_incremental_check_agrees_after_edits_elsewhere():
    """The note depends on code outside the load's statement (a function
    that downloads into the path, a ``global``): an editor's incremental
    re-check must agree with a fresh check after each edit."""
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source
    from mlwarden.core.incremental import IncrementalCheck

    filler = "".join(f"def f{i}(a, b):\n    c = a * b + {i}\n    return str(c).strip()\n\n" for i in range(40))
    template = (
        "from torch import save, load\nWEIGHTS = 'weights.pt'\n\ndef refresh():\n    {body}\n\n" + filler.replace("{", "{{").replace("}", "}}")
        + "save(model, WEIGHTS)\nrefresh()\nmodel = load(WEIGHTS)\n"
    )
    config = Config(select=["MLW102"], severity=Severity.LOW)
    incremental = IncrementalCheck()
    seen = []
    for body in ("print(1)", "fetch_file(URL, WEIGHTS)", "print(2)", "global WEIGHTS\n    WEIGHTS = pick()", "print(3)", "fetch_file(URL, 'weights.pt')"):
        source = template.format(body=body)
        fresh = [(f.line, f.severity) for f in check_source(source, "train.py", config=config).findings]
        assert [(f.line, f.severity) for f in incremental.check(source, "train.py", config=config).findings] == fresh, body
        seen.append(fresh[0][1])
    assert seen == [Severity.LOW, Severity.HIGH, Severity.LOW, Severity.HIGH, Severity.LOW, Severity.HIGH]
