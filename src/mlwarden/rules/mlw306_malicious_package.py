from __future__ import annotations

import sys
from functools import lru_cache
from typing import Dict, Iterator, Tuple

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA_FILE = "malicious_packages.toml"


@lru_cache(maxsize=1)
def known_malicious() -> Dict[str, Dict[str, object]]:
    """canonical name -> entry of ``mlwarden/data/malicious_packages.toml``."""
    from importlib.resources import files

    from packaging.utils import canonicalize_name

    data = tomllib.loads(files("mlwarden.data").joinpath(DATA_FILE).read_text(encoding="utf-8"))
    out: Dict[str, Dict[str, object]] = {}
    for item in data.get("package", []):
        out[canonicalize_name(item["name"])] = item
    return out


def _bad_version(entry, versions: Tuple[str, ...]) -> str:
    """The listed version ``entry`` is pinned to, or ''."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    if not entry.exact or not entry.specifier:
        return ""
    for spec in SpecifierSet(entry.specifier):
        if spec.operator in ("==", "==="):
            for bad in versions:
                try:
                    if Version(spec.version) == Version(bad):
                        return bad
                except InvalidVersion:
                    continue
    return ""


class MaliciousPackage(FileRule):
    """## What it does
    Flags requirements on mlwarden's bundled list of known malicious or
    typo-squatting packages aimed at ML users, and pins to known-compromised
    releases of legitimate packages. The list lives in
    `mlwarden/data/malicious_packages.toml`, one entry per name with what
    happened, what to install instead and a public reference; names are
    compared after PEP 503 normalisation (`TorchTriton` is `torchtriton`,
    `Aliyun_AI.Labs-SDK` is `aliyun-ai-labs-sdk`).

    Listed today: `torchtriton` (PyTorch nightly dependency confusion,
    December 2022), `ultralytics` 8.3.41, 8.3.42, 8.3.45 and 8.3.46
    (cryptocurrency miner, December 2024), `deepseeek` and `deepseekai` (fake
    DeepSeek clients, January 2025), `aliyun-ai-labs-snippets-sdk`,
    `ai-labs-snippets-sdk` and `aliyun-ai-labs-sdk` (pickled-model
    infostealer, May 2025), `gptplus` and `claudeai-eng` (JarkaStealer,
    reported November 2024).

    ## Why is this bad?
    Installing one of these runs the attacker's code: `setup.py` runs at
    install time, and the package runs again at import time. They steal
    credentials, SSH keys and cloud tokens, or mine cryptocurrency.

    ## Example
    ```text
    torchtriton==2.0.0+0d7e753227
    ```

    ## Use instead
    ```text
    --index-url https://download.pytorch.org/whl/nightly/cu121
    pytorch-triton==3.0.0+dedb7bdf33 --hash=sha256:...
    ```

    ## Known problems
    A list only knows what has been published. Pin versions and hashes
    (MLW301, MLW901) so that a new malicious release cannot slip in.
    To add an entry, edit the data file and add a line to the rule's fixture.

    ## References
    - [PyTorch: Compromised PyTorch-nightly dependency chain (December 2022)](https://pytorch.org/blog/compromised-nightly-dependency/)
    - [Safety: Supply chain attack on Ultralytics (December 2024)](https://safetycli.com/research/supply-chain-attack-ultralytics-ai)
    - [CWE-506: Embedded Malicious Code](https://cwe.mitre.org/data/definitions/506.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW306"
    name = "malicious-package"
    severity = Severity.CRITICAL
    cwe = (506, 829)
    owasp = ("ML06:2023",)
    message = "`torchtriton` is a known malicious package; remove it and install the legitimate package from its official index"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code

    VALID = [
        Valid("pytorch-triton==3.0.0\ntriton==3.1.0\nultralytics==8.3.43\n", filename="requirements.txt"),
    ]
    INVALID = [
        Invalid("torchtriton==2.0.0\n", filename="requirements.txt"),
        Invalid("ultralytics==8.3.41\n", filename="requirements.txt"),
        Invalid('[project]\nname = "app"\ndependencies = ["deepseekai"]\n', filename="pyproject.toml"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        listed = known_malicious()
        for entry in deps.entries:
            if not entry.own or entry.ecosystem != "pypi" or entry.name not in listed:
                continue
            item = listed[entry.name]
            versions = tuple(str(v) for v in item.get("versions", ()))
            if versions:
                bad = _bad_version(entry, versions)
                if not bad:
                    continue
                what = f"`{entry.written_name or entry.name}=={bad}` is a known compromised release"
            else:
                what = f"`{entry.written_name or entry.name}` is a known malicious package"
            yield finding_for(self, unit, entry, f"{what}: {item['summary']}; {item['advice']}")
