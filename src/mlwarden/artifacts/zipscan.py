"""Our own ZIP reader: central directory first, then every local header.

Python's ``zipfile`` refuses some archives that PyTorch's reader (miniz)
accepts, and accepts some that torch reads differently; a scanner built on it
can be made to scan one thing while torch loads another. Here every anomaly —
a bad CRC, local and central names or flags that differ, unusual flag bits,
duplicate or overlapping members, data before the archive or past the central
directory, sizes that do not add up — is recorded as a MALFORMED issue, and
reading goes on wherever it still can.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO, Dict, List, Optional, Tuple

from mlwarden.artifacts.report import MALFORMED, UNVERIFIABLE, ScanReport
from mlwarden.artifacts.stream import Inflate, ScanLimit, Stream, file_region

EOCD = b"PK\x05\x06"
EOCD64 = b"PK\x06\x06"
LOC64 = b"PK\x06\x07"
CENTRAL = b"PK\x01\x02"
LOCAL = b"PK\x03\x04"
#: flag bits a normal writer sets: 1,2 (deflate level), 3 (data descriptor), 11 (UTF-8 names)
_NORMAL_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800
_MALFORMED_NOTE = "torch or another loader may still read it"


@dataclass
class Member:
    name: str
    method: int
    flags: int
    crc: int
    csize: int
    usize: int
    header_offset: int
    data_offset: int = -1  # -1: local header unreadable

    @property
    def encrypted(self) -> bool:
        return bool(self.flags & 0x0001)


class ZipArchive:
    def __init__(self, handle: BinaryIO, size: int, report: ScanReport, *, max_members: int, prefix: str = "") -> None:
        self.handle = handle
        self.size = size
        self.report = report
        self.prefix = prefix
        self.members: List[Member] = []
        self.by_name: Dict[str, Member] = {}
        self.ok = self._read(max_members)

    def _issue(self, detail: str, member: str = "", offset: Optional[int] = None, kind: str = MALFORMED, key: str = "") -> None:
        self.report.add(kind, detail, self.prefix + member if member else self.prefix.rstrip(" >"), offset, key or detail)

    def _read_at(self, offset: int, n: int) -> bytes:
        self.handle.seek(offset)
        return self.handle.read(n)

    def _read(self, max_members: int) -> bool:
        tail_len = min(self.size, 22 + 65535)
        tail = self._read_at(self.size - tail_len, tail_len)
        idx = tail.rfind(EOCD)
        if idx < 0:
            self._issue("the ZIP archive has no end-of-central-directory record (truncated or not a ZIP)", kind=UNVERIFIABLE, key="zip-no-eocd")
            return False
        eocd_pos = self.size - tail_len + idx
        fields = tail[idx : idx + 22]
        if len(fields) < 22:
            self._issue("the ZIP end record is truncated", kind=UNVERIFIABLE, key="zip-eocd-truncated")
            return False
        (_sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment_len) = struct.unpack("<4sHHHHIIH", fields)
        if eocd_pos + 22 + comment_len != self.size:
            self._issue(
                f"{self.size - eocd_pos - 22 - comment_len:+d} bytes after the ZIP end record disagree with its comment length; {_MALFORMED_NOTE}",
                key="zip-trailing-data",
            )
        if disk or cd_disk or n_disk != n_total:
            self._issue(f"a multi-disk ZIP archive; {_MALFORMED_NOTE}", key="zip-multidisk")
        # ZIP64
        if eocd_pos >= 20:
            loc = self._read_at(eocd_pos - 20, 20)
            if loc[:4] == LOC64:
                (_s, _d, eocd64_off, _n) = struct.unpack("<4sIQI", loc)
                rec = self._read_at(eocd64_off, 56)
                if rec[:4] != EOCD64 or len(rec) < 56:
                    self._issue("the ZIP64 end record is missing or corrupt", kind=UNVERIFIABLE, key="zip64-eocd")
                    return False
                (_s, _sz, _vm, _vn, _d, _cd, _nd, n_total, cd_size, cd_offset) = struct.unpack("<4sQHHIIQQQQ", rec)
                eocd_pos = eocd64_off
        if cd_offset + cd_size != eocd_pos:
            self._issue(
                f"the central directory does not end where the end record starts ({eocd_pos - cd_offset - cd_size:+d} bytes: data before or inside the archive); {_MALFORMED_NOTE}",
                key="zip-cd-position",
            )
        if n_total > max_members:
            self._issue(f"the archive declares {n_total} members (limit {max_members})", kind=UNVERIFIABLE, key="zip-too-many")
            return False
        if cd_offset + cd_size > self.size or cd_size > 64 << 20:
            self._issue("the central directory lies outside the file", kind=UNVERIFIABLE, key="zip-cd-outside")
            return False
        cd = self._read_at(cd_offset, cd_size)
        pos = 0
        for _ in range(n_total):
            if cd[pos : pos + 4] != CENTRAL or pos + 46 > len(cd):
                self._issue("the central directory ends early or is corrupt", kind=UNVERIFIABLE, key="zip-cd-corrupt")
                return False
            (_s, _vm, _vn, flags, method, _t, _d, crc, csize, usize, nlen, elen, clen, _dn, _ia, _ea, hoff) = struct.unpack(
                "<4sHHHHHHIIIHHHHHII", cd[pos : pos + 46]
            )
            raw_name = cd[pos + 46 : pos + 46 + nlen]
            extra = cd[pos + 46 + nlen : pos + 46 + nlen + elen]
            pos += 46 + nlen + elen + clen
            usize, csize, hoff = _zip64(extra, usize, csize, hoff)
            name = raw_name.decode("utf-8" if flags & 0x0800 else "cp437", "replace")
            m = Member(name, method, flags, crc, csize, usize, hoff)
            if name in self.by_name:
                self._issue(f"two members are named `{name}`; loaders disagree on which one they read; {_MALFORMED_NOTE}", name, key=f"zip-duplicate:{name}")
            else:
                self.by_name[name] = m
            self.members.append(m)
            self._check_local(m, raw_name)
        if pos != len(cd):
            self._issue(f"the central directory holds {len(cd) - pos} bytes beyond its declared members; {_MALFORMED_NOTE}", key="zip-cd-extra")
        self._check_overlap(cd_offset)
        return True

    def _check_local(self, m: Member, raw_name: bytes) -> None:
        if m.flags & ~_NORMAL_FLAGS & ~0x0001:
            self._issue(f"unusual ZIP flag bits 0x{m.flags:04x}; {_MALFORMED_NOTE}", m.name, key=f"zip-flags:{m.name}")
        if m.encrypted:
            self._issue("the member is encrypted and cannot be verified", m.name, kind=UNVERIFIABLE, key=f"zip-encrypted:{m.name}")
        if m.method not in (0, 8):
            self._issue(f"compression method {m.method} (torch reads only stored members); {_MALFORMED_NOTE}", m.name, key=f"zip-method:{m.name}")
        if m.method == 0 and m.csize != m.usize:
            self._issue(f"a stored member whose sizes differ ({m.csize} != {m.usize}); {_MALFORMED_NOTE}", m.name, key=f"zip-stored-size:{m.name}")
        head = self._read_at(m.header_offset, 30)
        if len(head) < 30 or head[:4] != LOCAL:
            self._issue("the member's local header is missing", m.name, m.header_offset, kind=UNVERIFIABLE, key=f"zip-no-local:{m.name}")
            return
        (_s, _v, lflags, lmethod, _t, _d, lcrc, lcsize, lusize, nlen, elen) = struct.unpack("<4sHHHHHIIIHH", head)
        lname = self._read_at(m.header_offset + 30, nlen)
        if lname != raw_name:
            shown = lname.decode("utf-8", "replace")
            self._issue(
                f"the local header names it `{shown}`, the central directory `{m.name}`; {_MALFORMED_NOTE}",
                m.name,
                m.header_offset,
                key=f"zip-name-mismatch:{m.name}",
            )
        if lflags != m.flags:
            self._issue(f"local flags 0x{lflags:04x} differ from central flags 0x{m.flags:04x}; {_MALFORMED_NOTE}", m.name, m.header_offset, key=f"zip-flag-mismatch:{m.name}")
        if lmethod != m.method:
            self._issue(f"local compression method {lmethod} differs from central {m.method}; {_MALFORMED_NOTE}", m.name, m.header_offset, key=f"zip-method-mismatch:{m.name}")
        if not lflags & 0x0008 and (lcrc, lcsize, lusize) != (m.crc, m.csize & 0xFFFFFFFF, m.usize & 0xFFFFFFFF) and lcsize != 0xFFFFFFFF:
            self._issue(f"local CRC/sizes differ from the central directory; {_MALFORMED_NOTE}", m.name, m.header_offset, key=f"zip-local-size:{m.name}")
        m.data_offset = m.header_offset + 30 + nlen + elen
        if m.data_offset + m.csize > self.size:
            self._issue("the member's data runs past the end of the file (truncated)", m.name, m.data_offset, kind=UNVERIFIABLE, key=f"zip-past-end:{m.name}")

    def _check_overlap(self, cd_offset: int) -> None:
        spans = sorted((m.header_offset, m.data_offset + m.csize, m.name) for m in self.members if m.data_offset >= 0)
        end_prev, name_prev = 0, None
        if spans and spans[0][0] != 0:
            self._issue(f"{spans[0][0]} bytes precede the first member; {_MALFORMED_NOTE}", key="zip-prefix")
        for start, end, name in spans:
            if name_prev is not None and start < end_prev:
                self._issue(f"member data overlaps `{name_prev}` (a zip-bomb and parser-confusion technique); {_MALFORMED_NOTE}", name, start, key=f"zip-overlap:{name}")
            end_prev, name_prev = max(end, end_prev), name
        if end_prev > cd_offset:
            self._issue(f"member data runs into the central directory; {_MALFORMED_NOTE}", name_prev or "", key="zip-into-cd")

    # -- reading ------------------------------------------------------------------
    def open(self, m: Member, *, max_read: int, max_out: int, max_ratio: float, deadline: Optional[float]) -> Tuple[Stream, Optional[Inflate]]:
        if m.data_offset < 0 or m.encrypted:
            raise ScanLimit("member cannot be read")
        if m.method == 8:
            if m.csize and m.usize / max(m.csize, 1) > max_ratio and m.usize > 1 << 20:
                self._issue(
                    f"compression ratio {m.usize // max(m.csize, 1)}:1 exceeds {int(max_ratio)}:1 (zip bomb)", m.name, kind=UNVERIFIABLE, key=f"zip-ratio:{m.name}"
                )
                raise ScanLimit("compression ratio")
            inflate = Inflate(file_region(self.handle, m.data_offset, m.csize), min(max_out, m.usize + 1))
            return Stream(inflate, max_read=max_read, deadline=deadline, crc=True), inflate
        if m.method in (12, 14):
            # bzip2 / LZMA: torch cannot read them, Python's zipfile (numpy's .npz reader) can
            region = file_region(self.handle, m.data_offset, m.csize)
            decompressor = _zip_decompressor(m.method, region)
            inflate = Inflate(region, min(max_out, m.usize + 1), decompressor)
            return Stream(inflate, max_read=max_read, deadline=deadline, crc=True), inflate
        if m.method != 0:
            raise ScanLimit(f"compression method {m.method}")
        return Stream(file_region(self.handle, m.data_offset, m.csize), max_read=max_read, deadline=deadline, crc=True), None

    def finish(self, m: Member, stream: Stream, inflate: Optional[Inflate]) -> None:
        """Read the rest of a member and check its CRC and size."""
        stream.drain()
        if inflate is not None and inflate.truncated:
            self._issue("the compressed data ends early (truncated)", m.name, kind=UNVERIFIABLE, key=f"zip-inflate-truncated:{m.name}")
        if stream.produced != m.usize:
            self._issue(f"the member holds {stream.produced} bytes, the directory says {m.usize}; {_MALFORMED_NOTE}", m.name, key=f"zip-size:{m.name}")
        elif (stream.crc or 0) != m.crc:
            self._issue(f"CRC-32 mismatch (0x{stream.crc or 0:08x} != 0x{m.crc:08x}); {_MALFORMED_NOTE}", m.name, key=f"zip-crc:{m.name}")

    def read(self, m: Member, *, limit: int, deadline: Optional[float], max_ratio: float) -> Optional[bytes]:
        """A whole (small) member, CRC-checked; None if it cannot be read."""
        if m.usize > limit:
            self._issue(f"member of {m.usize} bytes exceeds the {limit}-byte limit", m.name, kind=UNVERIFIABLE, key=f"zip-member-size:{m.name}")
            return None
        try:
            stream, inflate = self.open(m, max_read=limit + 1, max_out=limit + 1, max_ratio=max_ratio, deadline=deadline)
            data = stream.read(min(m.usize, limit))
            self.finish(m, stream, inflate)
        except (ScanLimit, OSError, ValueError) as exc:
            if str(exc) not in ("compression ratio",):
                self._issue(f"cannot be read: {exc}", m.name, kind=UNVERIFIABLE, key=f"zip-read:{m.name}")
            return None
        except Exception as exc:  # zlib.error and friends
            self._issue(f"cannot be read: {type(exc).__name__}", m.name, kind=UNVERIFIABLE, key=f"zip-read:{m.name}")
            return None
        return data


def _zip_decompressor(method: int, region):
    """A decompressor for a bzip2 (12) or LZMA (14) member, as zipfile reads
    them; an LZMA member starts with a 4-byte header and its properties."""
    import bz2
    import lzma

    if method == 12:
        return bz2.BZ2Decompressor()
    head = region(4)
    if len(head) < 4:
        raise ScanLimit("member cannot be read")
    props = region(struct.unpack("<H", head[2:4])[0])
    try:
        filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)]  # type: ignore[attr-defined]
        return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
    except (lzma.LZMAError, ValueError, AttributeError):
        raise ScanLimit("member cannot be read") from None


def _zip64(extra: bytes, usize: int, csize: int, hoff: int) -> Tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[pos : pos + 4])
        body = extra[pos + 4 : pos + 4 + size]
        if tag == 0x0001:
            vals = list(struct.unpack(f"<{len(body) // 8}Q", body[: len(body) // 8 * 8]))
            if usize == 0xFFFFFFFF and vals:
                usize = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
            if hoff == 0xFFFFFFFF and vals:
                hoff = vals.pop(0)
        pos += 4 + size
    return usize, csize, hoff
