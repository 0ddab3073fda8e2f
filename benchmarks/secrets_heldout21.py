"""Held-out set 21 of issue 15 (round 20): real-world code whose secrets were
altered just enough to be invalid, from a source no earlier set used, scored
once on the final code of round 20.

**0xInfection/vulninfra**: code samples "picked from various repositories
across GitHub" (a Node.js site builder, an Express/Mongoose API, a Jenkins
pipeline, a C# API client, an Android app's ``google-services.json``, a
``.env``, two private keys), whose secrets "have been modified slightly to
render them invalid while retaining their valid structure"; its README names
each file's secret. Files saved under ``vulninfra/`` (``clientcs.cs`` as an
excerpt of the lines that hold its credential; ``SOURCES.txt``).

**Unit** (as sets 17, 18 and 20): one line of a file (a private-key block is
one sample over its lines); a sample is reported when a secrets finding at the
default severity starts on one of its lines. Labels (:data:`LABELS`, written by
reading each file and the README before any verdict): a **secret** is a value
that gives access or is key material (a password, API key, OAuth client
secret, analysis-server token, private key), or one the README presents as a
secret; an **informative** line holds a user name, client id, project id, host
or URL without a password; a **placeholder** line a value that says it is none
(``<password>`` in a connection-string template); every other non-blank line is
a ``plain`` look-alike.

**Checked as** (``--kinds``): ``asis`` (each file under its own name, as a walk
reads it: ``.js``, ``.cs``, ``jenkinsfile`` and ``accesskeys`` are not read)
and ``config.yaml`` (every file's text as configuration text).

Classes: ``password``, ``basic-auth`` (a URL with a password), ``generic``
(API keys, tokens, client secrets, signing keys), ``sendgrid``, ``google``,
``private-key``, ``informative``, ``placeholder``, ``plain``.

Disputed labels (scored both ways), written before any verdict:

- ``placeholder``: a value under a password name that says it is not one
  (``notarealpassword``): issue 15's placeholder class; the README counts the
  file's passwords as leaked -> look-alike;
- ``public-client``: a Google API key in an Android app's Firebase client
  configuration (``google-services.json``'s ``current_key``): shipped inside
  every build of the app by design and restricted by the app's package and
  signature; Firebase's documentation says such keys are not secret; the
  README calls it a leaked Google Cloud API key -> look-alike.

No held-out string is in this repository: :data:`LABELS` holds file paths,
line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
VI = "vulninfra"

LABELS: Dict[str, List[Row]] = {
    f"{VI}/.env": [
        (1, L, "informative", "DATABASE", ""),
        (2, L, "informative", "DB_USER", ""),
        (3, S, "password", "DB_PASSWORD", "placeholder"),
        (4, S, "generic", "SECRET_KEY", ""),
        (5, S, "sendgrid", "EMAIL_API_KEY", ""),
        (6, L, "informative", "GITHUB_CLIENT_ID", ""),
        (7, S, "generic", "GITHUB_SECRET_ID", ""),
    ],
    f"{VI}/accesskeys": [((1, 27), S, "private-key", "BEGIN RSA PRIVATE KEY", "")],
    f"{VI}/cert.pem": [((1, 51), S, "private-key", "BEGIN RSA PRIVATE KEY", "")],
    f"{VI}/app.js": [
        (13, L, "informative", "githubClientId", ""),
        (14, S, "generic", "githubClientSecret", ""),
    ],
    f"{VI}/jenkinsfile": [
        (27, S, "generic", "sonar.login", ""),
        (29, S, "generic", "sonar.login", ""),
    ],
    f"{VI}/run.js": [
        (19, L, "informative", "--username", ""),
        (20, L, "placeholder", "<password>", ""),
        (22, S, "basic-auth", "mongoose.connect", ""),
    ],
    f"{VI}/services.json": [
        (3, L, "informative", "project_number", ""),
        (4, L, "informative", "firebase_url", ""),
        (5, L, "informative", "project_id", ""),
        (11, L, "informative", "mobilesdk_app_id", ""),
        (18, L, "informative", "client_id", ""),
        (24, S, "google", "current_key", "public-client"),
        (31, L, "informative", "client_id", ""),
    ],
    f"{VI}/clientcs.cs": [
        (34, S, "basic-auth", "endpointLive", ""),
    ],
}

DISPUTED: Dict[str, str] = {
    "placeholder": "a value under a password name that says it is not one: issue 15's placeholder class",
    "public-client": "a Firebase client API key shipped in every app build by design: not secret by its vendor",
}


def heldout21_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 21: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout21: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="vulninfra", disputed_rules=DISPUTED))
    return samples
