"""Build model files for the tests, byte by byte: benign checkpoints that
mirror what torch / numpy / joblib / Keras write, and the published bypass
techniques of pickle scanners. Nothing here is ever loaded; the malicious
payloads name harmless commands anyway.

Opcodes are spelled out (``pickletools`` documents each) so a reader can
check what every file contains.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

# --------------------------------------------------------------------------
# pickle opcodes


def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def frame(body: bytes) -> bytes:
    return b"\x95" + struct.pack("<Q", len(body)) + body


def global0(module: str, name: str) -> bytes:
    """GLOBAL: protocol 0-3 text form ``c<module>\\n<name>\\n``."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def unicode(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) < 256:
        return b"\x8c" + bytes([len(data)]) + data  # SHORT_BINUNICODE
    return b"X" + struct.pack("<I", len(data)) + data  # BINUNICODE


def binunicode(text: str) -> bytes:
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def stack_global(module: str, name: str) -> bytes:
    return unicode(module) + unicode(name) + b"\x93"


def binbytes(data: bytes) -> bytes:
    if len(data) < 256:
        return b"C" + bytes([len(data)]) + data
    return b"B" + struct.pack("<I", len(data)) + data


def binint(n: int) -> bytes:
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if 0 <= n < 65536:
        return b"M" + struct.pack("<H", n)
    return b"J" + struct.pack("<i", n)


def binput(i: int) -> bytes:
    return b"q" + bytes([i])


def binget(i: int) -> bytes:
    return b"h" + bytes([i])


MARK, TUPLE, TUPLE1, TUPLE2, TUPLE3, EMPTY_TUPLE = b"(", b"t", b"\x85", b"\x86", b"\x87", b")"
REDUCE, BUILD, STOP, EMPTY_DICT, EMPTY_LIST, SETITEMS, SETITEM, APPENDS = b"R", b"b", b".", b"}", b"]", b"u", b"s", b"e"
NEWOBJ, OBJ, MEMOIZE, BINPERSID, NEWFALSE, NONE, POP = b"\x81", b"o", b"\x94", b"Q", b"\x89", b"N", b"0"


def call(module: str, name: str, *args_ops: bytes, protocol: int = 2) -> bytes:
    """``module.name(*args)`` with GLOBAL (protocol < 4) or STACK_GLOBAL."""
    head = global0(module, name) if protocol < 4 else stack_global(module, name)
    return head + MARK + b"".join(args_ops) + TUPLE + REDUCE


def wrap(body: bytes, protocol: int = 2) -> bytes:
    """A complete pickle: PROTO, body, STOP."""
    return (proto(protocol) if protocol >= 2 else b"") + body + STOP


# --------------------------------------------------------------------------
# benign pickles shaped like the real thing


def tensor_ops(key: str, numel: int, shape: Sequence[int], storage: str = "FloatStorage") -> bytes:
    """``torch._utils._rebuild_tensor_v2`` over a persistent storage id, as
    torch.save writes it (protocol 2)."""
    pid = MARK + binunicode("storage") + global0("torch", storage) + binunicode(key) + binunicode("cpu") + binint(numel) + TUPLE + BINPERSID
    size = MARK + b"".join(binint(n) for n in shape) + TUPLE
    strides, acc = [], 1
    for n in reversed(shape):
        strides.insert(0, acc)
        acc *= n
    stride = MARK + b"".join(binint(n) for n in strides) + TUPLE
    return (
        global0("torch._utils", "_rebuild_tensor_v2")
        + MARK
        + pid
        + binint(0)
        + size
        + stride
        + NEWFALSE
        + global0("collections", "OrderedDict")
        + EMPTY_TUPLE
        + REDUCE
        + TUPLE
        + REDUCE
    )


def state_dict_pickle(tensors: Dict[str, Tuple[int, Sequence[int]]]) -> bytes:
    """An OrderedDict of tensors with ``_metadata``, like ``torch.save(model.state_dict())``."""
    body = global0("collections", "OrderedDict") + binput(0) + EMPTY_TUPLE + REDUCE + binput(1) + MARK
    for i, (name, (numel, shape)) in enumerate(tensors.items()):
        body += binunicode(name) + tensor_ops(str(i), numel, shape)
    body += SETITEMS
    # BUILD the OrderedDict with {"_metadata": OrderedDict()}: what state_dict() carries
    body += EMPTY_DICT + binunicode("_metadata") + binget(0) + EMPTY_TUPLE + REDUCE + SETITEM + BUILD
    return wrap(body, 2)


