"""The only module that imports detect-secrets.

:func:`scan_lines` runs detect-secrets' detectors and filters plus our
ML-provider detectors (:mod:`mlwarden.secrets.detectors`) over lines of text
held in memory (code cells, notebook outputs, config files) and returns
:class:`Hit` values. It never mutates detect-secrets' process-global settings:
every scan runs inside ``detect_secrets.settings.transient_settings``.

Cost control: detect-secrets costs about 20 ms to import, and ``requests``,
which its plugin base module imports at the top, another 130 ms; mlwarden
never imports ``requests`` (see :func:`import_detect_secrets`). mlwarden's
own detectors (provider formats, :mod:`~mlwarden.secrets.keywords`) are plain
regular expressions run here directly. :func:`scan_lines` first runs a cheap
regex (:func:`~mlwarden.secrets.patterns.prefilter_match`) over the text and
imports detect-secrets only when a line is a candidate for one of *its*
detectors; only candidate lines are scanned.

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

Base64 image data and long base64 runs are blanked before any detector runs,
and every hit then passes the shared placeholder and noise filter
(:mod:`mlwarden.secrets.noise`): the same filter for every detector, in code,
notebook cells and outputs, and text files.
"""

from __future__ import annotations

import bisect
import os
from mlwarden.core import lazyre as re  # patterns compile on first use
import sys
import threading
import types
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from mlwarden.secrets import keywords
from mlwarden.secrets.noise import blank_blobs, generic_reason, passphrase_value, placeholder_reason, placeholder_signature, translation_catalog, ui_text, url_role_login
from mlwarden.sources.text import is_text_config
from mlwarden.secrets.patterns import (
    ENCODED_RUN,
    GLUED_NEEDS_CHECKSUM,
    KAGGLE_JSON_KEY,
    PROVIDER_PATTERNS,
    checksum_fails,
    github_checksum_ok,
    prefilter_match,
    prefilter_regexes,
)

#: detect-secrets plugins never used (not credentials / too noisy).
_NEVER = {
    "IPPublicDetector",
    "OpenAIDetector",  # ours covers every OpenAI format
    # their patterns have a capturing group around the prefix only, so they
    # report "ghp"/"glpat" instead of the token (dropped as too short): ours
    # (GitHub Access Token, GitLab Access Token) replace them
    "GitHubTokenDetector",
    "GitLabTokenDetector",
}
_ENTROPY = {"Base64HighEntropyString", "HexHighEntropyString"}
_KEYWORD = {"KeywordDetector"}

# detect-secrets filters: its defaults (the heuristic ones and the inline
# allowlist pragma). Verification (network calls) is never enabled.
# ``is_indirect_reference`` drops every line shaped ``x = f(...)``; it is
# meant for the keyword detector (``password = get_secret()``), so it is
# applied to keyword hits only (``api = HfApi(token="hf_…")`` is a leak).
_FILTERS = [
    {"path": "mlwarden.secrets.adapter.is_line_allowlisted"},
    {"path": "detect_secrets.filters.heuristic.is_sequential_string"},
    {"path": "mlwarden.secrets.adapter.is_potential_uuid"},
    {"path": "detect_secrets.filters.heuristic.is_likely_id_string"},
    {"path": "detect_secrets.filters.heuristic.is_templated_secret"},
    {"path": "detect_secrets.filters.heuristic.is_prefixed_with_dollar_sign"},
    {"path": "detect_secrets.filters.heuristic.is_lock_file"},
    {"path": "detect_secrets.filters.heuristic.is_not_alphanumeric_string"},
    {"path": "detect_secrets.filters.heuristic.is_swagger_file"},
]

def is_potential_uuid(secret: str, plugin: Any) -> bool:
    """detect-secrets' UUID filter, except for a URL's password: a UUID
    between ``user:`` and ``@host`` is the service's key
    (``https://svc:<uuid>@api.host/…``), judged as a password (a placeholder
    UUID, counting or zeros, is still dropped there)."""
    if getattr(plugin, "secret_type", "") == "Basic Auth Credentials":
        return False
    from detect_secrets.filters.heuristic import is_potential_uuid as uuid_like

    return uuid_like(secret)


def is_line_allowlisted(filename: str, line: str, context: Any) -> bool:
    """detect-secrets' inline allowlist filter, asked only when the line or
    the one before it holds the word ``allowlist`` (every pragma it knows
    does). Its patterns put a blank run before the comment mark, which costs
    n**2 along a long line of blanks; the word test is one C scan."""
    previous = getattr(context, "previous_line", None) or ""
    if "allowlist" not in line.lower() and "allowlist" not in previous.lower():
        return False
    from detect_secrets.filters.allowlist import is_line_allowlisted as allowlisted

    return allowlisted(filename, line, context)


#: detect-secrets' keyword detector skips longer lines: its patterns put
#: quantified blanks and quotes around the keyword and search the line from
#: every position (0.7 s for an 8,000-character YAML value, minutes for a
#: notebook output line); :mod:`mlwarden.secrets.keywords` reads every line
_KEYWORD_LINE_LIMIT = 2000

_OWN_TYPES = frozenset(PROVIDER_PATTERNS) | {keywords.SECRET_TYPE}

#: detect-secrets' generic detectors (no token format): their values go
#: through the keyword judge of :mod:`mlwarden.secrets.keywords`
#: values judged by the name they are assigned to (a URL's password is not)
_NAMED_TYPES = frozenset({"Secret Keyword", keywords.SECRET_TYPE})
_GENERIC_TYPES = frozenset({"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String", "Basic Auth Credentials", keywords.SECRET_TYPE})
_KEY_BODY = re.compile(r"[A-Za-z0-9+/]{40,}")

