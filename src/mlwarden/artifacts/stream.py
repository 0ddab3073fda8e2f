"""A small byte stream for the opcode reader: ``read``/``readline``/``tell``
over any source, with a per-read size limit (a pickle that declares a 4 GB
string is refused before anything is allocated), a time bound, CRC-32 of every
byte produced, and ``skip`` for data we only need to step over."""

from __future__ import annotations

import lzma
import time
import zlib
from typing import Any, Callable, Optional


class ScanLimit(Exception):
    """A limit was reached (size, time, count); ``str()`` says which."""


class Stream:
    def __init__(
        self,
        source: Callable[[int], bytes],
        *,
        max_read: int,
        deadline: Optional[float] = None,
        crc: bool = False,
        max_line: int = 1 << 20,
    ) -> None:
        self._source = source
        self._buf = b""
        self._off = 0  # bytes of _buf already handed out (no O(n) slicing per read)
        self._pos = 0  # bytes handed out
        self.max_read = max_read
        self.max_line = max_line
        self.deadline = deadline
        self.crc: Optional[int] = 0 if crc else None
        self.eof = False
        self.produced = 0

    # -- source -----------------------------------------------------------------
    def _pull(self, n: int) -> bool:
        if self.eof:
            return False
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ScanLimit("time limit reached")
        try:
            chunk = self._source(max(n, 1 << 16))
        except ScanLimit:
            raise
        except (zlib.error, lzma.LZMAError, EOFError, ValueError, OSError) as exc:  # corrupt compressed data (zlib, bz2, lzma)
            raise ScanLimit(f"corrupt compressed data ({str(exc)[:60]})") from None
        if not chunk:
            self.eof = True
            return False
        if self.crc is not None:
            self.crc = zlib.crc32(chunk, self.crc)
        self.produced += len(chunk)
        self._buf = self._buf[self._off :] + chunk if self._off < len(self._buf) else chunk
        self._off = 0
        return True

    def _avail(self) -> int:
        return len(self._buf) - self._off

    # -- file protocol used by pickletools ---------------------------------------
    def read(self, n: int = -1) -> bytes:
        off = self._off
        end = off + (n or 0)
        if n is not None and 0 <= n <= self.max_read and end <= len(self._buf):  # fast path: buffered bytes
            self._off = end
            self._pos += n
            return self._buf[off:end]
        if n is None or n < 0:
            raise ScanLimit("unbounded read")
        if n > self.max_read:
            raise ScanLimit(f"an object of {n} bytes exceeds the {self.max_read}-byte limit")
        while self._avail() < n and self._pull(n - self._avail()):
            pass
        out = self._buf[self._off : self._off + n]
        self._off += len(out)
        self._pos += len(out)
        return out

    def readline(self, limit: int = -1) -> bytes:
        start = self._off
        while True:
            idx = self._buf.find(b"\n", start)
            if idx >= 0:
                return self.read(idx + 1 - self._off)
            if self._avail() > self.max_line:
                raise ScanLimit(f"a text line longer than {self.max_line} bytes")
            start = len(self._buf) - self._off
            if not self._pull(1 << 12):
                return self.read(self._avail())
            start = self._off + start

    def tell(self) -> int:
        return self._pos

    def peek(self, n: int) -> bytes:
        while self._avail() < n and self._pull(n - self._avail()):
            pass
        return self._buf[self._off : self._off + n]

    def skip(self, n: int) -> int:
        """Step over ``n`` bytes (still hashed); returns how many existed."""
        done = 0
        while done < n:
            if not self._avail() and not self._pull(min(n - done, 1 << 20)):
                break
            take = min(n - done, self._avail())
            self._off += take
            done += take
        self._pos += done
        return done

    def drain(self) -> int:
        """Consume everything left (to finish the CRC); returns the count."""
        left = self._avail()
        self._pos += left
        self._buf, self._off = b"", 0
        while self._pull(1 << 20):
            self._pos += len(self._buf)
            left += len(self._buf)
            self._buf, self._off = b"", 0
        return left


def file_region(handle, start: int, length: Optional[int]) -> Callable[[int], bytes]:
    """A source reading ``length`` bytes of ``handle`` from ``start`` (None: to EOF)."""
    state = {"pos": start, "left": length}

    def source(n: int) -> bytes:
        left = state["left"]
        if left is not None:
            if left <= 0:
                return b""
            n = min(n, left)
        handle.seek(state["pos"])
        data = handle.read(n)
        state["pos"] += len(data)
        if left is not None:
            state["left"] = left - len(data)
        return data

    return source


def bytes_source(data: bytes) -> Callable[[int], bytes]:
    view = memoryview(data)
    state = {"pos": 0}

    def source(n: int) -> bytes:
        pos = state["pos"]
        chunk = bytes(view[pos : pos + n])
        state["pos"] = pos + len(chunk)
        return chunk

    return source


class Inflate:
    """A raw-deflate source with an output cap (zip bombs stop at the cap).
    ``decompressor`` replaces raw deflate (bzip2 and LZMA ZIP members)."""

    def __init__(self, source: Callable[[int], bytes], max_out: int, decompressor: Any = None) -> None:
        self._source = source
        self._z = decompressor if decompressor is not None else zlib.decompressobj(-15)
        self.max_out = max_out
        self.out = 0
        self.consumed = 0
        self.truncated = False
        self.over = False

    def __call__(self, n: int) -> bytes:
        zlib_like = hasattr(self._z, "unconsumed_tail")
        while True:
            if zlib_like and self._z.unconsumed_tail:
                data = self._z.decompress(self._z.unconsumed_tail, n)
            else:
                if self._z.eof:
                    return b""
                chunk = self._source(1 << 16)
                if not chunk:
                    self.truncated = not self._z.eof
                    data = self._z.flush() if zlib_like else b""
                    self.out += len(data)
                    return data
                self.consumed += len(chunk)
                data = self._z.decompress(chunk, n) if zlib_like else self._z.decompress(chunk)
            if data:
                self.out += len(data)
                if self.out > self.max_out:
                    self.over = True
                    raise ScanLimit(f"decompressed data exceeds {self.max_out} bytes")
                return data