def numpy_array_pickle(protocol: int = 2) -> bytes:
    """``pickle.dumps(np.arange(3, dtype=np.int64))`` as numpy 2 writes it."""
    dtype = call("numpy", "dtype", binunicode("i8"), NEWFALSE, b"\x88", protocol=protocol) + MARK + binint(3) + binunicode("<") + NONE + NONE + NONE + b"J\xff\xff\xff\xff" + b"J\xff\xff\xff\xff" + binint(0) + TUPLE + BUILD
    arr = (
        call("numpy._core.multiarray", "_reconstruct", global0("numpy", "ndarray") if protocol < 4 else stack_global("numpy", "ndarray"), MARK + binint(0) + TUPLE, binbytes(b"b"), protocol=protocol)
        + MARK
        + binint(1)
        + MARK
        + binint(3)
        + TUPLE
        + dtype
        + NEWFALSE
        + binbytes(struct.pack("<3q", 0, 1, 2))
        + TUPLE
        + BUILD
    )
    return wrap(arr, protocol)


# --------------------------------------------------------------------------
# ZIP writer with knobs for every anomaly


class ZipEntry:
    def __init__(self, name: str, data: bytes, *, method: int = 0, flags: int = 0, local_name: Optional[str] = None, crc: Optional[int] = None, extra: bytes = b"") -> None:
        self.name, self.data, self.method, self.flags = name, data, method, flags
        self.local_name = local_name if local_name is not None else name
        self.crc = crc if crc is not None else zlib.crc32(data)
        self.extra = extra


def make_zip(entries: Iterable[ZipEntry], *, comment: bytes = b"", prefix: bytes = b"") -> bytes:
    out = bytearray(prefix)
    central = bytearray()
    entries = list(entries)
    for e in entries:
        payload = e.data
        if e.method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(e.data) + c.flush()
        offset = len(out)
        lname = e.local_name.encode()
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, e.flags, e.method, 0, 0, e.crc, len(payload), len(e.data), len(lname), len(e.extra))
        out += lname + e.extra + payload
        name = e.name.encode()
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, e.flags, e.method, 0, 0, e.crc, len(payload), len(e.data), len(name), 0, 0, 0, 0, 0, offset
        )
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), cd_offset, len(comment)) + comment
    return bytes(out)


def torch_zip(pickle_bytes: bytes, tensors: Dict[str, bytes], root: str = "archive", **knobs) -> bytes:
    """The layout torch.save writes: ``<root>/data.pkl``, ``<root>/data/<key>``,
    ``byteorder``, ``version``, ``.data/serialization_id`` (all stored)."""
    entries = [ZipEntry(f"{root}/data.pkl", pickle_bytes), ZipEntry(f"{root}/.format_version", b"1"), ZipEntry(f"{root}/byteorder", b"little")]
    entries += [ZipEntry(f"{root}/data/{k}", v) for k, v in tensors.items()]
    entries += [ZipEntry(f"{root}/version", b"3\n"), ZipEntry(f"{root}/.data/serialization_id", b"0" * 40)]
    return make_zip(entries, **knobs)


def small_state_dict_zip(**knobs) -> bytes:
    """The hand-made equivalent of torch.save(nn.Linear(2, 3).state_dict())."""
    pkl = state_dict_pickle({"weight": (6, (3, 2)), "bias": (3, (3,))})
    return torch_zip(pkl, {"0": struct.pack("<6f", *range(6)), "1": struct.pack("<3f", 1, 2, 3)}, **knobs)


# --------------------------------------------------------------------------
# other containers


def npy(descr: str, shape: Tuple[int, ...], payload: bytes, version: int = 1) -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode("latin-1")
    pad = 64 - (10 + len(header) + 1) % 64
    header += b" " * pad + b"\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header + payload


def legacy_torch(obj_pickle: bytes) -> bytes:
    """torch.save(_use_new_zipfile_serialization=False): magic, protocol,
    sys_info, the object, storage keys, then raw storages."""
    magic = wrap(b"\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little"), 2)
    version = wrap(binint(1001), 2)
    sys_info = wrap(EMPTY_DICT + binunicode("little_endian") + b"\x88" + SETITEM, 2)
    keys = wrap(EMPTY_LIST + MARK + binunicode("0") + binunicode("1") + APPENDS, 2)
    storage = struct.pack("<q", 6) + struct.pack("<6f", *range(6)) + struct.pack("<q", 3) + struct.pack("<3f", 1, 2, 3)
    return magic + version + sys_info + obj_pickle + keys + storage


