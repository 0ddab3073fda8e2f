"""Content sniffing and per-format drivers.

The format is chosen by the file's first bytes, as the loaders choose it
(torch takes the ZIP path only when the file starts with ``PK\\x03\\x04``):

==================  =================================================
``PK\\x03\\x04``     ZIP: PyTorch archive (every ``*.pkl`` member),
                    TorchScript, torch.package, Keras ``.keras``
                    (``config.json``), numpy ``.npz``
``\\x80`` + 2..5     pickle (also legacy PyTorch: stacked pickles,
                    joblib: pickle with raw array bytes inside)
``\\x93NUMPY``       ``.npy``; an object dtype means a pickle payload
``\\x1f\\x8b``, ``BZh``, ``\\xfd7zXZ``, zlib
                    gzip / bz2 / xz / zlib wrapping any of the above
``\\x89HDF``         HDF5; a Keras model if it holds ``model_config``
protocol 0/1        pickle, only for model file extensions (no magic)
==================  =================================================

Limits (:class:`Limits`) bound what one file may cost: bytes per object and
member, member count, compression ratio, decompressed size, nesting depth and
wall time. Hitting one is an UNVERIFIABLE issue, never a silent pass.

Tensor data members of PyTorch archives are not read: their sizes, bounds and
overlaps are checked from the ZIP directories, and their CRC-32 only when they
are small (``Limits.crc_member_bytes``) or ``Limits.crc_all`` is set. That keeps a
500 MB checkpoint at a few milliseconds; tensor bytes are numbers, not code.
"""

from __future__ import annotations

import ast
import io
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, List, Optional, Tuple

from mlwarden.artifacts import keras as keras_scan
from mlwarden.artifacts.pickle_scan import Global, Obj, PickleScanner, SDict, Unresolved
from mlwarden.artifacts.report import DANGEROUS, KERAS_H5, UNVERIFIABLE, ScanReport
from mlwarden.artifacts.stream import ScanLimit, Stream, bytes_source, file_region
from mlwarden.artifacts.zipscan import ZipArchive

MODEL_SUFFIXES = frozenset(
    {".pkl", ".pickle", ".pt", ".pth", ".bin", ".ckpt", ".joblib", ".npy", ".npz", ".dill", ".keras", ".h5", ".hdf5", ".model", ".sav", ".mar"}
)
#: torch.save's legacy magic number (the first pickle of a legacy file)
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_PROTO0_START = frozenset(b"(cI]}N)SVLFG\x80")


@dataclass
class Limits:
    max_object_bytes: int = 1 << 30  # one pickle argument / small member read
    max_members: int = 65536
    max_ratio: float = 200.0  # compression ratio above which a deflated member is a bomb
    max_decompressed: int = 8 << 30  # gzip/bz2/xz output
    max_config_bytes: int = 64 << 20  # keras config.json
    max_depth: int = 4  # nested files (pickle.loads(b"..."), gzip in zip …)
    time_limit: float = 120.0  # seconds per file
    crc_member_bytes: int = 1 << 20  # CRC-check every member up to this size
    crc_all: bool = False


