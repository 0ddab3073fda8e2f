"""Content identification and the per-format drivers.

A file is identified by **parsing** it, never by its name and never by a
short list of first bytes (:func:`identify`):

==========================  ==========================================
magic / structure           format
==========================  ==========================================
``PK\\x03\\x04``             ZIP: every member sniffed by content (torch,
                            TorchScript, torch.package, Keras ``.keras``,
                            ``.npz``, TorchServe ``.mar``, polyglots)
``7z\\xbc\\xaf\\x27\\x1c``     7z (py7zr, the ``mlwarden[models]`` extra)
``ustar`` / tar checksum    tar: legacy torch (``storages``, ``tensors``,
                            ``pickle``), NeMo ``.nemo``, any tar
gzip, bz2, xz, lz4, zlib    decompressed (bounded) and identified again
``\\x93NUMPY``               ``.npy``; an object dtype is a pickle
``\\x89HDF`` (+ user block)  HDF5; a Keras model if it has ``model_config``
``GGUF``                    GGUF header and metadata (chat templates)
u64 length + ``{``          safetensors header
protobuf fields             ONNX, SavedModel, frozen GraphDef
any opcode sequence         pickle, when it parses as one (see below)
==========================  ==========================================

**A pickle is identified by parsing it** from its first byte, with any first
opcode (protocols 0-5, no header needed), inside gzip/zlib too. Content is a
pickle when the simulated unpickler reaches ``STOP``, or when it imports or
calls something (``GLOBAL``, ``STACK_GLOBAL``, ``INST``, ``EXT*``,
persistent ids) before it fails: that is exactly when ``pickle.load`` has an
effect. Content on which ``pickle.load`` fails before doing anything is not a
pickle. What is then left unidentified follows the name rule of
:mod:`.names`: a model name is MLW603, a generic name is a note.

Limits (:class:`Limits`) bound what one file may cost: bytes per object and
member, member count, compression ratio, decompressed size, nesting depth,
pickle opcodes and wall time. Hitting one is an UNVERIFIABLE issue, never a
silent pass.

Tensor data members of PyTorch archives (``<root>/data/<key>``) are read by
torch as raw bytes, never deserialised: they are not parsed, only checked
from the ZIP directories (CRC too when small or with ``--full-crc``).
"""

from __future__ import annotations

import ast
import io
import math
import os
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Callable, List, Optional, Tuple

from mlwarden.artifacts import keras as keras_scan
from mlwarden.artifacts.names import GENERIC, MODEL, OTHER, name_strength
from mlwarden.artifacts.pickle_scan import Global, Obj, PickleScanner, SDict, Unresolved
from mlwarden.artifacts.report import DANGEROUS, KERAS_H5, LOADER_CODE, MALFORMED, UNVERIFIABLE, ScanReport
from mlwarden.artifacts.stream import ScanLimit, Stream, bytes_source, file_region
from mlwarden.artifacts.zipscan import ZipArchive

#: torch.save's legacy magic number (the first pickle of a legacy file)
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
#: where HDF5 looks for its superblock (after a user block of 512, 1024 … bytes)
_HDF5_OFFSETS = (0, 512, 1024, 2048, 4096, 8192)
SEVENZ_MAGIC = b"7z\xbc\xaf\x27\x1c"
LZ4_MAGIC = b"\x04\x22\x4d\x18"
COMPRESSED = ("gzip", "bz2", "xz", "lzma", "zlib", "lz4", "zstd")
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_PROBE_BYTES = 1 << 16
#: first bytes of the protobuf formats (field 1 varint / length-delimited, field 2): never pickle opcodes
_PROTOBUF_FIRST = (b"\x08", b"\x0a", b"\x12")


@dataclass
class Limits:
    max_object_bytes: int = 1 << 30  # one pickle argument / small member read
    max_members: int = 65536
    max_ratio: float = 200.0  # compression ratio above which a deflated member is a bomb
    max_decompressed: int = 8 << 30  # gzip/bz2/xz/lz4/7z output
    max_config_bytes: int = 64 << 20  # keras config.json, yaml configs, manifests
    max_depth: int = 4  # nested files (pickle.loads(b"..."), gzip in zip …)
    max_ops: int = 2_000_000  # pickle opcodes per stream (CPU bombs: about 6 s of work)
    max_streams: int = 64  # concatenated pickle streams in one file
    time_limit: float = 60.0  # seconds per file
    crc_member_bytes: int = 1 << 20  # CRC-check every member up to this size
    crc_all: bool = False
    spool_bytes: int = 64 << 20  # nested members kept in memory up to this size, then in a temp file


class Region(io.RawIOBase):
    """A seekable read-only view of ``length`` bytes of ``handle`` at ``start``."""

    def __init__(self, handle: BinaryIO, start: int, length: int) -> None:
        self._h, self._start, self._len, self._pos = handle, start, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = min(len(b), self._len - self._pos)
        if n <= 0:
            return 0
        self._h.seek(self._start + self._pos)
        data = self._h.read(n)
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._len}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def fileno(self) -> int:
        raise OSError("a region has no file descriptor")


def _read_at(f: BinaryIO, offset: int, n: int) -> bytes:
    f.seek(offset)
    return f.read(n)