def joblib_like(shape: Tuple[int, ...] = (4,), aligned: bool = True, dtype: str = "f8", raw: Optional[bytes] = None) -> bytes:
    """joblib.dump(np.arange(4.0)): a NumpyArrayWrapper whose BUILD is
    followed by (a padding byte, padding and) the raw array bytes."""
    code = dtype
    dtype = call("numpy", "dtype", binunicode(code), NEWFALSE, b"\x88") + MARK + binint(3) + binunicode("<" if code != "O8" else "|") + NONE + NONE + NONE + b"J\xff\xff\xff\xff" + b"J\xff\xff\xff\xff" + binint(0 if code != "O8" else 63) + TUPLE + BUILD
    state = EMPTY_DICT + MARK + binunicode("subclass") + global0("numpy", "ndarray") + binunicode("shape") + MARK + b"".join(binint(n) for n in shape) + TUPLE
    state += binunicode("order") + binunicode("C") + binunicode("dtype") + dtype + binunicode("allow_mmap") + NEWFALSE
    if aligned:
        state += binunicode("numpy_array_alignment_bytes") + binint(16)
    state += SETITEMS
    body = global0("joblib.numpy_pickle", "NumpyArrayWrapper") + binput(0) + EMPTY_TUPLE + NEWOBJ + state + BUILD
    n = 1
    for d in shape:
        n *= d
    head = proto(2) + body
    data = b""
    if aligned:
        pos = len(head) + 1
        pad = 16 - pos % 16
        data += bytes([pad]) + b"\xff" * pad
    data += raw if raw is not None else struct.pack(f"<{n}d", *range(n))
    return head + data + STOP


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def keras_zip(config: dict, **knobs) -> bytes:
    import json

    return make_zip(
        [ZipEntry("metadata.json", b'{"keras_version": "3.6.0"}', method=8), ZipEntry("config.json", json.dumps(config).encode(), method=8), ZipEntry("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(64))],
        **knobs,
    )


def keras_layer(cls: str, name: str, module: str = "keras.layers", **config) -> dict:
    return {"module": module, "class_name": cls, "config": {"name": name, **config}, "registered_name": None}


def keras_h5(config_json: str, user_block: bytes = b"") -> bytes:
    """Enough of an HDF5 file for sniffing: superblock magic, then the
    ``model_config`` attribute holding the model's JSON."""
    return user_block + b"\x89HDF\r\n\x1a\n" + bytes(64) + b"keras_version\x003.6.0\x00model_config\x00" + config_json.encode() + bytes(32)


# --------------------------------------------------------------------------
# a ZIP that survives being a Python str (for rule VALID/INVALID examples)

_LINE_BREAKS = set(b"\n\r\x0b\x0c\x1c\x1d\x1e")


def ascii_zip(entries: List[Tuple[str, bytes]], *, bad_crc: str = "", pad_members: Sequence[str] = ()) -> str:
    """A stored ZIP whose every byte is ASCII, so it survives being a Python
    str (rule examples are str); its first line (up to the first line-break
    byte) must hold the ``# error:`` marker, which the first member's data
    carries. Members named in ``pad_members`` get trailing spaces until the
    CRCs and offsets avoid bytes >= 0x80."""
    import random

    rng = random.Random(0)

    def crc_ok(data: bytes) -> bool:
        return all(b < 0x80 for b in struct.pack("<I", zlib.crc32(data)))

    choices = {name: [n for n in range(400) if crc_ok(data + b" " * n)] or [0] for name, data in entries if name in pad_members}
    for _ in range(100000):
        built = []
        for name, data in entries:
            if name in pad_members:
                data = data + b" " * rng.choice(choices[name])
            built.append(ZipEntry(name, data, crc=(zlib.crc32(data) ^ 0x01010101) if name == bad_crc else None))
        blob = make_zip(built)
        if all(b < 0x80 for b in blob):
            first = blob
            for i, b in enumerate(blob):
                if b in _LINE_BREAKS:
                    first = blob[:i]
                    break
            if b"# error: MLW" in first or b"# ok" in first:
                return blob.decode("ascii")
    raise AssertionError("no ASCII layout found")


# --------------------------------------------------------------------------
# weight and graph formats (protobuf, GGUF, safetensors) and other containers


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb(number: int, value) -> bytes:
    """One protobuf field: an int is a varint, bytes/str are length-delimited."""
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def onnx_tensor(name: str, location: Optional[str] = None) -> bytes:
    body = pb(1, 1) + pb(2, 1) + pb(8, name)  # dims, data_type FLOAT, name
    if location is not None:
        body += pb(13, pb(1, "location") + pb(2, location)) + pb(14, 1)
    else:
        body += pb(9, b"\x00\x00\x80\x3f")  # raw_data
    return body


def onnx_node(op: str, domain: str = "", attrs: bytes = b"") -> bytes:
    return pb(1, "x") + pb(2, "y") + pb(4, op) + (pb(7, domain) if domain else b"") + attrs


def onnx_model(nodes: Sequence[bytes] = (), initializers: Sequence[bytes] = (), producer: str = "mlwarden-tests", first: bytes = b"") -> bytes:
    """A ModelProto: ir_version 9, producer, graph(nodes, initializers), opset 17."""
    graph = b"".join(pb(1, n) for n in nodes) + pb(2, "g") + b"".join(pb(5, t) for t in initializers)
    return pb(1, 9) + first + pb(2, producer) + pb(7, graph) + pb(8, pb(1, "") + pb(2, 17))


def tf_node(name: str, op: str) -> bytes:
    return pb(1, name) + pb(2, op)


def graphdef(nodes: Sequence[bytes], functions: Sequence[Sequence[bytes]] = ()) -> bytes:
    lib = b"".join(pb(1, pb(1, pb(1, f"fn{i}")) + b"".join(pb(3, n) for n in fn)) for i, fn in enumerate(functions))
    return b"".join(pb(1, n) for n in nodes) + (pb(2, lib) if lib else b"") + pb(4, pb(1, 1000))


def saved_model(nodes: Sequence[bytes], functions: Sequence[Sequence[bytes]] = ()) -> bytes:
    """SavedModel{schema 1, meta_graphs[MetaGraphDef{graph_def}]}."""
    return pb(1, 1) + pb(2, pb(2, graphdef(nodes, functions)))


def gguf_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf(kv: Sequence[Tuple[str, int, bytes]], tensors: int = 0, version: int = 3, tail: bytes = b"") -> bytes:
    """GGUF header: ``kv`` is (key, value type, encoded value)."""
    out = b"GGUF" + struct.pack("<IQQ", version, tensors, len(kv))
    for key, vtype, value in kv:
        out += gguf_string(key) + struct.pack("<I", vtype) + value
    return out + tail


def gguf_template(template: str, extra: Sequence[Tuple[str, int, bytes]] = ()) -> bytes:
    kv = [("general.architecture", 8, gguf_string("llama"))] + list(extra) + [("tokenizer.chat_template", 8, gguf_string(template))]
    return gguf(kv)


def safetensors(tensors: Dict[str, Tuple[str, Sequence[int], Tuple[int, int]]], metadata=None, data: Optional[bytes] = None, pad: int = 0) -> bytes:
    import json

    header: dict = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, offsets) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}
    raw = json.dumps(header, separators=(",", ":")).encode() + b" " * pad
    if data is None:
        data = bytes(max((o[1] for _d, _s, o in tensors.values()), default=0))
    return struct.pack("<Q", len(raw)) + raw + data


