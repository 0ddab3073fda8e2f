"""A bounded protobuf wire-format reader, and the two protobuf model formats
mlwarden reads with it: ONNX and TensorFlow SavedModel / GraphDef.

No ``onnx``, ``protobuf`` or TensorFlow import: the reader walks the wire
format over a buffer (an ``mmap`` for files on disk, so a 2 GB ONNX model
with inline weights is not read into memory), descends only into the
messages that matter and steps over everything else (tensor bytes) by
offset. Depth, field count and time are bounded; whatever cannot be parsed
is malformed (MLW604), never a pass.

ONNX (``onnx.proto``): every ``TensorProto`` reached from the graph — graph
initializers, node attributes, subgraphs of ``If``/``Loop``/``Scan``, local
functions — with ``data_location = EXTERNAL`` names a file by its
``location`` entry; an absolute path, a ``..`` component or a symlink that
leaves the model's directory makes the runtime read (and with some tools
write) any file (CVE-2022-25882, CVE-2024-27318, CVE-2025-51480): MLW612.
Nodes in an operator domain that no standard runtime ships need a custom-op
library the loader registers (native code, or Python for
``ai.onnx.contrib``'s ``PyOp``): MLW613.

SavedModel (``saved_model.pb``) and frozen ``GraphDef`` files: every
``NodeDef`` of the graph and its function library; ops that touch the file
system or run Python (``ReadFile``, ``WriteFile``, ``MatchingFiles``,
``PyFunc``, ``EagerPyFunc`` …) are MLW613. The saver's ``SaveV2`` /
``RestoreV2`` are how every checkpoint is written and are not reported.
"""

from __future__ import annotations

import os
import posixpath
import time
from typing import Callable, Iterator, List, Optional, Set, Tuple

from mlwarden.artifacts.report import EXTERNAL_DATA, GRAPH_OP, MALFORMED, ScanReport

MAX_DEPTH = 64
MAX_FIELDS = 5_000_000


class Bad(Exception):
    pass


Field = Tuple[int, int, int, int]  # (number, wire type, value or start, end)


