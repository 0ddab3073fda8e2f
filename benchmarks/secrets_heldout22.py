"""Development set 22 of issue 15 (round 21): configuration and code files
that hold realistically shaped credentials, from a source no earlier set used.
Read, scored on the base and fixed against (set 23 is the held-out set).

**leaktk/fake-leaks**: "files for testing various git repo scanner configs.
Nothing in this repo is a real secret. It's just meant to look like one."
Files sit under ``<provider>/valid/`` (the source says they should be
reported) or ``<provider>/invalid/`` (they should not). Sets 22 and 23 take
disjoint top-level directories of that repository: a directory belongs to
set 22 when the first hex digit of the SHA-1 of its name is even, to set 23
when odd (decided before any file was read). Set 22 holds the first 16
files, by SHA-1 of their paths, of the ``.env``, ``.yaml``, ``.py`` and
``.json`` files under ``valid/`` and ``invalid/`` of its directories. Files
saved whole under ``fake-leaks/`` (``SOURCES.txt``).

**Unit** (as sets 17, 18, 20 and 21): one line of a file; a sample is
reported when a secrets finding at the default severity starts on one of its
lines. Labels (:data:`LABELS`, written by reading each file before any
verdict): a **secret** is a value that gives access (a password, a
connection URL with a password, an API key, token, client secret, webhook
URL, signing secret or passphrase) in a ``valid/`` file; an
**informative** line holds an account, tenant or client id, an account SID,
a user, host or key-file path; a **placeholder** a value the source files
under ``invalid/`` (encrypted ``ENC(...)``, ``github_pat_TODO``, a base64
value whose decoding ends in ``changeme``); every other non-blank line is a
``plain`` look-alike.

**Checked as** (``--kinds``): ``asis`` (each file under its own name, as a
walk reads it) and ``config.yaml`` (every file's text as configuration
text).

Disputed labels (scored both ways), written before any verdict:

- ``counting``: the value's random part is a counting run, letters and
  digits stepping in sequence (``5f6a7b8c9d0e…``, ``1bC2dE3f-G4hI…``,
  ``A1B2C3D4-E5F6-G7H8…``, ``AAH5iJ6kL7mN8oP9…``, a JWT whose signature is
  ``1zA2bC3dE4fG…``): issue 15's sequential-alphabet placeholder class; the
  source files it under ``valid/`` -> look-alike;
- ``documentation``: a value that says it is an example
  (``Example_Teams_Webhook_Token_HERE_1234567890``) -> look-alike.

No held-out string is in this repository: :data:`LABELS` holds file paths,
line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
FL = "fake-leaks"
C, D = "counting", "documentation"

LABELS: Dict[str, List[Row]] = {
    f"{FL}/telegram/valid/bot-config.py": [
        (8, S, "telegram", "BOT_TOKEN", C),
        (11, S, "telegram", "PROD_BOT_TOKEN", C),
        (14, S, "telegram", "TEST_BOT_TOKEN", C),
        (17, S, "telegram", "BOT_API_URL", C),
        (26, S, "generic", "WEBHOOK_SECRET", ""),
        (30, S, "telegram", "TELEGRAM_BOT_TOKEN", C),
        (31, L, "informative", "TELEGRAM_CHAT_ID", ""),
    ],
    f"{FL}/azure/valid/ad-keys.env": [
        (1, L, "informative", "AZURE_TENANT_ID", ""),
        (2, L, "informative", "AZURE_CLIENT_ID", ""),
        (3, S, "azure", "AZURE_CLIENT_SECRET", ""),
    ],
    f"{FL}/database/valid/mongodb-python.py": [
        (8, S, "basic-auth", "MONGO_URI", ""),
        (11, S, "basic-auth", "ATLAS_URI", ""),
        (14, S, "basic-auth", "REPLICA_URI", ""),
        (17, S, "basic-auth", "FULL_URI", ""),
        (23, S, "basic-auth", "mongodb://devuser", ""),
        (29, S, "basic-auth", "mongodb://service_account", ""),
    ],
    f"{FL}/splunk/valid/hec-tokens.yaml": [
        (6, L, "informative", "host", ""),
        (8, S, "splunk", "token", C),
        (14, L, "informative", "host", ""),
        (16, S, "splunk", "token", C),
        (25, S, "splunk", "token", C),
        (29, S, "splunk", "token", C),
        (33, S, "splunk", "token", C),
        (38, S, "splunk", "hec_token", C),
        (42, L, "informative", "host", ""),
        (43, S, "splunk", "hec_token", C),
        (51, S, "splunk", "hec_token", C),
    ],
    f"{FL}/database/valid/redis-yaml.yaml": [
        (6, S, "basic-auth", "redis://default", ""),
        (11, S, "basic-auth", "redis://sessionuser", ""),
        (16, S, "basic-auth", "redis://sentineluser", ""),
        (21, S, "basic-auth", "redis://clusteruser", ""),
        (26, S, "basic-auth", "redis://:", ""),
        (32, S, "basic-auth", "rediss://produser", ""),
    ],
    f"{FL}/generic/invalid/encrypted-value-with-paren.yaml": [(1, L, "placeholder", "ENC(", "")],
    f"{FL}/github/invalid/fine-grained-personal-access-token-todo-placeholder.yaml": [
        (4, L, "placeholder", "github_pat_TODO", ""),
    ],
    f"{FL}/generic/invalid/value-with-secret-in-it-that-looks-like-a-key.yaml": [],
    f"{FL}/generic/valid/b64-url-encoded.yaml": [(1, S, "generic", "secret", "")],
    f"{FL}/database/valid/snowflake-python.py": [
        (9, L, "informative", "ACCOUNT", ""),
        (10, L, "informative", "USER", ""),
        (11, S, "password", "PASSWORD", ""),
        (18, S, "basic-auth", "FULL_CONNECTION_STRING", ""),
        (28, L, "informative", "user=", ""),
        (29, S, "password", "password=", ""),
        (43, L, "informative", "private_key_file=", ""),
        (44, S, "password", "private_key_file_pwd", ""),
        (56, S, "password", "SNOWFLAKE_PASSWORD", ""),
        (70, S, "generic", "token=", C),
        (86, S, "password", "JDBC_CONNECTION", ""),
        (89, S, "basic-auth", "SQLALCHEMY_URL", ""),
    ],
    f"{FL}/generic/invalid/value-with-token-colon-in-name.yaml": [],
    f"{FL}/database/valid/snowflake-env.env": [
        (4, L, "informative", "SNOWFLAKE_ACCOUNT", ""),
        (5, L, "informative", "SNOWFLAKE_USER", ""),
        (6, S, "password", "SNOWFLAKE_PASSWORD", ""),
        (15, S, "password", "SF_PASSWORD", ""),
        (22, S, "basic-auth", "SNOWFLAKE_URL", ""),
        (25, S, "basic-auth", "DATABASE_URL", ""),
        (28, S, "password", "SNOWFLAKE_JDBC_URL", ""),
        (32, L, "informative", "SNOWFLAKE_PRIVATE_KEY_PATH", ""),
        (33, S, "password", "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", ""),
        (36, S, "generic", "SNOWFLAKE_OAUTH_TOKEN", C),
        (40, S, "password", "SNOWFLAKE_PROD_PASSWORD", ""),
        (42, S, "password", "SNOWFLAKE_DEV_PASSWORD", ""),
    ],
    f"{FL}/splunk/valid/cloud-credentials.json": [
        (6, L, "informative", "host", ""),
        (9, S, "splunk", "hec_token", C),
        (10, S, "jwt", "api_token", C),
        (11, S, "password", "admin_password", ""),
        (14, L, "informative", "host", ""),
        (17, S, "splunk", "hec_token", C),
        (18, S, "jwt", "api_token", C),
        (19, S, "password", "admin_password", ""),
        (25, S, "splunk", "token", C),
        (31, S, "splunk", "token", C),
        (37, S, "splunk", "token", C),
        (44, S, "jwt", "auth_token", C),
    ],
    f"{FL}/twilio/valid/credentials.py": [
        (7, L, "informative", "ACCOUNT_SID", ""),
        (8, S, "twilio", "AUTH_TOKEN", C),
        (11, L, "informative", "SUBACCOUNT_SID", ""),
        (12, S, "twilio", "SUBACCOUNT_TOKEN", C),
        (15, L, "informative", "API_KEY_SID", ""),
        (16, S, "twilio", "API_KEY_SECRET", C),
        (23, L, "informative", "TWILIO_ACCOUNT_SID", ""),
        (24, S, "twilio", "TWILIO_AUTH_TOKEN", C),
    ],
    f"{FL}/generic/invalid/password-with-change-b64-encode.yaml": [(2, L, "placeholder", "secret=", "")],
    f"{FL}/teams/valid/webhook-config.json": [
        (4, S, "teams", "general_channel", C),
        (5, S, "teams", "alerts_channel", C),
        (6, S, "teams", "deployments", C),
        (10, S, "teams", "webhook_url", D),
    ],
}

DISPUTED: Dict[str, str] = {
    C: "the value's random part is a counting run: issue 15's sequential-alphabet placeholder class",
    D: "a value that says it is an example",
}


def heldout22_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 22: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout22: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="fake-leaks", disputed_rules=DISPUTED))
    return samples
