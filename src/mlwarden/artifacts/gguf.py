"""GGUF (llama.cpp): a bounded reader of the header and metadata.

Only the metadata is read, never the tensor data: a multi-gigabyte model
costs a few reads. Every length is checked against the file size and the
limits below before anything is allocated; a header that cannot be read to
its end is malformed (MLW604).

``tokenizer.chat_template`` (and the named ``tokenizer.chat_template.*``
templates) are Jinja programs that runtimes render for every prompt.
llama-cpp-python rendered them in an unsandboxed environment
(CVE-2024-34359): ``{{ ''.__class__.__mro__[1].__subclasses__() }}`` reaches
``os.popen``. :func:`template_risks` lists the constructs that reach Python
objects (MLW611).
"""

from __future__ import annotations

import re
import struct
from typing import Any, BinaryIO, List, Optional, Tuple

from mlwarden.artifacts.report import CHAT_TEMPLATE, MALFORMED, UNVERIFIABLE, ScanReport

MAGIC = b"GGUF"
MAX_KV = 1 << 20
MAX_STRING = 64 << 20  # a chat template or a token; bigger is malformed
MAX_ARRAY = 1 << 26
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class Bad(Exception):
    pass


class _Reader:
    def __init__(self, handle: BinaryIO, size: int, version: int) -> None:
        self.h = handle
        self.size = size
        self.pos = 0
        self.wide = version >= 2

    def read(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise Bad(f"a field at offset {self.pos} runs past the end of the file")
        self.h.seek(self.pos)
        data = self.h.read(n)
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        if n < 0 or self.pos + n > self.size:
            raise Bad(f"a field at offset {self.pos} runs past the end of the file")
        self.pos += n

    def scalar(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def count(self) -> int:
        return self.scalar("<Q" if self.wide else "<I")

    def string(self, keep: bool = True) -> Optional[str]:
        n = self.count()
        if n > MAX_STRING:
            raise Bad(f"a string of {n} bytes at offset {self.pos}")
        if not keep:
            self.skip(n)
            return None
        return self.read(n).decode("utf-8", "replace")

    def value(self, vtype: int, keep: bool) -> Any:
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == 8:
            return self.string(keep)
        if vtype == 9:
            itype = self.scalar("<I")
            n = self.count()
            if n > MAX_ARRAY:
                raise Bad(f"an array of {n} items at offset {self.pos}")
            if itype in _SCALARS:
                self.skip(n * struct.calcsize(_SCALARS[itype]))
                return None
            if itype not in (8, 9):
                raise Bad(f"unknown array item type {itype} at offset {self.pos}")
            for _ in range(n):
                self.value(itype, False)
            return None
        raise Bad(f"unknown value type {vtype} at offset {self.pos}")


def scan(handle: BinaryIO, size: int, report: ScanReport, member: str = "") -> None:
    handle.seek(0)
    head = handle.read(8)
    version = struct.unpack("<I", head[4:8])[0] if len(head) == 8 else 0
    if version not in (1, 2, 3):
        report.add(MALFORMED, f"GGUF version {version} is unknown; loaders refuse or read it differently", member, key="gguf-version")
        return
    r = _Reader(handle, size, version)
    r.pos = 8
    try:
        n_tensors = r.count()
        n_kv = r.count()
        if n_kv > MAX_KV or n_tensors > MAX_KV:
            raise Bad(f"{n_kv} metadata entries and {n_tensors} tensors declared")
        templates: List[Tuple[str, str]] = []
        for _ in range(n_kv):
            key = r.string() or ""
            vtype = r.scalar("<I")
            keep = key.startswith("tokenizer.chat_template")
            value = r.value(vtype, keep)
            if keep and isinstance(value, str):
                templates.append((key, value))
            elif keep and vtype == 9:
                report.add(UNVERIFIABLE, f"`{key[:80]}` is an array, not a template string", member, key=f"gguf-template-type:{key[:80]}")
        for _ in range(n_tensors):
            r.string(False)
            dims = r.scalar("<I")
            if dims > 16:
                raise Bad(f"a tensor with {dims} dimensions")
            r.skip(dims * (8 if r.wide else 4) + 4 + 8)
    except Bad as exc:
        report.add(MALFORMED, f"the GGUF header is malformed: {exc}; loaders refuse or read it differently", member, key="gguf-header")
        return
    for key, text in templates:
        for risk in template_risks(text):
            report.add(CHAT_TEMPLATE, f"`{key[:80]}` {risk}", member, key=f"template:{key[:80]}:{risk[:40]}")
    report.notes.append(f"{member or 'file'}: GGUF v{version}: {n_kv} metadata entries, {n_tensors} tensors, {len(templates)} chat templates")


_BLOCK = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.S)
#: Jinja code constructs that reach Python objects, with what they reach
_CODE_RISKS = [
    (re.compile(r"__\w*__|\b_{2}\w+"), "uses a dunder attribute (`__class__`, `__globals__`, `__subclasses__` …), which reaches Python internals"),
    (re.compile(r"\|\s*attr\b|\battr\s*\("), "uses the `attr` filter, which reads any attribute by a computed name"),
    (re.compile(r"\b(lipsum|cycler|joiner|self|request|config|url_for|get_flashed_messages)\b\s*[.|\[]"), "uses a Jinja global whose attributes reach module globals (`lipsum.__globals__` …)"),
    (re.compile(r"\b(mro|subclasses|func_globals|f_globals|gi_frame|tb_frame|co_code|im_func|builtins|popen|subprocess|importlib|getattr)\b"), "names Python internals or process functions"),
    (re.compile(r"\\x5f|\\u005f|\\137|\\U0000005f", re.I), "spells `_` with an escape, hiding an attribute name"),
    (re.compile(r"^\s*(import|from)\b"), "imports another template module"),
]


def template_risks(text: str) -> List[str]:
    """What in a Jinja template can reach Python objects (empty: benign)."""
    risks: List[str] = []
    for match in _BLOCK.finditer(text):
        code = match.group(1) if match.group(1) is not None else match.group(2)
        code = code.strip("-+ \t\r\n")
        literals = _STRING.findall(code)
        bare = _STRING.sub("''", code)
        for pattern, why in _CODE_RISKS:
            if pattern.search(bare) and why not in risks:
                risks.append(why)
        # a dunder spelled as strings only matters where a name is looked up: x['__cla' ~ 'ss__'], attr('__x__')
        lookup = "[" in bare or re.search(r"\battr\b", bare) is not None
        for lit in literals:
            body = lit[1:-1]
            dunderish = body.startswith("__") or body.endswith("__") or (body and set(body) <= {"_"})
            if lookup and dunderish and "builds a dunder name" not in " ".join(risks):
                risks.append("builds a dunder name from string literals (`'__cla' ~ 'ss__'`)")
            if re.search(r"\\x5f|\\u005f", body, re.I) and not any("escape" in r for r in risks):
                risks.append("spells `_` with an escape, hiding an attribute name")
    return risks