#: when two detectors report the same value on a line, the most specific wins:
#: mlwarden's provider formats in their order, all before detect-secrets' own
#: types (unranked: 50) however many formats there are (a rank by position alone
#: put the last formats after them once there were 50)
_RANK = {name: i / 1000 for i, name in enumerate(t for t in PROVIDER_PATTERNS if t != "Generic API Key")}
_RANK.update({"Generic API Key": 90, "Secret Keyword": 95, keywords.SECRET_TYPE: 96})
#: mlwarden's wider forms of formats detect-secrets also knows: where both
#: report a value, detect-secrets' type (unranked: 50) is kept, so baselines
#: written before these forms existed still match
_RANK.update({"Stripe Secret Key": 60, "Telegram Bot API Token": 60, "npm Access Token": 60, "PyPI API Token": 60})

# detect-secrets' inline allowlist comments (same line; the line before)
_ALLOW_LINE = re.compile(r"(?:#|//|/\*|'|--|<!--)[ \t]*pragma: ?(?:allow|white)list[ -]secret", re.IGNORECASE)
_ALLOW_NEXT = re.compile(r"^[ \t]*(?:#|//|/\*|'|--|<!--)[ \t]*pragma: ?allowlist[ -]nextline[ -]secret", re.IGNORECASE)
#: the distinctive parts of detect-secrets' own detectors (ours run without it)
_DS_CANDIDATE = re.compile(
    r"A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AccountKey|://[^\s/:@]+:[^\s/@]+@|\.[\w-]{6}\.[\w-]{27}|eyJ|-us\d"
    r"|_authToken|PRIVATE KEY|PuTTY|pypi-|SG\.|xox|hooks\.slack|sq0|sk_live|rk_live|:[\w-]{35}"
    r"|AC[0-9a-f]{32}|SK[0-9a-f]{32}|AKC[a-zA-Z0-9]{10}|AP[0-9A-F][a-zA-Z0-9]{8}"
    r"|(?i:aws|cloudant|ibm|softlayer|discord|cos|api_?key|auth_?key|service_?key|account_?key|db_?key|database_?key"
    r"|priv_?key|private_?key|client_?key|db_?pass|database_?pass|key_?pass|passw|pwd|secret|contrase)"
)


def generic_noise(value: str) -> bool:
    """Keyword/entropy hits that are not credentials: prose, timestamps,
    names, key names used as values, resource ids, low-entropy values (see
    :func:`mlwarden.secrets.noise.generic_reason`)."""
    return generic_reason(value, "password") is not None


#: a JWT's signature after its payload (detect-secrets' JWT value stops before it)
_SIGNATURE = re.compile(r"\.[A-Za-z0-9_\-+/=]{8,}")

#: an armor header between a key's first line and its material
#: (``Version: …``, ``Proc-Type: 4,ENCRYPTED``, ``DEK-Info: …``, ``Comment: …``)
_ARMOR_HEADER = re.compile(r"[ \t\"'`]*[A-Za-z][\w-]*: ")


_PUTTY_PRIVATE = re.compile(r"Private-Lines: *([1-9][0-9]*)$")


def _pgpass(lines: Sequence[str]) -> List[Hit]:
    """The passwords of PostgreSQL's password file: each line is
    ``host:port:database:user:password`` (``\\:`` and ``\\\\`` escape), the
    fifth field judged as a password (placeholders and templates stay quiet)."""
    hits = []
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields, start, pos = [], 0, 0
        while pos < len(line):
            if line[pos] == "\\":
                pos += 2
                continue
            if line[pos] == ":":
                fields.append((start, line[start:pos]))
                start = pos + 1
            pos += 1
        fields.append((start, line[start:]))
        if len(fields) != 5:
            continue
        col, password = fields[4]
        if password and generic_reason(password, "password") is None:
            hits.append(Hit(index + 1, col + 1, password, keywords.SECRET_TYPE))
    return hits


#: the password field of an Apache password file (``htpasswd``'s formats):
#: MD5-APR (``$apr1$``), bcrypt (``$2y$``), SHA-1 (``{SHA}``), SHA-2 and MD5
#: crypt (``$5$``, ``$6$``, ``$1$``) and DES crypt (13 characters)
_HTPASSWD_HASH = re.compile(r"\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}|\$2[abxy]?\$\d\d\$[./0-9A-Za-z]{53}|\{SHA\}[A-Za-z0-9+/]{27}="
                            r"|\$[156]\$(?:rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,86}|[./0-9A-Za-z]{13}")


def _htpasswd(lines: Sequence[str]) -> List[Hit]:
    """The entries of an Apache password file, ``user:password``. A hash is
    not the password: it opens nothing by itself, but it can be cracked
    offline (MD5-APR and SHA-1 at billions of guesses a second), so a weak
    password behind it falls; reported at low severity with that reason. A
    field in no hash format is a plain-text password (Apache accepts those
    on Windows and NetWare), judged as a password."""
    hits = []
    for index, line in enumerate(lines):
        user, sep, password = line.strip().partition(":")
        if not sep or not user or not password or line.lstrip().startswith("#"):
            continue
        col = line.index(password, line.index(":") + 1)
        if _HTPASSWD_HASH.fullmatch(password):
            hits.append(Hit(index + 1, col + 1, password, "Password Hash",
                            low_reason="a password hash, not the password: it can be cracked offline"))
        elif generic_reason(password, "password") is None:
            hits.append(Hit(index + 1, col + 1, password, keywords.SECRET_TYPE))
    return hits


