"""Development set 26 of issue 15 (round 23): a commit hook collection's
credential fixtures, from a source no earlier set used and of another kind
than sets 1-25 (a git hook's test resources, not a scanner's rule table nor
a benchmark repository).

**pre-commit/pre-commit-hooks** (the stored copy, whose history also holds
the resources of a ``detect-azure-credentials`` hook, a ``detect-gcp-credentials``
test and an RFC 8959 ``detect-secret-token`` test): the files its credential
hooks' tests read (``testing/resources/``: six AWS ``.ini`` credential
files, ``sample_aws_credentials``, ``with_secrets.txt`` /
``with_no_secrets.txt``, ``azure_credentials.txt`` (Microsoft CredScan's rule
classes, one sample a block: ``CSCAN0030`` …) and ``azure_no_credentials.txt``,
a ``test.env``) and three test modules whose tables are Python source
(``tests/detect_private_key_test.py``, ``detect_secret_token_test.py``,
``test_detect_gcp_credentials.py``). Saved verbatim under
``pre-commit-hooks/`` (``SOURCES.txt``: path, stored commit, length).

**Unit** (as sets 17-25): one line of a file (a key block is one sample over
its lines); a sample is reported when a secrets finding at the default
severity starts on one of its lines. Labels (:data:`LABELS`, written by
reading each file before any verdict): **as published** a line is a secret
when the hooks' tests expect the value found (``expected_keys`` of
``detect_aws_credentials_test``; the Azure file's every block, which its test
expects found and its comments name; ``expected_retval`` 1 of the private-key
and secret-token tables; the GCP test's ``assertIn`` values) or, for
``test.env`` (a dotenv test's "DUMMY SECRETS", no per-value label), when by
reading it holds a password, key, token or signing secret; an
**informative** line holds an id (AWS access key ids, S3-style access key
ids, a project id); every other non-blank line is a ``plain`` look-alike
(``TEST_PASSWORD=changeme`` included: a placeholder by its value).

**Checked as** (``--kinds``): ``asis`` (each file under its own name, as a
walk reads it: ``sample_aws_credentials`` has no suffix, ``.txt`` and
``test.env`` are names a walk may not read) and ``config.yaml`` (every
file's text as configuration text).

Disputed labels (scored both ways), written before any verdict:

- ``key-id``: an access key *id* (``AKIA…``, an S3 access key id): an
  identifier, published as a secret by many scanners -> flipped to secret;
- ``placeholder``: a value that is a placeholder word (``foo`` as an AWS
  session token) -> look-alike;
- ``counting``: the value's random-looking part is a counting or
  sequential run (``a1b2c3d4…``, ``ABCDEF…xyz``, ``0123456789ABCDEF…``,
  ``abc-def-ghi…``, base64 of ``…1234567890abcdef…``): issue 15's
  placeholder policy -> look-alike;
- ``word``: a password or secret made of words naming a password, a secret
  or its role, with digits or punctuation and no random part
  (``MySecretP@ssw0rd123!``, ``myappsecret12345``, ``admin123``): set 19's
  rule -> look-alike;
- ``documentation``: a published example value (jwt.io's sample token, the
  Azure storage emulator's documented account key) -> look-alike;
- ``no-value``: a call that passes variables, no value
  (``NetworkCredential(username, password, redmond)``) -> look-alike;
- ``no-body``: a private-key header with no key material, or a 16-character
  stand-in body -> look-alike;
- ``encrypted``: an Ansible Vault block (made to be committed; its body here
  is a digit run) -> look-alike.

No string of the set is in this repository: :data:`LABELS` holds file
paths, line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
PC = "pre-commit-hooks"
R = f"{PC}/testing/resources"
T = f"{PC}/tests"
K, P, C, W, D, NV, NB, E = "key-id", "placeholder", "counting", "word", "documentation", "no-value", "no-body", "encrypted"


def _aws(pairs: List[int], key: str = "aws_access_key_id", secret: str = "aws_secret_access_key") -> List[Row]:
    """An AWS credentials section: the key id on ``line``, its secret on the next."""
    return [row for line in pairs for row in ((line, L, "informative", key, K), (line + 1, S, "aws", secret, ""))]


LABELS: Dict[str, List[Row]] = {
    f"{R}/aws_config_with_multiple_sections.ini": [*_aws([3, 6, 9]), (12, S, "aws", "aws_session_token", P)],
    f"{R}/aws_config_with_secret.ini": _aws([3]),
    f"{R}/aws_config_with_secret_and_session_token.ini": [*_aws([3]), (5, S, "aws", "aws_session_token", P)],
    f"{R}/aws_config_with_session_token.ini": [(3, S, "aws", "aws_session_token", P)],
    f"{R}/aws_config_without_secrets.ini": [(3, L, "informative", "aws_access_key_id", K)],
    f"{R}/aws_config_without_secrets_with_spaces.ini": [(3, L, "informative", "aws_access_key_id", K)],
    f"{R}/sample_aws_credentials": _aws([3, 6, 9]),
    f"{R}/with_secrets.txt": _aws([4]),
    f"{R}/with_no_secrets.txt": [(5, L, "informative", "aws_access_key_id", K)],
    f"{R}/azure_no_credentials.txt": [],
    f"{R}/azure_credentials.txt": [
        (2, S, "azure", "shir_key", ""),
        (6, S, "azure", "publishSettings", C),
        (10, S, "azure-storage", "AccountKey", D),
        (14, S, "azure-storage", "StorageKey", C),
        (18, S, "azure-storage", "sig=", C),
        (22, S, "password", "password=", W),
        (26, S, "generic", "machineKey", C),
        (30, S, "password", "password=", W),
        (34, S, "password", "NetworkCredential", NV),
        (38, S, "generic", "access_token", C),
        (43, S, "azure", "SHIR=IR@", C),
        (46, S, "azure-storage", "STORAGE_KEY", D),
        (49, S, "password", "password=", W),
        (52, S, "password", "userPWD", C),
        ((55, 57), S, "private-key", "BEGIN RSA PRIVATE KEY", C),
        (61, S, "password", "<password>", W),
        (66, S, "password", "-Password", W),
        (69, S, "generic", "client_secret", W),
        (70, S, "generic", "app_SECRET", W),
        (73, S, "basic-auth", "https://username:", W),
        (76, S, "password", "ConvertTo-SecureString", W),
        (77, S, "password", "X509Certificate2", W),
        (80, S, "jwt", "token=eyJ", D),
        (83, S, "generic", "refresh_token", C),
        ((86, 87), S, "encrypted", "$ANSIBLE_VAULT", E),
        (90, S, "generic", "CacheData", C),
        (93, S, "password", "password", W),
        (94, S, "password", "admin_password", W),
    ],
    f"{R}/test.env": [
        (21, L, "informative", "SUPABASE_PROJECT_ID", ""),
        (22, S, "password", "SUPABASE_PASSWORD", ""),
        (25, S, "generic", "SUPABASE_SERVICE_KEY", ""),
        (29, L, "informative", "SUPABASE_S3_ACCESS_KEY_ID", K),
        (30, S, "generic", "SUPABASE_S3_SECRET_ACCESS_KEY", ""),
        (35, L, "informative", "STORAGE_ACCESS_KEY", K),
        (36, S, "generic", "STORAGE_SECRET_KEY", ""),
        (41, S, "generic", "ACCESS_TOKEN_SECRET", ""),
        (42, S, "generic", "REFRESH_TOKEN_SECRET", ""),
        (49, S, "generic", "CHROME_TOKEN", ""),
        (71, S, "openai", "OPENAI_API_KEY", C),
        (72, S, "generic", "COHERE_API_KEY", C),
        (73, S, "generic", "OR_API_KEY", C),
        (74, S, "generic", "AZURE_API_KEY", C),
        (75, S, "google", "GEMINI_API_KEY", C),
        (76, S, "generic", "VERTEXAI_API_KEY", C),
        (77, S, "generic", "REPLICATE_API_KEY", C),
        (78, S, "generic", "REPLICATE_API_TOKEN", C),
        (79, S, "anthropic", "ANTHROPIC_API_KEY", C),
        (80, S, "generic", "INFISICAL_TOKEN", C),
        (81, S, "generic", "NOVITA_API_KEY", C),
        (82, S, "generic", "INFINITY_API_KEY", C),
    ],
    f"{T}/detect_private_key_test.py": [
        (9, S, "private-key", "BEGIN RSA PRIVATE KEY", NB),
        (10, S, "private-key", "BEGIN DSA PRIVATE KEY", NB),
    ],
    f"{T}/detect_secret_token_test.py": [(27, S, "secret-token", "secret-token:E92F", "")],
    f"{T}/test_detect_gcp_credentials.py": [
        (11, S, "google", "AIzaSy", ""),
        (14, S, "google", "AIzaSy", ""),
        (16, S, "private-key", "BEGIN PRIVATE KEY", NB),
        (19, S, "private-key", "BEGIN PRIVATE KEY", NB),
    ],
}

DISPUTED: Dict[str, str] = {
    K: "an access key id is an identifier, published as a secret by many scanners",
    P: "the value is a placeholder word",
    C: "the value's random-looking part is a counting or sequential run: issue 15's placeholder policy",
    W: "the value is words naming a credential or its role, with digits or punctuation, no random part",
    D: "a published documentation example (jwt.io's token, the Azure storage emulator's key)",
    NV: "a call passing variables, no value",
    NB: "a private-key header with no key material or a 16-character stand-in body",
    E: "an Ansible Vault block: made to be committed",
}


def heldout26_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 26: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout26: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="pre-commit-hooks", disputed_rules=DISPUTED))
    return samples
