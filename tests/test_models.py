"""Model files: every case is generated here (tests/model_factory.py), written
to a temporary directory and checked through the real CLI path with all rules
selected. The expected rule ids per case are the `# error:` markers in
fixtures/rules/MLW6*.md, compared exactly; nothing is ever loaded."""

from __future__ import annotations

import pickle
import re
import struct
import sys
from pathlib import Path

import pytest

import model_factory as mf
from conftest import FIXTURES
from mlwarden.artifacts import Limits, scan_bytes, scan_file
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config, config_from_mapping
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules
from mlwarden.sources.model import is_model_path
from mlwarden.testing import marker_codes

P = mf.binunicode


def evil_call(module="os", name="system", arg="echo pwned", protocol=2) -> bytes:
    return mf.wrap(mf.call(module, name, P(arg), protocol=protocol), protocol)


def _sd_zip(pickle_bytes: bytes, **knobs) -> bytes:
    return mf.torch_zip(pickle_bytes, {"0": struct.pack("<6f", *range(6)), "1": struct.pack("<3f", 1, 2, 3)}, **knobs)


SD = mf.state_dict_pickle({"weight": (6, (3, 2)), "bias": (3, (3,))})
OS_SYSTEM = evil_call()


def _memo_stack_global() -> bytes:
    # names stored in the memo, read back for STACK_GLOBAL (protocol 4)
    body = mf.unicode("os") + mf.MEMOIZE + mf.POP + mf.unicode("system") + mf.MEMOIZE + mf.POP
    body += mf.stack_global("collections", "OrderedDict") + mf.EMPTY_TUPLE + mf.REDUCE + mf.POP
    body += b"h\x00" + b"h\x01" + b"\x93" + P("id") + mf.TUPLE1 + mf.REDUCE
    return mf.wrap(mf.frame(body), 4)


def _memo_overwrite() -> bytes:
    # memo slot 0 first holds a benign module name, then is overwritten with "os"
    body = P("collections") + mf.binput(0) + mf.POP + P("os") + mf.binput(0) + mf.POP
    body += mf.binget(0) + P("system") + b"\x93" + P("id") + mf.TUPLE1 + mf.REDUCE
    return mf.wrap(body, 4)


def _getattr_chain() -> bytes:
    imp = mf.call("builtins", "__import__", P("os"))
    body = mf.global0("builtins", "getattr") + mf.MARK + imp + P("system") + mf.TUPLE + mf.REDUCE + mf.MARK + P("id") + mf.TUPLE + mf.REDUCE
    return mf.wrap(body, 2)


def _pkgutil() -> bytes:
    body = mf.call("pkgutil", "resolve_name", P("os:system")) + mf.MARK + P("id") + mf.TUPLE + mf.REDUCE
    return mf.wrap(body, 2)


def _nested_loads() -> bytes:
    return mf.wrap(mf.call("pickle", "loads", mf.binbytes(OS_SYSTEM)), 2)


def _inst() -> bytes:
    return b"(S'echo pwned'\nios\nsystem\n."


def _obj() -> bytes:
    return b"(csubprocess\nPopen\n(S'id'\nlo."


def _odd_whitespace() -> bytes:
    return b"cos \nsystem\n(S'id'\ntR."


def _crlf() -> bytes:
    return b"cos\r\nsystem\r\n(S'id'\r\ntR."


def _builtin_py2() -> bytes:
    return b"c__builtin__\neval\n(S'1'\ntR."


def _newobj() -> bytes:
    return mf.wrap(mf.global0("subprocess", "Popen") + mf.MARK + P("id") + mf.TUPLE + mf.NEWOBJ, 2)


def _build_on_global() -> bytes:
    body = mf.global0("torch", "Tensor") + mf.EMPTY_DICT + P("__reduce_ex__") + mf.global0("collections", "OrderedDict") + mf.SETITEM + mf.BUILD
    return mf.wrap(body, 2)


def _dotted_name() -> bytes:
    return mf.wrap(mf.frame(mf.stack_global("torch._utils", "os.system") + P("id") + mf.TUPLE1 + mf.REDUCE), 4)


def _ext() -> bytes:
    return mf.wrap(b"\x82\x01" + mf.EMPTY_TUPLE + mf.REDUCE, 2)


def _stack_global_computed() -> bytes:
    # module name produced by a call: cannot be resolved without loading
    body = mf.call("builtins", "str", P("os")) + P("system") + b"\x93" + P("id") + mf.TUPLE1 + mf.REDUCE
    return mf.wrap(mf.frame(body), 4)


def _legacy_evil() -> bytes:
    return mf.legacy_torch(OS_SYSTEM)


def _npy_object_evil() -> bytes:
    return mf.npy("|O", (1,), evil_call(protocol=3))


def _joblib_evil() -> bytes:
    # the gadget comes after the array bytes: the reader must skip them exactly
    data = mf.joblib_like()
    tail = mf.global0("os", "system") + mf.MARK + P("id") + mf.TUPLE + mf.REDUCE + mf.POP
    return data[:-1] + tail + mf.STOP


def _duplicate_member() -> bytes:
    return mf.make_zip([mf.ZipEntry("archive/data.pkl", SD), mf.ZipEntry("archive/data.pkl", OS_SYSTEM), mf.ZipEntry("archive/version", b"3\n")])


def _overlap() -> bytes:
    blob = bytearray(_sd_zip(SD))
    # point the central record of archive/version (second to last) at
    # data.pkl's local header: two names, one set of bytes
    records = [m.start() for m in re.finditer(b"PK\x01\x02", bytes(blob))]
    struct.pack_into("<I", blob, records[-2] + 42, 0)
    return bytes(blob)


