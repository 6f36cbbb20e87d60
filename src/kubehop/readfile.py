"""Reading input files: only regular files are read (a FIFO, socket or device named as an input would
block or never end), and a FIFO is never opened in a way that waits for a writer."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


class NotARegularFile(OSError):
    """An input that is a FIFO, socket, device or directory; `strerror` says which."""


def special_kind(mode: int) -> str | None:
    """What a file of this mode is when it is not a regular file ("a FIFO", ...), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _refuse(path: Path, kind: str) -> NotARegularFile:
    return NotARegularFile(errno.EINVAL, f"{kind}, not a regular file", str(path))


def check_regular(path: Path) -> None:
    """Raise NotARegularFile when `path` (symlinks followed) is not a regular file; OSError when missing."""
    kind = special_kind(os.stat(path).st_mode)
    if kind is not None:
        raise _refuse(path, kind)


def read_bytes(path: Path) -> bytes:
    """The whole content of a regular file; anything else raises NotARegularFile (an OSError)."""
    check_regular(path)
    # Non-blocking: if the file was swapped for a FIFO since the check, opening it must not wait.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = special_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise _refuse(path, kind)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path) -> str:
    """A regular file's UTF-8 text; OSError (NotARegularFile too) or UnicodeDecodeError otherwise."""
    return read_bytes(path).decode("utf-8")
