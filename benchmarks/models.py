"""Model-file scanner: speed on big files, and a local evaluation.

    python benchmarks/models.py speed        # 2 GB safetensors/GGUF, 1 GB torch zip, CPU bomb
    python benchmarks/models.py eval         # recall/precision on generated + other projects' files
    python benchmarks/models.py keras-names KERAS.whl TF_KERAS.whl   # regenerate data/keras_builtins.txt

Everything is written under ``benchmarks/.corpus/`` (gitignored). ``eval``
generates its own hand-written malicious and benign files (variants that
are not the test suite's cases: other gadgets, first opcodes, containers and
nestings) and, when present, reads other projects' published test files
from sdists unpacked in ``benchmarks/.corpus/sdists/`` (``pip download
--no-binary :all: --no-deps modelaudit`` …), labelled below by what a real
loader would do, and files re-created locally from other projects'
published test recipes in ``benchmarks/.corpus/external/<project>/{malicious,benign}/``.
Nothing is ever loaded.
"""

from __future__ import annotations

import argparse
import gzip
import io
import lzma
import os
import statistics
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Callable, Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / ".corpus"
sys.path.insert(0, str(ROOT / "tests"))

import model_factory as mf  # noqa: E402

# --------------------------------------------------------------------------
# speed


def _sparse(path: Path, head: bytes, size: int) -> None:
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)


def _big_torch_zip(path: Path, size: int) -> None:
    """A torch.save-shaped ZIP with one stored tensor member of ``size``
    bytes (zeros, written sparse; its CRC is computed so the file is valid)."""
    pkl = mf.state_dict_pickle({"weight": (size // 4, (size // 4,))})
    crc = 0
    chunk = bytes(1 << 24)
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(bytes(size % len(chunk)), crc)
    entries = [("archive/data.pkl", pkl, zlib.crc32(pkl)), ("archive/version", b"3\n", zlib.crc32(b"3\n"))]
    with open(path, "wb") as f:
        central = b""
        for name, data, c in entries:
            off = f.tell()
            f.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, c, len(data), len(data), len(name), 0) + name.encode() + data)
            central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 20, 0, 0, 0, 0, c, len(data), len(data), len(name), 0, 0, 0, 0, 0, off) + name.encode()
        name = "archive/data/0"
        off = f.tell()
        extra = struct.pack("<HHQQ", 1, 16, size, size)
        f.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra)) + name.encode() + extra)
        data_start = f.tell()
        f.truncate(data_start + size)
        f.seek(data_start + size)
        cextra = struct.pack("<HHQQQ", 1, 24, size, size, off)
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(cextra), 0, 0, 0, 0, 0xFFFFFFFF) + name.encode() + cextra
        cd_off = f.tell()
        f.write(central)
        n = len(entries) + 1
        f.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), cd_off, 0))