#: JetBrains IDEs' `WebServers.xml`: a deployment server's password, each
#: character XOR 0xDFAA written as four hex digits (``password="dfc6dfcb…"``)
_JETBRAINS_PASSWORD = re.compile(r"(?<![\w-])password=\"((?:df[0-9a-f]{2}){2,200})\"", re.IGNORECASE)


def _jetbrains_password(encoded: str) -> Optional[str]:
    """The password a JetBrains XOR-encoded value holds, or None when it does
    not decode to printable text."""
    chars = [int(encoded[i:i + 4], 16) ^ 0xDFAA for i in range(0, len(encoded), 4)]
    if not all(32 <= c < 127 for c in chars):
        return None
    return "".join(map(chr, chars))


def _jetbrains_passwords(lines: Sequence[str], hits: List[Hit]) -> List[Hit]:
    """JetBrains' encoded deployment passwords: reported when the decoded
    password is one (the password judge, as for a ``password=`` attribute),
    as written; any other detector's hit on the encoded run (its hex reads as
    some provider's key) is dropped."""
    found = []
    for index, line in enumerate(lines):
        if "password=" not in line.lower():
            continue
        for match in _JETBRAINS_PASSWORD.finditer(line):
            encoded = match.group(1)
            decoded = _jetbrains_password(encoded)
            if decoded is None:
                continue
            hits = [h for h in hits if not (h.line == index + 1 and h.secret in encoded)]
            weak = keywords.is_default_password(decoded)  # `changeme`: weak (low), before the judge drops it
            if weak or generic_reason(decoded, "password") is None:
                found.append(Hit(index + 1, match.start(1) + 1, encoded, keywords.SECRET_TYPE, encoded=True, weak=weak))
    return hits + found


#: Firefox's `logins.json` fields: DER (ASN.1) ciphertext, base64 (``MD…``, ``ME…``)
_FIREFOX_FIELD = re.compile(r"\"encrypted(Username|Password)\"[ \t]*:[ \t]*\"(M[A-Za-z0-9+/]{20,}={0,2})\"")


def _firefox_logins(lines: Sequence[str], hits: List[Hit]) -> List[Hit]:
    """Firefox's saved logins: each user name and password is encrypted with a
    key kept in the profile's ``key4.db``. The password's ciphertext is
    reported at low severity (a copied profile usually holds ``key4.db`` too,
    and without a primary password anyone with both decrypts it); the user
    name's ciphertext is not reported (a user name is no credential)."""
    out = [h for h in hits]
    for index, line in enumerate(lines):
        match = _FIREFOX_FIELD.search(line)
        if match is None:
            continue
        value = match.group(2)
        out = [h for h in out if not (h.line == index + 1 and (h.secret in value or value in h.secret))]
        if match.group(1) == "Password":
            out.append(Hit(index + 1, match.start(2) + 1, value, "Encrypted Password",
                           low_reason="Firefox's ciphertext: readable with the profile's key4.db"))
    return out


#: FileZilla's `<Pass encoding="base64">…</Pass>` (and any element so marked)
_BASE64_ELEMENT = re.compile(r"encoding=[\"']base64[\"'][ \t]*>[ \t]*([A-Za-z0-9+/]{4,}={0,2})[ \t]*<", re.IGNORECASE)


def _base64_elements(lines: Sequence[str], hits: List[Hit]) -> List[Hit]:
    """A password element whose text is base64 (FileZilla's ``<Pass
    encoding="base64">``): the encoding hides nothing, so the decoded
    password is judged: a placeholder is dropped, a known default password
    is weak (low)."""
    import base64 as b64
    import binascii

    out = []
    for hit in hits:
        match = _BASE64_ELEMENT.search(lines[hit.line - 1]) if hit.type in _GENERIC_TYPES else None
        if match is None or match.group(1) != hit.secret:
            out.append(hit)
            continue
        try:
            # (`echo pw | base64` ends the password with a newline: not part of it)
            decoded = b64.b64decode(hit.secret, validate=True).decode("utf-8").rstrip("\r\n")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            out.append(hit)
            continue
        if not decoded.isprintable():
            continue
        if keywords.is_default_password(decoded):  # `admin`: weak (low), before the judge drops it
            out.append(replace(hit, weak=True))
        elif generic_reason(decoded, "password") is None:
            out.append(hit)
    return out


def _has_putty_body(content: Sequence[str], index: int) -> bool:
    """A PuTTY key file's ``Private-Lines: N`` header (within the 60 lines
    after its first line) followed by key material: a header alone (docs,
    parsers) is not a key."""
    # the file's lines, or a key held in one string with `\n` escapes (JSON, YAML)
    lines = content[index].split("\\n")[1:] + list(content[index + 1:index + 60])
    for offset, following in enumerate(lines):
        match = _PUTTY_PRIVATE.match(following.strip().strip("\"'"))
        if match:
            body = lines[offset + 1:offset + 1 + int(match.group(1))]
            return any(_KEY_BODY.search(part) for part in body)
    return False


def _has_key_body(content: Sequence[str], index: int, line: str) -> bool:
    """A ``-----BEGIN … PRIVATE KEY-----`` header with key material after it
    (same line, e.g. a JSON string with ``\\n``, or the next line that is
    not an armor header or blank: PGP and legacy encrypted PEM keys put
    ``Version:`` / ``Proc-Type:`` lines first); a header alone (docs,
    parsers) is not a key."""
    rest = line.split("PRIVATE KEY", 1)[-1]
    if _KEY_BODY.search(rest):
        return not _stand_in_body(rest.split("-----END", 1)[0])
    for offset, following in enumerate(content[index + 1:index + 8]):
        if not following.strip() or _ARMOR_HEADER.match(following):
            continue
        if not _KEY_BODY.search(following):
            return False
        body = []
        for part in content[index + 1 + offset:index + 61]:
            if "-----END" in part:
                break
            body.append(part)
        return not _stand_in_body("".join(body))
    return False


