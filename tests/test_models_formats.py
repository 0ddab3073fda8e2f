"""Model files, issue 17: file selection (walk and hook agree), optional
readers (py7zr, lz4, h5py) present and absent, numpy's dtype parsing, real
libraries' files, and the identification rule. The per-class cases (one
generated file each) live in test_models.py and fixtures/rules/MLW6*.md."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml

import model_factory as mf
from conftest import ROOT
from mlwarden.artifacts import Limits, scan_bytes, scan_file
from mlwarden.artifacts.formats import descr_has_object, sniff_path
from mlwarden.artifacts.names import GENERIC, MODEL, MODEL_FILES_REGEX, OTHER, name_strength
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.registry import all_rules
from mlwarden.sources.model import is_model_path

OS_SYSTEM = mf.wrap(mf.call("os", "system", mf.binunicode("echo pwned")), 2)

WALKED = [
    "checkpoint.pth.tar", "model.pkl.gz", "x.p", "handler.mar", "model.safetensors", "llama.Q4_K_M.gguf", "model.onnx",
    "export/saved_model.pb", "asr.nemo", "weights.7z", "a.pk", "b.dat", "pytorch_model.bin", "MODEL.PT", "w.pt.zip",
    "clf.joblib", "tokenizer.model", "x.npz", "best.ckpt", "m.keras", "m.h5", "policy.pth.tar.gz", "x.pkl.bz2",
]
NOT_WALKED = ["README.md", "data.zip", "images.tar.gz", "train.py", "notes.txt", "config.json", "x.pbtxt", "a.tar"]


def _hook_files_regex() -> str:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h["files"] for h in hooks if h["id"] == "mlwarden-models")


def test_hook_and_walk_use_the_same_predicate():
    assert _hook_files_regex() == MODEL_FILES_REGEX
    hook = re.compile(_hook_files_regex())
    for name in WALKED + NOT_WALKED:
        # pre-commit matches `files` with re.search on the repository-relative path
        assert bool(hook.search(name)) == is_model_path(Path(name)), name
    assert all(is_model_path(Path(n)) for n in WALKED)
    assert not any(is_model_path(Path(n)) for n in NOT_WALKED)


@pytest.mark.parametrize(
    "name, strength",
    [
        ("model.pt", MODEL), ("x.pkl.gz", MODEL), ("checkpoint.pth.tar", MODEL), ("pytorch_model.bin", MODEL), ("training_args.bin", MODEL),
        ("vocab.bin", GENERIC), ("data.dat", GENERIC), ("spm.model", GENERIC), ("graph.pb", GENERIC), ("saved_model.pb", MODEL),
        ("README.md", OTHER), ("data.txt", OTHER),
    ],
)
def test_name_strength(name, strength):
    assert name_strength(name) == strength


def test_directory_walk_reads_the_new_names(tmp_path, run_cli):
    files = {
        "checkpoint.pth.tar": mf.legacy_torch_tar(pickle_member=OS_SYSTEM),
        "model.pkl.gz": mf.gz(OS_SYSTEM),
        "labels.p": b"cos\nsystem\n(S'id'\ntR.",
        "model.mar": mf.mar(serialized=mf.torch_zip(OS_SYSTEM, {}), handler_name="image_classifier"),
        "w.nemo": mf.nemo("model:\n  _target_: os.system\n"),
        "m.gguf": mf.gguf_template("{{ ''.__class__ }}"),
        "README.md": b"# not scanned",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, out, err = run_cli("check", "--isolated", tmp_path)
    assert code == 1, (out, err)
    flagged = {Path(line.split(":", 1)[0]).name for line in out.splitlines() if ":1:1: MLW6" in line}
    assert flagged == set(files) - {"README.md"}


def test_scan_model_walk_matches_check_walk(tmp_path, run_cli):
    (tmp_path / "a.pkl.gz").write_bytes(mf.gz(OS_SYSTEM))
    (tmp_path / "b.zip").write_bytes(mf.make_zip([mf.ZipEntry("x.pkl", OS_SYSTEM)]))
    code, out, _ = run_cli("scan-model", "--isolated", tmp_path)
    assert code == 1 and "a.pkl.gz:1:1: MLW601" in out and "b.zip" not in out
    # named explicitly, the plain archive is read by content
    code, out, _ = run_cli("scan-model", "--isolated", tmp_path / "b.zip")
    assert code == 1 and "member `x.pkl`" in out


def test_noise_short_bin_is_not_an_unverifiable_pickle(tmp_path, run_cli):
    path = tmp_path / "vocab.bin"
    path.write_bytes(b"cvocab1")
    code, out, _ = run_cli("scan-model", "--isolated", "-v", path)
    assert code == 0, out
    assert "not a model format mlwarden reads" in out
    named = tmp_path / "pytorch_model.bin"
    named.write_bytes(b"cvocab1")
    code, out, _ = run_cli("scan-model", "--isolated", named)
    assert code == 1 and "MLW603" in out and "named like a model file" in out and "unverifiable pickle" not in out


@pytest.mark.parametrize(
    "text",
    [
        b"Copyright (c) 2020 The Authors\nAll rights reserved.\n",
        b"cat\ndog\nbird\n",  # GLOBAL `at.dog` would be imported: identified, and reported
        b"hello world. this is a readme.",
    ],
)
def test_identification_rule_for_text_in_archives(text):
    """A text member of an archive is a pickle only when the unpickler would
    import a resolvable name; prose that reaches a `.` is not."""
    report = scan_bytes(mf.make_zip([mf.ZipEntry("notes/readme.txt", text)]), "bundle.zip")
    names = [g.name for g in report.globals]
    if text.startswith(b"cat\n"):
        assert names == ["at.dog"]
    else:
        assert names == [] and report.issues == [] and not report.pickle_based


# --------------------------------------------------------------------------
# optional readers


def test_7z_without_py7zr_fails_closed(tmp_path, monkeypatch):
    pytest.importorskip("py7zr")
    blob = mf.sevenz([("data.pkl", OS_SYSTEM)])
    monkeypatch.setitem(sys.modules, "py7zr", None)  # as if the extra were not installed
    report = scan_bytes(blob, "weights.7z")
    assert [(i.kind, i.key) for i in report.issues] == [("unverifiable", "7z-missing")]
    assert "mlwarden[models]" in report.issues[0].detail


def test_7z_bomb_and_corrupt_archive():
    pytest.importorskip("py7zr")
    blob = mf.sevenz([("big.bin", bytes(4 << 20))])
    report = scan_bytes(blob, "a.7z", Limits(max_decompressed=1 << 20))
    assert [i.key for i in report.issues] == ["7z-size"]
    report = scan_bytes(blob[:40], "a.7z")
    assert [i.key for i in report.issues] == ["7z-corrupt"]


def test_lz4_joblib(tmp_path, monkeypatch):
    lz4_frame = pytest.importorskip("lz4.frame")
    joblib = pytest.importorskip("joblib")
    np = pytest.importorskip("numpy")
    path = tmp_path / "m.joblib"
    joblib.dump({"w": np.arange(50.0)}, path, compress="lz4")
    assert scan_file(path).issues == []
    assert check_paths([str(path)], Config())[0][0].findings == []
    evil = lz4_frame.compress(OS_SYSTEM)
    assert {g.name for g in scan_bytes(evil, "m.joblib").globals} == {"os.system"}
    monkeypatch.setitem(sys.modules, "lz4", None)
    monkeypatch.setitem(sys.modules, "lz4.frame", None)
    assert [i.key for i in scan_bytes(evil, "m.joblib").issues] == ["lz4-missing"]


def _real_h5(path: Path, config: str) -> None:
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.6.0"
        f.attrs["model_config"] = config
        f.create_dataset("model_weights/dense/kernel", data=[[1.0, 2.0]])


LAMBDA_CONFIG = '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l"}}]}}'


@pytest.mark.parametrize("with_h5py", [True, False])
def test_real_hdf5_keras_model(tmp_path, monkeypatch, with_h5py):
    path = tmp_path / "model.h5"
    _real_h5(path, LAMBDA_CONFIG)
    data_only = tmp_path / "data.h5"
    h5py = pytest.importorskip("h5py")
    with h5py.File(data_only, "w") as f:
        f.create_dataset("x", data=[1, 2, 3])
    if not with_h5py:
        monkeypatch.setitem(sys.modules, "h5py", None)  # the bounded byte search
    ids = {f.rule_id for r in check_paths([str(path)], Config(select=[r.id for r in all_rules()]))[0] for f in r.findings}
    assert ids == {"MLW605", "MLW607"}
    assert check_paths([str(data_only)], Config())[0][0].findings == []


# --------------------------------------------------------------------------
# numpy's own parsing is the reference for object dtypes


DESCRS = [
    "|O", "O", "<O8", "object", "object_", "i4,O", "(2,)O", "2O", "(2,3)<f8", "<f8", "|b1", "<U10", "|S5", "i4,f8", "3i4",
    [("a", "<i4"), ("b", "|O")], [("a", [("b", "|O")])], [("a", "<i4"), ("b", "<f8")], [("a", "<f8", (2, 2))], [("a", "|O", (3,))],
    "<M8[ns]", "<m8[s]", "?", "bool", "float64", "complex128", "V8",
]


@pytest.mark.parametrize("descr", DESCRS, ids=[str(d) for d in DESCRS])
def test_descr_has_object_matches_numpy(descr):
    np = pytest.importorskip("numpy")
    from numpy.lib.format import descr_to_dtype

    try:
        expected = descr_to_dtype(descr).hasobject
    except (TypeError, ValueError):
        expected = np.dtype(descr).hasobject
    assert descr_has_object(descr) is expected


def test_unparseable_descr_fails_closed():
    report = scan_bytes(mf.npy("weird[[", (1,), b"\0"), "a.npy")
    assert [i.key for i in report.issues] == ["npy-descr"]


def test_real_numpy_object_descr_spellings(tmp_path):
    np = pytest.importorskip("numpy")
    path = tmp_path / "a.npy"
    np.save(path, np.zeros(2, dtype=[("a", "<i4"), ("b", "O")]), allow_pickle=True)
    report = scan_file(path)
    assert report.pickle_based and report.issues == []


# --------------------------------------------------------------------------
# weight formats: a valid file is benign, and says so


def test_list_globals_says_safetensors_holds_no_code(tmp_path, run_cli):
    path = tmp_path / "model.safetensors"
    path.write_bytes(mf.safetensors({"w": ("F32", (2,), (0, 8))}, metadata={"format": "pt"}))
    code, out, err = run_cli("scan-model", "--isolated", "--list-globals", "-v", path)
    assert code == 0, (out, err)
    assert f"{path}: safetensors" in out
    assert "(no globals: a weight format that holds no code)" in out
    assert "safetensors with 1 tensors: tensors only, no code" in out


@pytest.mark.parametrize("kind", ["safetensors", "gguf"])
def test_sparse_2gb_weight_file_reads_the_header_only(tmp_path, kind):
    """A 2 GB sparse file: only the header is read (timings are in
    benchmarks/models.py, not here); the verdict is the same as for a small file."""
    path = tmp_path / f"big.{kind}"
    size = 2 << 30
    if kind == "safetensors":
        header = mf.safetensors({"w": ("F32", (size // 4 - 1024,), (0, size - 4096))}, data=b"")
    else:
        header = mf.gguf_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + (size - 4096 if kind == "safetensors" else size))
    report = scan_file(path)
    assert report.format == kind and report.issues == [], report.issues


def test_onnx_external_data_symlink_escape(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.bin").write_bytes(b"x")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    os.symlink(outside / "secret.bin", model_dir / "weights.bin")
    path = model_dir / "model.onnx"
    path.write_bytes(mf.onnx_model(initializers=[mf.onnx_tensor("w", "weights.bin")]))
    report = scan_file(path)
    assert [i.kind for i in report.issues] == ["external-data"]
    assert "symlink" in report.issues[0].detail
    (model_dir / "weights.bin").unlink()
    (model_dir / "weights.bin").write_bytes(b"x")
    assert scan_file(path).issues == []


def test_real_onnx_model(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph), path)
    report = scan_file(path)
    assert report.format == "onnx" and report.issues == []


def test_chat_template_risks_of_real_templates():
    from mlwarden.artifacts.gguf import template_risks

    benign = [
        "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endfor %}",
        "{%- if tools %}{{- '<|im_start|>system\\n' }}{%- for tool in tools %}{{- tool | tojson }}{%- endfor %}{%- endif %}{{ '<|im_start|>' + message.role }}",
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}{{ strftime_now('%d %b %Y') }}",
        "__init__ and __class__ in literal text outside any tag are not code",
    ]
    for template in benign:
        assert template_risks(template) == [], template
    for template in [
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{% set x = ''|attr('\\x5f\\x5fclass\\x5f\\x5f') %}",
        "{{ request|attr('application') }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{% endfor %}",
        "{{ x['__cla' ~ 'ss__'] }}",
    ]:
        assert template_risks(template), template


def _v7_header(tar_bytes: bytes, checksum_field) -> bytes:
    """Turn a ustar header into a pre-POSIX one (no magic) with the checksum
    written by ``checksum_field(sum)``: tarfile (and so torch.load) still opens it."""
    block = bytearray(tar_bytes[:512])
    block[257:265] = bytes(8)
    block[148:156] = b" " * 8
    block[148:156] = checksum_field(sum(block))
    return bytes(block) + tar_bytes[512:]


@pytest.mark.parametrize(
    "field",
    [lambda c: b"%06o\x00 " % c, lambda c: (b"%o\x00" % c + b"junk")[:8], lambda c: b"\x80" + c.to_bytes(7, "big")],
    ids=["octal", "octal-then-junk", "base-256"],
)
def test_tar_headers_that_tarfile_accepts_are_tars(field):
    import io
    import tarfile

    blob = _v7_header(mf.tar([("pickle", OS_SYSTEM)]), field)
    names = [m.name for m in tarfile.open(fileobj=io.BytesIO(blob), mode="r:")]
    assert names == ["pickle"]  # what torch.load's legacy path opens
    assert [g.name for g in scan_bytes(blob, "old.pt").globals] == ["os.system"]


def test_zstd_pickle(monkeypatch):
    """pandas.read_pickle("x.pkl.zst") decompresses zstd and unpickles."""
    from mlwarden.artifacts import formats

    if formats._zstd_decompressor() is None:
        pytest.skip("no zstd module")
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        from backports import zstd  # type: ignore[import-not-found,no-redef]
    blob = zstd.compress(OS_SYSTEM)
    assert is_model_path(Path("frame.pkl.zst"))
    assert [g.name for g in scan_bytes(blob, "frame.pkl.zst").globals] == ["os.system"]
    monkeypatch.setattr(formats, "_zstd_decompressor", lambda: None)
    assert [i.key for i in scan_bytes(blob, "frame.pkl.zst").issues] == ["zstd-missing"]


def test_git_lfs_pointer_is_not_a_finding(tmp_path, run_cli):
    """A checkout without `git lfs pull` holds pointers under model names."""
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 438000000\n")
    code, out, _ = run_cli("scan-model", "--isolated", "-v", path)
    assert code == 0, out
    assert "a Git LFS pointer" in out


@pytest.mark.parametrize(
    "name, data, note",
    [
        ("old.ggml", b"tjgg\x03\x00\x00\x00" + bytes(64), "a legacy GGML model"),
        ("easy-install.pth", b"/opt/venv/lib/python3.11/site-packages\nimport sys; sys.path.insert(0, 'x')\n", "a Python path configuration"),
        ("survey.sav", b"$FL2@(#) IBM SPSS STATISTICS 64-bit Linux" + bytes(64), "an SPSS data file"),
        ("launcher.pt", b"#!/usr/bin/env python3\nfrom tool.cli import main\n\nif __name__ == '__main__':\n    main()\n", "a script"),
    ],
)
def test_model_named_look_alikes_are_identified_not_flagged(name, data, note):
    report = scan_bytes(data, name)
    assert report.issues == [] and any(note in n for n in report.notes), report


@pytest.mark.parametrize(
    "data",
    [
        b"#!/bin/sh\n\x00\x01\x02\x03",  # a script line, then binary bytes (e.g. a zipapp's archive)
        b"#!/usr/bin/env python3\n" + b"print(1)\n" * 200,  # longer than the head the scanner reads
    ],
)
def test_script_line_does_not_clear_what_follows(data):
    assert [i.key for i in scan_bytes(data, "model.pt").issues] == ["unidentified"]


def test_binary_pth_that_is_nothing_is_flagged():
    report = scan_bytes(bytes(range(1, 256)), "weights.pth")
    assert [i.key for i in report.issues] == ["unidentified"]


@pytest.mark.parametrize(
    "config, expected",
    [
        ("relu", set()),  # Keras' own function, written under module "builtins"
        ("exec", {"MLW601"}),  # Python's exec: what CVE-2025-1550 configs call
        ("my_activation", {"MLW606"}),  # a registered custom function
    ],
)
def test_keras_functions_under_module_builtins(tmp_path, config, expected):
    layer = mf.keras_layer("Dense", "d", activation={"module": "builtins", "class_name": "function", "config": config, "registered_name": "function"})
    path = tmp_path / "m.keras"
    path.write_bytes(mf.keras_zip({"class_name": "Sequential", "config": {"layers": [layer]}}))
    assert {f.rule_id for r in check_paths([str(path)], Config())[0] for f in r.findings} == expected


_KERAS_SCRIPT = """
import sys, keras
out = sys.argv[1]
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dropout(0.1), keras.layers.Dense(1, activation="sigmoid")])
m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
m.save(out + "/dense.keras")
m.save(out + "/dense.h5")
inp = keras.Input((4,))
x = keras.layers.Dense(3)(inp)
y = keras.layers.Lambda(lambda t: t * 2)(keras.layers.Add()([x, x]))
f = keras.Model(inp, y)
f.compile(loss=keras.losses.MeanSquaredError(), metrics=[keras.metrics.AUC()])
f.save(out + "/lambda.keras")
f.save(out + "/lambda.h5")
"""


@pytest.mark.slow  # builds and saves real keras models (about 10 s)
def test_real_keras_models(tmp_path):
    """Files written by Keras itself (in a subprocess: Keras picks its
    backend at import): built-in layers give nothing at medium, a Lambda is
    reported once per layer, a `.h5` is MLW607."""
    import subprocess

    if not _importable("keras"):
        pytest.skip("keras is not installed")
    backend = "torch" if _importable("torch") else "jax" if _importable("jax") else None
    if backend is None:
        pytest.skip("Keras needs torch or jax here")
    env = dict(os.environ, KERAS_BACKEND="numpy" if backend == "jax" else backend)
    proc = subprocess.run([sys.executable, "-c", _KERAS_SCRIPT, str(tmp_path)], env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode and ("ModuleNotFoundError" in proc.stderr or "ImportError" in proc.stderr):
        pytest.skip(f"Keras cannot load its {backend} backend here: {proc.stderr.strip().splitlines()[-1][:200]}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    from mlwarden.core.finding import Severity

    every = Config(select=[r.id for r in all_rules()], severity=Severity.LOW)

    def ids(name, config):
        return sorted(f.rule_id for r in check_paths([str(tmp_path / name)], config)[0] for f in r.findings)

    assert ids("dense.keras", every) == []
    assert ids("dense.h5", every) == ["MLW607"]
    assert ids("lambda.keras", every) == ["MLW605"]
    assert ids("lambda.h5", every) == ["MLW605", "MLW607"]

    assert ids("dense.h5", Config(severity=Severity.MEDIUM)) == []


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


@pytest.mark.parametrize("compress", [0, 3, ("gzip", 3), ("bz2", 3), ("xz", 3), ("lzma", 3), ("lz4", 3)], ids=str)
def test_real_joblib_object_arrays(tmp_path, compress):
    """joblib writes object arrays as embedded pickles: they are read, not skipped."""
    joblib = pytest.importorskip("joblib")
    np = pytest.importorskip("numpy")
    if compress[0] == "lz4" if isinstance(compress, tuple) else False:
        pytest.importorskip("lz4")
    path = tmp_path / "m.joblib"
    data = {"objs": np.array([{"a": 1}, "x", None], dtype=object), "rec": np.zeros(2, dtype=[("a", "<i4"), ("b", "O")]), "f": np.arange(5.0)}
    joblib.dump(data, path, compress=compress)
    report = scan_file(path)
    assert report.issues == [] and report.format.endswith("joblib"), report
    # the embedded pickles were parsed: their numpy rebuild globals are seen
    assert {"numpy.ndarray", "numpy.dtype"} <= {g.name for g in report.globals}
    assert any(g.name.endswith("multiarray._reconstruct") for g in report.globals)


def test_old_joblib_zfile():
    """joblib < 0.10 wrote compressed files as "ZF" + the hex length padded to 19 bytes + zlib."""
    import zlib

    blob = b"ZF" + hex(len(OS_SYSTEM)).encode().ljust(19) + zlib.compress(OS_SYSTEM)
    assert [g.name for g in scan_bytes(blob, "model.pkl").globals] == ["os.system"]
    benign = mf.state_dict_pickle({"w": (1, (1,))})
    report = scan_bytes(b"ZF" + hex(len(benign)).encode().ljust(19) + zlib.compress(benign), "model.pkl")
    assert report.issues == [] and report.format == "zlib+pickle"


def test_chat_template_string_literals_alone_are_text():
    from mlwarden.artifacts.gguf import template_risks

    assert template_risks("{{ '<__media__>' + message['content'] }}") == []
    assert template_risks("{{ 'a__b' }}{% for m in messages %}{{ m['content'] }}{% endfor %}") == []
    assert template_risks("{{ m['__cla' ~ 'ss__'] }}") != []


@pytest.mark.slow
def test_fuzz_model_readers_seeded():
    """Seeded fuzzing of every generated case (bytes flipped, cut and
    inserted, several edits at once): no reader ever fails with an internal
    error, so nothing turns into a silent pass or a traceback."""
    import random

    import test_models

    rng = random.Random(20261130)
    internal = {}
    count = 0
    for case, build in sorted(test_models.CASES.items()):
        if case == "cpu_bomb.pkl.gz" or (case in test_models.NEEDS_PY7ZR and not test_models._has_py7zr()):
            continue
        base = build()
        for _ in range(40):
            data = bytearray(base)
            for _edit in range(rng.randint(1, 4)):
                if not data:
                    break
                pos = rng.randrange(len(data))
                roll = rng.random()
                if roll < 0.4:
                    data[pos] = rng.randrange(256)
                elif roll < 0.7:
                    del data[pos : pos + rng.randint(1, 16)]
                else:
                    data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            report = scan_bytes(bytes(data), case, Limits(time_limit=20))
            count += 1
            for issue in report.issues:
                if issue.key == "internal":
                    internal.setdefault(issue.detail, case)
    assert count > 5000
    assert internal == {}


def test_explicit_files_are_identified_by_parsing(tmp_path, run_cli):
    odd = tmp_path / "weights"
    odd.write_bytes(b"K\x00" + mf.POP + mf.call("os", "system", mf.binunicode("id")) + mf.STOP)  # no header, odd first opcode
    prose = tmp_path / "NOTES"
    prose.write_bytes(b"Copyright (c) 2020 The Authors. cat\ndog\n. All rights reserved.\n")
    code, out, err = run_cli("check", "--isolated", odd, prose)
    assert code == 1 and f"{odd}:1:1: MLW601" in out, (out, err)
    assert str(prose) not in out + err


@pytest.mark.parametrize("data", [b"cvocab1", b"cos\nsys", b"cfoo\nba", b"c\x00\x01\x02\x03\x04\x05", b"i\nabcde"])
def test_seven_bytes_that_start_like_a_global_are_not_a_pickle(data):
    """The opcode is incomplete: a generic name is a note, a model name MLW603 (never 'an unverifiable pickle')."""
    generic = scan_bytes(data, "vocab.bin")
    assert generic.issues == [] and generic.format is None and not generic.pickle_based
    named = scan_bytes(data, "model.pkl")
    assert [i.key for i in named.issues] == ["unidentified"]


def test_real_numpy_random_state_pickles_are_allowed(tmp_path):
    """sklearn estimators pickle their RNGs; numpy.random._pickle is numpy's module, not Python's _pickle."""
    np = pytest.importorskip("numpy")
    import pickle

    for i, obj in enumerate([np.random.RandomState(0), np.random.default_rng(0), np.random.PCG64(3)]):
        path = tmp_path / f"rng{i}.pkl"
        path.write_bytes(pickle.dumps({"random_state": obj}, protocol=4))
        assert check_paths([str(path)], Config())[0][0].findings == [], obj


@pytest.mark.parametrize(
    "module, name, expected",
    [
        ("scipy.signal._filter_design", "Butter", {"MLW602"}),  # a package's own `signal` submodule: unknown, not a gadget
        ("torch._utils", "os.system", {"MLW601"}),  # attribute traversal still reaches os
        ("signal", "signal", {"MLW601"}),  # Python's signal module
        ("pip._internal.utils.subprocess", "call_subprocess", {"MLW601"}),
    ],
)
def test_dangerous_module_names_match_the_imported_module(tmp_path, module, name, expected):
    path = tmp_path / "m.pkl"
    path.write_bytes(mf.wrap(mf.stack_global(module, name) + mf.EMPTY_TUPLE + mf.REDUCE, 4))
    assert {f.rule_id for r in check_paths([str(path)], Config())[0] for f in r.findings} == expected


@pytest.mark.parametrize("method", ["ZIP_BZIP2", "ZIP_LZMA"])
def test_npz_members_compressed_with_bzip2_or_lzma_are_read(method):
    """numpy reads .npz with zipfile, which decompresses bzip2 and LZMA members."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=getattr(zipfile, method)) as z:
        z.writestr("weights.npy", mf.npy("|O", (1,), OS_SYSTEM))
    report = scan_bytes(buf.getvalue(), "arrays.npz")
    assert [g.name for g in report.globals] == ["os.system"]
    assert {i.kind for i in report.issues} == {"malformed"}  # a method torch does not read (MLW604)


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    pixels = zlib.compress(b"\x00\xff\x00\x00" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


ORDINARY_FILES = {
    # \x89 is NEWFALSE and "PNG\r" a persistent id: every PNG parsed as a pickle with an "effect"
    "diagram.png": _png(),
    # PERSID takes a first line that starts with P
    "LICENSE": b"Permission is granted to use this software.\n\nNo warranty.\n",
    "people.csv": b"PersonId,Name,Age\n1,Ada,36\n2,Alan,41\n",
    "prompt.jinja2": b"Please answer the question below.\n{{ question }}\n",
    # `charts\nenv\n` reads as GLOBAL charts.env, found by the sweep after DICT fails at byte 0
    ".dockerignore": b"docs\n!docs/coverage\ncharts\nenv\n*.pyc\n",
    # `ct\nm.j\n` is GLOBAL t.m.j: an import, then TUPLE fails without a MARK
    "abbreviations.txt": b"ct\nm.j\nt\na.c\nn.h\nms\n",
    # \x8b is LONG4, whose length field claims gigabytes: a scan limit, not evidence
    "bundle.js.br": b"\x8b\x1e\x80import{t as e}from\"./chunk.js\";export{e as default};",
}


def test_ordinary_files_named_explicitly_are_not_model_files(tmp_path, run_cli):
    """`mlwarden check <file>` sniffs files whose name is not a model name
    (extension-less scripts, odd model names). Images, licences, CSV,
    templates and word lists parse as a few pickle opcodes before failing:
    none is a model file, and none may be a high finding."""
    import gzip
    import zlib

    paths = []
    for name, data in ORDINARY_FILES.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    (tmp_path / "words.txt.gz").write_bytes(gzip.compress(ORDINARY_FILES["abbreviations.txt"]))
    (tmp_path / "3f9a1c0e7d2b4a6c8e0f1a2b3c4d5e6f7a8b9c0d").write_bytes(zlib.compress(b"blob 12\x00hello world\n"))  # a git object
    paths += [tmp_path / "words.txt.gz", tmp_path / "3f9a1c0e7d2b4a6c8e0f1a2b3c4d5e6f7a8b9c0d"]
    for path in paths:
        assert sniff_path(path) is None, path.name
    code, out, err = run_cli("check", "--isolated", "--severity", "low", *paths)
    assert code == 0 and "MLW6" not in out, (out, err)


def test_malicious_pickles_with_ordinary_names_are_still_found(tmp_path, run_cli):
    """What a loader would run still identifies a file named explicitly: a
    headerless call that fails right after it, a complete stream, a header,
    and a pickle inside gzip."""
    import gzip

    fails_after = mf.call("os", "system", mf.binunicode("id"), protocol=2) + b"t"  # REDUCE runs, then TUPLE fails
    cases = {
        "notes.txt": fails_after,
        "readme": mf.call("os", "system", mf.binunicode("id")) + mf.STOP,
        "icon.png": mf.wrap(mf.call("os", "system", mf.binunicode("id"))),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "data.txt.gz").write_bytes(gzip.compress(mf.wrap(mf.call("os", "system", mf.binunicode("id")))))
    names = [*cases, "data.txt.gz"]
    code, out, err = run_cli("check", "--isolated", *[tmp_path / n for n in names])
    assert code == 1, (out, err)
    for name in names:
        assert f"{tmp_path / name}:1:1: MLW601" in out, (name, out, err)


@pytest.mark.parametrize("name, data", [
    ("notes.txt.xz", b"\xfd7zXZ\x00" + b"garbage" * 8),
    ("notes.txt.lzma", b"\x5d\x00\x00\x80\x00" + b"garbage" * 8),
    ("notes.txt.bz2", b"BZh9" + b"garbage" * 8),
    ("notes.txt.gz", b"\x1f\x8b" + b"garbage" * 8),
    ("3f9a1c0e7d2b4a6c8e0f1a2b3c4d5e6f7a8b9c0d", b"x\x9c" + b"garbage" * 8),
])
def test_a_corrupt_compressed_file_named_explicitly_is_not_a_crash(tmp_path, run_cli, name, data):
    """Sniffing an ordinary name's compressed content must not stop the run:
    the file is not a model file, the next file is still checked."""
    (tmp_path / name).write_bytes(data)
    (tmp_path / "train.py").write_text("import pickle\npickle.load(open('m.pkl', 'rb'))\n")
    code, out, err = run_cli("check", "--isolated", tmp_path / name, tmp_path / "train.py")
    assert code == 1 and "train.py:2:1: MLW101" in out and "internal error" not in err, (out, err)
    assert (tmp_path / name).read_bytes() == data
