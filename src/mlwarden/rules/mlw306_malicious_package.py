"""MLW306 and its data: mlwarden's curated list of malicious packages, plus
snapshots of the OpenSSF malicious-packages ``MAL-*`` records for PyPI.

Data sources, all read from local files (a scan never uses the network):

* ``mlwarden/data/malicious_packages.toml``: the curated list (with advice);
* ``mlwarden/data/malicious_packages_osv.json``: a bundled OSV snapshot, when
  a release ships one (``scripts/build_malicious_data.py`` builds it);
* ``<data dir>/malicious_packages.json``: the snapshot ``mlwarden
  update-data`` downloads (``$MLWARDEN_DATA_DIR``, else the user data
  directory, see :func:`data_dir`).

The format (``format = 1``) is documented in the curated file's header and in
the README; :func:`parse_dataset` validates both spellings (TOML, JSON).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS, RULE_GATE_WORDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit

DATA_FILE = "malicious_packages.toml"
BUNDLED_SNAPSHOT = "malicious_packages_osv.json"
USER_FILE = "malicious_packages.json"
#: the data format version this mlwarden reads and writes
FORMAT = 1
_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


class DataError(ValueError):
    """A malicious-package data file that mlwarden cannot use."""


def clean_text(value: Any, limit: int = 300) -> str:
    """One printable line: data from the internet never reaches a terminal raw."""
    text = " ".join(_CONTROL_RE.sub(" ", str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Dataset:
    """One data file: its header and ``{canonical name: entry}``."""

    label: str
    updated: str
    source: str
    packages: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    path: Optional[Path] = None


def _check_ranges(ranges: Any, where: str) -> List[Dict[str, str]]:
    if not isinstance(ranges, list):
        raise DataError(f"{where}: ranges must be a list")
    out = []
    for item in ranges:
        if not isinstance(item, dict) or not item or not all(
            k in ("introduced", "fixed", "last_affected") and isinstance(v, str) for k, v in item.items()
        ):
            raise DataError(f"{where}: a range is a table of introduced/fixed/last_affected versions")
        out.append(dict(item))
    return out


def parse_dataset(data: Any, label: str, path: Optional[Path] = None) -> Dataset:
    """Validate a parsed data file (TOML or JSON, format 1). Raises DataError."""
    from mlwarden.sources.dependencies.paths import canonicalize_name

    if not isinstance(data, dict):
        raise DataError("not a table")
    if data.get("format") != FORMAT:
        raise DataError(f"unsupported format {data.get('format')!r} (this mlwarden reads format {FORMAT})")
    updated = data.get("updated")
    if not isinstance(updated, str) or not _DATE_RE.match(updated):
        raise DataError("`updated` must be a YYYY-MM-DD date")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise DataError("`source` must name where the data comes from")
    items = data.get("package")
    if not isinstance(items, list):
        raise DataError("`package` must be a list of entries")
    dataset = Dataset(label=label, updated=updated, source=clean_text(source), path=path)
    for index, item in enumerate(items):
        where = f"package {index + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not _NAME_RE.match(item["name"]):
            raise DataError(f"{where}: `name` must be a package name")
        where = f"package {item['name']!r}"
        entry: Dict[str, Any] = {"name": item["name"]}
        for key in ("summary", "advice"):
            if key in item:
                entry[key] = clean_text(item[key])
        for key in ("versions", "ids", "references"):
            value = item.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DataError(f"{where}: `{key}` must be a list of strings")
            if value:
                entry[key] = [clean_text(v, 200) for v in value]
        if "ranges" in item:
            entry["ranges"] = _check_ranges(item["ranges"], where)
        dataset.packages[canonicalize_name(item["name"])] = entry
    return dataset


def read_dataset(path: Path, label: str) -> Dataset:
    """Read and validate a TOML or JSON data file. Raises DataError."""
    if sys.version_info >= (3, 11):
        import tomllib  # here: a file with no dependency entry never reads the data (~5 ms of a hook run)
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"not valid {'TOML' if path.suffix == '.toml' else 'JSON'}: {exc}") from None
    return parse_dataset(data, label, path)


def data_dir() -> Path:
    """Where ``mlwarden update-data`` writes: ``$MLWARDEN_DATA_DIR``, else the
    platform's per-user data directory."""
    explicit = os.environ.get("MLWARDEN_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "mlwarden"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "mlwarden"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "mlwarden"


def user_data_file() -> Path:
    return data_dir() / USER_FILE


def _bundled(name: str) -> Optional[Path]:
    path = Path(__file__).resolve().parent.parent / "data" / name
    return path if path.is_file() else None


def _stat_key(path: Optional[Path]) -> Tuple[Any, ...]:
    if path is None:
        return ()
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns)


_loaded: Dict[str, Any] = {"key": None, "datasets": [], "merged": {}, "warnings": []}


def datasets() -> List[Dataset]:
    """The data files in effect (curated first), reloaded when one changes."""
    _load()
    return _loaded["datasets"]


def known_malicious() -> Dict[str, Dict[str, Any]]:
    """canonical name -> entry; the curated list wins over snapshots."""
    _load()
    return _loaded["merged"]