def _stand_in_body(body: str) -> bool:
    """Key material typed by hand: a run of ten or more characters of an
    alphabet, the digits or a keyboard row in order
    (``MIIEpAIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyz``). Base64 of
    random key bytes holds such a run about once in 10^16 characters."""
    from mlwarden.secrets.noise import _longest_sequential

    return _longest_sequential(body) >= 10


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
    #: an identifier of a credential rather than the credential (a Twilio
    #: account SID with no auth token near it): reported at low severity (see
    #: :func:`identifier_only`)
    identifier: bool = False
    #: a token of a checksummed format (GitHub, GitLab routable) whose checksum
    #: does not verify: no token the provider issued (a sample, or one edited
    #: by hand); reported at medium severity
    unverified: bool = False
    #: found base64-encoded: ``secret`` is the base64 run as written, ``type``
    #: the provider of the token inside it (see :func:`_encoded_hits`)
    encoded: bool = False
    #: a known default or weak password (``root``, ``changeme``) under a
    #: password name in a configuration file: a weak credential rather than a
    #: leaked secret, reported at low severity (see
    #: :func:`mlwarden.secrets.keywords.default_passwords`)
    weak: bool = False
    #: why a value that is not the credential itself but leads to it is
    #: reported at low severity (a password hash, a ciphertext whose key is
    #: elsewhere); ``""`` for every other hit
    low_reason: str = ""

    @property
    def provider(self) -> bool:
        """True for a token format that names its provider (not a keyword
        or generic hit)."""
        return self.type in _OWN_TYPES and self.type not in _GENERIC_TYPES and self.type != "Generic API Key"


def is_candidate(text: str) -> bool:
    """Cheap test: could ``text`` hold a secret a token-format detector finds?
    (The keyword detector has its own trigger,
    :data:`mlwarden.secrets.keywords.TRIGGER`.)"""
    return prefilter_match(text)


def candidate_lines(lines: Sequence[str], text: Optional[str] = None, lowered: Optional[str] = None, starts: Optional[List[int]] = None) -> List[int]:
    """Indexes of the lines :func:`is_candidate` accepts, found by searching
    the joined text once (no match spans a newline) with only the prefilter
    parts whose literals occur in it: seconds on a large repository."""
    text = "\n".join(lines) if text is None else text
    lowered = text.lower() if lowered is None else lowered
    if len(lowered) != len(text):  # rare Unicode case changes length: per line
        return [i for i, line in enumerate(lines) if is_candidate(line)]
    from mlwarden.core.regexlit import cannot_match

    found = set()
    for pattern, haystack in prefilter_regexes(text, lowered):
        if cannot_match(pattern, haystack):
            continue
        if starts is None:
            starts = line_starts(lines)
        for match in pattern.finditer(haystack):
            found.add(bisect.bisect_right(starts, match.start()) - 1)
    return sorted(found)