def magic(head: bytes, f: Optional[BinaryIO] = None, size: int = 0) -> Optional[str]:
    """The container/format a stream's first bytes announce, or None (then
    a pickle or a protobuf is tried by parsing)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(SEVENZ_MAGIC):
        return "7z"
    if head.startswith(b"\x93NUMPY"):
        return "numpy"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(LZ4_MAGIC):
        return "lz4"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(b"ZF0x") and len(head) > 23 and head[21:22] == b"\x78":
        return "joblib-zfile"  # joblib < 0.10: "ZF", the hex length padded to 19 bytes, then zlib
    if head.startswith(b"\x5d\x00\x00") and len(head) >= 13:
        # LZMA "alone" (.lzma, joblib's compress="lzma"): lc/lp/pb 3/0/2, a
        # power-of-two dictionary; as a pickle `]\x00` fails at its 2nd byte
        return "lzma"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head[:4] in (b"$FL2", b"$FL3", b"MAR1"):
        return "other-data"  # SPSS `.sav` data, Mozilla update `.mar` archives: share a model extension, never loaded as models
    if head[:4] in (b"lmgg", b"fmgg", b"tjgg", b"algg"):
        return "ggml"  # GGUF's predecessors (GGML, GGMF, GGJT, LoRA): weights and a vocabulary only
    if head.startswith(_HDF5_MAGIC):
        return "hdf5"
    if len(head) >= 2 and head[0] == 0x78 and head[1] in (0x01, 0x5E, 0x9C, 0xDA):
        return "zlib"
    if _is_tar(head):
        return "tar"
    if head.startswith(b"version https://git-lfs.github.com/spec/") and len(head) < 1024 and b"\noid sha256:" in head:
        return "lfs-pointer"
    from mlwarden.artifacts import safetensors

    if size and safetensors.looks_like(head, size):
        return "safetensors"
    if f is not None and size > 512:
        for offset in _HDF5_OFFSETS[1:]:
            if offset + 8 <= size and _read_at(f, offset, 8) == _HDF5_MAGIC:
                return "hdf5"
    return None


def _is_tar(head: bytes) -> bool:
    """What ``tarfile.open`` accepts as a first header (torch tries tar
    before anything else for a file that is not a ZIP): ``ustar``, or a
    checksum field (octal up to the first NUL, or base-256) that matches the
    unsigned or signed byte sum."""
    if len(head) < 512:
        return False
    if head[257:262] == b"ustar":
        return True
    field = head[148:156]
    if field[:1] in (b"\x80", b"\xff"):
        stored = int.from_bytes(field[1:], "big") if field[:1] == b"\x80" else -1
    else:
        text = field.split(b"\x00", 1)[0].strip()
        try:
            stored = int(text or b"0", 8)
        except ValueError:
            return False
    block = head[:148] + b" " * 8 + head[156:512]
    unsigned = sum(block)
    signed = sum(b - 256 if b > 127 else b for b in block)
    return stored in (unsigned, signed) and head[:512].count(0) < 512


def is_pickle(scanner: PickleScanner, strength: str) -> bool:
    """The identification rule (see the module doc): an effect (a name
    ``__import__`` can resolve, an extension code, a persistent id), or a
    complete stream that has a PROTO header or a model name."""
    return bool(scanner.effects) or (scanner.outcome == "stop" and (scanner.headed or strength == MODEL))


def probe_pickle(data: bytes, strength: str = "") -> bool:
    """Whether bytes parse as a pickle (see the module doc): used for quick
    identification of files named on the command line.

    A name no model file uses (``LICENSE``, ``logo.png``, ``.dockerignore``:
    :data:`OTHER`) needs what a loader would actually do: a PROTO header, or
    a complete stream that imports something, or a call of an imported name
    that the simulated unpickler reached before failing. Not a persistent id
    alone (every text whose first line starts with ``P`` reads as one, and
    so does every PNG: ``\\x89`` is ``NEWFALSE``, then ``PNG\\r``), not a
    name the sweep after a failure found in prose, not a length field that
    claims gigabytes. Each of these made ordinary files high findings."""
    report = ScanReport(path="")
    scanner = PickleScanner(report, "", max_ops=200_000)
    stream = Stream(bytes_source(data), max_read=len(data) + 1)
    try:
        scanner.scan(stream)
    except ScanLimit:
        return strength != OTHER or scanner.headed
    if strength == OTHER and not scanner.headed:
        if scanner.outcome == "stop":
            return scanner.simulated_effects - scanner.persistent_ids > 0
        return scanner.calls > 0  # `ct\nm.j\n` (a word list) imports `t` and fails: a loader call is evidence
    if is_pickle(scanner, strength):
        return True
    # ran out of probe bytes while still parsing: a long data pickle
    return len(data) >= _PROBE_BYTES and stream.tell() >= len(data) - 16


def sniff_path(path: os.PathLike) -> Optional[str]:
    """The model format of a file by content, or None (not a model file)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(_PROBE_BYTES)
            kind = magic(head[:1024], handle, size)
            strength = name_strength(path)
            if kind in _STREAM_WRAPPERS and strength == OTHER:
                # `words.txt.gz`, a git object: a model only if what it wraps is one
                inner = _unwrapped_head(kind, head)
                return kind if inner is not None and (magic(inner[:1024]) is not None or probe_pickle(inner, OTHER)) else None
            if kind is not None:
                return kind
            if probe_pickle(head, strength):
                return "pickle"
            from mlwarden.artifacts import protobuf

            if Path(path).suffix.lower() in (".onnx", ".pb") and protobuf.classify(head if size <= len(head) else _mm(handle, size), size):
                return "protobuf"
    except (OSError, ValueError):
        return None
    return None


#: single-stream compressions :func:`_unwrapped_head` opens with the standard library
_STREAM_WRAPPERS = ("gzip", "zlib", "bz2", "xz", "lzma")


def _unwrapped_head(kind: str, head: bytes) -> Optional[bytes]:
    """The first bytes that ``head`` (a compressed stream's start)
    decompresses to, at most :data:`_PROBE_BYTES`; None when they cannot be
    read."""
    import zlib

    try:
        if kind in ("gzip", "zlib"):
            return zlib.decompressobj(zlib.MAX_WBITS | (16 if kind == "gzip" else 0)).decompress(head, _PROBE_BYTES)
        if kind == "bz2":
            import bz2

            return bz2.BZ2Decompressor().decompress(head, max_length=_PROBE_BYTES)
        import lzma

        decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ if kind == "xz" else lzma.FORMAT_ALONE)
        return decompressor.decompress(head, max_length=_PROBE_BYTES)
    except Exception:  # noqa: BLE001 - zlib.error, OSError (bz2), lzma.LZMAError, EOFError: unreadable either way
        return None


def _mm(handle: BinaryIO, size: int):
    import mmap

    try:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, io.UnsupportedOperation):
        handle.seek(0)
        return handle.read(size)


