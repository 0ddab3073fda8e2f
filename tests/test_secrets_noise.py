"""The shared placeholder and noise filter (mlwarden.secrets.noise): one test
per noise class, through the filter itself and through a real scan, so a
class that stops being filtered (or a real token that starts being filtered)
fails here. Token-shaped strings are built at run time."""

from __future__ import annotations

import base64
import random
import string

import pytest

from mlwarden.secrets import adapter, noise

RNG = random.Random(4242)
ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def found(line: str, filename: str = "x.py"):
    return adapter.scan_lines([line], filename)


# -- values every detector drops ----------------------------------------------------

PLACEHOLDERS = {
    "repeated after a prefix": "gh" + "p_" + "x" * 36,
    "repeated capitals": "AKIA" + "X" * 16,
    "sequential alphabet after a prefix": "hf_" + string.ascii_lowercase + "ABCDEFGH",
    "sequential digits": "sk-" + "0123456789" * 4 + "abcdefgh",
    "EXAMPLE marker": "AKIA" + "IOSFODNN7" + "EXAMPLE",
    "FAKE marker": "hf_FAKE" + rand(30),
    "TEST marker": "gsk_TestKeyFor" + rand(38),
    "xxxx": "sk-proj-" + rand(20) + "xxxx" + rand(20),
    "****": "sk-****" + rand(20),
    "<your-key>": "<your-api-key>",
    "${VAR}": "${OPENAI_API_KEY}",
    "{{ template }}": "{{ secrets.hf_token }}",
    "${{ template }}": "${{ secrets.HF_TOKEN }}",
    "${VAR:-default}": "${HF_TOKEN:-none}",
    "{field}": "hf_{access_token}_value",
    "&lt;key&gt;": "&lt;api-key&gt;",
    "small alphabet": "token_" + "ACGT" * 8,
    "binary run": "01101001" * 4,
    "documented key variant": "gh" + "o_" + "16C7e42F292c6912E7710c838347Ae178B4a",
    # a short unit written three or more times (test tables, docs), letter case aside
    "repeated unit": "wxyz9876" * 8,
    "repeated unit, case and tail": "k3m9" * 4 + "K3M9" * 3 + "-_",
    "repeated unit after a prefix": "xo" + "xb-" + "7531" * 5 + "-" + "q2w" * 8,
    # base64 of readable placeholder text (Kubernetes Secret docs, npm and HTTP examples)
    "base64 of default credentials": base64.b64encode(b"guest:guest").decode(),
    "base64 of a placeholder word": base64.b64encode(b"changeme").decode(),
    "base64 of dummy text": base64.b64encode(b"some dummy payload for the docs").decode(),
    "base64 of hello world": base64.b64encode(b"Hello, World!").decode(),
    "masked with stars": "sk-" + rand(8) + "**" + rand(20),
}


@pytest.mark.parametrize("name", sorted(PLACEHOLDERS))
def test_placeholder_classes(name):
    assert noise.placeholder_reason(PLACEHOLDERS[name]) is not None


@pytest.mark.parametrize("name", sorted(PLACEHOLDERS))
def test_placeholder_classes_are_not_reported(name):
    assert found(f'token = "{PLACEHOLDERS[name]}"') == []


@pytest.mark.parametrize(
    "value",
    [
        "gh" + "p_" + rand(36),
        "hf_" + rand(34, string.ascii_letters),
        "AKIA" + rand(16, string.ascii_uppercase + "234567"),
        rand(40, ALNUM + "+/"),
        "sk-ant-api03-" + rand(93, ALNUM + "_-") + "AA",
        "latest-" + rand(24),  # `test` inside another word is not a marker
        "contest" + rand(24),
        rand(12) * 2,  # twice is not "repeated": a key pasted twice is still a key
        "aa" + rand(30),  # a short repeat inside a random value
    ],
)
def test_random_tokens_are_not_placeholders(value):
    assert noise.placeholder_reason(value) is None


