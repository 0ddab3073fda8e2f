"""Keras model configs: ``Lambda`` layers and custom objects.

A ``.keras`` file is a ZIP whose ``config.json`` describes every layer. A
``Lambda`` layer carries Python bytecode (``marshal``) or a function name that
Keras calls; ``safe_mode=True`` (the default since Keras 3) refuses it, but
``safe_mode=False``, older Keras (CVE-2024-3660) and ``.h5`` files do not.
Custom objects name a Python module that Keras imports to rebuild the layer.
The config is walked at any depth (nested models, wrappers such as
``TimeDistributed``, functional sub-graphs).
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any, BinaryIO, Callable, FrozenSet, Iterator, List, Optional, Tuple

from mlwarden.artifacts.report import DANGEROUS, KERAS_CUSTOM, KERAS_LAMBDA, UNVERIFIABLE, ScanReport

#: module roots a Keras config may name without importing third-party code
KERAS_MODULES = ("keras", "tf_keras", "keras_hub", "keras_nlp", "keras_cv", "tensorflow.keras", "tensorflow.python.keras")
_LAMBDA_CLASSES = {"Lambda", "__lambda__", "TFOpLambda", "SlicingOpLambda"}
_MAX_DEPTH = 200


def _walk(node: Any, path: str, depth: int = 0) -> Iterator[Tuple[str, dict]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]", depth + 1)


@lru_cache(maxsize=1)
def builtin_names() -> FrozenSet[str]:
    """Keras' own class and function names (data/keras_builtins.txt)."""
    from importlib import resources

    text = resources.files("mlwarden").joinpath("data/keras_builtins.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _layer_name(node: dict) -> str:
    config = node.get("config")
    if isinstance(config, dict) and isinstance(config.get("name"), str):
        return config["name"]
    return ""


def scan_tree(tree: Any, report: ScanReport, member: str, nested: Optional[Callable[[bytes, str], None]] = None) -> None:
    from mlwarden.artifacts.allowlist import danger

    lambdas: List[str] = []
    for path, node in _walk(tree, ""):
        for key, value in node.items():
            if isinstance(value, str) and value.rsplit(".", 1)[-1] == "enable_unsafe_deserialization":
                report.add(DANGEROUS, f"the config calls `enable_unsafe_deserialization` (at `{path or 'root'}.{key}`), turning off `safe_mode` for the rest of the load (CVE-2025-9906)", member, key=f"unsafe-deser:{path}")
        cls = node.get("class_name")
        if not isinstance(cls, str):
            continue
        module = node.get("module")
        name = _layer_name(node)
        label = f"`{name}`" if name else f"at `{path or 'root'}`"
        config = node.get("config")
        if cls in _LAMBDA_CLASSES:
            if not any(path.startswith(outer + ".") for outer in lambdas):  # a Lambda's own `__lambda__` function
                report.add(KERAS_LAMBDA, f"`{cls}` layer {label} runs Python code when the model is loaded or called", member, key=f"lambda:{path}")
            lambdas.append(path)
            continue
        if cls == "TorchModuleWrapper":
            report.add(KERAS_LAMBDA, f"`TorchModuleWrapper` layer {label} unpickles a torch module with `torch.load` when the model is loaded (CVE-2025-49655)", member, key=f"torch-wrapper:{path}")
            blob = config.get("module") if isinstance(config, dict) else None
            if isinstance(blob, str) and nested is not None:
                import base64
                import binascii

                try:
                    nested(base64.b64decode(blob, validate=False), f"{member} > {path or 'root'}.config.module")
                except (binascii.Error, ValueError):
                    pass
            continue
        if not isinstance(module, str) or not module:
            # a legacy (.h5 / tf.keras) config names classes without a module:
            # one Keras does not define needs custom code (custom_objects)
            if cls not in builtin_names() and cls != "function":
                report.add(KERAS_CUSTOM, f"custom object `{cls}` {label} is not a Keras class: loading it runs code registered by the loader (custom_objects)", member, key=f"custom:{cls}")
            continue
        # a serialized function: {"module": "os", "class_name": "function", "config": "system"}
        target = f"{module}.{config}" if cls == "function" and isinstance(config, str) else f"{module}.{cls}"
        if cls == "function" and module == "builtins" and isinstance(config, str) and config in builtin_names():
            # Keras writes its own functions as module "builtins" (`relu`, `mse`):
            # Keras looks them up in its own modules
            continue
        why = danger(target)
        if why:
            report.add(DANGEROUS, f"the config makes Keras import and call `{target}` {label} ({why}); `safe_mode` does not stop it (CVE-2025-1550)", member, key=f"keras-gadget:{target}")
        elif not _is_keras(module):
            report.add(KERAS_CUSTOM, f"custom object `{target}` {label} makes Keras import `{module}`", member, key=f"custom:{target}")


def _is_keras(module: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in KERAS_MODULES)


def scan_config(data: bytes, report: ScanReport, member: str, nested: Optional[Callable[[bytes, str], None]] = None) -> None:
    try:
        tree = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        report.add(UNVERIFIABLE, "the Keras config is not valid JSON", member, key="keras-config-json")
        return
    scan_tree(tree, report, member, nested)
    if isinstance(tree, dict) and ("loss" in tree or "metrics" in tree):
        _training_names(tree, report, member)


def _training_names(tree: dict, report: ScanReport, member: str) -> None:
    """``training_config``: losses and metrics named by string must be Keras' own."""
    names: List[str] = []
    for key in ("loss", "metrics", "weighted_metrics"):
        value = tree.get(key)
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict) and "class_name" not in item:
                stack.extend(item.values())
    builtins = builtin_names()
    for name in names:
        if name not in builtins:
            report.add(KERAS_CUSTOM, f"custom object `{name}` (a loss or metric) is not a Keras function: loading it runs code registered by the loader (custom_objects)", member, key=f"custom:{name}")


