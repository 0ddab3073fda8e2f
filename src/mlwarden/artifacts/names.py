"""Which file names are model files, and how strongly the name promises one.

The format of a file is always chosen by its content (:mod:`.formats`); the
name only decides two things:

* whether a directory walk or the ``mlwarden-models`` pre-commit hook reads
  the file at all (:data:`MODEL_FILES_REGEX`, the one predicate both use);
* what happens when the content is nothing mlwarden can identify
  (:func:`name_strength`):

  - a **model name** (``.pt``, ``.pkl``, ``.p``, ``.safetensors``,
    ``pytorch_model.bin``, ``checkpoint.pth.tar`` …) promises a format whose
    loader deserialises or runs it: unidentifiable content is an MLW603
    finding, never a skip;
  - a **generic name** (``.bin``, ``.dat``, ``.model``, ``.pb`` …) is shared
    with tokenizer vocabularies, raw arrays and other data: its content
    decides, and content that is no model format (not a pickle *by
    structure*, see :func:`mlwarden.artifacts.pickle_scan.probe`) is a
    verbose note, not a finding.

That is the rule that keeps both promises: a model-named file fails closed,
and a data file that merely starts like a pickle opcode is not reported as an
unverifiable pickle.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Union

#: extensions whose loaders deserialise or execute the file (pickle, torch,
#: joblib, numpy, Keras, TorchServe, NeMo …), and the weight formats that a
#: model name promises even though their loaders are safe
MODEL_EXTENSIONS = (
    "pkl", "pickle", "p", "pk", "pt", "pth", "ckpt", "joblib", "jbl", "dill", "sav", "npy", "npz",
    "keras", "h5", "hdf5", "mar", "nemo", "safetensors", "gguf", "ggml", "onnx", "7z",
)
#: extensions shared with plain data: read by content, unidentified is a note
GENERIC_EXTENSIONS = ("bin", "dat", "model", "pb")
#: wrappers around a model file: ``x.pkl.gz``, ``checkpoint.pth.tar``, ``w.pt.zip``
WRAPPER_EXTENSIONS = ("gz", "tgz", "bz2", "xz", "lzma", "lz4", "zst", "z", "zip", "tar", "7z")
#: stems that make a generic-extension file a model file (Hugging Face and
#: PyTorch Lightning names: pytorch_model.bin, training_args.bin, optimizer.bin …)
#: (not ``model.bin``: CTranslate2 and fastText write their own formats under that name)
MODEL_STEMS = re.compile(r"(?i)^(pytorch_model|adapter_model|training_args|optimizer|scheduler|rng_state|scaler)([-_.][^/]*)?$")

_EXT = "|".join(MODEL_EXTENSIONS + GENERIC_EXTENSIONS)
_INNER = "|".join(MODEL_EXTENSIONS + ("bin",))
_WRAP = "|".join(WRAPPER_EXTENSIONS)

#: the ONE predicate for which paths are model files (directory walk,
#: ``is_model_path``) — ``.pre-commit-hooks.yaml``'s ``mlwarden-models``
#: ``files`` pattern is this exact string (a test checks it)
MODEL_FILES_REGEX = rf"(?i)(\.({_EXT})|\.({_INNER})\.({_WRAP})|\.(pth|pt|ckpt|pkl)\.tar\.(gz|bz2|xz))$"
_MODEL_FILES = re.compile(MODEL_FILES_REGEX)

MODEL = "model"
GENERIC = "generic"
OTHER = ""


def is_model_name(path: Union[str, PurePath]) -> bool:
    """Whether a walk or the pre-commit hook reads ``path`` as a model file."""
    return _MODEL_FILES.search(str(path).replace("\\", "/")) is not None


def name_strength(path: Union[str, PurePath]) -> str:
    """:data:`MODEL`, :data:`GENERIC` or :data:`OTHER` (see the module doc)."""
    name = PurePath(str(path).replace("\\", "/")).name.lower()
    parts = name.split(".")
    if len(parts) < 2:
        return OTHER
    exts = parts[1:]
    # strip wrappers: x.pkl.gz -> pkl; checkpoint.pth.tar.gz -> pth
    while len(exts) > 1 and exts[-1] in WRAPPER_EXTENSIONS:
        exts = exts[:-1]
    ext = exts[-1]
    if ext in MODEL_EXTENSIONS:
        return MODEL
    if ext in GENERIC_EXTENSIONS:
        if ext in ("bin", "pb") and MODEL_STEMS.match(parts[0]):
            return MODEL
        if name in ("saved_model.pb",):
            return MODEL
        return GENERIC
    if exts[-1] != parts[-1] and ext in ("bin",):
        return MODEL
    return OTHER