def test_capitalised_prose_after_a_prefix():
    prose = "hf_" + "Hub" + "DownloadConfigurationResolverCls"
    assert noise.placeholder_reason(prose) == "capitalised prose"
    assert found(f"x = {prose}") == []
    # a random letters-only token (the real Hugging Face shape) is not prose
    assert noise.placeholder_reason("hf_" + rand(34, string.ascii_letters)) is None


# -- values of keyword (generic) detectors --------------------------------------------


@pytest.mark.parametrize(
    "value,reason",
    [
        ("OPENAI_API_KEY", "a key name, not a key"),
        ("prod/ml/db-password", "a key name, not a key"),
        ("NEXUS-GPT4-API-KEY", "a key name, not a key"),
        ("p\u00e4ssword", "a key name, not a key"),  # accented: still the key's name
        ("S\u00e9cr\u00e9t-Token", "a key name, not a key"),
        ("bucket42", "resource identifier"),
        ("cmp2-qat-1208358310", "resource identifier"),
        ("SalesResults-1.2", "identifier-like name"),
        ("ThisIsTheDefaultConfigurationValue", "capitalised prose"),
        ("https://models.acme.io/v2/weights", "a path or URL"),
        ("2024-02-15T10:00", "timestamp"),
        ("Enter the value here", "prose"),
    ],
)
def test_generic_value_classes(value, reason):
    assert noise.generic_reason(value, "token") == reason


def test_an_accented_key_name_is_a_name_but_an_accented_password_is_a_password():
    assert noise.generic_reason("p\u00e4ssword", "password") == "a key name, not a key"
    assert noise.generic_reason("Z\u00fcrich-Kq8#vT2p", "password") is None
    assert noise.generic_reason("p\u00e4ssw\u00f6rd!2024", "password") is None


@pytest.mark.parametrize(
    "value",
    [
        rand(8) + "{" + rand(6) + ")>" + rand(8),  # braces and brackets that are no template
        rand(5) + "${" + rand(3) + "]" + rand(12),
        "<" + rand(20),
        rand(12) + "}}" + rand(6),
    ],
)
def test_punctuation_is_not_a_template(value):
    assert noise.placeholder_reason(value) is None


def test_random_segments_are_not_identifiers():
    """Dash-separated parts that mix cases and digits are a token's, not a name's."""
    value = rand(11, string.ascii_letters) + "-" + "aB3" + rand(9)
    assert noise.generic_reason(value, "token") is None
    assert noise.generic_reason("bert-base-uncased", "token") == "identifier-like name"
    assert noise.generic_reason("myServiceName-v2", "token") is not None


def test_a_digit_run_inside_a_password_is_a_password():
    assert noise.generic_reason("marigold" + "123456", "password") is None
    assert noise.generic_reason("abc" + "1234567890", "password") == "sequential characters"  # mostly a run
    assert noise.generic_reason("marigold" + "123456", "token") is not None  # too weak for a token name


def test_password_names_take_short_and_unusual_passwords():
    assert noise.generic_reason("hunter2", "password") is None
    assert noise.generic_reason("hunter2", "token") is not None  # too weak for a token name
    assert noise.generic_reason("ENC(" + rand(20) + ")", "password") == "encrypted or hashed"
    assert noise.generic_reason("CHACHA20-POLY1305", "password") == "an algorithm name"
    assert noise.generic_reason("undefined", "password") == "a literal, not a value"


@pytest.mark.parametrize(
    "line",
    [
        'api_key = "OPENAI_API_KEY"',
        'secret_name = "' + rand(32) + '"',  # the name says it is not the secret
        'monkey = "' + rand(20) + '"',  # a keyword inside another word
        'tokenizer_name = "' + rand(24) + '"',
        'turkey = "' + rand(24) + '"',
        'author = "' + rand(24) + '"',
        'pad_token = "' + rand(24) + '"',
        'key_name = "prod5-cmk"',
        'public_key = "' + rand(44) + '"',
        'csrf_token = "' + rand(40) + '"',
        'token = "run-2024"',
        "password = getpass()",
        'token = os.environ["HF_TOKEN"]',
    ],
)
def test_keyword_noise_is_not_reported(line):
    assert found(line) == []


