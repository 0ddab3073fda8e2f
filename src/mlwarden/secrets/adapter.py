"""The only module that imports detect-secrets.

:func:`scan_lines` runs detect-secrets' detectors and filters plus our
ML-provider detectors (:mod:`mlwarden.secrets.detectors`) over lines of text
held in memory (code cells, notebook outputs, config files) and returns
:class:`Hit` values. It never mutates detect-secrets' process-global settings:
every scan runs inside ``detect_secrets.settings.transient_settings``.

Cost control: detect-secrets (and ``requests``, which it imports) costs about
130 ms to import. :func:`scan_lines` first runs a cheap regex
(:func:`~mlwarden.secrets.patterns.prefilter_match`) over each line and imports
detect-secrets only when some line is a candidate; only candidate lines are
scanned.

Profiles (which detectors run where):

``code``
    source code and text/config files: detect-secrets' format detectors
    (AWS, GitHub, Slack, Stripe, private keys, JWT, …), its keyword detector
    (``password = "…"``), and ours. The generic high-entropy detectors are off
    (they flag git SHAs, checksums and ids; MLW2xx even asks for 40-hex
    revision pins); the ``secrets-high-entropy`` option turns them on.
``output``
    notebook outputs and metadata: token *formats* only (ours and
    detect-secrets' format detectors). No keyword detector (outputs print
    ``password: ****`` prompts and log lines), no high-entropy detectors
    (base64 images, ids and hashes are exactly what outputs are full of).

Every hit then passes our placeholder filter
(:func:`~mlwarden.secrets.patterns.is_placeholder`).
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from mlwarden.secrets.patterns import (
    KAGGLE_JSON_KEY,
    PREFILTER_EXACT,
    PREFILTER_FOLDED,
    PROVIDER_PATTERNS,
    is_placeholder,
    prefilter_match,
)

#: detect-secrets plugins never used (not credentials / too noisy).
_NEVER = {"IPPublicDetector", "OpenAIDetector"}  # ours covers every OpenAI format
_ENTROPY = {"Base64HighEntropyString", "HexHighEntropyString"}
_KEYWORD = {"KeywordDetector"}

# detect-secrets filters: its defaults (the heuristic ones and the inline
# allowlist pragma). Verification (network calls) is never enabled.
# ``is_indirect_reference`` drops every line shaped ``x = f(...)``; it is
# meant for the keyword detector (``password = get_secret()``), so it is
# applied to keyword hits only (``api = HfApi(token="hf_…")`` is a leak).
_FILTERS = [
    {"path": "detect_secrets.filters.allowlist.is_line_allowlisted"},
    {"path": "detect_secrets.filters.heuristic.is_sequential_string"},
    {"path": "detect_secrets.filters.heuristic.is_potential_uuid"},
    {"path": "detect_secrets.filters.heuristic.is_likely_id_string"},
    {"path": "detect_secrets.filters.heuristic.is_templated_secret"},
    {"path": "detect_secrets.filters.heuristic.is_prefixed_with_dollar_sign"},
    {"path": "detect_secrets.filters.heuristic.is_lock_file"},
    {"path": "detect_secrets.filters.heuristic.is_not_alphanumeric_string"},
    {"path": "detect_secrets.filters.heuristic.is_swagger_file"},
]

_OWN_TYPES = frozenset(PROVIDER_PATTERNS)

_GENERIC_TYPES = frozenset({"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String", "Basic Auth Credentials"})
_DATE = re.compile(r"^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d)?")
_NAME = re.compile(r"^[A-Za-z]+(?:[_\-.][A-Za-z]+)*$")
_SELF_DESCRIBING = re.compile(r"pass(?:word|wd)|secret|token|api_?key|credential", re.IGNORECASE)
_KEY_BODY = re.compile(r"[A-Za-z0-9+/]{40,}")


def generic_noise(value: str) -> bool:
    """Keyword/entropy hits that are not credentials (measured on botocore,
    IPython and pytest sources): prose (``"The password for …"``),
    timestamps, identifier-like names (``AWS_SECRET_ACCESS_KEY``,
    ``AWSSecretKey``, ``secrets-manager``) and values that name themselves
    (``"MyTestDatabaseSecret"``, ``"mypassword"``)."""
    text = value.strip()
    if " " in text or _DATE.match(text) or _SELF_DESCRIBING.search(text):
        return True
    return bool(_NAME.match(text) and (re.search(r"[_\-.]", text) or re.search(r"[a-z][A-Z]", text)))


def _has_key_body(content: Sequence[str], index: int, line: str) -> bool:
    """A ``-----BEGIN … PRIVATE KEY-----`` header with key material after it
    (same line, e.g. a JSON string with ``\\n``, or the next line); a header
    alone (docs, parsers) is not a key."""
    rest = line.split("PRIVATE KEY", 1)[-1]
    following = content[index + 1] if index + 1 < len(content) else ""
    return bool(_KEY_BODY.search(rest) or _KEY_BODY.search(following))


#: what the high-entropy detectors can report: a quoted run of 20+ base64/hex characters
_LONG_QUOTED = re.compile(r"[\"'][A-Za-z0-9+/=_\-]{20,}")


@dataclass(frozen=True)
class Hit:
    """A secret found on one line. ``secret`` is held in memory only: callers
    turn it into a preview and a hash (see :mod:`mlwarden.core.finding`)."""

    line: int  # 1-based, in the lines scanned
    col: int  # 1-based
    secret: str
    type: str

    @property
    def provider(self) -> bool:
        """True for our ML-provider formats."""
        return self.type in _OWN_TYPES


def is_candidate(text: str) -> bool:
    """Cheap test: could ``text`` hold a secret any detector finds?"""
    return prefilter_match(text)


def candidate_lines(lines: Sequence[str]) -> List[int]:
    """Indexes of the lines :func:`is_candidate` accepts, found with one
    search of each prefilter over the joined text (no match spans a newline)
    instead of one per line: seconds on a large repository."""
    text = "\n".join(lines)
    lowered = text.lower()
    if len(lowered) != len(text):  # rare Unicode case changes length: per line
        return [i for i, line in enumerate(lines) if is_candidate(line)]
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found = set()
    for pattern, haystack in ((PREFILTER_EXACT, text), (PREFILTER_FOLDED, lowered)):
        for match in pattern.finditer(haystack):
            found.add(bisect.bisect_right(starts, match.start()) - 1)
    return sorted(found)


def provider_type(value: str) -> Optional[str]:
    """The ML-provider type whose format ``value`` matches in full (no
    detect-secrets import)."""
    for secret_type, patterns in PROVIDER_PATTERNS.items():
        for pattern in patterns:
            for match in pattern.finditer(value):
                found = match.group(1) if pattern.groups else match.group(0)
                if found == value.strip():
                    return secret_type
    return None


def scan_text(text: str, filename: str, *, profile: str = "code", high_entropy: bool = False) -> List[Hit]:
    return scan_lines(text.splitlines(), filename, profile=profile, high_entropy=high_entropy)


def scan_lines(
    lines: Sequence[str],
    filename: str,
    *,
    profile: str = "code",
    high_entropy: bool = False,
) -> List[Hit]:
    """Secrets in ``lines``. ``filename`` picks detect-secrets' file-type
    rules (use ``x.py`` for notebook code)."""
    with Session(profile, high_entropy) as session:
        return session.scan(lines, filename)


class Session:
    """Many scans under one ``transient_settings`` (entering it costs about
    2 ms; a notebook has many cells and outputs). detect-secrets is imported
    and configured on the first scan that has a candidate line."""

    def __init__(self, profile: str = "code", high_entropy: bool = False) -> None:
        if profile not in ("code", "output"):
            raise ValueError(f"unknown secrets profile {profile!r}")
        self.profile = profile
        self.high_entropy = high_entropy
        self._settings: Optional[_settings] = None
        self._plugins: Optional[list] = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        if self._settings is not None:
            self._settings.__exit__(*exc)
            self._settings = None

    def scan(self, lines: Sequence[str], filename: str) -> List[Hit]:
        entropy = self.high_entropy and self.profile == "code"
        if entropy:
            indexes = [i for i, line in enumerate(lines) if is_candidate(line) or _LONG_QUOTED.search(line)]
        else:
            indexes = candidate_lines(lines)
        if not indexes:
            return []
        if self._plugins is None:
            self._settings = _settings(self.profile, self.high_entropy)
            self._plugins = self._settings.__enter__()
        hits = _scan(lines, indexes, filename, self._plugins)
        if os.path.basename(filename).lower() == "kaggle.json":
            hits.extend(_kaggle_json(lines, {(h.line, h.secret) for h in hits}))
        out: List[Hit] = []
        seen = set()
        for hit in sorted(hits, key=lambda h: (h.line, h.col, h.type not in _OWN_TYPES)):
            key = (hit.line, hit.secret)
            if key in seen or is_placeholder(hit.secret):
                continue
            seen.add(key)
            out.append(hit)
        return _drop_contained(out)


def _drop_contained(hits: List[Hit]) -> List[Hit]:
    """Keep a provider hit over a generic hit that contains or is contained in it."""
    out = []
    for hit in hits:
        if hit.type not in _OWN_TYPES and any(
            other.line == hit.line and other.type in _OWN_TYPES and (other.secret in hit.secret or hit.secret in other.secret)
            for other in hits
        ):
            continue
        out.append(hit)
    return out


def _kaggle_json(lines: Sequence[str], seen) -> List[Hit]:
    out = []
    for index, line in enumerate(lines):
        match = KAGGLE_JSON_KEY.search(line)
        if match and (index + 1, match.group(1)) not in seen:
            out.append(Hit(index + 1, match.start(1) + 1, match.group(1), "Kaggle API Key"))
    return out


# ---------------------------------------------------------------------------
# detect-secrets


class _settings:
    """``transient_settings`` configured for a profile; yields the plugin
    instances to run (detect-secrets' configured ones plus ours)."""

    def __init__(self, profile: str, high_entropy: bool) -> None:
        self.profile = profile
        self.high_entropy = high_entropy

    def __enter__(self):
        from detect_secrets.settings import get_plugins, transient_settings

        from mlwarden.secrets.detectors import ALL_DETECTORS

        names = _standard_plugin_names()
        skip = set(_NEVER)
        if self.profile == "output":
            skip |= _ENTROPY | _KEYWORD
        elif not self.high_entropy:
            skip |= _ENTROPY
        config = {
            "plugins_used": [{"name": name, **_PLUGIN_OPTIONS.get(name, {})} for name in names if name not in skip],
            "filters_used": list(_FILTERS),
        }
        self._cm = transient_settings(config)
        self._cm.__enter__()
        return list(get_plugins()) + [cls() for cls in ALL_DETECTORS]

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


_PLUGIN_OPTIONS: Dict[str, Dict[str, float]] = {
    "Base64HighEntropyString": {"limit": 4.5},
    "HexHighEntropyString": {"limit": 3.0},
}

_STANDARD: Optional[Tuple[str, ...]] = None


def _standard_plugin_names() -> Tuple[str, ...]:
    """Class names of detect-secrets' built-in plugins (from its package, not
    from the process-wide mapping, which custom plugins can extend)."""
    global _STANDARD
    if _STANDARD is None:
        from detect_secrets import plugins
        from detect_secrets.core.plugins.util import _is_valid_plugin
        from detect_secrets.util.importlib import import_types_from_package

        _STANDARD = tuple(
            sorted(cls.__name__ for cls in import_types_from_package(plugins, filter=lambda x: not _is_valid_plugin(x)))
        )
    return _STANDARD


def _scan(lines: Sequence[str], indexes: List[int], filename: str, plugins) -> List[Hit]:
    from detect_secrets.core.scan import _is_filtered_out, _scan_line
    from detect_secrets.filters.heuristic import is_indirect_reference
    from detect_secrets.util.code_snippet import get_code_snippet

    from detect_secrets.plugins.base import RegexBasedDetector

    content = [line.rstrip("\r\n") for line in lines]
    hits: List[Hit] = []
    # detect-secrets' per-plugin call machinery costs ~25 us per plugin and
    # line; a plain regex detector whose patterns do not match cannot report,
    # so skip it before that machinery (the keyword detector picks its
    # patterns by file type, so it always goes through)
    quick = [
        (plugin, tuple(plugin.denylist) if isinstance(plugin, RegexBasedDetector) and type(plugin).__name__ != "KeywordDetector" else None)
        for plugin in plugins
    ]
    for index in indexes:
        line = content[index].rstrip()
        number = index + 1
        context = get_code_snippet(lines=content, line_number=number)
        if _is_filtered_out(required_filter_parameters=["line"], filename=filename, line=line, context=context):
            continue
        for plugin, patterns in quick:
            if patterns is not None and not any(pattern.search(line) for pattern in patterns):
                continue
            for secret in _scan_line(plugin=plugin, filename=filename, line=line, line_number=number, context=context):
                value = secret.secret_value
                if not value or _is_filtered_out(
                    required_filter_parameters=["context"],
                    filename=filename,
                    secret=value,
                    plugin=plugin,
                    line=line,
                    context=context,
                ):
                    continue
                if secret.type in _GENERIC_TYPES and (is_indirect_reference(line) or generic_noise(value)):
                    continue
                if secret.type == "Private Key" and not _has_key_body(content, index, line):
                    continue
                col = line.find(value)
                hits.append(Hit(number, col + 1 if col >= 0 else 1, value, secret.type))
    return hits


