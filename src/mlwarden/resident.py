"""The resident process: a warm mlwarden that later commands run in.

A command that reaches the rules pays for Python's start-up, for importing
libcst (~230 frozen dataclasses), detect-secrets and the rule modules, before
it reads a line: ~0.15 s, more than bandit's whole run on one file. A commit
hook pays it on every commit, a git filter on every notebook.

So the ``mlwarden`` command (:func:`main`, the console script) first looks for
a resident process of the same installation: a parent that has imported
everything once, then waits on a Unix socket. The command connects, hands over
its standard streams (the file descriptors themselves, ``SCM_RIGHTS``), its
arguments, working directory, environment and umask; the parent forks a child
for it, and the child runs the ordinary command line (:func:`mlwarden.cli.main`)
on those streams, then reports the exit status, which the command exits with.
Every run is a fresh fork of the warm parent: nothing one run does is seen by
the next. The output is the same bytes as a run in-process (the tests compare
them), only sooner.

When there is none, the command runs in-process as before and, afterwards,
starts one in the background for the next command (a new session, standard
streams on ``/dev/null``, working directory ``/``, the command's own
``sys.path``; it never imports from the working directory). It exits after
``MLWARDEN_RESIDENT_IDLE`` seconds (default 900) without a request, or when its
socket is removed or replaced (``python -m mlwarden.resident stop`` removes
them all; ``status`` lists them).

What makes a parent "the same installation" is in the socket's name
(:func:`key`): the Python executable and version, ``sys.path`` and the
modification times of its directories (installing or removing a package
changes them), every file of the mlwarden package (an editable install that
changed), and the environment variables that shape the interpreter itself
(``PYTHON*``, ``LANG``, ``LC_*``). A changed installation simply gets a new
parent; the old one idles out.

Trust: the sockets live in a directory of the user's own (``$XDG_RUNTIME_DIR
/mlwarden``, else ``/tmp/mlwarden-<uid>``), mode 0700, checked before each use
(owned by this user, not a link, nobody else can enter); the parent also
checks the peer's user id (``SO_PEERCRED``) and serves no one else. Any
problem (no ``fork`` or Unix sockets, an unsafe directory, a refused or
broken connection before the run starts) gives the plain in-process run.

``MLWARDEN_RESIDENT=0`` turns it off, ``=1`` turns it on where it would be off
by default: in CI (``CI`` set), where a process that outlives the job is
unwanted. ``mlwarden server`` (the language server is resident by itself) always runs
in-process. ``python -m mlwarden`` (and the git filter, ``python -I -m
mlwarden strip``) go through here too.

This module is imported by every command before anything else: it imports
only built-in modules until it knows it must run in-process.
"""

import os
import sys

ENV_SWITCH = "MLWARDEN_RESIDENT"
ENV_IDLE = "MLWARDEN_RESIDENT_IDLE"
DEFAULT_IDLE = 900.0
#: how often an idle parent checks that its socket is still its own
CHECK_EVERY = 30.0
#: commands that never go through a resident parent
IN_PROCESS = frozenset({"server", "-h", "--help"})
_HEADER = 8
_MAX_REQUEST = 1 << 24


def main() -> int:
    """The ``mlwarden`` console script."""
    argv = sys.argv[1:]
    if enabled(argv):
        try:
            served = _client(argv)
        except KeyboardInterrupt:
            sys.stderr.write("mlwarden: interrupted\n")
            return 130
        if served is not None:
            return served
    if argv and argv[0] == "check":
        from mlwarden.core import startgc

        startgc.pause()  # until the first file is done (core/startgc.py)
    from mlwarden.cli import main as cli_main

    code = cli_main(argv)
    if enabled(argv):
        start()
    return code


# ---------------------------------------------------------------- policy


def enabled(argv) -> bool:
    """Whether this command may use (and start) a resident parent."""
    switch = os.environ.get(ENV_SWITCH, "").strip().lower()
    if switch in ("0", "off", "false", "no"):
        return False
    if not (hasattr(os, "fork") and hasattr(os, "getuid") and _has_unix_sockets()):
        return False
    if argv and argv[0] in IN_PROCESS:
        return False
    if switch in ("1", "on", "true", "yes"):
        return True
    ci = os.environ.get("CI", "").strip().lower()
    return ci in ("", "0", "false", "no")


def _has_unix_sockets() -> bool:
    import _socket

    return hasattr(_socket, "AF_UNIX") and hasattr(_socket, "SCM_RIGHTS")