class _Scan:
    def __init__(self, report: ScanReport, limits: Limits, model_dir: Optional[str] = None) -> None:
        self.report = report
        self.limits = limits
        self.deadline = time.monotonic() + limits.time_limit
        self.model_dir = model_dir
        self._head = b""

    def _set_format(self, fmt: str) -> None:
        if self.report.format is None:
            self.report.format = fmt

    def _stream(self, f: BinaryIO, size: int) -> Stream:
        return Stream(file_region(f, 0, size), max_read=self.limits.max_object_bytes, deadline=self.deadline)

    # -- identification -----------------------------------------------------------------
    def blob(self, f: BinaryIO, size: int, name: str, member: str, depth: int, strength: str = "") -> None:
        """Identify and scan ``size`` bytes of the seekable ``f``."""
        if depth > self.limits.max_depth:
            self.report.add(UNVERIFIABLE, f"nested more than {self.limits.max_depth} levels deep", member, key="too-deep")
            return
        strength = strength or name_strength(name)
        head = self._head = _read_at(f, 0, 1024)
        kind = magic(head, f, size)
        prefix = member + " > " if member else ""
        if kind == "zip":
            self.zip(f, size, prefix, depth, name)
        elif kind == "7z":
            self.sevenz(f, size, prefix, depth)
        elif kind == "tar":
            self.tar(f, size, prefix, depth, name)
        elif kind in COMPRESSED:
            self.decompress(self._stream(f, size), kind, name, member, depth, strength)
        elif kind == "joblib-zfile":
            stream = self._stream(f, size)
            stream.skip(21)
            self.decompress(stream, "zlib", name, member, depth, strength)
        elif kind == "numpy":
            self.npy(self._stream(f, size), member, depth)
        elif kind == "hdf5":
            self.hdf5(f, size, member)
        elif kind == "gguf":
            from mlwarden.artifacts import gguf

            self._set_format("gguf")
            gguf.scan(f, size, self.report, member)
        elif kind == "safetensors":
            from mlwarden.artifacts import safetensors

            self._set_format("safetensors")
            safetensors.scan(f, size, self.report, member)
        elif kind == "other-data":
            self.report.notes.append(f"{member or 'file'}: {'an SPSS data file' if head.startswith(b'$FL') else 'a Mozilla update archive'}, not a model (same extension)")
        elif kind == "ggml":
            self._set_format("ggml")
            self.report.notes.append(f"{member or 'file'}: a legacy GGML model: weights and a vocabulary, no code or template")
        elif kind == "lfs-pointer":
            # the working tree holds a pointer, not the model: nothing here can be loaded
            self._set_format("git-lfs-pointer")
            self.report.notes.append(f"{member or 'file'}: a Git LFS pointer; the model is not in this checkout (scan it after `git lfs pull`)")
        elif not self.protobuf(f, size, name, member) and not self.pickles(self._stream(f, size), member, depth, probe=True, strength=strength):
            self.unidentified(name, member, strength, size)
        self._polyglot(f, size, kind, member)

    def unidentified(self, name: str, member: str, strength: str, size: int) -> None:
        shown = PurePosixPath(name).name or "the file"
        if strength == MODEL and not name:
            self.report.add(UNVERIFIABLE, "nested data handed to a loader is no format mlwarden can read", member, key="nested-unknown")
        elif strength == MODEL and shown.lower().endswith(".pth") and size < 1 << 20 and _is_text(self._head):
            # site's path configuration files share the extension with checkpoints
            self.report.notes.append(f"{member or shown}: a text `.pth` file (a Python path configuration), not a checkpoint")
        elif strength == MODEL and self._head.startswith(b"#!") and size <= len(self._head) and _is_text(self._head):
            # a whole file of text under its `#!` line (deepspeed ships `bin/deepspeed.pt`, its launcher): the
            # first byte, `#`, is no pickle opcode and no archive or weight format starts so; a longer file,
            # or one with binary bytes (a zipapp: a script line, then a zip), stays unverifiable
            self.report.notes.append(f"{member or shown}: a script (a `#!` line, then text), not a model: no model loader reads it")
        elif strength == MODEL:
            self.report.add(
                UNVERIFIABLE,
                f"it is named like a model file (`{shown}`), but its content is no format mlwarden identifies (not a pickle by structure, nor an archive or weight format)",
                member,
                key="unidentified",
            )
        elif size:
            self.report.notes.append(f"{member or shown}: not a model format mlwarden reads ({'a generic model-file name: ' if strength == GENERIC else ''}content decides)")

    def _polyglot(self, f: BinaryIO, size: int, kind: Optional[str], member: str) -> None:
        if kind == "zip" or member:
            return
        if kind in ("numpy",) or self.report.format in ("pickle", "torch-legacy", "joblib") or kind in COMPRESSED:
            if _zip_tail(f, size):
                self.report.add(
                    MALFORMED,
                    f"the file is a {self.report.format or kind} stream and also a ZIP archive (a polyglot): loaders that check for a ZIP first read something else than torch does",
                    key="polyglot-zip",
                )

    def bytes_(self, data: bytes, member: str, depth: int) -> None:
        """Bytes handed to a nested loader (``pickle.loads(b"...")``)."""
        fmt = self.report.format
        self.blob(io.BytesIO(data), len(data), "", member, depth, strength=MODEL)
        self.report.format = fmt

    # -- pickles ----------------------------------------------------------------------
    def pickles(self, stream: Stream, member: str, depth: int, probe: bool = False, strength: str = "") -> bool:
        """A pickle and any pickles concatenated after it. With ``probe``,
        return False (and report nothing) if the first is not a pickle by
        structure."""
        first, scanner = self._one_pickle(stream, member, depth, probe=probe, strength=strength)
        if scanner is None:
            return False
        self._set_format("pickle")
        self.report.pickle_based = True
        if isinstance(first, int) and first == LEGACY_MAGIC:
            if self.report.format == "pickle":
                self.report.format = "torch-legacy"
            # protocol version, sys info, the object, the storage keys; raw storages follow
            for _ in range(4):
                if not stream.peek(1):
                    self.report.add(UNVERIFIABLE, "a legacy PyTorch file that ends before its storage keys (truncated)", member, stream.tell(), key="legacy-truncated")
                    return True
                self._one_pickle(stream, member, depth)
            return True
        for _ in range(self.limits.max_streams):
            if scanner.outcome != "stop" or not stream.peek(1):
                return True
            offset = stream.tell()
            # another stream: whoever calls pickle.load again reads it
            # whoever calls pickle.load again reads any complete stream
            _value, scanner = self._one_pickle(stream, member, depth, probe=True, strength=MODEL)
            if scanner is None:
                self.report.notes.append(f"{member or 'file'}: data after the last pickle at offset {offset} (not a pickle by structure)")
                return True
        self.report.add(UNVERIFIABLE, f"more than {self.limits.max_streams} concatenated pickle streams", member, key="too-many-streams")
        return True

    def _one_pickle(self, stream: Stream, member: str, depth: int, probe: bool = False, strength: str = MODEL) -> Tuple[Any, Optional[PickleScanner]]:
        outer = self.report
        target = ScanReport(path=outer.path, format=outer.format) if probe else outer
        scanner = PickleScanner(
            target,
            member,
            nested=lambda data, label: self.bytes_(data, label, depth + 1),
            on_build=self._on_build,
            max_ops=self.limits.max_ops,
        )
        self.report = target  # nested scans go where the scanner writes
        try:
            value = scanner.scan(stream, self.deadline)
        finally:
            self.report = outer
        if not probe and scanner.outcome == "failed" and not scanner.effects and scanner.failure:
            detail, offset = scanner.failure
            self.report.add(UNVERIFIABLE, detail, member, offset, key=f"failed:{detail}")
        if probe:
            if not is_pickle(scanner, strength):
                return None, None
            if scanner.effects:  # without an importable name, recorded "globals" are noise that imports nothing
                self.report.globals.extend(target.globals)
            self.report.issues.extend(target.issues)
            self.report.notes.extend(target.notes)
            self.report.pickles_scanned += target.pickles_scanned
            if target.format and self.report.format in (None, "pickle"):
                self.report.format = target.format
            self.report.pickle_based = self.report.pickle_based or target.pickle_based
        return value, scanner

    def _on_build(self, scanner: PickleScanner, obj: Obj, stream: Stream, pos: int) -> None:
        """joblib: a NumpyArrayWrapper's raw array bytes follow its BUILD."""
        if not (isinstance(obj.func, Global) and obj.func.name in ("joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper")):
            return
        target = scanner.report
        if target.format in (None, "pickle"):
            target.format = "joblib"
        state = obj.state
        if not isinstance(state, SDict):
            raise Unresolved(f"a joblib array wrapper without a state dict (offset {pos})")
        shape = state.get("shape")
        itemsize, hasobject = _dtype_info(state.get("dtype"))
        if hasobject:
            # the array is an embedded pickle: scanned as one, then the outer stream goes on
            inner = PickleScanner(scanner.report, scanner.member, nested=scanner.nested, on_build=self._on_build, max_ops=self.limits.max_ops)
            inner.scan(stream, self.deadline)
            scanner.effects += inner.effects
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

    # -- numpy --------------------------------------------------------------------------
    def npy(self, stream: Stream, member: str, depth: int) -> None:
        self._set_format("numpy")
        magic_ = stream.read(8)
        if len(magic_) < 8:
            self.report.add(UNVERIFIABLE, "a truncated .npy header", member, 0, key="npy-truncated")
            return
        major = magic_[6]
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
        has_object = descr_has_object(descr)
        if has_object is None:
            self.report.add(UNVERIFIABLE, f"the .npy dtype {str(descr)[:60]!r} cannot be parsed, so whether it holds objects is unknown", member, 8 + size_bytes, key="npy-descr")
            return
        if has_object:
            # np.save writes object arrays with pickle.dump: np.load(allow_pickle=True) unpickles it
            self.report.pickle_based = True
            self.report.notes.append(f"{member or 'file'}: object dtype: the array is a pickle")
            start = stream.tell()
            if not stream.peek(1):
                self.report.add(UNVERIFIABLE, "an object array without its pickle (truncated)", member, start, key="npy-no-pickle")
                return
            fmt = self.report.format
            if not self.pickles(stream, member, depth, probe=True, strength=MODEL):
                self.report.add(UNVERIFIABLE, "an object array whose data is not a pickle numpy can read", member, start, key="npy-bad-pickle")
            self.report.format = fmt

    # -- compression ------------------------------------------------------------------------
    def decompress(self, stream: Stream, kind: str, name: str, member: str, depth: int, strength: str) -> None:
        import bz2
        import lzma
        import zlib

        if kind == "gzip":
            dec: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif kind == "zlib":
            dec = zlib.decompressobj()
        elif kind == "bz2":
            dec = bz2.BZ2Decompressor()
        elif kind == "xz":
            dec = lzma.LZMADecompressor()
        elif kind == "lzma":
            dec = lzma.LZMADecompressor(format=lzma.FORMAT_ALONE)
        elif kind == "zstd":
            dec = _zstd_decompressor()
            if dec is None:
                self.report.add(UNVERIFIABLE, "a zstd-compressed file (pandas reads `.pkl.zst`) cannot be read without a zstd module: install `mlwarden[models]`", member, key="zstd-missing")
                return
        else:
            try:
                import lz4.frame  # type: ignore[import-not-found]
            except ImportError:
                self.report.add(UNVERIFIABLE, "an lz4-compressed file (joblib) cannot be read without the `lz4` package: install `mlwarden[models]`", member, key="lz4-missing")
                return
            dec = lz4.frame.LZ4FrameDecompressor()
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
            head = inner.peek(1024)
        except ScanLimit:
            self.report.add(UNVERIFIABLE, f"the {kind} stream is corrupt", member, key=f"{kind}-corrupt")
            return
        inner_name = name[: name.rfind(".")] if "." in PurePosixPath(name).name else name
        inner_kind = magic(head)
        if self.report.format == kind:
            self.report.format = None
        label = member or ""
        inner_strength = strength if strength == MODEL else name_strength(inner_name)
        if inner_kind == "numpy":
            self.npy(inner, label, depth + 1)
        elif not head:
            self.report.notes.append(f"{label or 'file'}: an empty {kind} stream")
        elif inner_kind is None and head[:1] not in _PROTOBUF_FIRST:
            # a stream format: a pickle is read straight from the decompressor
            if not self.pickles(inner, label, depth + 1, probe=True, strength=inner_strength):
                self.unidentified(inner_name, member, inner_strength, len(head))
        else:
            # a container or a protobuf inside: keep the bytes (bounded) and identify them again
            spool = self._spool(inner)
            size = spool.seek(0, 2)
            self.blob(spool, size, inner_name, member or f"{kind} stream", depth + 1, strength=strength if strength == MODEL else "")
        if self.report.format in ("pickle", "numpy", "joblib", "torch-legacy", "tar", "torch-legacy-tar"):
            self.report.format = f"{kind}+{self.report.format}"
        elif self.report.format is None:
            self.report.format = kind

    def _spool(self, stream: Stream):
        spool = tempfile.SpooledTemporaryFile(max_size=self.limits.spool_bytes)
        while True:
            chunk = stream.read(min(1 << 20, stream.max_read)) if stream.peek(1) else b""
            if not chunk:
                break
            spool.write(chunk)
        spool.seek(0)
        return spool

    # -- archives ------------------------------------------------------------------------
    def zip(self, handle: BinaryIO, size: int, prefix: str, depth: int, name: str = "") -> None:
        archive = ZipArchive(handle, size, self.report, max_members=self.limits.max_members, prefix=prefix)
        if not archive.ok:
            self._set_format("zip")
            return
        lim = self.limits
        lower = {m.name.lower(): m for m in archive.members}
        names = [m.name.lower() for m in archive.members]
        for m in archive.members:
            _traversal(self.report, m.name, prefix)
        # torch reads `<root>/data.pkl` case-insensitively (miniz); TorchScript also `constants.pkl` and code/
        pkl_roots = {n.split("/", 1)[0] for n in names if n.endswith("/data.pkl") and n.count("/") == 1}
        torch_like = bool(pkl_roots) or any(n.endswith(".pkl") for n in names)
        torchscript = any("/code/" in n or n.startswith("code/") for n in names) or any(n.endswith("constants.pkl") for n in names)
        # Keras reads a root `config.json`; a model config names classes
        keras_cfg = None
        if "config.json" in lower:
            keras_cfg = archive.read(lower["config.json"], limit=lim.max_config_bytes, deadline=self.deadline, max_ratio=lim.max_ratio)
        keras_like = keras_cfg is not None and ("metadata.json" in lower or "model.weights.h5" in lower or b'"class_name"' in keras_cfg)
        is_mar = "mar-inf/manifest.json" in lower
        is_npz = bool(names) and not torch_like and not keras_like and any(n.endswith(".npy") for n in names)
        if torch_like:
            self.report.pickle_based = True
            self._set_format("torchscript" if torchscript else "torch-zip")
            if torchscript:
                self.report.trusted_prefixes = ("__torch__.", "torch.jit._pickle.")
            if any(n.endswith(".data/extern_modules") for n in names):
                self.report.format = "torch-package"
        elif keras_like:
            self._set_format("keras")
        elif is_mar:
            self._set_format("torchserve-mar")
        elif is_npz:
            self._set_format("npz")
        if len(pkl_roots) > 1:
            self.report.add(MALFORMED, f"several archive roots hold a data.pkl ({', '.join(sorted(pkl_roots))}); loaders disagree on which one they read", prefix.rstrip(" >"), key="zip-roots")
        if keras_like and keras_cfg is not None:
            keras_scan.scan_config(keras_cfg, self.report, prefix + lower["config.json"].name, nested=lambda blob, label: self.bytes_(blob, label, depth + 1))
        if is_mar:
            self._mar(archive, lower["mar-inf/manifest.json"], prefix)
        for m in archive.members:
            lname = m.name.lower()
            if m.name.endswith("/"):
                continue
            if torch_like and _is_tensor_member(lname):
                self._crc_member(archive, m)
                continue
            if keras_like and lname == "config.json":
                continue
            if self.report.format == "torch-package" and lname.endswith(".py") and "/code/" not in lname and not lname.startswith("code/"):
                self.report.add(DANGEROUS, f"`{m.name}` is Python source that torch.package runs when the package is imported", prefix + m.name, key=f"package-source:{m.name}")
            if torchscript and lname.endswith(".py"):
                continue
            self._zip_member(archive, m, prefix, depth, role=MODEL if lname.endswith((".pkl", "/data.pkl")) else "")
        if not self.report.format:
            self._set_format("zip")

    def _zip_member(self, archive: ZipArchive, m, prefix: str, depth: int, role: str = "") -> None:
        lim = self.limits
        label = prefix + m.name
        try:
            stream, inflate = archive.open(m, max_read=lim.max_object_bytes, max_out=lim.max_decompressed, max_ratio=lim.max_ratio, deadline=self.deadline)
        except ScanLimit as exc:
            if str(exc) not in ("compression ratio", "member cannot be read"):
                self.report.add(UNVERIFIABLE, f"cannot be read: {exc}", label, key=f"zip-read:{m.name}")
            return
        head = stream.peek(1024)
        kind = magic(head)
        if kind is None and head[:1] not in _PROTOBUF_FIRST or kind == "numpy":
            # stream formats: read straight from the archive, CRC-checked as read
            if kind == "numpy":
                fmt = self.report.format
                self.npy(stream, label, depth + 1)
                self.report.format = fmt
            elif head:
                fmt = self.report.format
                if self.pickles(stream, label, depth + 1, probe=True, strength=role or name_strength(m.name)):
                    self.report.pickle_based = True
                else:
                    self.unidentified(m.name, label, role or name_strength(m.name), len(head))
                self.report.format = fmt
            if m.usize <= lim.crc_member_bytes or lim.crc_all or self.report.pickle_based:
                archive.finish(m, stream, inflate)
            return
        # a container or a weight format: random access
        if m.method == 0 and inflate is None:
            sub: BinaryIO = Region(archive.handle, m.data_offset, m.csize)
            size = m.csize
            if m.usize <= lim.crc_member_bytes or lim.crc_all:
                archive.finish(m, stream, inflate)
        else:
            sub = self._spool(stream)
            size = sub.seek(0, 2)
            archive.finish(m, stream, inflate)
        fmt = self.report.format
        self.blob(sub, size, m.name, label, depth + 1, strength=role)
        if self.report.format != fmt and fmt is not None:
            self.report.format = fmt

    def _crc_member(self, archive: ZipArchive, m) -> None:
        lim = self.limits
        if m.usize <= lim.crc_member_bytes or lim.crc_all:
            try:
                stream, inflate = archive.open(m, max_read=1 << 20, max_out=m.usize + 1, max_ratio=lim.max_ratio, deadline=self.deadline)
                archive.finish(m, stream, inflate)
            except ScanLimit as exc:
                if str(exc) not in ("compression ratio", "member cannot be read"):
                    self.report.add(UNVERIFIABLE, f"cannot be read: {exc}", archive.prefix + m.name, key=f"zip-read:{m.name}")

    def _mar(self, archive: ZipArchive, manifest, prefix: str) -> None:
        import json

        data = archive.read(manifest, limit=self.limits.max_config_bytes, deadline=self.deadline, max_ratio=self.limits.max_ratio)
        try:
            model = json.loads((data or b"").decode("utf-8")).get("model", {})
        except (UnicodeDecodeError, ValueError, AttributeError):
            self.report.add(UNVERIFIABLE, "the TorchServe manifest is not valid JSON", prefix + manifest.name, key="mar-manifest")
            return
        if not isinstance(model, dict):
            return
        py = [m.name for m in archive.members if m.name.lower().endswith(".py")]
        for field in ("handler", "modelFile"):
            value = model.get(field)
            if isinstance(value, str) and value:
                module = value.split(":", 1)[0]
                if module.endswith(".py") or module in {PurePosixPath(p).stem for p in py}:
                    self.report.add(LOADER_CODE, f"TorchServe imports `{module}` (the archive's {field}) and runs it when the model is registered", prefix + manifest.name, key=f"mar-{field}:{module}")
        for extra in py:
            if extra not in {str(model.get("handler", "")).split(":")[0], str(model.get("modelFile", ""))}:
                self.report.notes.append(f"{prefix}{extra}: Python source in the archive (importable by the handler)")

    def tar(self, f: BinaryIO, size: int, prefix: str, depth: int, name: str = "") -> None:
        import tarfile

        try:
            f.seek(0)
            archive = tarfile.open(fileobj=f, mode="r:")  # type: ignore[call-overload]
            members = []
            for info in archive:
                members.append(info)
                if len(members) > self.limits.max_members:
                    self.report.add(UNVERIFIABLE, f"the tar archive has more than {self.limits.max_members} members", prefix.rstrip(" >"), key="tar-too-many")
                    return
                if time.monotonic() > self.deadline:
                    raise ScanLimit("time limit reached")
        except (tarfile.TarError, EOFError, ValueError) as exc:
            self.report.add(UNVERIFIABLE, f"the tar archive cannot be read ({str(exc)[:80]})", prefix.rstrip(" >"), key="tar-corrupt")
            self._set_format("tar")
            return
        names = {m.name.lower().lstrip("./") for m in members}
        if {"storages", "tensors", "pickle"} & names and "sys_info" in names or {"storages", "pickle"} <= names:
            self._set_format("torch-legacy-tar")
            self.report.pickle_based = True
        elif any(n.endswith("model_config.yaml") for n in names):
            self._set_format("nemo")
        else:
            self._set_format("tar")
        for info in members:
            _traversal(self.report, info.name, prefix)
            if info.issym() or info.islnk():
                self.report.add(MALFORMED, f"a {'symbolic' if info.issym() else 'hard'} link to `{info.linkname[:80]}`: extracting the archive writes or reads through it", prefix + info.name, key=f"tar-link:{info.name}")
                continue
            if not info.isfile():
                continue
            lname = info.name.lower()
            role = MODEL if self.report.format == "torch-legacy-tar" and lname.lstrip("./") in ("storages", "tensors", "pickle") else ""
            if lname.endswith((".yaml", ".yml")) and self.report.format == "nemo":
                self._hydra(f, info, prefix)
                continue
            sub = Region(f, info.offset_data, info.size)
            fmt = self.report.format
            if role and lname.lstrip("./") in ("storages", "tensors"):
                self._legacy_records(Stream(file_region(sub, 0, info.size), max_read=self.limits.max_object_bytes, deadline=self.deadline), prefix + info.name, depth + 1, lname.lstrip("./"))
            else:
                self.blob(sub, info.size, info.name, prefix + info.name, depth + 1, strength=role)
            self.report.format = fmt

    def _legacy_records(self, stream: Stream, member: str, depth: int, which: str) -> None:
        """torch's legacy tar: ``storages`` is a count, then per storage a
        pickle ``(key, location, storage_type)`` followed by an 8-byte element
        count and the raw elements; ``tensors`` is a count, then per tensor a
        pickle ``(key, storage_id, type)`` followed by ndim, sizes, strides and
        an offset. Every record pickle is scanned."""
        count, scanner = self._one_pickle(stream, member, depth, probe=True)
        if scanner is None or not isinstance(count, int) or count < 0:
            self.report.add(UNVERIFIABLE, f"the legacy `{which}` member does not start with a record count", member, key=f"legacy-{which}")
            return
        for i in range(min(count, self.limits.max_members)):
            value, scanner = self._one_pickle(stream, member, depth, probe=True)
            if scanner is None or scanner.outcome != "stop":
                self.report.add(UNVERIFIABLE, f"legacy `{which}` record {i} is not a readable pickle", member, stream.tell(), key=f"legacy-{which}-record")
                return
            if which == "storages":
                elsize = _storage_elsize(value)
                raw = stream.read(8)
                if elsize is None or len(raw) < 8:
                    self.report.add(UNVERIFIABLE, f"legacy storage record {i} has no readable type or size, so its data cannot be skipped", member, stream.tell(), key="legacy-storage-size")
                    return
                nbytes = struct.unpack("<q", raw)[0] * elsize
                if nbytes < 0 or stream.skip(nbytes) < nbytes:
                    self.report.add(UNVERIFIABLE, f"legacy storage record {i} is truncated", member, stream.tell(), key="legacy-storage-truncated")
                    return
            else:
                raw = stream.read(4)
                ndim = struct.unpack("<i", raw)[0] if len(raw) == 4 else -1
                if not 0 <= ndim <= 64 or stream.skip(4 + 16 * ndim + 8) < 4 + 16 * ndim + 8:
                    self.report.add(UNVERIFIABLE, f"legacy tensor record {i} is truncated", member, stream.tell(), key="legacy-tensor-truncated")
                    return
        if stream.peek(1):
            self.report.notes.append(f"{member}: data after the last legacy record")

    def _hydra(self, f: BinaryIO, info, prefix: str) -> None:
        from mlwarden.artifacts import hydra

        if info.size > self.limits.max_config_bytes:
            self.report.add(UNVERIFIABLE, f"a config of {info.size} bytes exceeds the limit", prefix + info.name, key=f"config-size:{info.name}")
            return
        hydra.scan_yaml(_read_at(f, info.offset_data, info.size), self.report, prefix + info.name)

    def sevenz(self, f: BinaryIO, size: int, prefix: str, depth: int) -> None:
        self._set_format("7z")
        label = prefix.rstrip(" >")
        try:
            import py7zr  # type: ignore[import-not-found]
        except ImportError:
            self.report.add(UNVERIFIABLE, "a 7z archive cannot be opened without `py7zr`: install `mlwarden[models]`; its members are not verified", label, key="7z-missing")
            return
        try:
            from py7zr.io import Py7zIO, WriterFactory  # type: ignore[import-not-found]
        except ImportError:  # py7zr < 1.0 (Python 3.9): members are read into memory
            Py7zIO = WriterFactory = object  # type: ignore[misc,assignment]
        limits = self.limits
        spools = {}

        class _Out(Py7zIO):
            def __init__(self, name: str) -> None:
                self.buf = tempfile.SpooledTemporaryFile(max_size=limits.spool_bytes)
                self.n = 0

            def write(self, s) -> int:
                self.n += len(s)
                if self.n > limits.max_decompressed:
                    raise ScanLimit(f"decompressed data exceeds {limits.max_decompressed} bytes")
                return self.buf.write(s)

            def read(self, size=None) -> bytes:
                return self.buf.read(size)

            def seek(self, offset: int, whence: int = 0) -> int:
                return self.buf.seek(offset, whence)

            def flush(self) -> None:
                self.buf.flush()

            def size(self) -> int:
                return self.n

        class _Factory(WriterFactory):
            def create(self, filename: str) -> Py7zIO:
                out = _Out(filename)
                spools[filename] = out
                return out

        try:
            f.seek(0)
            with py7zr.SevenZipFile(f, mode="r") as archive:
                if archive.needs_password():
                    self.report.add(UNVERIFIABLE, "the 7z archive is encrypted and cannot be verified", label, key="7z-encrypted")
                    return
                infos = archive.list()
                if len(infos) > limits.max_members:
                    self.report.add(UNVERIFIABLE, f"the 7z archive has more than {limits.max_members} members", label, key="7z-too-many")
                    return
                total = sum(getattr(i, "uncompressed", 0) or 0 for i in infos)
                if total > limits.max_decompressed:
                    self.report.add(UNVERIFIABLE, f"the 7z archive unpacks to {total} bytes (limit {limits.max_decompressed})", label, key="7z-size")
                    return
                if WriterFactory is object:
                    if total > limits.spool_bytes * 16:
                        self.report.add(UNVERIFIABLE, f"the 7z archive unpacks to {total} bytes, too much for this py7zr version's in-memory reader", label, key="7z-size")
                        return
                    for mname, data in archive.readall().items():
                        out = _Out(mname)
                        out.write(data.getvalue())
                        spools[mname] = out
                else:
                    archive.extract(factory=_Factory())
        except ScanLimit:
            raise
        except Exception as exc:  # py7zr raises many types for corrupt input
            self.report.add(UNVERIFIABLE, f"the 7z archive cannot be read ({type(exc).__name__}: {str(exc)[:60]})", label, key="7z-corrupt")
            return
        for mname, out in sorted(spools.items()):
            _traversal(self.report, mname, prefix)
            out.buf.seek(0)
            fmt = self.report.format
            self.blob(out.buf, out.n, mname, prefix + mname, depth + 1)
            self.report.format = fmt

    # -- other formats ------------------------------------------------------------------------
    def protobuf(self, f: BinaryIO, size: int, name: str, member: str) -> bool:
        from mlwarden.artifacts import protobuf

        head = _read_at(f, 0, 16)
        if not head or head[:1] not in _PROTOBUF_FIRST or size < 2:
            return False
        buf = _mm(f, size) if hasattr(f, "fileno") and not isinstance(f, Region) else _read_all(f, size, self.limits)
        if buf is None:
            return False
        kind = protobuf.classify(buf, size)
        if kind is None:
            return False
        self._set_format(kind)
        if kind == "onnx":
            protobuf.scan_onnx(buf, size, self.report, member, None if member else self.model_dir, self.deadline)
        else:
            protobuf.scan_tf(buf, size, self.report, member, kind, self.deadline)
        return True

    def hdf5(self, f: BinaryIO, size: int, member: str) -> None:
        configs = keras_scan.h5_configs(f, size, self.limits.max_config_bytes, self.deadline)
        if not configs:
            self._set_format("hdf5")
            self.report.notes.append(f"{member or 'file'}: an HDF5 file without a Keras model_config (data, not a model)")
            return
        self._set_format("keras-h5")
        self.report.add(KERAS_H5, "a Keras HDF5 model", member, key="keras-h5")
        for label, data in configs:
            keras_scan.scan_config(data, self.report, f"{member + ' > ' if member else ''}{label}")