def _zip_bomb_keras() -> bytes:
    config = b'{"class_name": "Sequential", "config": {"pad": "' + b" " * (8 << 20) + b'"}}'
    return mf.make_zip([mf.ZipEntry("config.json", config, method=8), mf.ZipEntry("metadata.json", b"{}")])


def _torchscript() -> bytes:
    body = mf.global0("__torch__.model", "Net") + mf.EMPTY_TUPLE + mf.NEWOBJ + mf.EMPTY_DICT + P("training") + b"\x88" + mf.SETITEM + mf.BUILD
    pkl = mf.wrap(body, 2)
    return mf.make_zip(
        [
            mf.ZipEntry("model/data.pkl", pkl),
            mf.ZipEntry("model/code/__torch__/model.py", b"class Net(Module):\n  training : bool\n"),
            mf.ZipEntry("model/constants.pkl", mf.wrap(mf.EMPTY_TUPLE, 2)),
            mf.ZipEntry("model/version", b"3\n"),
        ]
    )


def _keras_nested_lambda() -> bytes:
    inner = {"class_name": "Functional", "config": {"layers": [mf.keras_layer("Dense", "d"), mf.keras_layer("Lambda", "deep")]}}
    wrapper = mf.keras_layer("TimeDistributed", "td", layer=inner)
    return mf.keras_zip({"class_name": "Sequential", "config": {"layers": [wrapper]}})


def _truncated_zip() -> bytes:
    return _sd_zip(SD)[:200]


CASES = {
    # --- benign ----------------------------------------------------------------
    "state_dict.pt": lambda: mf.small_state_dict_zip(),
    "state_dict_legacy.pt": lambda: mf.legacy_torch(SD),
    "state_dict.pkl": lambda: SD,
    "numpy_array_p2.pkl": lambda: mf.numpy_array_pickle(2),
    "numpy_array_p4.pkl": lambda: mf.numpy_array_pickle(4),
    "ordered_dict_p0.pkl": lambda: pickle.dumps(__import__("collections").OrderedDict(a=1), protocol=0),
    "ordered_dict_p5.pkl": lambda: pickle.dumps(__import__("collections").OrderedDict(a=1), protocol=5),
    "plain_set_p1.pkl": lambda: pickle.dumps([{1, 2}, slice(1, 2), bytearray(b"x"), frozenset({3})], protocol=1),
    "floats.npy": lambda: mf.npy("<f8", (3,), struct.pack("<3d", 1, 2, 3)),
    "arrays.npz": lambda: mf.make_zip([mf.ZipEntry("a.npy", mf.npy("<i8", (2,), struct.pack("<2q", 1, 2))), mf.ZipEntry("b.npy", mf.npy("<f4", (1,), b"\0" * 4))]),
    "array.joblib": lambda: mf.joblib_like(),
    "array_unaligned.joblib": lambda: mf.joblib_like(aligned=False),
    "array_gzip.joblib": lambda: mf.gz(mf.joblib_like()),
    "vocab.bin": lambda: b"hello\nworld\n",
    "safetensors_like.bin": lambda: struct.pack("<Q", 2) + b"{}",
    "data.h5": lambda: b"\x89HDF\r\n\x1a\n" + bytes(64) + b"dataset",
    "model.keras": lambda: mf.keras_zip({"class_name": "Sequential", "config": {"layers": [mf.keras_layer("Dense", "d")]}}),
    "torchscript.pt": _torchscript,
    # --- malicious -----------------------------------------------------------------
    "pip_main.bin": lambda: evil_call("pip", "main", "install"),
    "pkgutil_resolve_name.pkl": _pkgutil,
    "memo_stack_global.pkl": _memo_stack_global,
    "memo_overwrite.pkl": _memo_overwrite,
    "getattr_chain.pkl": _getattr_chain,
    "nested_pickle_loads.pkl": _nested_loads,
    "inst_opcode.pkl": _inst,
    "obj_opcode.pkl": _obj,
    "proto0_whitespace.pkl": _odd_whitespace,
    "proto0_crlf.pkl": _crlf,
    "builtin_py2.pkl": _builtin_py2,
    "newobj_popen.pkl": _newobj,
    "build_on_global.pkl": _build_on_global,
    "dotted_attribute.pkl": _dotted_name,
    "asyncio_transport.pkl": lambda: evil_call("asyncio.unix_events", "_UnixSubprocessTransport"),
    "cprofile_run.pkl": lambda: evil_call("cProfile", "run", "import os"),
    "functools_partial.pkl": lambda: evil_call("functools", "partial"),
    "webbrowser_open.pkl": lambda: evil_call("webbrowser", "open", "http://x"),
    "runpy_run_path.pkl": lambda: evil_call("runpy", "run_path", "x.py"),
    "plain_pickle_named.bin": lambda: OS_SYSTEM,
    "gzip_wrapped.pkl": lambda: mf.gz(OS_SYSTEM),
    "legacy_torch_gadget.pt": _legacy_evil,
    "object_array.npy": _npy_object_evil,
    "joblib_after_array.joblib": _joblib_evil,
    "torch_zip_gadget.pt": lambda: _sd_zip(OS_SYSTEM),
    "bad_crc.pt": lambda: _bad_crc(),
    "name_mismatch.pt": lambda: _name_mismatch(),
    "odd_flag_bits.pt": lambda: _odd_flags(),
    "encrypted_member.pt": lambda: _encrypted(),
    "duplicate_member.pt": _duplicate_member,
    "overlapping_members.pt": _overlap,
    "prefixed_zip.pt": lambda: _prefixed(),
    "unlisted_class.pkl": lambda: mf.wrap(mf.call("sklearn.linear_model._base", "LinearRegression"), 2),
    "ext_opcode.pkl": _ext,
    "stack_global_computed.pkl": _stack_global_computed,
    "truncated.pkl": lambda: SD[:-5],
    "truncated_zip.pt": _truncated_zip,
    "zip_bomb.keras": _zip_bomb_keras,
    "keras_nested_lambda.keras": _keras_nested_lambda,
    "keras_custom.keras": lambda: mf.keras_zip({"class_name": "Sequential", "config": {"layers": [mf.keras_layer("Scale", "s", module="my_layers")]}}),
    "keras_model.h5": lambda: mf.keras_h5('{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l"}}]}}'),
}