class Reader:
    def __init__(self, buf, deadline: Optional[float] = None) -> None:
        self.buf = buf
        self.fields = 0
        self.deadline = deadline

    def varint(self, pos: int, end: int) -> Tuple[int, int]:
        result = shift = 0
        buf = self.buf
        while True:
            if pos >= end or shift > 63:
                raise Bad(f"a varint at offset {pos} is truncated")
            b = buf[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result, pos
            shift += 7

    def iter(self, start: int, end: int) -> Iterator[Field]:
        pos = start
        while pos < end:
            self.fields += 1
            if self.fields > MAX_FIELDS:
                raise Bad(f"more than {MAX_FIELDS} protobuf fields")
            if not self.fields & 0xFFFF and self.deadline is not None and time.monotonic() > self.deadline:
                raise Bad("time limit reached")
            key, pos = self.varint(pos, end)
            number, wire = key >> 3, key & 7
            if number == 0:
                raise Bad(f"field number 0 at offset {pos}")
            if wire == 0:
                value, pos = self.varint(pos, end)
                yield number, wire, value, pos
            elif wire == 1:
                pos += 8
                yield number, wire, 0, pos
            elif wire == 5:
                pos += 4
                yield number, wire, 0, pos
            elif wire == 2:
                n, pos = self.varint(pos, end)
                if pos + n > end:
                    raise Bad(f"a field at offset {pos} runs past its message")
                yield number, wire, pos, pos + n
                pos += n
            else:
                raise Bad(f"wire type {wire} at offset {pos}")
            if pos > end:
                raise Bad("a fixed-size field runs past its message")

    def text(self, start: int, end: int) -> str:
        return bytes(self.buf[start:end]).decode("utf-8", "replace")

    def messages(self, start: int, end: int, number: int) -> Iterator[Tuple[int, int]]:
        for n, w, a, b in self.iter(start, end):
            if n == number and w == 2:
                yield a, b

    def strings(self, start: int, end: int, number: int) -> List[str]:
        return [self.text(a, b) for a, b in self.messages(start, end, number)]


# -- classification --------------------------------------------------------------


def classify(buf, size: int) -> Optional[str]:
    """"onnx", "savedmodel", "graphdef" or None, from the top-level fields
    and the shape of the first node (other protobufs — a sentencepiece
    ``.model``, say — share field numbers, never the node shape)."""
    r = Reader(buf)
    seen: Set[Tuple[int, int]] = set()
    first: dict = {}
    try:
        for n, w, a, b in r.iter(0, size):
            seen.add((n, w))
            if w == 2 and n not in first:
                first[n] = (a, b)
            if len(seen) > 40:
                return None
        numbers = {n for n, _ in seen}
        if (7, 2) in seen and (1, 0) in seen:
            return "onnx"
        if numbers <= {1, 2} and (2, 2) in seen:
            # SavedModel: meta_graphs (2) -> graph_def (2) -> a NodeDef (1)
            for ga, gb in r.messages(*first[2], 2):
                node = next(r.messages(ga, gb, 1), None)
                return "savedmodel" if node is None or _is_node(r, *node) else None
            return None
        if (1, 2) in seen and numbers <= {1, 2, 3, 4} and _is_node(r, *first[1]):
            return "graphdef"
    except Bad:
        return None
    return None


def _is_node(r: Reader, start: int, end: int) -> bool:
    """A TensorFlow NodeDef: a name (1) and an op (2) that reads like an op name."""
    fields = {n: (a, b) for n, w, a, b in r.iter(start, end) if w == 2 and n in (1, 2)}
    if set(fields) != {1, 2}:
        return False
    op = r.text(*fields[2])
    return bool(op) and op[0].isupper() and op.replace("_", "").replace(">", "").isalnum()


# -- ONNX ------------------------------------------------------------------------------

STANDARD_DOMAINS = {"", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "ai.onnx.preview", "com.microsoft", "com.microsoft.nchwc", "com.microsoft.experimental", "pkg.onnxscript.torch_lib.common"}


def scan_onnx(buf, size: int, report: ScanReport, member: str, model_dir: Optional[str], deadline: Optional[float] = None) -> None:
    r = Reader(buf, deadline)
    state = {"external": 0, "nodes": 0}
    local_functions: Set[Tuple[str, str]] = set()
    try:
        for a, b in r.messages(0, size, 25):  # functions: (domain, name) are model-local ops
            name = (r.strings(a, b, 1) or [""])[0]
            domain = (r.strings(a, b, 10) or [""])[0]
            local_functions.add((domain, name))
        for n, w, a, b in r.iter(0, size):
            if n == 7 and w == 2:
                _graph(r, a, b, report, member, model_dir, state, local_functions, 0)
            elif n == 25 and w == 2:
                for na, nb in r.messages(a, b, 7):
                    _node(r, na, nb, report, member, model_dir, state, local_functions, 1)
    except Bad as exc:
        report.add(MALFORMED, f"the ONNX protobuf is malformed: {exc}; runtimes refuse or read it differently", member, key="onnx-protobuf")
        return
    report.notes.append(f"{member or 'file'}: ONNX graph with {state['nodes']} nodes, {state['external']} external tensors")


def _graph(r: Reader, start: int, end: int, report, member, model_dir, state, local, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Bad("subgraphs nested too deeply")
    for n, w, a, b in r.iter(start, end):
        if w != 2:
            continue
        if n == 1:
            _node(r, a, b, report, member, model_dir, state, local, depth)
        elif n in (5, 15):  # initializer, sparse_initializer (values: 1)
            if n == 15:
                for ta, tb in r.messages(a, b, 1):
                    _tensor(r, ta, tb, report, member, model_dir, state)
            else:
                _tensor(r, a, b, report, member, model_dir, state)


def _node(r: Reader, start: int, end: int, report, member, model_dir, state, local, depth: int) -> None:
    state["nodes"] += 1
    op_type, domain = "", ""
    for n, w, a, b in r.iter(start, end):
        if w != 2:
            continue
        if n == 4:
            op_type = r.text(a, b)
        elif n == 7:
            domain = r.text(a, b)
        elif n == 5:  # attribute: t (5), g (6), tensors (11), graphs (10)
            for an, aw, aa, ab in r.iter(a, b):
                if aw != 2:
                    continue
                if an in (5, 11):
                    _tensor(r, aa, ab, report, member, model_dir, state)
                elif an in (6, 10):
                    _graph(r, aa, ab, report, member, model_dir, state, local, depth + 1)
    if domain not in STANDARD_DOMAINS and (domain, op_type) not in local:
        what = "runs Python code (onnxruntime-extensions `PyOp`)" if domain == "ai.onnx.contrib" and op_type.startswith("Py") else "needs a custom-op library (native code) that the runtime must load"
        report.add(
            GRAPH_OP,
            f"node `{op_type[:60]}` in operator domain `{domain[:60]}` {what}",
            member,
            key=f"onnx-domain:{domain[:60]}",
        )


def _tensor(r: Reader, start: int, end: int, report, member, model_dir, state) -> None:
    location = None
    external = False
    name = ""
    for n, w, a, b in r.iter(start, end):
        if n == 14 and w == 0:
            external = a == 1
        elif n == 8 and w == 2:
            name = r.text(a, b)
        elif n == 13 and w == 2:
            key = value = ""
            for kn, kw, ka, kb in r.iter(a, b):
                if kw == 2 and kn == 1:
                    key = r.text(ka, kb)
                elif kw == 2 and kn == 2:
                    value = r.text(ka, kb)
            if key == "location":
                location = value
    if location is None and not external:
        return
    state["external"] += 1
    if location is None:
        report.add(EXTERNAL_DATA, f"tensor `{name[:60]}` is external but names no location", member, key="onnx-external-missing")
        return
    why = escapes(location, model_dir)
    if why:
        report.add(EXTERNAL_DATA, f"tensor `{name[:60]}` reads its data from `{location[:120]}`, {why}", member, key=f"onnx-external:{location[:120]}")


def escapes(location: str, model_dir: Optional[str]) -> Optional[str]:
    """Why an external-data path leaves the model's directory, or None."""
    loc = location.replace("\\", "/")
    if not loc or "\x00" in loc:
        return "an empty or NUL-containing path"
    if loc.startswith("/") or (len(loc) > 1 and loc[1] == ":") or loc.startswith("//"):
        return "an absolute path outside the model's directory"
    if ".." in loc.split("/"):
        return "a path that climbs out of the model's directory (`..`)"
    if model_dir is not None:
        target = os.path.join(model_dir, *posixpath.normpath(loc).split("/"))
        if os.path.islink(target) or any(os.path.islink(p) for p in _parents(model_dir, target)):
            real = os.path.realpath(target)
            if not real.startswith(os.path.realpath(model_dir) + os.sep):
                return f"a symlink that resolves outside the model's directory (`{real[:120]}`)"
    return None


def _parents(root: str, target: str) -> List[str]:
    out = []
    cur = os.path.dirname(target)
    while cur.startswith(root) and len(cur) > len(root):
        out.append(cur)
        cur = os.path.dirname(cur)
    return out


# -- TensorFlow ---------------------------------------------------------------------

#: op -> what it does when the graph runs (or is loaded and initialised)
TF_DANGEROUS_OPS = {
    "ReadFile": "reads any file",
    "WriteFile": "writes any file",
    "MatchingFiles": "lists the file system",
    "WholeFileReader": "reads files",
    "WholeFileReaderV2": "reads files",
    "ImmutableConst": "memory-maps a file",
    "PyFunc": "runs a Python function of the process",
    "PyFuncStateless": "runs a Python function of the process",
    "EagerPyFunc": "runs a Python function of the process",
    "PyCall": "runs Python code",
    "DebugIdentityV2": "writes debug dumps to a path",
    "DebugIdentityV3": "writes debug dumps to a path",
    "PrintV2": "writes to a file or stream",
}


def scan_tf(buf, size: int, report: ScanReport, member: str, kind: str, deadline: Optional[float] = None) -> None:
    r = Reader(buf, deadline)
    count = [0]

    def on_node(a: int, b: int) -> None:
        count[0] += 1
        ops = r.strings(a, b, 2)
        op = ops[0] if ops else ""
        why = TF_DANGEROUS_OPS.get(op)
        if why:
            name = (r.strings(a, b, 1) or [""])[0]
            report.add(GRAPH_OP, f"TensorFlow op `{op}` (node `{name[:60]}`) {why} when the graph runs", member, key=f"tf-op:{op}")

    try:
        if kind == "savedmodel":
            for ma, mb in r.messages(0, size, 2):
                for ga, gb in r.messages(ma, mb, 2):
                    _graphdef(r, ga, gb, on_node)
        else:
            _graphdef(r, 0, size, on_node)
    except Bad as exc:
        report.add(MALFORMED, f"the TensorFlow protobuf is malformed: {exc}; loaders refuse or read it differently", member, key="tf-protobuf")
        return
    report.notes.append(f"{member or 'file'}: TensorFlow {kind} with {count[0]} nodes")


def _graphdef(r: Reader, start: int, end: int, on_node: Callable[[int, int], None]) -> None:
    for n, w, a, b in r.iter(start, end):
        if w != 2:
            continue
        if n == 1:
            on_node(a, b)
        elif n == 2:  # FunctionDefLibrary: function (1) -> node_def (3)
            for fa, fb in r.messages(a, b, 1):
                for na, nb in r.messages(fa, fb, 3):
                    on_node(na, nb)