def tar(members: Sequence[Tuple[str, bytes]], links: Sequence[Tuple[str, str]] = ()) -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            t.addfile(info)
    return buf.getvalue()


def legacy_torch_tar(storages_record: bytes = b"", pickle_member: Optional[bytes] = None) -> bytes:
    """torch's pre-0.1.10 tar checkpoint: ``sys_info``, ``storages`` (count,
    then per storage a ``(key, location, type)`` pickle, an 8-byte element
    count and the raw data), ``tensors`` and ``pickle``."""
    rec = storages_record or wrap(MARK + binunicode("0") + binunicode("cpu") + global0("torch", "FloatStorage") + TUPLE, 2)
    storages = wrap(binint(2), 2) + rec + struct.pack("<q", 2) + struct.pack("<2f", 1, 2)
    storages += wrap(MARK + binunicode("1") + binunicode("cpu") + global0("torch", "LongStorage") + TUPLE, 2) + struct.pack("<q", 1) + struct.pack("<q", 7)
    tensors = wrap(binint(1), 2) + wrap(MARK + binunicode("t0") + binunicode("0") + global0("torch", "FloatTensor") + TUPLE, 2) + struct.pack("<i", 1) + b"\0" * 4 + struct.pack("<qqq", 2, 1, 0)
    obj = pickle_member if pickle_member is not None else wrap(global0("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE, 2)
    sys_info = wrap(EMPTY_DICT + binunicode("little_endian") + b"\x88" + SETITEM, 2)
    return tar([("sys_info", sys_info), ("storages", storages), ("tensors", tensors), ("pickle", obj)])


def sevenz(members: Sequence[Tuple[str, bytes]]) -> bytes:
    import io

    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, mode="w") as archive:
        for name, data in members:
            archive.writestr(data, name)
    return buf.getvalue()


def mar(handler: bytes = b"from ts.torch_handler.base_handler import BaseHandler\n", serialized: Optional[bytes] = None, handler_name: str = "handler.py") -> bytes:
    import json

    manifest = {"runtime": "python", "model": {"modelName": "m", "serializedFile": "model.pt", "handler": handler_name}, "archiverVersion": "0.9.0"}
    entries = [ZipEntry("MAR-INF/MANIFEST.json", json.dumps(manifest).encode()), ZipEntry("model.pt", serialized if serialized is not None else small_state_dict_zip())]
    if handler_name.endswith(".py"):
        entries.append(ZipEntry(handler_name, handler))
    return make_zip(entries)


def nemo(config_yaml: str, weights: Optional[bytes] = None) -> bytes:
    return gz(tar([("./model_config.yaml", config_yaml.encode()), ("./model_weights.ckpt", weights if weights is not None else small_state_dict_zip())]))