def sniff(head: bytes, suffix: str = "") -> Optional[str]:
    """The format of a stream starting with ``head`` (16+ bytes), or None."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x93NUMPY"):
        return "numpy"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(_HDF5_MAGIC):
        return "hdf5"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "pickle"
    if suffix in MODEL_SUFFIXES:
        if len(head) >= 2 and head[0] == 0x78 and ((head[0] << 8) | head[1]) % 31 == 0:
            return "zlib"
        if head[:1] and head[0] in _PROTO0_START:
            return "pickle"
    return None


#: where HDF5 looks for its superblock (after a user block of 512, 1024 … bytes)
_HDF5_OFFSETS = (512, 1024, 2048, 4096)
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def sniff_handle(handle: BinaryIO, suffix: str = "") -> Optional[str]:
    handle.seek(0)
    head = handle.read(16)
    kind = sniff(head, suffix)
    if kind is None and suffix in (".h5", ".hdf5", ".keras", ".model"):
        for offset in _HDF5_OFFSETS:
            handle.seek(offset)
            if handle.read(8) == _HDF5_MAGIC:
                kind = "hdf5"
                break
    handle.seek(0)
    return kind


def sniff_path(path: os.PathLike) -> Optional[str]:
    """The model format of a file by content (None: not a model file)."""
    try:
        with open(path, "rb") as handle:
            return sniff_handle(handle, Path(path).suffix.lower())
    except OSError:
        return None


class _Scan:
    def __init__(self, report: ScanReport, limits: Limits) -> None:
        self.report = report
        self.limits = limits
        self.deadline = time.monotonic() + limits.time_limit

    # -- entry points ------------------------------------------------------------
    def file(self, handle: BinaryIO, size: int, suffix: str) -> None:
        kind = sniff_handle(handle, suffix)
        if kind == "zip":
            self.zip(handle, size, "", 0)
        elif kind == "hdf5":
            self.hdf5(handle)
        elif kind is not None:
            stream = Stream(file_region(handle, 0, None), max_read=self.limits.max_object_bytes, deadline=self.deadline)
            self.stream(stream, kind, "", 0)
            if _zip_tail(handle, size):
                self.report.add(
                    "malformed",
                    f"the file is a {kind} stream and also a ZIP archive (a polyglot): loaders that check for a ZIP first read something else than torch does",
                    key="polyglot-zip",
                )

    def bytes_(self, data: bytes, member: str, depth: int) -> None:
        if depth > self.limits.max_depth:
            self.report.add(UNVERIFIABLE, f"nested more than {self.limits.max_depth} levels deep", member, key="too-deep")
            return
        kind = sniff(data[:16], ".pkl")
        if kind == "zip":
            self.zip(io.BytesIO(data), len(data), member + " > ", depth)
        elif kind == "hdf5":
            self.hdf5(io.BytesIO(data))
        elif kind is not None:
            self.stream(Stream(bytes_source(data), max_read=self.limits.max_object_bytes, deadline=self.deadline), kind, member, depth)
        else:
            self.report.add(UNVERIFIABLE, "nested data is not a format mlwarden can read", member, key="nested-unknown")

    # -- streams -----------------------------------------------------------------------
    def stream(self, stream: Stream, kind: str, member: str, depth: int) -> None:
        if kind == "pickle":
            self.pickles(stream, member, depth)
        elif kind == "numpy":
            self.npy(stream, member, depth)
        elif kind in ("gzip", "bz2", "xz", "zlib"):
            self.decompress(stream, kind, member, depth)

    def _set_format(self, fmt: str) -> None:
        if self.report.format is None:
            self.report.format = fmt

    def pickles(self, stream: Stream, member: str, depth: int) -> None:
        """One pickle, then any pickles stacked after it (legacy torch)."""
        self._set_format("pickle")
        self.report.pickle_based = True
        first = self._one_pickle(stream, member, depth)
        if isinstance(first, int) and first == LEGACY_MAGIC:
            if self.report.format == "pickle":
                self.report.format = "torch-legacy"
            # protocol version, sys info, the object, the storage keys
            for _ in range(4):
                if not stream.peek(1):
                    self.report.add(UNVERIFIABLE, "a legacy PyTorch file that ends before its storage keys (truncated)", member, stream.tell(), key="legacy-truncated")
                    return
                self._one_pickle(stream, member, depth)
            return
        while True:
            nxt = stream.peek(2)
            if len(nxt) == 2 and nxt[0] == 0x80 and 2 <= nxt[1] <= 5:
                self._one_pickle(stream, member, depth)
            else:
                if nxt:
                    self.report.notes.append(f"{member or 'file'}: data after the last pickle at offset {stream.tell()} (not a pickle; not loaded by pickle)")
                return

    def _one_pickle(self, stream: Stream, member: str, depth: int) -> Any:
        scanner = PickleScanner(
            self.report,
            member,
            nested=lambda data, label: self.bytes_(data, label, depth + 1),
            on_build=self._on_build,
        )
        return scanner.scan(stream, self.deadline)

    def _on_build(self, scanner: PickleScanner, obj: Obj, stream: Stream, pos: int) -> None:
        """joblib: a NumpyArrayWrapper's raw array bytes follow its BUILD."""
        if not (isinstance(obj.func, Global) and obj.func.name == "joblib.numpy_pickle.NumpyArrayWrapper"):
            return
        if self.report.format == "pickle":
            self.report.format = "joblib"
        state = obj.state
        if not isinstance(state, SDict):
            raise Unresolved(f"a joblib array wrapper without a state dict (offset {pos})")
        shape = state.get("shape")
        itemsize, hasobject = _dtype_info(state.get("dtype"))
        if hasobject:
            self._one_pickle(stream, scanner.member, 0)
            return
        if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape) or itemsize is None:
            raise Unresolved(f"a joblib array whose shape or dtype cannot be read (offset {pos}), so its data cannot be skipped")
        if state.get("numpy_array_alignment_bytes") is not None:
            pad = stream.read(1)
            if not pad:
                raise Unresolved("a joblib array ends before its padding (truncated)")
            stream.skip(pad[0])
        nbytes = math.prod(shape) * itemsize
        if stream.skip(nbytes) < nbytes:
            raise Unresolved(f"a joblib array of {nbytes} bytes is truncated")

    def npy(self, stream: Stream, member: str, depth: int) -> None:
        self._set_format("numpy")
        magic = stream.read(8)
        if len(magic) < 8:
            self.report.add(UNVERIFIABLE, "a truncated .npy header", member, 0, key="npy-truncated")
            return
        major = magic[6]
        size_bytes = 2 if major == 1 else 4
        raw_len = stream.read(size_bytes)
        hlen = int.from_bytes(raw_len, "little") if len(raw_len) == size_bytes else -1
        if hlen < 0 or hlen > 1 << 20:
            self.report.add(UNVERIFIABLE, "a .npy header of impossible length", member, 8, key="npy-header-length")
            return
        header = stream.read(hlen)
        try:
            meta = ast.literal_eval(header.decode("latin-1" if major < 3 else "utf-8"))
            descr = meta["descr"]
        except Exception:
            self.report.add(UNVERIFIABLE, "the .npy header is not a readable dict literal", member, 8 + size_bytes, key="npy-header")
            return
        if _descr_has_object(descr):
            # np.save writes object arrays with pickle.dump: np.load(allow_pickle=True) unpickles it
            self.report.pickle_based = True
            self.report.notes.append(f"{member or 'file'}: object dtype: the array is a pickle")
            start = stream.tell()
            if not stream.peek(1):
                self.report.add(UNVERIFIABLE, "an object array without its pickle (truncated)", member, start, key="npy-no-pickle")
                return
            self.pickles(stream, member, depth)

    def decompress(self, stream: Stream, kind: str, member: str, depth: int) -> None:
        import bz2
        import lzma
        import zlib

        if kind == "gzip":
            dec: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif kind == "zlib":
            dec = zlib.decompressobj()
        elif kind == "bz2":
            dec = bz2.BZ2Decompressor()
        else:
            dec = lzma.LZMADecompressor()
        state = {"in": 0, "out": 0}
        limit = self.limits.max_decompressed

        def source(n: int) -> bytes:
            while True:
                if getattr(dec, "eof", False):
                    return b""
                chunk = stream.read(min(1 << 16, stream.max_read)) if stream.peek(1) else b""
                if not chunk:
                    return b""
                state["in"] += len(chunk)
                out = dec.decompress(chunk)
                if out:
                    state["out"] += len(out)
                    if state["out"] > limit:
                        raise ScanLimit(f"decompressed data exceeds {limit} bytes")
                    if state["out"] > 64 << 20 and state["out"] > self.limits.max_ratio * 10 * state["in"]:
                        raise ScanLimit(f"compression ratio above {int(self.limits.max_ratio * 10)}:1 (decompression bomb)")
                    return out

        inner = Stream(source, max_read=self.limits.max_object_bytes, deadline=self.deadline)
        self._set_format(kind)
        try:
            head = inner.peek(16)
        except Exception:
            self.report.add(UNVERIFIABLE, f"the {kind} stream is corrupt", member, key=f"{kind}-corrupt")
            return
        inner_kind = sniff(head, ".pkl")
        if inner_kind in ("zip", "hdf5") or inner_kind is None:
            if inner_kind is not None:
                self.report.add(UNVERIFIABLE, f"a {inner_kind} archive inside {kind} is not scanned", member, key=f"{kind}-{inner_kind}")
            return
        label = member
        if self.report.format == kind:
            self.report.format = None
        self.stream(inner, inner_kind, label, depth + 1)
        if self.report.format in ("pickle", "numpy", "joblib", "torch-legacy"):
            self.report.format = f"{kind}+{self.report.format}"

    # -- archives --------------------------------------------------------------------
    def zip(self, handle: BinaryIO, size: int, prefix: str, depth: int) -> None:
        archive = ZipArchive(handle, size, self.report, max_members=self.limits.max_members, prefix=prefix)
        if not archive.ok:
            self._set_format("zip")
            return
        names = [m.name for m in archive.members]
        lim = self.limits
        if "config.json" in archive.by_name and ("metadata.json" in archive.by_name or "model.weights.h5" in archive.by_name):
            self._set_format("keras")
            data = archive.read(archive.by_name["config.json"], limit=lim.max_config_bytes, deadline=self.deadline, max_ratio=lim.max_ratio)
            if data is not None:
                keras_scan.scan_config(data, self.report, prefix + "config.json")
            self._crc_rest(archive, {"config.json"})
            return
        pkl = [m for m in archive.members if m.name.endswith(".pkl")]
        npys = [m for m in archive.members if m.name.endswith(".npy")]
        if pkl:
            torchscript = any("/code/" in n or n.startswith("code/") for n in names) or any(n.endswith("constants.pkl") for n in names)
            self._set_format("torchscript" if torchscript else "torch-zip")
            self.report.pickle_based = True
            if torchscript:
                self.report.trusted_prefixes = ("__torch__.", "torch.jit._pickle.")
            roots = {n.split("/", 1)[0] for n in (m.name for m in pkl) if n.endswith("data.pkl") and "/" in n}
            if len(roots) > 1:
                self.report.add(
                    "malformed", f"several archive roots hold a data.pkl ({', '.join(sorted(roots))}); loaders disagree on which one they read", prefix.rstrip(" >"), key="zip-roots"
                )
            if any(n.endswith(".data/extern_modules") for n in names):
                self.report.format = "torch-package"
            for m in archive.members:
                if m.name.endswith(".py") and "/code/" not in m.name and not m.name.startswith("code/") and self.report.format == "torch-package":
                    self.report.add(DANGEROUS, f"`{m.name}` is Python source that torch.package runs when the package is imported", prefix + m.name, key=f"package-source:{m.name}")
            for m in pkl:
                self._zip_pickle(archive, m, prefix, depth)
            self._crc_rest(archive, {m.name for m in pkl})
        elif npys and all(n.endswith(".npy") or n.endswith("/") for n in names):
            self._set_format("npz")
            for m in npys:
                try:
                    stream, inflate = archive.open(m, max_read=lim.max_object_bytes, max_out=lim.max_decompressed, max_ratio=lim.max_ratio, deadline=self.deadline)
                    self.npy(stream, prefix + m.name, depth)
                    if m.usize <= lim.crc_member_bytes or lim.crc_all or self.report.pickle_based:
                        archive.finish(m, stream, inflate)
                except ScanLimit as exc:
                    if str(exc) != "compression ratio":
                        self.report.add(UNVERIFIABLE, f"cannot be read: {exc}", prefix + m.name, key=f"zip-read:{m.name}")
        else:
            self._set_format("zip")
            self.report.notes.append("a ZIP archive that holds no pickle, .npy or Keras config")

    def _zip_pickle(self, archive: ZipArchive, m, prefix: str, depth: int) -> None:
        lim = self.limits
        try:
            stream, inflate = archive.open(m, max_read=lim.max_object_bytes, max_out=lim.max_decompressed, max_ratio=lim.max_ratio, deadline=self.deadline)
        except ScanLimit as exc:
            if str(exc) not in ("compression ratio", "member cannot be read"):
                self.report.add(UNVERIFIABLE, f"cannot be read: {exc}", prefix + m.name, key=f"zip-read:{m.name}")
            return
        self._one_pickle_stacked(stream, prefix + m.name, depth)
        archive.finish(m, stream, inflate)

    def _one_pickle_stacked(self, stream: Stream, member: str, depth: int) -> None:
        fmt = self.report.format
        self.pickles(stream, member, depth)
        self.report.format = fmt

    def _crc_rest(self, archive: ZipArchive, done: set) -> None:
        lim = self.limits
        for m in archive.members:
            if m.name in done or m.name.endswith("/"):
                continue
            if m.usize <= lim.crc_member_bytes or lim.crc_all:
                try:
                    stream, inflate = archive.open(m, max_read=1 << 20, max_out=m.usize + 1, max_ratio=lim.max_ratio, deadline=self.deadline)
                    archive.finish(m, stream, inflate)
                except ScanLimit as exc:
                    if str(exc) not in ("compression ratio", "member cannot be read"):
                        self.report.add(UNVERIFIABLE, f"cannot be read: {exc}", archive.prefix + m.name, key=f"zip-read:{m.name}")

    def hdf5(self, handle: BinaryIO) -> None:
        handle.seek(0)
        head = handle.read(8 << 20)
        if b"model_config" not in head and b"keras_version" not in head:
            self._set_format("hdf5")
            self.report.notes.append("an HDF5 file without a Keras model_config (data, not a model)")
            return
        self._set_format("keras-h5")
        self.report.add(KERAS_H5, "a Keras HDF5 model", key="keras-h5")
        keras_scan.scan_h5_head(head, self.report)


