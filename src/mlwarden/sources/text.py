"""The ``text`` source kind: configuration and environment files that can
hold credentials (``.env``, ``*.yaml``, ``*.json``, ``*.cfg``, ``*.toml``,
``*.ini``, ``*.conf``, ``*.config``, ``*.properties``, ``kaggle.json``).

Only the secrets rules read these units. A directory walk yields ``text``
files only when one of those rules is selected (see
``core/walk.py:_walk_skips``); a file named explicitly (pre-commit's
``mlwarden-secrets`` hook) is always read. Binary data, files that are not
UTF-8 and files over :data:`MAX_BYTES` are skipped silently (the unit has no
text): they are not what this source is for, and a data set that happens to be
a big JSON file must not fail a commit.
"""

from __future__ import annotations

from pathlib import Path

from mlwarden.sources.base import Unit

#: Larger files are data, not configuration.
MAX_BYTES = 2_000_000

SUFFIXES = frozenset({".yaml", ".yml", ".json", ".cfg", ".toml", ".ini", ".env",
                      # server and service configuration (`redis.conf`, `nginx.conf`), .NET's
                      # `web.config`/`app.config`, Java's `application.properties`
                      ".conf", ".config", ".properties"})
#: credential files known by name: Kaggle's API key, Maven's server passwords
#: and the master password that decrypts them
_NAMED_CONFIGS = frozenset({"kaggle.json", "settings.xml", "settings-security.xml"})


def is_text_config(path: Path) -> bool:
    """``.env``, ``.env.local``, ``prod.env``, ``*.yaml`` … (by name)."""
    name = path.name.lower()
    if name == ".env" or name.startswith(".env.") or name in _NAMED_CONFIGS:
        return True
    return path.suffix.lower() in SUFFIXES


def is_dotenv(name: str) -> bool:
    """A dotenv file (``NAME=value`` lines)."""
    base = Path(name).name.lower()
    return base == ".env" or base.startswith(".env.") or base.endswith(".env")


#: baselines hold hashes of secrets, not secrets
BASELINE_NAMES = frozenset({".mlwarden-baseline.json", ".secrets.baseline"})


def load(raw: bytes, path: str) -> Unit:
    unit = Unit(path=path, kind="text", raw=raw)
    if Path(path).name in BASELINE_NAMES:
        unit.extra["skipped"] = "baseline file"
        return unit
    if len(raw) > MAX_BYTES:
        unit.extra["skipped"] = f"larger than {MAX_BYTES} bytes"
        return unit
    if b"\x00" in raw:
        unit.extra["skipped"] = "binary"
        return unit
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        unit.extra["skipped"] = "not UTF-8"
        return unit
    unit.text = text[1:] if text.startswith("\ufeff") else text
    return unit