_ELSIZE = {"Double": 8, "Float": 4, "Half": 2, "Long": 8, "Int": 4, "Short": 2, "Char": 1, "Byte": 1, "Bool": 1, "BFloat16": 2, "ComplexDouble": 16, "ComplexFloat": 8, "QUInt8": 1, "QInt8": 1, "QInt32": 4}


def _storage_elsize(record: Any) -> Optional[int]:
    if not (isinstance(record, tuple) and len(record) == 3 and isinstance(record[2], Global)):
        return None
    name = record[2].name.rsplit(".", 1)[-1]
    return _ELSIZE.get(name[: -len("Storage")]) if name.endswith("Storage") else None


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text) and all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def _zstd_decompressor() -> Any:
    """Python 3.14's compression.zstd, its backport (a py7zr dependency), or
    the zstandard package; None when none is installed."""
    for name in ("compression.zstd", "backports.zstd"):
        try:
            module = __import__(name, fromlist=["ZstdDecompressor"])
            return module.ZstdDecompressor()
        except ImportError:
            continue
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        return None
    return zstandard.ZstdDecompressor().decompressobj()


def _read_all(f: BinaryIO, size: int, limits: Limits) -> Optional[bytes]:
    if size > limits.max_object_bytes:
        return None
    f.seek(0)
    return f.read(size)


