"""The placeholder and noise filter every secret detector shares.

One function, :func:`noise_reason`, decides whether a value a detector
matched is a credential or noise, for every detector (mlwarden's provider
formats, detect-secrets' own detectors, the keyword detectors) and every
place (code, notebook cells and outputs, text and config files). It returns
the reason a value is noise (for tests and ``--verbose`` diagnostics) or
``None`` for a value that stays reported. Imports nothing heavy.

Classes of noise, each with a test in ``tests/test_secrets_noise.py``:

- placeholders: ``<your-key>``, ``${TOKEN}``, ``{{ secrets.x }}``, ``{token}``,
  f-string fields, ``...``, ``****``, ``xxxx``, values containing ``EXAMPLE``,
  ``FAKE``, ``TEST``, ``DUMMY``, ``SAMPLE``, ``PLACEHOLDER``, ``CHANGEME``,
  ``REDACTED`` (a template is recognised by its whole syntax, not by a brace);
- sequential or repeated alphabets after a valid prefix (``ghp_`` + ``xxxx…``,
  ``hf_abcdefgh…``, ``AKIA`` + ``XXXX…``, ``sk-1234567890…``) and long runs
  of a small alphabet (``ACGTACGT…``, ``0101…``);
- vendors' documented example keys and their variants (the documented body
  behind another prefix or inside a longer value);
- for the keyword (generic) detectors only: a key *name* used as a value
  (``"OPENAI_API_KEY"``, ``"prod/ml/db-password"``), short resource
  identifiers (a word and a few digits: ``bucket42``, ``cmp2-qat-1208``),
  capitalised prose (``ThisIsTheDefaultValue``), paths, URLs, dotted names,
  timestamps, values with spaces, low-entropy values, ARNs, keys vendors issue
  to be public (``pk_live_…``, ``phc_…``).

Base64 image data and long base64 runs are not values at all: the adapter
blanks them before any detector runs (:func:`blank_blobs`).
"""

from __future__ import annotations

from mlwarden.core.lazy import LazyModule; hashlib = LazyModule("hashlib")  # noqa: E702 - OpenSSL loads on first use
import math
from mlwarden.core import lazyre as re  # patterns compile on first use
from typing import Optional, Sequence

# -- placeholders -------------------------------------------------------------

_PLACEHOLDER_TEXT = re.compile(
    r"your|example|placeholder|dummy|changeme|change_me|redacted|insert|replace|sample|xxxx|\*\*|\.\.\.|…"
    # templates: `<your-key>`, `&lt;key&gt;`, `{{ secrets.HF_TOKEN }}`,
    # `${{ secrets.X }}`, `{}`, `%(token)s` (a whole field: a Django key's
    # random `%(` is no template), `$TOKEN` (:data:`_SHELL_REF`) and single-brace
    # fields (:func:`_template_field`): each a whole template expression, so a
    # random value that merely holds a brace or an angle bracket is judged as
    # a value
    r"|<[^<>\s][^<>]{0,80}>|&lt;|&gt;"
    # a whole value that is a bracketed word: `[REDACTED]`, `[NOT_SET]`, `[YOUR KEY]`
    r"|^\[[A-Za-z][A-Za-z_ \-]{2,80}\]$"
    r"|\{\{[ \t]*[\w.\-\[\]'\"|: ]+?[ \t]*\}\}|\{\}"
    r"|%\([\w.\-]{1,40}\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%s(?![A-Za-z0-9])"
    # the hex words programmers fill a value with (`deadbeef`, `cafebabe`)
    r"|deadbeef|cafebabe|feedface"
    # a value that says where the secret goes (`_password_here`, `token-here`)
    r"|[_\-.]here$",
    re.IGNORECASE,
)
#: the placeholder words of :data:`_PLACEHOLDER_TEXT`
_PLACEHOLDER_WORD = re.compile(r"your|example|placeholder|dummy|changeme|change_me|redacted|insert|replace|sample|xxxx", re.IGNORECASE)
#: marker words that make a value a test or placeholder value when they start
#: a word of it (``FAKE_TOKEN``, ``fakeKey``, ``test-secret``, ``MyTestKey``);
#: ``latest``/``contest`` do not count (the word does not start there)
_MARKER_WORDS = ("fake", "test", "dummy", "sample", "example", "mock", "placeholder", "redacted", "filtered", "scrubbed",
                 "sanitized", "obfuscated")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_REPEATED = re.compile(r"(.)\1{5,}")
_REPEATED5 = re.compile(r"([0-9a-fA-F])\1{4}")
#: a provider token's body that is hex only (Databricks' `dapi` + 32)
_HEX_BODY = re.compile(r"[0-9a-f]{24,64}|[0-9A-F]{24,64}")
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm")

#: provider prefixes stripped before the body is judged (``ghp_``, ``sk-proj-`` …)
_PREFIX = re.compile(
    r"^(?:github_pat_|gh[pousr]_|glpat-|hf_|api_org_|sk-ant-(?:api|admin)\d\d-|sk-or-v1-|sk-(?:proj|svcacct|admin)-|sk-|"
    r"r8_|gsk_|lsv2_(?:pt|sk)_|pcsk_\w{4,8}_|dapi|AIza|GOCSPX-|ya29\.|GR1348941|xai-|nvapi-|pplx-|wandb_v1_|CLOJARS_|ABSK|bedrock-api-key-|"
    r"AKIA|ASIA|ABIA|ACCA|xox[abposr]-|xoxe(?:\.xox[bp])?-\d-|xapp-\d-|SG\.|npm_|pypi-|(?:sk|rk)_(?:live|test)_|sq0atp-|EAAA|"
    r"amzn\.mws\.|key-(?=[0-9a-z]{32}$)|access_token\$(?:production|sandbox)\$|sk-lf-|sbp_|sgp_(?:local_|[0-9a-f]{16}_)?)"
)

#: documentation key fragments, matched case-insensitively inside a value
#: (these are public, non-secret strings the vendors print in their docs)
_DOCUMENTED_FRAGMENTS = re.compile(
    r"16C7e42F292c6912E7710c838347Ae178B4a"  # GitHub REST docs token body
    r"|IOSFODNN7|wJalrXUtnFEMI/K7MDENG|AKIAI44QH8DHB|je7MtGbClwBF/2Zp9Utk"  # AWS docs access keys
    r"|SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"  # jwt.io example signature
    r"|Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw"  # Azurite key
    r"|4eC39HqLyjWDarjtT1zdp7dc|BQokikJOvBiI2HlWgH4olfQ2"  # Stripe docs
    r"|f395accd246ae52d"  # Kubernetes docs' bootstrap token secret
    r"|MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks spec's (and Svix docs') example signing secret
    r"|JBSWY3DPEHPK3PXP",  # the TOTP seed of authenticator docs and RFC 6238 tutorials (base32 of "Hello!" + 0xDEADBEEF)
    re.IGNORECASE,
)


#: SHA-256 of whole keys that vendors publish as samples in their SDKs and
#: documentation (not secrets, copied into many repositories): Google's
#: Firebase SDK sample configuration API keys (firebase-android-sdk)
DOCUMENTED_KEYS = frozenset(
    {
        "f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c",
        "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
        "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
        "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
        "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
        "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
        "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
        "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
        "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
        "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
        "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
        "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
        "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
        "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
        "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
        "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
    }
)


def strip_prefix(value: str) -> str:
    return _PREFIX.sub("", value, count=1)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