def _bad_crc() -> bytes:
    entries = [mf.ZipEntry("archive/data.pkl", OS_SYSTEM, crc=0xDEADBEEF), mf.ZipEntry("archive/version", b"3\n")]
    return mf.make_zip(entries)


def _name_mismatch() -> bytes:
    return mf.make_zip([mf.ZipEntry("archive/data.pkl", SD, local_name="archive/data.pkx"), mf.ZipEntry("archive/version", b"3\n")])


def _odd_flags() -> bytes:
    return mf.make_zip([mf.ZipEntry("archive/data.pkl", SD, flags=0x0010), mf.ZipEntry("archive/version", b"3\n")])


def _encrypted() -> bytes:
    return mf.make_zip([mf.ZipEntry("archive/data.pkl", OS_SYSTEM, flags=0x0001), mf.ZipEntry("archive/version", b"3\n")])


def _prefixed() -> bytes:
    # a pickle first, a ZIP after it: torch takes the legacy (pickle) path
    return SD + mf.small_state_dict_zip()


# --------------------------------------------------------------------------
# issue 17: the fail-open classes, archives by content, new formats, gadgets

GADGET = mf.call("os", "system", P("echo pwned"))  # protocol 2 ops, no PROTO, no STOP


def _first_op(prefix: bytes) -> bytes:
    """A gadget pickle whose first opcode is ``prefix`` (no PROTO header)."""
    return prefix + GADGET + mf.STOP


def _proto4_no_header() -> bytes:
    return mf.frame(mf.stack_global("os", "system") + P("id") + mf.TUPLE1 + mf.REDUCE) + mf.STOP


def _npy_descr(descr) -> bytes:
    return mf.npy(descr, (1,), evil_call(protocol=3))


def _npz(members) -> bytes:
    return mf.make_zip([mf.ZipEntry(name, data) for name, data in members])


def _joblib_object_array() -> bytes:
    """joblib writes an object array as a NumpyArrayWrapper with
    dtype('O') whose "data" is an embedded pickle of the array."""
    return mf.joblib_like(aligned=False, dtype="O8", raw=evil_call(protocol=2))


def _h5_late_config() -> bytes:
    cfg = '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "late"}}]}}'
    return b"\x89HDF\r\n\x1a\n" + bytes(9 << 20) + b"keras_version\x003.6.0\x00model_config\x00" + cfg.encode() + bytes(32)


def _polyglot_keras_torch() -> bytes:
    keras_cfg = b'{"class_name": "Sequential", "config": {"layers": []}}'
    return mf.make_zip(
        [
            mf.ZipEntry("config.json", keras_cfg),
            mf.ZipEntry("metadata.json", b'{"keras_version": "3.6.0"}'),
            mf.ZipEntry("archive/data.pkl", OS_SYSTEM),
            mf.ZipEntry("archive/version", b"3\n"),
        ]
    )


def _nested_zip(depth: int) -> bytes:
    data = OS_SYSTEM
    for i in range(depth):
        data = mf.make_zip([mf.ZipEntry(f"level{i}.bin", data)])
    return data


def _bytes_list_nested() -> bytes:
    ints = mf.EMPTY_LIST + mf.MARK + b"".join(mf.binint(b) for b in OS_SYSTEM) + mf.APPENDS
    rebuilt = mf.global0("builtins", "bytes") + mf.MARK + ints + mf.TUPLE + mf.REDUCE
    return mf.wrap(mf.global0("pickle", "loads") + mf.MARK + rebuilt + mf.TUPLE + mf.REDUCE, 2)


def _base64_nested() -> bytes:
    import base64

    text = base64.b64encode(OS_SYSTEM).decode()
    return mf.wrap(mf.call("pickle", "loads", mf.call("base64", "b64decode", P(text))), 2)


def _memo_mixed() -> bytes:
    # BINPUT 1 then MEMOIZE (which stores at len(memo) == 1, overwriting): "os" ends in slot 1
    body = P("collections") + mf.binput(1) + mf.POP + P("os") + mf.MEMOIZE + mf.POP + P("system") + mf.binput(5) + mf.POP
    body += mf.binget(1) + mf.binget(5) + b"\x93" + P("id") + mf.TUPLE1 + mf.REDUCE
    return mf.wrap(body, 4)


def _concatenated() -> bytes:
    return mf.wrap(mf.EMPTY_DICT, 2) + b"\x88." + evil_call()


def _gadget_then_garbage() -> bytes:
    return mf.proto(2) + GADGET + b"\xff\xfe garbage: pickle.load fails after running os.system"


def _safetensors_ok() -> bytes:
    return mf.safetensors({"w": ("F32", (2, 2), (0, 16)), "b": ("F16", (2,), (16, 20))}, metadata={"format": "pt"})


def _saved_model(op: str, in_function: bool = False) -> bytes:
    saver = [mf.tf_node("save/SaveV2", "SaveV2"), mf.tf_node("save/RestoreV2", "RestoreV2")]
    if in_function:
        return mf.saved_model(saver, functions=[[mf.tf_node("inner", op)]])
    return mf.saved_model(saver + [mf.tf_node("leak", op)])