def _load() -> None:
    user = user_data_file()
    key = (_stat_key(_bundled(BUNDLED_SNAPSHOT)), _stat_key(user))
    if _loaded["key"] == key:
        return
    found: List[Dataset] = []
    warnings: List[str] = []
    curated = _bundled(DATA_FILE)
    if curated is None:  # a broken install must not pass silently
        raise DataError(f"mlwarden/data/{DATA_FILE} is missing: reinstall mlwarden")
    found.append(read_dataset(curated, "curated list"))
    candidates = [(_bundled(BUNDLED_SNAPSHOT), "bundled OSV snapshot"), (user if user.is_file() else None, "OSV snapshot")]
    for path, label in candidates:
        if path is None:
            continue
        try:
            found.append(read_dataset(path, label))
        except DataError as exc:
            warnings.append(f"{path}: {exc}; run `mlwarden update-data` again")
    merged: Dict[str, Dict[str, Any]] = {}
    for dataset in reversed(found):  # later (curated) entries replace snapshot ones
        merged.update(dataset.packages)
    for warning in warnings:
        if warning not in _loaded["warnings"]:
            print(f"mlwarden: warning: {warning}", file=sys.stderr)
    _loaded.update(key=key, datasets=found, merged=merged, warnings=warnings)


def _matching_version(entry: Any, item: Dict[str, Any]) -> Optional[str]:
    """None when every version is malicious; else the listed version the
    requirement pins exactly ('' when it pins none of them)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    versions = item.get("versions", [])
    ranges = item.get("ranges", [])
    if not versions and not ranges:
        return None
    if not entry.exact or not entry.specifier:
        return ""
    for spec in SpecifierSet(entry.specifier):
        if spec.operator not in ("==", "==="):
            continue
        try:
            pinned = Version(spec.version)
        except InvalidVersion:
            continue
        for bad in versions:
            try:
                if Version(bad) == pinned:
                    return bad
            except InvalidVersion:
                continue
        for span in ranges:
            if _in_range(pinned, span):
                return spec.version
    return ""


def _in_range(version: Any, span: Dict[str, str]) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        low = span.get("introduced", "0")
        if low != "0" and version < Version(low):
            return False
        if "fixed" in span and version >= Version(span["fixed"]):
            return False
        if "last_affected" in span and version > Version(span["last_affected"]):
            return False
    except InvalidVersion:
        return False
    return True


class MaliciousPackage(FileRule):
    """## What it does
    Flags requirements on known malicious or typo-squatting packages, and
    pins to known-compromised releases of legitimate packages. Two kinds of
    data, both read from local files (a scan never uses the network):

    - mlwarden's curated list of attacks aimed at ML users,
      `mlwarden/data/malicious_packages.toml`, one entry per name with what
      happened, what to install instead and a public reference;
    - a snapshot of the OpenSSF malicious-packages project's `MAL-*` OSV
      records for PyPI, which `mlwarden update-data` downloads (opt-in; the
      only command that uses the network) into the user data directory
      (`$MLWARDEN_DATA_DIR` moves it). Findings from it name the record ids.

    `mlwarden check --verbose` prints the date and source of each data file
    in use. Names are compared after PEP 503 normalisation (`TorchTriton` is
    `torchtriton`, `Aliyun_AI.Labs-SDK` is `aliyun-ai-labs-sdk`). When only
    some versions of a name were malicious, only an exact pin to one of them
    is flagged.

    Curated today: `torchtriton` (PyTorch nightly dependency confusion,
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
    A list only knows what has been published, and a snapshot only what was
    published before it was taken: run `mlwarden update-data` regularly (the
    GitHub Action's `update-data: true` does it on every run). Pin versions
    and hashes (MLW301, MLW901) so that a new malicious release cannot slip
    in. To add a curated entry, edit the data file, move its `updated` date
    and add a line to the rule's fixture.

    ## References
    - [PyTorch: Compromised PyTorch-nightly dependency chain (December 2022)](https://pytorch.org/blog/compromised-nightly-dependency/)
    - [Safety: Supply chain attack on Ultralytics (December 2024)](https://safetycli.com/research/supply-chain-attack-ultralytics-ai)
    - [OpenSSF malicious-packages](https://github.com/ossf/malicious-packages)
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
    text_gate = RULE_GATE_WORDS  # in a Python file, only where `install` is written (pip_in_code gates further)

    VALID = [
        Valid("pytorch-triton==3.0.0\ntriton==3.1.0\nultralytics==8.3.43\n", filename="requirements.txt"),
    ]
    INVALID = [
        Invalid("torchtriton==2.0.0\n", filename="requirements.txt"),
        Invalid("ultralytics==8.3.41\n", filename="requirements.txt"),
        Invalid('[project]\nname = "app"\ndependencies = ["deepseekai"]\n', filename="pyproject.toml"),
    ]

    @classmethod
    def data_notes(cls) -> List[str]:
        """For ``mlwarden check --verbose``: which data files are in effect."""
        parts = []
        for dataset in datasets():
            where = f", {dataset.path}" if dataset.label == "OSV snapshot" else ""
            parts.append(f"{dataset.label} of {dataset.updated} ({len(dataset.packages)} packages, {dataset.source}{where})")
        return [f"{cls.id} malicious-package data: " + "; ".join(parts)]

    @classmethod
    def data_fingerprint(cls) -> str:
        """Changes when ``mlwarden update-data`` writes new data (results cache key)."""
        return repr(_stat_key(user_data_file()))

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        listed = known_malicious()
        for entry in deps.entries:
            if not entry.own or entry.ecosystem != "pypi" or entry.name not in listed:
                continue
            item = listed[entry.name]
            bad = _matching_version(entry, item)
            if bad == "":
                continue
            written = entry.written_name or entry.name
            what = f"`{written}` is a known malicious package" if bad is None else f"`{written}=={bad}` is a known compromised release"
            if "advice" in item:
                message = f"{what}: {item.get('summary', 'listed by mlwarden')}; {item['advice']}"
            else:
                ids = ", ".join(item.get("ids", [])[:3]) or "OpenSSF malicious-packages"
                message = f"{what} ({ids}); remove it and treat any machine that installed it as compromised (rotate its credentials)"
            yield finding_for(self, unit, entry, message)
