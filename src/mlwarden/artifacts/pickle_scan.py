"""A pickle opcode reader that never executes or imports anything.

It walks the opcodes with ``pickletools``' opcode table and argument readers
(``GLOBAL``/``INST`` lines are read here so their bytes are seen exactly as
the unpickler sees them) and simulates the unpickler's stack, mark stack and
memo with symbolic values, so that every global the file imports and every
callable it calls is resolved: ``STACK_GLOBAL`` names that come from the memo,
``getattr`` chains, ``INST``/``OBJ``/``NEWOBJ``/``REDUCE`` targets, ``BUILD``
on a class or module, and pickles nested in ``pickle.loads(b"...")``.

Fail closed: whatever the simulation cannot follow (a stack underflow, a memo
key never stored, a callable computed at load time, an extension-registry
code, a truncated stream, an oversized object) becomes an UNVERIFIABLE issue,
and the reader keeps sweeping the remaining opcodes for ``GLOBAL``/``INST``
names so that what follows is still reported.
"""

from __future__ import annotations

import pickletools
import re
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from mlwarden.artifacts.allowlist import canonical
from mlwarden.artifacts.report import DANGEROUS, UNVERIFIABLE, GlobalRef, ScanReport
from mlwarden.artifacts.stream import ScanLimit, Stream

_CODE2OP = {op.code.encode("latin-1"): op for op in pickletools.opcodes}
_IMPORTABLE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_MAX_ITEMS = 4096  # items kept per symbolic container (the rest are counted only)

#: callables whose first argument is itself a serialized object; a literal
#: argument is scanned as a nested file
NESTED_LOADERS = {
    "pickle.loads",
    "pickle._loads",
    "_pickle.loads",
    "dill.loads",
    "dill._dill.loads",
    "cloudpickle.loads",
    "torch.storage._load_from_bytes",
    "numpy.loads",
    "numpy.core.numeric.loads",
    "pickle._Unpickler",
    "pandas.compat.pickle_compat.loads",
}


class Global:
    __slots__ = ("name", "offset")

    def __init__(self, name: str, offset: int) -> None:
        self.name = name
        self.offset = offset

    def __repr__(self) -> str:
        return f"`{self.name}`"


class Obj:
    """The result of calling something while loading."""

    __slots__ = ("func", "args", "state", "offset")

    def __init__(self, func: Any, args: Any, offset: int) -> None:
        self.func = func
        self.args = args
        self.state: Any = None
        self.offset = offset

    def __repr__(self) -> str:
        return f"the result of calling {describe(self.func)}"


class Pid:
    __slots__ = ("pid",)

    def __init__(self, pid: Any) -> None:
        self.pid = pid