#: default and placeholder words a base64-encoded `user:password` is made of
_DEFAULT_CREDENTIAL_WORDS = frozenset(
    {"admin", "administrator", "password", "passwd", "pass", "user", "username", "root", "guest", "secret",
     "changeme", "letmein", "default", "demo", "foo", "bar", "baz", "foobar", "token", "apikey", "key", "login",
     "hello", "world", "helloworld", "lorem", "ipsum", "value"}
)
_BASE64_TEXT = re.compile(r"(?:[A-Za-z0-9+/]{4}){2,50}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _decoded_placeholder(body: str) -> bool:
    """Base64 of readable placeholder text: ``dXNlcjpwYXNzd29yZA==``
    (``user:password``), a Kubernetes Secret's ``cGFzc3dvcmQ=``, base64 of
    ``dummy text``. A random secret almost never decodes to printable text."""
    if not _BASE64_TEXT.fullmatch(body):
        return False
    import base64
    import binascii

    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(raw) < 4 or any(b < 32 or b > 126 for b in raw):
        return False
    text = raw.decode("ascii")
    if _PLACEHOLDER_TEXT.search(text) or _marker_word(text):
        return True
    parts = [p for p in re.split(r"[^a-z0-9]+", text.lower()) if p]
    return bool(parts) and all(p in _DEFAULT_CREDENTIAL_WORDS for p in parts)


_SLACK_PARTS = re.compile(r"xox[a-z]-(?:\d+-)+([A-Za-z0-9]{12,})")
_BINARY_RUN = re.compile(r"([/+A])\1{5,}")
#: the base64 headers STS session tokens start with
_STS_HEADERS = ("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "FQoGZXIvYXdzE", "FQoDYXdzE")


def _binary_runs(body: str) -> bool:
    """A long base64 value whose only runs are ``/``, ``+`` or ``A`` (the
    encoding of 0xFF and 0x00 bytes) and whose rest is random: binary data,
    not a placeholder. AWS STS session tokens all hold ``//////////``."""
    if not re.fullmatch(r"[A-Za-z0-9+/]+=*", body) or any(m.group(1) not in "/+A" for m in _REPEATED.finditer(body)):
        return False
    if body.startswith(_STS_HEADERS):
        return True  # an STS token's first string literal (the token split over several)
    if len(body) < 64:
        return False
    rest = _BINARY_RUN.sub("", body)
    return len(rest) >= 48 and entropy(rest) >= 4.5


def _repeated_unit(body: str) -> bool:
    """``abcd1234abcd1234abcd1234…``: most of the value is one short unit (2-16
    characters) written three or more times in a row, letter case aside. A
    generated secret never repeats itself; documentation and test tables do."""
    for run in re.findall(r"[A-Za-z0-9]{12,}", body.lower()):
        if len(run) * 4 < len(body) * 3:
            continue
        match = _UNIT.match(run)
        if match and match.end() * 4 >= len(body) * 3:
            return True
        # a longer unit written two and a half times, the last copy cut
        # (`a1b2c3d4e5f6` + `a1b2c3d4e5f6` + `a1b2c3d4`: a value padded to length)
        for k in range(8, 17):
            if len(run) * 2 >= k * 5 and run == (run[:k] * (len(run) // k + 1))[:len(run)]:
                return True
    return False


def _counting(body: str, run: int = 8) -> bool:
    """``1a2b3c4d…``, ``a1b2c3d4…``: digits and letters counting up in turn
    for ``run`` characters, a sequence written by hand."""
    low = body.lower()
    for i in range(len(low) - run + 1):
        evens, odds = low[i:i + run:2], low[i + 1:i + run:2]
        if evens.isdigit() != odds.isdigit() and (evens + odds).isalnum() and \
                all(ord(b) - ord(a) == 1 for part in (evens, odds) for a, b in zip(part, part[1:])):
            return True
    return _counting_streams(low)


def _steps_up(chars: str, modulus: int) -> int:
    """How many neighbours of ``chars`` step up by one (``9`` -> ``0``,
    ``z`` -> ``a`` and, in a hex alphabet, ``f`` -> ``a`` wrap around)."""
    return sum((ord(b) - ord(a)) % modulus == 1 for a, b in zip(chars, chars[1:]))


def _counting_streams(low: str) -> bool:
    """A value whose digits and whose letters each count up, whatever the
    separators and the rhythm between them: ``5f6a7b8c-9d0e-1f2a-…`` (a UUID
    of counting hex), ``1bC2dE3f-G4hI-5jK6-…``, ``Q7R8S9T0-U1V2-…``,
    ``xK9mN4oP5qR6sT7u…``: a value typed by hand to look generated. A
    random value of 12 or more letters and digits has about one chance in
    26 (letters) or 10 (digits) per step to count up: nine steps in ten
    never happen by chance."""
    alnum = "".join(c for c in low if c.isalnum() and c.isascii())
    if len(alnum) < 16:
        return False
    digits = "".join(c for c in alnum if c.isdigit())
    letters = "".join(c for c in alnum if c.isalpha())
    if len(digits) < 4 or len(letters) < 4:
        return False  # one kind alone is :func:`_sequential`'s case
    hexonly = set(letters) <= set("abcdef")
    up = _steps_up(digits, 10) + _steps_up(letters, 6 if hexonly else 26)
    return up * 10 >= (len(alnum) - 2) * 9


_UNIT = re.compile(r"(.{2,16}?)\1{2,}")


def _sequential(body: str, run: int = 6) -> bool:
    return _longest_sequential(body) >= run


def _longest_sequential(body: str) -> int:
    """Length of the longest run of ``body`` that is part of an alphabet,
    the digits or a keyboard row (forwards or backwards), case-insensitively."""
    low = body.lower()
    best = 0
    for seq in _SEQUENCES:
        for text in (seq, seq[::-1]):
            i = 0
            while i < len(low):
                j = i
                if low[i] in text:
                    k = text.index(low[i])
                    while j + 1 < len(low) and k + (j - i) + 1 < len(text) and low[j + 1] == text[k + (j - i) + 1]:
                        j += 1
                best = max(best, j - i + 1 if low[i] in text else 0)
                i = j + 1
    return best


def _sequential_cover(body: str, run: int = 6) -> int:
    """How many characters of ``body`` lie in sequential runs of ``run`` or
    more (:func:`_longest_sequential`'s alphabets): ``ABCDEF…XYZabcdef…xyz0123456``
    is three runs end to end, ``abuser123456`` one run of six."""
    low = body.lower()
    covered = i = 0
    while i < len(low):
        best = 1
        for seq in _SEQUENCES:
            for text in (seq, seq[::-1]):
                k = text.find(low[i])
                if k < 0:
                    continue
                n = 1
                while i + n < len(low) and k + n < len(text) and low[i + n] == text[k + n]:
                    n += 1
                best = max(best, n)
        if best >= run:
            covered += best
        i += best
    return covered


def _marker_word(value: str) -> bool:
    for word in _WORDS.findall(value):
        low = word.lower()
        if any(low.startswith(m) for m in _MARKER_WORDS):
            return True
    return False


_FIELD = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")
_CLOSING = {")": "(", "]": "["}


def _template_field(value: str) -> bool:
    """A single-brace replacement field with a well-formed expression inside:
    ``{token}``, ``{0}``, ``${TOKEN:-x}``, f-string fields such as
    ``{key.removeprefix('a.')}``; ``{{`` is a literal brace, and brackets or
    quotes that do not pair up (``{e]x(y}``) are no expression."""
    for match in _FIELD.finditer(value):
        stack = []
        for char in match.group(1):
            if char in "([":
                stack.append(char)
            elif char in ")]":
                if not stack or stack.pop() != _CLOSING[char]:
                    break
        else:
            inner = match.group(1)
            if not stack and inner.count("'") % 2 == 0 and inner.count('"') % 2 == 0:
                return True
    return False


#: a value that opens with a shell-style reference: ``$DB_PASSWORD``, ``$dbPassword``
_SHELL_REF = re.compile(r"^[\"']?\$([A-Za-z_]\w*)")
#: the template pieces removed to see a value's literal part: ``${…}``, ``$(…)``,
#: ``{field}`` and ``$NAME`` (a name-like ``$`` run; :func:`_variable_name`)
_TEMPLATE_PIECE = re.compile(r"\$\{[^{}\n]*\}|\$\([^()\n]*\)|\{[^{}\n]*\}|\$[A-Za-z_]\w*")


def _variable_name(name: str) -> bool:
    """``$name`` is a variable reference (``$DB_PASSWORD``, ``$dbPassword``,
    ``$pw2``) unless ``name`` is itself a random token by the keyword
    detector's own test (``$A3ae68d9f8cc…``: a generated value that happens to
    start with ``$``)."""
    return generic_reason(name, "token") is not None


def _literal_secret(body: str) -> bool:
    """A templated value whose literal part is itself a secret: the longest run
    left when the template pieces are removed (``Xy7…Q2${SUFFIX}`` leaves
    ``Xy7…Q2``) is 16+ characters and a random token by the keyword detector's
    own test. (A ``$`` run that is no variable name stays in the literal.)"""
    def piece(match: "re.Match[str]") -> str:
        text = match.group(0)
        if text[1:2] not in ("{", "(") and text[0] == "$" and not _variable_name(text[1:]):
            return text
        return " "

    literal = _TEMPLATE_PIECE.sub(piece, body).strip("\"'` ")
    runs = literal.split()
    longest = max(runs, key=len) if runs else ""
    return len(longest) >= 16 and generic_reason(longest, "token") is None


def _templated(body: str) -> bool:
    """A whole template expression: a ``$NAME`` reference first, or a
    single-brace field (:func:`_template_field`), with no secret literal part."""
    ref = _SHELL_REF.match(body)
    if ref and not _variable_name(ref.group(1)):
        ref = None  # `$A3ae…`: a random value that starts with `$`
    if not ref and not ("{" in body and _template_field(body)):
        return False
    return not _literal_secret(body)


#: a Dropbox long-lived token: 11 characters, ten `A`, 43 characters
_DROPBOX_LONG = re.compile(r"([A-Za-z0-9]{11})A{10}([A-Za-z0-9_\-]{43})")


def placeholder_reason(value: str) -> Optional[str]:
    """Why ``value`` is a placeholder or a test value (any detector)."""
    body = value.strip()
    if len(body) < 8:
        return "shorter than 8 characters"
    if _PLACEHOLDER_TEXT.search(body) and not (_random_printable(body) and not _PLACEHOLDER_WORD.search(body)):
        # (a generated salt's `<v4;A4…>` or `**` is no template: :func:`_random_printable`)
        return "placeholder text"
    if ("$" in body or "{" in body) and _templated(body):
        return "placeholder text"
    if _marker_word(strip_prefix(body)):  # a provider's own prefix (`sk_test_`) is no marker
        return "test or example marker"
    if _DOCUMENTED_FRAGMENTS.search(body) or hashlib.sha256(body.encode("utf-8", "replace")).hexdigest() in DOCUMENTED_KEYS:
        return "documented example key"
    if body.startswith("eyJ") and _documented_jwt(body):
        return "documented example token"
    if body.startswith("eyJ") and placeholder_signature(body):
        return "a JWT with a placeholder signature"
    if _decoded_placeholder(body):
        return "base64 of placeholder text"
    core = strip_prefix(body)
    dropbox = _DROPBOX_LONG.fullmatch(core)
    if dropbox:
        core = dropbox.group(1) + dropbox.group(2)  # the ten `A` are the format's (zero bytes), not a placeholder's
    slack = _SLACK_PARTS.fullmatch(body)
    if slack:
        # `xoxa-2-511111111-3111111111-e039d0…`: the numeric parts are team and
        # user ids (often edited out by hand); the last part is the secret
        core = slack.group(1)
    if (_REPEATED.search(core) and not _binary_runs(core)) or _repeated_unit(core):
        return "repeated characters"
    if _HEX_BODY.fullmatch(core) and _REPEATED5.search(core):
        # `dapi…aaaaa…`: five of a kind in a random hex body (one in some
        # 2,000 32-hex tokens) is a hand-edited sample
        return "repeated characters"
    if _sequential(core) or _counting(core):
        return "sequential characters"
    if is_prose(core):
        return "capitalised prose"
    if placeholder_sentence(body):
        return "a sentence, not a value"
    longest = max(re.findall(r"[A-Za-z0-9]+", core) or [""], key=len)
    if len(longest) >= 8 and len(set(longest.lower())) <= 4:
        return "small alphabet"
    if len(core) >= 16 and entropy(core) < 2.5:
        return "low entropy"
    return None


def _documented_jwt(token: str) -> bool:
    """A JWT whose claims are jwt.io's documentation sample (``"sub":
    "1234567890"``, ``"name": "John Doe"``), whatever its header and
    signature: tutorials re-sign it with their own example keys."""
    import base64
    import json

    parts = token.split(".")
    if len(parts) not in (2, 3):
        return False
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    # jwt.io's subject with its name or its issue time (tutorials change the name)
    return isinstance(claims, dict) and claims.get("sub") == "1234567890" and (
        claims.get("name") == "John Doe" or claims.get("iat") == 1516239022)


#: a test token's signature: a word (`sig`, `signature…`, `fake-sig`) at its start
_SIGNATURE_WORD = re.compile(r"^(?:sig(?:nature)?|fake|test|dummy|invalid|placeholder|mock)(?:$|[-_]|[A-Z]{2})")


def placeholder_signature(token: str) -> bool:
    """A three-part JWT whose signature no signing algorithm makes: shorter
    than 43 characters (HS256 gives 43, the shortest: 32 bytes in unpadded
    base64url; ES256 86, RS256 342: a shorter one is cut off), a word
    (``.sig``, ``.signatureTAIL…``, ``.fake-signature``) or a sequential
    run. Such a token is a test fixture: no server accepts it."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    signature = parts[2].rstrip("=")
    if not signature:
        return False  # unsigned: judged as such elsewhere
    return len(signature) < 43 or bool(_SIGNATURE_WORD.match(signature)) or _sequential(signature) \
        or _counting_window(signature)


def _counting_window(text: str, width: int = 24, step: int = 4, limit: int = 1024) -> bool:
    """A stretch of ``width`` letters and digits in ``text`` that counts up
    (:func:`_counting_streams`): ``…sU8vW9xY0zA1bC2dE3fG…`` (a JWT signature
    typed by hand, random at first, then counting: the header and claims of
    such a token are real base64, so the whole value never counts). A
    random stretch of 24 counts up at 9 steps in 10 far less than once in
    a billion signatures; only the first ``limit`` characters are read."""
    alnum = "".join(c for c in text[:limit].lower() if c.isalnum() and c.isascii())
    return any(_counting_streams(alnum[i:i + width]) for i in range(0, max(1, len(alnum) - width + 1), step))


def is_placeholder(value: str) -> bool:
    return placeholder_reason(value) is not None


# -- values of the keyword (generic) detectors ---------------------------------

_DATE = re.compile(r"^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d)?")
_NAMEISH = re.compile(r"^[A-Za-z]+(?:[_\-.][A-Za-z0-9]+)*$")
_SELF_DESCRIBING = re.compile(
    r"pass(?:word|wd|phrase)|secret|token|api[_\- ]?key|credential|private[_\- ]?key|access[_\- ]?key|auth", re.IGNORECASE
)
#: characters no key or variable name holds (``myLegacySecret.Value_2024~xYz``
#: is an Entra secret that says ``Secret``, not a name)
_NOT_IN_NAMES = re.compile(r"[~^|]")
_RESOURCE = re.compile(r"^[A-Za-z]+[_\-.]?\d{1,8}(?:[._\-]\d+)*$")
#: a password-named value made of letters and punctuation only, that names a
#: credential (``#add-password``, ``cms/sites/passwords#update``, ``password)``)
def _ascii_letters(text: str) -> str:
    """``text`` with accents dropped from its letters (``pässword`` ->
    ``password``); unchanged when it is ASCII already."""
    if text.isascii():
        return text
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_NAME_CHARS = re.compile(r"[A-Za-z_\-. #/:()\[\],;$'\"<>]+")
_ARN = re.compile(r"^arn:aws[\w\-]*:[\w\-]+:")
#: the examples of documentation: a lower-case credential word, alone or
#: after a word that says which one, with at most one digit (``password1``,
#: ``anotherpassword``, ``newsecret``); published samples label the likes
#: of ``MyPassword123!``, ``Secret123``, ``pass123`` real passwords
_CREDENTIAL_WORD_VALUE = re.compile(r"(?:another|other|some|your|new|old|the)?(?:password|passwd|secret|token)\d?")
_UNSIGNED_JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.?")
#: keys vendors issue to be embedded in web pages and apps: Stripe publishable
#: keys, PostHog project keys, Mapbox public tokens
_PUBLISHABLE = re.compile(r"^(?:pk_(?:live|test)_|phc_|pk\.eyJ|pk-lf-)")


def _random_segment(text: str) -> bool:
    """A dash-, dot- or underscore-separated part of ``text`` of 10+
    characters that mixes upper case, lower case and digits
    (``fnhqAakzWrX-mtFQ4PRdMoy0``), or letters of :func:`_random_case`: the
    case of a random token, not of a name
    (``bert-base-uncased``, ``max_new_tokens``, ``myServiceName``)."""
    return any(
        len(part) >= 10 and re.search(r"[a-z]", part) and re.search(r"[A-Z]", part) and re.search(r"\d", part)
        or _random_case(part)
        for part in re.split(r"[_\-.]", text)
    )


def random_case_run(value: str) -> bool:
    """A part of ``value`` (between ``_``, ``-``, ``.``) of :func:`_random_case`."""
    return any(_random_case(p) for p in re.split(r"[_.\-]", value))


def _random_case(part: str) -> bool:
    """12+ letters whose case changes at two neighbours in three or more
    (``YXNkZmZmZmZm``, ``qTzRwPxLmKvN``): a generated run without a digit (one
    random 12-character token in eight has none), not words in camel case
    (``getUserNameFromDb`` changes at 8 of 16) nor an acronym (``HTTPServer``)."""
    if len(part) < 12 or not part.isalpha() or not part.isascii():
        return False
    changes = sum(a.isupper() != b.isupper() for a, b in zip(part, part[1:]))
    return changes * 3 >= (len(part) - 1) * 2
#: a short provider prefix and a separator before a long run (``NRRA-`` + 42
#: hex, ``NRAK-`` + 27 upper-case alphanumerics, ``key_`` + 32 hex)
_PREFIXED_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]{1,9}[-_]([A-Za-z0-9]{20,200})")
#: a digest named by its algorithm (``sha256-…``, ``md5_…``, ``blake2b-…``)
_DIGEST_PREFIX = re.compile(r"(?i)(?:sha\d*|md\d|blake\w*|xxh\w*|crc\d*|murmur\w*|sri|hash|digest|etag|rev|commit|git|build|sig)[-_]")


def _prefixed_key(text: str) -> bool:
    """``NRRA-4f1c…`` (New Relic's REST keys), ``NRAK-7Q2M…``: a short prefix,
    one separator and a run of 20+ characters that a generator wrote: hex
    with letters and digits, or letters and digits mixed (3+ digits, 3+
    letters) of 3.5+ bits per character. Providers put such a prefix before
    a key; a name's parts are words (``bert-base-uncased``), and a digest
    under a name (``sha256-…``) is judged elsewhere."""
    match = _PREFIXED_RUN.fullmatch(text)
    if match is None or _DIGEST_PREFIX.match(text):
        return False
    run = match.group(1)
    digits = sum(c.isdigit() for c in run)
    letters = len(run) - digits
    if digits < 3 or letters < 3:
        return False
    if re.fullmatch(r"[0-9a-f]+|[0-9A-F]+", run):
        return len(run) >= 24 and entropy(run) >= 3.0
    return entropy(run) >= 3.5


_CAMEL_WORD = re.compile(r"[A-Z]?[a-z]+")
#: words in camel case, whole: every capital followed by a small letter. Written
#: so that each character has one way to match: ``(?:[A-Z]?[a-z]+)+`` (the same
#: strings) splits a run of n small letters in 2**n ways, and a value such as a
#: Mailgun key (30 letters, then digits) took minutes to fail
_CAMEL_WORDS = re.compile(r"(?:[A-Z][a-z]|[a-z])+")


def is_prose(text: str) -> bool:
    """``ThisIsTheDefaultValue``, ``requiredCharacteristicTypesFor``:
    capitalised words (each with a vowel, vowels common overall), not the
    random case of a token."""
    if len(text) < 12 or not _CAMEL_WORDS.fullmatch(text):
        return False
    words = _CAMEL_WORD.findall(text)
    if len(words) < 3 or sum(not re.search(r"[aeiouy]", w, re.IGNORECASE) for w in words) > max(1, len(words) // 4):
        return False
    vowels = sum(c in "aeiouyAEIOUY" for c in text)
    return vowels / len(text) >= 0.28
#: where a value written as one token splits into words: `_`/`-` runs, and
#: camel-case boundaries (`ThisIsNot|A|Real`, `useYour|Own`)
_WORD_BREAK = re.compile(r"[_\-]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: a word by its spelling: letters, lower case, capitalised or upper case
_SPELLED_WORD = re.compile(r"[a-z]{1,15}|[A-Z][a-z]{0,14}|[A-Z]{1,15}")
#: four consonants in a row: rare inside an English word, common in random text
_CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{4}", re.IGNORECASE)
#: the closed classes of English (pronouns, articles, auxiliaries, prepositions,
#: conjunctions, negation): what makes words a sentence rather than a name or a
#: passphrase of random words (`correct-horse-battery-staple`)
_CLOSED_CLASS = frozenset({
    "i", "me", "my", "you", "your", "we", "us", "our", "it", "its", "he", "she", "they", "them", "this", "that", "these",
    "those", "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had",
    "will", "would", "can", "could", "should", "must", "may", "shall", "to", "of", "in", "on", "at", "for", "with", "by",
    "from", "into", "before", "after", "until", "and", "or", "but", "if", "then", "so", "not", "no", "here", "there",
    "please", "when",
})


def _wordlike(part: str) -> bool:
    """A part spelled as an English word: letters in one case pattern, a
    vowel, no run of four consonants (``please``, ``Real``, ``A``; not
    ``Xq7``, ``zrtk``)."""
    if not _SPELLED_WORD.fullmatch(part):
        return False
    return (len(part) == 1 or bool(re.search(r"[aeiouy]", part, re.IGNORECASE))) and not _CONSONANT_RUN.search(part)


def placeholder_sentence(text: str) -> bool:
    """A sentence written as one token, under a credential name an
    instruction or a disclaimer rather than a value: three or more words
    joined by ``_``/``-`` or in camel case, each spelled as a word (one short
    part such as ``k8s``, ``v2`` may stand among them), two of them from
    English's closed classes (``if_you_see_this_please_use_k8s``,
    ``change-me-before-deploying``, ``ThisIsNotARealPassword``,
    ``do-not-use``). A passphrase of random words
    (``correct-horse-battery-staple``), a slug or a model name has no such
    words; a random value that holds a word has parts that are no words."""
    if len(text) < 8 or len(text) > 120 or not re.fullmatch(r"[A-Za-z0-9_\-]+", text):
        return False
    parts = [p for p in _WORD_BREAK.split(text) if p]
    if len(parts) < 3:
        return False
    odd = [p for p in parts if not _wordlike(p)]
    if len(odd) > 1 or odd and not (len(odd[0]) <= 4 and odd[0].isalnum()) or len(parts) - len(odd) < 3:
        return False
    return sum(p.lower() in _CLOSED_CLASS for p in parts) >= 2


_PATHISH = re.compile(r"^(?:\.{0,2}/|~/|[A-Za-z]:\\)|://|\.(?:json|ya?ml|txt|pem|key|crt|cer|p12|pfx|env|cfg|ini|toml|py|sh|csv|html?|md"
                      r"|zip|tar|gz|tgz|pkl|pt|pth|bin|ckpt|npz|npy|parquet|log|db|sqlite)$", re.IGNORECASE)
#: an e-mail address (a sender, a login name), not a credential
_EMAIL = re.compile(r"^[\w.+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
#: a repository or model id's parts: words with a trailing number (`org93/bert_base_v2`)
_ID_PART = re.compile(r"(?:[a-z]+\d*|[A-Z][a-z]+\d*|[A-Z]+\d*|\d+)(?:[\-_.](?:[a-z]+\d*|[A-Z][a-z]+\d*|[A-Z]+\d*|\d+))*")
#: words of English prose (`expect this to be found`): two in a value with spaces make it a sentence
_FUNCTION_WORDS = frozenset({"the", "a", "an", "this", "that", "to", "be", "is", "are", "was", "of", "for", "it", "will",
                             "should", "must", "can", "not", "and", "or", "with", "in", "on", "if", "when", "here"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_HEX = re.compile(r"^[0-9a-fA-F]+$")
#: (a URL-encoded blank too: `Bearer%20…`, `Bearer+…` in a query or form body)
_AUTH_SCHEME = re.compile(r"^(?:Bearer|Token|Basic|token|bearer|basic)(?:\s+|%20|\+)(\S+)$")


def auth_scheme_value(value: str) -> str:
    """``"Bearer abc…"`` -> ``"abc…"`` (the credential of an Authorization value)."""
    match = _AUTH_SCHEME.match(value.strip())
    return match.group(1) if match else value


#: a word with a short number after it (`replica1`, `Node12`, `SHARD3`)
_NUMBERED_WORD = re.compile(r"(?:[a-z]{3,}|[A-Z][a-z]{2,}|[A-Z]{3,})\d{1,4}")


def _identifier_like(value: str) -> bool:
    """``cmp2-qat-1208358310``, ``prod5-cmk``, ``DOC_Vector_5_32``,
    ``jetbrains.mps.v8_elimination``, ``replica1-key``: segments that are
    words, numbers, numbered words or short codes, the shape of resource
    names and ids, not of keys."""
    parts = re.split(r"[_\-.:]", value)
    if len(parts) < 2:
        return False
    for part in parts:
        if not part or (part.isalpha() and not _random_case(part)) or part.isdigit() or len(part) <= 5 \
                or _NUMBERED_WORD.fullmatch(part):
            continue
        return False
    return True


_LITERALS = frozenset(
    {"undefined", "null", "none", "nil", "true", "false", "empty", "required", "optional", "string", "secret", "password",
     "changeit", "default", "unset", "missing", "todo", "tbd", "na", "n/a", "nan", "disabled", "enabled"}
)
#: algorithm and cipher names (``AES-256-GCM``, ``RSA/ECB/OAEPWithSHA-256AndMGF1Padding``)
_ALGORITHM = re.compile(
    r"AES|RSA|SHA-?\d|HMAC|CHACHA|POLY1305|SALSA|PBKDF|PBE[SW]|OAEP|GCM|ECB|CBC|CTR|CFB|OFB|DES|SM\d|HS\d{3}|RS\d{3}"
    r"|A\d{3}KW|ECDSA|ED25519|X25519|MD5"
)
#: values that are encrypted or hashed, not plain credentials
#: (salted SCRAM verifiers, ``SCRAM-SHA-256$4096:<salt>$<stored>:<server>``: what a
#: server stores, not what a client sends; LDAP and Dovecot ``{SSHA}…`` stored hashes)
_PROTECTED = re.compile(r"^(?:ENC\(|U2FsdGVkX1|\$(?:2[aby]|argon2\w*|pbkdf2[\w-]*|scrypt|[156])\$|vault:v\d+:|\{cipher\}|AQICAH|gAAAAA"
                        r"|SCRAM-SHA-(?:1|256|512)\$\d+:"
                        # LDAP/Dovecot stored hashes: `{SSHA}…`, `{SHA512}…`, `{PBKDF2-SHA256}…`
                        r"|\{(?:S?SHA(?:1|224|256|384|512)?|S?MD5|CRYPT|PBKDF2[\w-]*|ARGON2\w*|BLF-CRYPT|SHA512-CRYPT|SHA256-CRYPT)\})")


#: a content hash as a path segment (md5 to sha512 in hex), with an optional
#: short suffix (``fe91…c3d3.8840``, ``…a1.bin``)
_HASH_SEGMENT = re.compile(r"[0-9a-f]{32,128}(?:\.[\w\-]{1,12})?")


def _hashed_path(text: str) -> bool:
    """``routing/._.K--w2k.1v/fe91bd…c3d3.8840``: a store path whose first
    segment is a word, one of whose segments is a content hash and none of
    whose other segments is a random run (an object-store or cache key,
    content-addressed). A credential is one random run; it is not cut by
    ``/`` into names and a hash."""
    if "/" not in text or any(c.isspace() for c in text):
        return False
    segments = [part for part in text.split("/") if part]
    if len(segments) < 2 or not re.match(r"[A-Za-z][A-Za-z0-9_\-.]*$", segments[0]):
        return False
    hashes = [part for part in segments[1:] if _HASH_SEGMENT.fullmatch(part)]
    # the other segments are names and short codes, none a random run
    return bool(hashes) and not any(_random_segment(part) for part in segments if part not in hashes)


#: provider formats of one fixed length, with the length of their body:
#: Entra ID client secrets (3 characters, a digit, ``Q~``, 31-34 more),
#: GitHub classic tokens (``ghp_`` … + 36) and fine-grained tokens (+ 82)
_FIXED_FORMATS = re.compile(r"^(?:[A-Za-z0-9_~.\-]{3}\dQ~(?P<entra>[A-Za-z0-9_~.\-]*)|gh[pousr]_(?P<gh>[A-Za-z0-9]*)"
                            r"|github_pat_(?P<pat>[A-Za-z0-9_]*))$")
#: (``github_pat_``: the detector takes 36-82 after the prefix, published
#: samples of 36 are tokens (ripsecrets), of 30 a format's negative (set 8))
_FIXED_LENGTHS = {"entra": 31, "gh": 36, "pat": 36}


def _wrong_length_format(text: str) -> bool:
    """``Abc8Q~tooShort``, ``ghp_abc123``: a value that opens like a
    fixed-length provider format and is shorter than it is not that
    provider's key (the format detector judges the right length); under a
    credential name it is a format test's negative or a truncated example.
    A longer one is left to the random-value test: a real secret with a
    character more is still a secret."""
    match = _FIXED_FORMATS.match(text)
    if not match:
        return False
    name = next(k for k, v in match.groupdict().items() if v is not None)
    return len(match.group(name)) < _FIXED_LENGTHS[name]


#: a credential's name written glued to a value (`clientsecretY_0w|[cG…`):
#: the name's words, then the value's first character with no separator
_GLUED_NAME = re.compile(r"(?i)[a-z]{0,20}?(?:secret|token|password|passwd|api_?key)(?=[^\s_\-.:=/\\])(\S{20,})$")


def _glued_to_name(text: str) -> bool:
    """``clientsecretY_0w|[cGpan41k6ng.ol414…``: a value that opens with a
    credential's name and runs on, without a separator, into 20+ random
    characters (high entropy, letters and digits, no name or placeholder in
    them) is the name written together with the secret, not a name."""
    match = _GLUED_NAME.match(text)
    if not match:
        return False
    rest = match.group(1)
    if _SELF_DESCRIBING.search(rest) or placeholder_reason(rest) or is_prose(re.sub(r"\d", "", rest)):
        return False
    return bool(re.search(r"\d", rest) and re.search(r"[A-Za-z]", rest)) and entropy(rest) >= 4.0


#: a label (a credential's name, a scheme or environment word) and a separator
#: opening a value: ``access_token$production$…``, ``apikey|…``, ``token#…``
#: (``token:…`` is read as a name and its value already)
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{1,40}[$|#]")
_LABEL_SEPARATORS = re.compile(r"[$|#]")


#: Mailgun's legacy key shape (`key-` + 32 base36 with a digit): under a token
#: name a key, not a hyphenated identifier, even without a Mailgun name nearby
_KEY_RUN = re.compile(r"key-(?=[a-z]{0,31}[0-9])[0-9a-z]{32}")


def _labelled_token(text: str) -> bool:
    """``access_token$production$d2w…$4f1…``: a value that opens with a label
    and a separator (``$``, ``|``, ``#``) and holds, between
    separators, a part of 16+ characters that is a random token by the token
    test: a token that names itself (Braintree's format, a ``label|token``
    pair), not a key name. Names, paths and words between the separators
    (``secret:project/name``, ``api_key:your-key-here``) are no such part."""
    match = _LABEL.match(text)
    if match is None or len(text) > 400:
        return False
    return any(len(part) >= 16 and generic_reason(part, "token") is None
               for part in _LABEL_SEPARATORS.split(text[match.end():]))


def names_a_credential(value: str) -> bool:
    """``value`` says what should be there instead of being it: the name of
    a credential (``LANGCHAIN_API_KEY``, ``hf-access-token``) or a sentence
    about one (``place_hugging_face_access_token here``)."""
    text = value.strip()
    if not _SELF_DESCRIBING.search(text):
        return False
    return " " in text or "\t" in text or re.fullmatch(r"[A-Za-z_\-. ]+", text) is not None


#: pieces of regular-expression syntax (a group extension, a class escape, a
#: quantified or ranged character class, a counted repeat): a value holding
#: two (`(?:idea|concept)s?:\s*(.+)` under a `key_concepts` name, a token
#: grammar `[A-Za-z*][!#$%&'*+.^_|~0-9A-Za-z:/]*`) is a pattern, not a secret
_REGEX_PIECES = re.compile(r"\(\?(?:[:=!]|<[=!]|P<)|\\[sdwbSDWB]|\[\^?[^\]\s]{1,60}\](?=[*+?{])|\[\^?[^\]\s]*?\w-\w[^\]\s]*\]|\{\d+,\d*\}")


#: a regular expression's opening wildcard (``.*/foo``, ``.+@corp``, ``(?i)…``): no generator
#: starts a value with it
_REGEX_START = re.compile(r"\.[*+]|\(\?")
#: a string concatenation read as a value: the closing quote, ``+``, an
#: expression with a member access or call, ``+`` and the opening quote
#: (Go's ``"`+cfg.Get().Password+`"``, JavaScript's ``'"+this.pw+"'``)
_CONCAT = re.compile(r"[`\"'][ \t]*\+[ \t]*[A-Za-z_$][\w$]*(?:\([^()]*\))?(?:\.[A-Za-z_$][\w$]*(?:\([^()]*\))?)+[ \t]*\+[ \t]*[`\"']")
#: a substitution marker (``@@FILE:/run/pw@@``, Maven/autoconf ``@DB_PASSWORD@``): a
#: name or a path between ``@`` signs, filled in at build or deploy time
_AT_MARKER = re.compile(r"(@{1,2})(?:[A-Z][A-Z0-9_]*|[A-Za-z_]+:[\w./\-]+)\1")
#: the marker's name when the reader took its opening ``@`` for the operator (``pw=@DB_PW@``)
_AT_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+@{1,2}")
#: a CSS selector (``.key-selector button``, ``#token-field > .input``): a class or
#: id of hyphenated lower-case words, with an element or another selector after it
_CSS_SELECTOR = re.compile(r"[.#][a-z][a-z0-9]*(?:-[a-z0-9]+)+(?:(?:[ \t]*[>+~][ \t]*|[ \t]+)[.#]?[a-z][a-z0-9]*(?:-[a-z0-9]+)*)*")


def _code_fragment(text: str) -> Optional[str]:
    """Why ``text`` is a piece of code or markup read as a value (each shape is
    one no generated credential takes), or None."""
    if _CONCAT.fullmatch(text):
        return "a string concatenation, not a value"
    if _AT_MARKER.fullmatch(text) or _AT_NAME.fullmatch(text):
        return "a substitution marker"
    if _CSS_SELECTOR.fullmatch(text) and ("-" in text.split()[0][3:] and (" " in text or text.count("-") >= 2)):
        return "a CSS selector"
    return None


def _random_printable(text: str) -> bool:
    """A generated value of printable characters that holds blanks (WordPress's
    64-character salts): 32+ characters, few blanks, letters of both cases and
    digits, six or more kinds of punctuation making up a sixth of it, 4.5+
    bits a character. Prose and code have more blanks or fewer kinds of
    punctuation."""
    if len(text) < 32 or text.count(" ") + text.count("\t") > len(text) // 12:
        return False
    marks = [c for c in text if not c.isalnum() and not c.isspace()]
    if len(set(marks)) < 6 or len(marks) * 6 < len(text):
        return False
    if not (re.search(r"[a-z]", text) and re.search(r"[A-Z]", text) and re.search(r"\d", text)):
        return False
    return entropy(text) >= 4.5


#: a snake_case name of two or more words
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
#: the words that end a setting's name and never an account's (`redis_url`,
#: `db_host`, `api_key_file`; `specialbill_user` may be a password)
_FIELD_WORDS = frozenset({"url", "uri", "urls", "host", "hostname", "port", "path", "dir", "file", "env", "config", "endpoint",
                          "address", "addr"})
#: letters and digits only, with at least two upper-case, two lower-case
#: letters and two digits
_MIXED_ALNUM = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})(?=(?:[^a-z]*[a-z]){2})(?=(?:[^0-9]*[0-9]){2})[A-Za-z0-9]+")


#: sentence punctuation of CJK and full-width text (``。，、；：！？``) and
#: the ellipsis: no token, key or password holds it, translations do
_SENTENCE_MARK = re.compile("[\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\u2026]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


#: a label: words of letters (any script, no digit) ending with a colon
#: (``Engangskode:``, ``Mot de passe :``, ``Пароль:``)
_UI_LABEL = re.compile(r"[^\W\d_]+(?:[ \-'\u2019][^\W\d_]+)*\s?:")
#: user-interface text: words of letters (any script, no digit), with spaces,
#: hyphens and apostrophes between them and sentence punctuation after
_UI_TEXT = re.compile(r"[^\W\d_]+(?:[ \-'\u2019]+[^\W\d_]+)*[ .:!?\u2026]*")
#: directories of translation catalogs
_CATALOG_DIRS = frozenset({"locale", "locales", "i18n", "l10n", "lang", "langs", "languages", "translations", "translation"})
#: ISO 639-1 language codes (a catalog named by its language: ``nb.json``, ``pt-BR.yaml``)
_LANGUAGES = frozenset(
    "af am ar as az be bg bn bo br bs ca cs cy da de el en eo es et eu fa fi fo fr fy ga gd gl gu he hi hr hu hy "
    "is it ja jv ka kk km kn ko ku ky lb lo lt lv mg mk mn mr ms mt my nb ne nl nn no oc or pa pl ps pt ro ru "
    "sa sd si sk sl so sq sr su sv sw ta te tg th tk tl tr tt ug uk ur uz vi xh yi yo zh zu".split()
)
_CATALOG_NAME = re.compile(r"([a-z]{2})(?:[-_][A-Za-z]{2,4})?\.(?:json|ya?ml)")
#: a catalog line: a key and a one-line string value (JSON or YAML)
_CATALOG_PAIR = re.compile(r"""\s*["']?[\w.\-]+["']?\s*:\s*["']?([^"'{}\[\]]*?)["']?\s*,?\s*$""")


def ui_text(value: str) -> bool:
    """Is ``value`` user-interface text (letters and words, no digit: a label,
    a button's caption, a translated sentence)?"""
    return _UI_TEXT.fullmatch(value.strip()) is not None


def translation_catalog(path: str, lines: Sequence[str]) -> bool:
    """Is the file a translation catalog (its values are user-interface text)?
    By place (a ``locales/``, ``i18n/``, ``lang/``, ``translations/`` …
    directory), by name (a JSON or YAML file named by a language code:
    ``nb.json``, ``de.yaml``, ``pt-BR.json``), or by content (a JSON or YAML
    file of 4+ one-line string values, three quarters of them UI text and 3+
    of those several words or ending with punctuation)."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    if not name.endswith((".json", ".yaml", ".yml")):
        return False
    if any(part.lower() in _CATALOG_DIRS for part in parts[:-1]):
        return True
    match = _CATALOG_NAME.fullmatch(name)
    if match and match.group(1) in _LANGUAGES:
        return True
    values = []
    for line in lines[:5000]:
        pair = _CATALOG_PAIR.match(line)
        if pair and pair.group(1).strip():
            values.append(pair.group(1).strip())
    if len(values) < 4:
        return False
    texts = [v for v in values if ui_text(v)]
    sentences = sum(1 for v in texts if " " in v or v[-1] in ".:!?\u2026")
    return sentences >= 3 and len(texts) * 4 >= len(values) * 3


#: an FTP URL's scheme and user right before its password (``ftp://anonymous:``)
_FTP_USER = re.compile(r"(?i)\bftps?://([^\s:/@\"'`<>]{1,100}):$")
#: the user names of anonymous FTP (RFC 1635)
_ANONYMOUS_FTP = frozenset({"anonymous", "ftp"})


def public_url_password(text: str, secret: str) -> Optional[str]:
    """Why the password ``secret`` of a URL in ``text`` is public by
    convention, or ``None``: anonymous FTP (user ``anonymous`` or ``ftp``,
    whose password is by convention an e-mail address or anything), and an
    FTP URL whose password is its user name (a dataset mirror's documented
    public login, ``ftp://m1474000:m1474000@…``). A password equal to the user
    name on any other scheme (``admin:admin@db``) is a service's default
    credential and stays a finding."""
    at = text.find(secret)
    while at >= 0:
        if text.startswith("@", at + len(secret)):
            user = _FTP_USER.search(text, max(0, at - 110), at)
            if user:
                if user.group(1).lower() in _ANONYMOUS_FTP:
                    return "anonymous FTP (a public login by convention)"
                if user.group(1) == secret:
                    return "an FTP password equal to its user name (a public mirror's documented login)"
        at = text.find(secret, at + 1)
    return None


#: a URL's user that names its role (``proxyuser``, ``dbuser``, ``username``),
#: and a password that names its role the same way (``proxypass``,
#: ``dbpassword``, ``password``): the stem before the word, if any, is group 1
_ROLE_USER = re.compile(r"([a-z]{0,16}?)[-_.]?(?:user(?:name)?|usr|login)", re.IGNORECASE)
_ROLE_PASSWORD = re.compile(r"([a-z]{0,16}?)[-_.]?(?:pass(?:word|wd)?|pwd|pw|secret)", re.IGNORECASE)
#: a URL's scheme and user right before its password (``http://proxyuser:``)
_URL_USER = re.compile(r"://([^\s:/?#@\[\]\"'`<>{}]{1,64}):$")


def role_word_login(user: str, password: str) -> bool:
    """A URL's login whose user and password both name their role and no
    more: ``proxyuser:proxypass``, ``dbuser:dbpassword``, ``user:password``,
    ``myuser:mypass`` (a stem on one side only, or the same on both): a
    configuration template's placeholder, in code and in configuration
    alike. A password with anything else in it (``proxypass7!``,
    ``adminpass2024``) or a user that is a person or a service
    (``admin:adminpass``, ``etl:secret``) stays a finding."""
    u = _ROLE_USER.fullmatch(user)
    p = _ROLE_PASSWORD.fullmatch(password)
    if u is None or p is None:
        return False
    stems = {u.group(1).lower(), p.group(1).lower()} - {""}
    return len(stems) <= 1


def url_role_login(line: str, at: int, password: str) -> bool:
    """Is the password ``password`` at ``at`` of ``line`` a URL's, after a
    user that with it makes a :func:`role_word_login`?"""
    user = _URL_USER.search(line, max(0, at - 70), at)
    return user is not None and role_word_login(user.group(1), password)


#: the symbols password and secret generators add to letters and digits, and
#: that no identifier, path, digest or base64 text holds
_GENERATOR_SYMBOLS = re.compile(r"[!@#%^&*?~]")


def _generated_with_symbols(text: str) -> bool:
    """A bare ``key``'s value that a generator wrote, not a person: 24+
    characters with no space, two or more each of upper case, lower case and
    digits-or-symbols, a generator's symbol (``!@#%^&*?~``) among them, and
    4.0+ bits of entropy per character (``TRwzkRJnHOTckssAeyJbysWgP!Qc2T``).
    A record key (``sort_key``, ``i18n_key``) is words, a path or a digest:
    none has such a symbol, and words spell low entropy."""
    if len(text) < 24 or not _GENERATOR_SYMBOLS.search(text) or re.search(r"\s", text):
        return False
    upper = sum(c.isupper() for c in text)
    lower = sum(c.islower() for c in text)
    other = len(text) - upper - lower
    return upper >= 2 and lower >= 2 and other >= 2 and entropy(text) >= 4.0


#: words that make lower-case words run together a placeholder or a
#: development value, not a passphrase (`pleasechangethis`, `localdevonly`)
_PASSPHRASE_PLACEHOLDER = re.compile(
    r"change|replace|your|example|sample|dummy|fake|test|dev|local|insecure|default|random|something|placeholder|here"
    r"|secret|passw|token|key|todo|fixme|demo|temp|unsafe|notreal|none|null|empty|blank|xxx|foo|bar|qwerty|letmein"
)


def passphrase_value(value: str) -> bool:
    """Lower-case words run together, 20 letters or more (``iloveredlobsters…``):
    under a name that says secret (``SECRET_KEY``, ``jwt_secret``) a
    hand-typed passphrase, reported although it is letters only; a
    placeholder or a development value (a word such as ``change``,
    ``your``, ``dev``, ``secret`` in it) stays quiet."""
    text = value.strip()
    return (len(text) >= 20 and text.isascii() and text.isalpha() and text.islower()
            and placeholder_reason(text) is None and not _PASSPHRASE_PLACEHOLDER.search(text))


#: the keyword judge's reasons that say a value is a placeholder or names
#: itself (shared with MLW403's reading of dotenv lines: one judgement)
PLACEHOLDER_REASONS = frozenset({
    "a key name, not a key", "a sentence, not a value", "a credential word and a number (a documentation example)",
    "an environment variable name",
})


def placeholder_value(value: str, strength: str = "password", name: str = "") -> bool:
    """A value the keyword judge drops as a placeholder or a name (``DB_PASSWORD
    =notarealpassword``), or lower-case words under a secret's ``name`` that
    are no passphrase (``SECRET_KEY=pleasechangethis…``), whatever rule reads it."""
    if placeholder_reason(value) is not None:
        return True
    reason = generic_reason(value, strength)
    if reason == "letters only" and "secret" in name.lower() and value.strip().islower():
        return not passphrase_value(value)
    # words only (`notarealpassword`); a label and a generated part (`team-token-3490ba32`)
    # is MLW403's to report, whatever its format
    return reason in PLACEHOLDER_REASONS and not any(c.isdigit() for c in value)


def generic_reason(value: str, strength: str = "token") -> Optional[str]:
    """Why a keyword-detector value is not a credential. ``strength`` is
    ``"password"`` for password-like names (any non-placeholder value is a
    password) and ``"token"`` for token, key and secret names (the value must
    look random: long, mixed, high-entropy), ``"weak"`` for a bare ``key``."""
    text = value.strip()
    if strength == "password" and 6 <= len(text) < 8 and not _PLACEHOLDER_TEXT.search(text) and not _marker_word(text) \
            and not (("$" in text or "{" in text) and _templated(text)):
        reason = None  # `hunter2`: short passwords are passwords
    else:
        reason = placeholder_reason(text)
        if reason == "sequential characters" and strength == "password" and _sequential_cover(strip_prefix(text)) * 3 < len(text) * 2:
            reason = None  # `abuser123456`: a password with a run in it, not a run (several runs end to end are one)
    if reason:
        return reason
    if _SENTENCE_MARK.search(text):
        return "prose"  # `需要相应的模型授权。`: a translation, a sentence's full stop or comma
    if strength != "password" and not _ASCII_ALNUM.search(text):
        return "no letter or digit of a token"  # tokens, keys and secrets are ASCII
    if _CREDENTIAL_WORD_VALUE.fullmatch(text):
        return "a credential word and a number (a documentation example)"
    if _ARN.match(text):
        return "a resource name (ARN)"
    if _UNSIGNED_JWT.fullmatch(text):
        return "an unsigned JWT (base64 JSON, no signature)"
    if _PUBLISHABLE.match(text):
        return "a publishable (client-side) key"
    if _wrong_length_format(text):
        return "shorter than the fixed-length provider format it opens like (a format test's value)"
    if text.lower() in _LITERALS:
        return "a literal, not a value"
    if _PROTECTED.match(text):
        return "encrypted or hashed"
    if re.fullmatch(r"[A-Za-z0-9/_+\-]+", text) and _ALGORITHM.search(text) and not re.search(r"[a-z]\d|\d[a-z]", text):
        return "an algorithm name"
    if _EMAIL.match(text):
        return "an e-mail address"
    if sum(1 for _ in _REGEX_PIECES.finditer(text)) >= 2 or _REGEX_START.match(text):
        return "a regular expression"
    code = _code_fragment(text)
    if code:
        return code
    if (" " in text or "\t" in text) and not _random_printable(text):
        words = text.split()
        if strength != "password" or len(words) > 5 or _SELF_DESCRIBING.search(text):
            return "prose"
        if len(words) >= 3 and sum(w.lower() in _FUNCTION_WORDS for w in words) >= 2:
            return "prose"
    if _DATE.match(text):
        return "timestamp"
    named = _ascii_letters(text)  # `pässword` names the key as surely as `password`
    if _SELF_DESCRIBING.search(named) and (strength != "password" or _NAME_CHARS.fullmatch(named)) and not _glued_to_name(text) \
            and not _NOT_IN_NAMES.search(text) and not _labelled_token(text):
        return "a key name, not a key"
    if re.match(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$", text):
        return "an environment variable name"
    if _PATHISH.search(text) or "/" in text and all(p.isalpha() or p.isdigit() for p in text.split("/") if p):
        return "a path or URL"  # `POST/api/projects/`: words between slashes
    if is_prose(text):
        return "capitalised prose"
    if strength == "password":
        if _UI_LABEL.fullmatch(text):
            return "a UI label"  # `"one_time_password": "Engangskode:"`: the text before an input field
        if _SNAKE.fullmatch(text) and text.rsplit("_", 1)[1] in _FIELD_WORDS:
            return "a field name"  # `"redis_password": "redis_url"`: a map of setting names
        if re.fullmatch(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+|[A-Z_]+", text) or " " in text and not re.search(r"[^\w ]", text) and text.islower() is False:
            return "identifier-like name"
        return None
    if _NAMEISH.match(text) and (re.search(r"[_\-.]", text) or re.search(r"[a-z][A-Z]", text)) and not _random_segment(text) \
            and not _KEY_RUN.fullmatch(text) and not _prefixed_key(text):
        return "identifier-like name"
    if _RESOURCE.match(text) or _identifier_like(text):
        return "resource identifier"
    if "/" in text and re.search(r"[-_]", text) and all(
        p.isalpha() or p.isdigit() or _NAMEISH.match(p) or _identifier_like(p) or _ID_PART.fullmatch(p) for p in text.split("/") if p
    ):
        return "a path or repository id"
    if _hashed_path(text):
        return "a path with a content hash"
    if re.fullmatch(r"[A-Za-z_.\-]+", text) and not random_case_run(text):
        return "letters only"  # (a part of random case, ``YXNkZmZmZmZm``, is a generated run's)
    if re.fullmatch(r"[\d.\-_:]+", text):
        return "a number or version"
    if _UUID.match(text):
        return None if strength == "token" else "uuid"
    length = len(text)
    h = entropy(text)
    if strength == "weak":
        if _HEX.match(text) or h < 4.0:
            return "not random enough for a bare `key`"
        # 32+ characters, or 26+ letters and digits mixed like a generated
        # key (two each of upper case, lower case and digits; `cache_key`-style
        # ids hold separators or words and are judged above; hashes are hex,
        # or base64 with `/+=_-`)
        if length >= 32 or length >= 26 and _MIXED_ALNUM.fullmatch(text) or _generated_with_symbols(text):
            return None
        return "not random enough for a bare `key`"
    if length < 12:
        return "too short"
    if _HEX.match(text):
        return None if length >= 24 and h >= 3.0 else "short or low-entropy hex"
    if h < (3.0 if length >= 32 else 3.3):
        return "low entropy"
    if length < 16 and not (re.search(r"\d", text) and re.search(r"[A-Za-z]", text)):
        return "too short"
    return None


# -- blobs ---------------------------------------------------------------------

#: ``data:<mime>;base64,<payload>`` (images pasted into code cells and HTML)
_DATA_URI = re.compile(r"data:[\w.+\-]+/[\w.+\-]+(?:;[\w=.\-]+)*;base64,[A-Za-z0-9+/=\s\\n]*")
#: a run of base64 too long to be a credential (keys are under 2,000
#: characters), unless it is a whole PEM key base64-encoded (`LS0tLS1CRUdJTi`
#: is base64 of `-----BEGIN`: a 2048-bit RSA key so encoded is 2,200 long)
_B64_RUN = re.compile(r"[A-Za-z0-9+/=_\-]{2000,}")


def blank_blobs(line: str) -> str:
    """``line`` with base64 image data and long base64 runs replaced by spaces
    (same length, so columns stay right). Cheap when there is none."""
    if len(line) < 200:
        return line
    if "base64," in line:
        line = _DATA_URI.sub(lambda m: " " * len(m.group(0)), line)
    if len(line) >= 2000:
        line = _B64_RUN.sub(lambda m: m.group(0) if "LS0tLS1CRUdJTi" in m.group(0) else " " * len(m.group(0)), line)
    return line