def _keras_function(module: str, fn: str) -> bytes:
    layer = mf.keras_layer("Dense", "d", activation={"module": module, "class_name": "function", "config": fn, "registered_name": "function"})
    return mf.keras_zip({"class_name": "Sequential", "config": {"layers": [layer]}})


def _keras_torch_wrapper() -> bytes:
    import base64

    layer = {"module": "keras.layers", "class_name": "TorchModuleWrapper", "config": {"name": "tw", "module": base64.b64encode(_sd_zip(OS_SYSTEM)).decode()}}
    return mf.keras_zip({"class_name": "Sequential", "config": {"layers": [layer]}})


def _keras_unsafe_deser() -> bytes:
    layer = mf.keras_layer("Lambda", "l")
    enable = {"module": "keras.config", "class_name": "function", "config": "enable_unsafe_deserialization", "registered_name": "function"}
    return mf.keras_zip({"class_name": "Sequential", "config": {"layers": [mf.keras_layer("Dense", "d", activation=enable), layer]}})


NEW_CASES = {
    # item 1: any first opcode, protocol 0/1 under pickle extensions, inside gzip/zlib
    "first_op_binint.bin": lambda: _first_op(mf.binint(0) + mf.POP),
    "first_op_frame.pkl": lambda: mf.frame(GADGET + mf.STOP),
    "first_op_newtrue.p": lambda: _first_op(b"\x88" + mf.POP),
    "first_op_empty_set.dat": lambda: _first_op(b"\x8f" + mf.POP),
    "first_op_mark.pk": lambda: _first_op(mf.MARK + mf.binint(1) + b"1"),
    "proto4_no_header.pkl": _proto4_no_header,
    "proto0_named.p": lambda: b"cos\nsystem\n(S'id'\ntR.",
    "proto1_named.dat": lambda: b"cposix\nsystem\nq\x00(X\x02\x00\x00\x00idtR.",
    "zlib_proto0.pkl": lambda: __import__("zlib").compress(b"cos\nsystem\n(S'id'\ntR."),
    "gzip_first_op.pkl.gz": lambda: mf.gz(_first_op(mf.binint(7) + mf.POP)),
    "unidentified.pt": lambda: b"\x01\x02\x03 not a checkpoint \xff" * 4,
    "short_global_like.bin": lambda: b"cvocab1",
    "pytorch_model.bin": lambda: b"cvocab1",
    # item 2: legacy torch tar checkpoints
    "checkpoint.pth.tar": lambda: mf.legacy_torch_tar(pickle_member=OS_SYSTEM),
    "legacy_storage_record.pth": lambda: mf.legacy_torch_tar(storages_record=evil_call()),
    "legacy_tar_benign.pt": lambda: mf.legacy_torch_tar(),
    # items 3-4: polyglots and case-insensitive member names
    "polyglot_keras_torch.pt": _polyglot_keras_torch,
    "upper_case_member.pt": lambda: mf.make_zip([mf.ZipEntry("archive/DATA.PKL", OS_SYSTEM), mf.ZipEntry("archive/version", b"3\n")]),
    # item 5: .npz
    "npz_extra_member.npz": lambda: _npz([("a.npy", _npy_descr("|O")), ("notes.txt", b"hello")]),
    "npz_magic_other_name.npz": lambda: _npz([("a.npy", mf.npy("<f8", (1,), b"\0" * 8)), ("weights.bin", _npy_descr("|O"))]),
    "npz_upper_npy.npz": lambda: _npz([("A.NPY", _npy_descr("|O"))]),
    # item 6: object dtypes parsed like numpy
    "descr_object.npy": lambda: _npy_descr("object"),
    "descr_object_.npy": lambda: _npy_descr("object_"),
    "descr_i4_O.npy": lambda: _npy_descr("i4,O"),
    "descr_subarray_O.npy": lambda: _npy_descr("(2,)O"),
    "descr_repeat_O.npy": lambda: _npy_descr("2O"),
    "descr_struct_O.npy": lambda: _npy_descr([("a", "<i4"), ("b", "|O")]),
    "descr_nested_O.npy": lambda: _npy_descr([("a", [("b", "|O")])]),
    "descr_struct_numbers.npy": lambda: mf.npy([("a", "<i4"), ("b", "<f8")], (1,), b"\0" * 12),
    # item 7: joblib object arrays
    "joblib_object_array.joblib": _joblib_object_array,
    # item 8: Keras .h5 with model_config past 8 MB
    "keras_late_config.h5": _h5_late_config,
    # item 10: a CPU bomb is bounded and unverifiable
    "cpu_bomb.pkl.gz": lambda: mf.gz(b"N0" * 5_000_000 + b"N."),
    # archives by content
    "sevenz_pickle.7z": lambda: mf.sevenz([("model/data.txt", OS_SYSTEM)]),
    "sevenz_torch.bin": lambda: mf.sevenz([("pytorch_model.bin", _sd_zip(OS_SYSTEM))]),
    "zip_pickle_named_txt.zip": lambda: mf.make_zip([mf.ZipEntry("data.txt", OS_SYSTEM, method=8)]),
    "tar_gz_pickle.tar.gz": lambda: mf.gz(mf.tar([("inner/readme.md", b"# model"), ("inner/weights.dat", OS_SYSTEM)])),
    "xz_torch_zip.pt.xz": lambda: __import__("lzma").compress(_sd_zip(OS_SYSTEM)),
    "bz2_pickle.pkl.bz2": lambda: __import__("bz2").compress(OS_SYSTEM),
    "nested_zip_depth3.pkl.zip": lambda: _nested_zip(3),
    "nested_zip_depth6.pkl.zip": lambda: _nested_zip(6),
    "tar_traversal.tar": lambda: mf.tar([("../outside.pkl", SD)]),
    "tar_symlink.nemo": lambda: mf.tar([("model_config.yaml", b"model: {}\n")], links=[("model_weights.ckpt", "/etc/passwd")]),
    # gadgets and parser bypasses
    "memo_mixed.pkl": _memo_mixed,
    "stack_global_not_str.pkl": lambda: mf.wrap(mf.binint(1) + P("system") + b"\x93" + P("id") + mf.TUPLE1 + mf.REDUCE, 4),
    "concatenated_streams.pkl": _concatenated,
    "nested_bytes_list.pkl": _bytes_list_nested,
    "nested_base64.pkl": _base64_nested,
    "gadget_then_garbage.pkl": _gadget_then_garbage,
    "idlelib_gadget.pkl": lambda: evil_call("idlelib.pyshell", "ModifiedInterpreter"),
    "typing_get_type_hints.pkl": lambda: evil_call("typing", "get_type_hints"),
    "torch_dynamo_gadget.pkl": lambda: evil_call("torch._dynamo.utils", "compile_times"),
    "logging_config_listen.pkl": lambda: evil_call("logging.config", "listen"),
    "dataclasses_create_fn.pkl": lambda: evil_call("dataclasses", "_create_fn"),
    "six_moves_builtins.pkl": lambda: evil_call("six.moves.builtins", "eval"),
    "multiprocessing_util.pkl": lambda: evil_call("multiprocessing.util", "spawnv_passfds"),
    "pydoc_pipepager.pkl": lambda: evil_call("pydoc", "pipepager"),
    # safetensors
    "model.safetensors": _safetensors_ok,
    "overlap.safetensors": lambda: mf.safetensors({"a": ("F32", (4,), (0, 16)), "b": ("F32", (4,), (8, 24))}, data=bytes(24)),
    "bad_size.safetensors": lambda: mf.safetensors({"a": ("F32", (4,), (0, 12))}),
    "out_of_range.safetensors": lambda: mf.safetensors({"a": ("F32", (4,), (0, 16))}, data=bytes(8)),
    "bad_dtype.safetensors": lambda: mf.safetensors({"a": ("X99", (4,), (0, 16))}),
    "metadata_not_str.safetensors": lambda: mf.safetensors({"a": ("F32", (1,), (0, 4))}, metadata={"epoch": 3}),
    "header_too_big.safetensors": lambda: struct.pack("<Q", 1 << 40) + b'{"a":1}',
    # GGUF
    "chat_ssti.gguf": lambda: mf.gguf_template("{% for m in messages %}{{ m.content }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}"),
    "chat_escape.gguf": lambda: mf.gguf_template("{{ messages|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"),
    "chat_benign.gguf": lambda: mf.gguf_template("{%- set ns = namespace(system='') -%}{% for m in messages %}{% if m['role'] == 'system' %}{% set ns.system = m['content'] %}{% endif %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}{{ raise_exception('x') if false }}"),
    "truncated.gguf": lambda: mf.gguf_template("{{ x }}")[:-3],
    # ONNX
    "escape.onnx": lambda: mf.onnx_model(initializers=[mf.onnx_tensor("w", "../../.ssh/id_rsa")]),
    "absolute.onnx": lambda: mf.onnx_model(nodes=[mf.onnx_node("If", attrs=mf.pb(5, mf.pb(1, "then_branch") + mf.pb(6, mf.pb(5, mf.onnx_tensor("t", "/etc/shadow")))))]),
    "custom_domain.onnx": lambda: mf.onnx_model(nodes=[mf.onnx_node("Tokenize", "com.example.ops")]),
    "pyop.onnx": lambda: mf.onnx_model(nodes=[mf.onnx_node("PyOp", "ai.onnx.contrib")]),
    "relu.onnx": lambda: mf.onnx_model(nodes=[mf.onnx_node("Relu"), mf.onnx_node("FusedMatMul", "com.microsoft")], initializers=[mf.onnx_tensor("w"), mf.onnx_tensor("e", "model.onnx.data")]),
    # TensorFlow
    "saved_model.pb": lambda: _saved_model("ReadFile"),
    "pyfunc_saved_model.pb": lambda: _saved_model("EagerPyFunc", in_function=True),
    "frozen_graph.pb": lambda: mf.graphdef([mf.tf_node("w", "WriteFile")]),
    "benign_saved_model.pb": lambda: _saved_model("MatMul"),
    # Keras .keras configs
    "keras_function_gadget.keras": lambda: _keras_function("os", "system"),
    "keras_torch_wrapper.keras": _keras_torch_wrapper,
    "keras_unsafe_deser.keras": _keras_unsafe_deser,
    "keras_builtin_activation.keras": lambda: _keras_function("keras.activations", "relu"),
    # NeMo / Hydra
    "target_gadget.nemo": lambda: mf.nemo("model:\n  _target_: os.system\n  command: id\n"),
    "target_custom.nemo": lambda: mf.nemo("model:\n  _target_: mypkg.models.Net\n  encoder:\n    _target_: nemo.collections.asr.modules.ConformerEncoder\n"),
    "target_benign.nemo": lambda: mf.nemo("model:\n  _target_: nemo.collections.asr.models.EncDecCTCModel\n  optim:\n    _target_: torch.optim.AdamW\n"),
    # TorchServe
    "custom_handler.mar": lambda: mf.mar(),
    "builtin_handler.mar": lambda: mf.mar(handler_name="image_classifier"),
    "evil_model.mar": lambda: mf.mar(serialized=_sd_zip(OS_SYSTEM), handler_name="image_classifier"),
}
CASES.update(NEW_CASES)
NEEDS_PY7ZR = {"sevenz_pickle.7z", "sevenz_torch.bin"}