def socket_dir(create: bool = False):
    """The user's private directory for sockets, or None when there is no
    safe one (see the module docs)."""
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    base = os.path.join(runtime, "mlwarden") if os.path.isabs(runtime) else os.path.join("/tmp", f"mlwarden-{uid}")
    if create:
        try:
            os.mkdir(base, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        st = os.lstat(base)
    except OSError:
        return None
    import stat

    if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_mode & 0o077:
        return None
    return base


def key() -> str:
    """A name for this installation (see the module docs): 16 hex digits."""
    import zlib

    parts = [sys.executable, sys.version, repr(sys.flags)]
    for entry in sys.path:
        parts.append(entry)
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            try:  # a package installed, upgraded or removed changes it
                parts.append(str(os.stat(entry).st_mtime_ns))
            except OSError:
                parts.append("-")
    package = os.path.dirname(os.path.abspath(__file__))
    stack = [package]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for item in entries:
            if item.name == "__pycache__":
                continue
            try:
                if item.is_dir(follow_symlinks=False):
                    stack.append(item.path)
                    continue
                st = item.stat()
            except OSError:
                continue
            parts.append(f"{item.path}:{st.st_mtime_ns}:{st.st_size}")
    for name in sorted(os.environ):
        if name.startswith(("PYTHON", "LC_")) or name == "LANG":
            parts.append(f"{name}={os.environ[name]}")
    data = "\0".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data[::-1]):08x}"


def socket_path(create: bool = False):
    base = socket_dir(create)
    if base is None:
        return None
    path = os.path.join(base, key() + ".sock")
    return path if len(path.encode()) < 100 else None


# ---------------------------------------------------------------- client


def _client(argv):
    """Run the command in a resident parent; its exit status, or None when
    there is none to use (nothing has been written then)."""
    import marshal
    import socket

    path = socket_path()
    if path is None:
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        request = marshal.dumps({"argv": [sys.argv[0], *argv], "cwd": os.getcwd(), "env": dict(os.environ), "umask": _umask()})
        data = len(request).to_bytes(_HEADER, "big") + request
        sent = socket.send_fds(conn, [data], [0, 1, 2])
        if sent < len(data):
            conn.sendall(data[sent:])
        started = _receive(conn)
    except (OSError, ValueError, EOFError, TypeError):
        conn.close()
        return None  # nothing ran: the in-process run is the same run
    if not isinstance(started, dict) or "pid" not in started:
        conn.close()
        return None
    child = started["pid"]
    while True:
        try:
            done = _receive(conn)
            break
        except KeyboardInterrupt:  # the child is in the parent's session: pass it on
            try:
                os.kill(child, 2)
            except OSError:
                pass
        except (OSError, ValueError, EOFError, TypeError):
            done = None
            break
    conn.close()
    if not isinstance(done, dict) or not isinstance(done.get("exit"), int):
        sys.stderr.write("mlwarden: the resident process ended without a result; run again with MLWARDEN_RESIDENT=0\n")
        return 2
    return done["exit"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _receive(conn):
    import marshal

    header = _read_exactly(conn, _HEADER)
    size = int.from_bytes(header, "big")
    if size > _MAX_REQUEST:
        raise ValueError("message too large")
    return marshal.loads(_read_exactly(conn, size))


def _read_exactly(conn, size: int) -> bytes:
    chunks = []
    while size:
        chunk = conn.recv(min(size, 1 << 16))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _send(conn, message) -> None:
    import marshal

    data = marshal.dumps(message)
    conn.sendall(len(data).to_bytes(_HEADER, "big") + data)


def start() -> bool:
    """Start a resident parent for this installation in the background,
    unless one answers already. Never raises."""
    try:
        path = socket_path(create=True)
        if path is None or _answers(path) or not _claim(path + ".starting"):
            return False
        # it starts in "/" (never the repository's directory); `-c` puts ""
        # first on sys.path, and the first statement replaces sys.path
        # before any import that is not built in
        here = os.getcwd()
        # the command's own search path, absolute; never the working directory
        search = [os.path.abspath(entry) for entry in sys.path if entry not in ("", ".", here)]
        code = f"import sys; sys.path[:] = {search!r}; from mlwarden.resident import serve; serve({path!r})"
        flags = ["-P"] if sys.version_info >= (3, 11) else []
        argv = [sys.executable, *flags, "-c", code]
        environ = dict(os.environ)
        pid = os.fork()
        if pid == 0:  # detach: a new session, in "/", standard streams on /dev/null
            try:
                os.setsid()
                os.chdir("/")
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.execve(sys.executable, argv, environ)
            finally:
                os._exit(0)
        return True
    except (OSError, AttributeError, ValueError, TypeError):
        return False


#: a parent that has not bound its socket this long after it was started has failed
STARTING_FOR = 60.0


def _claim(marker: str) -> bool:
    """Whether this command may start the parent: one command at a time (the
    marker file is created exclusively; the parent removes it when it listens,
    and one older than :data:`STARTING_FOR` is taken over)."""
    import time

    for _ in range(2):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            try:
                if time.time() - os.stat(marker).st_mtime < STARTING_FOR:
                    return False
                os.unlink(marker)
            except OSError:
                return False
        except OSError:
            return False
    return False


def _answers(path: str) -> bool:
    import socket

    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
        return True
    except OSError:
        return False
    finally:
        probe.close()


# ---------------------------------------------------------------- parent


def serve(path: str) -> None:
    """The resident parent: warm up, then fork a child per request."""
    import signal
    import socket

    os.chdir("/")
    if os.path.dirname(path) != socket_dir():
        return
    # warm before listening: a command that comes meanwhile finds no socket
    # and runs in-process (sooner than waiting for the warm-up); the marker
    # keeps it from starting another parent
    _warm()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        listener.bind(temporary)
        os.chmod(temporary, 0o600)
        listener.listen(64)
        os.replace(temporary, path)  # the last one started wins; the others idle out
    except OSError:
        listener.close()
        try:
            os.unlink(path + ".starting")
        except OSError:
            pass
        return
    mine = os.stat(path).st_ino
    try:
        os.unlink(path + ".starting")
    except OSError:
        pass
    idle = _idle_seconds()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGTERM, _terminated)  # `kill`: remove the socket on the way out
    try:
        _accept_loop(listener, path, mine, idle)
    except _Terminated:
        pass
    listener.close()
    if _still_mine(path, mine):
        try:
            os.unlink(path)
        except OSError:
            pass