# -- base64 blobs ---------------------------------------------------------------


def _blob_with_key_shape(size: int) -> str:
    text = base64.b64encode(bytes(RNG.randrange(256) for _ in range(size))).decode()
    key = "/AKIA" + rand(16, string.ascii_uppercase + "234567") + "+"
    return text[: len(text) // 2] + key + text[len(text) // 2:]


def test_image_data_uri_is_blanked_at_any_column():
    """Images pasted into code cells: `data:image/...;base64,` at columns
    160,000-990,000 of one line, with an access-key shape inside."""
    blob = _blob_with_key_shape(3000)
    line = "x = 1; " + " " * 160_000 + 'img = "data:image/png;base64,' + blob + '"'
    assert noise.blank_blobs(line).strip().startswith("x = 1;")
    assert len(noise.blank_blobs(line)) == len(line)  # columns are kept
    assert found(line) == []


def test_long_base64_run_is_blanked_but_a_token_next_to_it_is_found():
    blob = _blob_with_key_shape(4000)
    token = "gh" + "p_" + rand(36)
    line = f'PNG = "{blob}"; TOKEN = "{token}"'
    hits = found(line)
    assert [(h.type, h.secret, h.col) for h in hits] == [("GitHub Access Token", token, line.index(token) + 1)]


def test_blob_blanking_is_exact_on_short_lines():
    line = 'token = "' + "gh" + "p_" + rand(36) + '"'
    assert noise.blank_blobs(line) is line


def test_longest_sequential_agrees_with_the_window_definition():
    """``_sequential`` (a run of 6 from an alphabet, the digits or a keyboard
    row, either way) is now computed from the longest run: on random values
    built to hold partial runs it agrees with the plain window search."""

    def windows(body: str, run: int = 6) -> bool:
        low = body.lower()
        return any(
            text[i:i + run] in low
            for seq in ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm")
            for text in (seq, seq[::-1])
            for i in range(len(text) - run + 1)
        )

    seqs = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm")
    for _ in range(3000):
        seq = RNG.choice(seqs)
        seq = seq if RNG.random() < 0.5 else seq[::-1]
        start = RNG.randrange(len(seq))
        piece = seq[start:start + RNG.randint(2, 8)]
        value = rand(RNG.randint(0, 10)) + (piece.upper() if RNG.random() < 0.3 else piece) + rand(RNG.randint(0, 10))
        assert noise._sequential(value) == windows(value), value
        assert (noise._longest_sequential(value) >= len(piece)) or not piece, value


def _jwt(claims: str) -> str:
    def seg(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    return ".".join((seg('{"alg":"HS512","typ":"JWT"}'), seg(claims), rand(43, ALNUM + "_-")))


def test_jwt_with_the_documentation_claims_is_a_placeholder():
    # jwt.io's sample claims, re-signed with another key: a tutorial's token, whatever the signature
    sample = _jwt('{"sub":"1234567890","name":"John Doe","iat":1516239022}')
    assert noise.placeholder_reason(sample) == "documented example token"
    assert [h for h in found(f'TOKEN = "{sample}"') if h.type == "JSON Web Token"] == []
    # a token with real claims is not
    real = _jwt('{"sub":"svc-ingest","aud":"https://api.internal","exp":1893456000}')
    assert noise.placeholder_reason(real) is None
    assert [h.type for h in found(f'TOKEN = "{real}"')] == ["JSON Web Token"]


def test_base64_runs_of_binary_bytes_are_not_placeholders():
    """``//////////`` and ``AAAAAA`` are how base64 writes 0xFF and 0x00 bytes:
    inside a long random base64 value they are data (every AWS STS token has
    one), not a placeholder; a value that is mostly a run still is."""
    data = rand(40, ALNUM + "+/") + "/" * 10 + rand(40, ALNUM + "+/") + "A" * 8 + rand(30, ALNUM + "+/")
    assert noise.placeholder_reason(data) is None
    assert noise.placeholder_reason("A" * 70) == "repeated characters"
    assert noise.placeholder_reason(rand(20) + "/" * 50) == "repeated characters"  # too little data around the run
    assert noise.placeholder_reason(rand(40, ALNUM + "+/") + "k" * 10 + rand(40, ALNUM + "+/")) == "repeated characters"


def test_base64_of_a_real_looking_credential_is_still_reported():
    """Only readable placeholder text is dropped: base64 of a user and a random
    password (an ``Authorization: Basic`` header) is a credential."""
    blob = base64.b64encode(("ci-bot:" + rand(14, ALNUM + "!#%")).encode()).decode()
    assert noise.placeholder_reason(blob) is None
    hits = found(f'headers = {{"Authorization": "Basic {blob}"}}')
    assert [h.secret for h in hits] == [blob]


def test_unsigned_jwt_is_not_a_secret():
    """``header.payload`` with no signature is base64 JSON that authenticates
    nothing; the same token signed is reported (detect-secrets' JWT value
    stops before the signature, so the line is what tells them apart)."""
    signed = _jwt('{"sub":"svc-export","aud":"https://api.internal","exp":1893456000}')
    unsigned = signed.rsplit(".", 1)[0]
    assert [h.type for h in found(f'TOKEN = "{signed}"')] == ["JSON Web Token"]
    for text in (unsigned, unsigned + "."):
        assert found(f'TOKEN = "{text}"') == [], text
        assert found(text, "notes.txt") == [], text
    # jwt.io's sample subject and issue time with another name: still the documented token
    renamed = _jwt('{"sub":"1234567890","name":"Jane Roe","iat":1516239022}')
    assert noise.placeholder_reason(renamed) == "documented example token"


def test_slack_ids_edited_by_hand_do_not_hide_a_random_secret():
    """A Slack token's numeric parts are team and user ids, often edited out by
    hand (``1111111111``); the last part is the secret, and it alone decides."""
    secret = rand(24)
    assert noise.placeholder_reason("xo" + "xa-2-" + "5" + "1" * 9 + "-" + "3" * 11 + "-" + secret) is None
    assert noise.placeholder_reason("xo" + "xb-" + "1" * 10 + "-" + "2" * 10 + "-" + "abcdefghijklmnopqrstuvwx") is not None
    assert noise.placeholder_reason("xo" + "xp-" + "7" * 12 + "-" + "q" * 32) is not None
    hits = found('SLACK_TOKEN = "xo' + "xb-" + "1" * 12 + "-" + "2" * 12 + "-" + secret + '"')
    assert [h.type for h in hits] == ["Slack Token"]


@pytest.mark.parametrize(
    "text, filename",
    [
        ('SECTIONS = {\n    "key_findings": r"(?:finding|result)s?:\\s*([^\\n]+)",\n}\n', "extract.py"),
        ('TOKEN_GRAMMAR = r"[A-Za-z*][!#$%&*+.^_|~0-9A-Za-z:/]*"\n', "proxy.py"),
    ],
)
def test_a_regular_expression_under_a_credential_name_is_not_a_secret(text, filename, monkeypatch):
    # scanners, redactors and parsers keep patterns under key-like names;
    # each sample is reported when the pattern test is turned off
    import re

    assert adapter.scan_lines(text.splitlines(), filename) == [], text
    monkeypatch.setattr(noise, "_REGEX_PIECES", re.compile(r"(?!)"))
    monkeypatch.setattr(noise, "_REGEX_START", re.compile(r"(?!)"))
    assert adapter.scan_lines(text.splitlines(), filename) != [], text


@pytest.mark.parametrize(
    "value",
    [
        "Qw8[z]Lp2!xN7#rT4v",  # one bracketed character is a password's symbol, not a class
        "d7F-kP2q(x)9Wm.*Ln4",  # `.*` and parentheses alone are symbols
        "Zq8Tn3Vb7Lm2Xc9Rw4Ps6Dk1Hf5Gj0Ya8Ue3Io7Wt",
    ],
)
def test_passwords_with_symbols_are_not_taken_for_patterns(value):
    assert noise.generic_reason(value, "password") is None
    assert [h.secret for h in adapter.scan_lines([f'db_password = "{value}"'], "settings.py")] == [value]
