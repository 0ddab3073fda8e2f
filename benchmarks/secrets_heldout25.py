"""Held-out set 25 of issue 15 (round 22): a secret-detection benchmark
repository of configuration files, from a source no earlier set used and of
another author and kind than set 24. Scored ONCE, on the final code of round
22.

**hexared/secret-detection-benchmark** ("a curated list of secrets used for
benchmarking secret detection tools"): an application's configuration as it
leaks (``.env``, a .NET ``app.json`` with connection strings, Spring
``app.properties``, compose files, Oracle JDBC settings in JSON, a Google
service-account file and OAuth token, Terraform state, a TOML settings file,
two OpenSSH keys, a token file), with a README table counting each file's
secrets (40 in all). Every file of the stored copy the README lists is kept
(16), saved whole under ``secret-detection-benchmark/`` (``SOURCES.txt``);
the file named ``test`` is not in the README and not kept.

**Unit** (as sets 17-24): one line of a file (a key block is one sample over
its lines); a sample is reported when a secrets finding at the default
severity starts on one of its lines. Labels (:data:`LABELS`, written by
reading each file before any verdict): a **secret** is a value that gives
access (a password, a connection string or URL with a password, a client or
signing secret, an access or refresh token, a private key, a JWT), a
commented-out one included; an **informative** line holds a user name, a
client, connector or key id; every other non-blank line is a ``plain``
look-alike, the TOML file's ``# Fake secrets`` block and ``comments.yml``
(``changeme``, ``your_key_here``: in the README's tree, not its table)
included. Where reading and the README's count differ the reading wins,
and :data:`README_COUNTS` keeps the count (``app.properties`` 2, read 1: its
URL has no credential; ``new_infra.tfstate`` 2, read 1;
``keycloak.yml`` 1, read 2: a client secret and a signing secret, both
random; ``oauth_token.json`` 1, read 2: its refresh token gives access
too).

**Checked as** (``--kinds``): ``asis`` (each file under its own name, as a
walk reads it: ``auth/tokens`` and the two ``.ssh`` keys have no suffix)
and ``config.yaml`` (every file's text as configuration text).

Disputed labels (scored both ways), written before any verdict, as set 24's:

- ``fake``: the value holds the word ``Fake``/``fake`` (issue 15's
  placeholder list) -> look-alike;
- ``word``: a password made of words naming a password, a secret or its
  role (``pass``, ``pw``, ``secret``, ``admin``, ``prod``, ``best``, leet
  spellings), with digits, a year or punctuation added and no random part:
  set 19's rule -> look-alike;
- ``documentation``: a JWT whose signature is a published documentation
  example's (jwt.io's sample token, RFC 7515's example) -> look-alike.

No string of the set is in this repository: :data:`LABELS` holds file
paths, line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
HB = "secret-detection-benchmark"
F, W, D = "fake", "word", "documentation"

_ORACLE = [(5, "prod"), (15, "dev"), (24, "stage")]  # config2.json's jdbc_url lines

LABELS: Dict[str, List[Row]] = {
    f"{HB}/.env": [
        (1, S, "password", "DB_PASSWORD", W),
        (2, S, "stripe", "API_KEY", F),
        (3, S, "generic", "JWT_SECRET", W),
    ],
    f"{HB}/.ssh/my_sshkey": [((1, 7), S, "private-key", "BEGIN OPENSSH PRIVATE KEY", "")],
    f"{HB}/.ssh/ssh_prod": [((1, 7), S, "private-key", "BEGIN OPENSSH PRIVATE KEY", "")],
    f"{HB}/app.json": [
        (3, S, "password", "DefaultConnection", W),
        (4, L, "informative", "Connector-id", ""),
        (8, S, "password", "DefaultConnection", W),
        (9, L, "informative", "Connector-id", ""),
        (13, S, "password", "DefaultConnection", W),
        (14, L, "informative", "Connector-id", ""),
    ],
    f"{HB}/app.properties": [
        (2, L, "informative", "username", ""),
        (3, S, "password", "password", W),
    ],
    f"{HB}/config.py": [
        (1, S, "google", "GCP_API_KEY", F),
        (2, S, "azure", "AZURE_CLIENT_SECRET", F),
    ],
    f"{HB}/appstack/stack-test.yaml": [
        (10, S, "basic-auth", "HASURA_GRAPHQL_DATABASE_URL", W),
        (25, S, "basic-auth", "HASURA_GRAPHQL_DATABASE_URL", W),
        (33, S, "password", "PASSWORD", W),
    ],
    f"{HB}/config.json": [
        (5, S, "password", "jdbc_url", ""), (7, L, "informative", "jdbc_user", ""), (8, S, "password", "jdbc_pwd", ""),
        (10, S, "private-key", "ssh_key", ""),
        (16, S, "password", "jdbc_url", ""), (18, L, "informative", "jdbc_user", ""), (19, S, "password", "jdbc_pwd", ""),
        (25, S, "password", "jdbc_url", ""), (27, L, "informative", "jdbc_user", ""), (28, S, "password", "jdbc_pwd", ""),
    ],
    f"{HB}/config2.json": [
        row for line, _ in _ORACLE for row in (
            (line, S, "password", "jdbc_url", ""),
            (line + 2, L, "informative", "jdbc_user", ""),
            (line + 3, S, "password", "jdbc_pwd", ""),
        )
    ],
    f"{HB}/appstack/keycloak.yml": [
        (15, L, "informative", "CLIENT_ID", ""),
        (16, S, "generic", "CLIENT_SECRET", ""),
        (20, S, "generic", "SECRET", ""),
    ],
    f"{HB}/google-auth/oauth_token.json": [
        (2, S, "google", "access_token", ""),
        (3, S, "google", "refresh_token", ""),
    ],
    f"{HB}/new_infra.tfstate": [(8, S, "password", "root_password", W)],
    f"{HB}/auth/tokens": [((1, 3), S, "jwt", "eyJ", D)],
    f"{HB}/google-auth/google-account.json": [
        (4, L, "informative", "private_key_id", ""),
        (5, S, "private-key", "private_key", ""),
        (7, L, "informative", "client_id", ""),
    ],
    f"{HB}/settings.toml": [
        (10, S, "password", "admin_password", W),
        (13, S, "basic-auth", "postgres_url", W),
        (16, S, "password", "jdbc_url", W),
        (19, S, "jwt", "jwt_token", D),
        (22, S, "google", "gcp_api_key", F),
        (25, S, "azure", "azure_client_secret", F),
        (28, S, "google", "google_oauth_client_secret", F),
    ],
    f"{HB}/comments.yml": [],
}

#: the README's count of secrets per file (its table, stored version 07ea81d)
README_COUNTS: Dict[str, int] = {
    ".env": 3, ".ssh/my_sshkey": 1, ".ssh/ssh_prod": 1, "app.json": 3, "app.properties": 2, "config.py": 2,
    "appstack/stack-test.yaml": 3, "config.json": 7, "config2.json": 6, "appstack/keycloak.yml": 1,
    "google-auth/oauth_token.json": 1, "new_infra.tfstate": 2, "auth/tokens": 1,
    "google-auth/google-account.json": 1, "settings.toml": 7,
}

DISPUTED: Dict[str, str] = {
    F: "the value holds the word FAKE: issue 15's placeholder list",
    W: "the value is words naming a credential or its role, with digits or punctuation, no random part",
    D: "a JWT whose signature is a published documentation example's",
}


def heldout25_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 25: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout25: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="secret-detection-benchmark", disputed_rules=DISPUTED))
    return samples