def _has_py7zr() -> bool:
    import importlib.util

    return importlib.util.find_spec("py7zr") is not None


# --------------------------------------------------------------------------
# the fixtures: `- `case`: description  # error: MLW601, MLW610`

BULLET = re.compile(r"^- `(?P<case>[^`]+)`:(?P<text>.*)$")


def fixture_cases():
    out = {}
    for path in sorted((FIXTURES / "rules").glob("MLW6*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = BULLET.match(line)
            if not m:
                continue
            codes = marker_codes(m.group("text"))
            assert m.group("case") not in out or out[m.group("case")] == codes, f"{m.group('case')} marked differently in two fixtures"
            out[m.group("case")] = codes
    return out


FIXTURE_CASES = fixture_cases()


def all_selected() -> Config:
    return Config(select=[r.id for r in all_rules()])


def found_ids(path: Path, config=None):
    results, _ = check_paths([str(path)], config or all_selected())
    errors = [e for r in results for e in r.errors]
    assert not errors, errors
    findings = [f for r in results for f in r.findings]
    assert all((f.line, f.col) == (1, 1) for f in findings)
    return {f.rule_id for f in findings}, findings


def test_fixtures_and_cases_match():
    assert set(FIXTURE_CASES) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_exact(case, tmp_path):
    if case in NEEDS_PY7ZR:
        pytest.importorskip("py7zr")  # the test extra installs it; needed to *write* a 7z
    path = tmp_path / case
    path.write_bytes(CASES[case]())
    got, findings = found_ids(path)
    assert got == FIXTURE_CASES[case], "\n".join(f.message for f in findings)


@pytest.mark.slow  # the whole generated corpus; test_case_exact checks each case in the default run
def test_benign_corpus_has_no_critical_and_malicious_has_no_miss(tmp_path):
    cases = {c: b for c, b in CASES.items() if c not in NEEDS_PY7ZR or _has_py7zr()}
    for case, build in cases.items():
        (tmp_path / case).write_bytes(build())
    results, count = check_paths([str(tmp_path)], all_selected())
    # a walk reads model names only; plain archives (.zip, .tar.gz) are read when named
    walked = {c for c in cases if is_model_path(Path(c))}
    assert walked == set(cases) - {"zip_pickle_named_txt.zip", "tar_gz_pickle.tar.gz", "tar_traversal.tar"}
    assert count == len(walked)
    by_file = {Path(r.path).name: {f.rule_id for f in r.findings} for r in results}
    benign = {c for c, codes in FIXTURE_CASES.items() if codes <= {"MLW610"}}
    assert benign, "no benign cases"
    for case in benign:
        assert by_file.get(case, set()) <= {"MLW610"}, case
    malicious = walked - benign
    for case in malicious:
        assert by_file[case] - {"MLW610"}, f"missed {case}"


def test_default_rules_benign_checkpoint_gives_nothing(tmp_path):
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(mf.small_state_dict_zip())
    results, _ = check_paths([str(path)], Config())
    assert [f for r in results for f in r.findings] == []


def test_allow_globals_option_reaches_the_rule(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(CASES["unlisted_class.pkl"]())
    assert found_ids(path, Config())[0] == {"MLW602"}
    config = config_from_mapping({"allow-globals": ["sklearn.linear_model._base.LinearRegression"]})
    assert found_ids(path, config)[0] == set()
    # a gadget is never allowed
    path.write_bytes(OS_SYSTEM)
    config = config_from_mapping({"allow-globals": ["os.system", "posix.system"]})
    assert found_ids(path, config)[0] == {"MLW601"}


def test_pyproject_allow_globals(tmp_path, run_cli, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.mlwarden]\nallow-globals = ["sklearn.*"]\n')
    (tmp_path / "m.pkl").write_bytes(mf.wrap(mf.call("sklearn", "Thing"), 2))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("check", "m.pkl")
    assert (code, err) == (0, ""), out


def test_messages_name_member_and_offset(tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(_sd_zip(OS_SYSTEM))
    _, findings = found_ids(path, Config())
    assert [f.message for f in findings] == [
        "`os.system` in a model file can run code when it is loaded (member `archive/data.pkl`, offset 2: runs commands and touches files); "
        "do not load it and re-export the weights as safetensors"
    ]


# --------------------------------------------------------------------------
# the reader itself


def test_nested_pickle_is_scanned():
    report = scan_bytes(_nested_loads(), "x.pkl")
    assert [(g.name, g.member) for g in report.globals] == [("pickle.loads", ""), ("os.system", "pickle.loads@52")]


def test_memo_names_resolve_to_the_overwritten_value():
    report = scan_bytes(_memo_overwrite(), "x.pkl")
    assert [g.name for g in report.globals] == ["os.system"]
    assert report.issues == []


def test_sweep_reports_globals_after_an_unresolvable_point():
    data = mf.wrap(b"h\x09" + mf.global0("os", "system") + mf.POP, 2)
    report = scan_bytes(data, "x.pkl")
    assert [g.name for g in report.globals] == ["os.system"]
    assert [i.kind for i in report.issues] == ["unverifiable"]


def test_python2_names_are_mapped_only_below_protocol_3():
    assert [g.name for g in scan_bytes(b"c__builtin__\nset\n)R.", "a.pkl").globals] == ["builtins.set"]
    p3 = mf.wrap(mf.global0("__builtin__", "set") + mf.EMPTY_TUPLE + mf.REDUCE, 3)
    assert [g.name for g in scan_bytes(p3, "a.pkl").globals] == ["__builtin__.set"]


@pytest.mark.parametrize(
    "limits, expected",
    [
        (Limits(time_limit=0.0), "scan stopped: time limit reached"),
        (Limits(max_object_bytes=16), "an object of 24 bytes exceeds the 16-byte limit"),
    ],
)
def test_limits_fail_closed(limits, expected):
    data = mf.wrap(mf.binbytes(b"x" * 24), 2)
    report = scan_bytes(data, "a.pkl", limits)
    assert [i.kind for i in report.issues] == ["unverifiable"]
    assert expected in report.issues[0].detail


def test_member_count_limit():
    report = scan_bytes(mf.small_state_dict_zip(), "m.pt", Limits(max_members=3))
    assert [i.key for i in report.issues] == ["zip-too-many"]


def test_large_tensor_members_are_not_read_unless_full_crc(tmp_path):
    big = struct.pack("<f", 1.0) * (1 << 19)  # 2 MiB tensor
    blob = bytearray(mf.torch_zip(SD, {"0": big, "1": b"\0" * 12}))
    idx = blob.find(big[:64], 100)
    blob[idx + 1000] ^= 0xFF  # corrupt the tensor data: its CRC no longer matches
    path = tmp_path / "m.pt"
    path.write_bytes(bytes(blob))
    assert scan_file(path).issues == []
    full = scan_file(path, Limits(crc_all=True))
    assert [i.key for i in full.issues] == ["zip-crc:archive/data/0"]


def test_directory_walk_includes_model_files(tmp_path, run_cli):
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "pytorch_model.bin").write_bytes(OS_SYSTEM)
    (tmp_path / "train.py").write_text("print('hi')\n")
    code, out, err = run_cli("check", tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{tmp_path / 'weights' / 'pytorch_model.bin'}:1:1: MLW601 [critical] `os.system`")


def test_explicit_file_without_model_extension_is_sniffed(tmp_path, run_cli):
    path = tmp_path / "weights"
    path.write_bytes(mf.small_state_dict_zip())
    code, out, err = run_cli("check", "--select", "MLW610", path)
    assert code == 1 and "MLW610" in out, (out, err)


def test_unreadable_and_missing_files(tmp_path, run_cli):
    code, out, err = run_cli("scan-model", tmp_path / "nope.pt")
    assert code == 2 and err.strip() == f"{tmp_path / 'nope.pt'}: no such file or directory"


def test_scan_model_list_globals(tmp_path, run_cli):
    (tmp_path / "a.pkl").write_bytes(_nested_loads())
    (tmp_path / "b.pt").write_bytes(mf.small_state_dict_zip())
    code, out, err = run_cli("scan-model", "--isolated", "--list-globals", tmp_path / "a.pkl", tmp_path / "b.pt")
    a, b = tmp_path / "a.pkl", tmp_path / "b.pt"
    assert code == 1
    assert out.splitlines()[:8] == [
        f"{a}: pickle (pickle-based)",
        "  pickle.loads  @2  DANGEROUS (nested unpickling (pickle.loads) escapes the outer scan)",
        "  os.system  pickle.loads@52@2  DANGEROUS (runs commands and touches files)",
        f"{b}: torch-zip (pickle-based)",
        "  collections.OrderedDict  archive/data.pkl@2  allowed",
        "  torch._utils._rebuild_tensor_v2  archive/data.pkl@45  allowed",
        "  torch.FloatStorage  archive/data.pkl@92  allowed",
        f"{a}:1:1: MLW601 [critical] `pickle.loads` in a model file can run code when it is loaded (offset 2: nested unpickling (pickle.loads) escapes the outer scan); do not load it and re-export the weights as safetensors",
    ]


def test_scan_model_skips_non_models(tmp_path, run_cli):
    (tmp_path / "notes.bin").write_bytes(b"plain text")
    code, out, err = run_cli("scan-model", "-v", tmp_path / "notes.bin")
    assert code == 0
    assert "not a model format mlwarden reads; skipped" in out


def test_nothing_is_imported_or_executed(tmp_path):
    """A payload that would create a file if executed, and a global naming a
    module that does not exist: scanning must do neither."""
    marker = tmp_path / "pwned"
    data = evil_call("os", "system", f"touch {marker}")
    data2 = mf.wrap(mf.call("mlwarden_test_never_imported", "boom"), 2)
    before = set(sys.modules)
    scan_bytes(data, "a.pkl")
    scan_bytes(data2, "b.pkl")
    assert not marker.exists()
    assert "mlwarden_test_never_imported" not in sys.modules
    assert not {m for m in set(sys.modules) - before if m.startswith(("pip", "subprocess"))}


def test_rule_examples_are_reproducible():
    """artifacts/examples.py holds ASCII ZIPs built by model_factory.ascii_zip."""
    from mlwarden.artifacts import examples as ex

    rebuilt = mf.ascii_zip(
        [("archive/data.pkl", b"S'# ok'\n0ccollections\nOrderedDict\n)R."), ("archive/version", b"3")],
        pad_members=("archive/data.pkl", "archive/version"),
    )
    assert rebuilt == ex._TOK


# --------------------------------------------------------------------------
# real libraries (skipped when absent)


def test_real_torch_state_dict(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    torch.save(model.state_dict(), path)
    legacy = tmp_path / "legacy.pt"
    torch.save(model.state_dict(), legacy, _use_new_zipfile_serialization=False)
    for p in (path, legacy):
        report = scan_file(p)
        assert report.issues == [], report.issues
        assert {g.name for g in report.globals} <= {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "torch.LongStorage"}
        assert found_ids(p, Config())[0] == set()
        assert found_ids(p)[0] == {"MLW610"}


def test_real_torch_whole_model_is_not_allowlisted(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 2), path)
    ids, findings = found_ids(path, Config())
    assert ids == {"MLW602"}
    assert "`torch.nn.modules.linear.Linear`" in " ".join(f.message for f in findings)


def test_real_numpy(tmp_path):
    import numpy as np
    plain, objs = tmp_path / "a.npy", tmp_path / "b.npy"
    np.save(plain, np.arange(5.0))
    np.save(objs, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    npz = tmp_path / "c.npz"
    np.savez_compressed(npz, x=np.arange(3), y=np.ones((2, 2)))
    assert found_ids(plain)[0] == set()
    assert found_ids(objs)[0] == {"MLW610"}
    assert found_ids(npz)[0] == set()
    pkl = tmp_path / "d.pkl"
    pkl.write_bytes(pickle.dumps({"x": np.arange(3), "s": np.float32(1.5), "d": np.dtype("U3")}, protocol=2))
    assert found_ids(pkl, Config())[0] == set()


def test_real_joblib(tmp_path):
    import joblib
    import numpy as np
    for compress in (0, 3, ("gzip", 3)):
        path = tmp_path / f"m{compress!r}.joblib".replace(" ", "")
        joblib.dump({"w": np.arange(100.0), "meta": [1, "a"]}, path, compress=compress)
        report = scan_file(path)
        assert report.issues == [], (compress, report.issues)
        assert found_ids(path, Config())[0] == set()


# --------------------------------------------------------------------------
# the pre-commit hook, for real


@pytest.mark.slow
def test_models_hook_fails_on_staged_gadget_and_passes_benign(tmp_path):
    from precommit_helpers import try_repo

    bad = try_repo(tmp_path / "bad", "mlwarden-models", {"weights/pytorch_model.bin": OS_SYSTEM, "notes.txt": "x"})
    assert bad.returncode == 1, bad.stdout
    assert "weights/pytorch_model.bin:1:1: MLW601 [critical] `os.system`" in bad.stdout, bad.stdout
    good = try_repo(tmp_path / "good", "mlwarden-models", {"model.pt": mf.small_state_dict_zip(), "vocab.bin": b"plain text"})
    assert good.returncode == 0, good.stdout


@pytest.mark.slow  # a mutation sweep over every case
def test_mutated_files_never_crash_or_pass_silently_when_truncated():
    """Random byte edits of every case: the reader never hits an internal
    error, and every truncation of a pickle-based file is reported."""
    import random

    rng = random.Random(7)
    for case, build in sorted(CASES.items()):
        if case in NEEDS_PY7ZR and not _has_py7zr():
            continue
        base = build()
        for _ in range(20):
            data = bytearray(base)
            pos = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[pos] = rng.randrange(256)
            else:
                del data[pos : pos + rng.randint(1, 8)]
            report = scan_bytes(bytes(data), case, Limits(time_limit=10))
            assert not [i for i in report.issues if i.key == "internal"], (case, report.issues)
    # (legacy torch: raw storages after the pickles are not read, so only cuts inside the pickles count)
    for case, tail in (("state_dict.pkl", 0), ("numpy_array_p4.pkl", 0), ("array.joblib", 0), ("state_dict_legacy.pt", 52)):
        base = CASES[case]()
        for cut in range(1, len(base) - tail, 7):
            report = scan_bytes(base[:cut], case)
            assert report.issues, (case, cut)


# --------------------------------------------------------------------------
# MLW602: one finding per file, naming every global


def _protocol0_globals(*names: str) -> bytes:
    """A protocol-0 pickle that builds a tuple of every named global, without importing any."""
    body = "".join("c{}\n{}\n".format(*name.rsplit(".", 1)) for name in names)
    return ("(" + body + "t.").encode()


def test_mlw602_groups_a_files_globals_into_one_finding(tmp_path):
    path = tmp_path / "frame.pkl"
    names = [f"pandas.core.part{i}.Thing{i}" for i in range(7)]
    path.write_bytes(_protocol0_globals(*names))
    ids, findings = found_ids(path, Config())
    assert ids == {"MLW602"}
    (finding,) = findings
    # the first by name and offset, the next four by name, the rest counted
    assert finding.message.startswith("`pandas.core.part0.Thing0` and 6 more globals (`pandas.core.part1.Thing1`, ")
    assert all(f"`{name}`" in finding.message for name in names[:5])
    assert "pandas.core.part5" not in finding.message and "--list-globals" in finding.message
    assert "store data as Parquet" in finding.message  # pandas data, not weights
    # allowing some of them shrinks the group; allowing all clears the file
    config = config_from_mapping({"allow-globals": [f"pandas.core.part{i}.*" for i in range(1, 7)]})
    (single,) = found_ids(path, config)[1]
    assert single.message.startswith("`pandas.core.part0.Thing0` in a model file is not on the pickle allowlist (offset ")
    everything = config_from_mapping({"allow-globals": [f"pandas.core.part{i}.*" for i in range(7)]})
    assert found_ids(path, everything)[0] == set()


def test_mlw602_keeps_severities_apart_and_gadgets_to_mlw601(tmp_path):
    path = tmp_path / "mixed.pkl"
    path.write_bytes(_protocol0_globals("__main__.Net", "sklearn.tree._classes.DecisionTreeClassifier", "os.system", "numpy.core.multiarray._reconstruct"))
    ids, findings = found_ids(path, Config(severity=Severity.LOW))
    assert ids == {"MLW601", "MLW602"}
    by_severity = {f.severity: f.message for f in findings if f.rule_id == "MLW602"}
    assert set(by_severity) == {Severity.LOW, Severity.HIGH}
    assert by_severity[Severity.LOW].startswith("`__main__.Net` in a model file")
    assert by_severity[Severity.HIGH].startswith("`sklearn.tree._classes.DecisionTreeClassifier` in a model file")
    assert "skops" in by_severity[Severity.HIGH]
    assert all("os.system" not in m and "_reconstruct" not in m for m in by_severity.values())