def _is_tensor_member(lname: str) -> bool:
    parts = lname.split("/")
    return len(parts) >= 3 and parts[-2] == "data" and not parts[-1].endswith(".pkl")


def _traversal(report: ScanReport, name: str, prefix: str) -> None:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in norm.split("/"):
        report.add(MALFORMED, f"member name `{name[:120]}` escapes the extraction directory (path traversal)", prefix + name, key=f"traversal:{name[:120]}")


def _zip_tail(handle: BinaryIO, size: int) -> bool:
    """True if the file ends with a ZIP end record whose central directory
    lies inside the file (what ``zipfile.is_zipfile`` accepts)."""
    tail_len = min(size, 22 + 65535)
    if tail_len < 22:
        return False
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    idx = tail.rfind(b"PK\x05\x06")
    if idx < 0 or idx + 22 > len(tail):
        return False
    cd_size, _cd_offset = struct.unpack("<II", tail[idx + 12 : idx + 20])
    eocd = size - tail_len + idx
    start = eocd - cd_size
    if start < 0 or cd_size == 0:
        return False
    handle.seek(start)
    return handle.read(4) == b"PK\x01\x02"


def _dtype_info(dtype: Any) -> Tuple[Optional[int], bool]:
    """(itemsize, has_object) of a symbolic ``numpy.dtype(...)`` call."""
    if not (isinstance(dtype, Obj) and isinstance(dtype.func, Global) and dtype.func.name in ("numpy.dtype", "numpy.core.multiarray.dtype", "numpy._core.multiarray.dtype")):
        return None, False
    args = dtype.args if isinstance(dtype.args, tuple) else ()
    code = args[0] if args and isinstance(args[0], str) else None
    state = dtype.state if isinstance(dtype.state, tuple) else ()
    fields = state[4] if len(state) > 4 else None
    if isinstance(fields, SDict):
        if any(_dtype_info(v[0] if isinstance(v, tuple) and v else v)[1] for _k, v in fields.pairs):
            return None, True
    elsize = state[5] if len(state) > 5 and isinstance(state[5], int) and state[5] > 0 else None
    flags = state[7] if len(state) > 7 and isinstance(state[7], int) else 0
    if code is None:
        return elsize, bool(flags & 0x01)
    has = descr_has_object(code)
    if has or flags & 0x01:  # NPY_ITEM_HASOBJECT
        return 8, True
    if has is None:
        return None, False
    if elsize is not None:
        return elsize, False
    kind, digits = code[:1], code[1:]
    if not digits.isdigit():
        return None, False
    n = int(digits)
    return (n * 4 if kind == "U" else n), False