class Opaque:
    """A value we do not model (out-of-band buffer, oversized payload …)."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return self.what


class SList(list):
    dropped = 0


class SDict:
    __slots__ = ("pairs", "dropped")

    def __init__(self) -> None:
        self.pairs: List[Tuple[Any, Any]] = []
        self.dropped = 0

    def get(self, key: str) -> Any:
        for k, v in self.pairs:
            if k == key:
                return v
        return None


class _Mark:
    pass


class Underflow(Exception):
    pass


class Unresolved(Exception):
    """The simulation cannot continue faithfully; str() is the reason."""


class Failed(Unresolved):
    """The real unpickler fails here too (truncation, unknown opcode, memo
    miss, wrong types): what follows is never loaded."""


def describe(value: Any) -> str:
    if isinstance(value, (Global, Obj, Opaque)):
        return repr(value)
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if isinstance(value, (bytes, bytearray)):
        return f"{len(value)} bytes"
    if isinstance(value, Pid):
        return "a persistent id"
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, (SList, SDict)):
        return "a container"
    return type(value).__name__


class PickleScanner:
    """Scan pickle streams into a :class:`ScanReport`.

    ``nested(data, label)`` scans bytes handed to a nested loader (the format
    drivers pass their own sniffing scanner); ``on_build`` lets a driver react
    to a ``BUILD`` (joblib arrays whose raw bytes follow the opcode)."""

    def __init__(
        self,
        report: ScanReport,
        member: str,
        *,
        nested: Optional[Callable[[bytes, str], None]] = None,
        on_build: Optional[Callable[["PickleScanner", Obj, Stream, int], None]] = None,
        max_nested_bytes: int = 64 << 20,
        max_ops: int = 0,
    ) -> None:
        self.report = report
        self.member = member
        self.nested = nested
        self.on_build = on_build
        self.max_nested_bytes = max_nested_bytes
        self.max_ops = max_ops
        self.proto = 0
        #: opcodes that make the unpickler import or call something
        #: (GLOBAL, STACK_GLOBAL, INST, EXT*, PERSID): 0 means that loading
        #: the stream had no effect before it ended or failed
        self.effects = 0
        #: how many of ``effects`` are persistent ids the simulation reached
        self.persistent_ids = 0
        #: ``effects`` when the simulation ended, before any sweep for globals
        #: (what a loader would run; the sweep is for what it might)
        self.simulated_effects = 0
        #: calls (REDUCE, NEWOBJ, OBJ, INST …) of an imported global the simulation reached
        self.calls = 0
        #: "stop" (reached STOP), "failed" (the unpickler itself would fail
        #: here) or "gave-up" (this reader cannot follow; swept for globals)
        self.outcome = ""
        self.failure: Optional[Tuple[str, int]] = None
        #: the stream's first opcode was PROTO (a header: pickle.dump writes one from protocol 2)
        self.headed = False
        self._cut_line = False

    # -- reporting -------------------------------------------------------------
    def _global(self, module: str, name: str, offset: int, opcode: str) -> Global:
        if _IMPORTABLE.match(module.strip()) and _IMPORTABLE.match(name.strip()) and not self._cut_line:
            # only a name `__import__` can resolve is an effect: a GLOBAL made
            # of prose ("c" + "opyright (c) 2020") fails without importing
            self.effects += 1
        raw = f"{module}.{name}"
        qual = canonical(module, name) if self.proto < 3 else raw
        qual_module = qual[: len(qual) - len(name) - 1] if qual.endswith("." + name) else module
        self.report.globals.append(GlobalRef(name=qual, raw=raw, member=self.member, offset=offset, opcode=opcode, module=qual_module, raw_module=module))
        return Global(qual, offset)

    def _unverifiable(self, detail: str, offset: Optional[int], key: str = "") -> None:
        self.report.add(UNVERIFIABLE, detail, self.member, offset, key or detail)

    # -- opcode walk --------------------------------------------------------------
    def _ops(self, f: Stream):
        """Like ``pickletools.genops``: (opcode, arg, offset) until STOP."""
        while True:
            pos = f.tell()
            code = f.read(1)
            if not code:
                raise Failed("the pickle stream ends before its STOP opcode (truncated)")
            op = _CODE2OP.get(code)
            if op is None:
                raise Failed(f"unknown opcode 0x{code[0]:02x}")
            if op.name in ("GLOBAL", "INST"):
                arg = (self._line(f), self._line(f))
            elif op.name in _BLOBS:
                # length-prefixed payloads: skip large ones instead of reading
                # them (a 500 MB array pickle scans in bounded memory)
                fmt, size = _BLOBS[op.name]
                raw = f.read(size)
                if len(raw) < size:
                    raise Failed(f"the pickle stream ends inside {op.name} (truncated)")
                n = int.from_bytes(raw, "little", signed=(op.name == "BINSTRING"))
                if n < 0:
                    raise Failed(f"negative length in {op.name} at offset {pos}")
                if n > self.max_nested_bytes:
                    if f.skip(n) < n:
                        raise Failed(f"the pickle stream ends inside {op.name} (truncated)")
                    arg = Opaque(f"{n} bytes")
                else:
                    data = f.read(n)
                    if len(data) < n:
                        raise Failed(f"the pickle stream ends inside {op.name} (truncated)")
                    if op.name in ("BINUNICODE", "BINUNICODE8"):
                        try:
                            arg = data.decode("utf-8", "surrogatepass")
                        except UnicodeDecodeError:
                            raise Failed(f"{op.name} at offset {pos} is not valid UTF-8") from None
                    elif op.name == "BINSTRING":
                        arg = data.decode("latin-1")
                    elif op.name == "BYTEARRAY8":
                        arg = bytearray(data)
                    else:
                        arg = data
            elif op.name == "STRING":
                arg = self._string(f, pos)
            elif op.arg is None:
                arg = None
            else:
                try:
                    arg = op.arg.reader(f)
                except ValueError as exc:
                    raise Failed(f"bad argument of {op.name}: {str(exc)[:80]}") from None
            yield op, arg, pos
            if op.name == "STOP":
                return

    def _string(self, f: Stream, pos: int) -> str:
        """A protocol 0 ``STRING`` argument as pickle reads it: the line
        without its last byte, in quotes, with Python escapes. Python 2
        wrote ``str`` values this way, and their bytes need not be ASCII
        (``pickletools`` refuses them; ``pickle.load(f, encoding="latin1")``,
        as loaders of old pickles call it, reads them): decoded as Latin-1,
        like ``BINSTRING``."""
        import codecs

        data = f.readline()
        if not data.endswith(b"\n"):
            raise Failed("the pickle stream ends inside STRING (truncated)")
        data = data[:-1]
        if len(data) < 2 or data[:1] != data[-1:] or data[:1] not in (b"'", b'"'):
            raise Failed(f"bad argument of STRING at offset {pos}: it must be quoted")
        try:
            return codecs.escape_decode(data[1:-1])[0].decode("latin-1")
        except ValueError as exc:
            raise Failed(f"bad argument of STRING at offset {pos}: {str(exc)[:80]}") from None

    def _line(self, f: Stream) -> str:
        data = f.readline()
        if not data.endswith(b"\n"):
            if len(data) < 2:
                raise Failed("a GLOBAL/INST name is not terminated by a newline (truncated)")
            # CPython still uses a last line cut by the end of the stream (minus
            # its last byte); the opcode is incomplete, so it is no evidence that
            # the content is a pickle (see `effects`), but its name is reported
            self._cut_line = True
        try:
            # exactly what pickle does: drop the one newline byte, decode UTF-8
            return data[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise Failed("a GLOBAL/INST name is not valid UTF-8") from None

    def scan(self, f: Stream, deadline: Optional[float] = None) -> Any:
        """Scan one pickle (up to STOP). Returns the symbolic top value (or None).

        Bounded by ``max_ops`` opcodes and the deadline (a 39 KB gzip of
        ``N0`` x 20 million is 40 million opcodes): reaching either raises
        :class:`ScanLimit`, which the drivers report as unverifiable."""
        self.proto = 0
        self.outcome = ""
        self.headed = f.peek(1) == b"\x80"
        stack: List[Any] = []
        metastack: List[List[Any]] = []
        memo: Dict[int, Any] = {}
        ops = self._ops(f)
        count = 0
        self.report.pickles_scanned += 1
        try:
            for op, arg, pos in ops:
                count += 1
                if not count & 0xFFF:
                    self._bound(count, deadline)
                result = self._step(op.name, arg, pos, stack, metastack, memo, f)
                if op.name == "STOP":
                    self.outcome = "stop"
                    self.simulated_effects = self.effects
                    return result
        except (Failed, Underflow) as exc:
            self.outcome = "failed"
            before = self.simulated_effects = self.effects
            self.failure = (f"{exc}; the unpickler fails here", f.tell())
            self._sweep(ops, count, deadline)
            if before:
                self._unverifiable(f"{exc}; a loader runs everything before this point and then fails", self.failure[1], key=f"failed:{exc}")
            elif self.effects:
                self._unverifiable(f"{exc}; the unpickler fails here, and the rest of the stream was swept for globals", self.failure[1], key=f"failed:{exc}")
        except Unresolved as exc:
            self.outcome = "gave-up"
            self.simulated_effects = self.effects
            self._unverifiable(f"{exc}; the rest of the stream was only swept for globals", f.tell(), key=f"unresolved:{exc}")
            self._sweep(ops, count, deadline)
        return None

    def _bound(self, count: int, deadline: Optional[float]) -> None:
        if self.max_ops and count > self.max_ops:
            raise ScanLimit(f"more than {self.max_ops} pickle opcodes (a CPU bomb or an unusually large pickle)")
        if deadline is not None and time.monotonic() > deadline:
            raise ScanLimit("time limit reached")

    def _sweep(self, ops, count: int = 0, deadline: Optional[float] = None) -> None:
        """After the simulation gave up: report GLOBAL/INST names (and
        STACK_GLOBAL after two pushed strings) until STOP or a read error."""
        recent: List[Any] = []
        try:
            for op, arg, pos in ops:
                count += 1
                if not count & 0xFFF:
                    self._bound(count, deadline)
                if op.name in ("EXT1", "EXT2", "EXT4", "PERSID", "BINPERSID"):
                    self.effects += 1
                if op.name in ("GLOBAL", "INST"):
                    self._global(arg[0], arg[1], pos, op.name)
                elif op.name == "STACK_GLOBAL":
                    if len(recent) >= 2 and isinstance(recent[-1], str) and isinstance(recent[-2], str):
                        self._global(recent[-2], recent[-1], pos, "STACK_GLOBAL")
                    else:
                        self.effects += 1
                        self._unverifiable("a STACK_GLOBAL whose names cannot be resolved", pos, key="stack-global-unresolved")
                if isinstance(arg, str):
                    recent = (recent + [arg])[-2:]
                elif op.name not in ("BINPUT", "PUT", "LONG_BINPUT", "MEMOIZE", "FRAME"):
                    recent = (recent + [None])[-2:]
        except (Unresolved, ValueError):
            pass

    # -- one opcode -------------------------------------------------------------------
    def _step(self, name: str, arg: Any, pos: int, stack: List[Any], metastack: List[List[Any]], memo: Dict[int, Any], f: Stream) -> Any:
        def pop() -> Any:
            if not stack:
                raise Underflow(f"stack underflow at {name} (offset {pos})")
            return stack.pop()

        # Python's unpickler keeps the items above a MARK in `stack` and the
        # outer stack on `metastack`; we mirror that exactly.
        if name in _PUSH_ARG:
            stack.append(arg)
        elif name == "NONE":
            stack.append(None)
        elif name == "NEWTRUE":
            stack.append(True)
        elif name == "NEWFALSE":
            stack.append(False)
        elif name == "PROTO":
            if not 0 <= arg <= 5:
                raise Failed(f"unsupported pickle protocol {arg}")
            self.proto = arg
        elif name == "FRAME":
            pass
        elif name in ("EMPTY_LIST",):
            stack.append(SList())
        elif name == "EMPTY_DICT":
            stack.append(SDict())
        elif name == "EMPTY_TUPLE":
            stack.append(())
        elif name == "EMPTY_SET":
            stack.append(SList())
        elif name == "MARK":
            metastack.append(list(stack))
            stack[:] = []
        elif name == "TUPLE":
            items = self._pop_mark(stack, metastack, name, pos)
            stack.append(tuple(items))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            if len(stack) < n:
                raise Underflow(f"stack underflow at {name} (offset {pos})")
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name in ("LIST",):
            items = self._pop_mark(stack, metastack, name, pos)
            stack.append(_slist(items))
        elif name in ("FROZENSET",):
            items = self._pop_mark(stack, metastack, name, pos)
            stack.append(tuple(items))
        elif name == "DICT":
            items = self._pop_mark(stack, metastack, name, pos)
            d = SDict()
            _dict_update(d, items)
            stack.append(d)
        elif name == "APPEND":
            value = pop()
            self._mutate(stack, name, pos, [value])
        elif name in ("APPENDS", "ADDITEMS"):
            items = self._pop_mark(stack, metastack, name, pos)
            self._mutate(stack, name, pos, items)
        elif name == "SETITEM":
            value = pop()
            key = pop()
            self._mutate(stack, name, pos, [key, value])
        elif name == "SETITEMS":
            items = self._pop_mark(stack, metastack, name, pos)
            self._mutate(stack, name, pos, items)
        elif name == "POP":
            if stack:
                stack.pop()
            else:
                self._pop_mark(stack, metastack, name, pos)
        elif name == "POP_MARK":
            self._pop_mark(stack, metastack, name, pos)
        elif name == "DUP":
            if not stack:
                raise Underflow(f"stack underflow at DUP (offset {pos})")
            stack.append(stack[-1])
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            if not stack:
                raise Underflow(f"stack underflow at {name} (offset {pos})")
            if arg < 0:
                raise Failed(f"negative memo index at offset {pos}")
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            if not stack:
                raise Underflow(f"stack underflow at MEMOIZE (offset {pos})")
            memo[len(memo)] = stack[-1]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if arg not in memo:
                raise Failed(f"memo key {arg} is read before it is stored (offset {pos})")
            stack.append(memo[arg])
        elif name in ("EXT1", "EXT2", "EXT4"):
            self.effects += 1
            raise Unresolved(f"extension code {arg} names a global chosen by the loading process's copyreg registry (offset {pos})")
        elif name == "GLOBAL":
            stack.append(self._global(arg[0], arg[1], pos, "GLOBAL"))
        elif name == "STACK_GLOBAL":
            attr = pop()
            module = pop()
            if not isinstance(module, str) or not isinstance(attr, str):
                self.effects += 1
                raise Unresolved(
                    f"STACK_GLOBAL at offset {pos} takes its names from {describe(module)} and {describe(attr)}, not from strings"
                )
            stack.append(self._global(module, attr, pos, "STACK_GLOBAL"))
        elif name == "REDUCE":
            args = pop()
            func = pop()
            stack.append(self._call(func, args, pos, name))
        elif name == "NEWOBJ":
            args = pop()
            cls = pop()
            stack.append(self._call(cls, args, pos, name))
        elif name == "NEWOBJ_EX":
            pop()  # the keyword arguments: calls are judged by callable and positional arguments
            args = pop()
            cls = pop()
            stack.append(self._call(cls, args, pos, name))
        elif name == "OBJ":
            items = self._pop_mark(stack, metastack, name, pos)
            if not items:
                raise Underflow(f"OBJ without a class (offset {pos})")
            stack.append(self._call(items[0], tuple(items[1:]), pos, name))
        elif name == "INST":
            cls = self._global(arg[0], arg[1], pos, "INST")
            items = self._pop_mark(stack, metastack, name, pos)
            stack.append(self._call(cls, tuple(items), pos, name))
        elif name == "BUILD":
            state = pop()
            if not stack:
                raise Underflow(f"stack underflow at BUILD (offset {pos})")
            target = stack[-1]
            self._build(target, state, pos, f)
        elif name in ("PERSID", "BINPERSID"):
            self.effects += 1  # the loader's persistent_load runs
            self.persistent_ids += 1
            pid = arg if name == "PERSID" else pop()
            stack.append(Pid(pid))
        elif name in ("NEXT_BUFFER",):
            stack.append(Opaque("an out-of-band buffer"))
        elif name == "READONLY_BUFFER":
            if not stack:
                raise Underflow(f"stack underflow at READONLY_BUFFER (offset {pos})")
        elif name == "STOP":
            if metastack:
                # the real unpickler ignores an unclosed MARK; note it
                pass
            return pop()
        else:  # an opcode pickletools knows and we do not model
            raise Unresolved(f"opcode {name} is not modelled")
        return None

    @staticmethod
    def _pop_mark(stack: List[Any], metastack: List[List[Any]], name: str, pos: int) -> List[Any]:
        if not metastack:
            raise Underflow(f"{name} without a MARK (offset {pos})")
        items = list(stack)
        stack[:] = metastack.pop()
        return items

    def _mutate(self, stack: List[Any], name: str, pos: int, items: List[Any]) -> None:
        if not stack:
            raise Underflow(f"stack underflow at {name} (offset {pos})")
        target = stack[-1]
        if isinstance(target, SList):
            if name in ("SETITEM", "SETITEMS"):
                return  # list.__setitem__ with an index: no code runs
            room = _MAX_ITEMS - len(target)
            target.extend(items[: max(room, 0)])
            target.dropped += max(len(items) - max(room, 0), 0)
        elif isinstance(target, SDict):
            if name not in ("SETITEM", "SETITEMS"):
                raise Unresolved(f"{name} on a dict at offset {pos}")
            _dict_update(target, items)
        elif isinstance(target, Obj):
            # calls the object's append/extend/__setitem__: fine for an
            # allowed class (every global is judged on its own)
            if name in ("SETITEM", "SETITEMS") and isinstance(target.state, SDict):
                _dict_update(target.state, items)
        elif isinstance(target, Global):
            self.report.add(
                DANGEROUS,
                f"`{name}` mutates the global `{target.name}` itself while loading",
                self.member,
                pos,
                key=f"mutate-global:{target.name}",
            )
        else:
            raise Unresolved(f"{name} on {describe(target)} at offset {pos}")

    def _call(self, func: Any, args: Any, pos: int, opname: str) -> Obj:
        obj = Obj(func, args, pos)
        if not isinstance(func, (Global, Obj, Opaque, Pid)):
            raise Failed(f"{opname} at offset {pos} calls {describe(func)}, which is not callable")
        if not isinstance(func, Global):
            raise Unresolved(f"{opname} at offset {pos} calls {describe(func)}, which only exists while loading")
        self.calls += 1
        rebuilt = _rebuild_bytes(func.name, args)
        if rebuilt is not None:
            return rebuilt  # type: ignore[return-value]
        if func.name in NESTED_LOADERS:
            payload = args[0] if isinstance(args, tuple) and args else None
            if isinstance(payload, (bytes, bytearray)) and self.nested is not None:
                self.nested(bytes(payload), f"{self.member + ' > ' if self.member else ''}{func.name}@{pos}")
            else:
                self._unverifiable(
                    f"`{func.name}` at offset {pos} loads a nested object from {describe(payload)}, which cannot be read without loading",
                    pos,
                    key=f"nested-unreadable:{func.name}",
                )
        return obj

    def _build(self, target: Any, state: Any, pos: int, f: Stream) -> None:
        if isinstance(target, Global):
            self.report.add(
                DANGEROUS,
                f"`BUILD` sets attributes on the global `{target.name}` itself (a class or module), changing it for the whole process",
                self.member,
                pos,
                key=f"build-global:{target.name}",
            )
            return
        if isinstance(target, Obj):
            target.state = state
            if self.on_build is not None:
                self.on_build(self, target, f, pos)
            return
        raise Unresolved(f"BUILD on {describe(target)} at offset {pos}")


#: opcode -> (unused, size of its little-endian length prefix)
_BLOBS = {
    "BINBYTES": ("<I", 4),
    "BINBYTES8": ("<Q", 8),
    "BYTEARRAY8": ("<Q", 8),
    "BINUNICODE": ("<I", 4),
    "BINUNICODE8": ("<Q", 8),
    "BINSTRING": ("<i", 4),
}

_PUSH_ARG = {
    "INT",
    "BININT",
    "BININT1",
    "BININT2",
    "LONG",
    "LONG1",
    "LONG4",
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
    "BINBYTES",
    "SHORT_BINBYTES",
    "BINBYTES8",
    "BYTEARRAY8",
    "UNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE",
    "BINUNICODE8",
    "FLOAT",
    "BINFLOAT",
}


#: calls that turn literal arguments into bytes: followed so that a nested
#: pickle built as ``bytes([128, 4, ...])`` or base64 text is still scanned
_BYTES_BUILDERS = {"builtins.bytes", "builtins.bytearray", "_codecs.encode", "codecs.encode", "base64.b64decode", "base64.decodebytes", "binascii.a2b_base64", "binascii.unhexlify", "binascii.a2b_hex"}


def _rebuild_bytes(name: str, args: Any) -> Optional[bytes]:
    if name not in _BYTES_BUILDERS or not isinstance(args, tuple) or not args:
        return None
    first = args[0]
    try:
        if name in ("builtins.bytes", "builtins.bytearray"):
            if isinstance(first, SList) and not first.dropped and all(isinstance(i, int) and not isinstance(i, bool) for i in first):
                return bytes(first)
            if isinstance(first, (bytes, bytearray)):
                return bytes(first)
            if isinstance(first, str) and len(args) > 1 and isinstance(args[1], str):
                return first.encode(args[1])
            return None
        if name in ("_codecs.encode", "codecs.encode"):
            if isinstance(first, str):
                enc = args[1] if len(args) > 1 and isinstance(args[1], str) else "utf-8"
                return first.encode(enc)
            return None
        import base64
        import binascii

        data = first.encode("latin-1") if isinstance(first, str) else first
        if not isinstance(data, (bytes, bytearray)):
            return None
        if name in ("binascii.unhexlify", "binascii.a2b_hex"):
            return binascii.unhexlify(data)
        return base64.b64decode(data)
    except (ValueError, LookupError, TypeError):
        return None


def _slist(items: List[Any]) -> SList:
    out = SList(items[:_MAX_ITEMS])
    out.dropped = max(len(items) - _MAX_ITEMS, 0)
    return out


def _dict_update(d: SDict, items: List[Any]) -> None:
    if len(items) % 2:
        raise Unresolved("odd number of items for a dict")
    for i in range(0, len(items), 2):
        if len(d.pairs) < _MAX_ITEMS:
            d.pairs.append((items[i], items[i + 1]))
        else:
            d.dropped += 1
