"""What a model-file scan finds: plain facts that the MLW6xx rules judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

#: Issue kinds (each is judged by one rule)
DANGEROUS = "dangerous"  # MLW601: a load-time action that only an attack needs (BUILD on a global, ...)
UNVERIFIABLE = "unverifiable"  # MLW603: we cannot follow the file; it fails closed
MALFORMED = "malformed"  # MLW604: an archive anomaly a loader may accept
KERAS_LAMBDA = "keras-lambda"  # MLW605
KERAS_CUSTOM = "keras-custom"  # MLW606
KERAS_H5 = "keras-h5"  # MLW607
CHAT_TEMPLATE = "chat-template"  # MLW611: a Jinja chat template that reaches Python objects
EXTERNAL_DATA = "external-data"  # MLW612: a model points its loader at files outside its directory
GRAPH_OP = "graph-op"  # MLW613: a graph op that touches files, runs Python or needs a native library
LOADER_CODE = "loader-code"  # MLW614: code or callables a model archive makes its loader import


@dataclass(frozen=True)
class GlobalRef:
    """A global the file makes the unpickler import (and maybe call)."""

    name: str  # canonical dotted name, as the unpickler resolves it
    raw: str  # as written in the file (before Python-2 name mapping)
    member: str  # archive member ('' for a plain file); nested pickles add ' > ...'
    offset: int  # byte offset of the opcode inside the member / stream
    opcode: str  # GLOBAL, STACK_GLOBAL, INST
    module: str = ""  # the module part of `name` (what the unpickler imports)
    raw_module: str = ""  # the module part of `raw`


@dataclass(frozen=True)
class Issue:
    kind: str
    detail: str  # one clause, no trailing period; the rule wraps it in its message
    member: str = ""
    offset: Optional[int] = None
    key: str = ""  # stable identity for baselines (no offsets)

    def where(self) -> str:
        parts = []
        if self.member:
            parts.append(f"member `{self.member}`")
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        return ", ".join(parts)


@dataclass
class ScanReport:
    path: str
    #: detected format: "pickle", "torch-zip", "torchscript", "torch-legacy",
    #: "numpy", "npz", "joblib", "keras", "keras-h5", "hdf5", "gzip+pickle" …;
    #: None when the content is not a model format we know
    format: Optional[str] = None
    #: the format deserialises through pickle (MLW610)
    pickle_based: bool = False
    globals: List[GlobalRef] = field(default_factory=list)
    issues: List[Issue] = field(default_factory=list)
    #: notes for `scan-model` (members scanned, bytes skipped …)
    notes: List[str] = field(default_factory=list)
    pickles_scanned: int = 0
    #: global prefixes the format resolves without importing Python (TorchScript's
    #: `__torch__.` classes come from the archive's TorchScript code)
    trusted_prefixes: Tuple[str, ...] = ()

    def add(self, kind: str, detail: str, member: str = "", offset: Optional[int] = None, key: str = "") -> None:
        self.issues.append(Issue(kind, detail, member, offset, key or detail))

    def of_kind(self, kind: str) -> List[Issue]:
        return [i for i in self.issues if i.kind == kind]