class _Terminated(BaseException):
    pass


def _terminated(signum, frame):
    raise _Terminated()


def _accept_loop(listener, path: str, mine: int, idle: float) -> None:
    import socket
    import time

    last = time.monotonic()
    listener.settimeout(min(CHECK_EVERY, idle))
    served = 0
    while True:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            if time.monotonic() - last >= idle or not _still_mine(path, mine):
                break
            continue
        except OSError:
            break
        last = time.monotonic()
        if not _same_user(conn):
            conn.close()
            continue
        try:
            conn.settimeout(5.0)
            request, fds = _read_request(conn)
            conn.settimeout(None)
        except (OSError, ValueError, EOFError, TypeError):
            conn.close()
            continue
        if request.get("status"):
            try:
                _send(conn, {"pid": os.getpid(), "served": served, "path": path})
            except OSError:
                pass
            conn.close()
            continue
        served += 1
        pid = os.fork()
        if pid == 0:  # the child: never returns
            listener.close()
            _child(conn, request, fds)
        for fd in fds:
            os.close(fd)
        conn.close()


def _read_request(conn):
    """The request and the file descriptors that came with it (a status
    request comes without any)."""
    import marshal
    import socket

    message, fds, _, _ = socket.recv_fds(conn, _HEADER + (1 << 16), 3)
    try:
        if len(message) < _HEADER:
            raise EOFError("no request")
        size = int.from_bytes(message[:_HEADER], "big")
        if size > _MAX_REQUEST:
            raise ValueError("request too large")
        body = message[_HEADER:]
        if len(body) < size:
            body += _read_exactly(conn, size - len(body))
        request = marshal.loads(body)
        if not isinstance(request, dict):
            raise ValueError("not a request")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return request, fds


def status(path: str):
    """What the resident parent at ``path`` says about itself, or None."""
    import socket

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(5.0)
        conn.connect(path)
        _send(conn, {"status": True})
        answer = _receive(conn)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    finally:
        conn.close()
    return answer if isinstance(answer, dict) else None


def _idle_seconds() -> float:
    try:
        value = float(os.environ.get(ENV_IDLE, DEFAULT_IDLE))
    except ValueError:
        value = DEFAULT_IDLE
    return max(value, 0.5)


def _still_mine(path: str, inode: int) -> bool:
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


def _same_user(conn) -> bool:
    import socket
    import struct

    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True  # no peer credentials here: the directory's mode is the only guard
    try:
        _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    except OSError:
        return False
    return uid == os.getuid()


def _warm() -> None:
    """Import what a command can need, once, in the parent: by running
    ``check`` on a small made-up project in a temporary directory (code,
    a notebook, dependency files, a configuration file with a made-up key),
    which reaches the lazy imports of every kind of file, and the cache."""
    import shutil
    import tempfile

    from mlwarden.core.codecache import armed

    root = tempfile.mkdtemp(prefix="mlwarden-warm-")
    try:
        with armed():
            _warm_project(root)
            from mlwarden.cli import main as cli_main

            cli_main(["check", "--exit-zero", "--severity", "low", root])
            _import_all()
    except BaseException:  # noqa: BLE001 - a part that fails to warm is imported by the child, as in-process
        pass
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: parts a command never needs, or that need optional extras
_NOT_WARMED = ("mlwarden.server", "mlwarden.integrations", "mlwarden.testing", "mlwarden.resident")


