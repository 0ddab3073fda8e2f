"""Positions of keys and strings in a TOML document.

``tomllib`` validates and decodes but gives no positions; this scanner walks
the same text and records, for every key and every string value, its key path
(``("project", "dependencies")``, ``("tool", "poetry", "dependencies",
"torch", "version")``), its decoded value, and its 1-based line and column.
Values are decoded by tomllib itself, so escapes are never re-implemented.
It runs only on text that tomllib already accepted.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass
from typing import Dict, List, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

Path_ = Tuple[str, ...]


@dataclass
class Spot:
    path: Path_
    kind: str  # "key" or "str"
    value: str
    line: int
    col: int


class Positions:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spots: List[Spot] = []
        self._starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self._used: Dict[int, bool] = {}
        try:
            _Scanner(self).run()
        except Exception:  # never fail a check because positions are missing
            pass

    def where(self, offset: int) -> Tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def key(self, path: Path_) -> Tuple[int, int]:
        """Line and column of the key at ``path`` (the last occurrence wins
        for nothing: TOML forbids duplicates)."""
        for spot in self.spots:
            if spot.kind == "key" and spot.path == path:
                return spot.line, spot.col
        return self.near(path)

    def string(self, path: Path_, value: str) -> Tuple[int, int]:
        """Line and column of the next unused string ``value`` under ``path``."""
        for index, spot in enumerate(self.spots):
            if spot.kind == "str" and spot.path == path and spot.value == value and not self._used.get(index):
                self._used[index] = True
                return spot.line, spot.col
        for index, spot in enumerate(self.spots):
            if spot.kind == "str" and spot.value == value and not self._used.get(index):
                self._used[index] = True
                return spot.line, spot.col
        return self.near(path)

    def near(self, path: Path_) -> Tuple[int, int]:
        """The closest known place: the longest recorded prefix of ``path``."""
        for cut in range(len(path), 0, -1):
            for spot in self.spots:
                if spot.kind == "key" and spot.path == path[:cut]:
                    return spot.line, spot.col
        return 1, 1


class _Scanner:
    def __init__(self, positions: Positions) -> None:
        self.p = positions
        self.text = positions.text
        self.i = 0
        self.n = len(self.text)
        self.table: Path_ = ()
        self.array_counts: Dict[Path_, int] = {}

    # -- low level --------------------------------------------------------
    def skip_ws(self, newlines: bool) -> None:
        while self.i < self.n:
            ch = self.text[self.i]
            if ch == "#":
                while self.i < self.n and self.text[self.i] != "\n":
                    self.i += 1
            elif ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            else:
                return

    def string_token(self) -> Tuple[str, int]:
        """Read a string starting at self.i; returns (decoded, start offset)."""
        start = self.i
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                end = start + 3
                while True:
                    end = text.index(quote, end)
                    if quote == '"""' and _escaped(text, end):
                        end += 1
                        continue
                    # a closing run may hold up to two extra quotes
                    while text.startswith(quote[0], end + 3):
                        end += 1
                    break
                self.i = end + 3
                return _decode(text[start : self.i]), start
        quote = text[start]
        end = start + 1
        while True:
            end = text.index(quote, end)
            if quote == '"' and _escaped(text, end):
                end += 1
                continue
            break
        self.i = end + 1
        return _decode(text[start : self.i]), start

    def key_path(self) -> List[Tuple[str, int]]:
        parts: List[Tuple[str, int]] = []
        while True:
            self.skip_ws(False)
            if self.text[self.i] in "\"'":
                value, start = self.string_token()
            else:
                match = BARE_KEY.match(self.text, self.i)
                if not match:
                    raise ValueError("bad key")
                value, start = match.group(0), self.i
                self.i = match.end()
            parts.append((value, start))
            self.skip_ws(False)
            if self.i < self.n and self.text[self.i] == ".":
                self.i += 1
                continue
            return parts

    # -- structure --------------------------------------------------------
    def run(self) -> None:
        while True:
            self.skip_ws(True)
            if self.i >= self.n:
                return
            if self.text[self.i] == "[":
                array = self.text.startswith("[[", self.i)
                self.i += 2 if array else 1
                parts = self.key_path()
                self.i += 2 if array else 1
                self.table = tuple(v for v, _ in parts)
                for depth, (value, start) in enumerate(parts):
                    line, col = self.p.where(start)
                    self.p.spots.append(Spot(self.table[: depth + 1], "key", value, line, col))
            else:
                self.key_value(self.table)

    def key_value(self, base: Path_) -> None:
        parts = self.key_path()
        path = base + tuple(v for v, _ in parts)
        for depth, (value, start) in enumerate(parts):
            line, col = self.p.where(start)
            self.p.spots.append(Spot(base + tuple(v for v, _ in parts[: depth + 1]), "key", value, line, col))
        self.skip_ws(False)
        self.i += 1  # '='
        self.skip_ws(False)
        self.value(path)

    def value(self, path: Path_) -> None:
        ch = self.text[self.i]
        if ch in "\"'":
            value, start = self.string_token()
            line, col = self.p.where(start)
            self.p.spots.append(Spot(path, "str", value, line, col))
        elif ch == "[":
            self.i += 1
            while True:
                self.skip_ws(True)
                if self.text[self.i] == "]":
                    self.i += 1
                    return
                self.value(path)
                self.skip_ws(True)
                if self.text[self.i] == ",":
                    self.i += 1
        elif ch == "{":
            self.i += 1
            while True:
                self.skip_ws(True)
                if self.text[self.i] == "}":
                    self.i += 1
                    return
                self.key_value(path)
                self.skip_ws(True)
                if self.text[self.i] == ",":
                    self.i += 1
        else:
            match = re.compile(r"[^,\]\}\s#]+").match(self.text, self.i)
            self.i = match.end() if match else self.i + 1


def _escaped(text: str, index: int) -> bool:
    count = 0
    j = index - 1
    while j >= 0 and text[j] == "\\":
        count += 1
        j -= 1
    return count % 2 == 1


def _decode(token: str) -> str:
    try:
        return tomllib.loads(f"x = {token}")["x"]
    except Exception:
        return token.strip("\"'")