def _zip_tail(handle: BinaryIO, size: int) -> bool:
    """True if the file ends with a ZIP end record whose central directory
    lies inside the file (what ``zipfile.is_zipfile`` accepts)."""
    import struct

    tail_len = min(size, 22 + 65535)
    if tail_len < 22:
        return False
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    idx = tail.rfind(b"PK\x05\x06")
    if idx < 0 or idx + 22 > len(tail):
        return False
    cd_size, cd_offset = struct.unpack("<II", tail[idx + 12 : idx + 20])
    eocd = size - tail_len + idx
    start = eocd - cd_size
    if start < 0 or cd_size == 0:
        return False
    handle.seek(start)
    return handle.read(4) == b"PK\x01\x02"


def _dtype_info(dtype: Any) -> Tuple[Optional[int], bool]:
    """(itemsize, has_object) of a symbolic ``numpy.dtype(...)`` call."""
    if not (isinstance(dtype, Obj) and isinstance(dtype.func, Global) and dtype.func.name == "numpy.dtype"):
        return None, False
    args = dtype.args if isinstance(dtype.args, tuple) else ()
    code = args[0] if args and isinstance(args[0], str) else None
    state = dtype.state if isinstance(dtype.state, tuple) else ()
    fields = state[4] if len(state) > 4 else None
    if isinstance(fields, SDict):
        if any(_dtype_info(v[0] if isinstance(v, tuple) and v else v)[1] for _k, v in fields.pairs):
            return None, True
    elsize = state[5] if len(state) > 5 and isinstance(state[5], int) and state[5] > 0 else None
    if code is None:
        return elsize, False
    if code.startswith("O"):
        return 8, True
    if elsize is not None:
        return elsize, False
    kind, digits = code[:1], code[1:]
    if not digits.isdigit():
        return None, False
    n = int(digits)
    return (n * 4 if kind == "U" else n), False