def line_starts(lines: Sequence[str]) -> List[int]:
    """Offsets of each line in ``"\\n".join(lines)``."""
    import itertools

    return [0, *itertools.accumulate(len(line) + 1 for line in lines[:-1])]


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
    and configured on the first scan that has a candidate line for one of its
    detectors."""

    def __init__(self, profile: str = "code", high_entropy: bool = False, default_passwords: bool = False) -> None:
        if profile not in ("code", "output"):
            raise ValueError(f"unknown secrets profile {profile!r}")
        self.profile = profile
        self.high_entropy = high_entropy
        #: also report known default passwords in configuration files (weak, low severity)
        self.default_passwords = default_passwords
        self._settings: Optional[_settings] = None
        self._plugins: Optional[list] = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        if self._settings is not None:
            self._settings.__exit__(*exc)
            self._settings = None

    def scan(self, lines: Sequence[str], filename: str) -> List[Hit]:
        text = "\n".join(lines)
        # blobs: a `data:…;base64,` payload, or a line long enough to hold a
        # 2,000-character base64 run (max(map(len)) is C-speed; the regex is not)
        if "base64," in text or (lines and max(map(len, lines)) >= 2000):
            lines = [blank_blobs(line) for line in lines]
            text = "\n".join(lines)
        if any(word in text for word in _DIGEST_WORDS) and _DIGEST.search(text):
            # package hashes (`--hash=sha256:…` in a pip-compile lock file,
            # `hash = "sha256:…"` in uv/poetry locks, image digests) are
            # public: a 10,000-line lock file sent every line to detect-secrets
            lines = [_DIGEST.sub(_blank, line) if ":" in line else line for line in lines]
            text = "\n".join(lines)
        entropy = self.high_entropy and self.profile == "code"
        lowered = text.lower()
        starts = line_starts(lines)
        indexes = candidate_lines(lines, text, lowered, starts)
        if entropy:
            indexes = sorted(set(indexes) | {i for i, line in enumerate(lines) if _LONG_QUOTED.search(line)})
        hits = _own_hits(lines, indexes)
        hits.extend(_encoded_hits(lines, indexes))
        if self.profile == "code":
            python = filename.endswith((".py", ".pyi", ".pyw"))  # notebook code is scanned as x.py
            hits.extend(Hit(i + 1, col + 1, value, keywords.SECRET_TYPE) for i, col, value in keywords.scan_lines(lines, lowered, starts, python))
            if "basic" in lowered or "bearer" in lowered:  # (C-speed test first)
                hits.extend(Hit(i + 1, col + 1, value, keywords.SECRET_TYPE, weak=weak)
                            for i, col, value, weak in keywords.bare_auth(lines, lowered, starts, python))
            defaults = self.default_passwords and not python and is_text_config(Path(filename))
            if defaults:
                hits.extend(Hit(i + 1, col + 1, value, keywords.SECRET_TYPE, weak=True) for i, col, value in keywords.default_passwords(lines, lowered, starts))
        ds_indexes = [i for i in indexes if _DS_CANDIDATE.search(lines[i])] if not entropy else indexes
        if ds_indexes:
            if self._plugins is None:
                self._settings = _settings(self.profile, self.high_entropy)
                self._plugins = self._settings.__enter__()
            hits.extend(_scan(lines, ds_indexes, filename, self._plugins))
        if os.path.basename(filename).lower() == "kaggle.json":
            hits.extend(_kaggle_json(lines, {(h.line, h.secret) for h in hits}))
        base = os.path.basename(filename).lower()
        if self.profile == "code" and base == ".pgpass":
            hits.extend(_pgpass(lines))
        if self.profile == "code" and base == ".htpasswd":
            hits.extend(_htpasswd(lines))
        if 'password="df' in lowered:  # (C-speed test first)
            hits = _jetbrains_passwords(lines, hits)
        if "encrypted" in text and base == "logins.json":
            hits = _firefox_logins(lines, hits)
        if 'encoding="base64"' in lowered:
            hits = _base64_elements(lines, hits)
        if not hits:
            return []
        defaults = self.profile == "code" and self.default_passwords and any(h.weak for h in hits)
        out: List[Hit] = []
        seen = set()
        for hit in sorted(hits, key=lambda h: (h.line, h.col, _RANK.get(h.type, 50))):
            key = (hit.line, hit.secret)
            if key in seen or _allowlisted(lines, hit.line - 1):
                continue
            # generic hits were judged with their key (a short password is a password)
            # (an encoded hit's token was judged decoded: its base64 is no placeholder text)
            if hit.type not in _GENERIC_TYPES and not hit.encoded and placeholder_reason(hit.secret):
                continue
            seen.add(key)
            out.append(hit)
        if any(h.type in _NAMED_TYPES and ui_text(h.secret) for h in out) and translation_catalog(filename, lines):
            # a translation catalog's values are user-interface text: `"password": "Passord"` is
            # the field's caption; a value with a digit or symbol is still judged a password
            out = [h for h in out if not (h.type in _NAMED_TYPES and ui_text(h.secret))]
        if defaults:
            # a keyword hit of a default password (`password: postgres`) is that weak password too
            out = [replace(h, weak=True) if h.type in _NAMED_TYPES and keywords.is_default_password(h.secret) else h for h in out]
        return _drop_contained(out)


#: Lines longer than this test each pattern's leading literal before running it
#: (``mlwarden.core.regexlit``): a 2.7 MB HTML output took 5 s of regex scans.
_LONG_LINE = 1000
#: an algorithm-prefixed digest: ``sha256:<64 hex>`` (pip `--hash`, lock files, image digests)
_DIGEST = re.compile(r"(?<![\w-])(?:sha(?:1|224|256|384|512)|md5|blake2b)[:=](?:[0-9a-f]{32,128}|[0-9A-F]{32,128})(?![\w])")


#: every digest holds one of these (substring tests cost a sixth of the
#: regex's search on code without digests: 0.19 s vs 1.19 s on transformers)
_DIGEST_WORDS = ("sha1", "sha2", "sha3", "sha5", "md5", "blake2b")


def _blank(match: "re.Match[str]") -> str:
    return " " * len(match.group(0))


def _allowlisted(lines: Sequence[str], index: int) -> bool:
    return bool(_ALLOW_LINE.search(lines[index]) or (index > 0 and _ALLOW_NEXT.search(lines[index - 1])))


def _own_hits(lines: Sequence[str], indexes: List[int]) -> List[Hit]:
    """mlwarden's provider formats on the candidate lines (plain regexes)."""
    from mlwarden.core.regexlit import Text, literals_absent, may_search

    hits = []
    for index in indexes:
        line = lines[index]
        # a long line (an HTML output, minified code): test each pattern's literal first
        text = Text(line) if len(line) > _LONG_LINE else None
        for secret_type, patterns in PROVIDER_PATTERNS.items():
            for pattern in patterns:
                # the literal every match holds, read from the pattern's text:
                # a pattern whose literal is not on the line is not even compiled
                if literals_absent(pattern, line) or (text is not None and not may_search(pattern, text)):
                    continue
                for match in pattern.finditer(line):
                    group = 1 if pattern.groups else 0
                    value = match.group(group)
                    if pattern in GLUED_NEEDS_CHECKSUM and not github_checksum_ok(value):
                        continue  # `ghp_…` + more letters: the format's length ends it only if it verifies
                    if value and (secret_type != "Encrypted Private Key" or _has_key_body(lines, index, line)) and (
                        secret_type != "PuTTY Private Key" or _has_putty_body(lines, index)
                    ):
                        hits.append(Hit(index + 1, match.start(group) + 1, value, secret_type, unverified=checksum_fails(secret_type, value)))
    return hits


