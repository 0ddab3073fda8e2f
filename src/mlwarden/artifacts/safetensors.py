"""safetensors: the header is checked the way the ``safetensors`` library
validates it, reading only the header (a 2 GB file costs one small read).

Layout: an 8-byte little-endian header length ``N``, ``N`` bytes of JSON
(``{"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
"__metadata__": {str: str}}``), then the tensor bytes. A loader refuses a
header over 100 MB, offsets that leave holes or overlap, a tensor whose byte
size does not match its shape and dtype, and non-string metadata; a file
that other readers might accept differently is reported (MLW604). A valid
file holds no code: it is benign, whatever its metadata says.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any, BinaryIO, Dict, List, Optional, Tuple

from mlwarden.artifacts.report import MALFORMED, UNVERIFIABLE, ScanReport

MAX_HEADER = 100_000_000
#: bits per element (safetensors' Dtype enum, including the sub-byte floats)
DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
    "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64,
    "C64": 64, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "F8_E4M3FN": 8,
}


def looks_like(head: bytes, size: int) -> bool:
    """An 8-byte length that fits the file, followed by ``{``."""
    if len(head) < 9:
        return False
    n = struct.unpack("<Q", head[:8])[0]
    return 2 <= n <= size - 8 and head[8:9] == b"{"


def _pairs(items: List[Tuple[str, Any]]) -> Dict[str, Any]:
    keys = [k for k, _ in items]
    if len(keys) != len(set(keys)):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"duplicate key `{dup[:60]}`")
    return dict(items)


def scan(handle: BinaryIO, size: int, report: ScanReport, member: str = "") -> None:
    def bad(detail: str, key: str) -> None:
        report.add(MALFORMED, f"{detail}; safetensors loaders refuse or read it differently", member, key=f"safetensors-{key}")

    handle.seek(0)
    n = struct.unpack("<Q", handle.read(8))[0]
    if n > MAX_HEADER:
        report.add(UNVERIFIABLE, f"a safetensors header of {n} bytes (the format's limit is {MAX_HEADER})", member, key="safetensors-header-size")
        return
    raw = handle.read(n)
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        bad(f"the header is not valid JSON ({str(exc)[:80]})", "json")
        return
    if not isinstance(header, dict):
        bad("the header is not a JSON object", "json")
        return
    data_len = size - 8 - n
    meta = header.pop("__metadata__", None)
    if meta is not None:
        if not isinstance(meta, dict):
            bad("`__metadata__` is not an object", "metadata")
        else:
            for k, v in meta.items():
                if not isinstance(v, str):
                    bad(f"`__metadata__` value of `{k[:60]}` is a {type(v).__name__}, not a string", "metadata")
                    break
    spans: List[Tuple[int, int, str]] = []
    for name, info in header.items():
        problem = _tensor_problem(info)
        if problem:
            bad(f"tensor `{name[:80]}` {problem}", f"tensor:{name[:80]}")
            continue
        begin, end = info["data_offsets"]
        bits = math.prod(info["shape"]) * DTYPE_BITS[info["dtype"]]
        if end - begin != (bits + 7) // 8:
            bad(f"tensor `{name[:80]}` spans {end - begin} bytes, its shape and dtype need {(bits + 7) // 8}", f"size:{name[:80]}")
        if end > data_len:
            bad(f"tensor `{name[:80]}` ends at {end}, past the {data_len} data bytes", f"range:{name[:80]}")
        spans.append((begin, end, name))
    spans.sort()
    pos = 0
    for begin, end, name in spans:
        if begin < pos:
            bad(f"tensor `{name[:80]}` overlaps another tensor", f"overlap:{name[:80]}")
        elif begin > pos:
            bad(f"{begin - pos} bytes before tensor `{name[:80]}` belong to no tensor (a hole)", "hole")
        pos = max(pos, end)
    if spans and pos < data_len:
        bad(f"{data_len - pos} bytes after the last tensor belong to no tensor", "trailing")
    report.notes.append(f"{member or 'file'}: safetensors with {len(spans)} tensors: tensors only, no code")


def _tensor_problem(info: Any) -> Optional[str]:
    if not isinstance(info, dict):
        return "is not an object"
    extra = set(info) - {"dtype", "shape", "data_offsets"}
    if extra:
        return f"has unknown fields {sorted(extra)[:3]}"
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if dtype not in DTYPE_BITS:
        return f"has an unknown dtype {str(dtype)[:20]!r}"
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        return "has a shape that is not a list of non-negative integers"
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) and not isinstance(o, bool) and o >= 0 for o in offsets)):
        return "has `data_offsets` that are not two non-negative integers"
    if offsets[1] < offsets[0]:
        return "ends before it begins"
    return None