def descr_has_object(descr: Any) -> Optional[bool]:
    """numpy's ``dtype.hasobject`` for a ``.npy`` descr, parsed like numpy
    parses it (``'O'``, ``'|O8'``, ``'object'``, ``'object_'``, ``'i4,O'``,
    ``'(2,)O'``, ``'2O'``, ``[('a', 'O')]``, nested and sub-array fields).
    None when the descr cannot be parsed (the caller fails closed)."""
    if isinstance(descr, str):
        return _str_has_object(descr)
    if isinstance(descr, list):
        results = []
        for field in descr:
            if not isinstance(field, tuple) or len(field) < 2:
                return None
            results.append(descr_has_object(field[1]))
        if any(r for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(descr, tuple) and descr:
        return descr_has_object(descr[0])
    if isinstance(descr, dict):
        formats = descr.get("formats")
        if isinstance(formats, (list, tuple)):
            return descr_has_object([("f", f) for f in formats])
        return None
    return None


_OBJECT_WORDS = {"o", "object", "object_", "object0", "o8", "o4", "pyobject"}
_SIMPLE_WORDS = {
    "bool", "bool_", "b1", "?", "int", "int_", "intc", "intp", "uint", "uintc", "uintp", "float", "float_", "double", "longdouble", "longfloat",
    "half", "single", "complex", "complex_", "cfloat", "cdouble", "csingle", "clongdouble", "clongfloat", "longlong", "ulonglong", "short", "ushort",
    "byte", "ubyte", "str", "str_", "unicode", "unicode_", "bytes", "bytes_", "string_", "void", "void0", "datetime64", "timedelta64",
}


def _str_has_object(text: str) -> Optional[bool]:
    parts = _split_commas(text)
    if parts is None:
        return None
    results = []
    for part in parts:
        spec = part.strip()
        # a leading sub-array shape: "(2,)O", "(2,3)i4", or a repeat count "2O"
        if spec.startswith("("):
            close = spec.find(")")
            if close < 0:
                return None
            spec = spec[close + 1 :].strip()
        else:
            i = 0
            while i < len(spec) and spec[i].isdigit():
                i += 1
            spec = spec[i:]
        spec = spec.lstrip("<>|=!").strip()
        low = spec.lower()
        if not low:
            return None
        if low in _OBJECT_WORDS or (low[0] == "o" and low[1:].isdigit()):
            results.append(True)
            continue
        base = low.split("[", 1)[0]
        if base in _SIMPLE_WORDS or (base[:1] in "biufcmmsauv?" and (base[1:].isdigit() or base[1:] == "")) or any(base.startswith(w) for w in ("int", "uint", "float", "complex", "datetime64", "timedelta64")):
            results.append(False)
            continue
        if spec[:1] in "SUVMma" and (spec[1:].split("[")[0].isdigit() or spec[1:] == "" or spec[1:2] == "["):
            results.append(False)
            continue
        results.append(None)
    if any(r for r in results):
        return True
    return None if any(r is None for r in results) else False


def _split_commas(text: str) -> Optional[List[str]]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return None
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [p for p in out if p.strip()] or None


def scan_file(path: os.PathLike, limits: Optional[Limits] = None, display: Optional[str] = None) -> ScanReport:
    """Scan the file at ``path``. Raises OSError only if it cannot be opened."""
    path = Path(path)
    report = ScanReport(path=display or str(path))
    scan = _Scan(report, limits or Limits(), model_dir=os.path.dirname(os.path.abspath(path)))
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        _guard(report, lambda: scan.blob(handle, size, str(path), "", 0))
    return report


def scan_bytes(data: bytes, name: str = "<bytes>", limits: Optional[Limits] = None) -> ScanReport:
    report = ScanReport(path=name)
    scan = _Scan(report, limits or Limits())
    _guard(report, lambda: scan.blob(io.BytesIO(data), len(data), name, "", 0))
    return report


def _guard(report: ScanReport, action: Callable[[], None]) -> None:
    """Limits and unexpected errors become UNVERIFIABLE issues: never a pass."""
    try:
        action()
    except ScanLimit as exc:
        report.add(UNVERIFIABLE, f"scan stopped: {exc}", key=f"limit:{str(exc).split(' ')[0]}")
    except (RecursionError, MemoryError):
        report.add(UNVERIFIABLE, "scan stopped: the file is nested too deeply or too large", key="limit:resources")
    except OSError as exc:
        if getattr(exc, "filename", None) is None and isinstance(exc, (io.UnsupportedOperation,)):
            report.add(UNVERIFIABLE, f"scan stopped: {exc}", key="internal")
        else:
            raise
    except Exception as exc:  # a reader bug must not turn into a pass
        report.add(UNVERIFIABLE, f"scan stopped: internal error ({type(exc).__name__}: {str(exc)[:80]}); please report this", key="internal")


__all__: List[str] = ["Limits", "descr_has_object", "magic", "scan_bytes", "scan_file", "sniff_path"]
