"""Writes that never lose an edit and never change what the user owns.

Every write of mlwarden (``strip``, ``check --fix``, ``-o``, ``baseline``)
goes through :func:`write_bytes_atomic`:

* **atomic**: a temporary file in the target's directory, flushed and
  fsynced, then ``os.replace``: a crash or a full disk leaves the old file
  whole, and a reader sees the old or the new bytes, never a mix;
* **no lost edit**: a fixer passes the bytes it read (``expected``); the
  file is read again just before the replace and, if someone saved it in
  the meantime (an editor, another run), nothing is written and
  :class:`WriteConflict` says so (the stripper then re-reads and retries);
* **symlinks stay links**: the write goes to the link's final target;
* **hard links**: a file with more than one link is refused
  (:class:`WriteRefused`), because a replace would give this name a new
  inode and silently split it from its other names;
* **read-only files and directories** (no write bit) are refused, also for
  root, who could otherwise write anything;
* **owner and mode are kept**: the new file gets the old one's mode, and its
  owner and group (as root; a user who cannot keep the owner is refused
  rather than taking the file over);
* a target that exists and is not a regular file (``-o /dev/stdout``, a
  FIFO) is written to directly and never replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Optional


class WriteRefused(OSError):
    """The file is left as it is on purpose; ``str()`` is the one-line reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.strerror = reason

    def __str__(self) -> str:
        return self.strerror


class WriteConflict(WriteRefused):
    """The file changed on disk after it was read: nothing was written."""


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _read_current(target: str) -> Optional[bytes]:
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_bytes_atomic(path: "os.PathLike[str] | str", data: bytes, expected: Optional[bytes] = None, *, durable: bool = True) -> None:
    """Replace ``path``'s content with ``data`` (see the module docs).

    ``expected``: the bytes the file held when it was read; when given, the
    file must still hold exactly them, else :class:`WriteConflict`.
    ``durable=False`` skips the fsyncs, for data that may be lost but must
    never be torn (the results cache): the write stays atomic. Raises
    :class:`WriteRefused` for a file that must not be replaced and OSError
    for a failed write; in every case the file is unchanged."""
    path = os.fspath(path)
    try:
        st: Optional[os.stat_result] = os.stat(path)  # through symlinks, /dev/stdout included
    except FileNotFoundError:
        st = None
        if expected is not None:
            raise WriteConflict("the file was removed after it was read") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if expected is not None:
            raise WriteRefused("not a regular file")
        with open(path, "wb") as handle:  # -o /dev/stdout, a FIFO: stream into it, never replace it
            handle.write(data)
        return
    target = os.path.realpath(path)  # a symlink: write through to its target
    directory = os.path.dirname(target) or "."
    _check_writable(target, directory, st)
    mode = stat.S_IMODE(st.st_mode) if st is not None else _default_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".mlwarden-tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if st is not None and (st.st_uid, st.st_gid) != _owner_of(tmp):
            os.chown(tmp, st.st_uid, st.st_gid)  # root keeps the owner; see _check_writable for users
        os.chmod(tmp, mode)  # after chown, which clears set-id bits
        if expected is not None:
            _check_unchanged(target, st, expected)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        _fsync_directory(directory)


def write_text_atomic(path: "os.PathLike[str] | str", text: str, encoding: str = "utf-8", *, durable: bool = True) -> None:
    write_bytes_atomic(path, text.encode(encoding), durable=durable)


def write_fixed(path: "os.PathLike[str] | str", original: bytes, data: bytes) -> None:
    """A fixer's write: ``data`` replaces ``original`` only if the file still
    holds ``original`` (raises WriteConflict otherwise)."""
    write_bytes_atomic(path, data, expected=original)


def _owner_of(path: str) -> "tuple[int, int]":
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _check_writable(target: str, directory: str, st: Optional[os.stat_result]) -> None:
    if st is not None:
        if st.st_nlink > 1:
            raise WriteRefused(
                f"the file has {st.st_nlink} hard links; replacing it would split this name from the others "
                "(break the link, e.g. copy the file over itself, and run again)"
            )
        if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise WriteRefused("the file is read-only")
        euid = os.geteuid() if hasattr(os, "geteuid") else None
        if euid not in (None, 0) and st.st_uid != euid:
            raise WriteRefused("the file belongs to another user; replacing it would make it yours")
    try:
        dir_mode = os.stat(directory).st_mode
    except OSError as exc:
        raise WriteRefused(f"cannot use the directory: {exc.strerror or exc}") from None
    if not dir_mode & 0o222 or not os.access(directory, os.W_OK | os.X_OK):
        raise WriteRefused("the directory is read-only")


def _check_unchanged(target: str, before: Optional[os.stat_result], expected: bytes) -> None:
    """Just before the replace: the file must still be the one that was read."""
    try:
        now = os.stat(target)
    except FileNotFoundError:
        raise WriteConflict("the file was removed after it was read") from None
    if before is not None and (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev):
        raise WriteConflict("the file was replaced after it was read (saved by another program?)")
    if _read_current(target) != expected:
        raise WriteConflict("the file changed after it was read (saved by another program?)")


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (best effort: not every platform can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
