"""Model-file scanning: read pickles, PyTorch/Keras archives and numpy files
without ever executing or importing anything from them.

* :mod:`.pickle_scan` — an opcode reader on ``pickletools.genops`` that tracks
  the stack and memo and resolves every global a pickle would import or call;
* :mod:`.zipscan` — our own ZIP central-directory walk (anomalies are
  findings, not exceptions);
* :mod:`.formats` — content sniffing and the per-format drivers (pickle,
  legacy torch, torch zip, TorchScript, numpy ``.npy``/``.npz``, joblib, Keras,
  gzip/bz2/xz wrappers) under size, count, ratio and time limits;
* :mod:`.allowlist` — the versioned allowlist (``data/pickle_allowlist.toml``)
  and the list of known code-execution gadgets.

:func:`scan_file` returns a :class:`ScanReport`; the MLW6xx rules only judge
its facts, so a file is read once however many rules are selected.
"""

from typing import Any

# Imported on first use: the directory walk imports `mlwarden.artifacts.names`
# for every run and must not pay for the readers.
_LAZY = {
    "GlobalRef": "mlwarden.artifacts.report",
    "Issue": "mlwarden.artifacts.report",
    "ScanReport": "mlwarden.artifacts.report",
    "Limits": "mlwarden.artifacts.formats",
    "scan_bytes": "mlwarden.artifacts.formats",
    "scan_file": "mlwarden.artifacts.formats",
    "sniff_path": "mlwarden.artifacts.formats",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
