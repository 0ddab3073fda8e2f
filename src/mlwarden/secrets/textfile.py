"""Moved to :mod:`mlwarden.sources.text` (sources turn bytes into units;
this re-export keeps old imports working)."""

from mlwarden.sources.text import (  # noqa: F401
    BASELINE_NAMES,
    MAX_BYTES,
    SUFFIXES,
    is_dotenv,
    is_text_config,
    load,
)