#: formats looked for inside a decoded base64 run besides mlwarden's own
_DECODED_EXTRA = (("AWS Access Key", re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])")),)
_PRINTABLE = frozenset(range(32, 127)) | {9, 10, 13}


def _encoded_hits(lines: Sequence[str], indexes: List[int]) -> List[Hit]:
    """Provider tokens inside base64 runs that start with an encoded token
    prefix (:data:`~mlwarden.secrets.patterns.ENCODED_RUN`): the run is
    decoded (standard or URL-safe alphabet, at most 1,400 characters) and,
    when the decoded bytes are printable text, searched with the provider
    formats. A hit is reported at the run, with the run as its secret (so the
    preview and hash are of what is written); the decoded token passes the
    placeholder filter first."""
    import base64
    import binascii

    hits = []
    for index in indexes:
        line = lines[index]
        if len(line) < 16:
            continue
        for run in ENCODED_RUN.finditer(line):
            value = run.group(0)
            body = value.rstrip("=").replace("-", "+").replace("_", "/")
            try:
                raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
            except (binascii.Error, ValueError):
                continue
            if not raw or sum(b in _PRINTABLE for b in raw) < 0.95 * len(raw):
                continue
            decoded = raw.decode("ascii", "replace")
            for secret_type, token in _decoded_tokens(decoded):
                if placeholder_reason(token):
                    continue
                hits.append(Hit(index + 1, run.start() + 1, value, secret_type, unverified=checksum_fails(secret_type, token), encoded=True))
                break
    return hits


def _decoded_tokens(text: str):
    """(type, token) of every provider format in a decoded base64 text."""
    from mlwarden.core.regexlit import literals_absent

    for secret_type, patterns in PROVIDER_PATTERNS.items():
        for pattern in patterns:
            if literals_absent(pattern, text):
                continue
            for match in pattern.finditer(text):
                value = match.group(1 if pattern.groups else 0)
                if pattern in GLUED_NEEDS_CHECKSUM and not github_checksum_ok(value):
                    continue
                if value:
                    yield secret_type, value
    for secret_type, pattern in _DECODED_EXTRA:
        for match in pattern.finditer(text):
            yield secret_type, match.group(1)


def _drop_contained(hits: List[Hit]) -> List[Hit]:
    """Keep the most specific hit when one hit's value contains or is
    contained in another's on the same line (a provider format over a
    generic or keyword hit)."""
    out = []
    for hit in hits:
        rank = _RANK.get(hit.type, 50)
        if any(
            other is not hit
            and other.line == hit.line
            and _RANK.get(other.type, 50) < rank
            and (other.secret in hit.secret or hit.secret in other.secret)
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
# detect-secrets, without `requests`

_IMPORT_LOCK = threading.RLock()


class _RequestsStandIn(types.ModuleType):
    """Stands in for ``requests`` while detect-secrets is imported: its
    plugins import it at module level for verification, which mlwarden never
    enables. Attributes read during the import (type annotations) get a
    placeholder class; any later use imports the real ``requests`` then."""

    _importing = True

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if _RequestsStandIn._importing:
            return type(name, (Exception,), {})
        with _IMPORT_LOCK:
            import importlib

            real = sys.modules.get("requests")
            if real is None or real is self:
                sys.modules.pop("requests", None)
                real = importlib.import_module("requests")
            return getattr(real, name)


def import_detect_secrets() -> None:
    """Import detect-secrets and all its plugin modules without importing
    ``requests`` (130 ms, and network code a linter has no use for).

    While the import runs, ``sys.modules["requests"]`` is a stand-in module;
    it is removed right after, so ``requests`` stays unimported and a later
    ``import requests`` (by the user's code in the same process) gets the
    real package. When ``requests`` is already imported nothing is replaced."""
    if "detect_secrets.plugins.base" in sys.modules:
        return
    with _IMPORT_LOCK:
        if "detect_secrets.plugins.base" in sys.modules:
            return
        stand_in = None
        if "requests" not in sys.modules:
            stand_in = _RequestsStandIn("requests")
            sys.modules["requests"] = stand_in
        try:
            import importlib
            import pkgutil

            import detect_secrets.core.scan  # noqa: F401
            import detect_secrets.filters
            import detect_secrets.settings  # noqa: F401

            _standard_plugin_names()  # imports every plugin module
            # and every filter module (settings import them by name later)
            for info in pkgutil.iter_modules(detect_secrets.filters.__path__):
                importlib.import_module(f"detect_secrets.filters.{info.name}")
        finally:
            if stand_in is not None:
                _RequestsStandIn._importing = False
                if sys.modules.get("requests") is stand_in:
                    del sys.modules["requests"]


class _settings:
    """``transient_settings`` configured for a profile; yields the plugin
    instances to run (detect-secrets' configured ones)."""

    def __init__(self, profile: str, high_entropy: bool) -> None:
        self.profile = profile
        self.high_entropy = high_entropy

    def __enter__(self):
        import_detect_secrets()
        from detect_secrets.settings import get_plugins, transient_settings

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
        return list(get_plugins())

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
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.util.code_snippet import get_code_snippet

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
    from mlwarden.core.regexlit import Text, may_search

    for index in indexes:
        line = content[index].rstrip()
        number = index + 1
        text = Text(line) if len(line) > _LONG_LINE else None
        context = get_code_snippet(lines=content, line_number=number)
        if _is_filtered_out(required_filter_parameters=["line"], filename=filename, line=line, context=context):
            continue
        for plugin, patterns in quick:
            if patterns is None and len(line) > _KEYWORD_LINE_LIMIT and type(plugin).__name__ == "KeywordDetector":
                continue  # its patterns cost n**2 along a line; mlwarden's own keyword scan (linear) reads it
            if patterns is not None and not any((text is None or may_search(pattern, text)) and pattern.search(line) for pattern in patterns):
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
                col = line.find(value)
                if secret.type in _BOUNDED and not _bounded(line, col, value, secret.type):
                    continue  # `TODAYINASIAASACKOFRICE`: inside a longer word
                if secret.type == "Slack Token" and value.startswith(("xox", "XOX")) and not slack_shaped(line, col, value):
                    continue  # `xoxb-1234-abc`, `xoxp-…*`, `Axoxb-…`: detect-secrets' loose `xox?-` run, no Slack token
                if secret.type == "Artifactory Credentials" and generic_reason(value.strip("\"'=: \t"), "token") == "identifier-like name":
                    continue  # `APFSVolumeGroupID`: a CamelCase name after `AP`, not a token
                if secret.type in _GENERIC_TYPES:
                    # `x = get_secret()` is no literal; a URL's password is one
                    # wherever the URL is (`create_engine("postgresql://u:…@db")`)
                    indirect = secret.type != "Basic Auth Credentials" and is_indirect_reference(line)
                    if indirect or not _generic_ok(line, col, value, secret.type):
                        continue
                if secret.type == "Private Key" and not _has_key_body(content, index, line):
                    continue
                if secret.type == "JSON Web Token":
                    signature = _SIGNATURE.match(line, col + len(value) - value.endswith("."))
                    if not signature:
                        continue  # `header.payload` with no signature: base64 JSON, nothing that authenticates
                    if placeholder_signature(value.rstrip(".") + signature.group(0)):
                        continue  # `….sig`, `….signatureTAIL…`: a test token no server accepts
                hits.append(Hit(number, col + 1 if col >= 0 else 1, value, secret.type, identifier_only(secret.type, value, content, index)))
    return hits


#: a Twilio auth token beside its account SID: 32 hex on a line that names a
#: credential (`auth_token = "…"`, `{"key": "authToken", "value": "…"}`)
_HEX32 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])")
_CREDENTIAL_WORD = re.compile(r"token|secret|auth|key|passw|pwd", re.IGNORECASE)


