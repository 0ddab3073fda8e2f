"""The one place that makes text safe to print, cache or write.

Every finding message and every one-line error goes through these functions
before anything prints, caches or writes it:

* :func:`redact_text` masks credentials a rule or an error echoes from a
  file: the userinfo of URLs in every scheme (``https://user:TOKEN@host``,
  ``git+https://TOKEN@host``, ``scheme://:TOKEN@host``, and the
  percent-encoded ``https%3A%2F%2Fuser%3ATOKEN%40host``), credential query
  parameters (``?token=…``, ``&sig=…``), ``Authorization``/``Bearer`` values,
  well-known token shapes (``ghp_…``, ``hf_…``, ``sk-…``, ``AKIA…``) and long
  random-looking runs (a pickle global's name can carry a token). What is
  certainly not a credential prints as is: the conventional ``git@``/``hg@``
  user of ``git+ssh://git@github.com/…``, commit SHAs and hashes (hex only),
  identifiers.
* :func:`escape_controls` shows control characters (newlines, ANSI escapes,
  bidirectional overrides) as visible escapes such as ``\\n`` and ``\\x1b``,
  so a file named ``x\\n::error ...`` cannot forge an output line or a
  GitHub workflow command.
* :func:`safe_text` is both; :func:`safe_line` also keeps a line from
  starting with ``::`` (GitHub's workflow-command marker).

Secret findings already hold only a masked preview (:func:`preview`, also
``mlwarden.core.finding.redact``). All functions are idempotent:
``f(f(x)) == f(x)``.
"""

from __future__ import annotations

from mlwarden.core import lazyre as re  # patterns compile on first use

# ---------------------------------------------------------------------------
# credentials


def preview(secret: str) -> str:
    """A masked preview that never reveals the secret: a short prefix (the
    provider marker, e.g. ``hf_``) and the last three characters, at most a
    quarter of the value in all."""
    if len(secret) <= 8:
        return "****"
    show = max(1, min(4, len(secret) // 8))
    # keep a provider prefix like "hf_" / "sk-" readable when short
    head = secret[:show]
    for sep in ("_", "-"):
        idx = secret.find(sep)
        if 0 < idx <= 7 and idx + 1 <= len(secret) // 4:
            head = secret[: idx + 1]
            break
    return f"{head}****…{secret[-3:]}"


_MASK = "****"

#: ``scheme://userinfo@``: the userinfo (user, user:password or a bare token)
#: runs to the *last* ``@`` of the authority, as urllib and pip split it, so a
#: password holding an unencoded ``@`` is masked whole.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^\s/?#`'\"<>\\]+)@")
#: the same, percent-encoded once or twice (a URL inside a query string)
_ENCODED_USERINFO = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*%(?:25)?3A%(?:25)?2F%(?:25)?2F)"
    r"(?P<userinfo>(?:(?!%(?:25)?2F)[^\s/?#&`'\"<>\\])+)(?P<at>%(?:25)?40)",
    re.IGNORECASE,
)
_ENCODED_COLON = re.compile(r"%(?:25)?3A", re.IGNORECASE)
_COLON = re.compile(":")
#: user names that are conventions, never credentials (``git+ssh://git@github.com``)
_CONVENTIONAL_USERS = frozenset({"git", "hg"})

#: ``?token=…``, ``&sig=…``: query parameters that carry credentials
_QUERY_SECRET = re.compile(
    r"(?P<key>[?&;](?:access[_-]?token|auth[_-]?token|token|api[_-]?key|apikey|key|secret|client[_-]?secret|"
    r"password|passwd|pwd|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|private[_-]?token)=)"
    r"(?P<value>[^&#\s`'\"<>]+)",
    re.IGNORECASE,
)
#: ``Authorization: Bearer …``, ``Bearer …``
_AUTH_HEADER = re.compile(
    r"(?P<key>\b(?:authorization\s*:\s*(?:bearer|basic|token|bot)?|bearer)\s+)(?P<value>[A-Za-z0-9._~+/\-]{8,}=*)",
    re.IGNORECASE,
)
#: well-known token prefixes (GitHub, GitLab, Hugging Face, OpenAI and
#: Anthropic ``sk-``, Slack, AWS, Google, Replicate, Groq, LangSmith,
#: Pinecone, Databricks, xAI, NVIDIA, Perplexity, npm, PyPI, AWS Bedrock)
_TOKEN_PREFIX = re.compile(
    r"(?<![A-Za-z0-9])(?P<prefix>gh[pousr]_|github_pat_|glpat-|hf_|api_org_|sk-|xox[abposr]-|AKIA|ASIA|AIza|r8_|gsk_|"
    r"lsv2_|pcsk_|dapi|xai-|nvapi-|pplx-|npm_|pypi-|ABSK)[A-Za-z0-9_\-+/]{16,}={0,2}(?![A-Za-z0-9_\-+/=])"
)
#: candidate runs for the random-looking test
_RUN = re.compile(r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-+/]{24,}={0,2}(?![A-Za-z0-9_\-+/=])")
_HEX = re.compile(r"[0-9a-fA-F\-]+")
#: quick test: can the text hold anything the patterns above mask?
_MAYBE = re.compile(r"@|%(?:25)?40|[?&;][A-Za-z_\-]+=|bearer|authorization|[A-Za-z0-9_\-+/]{16,}", re.IGNORECASE)


