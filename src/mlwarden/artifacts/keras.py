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
from typing import Any, Iterator, Tuple

from mlwarden.artifacts.report import KERAS_CUSTOM, KERAS_LAMBDA, UNVERIFIABLE, ScanReport

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


def _layer_name(node: dict) -> str:
    config = node.get("config")
    if isinstance(config, dict) and isinstance(config.get("name"), str):
        return config["name"]
    return ""


def scan_tree(tree: Any, report: ScanReport, member: str) -> None:
    for path, node in _walk(tree, ""):
        cls = node.get("class_name")
        if not isinstance(cls, str):
            continue
        module = node.get("module")
        name = _layer_name(node)
        label = f"`{name}`" if name else f"at `{path or 'root'}`"
        if cls in _LAMBDA_CLASSES:
            report.add(KERAS_LAMBDA, f"`{cls}` layer {label} runs Python code when the model is loaded or called", member, key=f"lambda:{path}")
        elif isinstance(module, str) and module and not _is_keras(module):
            qual = f"{module}.{cls}"
            report.add(KERAS_CUSTOM, f"custom object `{qual}` {label} makes Keras import `{module}`", member, key=f"custom:{qual}")


def _is_keras(module: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in KERAS_MODULES)


def scan_config(data: bytes, report: ScanReport, member: str) -> None:
    try:
        tree = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        report.add(UNVERIFIABLE, "the Keras config is not valid JSON", member, key="keras-config-json")
        return
    scan_tree(tree, report, member)


def scan_h5_head(head: bytes, report: ScanReport) -> None:
    """Best effort for ``.h5``: the ``model_config`` attribute is a JSON
    string that usually sits whole near the start of the file."""
    start = head.find(b'{"class_name"')
    if start < 0:
        return
    depth = 0
    in_string = False
    escape = False
    for i in range(start, len(head)):
        ch = head[i]
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
                try:
                    tree = json.loads(head[start : i + 1].decode("utf-8"))
                except (UnicodeDecodeError, ValueError, RecursionError):
                    return
                scan_tree(tree, report, "model_config")
                return
