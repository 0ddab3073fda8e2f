"""Reading input files: regular files only.

A FIFO would block a run forever and a device (``/dev/zero``) never ends, so
every reader opens without blocking and checks the open descriptor before
reading. Every source and the results cache read through here; errors are
:class:`~mlwarden.sources.base.LoadError` with a one-line reason.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterator, Optional

from mlwarden.sources.base import LoadError


def special_file_reason(mode: int) -> Optional[str]:
    """Why a file of this ``st_mode`` is not read (None for a regular file):
    a FIFO would block forever, a device (``/dev/zero``) never ends."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"
    return f"skipped: not a regular file ({kind})"


def check_regular(path: "os.PathLike[str] | str") -> None:
    """Raise LoadError unless ``path`` (after symlinks) is a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    reason = special_file_reason(mode)
    if reason is not None:
        raise LoadError(reason)


def read_head(path: "os.PathLike[str] | str", size: int) -> bytes:
    """The first line (at most ``size`` bytes) of a regular file; LoadError otherwise."""
    return read_regular(path, size).split(b"\n", 1)[0]


def read_regular(path: "os.PathLike[str] | str", size: int = -1) -> bytes:
    """The bytes of ``path`` if it is a regular file (symlinks followed).
    Raises LoadError otherwise: opened without blocking and checked on the
    open descriptor, so a FIFO, a device or a file swapped for one after a
    check is never read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if isinstance(exc, IsADirectoryError):
            raise LoadError("is a directory") from None
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    try:
        reason = special_file_reason(os.fstat(fd).st_mode)
        if reason is not None:
            raise LoadError(reason)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(size)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def dirs_upward(path: Path, root: Optional[Path]) -> Iterator[Path]:
    """The directories from ``path`` (its own directory for a file) upward,
    ending at the configuration ``root`` when ``path`` is inside it; none
    when ``path`` cannot be resolved. The project searches (version pins,
    owner inference) walk this, each stopping early where it needs to."""
    try:
        start = path.resolve()
    except OSError:
        return
    here = start if start.is_dir() else start.parent
    stop = None
    if root is not None:
        try:
            resolved = root.resolve()
            here.relative_to(resolved)
            stop = resolved
        except (OSError, ValueError):
            stop = None
    for directory in (here, *here.parents):
        yield directory
        if directory == stop:
            return