_H5_STARTS = (b'{"class_name"', b'{"module"', b'{"config"', b'{"loss"')
_CHUNK = 8 << 20


def h5_configs(f: BinaryIO, size: int, limit: int, deadline: Optional[float] = None) -> List[Tuple[str, bytes]]:
    """The Keras JSON attributes of an HDF5 file (``model_config``,
    ``training_config``) as ``(label, bytes)``.

    With h5py installed (the ``mlwarden[models]`` extra) the root attributes
    are read by name. Without it, the whole file is searched in bounded
    chunks for JSON objects that follow an attribute name, wherever they
    are (not just the first 8 MB), and each is cut out by brace matching."""
    try:
        import h5py  # type: ignore[import-not-found]
    except ImportError:
        h5py = None
    if h5py is not None:
        try:
            f.seek(0)
            with h5py.File(f, "r") as h5:
                out = []
                for attr in ("model_config", "training_config"):
                    value = h5.attrs.get(attr)
                    if value is None:
                        continue
                    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
                    out.append((attr, raw[:limit]))
                return out
        except Exception:  # h5py refuses some files the byte search can still read
            pass
    found: List[Tuple[str, bytes]] = []
    named = False
    pos = 0
    while pos < size and len(found) < 16:
        if deadline is not None and time.monotonic() > deadline:
            from mlwarden.artifacts.stream import ScanLimit

            raise ScanLimit("time limit reached")
        f.seek(pos)
        chunk = f.read(_CHUNK + 65536)
        if not chunk:
            break
        named = named or b"model_config" in chunk or b"keras_version" in chunk
        starts = sorted(i for start in _H5_STARTS for i in _find_all(chunk, start) if i < _CHUNK or pos + _CHUNK >= size)
        skip_to = -1
        for i in starts:
            if i < skip_to:
                continue
            data = _json_at(f, pos + i, limit)
            if data is not None:
                label = "training_config" if data.startswith((b'{"loss"', b'{"config"')) or b'"optimizer_config"' in data[:4096] else "model_config"
                found.append((label, data))
                skip_to = i + len(data)
        pos += _CHUNK
    return found if (named or found) else []


def _find_all(data: bytes, needle: bytes) -> Iterator[int]:
    i = data.find(needle)
    while i >= 0:
        yield i
        i = data.find(needle, i + 1)


def _json_at(f: BinaryIO, offset: int, limit: int) -> Optional[bytes]:
    """The JSON object starting at ``offset`` (brace matching), or None."""
    depth = 0
    in_string = escape = False
    buf = bytearray()
    f.seek(offset)
    while len(buf) < limit:
        chunk = f.read(1 << 16)
        if not chunk:
            return None
        for ch in chunk:
            buf.append(ch)
            if in_string:
                if escape:
                    escape = False
                elif ch == 0x5C:
                    escape = True
                elif ch == 0x22:
                    in_string = False
            elif ch == 0x22:
                in_string = True
            elif ch == 0x7B:
                depth += 1
            elif ch == 0x7D:
                depth -= 1
                if depth == 0:
                    data = bytes(buf)
                    try:
                        tree = json.loads(data.decode("utf-8"))
                    except (UnicodeDecodeError, ValueError, RecursionError):
                        return None
                    return data if isinstance(tree, dict) else None
            elif ch == 0:
                return None
    return None
