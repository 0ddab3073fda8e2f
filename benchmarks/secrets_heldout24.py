"""Development set 24 of issue 15 (round 22): a security team's scanner
benchmark fixtures, from a source no earlier set used. Read, scored on the
base and fixed against (set 25 is the held-out set).

**personio-security/scanner-benchmarks** ("test fixtures for benchmarking
security scanners ... All information present in this repository is not
real data"): files under ``secrets/`` whose lines sit under ``Compliant``
and ``Noncompliant`` headings (comments, YAML or JSON keys, Gradle blocks),
and a README table counting each file's hardcoded secrets. The stored copy
holds 11 of the README's 17 files (the ``code.*``, ``nginx.conf`` and
``build.gradle.kts`` files are not in it); all 11 are kept, saved whole
under ``scanner-benchmarks/secrets/`` (``SOURCES.txt``).

**Unit** (as sets 17-23): one line of a file (a key block is one sample over
its lines); a sample is reported when a secrets finding at the default
severity starts on one of its lines. Labels (:data:`LABELS`, written by
reading each file before any verdict; the per-file counts equal the
README's): a **secret** is a value under a ``Noncompliant`` heading (or in
a file the README counts whole: the GitLab CI variables, the Terraform
default, the key) that gives access: a password, token, API key, URL or
command-line credential, a commented-out secret included (the README counts
it); an **informative** line holds a user name; every other non-blank line
is a ``plain`` look-alike, the ``Compliant`` lines (empty values,
``$VAR``, ``${VAR}``, ``<VAR>``, ``{{ VAR }}``, ``%VAR%``, SOPS ciphertext)
included.

**Checked as** (``--kinds``): ``asis`` (each file under its own name, as a
walk reads it) and ``config.yaml`` (every file's text as configuration
text).

Disputed labels (scored both ways), written before any verdict:

- ``fake``: the value holds the word ``FAKE``/``Fake`` (issue 15's
  placeholder list: values containing ``EXAMPLE``, ``FAKE``, ``TEST``) ->
  look-alike;
- ``word``: the value is made of words that name a credential or its role
  (``hardcoded``, ``secret``, ``token``, ``admin``, ``password``), with
  digits or punctuation added and no random part
  (``hardcoded_gradle``, ``…AdminPassword01``): set 19's rule for passwords
  that are words naming a password -> look-alike;
- ``identifier``: an AWS account id the README counts as a secret: an
  identifier, not a credential -> look-alike.

No string of the set is in this repository: :data:`LABELS` holds file
paths, line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
SB = "scanner-benchmarks/secrets"
F, W, I = "fake", "word", "identifier"

_EXPORTS: List[Row] = [
    (10, S, "generic", "SERVICE_API_TOKEN=${API_TOKEN:-", ""),
    (11, S, "generic", "SERVICE_API_TOKEN=", ""),
    (12, S, "generic", "SERVICE_API_TOKEN=\"", ""),
    (13, S, "generic", "# export COMMENTED_API_TOKEN=\"", ""),
]

LABELS: Dict[str, List[Row]] = {
    f"{SB}/.env": _EXPORTS,
    f"{SB}/.gitlab-ci.yml": [
        (2, L, "informative", "USERNAME", ""),
        (3, S, "password", "PASSWORD", W),
        (4, S, "generic", "APIKEY", ""),
        (15, S, "basic-auth", "curl https://admin:", W),
        (16, S, "generic", "?APIKEY=", ""),
    ],
    f"{SB}/.npmrc": [
        (11, S, "npm", "registry.npmjs.org/:_authToken=", ""),
        (12, S, "npm", "localhost:4873/:_authToken=", ""),
        (13, S, "npm", "artifactory.jfrog.com", F),
        (14, S, "npm", "registry.npmjs.org/:_authToken=", W),
        (15, S, "npm", "registry.npmjs.org/:_authToken=", W),
    ],
    f"{SB}/Dockerfile": [
        (16, S, "generic", "ENV APIKEY ", ""),
        (17, S, "generic", "ENV APIKEY=", ""),
        (18, S, "generic", "ENV APIKEY=\"", ""),
    ],
    f"{SB}/aws.json": [
        (16, S, "aws", "aws_id", F),
        (17, S, "aws", "aws_key", F),
        (18, S, "aws", "aws_token", F),
        (21, S, "aws", "aws_account01", I),
    ],
    f"{SB}/build.gradle": [
        (22, S, "password", "password: \"", W),
        (28, L, "informative", "username", ""),
        (29, S, "password", "password \"", W),
    ],
    f"{SB}/privatekey.txt": [((1, 20), S, "private-key", "BEGIN RSA PRIVATE KEY", "")],
    f"{SB}/script.sh": [
        (12, S, "generic", "SERVICE_API_TOKEN=${API_TOKEN:-", ""),
        (13, S, "generic", "SERVICE_API_TOKEN=", ""),
        (14, S, "generic", "SERVICE_API_TOKEN=\"", ""),
        (15, S, "generic", "# export COMMENTED_API_TOKEN=\"", ""),
        (16, S, "generic", "DRONE_TOKEN=\"", ""),
        (18, S, "generic", "DRONE_TOKEN=", ""),
        (21, S, "basic-auth", "--digest -u admin:", ""),
        (22, S, "basic-auth", "--user admin:", ""),
        (24, S, "basic-auth", "--proxy-user admin:", ""),
        (27, S, "password", "--tlspassword ", ""),
        (28, S, "password", "--proxy-tlspassword ", ""),
        (29, S, "password", "--password=", ""),
        (30, S, "password", "--http-password=", ""),
        (31, S, "password", "--proxy-password=", ""),
        (32, S, "password", "--ftp-password=", ""),
    ],
    f"{SB}/sops.yaml": [
        (4, L, "placeholder", "ENC[AES256_GCM", ""),
        (7, S, "password", "password:", W),
    ],
    f"{SB}/uri.yml": [
        (9, S, "password", "userpass=", W),
        (10, S, "basic-auth", "https://admin:", W),
        (11, S, "basic-auth", "amqp://root:", W),
        (12, S, "basic-auth", "git+https://token:", W),
    ],
    f"{SB}/variables.tf": [(3, S, "generic", "default", "")],
}

#: the README's count of hardcoded secrets per kept file (its table, stored version 1f4a9dd)
README_COUNTS: Dict[str, int] = {
    ".env": 4, ".gitlab-ci.yml": 4, ".npmrc": 5, "Dockerfile": 3, "aws.json": 4, "build.gradle": 2,
    "privatekey.txt": 1, "script.sh": 15, "sops.yaml": 1, "uri.yml": 4, "variables.tf": 1,
}

DISPUTED: Dict[str, str] = {
    F: "the value holds the word FAKE: issue 15's placeholder list",
    W: "the value is words naming a credential or its role, with digits or punctuation, no random part",
    I: "an AWS account id: an identifier, not a credential",
}


def heldout24_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 24: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout24: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="scanner-benchmarks", disputed_rules=DISPUTED))
    return samples