def identifier_only(secret_type: str, value: str, content: Sequence[str], index: int) -> bool:
    """Does a detect-secrets hit name a credential rather than hold one? A
    Twilio account SID (``AC`` + 32 hex) is an identifier, public in every
    API URL of the account: the auth token is the credential. Unless such a
    token (32 hex on a line naming a credential) stands within five lines,
    the SID alone is reported at low severity. (An ``SK…`` API key SID is
    still reported as before: published samples label it a key.) So is an
    AWS key id that is a pre-signed URL's ``AWSAccessKeyId`` /
    ``X-Amz-Credential`` parameter, unless a secret access key (40 base64
    characters on a line naming a secret) stands within five lines."""
    if secret_type == "Twilio API Key" and value.startswith("AC"):
        window = content[max(index - 5, 0):index + 6]
        return not any(_CREDENTIAL_WORD.search(line) and _HEX32.search(line.replace(value, " ")) for line in window)
    if secret_type == "AWS Access Key":
        line = content[index]
        col = line.find(value)
        if col > 0 and _PRESIGNED_KEY_ID.search(line, 0, col):
            # a pre-signed URL's key id (`?AWSAccessKeyId=AKIA…&Signature=…`,
            # `X-Amz-Credential=AKIA…%2F…`): the URL names the key, its
            # signature lives until `Expires`; the secret key is the credential
            window = content[max(index - 5, 0):index + 6]
            return not any(_SECRET_WORD.search(text) and _SECRET_KEY40.search(text) for text in window)
    return False


#: a key id as a pre-signed URL's query parameter (SigV2 and SigV4)
_PRESIGNED_KEY_ID = re.compile(r"[?&](?:AWSAccessKeyId|X-Amz-Credential)=$", re.IGNORECASE)
#: an AWS secret access key (40 base64 characters) on a line that names a secret
_SECRET_KEY40 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])")
_SECRET_WORD = re.compile(r"secret", re.IGNORECASE)


#: detect-secrets format detectors whose patterns have no word boundaries
_BOUNDED = frozenset({"AWS Access Key", "Twilio API Key", "Mailchimp Access Key", "Artifactory Credentials", "Stripe Access Key", "SendGrid API Key", "Square OAuth Secret", "Discord Bot Token", "Telegram Bot Token"})


def _bounded(line: str, col: int, value: str, secret_type: str = "") -> bool:
    end = col + len(value)
    if secret_type == "Telegram Bot Token" and line[max(col - 3, 0):col].lower() == "bot":
        col -= 3  # the Bot API's URL form, `https://api.telegram.org/bot<token>/getMe`
    before = line[col - 1] if col > 0 else " "
    after = line[end] if end < len(line) else " "
    return not (before.isalnum() or after.isalnum())


#: Slack's token shapes after ``xox?-`` (bot ``xoxb-<id>-<24>`` and
#: ``xoxb-<team>-<bot>-<24>``, user ``xoxp-<team>-<user>-<id>-<32 hex>``,
#: legacy ``xoxs-``/``xoxo-`` with a hex tail): an optional one-digit
#: version, one to three numeric ids of 8-14 digits, a last part of 18+
#: alphanumerics; or a legacy workspace app token or its refresh token
#: (``xoxa-2-``/``xoxr-`` + 8-48 alphanumerics)
_SLACK_SHAPE = re.compile(r"xox[abposr]-(?:\d-)?(?:\d{8,14}-){1,3}[A-Za-z0-9]{18,}|xox[ar]-(?:\d-)?[A-Za-z0-9]{8,48}", re.IGNORECASE)


