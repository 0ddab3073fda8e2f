"""NeMo / Hydra configs: ``_target_`` names a callable that
``hydra.utils.instantiate`` imports and calls with the config's arguments.

A ``.nemo`` file is a tar (often gzipped) holding ``model_config.yaml`` and
``model_weights.ckpt``; NeMo instantiates every ``_target_`` of the config
when the model is restored. A target outside the frameworks a NeMo model is
built from is reported (MLW614); a known gadget (``os.system``,
``builtins.exec`` …) is critical (MLW601). The YAML is read with
``yaml.safe_load``, which builds no Python objects.
"""

from __future__ import annotations

from typing import Any, Iterator, Tuple

from mlwarden.artifacts.report import DANGEROUS, LOADER_CODE, UNVERIFIABLE, ScanReport

#: module prefixes whose callables a NeMo/Hydra config may instantiate
TARGET_ALLOWLIST = (
    "nemo.",
    "torch.nn.",
    "torch.optim.",
    "torch.utils.data.",
    "torch.distributions.",
    "torchaudio.",
    "torchvision.transforms.",
    "omegaconf.",
    "transformers.",
    "lightning.pytorch.callbacks.",
    "pytorch_lightning.callbacks.",
    "megatron.core.",
    "sentencepiece.",
    "tokenizers.",
)
_MAX_DEPTH = 200


def _targets(node: Any, path: str, depth: int = 0) -> Iterator[Tuple[str, str]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key == "_target_" and isinstance(value, str):
                yield here, value
            else:
                yield from _targets(value, here, depth + 1)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _targets(value, f"{path}[{i}]", depth + 1)


def scan_yaml(data: bytes, report: ScanReport, member: str) -> None:
    import yaml

    try:
        tree = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        report.add(UNVERIFIABLE, f"the config is not valid YAML ({str(exc)[:60]})", member, key=f"yaml:{member}")
        return
    scan_tree(tree, report, member)


def scan_tree(tree: Any, report: ScanReport, member: str) -> None:
    from mlwarden.artifacts.allowlist import danger

    for path, target in _targets(tree, ""):
        why = danger(target)
        if why:
            report.add(DANGEROUS, f"`_target_: {target[:100]}` (at `{path}`) makes Hydra import and call a gadget when the model is restored ({why})", member, key=f"hydra-gadget:{target[:100]}")
        elif not target.startswith(TARGET_ALLOWLIST):
            report.add(LOADER_CODE, f"`_target_: {target[:100]}` (at `{path}`) makes Hydra import and call a callable outside the NeMo/PyTorch allowlist when the model is restored", member, key=f"hydra-target:{target[:100]}")
