"""Round-trip awareness of the MLW1xx family (rules/_roundtrip.py).

A load of bytes that the same scope produced with the matching dump is not a
finding; a reassignment in between, a value from elsewhere, or anything the
analysis cannot follow keeps the finding. Each case names the rule it
exercises and is checked with that rule only."""

import textwrap

import pytest

from mlwarden.core.finding import Severity
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source

FAMILY = [f"MLW1{n:02d}" for n in range(1, 21)]


def lines(code, rule, filename="example.py", severity=None):
    config = Config(select=[rule]) if severity is None else Config(select=[rule], severity=severity)
    result = check_source(textwrap.dedent(code), filename, config=config)
    assert not result.errors, result.errors
    return sorted(f.line for f in result.findings if f.rule_id == rule)


# -- round trips: not findings ---------------------------------------------------

ROUND_TRIPS = {
    "nested-dumps": ("MLW101", "import pickle\nclone = pickle.loads(pickle.dumps(model))\n"),
    "module-variable": ("MLW101", "import pickle\npick = pickle.dumps({'a': 'b'})\nprint(pickle.loads(pick))\n"),
    "function-variable": (
        "MLW101",
        """
        import pickle
        def test_roundtrip(obj):
            data = pickle.dumps(obj, protocol=4)
            assert pickle.loads(data) == obj
        """,
    ),
    "every-binding-a-dump": (
        "MLW101",
        """
        import pickle
        def test_two(a, b):
            data = pickle.dumps(a)
            assert pickle.loads(data) == a
            data = pickle.dumps(b)
            assert pickle.loads(data) == b
        """,
    ),
    "bytesio-buffer": (
        "MLW101",
        "import io, pickle\nbuf = io.BytesIO()\npickle.dump([1, 2], buf)\nbuf.seek(0)\nprint(pickle.load(buf))\nbuf.seek(0)\nprint(pickle.Unpickler(buf).load())\n",
    ),
    "bytesio-initial-bytes": ("MLW101", "import io, pickle\nobj = pickle.load(io.BytesIO(pickle.dumps(x)))\n"),
    "getvalue": (
        "MLW101",
        """
        import io
        import cloudpickle
        def clone(obj):
            buf = io.BytesIO()
            cloudpickle.dump(obj, buf)
            return cloudpickle.loads(buf.getvalue())
        """,
    ),
    "dill-cross-module": ("MLW101", "import dill, pickle\nobj = pickle.loads(dill.dumps(fn))\n"),
    "with-bytesio": (
        "MLW101",
        """
        import io, pickle
        def clone(obj):
            with io.BytesIO() as f:
                pickle.dump(obj, f)
                f.seek(0)
                return pickle.load(f)
        """,
    ),
    "temporary-file": (
        "MLW112",
        "import marshal, tempfile\nfile_obj = tempfile.TemporaryFile()\nmarshal.dump(range(5), file_obj)\nfile_obj.seek(0)\nprint(marshal.load(file_obj))\nfile_obj.close()\n",
    ),
    "self-attribute": (
        "MLW101",
        """
        import pickle
        class Frozen:
            def __init__(self, obj):
                self._blob = pickle.dumps(obj)
            def thaw(self):
                return pickle.loads(self._blob)
        """,
    ),
    "tmp-path-open": (
        "MLW101",
        """
        import pickle
        def test_save(tmp_path):
            path = tmp_path / "model.pkl"
            with open(path, "wb") as f:
                pickle.dump(model, f)
            with open(path, "rb") as f:
                assert pickle.load(f) == model
        """,
    ),
    "tmpdir-join": (
        "MLW103",
        """
        import joblib
        def test_joblib(tmpdir):
            filename = str(tmpdir.join("clf.joblib"))
            joblib.dump(clf, filename)
            clf2 = joblib.load(filename)
        """,
    ),
    "temporary-directory": (
        "MLW102",
        """
        import os, tempfile, torch
        def test_ckpt():
            with tempfile.TemporaryDirectory() as d:
                ckpt = os.path.join(d, "ckpt.pt")
                torch.save({"w": w}, ckpt)
                state = torch.load(ckpt)
        """,
    ),
    "named-temporary-file": (
        "MLW102",
        """
        import tempfile, torch
        def test_named():
            with tempfile.NamedTemporaryFile(suffix=".pt") as f:
                torch.save(sd, f.name)
                sd2 = torch.load(f.name)
        """,
    ),
    "mkdtemp-in-setup": (
        "MLW104",
        """
        import os, tempfile, unittest
        import pandas as pd
        class T(unittest.TestCase):
            def setUp(self):
                self.tmpdir = tempfile.mkdtemp()
            def test_pickle(self):
                path = os.path.join(self.tmpdir, "df.pkl")
                df.to_pickle(path)
                back = pd.read_pickle(path)
        """,
    ),
    "literal-path-in-function": (
        "MLW105",
        """
        import pickle
        import numpy
        def test2():
            with open("this_is_a_file.pickle", "wb") as f:
                pickle.dump(payload, f)
            y = numpy.load("this_is_a_file.pickle", allow_pickle=True)
        """,
    ),
    "write-bytes": (
        "MLW101",
        """
        import pickle
        def test_bytes(tmp_path):
            p = tmp_path / "x.pkl"
            p.write_bytes(pickle.dumps(obj))
            assert pickle.loads(p.read_bytes()) == obj
        """,
    ),
    "yaml-nested": ("MLW106", "import yaml\nclone = yaml.unsafe_load(yaml.dump(cfg))\n"),
    "yaml-variable": ("MLW106", "import yaml\ntext = yaml.dump(cfg)\nsame = yaml.full_load(text)\n"),
    "yaml-file": (
        "MLW106",
        """
        import yaml
        def test_yaml(tmp_path):
            p = tmp_path / "c.yaml"
            with open(p, "w") as f:
                yaml.dump(cfg, f)
            with open(p) as f:
                assert yaml.load(f, Loader=yaml.Loader) == cfg
        """,
    ),
    "ruamel-json": (
        "MLW106",
        """
        import json
        from ruamel.yaml import YAML
        def dump(self):
            yaml = YAML(typ='unsafe', pure=True)
            config_json = json.dumps(self.data)
            return yaml.load(config_json)
        """,
    ),
    "jsonpickle-restore": (
        "MLW114",
        "import jsonpickle\npick = jsonpickle.encode({'a': 'b'})\nprint(jsonpickle.unpickler.Unpickler().restore(pick))\n",
    ),
    "shelve-fresh-temp": (
        "MLW113",
        """
        import os, shelve, tempfile
        with tempfile.TemporaryDirectory() as d:
            filename = os.path.join(d, 'shelf')
            with shelve.open(filename) as db:
                db['spam'] = {'eggs': 'ham'}
            with shelve.open(filename) as db:
                print(db['spam'])
        """,
    ),
    "keras-save-load": (
        "MLW108",
        """
        import keras
        def test_model(tmp_path):
            path = str(tmp_path / "m.keras")
            model.save(path)
            loaded = keras.models.load_model(path)
        """,
    ),
    "numpy-bytesio": (
        "MLW105",
        "import io\nimport numpy as np\nbuf = io.BytesIO()\nnp.save(buf, arr, allow_pickle=True)\nbuf.seek(0)\nnp.load(buf, allow_pickle=True)\n",
    ),
    "logging-between": (
        "MLW101",
        """
        import logging, pickle
        log = logging.getLogger(__name__)
        def test_log(tmp_path):
            path = tmp_path / "m.pkl"
            with open(path, "wb") as f:
                pickle.dump(m, f)
            log.info("saved %s", path)
            with open(path, "rb") as f:
                pickle.load(f)
        """,
    ),
    # the project's own serializer, called in place
    "project-dump-helper": (
        "MLW101",
        """
        import pickle as pkl
        from server.utils import dump_exception
        def test_dump(exc):
            assert pkl.loads(dump_exception(exc)).status_code == 400
        """,
    ),
    "serialize-method": ("MLW101", "import dill\nclass C:\n    def clone(self):\n        return dill.loads(self._serialize_state())\n"),
    # the project's own saver of its own state into a fresh temporary location
    "saver-method-into-tmp-path": (
        "MLW102",
        """
        import torch
        def test_resume(tmp_path, trainer):
            trainer.save_checkpoint(tmp_path / "last.ckpt")
            state = torch.load(tmp_path / "last.ckpt", map_location="cpu")
        """,
    ),
    "saved-directory-then-a-file-in-it": (
        "MLW102",
        """
        import os, tempfile, torch
        def test_save_pretrained(model):
            with tempfile.TemporaryDirectory() as d:
                model.save_pretrained(d, safe_serialization=False)
                sd = torch.load(os.path.join(d, "pytorch_model.bin"))
        """,
    ),
    # what the code under test handed to a mock: a test of its own output
    "mock-call-args-split": (
        "MLW101",
        """
        import pickle
        def test_producer_send(mock_socket, producer):
            producer.put({"k": [1, 2]}, consumer_id=2)
            sent = mock_socket.send.call_args[0][0]
            consumer_id, data = sent.split(b"|", 1)
            assert pickle.loads(data) == {"k": [1, 2]}
        """,
    ),
    "mock-call-args-list": (
        "MLW101",
        """
        import cloudpickle
        def test_sent(queue):
            payload = queue.put.call_args_list[-1].args[0]
            assert cloudpickle.loads(payload)["id"] == 1
        """,
    ),
    # every worker dumps its shard by a name pattern into one directory; one reads them all back
    "shards-by-name-pattern": (
        "MLW101",
        """
        import os, pickle
        def gather(shard, rank, world, workdir):
            with open(os.path.join(workdir, f"shard-{rank:03d}.pkl"), "wb") as out:
                pickle.dump(shard, out)
            sync()
            if rank:
                return None
            merged = []
            for r in range(world):
                name = os.path.join(workdir, f"shard-{r:03d}.pkl")
                with open(name, "rb") as src:
                    merged.extend(pickle.load(src))
            return merged
        """,
    ),
    "shards-by-name-pattern-pathlib": (
        "MLW103",
        """
        import joblib
        from pathlib import Path
        def collect(parts, rank, n, root: Path):
            joblib.dump(parts, root / f"chunk_{rank}.joblib")
            barrier()
            return [joblib.load(root / f"chunk_{i}.joblib") for i in range(n)]
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip_is_not_a_finding(name):
    rule, code = ROUND_TRIPS[name]
    assert lines(code, rule) == []


def test_round_trip_across_notebook_cells():
    from mlwarden.rules._helpers import notebook_json

    nb = notebook_json("import pickle\nblob = pickle.dumps(model)", "clone = pickle.loads(blob)")
    assert lines(nb, "MLW101", "rt.ipynb") == []


# -- not round trips: the finding stays ----------------------------------------------

KEPT = {
    "reassigned-in-between": (
        "MLW101",
        "import pickle\nblob = pickle.dumps(obj)\nblob = sock.recv(4096)\npickle.loads(blob)\n",
        [4],
    ),
    "reassigned-in-a-branch": (
        "MLW101",
        """
        import pickle
        def f(sock, obj):
            blob = pickle.dumps(obj)
            if sock:
                blob = sock.recv(1024)
            return pickle.loads(blob)
        """,
        [7],
    ),
    "parameter": ("MLW101", "import pickle\ndef f(blob):\n    return pickle.loads(blob)\n", [3]),
    "parameter-also-assigned": (
        "MLW101",
        "import pickle\ndef f(blob=None):\n    if blob is None:\n        blob = pickle.dumps(x)\n    return pickle.loads(blob)\n",
        [5],
    ),
    "global-rebound-elsewhere": (
        "MLW101",
        "import pickle\nblob = pickle.dumps(x)\ndef receive(sock):\n    global blob\n    blob = sock.recv(9)\npickle.loads(blob)\n",
        [6],
    ),
    "augmented": ("MLW101", "import pickle\nblob = pickle.dumps(x)\nblob += tail\npickle.loads(blob)\n", [4]),
    "loop-target": (
        "MLW101",
        "import pickle\nblob = pickle.dumps(x)\nfor blob in incoming:\n    pickle.loads(blob)\n",
        [4],
    ),
    "comprehension-variable": (
        "MLW101",
        "import pickle\ndata = pickle.dumps(x)\nobjs = [pickle.loads(data) for data in blobs]\n",
        [3],
    ),
    "load-before-dump": ("MLW101", "import pickle\nobj = pickle.loads(blob)\nblob = pickle.dumps(obj)\n", [2]),
    "buffer-foreign-write": (
        "MLW101",
        "import io, pickle\nbuf = io.BytesIO()\nbuf.write(response.content)\nbuf.seek(0)\npickle.load(buf)\n",
        [5],
    ),
    "buffer-handed-to-a-download": (
        "MLW101",
        "import io, pickle\nbuf = io.BytesIO()\nclient.download_fileobj('bucket', 'key', buf)\nbuf.seek(0)\npickle.load(buf)\n",
        [5],
    ),
    "buffer-not-anonymous": (
        "MLW101",
        "import pickle\nbuf = get_stream()\npickle.dump(obj, buf)\npickle.load(buf)\n",
        [4],
    ),
    "literal-path-at-module-level": (
        "MLW102",
        "import torch\ntorch.save(model.state_dict(), 'model_weights.pth')\nmodel.load_state_dict(torch.load('model_weights.pth'))\n",
        [3],
    ),
    "literal-path-written-conditionally": (
        "MLW101",
        """
        import pickle
        def load(fresh):
            if fresh:
                with open("cache.pkl", "wb") as f:
                    pickle.dump(obj, f)
            with open("cache.pkl", "rb") as f:
                return pickle.load(f)
        """,
        [8],
    ),
    "literal-path-written-in-try": (
        "MLW101",
        """
        import pickle
        def load():
            try:
                pickle.dump(obj, open("cache.pkl", "wb"))
            except OSError:
                pass
            return pickle.load(open("cache.pkl", "rb"))
        """,
        [8],
    ),
    "parameter-path": (
        "MLW105",
        """
        import pickle
        import numpy
        def test(param_path):
            with open(param_path, "wb") as f:
                pickle.dump(payload, f)
            y = numpy.load(param_path, allow_pickle=True)
        """,
        [7],
    ),
    "download-into-the-path": (
        "MLW102",
        """
        import torch, urllib.request
        def fetch(tmp_path):
            path = tmp_path / "c.pt"
            torch.save(sd, path)
            urllib.request.urlretrieve(URL, path)
            return torch.load(path)
        """,
        [7],
    ),
    "another-path": (
        "MLW103",
        """
        import joblib
        def test(tmp_path):
            joblib.dump(clf, tmp_path / "a.joblib")
            return joblib.load(tmp_path / "b.joblib")
        """,
        [5],
    ),
    "path-rebound": (
        "MLW103",
        """
        import joblib
        def test():
            path = "a.joblib"
            joblib.dump(clf, path)
            path = "downloaded.joblib"
            return joblib.load(path)
        """,
        [7],
    ),
    "file-written-with-foreign-bytes": (
        "MLW101",
        """
        import pickle
        def fetch(tmp_path):
            p = tmp_path / "m.pkl"
            with open(p, "wb") as f:
                f.write(requests.get(URL).content)
            with open(p, "rb") as f:
                return pickle.load(f)
        """,
        [8],
    ),
    "written-in-outer-function": (
        "MLW101",
        """
        import pickle
        def outer(tmp_path):
            p = tmp_path / "m.pkl"
            pickle.dump(obj, open(p, "wb"))
            def inner():
                return pickle.load(open(p, "rb"))
            return inner
        """,
        [7],
    ),
    "self-attribute-set-from-outside-dumps": (
        "MLW101",
        """
        import pickle
        class Cache:
            def __init__(self, obj):
                self._blob = pickle.dumps(obj)
            def update(self, raw):
                self._blob = raw
            def get(self):
                return pickle.loads(self._blob)
        """,
        [9],
    ),
    "yaml-dump-to-a-stream-returns-nothing": (
        "MLW106",
        "import yaml\ntext = yaml.dump(cfg, stream)\nyaml.unsafe_load(text)\n",
        [3],
    ),
    "lambda-body": ("MLW101", "import pickle\nblob = pickle.dumps(x)\nf = lambda: pickle.loads(blob)\n", [3]),
    # a saver handed data besides the path may write downloaded bytes; a literal
    # path may predate the run; a download into the saved directory breaks it
    "saver-with-a-data-argument": (
        "MLW101",
        "import pickle\ndef test_c(tmp_path):\n    save_cache(requests.get(URL).content, tmp_path / 'c.pkl')\n"
        "    with open(tmp_path / 'c.pkl', 'rb') as f:\n        pickle.load(f)\n",
        [5],
    ),
    "saver-to-a-literal-path": ("MLW102", "import torch\ndef f(trainer):\n    trainer.save_checkpoint('last.ckpt')\n    torch.load('last.ckpt')\n", [4]),
    "download-into-the-saved-directory": (
        "MLW102",
        "import os, torch\ndef test_d(tmp_path, model):\n    model.save_pretrained(tmp_path)\n"
        "    hf_hub_download('org/m', 'extra.bin', local_dir=tmp_path)\n    torch.load(os.path.join(tmp_path, 'extra.bin'))\n",
        [5],
    ),
    "downloader-named-like-a-saver": (
        "MLW103",
        "import joblib\ndef test_d(tmp_path):\n    save_from_url(tmp_path / 'm.joblib')\n    joblib.load(tmp_path / 'm.joblib')\n",
        [4],
    ),
    # helper names that load, fetch or receive are not serializers
    "helper-that-loads": ("MLW101", "import pickle\ndef f(key):\n    return pickle.loads(load_dump(key))\n", [3]),
    "helper-that-fetches": ("MLW101", "import pickle\ndef f(url):\n    return pickle.loads(fetch_pickle(url))\n", [3]),
    # split parts of bytes that came from a socket, not from a mock
    "unpacked-from-socket": (
        "MLW101",
        "import pickle\ndef f(sock):\n    _, data = sock.recv(4096).split(b'|', 1)\n    return pickle.loads(data)\n",
        [4],
    ),
    # a pattern that is only an extension, another directory, another pattern, or a dump on one path only
    "sibling-name-only-an-extension": (
        "MLW101",
        "import os, pickle\ndef f(d, a, b):\n    pickle.dump(1, open(os.path.join(d, f'{a}.pkl'), 'wb'))\n    return pickle.load(open(os.path.join(d, f'{b}.pkl'), 'rb'))\n",
        [4],
    ),
    "sibling-other-directory": (
        "MLW101",
        "import os, pickle\ndef f(d, e, r, i):\n    pickle.dump(1, open(os.path.join(d, f'part_{r}.pkl'), 'wb'))\n    return pickle.load(open(os.path.join(e, f'part_{i}.pkl'), 'rb'))\n",
        [4],
    ),
    "sibling-other-pattern": (
        "MLW101",
        "import os, pickle\ndef f(d, r, i):\n    pickle.dump(1, open(os.path.join(d, f'part_{r}.pkl'), 'wb'))\n    return pickle.load(open(os.path.join(d, f'peer_{i}.pkl'), 'rb'))\n",
        [4],
    ),
    "sibling-dumped-on-one-path": (
        "MLW101",
        "import os, pickle\ndef f(d, r, i, fresh):\n    if fresh:\n        pickle.dump(1, open(os.path.join(d, f'part_{r}.pkl'), 'wb'))\n    return pickle.load(open(os.path.join(d, f'part_{i}.pkl'), 'rb'))\n",
        [5],
    ),
    "unpacked-one-binding-from-mock-one-from-socket": (
        "MLW101",
        "import pickle\ndef f(sock, m):\n    _, data = m.send.call_args[0][0].split(b'|', 1)\n    data = sock.recv(9)\n    return pickle.loads(data)\n",
        [5],
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_not_a_round_trip_keeps_the_finding(name):
    rule, code, expected = KEPT[name]
    # kept at some severity: a file the function wrote at a parameter's path
    # is low (tests/test_roundtrip_written.py), never dropped
    assert lines(code, rule, severity=Severity.LOW) == expected


def test_round_trips_hold_for_the_whole_family_selection():
    """With every rule of the family selected, a round trip stays silent and
    the unrelated load next to it is still reported."""
    code = (
        "import io, pickle, torch, yaml\n"
        "buf = io.BytesIO()\n"
        "torch.save(sd, buf)\n"
        "buf.seek(0)\n"
        "sd2 = torch.load(buf)\n"
        "cfg2 = yaml.unsafe_load(yaml.dump(cfg))\n"
        "other = pickle.load(open(path, 'rb'))\n"
    )
    result = check_source(code, "x.py", config=Config(select=FAMILY))
    assert not result.errors
    assert {(f.line, f.rule_id) for f in result.findings} == {(7, "MLW101")}


def test_archive_the_test_just_built_is_not_a_finding():
    code = """
        import tarfile
        def test_extract(tmp_path):
            archive = tmp_path / "a.tar"
            with tarfile.open(archive, "w") as tar:
                tar.add(src, arcname="x")
            with tarfile.open(archive) as tar:
                tar.extractall(tmp_path / "out")
        """
    assert lines(code, "MLW210") == []


def test_archive_opened_for_reading_twice_is_still_a_finding():
    code = """
        import tarfile
        def test_extract(tmp_path):
            archive = tmp_path / "a.tar"
            download(URL, archive)
            with tarfile.open(archive) as tar:
                tar.extractall(tmp_path / "out")
        """
    assert lines(code, "MLW210") == [7]