def _descr_has_object(descr: Any) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, (list, tuple)):
        return any(_descr_has_object(part) for part in descr)
    return False


def scan_file(path: os.PathLike, limits: Optional[Limits] = None, display: Optional[str] = None) -> ScanReport:
    """Scan the file at ``path``. Raises OSError only if it cannot be opened."""
    path = Path(path)
    report = ScanReport(path=display or str(path))
    scan = _Scan(report, limits or Limits())
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        _guard(report, lambda: scan.file(handle, size, path.suffix.lower()))
    return report


def scan_bytes(data: bytes, name: str = "<bytes>", limits: Optional[Limits] = None) -> ScanReport:
    report = ScanReport(path=name)
    scan = _Scan(report, limits or Limits())
    _guard(report, lambda: scan.file(io.BytesIO(data), len(data), Path(name).suffix.lower()))
    return report


def _guard(report: ScanReport, action: Callable[[], None]) -> None:
    """Limits and unexpected errors become UNVERIFIABLE issues: never a pass."""
    try:
        action()
    except ScanLimit as exc:
        report.add(UNVERIFIABLE, f"scan stopped: {exc}", key=f"limit:{str(exc).split(' ')[0]}")
    except (RecursionError, MemoryError):
        report.add(UNVERIFIABLE, "scan stopped: the file is nested too deeply or too large", key="limit:resources")
    except OSError:
        raise
    except Exception as exc:  # a reader bug must not turn into a pass
        report.add(UNVERIFIABLE, f"scan stopped: internal error ({type(exc).__name__}: {str(exc)[:80]}); please report this", key="internal")


__all__: List[str] = ["Limits", "MODEL_SUFFIXES", "scan_bytes", "scan_file", "sniff", "sniff_path"]