def slack_shaped(line: str, col: int, value: str) -> bool:
    """Is detect-secrets' Slack hit ``value`` (at ``col`` of ``line``) in the
    shape Slack issues? Its detector takes any ``xox?-`` run of digits and
    letters: a syntax test's ``xoxb-1234-hJK89Qrst``, a token glued to a
    wrong prefix (``Axoxb-…``, ``xoxe.xoxs-1-…``: the ``xoxe.`` configuration
    tokens are mlwarden's own format), or a run that a ``*`` continues (a
    wildcard or a masked value, ``xoxp-…*``) are none."""
    if not _SLACK_SHAPE.fullmatch(value):
        return False
    before = line[col - 1] if col > 0 else " "
    after = line[col + len(value)] if 0 <= col and col + len(value) < len(line) else " "
    return not (before.isalnum() or before in "._-") and after not in "*-"


def _generic_ok(line: str, col: int, value: str, secret_type: str) -> bool:
    """detect-secrets' keyword, entropy and basic-auth hits judged like ours:
    by the name the value is assigned to (a password name takes any
    non-placeholder value; token and key names need a random-looking one)."""
    if secret_type == "Basic Auth Credentials":
        at = line.find(value + "@", max(col, 0))  # (`col` is the first copy: the user in `u:u@`)
        if at >= 0 and not _HOST_AFTER.match(line, at + len(value)):
            return False  # `https://user:pw@` and nothing after: no host, no credential of a URL
        if _PROFILE_HOST.match(line, col + len(value)):
            return False  # MLflow's `databricks://scope:prefix@databricks`: a secret scope and key prefix
        if _PREFIX_AND_DIGITS.fullmatch(value):
            return False  # `token:dapi123@…`: a token's prefix and a few digits, a placeholder
        if at >= 0 and url_role_login(line, at, value):
            return False  # `http://proxyuser:proxypass@proxy…`: both name their role, a template's placeholder
        # a UUID in a URL's password slot, a host after it, is the service's key
        # (`https://svc_user:<uuid>@api.host/…`), not an identifier
        return generic_reason(value, "password") in (None, "uuid")
    if _WORDS_ONLY.fullmatch(value.strip()) and _COMMENT_BEFORE.match(line[:max(col, 0)]) and line[col - 1:col] not in "\"'`":
        return False  # `# password: keep empty`: a comment's words about the value, not one
    if _COMPARISON_BEFORE.search(line, max(col - 6, 0), max(col, 0)):
        return False  # `password===this.options.password`: a comparison with an expression, not a value
    key = _key_before(line, col)
    strength = keywords.key_strength(key) if key else None
    if secret_type == "Secret Keyword" and key and strength is None:
        # the keyword is inside another word (`monkey`, `tokenizer`) or the
        # name says the value is not the credential (`secret_name`)
        return False
    reason = generic_reason(value, strength or "token")
    words = keywords.split_words(key.strip("\"'`")) if key else []
    if reason == "letters only" and "secret" in words:
        return passphrase_value(value)  # `SECRET_KEY=iloveredlobsters…`: a typed passphrase
    if reason is None and words[-2:] == ["secret", "id"] and keywords._UUID_VALUE.fullmatch(value.strip("\"'")):
        return False  # Azure's "Secret ID" of a client secret: an id
    return reason is None


#: an equality operator right before an unquoted value (``===``, ``!==``, ``==``, ``!=``):
#: the value is the other side of a comparison, an expression (a quoted literal
#: compared with a password is still judged)
_COMPARISON_BEFORE = re.compile(r"(?:[=!]==?)[ \t]*$")
#: a line that is a comment up to a position (`#`, `//`, `;`, `--` first)
_COMMENT_BEFORE = re.compile(r"[ \t]*(?:#|//|;|--(?![\w-]))")
#: lower-case words (``keep empty``, ``leave blank to prompt``)
_WORDS_ONLY = re.compile(r"[a-z]+(?:[ \t]+[a-z]+)+")
#: a provider token's prefix and a few digits (``dapi123``, ``ghp_42``, ``hf_1``)
_PREFIX_AND_DIGITS = re.compile(r"(?:dapi|gh[pousr]_|github_pat_|glpat-|hf_|sk-|xox[abposr]-|npm_|pypi-)\d{0,6}")
#: a URL's `@` and the first character of a host (a name, an address, `[` of an IPv6 one)
_HOST_AFTER = re.compile(r"@[\w\[]")
#: a URL "host" that is a Databricks profile (MLflow's ``scope:prefix@databricks`` URIs)
_PROFILE_HOST = re.compile(r"@databricks(?=[/\s\"'`)]|$)")
#: (searched along the line: a name is at most 200 characters and each run of
#: blanks has one quantifier, so a long line costs linear time)
_KEY_BEFORE = re.compile(r"([A-Za-z_$@][\w.$@\-]{0,200})[\"'`\]]*[ \t]*(?::{1,3}=|[?+.!]?={1,3}|=>|:|,|\()[ \t]*(?:(?:[@rRbBuUfF]{1,2}[\"'`]?|[\"'`])[ \t]*)?$")


def _key_before(line: str, col: int) -> str:
    """The name a value at ``col`` is assigned to (``""`` when unknown)."""
    if col < 0:
        return ""
    match = _KEY_BEFORE.search(line[:col])
    return match.group(1) if match else ""