def _import_all() -> None:
    """Every module of the package (what the sample project did not reach:
    other rules' helpers, other file kinds), then every lazily compiled
    regular expression they define, and detect-secrets' plugins."""
    import importlib
    import pkgutil

    import mlwarden
    from mlwarden.core import lazyre

    for info in pkgutil.walk_packages(mlwarden.__path__, "mlwarden."):
        if info.name.startswith(_NOT_WARMED):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - an optional part: the child imports it as in-process would
            pass
    for name in ("nbformat", "detect_secrets.core.plugins.util"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            pass
    lazyre.compile_all()


def _warm_project(root: str) -> None:
    import json
    import random
    import string

    made_up = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(40))
    code = (
        "import pickle, subprocess, sys, yaml, torch\n"
        "from transformers import AutoModel\n"
        "def f(path, data):\n"
        "    model = AutoModel.from_pretrained('org/model', trust_remote_code=True)\n"
        "    subprocess.run([sys.executable, '-m', 'pip', 'install', 'pkg'])\n"
        "    return torch.load(path), pickle.loads(data), yaml.load(data), model\n"
    )
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": 1, "id": "a1", "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}], "source": ["!pip install pkg\n", code]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    files = {
        "train.py": code,
        "explore.ipynb": json.dumps(notebook),
        "requirements.txt": "torch\npkg>=1\n",
        "pyproject.toml": "[project]\nname = 'warm'\ndependencies = ['torch>=2.6']\n",
        "settings.yaml": f"api_key: {made_up}\n",
    }
    for name, text in files.items():
        with open(os.path.join(root, name), "w", encoding="utf-8") as handle:
            handle.write(text)


def _child(conn, request, fds) -> None:
    import io
    import signal

    code = 2
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if len(fds) != 3 or not isinstance(request.get("argv"), list):
            os._exit(2)
        for fd, target in zip(fds, (0, 1, 2)):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(request["umask"])
        sys.argv = list(request["argv"])
        sys.stdin = sys.__stdin__ = _stream(io, 0, sys.__stdin__)
        sys.stdout = sys.__stdout__ = _stream(io, 1, sys.__stdout__)
        sys.stderr = sys.__stderr__ = _stream(io, 2, sys.__stderr__)
        _send(conn, {"pid": os.getpid()})
    except BaseException:  # noqa: BLE001 - nothing has run: the client runs it in-process
        os._exit(2)
    try:
        from mlwarden.cli import main as cli_main
        from mlwarden.core.parallel import warm_process

        warm_process()
        code = cli_main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - cli.main turns errors into a line already
        code = 2
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        _send(conn, {"exit": int(code)})
    except OSError:
        pass
    os._exit(0)


def _stream(io, fd: int, like):
    """A text stream on ``fd`` made as Python makes its standard streams
    (encoding and errors as the parent's, which the key ties to the same
    environment; line buffering on a terminal, and always for stderr)."""
    encoding = getattr(like, "encoding", None) or "utf-8"
    errors = getattr(like, "errors", None) or "strict"
    if fd == 0:
        raw = io.FileIO(fd, "rb", closefd=False)
        return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, errors=errors)
    raw = io.FileIO(fd, "wb", closefd=False)
    unbuffered = bool(getattr(like, "write_through", False))  # PYTHONUNBUFFERED, in the key
    line = fd == 2 or os.isatty(fd)
    buffer = raw if unbuffered else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffer, encoding=encoding, errors=errors, line_buffering=line and not unbuffered, write_through=unbuffered)


# ---------------------------------------------------------------- management


def _manage(argv) -> int:
    """``python -m mlwarden.resident status|stop``."""
    command = argv[0] if argv else "status"
    base = socket_dir()
    names = sorted(n for n in os.listdir(base) if n.endswith(".sock")) if base else []
    if command == "status":
        current = socket_path()
        for name in names:
            path = os.path.join(base, name)
            answer = status(path)
            state = f"process {answer.get('pid')}, {answer.get('served')} command(s) served" if answer else "does not answer"
            print(f"{path}: {state}{' (this installation)' if path == current else ''}")
        if not names:
            print(f"no resident process ({'no safe socket directory' if base is None else base})")
        return 0
    if command == "stop":
        for name in names + [n for n in os.listdir(base) if n.endswith(".starting")] if base else names:
            try:
                os.unlink(os.path.join(base, name))
            except OSError:
                pass
        print(f"removed {len(names)} socket(s); each resident process exits within {CHECK_EVERY:.0f} s")
        return 0
    print("usage: python -m mlwarden.resident [status|stop]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_manage(sys.argv[1:]))
