"""Held-out set 23 of issue 15 (round 21): configuration files, code and
token dumps that hold realistically shaped credentials, from a source no
earlier set used, scored once on the final code of round 21.

**leaktk/fake-leaks** (as set 22, the other half of its directories: a
top-level directory belongs to set 23 when the first hex digit of the SHA-1
of its name is odd, decided before any file was read). Set 23 holds every
``.env``, ``.yaml``, ``.py`` and ``.json`` file under ``valid/`` and
``invalid/`` of its directories (16 files), and, to have more than a handful
of values that are not counting runs, every file of its ``dropbox``,
``gitlab``, ``basic-auth`` and ``aws`` directories, two Google files (the
Analytics key of the four files the source files under ``benign/``, the
suffix-less reCAPTCHA file under ``invalid/``),
``sourcegraph/valid/cody_local_token.py`` and
``ansible/valid/vault-password.yml`` (chosen by directory and name before
any verdict; 36 files). Files saved whole under ``fake-leaks/``
(``SOURCES.txt``).

**Unit** and **labels** as set 22 (``benchmarks/secrets_heldout22.py``): a
**secret** is a value that gives access in a ``valid/`` file (passwords,
API keys, access and refresh tokens, client secrets, one-time backup and
recovery codes, a TOTP seed, bearer JWTs); an **informative** line holds an
account or client id, a host, a public CA certificate; a look-alike is
every line of an ``invalid/`` or ``benign/`` file and every other line.

**Checked as** (``--kinds``): ``asis`` (each file under its own name: the
suffix-less files are not read by a walk) and ``config.yaml``.

Disputed labels (scored both ways), written before any verdict:

- ``counting``: the value's random part is a counting run (``5f6a7b8c…``,
  ``1a2b-3c4d``, ``xK9mN4oP5qR6…``, a JWT whose signature is
  ``qW8xY5zA1bC3dE4f…``): issue 15's sequential-alphabet placeholder class;
  the source files it under ``valid/`` -> look-alike;
- ``documentation``: a vendor's or standard's documented example value
  (jwt.io's sample token, the ``gho_`` token of GitHub's OAuth
  documentation, the ``JBSWY3DPEHPK3PXP`` TOTP seed of authenticator
  documentation, an OIDC id-token whose claims are ``your-issuer``,
  ``your-client-id``) -> look-alike;
- ``placeholder``: a value that is a sentence about where the secret
  belongs (``…-that-should-be-in-secrets-manager``) -> look-alike;
- ``encrypted``: an Ansible Vault block (AES-256 ciphertext, made to be
  committed) the source files under ``valid/`` -> look-alike;
- ``public-by-design``: the Google Analytics API key the source files under
  ``benign/`` ("expected that this is public"): a Google API key in plain
  text all the same -> secret.

No held-out string is in this repository: :data:`LABELS` holds file paths,
line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
FL = "fake-leaks"
C, D, P, E, PB = "counting", "documentation", "placeholder", "encrypted", "public-by-design"

LABELS: Dict[str, List[Row]] = {
    f"{FL}/jwt/valid/rs512-yaml-config.yaml": [(12, S, "jwt", "token", C)],
    f"{FL}/basic-auth/invalid/openshift-proxy-config-with-invalid-values.yaml": [
        (8, L, "placeholder", "proxy-url", ""),
    ],
    f"{FL}/jwt/valid/hs512-dotenv.env": [
        (14, S, "generic", "JWT_SECRET", P),
        (15, S, "jwt", "JWT_ACCESS_TOKEN", C),
        (16, S, "jwt", "JWT_REFRESH_TOKEN", C),
    ],
    f"{FL}/auth0/valid/oauth-config.yaml": [
        (2, L, "informative", "client_id", ""),
        (3, S, "generic", "client_secret", ""),
    ],
    f"{FL}/nvapi/valid/nvidia-integrate-api.py": [(4, S, "nvidia", "api_key", "")],
    f"{FL}/jwt/valid/es256-python-code.py": [(13, S, "jwt", "access_token", C)],
    f"{FL}/auth-tokens/valid/bearer-tokens.env": [
        (4, S, "jwt", "AUTHORIZATION_TOKEN", D),
        (5, S, "generic", "BEARER_TOKEN", C),
        (8, S, "generic", "API_TOKEN", C),
        (9, S, "generic", "ACCESS_TOKEN", C),
        (12, S, "generic", "OAUTH_BEARER", C),
        (15, S, "generic", "SERVICE_TOKEN", C),
        (16, S, "generic", "INTERNAL_API_TOKEN", C),
    ],
    f"{FL}/auth-tokens/valid/oauth2-tokens.json": [
        (4, S, "google", "access_token", C),
        (5, S, "google", "refresh_token", C),
        (11, S, "github", "access_token", D),
        (12, S, "github", "refresh_token", C),
        (17, S, "slack", "access_token", C),
        (18, S, "slack", "refresh_token", C),
    ],
    f"{FL}/2fa/valid/backup-codes.json": [
        (3, L, "informative", "user_id", ""),
        (4, L, "informative", "email", ""),
        (7, S, "totp", "totp_secret", D),
        *[(n, S, "backup-code", "code", C) for n in range(9, 19)],
        *[(n, S, "backup-code", "r3c0v3ry", C) for n in range(21, 24)],
    ],
    f"{FL}/jwt/invalid/comment-placeholder.py": [
        (9, L, "placeholder", "eyJhbGc", ""),
        (10, L, "placeholder", "your-jwt-token-here", ""),
        (12, L, "placeholder", "eyJhbGci", ""),
        (20, L, "placeholder", "eyJ...", ""),
    ],
    f"{FL}/sourcegraph/valid/cody.py": [(7, S, "sourcegraph", "SOURCEGRAPH_ACCESS_TOKEN", "")],
    f"{FL}/sourcegraph/valid/cody_local_token.py": [(7, S, "sourcegraph", "SOURCEGRAPH_ACCESS_TOKEN", "")],
    f"{FL}/k8s/valid/service-account-token.yaml": [
        (11, S, "kubernetes", "token", ""),
        (13, L, "informative", "ca.crt", ""),
        (18, S, "jwt", "token", C),
    ],
    f"{FL}/zoom/valid/jwt-credentials.env": [
        (4, S, "generic", "ZOOM_JWT_API_KEY", C),
        (5, S, "generic", "ZOOM_JWT_API_SECRET", C),
        (8, L, "informative", "ZOOM_ACCOUNT_ID", ""),
        (9, L, "informative", "ZOOM_CLIENT_ID", ""),
        (10, S, "generic", "ZOOM_CLIENT_SECRET", C),
        (13, S, "jwt", "ZOOM_ACCESS_TOKEN", C),
        (16, S, "generic", "ZOOM_WEBHOOK_SECRET_TOKEN", C),
    ],
    f"{FL}/ftp/valid/cli-arg.py": [
        (31, S, "basic-auth", "ftp://boost", ""),
        (37, S, "basic-auth", "ftp://boost", ""),
    ],
    f"{FL}/jwt/valid/rs256-config-file.json": [
        (4, S, "jwt", "jwt_token", C),
        (5, S, "jwt", "refresh_token", C),
    ],
    f"{FL}/aws/invalid/placeholder-values-in-k8s-secret.yaml": [
        (6, L, "placeholder", "AWS_ACCESS_KEY_ID", ""),
        (7, L, "placeholder", "AWS_SECRET_ACCESS_KEY", ""),
    ],
    f"{FL}/gitlab/valid/new-routable-pats": [(8, S, "gitlab", "private_token", "")],
    f"{FL}/dropbox/valid/access-token": [(1, S, "dropbox", "accesstoken", "")],
    f"{FL}/dropbox/valid/api-key": [(1, S, "dropbox", "dropbox", "")],
    f"{FL}/dropbox/valid/legacy-long-lived-access-token": [
        (4, S, "dropbox", "access_token", ""),
        (6, L, "informative", "account_id", ""),
    ],
    f"{FL}/dropbox/valid/oidc-request": [
        (4, S, "dropbox", "access_token", ""),
        (7, S, "jwt", "id_token", D),
        (9, L, "informative", "account_id", ""),
    ],
    f"{FL}/dropbox/valid/short-lived-offline-access-token": [
        (4, S, "dropbox", "access_token", ""),
        (8, S, "dropbox", "refresh_token", ""),
        (9, L, "informative", "account_id", ""),
    ],
    f"{FL}/dropbox/valid/short-lived-token": [
        (4, S, "dropbox", "access_token", ""),
        (8, L, "informative", "account_id", ""),
    ],
    f"{FL}/dropbox/invalid/has-As-but-isnt-key": [(1, L, "placeholder", "AAAAAAA", "")],
    f"{FL}/aws/invalid/access-key-id-placeholder-2": [(1, L, "placeholder", "AKIA", "")],
    f"{FL}/aws/invalid/github-private-user-images-link": [(2, L, "informative", "jwt=", "")],
    f"{FL}/basic-auth/invalid/container-registry-ref": [(1, L, "informative", "sha256", "")],
    f"{FL}/basic-auth/invalid/invalid-mailto": [(2, L, "informative", "mailto", "")],
    f"{FL}/basic-auth/invalid/only-regex-1": [],
    f"{FL}/basic-auth/invalid/only-regex-2": [],
    f"{FL}/basic-auth/invalid/only-regex-3": [],
    f"{FL}/basic-auth/invalid/placeholder-username": [(1, L, "placeholder", "git:openshift", "")],
    f"{FL}/google/benign/google-analytics-api-key": [(3, L, "google", "AIza", PB)],
    f"{FL}/google/invalid/recaptcha-placeholder": [
        (2, L, "placeholder", "RECAPTCHA_SITE_KEY", ""),
        (4, L, "placeholder", "RECAPTCHA_PROJECT_API_KEY", ""),
    ],
    f"{FL}/ansible/valid/vault-password.yml": [
        ((3, 11), S, "encrypted", "$ANSIBLE_VAULT", E),
        (15, S, "password", "Password:", ""),
    ],
}

DISPUTED: Dict[str, str] = {
    C: "the value's random part is a counting run: issue 15's sequential-alphabet placeholder class",
    D: "a vendor's or standard's documented example value",
    P: "a sentence about where the secret belongs, not a secret",
    E: "an Ansible Vault ciphertext block, made to be committed",
    PB: "a Google API key in plain text, though its source calls it public",
}


def heldout23_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 23: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout23: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="fake-leaks", disputed_rules=DISPUTED))
    return samples
