"""Model files (pickles, PyTorch/Keras archives, numpy files).

The unit keeps the path; nothing is read into memory here. The scan runs
once, the first time a model rule asks (:func:`model_report`), streams the
file under :class:`mlwarden.artifacts.Limits`, and is shared by every MLW6xx
rule. ``# noqa`` does not apply to binaries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from mlwarden.artifacts.names import GENERIC_EXTENSIONS, MODEL_EXTENSIONS, is_model_name
from mlwarden.sources.base import LoadError, Unit

#: single extensions of model files, kept for code that imported this name;
#: the walk's predicate is :func:`is_model_path` (it also knows wrapped names
#: such as ``x.pkl.gz`` and ``checkpoint.pth.tar``)
MODEL_SUFFIXES = tuple("." + ext for ext in MODEL_EXTENSIONS + GENERIC_EXTENSIONS)


def is_model_path(path: Path) -> bool:
    """Whether the directory walk reads ``path`` as a model file (by name).

    The single predicate of the walk; ``.pre-commit-hooks.yaml``'s
    ``mlwarden-models`` ``files`` pattern is the same regular expression
    (:data:`mlwarden.artifacts.names.MODEL_FILES_REGEX`). The format itself
    is always chosen by content."""
    return is_model_name(path)


def load(source: Union[bytes, bytearray, Path], path: str) -> Unit:
    if isinstance(source, (bytes, bytearray)):
        return Unit(path=path, kind="model", raw=bytes(source), extra={"model_bytes": bytes(source)})
    try:
        with open(source, "rb") as handle:
            handle.read(1)
    except IsADirectoryError:
        raise LoadError("is a directory") from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    return Unit(path=path, kind="model", raw=b"", extra={"model_path": Path(source)})


def is_model_content(path: os.PathLike) -> bool:
    """Content sniffing for files named explicitly with another extension."""
    from mlwarden.artifacts.formats import sniff_path

    return sniff_path(path) is not None


def model_report(unit: Unit):
    """The unit's :class:`~mlwarden.artifacts.ScanReport`, computed once."""
    report = unit.extra.get("model_report")
    if report is None:
        from mlwarden.artifacts import formats
        from mlwarden.artifacts.report import UNVERIFIABLE, ScanReport

        if "model_bytes" in unit.extra:
            report = formats.scan_bytes(unit.extra["model_bytes"], unit.path)
        else:
            try:
                report = formats.scan_file(unit.extra["model_path"], display=unit.path)
            except OSError as exc:
                report = ScanReport(path=unit.path)
                report.add(UNVERIFIABLE, f"the file cannot be read ({exc.strerror or exc})", key="unreadable")
        unit.extra["model_report"] = report
    return report