def _mask_userinfo(scheme: str, userinfo: str, colon: "re.Pattern[str]") -> str:
    found = colon.search(userinfo)
    if found is None:
        if userinfo in _CONVENTIONAL_USERS or not any(c.isalnum() for c in userinfo):  # `…@`, `****@`
            return f"{scheme}{userinfo}"
        return f"{scheme}{_MASK}"
    # user:password -> keep the user name unless it looks like a token itself
    user = userinfo[: found.start()]
    if user and _looks_random(user, min_length=16):
        user = _MASK
    return f"{scheme}{user}{found.group(0)}{_MASK}"


def _url(match: "re.Match[str]") -> str:
    return _mask_userinfo(match.group("scheme"), match.group("userinfo"), _COLON) + "@"


def _encoded_url(match: "re.Match[str]") -> str:
    return _mask_userinfo(match.group("scheme"), match.group("userinfo"), _ENCODED_COLON) + match.group("at")


def _key_value(match: "re.Match[str]") -> str:
    value = match.group("value")
    if value == _MASK or "****" in value:
        return match.group(0)
    return f"{match.group('key')}{_MASK}"


_CHUNK = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_PATH_WORD = re.compile(r"[a-z]{2,}|[A-Z][a-z]+")


def _looks_random(run: str, min_length: int = 24, max_chunk: float = 3.2) -> bool:
    """A run of token characters that reads as random: letters of both cases
    and digits in short alternating chunks (``iK2ZWeqhFWCEPy…``; measured on
    random base62 strings of 32 characters, 99.9% have an average chunk of
    at most 3.2), not hex (hashes and commit SHAs are not credentials) and
    not an identifier (``Wav2Vec2ForSequenceClassification``: 4.7)."""
    body = run.rstrip("=")
    if len(body) < min_length or _HEX.fullmatch(body):
        return False
    if not (any(c.isdigit() for c in body) and any(c.isupper() for c in body) and any(c.islower() for c in body)):
        return False
    chunks = _CHUNK.findall(body)
    return bool(chunks) and sum(map(len, chunks)) / len(chunks) <= max_chunk


def _token(match: "re.Match[str]") -> str:
    token = match.group(0)
    body = token[match.end("prefix") - match.start() :]
    if token.startswith(("AKIA", "ASIA")) or _looks_random_body(body):
        return preview(token)
    return token


def _looks_random_body(body: str) -> bool:
    """The part after a known provider prefix: a digit and short chunks
    (``npm_config_userconfig`` is a name, ``hf_AbC1…`` a token)."""
    body = body.rstrip("=")
    if not any(c.isdigit() for c in body):
        return False
    chunks = _CHUNK.findall(body)
    return bool(chunks) and sum(map(len, chunks)) / len(chunks) <= 4.0


#: separators inside a run; a run made only of short separated pieces is a
#: name (``flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp310-linux_x86_64``),
#: not a token
_PIECES = re.compile(r"[-_+]")
_MIN_RANDOM_PIECE = 16


def _random_piece(part: str) -> bool:
    if _PIECES.search(part) is None:
        return _looks_random(part)
    return any(_looks_random(piece, min_length=_MIN_RANDOM_PIECE) for piece in _PIECES.split(part))


def _random_run(match: "re.Match[str]") -> str:
    run = match.group(0)
    if "/" in run:
        parts = run.split("/")
        if any(_PATH_WORD.fullmatch(part) for part in parts):  # a path: judge each part
            return "/".join(preview(part) if _random_piece(part) else part for part in parts)
    return preview(run) if _random_piece(run) else run


def redact_text(text: str) -> str:
    """``text`` with every credential it can recognise masked (idempotent)."""
    if not text or not _MAYBE.search(text):
        return text
    out = text
    if "@" in out:
        out = _URL_USERINFO.sub(_url, out)
    if "%" in out:
        out = _ENCODED_USERINFO.sub(_encoded_url, out)
    if "=" in out:
        out = _QUERY_SECRET.sub(_key_value, out)
    out = _AUTH_HEADER.sub(_key_value, out)
    out = _TOKEN_PREFIX.sub(_token, out)
    out = _RUN.sub(_random_run, out)
    return text if out == text else out


# ---------------------------------------------------------------------------
# control characters

#: C0 controls, DEL, C1 controls, line/paragraph separators and the
#: bidirectional formatting characters (Trojan Source)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_one(match: "re.Match[str]") -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """Control and bidirectional-formatting characters as visible escapes
    (``\\n``, ``\\x1b``, ``\\u202e``); other text unchanged."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_escape_one, text)


def safe_text(text: str) -> str:
    """Credentials masked and control characters escaped: one printable line."""
    return escape_controls(redact_text(text))


def safe_line(text: str) -> str:
    """:func:`safe_text` for a whole output line (stderr, the text format):
    a line that would start with ``::`` (a GitHub workflow command, e.g. from
    a file named ``::error::x.py``) is shown as the relative path ``./::…``."""
    text = safe_text(text)
    if text.lstrip().startswith("::"):
        return "./" + text
    return text