def _time(fn: Callable[[], object], repeat: int = 5) -> Tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def speed(args: argparse.Namespace) -> int:
    from mlwarden.artifacts import scan_bytes, scan_file

    out = CORPUS / "models-speed"
    out.mkdir(parents=True, exist_ok=True)
    two_gb, one_gb = 2 << 30, 1 << 30
    st_head = mf.safetensors({"w": ("F32", ((two_gb - 4096) // 4,), (0, two_gb - 4096))}, data=b"")
    files = {
        "safetensors 2 GiB (sparse)": (out / "big.safetensors", lambda p: _sparse(p, st_head, len(st_head) + two_gb - 4096)),
        "GGUF 2 GiB (sparse), chat template": (out / "big.gguf", lambda p: _sparse(p, mf.gguf_template("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}{% endfor %}"), two_gb)),
        "PyTorch zip 1 GiB (one stored tensor)": (out / "big.pt", lambda p: _big_torch_zip(p, one_gb)),
    }
    rows = []
    for label, (path, build) in files.items():
        if not path.exists() or args.rebuild:
            build(path)
        seconds, report = _time(lambda: scan_file(path), args.repeat)
        cli, _ = _time(lambda: subprocess.run([sys.executable, "-I", "-m", "mlwarden", "scan-model", "--isolated", str(path)], capture_output=True, check=False), 3)
        rows.append((label, f"{os.path.getsize(path) / (1 << 30):.2f} GiB", f"{seconds * 1000:.1f} ms", f"{cli:.2f} s", ", ".join(i.key for i in report.issues) or "no issue"))
    bomb = mf.gz(b"N0" * 20_000_000 + b"N.")
    seconds, report = _time(lambda: scan_bytes(bomb, "bomb.pkl.gz"), 1)
    rows.append(("gzip CPU bomb (`N0` x 20 million)", f"{len(bomb) / 1024:.0f} KiB", f"{seconds:.1f} s", "", ", ".join(i.key for i in report.issues)))
    print("| file | size | scan (in process, median) | `mlwarden scan-model` wall time | result |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


# --------------------------------------------------------------------------
# evaluation: hand-written files a real loader would run, and benign files

P = mf.binunicode
GADGETS = [
    ("os", "system"), ("posix", "system"), ("nt", "system"), ("subprocess", "Popen"), ("subprocess", "check_output"), ("builtins", "exec"),
    ("builtins", "eval"), ("__builtin__", "eval"), ("runpy", "run_module"), ("pty", "spawn"), ("webbrowser", "open_new"), ("socket", "create_connection"),
    ("shutil", "rmtree"), ("importlib", "import_module"), ("code", "InteractiveInterpreter"), ("timeit", "timeit"), ("trace", "Trace"), ("bdb", "Bdb"),
    ("doctest", "debug_script"), ("profile", "run"), ("cProfile", "runctx"), ("ctypes", "CDLL"), ("operator", "call"), ("torch._inductor.codecache", "PyCodeCache"),
    ("pydoc", "pipepager"), ("idlelib.run", "Executive"), ("numpy.testing._private.utils", "runstring"), ("pkgutil", "resolve_name"),
    ("asyncio.unix_events", "_UnixSubprocessTransport"), ("multiprocessing.util", "spawnv_passfds"), ("logging.config", "dictConfig"),
    ("typing", "get_type_hints"), ("dataclasses", "_create_fn"), ("six.moves", "getcwd"), ("torch.utils.collect_env", "run"), ("tempfile", "mkdtemp"),
    ("my_innocent_pkg.loader", "Thing"), ("sklearn.utils._testing", "assert_run_python_script"),
]
FIRST_OPS = [b"", b"K\x00" + mf.POP, b"\x88" + mf.POP, b"\x8f" + mf.POP, b"]" + mf.POP, mf.MARK + b"1", b"N" + mf.POP, b"}" + mf.POP, b"\x89" + mf.POP]


def _gadget_pickle(module: str, name: str, first: bytes, protocol: int) -> bytes:
    if protocol >= 4:
        body = mf.stack_global(module, name) + P("id") + mf.TUPLE1 + mf.REDUCE
        if protocol == 4:
            body = mf.frame(body)
        return mf.proto(protocol) + first + body + mf.STOP
    body = mf.global0(module, name) + mf.MARK + P("id") + mf.TUPLE + mf.REDUCE
    return (mf.proto(protocol) if protocol >= 2 else b"") + first + body + mf.STOP


def malicious_cases() -> Dict[str, bytes]:
    cases: Dict[str, bytes] = {}
    exts = [".pkl", ".p", ".pk", ".dat", ".bin", ".pt", ".pth", ".joblib", ".ckpt", ".pickle", ".sav", ".dill", ".npy"]
    for i, (module, name) in enumerate(GADGETS):
        first = FIRST_OPS[i % len(FIRST_OPS)]
        protocol = [0, 1, 2, 3, 4, 5][i % 6]
        if protocol < 2 and first and first[0] >= 0x80:
            first = b"K\x01" + mf.POP
        data = _gadget_pickle(module, name, first, protocol) if protocol >= 1 else b"c" + module.encode() + b"\n" + name.encode() + b"\n(S'id'\ntR."
        ext = exts[i % len(exts)]
        cases[f"raw_{i:02d}_{module}_{name}{ext}"] = data
        wrapper = i % 8
        if wrapper == 0:
            cases[f"gz_{i:02d}{ext}.gz"] = gzip.compress(data)
        elif wrapper == 1:
            cases[f"zlib_{i:02d}{ext}"] = zlib.compress(data)
        elif wrapper == 2:
            cases[f"xz_{i:02d}{ext}.xz"] = lzma.compress(data)
        elif wrapper == 3:
            cases[f"torchzip_{i:02d}.pt"] = mf.torch_zip(data, {"0": bytes(16)}, root=f"model_{i}")
        elif wrapper == 4:
            cases[f"tar_{i:02d}.pth.tar"] = mf.legacy_torch_tar(pickle_member=data)
        elif wrapper == 5:
            cases[f"npy_{i:02d}.npy"] = mf.npy(["|O", "object", "O8", "(3,)O", "i8,O", "3O"][i % 6], (1,), data)
        elif wrapper == 6:
            cases[f"npz_{i:02d}.npz"] = mf.make_zip([mf.ZipEntry("ok.npy", mf.npy("<f4", (1,), bytes(4))), mf.ZipEntry(f"arr_{i}", mf.npy("|O", (1,), data), method=8)])
        else:
            cases[f"joblib_{i:02d}.joblib"] = mf.joblib_like(aligned=bool(i % 2), dtype="O8", raw=data)
    evil = _gadget_pickle("os", "system", b"", 2)
    cases.update(
        {
            "nested_7z_in_zip.bin": mf.make_zip([mf.ZipEntry("inner.7z", mf.sevenz([("w/data.pkl", evil)]))]),
            "zip_in_7z.pt": mf.sevenz([("model.pt", mf.torch_zip(evil, {}))]),
            "gz_tar_member.pth.tar.gz": gzip.compress(mf.tar([("README", b"x"), ("blob", evil)])),
            "lz4_joblib.joblib": __import__("lz4.frame").frame.compress(evil),
            "bz2_npy.npy.bz2": __import__("bz2").compress(mf.npy("|O", (1,), evil)),
            "case_member.pt": mf.make_zip([mf.ZipEntry("Archive/Data.Pkl", evil)]),
            "polyglot_npz_torch.npz": mf.make_zip([mf.ZipEntry("a.npy", mf.npy("<f8", (1,), bytes(8))), mf.ZipEntry("archive/data.pkl", evil)]),
            "keras_polyglot.keras": mf.make_zip([mf.ZipEntry("config.json", b'{"class_name": "Sequential", "config": {"layers": []}}'), mf.ZipEntry("metadata.json", b"{}"), mf.ZipEntry("x/data.pkl", evil)]),
            "exception_after_payload.pkl": mf.proto(2) + mf.global0("os", "system") + mf.MARK + P("id") + mf.TUPLE + mf.REDUCE + b"\xff",
            "two_streams.pkl": mf.wrap(mf.NONE, 2) + b"K\x00" + mf.POP + mf.global0("subprocess", "getoutput") + mf.MARK + P("id") + mf.TUPLE + mf.REDUCE + mf.STOP,
            "memo_confusion.pkl": mf.wrap(P("os") + mf.MEMOIZE + mf.binput(7) + mf.POP + P("system") + mf.MEMOIZE + mf.POP + mf.binget(7) + mf.binget(1) + b"\x93" + P("id") + mf.TUPLE1 + mf.REDUCE, 4),
            "bytes_list_nested.pkl": mf.wrap(mf.global0("_pickle", "loads") + mf.MARK + mf.global0("builtins", "bytearray") + mf.MARK + mf.EMPTY_LIST + mf.MARK + b"".join(mf.binint(b) for b in evil) + mf.APPENDS + mf.TUPLE + mf.REDUCE + mf.TUPLE + mf.REDUCE, 2),
            "hex_nested.pkl": mf.wrap(mf.call("pickle", "loads", mf.call("binascii", "unhexlify", P(evil.hex()))), 2),
            "dotted_getattr.pkl": mf.wrap(mf.stack_global("collections", "os.system") + P("id") + mf.TUPLE1 + mf.REDUCE, 4),
            "gguf_ssti_1.gguf": mf.gguf_template("{{ lipsum.__globals__['os'].popen('id').read() }}"),
            "gguf_ssti_2.gguf": mf.gguf_template("{% for c in ().__class__.__base__.__subclasses__() %}{% if c.__name__ == 'Popen' %}{{ c('id') }}{% endif %}{% endfor %}"),
            "gguf_ssti_3.gguf": mf.gguf_template("{{ joiner.__init__.__globals__.__builtins__['__import__']('os').system('id') }}"),
            "gguf_named_template.gguf": mf.gguf([("tokenizer.chat_template.tool_use", 8, mf.gguf_string("{{ cycler.__init__.__globals__.os }}"))]),
            "onnx_parent.onnx": mf.onnx_model(initializers=[mf.onnx_tensor("w", "../weights/../../etc/hosts")]),
            "onnx_windows.onnx": mf.onnx_model(initializers=[mf.onnx_tensor("w", "C:\\Windows\\win.ini")]),
            "onnx_loop_body.onnx": mf.onnx_model(nodes=[mf.onnx_node("Loop", attrs=mf.pb(5, mf.pb(1, "body") + mf.pb(6, mf.pb(1, mf.onnx_node("Custom", "org.evil")))))]),
            "tf_readfile.pb": mf.saved_model([mf.tf_node("r", "ReadFile")]),
            "tf_pyfunc_graph.pb": mf.graphdef([mf.tf_node("p", "PyFunc")]),
            "tf_matchingfiles_fn.pb": mf.saved_model([mf.tf_node("c", "Const")], functions=[[mf.tf_node("m", "MatchingFiles")]]),
            "keras_exec.keras": mf.keras_zip({"class_name": "Sequential", "config": {"layers": [mf.keras_layer("Dense", "d", activation={"module": "builtins", "class_name": "function", "config": "exec"})]}}),
            "keras_lambda_deep.keras": mf.keras_zip({"class_name": "Functional", "config": {"layers": [mf.keras_layer("Bidirectional", "b", layer=mf.keras_layer("Lambda", "deep"))]}}),
            "keras_lambda.h5": mf.keras_h5('{"class_name": "Model", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l", "function": "x"}}]}}', user_block=bytes(512)),
            "nemo_exec.nemo": mf.nemo("trainer:\n  callbacks:\n    - _target_: builtins.exec\n      source: print(1)\n"),
            "mar_evil_pickle.mar": mf.mar(serialized=evil, handler_name="text_classifier"),
        }
    )
    return cases


def benign_cases() -> Dict[str, bytes]:
    import pickle
    from collections import OrderedDict

    cases: Dict[str, bytes] = {
        "state_dict.pt": mf.small_state_dict_zip(),
        "legacy.pt": mf.legacy_torch(mf.state_dict_pickle({"w": (4, (2, 2))})),
        "legacy_tar.pth.tar": mf.legacy_torch_tar(),
        "od_p0.pkl": pickle.dumps(OrderedDict(a=1, b=[1.5, "x"]), protocol=0),
        "od_p2.p": pickle.dumps(OrderedDict(a=1), protocol=2),
        "list_p1.dat": pickle.dumps([1, 2, {"a": (1, 2)}], protocol=1),
        "dict_p5.pk": pickle.dumps({"k": b"bytes", "s": {1, 2}, "f": frozenset()}, protocol=5),
        "gz_state.pkl.gz": gzip.compress(mf.state_dict_pickle({"w": (1, (1,))})),
        "weights.safetensors": mf.safetensors({"a": ("BF16", (3, 4), (0, 24)), "b": ("I64", (2,), (24, 40))}, metadata={"format": "pt", "note": "import os"}),
        "vocab.bin": b"hello\nworld\nthe\nquick\n",
        "random.bin": bytes((i * 7919) % 256 for i in range(4096)),
        "cdata.dat": b"cvocab1",
        "tokenizer.model": mf.pb(1, mf.pb(1, "<unk>") + b"\x15\x00\x00\x00\x00" + mf.pb(3, 2)) + mf.pb(1, mf.pb(1, "hello") + b"\x15\x00\x00\x80\xbf"),
        "gguf_llama.gguf": mf.gguf_template("{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ '<<SYS>>\\n' + message['content'] + '\\n<</SYS>>' }}{% else %}{{ '[INST] ' + message['content'] | trim + ' [/INST]' }}{% endif %}{% endfor %}"),
        "gguf_chatml.gguf": mf.gguf_template("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
        "gguf_tools.gguf": mf.gguf_template("{%- set ns = namespace(found=false) -%}{%- for message in messages -%}{%- if message.tool_calls -%}{%- for tool_call in message.tool_calls -%}{{ tool_call.function.name }}({{ tool_call.function.arguments | tojson }}){%- endfor -%}{%- endif -%}{%- endfor -%}"),
        "gguf_no_template.gguf": mf.gguf([("general.name", 8, mf.gguf_string("tiny"))], tensors=0),
        "onnx_plain.onnx": mf.onnx_model(nodes=[mf.onnx_node("Conv"), mf.onnx_node("Gelu", "com.microsoft")], initializers=[mf.onnx_tensor("w"), mf.onnx_tensor("x", "data/x.bin")]),
        "saved_model.pb": mf.saved_model([mf.tf_node("save/SaveV2", "SaveV2"), mf.tf_node("save/RestoreV2", "RestoreV2"), mf.tf_node("mm", "MatMul")]),
        "keras_dense.keras": mf.keras_zip({"class_name": "Sequential", "config": {"layers": [mf.keras_layer("Dense", "d", activation={"module": "keras.activations", "class_name": "function", "config": "relu"})]}}),
        "keras_dense.h5": mf.keras_h5('{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"name": "d", "activation": "relu"}}]}}'),
        "data.h5": b"\x89HDF\r\n\x1a\n" + bytes(64) + b"dataset",
        "asr.nemo": mf.nemo("model:\n  _target_: nemo.collections.asr.models.EncDecCTCModel\n  optim:\n    _target_: torch.optim.Adam\n"),
        "builtin.mar": mf.mar(handler_name="image_classifier"),
        "empty.pkl.gz": gzip.compress(pickle.dumps(None, protocol=4)),
    }
    try:
        import numpy as np

        for i, arr in enumerate([np.arange(10.0), np.zeros((3, 3), dtype=np.int8), np.array(["a", "b"]), np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")])]):
            buf = io.BytesIO()
            np.save(buf, arr)
            cases[f"numpy_{i}.npy"] = buf.getvalue()
        buf = io.BytesIO()
        np.savez_compressed(buf, a=np.arange(3), b=np.ones(2))
        cases["numpy.npz"] = buf.getvalue()
        cases["numpy_pickled.pkl"] = pickle.dumps({"x": np.arange(3), "d": np.dtype("f4"), "s": np.float64(1)}, protocol=4)
        import joblib

        for compress in (0, 3, ("zlib", 3), ("gzip", 3), ("lzma", 3), ("lz4", 3), ("bz2", 3)):
            buf = io.BytesIO()
            joblib.dump({"w": np.arange(20.0), "meta": {"v": 1}}, buf, compress=compress)
            cases[f"joblib_{str(compress).replace(' ', '')}.joblib"] = buf.getvalue()
    except ImportError:
        pass
    return cases


# files from other projects' published test data, labelled by what a loader
# does with them (True: a loader runs attacker code). Files that only *contain*
# suspicious strings or pickle bytes as data, which no loader executes, are benign.
EXTERNAL_LABELS = {
    "modelaudit-*/tests/assets/exploits/*.pkl": True,
    "modelaudit-*/tests/assets/pickles/*_attack.pkl": True,
    "modelaudit-*/tests/assets/scenarios/security_scenarios/mixed_malicious_model/model.pkl": True,
    "modelaudit-*/tests/assets/samples/pickles/malicious_system_call.pkl": True,
    "modelaudit-*/tests/assets/samples/pickles/dill_func.pkl": True,
    "modelaudit-*/tests/assets/samples/pytorch/malicious_eval.pt": True,
    "modelaudit-*/tests/assets/samples/keras/malicious_lambda.h5": True,
    "modelaudit-*/tests/assets/samples/keras/custom_layer_attack.h5": True,
    "modelaudit-*/tests/assets/samples/keras/loss_injection.h5": True,
    "modelaudit-*/tests/assets/samples/keras/metric_injection.h5": True,
    "modelaudit-*/tests/assets/samples/tensorflow/malicious_pyfunc/saved_model.pb": True,
    "modelaudit-*/tests/assets/samples/archives/path_traversal.zip": True,
    "modelaudit-*/tests/assets/samples/pytorch/safe_model.pt": False,
    "modelaudit-*/tests/assets/samples/keras/safe_model.h5": False,
    "modelaudit-*/tests/assets/samples/tensorflow/safe_savedmodel/saved_model.pb": False,
    "modelaudit-*/tests/assets/samples/safetensors/*.safetensors": False,
    "modelaudit-*/tests/assets/samples/archives/safe_model.zip": False,
    "modelaudit-*/tests/assets/samples/sentencepiece/*.model": False,
    "modelaudit-*/tests/assets/samples/pickles/safe_*.pkl": False,
    "modelaudit-*/tests/assets/samples/pickles/simple_nested.pkl": False,
    "modelaudit-*/tests/assets/scenarios/license_scenarios/*/*.pkl": False,
    "modelaudit-*/tests/assets/scenarios/license_scenarios/*/*.npy": False,
}


def _flagged(path: Path, severity: str) -> Tuple[bool, List[str]]:
    from mlwarden.commands.check import check_paths
    from mlwarden.core.config import Config
    from mlwarden.core.finding import Severity

    results, _ = check_paths([str(path)], Config(severity=Severity.parse(severity)))
    findings = [f for r in results for f in r.findings]
    errors = [e for r in results for e in r.errors]
    return bool(findings or errors), sorted({f.rule_id for f in findings})


def evaluate(args: argparse.Namespace) -> int:
    out = CORPUS / "models-eval"
    labelled: List[Tuple[Path, bool, str]] = []
    for label, cases in (("malicious", malicious_cases()), ("benign", benign_cases())):
        folder = out / label
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in cases.items():
            (folder / name).write_bytes(data)
            labelled.append((folder / name, label == "malicious", "hand-written"))
    sdists = CORPUS / "sdists"
    for pattern, malicious in EXTERNAL_LABELS.items():
        for path in sorted(sdists.glob(pattern)):
            labelled.append((path, malicious, path.relative_to(sdists).parts[0]))
    # other projects' test files re-created locally from their published
    # recipes: benchmarks/.corpus/external/<project>/{malicious,benign}/ (never committed)
    for folder in sorted((CORPUS / "external").glob("*/malicious")) + sorted((CORPUS / "external").glob("*/benign")):
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            labelled.append((path, folder.name == "malicious", folder.parent.name))
    tp = fp = fn = tn = 0
    misses, false_alarms = [], []
    for path, malicious, source in labelled:
        flagged, ids = _flagged(path, args.severity)
        if malicious and flagged:
            tp += 1
        elif malicious:
            fn += 1
            misses.append(f"{source}: {path.name}")
        elif flagged:
            fp += 1
            false_alarms.append(f"{source}: {path.name} {ids}")
        else:
            tn += 1
    by_source: Dict[str, List[int]] = {}
    for _path, malicious, source in labelled:
        by_source.setdefault(source, [0, 0])[0 if malicious else 1] += 1
    recall = tp / max(tp + fn, 1)
    precision = tp / max(tp + fp, 1)
    print(f"files: {len(labelled)} ({', '.join(f'{s}: {m} malicious / {b} benign' for s, (m, b) in sorted(by_source.items()))})")
    print(f"severity threshold: {args.severity}")
    print(f"recall {recall:.3f} ({tp}/{tp + fn})  precision {precision:.3f} ({tp}/{tp + fp})  true negatives {tn}")
    for line in misses:
        print("  MISSED", line)
    for line in false_alarms:
        print("  FALSE ALARM", line)
    return 0 if not misses else 1


def keras_names(args: argparse.Namespace) -> int:
    """Regenerate data/keras_builtins.txt from keras and tf-keras wheels."""
    import re
    import zipfile

    names = set()
    export = re.compile(r"(?:keras|tf_keras)_export\(\s*\[?([^\)\]]*)")
    for wheel in args.wheels:
        with zipfile.ZipFile(wheel) as z:
            for member in z.namelist():
                if not member.endswith(".py") or member.endswith("_test.py") or "/src/" not in member:
                    continue
                src = z.read(member).decode("utf-8", "replace")
                names.update(m for m in re.findall(r"^\s*class (\w+)\s*[(:]", src, re.M) if not m.startswith("_") and not m.endswith("Test"))
                for m in export.finditer(src):
                    names.update(s.rsplit(".", 1)[-1] for s in re.findall(r"[\"']([\w.]+)[\"']", m.group(1)))
                if any(f"/{part}/" in member for part in ("losses", "metrics", "activations", "initializers", "regularizers", "constraints", "optimizers")):
                    names.update(re.findall(r"^def ([a-z]\w*)\(", src, re.M))
    names |= {"mse", "mae", "mape", "msle", "acc", "accuracy", "ce", "crossentropy", "bce", "cosine_proximity", "kld", "logcosh", "huber_loss"}
    names |= {"__bytes__", "__typespec__", "__tensor__", "__numpy__", "__ellipsis__", "__tuple__", "__slice__", "__keras_tensor__", "__passive_serialization__", "__dtype__", "__list__", "__dict__"}
    target = ROOT / "src" / "mlwarden" / "data" / "keras_builtins.txt"
    head = [line for line in target.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    target.write_text("\n".join(head + sorted(names)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {target}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("speed")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--rebuild", action="store_true")
    p.set_defaults(func=speed)
    p = sub.add_parser("eval")
    p.add_argument("--severity", default="medium", help="threshold a default run reports at (default: medium)")
    p.set_defaults(func=evaluate)
    p = sub.add_parser("keras-names")
    p.add_argument("wheels", nargs="+")
    p.set_defaults(func=keras_names)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
